package connectors

import (
	"context"
	"iter"
	"time"
)

// Connector is the port every vendor adapter and the simulator satisfy.
//
// Get and Query stream: memory stays bounded by one page whatever the total,
// a failure is yielded once as (nil, err) and ends the stream, and ranging
// over the sequence again runs the query again. Every error is a *Error.
type Connector interface {
	// Product returns the product id ("salesforce", "workday_hcm" ...).
	Product() string
	// Connect authenticates and checks that the instance answers. It is
	// idempotent; Get, Query and Execute connect on first use if needed.
	Connect(ctx context.Context) error
	// Close releases the connector. It is idempotent; every call after it
	// fails with an error wrapping ErrClosed.
	Close() error
	// Test reports whether the instance is reachable and the credential
	// accepted, with the latency and the API version.
	Test(ctx context.Context) (Status, error)
	// Entities lists the entities Get serves.
	Entities(ctx context.Context) ([]string, error)
	// Schema describes an entity. An unknown entity is NOT_FOUND.
	Schema(ctx context.Context, entity string) (EntitySchema, error)
	// Get streams the records of q, page by page.
	Get(ctx context.Context, q Query) iter.Seq2[Record, error]
	// Query runs the product's native query (SOQL, an OData path, a RaaS
	// report ...) and streams its records.
	Query(ctx context.Context, native string) iter.Seq2[Record, error]
	// Capabilities lists the actions Execute runs.
	Capabilities() []Capability
	// Execute runs one capability. The caller's identity travels in params
	// under ParamPrincipal, ParamGroups and ParamType; an unknown action is
	// UNSUPPORTED.
	Execute(ctx context.Context, action string, params map[string]any) (map[string]any, error)
}

// Status is the result of Connector.Test.
type Status struct {
	Product       string        `json:"product"`
	Reachable     bool          `json:"reachable"`
	Authenticated bool          `json:"authenticated"`
	Latency       time.Duration `json:"latency"`
	APIVersion    string        `json:"api_version,omitempty"`
	Message       string        `json:"message,omitempty"`
	CheckedAt     time.Time     `json:"checked_at"`
}

// FieldType is the portable type of a field.
type FieldType string

// The field types. Vendor types map onto these (Salesforce currency and
// percent are TypeFloat, reference and id are TypeString ...).
const (
	TypeString   FieldType = "string"
	TypeInt      FieldType = "int"
	TypeFloat    FieldType = "float"
	TypeBool     FieldType = "bool"
	TypeDate     FieldType = "date"
	TypeDateTime FieldType = "datetime"
	TypeObject   FieldType = "object"
	TypeArray    FieldType = "array"
	TypeBinary   FieldType = "binary"
)

// Field describes one field of an entity.
type Field struct {
	// Name is the product's field name.
	Name string `json:"name"`
	// Type is the portable type.
	Type FieldType `json:"type"`
	// VendorType is the product's own type name, when it has one.
	VendorType string `json:"vendor_type,omitempty"`
	// Canonical is the canonical (translate vocabulary) name, when known.
	Canonical string `json:"canonical,omitempty"`
	// Nullable reports whether the field may be null.
	Nullable bool `json:"nullable"`
	// Label is a human-readable name, when the product gives one.
	Label string `json:"label,omitempty"`
	// Filterable and Sortable say whether the server can filter and sort on
	// the field; a connector filters the rest client side.
	Filterable bool `json:"filterable,omitempty"`
	Sortable   bool `json:"sortable,omitempty"`
}

// EntitySchema describes an entity.
type EntitySchema struct {
	Entity string `json:"entity"`
	// Canonical is the canonical entity name, when known ("worker").
	Canonical string `json:"canonical,omitempty"`
	Label     string `json:"label,omitempty"`
	// Key lists the fields that identify a record.
	Key    []string `json:"key,omitempty"`
	Fields []Field  `json:"fields"`
}

// Field returns the named field.
func (s EntitySchema) Field(name string) (Field, bool) {
	for _, f := range s.Fields {
		if f.Name == name {
			return f, true
		}
	}
	return Field{}, false
}

