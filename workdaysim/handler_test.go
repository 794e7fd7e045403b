package workdaysim

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func serve(t *testing.T) (*Simulator, *HTTPHandler, *httptest.Server) {
	t.Helper()
	sim, err := New()
	if err != nil {
		t.Fatal(err)
	}
	h := Handler(sim)
	srv := httptest.NewTLSServer(h)
	t.Cleanup(srv.Close)
	return sim, h, srv
}

func token(t *testing.T, srv *httptest.Server, form url.Values) (int, map[string]any) {
	t.Helper()
	resp, err := srv.Client().PostForm(srv.URL+"/ccx/oauth2/acme/token", form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&body)
	return resp.StatusCode, body
}

func get(t *testing.T, srv *httptest.Server, tok, path string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

func TestHandlerToken(t *testing.T) {
	_, h, srv := serve(t)
	cfg := h.Config()
	good := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {cfg.RefreshToken}, "client_id": {cfg.ClientID}, "client_secret": {cfg.ClientSecret}}
	cases := []struct {
		name   string
		edit   func(v url.Values)
		status int
		err    string
	}{
		{"ok", func(url.Values) {}, 200, ""},
		{"wrong secret", func(v url.Values) { v.Set("client_secret", "x") }, 401, "invalid_client"},
		{"wrong refresh token", func(v url.Values) { v.Set("refresh_token", "x") }, 400, "invalid_grant"},
		{"other grant", func(v url.Values) { v.Set("grant_type", "client_credentials") }, 400, "unsupported_grant_type"},
	}
	var tok string
	for _, tc := range cases {
		f := url.Values{}
		for k, v := range good {
			f[k] = append([]string(nil), v...)
		}
		tc.edit(f)
		status, body := token(t, srv, f)
		if status != tc.status || (tc.err != "" && body["error"] != tc.err) {
			t.Errorf("%s: %d %v", tc.name, status, body)
		}
		if tc.err == "" {
			tok, _ = body["access_token"].(string)
			if body["token_type"] != "Bearer" || tok == "" {
				t.Errorf("token response %v", body)
			}
		}
	}
	if resp, body := get(t, srv, "", "/ccx/api/v1/acme/workers"); resp.StatusCode != 401 || !strings.Contains(string(body), "invalid_token") {
		t.Errorf("no token: %d %s", resp.StatusCode, body)
	}
	if resp, _ := get(t, srv, tok, "/ccx/api/v1/acme/workers"); resp.StatusCode != 200 {
		t.Errorf("with the token: %d", resp.StatusCode)
	}
	h.RevokeTokens()
	if resp, _ := get(t, srv, tok, "/ccx/api/v1/acme/workers"); resp.StatusCode != 401 {
		t.Errorf("a revoked token: %d", resp.StatusCode)
	}
	if h.TokenRequests() != len(cases) {
		t.Errorf("%d token requests", h.TokenRequests())
	}
}

func bearer(t *testing.T, h *HTTPHandler, srv *httptest.Server) string {
	cfg := h.Config()
	_, body := token(t, srv, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {cfg.RefreshToken}, "client_id": {cfg.ClientID}, "client_secret": {cfg.ClientSecret}})
	tok, _ := body["access_token"].(string)
	return tok
}

