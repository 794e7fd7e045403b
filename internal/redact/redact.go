package redact

import (
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"
)

// Mask replaces every redacted value.
const Mask = "[REDACTED]"

// minSecretLen is the shortest value a Set scrubs by value: shorter strings
// ("1", "CA") would mangle ordinary text and are not plausible secrets.
const minSecretLen = 4

var sensitiveKeyParts = []string{
	"token", "secret", "password", "passwd", "pwd", "assertion", "apikey", "api_key", "api-key",
	"authorization", "authentication", "cookie", "session", "signature", "sig", "private_key",
	"privatekey", "passphrase", "credential", "appkey", "customer_api_key", "code_verifier", "otp",
}

// IsSensitiveKey reports whether a header, query parameter or field name names
// a secret ("Authorization", "refresh_token", "client_secret", "Api-Key" ...).
func IsSensitiveKey(key string) bool {
	k := strings.ToLower(key)
	for _, p := range sensitiveKeyParts {
		if strings.Contains(k, p) {
			return true
		}
	}
	return false
}

// Header returns a copy of h with every sensitive header's values masked.
func Header(h http.Header) http.Header {
	out := make(http.Header, len(h))
	for k, v := range h {
		if IsSensitiveKey(k) {
			out[k] = []string{Mask}
			continue
		}
		out[k] = append([]string(nil), v...)
	}
	return out
}

// URL renders u without user info and query: scheme://host/path. It is the
// form used in audit events and error messages.
func URL(u *url.URL) string {
	if u == nil {
		return ""
	}
	var b strings.Builder
	if u.Scheme != "" {
		b.WriteString(u.Scheme)
		b.WriteString("://")
	}
	b.WriteString(u.Host)
	b.WriteString(u.EscapedPath())
	return b.String()
}

// Query renders u's query with the values of sensitive parameters masked, for
// debugging output that must show which parameters were sent.
func Query(u *url.URL) string {
	if u == nil || u.RawQuery == "" {
		return ""
	}
	q := u.Query()
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		for j, v := range q[k] {
			if i+j > 0 {
				b.WriteByte('&')
			}
			b.WriteString(url.QueryEscape(k))
			b.WriteByte('=')
			if IsSensitiveKey(k) {
				b.WriteString(Mask)
			} else {
				b.WriteString(url.QueryEscape(v))
			}
		}
	}
	return b.String()
}

var (
	// An Authorization scheme followed by something shaped like a
	// credential (see credentialShaped).
	schemeRE = regexp.MustCompile(`(?i)\b(bearer|basic)(\s+)([A-Za-z0-9._~+/\-!]+=*)`)
	// JSON Web Tokens (and JWS/JWE-like triples).
	jwtRE = regexp.MustCompile(`eyJ[A-Za-z0-9_\-]{4,}\.[A-Za-z0-9_\-]{4,}\.[A-Za-z0-9_\-]*`)
	// key=value, key: value and "key":"value" pairs whose key names a
	// secret. The key must be a secret's name ("refresh_token",
	// "client_secret", "password"), not prose that mentions one ("token
	// endpoint", "credentials").
	pairRE = regexp.MustCompile(`(?i)("?\b(?:[a-z0-9]+[_\-])*(?:access[_\-]?token|refresh[_\-]?token|id[_\-]?token|token|secret|client[_\-]?secret|password|passwd|pwd|passphrase|assertion|api[_\-]?key|apikey|app[_\-]?key|private[_\-]?key|session[_\-]?id|sessionid|signature)"?\s*[:=]\s*"?)([^"&,;\s}<]{4,})`)
	// PEM blocks.
	pemRE = regexp.MustCompile(`-----BEGIN [A-Z ]+-----[\s\S]*?(-----END [A-Z ]+-----|$)`)
)

// credentialShaped reports whether a word after "Bearer" or "Basic" looks
// like a credential rather than prose ("Basic authentication"): long, or
// holding a digit or one of + / = . ! ~.
func credentialShaped(w string) bool {
	if len(w) >= 24 {
		return true
	}
	if len(w) < 4 {
		return false
	}
	for _, r := range w {
		if (r >= '0' && r <= '9') || strings.ContainsRune("+/=.!~", r) {
			return true
		}
	}
	return false
}

