package redact

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestSetRemoveForgetsEveryForm(t *testing.T) {
	const gone, kept = `tok&en<"/x>==`, "still-secret-9"
	s := NewSet(gone, kept)
	n := s.Len()
	s.Remove(gone)
	if s.Len() >= n || s.Len() == 0 {
		t.Fatalf("Len %d after Remove, was %d", s.Len(), n)
	}
	if got := s.ScrubValues("a " + gone + " b"); !strings.Contains(got, gone) {
		t.Errorf("a removed value is still masked: %q", got)
	}
	if got := s.ScrubValues("a " + kept + " b"); strings.Contains(got, kept) {
		t.Errorf("a kept value is no longer masked: %q", got)
	}
	if want := NewSet(kept).Len(); s.Len() != want {
		t.Errorf("Len %d after Remove, want %d: forms of the removed value are left", s.Len(), want)
	}
	NewSet(kept).Remove() // no values: no change, no panic
	var nilSet *Set
	nilSet.Remove(gone)
}

// TestSetStaysOrdered adds and removes values at random: the scrub order
// stays longest first and holds exactly the values (and forms) held, as a
// set built from scratch with the survivors holds them.
func TestSetStaysOrdered(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	s := NewSet()
	live := map[string]bool{}
	for range 2000 {
		v := fmt.Sprintf("sec%0*d&/", r.IntN(6)+1, r.IntN(300))
		if r.IntN(3) == 0 {
			s.Remove(v)
			delete(live, v)
		} else {
			s.Add(v)
			live[v] = true
		}
	}
	var values []string
	for v := range live {
		values = append(values, v)
	}
	want := NewSet(values...)
	if len(s.sorted) != len(s.values) || len(s.values) != len(want.values) {
		t.Fatalf("%d ordered, %d held, want %d", len(s.sorted), len(s.values), len(want.values))
	}
	for i, v := range s.sorted {
		if _, ok := want.values[v]; !ok {
			t.Fatalf("%q is held but was removed", v)
		}
		if i > 0 && len(s.sorted[i-1]) < len(v) {
			t.Fatalf("order broken at %d: %q before %q", i, s.sorted[i-1], v)
		}
	}
}

// BenchmarkSetRemove removes one token from a set holding 2,000 others
// (a token client shared by many credentials), against adding it: Remove
// must not cost a decode of every value held.
func BenchmarkSetRemove(b *testing.B) {
	s := NewSet()
	for i := range 2000 {
		s.Add(fmt.Sprintf("SECRET-access-%08d", i))
	}
	b.ReportAllocs()
	for b.Loop() {
		s.Add("SECRET-rotating-token")
		s.Remove("SECRET-rotating-token")
	}
}
