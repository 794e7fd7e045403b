package policy

import (
	"context"
	"iter"
	"log/slog"
	"slices"
	"sync"
	"time"

	connectors "github.com/xlr8/connectors"
)

// VendorCode is the VendorCode of every refusal Enforce returns, so that a
// caller tells the policy's PERMISSION_DENIED from the vendor's.
const VendorCode = "POLICY_DENIED"

type principalKey struct{}

// WithPrincipal returns a context carrying the caller's principal, for the
// calls that have no params (Get, Query) and for Execute calls whose params
// carry none.
func WithPrincipal(ctx context.Context, p connectors.Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the principal WithPrincipal put in ctx.
func PrincipalFrom(ctx context.Context) (connectors.Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(connectors.Principal)
	return p, ok
}

// Event records one decision Enforce made. It names the capability, the
// principal, the outcome and the rule, and the paths of masked fields; never
// a parameter or a value.
type Event struct {
	Time       time.Time                `json:"time"`
	Product    string                   `json:"product"`
	Capability string                   `json:"capability"`
	Principal  string                   `json:"principal"`
	Type       connectors.PrincipalType `json:"type"`
	Allowed    bool                     `json:"allowed"`
	Rule       string                   `json:"rule"`
	Reason     string                   `json:"reason"`
	Masked     []string                 `json:"masked,omitempty"`
}

// Option configures Enforce.
type Option func(*enforcer)

// WithLogger logs every decision at Info (allowed) or Warn (denied).
func WithLogger(l *slog.Logger) Option { return func(e *enforcer) { e.log = l } }

// WithAudit sends every decision to fn, which must be safe for concurrent
// use and quick.
func WithAudit(fn func(context.Context, Event)) Option { return func(e *enforcer) { e.audit = fn } }

// WithoutMasking turns personal-data masking off (a host that masks
// elsewhere). Decisions are still enforced.
func WithoutMasking() Option { return func(e *enforcer) { e.noMask = true } }

// Enforce wraps conn so that every Execute, Get and Query is decided by p
// for the caller's principal (from Execute's params, or from the context:
// WithPrincipal) and refused with PERMISSION_DENIED (VendorCode
// POLICY_DENIED) when p says no; personal fields the principal's roles do
// not grant are masked in what is returned. Capabilities are conn's with
// output schemas that admit the masked values (the field's own schema or
// Masked, and MaskedKey's paths), so that a result validated against them
// passes masked or not. Entities, Schema, Test, Connect and Close pass
// through.
//
// The wrapper deliberately has no Unwrap and forwards no optional interface
// (BulkExporter, As): reaching the connector underneath would bypass the
// policy. A host that needs a bulk export runs it on the connector it holds.
func Enforce(conn connectors.Connector, p *Policy, opts ...Option) connectors.Connector {
	e := &enforcer{conn: conn, p: p, caps: map[string]connectors.Capability{}}
	for _, c := range conn.Capabilities() {
		e.caps[c.Name] = c
	}
	for _, o := range opts {
		o(e)
	}
	return e
}

type enforcer struct {
	conn connectors.Connector
	p    *Policy
	caps map[string]connectors.Capability
	// published is what Capabilities returns: conn's, with output
	// schemas that admit masked values, built on the first call.
	published     []connectors.Capability
	publishedOnce sync.Once
	log           *slog.Logger
	audit         func(context.Context, Event)
	noMask        bool
}

func (e *enforcer) Product() string                                     { return e.conn.Product() }
func (e *enforcer) Connect(ctx context.Context) error                   { return e.conn.Connect(ctx) }
func (e *enforcer) Close() error                                        { return e.conn.Close() }
func (e *enforcer) Test(ctx context.Context) (connectors.Status, error) { return e.conn.Test(ctx) }
func (e *enforcer) Entities(ctx context.Context) ([]string, error)      { return e.conn.Entities(ctx) }
func (e *enforcer) Schema(ctx context.Context, entity string) (connectors.EntitySchema, error) {
	return e.conn.Schema(ctx, entity)
}
func (e *enforcer) Capabilities() []connectors.Capability {
	e.publishedOnce.Do(func() {
		e.published = e.conn.Capabilities()
		if !e.noMask {
			e.published = maskedCaps(e.conn.Product(), e.published)
		}
	})
	return append([]connectors.Capability(nil), e.published...)
}

// Execute decides the action for the principal, runs it when allowed, and
// masks the personal fields of its result that the principal may not see
// (their paths under MaskedKey).
func (e *enforcer) Execute(ctx context.Context, action string, params map[string]any) (map[string]any, error) {
	pr, err := principalOf(ctx, params)
	if err != nil {
		return nil, err
	}
	c, known := e.caps[action]
	if !known {
		c = connectors.Capability{}
	}
	d := e.p.Decide(pr, c)
	if !known {
		d = Decision{Rule: "capability", Reason: "unknown capability"}
	}
	if !d.Allowed {
		e.record(ctx, action, pr, d, nil)
		return nil, e.refusal(action, d)
	}
	if _, inParams := params[connectors.ParamPrincipal]; !inParams {
		params = connectors.WithPrincipal(params, pr)
	}
	out, err := e.conn.Execute(ctx, action, params)
	if err != nil || out == nil || e.noMask {
		e.record(ctx, action, pr, d, nil)
		return out, err
	}
	masked, paths := maskerFor(e.Product()).maskLazy(out, func() grantSet { return grantSet(e.p.Personal(pr)) })
	if len(paths) > 0 {
		masked[MaskedKey] = paths
	}
	e.record(ctx, action, pr, d, paths)
	return masked, nil
}

// Get decides ReadCapability(product, q.Entity) for the context's principal
// and streams the records with personal fields masked.
func (e *enforcer) Get(ctx context.Context, q connectors.Query) iter.Seq2[connectors.Record, error] {
	return e.stream(ctx, ReadCapability(e.Product(), q.Entity), func(ctx context.Context) iter.Seq2[connectors.Record, error] {
		return e.conn.Get(ctx, q)
	})
}

// Query decides QueryCapability(product) (sensitive: explicit grants only)
// for the context's principal.
func (e *enforcer) Query(ctx context.Context, native string) iter.Seq2[connectors.Record, error] {
	return e.stream(ctx, QueryCapability(e.Product()), func(ctx context.Context) iter.Seq2[connectors.Record, error] {
		return e.conn.Query(ctx, native)
	})
}

func (e *enforcer) stream(ctx context.Context, c connectors.Capability, run func(context.Context) iter.Seq2[connectors.Record, error]) iter.Seq2[connectors.Record, error] {
	return func(yield func(connectors.Record, error) bool) {
		pr, _ := PrincipalFrom(ctx)
		d := e.p.Decide(pr, c)
		if !d.Allowed {
			e.record(ctx, c.Name, pr, d, nil)
			yield(nil, e.refusal(c.Name, d))
			return
		}
		var m *masker
		var g grantSet
		if !e.noMask {
			m, g = maskerFor(e.Product()), grantSet(e.p.Personal(pr))
		}
		seen := map[string]bool{}
		defer func() {
			var paths []string
			for p := range seen {
				paths = append(paths, p)
			}
			e.record(ctx, c.Name, pr, d, sortedCompact(paths))
		}()
		for rec, err := range run(ctx) {
			if err == nil && m != nil {
				out, paths := m.mask(rec, g)
				for _, p := range paths {
					seen[p] = true
				}
				rec = out
			}
			if !yield(rec, err) || err != nil {
				return
			}
		}
	}
}

func principalOf(ctx context.Context, params map[string]any) (connectors.Principal, error) {
	if params != nil {
		if _, ok := params[connectors.ParamPrincipal]; ok {
			pr, _, err := connectors.SplitPrincipal(params)
			return pr, err
		}
		if _, ok := params[connectors.ParamType]; ok {
			pr, _, err := connectors.SplitPrincipal(params)
			return pr, err
		}
	}
	pr, _ := PrincipalFrom(ctx)
	return pr, nil
}

func (e *enforcer) refusal(capability string, d Decision) *connectors.Error {
	err := connectors.Errorf(connectors.CodePermissionDenied, "%s: %s", capability, d.Reason).
		WithDetail("capability", capability).WithDetail("rule", d.Rule)
	err.VendorCode = VendorCode
	err.Product = e.Product()
	return err
}

func (e *enforcer) record(ctx context.Context, capability string, pr connectors.Principal, d Decision, masked []string) {
	if e.log == nil && e.audit == nil {
		return
	}
	ev := Event{Time: time.Now(), Product: e.Product(), Capability: capability, Principal: pr.ID, Type: pr.Type,
		Allowed: d.Allowed, Rule: d.Rule, Reason: d.Reason, Masked: masked}
	if e.audit != nil {
		e.audit(ctx, ev)
	}
	if e.log != nil {
		level := slog.LevelInfo
		if !d.Allowed {
			level = slog.LevelWarn
		}
		e.log.LogAttrs(ctx, level, "policy decision",
			slog.String("product", ev.Product), slog.String("capability", capability),
			slog.String("principal", pr.ID), slog.String("type", string(pr.Type)),
			slog.Bool("allowed", d.Allowed), slog.String("rule", d.Rule), slog.Any("masked", masked))
	}
}

func sortedCompact(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	slices.Sort(s)
	return s
}

var _ connectors.Connector = (*enforcer)(nil)
