package connectors_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	connectors "github.com/xlr8/connectors"
)

var quotaT0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func report(used, max int64, after time.Duration) connectors.QuotaUsage {
	return connectors.QuotaUsage{Used: used, Max: max, At: quotaT0.Add(after), Window: 24 * time.Hour}
}

// QuotaSupersedesCases are the ordering rule's cases: the report kept after
// old and then u are recorded.
var quotaSupersedesCases = []struct {
	name   string
	old, u connectors.QuotaUsage
	want   bool
}{
	{"more used, later", report(10, 100, 0), report(11, 100, time.Second), true},
	{"more used, a little earlier (crossed on the wire)", report(10, 100, time.Second), report(11, 100, 0), true},
	{"fewer used, a little later (crossed on the wire)", report(11, 100, 0), report(10, 100, time.Second), false},
	{"fewer used, much later (calls rolled out of the window)", report(90, 100, 0), report(40, 100, 2*time.Minute), true},
	{"more used, much earlier (a stale report)", report(40, 100, 2*time.Minute), report(90, 100, 0), false},
	{"same used, later", report(10, 100, 0), report(10, 100, time.Second), true},
	{"same used, same time", report(10, 100, 0), report(10, 100, 0), true},
	{"same used, earlier", report(10, 100, time.Second), report(10, 100, 0), false},
	{"allocation raised, same used, later", report(10, 100, 0), report(10, 200, time.Second), true},
	{"exactly QuotaSettle later with fewer used", report(11, 100, 0), report(10, 100, connectors.QuotaSettle), false},
	{"just past QuotaSettle later with fewer used", report(11, 100, 0), report(10, 100, connectors.QuotaSettle+time.Microsecond), true},
}

func TestQuotaSupersedes(t *testing.T) {
	for _, tc := range quotaSupersedesCases {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.u.Supersedes(tc.old); got != tc.want {
				t.Errorf("%+v supersedes %+v: %v, want %v", tc.u, tc.old, got, tc.want)
			}
		})
	}
}

