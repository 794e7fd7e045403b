package ukg_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/credentials"
	"github.com/xlr8/connectors/internal/fake/fault"
	fakeukg "github.com/xlr8/connectors/internal/fake/ukg"
	"github.com/xlr8/connectors/translate"
	"github.com/xlr8/connectors/ukg"
)

// execute runs an action as a machine caller (sensitive actions need a
// principal type).
func execute(t *testing.T, c connectors.Connector, action string, params map[string]any) (map[string]any, error) {
	t.Helper()
	p := map[string]any{"__principal__": "svc-test", "__type__": "MACHINE"}
	for k, v := range params {
		p[k] = v
	}
	return c.Execute(t.Context(), action, p)
}

func codeOf(t *testing.T, err error) *connectors.Error {
	t.Helper()
	var e *connectors.Error
	if !errors.As(err, &e) {
		t.Fatalf("got %v (%T), want a *connectors.Error", err, err)
	}
	return e
}

var latinReport = fakeukg.Report{Name: "Employee List", Path: `/content/folder[@name='_UltiPro Delivered Reports']/report[@name='Employee List']`,
	Header: []string{"Employee Name (Last Suffix, First MI)", "Employment Status Code", "Employee Number", "Location"},
	Rows: [][]string{{"11, José ?", "A", "000012510", "GA - Atlanta"}, {"Müller, Zoë", "T", "000012519", ""},
		{"Abbott, Renée", "A", "262352135", "TX - Canton"}}}

func TestProRaaSLatin1ReportAfterWorking(t *testing.T) {
	srv := newFake(t, fakeukg.Config{WorkingPolls: 3, PageSize: 2})
	srv.SetReport(latinReport)
	c := open(t, srv, proCred(srv))
	got, err := connectors.Collect(c.Query(t.Context(), latinReport.Path))
	if err != nil {
		t.Fatal(err)
	}
	want := []connectors.Record{
		{"Employee Name (Last Suffix, First MI)": "11, José ?", "Employment Status Code": "A", "Employee Number": "000012510", "Location": "GA - Atlanta"},
		{"Employee Name (Last Suffix, First MI)": "Müller, Zoë", "Employment Status Code": "T", "Employee Number": "000012519", "Location": nil},
		{"Employee Name (Last Suffix, First MI)": "Abbott, Renée", "Employment Status Code": "A", "Employee Number": "262352135", "Location": "TX - Canton"},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("records (-want +got):\n%s", d)
	}
	// Working three times, then Completed: four RetrieveReport calls, and
	// the session logged off.
	if n := srv.Calls("/services/BIStreamingService"); n != 4 {
		t.Errorf("RetrieveReport called %d times, want 4 (3 Working + Completed)", n)
	}
	if srv.LogOffs() != 1 || srv.OpenSessions() != 0 {
		t.Errorf("logoffs %d, open sessions %d", srv.LogOffs(), srv.OpenSessions())
	}
}

func TestProRaaSFailures(t *testing.T) {
	srv := newFake(t, fakeukg.Config{})
	srv.SetReport(fakeukg.Report{Name: "Broken", Path: "/content/report[@name='Broken']", Header: []string{"a"}, Fail: true})
	srv.SetReport(fakeukg.Report{Name: "Dies", Path: "/content/report[@name='Dies']", Header: []string{"a"}, FailRetrieve: true})
	c := open(t, srv, proCred(srv))
	for path, want := range map[string]connectors.Code{
		"/content/report[@name='Broken']":  connectors.CodeInvalidArgument, // ExecuteReport Status=Failed on HTTP 200
		"/content/report[@name='Dies']":    connectors.CodeInternal,        // RetrieveReport Status=Failed
		"/content/report[@name='Missing']": connectors.CodeInvalidArgument,
	} {
		_, err := connectors.Collect(c.Query(t.Context(), path))
		e := codeOf(t, err)
		if e.Code != want || e.VendorCode != "Failed" || e.HTTPStatus != http.StatusOK {
			t.Errorf("%s: got %v (vendor %q, status %d), want %v Failed 200", path, e.Code, e.VendorCode, e.HTTPStatus, want)
		}
	}
	if srv.OpenSessions() != 0 {
		t.Errorf("%d sessions left open after failures", srv.OpenSessions())
	}
	// A wrong password: LogOn answers Status=Failed with HTTP 200.
	cred := proCred(srv)
	cred.Secrets["password"] = "wrong-password"
	bad := open(t, srv, cred)
	_, err := connectors.Collect(bad.Query(t.Context(), latinReport.Path))
	if e := codeOf(t, err); e.Code != connectors.CodeUnauthenticated || e.VendorCode != "Failed" {
		t.Errorf("bad LogOn: %v", err)
	}
}

