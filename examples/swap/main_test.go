package main

import (
	"strings"
	"testing"
)

// TestSwap requires the two runs of the caller to print the same output.
func TestSwap(t *testing.T) {
	sim, real, err := run(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if sim != real {
		t.Fatalf("the outputs differ\n-- simulator --\n%s-- real connector over HTTP --\n%s", sim, real)
	}
	for _, want := range []string{"Alice Johnson, Senior Engineer (Engineering)", "TOR-003 APPROVED by EMP042", "again: ALREADY_PROCESSED (CONFLICT, HTTP 409)"} {
		if !strings.Contains(sim, want) {
			t.Errorf("the output lacks %q:\n%s", want, sim)
		}
	}
}
