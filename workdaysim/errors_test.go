package workdaysim_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/workdaysim"
)

// snapshot captures the whole state a caller can see, to prove a failed
// call changed nothing.
func snapshot(t *testing.T, sim *workdaysim.Simulator) map[string]any {
	t.Helper()
	out := map[string]any{}
	for _, ent := range []string{workdaysim.EntityWorkers, workdaysim.EntityTimeOffRequests, workdaysim.EntityTimeOffBalances} {
		recs, err := connectors.Collect(sim.Get(context.Background(), connectors.Query{Entity: ent}))
		if err != nil {
			t.Fatalf("snapshot of %s: %v", ent, err)
		}
		out[ent] = recs
	}
	out["transactions"] = sim.Transactions()
	return out
}

func asError(t *testing.T, err error) *connectors.Error {
	t.Helper()
	var e *connectors.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %T is not a *connectors.Error: %v", err, err)
	}
	return e
}

func params(principal string, kv ...any) map[string]any {
	m := map[string]any{connectors.ParamPrincipal: principal, connectors.ParamType: "HUMAN"}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1]
	}
	return m
}

// TestErrorCodes triggers every error code of the table through Execute
// and checks the code, portable code, HTTP status, retry_allowed, details,
// and that the state did not change.
func TestErrorCodes(t *testing.T) {
	cases := []struct {
		name    string
		setup   func(*workdaysim.Simulator)
		inject  string // a failure injected once, after the snapshot
		action  string
		params  map[string]any
		code    string
		details map[string]any
		message string
	}{
		{name: "employee not found", action: workdaysim.CapGetEmployee, params: params("EMP001", "employee_id", "EMP999"),
			code: workdaysim.ErrCodeEmployeeNotFound, details: map[string]any{"employee_id": "EMP999"}, message: "Employee with ID 'EMP999' not found"},
		{name: "request not found", action: workdaysim.CapGetRequest, params: params("EMP001", "request_id", "TOR-999"),
			code: workdaysim.ErrCodeRequestNotFound, details: map[string]any{"request_id": "TOR-999"}},
		{name: "statement not yet paid", action: workdaysim.CapGetPayStatement, params: params("EMP001", "employee_id", "EMP001", "statement_id", "PAY-2026-02"),
			code: workdaysim.ErrCodeStatementNotFound, details: map[string]any{"employee_id": "EMP001", "statement_id": "PAY-2026-02"}},
		{name: "statement id malformed", action: workdaysim.CapGetPayStatement, params: params("EMP001", "employee_id", "EMP001", "statement_id", "PAY-2026-99"),
			code: workdaysim.ErrCodeStatementNotFound},
		{name: "insufficient balance", action: workdaysim.CapRequestTimeOff,
			params: params("EMP001", "employee_id", "EMP001", "type", "PTO", "start_date", "2026-06-01", "end_date", "2026-06-30", "hours", 200.0),
			code:   workdaysim.ErrCodeInsufficientBalance, details: map[string]any{"employee_id": "EMP001", "type": "PTO", "requested_hours": 200.0, "available_hours": 120.0}},
		{name: "request dates reversed", action: workdaysim.CapRequestTimeOff,
			params: params("EMP001", "employee_id", "EMP001", "type", "PTO", "start_date", "2026-06-05", "end_date", "2026-06-01"),
			code:   workdaysim.ErrCodeInvalidDateRange, details: map[string]any{"field": "start_date", "start": "2026-06-05", "end": "2026-06-01"}},
		{name: "list range reversed", action: workdaysim.CapListRequests,
			params: params("EMP001", "employee_id", "EMP001", "date_range", map[string]any{"start": "2026-12-31", "end": "2026-01-01"}),
			code:   workdaysim.ErrCodeInvalidDateRange},
		{name: "termination before start", action: workdaysim.CapTerminateEmployee,
			params: params("EMP300", "employee_id", "EMP001", "termination_date", "2020-01-01", "reason_code", "OTHER"),
			code:   workdaysim.ErrCodeInvalidDateRange},
		{name: "approver outside the chain", action: workdaysim.CapApproveTimeOff, params: params("EMP401", "request_id", "TOR-002", "approver_id", "EMP401"),
			code: workdaysim.ErrCodeInvalidApprover, details: map[string]any{"request_id": "TOR-002", "approver_id": "EMP401", "employee_id": "EMP001"}},
		{name: "employee approves own request", action: workdaysim.CapApproveTimeOff, params: params("EMP001", "request_id", "TOR-002", "approver_id", "EMP001"),
			code: workdaysim.ErrCodeInvalidApprover},
		{name: "approve an approved request", action: workdaysim.CapApproveTimeOff, params: params("EMP042", "request_id", "TOR-001", "approver_id", "EMP042"),
			code: workdaysim.ErrCodeAlreadyProcessed, details: map[string]any{"request_id": "TOR-001", "status": "APPROVED"}},
		{name: "cancel a cancelled request", action: workdaysim.CapCancelTimeOff, params: params("EMP001", "request_id", "TOR-002"),
			setup: func(s *workdaysim.Simulator) {
				_, _ = s.Execute(context.Background(), workdaysim.CapCancelTimeOff, params("EMP001", "request_id", "TOR-002"))
			},
			code: workdaysim.ErrCodeAlreadyProcessed, details: map[string]any{"request_id": "TOR-002", "status": "CANCELLED"}},
		{name: "cancel an approved request already started", action: workdaysim.CapCancelTimeOff, params: params("EMP001", "request_id", "TOR-001"),
			setup: func(s *workdaysim.Simulator) { s.Clock().Set(time.Date(2026, 2, 11, 9, 0, 0, 0, time.UTC)) },
			code:  workdaysim.ErrCodeAlreadyProcessed},
		{name: "terminate twice", action: workdaysim.CapTerminateEmployee,
			params: params("EMP300", "employee_id", "EMP003", "termination_date", "2026-04-01", "reason_code", "OTHER"),
			setup: func(s *workdaysim.Simulator) {
				_, _ = s.Execute(context.Background(), workdaysim.CapTerminateEmployee, params("EMP300", "employee_id", "EMP003", "termination_date", "2026-03-01", "reason_code", "RETIREMENT"))
			},
			code: workdaysim.ErrCodeAlreadyProcessed},
		{name: "timeout", action: workdaysim.CapGetEmployee, params: params("EMP001", "employee_id", "EMP001"),
			inject: workdaysim.ErrCodeConnectorTimeout,
			code:   workdaysim.ErrCodeConnectorTimeout, details: map[string]any{"simulated": true}},
		{name: "unavailable (a write changes nothing)", action: workdaysim.CapRequestTimeOff,
			params: params("EMP001", "employee_id", "EMP001", "type", "PTO", "start_date", "2026-06-01", "end_date", "2026-06-01"),
			inject: workdaysim.ErrCodeConnectorUnavailable,
			code:   workdaysim.ErrCodeConnectorUnavailable},
		{name: "rate limited", action: workdaysim.CapCancelTimeOff, params: params("EMP001", "request_id", "TOR-002"),
			inject: workdaysim.ErrCodeRateLimited,
			code:   workdaysim.ErrCodeRateLimited, details: map[string]any{"retry_after_seconds": 1.0}},
		{name: "inactive employee", action: workdaysim.CapGetEmployee, params: params("EMP001", "employee_id", "EMP099"),
			code: workdaysim.ErrCodeEmployeeInactive, details: map[string]any{"employee_id": "EMP099", "termination_date": "2025-11-30"}},
		{name: "time off for an inactive employee", action: workdaysim.CapRequestTimeOff,
			params: params("EMP099", "employee_id", "EMP099", "type", "PTO", "start_date", "2026-06-01", "end_date", "2026-06-01"),
			code:   workdaysim.ErrCodeEmployeeInactive},
		{name: "validation", action: workdaysim.CapGetEmployee, params: params("EMP001"),
			code: workdaysim.ErrCodeValidation, details: map[string]any{"field": "employee_id"}},
		{name: "unknown action", action: "workday.hcm.fire_everyone", params: params("EMP001"),
			code: workdaysim.ErrCodeUnknownAction},
		{name: "principal type not allowed", action: workdaysim.CapGetEmployeeFull,
			params: map[string]any{"employee_id": "EMP001", connectors.ParamPrincipal: "bot", connectors.ParamType: "AI_AGENT"},
			code:   workdaysim.ErrCodeNotPermitted},
		{name: "cancel someone else's request", action: workdaysim.CapCancelTimeOff, params: params("EMP003", "request_id", "TOR-002"),
			code: workdaysim.ErrCodeNotPermitted, details: map[string]any{"request_id": "TOR-002", "principal": "EMP003", "employee_id": "EMP001"}},
		{name: "cancel without a principal", action: workdaysim.CapCancelTimeOff, params: map[string]any{"request_id": "TOR-002"},
			code: workdaysim.ErrCodeNotPermitted},
		{name: "approve on someone else's behalf", action: workdaysim.CapApproveTimeOff, params: params("EMP003", "request_id", "TOR-002", "approver_id", "EMP042"),
			code: workdaysim.ErrCodeNotPermitted},
	}
	seen := map[string]bool{}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sim := newSim(t)
			if tc.setup != nil {
				tc.setup(sim)
			}
			before := snapshot(t, sim)
			if tc.inject != "" {
				if err := sim.InjectFailure(tc.inject, 1); err != nil {
					t.Fatal(err)
				}
			}
			_, err := sim.Execute(t.Context(), tc.action, tc.params)
			e := asError(t, err)
			ec, ok := workdaysim.LookupErrorCode(tc.code)
			if !ok {
				t.Fatalf("%s is not in the error table", tc.code)
			}
			seen[tc.code] = true
			if e.VendorCode != tc.code || e.Code != ec.Portable || e.HTTPStatus != ec.HTTPStatus || e.Retryable != ec.Retryable || e.Product != workdaysim.Product {
				t.Errorf("got %s/%s status %d retryable %v product %q, want %s/%s status %d retryable %v",
					e.Code, e.VendorCode, e.HTTPStatus, e.Retryable, e.Product, ec.Portable, tc.code, ec.HTTPStatus, ec.Retryable)
			}
			for k, v := range tc.details {
				if d := cmp.Diff(v, e.Details[k]); d != "" {
					t.Errorf("details[%q] (-want +got):\n%s", k, d)
				}
			}
			if tc.message != "" && e.Message != tc.message {
				t.Errorf("message %q, want %q", e.Message, tc.message)
			}
			if d := cmp.Diff(before, snapshot(t, sim)); d != "" {
				t.Errorf("the failed call changed the state (-before +after):\n%s", d)
			}
			status, body := workdaysim.RenderError(err)
			if status != ec.HTTPStatus || body.ErrorCode != tc.code || body.RetryAllowed != ec.Retryable || body.Message != e.Message || body.Details == nil {
				t.Errorf("RenderError = %d %+v", status, body)
			}
			raw, _ := json.Marshal(body)
			var shape map[string]any
			_ = json.Unmarshal(raw, &shape)
			if keys := sortedKeys(shape); strings.Join(keys, ",") != "details,error_code,message,retry_allowed" {
				t.Errorf("rendered error keys %v", keys)
			}
			back := workdaysim.ParseError(status, body)
			if back.Code != e.Code || back.VendorCode != e.VendorCode || back.Retryable != e.Retryable || back.RetryAfter != e.RetryAfter {
				t.Errorf("ParseError(RenderError(err)) = %v (retry after %v), want %v (retry after %v)", back, back.RetryAfter, e, e.RetryAfter)
			}
		})
	}
	for _, ec := range workdaysim.ErrorCodes() {
		if !seen[ec.Code] {
			t.Errorf("no test triggers %s", ec.Code)
		}
	}
}

