package connkit

import (
	"context"
	"iter"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/internal/errs"
	"github.com/xlr8/connectors/internal/pager"
	"github.com/xlr8/connectors/translate"
)

// Driver is what a vendor supplies; New turns it into a connectors.Connector.
// The adapter calls a driver only while the connector is open, after a
// successful Connect (except Connect itself), with every error it returns
// wrapped once. A driver is used concurrently and must be safe for it.
type Driver interface {
	// Connect authenticates (fetches a token, logs in) and is called once,
	// lazily, before the first call that needs the vendor; concurrent
	// callers share it and a failure is retried by the next call.
	Connect(ctx context.Context) error
	// Ping checks a connected instance for Test: one cheap authenticated
	// call. It returns the API version in use and a message.
	Ping(ctx context.Context) (Ping, error)
	// Entities lists the entities Get serves (Table implements it).
	Entities(ctx context.Context) ([]string, error)
	// Schema describes an entity; an unknown one is NOT_FOUND (Table
	// implements it).
	Schema(ctx context.Context, entity string) (connectors.EntitySchema, error)
	// Plan compiles a query the adapter has validated against the schema
	// (fields, filter fields and order fields exist) into the native
	// requests: what the server evaluates, what is left to filter here, and
	// the page fetch (built with an internal/pager strategy).
	Plan(ctx context.Context, q connectors.Query, s connectors.EntitySchema) (*Plan, error)
}

// Ping is what Driver.Ping learned.
type Ping struct {
	APIVersion string
	Message    string
}

// Plan is a compiled query.
type Plan struct {
	// Fetch returns one page; the adapter walks it with internal/pager
	// (Limit, Resume, totals, progress, cancellation, repeated cursors and
	// repeated records). Build it with pager.OffsetLimit, PageNumber,
	// Tokens, NextLink or OData.
	Fetch pager.Fetch
	// Pushed is the part of Where the server evaluates; Residual the part it
	// cannot, which the adapter filters with translate.Match (Match are the
	// matcher's options, for example translate.FoldCase() for a vendor that
	// compares text case-insensitively). Either may be nil.
	Pushed, Residual connectors.Expr
	Match            []translate.MatchOption
	// Extra lists fields the driver selected only so that the residual can
	// be evaluated; the adapter drops them before yielding.
	Extra []string
	// Select makes the adapter project records to the query's Fields (for
	// a server that cannot select fields itself).
	Select bool
	// KeyOf gives a record's key for Resume and the repeated-record check;
	// nil uses the schema's Key.
	KeyOf func(connectors.Record) string
	// Complete, if set, finishes each record before the residual filter and
	// the projection (pager.Config.Complete): a driver reading the rest of a
	// child collection that a page cut short.
	Complete func(context.Context, connectors.Record) (connectors.Record, error)
	// Entity names the entity in progress reports and errors when it is not
	// the query's (a native query); "" uses the query's.
	Entity string

	// What Explain reports (Config.Explain): the first native requests (no
	// secret in them), the native query text, the calls expected (-1 when
	// unknown), whether it runs as a bulk job, and notes.
	Requests []connectors.PlannedRequest
	Native   string
	Calls    int
	Bulk     bool
	Notes    []string
}

// Optional interfaces a driver may implement, found by type assertion.
type (
	// NativeDriver compiles a native query (SOQL, an OData path, a report
	// name) for Query. Without it (and without NativeParser), Query is
	// UNSUPPORTED.
	NativeDriver interface {
		Native(ctx context.Context, native string) (*Plan, error)
	}
	// NativeParser turns a native query into a Query that Get then runs,
	// for vendors whose native form is a Query in other words (the
	// simulator's REST-style paths). NativeDriver wins when both exist.
	NativeParser interface {
		ParseNative(native string) (connectors.Query, error)
	}
	// BulkDriver runs asynchronous exports; with it the adapter implements
	// connectors.BulkExporter (lifecycle, Connect, Query validation against
	// the schema, error wrapping). Without it the connector has no
	// BulkExporter and callers use Get.
	BulkDriver interface {
		StartExport(ctx context.Context, q connectors.Query, s connectors.EntitySchema) (connectors.JobStatus, error)
		ExportStatus(ctx context.Context, jobID string) (connectors.JobStatus, error)
		ExportResults(ctx context.Context, jobID string) iter.Seq2[connectors.Record, error]
	}
	// ErrorMapper adjusts every error the adapter returns, once, after it
	// is made an *errs.Error (the simulator gives each its vendor code).
	// Without it errors pass as they are, with Product set. It must return
	// a new error rather than change e, which may be shared.
	ErrorMapper interface {
		MapError(e *errs.Error) *errs.Error
	}
	// Closer releases the driver's resources on the connector's first
	// Close. Without it Close only marks the connector closed.
	Closer interface {
		Close() error
	}
	// Aser exposes vendor values through the connector's As (after the
	// adapter's own **Conn).
	Aser interface {
		As(target any) bool
	}
)
