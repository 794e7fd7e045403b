package connkit

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/internal/errs"
)

// TestPrincipalOfMatchesSplitPrincipal: the in-place principal read gives
// SplitPrincipal's principal, or its error, and counts the keys it strips.
func TestPrincipalOfMatchesSplitPrincipal(t *testing.T) {
	for i, params := range []map[string]any{
		nil,
		{},
		{"employee_id": "EMP001"},
		{"employee_id": "EMP001", connectors.ParamPrincipal: "EMP001", connectors.ParamType: "HUMAN"},
		{connectors.ParamType: " ai_agent "},
		{connectors.ParamType: "machine", "x": 1.0},
		{connectors.ParamPrincipal: nil, connectors.ParamType: nil},
		{connectors.ParamPrincipal: ""},
		{connectors.ParamPrincipal: " padded "},
		{connectors.ParamPrincipal: 7.0},
		{connectors.ParamType: true},
		{connectors.ParamType: "ROBOT"},
		{connectors.ParamGroups: []any{"a", "b"}, connectors.ParamPrincipal: "u"},
		{connectors.ParamGroups: nil},
		{connectors.ParamGroups: []any{1.0}},
		{connectors.ParamGroups: "admins", connectors.ParamType: "HUMAN", "k": "v"},
	} {
		want, rest, werr := connectors.SplitPrincipal(params)
		got, n, err := principalOf(params)
		if fmt.Sprint(werr) != fmt.Sprint(err) {
			t.Errorf("%d %v: error %v, SplitPrincipal's %v", i, params, err, werr)
			continue
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("%d %v: principal differs (-split +in place):\n%s", i, params, d)
		}
		if werr == nil && n != len(params)-len(rest) {
			t.Errorf("%d %v: %d principal keys counted, SplitPrincipal stripped %d", i, params, n, len(params)-len(rest))
		}
	}
}

type oneString struct {
	EmployeeID string `json:"employee_id"`
}

type twoStrings struct {
	A string `json:"a"`
	B string `json:"b"`
}

type mixed struct {
	ID    string `json:"id"`
	Depth *int   `json:"depth,omitempty"`
}

type named string

// TestBoundDecodeMatchesDecode runs bound actions through Execute (params
// read in place, the fast fill for all-string requests) and requires the
// request Decode gives on SplitPrincipal's copy, or Decode's error.
func TestBoundDecodeMatchesDecode(t *testing.T) {
	if stringFieldsOf(typeOf[oneString]()) == nil || stringFieldsOf(typeOf[twoStrings]()) == nil || stringFieldsOf(typeOf[mixed]()) != nil {
		t.Fatal("stringFieldsOf takes the wrong types")
	}
	p := func(kv ...any) map[string]any {
		m := map[string]any{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
	cases := []map[string]any{
		p("employee_id", "EMP001"),
		p("employee_id", "EMP001", connectors.ParamPrincipal, "u", connectors.ParamType, "HUMAN"),
		p("employee_id", ""),
		p("employee_id", nil),
		p("employee_id", 1.0),
		p("employee_id", named("EMP001")),
		p(),
		p(connectors.ParamPrincipal, "u"),
		p("employee_id", "EMP001", "extra", "x"),
		p("employee_id", "EMP001", connectors.ParamGroups, []any{"g"}),
		p("a", "1", "b", "2"),
		p("a", "1", "b", "2", connectors.ParamType, "MACHINE"),
		p("a", "1", "c", "2"),
		p("a", "1"),
		p("id", "x", "depth", 2.0),
		p("id", "x", "depth", 2.5, connectors.ParamPrincipal, "u"),
	}
	check := func(t *testing.T, act Action, decode func(map[string]any) (any, error)) {
		a := NewActions("test", act)
		for _, params := range cases {
			want, werr := func() (any, error) {
				_, rest, err := connectors.SplitPrincipal(params)
				if err != nil {
					return nil, err
				}
				return decode(rest)
			}()
			out, err := a.Execute(context.Background(), nil, act.Capability.Name, params)
			if (werr == nil) != (err == nil) || (werr != nil && !sameError(err, werr)) {
				t.Errorf("%v: error %v, want %v", params, err, werr)
				continue
			}
			if werr == nil {
				if d := cmp.Diff(want, out["req"]); d != "" {
					t.Errorf("%v: request differs (-Decode +in place):\n%s", params, d)
				}
			}
		}
	}
	t.Run("one string", func(t *testing.T) {
		check(t, echo[oneString](), func(m map[string]any) (any, error) { var r oneString; return r, Decode(m, &r) })
	})
	t.Run("two strings", func(t *testing.T) {
		check(t, echo[twoStrings](), func(m map[string]any) (any, error) { var r twoStrings; return r, Decode(m, &r) })
	})
	t.Run("mixed", func(t *testing.T) {
		check(t, echo[mixed](), func(m map[string]any) (any, error) { var r mixed; return r, Decode(m, &r) })
	})
}

// sameError compares code, message and details (Execute adds its product).
func sameError(a, b error) bool {
	ea, eb := errs.As(a, ""), errs.As(b, "")
	return ea.Code == eb.Code && ea.Message == eb.Message && cmp.Equal(ea.Details, eb.Details)
}

// echo is a BindMap action that returns its decoded request.
func echo[Req any]() Action {
	s := Spec{Capability: connectors.Capability{Name: "echo", AuditLevel: connectors.AuditStandard}, Request: typeOf[Req]()}
	return BindMap(s, func(_ context.Context, _ connectors.Principal, req Req) (map[string]any, error) {
		return map[string]any{"req": req}, nil
	})
}

// TestBindMapNoResult: a nil map without an error is INTERNAL.
func TestBindMapNoResult(t *testing.T) {
	s := Spec{Capability: connectors.Capability{Name: "none"}, Request: typeOf[oneString]()}
	a := NewActions("test", BindMap(s, func(context.Context, connectors.Principal, oneString) (map[string]any, error) { return nil, nil }))
	if _, err := a.Execute(context.Background(), nil, "none", map[string]any{"employee_id": "x"}); connectors.CodeOf(err) != connectors.CodeInternal {
		t.Errorf("nil result: %v", err)
	}
}

func typeOf[T any]() reflect.Type { return reflect.TypeFor[T]() }