func TestProRaaSActions(t *testing.T) {
	srv := newFake(t, fakeukg.Config{})
	rep := latinReport
	rep.Parameters = []fakeukg.ReportParam{{Name: "StartDate", Required: true, DataType: "Date"}}
	srv.SetReport(rep)
	c := open(t, srv, proCred(srv), ukg.WithMaxActionRecords(2))
	list, err := execute(t, c, "ukg.pro.list_available_reports", map[string]any{})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(map[string]any{"reports": []any{map[string]any{"name": rep.Name, "path": rep.Path}}}, list); d != "" {
		t.Errorf("list (-want +got):\n%s", d)
	}
	ps, err := execute(t, c, "ukg.pro.get_report_parameters", map[string]any{"report_path": rep.Path})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(map[string]any{"parameters": []any{map[string]any{"name": "StartDate", "required": true, "data_type": "Date", "multi_valued": false}}}, ps); d != "" {
		t.Errorf("parameters (-want +got):\n%s", d)
	}
	// Without its required parameter the report fails (Status=Failed).
	if _, err := execute(t, c, "ukg.pro.execute_report", map[string]any{"report_path": rep.Path}); codeOf(t, err).Code != connectors.CodeInvalidArgument {
		t.Errorf("missing parameter: %v", err)
	}
	out, err := execute(t, c, "ukg.pro.execute_report", map[string]any{"report_path": rep.Path, "parameters": map[string]any{"StartDate": "01/01/2024"}})
	if err != nil {
		t.Fatal(err)
	}
	if out["count"] != float64(2) || out["truncated"] != true {
		t.Errorf("count %v truncated %v, want 2 true", out["count"], out["truncated"])
	}
	if got := srv.Executed(); len(got) != 1 || !strings.HasSuffix(got[0], "?StartDate=01/01/2024") {
		t.Errorf("executed %v", got)
	}
}

func TestProRESTPagingCasingAndDates(t *testing.T) {
	srv := newFake(t, fakeukg.Config{PageSize: 4})
	srv.SeedPro("person-details", 11)
	emp := srv.SeedPro("employee-employment-details", 9)
	c := open(t, srv, proCred(srv))
	ctx := t.Context()
	all, err := connectors.Collect(c.Get(ctx, connectors.Query{Entity: "person-details"}))
	if err != nil || len(all) != 11 {
		t.Fatalf("person-details: %d records, %v", len(all), err)
	}
	if n := srv.Calls("/personnel/v1/person-details"); n != 3 {
		t.Errorf("%d pages for 11 records of 4, want 3 (Link rel=next on the first two)", n)
	}
	if _, ok := all[0]["datetimeChanged"].(time.Time); !ok {
		t.Errorf("datetimeChanged is %T, want time.Time", all[0]["datetimeChanged"])
	}
	// companyID (capital D) on employee-employment-details: the fake refuses
	// a parameter in another casing, so a wrong name fails here.
	got, err := connectors.Collect(c.Get(ctx, connectors.Query{Entity: "employee-employment-details",
		Where: connectors.And{connectors.Eq("companyID", "J9A6Y"), connectors.Eq("employeeID", emp[2]["employeeID"])}}))
	if err != nil || len(got) != 1 || got[0]["employeeID"] != emp[2]["employeeID"] {
		t.Fatalf("by companyID and employeeID: %v %v", got, err)
	}
	// UKG's date operator: dateTimeChanged={from,to}, widened by a day on
	// the wire and exact after the residual.
	from := time.Date(2024, 1, 3, 0, 0, 0, 0, time.UTC)
	to := time.Date(2024, 1, 5, 23, 59, 59, 0, time.UTC)
	ranged, err := connectors.Collect(c.Get(ctx, connectors.Query{Entity: "person-details",
		Where: connectors.And{connectors.Ge("datetimeChanged", from), connectors.Le("datetimeChanged", to)}}))
	if err != nil {
		t.Fatal(err)
	}
	if len(ranged) != 3 {
		t.Errorf("%d records changed from Jan 3 to Jan 5, want 3", len(ranged))
	}
	ex, ok := connectors.Find[connectors.Explainer](c)
	if !ok {
		t.Fatal("no Explainer")
	}
	plan, err := ex.Explain(ctx, connectors.Query{Entity: "person-details", Where: connectors.Ge("datetimeChanged", from)})
	if err != nil || len(plan.Requests) == 0 || !strings.Contains(plan.Requests[0].URL, "dateTimeChanged=%3E01-02-2024") {
		t.Errorf("plan %+v %v", plan.Requests, err)
	}
}

