package kit

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/xlr8/connectors/internal/fake/fault"
)

// DefaultBase is the path a fake is mounted under unless its Config says
// otherwise.
const DefaultBase = "/fake-base"

// Config sets up a Server. Zero values take the defaults.
type Config struct {
	// Base is the path every route is mounted under (default DefaultBase).
	// "/" mounts at the host root, for a vendor whose wire is rooted there
	// (Salesforce's instance_url is an origin and its nextRecordsUrl a
	// host-absolute path).
	Base string
	// Seed seeds the fault injector.
	Seed uint64
	// Now is the clock for token expiry and cursors (default time.Now).
	Now func() time.Time
}

// Server is a fake vendor server: a TLS loopback httptest server whose
// routes live under a base path, with a fault injector in front of every
// route, a record store, advertised totals that can be made to lie, and an
// optional OAuth token endpoint. A vendor's fake registers its wire shapes
// with Handle.
type Server struct {
	// URL is the origin followed by the base path, without a trailing
	// slash: the instance URL a connector under test is given.
	URL string
	// Origin is scheme://host:port.
	Origin string
	// Base is the mount path ("" at the root, else "/name").
	Base string
	// Faults is the fault injector every request passes first. By default
	// every request except the token endpoint's is eligible.
	Faults *fault.Injector
	// Store holds the fake's records.
	Store *Store
	// OAuth is the token endpoint, nil until EnableOAuth.
	OAuth *OAuth

	srv       *httptest.Server
	mux       *http.ServeMux
	now       func() time.Time
	mu        sync.Mutex
	mws       []func(http.Handler) http.Handler
	handler   atomic.Pointer[http.Handler]
	lie       atomic.Int64
	tokenPath atomic.Pointer[string]
}

// New starts a fake on a TLS loopback server. Register routes with Handle,
// use Client() as the connector's HTTP client, and Close it when done.
func New(cfg Config) *Server {
	base := cfg.Base
	if base == "" {
		base = DefaultBase
	}
	base = "/" + strings.Trim(base, "/")
	if base == "/" {
		base = ""
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Server{Base: base, Faults: fault.New(cfg.Seed), Store: NewStore(), mux: http.NewServeMux(), now: cfg.Now}
	s.Faults.RetryAfter = "0"
	s.Faults.StallFor = 10 * time.Second
	s.Faults.Eligible = func(r *http.Request) bool {
		tp := s.tokenPath.Load()
		return tp == nil || r.URL.Path != *tp
	}
	s.rebuild()
	s.srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		(*s.handler.Load()).ServeHTTP(w, r)
	}))
	s.Origin = s.srv.URL
	s.URL = s.srv.URL + s.Base
	return s
}

// Now is the server's clock.
func (s *Server) Now() time.Time { return s.now() }

// Client returns an HTTP client that trusts the server's certificate.
func (s *Server) Client() *http.Client { return s.srv.Client() }

// HTTP returns the underlying httptest server.
func (s *Server) HTTP() *httptest.Server { return s.srv }

// Close ends every stalled fault and stops the server.
func (s *Server) Close() {
	s.Faults.Close()
	s.srv.Close()
}

// Handle registers h for pattern, a net/http ServeMux pattern ("GET
// /resources/{name}") whose path is relative to the base path. Requests
// outside the base path get a plain 404, as from a web server that does not
// know the path.
func (s *Server) Handle(pattern string, h http.Handler) {
	method, path, ok := strings.Cut(pattern, " ")
	if !ok {
		method, path = "", pattern
	}
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	if method != "" {
		method += " "
	}
	s.mux.Handle(method+s.Base+path, h)
}

// HandleFunc registers a handler function; see Handle.
func (s *Server) HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request)) {
	s.Handle(pattern, http.HandlerFunc(h))
}

// Use adds a middleware between the fault injector and the routes (the
// first added runs first): a vendor's URI length limit, its quota, its
// authentication check.
func (s *Server) Use(mw func(http.Handler) http.Handler) {
	s.mu.Lock()
	s.mws = append(s.mws, mw)
	s.mu.Unlock()
	s.rebuild()
}

func (s *Server) rebuild() {
	s.mu.Lock()
	defer s.mu.Unlock()
	var h http.Handler = s.mux
	for i := len(s.mws) - 1; i >= 0; i-- {
		h = s.mws[i](h)
	}
	h = s.Faults.Middleware(h)
	s.handler.Store(&h)
}

// Path returns the route part of a request's path: the path with the base
// removed.
func (s *Server) Path(r *http.Request) string { return strings.TrimPrefix(r.URL.Path, s.Base) }

// LinkStyle says how a link a fake writes is spelled.
type LinkStyle int

// The link styles.
const (
	// Absolute: scheme://host:port/base/path?query (Oracle's links, OData's
	// __next).
	Absolute LinkStyle = iota
	// HostRelative: /base/path?query, resolved against the origin
	// (Salesforce's nextRecordsUrl).
	HostRelative
)

// Link spells the link to path (relative to the base) with query q.
func (s *Server) Link(style LinkStyle, path string, q url.Values) string {
	u := s.Base + "/" + strings.TrimPrefix(path, "/")
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	if style == Absolute {
		return s.Origin + u
	}
	return u
}

// Relink spells the request's own URL with the query parameters in set
// replaced (or added, or removed when the value is ""), keeping the others
// and their order: the next link of a page.
func (s *Server) Relink(r *http.Request, style LinkStyle, set map[string]string) string {
	var parts []string
	done := map[string]bool{}
	for _, kv := range strings.Split(r.URL.RawQuery, "&") {
		if kv == "" {
			continue
		}
		k, _, _ := strings.Cut(kv, "=")
		key, err := url.QueryUnescape(k)
		if err != nil {
			key = k
		}
		if v, ok := set[key]; ok {
			if !done[key] && v != "" {
				parts = append(parts, k+"="+url.QueryEscape(v))
			}
			done[key] = true
			continue
		}
		parts = append(parts, kv)
	}
	keys := make([]string, 0, len(set))
	for k := range set {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if !done[k] && set[k] != "" {
			parts = append(parts, url.QueryEscape(k)+"="+url.QueryEscape(set[k]))
		}
	}
	u := r.URL.Path
	if len(parts) > 0 {
		u += "?" + strings.Join(parts, "&")
	}
	if style == Absolute {
		return s.Origin + u
	}
	return u
}

// LieAboutTotal makes Advertise report k more rows than exist (k < 0:
// fewer); 0 tells the truth again.
func (s *Server) LieAboutTotal(k int) { s.lie.Store(int64(k)) }

// Advertise returns the total a page should advertise for n rows.
func (s *Server) Advertise(n int) int { return n + int(s.lie.Load()) }

// Inject makes the fake produce a conformance-suite fault (a
// connectortest.Fault as its string): "short_total" advertises five rows
// more than exist until Heal; the others go to the fault injector (see
// fault.Injector.Conformance). It reports false for a fault it cannot make.
func (s *Server) Inject(f string, n int) bool {
	if f == "short_total" {
		s.LieAboutTotal(5)
		return true
	}
	return s.Faults.Conformance(f, n)
}

// Heal ends every injected fault and lie.
func (s *Server) Heal() {
	s.Faults.Clear()
	s.LieAboutTotal(0)
}

// JSON writes v as JSON with status and Content-Type contentType
// ("application/json" when empty).
func JSON(w http.ResponseWriter, status int, contentType string, v any) {
	if contentType == "" {
		contentType = "application/json"
	}
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// Text writes a plain-text body.
func Text(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}
