package connectors_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	connectors "github.com/xlr8/connectors"
)

func TestExprString(t *testing.T) {
	d := connectors.Date{Year: 2024, Month: 1, Day: 31}
	ts := time.Date(2024, 1, 31, 10, 0, 0, 0, time.UTC)
	cases := []struct {
		e    connectors.Expr
		want string
	}{
		{connectors.Eq("department", "Engineering"), `department = 'Engineering'`},
		{connectors.Eq("last_name", "O'Brien"), `last_name = 'O''Brien'`},
		{connectors.Ne("n", 3), `n != 3`},
		{connectors.Gt("pay", 2.0), `pay > 2.0`},
		{connectors.Ge("hire_date", d), `hire_date >= DATE '2024-01-31'`},
		{connectors.Lt("ts", ts), `ts < TIMESTAMP '2024-01-31T10:00:00Z'`},
		{connectors.Le("ok", true), `ok <= TRUE`},
		{connectors.In("status", "A", "B"), `status IN ('A', 'B')`},
		{connectors.In("n", []int{1, 2}), `n IN (1, 2)`},
		{connectors.Contains("name", "50%_off\\"), `name LIKE '%50\%\_off\\%'`},
		{connectors.StartsWith("name", "Ac"), `name LIKE 'Ac%'`},
		{connectors.IsNull("manager_id"), `manager_id IS NULL`},
		{connectors.Not{X: connectors.IsNull("manager_id")}, `manager_id IS NOT NULL`},
		{connectors.Not{X: connectors.Eq("a", 1)}, `NOT a = 1`},
		{connectors.Eq("order", 1), `"order" = 1`},
		{connectors.Eq("my field", 1), `"my field" = 1`},
		{connectors.Eq("manager.employee_id", "E1"), `manager.employee_id = 'E1'`},
		{connectors.And{connectors.Eq("a", 1), connectors.Or{connectors.Eq("b", 2), connectors.Eq("c", 3)}}, `a = 1 AND (b = 2 OR c = 3)`},
		{connectors.Or{connectors.And{connectors.Eq("a", 1), connectors.Eq("b", 2)}, connectors.Eq("c", 3)}, `(a = 1 AND b = 2) OR c = 3`},
		{connectors.Not{X: connectors.And{connectors.Eq("a", 1), connectors.Eq("b", 2)}}, `NOT (a = 1 AND b = 2)`},
		{connectors.Not{X: connectors.Not{X: connectors.Eq("a", 1)}}, `NOT (NOT a = 1)`},
	}
	for _, tc := range cases {
		if got := tc.e.String(); got != tc.want {
			t.Errorf("got  %s\nwant %s", got, tc.want)
		}
	}
}

func TestValidate(t *testing.T) {
	bad := []struct {
		q    connectors.Query
		want string
	}{
		{connectors.Query{}, "no entity"},
		{connectors.Query{Entity: "e", Where: connectors.Cmp{Field: "a", Op: "like", Value: "x"}}, "unknown operator"},
		{connectors.Query{Entity: "e", Where: connectors.Cmp{Field: "a", Op: connectors.OpIn, Value: "x"}}, "needs a list"},
		{connectors.Query{Entity: "e", Where: connectors.In("a")}, "empty list"},
		{connectors.Query{Entity: "e", Where: connectors.And{connectors.Eq("a", 1), nil}}, "nil expression"},
		{connectors.Query{Entity: "e", Where: connectors.And{}}, "no operands"},
		{connectors.Query{Entity: "e", Where: connectors.Not{}}, "nil expression"},
		{connectors.Query{Entity: "e", Where: connectors.Eq("", 1)}, "without a field"},
		{connectors.Query{Entity: "e", Where: connectors.Eq("a", nil)}, "use is_null"},
		{connectors.Query{Entity: "e", Where: connectors.Eq("a", struct{}{})}, "unsupported value type"},
		{connectors.Query{Entity: "e", Where: connectors.Cmp{Field: "a", Op: connectors.OpContains, Value: 3}}, "needs a string"},
		{connectors.Query{Entity: "e", Where: connectors.Eq("a", nanValue())}, "finite"},
		{connectors.Query{Entity: "e", Fields: []string{"a", "a"}}, "twice"},
		{connectors.Query{Entity: "e", Fields: []string{""}}, "empty"},
		{connectors.Query{Entity: "e", OrderBy: []connectors.Order{{}}}, "no field"},
		{connectors.Query{Entity: "e", Limit: -1}, "negative"},
	}
	for _, tc := range bad {
		err := tc.q.Validate()
		if !errors.Is(err, connectors.ErrInvalidArgument) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Validate(%+v) = %v, want INVALID_ARGUMENT containing %q", tc.q, err, tc.want)
		}
	}
	ok := connectors.Query{Entity: "e", Fields: []string{"a"}, Where: connectors.And{connectors.Eq("a", 1), connectors.Not{X: connectors.IsNull("b")}}, OrderBy: []connectors.Order{connectors.Desc("a")}, Limit: 5}
	if err := ok.Validate(); err != nil {
		t.Error(err)
	}
}

