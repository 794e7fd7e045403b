package connectortest

import (
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"
)

// SharedInfrastructure lists the packages of the library (relative to the
// module path; "" is the root package) a client and its fake may both
// import: none of them holds a vendor's wire types.
var SharedInfrastructure = []string{"", "credentials", "internal/errs", "internal/redact", "internal/transport",
	"internal/pager", "internal/connkit", "translate", "internal/fake/kit", "internal/fake/fault", "connectortest"}

// NoSharedWire fails t when the client package and its fake server both
// import (directly or not) a package of the module other than the shared
// infrastructure (SharedInfrastructure and allowed, as import paths): a
// common wire-type package, through which a wrong field name would pass
// both sides unnoticed. A fake must write the vendor's JSON or XML itself.
// It runs "go list -deps"; without a go command it skips.
func NoSharedWire(t testing.TB, client, fake string, allowed ...string) {
	t.Helper()
	gocmd, err := exec.LookPath("go")
	if err != nil {
		gocmd = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	list := func(args ...string) []string {
		t.Helper()
		out, err := exec.Command(gocmd, args...).Output()
		if err != nil {
			t.Skipf("go %s: %v", strings.Join(args, " "), err)
		}
		return strings.Fields(string(out))
	}
	mod := list("list", "-m", "-f", "{{.Path}}")
	if len(mod) != 1 {
		t.Skipf("not in a single module: %v", mod)
	}
	shared := SharedWire(mod[0], list("list", "-deps", "-f", "{{.ImportPath}}", client),
		list("list", "-deps", "-f", "{{.ImportPath}}", fake), append([]string{client, fake}, allowed...))
	if len(shared) > 0 {
		t.Errorf("%s and its fake %s both import %s: a client and its fake must not share wire types",
			client, fake, strings.Join(shared, ", "))
	}
}

// SharedWire returns the packages of module that both dependency lists
// hold, other than the shared infrastructure and allowed, sorted.
func SharedWire(module string, clientDeps, fakeDeps, allowed []string) []string {
	ok := map[string]bool{}
	for _, p := range SharedInfrastructure {
		ok[strings.TrimSuffix(module+"/"+p, "/")] = true
	}
	for _, p := range allowed {
		ok[p] = true
	}
	inModule := func(p string) bool { return p == module || strings.HasPrefix(p, module+"/") }
	okOrSub := func(p string) bool {
		for a := range ok {
			if a != module && strings.HasPrefix(p, a+"/") {
				return true
			}
		}
		return ok[p]
	}
	fromClient := map[string]bool{}
	for _, p := range clientDeps {
		fromClient[p] = true
	}
	var out []string
	for _, p := range fakeDeps {
		if fromClient[p] && inModule(p) && !okOrSub(p) {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out
}
