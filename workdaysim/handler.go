package workdaysim

import (
	"crypto/rand"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/credentials"
)

// HandlerConfig configures the simulator's HTTP handler: the tenant in
// every path, the API client it accepts at the token endpoint, the
// integration system user it accepts with Basic auth, and the owner of its
// custom reports.
type HandlerConfig struct {
	Tenant       string
	ClientID     string
	ClientSecret string
	RefreshToken string
	// Username and Password are the integration system user for Basic
	// auth ("ISU_Connector" or "ISU_Connector@acme"); empty disables it.
	Username string
	Password string
	// ReportOwner is the account in RaaS URLs (customreport2/{tenant}/{owner}/...).
	ReportOwner string
	// TokenTTL is the access tokens' lifetime (default 1h).
	TokenTTL time.Duration
}

// DefaultHandlerConfig is the configuration Handler uses without options:
// tenant "acme", fixed development secrets (the handler serves a simulator
// and guards nothing real).
func DefaultHandlerConfig() HandlerConfig {
	return HandlerConfig{Tenant: "acme", ClientID: "sim-client", ClientSecret: "sim-client-secret",
		RefreshToken: "sim-refresh-token", Username: "ISU_Connector", Password: "sim-isu-password",
		ReportOwner: "ISU_Connector", TokenTTL: time.Hour}
}

// The handler's URL layout (Workday's): every REST service at
// /ccx/api/{service}/{tenant}, RaaS at /ccx/service/customreport2/{tenant},
// SOAP web services at /ccx/service/{tenant}/{Service}/{version}, the token
// endpoint at /ccx/oauth2/{tenant}/token.
const (
	pathToken = "/ccx/oauth2/"
	pathAPI   = "/ccx/api/"
	pathRaaS  = "/ccx/service/customreport2/"
	pathSOAP  = "/ccx/service/"
)

// HTTPHandler serves, from a simulator's one in-memory state, the Workday
// endpoints the real Workday connector uses, in Workday's wire shapes. See
// Handler.
type HTTPHandler struct {
	sim *Simulator
	cfg HandlerConfig

	mu      sync.Mutex
	tokens  map[string]time.Time // access token -> expiry
	issued  []string
	reports map[string][]map[string]any // owner/report -> rows
	drafts  map[string]*jobChangeDraft  // job change id -> draft
	draftN  int

	wids sync.Map // WID -> widRef

	tokenRequests atomic.Int64
	inflate       atomic.Int64
}

// widRef is what a Workday ID the handler minted stands for.
type widRef struct{ kind, id string }

// Handler returns an http.Handler serving sim's state on Workday's wire
// (see the package documentation, "HTTP handler"): the OAuth token
// endpoint with refresh-token checks; the REST services common v1, staffing
// v6, absenceManagement v1 and businessProcess v1 in their published shapes
// ({total, data} collections, {id, descriptor, href} references, Workday
// IDs, Workday's error body with its codes); the SOAP operations the REST
// services lack (Cancel_Business_Process, Rescind_Business_Process,
// Terminate_Employee); RaaS custom reports (Report_Entry JSON with values
// as text, or CSV; prompts including !WID prompts); WQL; and the
// simulator's latency and failures at the HTTP level (429 and 503 with
// Retry-After, 504). A write through the handler is visible to sim's
// methods and the reverse: both serve the one store.
func Handler(sim *Simulator, cfg ...HandlerConfig) *HTTPHandler {
	c := DefaultHandlerConfig()
	if len(cfg) > 0 {
		c = cfg[0]
		if c.TokenTTL <= 0 {
			c.TokenTTL = time.Hour
		}
	}
	return &HTTPHandler{sim: sim, cfg: c, tokens: map[string]time.Time{}, reports: map[string][]map[string]any{},
		drafts: map[string]*jobChangeDraft{}}
}

// Config returns the handler's configuration.
func (h *HTTPHandler) Config() HandlerConfig { return h.cfg }

// Credential returns the OAuth credential (refresh-token grant) for the
// handler served at serverURL, as a host would store it for real Workday.
func (h *HTTPHandler) Credential(serverURL string) *credentials.Credential {
	serverURL = strings.TrimRight(serverURL, "/")
	return &credentials.Credential{ID: "workday-sim-" + h.cfg.Tenant, ProductID: "workday_hcm", InstanceURL: serverURL,
		AuthType: credentials.AuthOAuth2, Secrets: credentials.Secrets{
			credentials.KeyClientID: h.cfg.ClientID, credentials.KeyClientSecret: h.cfg.ClientSecret,
			credentials.KeyRefreshToken: h.cfg.RefreshToken, credentials.KeyTenant: h.cfg.Tenant,
			credentials.KeyTokenURL: serverURL + pathToken + h.cfg.Tenant + "/token",
			"report_owner":          h.cfg.ReportOwner}}
}

