package redislimit

import (
	"errors"
	"sync"
	"testing"
	"time"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/credentials"
	fakesf "github.com/xlr8/connectors/internal/fake/salesforce"
	"github.com/xlr8/connectors/salesforce"
)

// TestSalesforceWorkersShareTheQuotaOnRedis: two Salesforce connectors of
// one tenant, each with its own Redis client and QuotaBook (two machines),
// over the fake org. The first reads on until Sforce-Limit-Info reaches
// the reserve; the second then refuses before sending anything, with
// RATE_LIMITED, not retryable, and the recheck period as RetryAfter.
func TestSalesforceWorkersShareTheQuotaOnRedis(t *testing.T) {
	redisSrv := startRedis(t, "")
	srv := fakesf.New(fakesf.Config{PageSize: 200, DailyLimit: 100})
	defer srv.Close()
	srv.Seed("Account", 2000)
	var mu sync.Mutex
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	cfg := srv.Config()
	cred := &credentials.Credential{ID: "sf-tenant-7", ProductID: salesforce.Product, InstanceURL: srv.URL, AuthType: credentials.AuthOAuth2,
		Secrets: credentials.Secrets{"client_id": cfg.ClientID, "client_secret": cfg.ClientSecret,
			"refresh_token": srv.CurrentRefreshToken(), "token_url": srv.TokenURL()}}
	worker := func() *salesforce.Connector {
		book := newQuotaBook(t, redisSrv.addr, QuotaConfig{})
		c, err := salesforce.New(t.Context(), cred, connectors.WithHTTPClient(srv.Client()), connectors.WithClock(clock),
			connectors.WithQuotaBook(book), salesforce.WithReserve(0.9), salesforce.WithQuotaRecheck(10*time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = c.Close() })
		return c
	}
	a, b := worker(), worker()
	if _, err := b.Schema(t.Context(), "Account"); err != nil {
		t.Fatal(err)
	}
	srv.UseQuota(86)
	q := connectors.Query{Entity: "Account", Fields: []string{"Id"}}
	_, err := connectors.Count(a.Get(t.Context(), q))
	var e *connectors.Error
	if !errors.As(err, &e) || e.VendorCode != "API_RESERVE" {
		t.Fatalf("a: %v", err)
	}
	used := srv.Used()
	if used != 90 {
		t.Fatalf("a stopped at %d of 100, want 90", used)
	}
	if u := b.Usage(); u.Used >= 90 {
		t.Fatalf("b's own report %+v is at the reserve already: the test proves nothing", u)
	}
	_, err = connectors.Count(b.Get(t.Context(), q))
	if !errors.As(err, &e) || e.Code != connectors.CodeRateLimited || e.VendorCode != "API_RESERVE" || e.Retryable ||
		e.RetryAfter != 10*time.Minute {
		t.Fatalf("b: %+v", err)
	}
	if n := srv.Used(); n != used {
		t.Errorf("b sent %d calls after a reached the reserve", n-used)
	}
	if u, ok := b.SharedUsage(t.Context()); !ok || u.Used != 90 || u.Max != 100 {
		t.Errorf("b's SharedUsage %+v %v, want a's 90/100 from Redis", u, ok)
	}
}
