package wdapi

import (
	"encoding/json"
	"testing"
)

func TestCapabilitiesComplete(t *testing.T) {
	caps := Capabilities()
	if len(caps) != 16 {
		t.Fatalf("%d capabilities, want 16", len(caps))
	}
	for _, c := range caps {
		in, out, ok := CapabilityTypes(c.Name)
		if !ok || in == nil || out == nil {
			t.Errorf("%s: no types", c.Name)
		}
		for _, s := range []json.RawMessage{c.InputSchema, c.OutputSchema} {
			var v map[string]any
			if err := json.Unmarshal(s, &v); err != nil || v["type"] != "object" {
				t.Errorf("%s: schema %s", c.Name, s)
			}
		}
		if got, ok := Capability(c.Name); !ok || got.Name != c.Name {
			t.Errorf("Capability(%q)", c.Name)
		}
	}
	if _, ok := Capability("workday.hcm.fire_everyone"); ok {
		t.Error("an unknown capability was found")
	}
}

func TestErrorTable(t *testing.T) {
	seen := map[string]bool{}
	for _, ec := range ErrorCodes() {
		if seen[ec.Code] || ec.HTTPStatus < 400 {
			t.Errorf("code %+v", ec)
		}
		seen[ec.Code] = true
		e := NewError("workday_hcm", ec.Code, "m", nil)
		if e.VendorCode != ec.Code || e.Code != ec.Portable || e.Retryable != ec.Retryable || e.Product != "workday_hcm" {
			t.Errorf("NewError(%s) = %#v", ec.Code, e)
		}
	}
	if e := NewError("p", "NOPE", "m", nil); e.VendorCode != "" {
		t.Errorf("unknown code: %v", e)
	}
}

func TestEntities(t *testing.T) {
	for _, n := range EntityNames() {
		s, ok := EntitySchema(n)
		if !ok || s.Entity != n || len(s.Key) == 0 || len(s.Fields) == 0 {
			t.Errorf("%s: %+v", n, s)
		}
		s.Fields[0].Name = "changed"
		if MustEntitySchema(n).Fields[0].Name == "changed" {
			t.Error("EntitySchema shares its fields")
		}
	}
}
