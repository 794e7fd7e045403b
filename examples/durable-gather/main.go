// Command durable-gather runs a gather as a Temporal workflow: one activity
// per source, each heartbeating its stream's Resume token so that a worker
// that dies mid-stream is replaced by one that continues where it stopped.
//
// With no flags it runs the workflow in the Temporal SDK's in-process test
// environment (no server needed) over the Workday simulator. With -temporal
// it starts a real worker on a Temporal frontend and runs the workflow there:
//
//	go run ./examples/durable-gather
//	go run ./examples/durable-gather -temporal 127.0.0.1:7233 -queue connectors
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"

	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/worker"

	"github.com/xlr8/connectors/credentials"
	"github.com/xlr8/connectors/durable"
	_ "github.com/xlr8/connectors/workdaysim"
)

func main() {
	addr := flag.String("temporal", "", "a Temporal frontend (host:port); empty runs the SDK's test environment")
	queue := flag.String("queue", "connectors", "the task queue")
	flag.Parse()
	if err := run(context.Background(), os.Stdout, *addr, *queue); err != nil {
		fmt.Fprintln(os.Stderr, "durable-gather:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out io.Writer, addr, queue string) error {
	key, err := credentials.GenerateKey()
	if err != nil {
		return err
	}
	ring, err := credentials.NewKeyring(key)
	if err != nil {
		return err
	}
	mgr, err := credentials.NewManager(credentials.NewMemoryStore(), ring)
	if err != nil {
		return err
	}
	if _, err := mgr.Store(ctx, &credentials.Credential{ID: "sim-1", ProjectID: "acme", ProductID: "workday_sim",
		InstanceURL: "https://simulator.invalid", AuthType: credentials.AuthBasic,
		Secrets: credentials.Secrets{"username": "sim", "password": "unused"}}); err != nil {
		return err
	}
	sink := durable.NewMemorySink()
	acts, err := durable.New(mgr, sink)
	if err != nil {
		return err
	}
	defer acts.Close()
	in := durable.GatherInput{Project: "acme", Question: "How many workers, what PTO balances, which departments?"}
	var res durable.GatherOutput

	quiet := tlog.NewStructuredLogger(slog.New(slog.DiscardHandler))
	if addr == "" {
		var suite testsuite.WorkflowTestSuite
		suite.SetLogger(quiet)
		env := suite.NewTestWorkflowEnvironment()
		durable.Register(env, acts)
		env.ExecuteWorkflow(durable.GatherWorkflowName, in)
		if err := env.GetWorkflowResult(&res); err != nil {
			return err
		}
	} else {
		c, err := client.Dial(client.Options{HostPort: addr, Logger: quiet})
		if err != nil {
			return err
		}
		defer c.Close()
		w := worker.New(c, queue, worker.Options{})
		durable.Register(w, acts)
		if err := w.Start(); err != nil {
			return err
		}
		defer w.Stop()
		run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: queue}, durable.GatherWorkflowName, in)
		if err != nil {
			return err
		}
		if err := run.Get(ctx, &res); err != nil {
			return err
		}
	}
	fmt.Fprintf(out, "Q: %s\n", in.Question)
	for _, s := range res.Sources {
		status := fmt.Sprintf("%d records in the sink under %s", s.Written, s.Key)
		if s.Error != "" {
			status = "failed: " + s.Error
		}
		fmt.Fprintf(out, "  %s %s via %s: %s (done %v)\n", s.Kind, s.Entity, s.Product, status, sink.Done(s.Key))
	}
	return nil
}
