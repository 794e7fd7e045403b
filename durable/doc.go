// Package durable runs gathers and exports as Temporal activities
// (go.temporal.io/sdk), so that a long pull survives a worker dying halfway.
// It is a package of its own: hosts that do not use Temporal do not build
// the SDK.
//
//	acts, _ := durable.New(mgr, sink)          // a credentials.Manager, and where records go
//	durable.Register(w, acts)                 // w: a worker.Worker on your task queue
//	client.ExecuteWorkflow(ctx, opts, durable.GatherWorkflowName, durable.GatherInput{
//		Project: "acme", Question: "headcount and PTO balances",
//	})
//
// # Activities
//
// connectors.Select chooses a gather's sources (gather.Select).
// connectors.Get streams one source (a credential and an entity, canonical
// or native, with fields and a filter in the universal language) into the
// Sink: it writes a batch at every page boundary of the stream and then
// heartbeats the stream's Resume token (connectors.WithCheckpointHook). A
// retried attempt, after a crash, a heartbeat timeout or a quota, starts
// from the last checkpoint: the sink's own when it is a Checkpointer (which
// stores each batch's progress atomically with its records, so even a death
// between a write and its heartbeat repeats nothing), else the last
// heartbeat. Every record reaches the sink once, and memory stays bounded by
// a page.
//
// connectors.Export runs a bulk export (a connector's BulkExporter): the job
// id is heartbeated as soon as the job exists, so a retry polls the same job
// rather than starting another, and the count written after every batch, so
// a retry skips what was written.
//
// Errors become Temporal application errors typed by the connectors code.
// INVALID_ARGUMENT, NOT_FOUND, PERMISSION_DENIED, UNAUTHENTICATED,
// UNSUPPORTED and CONFLICT are not retried (the same call gives the same
// answer); RATE_LIMITED, UNAVAILABLE, TIMEOUT and INTERNAL are, with the
// vendor's Retry-After (a daily quota's reset) as the next delay.
//
// # Workflow
//
// GatherWorkflow (connectors.Gather) selects the sources, then runs one Get
// per source at once, each with its own retries, and returns every source's
// sink key and record count, or its error: one source failing fails neither
// the others nor the workflow.
package durable
