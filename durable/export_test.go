package durable_test

import (
	"go.temporal.io/sdk/activity"
	tlog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/testsuite"
	"log/slog"

	"testing"
	"time"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/credentials"
	"github.com/xlr8/connectors/durable"
	"github.com/xlr8/connectors/gather"
	fakesf "github.com/xlr8/connectors/internal/fake/salesforce"
	"github.com/xlr8/connectors/salesforce"
)

// A bulk export whose worker dies while writing results: the retry polls
// the same job (one job in all) and skips what was written.
func TestExportKilledMidResults(t *testing.T) {
	org := fakesf.New(fakesf.Config{BulkChunk: 700})
	defer org.Close()
	org.Generate("Account", 2500)
	key, _ := credentials.GenerateKey()
	ring, _ := credentials.NewKeyring(key)
	mgr, err := credentials.NewManager(credentials.NewMemoryStore(), ring, credentials.WithHTTPClient(org.Client()))
	if err != nil {
		t.Fatal(err)
	}
	cfg := org.Config()
	if _, err := mgr.Store(t.Context(), &credentials.Credential{ID: "sf-1", ProjectID: "p1", ProductID: "salesforce", InstanceURL: org.URL,
		AuthType: credentials.AuthOAuth2, Secrets: credentials.Secrets{"client_id": cfg.ClientID, "client_secret": cfg.ClientSecret,
			"refresh_token": cfg.RefreshToken, "token_url": org.TokenURL()}}); err != nil {
		t.Fatal(err)
	}
	cs := &crashingSink{MemorySink: durable.NewMemorySink(), at: 1500}
	acts, err := durable.New(mgr, plainSink{cs}, durable.WithExportPoll(5*time.Millisecond), durable.WithGatherOptions(
		gather.WithOpenOptions(connectors.WithHTTPClient(org.Client())),
		gather.WithProductOptions("salesforce", salesforce.WithBulkPoll(5*time.Millisecond, 20*time.Millisecond))))
	if err != nil {
		t.Fatal(err)
	}
	defer acts.Close()
	env := newActEnv()
	env.RegisterActivityWithOptions(acts.Export, activityName(durable.ExportActivityName))
	env.ExecuteActivity(durable.ExportActivityName, durable.ExportInput{Key: "exp-1", Project: "p1", CredentialID: "sf-1",
		Entity: "Account", Native: true, Fields: []string{"Id", "Name"}})
	// ExecuteActivity in the test environment runs one attempt; run the
	// retry as Temporal would, with the last heartbeat.
	if !cs.crashed {
		t.Fatal("no crash")
	}
	env2 := newActEnv()
	env2.RegisterActivityWithOptions(acts.Export, activityName(durable.ExportActivityName))
	env2.SetHeartbeatDetails(lastProgress(t, cs))
	val, err := env2.ExecuteActivity(durable.ExportActivityName, durable.ExportInput{Key: "exp-1", Project: "p1", CredentialID: "sf-1",
		Entity: "Account", Native: true, Fields: []string{"Id", "Name"}})
	if err != nil {
		t.Fatal(err)
	}
	var out durable.GetOutput
	if err := val.Get(&out); err != nil {
		t.Fatal(err)
	}
	recs := cs.Records("exp-1")
	seen := map[string]bool{}
	for _, r := range recs {
		id := r["Id"].(string)
		if seen[id] {
			t.Fatalf("record %s written twice", id)
		}
		seen[id] = true
	}
	if len(recs) != 2500 || out.Written != 2500 || !out.Resumed {
		t.Errorf("%d records, output %+v", len(recs), out)
	}
	if n := org.Calls("bulkCreate"); n != 1 {
		t.Errorf("%d export jobs created; want 1", n)
	}
}

func activityName(name string) activity.RegisterOptions { return activity.RegisterOptions{Name: name} }

// lastProgress is the progress the dead attempt last heartbeated: it died
// before a write, so that is the last batch the sink committed.
func lastProgress(t *testing.T, cs *crashingSink) durable.Progress {
	t.Helper()
	p, ok, err := cs.MemorySink.Checkpoint(t.Context(), "exp-1")
	if err != nil || !ok || p.JobID == "" {
		t.Fatalf("no progress before the crash: %+v %v %v", p, ok, err)
	}
	return p
}

func newActEnv() *testsuite.TestActivityEnvironment {
	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(tlog.NewStructuredLogger(slog.New(slog.DiscardHandler)))
	return suite.NewTestActivityEnvironment()
}
