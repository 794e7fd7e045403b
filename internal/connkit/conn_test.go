package connkit_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/internal/connkit"
	"github.com/xlr8/connectors/internal/errs"
	"github.com/xlr8/connectors/internal/pager"
)

// memDriver serves "rows" from memory, 4 per page, and counts Connects.
type memDriver struct {
	*connkit.Table
	rows     []connectors.Record
	connects atomic.Int32
	failConn error
}

type memOpt int // a vendor option of this (test) package

var memTable = connkit.NewTable(connkit.Entity{Name: "rows", Schema: connectors.EntitySchema{Key: []string{"id"},
	Fields: []connectors.Field{{Name: "id", Type: connectors.TypeString}, {Name: "n", Type: connectors.TypeInt}, {Name: "tag", Type: connectors.TypeString}}}})

func newMem(n int) *memDriver {
	d := &memDriver{Table: memTable}
	for i := 0; i < n; i++ {
		d.rows = append(d.rows, connectors.Record{"id": fmt.Sprintf("r%02d", i), "n": float64(i), "tag": []string{"a", "b"}[i%2]})
	}
	return d
}

func (d *memDriver) Connect(context.Context) error {
	d.connects.Add(1)
	return d.failConn
}

func (d *memDriver) Ping(context.Context) (connkit.Ping, error) {
	return connkit.Ping{APIVersion: "1"}, nil
}

func (d *memDriver) Plan(_ context.Context, q connectors.Query, s connectors.EntitySchema) (*connkit.Plan, error) {
	return &connkit.Plan{Residual: q.Where, Select: true, Fetch: pager.OffsetLimit(4, func(_ context.Context, at pager.At) (pager.Result, error) {
		end := min(at.Offset+at.Limit, len(d.rows))
		out := make([]connectors.Record, 0, end-at.Offset)
		for _, r := range d.rows[at.Offset:end] {
			out = append(out, r.Clone())
		}
		return pager.Result{Records: out, Total: int64(len(d.rows)), HasTotal: true}, nil
	})}, nil
}

func (d *memDriver) MapError(e *errs.Error) *errs.Error { return e }

type echoReq struct {
	Say string `json:"say"`
}
type echoResp struct {
	Said  string          `json:"said"`
	Count int             `json:"count"`
	Day   connectors.Date `json:"day"`
	Tags  []string        `json:"tags,omitempty"`
}

