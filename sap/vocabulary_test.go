package sap_test

import (
	"slices"
	"strings"
	"testing"

	connectors "github.com/xlr8/connectors"
	fakesap "github.com/xlr8/connectors/internal/fake/sap"
	"github.com/xlr8/connectors/translate"
)

// TestVocabularyAgainstSchemas checks every sap_sf and sap_s4 entry of
// translate's vocabulary whose entity the fakes serve against the
// connector's schema (from $metadata): each mapped field exists, with the
// vendor type the entry declares, a navigation path starts at a
// navigation property, and Schema reports the canonical names.
func TestVocabularyAgainstSchemas(t *testing.T) {
	sf := openSF(t, newSF(t, fakesap.Config{}))
	s4 := openS4(t, newS4(t, fakesap.Config{}))
	v := translate.Default()
	checked := 0
	for _, product := range []string{"sap_sf", "sap_s4"} {
		c := map[string]connectors.Connector{"sap_sf": sf, "sap_s4": s4}[product]
		served, err := c.Entities(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		for _, canon := range v.Entities() {
			m, err := v.Mapping(product, canon)
			if err != nil {
				continue
			}
			name := m.Entity
			if m.Service != "" {
				name = m.Service + "/" + m.Entity
			}
			if !slices.Contains(served, name) {
				t.Logf("%s %s (%s): not served by the fake, not checked", product, canon, name)
				continue
			}
			s, err := c.Schema(t.Context(), name)
			if err != nil {
				t.Fatalf("%s %s: %v", product, name, err)
			}
			if s.Canonical != canon {
				t.Errorf("%s %s: schema canonical %q, want %q", product, name, s.Canonical, canon)
			}
			for cf, fm := range m.Fields {
				head, rest, nav := strings.Cut(fm.Name, "/")
				f, ok := s.Field(head)
				switch {
				case !ok:
					t.Errorf("%s %s.%s: %s is not a property of %s", product, canon, cf, head, name)
				case nav && f.VendorType != "Navigation":
					t.Errorf("%s %s.%s: %s is not a navigation property (path %s)", product, canon, cf, head, fm.Name)
				case nav && rest == "":
					t.Errorf("%s %s.%s: empty path after %s", product, canon, cf, head)
				case !nav && fm.VendorType != "" && fm.VendorType != f.VendorType:
					t.Errorf("%s %s.%s: vendor type %s, $metadata says %s", product, canon, cf, fm.VendorType, f.VendorType)
				case !nav && f.Canonical != cf:
					t.Errorf("%s %s.%s: schema canonical %q", product, canon, cf, f.Canonical)
				}
				checked++
			}
		}
	}
	if checked < 40 {
		t.Errorf("only %d fields checked", checked)
	}
}
