package durable

import (
	"context"
	"errors"
	"sync"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/credentials"
	"github.com/xlr8/connectors/gather"
	"github.com/xlr8/connectors/translate"
)

// Activities runs gathers and exports for a worker. Register it with
// Register; it is safe for concurrent use, and keeps one gather.Gatherer
// (so one connector per credential) per project until Close.
type Activities struct {
	mgr  *credentials.Manager
	sink Sink
	opts []gather.Option
	poll time.Duration

	mu        sync.Mutex
	gatherers map[string]*gather.Gatherer
}

// Option configures New.
type Option func(*Activities)

// WithGatherOptions passes options to the gatherer of every project
// (connector options, timeouts, budget).
func WithGatherOptions(opts ...gather.Option) Option {
	return func(a *Activities) { a.opts = append(a.opts, opts...) }
}

// WithExportPoll sets how often an export's job status is polled (default
// 5 s).
func WithExportPoll(d time.Duration) Option { return func(a *Activities) { a.poll = d } }

// New returns the activities over a credentials manager, writing records to
// sink.
func New(mgr *credentials.Manager, sink Sink, opts ...Option) (*Activities, error) {
	if mgr == nil || sink == nil {
		return nil, connectors.Errorf(connectors.CodeInvalidArgument, "durable: a credentials manager and a sink are required")
	}
	a := &Activities{mgr: mgr, sink: sink, poll: 5 * time.Second, gatherers: map[string]*gather.Gatherer{}}
	for _, o := range opts {
		o(a)
	}
	return a, nil
}