// Text masks everything in s that looks like a secret by pattern.
func Text(s string) string {
	s = pemRE.ReplaceAllString(s, Mask)
	s = jwtRE.ReplaceAllString(s, Mask)
	s = schemeRE.ReplaceAllStringFunc(s, func(m string) string {
		sub := schemeRE.FindStringSubmatch(m)
		if !credentialShaped(sub[3]) {
			return m
		}
		return sub[1] + sub[2] + Mask
	})
	return pairRE.ReplaceAllString(s, "${1}"+Mask)
}

// Set is a concurrency-safe set of exact secret values to scrub. A connector
// adds its credential's secrets when it is built and every token it obtains.
// The zero value is ready to use; a nil *Set scrubs nothing by value.
type Set struct {
	mu     sync.RWMutex
	values map[string]struct{}
	sorted []string // longest first, so a secret containing another is masked whole
}

// NewSet returns a set holding values.
func NewSet(values ...string) *Set {
	s := &Set{}
	s.Add(values...)
	return s
}

// Add records secret values. Values shorter than four bytes are ignored.
func (s *Set) Add(values ...string) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	changed := false
	for _, v := range values {
		if len(v) < minSecretLen {
			continue
		}
		if s.values == nil {
			s.values = map[string]struct{}{}
		}
		if _, ok := s.values[v]; ok {
			continue
		}
		s.values[v] = struct{}{}
		changed = true
		// The URL- and form-encoded forms appear in echoed request bodies.
		if e := url.QueryEscape(v); e != v {
			s.values[e] = struct{}{}
		}
	}
	if changed {
		s.sorted = s.sorted[:0]
		for v := range s.values {
			s.sorted = append(s.sorted, v)
		}
		sort.Slice(s.sorted, func(i, j int) bool { return len(s.sorted[i]) > len(s.sorted[j]) })
	}
}

// Len returns the number of values held.
func (s *Set) Len() int {
	if s == nil {
		return 0
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.values)
}

// Scrub masks every held value in str, then every pattern.
func (s *Set) Scrub(str string) string {
	return Text(s.ScrubValues(str))
}

// ScrubValues masks every held value in str (and nothing by pattern).
func (s *Set) ScrubValues(str string) string {
	if s == nil || str == "" {
		return str
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, v := range s.sorted {
		if strings.Contains(str, v) {
			str = strings.ReplaceAll(str, v, Mask)
		}
	}
	return str
}

// Contains reports whether str holds any value of the set verbatim.
func (s *Set) Contains(str string) bool {
	if s == nil {
		return false
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, v := range s.sorted {
		if strings.Contains(str, v) {
			return true
		}
	}
	return false
}

var (
	tagRE   = regexp.MustCompile(`<[^>]*>`)
	spaceRE = regexp.MustCompile(`\s+`)
)

// MaxExcerpt is the longest excerpt, in runes, that an error quotes from a body.
const MaxExcerpt = 160

// Excerpt returns a short, secret-free, single-line excerpt of a response body
// for an error message: markup stripped, whitespace collapsed, secrets masked
// by value and pattern, cut to MaxExcerpt runes. Binary bodies give "".
func Excerpt(body []byte, set *Set) string {
	if len(body) == 0 {
		return ""
	}
	if len(body) > 8*MaxExcerpt {
		body = body[:8*MaxExcerpt]
	}
	s := string(body)
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "")
	}
	for _, r := range s {
		if r < 0x20 && r != '\n' && r != '\r' && r != '\t' {
			return ""
		}
	}
	// Scrub before cutting, so that a secret split by the cut is still masked.
	s = set.Scrub(s)
	if strings.Contains(s, "<") {
		if i := strings.Index(strings.ToLower(s), "<title>"); i >= 0 {
			if j := strings.Index(strings.ToLower(s[i:]), "</title>"); j > 0 {
				s = s[i+len("<title>"):i+j] + " " + s[i+j:]
			}
		}
		s = tagRE.ReplaceAllString(s, " ")
	}
	s = strings.TrimSpace(spaceRE.ReplaceAllString(s, " "))
	if utf8.RuneCountInString(s) > MaxExcerpt {
		r := []rune(s)
		s = string(r[:MaxExcerpt]) + "…"
	}
	return s
}
