package connkit

import (
	"context"
	"fmt"
	"iter"
	"sort"
	"strings"
	"time"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/internal/errs"
	"github.com/xlr8/connectors/internal/pager"
	"github.com/xlr8/connectors/translate"
)

// Config is what New needs besides the driver.
type Config struct {
	// Product is the product id ("salesforce").
	Product string
	// Options are the host's resolved options (ResolveOptions).
	Options connectors.Options
	// Actions are the driver's actions (Typed, Bind); Execute dispatches
	// them after connecting.
	Actions []Action
	// Auditor, if set, replaces the one built from Options (the simulator
	// keeps its own trail).
	Auditor *Auditor
	// Explain makes the connector a connectors.Explainer, reporting the
	// Plan's Requests, Native, Calls, Bulk and Notes: set it when the
	// driver's plans fill them.
	Explain bool
	// Prefixes are message prefixes trimmed when an error is wrapped, so
	// that "salesforce: NOT_FOUND: salesforce: ..." reads once (Product+": "
	// is always trimmed).
	Prefixes []string
}

// Conn is the portable connector over a Driver: it implements
// connectors.Connector once. Build it with New; Port returns it with the
// optional interfaces its driver supports.
type Conn struct {
	d        Driver
	product  string
	opts     connectors.Options
	life     Lifecycle
	actions  *Actions
	audit    *Auditor
	explain  bool
	prefixes []string
}

var (
	_ connectors.Connector = (*Conn)(nil)
	_ connectors.Aser      = (*Conn)(nil)
)

// New builds the connector over d. It checks the configuration without I/O:
// vendor options that belong to another package (see CheckVendorOptions) are
// INVALID_ARGUMENT.
func New(d Driver, cfg Config) (*Conn, error) {
	if d == nil || cfg.Product == "" {
		return nil, &errs.Error{Code: errs.CodeInternal, Message: "connkit.New: a driver and a product id are required"}
	}
	if err := CheckVendorOptions(cfg.Product, cfg.Options, d); err != nil {
		return nil, err
	}
	c := &Conn{d: d, product: cfg.Product, opts: cfg.Options, explain: cfg.Explain,
		prefixes: append([]string{cfg.Product + ": "}, cfg.Prefixes...)}
	c.life.Product = cfg.Product
	c.audit = cfg.Auditor
	if c.audit == nil {
		c.audit = NewAuditor(cfg.Product, cfg.Options)
	}
	acts := make([]Action, len(cfg.Actions))
	for i, a := range cfg.Actions {
		h := a.Handle
		a.Handle = func(ctx context.Context, p connectors.Principal, params map[string]any) (map[string]any, error) {
			if err := c.Connect(ctx); err != nil {
				return nil, err
			}
			return h(ctx, p, params)
		}
		acts[i] = a
	}
	c.actions = NewActions(cfg.Product, acts...)
	return c, nil
}

// Port returns c as a connectors.Connector that also implements
// connectors.BulkExporter when the driver is a BulkDriver, and
// connectors.Explainer when Config.Explain was set.
func (c *Conn) Port() connectors.Connector {
	_, bulk := c.d.(BulkDriver)
	switch {
	case bulk && c.explain:
		return &struct {
			*Conn
			Exports
			Explains
		}{c, c.Exports(), c.Explains()}
	case bulk:
		return &struct {
			*Conn
			Exports
		}{c, c.Exports()}
	case c.explain:
		return &struct {
			*Conn
			Explains
		}{c, c.Explains()}
	}
	return c
}

// Driver returns the driver.
func (c *Conn) Driver() Driver { return c.d }

// Options returns the resolved options.
func (c *Conn) Options() connectors.Options { return c.opts }

// Actions returns the action table.
func (c *Conn) Actions() *Actions { return c.actions }

// Auditor returns the auditor Execute records to.
func (c *Conn) Auditor() *Auditor { return c.audit }

// Check returns the use-after-Close error, or nil.
func (c *Conn) Check() error { return c.life.Check() }

// Product returns the product id.
func (c *Conn) Product() string { return c.product }

// As sets a **Conn target to c, else asks the driver (Aser).
func (c *Conn) As(target any) bool {
	if p, ok := target.(**Conn); ok {
		*p = c
		return true
	}
	if a, ok := c.d.(Aser); ok {
		return a.As(target)
	}
	return false
}

// Connect runs the driver's Connect once successfully.
func (c *Conn) Connect(ctx context.Context) error {
	return c.Wrap(c.life.Connect(ctx, c.d.Connect))
}

// Close closes the connector (and the driver, if it is a Closer); every
// later call fails with an error wrapping connectors.ErrClosed.
func (c *Conn) Close() error {
	return c.life.Close(func() error {
		if cl, ok := c.d.(Closer); ok {
			return c.Wrap(cl.Close())
		}
		return nil
	})
}

