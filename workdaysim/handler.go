package workdaysim

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/credentials"
	"github.com/xlr8/connectors/internal/wdwire"
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

	tokenRequests atomic.Int64
	inflate       atomic.Int64
}

// Handler returns an http.Handler serving sim's state on Workday's wire
// (see the package documentation, "HTTP handler"): the OAuth token
// endpoint with refresh-token checks, the REST services (common v1,
// absenceManagement v1, businessProcess v1, staffing v6, wql v1) in
// {total, data} envelopes with {id, descriptor, href} references, RaaS
// custom reports (Report_Entry JSON or CSV, prompts including !WID
// prompts), Workday's error bodies, and the simulator's latency and
// failures at the HTTP level (429 and 503 with Retry-After, 504). A write
// through the handler is visible to sim's methods and the reverse: both
// serve the one store.
func Handler(sim *Simulator, cfg ...HandlerConfig) *HTTPHandler {
	c := DefaultHandlerConfig()
	if len(cfg) > 0 {
		c = cfg[0]
		if c.TokenTTL <= 0 {
			c.TokenTTL = time.Hour
		}
	}
	return &HTTPHandler{sim: sim, cfg: c, tokens: map[string]time.Time{}, reports: map[string][]map[string]any{}}
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
			credentials.KeyTokenURL: serverURL + wdwire.TokenPathPrefix + h.cfg.Tenant + "/token",
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

// ServeHTTP routes a request.
func (h *HTTPHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	switch {
	case strings.HasPrefix(p, wdwire.TokenPathPrefix):
		h.serveToken(w, r)
	case strings.HasPrefix(p, wdwire.APIPrefix):
		if !h.authorized(w, r) {
			return
		}
		h.serveAPI(w, r, strings.TrimPrefix(p, wdwire.APIPrefix))
	case strings.HasPrefix(p, wdwire.RaaSPrefix):
		if !h.authorized(w, r) {
			return
		}
		h.serveRaaS(w, r, strings.TrimPrefix(p, wdwire.RaaSPrefix))
	default:
		writeWDError(w, http.StatusNotFound, "invalid request: no Workday resource at "+p, "", "path")
	}
}

// ---- OAuth ----

func (h *HTTPHandler) serveToken(w http.ResponseWriter, r *http.Request) {
	h.tokenRequests.Add(1)
	tenant := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, wdwire.TokenPathPrefix), "/token")
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
	writeWDError(w, http.StatusUnauthorized, "invalid_token: the access token is invalid or expired", "", "header")
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

func writeWDError(w http.ResponseWriter, status int, msg, field, location string) {
	writeJSON(w, status, wdwire.ErrorBody{Error: msg, Errors: []wdwire.ErrorItem{{Error: msg, Field: field, Location: location}}})
}

// errorField names, in Workday's errors[].field, what an error concerns.
func errorField(e *connectors.Error) string {
	switch e.VendorCode {
	case ErrCodeEmployeeNotFound, ErrCodeEmployeeInactive:
		return "worker"
	case ErrCodeRequestNotFound, ErrCodeAlreadyProcessed:
		return "event"
	case ErrCodeStatementNotFound:
		return "paySlip"
	case ErrCodeInvalidApprover:
		return "approver"
	}
	if f, ok := e.Details["field"].(string); ok {
		return f
	}
	return ""
}

// writeSimError renders one of the simulator's errors as Workday answers:
// the status of the error table (429, 503 with Retry-After), the message
// in the error body, the field it concerns in errors[].field.
func writeSimError(w http.ResponseWriter, err error) {
	var e *connectors.Error
	if !errors.As(normalize(err), &e) {
		writeWDError(w, http.StatusInternalServerError, "internal error", "", "")
		return
	}
	status := e.HTTPStatus
	if status == 0 {
		status = http.StatusInternalServerError
	}
	if e.VendorCode == ErrCodeRateLimited || e.VendorCode == ErrCodeConnectorUnavailable {
		secs := 1
		if e.RetryAfter > time.Second {
			secs = int(e.RetryAfter / time.Second)
		}
		w.Header().Set("Retry-After", strconv.Itoa(secs))
	}
	writeWDError(w, status, e.Message, errorField(e), "")
}

