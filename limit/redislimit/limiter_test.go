package redislimit

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"golang.org/x/time/rate"

	"github.com/xlr8/connectors/internal/errs"
)

// redisServer is a redis-server the test started on loopback.
type redisServer struct {
	addr string
	cmd  *exec.Cmd
}

// startRedis starts redis-server on a free loopback port (or on addr when
// given), without persistence, and stops it when the test ends. Without the
// binary the test is skipped, unless XLR8_REQUIRE_REDIS=1 (CI installs it).
func startRedis(t testing.TB, addr string) *redisServer {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("XLR8_REQUIRE_REDIS") == "1" {
			t.Fatal("redis-server is not installed (.ci/run installs it)")
		}
		t.Skip("redis-server is not installed; .ci/run installs it")
	}
	if addr == "" {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr = l.Addr().String()
		l.Close()
	}
	_, port, _ := net.SplitHostPort(addr)
	cmd := exec.Command(bin, "--bind", "127.0.0.1", "--port", port, "--save", "", "--appendonly", "no",
		"--dir", t.TempDir(), "--logfile", "")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &redisServer{addr: addr, cmd: cmd}
	t.Cleanup(s.stop)
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	defer rdb.Close()
	for i := 0; ; i++ {
		if rdb.Ping(context.Background()).Err() == nil {
			return s
		}
		if i == 200 {
			t.Fatalf("redis-server did not answer on %s: %s", addr, out.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (s *redisServer) stop() {
	if s.cmd.Process != nil && s.cmd.ProcessState == nil {
		_ = s.cmd.Process.Kill()
		_ = s.cmd.Wait()
	}
}

func newLimiter(t testing.TB, addr string, cfg Config) *Limiter {
	t.Helper()
	rdb := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1, DialTimeout: 200 * time.Millisecond})
	t.Cleanup(func() { rdb.Close() })
	cfg.Client = rdb
	if cfg.Product == "" {
		cfg.Product = "salesforce"
	}
	l, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// grants is what one worker saw: how many slots, the first and the last.
type grants struct {
	n           int
	first, last time.Time
}

// work waits on l until the next slot lies past ctx's deadline.
func work(ctx context.Context, l *Limiter) grants {
	var g grants
	for {
		if err := l.Wait(ctx); err != nil {
			return g
		}
		now := time.Now()
		if g.n == 0 {
			g.first = now
		}
		g.last = now
		g.n++
	}
}

const (
	workerEnv   = "REDISLIMIT_WORKER_ADDR"
	testRate    = 100
	testPeriod  = 2 * time.Second
	workersEach = 2
)

// TestHelperWorkerProcess is a worker run in a separate process by
// TestSharedRateAcrossGoroutinesAndProcesses.
func TestHelperWorkerProcess(t *testing.T) {
	addr := os.Getenv(workerEnv)
	if addr == "" {
		t.Skip("run by TestSharedRateAcrossGoroutinesAndProcesses")
	}
	deadline, _ := strconv.ParseInt(os.Getenv("REDISLIMIT_DEADLINE"), 10, 64)
	ctx, cancel := context.WithDeadline(context.Background(), time.Unix(0, deadline))
	defer cancel()
	var wg sync.WaitGroup
	var mu sync.Mutex
	for range workersEach {
		wg.Add(1)
		go func() {
			defer wg.Done()
			g := work(ctx, newLimiter(t, addr, Config{Credential: "cred-1", Rate: testRate}))
			mu.Lock()
			fmt.Printf("GRANTS %d %d %d\n", g.n, g.first.UnixNano(), g.last.UnixNano())
			mu.Unlock()
		}()
	}
	wg.Wait()
}

func TestSharedRateAcrossGoroutinesAndProcesses(t *testing.T) {
	srv := startRedis(t, "")
	start := time.Now()
	deadline := start.Add(testPeriod + 500*time.Millisecond) // time for the processes to start
	ctx, cancel := context.WithDeadline(t.Context(), deadline)
	defer cancel()

	var mu sync.Mutex
	var all []grants
	var wg sync.WaitGroup
	for range workersEach {
		wg.Add(1)
		go func() {
			defer wg.Done()
			g := work(ctx, newLimiter(t, srv.addr, Config{Credential: "cred-1", Rate: testRate}))
			mu.Lock()
			all = append(all, g)
			mu.Unlock()
		}()
	}
	const procs = 2
	outs := make([]bytes.Buffer, procs)
	cmds := make([]*exec.Cmd, procs)
	for i := range procs {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperWorkerProcess$", "-test.count=1")
		cmd.Env = append(os.Environ(), workerEnv+"="+srv.addr, "REDISLIMIT_DEADLINE="+strconv.FormatInt(deadline.UnixNano(), 10))
		cmd.Stdout, cmd.Stderr = &outs[i], &outs[i]
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds[i] = cmd
	}
	// A limiter for another credential is not held back by this one: its
	// burst of 5 at 1/s is granted at once, while cred-1's schedule is full.
	other := newLimiter(t, srv.addr, Config{Credential: "cred-2", Rate: 1, Burst: 5})
	octx, ocancel := context.WithTimeout(t.Context(), 900*time.Millisecond)
	og := work(octx, other)
	ocancel()

	wg.Wait()
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("worker process %d: %v\n%s", i, err, outs[i].String())
		}
		sc := bufio.NewScanner(&outs[i])
		seen := 0
		for sc.Scan() {
			var n, first, last int64
			if _, err := fmt.Sscanf(sc.Text(), "GRANTS %d %d %d", &n, &first, &last); err == nil {
				all = append(all, grants{n: int(n), first: time.Unix(0, first), last: time.Unix(0, last)})
				seen++
			}
		}
		if seen != workersEach {
			t.Fatalf("worker process %d reported %d workers:\n%s", i, seen, outs[i].String())
		}
	}
	total := 0
	var first, last time.Time
	for i, g := range all {
		if g.n == 0 {
			t.Errorf("worker %d got no slot", i)
			continue
		}
		total += g.n
		if first.IsZero() || g.first.Before(first) {
			first = g.first
		}
		if g.last.After(last) {
			last = g.last
		}
	}
	window := last.Sub(first).Seconds()
	t.Logf("%d workers in %d processes: %d slots in %.3fs = %.1f/s (configured %d/s)",
		len(all), procs+1, total, window, float64(total-1)/window, testRate)
	// The bound is on the count, not on timestamps a loaded machine
	// skews: no slot can be granted before start or after the deadline,
	// so every limiter sharing one schedule grants at most the rate times
	// that span, plus the burst of 1. A schedule per process would grant
	// about three times that. 1% is left for Redis's clock against ours.
	limit := int(float64(testRate)*deadline.Sub(start).Seconds()) + 1
	if total > limit+limit/100 {
		t.Errorf("%d slots between start and deadline (%v), want at most %d at %d/s: the schedule is not shared", total, deadline.Sub(start), limit, testRate)
	}
	// Under is allowed (a slot no worker was waiting for is lost on a
	// loaded machine), within reason: the goroutine workers run the
	// whole span.
	if total < limit/2 {
		t.Errorf("%d slots, want at least %d of the %d the span allows: the limiter grants far under its rate", total, limit/2, limit)
	}
	if og.n != 5 {
		t.Errorf("another credential's limiter got %d slots in 900ms at 1/s with burst 5, want 5: budgets are not separate", og.n)
	}
}

