package sap

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/xlr8/connectors/internal/fake/fault"
	"github.com/xlr8/connectors/internal/fake/kit"
)

// Product says which SAP system a Server plays.
type Product int

// The products.
const (
	SuccessFactors Product = iota
	S4HANA
)

// Config sets up a fake. Zero values take the defaults.
type Config struct {
	Product Product
	// Base is the kit's base path (default kit.DefaultBase).
	Base string
	// CompanyID is the SuccessFactors company (default "ACME"); Basic
	// users are "user@CompanyID".
	CompanyID string
	// ClientID is the SuccessFactors API key (OAuth client) or the S/4 OAuth
	// client; ClientSecret the latter's secret.
	ClientID, ClientSecret string
	// Users are the Basic credentials accepted (user -> password). For
	// SuccessFactors the user is "userId@companyId".
	Users map[string]string
	// PageSize is the server page: SuccessFactors' 1000 by default (the
	// customPageSize parameter lowers it); for S/4 0 means no server paging
	// (client $top/$skip only), as on most Gateway services.
	PageSize int
	// SAPClient, when set, is the only client (mandant) the S/4 fake
	// accepts in sap-client; a request for another client fails logon (401).
	SAPClient string
	// RefuseHEAD makes the S/4 fake answer HEAD with 405 (some ICF handlers
	// refuse HEAD), so a CSRF fetch must fall back to GET.
	RefuseHEAD bool
	// NoServerPaging makes SuccessFactors answer like an entity without
	// server paging: one page of PageSize (after $skip/$top), never
	// __next, so that the client pages with $skip/$top.
	NoServerPaging bool
	// V4Return is what the v4 service returns on a create or update whose
	// request has no Prefer return: "" the protocol's defaults (create: 201
	// with the entity; update: 204), "minimal" (204 for both) or
	// "representation" (200 with the entity for updates too), as a service
	// whose default differs does.
	V4Return string
	// NoOffset makes SuccessFactors write Edm.DateTimeOffset without its
	// +0000 (pyodata#231).
	NoOffset bool
	// TokenTTL is an OAuth token's lifetime (default 24 hours, SF's).
	TokenTTL time.Duration
	// Seed seeds the fault injector.
	Seed uint64
	// Now is the clock (default time.Now); Today derives from it.
	Now func() time.Time
}

// Server is a running fake SuccessFactors or S/4HANA system on the fake
// kit.
type Server struct {
	*kit.Server
	cfg Config

	mu       sync.Mutex
	sets     map[string]*set // by name (SF) or "SERVICE/Set" (S/4)
	v4sets   []*set          // the v4 service's entity sets (S/4)
	v4writes []V4Write
	batches  []BatchRequest
	services map[string][]*set
	funcs    map[string][]funcImport
	sessions map[string]string // session cookie -> CSRF token
	counter  int
	writes   int
	fetches  int
	requests []string
	message  string // a sap-message header for the next data response
	users    map[string]map[string]string
}

// New starts a fake.
func New(cfg Config) *Server {
	if cfg.CompanyID == "" {
		cfg.CompanyID = "ACME"
	}
	if cfg.ClientID == "" {
		cfg.ClientID = "fake-client"
	}
	if cfg.ClientSecret == "" && cfg.Product == S4HANA {
		cfg.ClientSecret = "fake-secret-s4"
	}
	if cfg.PageSize == 0 && cfg.Product == SuccessFactors {
		cfg.PageSize = 1000
	}
	if cfg.TokenTTL == 0 {
		cfg.TokenTTL = 24 * time.Hour
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Server{Server: kit.New(kit.Config{Base: cfg.Base, Seed: cfg.Seed, Now: cfg.Now}), cfg: cfg,
		sets: map[string]*set{}, services: map[string][]*set{}, funcs: map[string][]funcImport{}, sessions: map[string]string{},
		users: map[string]map[string]string{"JDOE": {"FIRSTNAME": "Jane", "LASTNAME": "Doe", "E_MAIL": "jane.doe@example.com"}}}
	s.Faults.Respond[fault.Unauthorized] = func(w http.ResponseWriter, r *http.Request) { s.unauthorized(w) }
	s.Faults.Respond[fault.RateLimit] = func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "0")
		s.odataError(w, http.StatusTooManyRequests, "API_RATE_LIMIT", "API calling limit exceeded")
	}
	switch cfg.Product {
	case SuccessFactors:
		for _, st := range sfSets() {
			s.sets[st.Name] = st
		}
		s.EnableOAuth(kit.OAuthConfig{Path: "/oauth/token", ClientID: cfg.ClientID, TTL: cfg.TokenTTL,
			Grants: []string{kit.GrantSAML2Bearer}, Assertion: s.checkAssertion,
			Response: func(string, map[string]any) {}})
		s.HandleFunc("GET /odata/v2/{rest...}", s.auth(s.serveSF))
	case S4HANA:
		s.services["API_BUSINESS_PARTNER"] = s4Sets()
		for _, st := range s.services["API_BUSINESS_PARTNER"] {
			s.sets["API_BUSINESS_PARTNER/"+st.Name] = st
		}
		s.v4sets = append(s.services["API_BUSINESS_PARTNER"][:2:2], pricingConditionSet())
		s.services[bapiService] = nil
		s.funcs[bapiService] = bapiFunctions()
		s.EnableOAuth(kit.OAuthConfig{Path: "/sap/bc/sec/oauth2/token", ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret,
			TTL: cfg.TokenTTL, Grants: []string{kit.GrantClientCredentials}})
		s.HandleFunc("/sap/opu/odata/sap/{rest...}", s.auth(s.serveS4))
		s.HandleFunc("/sap/opu/odata4/{rest...}", s.auth(s.serveV4))
		s.HandleFunc("POST /sap/bc/soap/rfc", s.auth(s.serveRFC))
	}
	return s
}

