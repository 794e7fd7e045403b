package workday_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/workdaysim"
)

// step is one call of the parity scenario, or a control action on the
// simulator behind the connector (inject a failure, advance the clock).
type step struct {
	name    string
	action  string
	params  map[string]any
	p       connectors.Principal
	inject  string // inject this failure (until healed) before the call
	advance time.Duration
}

// outcome is what a step gave: the result, or the error's codes.
type outcome struct {
	Result     map[string]any
	Code       string
	VendorCode string
	HTTPStatus int
}

func human(id string, groups ...string) connectors.Principal {
	return connectors.Principal{ID: id, Type: connectors.PrincipalHuman, Groups: groups}
}

var parityScenario = []step{
	{name: "lookup", action: workdaysim.CapGetEmployee, params: map[string]any{"employee_id": "EMP001"}, p: human("EMP042")},
	{name: "lookup full", action: workdaysim.CapGetEmployeeFull, params: map[string]any{"employee_id": "EMP001"}, p: human("hr1")},
	{name: "direct reports", action: workdaysim.CapListDirectReports, params: map[string]any{"manager_id": "EMP042"}, p: human("EMP042")},
	{name: "org chart of a worker", action: workdaysim.CapGetOrgChart, params: map[string]any{"root_id": "EMP100", "depth": 2}, p: human("EMP100")},
	{name: "org chart of an organization", action: workdaysim.CapGetOrgChart, params: map[string]any{"root_id": "DEPT-ENG"}, p: human("EMP100")},
	{name: "manager chain", action: workdaysim.CapGetManagerChain, params: map[string]any{"employee_id": "EMP001"}, p: human("EMP001")},
	{name: "balance", action: workdaysim.CapGetBalance, params: map[string]any{"employee_id": "EMP001"}, p: human("EMP001")},
	{name: "request (to approve)", action: workdaysim.CapRequestTimeOff, params: map[string]any{"employee_id": "EMP001", "type": "PTO",
		"start_date": "2026-02-09", "end_date": "2026-02-10", "notes": "long weekend"}, p: human("EMP001")},
	{name: "approve", action: workdaysim.CapApproveTimeOff, params: map[string]any{"request_id": "TOR-003", "approver_id": "EMP042", "comments": "enjoy"}, p: human("EMP042")},
	{name: "approve again", action: workdaysim.CapApproveTimeOff, params: map[string]any{"request_id": "TOR-003", "approver_id": "EMP042"}, p: human("EMP042")},
	{name: "request (to cancel)", action: workdaysim.CapRequestTimeOff, params: map[string]any{"employee_id": "EMP001", "type": "SICK",
		"start_date": "2026-03-02", "end_date": "2026-03-02", "hours": 4.5}, p: human("EMP001")},
	{name: "cancel by another", action: workdaysim.CapCancelTimeOff, params: map[string]any{"request_id": "TOR-004"}, p: human("EMP042")},
	{name: "cancel", action: workdaysim.CapCancelTimeOff, params: map[string]any{"request_id": "TOR-004", "reason": "feeling better"}, p: human("EMP001")},
	{name: "request (to reject)", action: workdaysim.CapRequestTimeOff, params: map[string]any{"employee_id": "EMP001", "type": "PTO",
		"start_date": "2026-03-07", "end_date": "2026-03-09"}, p: human("EMP001")},
	{name: "rejected approval", action: workdaysim.CapApproveTimeOff, params: map[string]any{"request_id": "TOR-005", "approver_id": "EMP003"}, p: human("EMP003")},
	{name: "approve as someone else", action: workdaysim.CapApproveTimeOff, params: map[string]any{"request_id": "TOR-005", "approver_id": "EMP042"}, p: human("EMP003")},
	// Workday records an approval for the person the step awaits (the
	// manager): an admin approves as that person.
	{name: "admin approves for the manager", action: workdaysim.CapApproveTimeOff, params: map[string]any{"request_id": "TOR-005", "approver_id": "EMP042"}, p: human("hr1", workdaysim.AdminGroup)},
	{name: "requests", action: workdaysim.CapListRequests, params: map[string]any{"employee_id": "EMP001"}, p: human("EMP001")},
	{name: "pending requests", action: workdaysim.CapListRequests, params: map[string]any{"employee_id": "EMP001", "status_filter": []any{"PENDING", "CANCELLED"},
		"date_range": map[string]any{"start": "2026-01-01", "end": "2026-12-31"}}, p: human("EMP001")},
	{name: "approved request", action: workdaysim.CapGetRequest, params: map[string]any{"request_id": "TOR-003"}, p: human("EMP001")},
	{name: "cancelled request", action: workdaysim.CapGetRequest, params: map[string]any{"request_id": "TOR-004"}, p: human("EMP001")},
	{name: "balance after", action: workdaysim.CapGetBalance, params: map[string]any{"employee_id": "EMP001", "as_of_date": "2026-02-01"}, p: human("EMP001")},
	{name: "update", action: workdaysim.CapUpdateEmployee, params: map[string]any{"employee_id": "EMP003",
		"updates": map[string]any{"job": map[string]any{"title": "Staff Engineer"}},
		"reason":  "promotion"}, p: human("hr1")},
	{name: "terminate", action: workdaysim.CapTerminateEmployee, params: map[string]any{"employee_id": "EMP003", "termination_date": "2026-02-13",
		"reason_code": "VOLUNTARY_RESIGNATION", "notes": "moving abroad"}, p: human("hr1")},
	{name: "terminate again", action: workdaysim.CapTerminateEmployee, params: map[string]any{"employee_id": "EMP003", "termination_date": "2026-02-13",
		"reason_code": "VOLUNTARY_RESIGNATION"}, p: human("hr1")},
	{name: "compensation", action: workdaysim.CapGetCompensation, params: map[string]any{"employee_id": "EMP001"}, p: human("EMP001")},
	{name: "pay statements", action: workdaysim.CapListPayStatements, params: map[string]any{"employee_id": "EMP001"}, p: human("EMP001")},
	{name: "pay statements of last year", action: workdaysim.CapListPayStatements, params: map[string]any{"employee_id": "EMP001", "year": 2025}, p: human("EMP001")},
	{name: "pay statement", action: workdaysim.CapGetPayStatement, params: map[string]any{"employee_id": "EMP001", "statement_id": "PAY-2026-01"}, p: human("EMP001")},
	// every error code
	{name: "EMPLOYEE_NOT_FOUND", action: workdaysim.CapGetEmployee, params: map[string]any{"employee_id": "EMP999"}, p: human("EMP001")},
	{name: "EMPLOYEE_NOT_FOUND in reports", action: workdaysim.CapListDirectReports, params: map[string]any{"manager_id": "EMP999"}, p: human("EMP001")},
	{name: "EMPLOYEE_NOT_FOUND in a request", action: workdaysim.CapRequestTimeOff, params: map[string]any{"employee_id": "EMP999", "type": "PTO",
		"start_date": "2026-02-09", "end_date": "2026-02-09"}, p: human("EMP001")},
	{name: "REQUEST_NOT_FOUND", action: workdaysim.CapGetRequest, params: map[string]any{"request_id": "TOR-999"}, p: human("EMP001")},
	{name: "REQUEST_NOT_FOUND on approve", action: workdaysim.CapApproveTimeOff, params: map[string]any{"request_id": "TOR-999", "approver_id": "EMP042"}, p: human("EMP042")},
	{name: "STATEMENT_NOT_FOUND", action: workdaysim.CapGetPayStatement, params: map[string]any{"employee_id": "EMP001", "statement_id": "PAY-2026-24"}, p: human("EMP001")},
	{name: "INSUFFICIENT_BALANCE", action: workdaysim.CapRequestTimeOff, params: map[string]any{"employee_id": "EMP001", "type": "PTO",
		"start_date": "2026-04-01", "end_date": "2026-05-29"}, p: human("EMP001")},
	{name: "INVALID_DATE_RANGE", action: workdaysim.CapRequestTimeOff, params: map[string]any{"employee_id": "EMP001", "type": "PTO",
		"start_date": "2026-02-10", "end_date": "2026-02-09"}, p: human("EMP001")},
	{name: "INVALID_DATE_RANGE in a list", action: workdaysim.CapListRequests, params: map[string]any{"employee_id": "EMP001",
		"date_range": map[string]any{"start": "2026-12-31", "end": "2026-01-01"}}, p: human("EMP001")},
	{name: "VALIDATION_ERROR depth", action: workdaysim.CapGetOrgChart, params: map[string]any{"root_id": "EMP100", "depth": 11}, p: human("EMP100")},
	{name: "VALIDATION_ERROR missing", action: workdaysim.CapGetEmployee, params: map[string]any{}, p: human("EMP100")},
	{name: "VALIDATION_ERROR reason", action: workdaysim.CapTerminateEmployee, params: map[string]any{"employee_id": "EMP001", "termination_date": "2026-02-13",
		"reason_code": "BORED"}, p: human("hr1")},
	{name: "VALIDATION_ERROR type", action: workdaysim.CapRequestTimeOff, params: map[string]any{"employee_id": "EMP001", "type": "SABBATICAL",
		"start_date": "2026-02-09", "end_date": "2026-02-09"}, p: human("EMP001")},
	{name: "VALIDATION_ERROR no change", action: workdaysim.CapUpdateEmployee, params: map[string]any{"employee_id": "EMP001", "updates": map[string]any{}}, p: human("hr1")},
	{name: "NOT_PERMITTED type", action: workdaysim.CapTerminateEmployee, params: map[string]any{"employee_id": "EMP001", "termination_date": "2026-02-13",
		"reason_code": "OTHER"}, p: connectors.Principal{ID: "bot", Type: connectors.PrincipalAIAgent}},
	{name: "NOT_PERMITTED no principal", action: workdaysim.CapCancelTimeOff, params: map[string]any{"request_id": "TOR-002"}},
	{name: "UNKNOWN_ACTION", action: "workday.hcm.fire_everyone", params: map[string]any{}, p: human("EMP001")},
	{name: "CONNECTOR_TIMEOUT", action: workdaysim.CapGetEmployee, params: map[string]any{"employee_id": "EMP001"}, p: human("EMP001"), inject: workdaysim.ErrCodeConnectorTimeout},
	{name: "CONNECTOR_UNAVAILABLE", action: workdaysim.CapGetBalance, params: map[string]any{"employee_id": "EMP001"}, p: human("EMP001"), inject: workdaysim.ErrCodeConnectorUnavailable},
	{name: "RATE_LIMITED", action: workdaysim.CapListRequests, params: map[string]any{"employee_id": "EMP001"}, p: human("EMP001"), inject: workdaysim.ErrCodeRateLimited},
	{name: "after the termination date", advance: 20 * 24 * time.Hour},
	{name: "EMPLOYEE_INACTIVE", action: workdaysim.CapGetEmployee, params: map[string]any{"employee_id": "EMP003"}, p: human("EMP042")},
	{name: "EMPLOYEE_INACTIVE chain", action: workdaysim.CapGetManagerChain, params: map[string]any{"employee_id": "EMP003"}, p: human("EMP042")},
	{name: "EMPLOYEE_INACTIVE org chart", action: workdaysim.CapGetOrgChart, params: map[string]any{"root_id": "EMP003"}, p: human("EMP042")},
	{name: "direct reports without the leaver", action: workdaysim.CapListDirectReports, params: map[string]any{"manager_id": "EMP042"}, p: human("EMP042")},
	{name: "updated record", action: workdaysim.CapGetEmployeeFull, params: map[string]any{"employee_id": "EMP003"}, p: human("hr1")},
}

