package connkit

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"time"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/internal/errs"
	"github.com/xlr8/connectors/internal/transport"
)

// Handler runs one action with the principal taken out of params and params
// without the principal keys.
type Handler func(ctx context.Context, p connectors.Principal, params map[string]any) (map[string]any, error)

// Action is one entry of an action table.
type Action struct {
	Capability connectors.Capability
	Handle     Handler

	raw rawHandler // set by Bind and BindMap: Execute skips the copy of params
}

// Actions is an action table: dispatch by capability string, UNSUPPORTED for
// unknown actions, principal stripping and checking, and one audit event per
// call. It is immutable after NewActions and safe for concurrent use.
type Actions struct {
	product string
	list    []Action
	byName  map[string]int
	caps    []connectors.Capability
}

// NewActions builds a table. A duplicate or empty name panics: tables are
// built at package init from literals.
func NewActions(product string, actions ...Action) *Actions {
	a := &Actions{product: product, list: actions, byName: make(map[string]int, len(actions))}
	for i, act := range actions {
		name := act.Capability.Name
		if name == "" || act.Handle == nil {
			panic(fmt.Sprintf("connkit: action %d of %s has no name or no handler", i, product))
		}
		if _, dup := a.byName[name]; dup {
			panic("connkit: duplicate action " + name)
		}
		if act.Capability.AuditLevel == "" {
			act.Capability.AuditLevel = connectors.AuditStandard
			a.list[i] = act
		}
		a.byName[name] = i
		a.caps = append(a.caps, act.Capability)
	}
	return a
}

// Capabilities returns a copy of the table's capabilities, in table order.
func (a *Actions) Capabilities() []connectors.Capability {
	out := make([]connectors.Capability, len(a.caps))
	copy(out, a.caps)
	return out
}

// Names returns the action names, sorted.
func (a *Actions) Names() []string {
	out := make([]string, 0, len(a.list))
	for _, act := range a.list {
		out = append(out, act.Capability.Name)
	}
	sort.Strings(out)
	return out
}

// Lookup returns the action named name.
func (a *Actions) Lookup(name string) (Action, bool) {
	i, ok := a.byName[name]
	if !ok {
		return Action{}, false
	}
	return a.list[i], true
}

// Auditor records Execute calls: to the host's AuditHook and as one slog
// event on the connector's logger.
type Auditor struct {
	Product string
	Logger  *slog.Logger
	Hook    connectors.AuditHook
	Now     func() time.Time
	// AllowMissingType lets sensitive and write capabilities run without
	// a principal type (connectors.WithAllowMissingPrincipalType).
	AllowMissingType bool
}

// CheckPrincipalType refuses, with PERMISSION_DENIED (vendor code
// NOT_PERMITTED, Details["reason"] "principal_type_required"), a sensitive or write capability called without
// a principal type (__type__): the capability's PrincipalTypes cannot be
// enforced for a caller of unknown kind, so the gate fails closed unless the
// host opted out (allowMissing).
func CheckPrincipalType(c connectors.Capability, p connectors.Principal, allowMissing bool) *errs.Error {
	if p.Type != "" || allowMissing || !(c.Sensitive || c.Write) {
		return nil
	}
	what := "writes"
	if !c.Write {
		what = "is sensitive"
	}
	return (&errs.Error{Code: errs.CodePermissionDenied, VendorCode: "NOT_PERMITTED",
		Message: fmt.Sprintf("%s %s: the caller must say its principal type (%s: one of %v)", c.Name, what, connectors.ParamType, c.PrincipalTypes)}).
		WithDetail("param", connectors.ParamType).WithDetail("reason", "principal_type_required")
}

// NewAuditor builds an Auditor from resolved options.
func NewAuditor(product string, o connectors.Options) *Auditor {
	return &Auditor{Product: product, Logger: o.Logger, Hook: o.Audit, Now: o.Clock, AllowMissingType: o.AllowMissingPrincipalType}
}

// ExecuteMessage is the message of the audit event logged for every Execute.
const ExecuteMessage = "connectors: execute"