// ---- REST ----

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

type route struct {
	service string
	tenant  string
	parts   []string
}

func splitAPI(rest string) (route, bool) {
	segs := strings.Split(strings.Trim(rest, "/"), "/")
	if len(segs) < 2 {
		return route{}, false
	}
	if segs[0] == wdwire.ServiceCommon {
		return route{service: segs[0], tenant: segs[1], parts: segs[2:]}, true
	}
	if len(segs) < 3 {
		return route{}, false
	}
	return route{service: segs[0] + "/" + segs[1], tenant: segs[2], parts: segs[3:]}, true
}

// resourceID reads a path id: the Workday ID, or a reference id in the
// TYPE=value form (Employee_ID=EMP001, Organization_Reference_ID=DEPT-ENG).
func resourceID(s string) string {
	if _, v, ok := strings.Cut(s, "="); ok {
		return v
	}
	return s
}

func (h *HTTPHandler) baseURL(r *http.Request, service string) string {
	scheme := "https"
	if r.TLS == nil {
		scheme = "http"
	}
	return scheme + "://" + r.Host + wdwire.APIPrefix + service + "/" + h.cfg.Tenant
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

func (h *HTTPHandler) serveAPI(w http.ResponseWriter, r *http.Request, rest string) {
	rt, ok := splitAPI(rest)
	if !ok || rt.tenant != h.cfg.Tenant {
		writeWDError(w, http.StatusNotFound, "invalid request: unknown service or tenant", "", "path")
		return
	}
	key := rt.service + " " + r.Method + " " + shape(rt.parts)
	hd, ok := apiRoutes[key]
	if !ok {
		writeWDError(w, http.StatusNotFound, "invalid request: no such resource "+r.Method+" "+rt.service+"/"+strings.Join(rt.parts, "/"), "", "path")
		return
	}
	if !h.simulate(w, r, hd.capability, hd.write) {
		return
	}
	hd.serve(h, w, r, rt)
}

// shape renders path parts with ids replaced by {ID}: workers/{ID}/directReports.
func shape(parts []string) string {
	out := make([]string, len(parts))
	for i, p := range parts {
		if i%2 == 1 {
			out[i] = "{ID}"
		} else {
			out[i] = p
		}
	}
	return strings.Join(out, "/")
}

type apiRoute struct {
	capability string
	write      bool
	serve      func(h *HTTPHandler, w http.ResponseWriter, r *http.Request, rt route)
}

var apiRoutes map[string]apiRoute

func init() {
	apiRoutes = map[string]apiRoute{
		"v1 GET workers":                                        {"", false, (*HTTPHandler).listWorkers},
		"v1 GET workers/{ID}":                                   {CapGetEmployee, false, (*HTTPHandler).getWorker},
		"v1 GET workers/{ID}/directReports":                     {CapListDirectReports, false, (*HTTPHandler).directReports},
		"v1 GET workers/{ID}/paySlips":                          {CapListPayStatements, false, (*HTTPHandler).paySlips},
		"v1 POST workers/{ID}/jobChanges":                       {CapUpdateEmployee, true, (*HTTPHandler).jobChange},
		"v1 GET supervisoryOrganizations":                       {"", false, (*HTTPHandler).listOrganizations},
		"v1 GET supervisoryOrganizations/{ID}":                  {CapGetOrgChart, false, (*HTTPHandler).getOrganization},
		"staffing/v6 POST workers/{ID}/terminations":            {CapTerminateEmployee, true, (*HTTPHandler).terminate},
		"absenceManagement/v1 GET balances":                     {CapGetBalance, false, (*HTTPHandler).balances},
		"absenceManagement/v1 GET workers/{ID}/timeOffDetails":  {CapListRequests, false, (*HTTPHandler).timeOffDetails},
		"absenceManagement/v1 POST workers/{ID}/requestTimeOff": {CapRequestTimeOff, true, (*HTTPHandler).requestTimeOff},
		"businessProcess/v1 GET events/{ID}":                    {CapGetRequest, false, (*HTTPHandler).getEvent},
		"businessProcess/v1 POST events/{ID}/cancel":            {CapCancelTimeOff, true, (*HTTPHandler).cancelEvent},
		"businessProcess/v1 POST eventSteps/{ID}/approve":       {CapApproveTimeOff, true, (*HTTPHandler).approveStep},
		"wql/v1 POST data":                                      {"", false, (*HTTPHandler).wql},
		"wql/v1 GET data":                                       {"", false, (*HTTPHandler).wql},
	}
}

// paging reads limit (default 20, at most 100) and offset.
func paging(w http.ResponseWriter, r *http.Request) (limit, offset int, ok bool) {
	q := r.URL.Query()
	limit, offset = 20, 0
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > wdwire.MaxLimit {
			writeWDError(w, http.StatusBadRequest, fmt.Sprintf("invalid request: limit %q must be between 1 and %d", s, wdwire.MaxLimit), "limit", "query")
			return 0, 0, false
		}
		limit = n
	}
	if s := q.Get("offset"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			writeWDError(w, http.StatusBadRequest, fmt.Sprintf("invalid request: offset %q must be a non-negative integer", s), "offset", "query")
			return 0, 0, false
		}
		offset = n
	}
	return limit, offset, true
}

