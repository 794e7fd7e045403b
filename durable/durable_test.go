package durable_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"
	tlog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/testsuite"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/credentials"
	"github.com/xlr8/connectors/durable"
	"github.com/xlr8/connectors/gather"
	"github.com/xlr8/connectors/workdaysim"
)

const employees = 400

func manager(t *testing.T) *credentials.Manager {
	t.Helper()
	key, err := credentials.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	ring, _ := credentials.NewKeyring(key)
	mgr, err := credentials.NewManager(credentials.NewMemoryStore(), ring)
	if err != nil {
		t.Fatal(err)
	}
	cred := &credentials.Credential{ID: "sim-1", ProjectID: "p1", ProductID: "workday_sim", InstanceURL: "https://simulator.invalid",
		AuthType: credentials.AuthBasic, Secrets: map[string]string{"username": "u", "password": "p"}}
	if _, err := mgr.Store(t.Context(), cred); err != nil {
		t.Fatal(err)
	}
	return mgr
}

// simOptions: a generated organisation served in pages of 50, no latency.
func simOptions() durable.Option {
	return durable.WithGatherOptions(gather.WithProductOptions("workday_sim",
		workdaysim.WithFixtures(workdaysim.Generate(employees, 7)),
		workdaysim.WithConfig(workdaysim.Config{PageSize: 50, EnforceManagerChain: true, EnforceBalanceCheck: true})))
}

// crashingSink dies once, the way a worker does: after committing the
// batch that holds record `at` (the write is durable; the heartbeat that
// would follow never happens), or before committing it.
type crashingSink struct {
	*durable.MemorySink
	at          int64
	afterCommit bool

	mu      sync.Mutex
	crashed bool
}

var errCrash = errors.New("worker killed")

func (s *crashingSink) Write(ctx context.Context, b durable.Batch) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	crash := !s.crashed && b.Progress.Written >= s.at
	if crash && !s.afterCommit {
		s.crashed = true
		panic(errCrash)
	}
	if err := s.MemorySink.Write(ctx, b); err != nil {
		return err
	}
	if crash {
		s.crashed = true
		panic(errCrash)
	}
	return nil
}

// plainSink hides MemorySink's Checkpoint: progress then lives in
// heartbeats only.
type plainSink struct{ s *crashingSink }

func (p plainSink) Write(ctx context.Context, b durable.Batch) error { return p.s.Write(ctx, b) }

func runGather(t *testing.T, sink durable.Sink) (durable.GatherOutput, error) {
	t.Helper()
	env := newEnv()
	acts, err := durable.New(manager(t), sink, simOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer acts.Close()
	durable.Register(env, acts)
	env.ExecuteWorkflow(durable.GatherWorkflowName, durable.GatherInput{Project: "p1", Question: "all workers",
		Where: map[string]string{"worker": "status = 'ACTIVE' OR status = 'TERMINATED' OR status = 'LEAVE'"}})
	if !env.IsWorkflowCompleted() {
		t.Fatal("workflow did not complete")
	}
	var out durable.GatherOutput
	if err := env.GetWorkflowResult(&out); err != nil {
		return out, err
	}
	return out, nil
}

func wantIDs(t *testing.T) []string {
	t.Helper()
	sim, err := connectors.Open(t.Context(), "workday_sim", nil, workdaysim.WithFixtures(workdaysim.Generate(employees, 7)))
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	var ids []string
	for r, err := range sim.Get(t.Context(), connectors.Query{Entity: "workers"}) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r["employee_id"].(string))
	}
	return ids
}

func checkOnce(t *testing.T, got []connectors.Record, want []string) {
	t.Helper()
	seen := map[string]int{}
	for _, r := range got {
		seen[fmt.Sprint(r["employee_id"])]++
	}
	dups, missing := 0, 0
	for _, id := range want {
		switch seen[id] {
		case 0:
			missing++
		case 1:
		default:
			dups++
		}
	}
	if dups > 0 || missing > 0 || len(got) != len(want) {
		t.Errorf("%d records for %d workers: %d duplicated, %d missing", len(got), len(want), dups, missing)
	}
}

