package workdaysim_test

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/xlr8/connectors/workdaysim"
)

var update = flag.Bool("update", false, "rewrite the response of the golden files under testdata/golden")

// goldenCase is one file of testdata/golden: a spec example run through
// Execute. spec_response is the spec's example, never rewritten; response
// is what the simulator gives (rewritten by -update); deviations lists the
// paths where the two differ on purpose, and why.
type goldenCase struct {
	Capability   string         `json:"capability"`
	Clock        time.Time      `json:"clock"`
	Params       map[string]any `json:"params"`
	SpecResponse map[string]any `json:"spec_response"`
	Deviations   []struct {
		Path string `json:"path"`
		Why  string `json:"why"`
	} `json:"deviations"`
	Response map[string]any `json:"response"`
}

// TestGolden runs the spec's example requests in the spec's order through
// one simulator, setting the simulated clock to each example's time, and
// compares each result with its golden response; it also checks that the
// result differs from the spec's own example only where the golden file
// says why.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/golden/*.json")
	if err != nil || len(files) != 16 {
		t.Fatalf("want 16 golden files, got %d (%v)", len(files), err)
	}
	sort.Strings(files)
	sim := newSim(t)
	caps := map[string]bool{}
	for _, file := range files {
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var gc goldenCase
		if err := json.Unmarshal(raw, &gc); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		caps[gc.Capability] = true
		sim.Clock().Set(gc.Clock)
		got, err := sim.Execute(t.Context(), gc.Capability, gc.Params)
		if err != nil {
			t.Errorf("%s: Execute(%s): %v", file, gc.Capability, err)
			continue
		}
		if *update {
			var doc map[string]any
			_ = json.Unmarshal(raw, &doc)
			doc["response"] = got
			out, _ := json.MarshalIndent(orderedGolden(doc), "", "  ")
			if err := os.WriteFile(file, append(out, '\n'), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if d := cmp.Diff(gc.Response, roundTrip(t, got)); d != "" {
			t.Errorf("%s: %s result differs from the golden response (-want +got):\n%s", file, gc.Capability, d)
		}
		// The result is exactly what encoding/json gives: Execute's values
		// are JSON-like already.
		if !reflect.DeepEqual(got, roundTrip(t, got)) {
			t.Errorf("%s: the result is not made of JSON-decoded values (numbers float64 ...)", file)
		}
		diffs := leafDiffs("", gc.SpecResponse, got)
		for _, d := range diffs {
			if !slices.ContainsFunc(gc.Deviations, func(dev struct {
				Path string `json:"path"`
				Why  string `json:"why"`
			}) bool {
				return d == dev.Path || strings.HasPrefix(d, dev.Path+".") || strings.HasPrefix(d, dev.Path+"[")
			}) {
				t.Errorf("%s: result differs from the spec's example at %s, and the golden file does not say why", file, d)
			}
		}
		for _, dev := range gc.Deviations {
			if !slices.ContainsFunc(diffs, func(d string) bool {
				return d == dev.Path || strings.HasPrefix(d, dev.Path+".") || strings.HasPrefix(d, dev.Path+"[")
			}) {
				t.Errorf("%s: deviation %s is listed but the result agrees with the spec there", file, dev.Path)
			}
		}
	}
	if len(caps) != 16 {
		t.Errorf("the golden files cover %d capabilities, want 16", len(caps))
	}
}

// orderedGolden keeps the golden files' keys in a readable order.
func orderedGolden(doc map[string]any) any {
	type kv struct {
		Capability   any `json:"capability"`
		Clock        any `json:"clock"`
		Params       any `json:"params"`
		SpecResponse any `json:"spec_response"`
		Deviations   any `json:"deviations"`
		Response     any `json:"response"`
	}
	return kv{doc["capability"], doc["clock"], doc["params"], doc["spec_response"], doc["deviations"], doc["response"]}
}

func roundTrip(t *testing.T, v any) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// leafDiffs lists the paths where a and b differ: a leaf with another
// value, a key or element only one side has.
func leafDiffs(path string, a, b any) []string {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok {
			return []string{path}
		}
		var out []string
		keys := map[string]bool{}
		for k := range x {
			keys[k] = true
		}
		for k := range y {
			keys[k] = true
		}
		for k := range keys {
			p := k
			if path != "" {
				p = path + "." + k
			}
			out = append(out, leafDiffs(p, x[k], y[k])...)
		}
		sort.Strings(out)
		return out
	case []any:
		y, ok := b.([]any)
		if !ok {
			return []string{path}
		}
		var out []string
		for i := 0; i < max(len(x), len(y)); i++ {
			p := fmt.Sprintf("%s[%d]", path, i)
			switch {
			case i >= len(x) || i >= len(y):
				out = append(out, p)
			default:
				out = append(out, leafDiffs(p, x[i], y[i])...)
			}
		}
		return out
	}
	if !reflect.DeepEqual(a, b) {
		return []string{path}
	}
	return nil
}

func newSim(t testing.TB, opts ...any) *workdaysim.Simulator {
	t.Helper()
	sim, err := workdaysim.New()
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { _ = sim.Close() })
	return sim
}
