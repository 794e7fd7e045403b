package redact

import (
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
	NewSet(kept).Remove() // no values: no change, no panic
	var nilSet *Set
	nilSet.Remove(gone)
}