// Test connects and pings.
func (c *Conn) Test(ctx context.Context) (connectors.Status, error) {
	st := connectors.Status{Product: c.product, CheckedAt: c.opts.Now()}
	if err := c.Connect(ctx); err != nil {
		code := errs.CodeOf(err)
		st.Reachable = code != errs.CodeUnavailable && code != errs.CodeTimeout && code != errs.CodeInvalidArgument
		return st, err
	}
	start := time.Now()
	p, err := c.d.Ping(ctx)
	st.APIVersion, st.Message = p.APIVersion, p.Message
	if err != nil {
		code := errs.CodeOf(err)
		st.Reachable = code != errs.CodeUnavailable && code != errs.CodeTimeout
		st.Authenticated = st.Reachable && code != errs.CodeUnauthenticated && code != errs.CodePermissionDenied
		return st, c.Wrap(err)
	}
	st.Latency = time.Since(start)
	st.Reachable, st.Authenticated = true, true
	return st, nil
}

// Entities lists the driver's entities.
func (c *Conn) Entities(ctx context.Context) ([]string, error) {
	if err := c.Connect(ctx); err != nil {
		return nil, err
	}
	out, err := c.d.Entities(ctx)
	return out, c.Wrap(err)
}

// Schema describes an entity.
func (c *Conn) Schema(ctx context.Context, entity string) (connectors.EntitySchema, error) {
	if err := c.Connect(ctx); err != nil {
		return connectors.EntitySchema{}, err
	}
	s, err := c.d.Schema(ctx, entity)
	return s, c.Wrap(err)
}

// Capabilities lists the actions.
func (c *Conn) Capabilities() []connectors.Capability { return c.actions.Capabilities() }

// Execute runs an action: UNSUPPORTED when unknown, principal stripped and
// checked, audited, connected first.
func (c *Conn) Execute(ctx context.Context, action string, params map[string]any) (map[string]any, error) {
	if err := c.life.Check(); err != nil {
		return nil, c.Wrap(err)
	}
	out, err := c.actions.Execute(ctx, c.audit, action, params)
	if err != nil {
		return nil, c.Wrap(err)
	}
	return out, nil
}

// Get validates q (Query.Validate, then its fields, filter fields and
// order fields against the schema), plans it with the driver and streams
// it through the pager.
func (c *Conn) Get(ctx context.Context, q connectors.Query) iter.Seq2[connectors.Record, error] {
	if err := c.life.Check(); err != nil {
		return connectors.Errored(c.Wrap(err))
	}
	if err := q.Validate(); err != nil {
		return connectors.Errored(c.Wrap(err))
	}
	return c.Stream(ctx, q, func(ctx context.Context) (*Plan, connectors.EntitySchema, error) {
		s, err := c.CheckQuery(ctx, q)
		if err != nil {
			return nil, s, err
		}
		p, err := c.d.Plan(ctx, q, s)
		return p, s, err
	})
}

// CheckQuery returns q's entity schema after checking that q's fields,
// filter fields and order fields are in it (CheckFields).
func (c *Conn) CheckQuery(ctx context.Context, q connectors.Query) (connectors.EntitySchema, error) {
	s, err := c.d.Schema(ctx, q.Entity)
	if err != nil {
		return s, err
	}
	return s, CheckFields(s, q)
}

// CheckFields checks that q's fields, filter fields and order fields are in
// s: INVALID_ARGUMENT naming the first that is not (Details "path", "field",
// "entity").
func CheckFields(s connectors.EntitySchema, q connectors.Query) error {
	has := func(name string) bool {
		_, ok := s.Field(name)
		return ok
	}
	for i, f := range q.Fields {
		if !has(f) {
			return unknownField(s, f, fmt.Sprintf("fields[%d]", i))
		}
	}
	var bad string
	connectors.Walk(q.Where, func(cmp connectors.Cmp) bool {
		if !has(cmp.Field) {
			bad = cmp.Field
			return false
		}
		return true
	})
	if bad != "" {
		return unknownField(s, bad, "where")
	}
	for i, o := range q.OrderBy {
		if !has(o.Field) {
			return unknownField(s, o.Field, fmt.Sprintf("order_by[%d]", i))
		}
	}
	return nil
}

func unknownField(s connectors.EntitySchema, name, path string) *errs.Error {
	known := make([]string, len(s.Fields))
	for i, f := range s.Fields {
		known[i] = f.Name
	}
	sort.Strings(known)
	msg := fmt.Sprintf("%s has no field %q", s.Entity, Bound(name, 128))
	if len(known) <= 24 {
		msg += " (known: " + strings.Join(known, ", ") + ")"
	}
	return (&errs.Error{Code: errs.CodeInvalidArgument, Message: msg}).
		WithDetail("path", path).WithDetail("field", Bound(name, 128)).WithDetail("entity", s.Entity)
}

