package gather_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/credentials"
	"github.com/xlr8/connectors/gather"
	"github.com/xlr8/connectors/translate"
	_ "github.com/xlr8/connectors/workdaysim"
)

// crm is a test double registered as "salesforce" in this test binary: an
// in-memory connector with Account records, a configurable delay and
// failure, so the gatherer (which knows only the registry) is tested for
// concurrency and failure isolation.
type crm struct {
	n      int
	delay  time.Duration
	fail   error
	opened *atomic.Int64
	gets   *atomic.Int64
}

var crmConfig = map[string]*crm{} // by credential id; set before a test opens

func init() {
	connectors.Register("salesforce", func(ctx context.Context, cred *credentials.Credential, _ ...connectors.Option) (connectors.Connector, error) {
		c, ok := crmConfig[cred.ID]
		if !ok {
			return nil, connectors.Errorf(connectors.CodeInvalidArgument, "no test crm for %s", cred.ID)
		}
		c.opened.Add(1)
		return c, nil
	})
}

func (c *crm) Product() string                                 { return "salesforce" }
func (c *crm) Connect(context.Context) error                   { return nil }
func (c *crm) Close() error                                    { return nil }
func (c *crm) Test(context.Context) (connectors.Status, error) { return connectors.Status{}, nil }
func (c *crm) Entities(context.Context) ([]string, error) {
	return []string{"Account", "Opportunity", "User"}, nil
}
func (c *crm) Schema(context.Context, string) (connectors.EntitySchema, error) {
	return connectors.EntitySchema{}, nil
}
func (c *crm) Capabilities() []connectors.Capability { return nil }
func (c *crm) Execute(context.Context, string, map[string]any) (map[string]any, error) {
	return nil, connectors.ErrUnsupported
}
func (c *crm) Query(context.Context, string) iter.Seq2[connectors.Record, error] {
	return connectors.Errored(connectors.ErrUnsupported)
}
func (c *crm) Get(ctx context.Context, q connectors.Query) iter.Seq2[connectors.Record, error] {
	return func(yield func(connectors.Record, error) bool) {
		c.gets.Add(1)
		select {
		case <-time.After(c.delay):
		case <-ctx.Done():
			yield(nil, connectors.Errorf(connectors.CodeTimeout, "crm: %v", ctx.Err()))
			return
		}
		if c.fail != nil {
			yield(nil, c.fail)
			return
		}
		for i := range c.n {
			rec := connectors.Record{"Id": fmt.Sprintf("001%05d", i), "Name": fmt.Sprintf("Account %d", i), "Industry": "Energy"}
			if !yield(rec, nil) {
				return
			}
		}
	}
}

type env struct {
	mgr *credentials.Manager
}

func newEnv(t *testing.T) *env {
	t.Helper()
	key, err := credentials.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	ring, err := credentials.NewKeyring(key)
	if err != nil {
		t.Fatal(err)
	}
	mgr, err := credentials.NewManager(credentials.NewMemoryStore(), ring)
	if err != nil {
		t.Fatal(err)
	}
	return &env{mgr: mgr}
}

func (e *env) add(t *testing.T, id, product string, c *crm) {
	t.Helper()
	cred := &credentials.Credential{ID: id, ProjectID: "p1", ProductID: product, InstanceURL: "https://example.invalid",
		AuthType: credentials.AuthBasic, Secrets: map[string]string{"username": "u", "password": "hunter2-secret"}}
	if product == "salesforce" {
		cred.AuthType = credentials.AuthOAuth2
		cred.Secrets = map[string]string{"client_id": "id", "client_secret": "hunter2-secret", "refresh_token": "r",
			"token_url": "https://login.example.invalid/services/oauth2/token"}
	}
	if _, err := e.mgr.Store(t.Context(), cred); err != nil {
		t.Fatal(err)
	}
	if c != nil {
		if c.opened == nil {
			c.opened, c.gets = &atomic.Int64{}, &atomic.Int64{}
		}
		crmConfig[id] = c
	}
}

func TestSelectExplains(t *testing.T) {
	e := newEnv(t)
	e.add(t, "sim", "workday_sim", nil)
	e.add(t, "sf", "salesforce", &crm{n: 1})
	g, err := gather.New(e.mgr, "p1")
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	tests := []struct {
		question string
		a        gather.Analysis
		want     []string // product/entity
		reason   string
	}{
		{"How many engineers report to Carol Chen and what PTO do they have left?", gather.Analysis{},
			[]string{"salesforce/worker", "workday_sim/worker", "workday_sim/time_off_balance"}, ""},
		{"Which Energy accounts have open opportunities?", gather.Analysis{},
			[]string{"salesforce/account", "salesforce/opportunity"}, ""},
		{"What is the headcount?", gather.Analysis{Products: []string{"salesforce"}}, []string{"salesforce/worker"}, ""},
		{"What is the weather today?", gather.Analysis{}, nil, "no entity named"},
		{"List the invoices", gather.Analysis{}, nil, "no active credential of project p1 serves invoice"},
		{"anything", gather.Analysis{Entities: []string{"organization"}}, []string{"workday_sim/organization"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.question, func(t *testing.T) {
			sel, err := g.Select(t.Context(), tt.question, tt.a)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, s := range sel.Sources {
				got = append(got, s.Product+"/"+s.Entity)
				if s.Why == "" || !strings.Contains(s.Why, s.CredentialID) {
					t.Errorf("why = %q", s.Why)
				}
			}
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("sources = %v; want %v", got, tt.want)
			}
			if !strings.Contains(sel.Reason, tt.reason) {
				t.Errorf("reason = %q; want %q", sel.Reason, tt.reason)
			}
		})
	}
	if _, err := g.Select(t.Context(), "x", gather.Analysis{Entities: []string{"spaceship"}}); connectors.CodeOf(err) != connectors.CodeNotFound && connectors.CodeOf(err) != connectors.CodeInvalidArgument {
		t.Errorf("unknown entity: %v", err)
	}
}