func TestMemoryQuotaBookKeepsTheNewestReport(t *testing.T) {
	key := connectors.QuotaKey{Product: "salesforce", Credential: "cred-1", Name: "DailyApiRequests"}
	for _, tc := range quotaSupersedesCases {
		t.Run(tc.name, func(t *testing.T) {
			b := connectors.NewMemoryQuotaBook(func() time.Time { return quotaT0 })
			for _, u := range []connectors.QuotaUsage{tc.old, tc.u} {
				if err := b.Record(t.Context(), key, u); err != nil {
					t.Fatal(err)
				}
			}
			want := tc.old
			if tc.want {
				want = tc.u
			}
			got, ok, err := b.Load(t.Context(), key)
			if err != nil || !ok {
				t.Fatalf("Load: %v %v", ok, err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("kept (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMemoryQuotaBookKeysAndExpiry(t *testing.T) {
	var now atomic.Int64
	now.Store(quotaT0.UnixNano())
	b := connectors.NewMemoryQuotaBook(func() time.Time { return time.Unix(0, now.Load()).UTC() })
	ctx := t.Context()
	a := connectors.QuotaKey{Product: "salesforce", Credential: "cred-a", Name: "DailyApiRequests"}
	other := []connectors.QuotaKey{
		{Product: "salesforce", Credential: "cred-b", Name: "DailyApiRequests"},
		{Product: "salesforce", Credential: "cred-a", Name: "DailyBulkV2QueryJobs"},
		{Product: "oracle_hcm", Credential: "cred-a", Name: "DailyApiRequests"},
	}
	if _, ok, err := b.Load(ctx, a); ok || err != nil {
		t.Fatalf("empty book: %v %v", ok, err)
	}
	if err := b.Record(ctx, a, report(50, 100, 0)); err != nil {
		t.Fatal(err)
	}
	for _, k := range other {
		if u, ok, _ := b.Load(ctx, k); ok {
			t.Errorf("%+v sees %+v recorded for %+v", k, u, a)
		}
	}
	now.Store(quotaT0.Add(24*time.Hour - time.Nanosecond).UnixNano())
	if _, ok, _ := b.Load(ctx, a); !ok {
		t.Error("the report expired before its window ended")
	}
	now.Store(quotaT0.Add(24 * time.Hour).UnixNano())
	if u, ok, _ := b.Load(ctx, a); ok {
		t.Errorf("the report outlived its window: %+v", u)
	}
	// After expiry any report is kept, even an older-looking one.
	if err := b.Record(ctx, a, report(5, 100, time.Hour)); err != nil {
		t.Fatal(err)
	}
	if u, ok, _ := b.Load(ctx, a); !ok || u.Used != 5 {
		t.Errorf("after expiry: %+v %v", u, ok)
	}
}

func TestMemoryQuotaBookRefusesBadReports(t *testing.T) {
	b := connectors.NewMemoryQuotaBook(nil)
	key := connectors.QuotaKey{Product: "salesforce", Credential: "c", Name: "DailyApiRequests"}
	for name, tc := range map[string]struct {
		key connectors.QuotaKey
		u   connectors.QuotaUsage
	}{
		"no product":  {connectors.QuotaKey{Credential: "c", Name: "n"}, report(1, 10, 0)},
		"no name":     {connectors.QuotaKey{Product: "p", Credential: "c"}, report(1, 10, 0)},
		"no max":      {key, report(1, 0, 0)},
		"negative":    {key, report(-1, 10, 0)},
		"no time":     {key, connectors.QuotaUsage{Used: 1, Max: 10, Window: time.Hour}},
		"no window":   {key, connectors.QuotaUsage{Used: 1, Max: 10, At: quotaT0}},
		"neg. window": {key, connectors.QuotaUsage{Used: 1, Max: 10, At: quotaT0, Window: -time.Hour}},
	} {
		if err := b.Record(t.Context(), tc.key, tc.u); !errors.Is(err, connectors.ErrInvalidArgument) {
			t.Errorf("%s: %v, want INVALID_ARGUMENT", name, err)
		}
		if _, ok, _ := b.Load(t.Context(), tc.key); ok {
			t.Errorf("%s: a refused report was kept", name)
		}
	}
}

// TestMemoryQuotaBookConcurrentRecords: reports recorded from many
// goroutines at once leave the one with the most calls used (all within
// QuotaSettle of each other), under -race.
func TestMemoryQuotaBookConcurrentRecords(t *testing.T) {
	b := connectors.NewMemoryQuotaBook(func() time.Time { return quotaT0 })
	key := connectors.QuotaKey{Product: "salesforce", Credential: "c", Name: "DailyApiRequests"}
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 100 {
				used := int64(i*8 + w)
				if err := b.Record(context.Background(), key, report(used, 1000, time.Duration(used)*time.Millisecond)); err != nil {
					t.Error(err)
					return
				}
				_, _, _ = b.Load(context.Background(), key)
			}
		}()
	}
	wg.Wait()
	if u, ok, _ := b.Load(t.Context(), key); !ok || u.Used != 799 {
		t.Errorf("kept %+v, want the report of 799 calls used", u)
	}
}

// Two reports that crossed on the wire: the one that counts more calls
// used is kept, though it arrived first.
func ExampleMemoryQuotaBook() {
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	book := connectors.NewMemoryQuotaBook(func() time.Time { return at })
	key := connectors.QuotaKey{Product: "salesforce", Credential: "cred-1", Name: "DailyApiRequests"}
	ctx := context.Background()
	_ = book.Record(ctx, key, connectors.QuotaUsage{Used: 9001, Max: 10000, At: at, Window: 24 * time.Hour})
	_ = book.Record(ctx, key, connectors.QuotaUsage{Used: 8990, Max: 10000, At: at.Add(time.Second), Window: 24 * time.Hour})
	u, ok, _ := book.Load(ctx, key)
	fmt.Println(u.Used, u.Max, ok)
	// Output: 9001 10000 true
}
