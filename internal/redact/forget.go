package redact

import (
	"encoding/json"
	"html"
	"net/url"
	"strings"
)

// Remove forgets secret values and every escaped form of them that Add
// registered, so that a set holding short-lived values (issued access
// tokens) stays bounded. The forms are recognised by unescaping, so Remove
// follows whatever forms Add registers. Remove a value only when nothing
// that must stay masked equals it.
func (s *Set) Remove(values ...string) {
	if s == nil || len(values) == 0 {
		return
	}
	drop := make(map[string]bool, len(values))
	for _, v := range values {
		if len(v) >= minSecretLen {
			drop[v] = true
		}
	}
	if len(drop) == 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	removed := false
	for e := range s.values {
		if drop[e] || formOfAny(e, drop) {
			delete(s.values, e)
			removed = true
		}
	}
	if !removed {
		return
	}
	kept := s.sorted[:0]
	for _, v := range s.sorted {
		if _, ok := s.values[v]; ok {
			kept = append(kept, v)
		}
	}
	s.sorted = kept
}

// formOfAny reports whether e is an escaped form (JSON, XML/HTML entities,
// URL encoding) of one of the values in drop.
func formOfAny(e string, drop map[string]bool) bool {
	try := func(u string) bool { return u != e && drop[u] }
	var js string
	if json.Unmarshal([]byte(`"`+strings.ReplaceAll(e, `\/`, "/")+`"`), &js) == nil && try(js) {
		return true
	}
	if try(html.UnescapeString(e)) {
		return true
	}
	if u, err := url.QueryUnescape(e); err == nil && try(u) {
		return true
	}
	if u, err := url.PathUnescape(e); err == nil && try(u) {
		return true
	}
	return false
}