// TestHandlerShapes checks the handler's answers against the shapes of
// Workday's published REST descriptions, quoted field by field.
func TestHandlerShapes(t *testing.T) {
	_, h, srv := serve(t)
	tok := bearer(t, h, srv)
	alice, bob, eng := h.WID("worker", "EMP001"), h.WID("worker", "EMP042"), h.WID("organization", "DEPT-ENG")
	decode := func(path string, want int) map[string]any {
		t.Helper()
		resp, body := get(t, srv, tok, path)
		var m map[string]any
		if err := json.Unmarshal(body, &m); err != nil || resp.StatusCode != want {
			t.Fatalf("%s: %d %s", path, resp.StatusCode, body)
		}
		return m
	}
	first := func(m map[string]any) map[string]any {
		t.Helper()
		data, _ := m["data"].([]any)
		if _, ok := m["total"].(float64); !ok || len(data) == 0 {
			t.Fatalf("not a {total, data} collection: %v", m)
		}
		return data[0].(map[string]any)
	}
	pick := func(m map[string]any, keys ...string) map[string]any {
		out := map[string]any{}
		for _, k := range keys {
			if v, ok := m[k]; ok {
				out[k] = v
			}
		}
		return out
	}
	check := func(name string, want, got map[string]any) {
		t.Helper()
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("%s (-want +got):\n%s", name, d)
		}
	}
	// common v1 WorkerSummary: a Workday ID, no employee id.
	w := first(decode("/ccx/api/v1/acme/workers?search=alice", 200))
	check("v1 worker", map[string]any{"id": alice, "descriptor": "Alice Johnson", "businessTitle": "Senior Engineer", "isManager": false,
		"primaryWorkEmail":               "alice.johnson@example.com",
		"primarySupervisoryOrganization": map[string]any{"id": eng, "descriptor": "Engineering", "href": srv.URL + "/ccx/api/v1/acme/supervisoryOrganizations/" + eng}},
		pick(w, "id", "descriptor", "businessTitle", "isManager", "primaryWorkEmail", "primarySupervisoryOrganization", "workerId", "hireDate", "active"))
	// staffing v6 WorkerData: workerId is the Employee ID.
	wd := decode("/ccx/api/staffing/v6/acme/workers/Employee_ID=EMP001", 200)
	check("staffing worker", map[string]any{"id": alice, "descriptor": "Alice Johnson", "workerId": "EMP001"}, pick(wd, "id", "descriptor", "workerId"))
	job, _ := wd["primaryJob"].(map[string]any)
	check("primary job", map[string]any{"businessTitle": "Senior Engineer", "supervisoryOrganization": map[string]any{"id": eng, "descriptor": "Engineering"}},
		pick(job, "businessTitle", "supervisoryOrganization"))
	check("service dates", map[string]any{"hireDate": "2022-03-15"}, pick(first(decode("/ccx/api/staffing/v6/acme/workers/"+alice+"/serviceDates", 200)), "hireDate"))
	check("direct report", map[string]any{"id": alice}, pick(first(decode("/ccx/api/v1/acme/workers/"+bob+"/directReports", 200)), "id"))
	check("organization", map[string]any{"code": "DEPT-ENG", "name": "Engineering"}, pick(decode("/ccx/api/staffing/v6/acme/supervisoryOrganizations/Organization_Reference_ID=DEPT-ENG", 200), "code", "name"))
	// absenceManagement v1 AbsenceBalanceView.
	b := first(decode("/ccx/api/absenceManagement/v1/acme/balances?worker=Employee_ID=EMP001&effective=2026-01-27", 200))
	check("balance", map[string]any{"quantity": float64(120), "effectiveDate": "2026-01-27", "unit": map[string]any{"id": h.WID("unit", "Hours"), "descriptor": "Hours"},
		"worker": map[string]any{"id": alice, "descriptor": "Alice Johnson"}}, pick(b, "quantity", "effectiveDate", "unit", "worker"))
	if plan, _ := b["absencePlan"].(map[string]any); plan["descriptor"] != "Paid Time Off" {
		t.Errorf("absence plan %v", plan)
	}
	// common v1 PaySlipSummary.
	slip := first(decode("/ccx/api/v1/acme/workers/"+alice+"/paySlips?limit=1", 200))
	if _, ok := slip["gross"].(float64); !ok || slip["id"] == nil || slip["date"] == nil {
		t.Errorf("pay slip %v", slip)
	}
	// businessProcess v1 EventDetails: "for" is the event's subject.
	ev := decode("/ccx/api/businessProcess/v1/acme/events/TOR-002", 200)
	check("event", map[string]any{"id": "TOR-002", "status": map[string]any{"id": h.WID("eventStatus", "In Progress"), "descriptor": "In Progress"},
		"for": map[string]any{"id": alice, "descriptor": "Alice Johnson"}}, pick(ev, "id", "status", "for", "approvalStep"))
	step := first(decode("/ccx/api/businessProcess/v1/acme/events/TOR-002/inProgressSteps", 200))
	check("step", map[string]any{"awaitingPersons": []any{map[string]any{"id": bob, "descriptor": "Bob Martinez"}}}, pick(step, "awaitingPersons"))
	// Workday's error body.
	check("unknown worker", map[string]any{"error": "Invalid ID value. 'Employee_ID=EMP999' is not a valid ID for Worker",
		"errors": []any{map[string]any{"error": "Invalid ID value. 'Employee_ID=EMP999' is not a valid ID for Worker"}}},
		decode("/ccx/api/v1/acme/workers/Employee_ID=EMP999", 404))
	if m := decode("/ccx/api/v1/acme/workers?limit=101", 400); m["error"] == nil {
		t.Errorf("limit 101: %v", m)
	}
	// RaaS: values as text.
	rep := decode("/ccx/service/customreport2/acme/ISU_Connector/Worker_Compensation?Employee_ID=EMP001&format=json", 200)
	rows, _ := rep["Report_Entry"].([]any)
	if len(rows) != 1 || rows[0].(map[string]any)["Base_Salary"] != "185000" {
		t.Errorf("Worker_Compensation: %v", rep)
	}
	resp, body := get(t, srv, tok, "/ccx/service/customreport2/acme/ISU_Connector/Time_Off_Requests?Employee_ID=EMP001&format=csv")
	lines := strings.Split(strings.TrimSpace(string(body)), "\n")
	if resp.StatusCode != 200 || len(lines) != 3 || !strings.Contains(lines[0], "Request_ID") {
		t.Errorf("CSV report: %d %q", resp.StatusCode, body)
	}
}

