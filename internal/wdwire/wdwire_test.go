package wdwire

import (
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"
)

type empRef struct {
	EmployeeID  string `json:"employee_id"`
	DisplayName string `json:"display_name"`
}

type link struct {
	EmployeeID string  `json:"employee_id"`
	Level      float64 `json:"level"`
}

type shape struct {
	EmployeeID string `json:"employee_id"`
	Name       struct {
		LegalFirst string `json:"legal_first"`
	} `json:"name"`
	Manager *empRef `json:"manager"`
	Chain   []link  `json:"chain"`
	Total   float64 `json:"retirement_401k"`
}

func TestRoundTrips(t *testing.T) {
	in := map[string]any{"employee_id": "EMP001", "name": map[string]any{"legal_first": "Alice"},
		"manager": map[string]any{"employee_id": "EMP042", "display_name": "Bob"},
		"chain":   []any{map[string]any{"employee_id": "EMP042", "level": 1.0}}, "retirement_401k": 711.54}
	rest := ToREST(in, "https://h/ccx/api/v1/acme")
	if m := rest["manager"].(map[string]any); m["id"] != "EMP042" || m["href"] != "https://h/ccx/api/v1/acme/workers/EMP042" || rest["employeeID"] != "EMP001" {
		t.Errorf("REST rendering %v", rest)
	}
	if d := cmp.Diff(in, FromREST(rest, reflect.TypeFor[shape]())); d != "" {
		t.Errorf("REST round trip (-in +out):\n%s", d)
	}
	row := ToRaaS(in)
	if row["Name_Legal_First"] != "Alice" || row["Manager_Employee_ID"] != "EMP042" || row["Retirement_401k"] != 711.54 {
		t.Errorf("RaaS rendering %v", row)
	}
	if d := cmp.Diff(in, FromRaaS(row, reflect.TypeFor[shape]())); d != "" {
		t.Errorf("RaaS round trip (-in +out):\n%s", d)
	}
	noManager := map[string]any{"employee_id": "EMP200", "name": map[string]any{"legal_first": "Diana"}, "manager": nil, "chain": []any{}, "retirement_401k": 0.0}
	if d := cmp.Diff(noManager, FromRaaS(ToRaaS(noManager), reflect.TypeFor[shape]())); d != "" {
		t.Errorf("a null reference (-in +out):\n%s", d)
	}
	if FieldOfAlias(Alias("employee_id")) != "employee_id" || Camel("start_date") != "startDate" {
		t.Error("names")
	}
}