// Bound cuts s to at most n bytes (on a rune boundary), marking the cut, for
// caller or vendor text quoted into an error.
func Bound(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := n
	for i > 0 && s[i]&0xC0 == 0x80 {
		i--
	}
	return s[:i] + fmt.Sprintf("…(%d bytes)", len(s))
}

// Query runs a native query: through the driver's NativeDriver, else as
// the Query its NativeParser makes; UNSUPPORTED without either.
func (c *Conn) Query(ctx context.Context, native string) iter.Seq2[connectors.Record, error] {
	if err := c.life.Check(); err != nil {
		return connectors.Errored(c.Wrap(err))
	}
	if nd, ok := c.d.(NativeDriver); ok {
		return c.Stream(ctx, connectors.Query{Entity: "query"}, func(ctx context.Context) (*Plan, connectors.EntitySchema, error) {
			p, err := nd.Native(ctx, native)
			return p, connectors.EntitySchema{}, err
		})
	}
	if np, ok := c.d.(NativeParser); ok {
		q, err := np.ParseNative(native)
		if err != nil {
			return connectors.Errored(c.Wrap(err))
		}
		return c.Get(ctx, q)
	}
	return connectors.Errored(c.Wrap(&errs.Error{Code: errs.CodeUnsupported, Message: "native queries are not supported"}))
}

// Stream connects, builds a plan with build (which also returns the schema
// whose Key gives records their key; zero for none) and walks it: residual
// filter, projection, Limit, Resume, totals, progress, and every error
// wrapped once. Drivers use it for their own typed entry points
// (Salesforce's QueryAll).
func (c *Conn) Stream(ctx context.Context, q connectors.Query, build func(ctx context.Context) (*Plan, connectors.EntitySchema, error)) iter.Seq2[connectors.Record, error] {
	return func(yield func(connectors.Record, error) bool) {
		if err := c.Connect(ctx); err != nil {
			yield(nil, err)
			return
		}
		p, s, err := build(ctx)
		if err != nil {
			yield(nil, c.Wrap(err))
			return
		}
		cfg, err := c.pagerConfig(q, p, s)
		if err != nil {
			yield(nil, c.Wrap(err))
			return
		}
		for r, err := range pager.Walk(ctx, cfg, p.Fetch) {
			if err != nil {
				yield(nil, c.Wrap(err))
				return
			}
			if !yield(r, nil) {
				return
			}
		}
	}
}

func (c *Conn) pagerConfig(q connectors.Query, p *Plan, s connectors.EntitySchema) (pager.Config, error) {
	if p == nil || p.Fetch == nil {
		return pager.Config{}, &errs.Error{Code: errs.CodeInternal, Message: "the driver's plan has no page fetch"}
	}
	if p.Entity != "" {
		q.Entity = p.Entity
	}
	cfg := pager.Config{Product: c.product, Query: q, Progress: c.opts.Progress, KeyOf: p.KeyOf, Complete: p.Complete}
	if cfg.KeyOf == nil {
		cfg.KeyOf = KeyOf(s.Key)
	}
	if p.Residual != nil {
		m, err := translate.NewMatcher(p.Residual, p.Match...)
		if err != nil {
			return cfg, err
		}
		cfg.Filter = m.Filter()
	}
	switch {
	case p.Select && len(q.Fields) > 0:
		fields := q.Fields
		cfg.Project = func(r connectors.Record) connectors.Record { return r.Select(fields) }
	case len(p.Extra) > 0:
		extra := p.Extra
		cfg.Project = func(r connectors.Record) connectors.Record {
			for _, f := range extra {
				delete(r, f)
			}
			return r
		}
	}
	return cfg, nil
}

// KeyOf returns a key function over the named fields (nil for none): the
// value of a single field as text, or the values of several joined by a
// unit separator. A record missing a key field has no key ("").
func KeyOf(key []string) func(connectors.Record) string {
	switch len(key) {
	case 0:
		return nil
	case 1:
		k := key[0]
		return func(r connectors.Record) string { return keyText(r[k]) }
	}
	key = append([]string(nil), key...)
	return func(r connectors.Record) string {
		var b strings.Builder
		for i, k := range key {
			v, ok := r[k]
			if !ok || v == nil {
				return ""
			}
			if i > 0 {
				b.WriteByte(0x1f)
			}
			b.WriteString(keyText(v))
		}
		return b.String()
	}
}

func keyText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	}
	return fmt.Sprint(v)
}