// Config returns the configuration with defaults.
func (s *Server) Config() Config { return s.cfg }

// Today is the fake's date (the default asOfDate), midnight UTC.
func (s *Server) Today() time.Time {
	y, m, d := s.cfg.Now().UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// checkAssertion validates the SAML bearer grant's form as SuccessFactors'
// /oauth/token does: company_id, client_id and a base64 SAML assertion.
// (The signature is the tenant's business, not the fake's.)
func (s *Server) checkAssertion(grant, assertion string, form url.Values) (string, error) {
	if form.Get("company_id") != s.cfg.CompanyID {
		return "", errors.New("invalid company_id")
	}
	if form.Get("client_id") != s.cfg.ClientID {
		return "", errors.New("invalid client_id")
	}
	xml, err := base64.StdEncoding.DecodeString(assertion)
	if err != nil || !bytes.Contains(xml, []byte("urn:oasis:names:tc:SAML:2.0:assertion")) || !bytes.Contains(xml, []byte(":NameID")) {
		return "", errors.New("the assertion is not a base64 SAML 2.0 assertion")
	}
	i := bytes.Index(xml, []byte(":NameID"))
	rest := xml[i:]
	start, end := bytes.IndexByte(rest, '>'), bytes.Index(rest, []byte("</"))
	if start < 0 || end < start {
		return "", errors.New("no NameID")
	}
	return string(rest[start+1 : end]), nil
}

// auth checks the request's credentials: a bearer token from the token
// endpoint, or Basic; for S/4 also the sap-client.
func (s *Server) auth(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.requests = append(s.requests, r.Method+" "+s.Path(r)+"?"+r.URL.RawQuery)
		s.mu.Unlock()
		if s.cfg.Product == S4HANA && s.cfg.SAPClient != "" && r.URL.Query().Get("sap-client") != s.cfg.SAPClient {
			s.unauthorized(w) // logon to another client fails
			return
		}
		if _, ok := s.OAuth.Check(r); ok {
			next(w, r)
			return
		}
		if _, ok := kit.CheckBasic(r, s.cfg.Users); ok && len(s.cfg.Users) > 0 {
			next(w, r)
			return
		}
		s.unauthorized(w)
	}
}

// unauthorized writes SAP's 401: an HTML page at Gateway, plain text at
// SuccessFactors.
func (s *Server) unauthorized(w http.ResponseWriter) {
	w.Header().Set("WWW-Authenticate", `Basic realm="SAP NetWeaver Application Server"`)
	if s.cfg.Product == S4HANA {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`<html><head><title>Logon Error Message</title></head><body><p>401 Unauthorized</p></body></html>`))
		return
	}
	kit.Text(w, http.StatusUnauthorized, "Unauthorized")
}

// odataError writes the OData v2 JSON error body: Gateway's with
// innererror/errordetails, SuccessFactors' with innerError.
func (s *Server) odataError(w http.ResponseWriter, status int, code, msg string) {
	body := map[string]any{"code": code, "message": map[string]any{"lang": "en-US", "value": msg}}
	if s.cfg.Product == S4HANA {
		body["innererror"] = map[string]any{
			"application":   map[string]any{"component_id": "LO-MD-BP", "service_namespace": "/SAP/", "service_id": "API_BUSINESS_PARTNER", "service_version": "0001"},
			"transactionid": fmt.Sprintf("%032X", s.next()), "timestamp": s.cfg.Now().UTC().Format("20060102150405") + ".0000000",
			"Error_Resolution": map[string]any{"SAP_Transaction": "Run transaction /IWFND/ERROR_LOG", "SAP_Note": "See SAP Note 1797736 for error analysis"},
			"errordetails":     []any{map[string]any{"code": code, "message": msg, "propertyref": "", "severity": "error", "target": "", "transition": false}},
		}
	} else {
		body["innerError"] = map[string]any{"transactionId": fmt.Sprintf("%032X", s.next()),
			"timestamp": s.cfg.Now().UTC().Format("20060102150405") + ".0000000"}
	}
	kit.JSON(w, status, "application/json;charset=utf-8", map[string]any{"error": body})
}

func (s *Server) next() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counter++
	return s.counter
}

// Requests lists the data requests received ("GET /odata/v2/User?...").
func (s *Server) Requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.requests...)
}

// Writes counts the writes that reached the store.
func (s *Server) Writes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.writes
}

// CSRFFetches counts the CSRF token fetches.
func (s *Server) CSRFFetches() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.fetches
}

// ExpireCSRF invalidates every session's CSRF token, as a session timeout
// does: the next write gets 403 with "x-csrf-token: Required".
func (s *Server) ExpireCSRF() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sessions = map[string]string{}
}

// SAPMessage makes the next data response (HTTP 200) carry this sap-message
// header.
func (s *Server) SAPMessage(json string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.message = json
}

func (s *Server) takeMessage() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.message
	s.message = ""
	return m
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.Header().Set("DataServiceVersion", "2.0")
	w.WriteHeader(status)
	_, _ = w.Write(b.Bytes())
}
