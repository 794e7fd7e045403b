package main

import (
	"strings"
	"testing"
)

func TestQuickstart(t *testing.T) {
	var out strings.Builder
	if err := run(t.Context(), &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Alice Johnson <alice.johnson@example.com>",
		"    ^ Diana Ross, CEO",
		"    Charlie Brown, Engineer",
		"TOR-003 is PENDING, waiting for Bob Martinez; PTO after it: 112 hours",
		"TOR-003 APPROVED by EMP042",
		"  after              112       24    48",
		"refused: INVALID_APPROVER (HTTP 403, retry allowed: false, errors.Is PERMISSION_DENIED: true)",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the output lacks %q:\n%s", want, out.String())
		}
	}
}
