package translate

import (
	"testing"

	connectors "github.com/xlr8/connectors"
)

func TestCompileParamsUKGDate(t *testing.T) {
	params := []Param{
		{Field: "changed", Op: connectors.OpGe, Name: "dateTimeChanged", Style: StyleUKGDate},
		{Field: "changed", Op: connectors.OpLe, Name: "dateTimeChanged", Style: StyleUKGDate},
		{Field: "created", Op: connectors.OpGe, Name: "dateTimeCreated", Style: StyleUKGDate},
		{Field: "born", Op: connectors.OpEq, Name: "dateOfBirth", Style: StyleUKGDate},
	}
	types := WithTypes(map[string]connectors.FieldType{"changed": connectors.TypeDateTime, "created": connectors.TypeDateTime, "born": connectors.TypeDate, "name": connectors.TypeString})
	cases := []struct {
		where connectors.Expr
		want  map[string]string
	}{
		{connectors.Cmp{Field: "created", Op: connectors.OpGe, Value: "2024-01-31"}, map[string]string{"dateTimeCreated": ">01-30-2024"}},
		{connectors.And{connectors.Cmp{Field: "changed", Op: connectors.OpGe, Value: "2024-01-01"}, connectors.Cmp{Field: "changed", Op: connectors.OpLe, Value: "2024-01-31"}},
			map[string]string{"dateTimeChanged": "{12-31-2023,02-01-2024}"}},
		{connectors.And{connectors.Cmp{Field: "changed", Op: connectors.OpLe, Value: "2024-01-31"}, connectors.Cmp{Field: "changed", Op: connectors.OpGe, Value: "2024-01-01"}},
			map[string]string{"dateTimeChanged": "{12-31-2023,02-01-2024}"}},
		{connectors.Cmp{Field: "born", Op: connectors.OpEq, Value: "1985-03-14"}, map[string]string{"dateOfBirth": "03-14-1985"}},
		// Not a date: stays residual only.
		{connectors.Cmp{Field: "name", Op: connectors.OpEq, Value: "x"}, map[string]string{}},
	}
	for _, c := range cases {
		p, err := CompileParams(connectors.Query{Entity: "e", Where: c.where}, params, types)
		if err != nil {
			t.Fatalf("%v: %v", c.where, err)
		}
		got := map[string]string{}
		for k := range p.Values {
			got[k] = p.Values.Get(k)
		}
		if len(got) != len(c.want) {
			t.Errorf("%v: values %v, want %v", c.where, got, c.want)
		}
		for k, v := range c.want {
			if got[k] != v {
				t.Errorf("%v: %s=%q, want %q", c.where, k, got[k], v)
			}
		}
		// Never exact: every predicate stays in the residual.
		if p.Residual == nil {
			t.Errorf("%v: no residual", c.where)
		}
	}
}
