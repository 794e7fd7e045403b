package ukg

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/xlr8/connectors/internal/fake/kit"
)

// UKG Ready: login and reports as ModernAnimal/tap-ukg-workforce-ready,
// Kirkpajl/UkgReady.Api and Tools4everBV's HelloID connector send them;
// v2 envelopes as vendors.md section 12 lists them.

type readyState struct {
	tokens  map[string]time.Time
	issued  []string
	logins  int
	lists   map[string][]map[string]any
	reports map[string]readyReport
	globals []string
}

type readyReport struct {
	header []string
	rows   [][]string
}

// readyLists: the v2 path under /ta/rest/v2/companies/{cid} -> envelope key.
var readyLists = map[string]string{
	"/employees":               "employees",
	"/time-entries":            "time_entry_sets",
	"/config/cost-centers":     "cost_centers",
	"/config/cost-center-jobs": "costCenterJobs",
	"/config/pay-types":        "pay_types",
	"/lookup/jobs":             "items",
}

func (st *readyState) init() {
	st.tokens = map[string]time.Time{}
	st.lists = map[string][]map[string]any{}
	st.reports = map[string]readyReport{}
}

// SeedReadyEmployees replaces the Ready employees with n generated ones and
// returns them as the v2 API sends them.
func (s *Server) SeedReadyEmployees(n int) []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]map[string]any, n)
	for i := range n {
		out[i] = map[string]any{"id": int64(17291000 + i), "username": fmt.Sprintf("user%d", i), "first_name": fmt.Sprintf("Jo%d", i),
			"last_name": fmt.Sprintf("Doe%d", i), "employee_id": fmt.Sprintf("E%04d", i), "external_id": nil,
			"primary_email": fmt.Sprintf("jo%d@example.com", i), "ein_name": []string{"Acme East", "Acme West", "Acme North"}[i%3],
			"status": []string{"Active", "Inactive", "Terminated"}[i%3],
			"dates":  map[string]any{"hired": "2021-04-12", "terminated": nil},
			"_links": map[string]any{"self": fmt.Sprintf("/ta/rest/v2/companies/%d/employees/%d", 100707575, 17291000+i)}}
	}
	s.ready.lists["/employees"] = out
	return cloneAll(out)
}

// SetReadyList replaces a v2 list ("/time-entries", "/config/cost-centers"
// ...) with records as the API sends them.
func (s *Server) SetReadyList(path string, recs []map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ready.lists[path] = cloneAll(recs)
}

// SetReadyReport sets a saved ("saved/ID") or global ("global/ID") report.
func (s *Server) SetReadyReport(id string, header []string, rows [][]string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ready.reports[id] = readyReport{header: header, rows: rows}
}

// ReadyLogins counts login calls.
func (s *Server) ReadyLogins() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ready.logins
}

// ReadyGlobalBodies lists the bodies of global report requests.
func (s *Server) ReadyGlobalBodies() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.ready.globals...)
}

func (s *Server) routeReady() {
	s.HandleFunc("POST /ta/rest/v1/login", s.readyLogin)
	s.HandleFunc("GET /ta/rest/v2/companies/{cid}/", s.readyAuth(s.readyList))
	s.HandleFunc("GET /ta/rest/v1/report/saved/{id}", s.readyAuth(s.readySaved))
	s.HandleFunc("POST /ta/rest/v1/report/global/{id}", s.readyAuth(s.readyGlobal))
}

func readyError(w http.ResponseWriter, status int, code int, msg string) {
	e := map[string]any{"message": msg}
	if code != 0 {
		e["code"] = code
	}
	writeJSON(w, status, map[string]any{"errors": []any{e}})
}

// ReadyRateLimit writes Ready's rate limit: errors[0].code 100.
func ReadyRateLimit(status int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		readyError(w, status, 100, "Too many requests")
	}
}