// writePage writes a {total, data} page of items[offset:offset+limit].
func writePage[T any](h *HTTPHandler, w http.ResponseWriter, items []T, limit, offset int) {
	total := len(items)
	data := items[min(offset, total):min(offset+limit, total)]
	writeJSON(w, http.StatusOK, wdwire.Page[T]{Total: int64(total) + h.inflate.Load(), Data: data})
}

func restList[T any](h *HTTPHandler, r *http.Request, service string, list []T) []map[string]any {
	base := h.baseURL(r, service)
	out := make([]map[string]any, len(list))
	for i, x := range list {
		out[i] = wdwire.ToREST(encodeMap(x), base)
	}
	return out
}

func encodeMap(v any) map[string]any {
	b, _ := json.Marshal(v)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return m
}

// listWorkers serves GET /workers: the workers entity, by employee id,
// with the name search (case-insensitive, words starting with the text).
func (h *HTTPHandler) listWorkers(w http.ResponseWriter, r *http.Request, rt route) {
	limit, offset, ok := paging(w, r)
	if !ok {
		return
	}
	search := strings.ToLower(strings.TrimSpace(r.URL.Query().Get("search")))
	base := h.baseURL(r, rt.service)
	st := h.sim.be.st.Load()
	ent := entities[EntityWorkers]
	var page wdwire.Page[wdwire.Worker]
	st.read(h.sim.be.clock.Today(), func() {
		if search == "" {
			n := len(st.ids)
			page.Total = int64(n)
			for pos := min(offset, n); pos < min(offset+limit, n); pos++ {
				rec, _ := ent.record(st, pos, Date{})
				page.Data = append(page.Data, wdwire.WorkerOf(rec, len(st.reports[st.ids[pos]]) > 0, base))
			}
			return
		}
		for pos := range st.ids {
			e := st.emps[st.ids[pos]]
			if !nameMatches(e.Name.Display, search) {
				continue
			}
			if page.Total >= int64(offset) && len(page.Data) < limit {
				rec, _ := ent.record(st, pos, Date{})
				page.Data = append(page.Data, wdwire.WorkerOf(rec, len(st.reports[e.EmployeeID]) > 0, base))
			}
			page.Total++
		}
	})
	if page.Data == nil {
		page.Data = []wdwire.Worker{}
	}
	page.Total += h.inflate.Load()
	writeJSON(w, http.StatusOK, page)
}

func nameMatches(name, search string) bool {
	for _, word := range strings.Fields(strings.ToLower(name)) {
		for _, s := range strings.Fields(search) {
			if strings.HasPrefix(word, s) {
				return true
			}
		}
	}
	return false
}