func TestGatherIsolatesFailuresAndRunsConcurrently(t *testing.T) {
	e := newEnv(t)
	e.add(t, "sim", "workday_sim", nil)
	slow := &crm{n: 5, delay: 300 * time.Millisecond}
	e.add(t, "sf-slow", "salesforce", slow)
	quota := &crm{delay: 300 * time.Millisecond, fail: &connectors.Error{Code: connectors.CodeRateLimited, VendorCode: "REQUEST_LIMIT_EXCEEDED", Message: "daily quota", Resume: "tok"}}
	e.add(t, "sf-quota", "salesforce", quota)
	g, err := gather.New(e.mgr, "p1", gather.WithBudget(3))
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	start := time.Now()
	truths, err := g.Gather(t.Context(), "Which Energy accounts and which employees?", gather.Analysis{
		Where: map[string]connectors.Expr{"worker": connectors.Eq("status", "ACTIVE")}})
	if err != nil {
		t.Fatal(err)
	}
	// Both slow sources together take about one delay, not two; checked as
	// a bound, not a timing.
	if d := time.Since(start); d > 590*time.Millisecond {
		t.Logf("gather took %v (sources may not overlap on a loaded machine)", d)
	}
	byCred := map[string]gather.Truth{}
	for _, tr := range truths {
		byCred[tr.CredentialID+"/"+tr.Entity] = tr
	}
	ok := byCred["sf-slow/account"]
	if !ok.Complete || ok.Count != 5 || len(ok.Rows) != 3 || !ok.Truncated {
		t.Errorf("slow source: %+v", ok)
	}
	if ok.Rows[0].Canonical["account_id"] == nil && ok.Rows[0].Canonical["name"] == nil {
		t.Errorf("no canonical names beside the vendor's: %v", ok.Rows[0])
	}
	bad := byCred["sf-quota/account"]
	if bad.Complete || !errors.Is(bad.Err, connectors.ErrRateLimited) || bad.Resume != "tok" {
		t.Errorf("quota source: complete %v err %v resume %q", bad.Complete, bad.Err, bad.Resume)
	}
	w := byCred["sim/worker"]
	if !w.Complete || w.Count == 0 || !strings.Contains(w.Query, "status = 'ACTIVE'") {
		t.Errorf("simulator: %+v", w)
	}
	for _, tr := range truths {
		if strings.Contains(fmt.Sprintf("%+v %s", tr, tr.Error), "hunter2-secret") {
			t.Error("a secret reached a truth")
		}
	}
	// The connector of a credential is opened once and reused.
	if _, err := g.Gather(t.Context(), "accounts", gather.Analysis{}); err != nil {
		t.Fatal(err)
	}
	if slow.opened.Load() != 1 {
		t.Errorf("opened %d times", slow.opened.Load())
	}
}

