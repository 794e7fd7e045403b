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

func TestHandlerShapes(t *testing.T) {
	_, h, srv := serve(t)
	tok := bearer(t, h, srv)
	resp, body := get(t, srv, tok, "/ccx/api/v1/acme/workers?limit=2&offset=1")
	var page struct {
		Total int              `json:"total"`
		Data  []map[string]any `json:"data"`
	}
	if err := json.Unmarshal(body, &page); err != nil || resp.StatusCode != 200 || len(page.Data) != 2 || page.Total < 5 {
		t.Fatalf("workers page: %d %s", resp.StatusCode, body)
	}
	org, _ := page.Data[0]["primarySupervisoryOrganization"].(map[string]any)
	if page.Data[0]["id"] == nil || page.Data[0]["descriptor"] == nil || page.Data[0]["href"] == nil || org["id"] == nil || org["descriptor"] == nil {
		t.Errorf("a worker is not a Workday reference with its organization: %v", page.Data[0])
	}
	if resp, body := get(t, srv, tok, "/ccx/api/v1/acme/workers?limit=101"); resp.StatusCode != 400 || !strings.Contains(string(body), `"field":"limit"`) {
		t.Errorf("limit 101: %d %s", resp.StatusCode, body)
	}
	resp, body = get(t, srv, tok, "/ccx/api/v1/acme/workers/Employee_ID=EMP999")
	var eb struct {
		Error  string `json:"error"`
		Errors []struct{ Error, Field string }
	}
	if err := json.Unmarshal(body, &eb); err != nil || resp.StatusCode != 404 || eb.Error == "" || len(eb.Errors) != 1 || eb.Errors[0].Field != "worker" {
		t.Errorf("unknown worker: %d %s", resp.StatusCode, body)
	}
	resp, body = get(t, srv, tok, "/ccx/service/customreport2/acme/ISU_Connector/Worker_Profile?Employee_ID=EMP001&format=json")
	var rep struct {
		ReportEntry []map[string]any `json:"Report_Entry"`
	}
	if err := json.Unmarshal(body, &rep); err != nil || resp.StatusCode != 200 || len(rep.ReportEntry) != 1 {
		t.Fatalf("Worker_Profile: %d %s", resp.StatusCode, body)
	}
	want := map[string]any{"Employee_ID": "EMP001", "Manager_Employee_ID": "EMP042", "Job_Department_ID": "DEPT-ENG", "Name_Display": "Alice Johnson"}
	for k, v := range want {
		if rep.ReportEntry[0][k] != v {
			t.Errorf("Worker_Profile column %s = %v, want %v", k, rep.ReportEntry[0][k], v)
		}
	}
	resp, body = get(t, srv, tok, "/ccx/service/customreport2/acme/ISU_Connector/Time_Off_Requests?Employee_ID=EMP001&format=csv")
	lines := strings.Split(strings.TrimSpace(string(body)), "\n")
	if resp.StatusCode != 200 || len(lines) != 3 || !strings.HasPrefix(lines[0], "Request_ID,Employee_ID,") {
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
	_, body := get(t, srv, tok, "/ccx/api/v1/acme/supervisoryOrganizations")
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
