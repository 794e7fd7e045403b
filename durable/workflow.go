package durable

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/xlr8/connectors/gather"
)

// GatherInput asks a workflow to gather a question over a project's
// sources.
type GatherInput struct {
	Project  string   `json:"project"`
	Question string   `json:"question"`
	Entities []string `json:"entities,omitempty"`
	Products []string `json:"products,omitempty"`
	// Fields and Where per canonical entity (Where in the universal
	// language).
	Fields map[string][]string `json:"fields,omitempty"`
	Where  map[string]string   `json:"where,omitempty"`
	// Timeouts and retries of each source's activity (defaults: 1 h to
	// finish, a heartbeat every 2 min, 10 attempts).
	SourceTimeout    time.Duration `json:"source_timeout,omitempty"`
	HeartbeatTimeout time.Duration `json:"heartbeat_timeout,omitempty"`
	MaxAttempts      int32         `json:"max_attempts,omitempty"`
}

// GatherOutput is the outcome of every source.
type GatherOutput struct {
	Selection gather.Selection `json:"selection"`
	Sources   []SourceOutcome  `json:"sources"`
}

// SourceOutcome is one source's result: its sink key and record count, or
// the error that ended it after its retries.
type SourceOutcome struct {
	gather.Source
	Key     string `json:"key"`
	Written int64  `json:"written"`
	Error   string `json:"error,omitempty"`
}

// GatherWorkflow fans a gather out over a project's sources: one Select
// activity, then one Get activity per source, all at once, each retried
// from where it stopped. The records go to the activities' sink under the
// keys the outcome lists ("<workflow id>/<credential>/<entity>"). One
// source failing does not fail the others or the workflow.
func GatherWorkflow(ctx workflow.Context, in GatherInput) (GatherOutput, error) {
	sel := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: time.Minute,
		RetryPolicy: &temporal.RetryPolicy{MaximumAttempts: 3}})
	var out GatherOutput
	if err := workflow.ExecuteActivity(sel, SelectActivityName, SelectInput{Project: in.Project, Question: in.Question,
		Entities: in.Entities, Products: in.Products}).Get(ctx, &out.Selection); err != nil {
		return out, err
	}
	opts := workflow.ActivityOptions{StartToCloseTimeout: in.SourceTimeout, HeartbeatTimeout: in.HeartbeatTimeout,
		RetryPolicy: &temporal.RetryPolicy{InitialInterval: time.Second, MaximumInterval: time.Minute, MaximumAttempts: in.MaxAttempts}}
	if opts.StartToCloseTimeout == 0 {
		opts.StartToCloseTimeout = time.Hour
	}
	if opts.HeartbeatTimeout == 0 {
		opts.HeartbeatTimeout = 2 * time.Minute
	}
	if opts.RetryPolicy.MaximumAttempts == 0 {
		opts.RetryPolicy.MaximumAttempts = 10
	}
	actx := workflow.WithActivityOptions(ctx, opts)
	id := workflow.GetInfo(ctx).WorkflowExecution.ID
	futures := make([]workflow.Future, len(out.Selection.Sources))
	for i, src := range out.Selection.Sources {
		key := fmt.Sprintf("%s/%s/%s", id, src.CredentialID, src.Entity)
		out.Sources = append(out.Sources, SourceOutcome{Source: src, Key: key})
		futures[i] = workflow.ExecuteActivity(actx, GetActivityName, GetInput{Key: key, Project: in.Project, CredentialID: src.CredentialID,
			Entity: src.Entity, Fields: in.Fields[src.Entity], Where: in.Where[src.Entity]})
	}
	for i, f := range futures {
		var res GetOutput
		if err := f.Get(ctx, &res); err != nil {
			out.Sources[i].Error = err.Error()
			continue
		}
		out.Sources[i].Written = res.Written
	}
	return out, nil
}

// The names the activities and the workflow are registered under.
const (
	SelectActivityName = "connectors.Select"
	GetActivityName    = "connectors.Get"
	ExportActivityName = "connectors.Export"
	GatherWorkflowName = "connectors.Gather"
)

// Register registers the activities (connectors.Select, connectors.Get,
// connectors.Export) and GatherWorkflow (connectors.Gather) with a worker.
func Register(w worker.Registry, a *Activities) {
	w.RegisterActivityWithOptions(a, activity.RegisterOptions{Name: "connectors."})
	w.RegisterWorkflowWithOptions(GatherWorkflow, workflow.RegisterOptions{Name: GatherWorkflowName})
}
