package redact

import (
	"encoding/json"
	"encoding/xml"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
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
	//
	// A name that ends a URL path ("…/oauth2/token: HTTP 500") is not a
	// key: the name must not follow a '/'.
	pairRE = regexp.MustCompile(`(?i)(^|[^/A-Za-z0-9_\-])("?(?:[a-z0-9]+[_\-])*(?:access[_\-]?token|refresh[_\-]?token|id[_\-]?token|token|secret|client[_\-]?secret|password|passwd|pwd|passphrase|assertion|api[_\-]?key|apikey|app[_\-]?key|private[_\-]?key|session[_\-]?id|sessionid|signature)"?\s*[:=]\s*"?)([^"&,;\s}<]{4,})`)
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
	return pairRE.ReplaceAllString(s, "${1}${2}"+Mask)
}

// Set is a concurrency-safe set of exact secret values to scrub. A connector
// adds its credential's secrets when it is built and every token it obtains.
// The zero value is ready to use; a nil *Set scrubs nothing by value.
type Set struct {
	mu     sync.RWMutex
	values map[string]struct{}
	sorted []string // longest first, so a secret containing another is masked whole
	maxLen int      // of the longest value
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
		s.insert(v)
		for _, e := range escapedForms(v) {
			s.insert(e)
		}
	}
}

// insert adds one value, keeping sorted longest first (after the values
// of its length already held): no re-sort of the whole set per Add.
func (s *Set) insert(v string) {
	if _, ok := s.values[v]; ok {
		return
	}
	s.values[v] = struct{}{}
	i := sort.Search(len(s.sorted), func(i int) bool { return len(s.sorted[i]) < len(v) })
	s.sorted = slices.Insert(s.sorted, i, v)
	s.maxLen = max(s.maxLen, len(v))
}

// escapedForms returns the forms, other than v itself, in which a server
// may echo v back: inside a JSON string (Go's HTML-safe escaping, plain
// escaping, escaped slashes), as XML or HTML text (numeric and named
// entities), URL query- and path-encoded (upper- and lower-case hex).
func escapedForms(v string) []string {
	var out []string
	add := func(e string) {
		if e != v && len(e) >= minSecretLen {
			out = append(out, e)
		}
	}
	if b, err := json.Marshal(v); err == nil {
		js := string(b[1 : len(b)-1])
		add(js)
		add(strings.ReplaceAll(js, "/", `\/`))
		plain := strings.NewReplacer(`\u0026`, "&", `\u003c`, "<", `\u003e`, ">").Replace(js)
		add(plain)
		add(strings.ReplaceAll(plain, "/", `\/`))
	}
	var x strings.Builder
	if xml.EscapeText(&x, []byte(v)) == nil {
		add(x.String())
	}
	add(html.EscapeString(v))
	add(namedEntities.Replace(v))
	for _, e := range []string{url.QueryEscape(v), url.PathEscape(v)} {
		add(e)
		add(lowerHex(e))
	}
	return out
}

var namedEntities = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;")

// lowerHex lower-cases the hex digits of every %XX escape.
func lowerHex(s string) string {
	b := []byte(s)
	for i := 0; i+2 < len(b); i++ {
		if b[i] == '%' {
			for j := i + 1; j <= i+2; j++ {
				if b[j] >= 'A' && b[j] <= 'F' {
					b[j] += 'a' - 'A'
				}
			}
		}
	}
	return string(b)
}

// maxPatternValue is the margin scrubbed past a cut for the patterns: a
// pattern's value longer than this that crosses the cut is masked from
// its start anyway (the pattern needs only four bytes of it).
const maxPatternValue = 512

func (s *Set) longest() int {
	if s == nil {
		return 0
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.maxLen
}

// safeCut moves a cut at byte at of str past the end of every held value
// that it would split, so that the value is still whole when scrubbed.
func (s *Set) safeCut(str string, at int) int {
	if s == nil {
		return at
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	for moved := true; moved; {
		moved = false
		for _, v := range s.sorted {
			from := max(0, at-len(v)+1)
			if i := strings.Index(str[from:min(len(str), at+len(v)-1)], v); i >= 0 && from+i < at && from+i+len(v) > at {
				at = from + i + len(v)
				moved = true
			}
		}
	}
	return at
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
	// Scrub first, then cut: the body is scrubbed up to the cut plus a
	// margin as long as the longest secret (and any pattern's value), so
	// that a secret crossing the cut is masked whole and none of its
	// prefix survives.
	const cut = 8 * MaxExcerpt
	cutAt := len(body)
	if len(body) > cut {
		margin := max(set.longest(), maxPatternValue)
		if cut+margin < len(body) {
			body = body[:cut+margin]
		}
		cutAt = cut
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
	if cutAt < len(s) {
		// Mark the cut with a byte that no secret or pattern holds, so
		// that it survives scrubbing and can be found again.
		cutAt = set.safeCut(s, cutAt)
		s = s[:cutAt] + "\x00" + s[cutAt:]
		s = set.Scrub(s)
		if i := strings.IndexByte(s, 0); i >= 0 {
			s = s[:i]
		}
		s = strings.ToValidUTF8(s, "")
	} else {
		s = set.Scrub(s)
	}
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