func sortedKeys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func TestErrorTable(t *testing.T) {
	spec := map[string]struct {
		status int
		retry  bool
	}{
		"EMPLOYEE_NOT_FOUND": {404, false}, "REQUEST_NOT_FOUND": {404, false}, "STATEMENT_NOT_FOUND": {404, false},
		"INSUFFICIENT_BALANCE": {400, false}, "INVALID_DATE_RANGE": {400, false}, "INVALID_APPROVER": {403, false},
		"ALREADY_PROCESSED": {409, false}, "CONNECTOR_TIMEOUT": {504, true}, "CONNECTOR_UNAVAILABLE": {503, true}, "RATE_LIMITED": {429, true},
	}
	n := 0
	for _, ec := range workdaysim.ErrorCodes() {
		if want, ok := spec[ec.Code]; ok {
			n++
			if !ec.FromSpec || ec.HTTPStatus != want.status || ec.Retryable != want.retry {
				t.Errorf("%s: %+v, want the spec's status %d retryable %v", ec.Code, ec, want.status, want.retry)
			}
		} else if ec.FromSpec {
			t.Errorf("%s is marked from the spec but the spec's table lacks it", ec.Code)
		}
		if errs := connectors.CodeOf(&connectors.Error{Code: ec.Portable}); errs != ec.Portable {
			t.Errorf("%s: portable code %v", ec.Code, ec.Portable)
		}
	}
	if n != len(spec) {
		t.Errorf("the table has %d of the spec's %d codes", n, len(spec))
	}
	if status, body := workdaysim.RenderError(errors.New("boom")); status != http.StatusInternalServerError || body.ErrorCode != "INTERNAL" {
		t.Errorf("RenderError of a foreign error = %d %+v", status, body)
	}
	sim := newSim(t)
	_ = sim.Close()
	_, err := sim.Execute(t.Context(), workdaysim.CapGetEmployee, params("x", "employee_id", "EMP001"))
	if status, body := workdaysim.RenderError(err); !errors.Is(err, connectors.ErrClosed) || status != 400 || body.ErrorCode != "INVALID_ARGUMENT" {
		t.Errorf("RenderError of a closed simulator's error = %d %+v (%v)", status, body, err)
	}
}

