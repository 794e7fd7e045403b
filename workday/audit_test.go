package workday_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"go/parser"
	"go/token"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/connectortest"
	"github.com/xlr8/connectors/credentials"
	"github.com/xlr8/connectors/workday"
	"github.com/xlr8/connectors/workdaysim"
)

// The tests of this file each answer one finding of the audit of issue 13
// (the connector against Workday's published REST shapes); each fails on
// the code before it.

// call is one request the connector sent.
type call struct {
	Method, Path, Query, Body string
}

// recorder serves the simulator's handler and records every request.
type recorder struct {
	mu    sync.Mutex
	calls []call
}

func (rec *recorder) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(b))
		if !strings.Contains(r.URL.Path, "/oauth2/") {
			rec.mu.Lock()
			rec.calls = append(rec.calls, call{r.Method, r.URL.Path, r.URL.RawQuery, string(b)})
			rec.mu.Unlock()
		}
		h.ServeHTTP(w, r)
	})
}

func (rec *recorder) take() []call {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	out := rec.calls
	rec.calls = nil
	return out
}

func recorded(t *testing.T) (*workday.Connector, *recorder, *workdaysim.HTTPHandler) {
	t.Helper()
	sim := newSim(t)
	h := workdaysim.Handler(sim)
	rec := &recorder{}
	srv := httptest.NewTLSServer(rec.wrap(h))
	t.Cleanup(srv.Close)
	c, err := workday.New(context.Background(), h.Credential(srv.URL), connectors.WithHTTPClient(srv.Client()), connectors.WithClock(sim.Clock().Now))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c, rec, h
}

func exec(t *testing.T, c connectors.Connector, action string, p connectors.Principal, params map[string]any) map[string]any {
	t.Helper()
	out, err := c.Execute(context.Background(), action, connectors.WithPrincipal(params, p))
	if err != nil {
		t.Fatalf("%s: %v", action, err)
	}
	return out
}

func paths(calls []call) string {
	var b strings.Builder
	for _, c := range calls {
		fmt.Fprintf(&b, "%s %s\n", c.Method, c.Path)
	}
	return b.String()
}

// Finding: both directions of the wire went through internal/wdwire. The
// connector, the simulator and the fake import no common wire package.
func TestAuditNoSharedWirePackage(t *testing.T) {
	imports := func(dir string) map[string]bool {
		out := map[string]bool{}
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			af, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, im := range af.Imports {
				out[strings.Trim(im.Path.Value, `"`)] = true
			}
		}
		return out
	}
	conn := imports(".")
	for _, other := range []string{"../workdaysim", "../internal/fake/workday"} {
		if _, err := os.Stat(other); err != nil {
			t.Fatalf("%s: %v", other, err)
		}
		for p := range imports(other) {
			if conn[p] && strings.Contains(p, "/internal/") && !strings.HasSuffix(p, "/internal/errs") && !strings.HasSuffix(p, "/internal/connkit") &&
				!strings.HasSuffix(p, "/internal/transport") && !strings.HasSuffix(p, "/internal/pager") {
				t.Errorf("the connector and %s both import %s", other, p)
			}
		}
	}
	for p := range conn {
		if strings.Contains(p, "wdwire") || strings.HasSuffix(p, "/workdaysim") || strings.Contains(p, "/internal/fake/") {
			t.Errorf("the connector imports %s", p)
		}
	}
}

