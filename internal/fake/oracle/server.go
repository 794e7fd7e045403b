package oracle

import (
	"crypto/rsa"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/xlr8/connectors/internal/fake/fault"
	"github.com/xlr8/connectors/internal/fake/kit"
)

// Version is the REST resource version segment.
const Version = "11.13.18.05"

// Config sets up a fake pod. Zero values take the defaults.
type Config struct {
	// Username and Password are the Fusion user HTTP Basic accepts.
	Username, Password string
	// ClientID and ClientSecret are the identity-domain client; the token
	// endpoint takes them by HTTP Basic only, as Oracle's identity domain
	// does.
	ClientID, ClientSecret string
	// Scope is the scope the client is granted.
	Scope string
	// JWTKey verifies jwt-bearer user assertions (RS256, sub = Username,
	// iss = ClientID, aud = Audience).
	JWTKey   *rsa.PublicKey
	Audience string
	// TokenTTL is an access token's lifetime (default 3600s).
	TokenTTL time.Duration
	// PageSize is the default limit (25); MaxPage the cap a bigger limit is
	// silently cut to (499).
	PageSize, MaxPage int
	// ChildPageSize is the rows an expanded child collection carries in
	// its parent's payload before it says hasMore (default PageSize, as
	// Fusion pages a child by the default limit).
	ChildPageSize int
	// DefaultFramework is the REST-Framework-Version applied when a request
	// sends none (default 1, as Fusion's HCM APIs do).
	DefaultFramework int
	// ESSStates is the RequestStatus sequence an export job walks through,
	// one step per status poll (default WAIT, READY, RUNNING, PAUSED,
	// RUNNING, SUCCEEDED).
	ESSStates []string
	// Seed seeds the fault injector.
	Seed uint64
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Server is a running fake Fusion pod: hcmRestApi and fscmRestApi under
// one base path, and an identity-domain token endpoint.
type Server struct {
	*kit.Server

	cfg       Config
	resources map[string]*resource
	mu        sync.Mutex
	calls     map[string]int
	versions  []string
	deepFail  bool
	jobs      map[string]*essJob
	exports   map[string]export
	failNext  string
	nextReq   int
	flows     map[string]bool
	urls      []string
	childBad  ChildFault
	childHost string
}

// New starts a fake pod on a TLS loopback server under a base path.
func New(cfg Config) *Server {
	def := func(s *string, v string) {
		if *s == "" {
			*s = v
		}
	}
	def(&cfg.Username, "integration.user")
	def(&cfg.Password, "fake-fusion-password-3c1a")
	def(&cfg.ClientID, "fake-idcs-client-id")
	def(&cfg.ClientSecret, "fake-idcs-client-secret-9e4b")
	def(&cfg.Scope, "urn:opc:resource:fa:instanceid=fakepodurn:opc:resource:consumer::all")
	def(&cfg.Audience, "https://identity.oraclecloud.com/")
	if cfg.TokenTTL <= 0 {
		cfg.TokenTTL = time.Hour
	}
	if cfg.PageSize <= 0 {
		cfg.PageSize = 25
	}
	if cfg.MaxPage <= 0 {
		cfg.MaxPage = 499
	}
	if cfg.ChildPageSize <= 0 {
		cfg.ChildPageSize = cfg.PageSize
	}
	if cfg.DefaultFramework <= 0 {
		cfg.DefaultFramework = 1
	}
	if len(cfg.ESSStates) == 0 {
		cfg.ESSStates = []string{"WAIT", "READY", "RUNNING", "PAUSED", "RUNNING", "SUCCEEDED"}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Server{Server: kit.New(kit.Config{Base: "/fusion", Seed: cfg.Seed, Now: cfg.Now}), cfg: cfg, resources: catalog(),
		calls: map[string]int{}, jobs: map[string]*essJob{}, exports: map[string]export{}, flows: map[string]bool{}, nextReq: 4400}
	jwt := kit.JWTCheck{Key: cfg.JWTKey, Issuer: cfg.ClientID, Subject: cfg.Username, Audience: cfg.Audience}
	grants := []string{kit.GrantClientCredentials}
	if cfg.JWTKey != nil {
		grants = append(grants, kit.GrantJWTBearer)
	}
	s.EnableOAuth(kit.OAuthConfig{Path: "/oauth2/v1/token", Grants: grants, ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret,
		ClientAuth: kit.ClientAuthBasic, Scope: cfg.Scope, TTL: cfg.TokenTTL, TokenPrefix: "eyJ4NXQjUzI1NiI6",
		Assertion: func(_, assertion string, _ url.Values) (string, error) { return jwt.Verify(assertion, cfg.Now()) }})
	s.Faults.Respond[fault.RateLimit] = func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "0")
		s.fail(w, r, http.StatusTooManyRequests, "", "Too Many Requests")
	}
	s.Faults.Respond[fault.Unavailable] = func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "0")
		s.fail(w, r, http.StatusServiceUnavailable, "", "Service Unavailable")
	}
	s.Faults.Respond[fault.Unauthorized] = func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, http.StatusUnauthorized, "", "Unauthorized")
	}
	s.Use(s.authenticate)
	for _, svc := range []string{hcm, fscm} {
		s.HandleFunc("GET /"+svc+"/resources/{version}/{path...}", s.get)
	}
	s.HandleFunc("POST /"+fscm+"/resources/{version}/erpintegrations", s.erpintegrations)
	s.HandleFunc("POST /"+hcm+"/resources/{version}/flowPatterns/{id}/action/submitFlow", s.submitFlow)
	s.DefineExport(DefaultExportJob, "invoices", []string{"InvoiceId", "InvoiceNumber", "SupplierNumber", "InvoiceDate", "InvoiceAmount", "InvoiceCurrency"})
	return s
}