// TestValidation runs every spec example with each parameter removed, of
// the wrong type, and beside an unknown parameter: a required one missing,
// any wrong type and any unknown key is a VALIDATION_ERROR naming the field,
// and nothing changes.
func TestValidation(t *testing.T) {
	files, _ := filepath.Glob("testdata/golden/*.json")
	for _, file := range files {
		var gc goldenCase
		raw, _ := os.ReadFile(file)
		if err := json.Unmarshal(raw, &gc); err != nil {
			t.Fatal(err)
		}
		var schema struct {
			Required   []string                  `json:"required"`
			Properties map[string]map[string]any `json:"properties"`
		}
		for _, c := range workdaysim.Capabilities() {
			if c.Name == gc.Capability {
				_ = json.Unmarshal(c.InputSchema, &schema)
			}
		}
		required := map[string]bool{}
		for _, r := range schema.Required {
			required[r] = true
		}
		type variant struct {
			name   string
			params map[string]any
			field  string
		}
		var variants []variant
		for k, v := range gc.Params {
			if strings.HasPrefix(k, "__") {
				continue
			}
			without := clone(gc.Params)
			delete(without, k)
			if required[k] {
				variants = append(variants, variant{"missing " + k, without, k})
				null := clone(gc.Params)
				null[k] = nil
				variants = append(variants, variant{"null " + k, null, k})
			}
			wrong := clone(gc.Params)
			wrong[k] = true
			variants = append(variants, variant{"wrong type " + k, wrong, k})
			if s, ok := v.(string); ok && len(s) == 10 && s[4] == '-' {
				bad := clone(gc.Params)
				bad[k] = "2026-02-30"
				variants = append(variants, variant{"malformed date " + k, bad, k})
			}
		}
		unknown := clone(gc.Params)
		unknown["bogus"] = "x"
		variants = append(variants, variant{"unknown field", unknown, "bogus"})
		for _, v := range variants {
			t.Run(filepath.Base(file)+"/"+v.name, func(t *testing.T) {
				sim := newSim(t)
				sim.Clock().Set(gc.Clock)
				before := snapshot(t, sim)
				_, err := sim.Execute(t.Context(), gc.Capability, v.params)
				e := asError(t, err)
				if e.VendorCode != workdaysim.ErrCodeValidation || e.Code != connectors.CodeInvalidArgument || e.HTTPStatus != 400 {
					t.Fatalf("got %v, want VALIDATION_ERROR", err)
				}
				if e.Details["field"] != v.field {
					t.Errorf("details.field = %v, want %q (%v)", e.Details["field"], v.field, err)
				}
				if d := cmp.Diff(before, snapshot(t, sim)); d != "" {
					t.Errorf("the failed call changed the state:\n%s", d)
				}
			})
		}
	}
}

