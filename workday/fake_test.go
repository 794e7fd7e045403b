package workday_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/connectortest"
	fakewd "github.com/xlr8/connectors/internal/fake/workday"
	"github.com/xlr8/connectors/workday"
	"github.com/xlr8/connectors/workdaysim"
)

// fakeHarness runs the conformance suite against the connector over the
// independent fake (internal/fake/workday on the fake kit).
type fakeHarness struct{ f *fakewd.Fake }

func (h *fakeHarness) Open(ctx context.Context, opts ...connectors.Option) (connectors.Connector, error) {
	all := append([]connectors.Option{connectors.WithHTTPClient(h.f.Server.Client()), workday.WithPageSize(10)}, opts...)
	return workday.New(ctx, h.f.Credential(), all...)
}

func (h *fakeHarness) Entity() string      { return workday.EntityWorkers }
func (h *fakeHarness) IDField() string     { return "workerId" }
func (h *fakeHarness) FilterField() string { return "primaryJob.supervisoryOrganization.descriptor" }
func (h *fakeHarness) PageSize() int       { return 10 }

func (h *fakeHarness) Seed(ctx context.Context, n int) ([]connectors.Record, error) {
	ws := h.f.Seed(n)
	out := make([]connectors.Record, len(ws))
	for i, w := range ws {
		out[i] = connectors.Record{"workerId": w.EmployeeID, "primaryJob.supervisoryOrganization.descriptor": w.Org}
	}
	return out, nil
}

func (h *fakeHarness) Inject(f connectortest.Fault, n int) bool {
	return h.f.Server.Inject(string(f), n)
}
func (h *fakeHarness) Heal()              { h.f.Server.Heal() }
func (h *fakeHarness) TokenRequests() int { return h.f.OAuth.Requests("refresh_token") }

func (h *fakeHarness) Secrets() []string {
	return append([]string{fakewd.ClientSecret, fakewd.RefreshToken}, h.f.OAuth.Issued()...)
}

// TestConformanceOverFake runs connectortest against the independent fake.
func TestConformanceOverFake(t *testing.T) {
	connectortest.Run(t, func(ctx context.Context, t *testing.T) (connectortest.Harness, error) {
		f := fakewd.New(0)
		t.Cleanup(f.Close)
		return &fakeHarness{f: f}, nil
	})
}