// TestProOrgLevels reads the organization levels (configuration/v1
// org-levels) by their published parameters, typed by the OrgLevels model,
// and through the vocabulary's organization.
func TestProOrgLevels(t *testing.T) {
	srv := newFake(t, fakeukg.Config{PageSize: 4})
	levels := srv.SeedPro("org-levels", 10)
	c := open(t, srv, proCred(srv))
	ctx := t.Context()
	all, err := connectors.Collect(c.Get(ctx, connectors.Query{Entity: "org-levels"}))
	if err != nil || len(all) != 10 {
		t.Fatalf("org-levels: %d records, %v", len(all), err)
	}
	if all[0]["level"] != int64(1) || all[0]["isActive"] != true || all[0]["currentYearBudgetFTE"] != 12.5 {
		t.Errorf("typed %T %v, %T, %T", all[0]["level"], all[0]["level"], all[0]["isActive"], all[0]["currentYearBudgetFTE"])
	}
	// isActive and code go to the server (the fake refuses a parameter the
	// endpoint does not take); level is filtered here.
	want := levels[2]["code"]
	got, err := connectors.Collect(c.Get(ctx, connectors.Query{Entity: "org-levels",
		Where: connectors.And{connectors.Eq("isActive", true), connectors.Eq("code", want), connectors.Eq("level", int64(3))}}))
	if err != nil || len(got) != 1 || got[0]["code"] != want {
		t.Fatalf("by isActive, code and level: %v %v", got, err)
	}
	ex, ok := connectors.Find[connectors.Explainer](c)
	if !ok {
		t.Fatal("no Explainer")
	}
	plan, err := ex.Explain(ctx, connectors.Query{Entity: "org-levels",
		Where: connectors.And{connectors.Eq("isActive", true), connectors.Eq("code", want), connectors.Eq("level", int64(3))}})
	if err != nil || len(plan.Requests) == 0 || !strings.Contains(plan.Requests[0].URL, "/configuration/v1/org-levels?") ||
		!strings.Contains(plan.Requests[0].URL, "isActive=true") || !strings.Contains(plan.Requests[0].URL, "code="+want.(string)) {
		t.Errorf("plan %+v %v: want isActive and code as parameters", plan.Requests, err)
	}
	q, err := translate.Default().ToProduct(connectors.Query{Entity: "organization", Fields: []string{"organization_id", "name", "type"},
		Where: connectors.Eq("status", "INACTIVE")}, ukg.ProductPro)
	if err != nil {
		t.Fatal(err)
	}
	inactive, err := connectors.Collect(c.Get(ctx, q))
	if err != nil || len(inactive) != 2 {
		t.Fatalf("inactive organizations: %v %v", inactive, err)
	}
}

func TestProActionsEmployeesAndEarnings(t *testing.T) {
	srv := newFake(t, fakeukg.Config{PageSize: 5})
	srv.SeedPro("employee-employment-details", 8)
	srv.SeedPro("earnings-history-base-elements", 12)
	c := open(t, srv, proCred(srv))
	out, err := execute(t, c, "ukg.pro.get_employees", map[string]any{"status": "T"})
	if err != nil {
		t.Fatal(err)
	}
	if out["count"] != float64(2) {
		t.Errorf("terminated employees: %v", out["count"])
	}
	out, err = execute(t, c, "ukg.pro.get_earnings", map[string]any{"start_date": "2024-01-05", "end_date": "2024-01-18"})
	if err != nil {
		t.Fatal(err)
	}
	// Pay dates cycle over 6 fortnights from Jan 5: Jan 5 and Jan 19 ... ;
	// Jan 5 to Jan 18 holds the first fortnight only (2 of every 6 rows).
	if out["count"] != float64(2) {
		t.Errorf("earnings in the pay period: %v", out["count"])
	}
}

