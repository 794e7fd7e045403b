package main

import (
	"strings"
	"testing"
)

func TestRunsInTheTestEnvironment(t *testing.T) {
	var b strings.Builder
	if err := run(t.Context(), &b, "", "connectors"); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"reality worker via workday_sim", "reality time_off_balance via workday_sim", "configuration organization via workday_sim", "(done true)"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, b.String())
		}
	}
}