// wdServer serves one canned Workday answer for every API call.
func wdServer(t *testing.T, status int, contentType, body string) *workday.Connector {
	t.Helper()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, "/oauth2/") {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"access_token":"tok","token_type":"Bearer"}`)
			return
		}
		w.Header().Set("Content-Type", contentType)
		w.WriteHeader(status)
		fmt.Fprint(w, body)
	}))
	t.Cleanup(srv.Close)
	cred := &credentials.Credential{ID: "audit", AuthType: credentials.AuthOAuth2, InstanceURL: srv.URL,
		Secrets: credentials.Secrets{"client_id": "id", "client_secret": "s", "refresh_token": "r", "tenant": "acme",
			"token_url": srv.URL + "/ccx/oauth2/acme/token", "report_owner": "ISU"}}
	c, err := workday.New(context.Background(), cred, connectors.WithHTTPClient(srv.Client()), fastRetry)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// Finding: errors were classified by the simulator's English messages
// ("not in the manager chain"). They follow Workday's codes and statuses.
func TestAuditErrorsByCodeNotText(t *testing.T) {
	alice := human("EMP001")
	cases := []struct {
		name, body string
		status     int
		action     string
		params     map[string]any
		want       string
	}{
		{"403 whose text mentions the manager chain", `{"error":"Approver is not in the manager chain","errors":[{"error":"Approver is not in the manager chain"}]}`,
			403, workdaysim.CapGetBalance, map[string]any{"employee_id": "EMP001"}, workday.ErrCodeNotPermitted},
		{"A1011 with any text", `{"error":"Validation error occurred.","errors":[{"error":"Something else entirely","code":"A1011"}]}`,
			400, workdaysim.CapRequestTimeOff, map[string]any{"employee_id": "EMP001", "type": "PTO", "start_date": "2026-02-09", "end_date": "2026-02-09"},
			workday.ErrCodeInsufficientBalance},
		{"hours-available text without a code", `{"error":"Only 3 hours available","errors":[{"error":"Only 3 hours available"}]}`,
			400, workdaysim.CapRequestTimeOff, map[string]any{"employee_id": "EMP001", "type": "PTO", "start_date": "2026-02-09", "end_date": "2026-02-09"},
			workday.ErrCodeValidation},
		{"A389 conflicting event", `{"error":"x","errors":[{"error":"y","code":"A389"}]}`,
			400, workdaysim.CapGetBalance, map[string]any{"employee_id": "EMP001"}, workday.ErrCodeAlreadyProcessed},
		{"404 on the worker", `{"error":"Resource not found"}`, 404, workdaysim.CapListDirectReports, map[string]any{"manager_id": "EMP999"},
			workday.ErrCodeEmployeeNotFound},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := wdServer(t, tc.status, "application/json", tc.body)
			_, err := c.Execute(context.Background(), tc.action, connectors.WithPrincipal(tc.params, alice))
			var e *connectors.Error
			if !errors.As(err, &e) || e.VendorCode != tc.want {
				t.Fatalf("err = %v, want vendor code %s", err, tc.want)
			}
		})
	}
}

// Finding: the worker type read fields the workers collection does not
// send and defaulted a missing active to TERMINATED. Records carry
// Workday's fields (staffing v6 WorkerData) and nothing made up.
func TestAuditWorkersCarryWorkdaysFields(t *testing.T) {
	c := wdServer(t, 200, "application/json", `{"total":1,"data":[{"id":"3aa5550b7fe348b98d7b5741afc65534","descriptor":"Logan McNeil",
		"workerId":"21001","primaryJob":{"id":"a1","descriptor":"VP, HR","businessTitle":"VP, HR",
		"supervisoryOrganization":{"id":"o1","descriptor":"Human Resources"}},"person":{"id":"p1","email":"lmcneil@example.com"}}]}`)
	got, err := connectors.Collect(c.Get(context.Background(), connectors.Query{Entity: workday.EntityWorkers}))
	if err != nil || len(got) != 1 {
		t.Fatalf("%v %v", got, err)
	}
	r := got[0]
	if r["workerId"] != "21001" || r["primaryJob.businessTitle"] != "VP, HR" || r["person.email"] != "lmcneil@example.com" {
		t.Errorf("record %v", r)
	}
	for _, k := range []string{"status", "employee_id", "start_date", "hireDate"} {
		if _, ok := r[k]; ok {
			t.Errorf("record has %s = %v, which Workday did not send", k, r[k])
		}
	}
}

// Finding: list_direct_reports gave empty ids and start_date 0000-00-00.
// Ids come from staffing v6 workerId, dates from serviceDates.
func TestAuditDirectReportsHaveIDsAndHireDates(t *testing.T) {
	c, rec, _ := recorded(t)
	out := exec(t, c, workdaysim.CapListDirectReports, human("EMP042"), map[string]any{"manager_id": "EMP042"})
	reports, _ := out["direct_reports"].([]any)
	if len(reports) == 0 {
		t.Fatal(out)
	}
	for _, x := range reports {
		r := x.(map[string]any)
		if r["employee_id"] == "" || r["start_date"] == "0000-00-00" || r["start_date"] == "" {
			t.Errorf("direct report %v", r)
		}
	}
	if p := paths(rec.take()); !strings.Contains(p, "/ccx/api/v1/acme/workers/Employee_ID=EMP042/directReports") || !strings.Contains(p, "/serviceDates") {
		t.Errorf("calls:\n%s", p)
	}
}

// Finding: get_balance was all zeros against real shapes. The available
// hours are AbsenceBalanceView's quantity.
func TestAuditBalanceReadsAbsenceBalanceView(t *testing.T) {
	c, rec, _ := recorded(t)
	out := exec(t, c, workdaysim.CapGetBalance, human("EMP001"), map[string]any{"employee_id": "EMP001"})
	b := out["balances"].([]any)[0].(map[string]any)
	if b["available_hours"] != float64(120) || b["type_name"] != "Paid Time Off" {
		t.Errorf("balance %v", b)
	}
	if calls := rec.take(); !strings.Contains(calls[0].Query, "worker=Employee_ID%3DEMP001") || !strings.Contains(calls[0].Query, "effective=") {
		t.Errorf("balances query %q", calls[0].Query)
	}
}

// Finding: update_employee posted one body to workers/{ID}/jobChanges.
// Workday's Change Job is a staffing v6 draft: POST, PATCH, submit.
func TestAuditUpdateIsAJobChangeDraft(t *testing.T) {
	c, rec, _ := recorded(t)
	rec.take()
	out := exec(t, c, workdaysim.CapUpdateEmployee, human("hr1"), map[string]any{"employee_id": "EMP003",
		"updates": map[string]any{"job": map[string]any{"title": "Staff Engineer"}}, "reason": "promotion"})
	if out["status"] != workdaysim.TxnPendingApproval || out["transaction_id"] == "" {
		t.Errorf("update %v", out)
	}
	var writes []string
	for _, cl := range rec.take() {
		if cl.Method != http.MethodGet {
			writes = append(writes, cl.Method+" "+cl.Path[strings.Index(cl.Path, "/staffing/v6/"):])
		}
	}
	if len(writes) != 3 || !strings.HasSuffix(writes[0], "/jobChanges") || !strings.HasPrefix(writes[1], "PATCH ") ||
		!strings.Contains(writes[1], "/businessTitle/") || !strings.HasSuffix(writes[2], "/submit") {
		t.Errorf("writes: %q", writes)
	}
	if _, err := c.Execute(context.Background(), workdaysim.CapUpdateEmployee, connectors.WithPrincipal(map[string]any{"employee_id": "EMP003",
		"updates": map[string]any{"phone": map[string]any{"mobile": "+1"}}}, human("hr1"))); !errors.Is(err, connectors.ErrUnsupported) {
		t.Errorf("a contact change: %v, want UNSUPPORTED (another business process)", err)
	}
}

// Finding: terminate posted to a resource staffing v6 does not have. It
// runs Workday Web Services' Terminate_Employee.
func TestAuditTerminateUsesTerminateEmployee(t *testing.T) {
	c, rec, _ := recorded(t)
	exec(t, c, workdaysim.CapTerminateEmployee, human("hr1"), map[string]any{"employee_id": "EMP003", "termination_date": "2026-02-13",
		"reason_code": "VOLUNTARY_RESIGNATION"})
	var soap *call
	for _, cl := range rec.take() {
		if strings.Contains(cl.Path, "terminations") {
			t.Errorf("called %s", cl.Path)
		}
		if cl.Method == http.MethodPost {
			soap = &cl
		}
	}
	if soap == nil || soap.Path != "/ccx/service/acme/Staffing/v44.2" || !strings.Contains(soap.Body, "Terminate_Employee_Request") {
		t.Errorf("the write: %+v", soap)
	}
}

// Finding: approve read an invented approvalStep and put the approver in
// "for". It approves the step in progress (inProgressSteps, its
// awaitingPersons) and sends no "for".
func TestAuditApproveUsesEventSteps(t *testing.T) {
	c, rec, _ := recorded(t)
	exec(t, c, workdaysim.CapApproveTimeOff, human("EMP042"), map[string]any{"request_id": "TOR-002", "approver_id": "EMP042", "comments": "ok"})
	calls := rec.take()
	if p := paths(calls); !strings.Contains(p, "GET /ccx/api/businessProcess/v1/acme/events/TOR-002/inProgressSteps") {
		t.Errorf("calls:\n%s", p)
	}
	for _, cl := range calls {
		if strings.HasSuffix(cl.Path, "/approve") && (strings.Contains(cl.Body, `"for"`) || !strings.Contains(cl.Body, `"comment":"ok"`)) {
			t.Errorf("approve body %s", cl.Body)
		}
	}
}

// Finding: cancel called an endpoint absent from the published API and
// checked ownership on a field events lack. It cancels through
// Cancel_Business_Process and checks the event's "for".
func TestAuditCancelUsesTheDocumentedRoute(t *testing.T) {
	c, rec, _ := recorded(t)
	if _, err := c.Execute(context.Background(), workdaysim.CapCancelTimeOff, connectors.WithPrincipal(map[string]any{"request_id": "TOR-002"}, human("EMP042"))); !errors.Is(err, connectors.ErrPermissionDenied) {
		t.Errorf("cancel by another: %v", err)
	}
	rec.take()
	out := exec(t, c, workdaysim.CapCancelTimeOff, human("EMP001"), map[string]any{"request_id": "TOR-002", "reason": "plans changed"})
	if out["status"] != workdaysim.RequestCancelled {
		t.Errorf("cancel %v", out)
	}
	for _, cl := range rec.take() {
		if strings.HasSuffix(cl.Path, "/cancel") {
			t.Errorf("called %s", cl.Path)
		}
		if cl.Method == http.MethodPost && (cl.Path != "/ccx/service/acme/Integrations/v44.2" || !strings.Contains(cl.Body, "Cancel_Business_Process_Request")) {
			t.Errorf("the write: %+v", cl)
		}
	}
}

// Finding: report numbers sent as strings failed to decode.
func TestAuditReportNumbersAsText(t *testing.T) {
	c := wdServer(t, 200, "application/json", `{"Report_Entry":[{"Employee_ID":"EMP001","Base_Salary":"185,000.00","Currency":"USD","Frequency":"ANNUAL",
		"Bonus_Target_Percent":"15","Bonus_Target_Amount":27750,"Equity_Grant_Value":"50000","Total_Compensation":"262750",
		"Pay_Grade":"L5","Effective_Date":"2025-01-01","Next_Review_Date":"2026-01-01"}]}`)
	out := exec(t, c, workdaysim.CapGetCompensation, human("EMP001"), map[string]any{"employee_id": "EMP001"})
	comp := out["compensation"].(map[string]any)
	if comp["base_salary"].(map[string]any)["amount"] != float64(185000) || comp["total_compensation"] != float64(262750) {
		t.Errorf("compensation %v", out)
	}
}

// Finding: the journal and request date ranges were filtered client side
// after downloading the whole report. They are report prompts.
func TestAuditDateRangeAsReportPrompts(t *testing.T) {
	c, rec, _ := recorded(t)
	exec(t, c, workdaysim.CapListRequests, human("EMP001"), map[string]any{"employee_id": "EMP001", "date_range": map[string]any{"start": "2026-02-01", "end": "2026-02-28"}})
	found := false
	for _, cl := range rec.take() {
		if strings.HasSuffix(cl.Path, "/Time_Off_Requests") {
			found = strings.Contains(cl.Query, "Start_Date=2026-02-01") && strings.Contains(cl.Query, "End_Date=2026-02-28")
		}
	}
	if !found {
		t.Error("the date range was not sent as the report's prompts")
	}
}

// Finding: the org chart depended on an invented 404 body field. An
// organization is told from a worker by the supervisory organization
// lookup's status alone.
func TestAuditOrgChartWithoutBodyField(t *testing.T) {
	c, rec, _ := recorded(t)
	for _, root := range []string{"EMP100", "DEPT-ENG"} {
		out := exec(t, c, workdaysim.CapGetOrgChart, human("EMP100"), map[string]any{"root_id": root})
		if out["root"].(map[string]any)["employee_id"] != "EMP100" {
			t.Errorf("%s: %v", root, out)
		}
	}
	if p := paths(rec.take()); !strings.Contains(p, "/staffing/v6/acme/supervisoryOrganizations/Organization_Reference_ID=DEPT-ENG") {
		t.Errorf("calls:\n%s", p)
	}
}

// Finding: pay statement ids from list_pay_statements did not line up
// with get_pay_statement; zero dates printed as 0000-00-00.
func TestAuditPayStatementIDsLineUp(t *testing.T) {
	c, _, _ := recorded(t)
	list := exec(t, c, workdaysim.CapListPayStatements, human("EMP001"), map[string]any{"employee_id": "EMP001", "year": 2025})
	st := list["statements"].([]any)
	if len(st) == 0 {
		t.Fatal(list)
	}
	for _, x := range st[:3] {
		s := x.(map[string]any)
		got := exec(t, c, workdaysim.CapGetPayStatement, human("EMP001"), map[string]any{"employee_id": "EMP001", "statement_id": s["statement_id"]})
		if got["statement_id"] != s["statement_id"] || got["pay_date"] != s["pay_date"] || fmt.Sprint(got) == "" || strings.Contains(fmt.Sprint(got), "0000-00-00") {
			t.Errorf("statement %v: %v", s, got)
		}
	}
}

// TestNoSharedWire: the connector shares no package with the independent
// fake, and only the capabilities' contract (wdapi: request and response
// types, not wire shapes) with the simulator's handler.
func TestNoSharedWire(t *testing.T) {
	connectortest.NoSharedWire(t, "github.com/xlr8/connectors/workday", "github.com/xlr8/connectors/internal/fake/workday")
	connectortest.NoSharedWire(t, "github.com/xlr8/connectors/workday", "github.com/xlr8/connectors/workdaysim", "github.com/xlr8/connectors/workday/wdapi")
}