// TestFakeFlows runs the capabilities the fake serves through the
// connector: direct reports, balances, and the Change Job draft.
func TestFakeFlows(t *testing.T) {
	f := fakewd.New(7)
	defer f.Close()
	ctx := context.Background()
	conn, err := workday.New(ctx, f.Credential(), connectors.WithHTTPClient(f.Server.Client()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	hr := connectors.WithPrincipal
	p := human("hr1")
	out, err := conn.Execute(ctx, workdaysim.CapListDirectReports, hr(map[string]any{"manager_id": "21001"}, p))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"manager_id": "21001", "count": float64(2), "direct_reports": []any{
		map[string]any{"employee_id": "21004", "display_name": "Worker 21004", "title": "Analyst", "start_date": "2013-04-04"},
		map[string]any{"employee_id": "21007", "display_name": "Worker 21007", "title": "Analyst", "start_date": "2016-07-07"}}}
	if d := cmp.Diff(want, out); d != "" {
		t.Errorf("direct reports (-want +got):\n%s", d)
	}
	bal, err := conn.Execute(ctx, workdaysim.CapGetBalance, hr(map[string]any{"employee_id": "21002", "as_of_date": "2026-01-31"}, p))
	if err != nil {
		t.Fatal(err)
	}
	if b := bal["balances"].([]any)[0].(map[string]any); b["available_hours"] != float64(16) || b["type"] != "PTO" {
		t.Errorf("balance %v", bal)
	}
	f.Log()
	up, err := conn.Execute(ctx, workdaysim.CapUpdateEmployee, hr(map[string]any{"employee_id": "21003",
		"updates": map[string]any{"job": map[string]any{"title": "Lead Analyst"}}, "effective_date": "2026-02-01"}, p))
	if err != nil {
		t.Fatal(err)
	}
	if up["status"] != workdaysim.TxnCompleted || up["effective_date"] != "2026-02-01" {
		t.Errorf("update %v", up)
	}
	var flow []string
	for _, l := range f.Log() {
		if !strings.HasPrefix(l, "GET ") {
			flow = append(flow, l[:strings.Index(l, " ")]+" "+l[strings.LastIndex(l, "/")+1:])
		}
	}
	// POST .../jobChanges, PATCH .../businessTitle/{id}, POST .../submit
	if len(flow) != 3 || flow[0] != "POST jobChanges" || !strings.HasPrefix(flow[1], "PATCH ") || flow[2] != "POST submit" {
		t.Errorf("the Change Job flow: %q", flow)
	}
	if f.Workers()[2].Title != "Lead Analyst" {
		t.Errorf("the fake's worker after submit: %+v", f.Workers()[2])
	}
}

// TestFakeTimeOffFlow requests time off and approves it on the
// independent fake: Request Time Off with the Submit action, the event,
// its step awaiting the manager, the approval; and Workday's A1011 when
// the balance does not cover the request.
func TestFakeTimeOffFlow(t *testing.T) {
	f := fakewd.New(7)
	defer f.Close()
	ctx := context.Background()
	conn, err := workday.New(ctx, f.Credential(), connectors.WithHTTPClient(f.Server.Client()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	worker, manager := human("21004"), human("21001")
	sub, err := conn.Execute(ctx, workdaysim.CapRequestTimeOff, connectors.WithPrincipal(map[string]any{"employee_id": "21004", "type": "PTO",
		"start_date": "2026-02-09", "end_date": "2026-02-10"}, worker))
	if err != nil {
		t.Fatal(err)
	}
	id, _ := sub["request_id"].(string)
	if sub["status"] != workdaysim.RequestPending || len(id) != 32 || sub["estimated_balance_after"] != float64(16) ||
		sub["approver"].(map[string]any)["employee_id"] != "21001" {
		t.Fatalf("submission %v", sub)
	}
	if _, err := conn.Execute(ctx, workdaysim.CapApproveTimeOff, connectors.WithPrincipal(map[string]any{"request_id": id, "approver_id": "21002"}, human("21002"))); !errors.Is(err, connectors.ErrPermissionDenied) {
		t.Errorf("approval by someone the step does not await: %v", err)
	}
	ok, err := conn.Execute(ctx, workdaysim.CapApproveTimeOff, connectors.WithPrincipal(map[string]any{"request_id": id, "approver_id": "21001"}, manager))
	if err != nil || ok["status"] != workdaysim.RequestApproved || ok["approved_at"] == "" {
		t.Fatalf("approval %v %v", ok, err)
	}
	_, err = conn.Execute(ctx, workdaysim.CapRequestTimeOff, connectors.WithPrincipal(map[string]any{"employee_id": "21004", "type": "PTO",
		"start_date": "2026-03-02", "end_date": "2026-03-13"}, worker))
	var e *connectors.Error
	if !errors.As(err, &e) || e.VendorCode != workday.ErrCodeInsufficientBalance || e.Details["workday_code"] != "A1011" {
		t.Errorf("a request beyond the balance: %v", err)
	}
}

// TestFakeRequestsByDatePrompts lists requests on the fake: the date range
// goes out as the report's Start_Date and End_Date prompts and the report's
// text values ("16") read as numbers.
func TestFakeRequestsByDatePrompts(t *testing.T) {
	f := fakewd.New(7)
	defer f.Close()
	ctx := context.Background()
	conn, err := workday.New(ctx, f.Credential(), connectors.WithHTTPClient(f.Server.Client()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	p := human("21004")
	for _, d := range [][2]string{{"2026-02-09", "2026-02-10"}, {"2026-04-06", "2026-04-06"}} {
		if _, err := conn.Execute(ctx, workdaysim.CapRequestTimeOff, connectors.WithPrincipal(map[string]any{"employee_id": "21004", "type": "PTO",
			"start_date": d[0], "end_date": d[1]}, p)); err != nil {
			t.Fatal(err)
		}
	}
	f.Log()
	out, err := conn.Execute(ctx, workdaysim.CapListRequests, connectors.WithPrincipal(map[string]any{"employee_id": "21004",
		"date_range": map[string]any{"start": "2026-02-01", "end": "2026-02-28"}}, p))
	if err != nil {
		t.Fatal(err)
	}
	reqs := out["requests"].([]any)
	if len(reqs) != 1 || reqs[0].(map[string]any)["hours"] != float64(16) || reqs[0].(map[string]any)["start_date"] != "2026-02-09" {
		t.Errorf("February's requests: %v", out)
	}
}