// Config returns the configuration in force (with defaults).
func (s *Server) Config() Config { return s.cfg }

// authenticate accepts HTTP Basic with the Fusion user or a live bearer
// token from the identity domain, on every route but the token endpoint.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == s.Base+s.OAuth.Config().Path {
			next.ServeHTTP(w, r)
			return
		}
		_, basic := kit.CheckBasic(r, map[string]string{s.cfg.Username: s.cfg.Password})
		_, bearer := s.OAuth.Check(r)
		if !basic && !bearer {
			w.Header().Set("WWW-Authenticate", `Basic realm="fusion"`)
			s.fail(w, r, http.StatusUnauthorized, "", "Unauthorized")
			return
		}
		s.mu.Lock()
		s.versions = append(s.versions, r.Header.Get("REST-Framework-Version"))
		s.mu.Unlock()
		next.ServeHTTP(w, r)
	})
}

// framework is the request's REST-Framework-Version.
func (s *Server) framework(r *http.Request) int {
	if v, err := strconv.Atoi(r.Header.Get("REST-Framework-Version")); err == nil && v > 0 {
		return v
	}
	return s.cfg.DefaultFramework
}

func (s *Server) count(kind string) {
	s.mu.Lock()
	s.calls[kind]++
	s.mu.Unlock()
}

// ---- test controls ----

// Seed replaces a resource's rows with n generated ones and returns them as
// the REST API sends them (children included).
func (s *Server) Seed(resource string, n int) []map[string]any {
	r := s.resources[resource]
	rows := make([]kit.Record, n)
	out := make([]map[string]any, n)
	for i := range rows {
		rows[i] = row(r, i)
		out[i] = rows[i]
	}
	s.Store.Table(resource).Seed(rows)
	return out
}

// Generate makes n rows computed on demand, for benchmarks.
func (s *Server) Generate(resource string, n int) {
	r := s.resources[resource]
	s.Store.Table(resource).Generate(n, func(i int) kit.Record { return row(r, i) })
}

// Insert adds a row (values as the REST API sends them).
func (s *Server) Insert(resource string, values map[string]any) {
	s.Store.Table(resource).Append(values)
}

// Resources lists the pod's resources.
func (s *Server) Resources() []string {
	out := make([]string, 0, len(s.resources))
	for n := range s.resources {
		out = append(out, n)
	}
	return out
}

// FailDeepExpand makes requests that expand grandchildren (expand=a.b or
// expand=all) answer 200 with a body cut off by "Too many objects match the
// primary key oracle.jbo.Key", as Fusion does.
func (s *Server) FailDeepExpand(on bool) {
	s.mu.Lock()
	s.deepFail = on
	s.mu.Unlock()
}

// Calls counts requests by kind: "collection", "item", "describe",
// "essSubmit", "essStatus", "essOutput", "submitFlow".
func (s *Server) Calls(kind string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[kind]
}

// ChildFault is a way a child collection page (GET .../{key}/child/{name})
// goes wrong.
type ChildFault string

// The child page faults.
const (
	ChildOK        ChildFault = ""
	ChildNoHasMore ChildFault = "no-hasMore"  // the envelope lacks hasMore
	ChildNotJSON   ChildFault = "not-json"    // 200 with a body cut off mid-JSON
	ChildRepeat    ChildFault = "repeat-rows" // offset ignored: the first rows again, under the asked offset
)

// FailChildPages makes every child collection page fail as f (ChildOK
// heals).
func (s *Server) FailChildPages(f ChildFault) {
	s.mu.Lock()
	s.childBad = f
	s.mu.Unlock()
}

// LinkChildrenTo makes the self link of every expanded child collection
// point at host (say "elsewhere.example:8443") instead of the pod: a link a
// client must refuse to follow. "" restores the pod's own links.
func (s *Server) LinkChildrenTo(host string) {
	s.mu.Lock()
	s.childHost = host
	s.mu.Unlock()
}

// URLs returns the path and query of every resource GET, in order.
func (s *Server) URLs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.urls...)
}

// FrameworkVersions returns the REST-Framework-Version header of every
// authenticated request, in order ("" where none was sent).
func (s *Server) FrameworkVersions() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.versions...)
}

// Secrets returns the credentials and every token issued, for leak checks.
func (s *Server) Secrets() []string {
	return append([]string{s.cfg.Password, s.cfg.ClientSecret}, s.OAuth.Issued()...)
}

// ---- errors ----

// fail writes an error as the ADF REST framework does: from framework
// version 4 a JSON body of media type application/vnd.oracle.adf.error+json
// with the status as a string and the detail under o:errorDetails; before
// it, the detail as plain text.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, status int, code, detail string) {
	if s.framework(r) < 4 {
		kit.Text(w, status, detail)
		return
	}
	d := map[string]any{"detail": detail}
	if code != "" {
		d["o:errorCode"] = code
	}
	kit.JSON(w, status, "application/vnd.oracle.adf.error+json", map[string]any{
		"title": http.StatusText(status), "status": strconv.Itoa(status), "o:errorDetails": []any{d}})
}

// splitPath splits the part of a path after resources/{version}/.
func splitPath(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

// query reads a request's parameters splitting on & only: Fusion's own
// syntax puts raw semicolons in values (fields=A;child:B,
// finder=Name;var=v), which net/http's parser would drop.
func query(r *http.Request) url.Values {
	out := url.Values{}
	for _, kv := range strings.Split(r.URL.RawQuery, "&") {
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		key, err1 := url.QueryUnescape(k)
		val, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil {
			key, val = k, v
		}
		out.Add(key, val)
	}
	return out
}