// A worker killed mid-stream: the retried activity continues where the
// dead one stopped, and every record reaches the sink once.
func TestKilledMidStreamResumes(t *testing.T) {
	want := wantIDs(t)
	for _, tc := range []struct {
		name        string
		afterCommit bool
		checkpoint  bool
	}{
		{"killed before a write, heartbeat checkpoint", false, false},
		{"killed before a write, sink checkpoint", false, true},
		{"killed after a write before its heartbeat, sink checkpoint", true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cs := &crashingSink{MemorySink: durable.NewMemorySink(), at: 175, afterCommit: tc.afterCommit}
			var sink durable.Sink = plainSink{cs}
			if tc.checkpoint {
				sink = cs
			}
			out, err := runGather(t, sink)
			if err != nil {
				t.Fatal(err)
			}
			if !cs.crashed {
				t.Fatal("the sink never crashed the activity")
			}
			if len(out.Sources) != 1 || out.Sources[0].Error != "" {
				t.Fatalf("sources %+v", out.Sources)
			}
			key := out.Sources[0].Key
			checkOnce(t, cs.Records(key), want)
			if !cs.Done(key) || out.Sources[0].Written != int64(len(want)) {
				t.Errorf("done %v, written %d", cs.Done(key), out.Sources[0].Written)
			}
		})
	}
}

// Without a crash, the fan-out writes each source under its own key.
func TestGatherWorkflowFansOut(t *testing.T) {
	sink := durable.NewMemorySink()
	env := newEnv()
	acts, err := durable.New(manager(t), sink, simOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer acts.Close()
	durable.Register(env, acts)
	env.ExecuteWorkflow(durable.GatherWorkflowName, durable.GatherInput{Project: "p1", Question: "workers, PTO balances and departments"})
	var out durable.GatherOutput
	if err := env.GetWorkflowResult(&out); err != nil {
		t.Fatal(err)
	}
	if len(out.Sources) != 3 {
		t.Fatalf("sources = %+v", out.Sources)
	}
	for _, s := range out.Sources {
		if s.Error != "" || s.Written == 0 || int64(len(sink.Records(s.Key))) != s.Written {
			t.Errorf("%s: written %d, in sink %d, error %q", s.Key, s.Written, len(sink.Records(s.Key)), s.Error)
		}
	}
}

// A source that cannot succeed (an unknown field) fails once, not ten
// times, and the workflow still returns.
func TestNonRetryableSource(t *testing.T) {
	var attempts atomic.Int32
	sink := durable.NewMemorySink()
	env := newEnv()
	acts, _ := durable.New(manager(t), sink, simOptions())
	defer acts.Close()
	durable.Register(env, acts)
	env.SetOnActivityStartedListener(func(info *activity.Info, _ context.Context, _ converter.EncodedValues) {
		if info.ActivityType.Name == durable.GetActivityName {
			attempts.Add(1)
		}
	})
	env.ExecuteWorkflow(durable.GatherWorkflowName, durable.GatherInput{Project: "p1", Question: "workers",
		Where: map[string]string{"worker": "status = "}})
	var out durable.GatherOutput
	if err := env.GetWorkflowResult(&out); err != nil {
		t.Fatal(err)
	}
	if len(out.Sources) != 1 || out.Sources[0].Error == "" {
		t.Fatalf("sources %+v", out.Sources)
	}
	if n := attempts.Load(); n != 1 {
		t.Errorf("a malformed filter was tried %d times", n)
	}
}

// newEnv is a test workflow environment that logs nothing.
func newEnv() *testsuite.TestWorkflowEnvironment {
	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(tlog.NewStructuredLogger(slog.New(slog.DiscardHandler)))
	return suite.NewTestWorkflowEnvironment()
}