// Wrap makes err an *errs.Error once: Product set, the driver's ErrorMapper
// applied, a leading product or vendor prefix trimmed from the message.
// nil stays nil.
func (c *Conn) Wrap(err error) error {
	if err == nil {
		return nil
	}
	e := errs.As(err, c.product)
	if m, ok := c.d.(ErrorMapper); ok {
		e = m.MapError(e)
	}
	trim := ""
	for _, p := range c.prefixes {
		if strings.HasPrefix(e.Message, p) {
			trim = p
			break
		}
	}
	if e.Product == c.product && trim == "" {
		return e
	}
	e = e.Clone()
	e.Product = c.product
	e.Message = strings.TrimPrefix(e.Message, trim)
	return e
}

// prepare is the prologue of a call about q outside a stream: open,
// validated, connected, checked against the schema (errors wrapped).
func (c *Conn) prepare(ctx context.Context, q connectors.Query) (connectors.EntitySchema, error) {
	if err := c.life.Check(); err != nil {
		return connectors.EntitySchema{}, c.Wrap(err)
	}
	if err := q.Validate(); err != nil {
		return connectors.EntitySchema{}, c.Wrap(err)
	}
	if err := c.Connect(ctx); err != nil {
		return connectors.EntitySchema{}, err
	}
	s, err := c.CheckQuery(ctx, q)
	return s, c.Wrap(err)
}

// Exports implements connectors.BulkExporter over a BulkDriver; vendors
// embed it (with *Conn) in their exported connector type.
type Exports struct{ c *Conn }

// Exports returns c's BulkExporter methods. It panics when the driver is not
// a BulkDriver: a vendor embeds it only for a driver that is.
func (c *Conn) Exports() Exports {
	if _, ok := c.d.(BulkDriver); !ok {
		panic("connkit: Exports on a driver that is not a BulkDriver")
	}
	return Exports{c}
}

// StartExport validates q against the schema and starts a job.
func (x Exports) StartExport(ctx context.Context, q connectors.Query) (connectors.JobStatus, error) {
	c := x.c
	s, err := c.prepare(ctx, q)
	if err != nil {
		return connectors.JobStatus{}, err
	}
	st, err := c.d.(BulkDriver).StartExport(ctx, q, s)
	return st, c.Wrap(err)
}

// ExportStatus polls a job.
func (x Exports) ExportStatus(ctx context.Context, jobID string) (connectors.JobStatus, error) {
	c := x.c
	if err := c.life.Check(); err != nil {
		return connectors.JobStatus{}, c.Wrap(err)
	}
	if err := c.Connect(ctx); err != nil {
		return connectors.JobStatus{}, err
	}
	st, err := c.d.(BulkDriver).ExportStatus(ctx, jobID)
	if st.Err != nil {
		st.Err = c.Wrap(st.Err)
	}
	return st, c.Wrap(err)
}

// ExportResults streams a job's records.
func (x Exports) ExportResults(ctx context.Context, jobID string) iter.Seq2[connectors.Record, error] {
	c := x.c
	if err := c.life.Check(); err != nil {
		return connectors.Errored(c.Wrap(err))
	}
	return func(yield func(connectors.Record, error) bool) {
		if err := c.Connect(ctx); err != nil {
			yield(nil, err)
			return
		}
		for r, err := range c.d.(BulkDriver).ExportResults(ctx, jobID) {
			if err != nil {
				yield(nil, c.Wrap(err))
				return
			}
			if !yield(r, nil) {
				return
			}
		}
	}
}

// Explains implements connectors.Explainer from the driver's Plans.
type Explains struct{ c *Conn }

// Explains returns c's Explainer method.
func (c *Conn) Explains() Explains { return Explains{c} }

// Explain validates and plans q as Get would, without fetching a page.
func (x Explains) Explain(ctx context.Context, q connectors.Query) (connectors.Plan, error) {
	c := x.c
	s, err := c.prepare(ctx, q)
	if err != nil {
		return connectors.Plan{}, err
	}
	p, err := c.d.Plan(ctx, q, s)
	if err != nil {
		return connectors.Plan{}, c.Wrap(err)
	}
	entity := q.Entity
	if p.Entity != "" {
		entity = p.Entity
	} else if s.Entity != "" {
		entity = s.Entity
	}
	out := connectors.Plan{Product: c.product, Entity: entity, Requests: p.Requests, Native: p.Native,
		Pushed: p.Pushed, Residual: p.Residual, Calls: p.Calls, Bulk: p.Bulk, Notes: p.Notes}
	if p.Residual != nil && !hasNote(p.Notes, "filtered client side") {
		out.Notes = append(append([]string(nil), p.Notes...), "filtered client side: "+p.Residual.String())
	}
	return out, nil
}

func hasNote(notes []string, prefix string) bool {
	for _, n := range notes {
		if strings.HasPrefix(n, prefix) {
			return true
		}
	}
	return false
}