func open(t *testing.T, d *memDriver, opts ...connectors.Option) *connkit.Conn {
	t.Helper()
	o, err := connkit.ResolveOptions("mem", d, opts...)
	if err != nil {
		t.Fatal(err)
	}
	c, err := connkit.New(d, connkit.Config{Product: "mem", Options: o, Prefixes: []string{"memvendor: "}, Actions: []connkit.Action{
		connkit.Typed(connectors.Capability{Name: "mem.echo", PrincipalTypes: connectors.PrincipalTypes()},
			func(_ context.Context, _ connectors.Principal, r echoReq) (*echoResp, error) {
				if r.Say == "fail" {
					return nil, &errs.Error{Code: errs.CodeNotFound, Message: "memvendor: no such thing"}
				}
				return &echoResp{Said: r.Say, Count: 2, Day: connectors.Date{Year: 2026, Month: 3, Day: 4}}, nil
			}),
		connkit.Typed(connectors.Capability{Name: "mem.write", Write: true, PrincipalTypes: []connectors.PrincipalType{connectors.PrincipalHuman}},
			func(_ context.Context, _ connectors.Principal, r echoReq) (*echoResp, error) {
				return &echoResp{Said: r.Say}, nil
			}),
		connkit.Typed(connectors.Capability{Name: "mem.secret", Sensitive: true, PrincipalTypes: []connectors.PrincipalType{connectors.PrincipalHuman}},
			func(_ context.Context, _ connectors.Principal, r echoReq) (*echoResp, error) {
				return &echoResp{Said: r.Say}, nil
			}),
	}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func drain(seq iter.Seq2[connectors.Record, error]) ([]connectors.Record, error) {
	var out []connectors.Record
	for r, err := range seq {
		if err != nil {
			return out, err
		}
		out = append(out, r)
	}
	return out, nil
}

func TestConnGet(t *testing.T) {
	d := newMem(10)
	c := open(t, d)
	got, err := drain(c.Get(t.Context(), connectors.Query{Entity: "rows", Fields: []string{"id"}, Where: connectors.Eq("tag", "b"), Limit: 3}))
	if err != nil {
		t.Fatal(err)
	}
	want := []connectors.Record{{"id": "r01"}, {"id": "r03"}, {"id": "r05"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
	if _, err := drain(c.Get(t.Context(), connectors.Query{Entity: "rows"})); err != nil {
		t.Fatal(err)
	}
	if n := d.connects.Load(); n != 1 {
		t.Errorf("%d connects, want 1 (lazy, once)", n)
	}
	for name, q := range map[string]connectors.Query{
		"field": {Entity: "rows", Fields: []string{"nope"}}, "where": {Entity: "rows", Where: connectors.Gt("nope", 1)},
		"order": {Entity: "rows", OrderBy: []connectors.Order{connectors.Asc("nope")}}, "invalid": {Entity: "rows", Limit: -1},
	} {
		if _, err := drain(c.Get(t.Context(), q)); errs.CodeOf(err) != errs.CodeInvalidArgument {
			t.Errorf("%s: %v, want INVALID_ARGUMENT", name, err)
		}
	}
	if _, err := drain(c.Get(t.Context(), connectors.Query{Entity: "nope"})); errs.CodeOf(err) != errs.CodeNotFound {
		t.Errorf("unknown entity: %v", err)
	}
	if _, err := drain(c.Query(t.Context(), "rows")); errs.CodeOf(err) != errs.CodeUnsupported {
		t.Errorf("Query without a native form: %v, want UNSUPPORTED", err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := drain(c.Get(t.Context(), connectors.Query{Entity: "rows"})); !errors.Is(err, connectors.ErrClosed) {
		t.Errorf("after Close: %v", err)
	}
	if _, err := c.Execute(t.Context(), "mem.echo", nil); !errors.Is(err, connectors.ErrClosed) {
		t.Errorf("Execute after Close: %v", err)
	}
}

// TestWrapOnce: a driver error reads "mem: NOT_FOUND: no such thing", not
// "mem: NOT_FOUND: memvendor: no such thing".
func TestWrapOnce(t *testing.T) {
	c := open(t, newMem(1))
	_, err := c.Execute(t.Context(), "mem.echo", map[string]any{"say": "fail"})
	if err == nil || err.Error() != "mem: NOT_FOUND: no such thing" {
		t.Errorf("error %q", err)
	}
	var e *connectors.Error
	if !errors.As(err, &e) || e.Product != "mem" {
		t.Errorf("product %v", err)
	}
}

func TestTypedAction(t *testing.T) {
	c := open(t, newMem(1))
	out, err := c.Execute(t.Context(), "mem.echo", map[string]any{"say": "hi"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]any{"said": "hi", "count": 2.0, "day": "2026-03-04"}, out); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
	if _, err := c.Execute(t.Context(), "mem.echo", map[string]any{"say": 3}); errs.CodeOf(err) != errs.CodeInvalidArgument {
		t.Errorf("a wrong type: %v", err)
	}
	caps := c.Capabilities()
	if len(caps) != 3 || !strings.Contains(string(caps[0].InputSchema), `"say"`) || caps[2].AuditLevel != connectors.AuditVerbose {
		t.Errorf("capabilities %+v", caps)
	}
}

// TestPrincipalTypeGateFailsClosed (issue 11 item 7): a sensitive or write
// capability used to run when __type__ was missing.
func TestPrincipalTypeGateFailsClosed(t *testing.T) {
	c := open(t, newMem(1))
	for _, action := range []string{"mem.write", "mem.secret"} {
		_, err := c.Execute(t.Context(), action, map[string]any{"say": "x", connectors.ParamPrincipal: "u1"})
		var e *connectors.Error
		if !errors.As(err, &e) || e.Code != connectors.CodePermissionDenied || e.Details["reason"] != "principal_type_required" {
			t.Errorf("%s without __type__: %v, want PERMISSION_DENIED", action, err)
		}
		if _, err := c.Execute(t.Context(), action, map[string]any{"say": "x", connectors.ParamType: "HUMAN"}); err != nil {
			t.Errorf("%s as HUMAN: %v", action, err)
		}
	}
	if _, err := c.Execute(t.Context(), "mem.echo", map[string]any{"say": "x"}); err != nil {
		t.Errorf("a plain read without __type__: %v", err)
	}
	opted := open(t, newMem(1), connectors.WithAllowMissingPrincipalType())
	if _, err := opted.Execute(t.Context(), "mem.write", map[string]any{"say": "x"}); err != nil {
		t.Errorf("with the opt-out: %v", err)
	}
}

// TestVendorOptionOfAnotherPackageRefused (issue 10 item 4): another
// vendor's option is INVALID_ARGUMENT at construction.
func TestVendorOptionOfAnotherPackageRefused(t *testing.T) {
	if _, err := connkit.ResolveOptions("mem", newMem(0), connectors.VendorOption(memOpt(1))); err != nil {
		t.Errorf("an option of the driver's package: %v", err)
	}
	for _, v := range []any{errs.CodeInternal, 5, "x"} {
		_, err := connkit.ResolveOptions("mem", newMem(0), connectors.VendorOption(v))
		if errs.CodeOf(err) != errs.CodeInvalidArgument {
			t.Errorf("option %T: %v, want INVALID_ARGUMENT", v, err)
		}
	}
	o := connectors.ApplyOptions(connectors.VendorOption(errs.CodeInternal))
	if _, err := connkit.New(newMem(0), connkit.Config{Product: "mem", Options: o}); errs.CodeOf(err) != errs.CodeInvalidArgument {
		t.Errorf("New with a foreign option: %v", err)
	}
}

func TestConnAsAndPort(t *testing.T) {
	c := open(t, newMem(1))
	var got *connkit.Conn
	if !c.As(&got) || got != c {
		t.Error("As(**Conn)")
	}
	p := c.Port()
	if _, ok := p.(connectors.BulkExporter); ok {
		t.Error("a driver without BulkDriver became a BulkExporter")
	}
	if _, ok := p.(connectors.Explainer); ok {
		t.Error("Explainer without Config.Explain")
	}
}