func TestSourceTimeoutAndCancellation(t *testing.T) {
	e := newEnv(t)
	e.add(t, "sf-stuck", "salesforce", &crm{n: 1, delay: time.Hour})
	g, err := gather.New(e.mgr, "p1", gather.WithSourceTimeout(50*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	truths, err := g.Gather(t.Context(), "accounts", gather.Analysis{})
	if err != nil || len(truths) != 1 || truths[0].Complete || connectors.CodeOf(truths[0].Err) != connectors.CodeTimeout {
		t.Fatalf("truths %+v, err %v", truths, err)
	}
	g2, _ := gather.New(e.mgr, "p1")
	defer g2.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	if _, err := g2.Gather(ctx, "accounts", gather.Analysis{}); err == nil {
		t.Error("a cancelled gather reported no error")
	}
}

func TestConfigurationCache(t *testing.T) {
	e := newEnv(t)
	e.add(t, "sim", "workday_sim", nil)
	now := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	g, err := gather.New(e.mgr, "p1", gather.WithConfigTTL(time.Hour), gather.WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	get := func() gather.Truth {
		t.Helper()
		truths, err := g.Gather(t.Context(), "departments", gather.Analysis{})
		if err != nil || len(truths) != 1 {
			t.Fatalf("%v %v", truths, err)
		}
		if truths[0].Kind != gather.Configuration || !truths[0].Complete {
			t.Fatalf("truth %+v", truths[0])
		}
		return truths[0]
	}
	if get().Cached {
		t.Error("first read cached")
	}
	if !get().Cached {
		t.Error("second read not cached")
	}
	now = now.Add(2 * time.Hour)
	if get().Cached {
		t.Error("expired entry served")
	}
	g.Purge()
	if get().Cached {
		t.Error("purged entry served")
	}
	g.Drop("sim")
	if get().Cached {
		t.Error("dropped credential's entry served")
	}
}

// The streaming form holds no more than a channel's worth of rows: a
// million-record source streams at flat memory.
func TestStreamFlatMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("streams a million records")
	}
	e := newEnv(t)
	e.add(t, "sf-big", "salesforce", &crm{n: 1_000_000})
	g, _ := gather.New(e.mgr, "p1")
	defer g.Close()
	var peak uint64
	var ms runtime.MemStats
	rows, ends := 0, 0
	for r, err := range g.Stream(t.Context(), "accounts", gather.Analysis{}) {
		if err != nil {
			t.Fatal(err)
		}
		if r.End {
			ends++
			if r.Truth.Count != 1_000_000 || !r.Truth.Complete {
				t.Errorf("end truth %+v", r.Truth)
			}
			continue
		}
		rows++
		if rows%100_000 == 0 {
			runtime.GC()
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
		}
	}
	if rows != 1_000_000 || ends != 1 {
		t.Errorf("rows %d ends %d", rows, ends)
	}
	if peak > 64<<20 {
		t.Errorf("peak heap %d MiB for a stream", peak>>20)
	}
	t.Logf("peak heap in use %.1f MiB over 1,000,000 rows", float64(peak)/(1<<20))
}

func TestVocabularyHasConfiguration(t *testing.T) {
	e, err := translate.Default().Entity("organization")
	if err != nil || !e.Configuration {
		t.Errorf("organization is not configuration: %v", err)
	}
}

// The gather across three slow sources takes about the slowest, not the sum:
// compare with the three queries one after another by hand.
func BenchmarkGatherThreeSources(b *testing.B) {
	e := newEnvB(b)
	for i, d := range []time.Duration{20, 30, 40} {
		e.addB(b, fmt.Sprintf("sf%d", i), &crm{n: 100, delay: d * time.Millisecond})
	}
	g, _ := gather.New(e.mgr, "p1")
	defer g.Close()
	b.Run("gather", func(b *testing.B) {
		for b.Loop() {
			if _, err := g.Gather(context.Background(), "accounts", gather.Analysis{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("by-hand-sequential", func(b *testing.B) {
		var conns []connectors.Connector
		for i := range 3 {
			cred, _ := e.mgr.Get(context.Background(), fmt.Sprintf("sf%d", i))
			c, _ := connectors.Open(context.Background(), "salesforce", cred)
			conns = append(conns, c)
		}
		for b.Loop() {
			for _, c := range conns {
				if _, err := connectors.Collect(c.Get(context.Background(), connectors.Query{Entity: "Account"})); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}

func newEnvB(b *testing.B) *env {
	key, _ := credentials.GenerateKey()
	ring, _ := credentials.NewKeyring(key)
	mgr, err := credentials.NewManager(credentials.NewMemoryStore(), ring)
	if err != nil {
		b.Fatal(err)
	}
	return &env{mgr: mgr}
}

func (e *env) addB(b *testing.B, id string, c *crm) {
	cred := &credentials.Credential{ID: id, ProjectID: "p1", ProductID: "salesforce", InstanceURL: "https://example.invalid",
		AuthType: credentials.AuthOAuth2, Secrets: map[string]string{"client_id": "id", "client_secret": "s", "refresh_token": "r",
			"token_url": "https://login.example.invalid/services/oauth2/token"}}
	if _, err := e.mgr.Store(context.Background(), cred); err != nil {
		b.Fatal(err)
	}
	c.opened, c.gets = &atomic.Int64{}, &atomic.Int64{}
	crmConfig[id] = c
}

// Every vocabulary mapping for the simulator names an entity and fields its
// Get serves, so a gather's canonical query runs there as written.
func TestVocabularyMatchesSimulator(t *testing.T) {
	v := translate.Default()
	sim, err := connectors.Open(t.Context(), "workday_sim", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	checked := 0
	for _, name := range v.Entities() {
		m, err := v.Mapping("workday_sim", name)
		if err != nil {
			continue
		}
		sch, err := sim.Schema(t.Context(), m.Entity)
		if err != nil {
			t.Errorf("%s: the simulator has no entity %s: %v", name, m.Entity, err)
			continue
		}
		fields := map[string]bool{}
		for _, f := range sch.Fields {
			fields[f.Name] = true
		}
		for canonical, fm := range m.Fields {
			checked++
			if !fields[fm.Name] {
				t.Errorf("%s.%s maps to %s.%s, which the simulator does not serve", name, canonical, m.Entity, fm.Name)
			}
		}
	}
	if checked == 0 {
		t.Fatal("no mapping checked")
	}
}