// BasicCredential returns the integration-system-user credential (Basic
// auth) for the handler served at serverURL.
func (h *HTTPHandler) BasicCredential(serverURL string) *credentials.Credential {
	serverURL = strings.TrimRight(serverURL, "/")
	return &credentials.Credential{ID: "workday-sim-isu-" + h.cfg.Tenant, ProductID: "workday_hcm", InstanceURL: serverURL,
		AuthType: credentials.AuthBasic, Secrets: credentials.Secrets{credentials.KeyUsername: h.cfg.Username,
			credentials.KeyPassword: h.cfg.Password, credentials.KeyTenant: h.cfg.Tenant, "report_owner": h.cfg.ReportOwner}}
}

// TokenRequests counts the token endpoint's requests.
func (h *HTTPHandler) TokenRequests() int { return int(h.tokenRequests.Load()) }

// Issued returns every access token issued (for secret-leak checks).
func (h *HTTPHandler) Issued() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.issued...)
}

// RevokeTokens forgets every access token issued, as when Workday expires
// them: the next API call answers 401.
func (h *HTTPHandler) RevokeTokens() {
	h.mu.Lock()
	h.tokens = map[string]time.Time{}
	h.mu.Unlock()
}

// InflateTotal makes every REST collection advertise n more records than
// it holds (the conformance suite's short-total fault); 0 stops it.
func (h *HTTPHandler) InflateTotal(n int) { h.inflate.Store(int64(n)) }

// AddReport publishes a custom report of flat rows (column alias ->
// value) under owner/name, for reports the simulator has no data for
// (Financials journals and suppliers, say).
func (h *HTTPHandler) AddReport(owner, name string, rows []map[string]any) {
	h.mu.Lock()
	h.reports[owner+"/"+name] = rows
	h.mu.Unlock()
}

// WID returns the Workday ID the handler gives a worker ("worker"), a
// supervisory organization ("organization"), a time off plan ("plan") or a
// job ("job") of the simulator: 32 hex digits, stable for the id.
func (h *HTTPHandler) WID(kind, id string) string {
	sum := sha1.Sum([]byte(h.cfg.Tenant + "/" + kind + "/" + id))
	w := hex.EncodeToString(sum[:16])
	h.wids.Store(w, widRef{kind, id})
	return w
}

// resolve reads a path or body id of the given kind: a WID the handler
// minted, or a reference id in Workday's TYPE=value form (Employee_ID=EMP001,
// Organization_Reference_ID=DEPT-ENG). ok is false for anything else.
func (h *HTTPHandler) resolve(kind, s string) (string, bool) {
	if t, v, ok := strings.Cut(s, "="); ok {
		want := map[string]string{"worker": "Employee_ID", "organization": "Organization_Reference_ID",
			"timeOffType": "Time_Off_Type_ID", "reason": "Change_Job_Reason_ID"}[kind]
		return v, want != "" && t == want && v != ""
	}
	if x, ok := h.wids.Load(s); ok && x.(widRef).kind == kind {
		return x.(widRef).id, true
	}
	return "", false
}

// ServeHTTP routes a request.
func (h *HTTPHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	switch {
	case strings.HasPrefix(p, pathToken):
		h.serveToken(w, r)
	case strings.HasPrefix(p, pathAPI):
		if h.authorized(w, r) {
			h.serveAPI(w, r, strings.TrimPrefix(p, pathAPI))
		}
	case strings.HasPrefix(p, pathRaaS):
		if h.authorized(w, r) {
			h.serveRaaS(w, r, strings.TrimPrefix(p, pathRaaS))
		}
	case strings.HasPrefix(p, pathSOAP):
		if h.authorized(w, r) {
			h.serveSOAP(w, r, strings.TrimPrefix(p, pathSOAP))
		}
	default:
		writeWDError(w, http.StatusNotFound, "", "invalid request: no Workday resource at "+p)
	}
}

// ---- OAuth ----

func (h *HTTPHandler) serveToken(w http.ResponseWriter, r *http.Request) {
	h.tokenRequests.Add(1)
	tenant := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, pathToken), "/token")
	if r.Method != http.MethodPost || tenant != h.cfg.Tenant {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "POST the token request to /ccx/oauth2/"+h.cfg.Tenant+"/token")
		return
	}
	if err := r.ParseForm(); err != nil {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "the body is not a form")
		return
	}
	id, secret, basic := r.BasicAuth()
	if !basic {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if !equal(id, h.cfg.ClientID) || !equal(secret, h.cfg.ClientSecret) {
		writeOAuthError(w, http.StatusUnauthorized, "invalid_client", "unknown API client or wrong secret")
		return
	}
	if g := r.PostForm.Get("grant_type"); g != "refresh_token" {
		writeOAuthError(w, http.StatusBadRequest, "unsupported_grant_type", "only the refresh_token grant is offered")
		return
	}
	if !equal(r.PostForm.Get("refresh_token"), h.cfg.RefreshToken) {
		writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "the refresh token is invalid or revoked")
		return
	}
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	tok := hex.EncodeToString(b)
	h.mu.Lock()
	h.tokens[tok] = time.Now().Add(h.cfg.TokenTTL)
	h.issued = append(h.issued, tok)
	h.mu.Unlock()
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]any{"access_token": tok, "token_type": "Bearer",
		"expires_in": int(h.cfg.TokenTTL / time.Second), "refresh_token": h.cfg.RefreshToken})
}

