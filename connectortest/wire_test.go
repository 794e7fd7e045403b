package connectortest_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/xlr8/connectors/connectortest"
)

// TestSharedWire: a wire-type package imported by both a client and its
// fake is reported; the library's infrastructure is not.
func TestSharedWire(t *testing.T) {
	const m = "example.com/lib"
	client := []string{"fmt", m, m + "/internal/transport", m + "/vendor", m + "/internal/vendorwire", m + "/credentials/awssm"}
	fake := []string{"net/http", m, m + "/internal/fake/kit", m + "/internal/fake/vendor", m + "/internal/vendorwire", m + "/credentials/awssm"}
	got := connectortest.SharedWire(m, client, fake, []string{m + "/vendor", m + "/internal/fake/vendor"})
	if diff := cmp.Diff([]string{m + "/internal/vendorwire"}, got); diff != "" {
		t.Errorf("shared (-want +got):\n%s", diff)
	}
	if got := connectortest.SharedWire(m, client[:3], fake[:3], nil); len(got) != 0 {
		t.Errorf("infrastructure reported as shared wire: %v", got)
	}
}
