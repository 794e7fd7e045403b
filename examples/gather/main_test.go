package main

import (
	"strings"
	"testing"
)

func TestExampleRuns(t *testing.T) {
	var b strings.Builder
	if err := run(t.Context(), &b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		`the question says "engineers" (worker)`,
		"WHERE department = 'Engineering'",
		"name=Northwind Power",
		"FROM Opportunity WHERE IsClosed = FALSE",
		"[configuration] organization organizations via workday_sim",
		"no sources: no entity named",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "FAILED") && !strings.Contains(out, "workday_hcm") {
		t.Errorf("a source failed:\n%s", out)
	}
}
