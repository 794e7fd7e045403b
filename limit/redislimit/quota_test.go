package redislimit

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/redis/go-redis/v9"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/internal/errs"
)

var quotaT0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func redisClient(t testing.TB, addr string) *redis.Client {
	t.Helper()
	rdb := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1, DialTimeout: 200 * time.Millisecond})
	t.Cleanup(func() { rdb.Close() })
	return rdb
}

func newQuotaBook(t testing.TB, addr string, cfg QuotaConfig) *QuotaBook {
	t.Helper()
	cfg.Client = redisClient(t, addr)
	b, err := NewQuotaBook(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func usage(used, max int64, after time.Duration) connectors.QuotaUsage {
	return connectors.QuotaUsage{Used: used, Max: max, At: quotaT0.Add(after), Window: 24 * time.Hour}
}

// TestQuotaBookKeepsTheNewestReport: the script's rule is
// connectors.QuotaUsage.Supersedes. Every pair of reports, recorded in
// order through two clients (two machines), leaves the report the Go rule
// says is newer: the boundary cases, then random pairs around QuotaSettle.
func TestQuotaBookKeepsTheNewestReport(t *testing.T) {
	srv := startRedis(t, "")
	one := newQuotaBook(t, srv.addr, QuotaConfig{})
	two := newQuotaBook(t, srv.addr, QuotaConfig{})
	s := connectors.QuotaSettle
	pairs := [][2]connectors.QuotaUsage{
		{usage(10, 100, 0), usage(11, 100, time.Second)},
		{usage(10, 100, time.Second), usage(11, 100, 0)},
		{usage(11, 100, 0), usage(10, 100, time.Second)},
		{usage(90, 100, 0), usage(40, 100, 2*s)},
		{usage(40, 100, 2*s), usage(90, 100, 0)},
		{usage(10, 100, 0), usage(10, 200, time.Second)},
		{usage(10, 100, time.Second), usage(10, 100, 0)},
		{usage(10, 100, 0), usage(10, 100, 0)},
		{usage(11, 100, 0), usage(10, 100, s)},
		{usage(11, 100, 0), usage(10, 100, s+time.Microsecond)},
		{usage(10, 100, s), usage(11, 100, 0)},
		{usage(10, 100, s+time.Microsecond), usage(11, 100, 0)},
	}
	rng := rand.New(rand.NewPCG(19, 2))
	for range 200 {
		r := func() connectors.QuotaUsage {
			return usage(rng.Int64N(5), 100+rng.Int64N(2), time.Duration(rng.Int64N(int64(4*s/time.Second)))*time.Second)
		}
		pairs = append(pairs, [2]connectors.QuotaUsage{r(), r()})
	}
	for i, p := range pairs {
		key := connectors.QuotaKey{Product: "salesforce", Credential: fmt.Sprintf("cred-%d", i), Name: "DailyApiRequests"}
		if err := one.Record(t.Context(), key, p[0]); err != nil {
			t.Fatal(err)
		}
		if err := two.Record(t.Context(), key, p[1]); err != nil {
			t.Fatal(err)
		}
		want := p[0]
		if p[1].Supersedes(p[0]) {
			want = p[1]
		}
		got, ok, err := one.Load(t.Context(), key)
		if err != nil || !ok {
			t.Fatalf("pair %d: Load %v %v", i, ok, err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("pair %d: %+v then %+v kept (-want +got):\n%s", i, p[0], p[1], diff)
		}
	}
}

// TestQuotaBookKeysAndExpiry: products, credentials and quota names do not
// share reports (escaping included), and a kept report's key expires with
// its window.
func TestQuotaBookKeysAndExpiry(t *testing.T) {
	srv := startRedis(t, "")
	b := newQuotaBook(t, srv.addr, QuotaConfig{Prefix: "t:"})
	keys := []connectors.QuotaKey{
		{Product: "salesforce", Credential: "a}:b", Name: "c"},
		{Product: "salesforce", Credential: "a", Name: "b}:c"},
		{Product: "salesforce", Credential: "a%7D%3Ab", Name: "c"},
		{Product: "salesforce", Credential: "a", Name: "DailyApiRequests"},
		{Product: "oracle_hcm", Credential: "a", Name: "DailyApiRequests"},
		{Product: "salesforce", Credential: "", Name: "DailyApiRequests"},
	}
	seen := map[string]bool{}
	for i, k := range keys {
		if seen[b.Key(k)] {
			t.Errorf("%+v shares the key %q", k, b.Key(k))
		}
		seen[b.Key(k)] = true
		if err := b.Record(t.Context(), k, usage(int64(i), 100, 0)); err != nil {
			t.Fatal(err)
		}
	}
	for i, k := range keys {
		if u, ok, err := b.Load(t.Context(), k); err != nil || !ok || u.Used != int64(i) {
			t.Errorf("%+v: %+v %v %v, want its own report", k, u, ok, err)
		}
	}
	if _, ok, err := b.Load(t.Context(), connectors.QuotaKey{Product: "salesforce", Credential: "z", Name: "n"}); ok || err != nil {
		t.Errorf("a key never recorded: %v %v", ok, err)
	}
	rdb := redisClient(t, srv.addr)
	ttl := rdb.PTTL(t.Context(), b.Key(keys[3])).Val()
	if ttl <= 0 || ttl > 24*time.Hour {
		t.Errorf("the report's key expires in %s, want within its 24h window", ttl)
	}
	short := connectors.QuotaUsage{Used: 1, Max: 10, At: quotaT0, Window: 1500 * time.Millisecond}
	shortKey := connectors.QuotaKey{Product: "salesforce", Credential: "a", Name: "Short"}
	if err := b.Record(t.Context(), shortKey, short); err != nil {
		t.Fatal(err)
	}
	if ttl := rdb.PTTL(t.Context(), b.Key(shortKey)).Val(); ttl <= 0 || ttl > 1500*time.Millisecond {
		t.Errorf("a 1.5s window's key expires in %s", ttl)
	}
}

// TestQuotaBookClampsAFastClock: a report stamped an hour ahead (a
// machine whose clock runs fast) is kept as stamped QuotaSettle past
// Redis's clock, so that in-sync workers' reports supersede it within
// twice QuotaSettle instead of an hour.
func TestQuotaBookClampsAFastClock(t *testing.T) {
	srv := startRedis(t, "")
	b := newQuotaBook(t, srv.addr, QuotaConfig{})
	key := connectors.QuotaKey{Product: "salesforce", Credential: "c", Name: "DailyApiRequests"}
	now := time.Now()
	fast := connectors.QuotaUsage{Used: 90, Max: 100, At: now.Add(time.Hour), Window: 24 * time.Hour}
	if err := b.Record(t.Context(), key, fast); err != nil {
		t.Fatal(err)
	}
	got, ok, err := b.Load(t.Context(), key)
	if err != nil || !ok || !got.At.Before(fast.At) || got.At.Before(now) {
		t.Fatalf("kept %+v (%v %v), want its time clamped near Redis's clock", got, ok, err)
	}
}

func TestQuotaBookRefusesBadInput(t *testing.T) {
	if _, err := NewQuotaBook(QuotaConfig{}); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Errorf("no client: %v", err)
	}
	// An invalid report is refused before Redis is asked: this one is not
	// running.
	b, err := NewQuotaBook(QuotaConfig{Client: redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"})})
	if err != nil {
		t.Fatal(err)
	}
	key := connectors.QuotaKey{Product: "salesforce", Credential: "c", Name: "DailyApiRequests"}
	for name, u := range map[string]connectors.QuotaUsage{
		"no max":    usage(1, 0, 0),
		"negative":  usage(-1, 10, 0),
		"no window": {Used: 1, Max: 10, At: quotaT0},
		"no time":   {Used: 1, Max: 10, Window: time.Hour},
	} {
		if err := b.Record(t.Context(), key, u); !errors.Is(err, errs.ErrInvalidArgument) {
			t.Errorf("%s: %v, want INVALID_ARGUMENT", name, err)
		}
	}
	if err := b.Record(t.Context(), connectors.QuotaKey{Product: "salesforce"}, usage(1, 10, 0)); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Errorf("no quota name: %v", err)
	}

	// A hash that does not hold a report is INTERNAL, not a zero report.
	srv := startRedis(t, "")
	b = newQuotaBook(t, srv.addr, QuotaConfig{})
	rdb := redisClient(t, srv.addr)
	for name, fields := range map[string][]any{
		"not a number":   {"used", "ten", "max", "100", "at", "1", "window", "1000"},
		"missing fields": {"used", "10"},
		"zero max":       {"used", "10", "max", "0", "at", "1", "window", "1000"},
	} {
		rdb.Del(t.Context(), b.Key(key))
		rdb.HSet(t.Context(), b.Key(key), fields...)
		if u, ok, err := b.Load(t.Context(), key); !errors.Is(err, errs.ErrInternal) || ok {
			t.Errorf("%s: %+v %v %v, want INTERNAL", name, u, ok, err)
		}
	}
	rdb.Del(t.Context(), b.Key(key))
	rdb.Set(t.Context(), b.Key(key), "a string", 0)
	if _, ok, err := b.Load(t.Context(), key); err == nil || ok {
		t.Errorf("a string at the key: %v %v, want an error", ok, err)
	}
}

// TestQuotaBookConcurrentWorkers: workers on separate clients record
// rising usage at once; the report of the most calls used is kept.
// quotaKey is the report TestQuotaBookConcurrentWorkers' writers share.
var quotaKey = connectors.QuotaKey{Product: "salesforce", Credential: "c", Name: "DailyApiRequests"}

const (
	quotaWriters = 12 // in all: 6 here, 3 in each of two processes
	quotaEach    = 50
	quotaEnv     = "REDISLIMIT_QUOTA_ADDR"
)

// quotaWrite is writer w of quotaWriters: its reports are the calls used
// w, w+quotaWriters, ..., each at its own instant, so the newest report
// of all is quotaWriters*quotaEach-1 whoever writes last.
func quotaWrite(t testing.TB, addr string, w int) {
	b := newQuotaBook(t, addr, QuotaConfig{})
	for i := range quotaEach {
		used := int64(i*quotaWriters + w)
		if err := b.Record(context.Background(), quotaKey, usage(used, 1000, time.Duration(used)*time.Millisecond)); err != nil {
			t.Error(err)
			return
		}
	}
}

// TestHelperQuotaProcess is a process of writers run by
// TestQuotaBookConcurrentWorkers.
func TestHelperQuotaProcess(t *testing.T) {
	addr := os.Getenv(quotaEnv)
	if addr == "" {
		t.Skip("run by TestQuotaBookConcurrentWorkers")
	}
	first, _ := strconv.Atoi(os.Getenv("REDISLIMIT_QUOTA_FIRST"))
	var wg sync.WaitGroup
	for w := first; w < first+3; w++ {
		wg.Go(func() { quotaWrite(t, addr, w) })
	}
	wg.Wait()
}

// TestQuotaBookConcurrentWorkers: twelve writers in three processes record
// interleaved reports of one quota; the book keeps the newest.
func TestQuotaBookConcurrentWorkers(t *testing.T) {
	srv := startRedis(t, "")
	var cmds []*exec.Cmd
	outs := make([]bytes.Buffer, 2)
	for i, first := range []int{6, 9} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperQuotaProcess$", "-test.count=1")
		cmd.Env = append(os.Environ(), quotaEnv+"="+srv.addr, "REDISLIMIT_QUOTA_FIRST="+strconv.Itoa(first))
		cmd.Stdout, cmd.Stderr = &outs[i], &outs[i]
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
	}
	var wg sync.WaitGroup
	for w := range 6 {
		wg.Go(func() { quotaWrite(t, srv.addr, w) })
	}
	wg.Wait()
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("writer process %d: %v\n%s", i, err, outs[i].String())
		}
	}
	b := newQuotaBook(t, srv.addr, QuotaConfig{})
	if u, ok, err := b.Load(t.Context(), quotaKey); err != nil || !ok || u.Used != quotaWriters*quotaEach-1 {
		t.Errorf("kept %+v %v %v, want the report of %d calls used", u, ok, err, quotaWriters*quotaEach-1)
	}
}