func nanValue() float64 { var z float64; return z / z }

func TestFiltersAndNormalize(t *testing.T) {
	got := connectors.Filters(map[string]any{"status": "ACTIVE", "dept": []string{"ENG", "HR"}, "mgr": nil, "age": 30})
	exp := connectors.And{connectors.Eq("age", int64(30)), connectors.In("dept", "ENG", "HR"), connectors.IsNull("mgr"), connectors.Eq("status", "ACTIVE")}
	if diff := cmp.Diff(connectors.Expr(exp), got); diff != "" {
		t.Errorf("Filters (-want +got):\n%s", diff)
	}
	if connectors.Filters(nil) != nil {
		t.Error("empty filters")
	}
	if diff := cmp.Diff(connectors.Expr(connectors.Eq("a", "b")), connectors.Filters(map[string]any{"a": "b"})); diff != "" {
		t.Error(diff)
	}
	type code string
	lit := connectors.And{connectors.Cmp{Field: "a", Op: connectors.OpEq, Value: 3}, connectors.Cmp{Field: "b", Op: connectors.OpIn, Value: []string{"x"}}, connectors.Not{X: connectors.Cmp{Field: "c", Op: connectors.OpEq, Value: code("z")}}}
	norm := connectors.And{connectors.Eq("a", int64(3)), connectors.In("b", "x"), connectors.Not{X: connectors.Eq("c", "z")}}
	if diff := cmp.Diff(connectors.Expr(norm), connectors.Normalize(lit)); diff != "" {
		t.Errorf("Normalize (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"a", "b", "c"}, connectors.ExprFields(norm)); diff != "" {
		t.Error(diff)
	}
	if c := connectors.Conjoin(nil, connectors.Eq("a", 1), connectors.And{connectors.Eq("b", 2)}); len(c.(connectors.And)) != 2 {
		t.Errorf("Conjoin = %v", c)
	}
}

func TestFingerprint(t *testing.T) {
	a := connectors.Query{Entity: "e", Where: connectors.Eq("a", 1), Limit: 3}
	b := a
	b.Resume = "tok"
	c := a
	c.Limit = 4
	if a.Fingerprint() != b.Fingerprint() || a.Fingerprint() == c.Fingerprint() {
		t.Error("Fingerprint must ignore Resume and only Resume")
	}
}

func TestDateAndRecord(t *testing.T) {
	d, err := connectors.ParseDate("2026-02-28")
	if err != nil || d.String() != "2026-02-28" || d.AddDays(1).String() != "2026-03-01" || !d.Before(d.AddDays(1)) || d.Compare(d) != 0 {
		t.Errorf("date %v %v", d, err)
	}
	if _, err := connectors.ParseDate("2026-02-30"); !errors.Is(err, connectors.ErrInvalidArgument) {
		t.Error("Feb 30 parsed")
	}
	var back connectors.Date
	if err := back.UnmarshalText([]byte("2024-01-01")); err != nil || back.Time() != time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC) {
		t.Error(back, err)
	}
	r := connectors.Record{"a": 1, "manager": map[string]any{"employee_id": "E1", "name": map[string]any{"first": "B"}}, "x.y": 2}
	for path, want := range map[string]any{"a": 1, "manager.employee_id": "E1", "manager.name.first": "B", "x.y": 2} {
		if v, ok := r.Lookup(path); !ok || v != want {
			t.Errorf("Lookup(%q) = %v, %v", path, v, ok)
		}
	}
	if _, ok := r.Lookup("manager.none"); ok {
		t.Error("Lookup of a missing path")
	}
	if _, ok := r.Lookup("a.b"); ok {
		t.Error("Lookup into a scalar")
	}
	if diff := cmp.Diff(connectors.Record{"a": 1, "manager.employee_id": "E1"}, r.Select([]string{"a", "manager.employee_id", "missing"})); diff != "" {
		t.Error(diff)
	}
	n, err := connectors.Count(connectors.FromSlice([]connectors.Record{{}, {}}))
	if n != 2 || err != nil {
		t.Error(n, err)
	}
}
