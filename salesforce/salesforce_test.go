package salesforce_test

import (
	"bytes"
	"context"
	crand "crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/credentials"
	fakesf "github.com/xlr8/connectors/internal/fake/salesforce"
	"github.com/xlr8/connectors/salesforce"
	"github.com/xlr8/connectors/translate"
)

func fastRetry() connectors.Option {
	return connectors.WithRetry(connectors.RetryPolicy{MaxAttempts: 3, MinBackoff: time.Millisecond, MaxBackoff: 2 * time.Millisecond, MaxRetryAfter: 5 * time.Millisecond})
}

func open(t *testing.T, srv *fakesf.Server, cred *credentials.Credential, opts ...connectors.Option) *salesforce.Connector {
	t.Helper()
	all := append([]connectors.Option{connectors.WithHTTPClient(srv.Client()), fastRetry(),
		salesforce.WithBulkPoll(time.Millisecond, 2*time.Millisecond)}, opts...)
	c, err := salesforce.New(t.Context(), cred, all...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func ids(t *testing.T, recs []connectors.Record) []string {
	t.Helper()
	out := make([]string, len(recs))
	for i, r := range recs {
		out[i], _ = r["Id"].(string)
	}
	sort.Strings(out)
	return out
}

func idsOf(raw []map[string]any) []string {
	out := make([]string, len(raw))
	for i, r := range raw {
		out[i] = r["Id"].(string)
	}
	sort.Strings(out)
	return out
}

func TestAuthFlows(t *testing.T) {
	key, _ := rsa.GenerateKey(crand.Reader, 2048)
	der, _ := x509.MarshalPKCS8PrivateKey(key)
	keyPEM := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	srv := fakesf.New(fakesf.Config{JWTKey: &key.PublicKey, Audience: "https://login.salesforce.com", PageSize: 200})
	defer srv.Close()
	srv.Seed("Account", 450)
	cfg := srv.Config()
	// The credential's instance URL is a host that does not resolve: every
	// data call must go to the instance_url of the token response.
	const login = "https://acme-login.invalid"
	creds := map[string]*credentials.Credential{
		"refresh_token": {InstanceURL: login, AuthType: credentials.AuthOAuth2, Secrets: credentials.Secrets{
			"client_id": cfg.ClientID, "client_secret": cfg.ClientSecret, "refresh_token": cfg.RefreshToken, "token_url": srv.TokenURL()}},
		"client_credentials": {InstanceURL: login, AuthType: credentials.AuthOAuth2, Secrets: credentials.Secrets{
			"grant_type": "client_credentials", "client_id": cfg.ClientID, "client_secret": cfg.ClientSecret, "token_url": srv.TokenURL()}},
		"urn:ietf:params:oauth:grant-type:jwt-bearer": {InstanceURL: login, AuthType: credentials.AuthOAuth2, Secrets: credentials.Secrets{
			"grant_type": "jwt_bearer", "client_id": cfg.ClientID, "private_key": keyPEM, "subject": cfg.Username,
			"token_url": srv.TokenURL(), "audience": "https://login.salesforce.com"}},
	}
	for grant, cred := range creds {
		t.Run(grant, func(t *testing.T) {
			before := srv.TokenRequests(grant)
			c := open(t, srv, cred)
			recs, err := connectors.Collect(c.Get(t.Context(), connectors.Query{Entity: "Account", Fields: []string{"Id", "Name"}}))
			if err != nil {
				t.Fatal(err)
			}
			if len(recs) != 450 {
				t.Errorf("%d records", len(recs))
			}
			if n := srv.TokenRequests(grant) - before; n != 1 {
				t.Errorf("%d token requests for the %s grant, want 1", n, grant)
			}
			st, err := c.Test(t.Context())
			if err != nil || !st.Authenticated || st.APIVersion != salesforce.DefaultAPIVersion {
				t.Errorf("Test: %+v, %v", st, err)
			}
		})
	}
	// A rejected grant is UNAUTHENTICATED, with no secret in the error.
	bad := creds["refresh_token"].Clone()
	bad.Secrets["refresh_token"] = "wrong-refresh-token-value"
	c := open(t, srv, bad)
	err := c.Connect(t.Context())
	var e *connectors.Error
	if !errors.As(err, &e) || e.Code != connectors.CodeUnauthenticated || e.VendorCode != "invalid_grant" {
		t.Errorf("rejected refresh token: %v", err)
	}
	if strings.Contains(fmt.Sprintf("%v %+v", err, err), "wrong-refresh-token-value") {
		t.Error("the refresh token leaks into the error")
	}
}

func TestExpiredSessionRefreshesOnceForConcurrentStreams(t *testing.T) {
	srv := fakesf.New(fakesf.Config{PageSize: 200})
	defer srv.Close()
	srv.Seed("Account", 700)
	c := open(t, srv, refreshCred(srv))
	if _, err := c.Schema(t.Context(), "Account"); err != nil {
		t.Fatal(err)
	}
	before := srv.TokenRequests("")
	srv.ExpireTokens()
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := connectors.Count(c.Get(t.Context(), connectors.Query{Entity: "Account", Fields: []string{"Id"}}))
			if err == nil && n != 700 {
				err = fmt.Errorf("%d records", n)
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if n := srv.TokenRequests("") - before; n != 1 {
		t.Errorf("8 streams hitting INVALID_SESSION_ID caused %d token requests, want 1", n)
	}
}

func TestLongQueryRunsAsBulkJob(t *testing.T) {
	srv := fakesf.New(fakesf.Config{PageSize: 200, MaxURI: 2048, BulkChunk: 100})
	defer srv.Close()
	raw := srv.Seed("Account", 500)
	var wanted []any
	for i := 0; i < 300; i += 2 {
		wanted = append(wanted, raw[i]["Id"])
	}
	q := connectors.Query{Entity: "Account", Where: connectors.In("Id", wanted...)}
	// Against a connector that did not know the limit, the fake answers 414.
	naive := open(t, srv, refreshCred(srv), salesforce.WithMaxURI(100000))
	_, err := connectors.Collect(naive.Get(t.Context(), q))
	if !errors.Is(err, connectors.ErrInvalidArgument) || !strings.Contains(err.Error(), "414") {
		t.Fatalf("a 5 KB query URL: %v, want the fake's 414", err)
	}
	c := open(t, srv, refreshCred(srv), salesforce.WithMaxURI(2000), salesforce.WithBulkChunk(100))
	plan, err := c.Explain(t.Context(), q)
	if err != nil || !plan.Bulk {
		t.Fatalf("Explain: %+v %v", plan, err)
	}
	got, err := connectors.Collect(c.Get(t.Context(), q))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 150 || srv.Calls("bulkCreate") != 1 || srv.Calls("bulkResults") != 2 {
		t.Errorf("%d records, %d jobs, %d result chunks", len(got), srv.Calls("bulkCreate"), srv.Calls("bulkResults"))
	}
	// The same records, typed the same way, as a REST read of a short query.
	rest, err := connectors.Collect(c.Get(t.Context(), connectors.Query{Entity: "Account", Where: connectors.Lt("Id", raw[300]["Id"])}))
	if err != nil {
		t.Fatal(err)
	}
	restByID := map[string]connectors.Record{}
	for _, r := range rest {
		restByID[r["Id"].(string)] = r
	}
	for _, r := range got {
		if diff := cmp.Diff(restByID[r["Id"].(string)], r); diff != "" {
			t.Fatalf("bulk and REST records differ (-rest +bulk):\n%s", diff)
		}
	}
}

func TestDailyQuotaEndsStreamAndResumeWorksNextDay(t *testing.T) {
	srv := fakesf.New(fakesf.Config{PageSize: 200, DailyLimit: 1000})
	defer srv.Close()
	raw := srv.Seed("Account", 1000)
	c := open(t, srv, refreshCred(srv))
	if _, err := c.Schema(t.Context(), "Account"); err != nil {
		t.Fatal(err)
	}
	srv.UseQuota(997) // three calls left: pages 1 to 3
	q := connectors.Query{Entity: "Account", Fields: []string{"Id", "Name"}}
	first, err := connectors.Collect(c.Get(t.Context(), q))
	var e *connectors.Error
	if !errors.As(err, &e) || e.Code != connectors.CodeRateLimited || e.VendorCode != "REQUEST_LIMIT_EXCEEDED" || e.Retryable || e.HTTPStatus != 403 {
		t.Fatalf("quota exhausted: %v", err)
	}
	if e.Resume == "" || len(first) != 600 {
		t.Fatalf("%d records before the quota ran out, resume %q", len(first), e.Resume)
	}
	if n := srv.Calls("quotaRejected"); n != 1 {
		t.Errorf("the daily-quota 403 was sent %d times, want once (no retry)", n)
	}
	if u := c.Usage(); u.Remaining() != 0 {
		t.Errorf("Usage after the quota ran out: %+v", u)
	}
	// The next day: the quota reset and the query cursor is long gone.
	srv.ExpireCursors()
	srv.UseQuota(0)
	q.Resume = e.Resume
	rest, err := connectors.Collect(c.Get(t.Context(), q))
	if err != nil {
		t.Fatalf("resumed: %v", err)
	}
	if diff := cmp.Diff(idsOf(raw), ids(t, append(first, rest...))); diff != "" {
		t.Errorf("first day + next day (-want +got):\n%s", diff)
	}
}

func TestCursorExpiringMidStreamContinuesByKeyset(t *testing.T) {
	srv := fakesf.New(fakesf.Config{PageSize: 200})
	defer srv.Close()
	raw := srv.Seed("Account", 1000)
	c := open(t, srv, refreshCred(srv))
	var got []connectors.Record
	for r, err := range c.Get(t.Context(), connectors.Query{Entity: "Account", Where: connectors.Ne("Industry", "Energy")}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, r)
		if len(got) == 250 {
			srv.ExpireCursors() // a consumer slower than 15 minutes
		}
	}
	var want []string
	for _, r := range raw {
		if r["Industry"] != "Energy" {
			want = append(want, r["Id"].(string))
		}
	}
	sort.Strings(want)
	if diff := cmp.Diff(want, ids(t, got)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	// An order other than Id cannot continue by keyset: it says so.
	var endErr error
	n := 0
	for _, err := range c.Get(t.Context(), connectors.Query{Entity: "Account", OrderBy: []connectors.Order{connectors.Desc("Name")}}) {
		if err != nil {
			endErr = err
			break
		}
		if n++; n == 10 {
			srv.ExpireCursors()
		}
	}
	if endErr == nil || !strings.Contains(endErr.Error(), "keyset") {
		t.Errorf("expired cursor on a Name-ordered query: %v", endErr)
	}
}

func TestReserve(t *testing.T) {
	srv := fakesf.New(fakesf.Config{PageSize: 200, DailyLimit: 100})
	defer srv.Close()
	srv.Seed("Account", 2000)
	c := open(t, srv, refreshCred(srv), salesforce.WithReserve(0.9))
	srv.UseQuota(86)
	n, err := connectors.Count(c.Get(t.Context(), connectors.Query{Entity: "Account", Fields: []string{"Id"}}))
	var e *connectors.Error
	if !errors.As(err, &e) || e.Code != connectors.CodeRateLimited || e.VendorCode != "API_RESERVE" || e.Resume == "" {
		t.Fatalf("after %d records: %v", n, err)
	}
	if used := srv.Used(); used != 90 {
		t.Errorf("the connector used %d calls, want to stop at 90 of 100", used)
	}
}

func TestBulkExport(t *testing.T) {
	srv := fakesf.New(fakesf.Config{BulkChunk: 1000})
	defer srv.Close()
	raw := srv.Seed("Account", 2500)
	var progress []connectors.Progress
	c := open(t, srv, refreshCred(srv), salesforce.WithAPIVersion("61.0"), salesforce.WithBulkChunk(700),
		connectors.WithProgress(func(p connectors.Progress) { progress = append(progress, p) }))
	var be connectors.BulkExporter = c
	st, err := be.StartExport(t.Context(), connectors.Query{Entity: "Account", Where: connectors.Contains("Name", "1")})
	if err != nil || st.State != connectors.JobQueued || st.VendorState != "UploadComplete" || st.Entity != "Account" {
		t.Fatalf("StartExport: %+v %v", st, err)
	}
	got, err := connectors.Collect(be.ExportResults(t.Context(), st.ID))
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, r := range raw {
		if strings.Contains(r["Name"].(string), "1") {
			want = append(want, r["Id"].(string))
		}
	}
	sort.Strings(want)
	if diff := cmp.Diff(want, ids(t, got)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	chunks := (len(want) + 699) / 700
	if srv.Calls("bulkResults") != chunks {
		t.Errorf("%d result requests for %d records in chunks of 700", srv.Calls("bulkResults"), len(want))
	}
	last := progress[len(progress)-1]
	if !last.Done || last.Records != int64(len(want)) || last.Total != int64(len(want)) {
		t.Errorf("last progress %+v", last)
	}
	r := got[0]
	if _, ok := r["SystemModstamp"].(time.Time); !ok {
		t.Errorf("SystemModstamp is %T", r["SystemModstamp"])
	}
	if _, ok := r["NumberOfEmployees"].(int64); !ok {
		t.Errorf("NumberOfEmployees is %T", r["NumberOfEmployees"])
	}
	if _, ok := r["IsDeleted"].(bool); !ok {
		t.Errorf("IsDeleted is %T", r["IsDeleted"])
	}
	done, err := be.ExportStatus(t.Context(), st.ID)
	if err != nil || done.State != connectors.JobComplete || done.RecordsProcessed != int64(len(want)) {
		t.Errorf("ExportStatus: %+v %v", done, err)
	}
}

func TestBulkJobFailure(t *testing.T) {
	srv := fakesf.New(fakesf.Config{})
	defer srv.Close()
	srv.Seed("Account", 10)
	c := open(t, srv, refreshCred(srv))
	srv.FailNextJob("INVALID_FIELD: No such column 'Foo' on entity 'Account'")
	st, err := c.StartExport(t.Context(), connectors.Query{Entity: "Account"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = connectors.Collect(c.ExportResults(t.Context(), st.ID))
	var e *connectors.Error
	if !errors.As(err, &e) || e.Code != connectors.CodeInvalidArgument || e.VendorCode != "INVALID_FIELD" || !strings.Contains(e.Message, "No such column 'Foo'") {
		t.Fatalf("failed job: %v", err)
	}
	after, _ := c.ExportStatus(t.Context(), st.ID)
	if after.State != connectors.JobFailed || after.Err == nil {
		t.Errorf("status of a failed job: %+v", after)
	}
	if _, err := c.ExportStatus(t.Context(), "../../limits"); !errors.Is(err, connectors.ErrInvalidArgument) {
		t.Errorf("a job id that is a path: %v", err)
	}
}

func TestTimestampsAndTypes(t *testing.T) {
	for s, want := range map[string]time.Time{
		"2024-03-01T10:22:11.000+0000": time.Date(2024, 3, 1, 10, 22, 11, 0, time.UTC),
		"2024-03-01T12:22:11.000+0200": time.Date(2024, 3, 1, 10, 22, 11, 0, time.UTC),
		"2024-03-01T10:22:11.000Z":     time.Date(2024, 3, 1, 10, 22, 11, 0, time.UTC),
		"2024-03-01T10:22:11Z":         time.Date(2024, 3, 1, 10, 22, 11, 0, time.UTC),
	} {
		got, ok := salesforce.ParseTime(s)
		if !ok || !got.Equal(want) {
			t.Errorf("ParseTime(%q) = %v, %v", s, got, ok)
		}
	}
	if _, ok := salesforce.ParseTime("2024-03-01"); ok {
		t.Error("a date parsed as a datetime")
	}
	srv := fakesf.New(fakesf.Config{})
	defer srv.Close()
	ts := time.Date(2025, 6, 1, 8, 30, 0, 0, time.UTC)
	srv.Insert("Opportunity", map[string]any{"Name": "Big deal", "StageName": "Prospecting", "Amount": 125000.5,
		"CloseDate": "2025-09-30", "IsClosed": false, "IsWon": false, "CreatedDate": ts, "SystemModstamp": ts})
	c := open(t, srv, refreshCred(srv))
	recs, err := connectors.Collect(c.Get(t.Context(), connectors.Query{Entity: "Opportunity",
		Where: connectors.And{connectors.Ge("CloseDate", connectors.Date{Year: 2025, Month: 9, Day: 1}), connectors.Gt("SystemModstamp", ts.Add(-time.Hour))}}))
	if err != nil || len(recs) != 1 {
		t.Fatalf("%v %v", recs, err)
	}
	r := recs[0]
	if r["CloseDate"] != (connectors.Date{Year: 2025, Month: 9, Day: 30}) || !r["SystemModstamp"].(time.Time).Equal(ts) || r["Amount"] != 125000.5 || r["IsWon"] != false {
		t.Errorf("record %v", r)
	}
	if _, ok := r["attributes"]; ok {
		t.Error("attributes not stripped")
	}
}

func TestSince(t *testing.T) {
	srv := fakesf.New(fakesf.Config{})
	defer srv.Close()
	srv.Seed("Account", 100) // SystemModstamp = 2024-01-01 + i minutes
	c := open(t, srv, refreshCred(srv))
	n, err := connectors.Count(c.Get(t.Context(), connectors.Query{Entity: "Account", Since: time.Date(2024, 1, 1, 1, 0, 0, 0, time.UTC)}))
	if err != nil || n != 40 {
		t.Errorf("Since: %d, %v", n, err)
	}
}

func TestErrors(t *testing.T) {
	srv := fakesf.New(fakesf.Config{})
	defer srv.Close()
	srv.Seed("Account", 5)
	c := open(t, srv, refreshCred(srv))
	ctx := t.Context()
	cases := []struct {
		name   string
		err    error
		code   connectors.Code
		vendor string
	}{
		{"unknown field", firstErr(c.Get(ctx, connectors.Query{Entity: "Account", Fields: []string{"Nope__c"}})), connectors.CodeInvalidArgument, ""},
		{"unknown object", firstErr(c.Get(ctx, connectors.Query{Entity: "Nope__c"})), connectors.CodeNotFound, "NOT_FOUND"},
		{"malformed SOQL", firstErr(c.Query(ctx, "SELECT Id FROM")), connectors.CodeInvalidArgument, "MALFORMED_QUERY"},
		{"bad column in SOQL", firstErr(c.Query(ctx, "SELECT Bogus FROM Account")), connectors.CodeInvalidArgument, "INVALID_FIELD"},
		{"bad object in SOQL", firstErr(c.Query(ctx, "SELECT Id FROM Bogus")), connectors.CodeNotFound, "INVALID_TYPE"},
		{"injected name", firstErr(c.Get(ctx, connectors.Query{Entity: "Account WHERE Id != null"})), connectors.CodeNotFound, "INVALID_TYPE"},
		{"AsOf", firstErr(c.Get(ctx, connectors.Query{Entity: "Account", AsOf: time.Now()})), connectors.CodeUnsupported, ""},
	}
	for _, tc := range cases {
		var e *connectors.Error
		if !errors.As(tc.err, &e) || e.Code != tc.code || (tc.vendor != "" && e.VendorCode != tc.vendor) {
			t.Errorf("%s: %v, want %s %s", tc.name, tc.err, tc.code, tc.vendor)
		}
	}
	// A value cannot change the query's structure.
	srv.Insert("Account", map[string]any{"Name": `x' OR Name != '`, "OwnerId": "005000000000001AAA"})
	recs, err := connectors.Collect(c.Get(ctx, connectors.Query{Entity: "Account", Where: connectors.Eq("Name", `x' OR Name != '`)}))
	if err != nil || len(recs) != 1 {
		t.Errorf("injection attempt returned %d records, %v", len(recs), err)
	}
}

func firstErr(seq func(func(connectors.Record, error) bool)) error {
	for _, err := range seq {
		if err != nil {
			return err
		}
	}
	return nil
}

func TestQueryAllAndDescribeCache(t *testing.T) {
	srv := fakesf.New(fakesf.Config{})
	defer srv.Close()
	raw := srv.Seed("Account", 10)
	srv.Delete("Account", raw[3]["Id"].(string))
	c := open(t, srv, refreshCred(srv))
	n, _ := connectors.Count(c.Get(t.Context(), connectors.Query{Entity: "Account"}))
	all := open(t, srv, refreshCred(srv), salesforce.WithQueryAll())
	recs, _ := connectors.Collect(all.Get(t.Context(), connectors.Query{Entity: "Account", Where: connectors.Eq("IsDeleted", true)}))
	native, _ := connectors.Count(c.QueryAll(t.Context(), "SELECT Id FROM Account"))
	if n != 9 || len(recs) != 1 || recs[0]["Id"] != raw[3]["Id"] || native != 10 {
		t.Errorf("query %d, queryAll deleted %v, native queryAll %d", n, recs, native)
	}
	for i := 0; i < 3; i++ {
		if _, err := c.Schema(t.Context(), "Account"); err != nil {
			t.Fatal(err)
		}
	}
	if d := srv.Calls("describe"); d != 2 { // one per connector
		t.Errorf("%d describe calls, want one per connector", d)
	}
	ents, err := c.Entities(t.Context())
	if err != nil || !cmp.Equal(ents, []string{"Account", "Contact", "Opportunity", "User"}) {
		t.Errorf("Entities: %v %v", ents, err)
	}
	sch, _ := c.Schema(t.Context(), "account")
	f, _ := sch.Field("AnnualRevenue")
	if sch.Entity != "Account" || f.Type != connectors.TypeFloat || f.VendorType != "currency" || !f.Nullable {
		t.Errorf("schema %+v field %+v", sch.Entity, f)
	}
}

func TestExecute(t *testing.T) {
	srv := fakesf.New(fakesf.Config{})
	defer srv.Close()
	raw := srv.Seed("Account", 30)
	var logs bytes.Buffer
	c := open(t, srv, refreshCred(srv), connectors.WithLogger(slog.New(slog.NewJSONHandler(&logs, nil))))
	ctx := t.Context()
	who := connectors.Principal{ID: "analyst@acme.example", Type: connectors.PrincipalAIAgent}
	out, err := c.Execute(ctx, salesforce.ActionSOQLQuery, connectors.WithPrincipal(map[string]any{
		"query": "SELECT Id, Name, SystemModstamp FROM Account WHERE Industry = 'Energy'", "max_records": 4.0}, who))
	if err != nil {
		t.Fatal(err)
	}
	recs := out["records"].([]any)
	first := recs[0].(map[string]any)
	if len(recs) != 4 || out["done"] != false || out["count"] != 4.0 || first["SystemModstamp"] != "2024-01-01T00:00:00Z" {
		t.Errorf("soql.query: %v", out)
	}
	out, err = c.Execute(ctx, salesforce.ActionSObjectGet, connectors.WithPrincipal(map[string]any{"sobject": "Account", "id": raw[2]["Id"], "fields": []any{"Name"}}, who))
	if err != nil || out["record"].(map[string]any)["Name"] != "Account 2" {
		t.Errorf("sobject.get: %v %v", out, err)
	}
	out, err = c.Execute(ctx, salesforce.ActionSObjectDescribe, map[string]any{"sobject": "Account"})
	if err != nil || out["name"] != "Account" || len(out["fields"].([]any)) != 20 {
		t.Errorf("sobject.describe: %v %v", out["name"], err)
	}
	out, err = c.Execute(ctx, salesforce.ActionLimitsGet, nil)
	if err != nil || out["daily_api_remaining"].(float64) <= 0 {
		t.Errorf("limits.get: %v %v", out, err)
	}
	out, err = c.Execute(ctx, salesforce.ActionSObjectList, nil)
	if err != nil || len(out["sobjects"].([]any)) != 4 {
		t.Errorf("sobject.list: %v %v", out, err)
	}
	for name, tc := range map[string]struct {
		action string
		params map[string]any
		code   connectors.Code
		field  string
	}{
		"missing query":  {salesforce.ActionSOQLQuery, map[string]any{}, connectors.CodeInvalidArgument, "query"},
		"unknown param":  {salesforce.ActionSOQLQuery, map[string]any{"query": "SELECT Id FROM Account", "limit": 3}, connectors.CodeInvalidArgument, "limit"},
		"bad id":         {salesforce.ActionSObjectGet, map[string]any{"sobject": "Account", "id": "../../limits"}, connectors.CodeInvalidArgument, "id"},
		"too many":       {salesforce.ActionSOQLQuery, map[string]any{"query": "SELECT Id FROM Account", "max_records": 1e9}, connectors.CodeInvalidArgument, "max_records"},
		"missing record": {salesforce.ActionSObjectGet, map[string]any{"sobject": "Account", "id": "001999999999999AAA"}, connectors.CodeNotFound, ""},
		"unknown action": {"salesforce.sobject.delete", nil, connectors.CodeUnsupported, ""},
		"principal type": {salesforce.ActionSObjectList, map[string]any{connectors.ParamType: "ROBOT"}, connectors.CodeInvalidArgument, ""},
	} {
		params := tc.params
		if _, typed := params[connectors.ParamType]; !typed {
			params = connectors.WithPrincipal(params, who)
		}
		_, err := c.Execute(ctx, tc.action, params)
		var e *connectors.Error
		if !errors.As(err, &e) || e.Code != tc.code || (tc.field != "" && e.Details["field"] != tc.field) {
			t.Errorf("%s: %v (details %v)", name, err, e)
		}
	}
	for _, cp := range c.Capabilities() {
		if len(cp.InputSchema) == 0 || len(cp.OutputSchema) == 0 || cp.Write {
			t.Errorf("capability %+v", cp.Name)
		}
	}
	if !strings.Contains(logs.String(), `"capability":"salesforce.soql.query"`) || !strings.Contains(logs.String(), `"principal":"analyst@acme.example"`) {
		t.Errorf("no audit event for Execute: %s", logs.String())
	}
	if strings.Contains(logs.String(), "Account 2") {
		t.Error("a returned value reached the audit log")
	}
}

// TestMatchAgreesWithFakeFiltering runs random filters through the fake's
// own SOQL evaluation and through translate's matcher (with Salesforce's
// case folding) over the same records:
// the connector's pushed-down filters and its client-side filtering must
// select the same records.
func TestMatchAgreesWithFakeFiltering(t *testing.T) {
	srv := fakesf.New(fakesf.Config{PageSize: 500})
	defer srv.Close()
	srv.Seed("Account", 400)
	c := open(t, srv, refreshCred(srv))
	all, err := connectors.Collect(c.Get(t.Context(), connectors.Query{Entity: "Account"}))
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	leaf := func() connectors.Expr {
		switch rng.IntN(9) {
		case 0:
			return connectors.Eq("Industry", []string{"Energy", "Banking", "Retail", "Technology", "Healthcare"}[rng.IntN(5)])
		case 1:
			return connectors.In("Industry", "Energy", "Retail")
		case 2:
			return connectors.Gt("AnnualRevenue", float64(rng.IntN(1000000)))
		case 3:
			return connectors.Le("NumberOfEmployees", int64(rng.IntN(500)))
		case 4:
			return connectors.StartsWith("Name", fmt.Sprintf("Account %d", rng.IntN(40)))
		case 5:
			return connectors.Contains("Name", fmt.Sprint(rng.IntN(10)))
		case 6:
			return connectors.IsNull("Website")
		case 7:
			return connectors.Ge("SystemModstamp", time.Date(2024, 1, 1, 0, rng.IntN(400), 0, 0, time.UTC))
		}
		return connectors.Ne("Rating", "Cold")
	}
	var expr func(depth int) connectors.Expr
	expr = func(depth int) connectors.Expr {
		if depth == 0 || rng.IntN(3) == 0 {
			return leaf()
		}
		switch rng.IntN(3) {
		case 0:
			return connectors.And{expr(depth - 1), expr(depth - 1)}
		case 1:
			return connectors.Or{expr(depth - 1), expr(depth - 1)}
		}
		return connectors.Not{X: expr(depth - 1)}
	}
	for i := 0; i < 60; i++ {
		where := expr(3)
		server, err := connectors.Collect(c.Get(t.Context(), connectors.Query{Entity: "Account", Where: where}))
		if err != nil {
			t.Fatalf("%s: %v", where, err)
		}
		m, err := translate.NewMatcher(where, translate.FoldCase())
		if err != nil {
			t.Fatal(err)
		}
		var client []connectors.Record
		for _, r := range all {
			if m.Match(r) {
				client = append(client, r)
			}
		}
		if diff := cmp.Diff(ids(t, client), ids(t, server)); diff != "" {
			t.Errorf("%s: Match (-) and the fake (+) disagree:\n%s", where, diff)
		}
	}
}

func TestConstructionErrors(t *testing.T) {
	ok := &credentials.Credential{InstanceURL: "https://acme.my.salesforce.com", AuthType: credentials.AuthOAuth2,
		Secrets: credentials.Secrets{"client_id": "a", "client_secret": "b", "refresh_token": "c", "token_url": "https://login.salesforce.com/services/oauth2/token"}}
	for name, tc := range map[string]struct {
		cred *credentials.Credential
		opts []connectors.Option
	}{
		"nil":           {nil, nil},
		"basic":         {&credentials.Credential{AuthType: credentials.AuthBasic, Secrets: credentials.Secrets{"username": "u", "password": "p"}}, nil},
		"http instance": {withURL(ok, "http://acme.my.salesforce.com"), nil},
		"version":       {ok, []connectors.Option{salesforce.WithAPIVersion("v62")}},
		"reserve":       {ok, []connectors.Option{salesforce.WithReserve(1.5)}},
		"batch":         {ok, []connectors.Option{salesforce.WithBatchSize(50)}},
	} {
		if _, err := salesforce.New(context.Background(), tc.cred, tc.opts...); !errors.Is(err, connectors.ErrInvalidArgument) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func withURL(c *credentials.Credential, u string) *credentials.Credential {
	cp := c.Clone()
	cp.InstanceURL = u
	return cp
}

// TestResidualFilterFoldsCase: a clause SOQL cannot carry is filtered client
// side, with Salesforce's case-insensitive comparison, so that pushing a
// filter down or keeping it back gives the same records.
func TestResidualFilterFoldsCase(t *testing.T) {
	srv := fakesf.New(fakesf.Config{})
	defer srv.Close()
	srv.Seed("Account", 50)
	c := open(t, srv, refreshCred(srv))
	pushed, err := connectors.Collect(c.Get(t.Context(), connectors.Query{Entity: "Account", Where: connectors.Eq("Industry", "energy")}))
	if err != nil || len(pushed) != 10 {
		t.Fatalf("pushed: %d, %v", len(pushed), err)
	}
	// A control character cannot travel in SOQL: the whole Or stays client side.
	q := connectors.Query{Entity: "Account", Where: connectors.Or{connectors.Eq("Industry", "energy"), connectors.Eq("Name", "no\x01such")}}
	plan, err := c.Explain(t.Context(), q)
	if err != nil || plan.Residual == nil {
		t.Fatalf("plan %+v, %v: want a residual", plan, err)
	}
	residual, err := connectors.Collect(c.Get(t.Context(), q))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(ids(t, pushed), ids(t, residual)); diff != "" {
		t.Errorf("pushed (-) and client-side (+) filtering disagree:\n%s", diff)
	}
}

// TestBulkChunkCountChecked: a results chunk cut at a row boundary is valid
// CSV; Sforce-NumberOfRecords gives it away.
func TestBulkChunkCountChecked(t *testing.T) {
	srv := fakesf.New(fakesf.Config{})
	defer srv.Close()
	srv.Seed("Account", 40)
	srv.CutBulkRows(3)
	c := open(t, srv, refreshCred(srv))
	st, err := c.StartExport(t.Context(), connectors.Query{Entity: "Account"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = connectors.Collect(c.ExportResults(t.Context(), st.ID))
	if !errors.Is(err, connectors.ErrIncomplete) || !strings.Contains(err.Error(), "Sforce-NumberOfRecords says 40") {
		t.Errorf("a chunk short of its count: %v", err)
	}
}
