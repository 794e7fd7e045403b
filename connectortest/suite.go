package connectortest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	connectors "github.com/xlr8/connectors"
)

// Run runs the conformance suite against the connectors newHarness builds.
// Every connector, the simulator, and host applications' own adapters run
// the same suite; it is the specification of the port.
func Run(t *testing.T, newHarness Factory) {
	t.Helper()
	tests := []struct {
		name string
		fn   func(t *testing.T, s *session)
	}{
		{"Lifecycle", testLifecycle},
		{"EntitiesAndSchema", testEntitiesAndSchema},
		{"GetStreamsEveryRecordOnce", testGetAll},
		{"GetAgainRunsAgain", testGetTwice},
		{"Limit", testLimit},
		{"Fields", testFields},
		{"EqFilter", testEqFilter},
		{"Filters", testFilters},
		{"Cancel", testCancel},
		{"BreakStopsTheStream", testBreak},
		{"UnknownEntity", testUnknownEntity},
		{"UnknownAction", testUnknownAction},
		{"As", testAs},
		{"ActionSchemas", testActionSchemas},
		{"Explain", testExplain},
		{"BulkExport", testBulkExport},
		{"RetryRateLimit", func(t *testing.T, s *session) { testRetried(t, s, FaultRateLimit) }},
		{"RetryUnavailable", func(t *testing.T, s *session) { testRetried(t, s, FaultUnavailable) }},
		{"RetryResetMidBody", func(t *testing.T, s *session) { testRetried(t, s, FaultReset) }},
		{"RetryStall", func(t *testing.T, s *session) { testRetried(t, s, FaultStall) }},
		{"RefreshOnceOn401", testRefresh},
		{"MalformedBody", func(t *testing.T, s *session) { testBadBody(t, s, FaultMalformed) }},
		{"TruncatedBody", func(t *testing.T, s *session) { testBadBody(t, s, FaultTruncated) }},
		{"HTMLBody", func(t *testing.T, s *session) { testBadBody(t, s, FaultHTML) }},
		{"OversizedBody", func(t *testing.T, s *session) { testBadBody(t, s, FaultOversized) }},
		{"ResumeAfterOutage", testResume},
		{"ShortTotal", testShortTotal},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			h, err := newHarness(ctx, t)
			if err != nil {
				t.Fatalf("building the harness: %v", err)
			}
			s := &session{h: h, logs: &captured{}}
			t.Cleanup(func() { s.checkSecrets(t) })
			tc.fn(t, s)
		})
	}
}

// session is one test's harness, log capture and error record.
type session struct {
	h    Harness
	logs *captured
	mu   sync.Mutex
	errs []string
}

// Suite options: a capturing logger, fast retries (3 attempts), a short
// attempt timeout for stalls and a body cap below FaultOversized's body.
func (s *session) options() []connectors.Option {
	return []connectors.Option{
		connectors.WithLogger(slog.New(slog.NewJSONHandler(s.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))),
		connectors.WithRetry(connectors.RetryPolicy{MaxAttempts: 3, MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond, MaxRetryAfter: 10 * time.Millisecond}),
		connectors.WithRequestTimeout(750 * time.Millisecond),
		connectors.WithMaxBodyBytes(MaxBodyBytes),
	}
}