func TestWFMPagingByPageNumber(t *testing.T) {
	srv := newFake(t, fakeukg.Config{PageSize: 7})
	want := srv.SeedPersons(23)
	c := open(t, srv, wfmCred(srv))
	got, err := connectors.Collect(c.Get(t.Context(), connectors.Query{Entity: "persons"}))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%d persons, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i]["personNumber"] != want[i]["personNumber"] {
			t.Fatalf("record %d is %v, want %v (index must be a page number)", i, got[i]["personNumber"], want[i]["personNumber"])
		}
	}
	// index 0..3 with count 7: 7+7+7+2, the short page ends the read.
	if n := srv.Calls("/api/v1/commons/persons/apply_read"); n != 4 {
		t.Errorf("%d apply_read calls, want 4", n)
	}
}

func TestWFMMultiReadShapesAnd413(t *testing.T) {
	srv := newFake(t, fakeukg.Config{MaxEmployees: 3, AppKey: "app-key-1", RequireAppKey: true})
	srv.SeedPersons(8) // the Hyperfind's employees
	c := open(t, srv, wfmCred(srv))
	ctx := t.Context()
	week := connectors.And{connectors.Ge("startDate", connectors.DateOf(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))),
		connectors.Le("endDate", connectors.DateOf(time.Date(2024, 1, 7, 0, 0, 0, 0, time.UTC)))}
	tcs, err := connectors.Collect(c.Get(ctx, connectors.Query{Entity: "timecards", Where: week}))
	if err != nil {
		t.Fatal(err)
	}
	if len(tcs) != 8 {
		t.Errorf("%d timecards, want 8", len(tcs))
	}
	// 500 -> 413; halved to 250, 125 ... until 3 or fewer employees pass.
	b := srv.WFMBatches()
	if len(b) == 0 || b[0] != 8 || b[len(b)-1] > 3 {
		t.Errorf("batches %v: want 8 refused first, then batches of at most 3", b)
	}
	shifts, err := connectors.Collect(c.Get(ctx, connectors.Query{Entity: "schedules", Where: connectors.And{
		connectors.Ge("startDateTime", time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)), connectors.Lt("startDateTime", time.Date(2024, 1, 3, 0, 0, 0, 0, time.UTC))}}))
	if err != nil {
		t.Fatal(err)
	}
	if len(shifts) != 16 { // 8 employees, Jan 1 and Jan 2 (Mon, Tue); the fake sends Jan 3 too, the residual drops it
		t.Errorf("%d shifts, want 16", len(shifts))
	}
	acc, err := connectors.Collect(c.Get(ctx, connectors.Query{Entity: "accruals", AsOf: time.Date(2024, 3, 31, 0, 0, 0, 0, time.UTC)}))
	if err != nil {
		t.Fatal(err)
	}
	if len(acc) != 8 || acc[0]["accrualCode"].(map[string]any)["name"] != "Vacation" || acc[0]["employeeId"] == nil {
		t.Errorf("accruals %v", acc)
	}
	// Missing date range: INVALID_ARGUMENT before any call.
	_, err = connectors.Collect(c.Get(ctx, connectors.Query{Entity: "timecards"}))
	if codeOf(t, err).Code != connectors.CodeInvalidArgument {
		t.Errorf("timecards without a range: %v", err)
	}
	// The seed's capabilities.
	out, err := execute(t, c, "ukg.wfm.get_timecards", map[string]any{"start_date": "2024-01-01", "end_date": "2024-01-07"})
	if err != nil || out["count"] != float64(8) {
		t.Errorf("get_timecards: %v %v", out["count"], err)
	}
	out, err = execute(t, c, "ukg.wfm.get_schedules", map[string]any{"start_date": "2024-01-01", "end_date": "2024-01-02"})
	if err != nil || out["count"] != float64(16) {
		t.Errorf("get_schedules: %v %v", out["count"], err)
	}
	out, err = execute(t, c, "ukg.wfm.get_accruals", map[string]any{"as_of": "2024-03-31"})
	if err != nil || out["count"] != float64(8) {
		t.Errorf("get_accruals: %v %v", out["count"], err)
	}
	// Without the tenant's appkey the token endpoint refuses.
	cred := wfmCred(srv)
	delete(cred.Secrets, "appkey")
	if err := open(t, srv, cred).Connect(ctx); codeOf(t, err).Code != connectors.CodeUnauthenticated {
		t.Errorf("no appkey: %v", err)
	}
}

