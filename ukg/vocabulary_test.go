package ukg_test

import (
	"strings"
	"testing"

	connectors "github.com/xlr8/connectors"
	fakeukg "github.com/xlr8/connectors/internal/fake/ukg"
	"github.com/xlr8/connectors/translate"
)

// TestVocabularyMatchesSchemas checks every ukg_* entry of the vocabulary
// against the connector's own schemas: the entity exists, each mapped
// field's first segment is a schema field, and a field typed in the schema
// keeps the mapping's type (datetime stays datetime).
func TestVocabularyMatchesSchemas(t *testing.T) {
	srv := newFake(t, fakeukg.Config{})
	v := translate.Default()
	conns := map[string]connectors.Connector{"ukg_pro": open(t, srv, proCred(srv)), "ukg_wfm": open(t, srv, wfmCred(srv)),
		"ukg_ready": open(t, srv, readyCred(srv))}
	mapped := 0
	for product, c := range conns {
		for _, canonical := range v.Entities() {
			m, err := v.Mapping(product, canonical)
			if err != nil {
				continue
			}
			s, err := c.Schema(t.Context(), m.Entity)
			if err != nil {
				t.Errorf("%s %s -> %s: %v", product, canonical, m.Entity, err)
				continue
			}
			ce, err := v.CanonicalSchema(canonical)
			if err != nil {
				t.Fatal(err)
			}
			for cf, fm := range m.Fields {
				mapped++
				head, _, nested := strings.Cut(fm.Name, ".")
				f, ok := s.Field(head)
				if !ok {
					t.Errorf("%s %s.%s -> %s.%s: no field %q in the connector's schema", product, canonical, cf, m.Entity, fm.Name, head)
					continue
				}
				if nested {
					if f.Type != connectors.TypeObject && f.Type != connectors.TypeArray {
						t.Errorf("%s %s.%s -> %s: %s is %s, not an object", product, canonical, cf, fm.Name, head, f.Type)
					}
					continue
				}
				want := fm.Type
				if want == "" {
					if cfield, ok := ce.Field(cf); ok {
						want = cfield.Type
					}
				}
				if want == connectors.TypeDateTime && f.Type != connectors.TypeDateTime || f.Type == connectors.TypeDateTime && want != connectors.TypeDateTime && want != connectors.TypeDate {
					t.Errorf("%s %s.%s -> %s: the vocabulary says %s, the schema %s", product, canonical, cf, fm.Name, want, f.Type)
				}
			}
		}
	}
	if mapped < 30 {
		t.Errorf("only %d mapped fields checked", mapped)
	}
}
