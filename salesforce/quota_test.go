package salesforce_test

import (
	"bytes"
	"context"
	"errors"
	"iter"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	connectors "github.com/xlr8/connectors"
	fakesf "github.com/xlr8/connectors/internal/fake/salesforce"
	"github.com/xlr8/connectors/salesforce"
)

// testClock is a clock the test moves by hand.
type testClock struct{ elapsed atomic.Int64 }

func newTestClock() *testClock { return &testClock{} }

func (c *testClock) Now() time.Time {
	return time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC).Add(time.Duration(c.elapsed.Load()))
}

func (c *testClock) Advance(d time.Duration) { c.elapsed.Add(int64(d)) }

func asError(t *testing.T, err error) *connectors.Error {
	t.Helper()
	var e *connectors.Error
	if !errors.As(err, &e) {
		t.Fatalf("%v is not a *connectors.Error", err)
	}
	return e
}

// TestSharedQuotaBookStopsWorkersTogether: two connectors ("workers") of
// one tenant share a quota book. When one of them reads a Sforce-Limit-Info
// at the reserve, the other refuses its next call before sending it: a
// stream in progress ends with a Resume and the recheck period as
// RetryAfter, a new one sends nothing. Once the report is older than the
// recheck period, a call goes out again, reads the fallen usage, and the
// stream resumes to the end.
func TestSharedQuotaBookStopsWorkersTogether(t *testing.T) {
	srv := fakesf.New(fakesf.Config{PageSize: 200, DailyLimit: 100})
	defer srv.Close()
	raw := srv.Seed("Account", 2000)
	clock := newTestClock()
	book := connectors.NewMemoryQuotaBook(clock.Now)
	shared := []connectors.Option{salesforce.WithReserve(0.9), connectors.WithQuotaBook(book), connectors.WithClock(clock.Now)}
	a := open(t, srv, refreshCred(srv), shared...)
	b := open(t, srv, refreshCred(srv), shared...)
	q := connectors.Query{Entity: "Account", Fields: []string{"Id"}}
	if _, err := b.Schema(t.Context(), "Account"); err != nil { // b's describe is cached
		t.Fatal(err)
	}

	srv.UseQuota(80)
	next, stop := iter.Pull2(b.Get(t.Context(), q))
	defer stop()
	var got []connectors.Record
	for len(got) < 200 { // b's first page
		r, err, ok := next()
		if err != nil || !ok {
			t.Fatalf("b's first page: %v %v", ok, err)
		}
		got = append(got, r)
	}
	if u := b.Usage(); u.Used >= 90 {
		t.Fatalf("b's own report %+v is already at the reserve: the test proves nothing", u)
	}

	// a reads on until its own reports reach the reserve.
	_, err := connectors.Count(a.Get(t.Context(), q))
	if e := asError(t, err); e.Code != connectors.CodeRateLimited || e.VendorCode != "API_RESERVE" {
		t.Fatalf("a: %v", err)
	}
	used := srv.Used()
	if used != 90 {
		t.Fatalf("a stopped at %d calls used, want 90 of 100", used)
	}

	// b's stream: the next page is refused before it is requested.
	for {
		r, err, ok := next()
		if !ok {
			t.Fatal("b's stream ended without the reserve's error")
		}
		if err != nil {
			e := asError(t, err)
			if e.Code != connectors.CodeRateLimited || e.VendorCode != "API_RESERVE" || e.Retryable ||
				e.Resume == "" || e.RetryAfter != 5*time.Minute || e.Details["quota"] != "reserve" {
				t.Fatalf("b mid-stream: %+v", e)
			}
			q.Resume = e.Resume
			break
		}
		got = append(got, r) // records of a page b had received before a's report
	}
	stop()
	if n := srv.Used(); n != used {
		t.Errorf("b sent %d calls after the book said the reserve was reached", n-used)
	}
	// A new stream of b sends nothing either, and has no Resume.
	_, err = connectors.Count(b.Get(t.Context(), connectors.Query{Entity: "Account"}))
	if e := asError(t, err); e.Code != connectors.CodeRateLimited || e.Resume != "" || e.RetryAfter != 5*time.Minute {
		t.Errorf("b's new stream: %+v", e)
	}
	clock.Advance(time.Minute)
	_, err = connectors.Count(b.Get(t.Context(), connectors.Query{Entity: "Account"}))
	if e := asError(t, err); e.RetryAfter != 4*time.Minute {
		t.Errorf("a minute later: RetryAfter %s, want 4m", e.RetryAfter)
	}
	if n := srv.Used(); n != used {
		t.Errorf("b sent %d calls after the book said the reserve was reached", n-used)
	}
	if u, ok := b.SharedUsage(t.Context()); !ok || u.Used != 90 || u.Max != 100 {
		t.Errorf("b's SharedUsage: %+v %v, want a's 90/100", u, ok)
	}

	// Later the calls have rolled out of the 24 hours: the report is past
	// the recheck period, so b sends again and the stream resumes.
	clock.Advance(4 * time.Minute)
	srv.UseQuota(0)
	rest, err := connectors.Collect(b.Get(t.Context(), q))
	if err != nil {
		t.Fatalf("b resumed: %v", err)
	}
	if diff := cmp.Diff(idsOf(raw), ids(t, append(got, rest...))); diff != "" {
		t.Errorf("b before and after the reserve (-want +got):\n%s", diff)
	}
	if u, _ := a.SharedUsage(t.Context()); u.Used >= 90 {
		t.Errorf("a still sees %+v after b's fresh reports", u)
	}
}