// Execute dispatches action. An unknown action is UNSUPPORTED (naming the
// known ones); malformed principal keys are INVALID_ARGUMENT; a principal
// type the capability is not meant for is PERMISSION_DENIED (vendor code
// NOT_PERMITTED). Every outcome is audited.
func (a *Actions) Execute(ctx context.Context, au *Auditor, action string, params map[string]any) (map[string]any, error) {
	start := time.Now()
	act, ok := a.Lookup(action)
	if !ok {
		err := (&errs.Error{Code: errs.CodeUnsupported, Product: a.product, VendorCode: "UNKNOWN_ACTION",
			Message: fmt.Sprintf("unknown action %q (this connector runs %s)", action, strings.Join(a.Names(), ", "))}).
			WithDetail("action", action).WithDetail("known", a.Names())
		au.record(ctx, connectors.Capability{Name: action, AuditLevel: connectors.AuditStandard}, connectors.Principal{}, nil, err, start)
		return nil, err
	}
	var (
		p    connectors.Principal
		rest map[string]any
		skip int
		err  error
	)
	if act.raw != nil {
		p, skip, err = principalOf(params)
		rest = params
	} else {
		p, rest, err = connectors.SplitPrincipal(params)
	}
	if err != nil {
		e := errs.As(err, a.product).Clone()
		e.Product = a.product
		au.record(ctx, act.Capability, connectors.Principal{}, nil, e, start)
		return nil, e
	}
	if err := CheckPrincipalType(act.Capability, p, au != nil && au.AllowMissingType); err != nil {
		e := err.Clone()
		e.Product = a.product
		au.record(ctx, act.Capability, p, nil, e, start)
		return nil, e
	}
	if !act.Capability.Allows(p.Type) {
		e := (&errs.Error{Code: errs.CodePermissionDenied, Product: a.product, VendorCode: "NOT_PERMITTED",
			Message: fmt.Sprintf("%s is not available to %s principals (allowed: %v)", action, p.Type, act.Capability.PrincipalTypes)}).
			WithDetail("principal_type", string(p.Type))
		au.record(ctx, act.Capability, p, nil, e, start)
		return nil, e
	}
	if err := ctx.Err(); err != nil {
		e := errs.FromContext(err, a.product, action)
		au.record(ctx, act.Capability, p, nil, e, start)
		return nil, e
	}
	var out map[string]any
	if hctx := transport.WithPrincipal(ctx, p.ID); act.raw != nil {
		out, err = act.raw(hctx, p, rest, skip)
	} else {
		out, err = act.Handle(hctx, p, rest)
	}
	if err != nil {
		e := errs.As(err, a.product)
		if e.Product == "" {
			e.Product = a.product
		}
		au.record(ctx, act.Capability, p, nil, e, start)
		return nil, e
	}
	au.record(ctx, act.Capability, p, out, nil, start)
	return out, nil
}

func (au *Auditor) record(ctx context.Context, c connectors.Capability, p connectors.Principal, out map[string]any, err error, start time.Time) {
	if au == nil {
		return
	}
	logOn := au.Logger != nil && au.Logger.Enabled(ctx, slog.LevelInfo)
	if au.Hook == nil && !logOn {
		return
	}
	now := time.Now
	if au.Now != nil {
		now = au.Now
	}
	ev := connectors.AuditEvent{
		Time: now(), Product: au.Product, Capability: c.Name, Principal: p, Level: c.AuditLevel,
		Write: c.Write, Sensitive: c.Sensitive, Outcome: "ok", Duration: time.Since(start),
	}
	if err != nil {
		ev.Outcome = errs.CodeOf(err).String()
		if e := errs.As(err, au.Product); e != nil {
			ev.VendorCode = e.VendorCode
		}
	}
	if c.AuditLevel == connectors.AuditVerbose && out != nil {
		ev.Fields = FieldPaths(out)
	}
	if au.Hook != nil {
		au.Hook(ctx, ev)
	}
	if logOn {
		attrs := []slog.Attr{
			slog.String("product", ev.Product), slog.String("capability", ev.Capability),
			slog.String("principal", p.ID), slog.String("principal_type", string(p.Type)),
			slog.String("level", string(ev.Level)), slog.Bool("write", ev.Write),
			slog.String("outcome", ev.Outcome), slog.Duration("duration", ev.Duration),
		}
		if len(p.Groups) > 0 {
			attrs = append(attrs, slog.Any("groups", p.Groups))
		}
		if ev.VendorCode != "" {
			attrs = append(attrs, slog.String("vendor_code", ev.VendorCode))
		}
		if len(ev.Fields) > 0 {
			attrs = append(attrs, slog.Any("fields", ev.Fields))
		}
		level := slog.LevelInfo
		if err != nil {
			level = slog.LevelWarn
		}
		au.Logger.LogAttrs(ctx, level, ExecuteMessage, attrs...)
	}
}

// FieldPaths lists the paths of the fields in a result ("name.first",
// "statements[].gross"), sorted and without duplicates, never a value.
func FieldPaths(m map[string]any) []string {
	seen := map[string]bool{}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch x := v.(type) {
		case map[string]any:
			if len(x) == 0 && prefix != "" {
				seen[prefix] = true
			}
			for k, c := range x {
				p := k
				if prefix != "" {
					p = prefix + "." + k
				}
				walk(p, c)
			}
		case []any:
			if len(x) == 0 {
				seen[prefix+"[]"] = true
			}
			for _, c := range x {
				walk(prefix+"[]", c)
			}
		case []map[string]any:
			if len(x) == 0 {
				seen[prefix+"[]"] = true
			}
			for _, c := range x {
				walk(prefix+"[]", c)
			}
		default:
			if prefix != "" {
				seen[prefix] = true
			}
		}
	}
	walk("", m)
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Record audits one call made outside Execute (a connector's typed method
// running the same capability): the same hook call and log line as Execute
// gives, with out the call's result rendered by Encode (nil on failure).
func (au *Auditor) Record(ctx context.Context, c connectors.Capability, p connectors.Principal, out map[string]any, err error, start time.Time) {
	au.record(ctx, c, p, out, err, start)
}