func TestHandlerFaults(t *testing.T) {
	sim, h, srv := serve(t)
	tok := bearer(t, h, srv)
	for code, status := range map[string]int{ErrCodeRateLimited: 429, ErrCodeConnectorUnavailable: 503, ErrCodeConnectorTimeout: 504} {
		if err := sim.InjectFailure(code, 1); err != nil {
			t.Fatal(err)
		}
		resp, body := get(t, srv, tok, "/ccx/api/v1/acme/workers")
		if resp.StatusCode != status {
			t.Errorf("%s: status %d %s", code, resp.StatusCode, body)
		}
		if ra := resp.Header.Get("Retry-After"); (status != 504) != (ra == "1") {
			t.Errorf("%s: Retry-After %q", code, ra)
		}
		if resp, _ := get(t, srv, tok, "/ccx/api/v1/acme/workers"); resp.StatusCode != 200 {
			t.Errorf("after %s: %d", code, resp.StatusCode)
		}
	}
	// The token endpoint is not subject to the simulated failures.
	if err := sim.InjectFailure(ErrCodeConnectorUnavailable, -1); err != nil {
		t.Fatal(err)
	}
	if bearer(t, h, srv) == "" {
		t.Error("the token endpoint failed during an outage")
	}
	sim.Heal()
	h.InflateTotal(3)
	_, body := get(t, srv, tok, "/ccx/api/staffing/v6/acme/supervisoryOrganizations")
	var page struct {
		Total int   `json:"total"`
		Data  []any `json:"data"`
	}
	_ = json.Unmarshal(body, &page)
	if page.Total != len(page.Data)+3 {
		t.Errorf("inflated total %d for %d organizations", page.Total, len(page.Data))
	}
	if d := cmp.Diff(h.Config().Tenant, "acme"); d != "" {
		t.Error(d)
	}
}
