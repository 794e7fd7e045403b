package ukg

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/xlr8/connectors/internal/fake/kit"
)

// UKG Pro WFM (Dimensions): the shapes follow UKG's Dimensions docs (copied
// in jainma/rdme-demo) and the live-tenant recordings and notes in
// keboola/component-ex-ukg-wfm (cassettes, src/client/resources.py).

type wfmState struct {
	persons   []map[string]any
	execs     map[int]*wfmExec
	downloads map[int]*wfmDownload
	nextExec  int
	reports   map[string]string
	batches   []int
	bodies    map[string]int
}

type wfmExec struct {
	name  string
	polls int
	fail  bool
}

func (st *wfmState) init() {
	st.execs = map[int]*wfmExec{}
	st.downloads = map[int]*wfmDownload{}
	st.nextExec = 1000
	st.reports = map[string]string{}
	st.bodies = map[string]int{}
}

// SeedPersons replaces the WFM people with n generated persons and returns
// them as apply_read sends them.
func (s *Server) SeedPersons(n int) []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.wfm.persons = make([]map[string]any, n)
	for i := range n {
		s.wfm.persons[i] = map[string]any{"personId": int64(100 + i), "personNumber": strconv.Itoa(10015 + i),
			"firstName": fmt.Sprintf("Ana%d", i), "lastName": fmt.Sprintf("Silva%d", i),
			"employmentStatus": []string{"Active", "Active", "Inactive", "Terminated"}[i%4], "userAccountStatus": "Active"}
	}
	return cloneAll(s.wfm.persons)
}

// SetWFMReport makes a report name executable; its file is csv.
func (s *Server) SetWFMReport(name, csv string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.wfm.reports[name] = csv
}

// WFMBatches lists the employee counts of every multi_read the fake served
// or refused, in order.
func (s *Server) WFMBatches() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]int(nil), s.wfm.batches...)
}

// TokenRequests counts WFM token endpoint calls with a grant ("" for all).
func (s *Server) TokenRequests(grant string) int {
	if grant == "" {
		return s.OAuth.Requests(kit.GrantPassword) + s.OAuth.Requests(kit.GrantRefreshToken)
	}
	return s.OAuth.Requests(grant)
}

// Issued lists every token the WFM token endpoint and the Ready login issued.
func (s *Server) Issued() []string {
	s.mu.Lock()
	ready := append([]string(nil), s.ready.issued...)
	s.mu.Unlock()
	return append(s.OAuth.Issued(), ready...)
}

// ExpireTokens makes every issued access token (WFM and Ready) invalid.
func (s *Server) ExpireTokens() {
	s.OAuth.ExpireTokens()
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.ready.tokens)
}

func (s *Server) routeWFM() {
	// The token endpoint (keboola cassette 01_testConnection): the
	// password grant with auth_chain=OAuthLdapService and client_id and
	// client_secret in the form; refresh_token without a new refresh token.
	s.EnableOAuth(kit.OAuthConfig{Path: "/api/authentication/access_token", Grants: []string{kit.GrantPassword, kit.GrantRefreshToken},
		ClientID: s.cfg.WFMClientID, ClientSecret: s.cfg.WFMClientSecret, ClientAuth: kit.ClientAuthPost,
		Username: s.cfg.WFMUser, Password: s.cfg.WFMPassword, RefreshToken: newToken("wfm-rt-"), IssueRefreshToken: true,
		TTL: s.cfg.TokenTTL, TokenPrefix: "wfm-at-",
		Response: func(grant string, body map[string]any) {
			body["scope"] = "givenName mail nonce openid profile sn uid"
			body["id_token"] = newToken("wfm-id-")
			if grant == kit.GrantRefreshToken {
				delete(body, "refresh_token")
			}
		}})
	s.Use(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if s.Path(r) == "/api/authentication/access_token" {
				if c := r.FormValue("auth_chain"); c != "" && c != "OAuthLdapService" {
					writeJSON(w, http.StatusBadRequest, map[string]any{"error": "invalid_request"})
					return
				}
				if s.cfg.RequireAppKey && r.Header.Get("appkey") != s.cfg.AppKey {
					writeJSON(w, http.StatusUnauthorized, map[string]any{"error": "invalid_client"})
					return
				}
			}
			next.ServeHTTP(w, r)
		})
	})
	s.HandleFunc("POST /api/v1/commons/persons/apply_read", s.wfmAuth(s.wfmPersons))
	s.HandleFunc("POST /api/v1/commons/hyperfind/execute", s.wfmAuth(s.wfmHyperfind))
	s.HandleFunc("POST /api/v1/timekeeping/timecard/multi_read", s.wfmAuth(s.wfmTimecards))
	s.HandleFunc("POST /api/v1/scheduling/schedule/multi_read", s.wfmAuth(s.wfmSchedules))
	s.HandleFunc("POST /api/v1/timekeeping/timecard_metrics/multi_read", s.wfmAuth(s.wfmMetrics))
	s.HandleFunc("POST /api/v1/platform/reports/{name}/execute", s.wfmAuth(s.wfmExecute))
	s.HandleFunc("GET /api/v1/platform/report_executions", s.wfmAuth(s.wfmExecutions))
	s.HandleFunc("GET /api/v1/platform/report_executions/{id}/file", s.wfmAuth(s.wfmFile))
	s.HandleFunc("POST /api/v1/commons/exports/async", s.wfmAuth(s.wfmExportSubmit))
	s.HandleFunc("GET /api/v1/commons/exports/{id}/status", s.wfmAuth(s.wfmExportStatus))
	s.HandleFunc("GET /api/v1/commons/exports/{id}/file", s.wfmAuth(s.wfmExportFile))
}

