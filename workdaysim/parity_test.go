package workdaysim

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/internal/connkit"
	"github.com/xlr8/connectors/workday/wdapi"
)

// TestTypedMethodsMatchExecute runs the spec's examples in order through
// Execute on one simulator and through the typed methods on another, and
// requires the same results and the same audit trail.
func TestTypedMethodsMatchExecute(t *testing.T) {
	files, _ := filepath.Glob("testdata/golden/*.json")
	sort.Strings(files)
	viaExecute, _ := New()
	viaTyped, _ := New()
	methods := map[string]string{}
	for _, line := range strings.Split(docTable, "\n") {
		if f := strings.Fields(line); len(f) >= 2 {
			methods[f[0]] = f[1]
		}
	}
	if len(methods) != 16 || len(files) != 16 {
		t.Fatalf("doc.go's table names %d methods, %d golden files", len(methods), len(files))
	}
	for _, file := range files {
		var gc struct {
			Capability string         `json:"capability"`
			Clock      time.Time      `json:"clock"`
			Params     map[string]any `json:"params"`
		}
		raw, _ := os.ReadFile(file)
		if err := json.Unmarshal(raw, &gc); err != nil {
			t.Fatal(err)
		}
		viaExecute.Clock().Set(gc.Clock)
		viaTyped.Clock().Set(gc.Clock)
		want, err := viaExecute.Execute(context.Background(), gc.Capability, gc.Params)
		if err != nil {
			t.Fatal(err)
		}
		p, rest, err := connectors.SplitPrincipal(gc.Params)
		if err != nil {
			t.Fatal(err)
		}
		in, _, ok := wdapi.CapabilityTypes(gc.Capability)
		if !ok {
			t.Fatalf("no capability %s", gc.Capability)
		}
		req := reflect.New(in)
		if err := connkit.Decode(rest, req.Interface()); err != nil {
			t.Fatal(err)
		}
		m := reflect.ValueOf(viaTyped).MethodByName(methods[gc.Capability])
		if !m.IsValid() {
			t.Fatalf("no method %q for %s", methods[gc.Capability], gc.Capability)
		}
		out := m.Call([]reflect.Value{reflect.ValueOf(ContextWithPrincipal(context.Background(), p)), req.Elem()})
		if !out[1].IsNil() {
			t.Fatalf("%s: %v", methods[gc.Capability], out[1].Interface())
		}
		if d := cmp.Diff(want, connkit.EncodeMap(out[0].Interface())); d != "" {
			t.Errorf("%s: typed result differs from Execute's (-execute +typed):\n%s", gc.Capability, d)
		}
	}
	strip := func(evs []connectors.AuditEvent) []connectors.AuditEvent {
		for i := range evs {
			evs[i].Duration = 0
		}
		return evs
	}
	if d := cmp.Diff(strip(viaExecute.AuditTrail()), strip(viaTyped.AuditTrail())); d != "" {
		t.Errorf("audit trails differ (-execute +typed):\n%s", d)
	}
}

// docTable is the capabilities table of doc.go, read back so that the
// test and the documentation cannot drift apart.
var docTable = func() string {
	b, err := os.ReadFile("doc.go")
	if err != nil {
		return ""
	}
	var out []string
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimPrefix(line, "//\t")
		if strings.HasPrefix(line, "workday.") {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}()
