package redact

import (
	"slices"
	"sort"
)

// Remove forgets secret values and every escaped form of them that Add
// registered (escapedForms, the same function), so that a set holding
// short-lived values (issued access tokens) stays bounded. It costs a
// search among the held values of each form's length, whatever the set
// holds. Remove a value only when nothing that must stay masked equals it
// or one of its forms.
func (s *Set) Remove(values ...string) {
	if s == nil || len(values) == 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, v := range values {
		if len(v) < minSecretLen {
			continue
		}
		if _, held := s.values[v]; !held {
			continue // never added: its forms are another value's, if held
		}
		s.drop(v)
		for _, e := range escapedForms(v) {
			s.drop(e)
		}
	}
}

// drop removes one value from the map and from sorted, searching only the
// run of values of its length.
func (s *Set) drop(e string) {
	if _, ok := s.values[e]; !ok {
		return
	}
	delete(s.values, e)
	lo := sort.Search(len(s.sorted), func(i int) bool { return len(s.sorted[i]) <= len(e) })
	for i := lo; i < len(s.sorted) && len(s.sorted[i]) == len(e); i++ {
		if s.sorted[i] == e {
			s.sorted = slices.Delete(s.sorted, i, i+1)
			return
		}
	}
}