// runScenario runs the scenario through the Connector port; sim is the
// simulator whose state and failures the connector reaches.
func runScenario(t *testing.T, conn connectors.Connector, sim *workdaysim.Simulator) map[string]outcome {
	t.Helper()
	ctx := context.Background()
	out := map[string]outcome{}
	for _, s := range parityScenario {
		if s.advance > 0 {
			sim.Clock().Advance(s.advance)
			continue
		}
		if s.inject != "" {
			if err := sim.InjectFailure(s.inject, -1); err != nil {
				t.Fatal(err)
			}
		}
		res, err := conn.Execute(ctx, s.action, connectors.WithPrincipal(s.params, s.p))
		if s.inject != "" {
			sim.Heal()
		}
		var o outcome
		if err != nil {
			var e *connectors.Error
			if !errors.As(err, &e) {
				t.Fatalf("%s: %T is not a *connectors.Error: %v", s.name, err, err)
			}
			o = outcome{Code: e.Code.String(), VendorCode: e.VendorCode, HTTPStatus: e.HTTPStatus}
		} else {
			o = outcome{Result: res}
		}
		out[s.name] = o
	}
	return out
}

// TestParity runs one scenario against the simulator in process and
// against the real connector over the simulator's HTTP handler (TLS), and
// requires identical results and identical error codes, vendor codes and
// statuses.
func TestParity(t *testing.T) {
	inproc := newSim(t)
	want := runScenario(t, inproc, inproc)

	w := newWire(t, newSim(t))
	got := runScenario(t, w.open(t, fastRetry), w.sim)

	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("the real connector over HTTP differs from the simulator in process (-simulator +connector):\n%s", d)
	}
	codes := map[string]bool{}
	for _, o := range want {
		if o.VendorCode != "" {
			codes[o.VendorCode] = true
		}
	}
	for _, ec := range workdaysim.ErrorCodes() {
		if !codes[ec.Code] {
			t.Errorf("the scenario never reaches %s", ec.Code)
		}
	}
	for _, name := range []string{"approve", "cancel", "update", "terminate", "pay statement", "org chart of an organization"} {
		if want[name].Result == nil {
			t.Errorf("step %q failed: %+v", name, want[name])
		}
	}
	if err := w.sim.CheckInvariants(); err != nil {
		t.Error(err)
	}
	if d := cmp.Diff(inproc.Totals(), w.sim.Totals()); d != "" {
		t.Errorf("the two simulators' states differ (-in process +behind HTTP):\n%s", d)
	}
}