func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 && a != "" }

func (h *HTTPHandler) authorized(w http.ResponseWriter, r *http.Request) bool {
	auth := r.Header.Get("Authorization")
	if tok, ok := strings.CutPrefix(auth, "Bearer "); ok {
		h.mu.Lock()
		exp, known := h.tokens[tok]
		h.mu.Unlock()
		if known && time.Now().Before(exp) {
			return true
		}
	} else if u, p, ok := r.BasicAuth(); ok && h.cfg.Username != "" {
		user, _, _ := strings.Cut(u, "@")
		if equal(user, h.cfg.Username) && equal(p, h.cfg.Password) {
			return true
		}
	}
	w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
	writeJSON(w, http.StatusUnauthorized, map[string]any{"error": "invalid_token", "error_description": "the access token is invalid or expired"})
	return false
}

// ---- responses ----

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeOAuthError(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, map[string]string{"error": code, "error_description": desc})
}

// writeWDError writes Workday's REST error body (VALIDATION_ERROR_MODEL:
// {"error", "errors":[{"error", "code"}]}); code is Workday's error code
// (A1011 ...), empty when Workday publishes none for the case.
func writeWDError(w http.ResponseWriter, status int, code, msg string) {
	item := map[string]any{"error": msg}
	if code != "" {
		item["code"] = code
	}
	writeJSON(w, status, map[string]any{"error": msg, "errors": []any{item}})
}

// Workday's published error codes the handler answers with (Request Time
// Off's 400 table in absenceManagement v1; staffing v6's job change table).
const (
	wdCodeInsufficientBalance = "A1011" // not a sufficient balance or not eligible for [type]
	wdCodeNotEligibleType     = "A1041" // worker not eligible for time off type
	wdCodeAlreadyInitiated    = "A178"  // the business process has already been initiated
	wdCodeConflictingEvent    = "A389"  // a conflicting in-progress or completed event
)

// writeSimError renders one of the simulator's errors as Workday answers:
// the HTTP status (429 and 503 with Retry-After), the message, and
// Workday's code where Workday publishes one for the case.
func writeSimError(w http.ResponseWriter, err error) {
	var e *connectors.Error
	if !errors.As(normalize(err), &e) {
		writeWDError(w, http.StatusInternalServerError, "", "internal error")
		return
	}
	status := e.HTTPStatus
	if status == 0 {
		status = http.StatusInternalServerError
	}
	code := ""
	switch e.VendorCode {
	case ErrCodeInsufficientBalance:
		code = wdCodeInsufficientBalance
	case ErrCodeAlreadyProcessed:
		code = wdCodeConflictingEvent
		status = http.StatusBadRequest
	case ErrCodeValidation:
		if f, _ := e.Details["field"].(string); f == "type" {
			code = wdCodeNotEligibleType
		}
	case ErrCodeEmployeeInactive:
		status = http.StatusNotFound
	case ErrCodeRateLimited, ErrCodeConnectorUnavailable:
		secs := 1
		if e.RetryAfter > time.Second {
			secs = int(e.RetryAfter / time.Second)
		}
		w.Header().Set("Retry-After", strconv.Itoa(secs))
	}
	writeWDError(w, status, code, e.Message)
}

// call runs one store operation for the handler: latency and injected
// failures were applied at the HTTP entry; this runs the operation on the
// current state with the clock's time.
func call[Req, Resp any](h *HTTPHandler, p connectors.Principal, req Req, fn op[Req, Resp]) (*Resp, error) {
	now := h.sim.be.clock.Now()
	out, err := fn(h.sim.be.st.Load(), env{now: now, today: connectors.DateOf(now), p: p, cfg: &h.sim.cfg}, req)
	if err != nil {
		return nil, normalize(err)
	}
	return out, nil
}

// simulate applies the simulator's latency and injected failures to one
// HTTP request; false means the response was written.
func (h *HTTPHandler) simulate(w http.ResponseWriter, r *http.Request, capName string, write bool) bool {
	if err := h.sim.simulate(r.Context(), capName, write); err != nil {
		if r.Context().Err() != nil {
			return false
		}
		writeSimError(w, err)
		return false
	}
	return true
}

func decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	if err := dec.Decode(v); err != nil {
		writeWDError(w, http.StatusBadRequest, "", "invalid request: the body is not valid JSON for this resource")
		return false
	}
	return true
}

var _ http.Handler = (*HTTPHandler)(nil)