func (s *session) open(t *testing.T, ctx context.Context) connectors.Connector {
	t.Helper()
	c, err := s.h.Open(ctx, s.options()...)
	if err != nil {
		s.noteErr(err)
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func (s *session) noteErr(err error) {
	if err == nil {
		return
	}
	s.mu.Lock()
	s.errs = append(s.errs, err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err))
	s.mu.Unlock()
}

// collect drains a stream, recording the error.
func (s *session) collect(seq func(func(connectors.Record, error) bool)) ([]connectors.Record, error) {
	var out []connectors.Record
	for r, err := range seq {
		if err != nil {
			s.noteErr(err)
			return out, err
		}
		out = append(out, r)
	}
	return out, nil
}

func (s *session) seed(t *testing.T, ctx context.Context, n int) []connectors.Record {
	t.Helper()
	recs, err := s.h.Seed(ctx, n)
	if err != nil {
		t.Fatalf("Seed(%d): %v", n, err)
	}
	if len(recs) != n {
		t.Fatalf("Seed(%d) returned %d records", n, len(recs))
	}
	return recs
}

// pagesOf returns a record count spanning several pages and ending mid-page.
func (s *session) pagesOf(pages int) int {
	ps := s.h.PageSize()
	if ps <= 0 {
		ps = 10
	}
	return pages*ps + ps/2 + 1
}

func (s *session) idOf(r connectors.Record) string {
	v, ok := r.Lookup(s.h.IDField())
	if !ok || v == nil {
		return ""
	}
	return fmt.Sprint(v)
}

// checkIDs reports missing, duplicate and unexpected ids.
func (s *session) checkIDs(t *testing.T, what string, got, want []connectors.Record) {
	t.Helper()
	seen := map[string]int{}
	for _, r := range got {
		id := s.idOf(r)
		if id == "" {
			t.Errorf("%s: a record has no %s field: %v", what, s.h.IDField(), keys(r))
			continue
		}
		seen[id]++
	}
	wantIDs := map[string]bool{}
	for _, r := range want {
		wantIDs[s.idOf(r)] = true
	}
	var dup, missing, extra []string
	for id, n := range seen {
		if n > 1 {
			dup = append(dup, fmt.Sprintf("%s×%d", id, n))
		}
		if !wantIDs[id] {
			extra = append(extra, id)
		}
	}
	for id := range wantIDs {
		if seen[id] == 0 {
			missing = append(missing, id)
		}
	}
	report := func(kind string, list []string) {
		if len(list) == 0 {
			return
		}
		sort.Strings(list)
		if len(list) > 8 {
			list = append(list[:8], fmt.Sprintf("... %d more", len(list)-8))
		}
		t.Errorf("%s: %s records: %s", what, kind, strings.Join(list, ", "))
	}
	report("duplicate", dup)
	report("missing", missing)
	report("unexpected", extra)
	if len(got) != len(want) && len(dup) == 0 && len(missing) == 0 && len(extra) == 0 {
		t.Errorf("%s: got %d records, want %d", what, len(got), len(want))
	}
}

func keys(r connectors.Record) []string {
	out := make([]string, 0, len(r))
	for k := range r {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// requireCode fails unless err is a *connectors.Error with code.
func requireCode(t *testing.T, what string, err error, code connectors.Code) {
	t.Helper()
	var e *connectors.Error
	switch {
	case err == nil:
		t.Errorf("%s: no error, want %s", what, code)
	case !errors.As(err, &e):
		t.Errorf("%s: error %T is not a *connectors.Error: %v", what, err, err)
	case e.Code != code:
		t.Errorf("%s: code %s, want %s (%v)", what, e.Code, code, err)
	}
}

func requireTyped(t *testing.T, what string, err error) *connectors.Error {
	t.Helper()
	var e *connectors.Error
	if err == nil {
		t.Errorf("%s: no error", what)
		return nil
	}
	if !errors.As(err, &e) {
		t.Errorf("%s: error %T is not a *connectors.Error: %v", what, err, err)
		return nil
	}
	return e
}

func (s *session) inject(t *testing.T, f Fault, n int) {
	t.Helper()
	if !s.h.Inject(f, n) {
		t.Skipf("the harness cannot inject %s", f)
	}
}

// checkSecrets fails if a secret value appears in any log line or error
// string of the test.
func (s *session) checkSecrets(t *testing.T) {
	t.Helper()
	logs := s.logs.String()
	s.mu.Lock()
	errText := strings.Join(s.errs, "\n")
	s.mu.Unlock()
	for _, secret := range s.h.Secrets() {
		if len(secret) < 4 {
			continue
		}
		if strings.Contains(logs, secret) {
			t.Errorf("a secret value (%d bytes, starting %q) appears in the log", len(secret), secret[:2])
		}
		if strings.Contains(errText, secret) {
			t.Errorf("a secret value (%d bytes, starting %q) appears in an error string", len(secret), secret[:2])
		}
	}
}

// captured is a concurrency-safe log sink.
type captured struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (c *captured) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.buf.Write(p)
}

func (c *captured) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.buf.String()
}