// BulkExporter is implemented by connectors whose vendor offers asynchronous
// bulk exports (Salesforce Bulk API 2.0, UKG exports, Oracle extracts).
// Without it, callers use Get, which streams just the same but page by page.
type BulkExporter interface {
	// StartExport creates an export job for q and returns its first status.
	StartExport(ctx context.Context, q Query) (JobStatus, error)
	// ExportStatus polls a job.
	ExportStatus(ctx context.Context, jobID string) (JobStatus, error)
	// ExportResults streams a finished job's records; it waits (polling with
	// backoff) for a job still running.
	ExportResults(ctx context.Context, jobID string) iter.Seq2[Record, error]
}

// JobState is the portable state of an export job.
type JobState string

// The job states.
const (
	JobQueued   JobState = "queued"
	JobRunning  JobState = "running"
	JobComplete JobState = "complete"
	JobFailed   JobState = "failed"
	JobAborted  JobState = "aborted"
)

// Done reports whether the state is final.
func (s JobState) Done() bool { return s == JobComplete || s == JobFailed || s == JobAborted }

// JobStatus is the state of an export job.
type JobStatus struct {
	ID    string   `json:"id"`
	State JobState `json:"state"`
	// VendorState is the vendor's own word (UploadComplete, InProgress ...).
	VendorState      string    `json:"vendor_state,omitempty"`
	Entity           string    `json:"entity,omitempty"`
	RecordsProcessed int64     `json:"records_processed"`
	CreatedAt        time.Time `json:"created_at,omitzero"`
	// Err is the job's failure, when State is failed or aborted.
	Err error `json:"-"`
}

// Explainer is implemented by connectors that can say how they will run a
// query before running it. Without it, there is no plan; Get still works.
type Explainer interface {
	Explain(ctx context.Context, q Query) (Plan, error)
}

// Plan says how a connector will run a query.
type Plan struct {
	Product string `json:"product"`
	Entity  string `json:"entity"`
	// Requests are the native requests the connector will send first (later
	// pages follow the vendor's cursor), with no secret in them.
	Requests []PlannedRequest `json:"requests"`
	// Native is the native query text (SOQL, $filter ...), when there is one.
	Native string `json:"native,omitempty"`
	// Pushed is the part of Where the server evaluates; Residual the part the
	// connector filters client side. Either may be nil.
	Pushed   Expr `json:"-"`
	Residual Expr `json:"-"`
	// Calls is the number of API calls expected, or -1 when unknown.
	Calls int `json:"calls"`
	// Bulk reports whether the query will run as a bulk job.
	Bulk  bool     `json:"bulk,omitempty"`
	Notes []string `json:"notes,omitempty"`
}

// PlannedRequest is one request of a Plan.
type PlannedRequest struct {
	Method string `json:"method"`
	URL    string `json:"url"`
	Body   string `json:"body,omitempty"`
}

// Unwrapper is implemented by wrappers around a connector (a logging or
// caching decorator) so that Find still reaches the optional interfaces of
// the connector underneath.
type Unwrapper interface {
	Unwrap() Connector
}

// Aser is the escape hatch to vendor-specific types: As sets target to the
// vendor value it names and reports whether it could. Each vendor package's
// documentation has a "# As" section listing what it exposes.
type Aser interface {
	As(target any) bool
}

// Find returns c, or the first connector under it reached through Unwrap,
// that implements T: connectors.Find[connectors.BulkExporter](c).
func Find[T any](c Connector) (T, bool) {
	for i := 0; c != nil && i < 32; i++ {
		if t, ok := c.(T); ok {
			return t, true
		}
		u, ok := c.(Unwrapper)
		if !ok {
			break
		}
		c = u.Unwrap()
	}
	var zero T
	return zero, false
}

// As reaches a vendor-specific value through c's Aser (or the Aser of a
// connector under it): var sf *salesforce.Connector; connectors.As(c, &sf).
func As(c Connector, target any) bool {
	for i := 0; c != nil && i < 32; i++ {
		if a, ok := c.(Aser); ok && a.As(target) {
			return true
		}
		u, ok := c.(Unwrapper)
		if !ok {
			break
		}
		c = u.Unwrap()
	}
	return false
}