func (s *Server) readyLogin(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Credentials struct {
			Username string `json:"username"`
			Password string `json:"password"`
			Company  string `json:"company"`
		} `json:"credentials"`
	}
	s.mu.Lock()
	s.ready.logins++
	s.mu.Unlock()
	if r.Header.Get("Api-Key") != s.cfg.ReadyAPIKey {
		readyError(w, http.StatusUnauthorized, 0, "Invalid API key")
		return
	}
	if err := strictJSON(r, &body); err != nil {
		readyError(w, http.StatusBadRequest, 0, "Malformed request")
		return
	}
	c := body.Credentials
	if c.Username != s.cfg.ReadyUser || c.Password != s.cfg.ReadyPassword || c.Company != s.cfg.ReadyCompany {
		readyError(w, http.StatusUnauthorized, 0, "Invalid credentials")
		return
	}
	tok := "eyJhbGciOiJIUzUxMiJ9." + newToken("")
	s.mu.Lock()
	s.ready.tokens[tok] = time.Now().Add(time.Hour)
	s.ready.issued = append(s.ready.issued, tok)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"token": tok, "ttl": 3600000, "units": "MILLISECONDS"})
}

// readyAuth accepts "Authentication: Bearer" (Tools4ever) and
// "Authorization: Bearer" (tap-ukg, Kirkpajl).
func (s *Server) readyAuth(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		h := r.Header.Get("Authentication")
		if h == "" {
			h = r.Header.Get("Authorization")
		}
		tok, ok := strings.CutPrefix(h, "Bearer ")
		s.mu.Lock()
		exp, known := s.ready.tokens[tok]
		s.mu.Unlock()
		if !ok || !known || time.Now().After(exp) {
			readyError(w, http.StatusUnauthorized, 0, "Unauthorized")
			return
		}
		next(w, r)
	}
}

func (s *Server) readyList(w http.ResponseWriter, r *http.Request) {
	cid := r.PathValue("cid")
	// The short name after "!" as the scripts send it, not %21-escaped.
	if cid != "!"+s.cfg.ReadyCompany || !strings.Contains(r.URL.RawPath+r.URL.Path, "/companies/!") || strings.Contains(r.URL.RawPath, "%21") {
		readyError(w, http.StatusForbidden, 0, "Company mismatch")
		return
	}
	rest := strings.TrimPrefix(s.Path(r), "/ta/rest/v2/companies/"+cid)
	key, ok := readyLists[rest]
	if !ok {
		readyError(w, http.StatusNotFound, 0, "Not found")
		return
	}
	s.mu.Lock()
	recs := cloneAll(s.ready.lists[rest])
	s.mu.Unlock()
	if !s.cfg.ReadyWhole {
		win, err := kit.PageNumber{PageParam: "page", SizeParam: "per_page", First: 1, Default: s.cfg.PageSize, Max: s.cfg.PageSize}.Window(r.URL.Query(), len(recs))
		if err != nil {
			readyError(w, http.StatusBadRequest, 0, err.Error())
			return
		}
		recs = recs[win.Start:win.End]
	}
	writeJSON(w, http.StatusOK, map[string]any{key: recs})
}

func (s *Server) readyCSV(w http.ResponseWriter, id string) {
	s.mu.Lock()
	rep, ok := s.ready.reports[id]
	s.mu.Unlock()
	if !ok {
		readyError(w, http.StatusNotFound, 0, "Report not found")
		return
	}
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	_ = cw.Write(rep.header)
	_ = cw.WriteAll(rep.rows)
	w.Header().Set("Content-Type", "text/csv;charset=UTF-8")
	_, _ = w.Write(buf.Bytes())
}

func (s *Server) readySaved(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("company") != s.cfg.ReadyCompany {
		readyError(w, http.StatusBadRequest, 0, "company is required")
		return
	}
	s.readyCSV(w, "saved/"+r.PathValue("id"))
}

func (s *Server) readyGlobal(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Company struct {
			ShortName string `json:"short_name"`
		} `json:"company"`
		Selectors []struct {
			Name       string            `json:"name"`
			Parameters map[string]string `json:"parameters"`
		} `json:"selectors"`
	}
	if err := strictJSON(r, &body); err != nil || body.Company.ShortName != s.cfg.ReadyCompany {
		readyError(w, http.StatusBadRequest, 0, "Malformed request")
		return
	}
	s.mu.Lock()
	s.ready.globals = append(s.ready.globals, fmt.Sprint(body.Selectors))
	s.mu.Unlock()
	s.readyCSV(w, "global/"+r.PathValue("id"))
}