func clone(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// TestSemanticValidation covers the checks beyond types.
func TestSemanticValidation(t *testing.T) {
	cases := []struct {
		name   string
		action string
		params map[string]any
		field  string
	}{
		{"empty id", workdaysim.CapGetEmployee, params("a", "employee_id", " "), "employee_id"},
		{"depth too deep", workdaysim.CapGetOrgChart, params("a", "root_id", "EMP200", "depth", 11.0), "depth"},
		{"depth negative", workdaysim.CapGetOrgChart, params("a", "root_id", "EMP200", "depth", -1.0), "depth"},
		{"depth fractional", workdaysim.CapGetOrgChart, params("a", "root_id", "EMP200", "depth", 1.5), "depth"},
		{"bad status filter", workdaysim.CapListRequests, params("a", "employee_id", "EMP001", "status_filter", []any{"PENDING", "LOST"}), "status_filter[1]"},
		{"date range without end", workdaysim.CapListRequests, params("a", "employee_id", "EMP001", "date_range", map[string]any{"start": "2026-01-01"}), "date_range.end"},
		{"bad reason code", workdaysim.CapTerminateEmployee, params("a", "employee_id", "EMP001", "termination_date", "2026-03-01", "reason_code", "FIRED"), "reason_code"},
		{"no updates", workdaysim.CapUpdateEmployee, params("a", "employee_id", "EMP001", "updates", map[string]any{}), "updates"},
		{"update changes nothing", workdaysim.CapUpdateEmployee, params("a", "employee_id", "EMP001", "updates", map[string]any{"job": map[string]any{"title": "Senior Engineer"}}), "updates"},
		{"update of an unknown field", workdaysim.CapUpdateEmployee, params("a", "employee_id", "EMP001", "updates", map[string]any{"salary": 1.0}), "updates.salary"},
		{"update of a nested unknown field", workdaysim.CapUpdateEmployee, params("a", "employee_id", "EMP001", "updates", map[string]any{"job": map[string]any{"grade": "L9"}}), "updates.job.grade"},
		{"update to an empty name", workdaysim.CapUpdateEmployee, params("a", "employee_id", "EMP001", "updates", map[string]any{"name": map[string]any{"first": ""}}), "updates.name.first"},
		{"update to an unknown department", workdaysim.CapUpdateEmployee, params("a", "employee_id", "EMP001", "updates", map[string]any{"job": map[string]any{"department_id": "DEPT-XYZ"}}), "updates.job.department_id"},
		{"zero hours", workdaysim.CapRequestTimeOff, params("a", "employee_id", "EMP001", "type", "PTO", "start_date", "2026-06-01", "end_date", "2026-06-01", "hours", 0.0), "hours"},
		{"too many hours", workdaysim.CapRequestTimeOff, params("a", "employee_id", "EMP001", "type", "PTO", "start_date", "2026-06-01", "end_date", "2026-06-01", "hours", 25.0), "hours"},
		{"weekend without hours", workdaysim.CapRequestTimeOff, params("a", "employee_id", "EMP001", "type", "PTO", "start_date", "2026-06-06", "end_date", "2026-06-07"), "hours"},
		{"unknown time off type", workdaysim.CapRequestTimeOff, params("a", "employee_id", "EMP001", "type", "SABBATICAL", "start_date", "2026-06-01", "end_date", "2026-06-01"), "type"},
		{"request too long", workdaysim.CapRequestTimeOff, params("a", "employee_id", "EMP001", "type", "PTO", "start_date", "2026-01-01", "end_date", "2027-06-01"), "end_date"},
		{"year out of range", workdaysim.CapListPayStatements, params("a", "employee_id", "EMP001", "year", 99999.0), "year"},
		{"bad principal type", workdaysim.CapGetEmployee, map[string]any{"employee_id": "EMP001", connectors.ParamType: "ROBOT"}, connectors.ParamType},
		{"groups not strings", workdaysim.CapGetEmployee, map[string]any{"employee_id": "EMP001", connectors.ParamGroups: []any{1.0}}, connectors.ParamGroups},
		{"org without head", workdaysim.CapGetOrgChart, params("a", "root_id", "DEPT-NOPE"), ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sim := newSim(t)
			before := snapshot(t, sim)
			_, err := sim.Execute(t.Context(), tc.action, tc.params)
			e := asError(t, err)
			if tc.field == "" {
				if e.VendorCode != workdaysim.ErrCodeEmployeeNotFound {
					t.Fatalf("got %v, want EMPLOYEE_NOT_FOUND", err)
				}
				return
			}
			if e.VendorCode != workdaysim.ErrCodeValidation || e.Code != connectors.CodeInvalidArgument {
				t.Fatalf("got %v, want VALIDATION_ERROR", err)
			}
			if e.Details["field"] != tc.field {
				t.Errorf("details.field = %v, want %q (%v)", e.Details["field"], tc.field, err)
			}
			if d := cmp.Diff(before, snapshot(t, sim)); d != "" {
				t.Errorf("the failed call changed the state:\n%s", d)
			}
		})
	}
}
