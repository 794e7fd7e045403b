package policy

import (
	"encoding/json"
	"testing"

	"github.com/google/jsonschema-go/jsonschema"
)

// TestAdmitMaskedRootReference: an output schema whose root is a
// reference to a recursive definition admits MaskedKey at the root (and
// only there) and Masked at a personal field at any depth.
func TestAdmitMaskedRootReference(t *testing.T) {
	raw := json.RawMessage(`{"$ref":"#/$defs/Node","$defs":{"Node":{"type":"object",
		"properties":{"id":{"type":"string"},"birth_date":{"type":"string","format":"date"},
		"reports":{"type":"array","items":{"$ref":"#/$defs/Node"}}},"additionalProperties":false}}}`)
	relaxed := maskerFor("workday_sim").admitMasked(raw)
	resolve := func(raw json.RawMessage) *jsonschema.Resolved {
		var s jsonschema.Schema
		if err := json.Unmarshal(raw, &s); err != nil {
			t.Fatal(err)
		}
		rs, err := s.Resolve(nil)
		if err != nil {
			t.Fatal(err)
		}
		return rs
	}
	instance := func(js string) any {
		var v any
		if err := json.Unmarshal([]byte(js), &v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	masked := instance(`{"id":"1","birth_date":"[masked]","reports":[{"id":"2","birth_date":"[masked]","reports":[]}],
		"__masked__":["birth_date","reports[].birth_date"]}`)
	if err := resolve(raw).Validate(masked); err == nil {
		t.Fatal("the masked result matches the original schema: the test shows nothing")
	}
	if err := resolve(relaxed).Validate(masked); err != nil {
		t.Errorf("masked result against %s: %v", relaxed, err)
	}
	nested := instance(`{"id":"1","reports":[{"id":"2","__masked__":[]}]}`)
	if err := resolve(relaxed).Validate(nested); err == nil {
		t.Errorf("MaskedKey admitted below the root: %s", relaxed)
	}
}