func TestWFMReportExecutionExport(t *testing.T) {
	srv := newFake(t, fakeukg.Config{WorkingPolls: 2})
	srv.SetWFMReport("TimeDetails", "Employee,Hours\r\nSilva0,8\r\nSilva1,7.5\r\n")
	srv.SetWFMReport("FailingReport", "x\r\n")
	c := open(t, srv, wfmCred(srv))
	bulk, ok := connectors.Find[connectors.BulkExporter](c)
	if !ok {
		t.Fatal("WFM has no BulkExporter")
	}
	ctx := t.Context()
	st, err := bulk.StartExport(ctx, connectors.Query{Entity: "report_executions", Where: connectors.Eq("name", "TimeDetails")})
	if err != nil {
		t.Fatal(err)
	}
	got, err := connectors.Collect(bulk.ExportResults(ctx, st.ID))
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]connectors.Record{{"Employee": "Silva0", "Hours": "8"}, {"Employee": "Silva1", "Hours": "7.5"}}, got); d != "" {
		t.Errorf("report rows (-want +got):\n%s", d)
	}
	st, err = bulk.StartExport(ctx, connectors.Query{Entity: "report_executions", Where: connectors.Eq("name", "FailingReport")})
	if err != nil {
		t.Fatal(err)
	}
	_, err = connectors.Collect(bulk.ExportResults(ctx, st.ID))
	if e := codeOf(t, err); e.VendorCode != "WFP-114011" {
		t.Errorf("failed execution: %v", err)
	}
	// The same report as a native query.
	rows, err := connectors.Collect(c.Query(ctx, "TimeDetails"))
	if err != nil || len(rows) != 2 {
		t.Errorf("native report: %v %v", rows, err)
	}
}

func TestReadyLoginEnvelopesAndReports(t *testing.T) {
	srv := newFake(t, fakeukg.Config{PageSize: 3})
	srv.SeedReadyEmployees(8)
	srv.SetReadyList("/time-entries", []map[string]any{
		{"employee": map[string]any{"account_id": int64(17291000)}, "start_date": "2024-01-01", "end_date": "2024-01-07",
			"time_entries": []any{
				map[string]any{"id": int64(1), "type": "TIME", "date": "2024-01-02", "start_time": "2024-01-02T09:00:00", "end_time": "2024-01-02T17:00:00", "total": int64(28800000)},
				map[string]any{"id": int64(2), "type": "TIME", "date": "2024-01-03", "total": int64(14400000)}}}})
	srv.SetReadyList("/config/cost-centers", []map[string]any{{"id": int64(60242681606), "name": "Atlanta", "tree_index": int64(0)}})
	srv.SetReadyReport("global/REPORT_CALCULATED_TIME_TA_COUNTER_DETAILED",
		[]string{"Employee Id", "Counter\u00a0Quantity", " Cost Center Full Path"}, [][]string{{"E0001", "2", "/Acme/Atlanta"}})
	c := open(t, srv, readyCred(srv))
	ctx := t.Context()
	emps, err := connectors.Collect(c.Get(ctx, connectors.Query{Entity: "employees"}))
	if err != nil || len(emps) != 8 {
		t.Fatalf("employees: %d %v", len(emps), err)
	}
	if _, ok := emps[0]["_links"]; ok {
		t.Error("_links kept")
	}
	te, err := connectors.Collect(c.Get(ctx, connectors.Query{Entity: "time_entries", Where: connectors.And{
		connectors.Ge("date", "2024-01-01"), connectors.Le("date", "2024-01-07")}}))
	if err != nil || len(te) != 2 || te[0]["employee"].(map[string]any)["account_id"] != int64(17291000) {
		t.Fatalf("time entries: %v %v", te, err)
	}
	if _, ok := te[0]["date"].(connectors.Date); !ok {
		t.Errorf("date is %T", te[0]["date"])
	}
	cc, err := connectors.Collect(c.Get(ctx, connectors.Query{Entity: "cost_centers"}))
	if err != nil || len(cc) != 1 {
		t.Fatalf("cost centers: %v %v", cc, err)
	}
	// One login served every call.
	if n := srv.ReadyLogins(); n != 1 {
		t.Errorf("%d logins, want 1", n)
	}
	// Headers kept exactly ...
	rows, err := connectors.Collect(c.Query(ctx, "global/REPORT_CALCULATED_TIME_TA_COUNTER_DETAILED"))
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]connectors.Record{{"Employee Id": "E0001", "Counter\u00a0Quantity": "2", " Cost Center Full Path": "/Acme/Atlanta"}}, rows); d != "" {
		t.Errorf("raw headers (-want +got):\n%s", d)
	}
	// ... or normalised, with the raw header kept in the columns.
	n := open(t, srv, readyCred(srv), ukg.WithReportHeaders(ukg.HeadersNormalized))
	out, err := execute(t, n, "ukg.ready.run_report", map[string]any{"kind": "global", "id": "REPORT_CALCULATED_TIME_TA_COUNTER_DETAILED",
		"selectors": []any{map[string]any{"name": "TACounterRecordDate", "parameters": map[string]any{"RangeType": "1", "CalendarType": "40", "CalendarNDays": "30"}}}})
	if err != nil {
		t.Fatal(err)
	}
	wantCols := []any{map[string]any{"name": "Employee Id", "raw": "Employee Id"}, map[string]any{"name": "Counter Quantity", "raw": "Counter\u00a0Quantity"},
		map[string]any{"name": "Cost Center Full Path", "raw": " Cost Center Full Path"}}
	if d := cmp.Diff(wantCols, out["columns"]); d != "" {
		t.Errorf("columns (-want +got):\n%s", d)
	}
	if rec := out["records"].([]any)[0].(map[string]any); rec["Counter Quantity"] != "2" {
		t.Errorf("normalised record %v", rec)
	}
}

