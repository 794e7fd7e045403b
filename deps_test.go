package connectors_test

import (
	"os/exec"
	"strings"
	"testing"
)

// layer ranks a package of the module by DESIGN.md's dependency order
// (lowest first): internal/errs, internal/redact < internal/transport <
// credentials < the root package < internal/connkit, internal/pager,
// translate < vendor packages and workdaysim. -1: not ranked (fakes,
// examples, the conformance suite).
func layer(rel string) int {
	switch {
	case rel == "internal/errs" || rel == "internal/redact":
		return 0
	case rel == "internal/capread" || rel == "internal/timefmt": // beside the transport
		return 1
	case rel == "internal/transport":
		return 1
	case rel == "credentials" || strings.HasPrefix(rel, "credentials/"):
		return 2
	case rel == "":
		return 3
	case rel == "internal/connkit" || rel == "internal/pager" || rel == "translate":
		return 4
	case rel == "internal/jsonpage": // the page decoder, beside the pager
		return 4
	case rel == "policy" || rel == "gather" || rel == "mcp" || rel == "durable" || strings.HasPrefix(rel, "limit/"):
		// Built on the public API only (the root, credentials, translate),
		// beside translate; vendors may use them (the simulator's policy
		// document lives in policy).
		return 4
	case vendorOf(rel) != "":
		return 5
	}
	return -1
}

// vendorOf names the vendor a package belongs to ("" for none); the
// simulator belongs with workday, whose contract (workday/wdapi) it shares.
func vendorOf(rel string) string {
	top, _, _ := strings.Cut(rel, "/")
	switch top {
	case "salesforce", "workday", "ukg", "sap", "oracle":
		return top
	case "workdaysim":
		return "workday"
	}
	if rel == "internal/wdwire" { // Workday's wire types, removed by issue 13
		return "workday"
	}
	return ""
}

// TestDependencyOrder: every import goes down DESIGN.md's order (the
// packages of one tier may use each other), and no vendor imports another
// vendor.
func TestDependencyOrder(t *testing.T) {
	gocmd, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("no go command: %v", err)
	}
	mod, err := exec.Command(gocmd, "list", "-m", "-f", "{{.Path}}").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	module := strings.TrimSpace(string(mod))
	out, err := exec.Command(gocmd, "list", "-f", "{{.ImportPath}} {{join .Imports \" \"}}", "./...").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	rel := func(p string) (string, bool) {
		if p == module {
			return "", true
		}
		r, ok := strings.CutPrefix(p, module+"/")
		return r, ok
	}
	checked := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		from, _ := rel(fields[0])
		lf := layer(from)
		if lf < 0 {
			continue
		}
		for _, imp := range fields[1:] {
			to, ok := rel(imp)
			if !ok {
				continue
			}
			checked++
			lt := layer(to)
			switch {
			case lt < 0:
				t.Errorf("%s imports %s, which has no place in the dependency order", fields[0], imp)
			case lt > lf || (lt == lf && lf != 4 && lf != 5 && lf != 2):
				t.Errorf("%s (layer %d) imports %s (layer %d): against DESIGN.md's order", fields[0], lf, imp, lt)
			case lf == 5 && lt == 5 && vendorOf(from) != vendorOf(to):
				t.Errorf("vendor package %s imports another vendor's %s", fields[0], imp)
			}
		}
	}
	if checked == 0 {
		t.Fatal("no imports checked")
	}
}