// TestQuotaBookOutage: with Redis down the book answers UNAVAILABLE (and
// logs one warning) without waiting on Redis for every call; when Redis
// is back it answers again.
func TestQuotaBookOutage(t *testing.T) {
	srv := startRedis(t, "")
	logs := &syncBuf{}
	b := newQuotaBook(t, srv.addr, QuotaConfig{RetryEvery: 100 * time.Millisecond, CallTimeout: 200 * time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(logs, nil))})
	key := connectors.QuotaKey{Product: "salesforce", Credential: "c", Name: "DailyApiRequests"}
	if err := b.Record(t.Context(), key, usage(1, 10, 0)); err != nil {
		t.Fatal(err)
	}
	srv.stop()
	for range 5 {
		if err := b.Record(t.Context(), key, usage(2, 10, 0)); !errors.Is(err, errs.ErrUnavailable) {
			t.Errorf("Record with Redis down: %v, want UNAVAILABLE", err)
		}
		if _, ok, err := b.Load(t.Context(), key); !errors.Is(err, errs.ErrUnavailable) || ok {
			t.Errorf("Load with Redis down: %v %v, want UNAVAILABLE", ok, err)
		}
	}
	if n := strings.Count(logs.String(), "level=WARN"); n != 1 || !strings.Contains(logs.String(), "quota book is unavailable") {
		t.Errorf("want one warning for the outage, got %d:\n%s", n, logs.String())
	}
	startRedis(t, srv.addr) // back, empty (no persistence)
	var err error
	for range 100 { // until the next probe (RetryEvery)
		if _, _, err = b.Load(t.Context(), key); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("Redis is back, the book still fails: %v", err)
	}
	if err := b.Record(t.Context(), key, usage(3, 10, 0)); err != nil {
		t.Fatal(err)
	}
	if u, ok, _ := b.Load(t.Context(), key); !ok || u.Used != 3 {
		t.Errorf("after the outage: %+v %v", u, ok)
	}
	if !strings.Contains(logs.String(), "shared again") {
		t.Errorf("no recovery line:\n%s", logs.String())
	}
}

// BenchmarkQuotaBook compares one Record and one Load (what a Salesforce
// call adds) on the Redis book over loopback with the in-process book.
func BenchmarkQuotaBook(b *testing.B) {
	key := connectors.QuotaKey{Product: "salesforce", Credential: "bench", Name: "DailyApiRequests"}
	run := func(b *testing.B, book connectors.QuotaBook) {
		ctx := context.Background()
		var i int64
		for b.Loop() {
			i++
			if err := book.Record(ctx, key, usage(i, 1<<40, time.Duration(i))); err != nil {
				b.Fatal(err)
			}
			if _, _, err := book.Load(ctx, key); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("memory", func(b *testing.B) { run(b, connectors.NewMemoryQuotaBook(func() time.Time { return quotaT0 })) })
	b.Run("redis", func(b *testing.B) {
		srv := startRedis(b, "")
		run(b, newQuotaBook(b, srv.addr, QuotaConfig{}))
	})
}
