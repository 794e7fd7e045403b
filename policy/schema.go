package policy

import (
	"encoding/json"
	"strings"

	connectors "github.com/xlr8/connectors"
)

// maskedCaps returns the capabilities with output schemas that admit what
// Enforce returns: Masked in place of every field it may mask (the
// field's own schema or the string Masked), and MaskedKey's list of paths
// among the result's properties. A caller (an MCP client among them) that
// validates a result against the schema Capabilities declares then accepts
// a masked result. The capabilities are copies; conn's are not changed.
func maskedCaps(product string, caps []connectors.Capability) []connectors.Capability {
	m := maskerFor(product)
	out := make([]connectors.Capability, len(caps))
	for i, c := range caps {
		out[i] = c
		if len(c.OutputSchema) > 0 {
			out[i].OutputSchema = m.admitMasked(c.OutputSchema)
		}
	}
	return out
}

// maskedSchema is the schema of a masked value.
var maskedSchema = map[string]any{"const": Masked, "description": "masked: personal data the caller's roles do not grant"}

// maskedKeySchema is the schema of MaskedKey's value.
var maskedKeySchema = map[string]any{"type": "array", "items": map[string]any{"type": "string"},
	"description": "the paths of the fields masked"}

// admitMasked rewrites one output schema. A schema that is not a JSON
// object is returned as it is (the capability's own problem to declare).
func (m *masker) admitMasked(raw json.RawMessage) json.RawMessage {
	var s map[string]any
	if err := json.Unmarshal(raw, &s); err != nil {
		return raw
	}
	s = m.relax(s, "")
	// Definitions are reached by reference from anywhere: their fields are
	// matched by name and by their path from the definition.
	for _, k := range []string{"$defs", "definitions"} {
		if defs, ok := s[k].(map[string]any); ok {
			for name, d := range defs {
				if dm, ok := d.(map[string]any); ok {
					defs[name] = m.relax(dm, "")
				}
			}
		}
	}
	// A root that is a reference to a definition gets that definition's
	// own copy, so that MaskedKey is a property of the result and of no
	// other use of the definition.
	if _, hasProps := s["properties"]; !hasProps {
		if def := rootDef(s); def != nil {
			delete(s, "$ref")
			for k, v := range def {
				if _, taken := s[k]; !taken {
					s[k] = v
				}
			}
		}
	}
	if props, ok := s["properties"].(map[string]any); ok {
		props[MaskedKey] = maskedKeySchema
	}
	out, err := json.Marshal(s)
	if err != nil {
		return raw
	}
	return out
}

// relax admits Masked at every property the mask walk would mask: a key
// the vocabulary marks personal wherever it stands, or the product's path
// for one (bare: dotted, arrays adding nothing, as the walk matches it).
// Inner properties are relaxed first: a personal field the principal may
// see can still hold fields of another category that are masked.
func (m *masker) relax(s map[string]any, bare string) map[string]any {
	if props, ok := s["properties"].(map[string]any); ok {
		for k, p := range props {
			pm, ok := p.(map[string]any)
			if !ok {
				continue
			}
			child := k
			if bare != "" {
				child = bare + "." + k
			}
			pm = m.relax(pm, child)
			if _, personal := m.byKey[k]; personal || m.byPath[child] != "" {
				props[k] = map[string]any{"anyOf": []any{pm, maskedSchema}}
			} else {
				props[k] = pm
			}
		}
	}
	if items, ok := s["items"].(map[string]any); ok {
		s["items"] = m.relax(items, bare)
	}
	for _, k := range []string{"anyOf", "oneOf", "allOf"} {
		if list, ok := s[k].([]any); ok {
			for i, e := range list {
				if em, ok := e.(map[string]any); ok {
					list[i] = m.relax(em, bare)
				}
			}
		}
	}
	return s
}

// rootDef returns a deep copy of the definition s's root $ref names
// ("#/$defs/Name" or "#/definitions/Name"), or nil.
func rootDef(s map[string]any) map[string]any {
	ref, _ := s["$ref"].(string)
	for _, k := range []string{"$defs", "definitions"} {
		name, ok := strings.CutPrefix(ref, "#/"+k+"/")
		if !ok {
			continue
		}
		defs, _ := s[k].(map[string]any)
		def, _ := defs[name].(map[string]any)
		if def == nil {
			return nil
		}
		b, err := json.Marshal(def)
		if err != nil {
			return nil
		}
		var out map[string]any
		if json.Unmarshal(b, &out) != nil {
			return nil
		}
		return out
	}
	return nil
}