// syncBuf is a log sink safe for concurrent writes.
type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestOutageDegradesToLocalLimiter(t *testing.T) {
	srv := startRedis(t, "")
	logs := &syncBuf{}
	const r = 50
	l := newLimiter(t, srv.addr, Config{Credential: "cred-1", Rate: r, RetryEvery: 100 * time.Millisecond,
		CallTimeout: 200 * time.Millisecond, Logger: slog.New(slog.NewTextHandler(logs, nil))})
	for range 3 {
		if err := l.Wait(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	if shared, local := l.Grants(); shared != 3 || local != 0 {
		t.Fatalf("grants before the outage: shared %d, local %d", shared, local)
	}
	srv.stop()

	ctx, cancel := context.WithTimeout(t.Context(), 600*time.Millisecond)
	g := work(ctx, l)
	cancel()
	_, local := l.Grants()
	// The local limiter allows r/s (plus its burst of 1): never unlimited.
	if g.n == 0 || local == 0 || float64(g.n) > r*0.6+3 {
		t.Errorf("%d slots (%d local) in 600ms during the outage; want some, at most %d/s", g.n, local, r)
	}
	if n := strings.Count(logs.String(), "level=WARN"); n != 1 || !strings.Contains(logs.String(), "local limiter") {
		t.Errorf("want one warning for the outage, got %d:\n%s", n, logs.String())
	}

	startRedis(t, srv.addr) // Redis is back on the same address
	time.Sleep(150 * time.Millisecond)
	shared0, _ := l.Grants()
	for range 3 {
		if err := l.Wait(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	if shared, _ := l.Grants(); shared <= shared0 {
		t.Errorf("still on the local limiter after Redis came back (shared %d)", shared)
	}
	if !strings.Contains(logs.String(), "answers again") {
		t.Errorf("no recovery line:\n%s", logs.String())
	}
}

func TestWaitHonoursContext(t *testing.T) {
	srv := startRedis(t, "")
	l := newLimiter(t, srv.addr, Config{Credential: "c", Rate: 1})
	if err := l.Wait(t.Context()); err != nil { // the burst
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	var dl *errDeadline
	if err := l.Wait(ctx); !errors.As(err, &dl) {
		t.Errorf("slot a second away, deadline in 50ms: %v, want an error at once", err)
	}
	ctx, cancel = context.WithCancel(t.Context())
	cancel()
	if err := l.Wait(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: %v", err)
	}
}

func TestLimiterKeysAreDistinct(t *testing.T) {
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"})
	defer rdb.Close()
	seen := map[string]Config{}
	for _, cfg := range []Config{
		{Product: "salesforce", Credential: "a:b"},
		{Product: "salesforce:a", Credential: "b"},
		{Product: "salesforce", Credential: "a}b"},
		{Product: "salesforce", Credential: "a%7Db"},
		{Product: "salesforce", Credential: "a"},
		{Product: "salesforce", Credential: ""},
		{Product: "oracle_hcm", Credential: "a"},
	} {
		cfg.Client, cfg.Rate = rdb, 1
		l, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		k := l.Key()
		if prev, ok := seen[k]; ok {
			t.Errorf("%q/%q shares the key %q with %q/%q", cfg.Product, cfg.Credential, k, prev.Product, prev.Credential)
		}
		seen[k] = cfg
		// One hash tag, closed at the end: every key of a budget stays
		// on one cluster slot.
		if strings.Count(k, "{") != 1 || strings.Count(k, "}") != 1 || !strings.HasSuffix(k, "}") {
			t.Errorf("key %q: want exactly one hash tag, at the end", k)
		}
	}
	if l, _ := New(Config{Client: rdb, Product: "salesforce", Credential: "prod", Rate: 1}); l.Key() != "xlr8:ratelimit:{salesforce:prod}" {
		t.Errorf("plain key %q, want xlr8:ratelimit:{salesforce:prod}", l.Key())
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"})
	defer rdb.Close()
	for name, cfg := range map[string]Config{
		"no client":  {Product: "p", Rate: 1},
		"no product": {Client: rdb, Rate: 1},
		"zero rate":  {Client: rdb, Product: "p"},
		"inf rate":   {Client: rdb, Product: "p", Rate: rate.Inf},
		"too fast":   {Client: rdb, Product: "p", Rate: 1e7},
	} {
		if _, err := New(cfg); !errors.Is(err, errs.ErrInvalidArgument) {
			t.Errorf("%s: %v, want INVALID_ARGUMENT", name, err)
		}
	}
}

// BenchmarkWait compares one Wait on the shared limiter (a Redis round trip
// over loopback) with the embedded rate.Limiter, both at a rate that never
// makes them sleep.
func BenchmarkWait(b *testing.B) {
	b.Run("local", func(b *testing.B) {
		l := rate.NewLimiter(1e6, 1e6)
		for b.Loop() {
			if err := l.Wait(b.Context()); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("redis", func(b *testing.B) {
		srv := startRedis(b, "")
		l := newLimiter(b, srv.addr, Config{Credential: "bench", Rate: 1e6, Burst: 1 << 30})
		for b.Loop() {
			if err := l.Wait(b.Context()); err != nil {
				b.Fatal(err)
			}
		}
	})
}
