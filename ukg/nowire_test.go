package ukg_test

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// imports lists the module-internal packages a directory's non-test files
// import.
func imports(t *testing.T, dir string) map[string]bool {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		af, err := parser.ParseFile(fset, f, src, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range af.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if strings.HasPrefix(p, "github.com/xlr8/connectors") {
				out[p] = true
			}
		}
	}
	return out
}

// TestFakeSharesNoWireTypes: the connector and its fake import nothing of
// each other and no common package but the library's plumbing, so neither
// can borrow the other's wire structs.
func TestFakeSharesNoWireTypes(t *testing.T) {
	client := imports(t, ".")
	fake := imports(t, filepath.Join("..", "internal", "fake", "ukg"))
	if fake["github.com/xlr8/connectors/ukg"] {
		t.Error("internal/fake/ukg imports the connector")
	}
	if client["github.com/xlr8/connectors/internal/fake/ukg"] {
		t.Error("the connector imports its fake")
	}
	for p := range fake {
		if client[p] && p != "github.com/xlr8/connectors" {
			t.Errorf("both import %s", p)
		}
	}
}