// TestSharedQuotaBookSharesTheDailyQuota: without a reserve, a shared book
// still stops the workers together once one of them is told the daily
// allocation is spent (Salesforce's 403 carries Sforce-Limit-Info too): the
// 403 is received once, by the first worker, not by each.
func TestSharedQuotaBookSharesTheDailyQuota(t *testing.T) {
	srv := fakesf.New(fakesf.Config{PageSize: 200, DailyLimit: 1000})
	defer srv.Close()
	srv.Seed("Account", 1000)
	clock := newTestClock()
	book := connectors.NewMemoryQuotaBook(clock.Now)
	var workers []*salesforce.Connector
	for range 3 {
		c := open(t, srv, refreshCred(srv), connectors.WithQuotaBook(book), connectors.WithClock(clock.Now))
		if _, err := c.Schema(t.Context(), "Account"); err != nil {
			t.Fatal(err)
		}
		workers = append(workers, c)
	}
	srv.UseQuota(1000)
	q := connectors.Query{Entity: "Account", Fields: []string{"Id"}}
	_, err := connectors.Count(workers[0].Get(t.Context(), q))
	if e := asError(t, err); e.VendorCode != "REQUEST_LIMIT_EXCEEDED" || e.HTTPStatus != 403 {
		t.Fatalf("first worker: %v", err)
	}
	for i, c := range workers[1:] {
		_, err := connectors.Count(c.Get(t.Context(), q))
		if e := asError(t, err); e.Code != connectors.CodeRateLimited || e.VendorCode != "API_RESERVE" ||
			e.Details["quota"] != "daily" || e.RetryAfter != 5*time.Minute || e.Retryable {
			t.Errorf("worker %d: %+v", i+1, e)
		}
	}
	if n := srv.Calls("quotaRejected"); n != 1 {
		t.Errorf("Salesforce refused %d calls for the daily quota, want 1: the others must not send", n)
	}
}

// failingBook is a quota book that cannot be reached.
type failingBook struct{}

func (failingBook) Record(context.Context, connectors.QuotaKey, connectors.QuotaUsage) error {
	return connectors.NewError(connectors.CodeUnavailable, "book unreachable")
}

func (failingBook) Load(context.Context, connectors.QuotaKey) (connectors.QuotaUsage, bool, error) {
	return connectors.QuotaUsage{}, false, connectors.NewError(connectors.CodeUnavailable, "book unreachable")
}

// TestQuotaBookOutageFallsBackToOwnReports: a book that cannot be reached
// is logged once and the reserve still holds, against the connector's own
// reports.
func TestQuotaBookOutageFallsBackToOwnReports(t *testing.T) {
	srv := fakesf.New(fakesf.Config{PageSize: 200, DailyLimit: 100})
	defer srv.Close()
	srv.Seed("Account", 2000)
	var logs bytes.Buffer
	var mu sync.Mutex
	logger := slog.New(slog.NewTextHandler(writerFunc(func(p []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		return logs.Write(p)
	}), nil))
	c := open(t, srv, refreshCred(srv), salesforce.WithReserve(0.9), connectors.WithQuotaBook(failingBook{}), connectors.WithLogger(logger))
	srv.UseQuota(86)
	_, err := connectors.Count(c.Get(t.Context(), connectors.Query{Entity: "Account", Fields: []string{"Id"}}))
	if e := asError(t, err); e.VendorCode != "API_RESERVE" || e.Resume == "" {
		t.Fatalf("%v", err)
	}
	if used := srv.Used(); used != 90 {
		t.Errorf("used %d calls, want to stop at 90 of 100", used)
	}
	mu.Lock()
	defer mu.Unlock()
	if n := strings.Count(logs.String(), "level=WARN"); n != 1 || !strings.Contains(logs.String(), "quota book cannot be reached") {
		t.Errorf("want one warning for the book's outage, got %d:\n%s", n, logs.String())
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// TestUsageIsTheLastReportWithoutABook: without a book, the reserve reads
// the connector's own reports (as before the book existed) and Usage and
// SharedUsage agree.
func TestUsageIsTheLastReportWithoutABook(t *testing.T) {
	srv := fakesf.New(fakesf.Config{DailyLimit: 500})
	defer srv.Close()
	srv.Seed("Account", 10)
	c := open(t, srv, refreshCred(srv))
	if _, ok := c.SharedUsage(t.Context()); ok {
		t.Error("a usage report before any call")
	}
	srv.UseQuota(41)
	if _, err := c.Schema(t.Context(), "Account"); err != nil {
		t.Fatal(err)
	}
	u, ok := c.SharedUsage(t.Context())
	if want := (salesforce.Usage{Used: 42, Max: 500}); c.Usage() != want || !ok || u.Used != 42 || u.Max != 500 || u.Window != 24*time.Hour {
		t.Errorf("Usage %+v, SharedUsage %+v %v, want 42/500", c.Usage(), u, ok)
	}
}