// Close closes every connector the activities opened.
func (a *Activities) Close() error {
	a.mu.Lock()
	gs := a.gatherers
	a.gatherers = map[string]*gather.Gatherer{}
	a.mu.Unlock()
	var first error
	for _, g := range gs {
		if err := g.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

func (a *Activities) gatherer(project string) (*gather.Gatherer, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if g, ok := a.gatherers[project]; ok {
		return g, nil
	}
	g, err := gather.New(a.mgr, project, a.opts...)
	if err != nil {
		return nil, err
	}
	a.gatherers[project] = g
	return g, nil
}

// SelectInput asks which sources a question leads to.
type SelectInput struct {
	Project  string   `json:"project"`
	Question string   `json:"question"`
	Entities []string `json:"entities,omitempty"`
	Products []string `json:"products,omitempty"`
}

// Select is the activity that chooses a gather's sources (gather.Select).
func (a *Activities) Select(ctx context.Context, in SelectInput) (gather.Selection, error) {
	g, err := a.gatherer(in.Project)
	if err != nil {
		return gather.Selection{}, activityError(err)
	}
	sel, err := g.Select(ctx, in.Question, gather.Analysis{Entities: in.Entities, Products: in.Products})
	if err != nil {
		return gather.Selection{}, activityError(err)
	}
	return sel, nil
}

// GetInput is one source of a gather: a credential and an entity.
type GetInput struct {
	// Key names the job in the sink; it must be unique per job and stable
	// across retries (the workflow derives it from its id and the source).
	Key          string `json:"key"`
	Project      string `json:"project"`
	CredentialID string `json:"credential_id"`
	// Entity is canonical (translate's vocabulary) unless Native is set,
	// in which case it and Fields and Where are the product's own names.
	Entity string   `json:"entity"`
	Native bool     `json:"native,omitempty"`
	Fields []string `json:"fields,omitempty"`
	// Where is a filter in the universal language ("status = 'ACTIVE'").
	Where string    `json:"where,omitempty"`
	AsOf  time.Time `json:"as_of,omitzero"`
	Since time.Time `json:"since,omitzero"`
	Limit int       `json:"limit,omitempty"`
}

// GetOutput reports a finished job.
type GetOutput struct {
	Key     string `json:"key"`
	Written int64  `json:"written"`
	// Attempt is the attempt that finished (1 when nothing was retried).
	Attempt int32 `json:"attempt"`
	// Resumed reports that the attempt continued where an earlier one
	// stopped.
	Resumed bool `json:"resumed,omitempty"`
}

// Get is the activity that streams one source into the sink. It writes a
// batch at every page boundary of the stream and then heartbeats the
// stream's Resume token, so a retried attempt (after a crash, a timeout, a
// quota) continues at the first record not yet written: every record once,
// exactly once with a Checkpointer sink. Memory stays bounded by a page.
func (a *Activities) Get(ctx context.Context, in GetInput) (GetOutput, error) {
	j, err := a.begin(ctx, in)
	if err != nil || j.p.Done {
		return j.out, err
	}
	conn, q, p, out := j.conn, j.q, j.p, j.out
	q.Resume = p.Resume

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var buf []connectors.Record
	var flushErr error
	flush := func(resume string, done bool) error {
		next := Progress{Resume: resume, Written: p.Written + int64(len(buf)), Done: done}
		if err := a.sink.Write(ctx, Batch{Key: in.Key, Records: buf, Progress: next}); err != nil {
			return err
		}
		p, buf = next, buf[:0]
		activity.RecordHeartbeat(ctx, p)
		return nil
	}
	stream := conn.Get(connectors.WithCheckpointHook(ctx, func(resume string) {
		if flushErr == nil {
			if flushErr = flush(resume, false); flushErr != nil {
				cancel()
			}
		}
	}), q)
	for rec, err := range stream {
		if flushErr != nil {
			break
		}
		if err != nil {
			// Records yielded before the failure are written with the
			// failure's Resume token, so the retry starts after them.
			if tok := connectors.ResumeToken(err); tok != "" {
				if ferr := flush(tok, false); ferr != nil {
					return out, activityError(ferr)
				}
			}
			return out, activityError(err)
		}
		buf = append(buf, rec)
	}
	if flushErr != nil {
		return out, activityError(flushErr)
	}
	if err := flush("", true); err != nil {
		return out, activityError(err)
	}
	out.Written = p.Written
	return out, nil
}

// job is what both activities know once a job is under way.
type job struct {
	conn connectors.Connector
	q    connectors.Query
	p    Progress
	out  GetOutput
}

// begin opens the job's connector, compiles its query and finds where it
// stands. A job an earlier attempt finished has p.Done set and out filled.
func (a *Activities) begin(ctx context.Context, in GetInput) (job, error) {
	var j job
	if in.Key == "" {
		return j, activityError(connectors.Errorf(connectors.CodeInvalidArgument, "durable: the input's Key is required"))
	}
	g, err := a.gatherer(in.Project)
	if err != nil {
		return j, activityError(err)
	}
	if j.conn, err = g.Connector(ctx, in.CredentialID); err != nil {
		return j, activityError(err)
	}
	if j.q, err = buildQuery(j.conn.Product(), in); err != nil {
		return j, activityError(err)
	}
	p, resumed, err := a.start(ctx, in.Key)
	if err != nil {
		return j, activityError(err)
	}
	j.p = p
	j.out = GetOutput{Key: in.Key, Attempt: activity.GetInfo(ctx).Attempt, Resumed: resumed}
	if p.Done {
		// An earlier attempt wrote the final batch and died before
		// returning.
		j.out.Written = p.Written
	}
	return j, nil
}

// start finds where a job stands: the sink's checkpoint when it keeps one
// (it is never behind), else the last heartbeat of an earlier attempt.
func (a *Activities) start(ctx context.Context, key string) (Progress, bool, error) {
	if cp, ok := a.sink.(Checkpointer); ok {
		p, found, err := cp.Checkpoint(ctx, key)
		if err != nil {
			return Progress{}, false, err
		}
		if found {
			return p, true, nil
		}
	}
	if activity.HasHeartbeatDetails(ctx) {
		var p Progress
		if err := activity.GetHeartbeatDetails(ctx, &p); err == nil {
			return p, true, nil
		}
	}
	return Progress{}, false, nil
}

// buildQuery turns a GetInput into the product's Query: a canonical entity
// and filter are compiled by translate's vocabulary.
func buildQuery(product string, in GetInput) (connectors.Query, error) {
	q := connectors.Query{Entity: in.Entity, Fields: in.Fields, AsOf: in.AsOf, Since: in.Since, Limit: in.Limit}
	if in.Where != "" {
		parsed, err := translate.Parse("SELECT * FROM x WHERE " + in.Where)
		if err != nil {
			return q, err
		}
		if parsed.Limit != 0 || len(parsed.OrderBy) > 0 || !parsed.AsOf.IsZero() || !parsed.Since.IsZero() {
			return q, connectors.Errorf(connectors.CodeInvalidArgument, "durable: Where takes a filter only")
		}
		q.Where = parsed.Where
	}
	if in.Native {
		return q, nil
	}
	return translate.Default().ToProduct(q, product)
}

// activityError gives Temporal a connectors error in its terms: the code as
// the error type, retryable or not as the code says, and a quota's reset as
// the next retry delay. The message is the connectors error's, which holds
// no secret.
func activityError(err error) error {
	var e *connectors.Error
	if !errors.As(err, &e) {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return err
		}
		return temporal.NewApplicationErrorWithOptions(err.Error(), "INTERNAL", temporal.ApplicationErrorOptions{})
	}
	opts := temporal.ApplicationErrorOptions{}
	switch e.Code {
	case connectors.CodeRateLimited, connectors.CodeUnavailable, connectors.CodeTimeout, connectors.CodeInternal:
		opts.NextRetryDelay = e.RetryAfter
	default:
		// INVALID_ARGUMENT, NOT_FOUND, PERMISSION_DENIED, UNAUTHENTICATED,
		// UNSUPPORTED, CONFLICT: trying again gives the same answer.
		opts.NonRetryable = true
	}
	return temporal.NewApplicationErrorWithOptions(e.Error(), e.Code.String(), opts)
}