// getWorker serves GET /workers/{ID}, terminated workers included.
func (h *HTTPHandler) getWorker(w http.ResponseWriter, r *http.Request, rt route) {
	id := resourceID(rt.parts[1])
	st := h.sim.be.st.Load()
	var out wdwire.Worker
	var err error
	st.read(h.sim.be.clock.Today(), func() {
		if _, err = st.lookup(id); err != nil {
			return
		}
		pos := indexOf(st.ids, id)
		rec, _ := entities[EntityWorkers].record(st, pos, Date{})
		out = wdwire.WorkerOf(rec, len(st.reports[id]) > 0, h.baseURL(r, rt.service))
	})
	if err != nil {
		writeSimError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func indexOf(sorted []string, id string) int {
	lo, hi := 0, len(sorted)
	for lo < hi {
		m := (lo + hi) / 2
		if sorted[m] < id {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

func (h *HTTPHandler) directReports(w http.ResponseWriter, r *http.Request, rt route) {
	limit, offset, ok := paging(w, r)
	if !ok {
		return
	}
	out, err := call(h, connectors.Principal{}, ListDirectReportsRequest{ManagerID: resourceID(rt.parts[1])}, (*store).listDirectReports)
	if err != nil {
		writeSimError(w, err)
		return
	}
	writePage(h, w, restList(h, r, rt.service, out.DirectReports), limit, offset)
}

func (h *HTTPHandler) paySlips(w http.ResponseWriter, r *http.Request, rt route) {
	limit, offset, ok := paging(w, r)
	if !ok {
		return
	}
	req := ListPayStatementsRequest{EmployeeID: resourceID(rt.parts[1])}
	if s := r.URL.Query().Get("fromDate"); s != "" {
		d, err := connectors.ParseDate(s)
		if err != nil {
			writeWDError(w, http.StatusBadRequest, "invalid request: fromDate "+strconv.Quote(s)+" is not a date", "fromDate", "query")
			return
		}
		req.Year = &d.Year
	}
	out, err := call(h, connectors.Principal{}, req, (*store).listPayStatements)
	if err != nil {
		writeSimError(w, err)
		return
	}
	writePage(h, w, restList(h, r, rt.service, out.Statements), limit, offset)
}

// bpFor reads the person a business-process call acts for.
func bpFor(p *wdwire.BPParams) string {
	if p == nil || p.For == nil {
		return ""
	}
	return resourceID(p.For.ID)
}

func decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	if err := dec.Decode(v); err != nil {
		writeWDError(w, http.StatusBadRequest, "invalid request: the body is not valid JSON for this resource", "", "body")
		return false
	}
	return true
}

// JobChangeBody is the body of POST /workers/{ID}/jobChanges.
type jobChangeBody struct {
	EffectiveDate *Date            `json:"effectiveDate,omitempty"`
	Reason        *wdwire.Ref      `json:"reason,omitempty"`
	Proposed      map[string]any   `json:"proposed"`
	BP            *wdwire.BPParams `json:"businessProcessParameters,omitempty"`
}

func (h *HTTPHandler) jobChange(w http.ResponseWriter, r *http.Request, rt route) {
	var body jobChangeBody
	if !decodeBody(w, r, &body) {
		return
	}
	var upd EmployeeUpdates
	if b, err := json.Marshal(wdwire.FromREST(body.Proposed, typeOf[EmployeeUpdates]())); err != nil || json.Unmarshal(b, &upd) != nil {
		writeWDError(w, http.StatusBadRequest, "invalid request: proposed changes are malformed", "proposed", "body")
		return
	}
	req := UpdateEmployeeRequest{EmployeeID: resourceID(rt.parts[1]), Updates: upd, EffectiveDate: body.EffectiveDate}
	if body.Reason != nil {
		req.Reason = body.Reason.Descriptor
	}
	out, err := call(h, connectors.Principal{ID: bpFor(body.BP)}, req, (*store).updateEmployee)
	if err != nil {
		writeSimError(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, wdwire.ToREST(encodeMap(out), h.baseURL(r, rt.service)))
}

type terminationBody struct {
	TerminationDate Date             `json:"terminationDate"`
	PrimaryReason   *wdwire.Ref      `json:"primaryReason,omitempty"`
	Comment         string           `json:"comment,omitempty"`
	BP              *wdwire.BPParams `json:"businessProcessParameters,omitempty"`
}

func (h *HTTPHandler) terminate(w http.ResponseWriter, r *http.Request, rt route) {
	var body terminationBody
	if !decodeBody(w, r, &body) {
		return
	}
	req := TerminateEmployeeRequest{EmployeeID: resourceID(rt.parts[1]), TerminationDate: body.TerminationDate, Notes: body.Comment}
	if body.PrimaryReason != nil {
		req.ReasonCode = body.PrimaryReason.ID
	}
	out, err := call(h, connectors.Principal{ID: bpFor(body.BP)}, req, (*store).terminateEmployee)
	if err != nil {
		writeSimError(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, wdwire.ToREST(encodeMap(out), h.baseURL(r, rt.service)))
}

// listOrganizations serves GET /supervisoryOrganizations.
func (h *HTTPHandler) listOrganizations(w http.ResponseWriter, r *http.Request, rt route) {
	limit, offset, ok := paging(w, r)
	if !ok {
		return
	}
	base := h.baseURL(r, rt.service)
	st := h.sim.be.st.Load()
	var list []wdwire.Organization
	st.read(h.sim.be.clock.Today(), func() {
		for pos := range st.orgs {
			rec, _ := entities[EntityOrganizations].record(st, pos, Date{})
			list = append(list, wdwire.OrganizationOf(rec, base))
		}
	})
	if list == nil {
		list = []wdwire.Organization{}
	}
	writePage(h, w, list, limit, offset)
}

func (h *HTTPHandler) getOrganization(w http.ResponseWriter, r *http.Request, rt route) {
	id := resourceID(rt.parts[1])
	st := h.sim.be.st.Load()
	var out *wdwire.Organization
	st.read(h.sim.be.clock.Today(), func() {
		if i, ok := st.orgIdx[id]; ok {
			rec, _ := entities[EntityOrganizations].record(st, i, Date{})
			o := wdwire.OrganizationOf(rec, h.baseURL(r, rt.service))
			out = &o
		}
	})
	if out == nil {
		writeWDError(w, http.StatusNotFound, fmt.Sprintf("Invalid ID value. '%s' is not a valid ID for Supervisory Organization", id), "organization", "path")
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// balances serves GET /balances: one worker's (worker=ID, asOfDate) or,
// without a worker, every balance (the time_off_balances entity).
func (h *HTTPHandler) balances(w http.ResponseWriter, r *http.Request, rt route) {
	limit, offset, ok := paging(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	if worker := q.Get("worker"); worker != "" {
		req := GetBalanceRequest{EmployeeID: resourceID(worker)}
		if s := q.Get("asOfDate"); s != "" {
			d, err := connectors.ParseDate(s)
			if err != nil {
				writeWDError(w, http.StatusBadRequest, "invalid request: asOfDate "+strconv.Quote(s)+" is not a date", "asOfDate", "query")
				return
			}
			req.AsOfDate = &d
		}
		out, err := call(h, connectors.Principal{}, req, (*store).getBalance)
		if err != nil {
			writeSimError(w, err)
			return
		}
		writePage(h, w, restList(h, r, rt.service, out.Balances), limit, offset)
		return
	}
	h.entityPage(w, r, EntityTimeOffBalances, limit, offset)
}

// entityPage serves a page of an entity as flat camelCase records.
func (h *HTTPHandler) entityPage(w http.ResponseWriter, r *http.Request, name string, limit, offset int) {
	ent := entities[name]
	st := h.sim.be.st.Load()
	today := h.sim.be.clock.Today()
	page := wdwire.Page[map[string]any]{Data: []map[string]any{}}
	base := h.baseURL(r, wdwire.ServiceAbsence)
	st.read(today, func() {
		n := ent.size(st)
		page.Total = int64(n)
		for pos := min(offset, n); pos < min(offset+limit, n); pos++ {
			if rec, ok := ent.record(st, pos, today); ok {
				page.Data = append(page.Data, wdwire.ToREST(rec, base))
			}
		}
	})
	page.Total += h.inflate.Load()
	writeJSON(w, http.StatusOK, page)
}

func (h *HTTPHandler) timeOffDetails(w http.ResponseWriter, r *http.Request, rt route) {
	limit, offset, ok := paging(w, r)
	if !ok {
		return
	}
	out, err := call(h, connectors.Principal{}, ListRequestsRequest{EmployeeID: resourceID(rt.parts[1])}, (*store).listRequests)
	if err != nil {
		writeSimError(w, err)
		return
	}
	writePage(h, w, restList(h, r, rt.service, out.Requests), limit, offset)
}

// RequestTimeOffBody is the body of POST /workers/{ID}/requestTimeOff.
type requestTimeOffBody struct {
	Days []wdwire.TimeOffDay `json:"days"`
	BP   *wdwire.BPParams    `json:"businessProcessParameters,omitempty"`
}

func (h *HTTPHandler) requestTimeOff(w http.ResponseWriter, r *http.Request, rt route) {
	var body requestTimeOffBody
	if !decodeBody(w, r, &body) {
		return
	}
	if len(body.Days) == 0 {
		writeWDError(w, http.StatusBadRequest, "invalid request: days must list at least one day", "days", "body")
		return
	}
	if body.BP != nil && body.BP.Action != nil && body.BP.Action.ID != wdwire.ActionSubmit {
		writeWDError(w, http.StatusBadRequest, "invalid request: the only action offered is Submit ("+wdwire.ActionSubmit+")", "businessProcessParameters.action", "body")
		return
	}
	req := RequestTimeOffRequest{EmployeeID: resourceID(rt.parts[1]), Type: body.Days[0].TimeOffType.ID}
	var total float64
	for i, d := range body.Days {
		day, err := connectors.ParseDate(d.Date)
		if err != nil || d.TimeOffType.ID != req.Type {
			writeWDError(w, http.StatusBadRequest, fmt.Sprintf("invalid request: days[%d] has a malformed date or another time off type", i), "days", "body")
			return
		}
		if i == 0 || day.Before(req.StartDate) {
			req.StartDate = day
		}
		if i == 0 || day.After(req.EndDate) {
			req.EndDate = day
		}
		total += d.DailyQuantity
	}
	total = round2(total)
	req.Hours = &total
	if body.BP != nil {
		req.Notes = body.BP.Comment
	}
	out, err := call(h, connectors.Principal{}, req, (*store).requestTimeOff)
	if err != nil {
		writeSimError(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, wdwire.ToREST(encodeMap(out), h.baseURL(r, rt.service)))
}

// getEvent serves GET /events/{ID}: the time off request's business
// process event, with its approval step.
func (h *HTTPHandler) getEvent(w http.ResponseWriter, r *http.Request, rt route) {
	id := resourceID(rt.parts[1])
	out, err := call(h, connectors.Principal{}, GetRequestRequest{RequestID: id}, (*store).getRequest)
	if err != nil {
		writeSimError(w, err)
		return
	}
	ev := wdwire.ToREST(encodeMap(out), h.baseURL(r, rt.service))
	ev["id"] = id
	ev["approvalStep"] = map[string]any{"id": id + wdwire.ApprovalStepSuffix, "descriptor": "Approval by Manager"}
	writeJSON(w, http.StatusOK, ev)
}

func (h *HTTPHandler) approveStep(w http.ResponseWriter, r *http.Request, rt route) {
	step := resourceID(rt.parts[1])
	id, ok := strings.CutSuffix(step, wdwire.ApprovalStepSuffix)
	if !ok {
		writeSimError(w, requestNotFound(step))
		return
	}
	var body wdwire.BPParams
	if !decodeBody(w, r, &body) {
		return
	}
	approver := bpFor(&body)
	// The integration acts for the approver: the connector enforced the
	// principal rules before calling.
	out, err := call(h, connectors.Principal{ID: approver}, ApproveTimeOffRequest{RequestID: id, ApproverID: approver, Comments: body.Comment}, (*store).approveTimeOff)
	if err != nil {
		writeSimError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, wdwire.ToREST(encodeMap(out), h.baseURL(r, rt.service)))
}

func (h *HTTPHandler) cancelEvent(w http.ResponseWriter, r *http.Request, rt route) {
	var body wdwire.BPParams
	if !decodeBody(w, r, &body) {
		return
	}
	p := connectors.Principal{ID: bpFor(&body)}
	if p.ID != "" {
		// The integration system user may cancel any request; it acts for
		// the person named, whose right the connector checked.
		p.Groups = []string{AdminGroup}
	}
	out, err := call(h, p, CancelTimeOffRequest{RequestID: resourceID(rt.parts[1]), Reason: body.Comment}, (*store).cancelTimeOff)
	if err != nil {
		writeSimError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, wdwire.ToREST(encodeMap(out), h.baseURL(r, rt.service)))
}

// ---- WQL ----

// wql serves /wql/v1/{tenant}/data: the universal query language of
// package translate stands in for WQL, over the simulator's entities
// (allWorkers is workers, allOrganizations organizations).
func (h *HTTPHandler) wql(w http.ResponseWriter, r *http.Request, rt route) {
	limit, offset, ok := paging(w, r)
	if !ok {
		return
	}
	text := r.URL.Query().Get("query")
	if r.Method == http.MethodPost {
		var body struct {
			Query string `json:"query"`
		}
		if !decodeBody(w, r, &body) {
			return
		}
		text = body.Query
	}
	q, err := parseWQL(text)
	if err != nil {
		writeWDError(w, http.StatusBadRequest, "invalid WQL: "+err.Error(), "query", "body")
		return
	}
	ent := entities[q.Entity]
	st := h.sim.be.st.Load()
	today := h.sim.be.clock.Today()
	page := wdwire.Page[map[string]any]{Data: []map[string]any{}}
	st.read(today, func() {
		n := ent.size(st)
		for pos := 0; pos < n; pos++ {
			rec, ok := ent.record(st, pos, today)
			if !ok || !match(q.Where, rec) {
				continue
			}
			if page.Total >= int64(offset) && len(page.Data) < limit {
				page.Data = append(page.Data, rec.Select(q.Fields))
			}
			page.Total++
		}
	})
	writeJSON(w, http.StatusOK, page)
}

// WQLSources maps WQL data sources onto the simulator's entities.
var wqlSources = map[string]string{"allworkers": EntityWorkers, "allorganizations": EntityOrganizations,
	"alltimeoffrequests": EntityTimeOffRequests, "alltimeoffbalances": EntityTimeOffBalances, "allpaystatements": EntityPayStatements}

// ---- RaaS ----

func (h *HTTPHandler) serveRaaS(w http.ResponseWriter, r *http.Request, rest string) {
	segs := strings.Split(strings.Trim(rest, "/"), "/")
	if len(segs) != 3 || segs[0] != h.cfg.Tenant {
		writeWDError(w, http.StatusNotFound, "invalid request: a report URL is customreport2/{tenant}/{owner}/{report}", "", "path")
		return
	}
	owner, name := segs[1], segs[2]
	q := r.URL.Query()
	format := q.Get("format")
	if format == "" {
		format = "json"
	}
	if format != "json" && format != "csv" {
		writeWDError(w, http.StatusBadRequest, "invalid request: format "+strconv.Quote(format)+" (the simulator serves json and csv)", "format", "query")
		return
	}
	h.mu.Lock()
	custom, isCustom := h.reports[owner+"/"+name]
	h.mu.Unlock()
	if isCustom {
		if !h.simulate(w, r, "", false) {
			return
		}
		writeReport(w, format, nil, func(emit func(map[string]any) bool) {
			for _, row := range custom {
				if !emit(row) {
					return
				}
			}
		})
		return
	}
	if owner != h.cfg.ReportOwner {
		writeWDError(w, http.StatusNotFound, fmt.Sprintf("Report %s/%s not found or not shared with this account", owner, name), "report", "path")
		return
	}
	capName, ok := reportCapabilities[name]
	if !ok {
		writeWDError(w, http.StatusNotFound, fmt.Sprintf("Report %s/%s not found or not shared with this account", owner, name), "report", "path")
		return
	}
	if !h.simulate(w, r, capName, false) {
		return
	}
	switch name {
	case wdwire.ReportTimeOffRequests, wdwire.ReportPayStatements:
		h.entityReport(w, r, name, format, q)
		return
	}
	if format == "csv" {
		writeWDError(w, http.StatusBadRequest, "invalid request: report "+name+" has multi-instance fields; request format=json", "format", "query")
		return
	}
	emp := q.Get(wdwire.PromptEmployeeID)
	if emp == "" {
		emp = q.Get(wdwire.PromptWorkerWID)
	}
	var row any
	var err error
	switch name {
	case wdwire.ReportWorkerProfile:
		row, err = call(h, connectors.Principal{}, GetEmployeeRequest{EmployeeID: emp}, (*store).getEmployee)
	case wdwire.ReportWorkerFullProfile:
		row, err = call(h, connectors.Principal{}, GetEmployeeRequest{EmployeeID: emp}, (*store).getEmployeeFull)
	case wdwire.ReportManagementChain:
		row, err = call(h, connectors.Principal{}, GetManagerChainRequest{EmployeeID: emp}, (*store).getManagerChain)
	case wdwire.ReportCompensation:
		row, err = call(h, connectors.Principal{}, GetCompensationRequest{EmployeeID: emp}, (*store).getCompensation)
	case wdwire.ReportPayStatement:
		row, err = call(h, connectors.Principal{}, GetPayStatementRequest{EmployeeID: emp, StatementID: q.Get(wdwire.PromptPayStatementWID)}, (*store).getPayStatement)
	}
	if err != nil {
		writeSimError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"Report_Entry": []any{wdwire.ToRaaS(encodeMap(row))}})
}

var reportCapabilities = map[string]string{
	wdwire.ReportWorkerProfile: CapGetEmployee, wdwire.ReportWorkerFullProfile: CapGetEmployeeFull,
	wdwire.ReportManagementChain: CapGetManagerChain, wdwire.ReportCompensation: CapGetCompensation,
	wdwire.ReportPayStatement: CapGetPayStatement, wdwire.ReportTimeOffRequests: "", wdwire.ReportPayStatements: "",
}

// entityReport streams an entity as a report: columns are the fields'
// aliases (Employee_ID), prompts filter by equality (Employee_ID=EMP001,
// or the WID form Worker!WID=EMP001).
func (h *HTTPHandler) entityReport(w http.ResponseWriter, r *http.Request, name, format string, q url.Values) {
	entity := EntityTimeOffRequests
	if name == wdwire.ReportPayStatements {
		entity = EntityPayStatements
	}
	ent := entities[entity]
	var where connectors.Expr
	for k, vs := range q {
		field := ""
		switch {
		case k == "format":
			continue
		case k == wdwire.PromptWorkerWID:
			field = "employee_id"
		default:
			field = wdwire.FieldOfAlias(k)
		}
		if _, ok := ent.schema.Field(field); !ok {
			writeWDError(w, http.StatusBadRequest, fmt.Sprintf("invalid request: report %s has no prompt %s", name, k), k, "query")
			return
		}
		where = connectors.Conjoin(where, connectors.Eq(field, vs[len(vs)-1]))
	}
	cols := make([]string, len(ent.schema.Fields))
	for i, f := range ent.schema.Fields {
		cols[i] = f.Name
	}
	st := h.sim.be.st.Load()
	today := h.sim.be.clock.Today()
	writeReport(w, format, cols, func(emit func(map[string]any) bool) {
		const chunk = 512
		for pos := 0; ; {
			var rows []map[string]any
			done := false
			st.read(today, func() {
				n := ent.size(st)
				for ; pos < n && len(rows) < chunk; pos++ {
					if rec, ok := ent.record(st, pos, today); ok && match(where, rec) {
						rows = append(rows, aliased(rec))
					}
				}
				done = pos >= n
			})
			for _, row := range rows {
				if !emit(row) {
					return
				}
			}
			if done {
				return
			}
		}
	})
}

func aliased(rec connectors.Record) map[string]any {
	out := make(map[string]any, len(rec))
	for k, v := range rec {
		if v != nil {
			out[wdwire.Alias(k)] = v
		}
	}
	return out
}

// writeReport streams rows as {"Report_Entry":[...]} or CSV (a header of
// the columns, then one line per row).
func writeReport(w http.ResponseWriter, format string, cols []string, rows func(emit func(map[string]any) bool)) {
	if format == "csv" {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		wdwire.WriteCSV(w, cols, rows)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(`{"Report_Entry":[`))
	first := true
	enc := json.NewEncoder(w)
	rows(func(row map[string]any) bool {
		if !first {
			if _, err := w.Write([]byte(",")); err != nil {
				return false
			}
		}
		first = false
		return enc.Encode(row) == nil
	})
	_, _ = w.Write([]byte("]}"))
}

var _ http.Handler = (*HTTPHandler)(nil)