func wfmError(w http.ResponseWriter, status int, code, msg string, details map[string]any) {
	// Only codes seen from live tenants are sent; other failures carry the
	// status and a message.
	body := map[string]any{"message": msg}
	if code != "" {
		body["errorCode"] = code
	}
	if details != nil {
		body["details"] = details
	}
	writeJSON(w, status, body)
}

// wfmAuth accepts the token raw (as UKG's examples send it) or as Bearer.
func (s *Server) wfmAuth(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		_, ok := s.OAuth.Lookup(tok)
		if !ok || (s.cfg.RequireAppKey && r.Header.Get("appkey") != s.cfg.AppKey) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="UKG"`)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		next(w, r)
	}
}

// unrecognized answers a body of the wrong shape as live tenants do.
func unrecognized(w http.ResponseWriter, err error) {
	wfmError(w, http.StatusBadRequest, "WFP-90011", "Unrecognized property: "+err.Error(), nil)
}

func (s *Server) wfmPersons(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Where map[string]any `json:"where"`
		Index *int           `json:"index"`
		Count *int           `json:"count"`
	}
	if err := strictJSON(r, &body); err != nil {
		unrecognized(w, err)
		return
	}
	index, count := 0, 10000
	if body.Index != nil {
		index = *body.Index
	}
	if body.Count != nil {
		count = *body.Count
	}
	if index < 0 || count < 1 || count > 10000 {
		wfmError(w, http.StatusBadRequest, "", "index or count out of range", nil)
		return
	}
	s.mu.Lock()
	all := cloneAll(s.wfm.persons)
	s.mu.Unlock()
	// index is a page number: page index holds rows [index*count, index*count+count).
	start := min(index*count, len(all))
	end := min(start+count, len(all))
	page := all[start:end]
	// totalElements is a string equal to this page's size, not a grand total.
	writeJSON(w, http.StatusOK, map[string]any{"totalElements": strconv.Itoa(len(page)), "records": page})
}

type wfmDateRange struct {
	StartDate string `json:"startDate"`
	EndDate   string `json:"endDate"`
}

type wfmRef struct {
	ID        *int64 `json:"id,omitempty"`
	Qualifier string `json:"qualifier,omitempty"`
}

func (s *Server) wfmHyperfind(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Hyperfind wfmRef        `json:"hyperfind"`
		DateRange *wfmDateRange `json:"dateRange"`
		Threshold *int          `json:"threshold,omitempty"`

		IncludeTerminatedInRangeForLocations *bool `json:"includeTerminatedInRangeForLocations,omitempty"`
	}
	if err := strictJSON(r, &body); err != nil {
		unrecognized(w, err)
		return
	}
	if body.DateRange == nil {
		wfmError(w, http.StatusBadRequest, "", "dateRange is required", nil)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	refs := make([]map[string]any, 0, len(s.wfm.persons))
	for _, p := range s.wfm.persons {
		refs = append(refs, map[string]any{"id": p["personId"], "qualifier": p["personNumber"]})
	}
	writeJSON(w, http.StatusOK, map[string]any{"count": len(refs), "result": map[string]any{"refs": refs}})
}

func parseDay(s string) (time.Time, bool) {
	t, err := time.Parse(time.DateOnly, s)
	return t, err == nil
}

// employees resolves ids to persons and enforces the service limit.
func (s *Server) employees(w http.ResponseWriter, path string, ids []int64, dr wfmDateRange) ([]map[string]any, time.Time, time.Time, bool) {
	s.mu.Lock()
	s.wfm.batches = append(s.wfm.batches, len(ids))
	s.wfm.bodies[path]++
	byID := map[int64]map[string]any{}
	for _, p := range s.wfm.persons {
		byID[p["personId"].(int64)] = p
	}
	s.mu.Unlock()
	if len(ids) > s.cfg.MaxEmployees {
		wfmError(w, http.StatusRequestEntityTooLarge, "WCO-106194",
			fmt.Sprintf("Number of employees in request (%d) exceeds allowed limit (%d).", len(ids), s.cfg.MaxEmployees),
			map[string]any{"limits": []map[string]any{{"actual": len(ids), "maximum": s.cfg.MaxEmployees}}})
		return nil, time.Time{}, time.Time{}, false
	}
	from, ok1 := parseDay(dr.StartDate)
	to, ok2 := parseDay(dr.EndDate)
	if !ok1 || !ok2 || to.Before(from) {
		wfmError(w, http.StatusBadRequest, "WFP-90100", "Invalid Parameter Date String", nil)
		return nil, time.Time{}, time.Time{}, false
	}
	var out []map[string]any
	for _, id := range ids {
		if p := byID[id]; p != nil {
			out = append(out, p)
		}
	}
	return out, from, to, true
}

func ref(p map[string]any) map[string]any {
	return map[string]any{"id": p["personId"], "qualifier": p["personNumber"]}
}

func (s *Server) wfmTimecards(w http.ResponseWriter, r *http.Request) {
	// where.employees.ids + where.dateRange (keboola: WHERE_EMPLOYEES_IDS).
	var body struct {
		Select []string `json:"select,omitempty"`
		Where  struct {
			Employees struct {
				IDs []int64 `json:"ids"`
			} `json:"employees"`
			DateRange wfmDateRange `json:"dateRange"`
		} `json:"where"`
	}
	if err := strictJSON(r, &body); err != nil {
		unrecognized(w, err)
		return
	}
	emps, from, to, ok := s.employees(w, r.URL.Path, body.Where.Employees.IDs, body.Where.DateRange)
	if !ok {
		return
	}
	out := []map[string]any{}
	for _, p := range emps {
		var punches []map[string]any
		for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
			if d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
				continue
			}
			day := d.Format(time.DateOnly)
			punches = append(punches,
				map[string]any{"id": int64(len(punches) + 1), "punchDtm": day + "T09:00:00", "typeOverride": map[string]any{"qualifier": "In"}},
				map[string]any{"id": int64(len(punches) + 2), "punchDtm": day + "T17:00:00", "typeOverride": map[string]any{"qualifier": "Out"}})
		}
		out = append(out, map[string]any{"employee": ref(p), "startDate": body.Where.DateRange.StartDate,
			"endDate": body.Where.DateRange.EndDate, "punches": punches,
			"totals": map[string]any{"hours": float64(len(punches) / 2 * 8)}})
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) wfmSchedules(w http.ResponseWriter, r *http.Request) {
	// where.employees.employeeRefs.ids + startDate/endDate beside it
	// (keboola: WHERE_EMPLOYEE_REFS).
	var body struct {
		Select []string `json:"select,omitempty"`
		Where  struct {
			Employees struct {
				EmployeeRefs struct {
					IDs []int64 `json:"ids"`
				} `json:"employeeRefs"`
				StartDate string `json:"startDate"`
				EndDate   string `json:"endDate"`
			} `json:"employees"`
		} `json:"where"`
	}
	if err := strictJSON(r, &body); err != nil {
		unrecognized(w, err)
		return
	}
	e := body.Where.Employees
	emps, from, to, ok := s.employees(w, r.URL.Path, e.EmployeeRefs.IDs, wfmDateRange{e.StartDate, e.EndDate})
	if !ok {
		return
	}
	shifts := []map[string]any{}
	for _, p := range emps {
		for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
			if d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
				continue
			}
			day := d.Format(time.DateOnly)
			// A shift id is unique per employee and day, across requests.
			id := p["personId"].(int64)*100000 + int64(d.Sub(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)).Hours()/24)
			shifts = append(shifts, map[string]any{"id": id, "employee": ref(p), "startDateTime": day + "T09:00:00",
				"endDateTime": day + "T17:00:00", "label": "09:00-17:00",
				"segments": []map[string]any{{"startDateTime": day + "T09:00:00", "endDateTime": day + "T17:00:00",
					"segmentTypeRef": map[string]any{"id": 1, "qualifier": "REGULAR_SEGMENT"},
					"orgJobRef":      map[string]any{"id": 7, "qualifier": "Organization/US/Atlanta/Cashier"}}}})
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"shifts": shifts, "payCodeEdits": []any{}, "scheduleDayList": []any{}, "openShifts": []any{}})
}

func (s *Server) wfmMetrics(w http.ResponseWriter, r *http.Request) {
	// top-level select + where.employeeSet{employees.ids, dateRange}
	// (keboola: EMPLOYEE_SET_METRICS; "metrics" is not a property).
	var body struct {
		Select []string `json:"select"`
		Where  struct {
			EmployeeSet struct {
				Employees struct {
					IDs []int64 `json:"ids"`
				} `json:"employees"`
				DateRange wfmDateRange `json:"dateRange"`
			} `json:"employeeSet"`
		} `json:"where"`
		Options map[string]any `json:"options,omitempty"`
	}
	if err := strictJSON(r, &body); err != nil {
		unrecognized(w, err)
		return
	}
	es := body.Where.EmployeeSet
	emps, _, to, ok := s.employees(w, r.URL.Path, es.Employees.IDs, es.DateRange)
	if !ok {
		return
	}
	sel := map[string]bool{}
	for _, v := range body.Select {
		sel[v] = true
	}
	out := []map[string]any{}
	for i, p := range emps {
		emp := map[string]any{"id": p["personId"], "qualifier": p["personNumber"], "name": fmt.Sprint(p["lastName"], ", ", p["firstName"])}
		rec := map[string]any{"employeeId": emp}
		if sel["ACCRUAL_SUMMARY"] {
			rec["accrualSummaryData"] = []map[string]any{{
				"uniqueId":    fmt.Sprintf("%v-VAC", p["personId"]),
				"accrualCode": map[string]any{"id": 1, "name": "Vacation", "shortName": "VAC"},
				"dailySummaries": []map[string]any{{"balanceDate": to.Format(time.DateOnly),
					"currentBalance": map[string]any{"vestedHoursAmount": 40.0 + float64(i)}, "availableBalanceHours": 32.0 + float64(i)}},
			}}
		}
		if sel["ACCRUAL_TRANSACTIONS"] {
			rec["accrualTransactions"] = []map[string]any{{"accrualCode": map[string]any{"id": 1, "name": "Vacation"},
				"effectiveDate": es.DateRange.StartDate, "amount": 8.0, "type": "TAKING"}}
		}
		out = append(out, rec)
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) wfmExecute(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Parameters []struct {
			Name  string `json:"name"`
			Value any    `json:"value"`
		} `json:"parameters"`
	}
	if err := strictJSON(r, &body); err != nil {
		unrecognized(w, err)
		return
	}
	name := r.PathValue("name")
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.wfm.reports[name]; !ok {
		wfmError(w, http.StatusNotFound, "", "Report not found", nil)
		return
	}
	s.wfm.nextExec++
	s.wfm.execs[s.wfm.nextExec] = &wfmExec{name: name, fail: strings.HasPrefix(name, "Failing")}
	writeJSON(w, http.StatusOK, map[string]any{"id": s.wfm.nextExec})
}

func (s *Server) wfmExecutions(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []map[string]any{}
	for id := 1001; id <= s.wfm.nextExec; id++ {
		ex := s.wfm.execs[id]
		st := "InProgress"
		rec := map[string]any{"id": id, "name": ex.name}
		switch {
		case ex.polls < s.cfg.WorkingPolls:
			ex.polls++
		case ex.fail:
			st = "Failed"
			rec["apiOutputError"] = map[string]any{"errorCode": "WFP-114011", "message": "The report failed to run.", "detail": ""}
		default:
			st = "Completed"
		}
		rec["status"] = map[string]any{"qualifier": st}
		out = append(out, rec)
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) wfmFile(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.Atoi(r.PathValue("id"))
	s.mu.Lock()
	ex := s.wfm.execs[id]
	var body string
	if ex != nil {
		body = s.wfm.reports[ex.name]
	}
	s.mu.Unlock()
	if ex == nil {
		wfmError(w, http.StatusNotFound, "", "Report execution not found", nil)
		return
	}
	w.Header().Set("Content-Type", "text/csv")
	_, _ = w.Write([]byte(body))
}

// Bulk Downloads (POST /v1/commons/exports/async): UKG's "submit bulk
// downloads" documentation shows the submit body and the PENDING answer
// with HTTP 202; the later status words are the fake's (IN_PROGRESS,
// COMPLETED), and the file is the Information Access select as CSV with
// the aliases as headers. The people keys it serves are PEOPLE_PERSON_ID,
// PEOPLE_PERSON_NUMBER, PEOPLE_FIRST_NAME and PEOPLE_LAST_NAME.

type wfmDownload struct {
	polls int
	csv   string
}

var peopleColumns = map[string]string{"PEOPLE_PERSON_ID": "personId", "PEOPLE_PERSON_NUMBER": "personNumber",
	"PEOPLE_FIRST_NAME": "firstName", "PEOPLE_LAST_NAME": "lastName"}

func (s *Server) wfmExportSubmit(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Name    string `json:"name"`
		Type    string `json:"type"`
		Payload struct {
			Select []struct {
				Key   string `json:"key"`
				Alias string `json:"alias,omitempty"`
			} `json:"select"`
			From struct {
				View        int `json:"view"`
				EmployeeSet struct {
					Hyperfind wfmRef       `json:"hyperfind"`
					DateRange wfmDateRange `json:"dateRange"`
				} `json:"employeeSet"`
			} `json:"from"`
			Options map[string]any `json:"options,omitempty"`
		} `json:"payload"`
	}
	if err := strictJSON(r, &body); err != nil {
		unrecognized(w, err)
		return
	}
	if body.Type != "DATA" || len(body.Payload.Select) == 0 {
		wfmError(w, http.StatusBadRequest, "", "type DATA and a select are required", nil)
		return
	}
	var header []string
	var fields []string
	for _, sel := range body.Payload.Select {
		f, ok := peopleColumns[sel.Key]
		if !ok {
			wfmError(w, http.StatusBadRequest, "", "unknown key "+sel.Key, nil)
			return
		}
		name := sel.Alias
		if name == "" {
			name = sel.Key
		}
		header = append(header, name)
		fields = append(fields, f)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var b strings.Builder
	b.WriteString(strings.Join(header, ",") + "\r\n")
	for _, p := range s.wfm.persons {
		row := make([]string, len(fields))
		for i, f := range fields {
			row[i] = fmt.Sprint(p[f])
		}
		b.WriteString(strings.Join(row, ",") + "\r\n")
	}
	s.wfm.nextExec++
	s.wfm.downloads[s.wfm.nextExec] = &wfmDownload{csv: b.String()}
	writeJSON(w, http.StatusAccepted, map[string]any{"status": "PENDING", "message": "The request is being processed.", "nextPing": "60",
		"executionKey": s.wfm.nextExec})
}

func (s *Server) wfmExportStatus(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.Atoi(r.PathValue("id"))
	s.mu.Lock()
	defer s.mu.Unlock()
	dl := s.wfm.downloads[id]
	if dl == nil {
		wfmError(w, http.StatusNotFound, "", "Export not found", nil)
		return
	}
	status := "COMPLETED"
	if dl.polls < s.cfg.WorkingPolls {
		dl.polls++
		status = "IN_PROGRESS"
	}
	writeJSON(w, http.StatusOK, map[string]any{"status": status, "executionKey": id})
}

func (s *Server) wfmExportFile(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.Atoi(r.PathValue("id"))
	s.mu.Lock()
	dl := s.wfm.downloads[id]
	s.mu.Unlock()
	if dl == nil {
		wfmError(w, http.StatusNotFound, "", "Export not found", nil)
		return
	}
	w.Header().Set("Content-Type", "text/csv")
	_, _ = w.Write([]byte(dl.csv))
}
