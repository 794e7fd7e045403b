package ukg

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"sync"
	"time"

	"github.com/xlr8/connectors/internal/fake/fault"
	"github.com/xlr8/connectors/internal/fake/kit"
)

// Base is where the fake mounts the vendors' paths (the kit's TLS server
// under a base path), so that a client that drops the instance URL's path
// fails.
const Base = "/tenant"

// Config configures the fake. Zero values get working defaults.
type Config struct {
	// PageSize is the largest page the server sends (UKG Pro per_Page,
	// Ready per_page): larger requests are capped silently, as UKG Pro caps
	// unpaged calls.
	PageSize int
	// Seed seeds the fault injector.
	Seed uint64

	// UKG Pro: the service account, the customer API key (REST header and
	// RaaS ClientAccessKey) and the user API key (RaaS UserAccessKey).
	ProUser, ProPassword, CustomerAPIKey, UserAPIKey string
	// WorkingPolls is how many RetrieveReport calls (and WFM report
	// execution polls) answer Working (InProgress) before a report is done.
	WorkingPolls int

	// UKG Pro WFM: OAuth client, the user, and an app key the token endpoint
	// and API calls must carry when RequireAppKey is set.
	WFMClientID, WFMClientSecret, WFMUser, WFMPassword, AppKey string
	RequireAppKey                                              bool
	// MaxEmployees is the multi_read service limit (413 WCO-106194 above it).
	MaxEmployees int
	// TokenTTL is the WFM access token lifetime (default 1799s, as live).
	TokenTTL time.Duration

	// UKG Ready: the company API key, the user and the company short name.
	ReadyAPIKey, ReadyUser, ReadyPassword, ReadyCompany string
	// ReadyWhole makes v2 lists ignore page/per_page and answer whole, as
	// the lists the reviewed clients read do.
	ReadyWhole bool
}

// Server is the fake, on internal/fake/kit: URL is the instance URL (base
// path included), Faults the fault injector, OAuth WFM's token endpoint.
type Server struct {
	*kit.Server

	cfg Config
	mu  sync.Mutex

	pro   proState
	raas  raasState
	wfm   wfmState
	ready readyState
	calls map[string]int
}

// New starts the fake on a loopback TLS listener.
func New(cfg Config) *Server {
	if cfg.PageSize <= 0 {
		cfg.PageSize = 100
	}
	def := func(p *string, v string) {
		if *p == "" {
			*p = v
		}
	}
	def(&cfg.ProUser, "svc.integration")
	def(&cfg.ProPassword, "pro-password-7Yq!x")
	def(&cfg.CustomerAPIKey, "B5JLX")
	def(&cfg.UserAPIKey, "BB7VDK0000K0")
	def(&cfg.WFMClientID, "wfm-client-3c1")
	def(&cfg.WFMClientSecret, "wfm-secret-9a7f2")
	def(&cfg.WFMUser, "api.user")
	def(&cfg.WFMPassword, "wfm-password-Q2w")
	def(&cfg.ReadyAPIKey, "ready-api-key-5e0d")
	def(&cfg.ReadyUser, "api.ready")
	def(&cfg.ReadyPassword, "ready-password-T8k")
	def(&cfg.ReadyCompany, "ACME01")
	if cfg.MaxEmployees <= 0 {
		cfg.MaxEmployees = 500
	}
	if cfg.TokenTTL <= 0 {
		cfg.TokenTTL = 1799 * time.Second
	}
	s := &Server{Server: kit.New(kit.Config{Base: Base, Seed: cfg.Seed}), cfg: cfg, calls: map[string]int{}}
	s.pro.init()
	s.raas.init()
	s.wfm.init()
	s.ready.init()
	// Login calls (WFM's token endpoint, Ready's login, RaaS LogOn on the
	// BI data service) are not data requests: faults leave them alone.
	s.Faults.Eligible = func(r *http.Request) bool {
		p := s.Path(r)
		return p != "/api/authentication/access_token" && p != "/ta/rest/v1/login" && p != "/services/BIDataService"
	}
	s.Faults.Respond[fault.Unavailable] = func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "0")
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	s.Use(s.counting)
	s.routePro()
	s.routeRaaS()
	s.routeWFM()
	s.routeReady()
	return s
}

// Config returns the configuration in use (defaults filled in).
func (s *Server) Config() Config { return s.cfg }

// Calls counts the requests to a path (without the base path) so far.
func (s *Server) Calls(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[path]
}

func (s *Server) counting(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.calls[s.Path(r)]++
		s.mu.Unlock()
		next.ServeHTTP(w, r)
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	kit.JSON(w, status, "application/json; charset=utf-8", v)
}

func newToken(prefix string) string {
	b := make([]byte, 18)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// strictJSON decodes a request body, refusing unknown properties.
func strictJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 1<<20))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}