func TestReadyBadLoginAndRateLimitCode100(t *testing.T) {
	srv := newFake(t, fakeukg.Config{})
	srv.SeedReadyEmployees(4)
	cred := readyCred(srv)
	cred.Secrets["password"] = "nope"
	if err := open(t, srv, cred).Connect(t.Context()); codeOf(t, err).Code != connectors.CodeUnauthenticated {
		t.Errorf("bad login: %v", err)
	}
	// errors[0].code 100 on an HTTP 400: still the rate limit, retried.
	srv.Faults.Respond[fault.RateLimit] = fakeukg.ReadyRateLimit(http.StatusBadRequest)
	c := open(t, srv, readyCred(srv), connectors.WithRetry(connectors.RetryPolicy{MaxAttempts: 3, MinBackoff: time.Millisecond, MaxBackoff: 2 * time.Millisecond}))
	if err := c.Connect(t.Context()); err != nil {
		t.Fatal(err)
	}
	srv.Faults.Next(fault.RateLimit, 2)
	got, err := connectors.Collect(c.Get(t.Context(), connectors.Query{Entity: "employees"}))
	if err != nil || len(got) != 4 {
		t.Fatalf("after two code-100 answers: %d %v", len(got), err)
	}
	srv.Faults.Next(fault.RateLimit, 10)
	_, err = connectors.Collect(c.Get(t.Context(), connectors.Query{Entity: "employees"}))
	if e := codeOf(t, err); e.Code != connectors.CodeRateLimited || e.VendorCode != "100" {
		t.Errorf("persistent code 100: %v (vendor %q)", err, e.VendorCode)
	}
}

func TestReadyWholeListReadOnce(t *testing.T) {
	srv := newFake(t, fakeukg.Config{PageSize: 3, ReadyWhole: true})
	srv.SeedReadyEmployees(3) // exactly a page: page 2 repeats page 1
	c := open(t, srv, readyCred(srv))
	got, err := connectors.Collect(c.Get(t.Context(), connectors.Query{Entity: "employees"}))
	if err != nil || len(got) != 3 {
		t.Fatalf("%d %v", len(got), err)
	}
	srv.SeedReadyEmployees(10) // more than a page: one call
	got, err = connectors.Collect(c.Get(t.Context(), connectors.Query{Entity: "employees"}))
	if err != nil || len(got) != 10 {
		t.Fatalf("%d %v", len(got), err)
	}
}

func TestCredentialKeysNamed(t *testing.T) {
	srv := newFake(t, fakeukg.Config{})
	type connectorsCred struct {
		c    *credentials.Credential
		drop string
	}
	for _, cred := range []*connectorsCred{{proCred(srv), "customer_api_key"}, {wfmCred(srv), "client_secret"}, {readyCred(srv), "company"}} {
		delete(cred.c.Secrets, cred.drop)
		_, err := ukg.New(t.Context(), cred.c)
		e := codeOf(t, err)
		if e.Code != connectors.CodeInvalidArgument || !strings.Contains(e.Message, cred.drop) {
			t.Errorf("%s without %s: %v", cred.c.ProductID, cred.drop, err)
		}
	}
}
