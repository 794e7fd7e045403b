package workdaysim_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/workdaysim"
)

// TestAuditTrail: one event per call, Execute and typed alike, with the
// principal, outcome and, for sensitive capabilities, the returned field
// paths but never a PII value (in the events or the log).
func TestAuditTrail(t *testing.T) {
	var logs bytes.Buffer
	var mu sync.Mutex
	var hooked []connectors.AuditEvent
	sim, err := workdaysim.New(
		connectors.WithLogger(slog.New(slog.NewJSONHandler(&logs, nil))),
		connectors.WithAudit(func(_ context.Context, ev connectors.AuditEvent) {
			mu.Lock()
			hooked = append(hooked, ev)
			mu.Unlock()
		}))
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	_, err = sim.Execute(ctx, workdaysim.CapGetEmployeeFull, map[string]any{"employee_id": "EMP001",
		connectors.ParamPrincipal: "EMP300", connectors.ParamGroups: []any{"hr"}, connectors.ParamType: "HUMAN"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sim.GetCompensation(as("EMP300"), workdaysim.GetCompensationRequest{EmployeeID: "EMP001"}); err != nil {
		t.Fatal(err)
	}
	_, _ = sim.Execute(ctx, workdaysim.CapGetEmployee, map[string]any{"employee_id": "EMP999", connectors.ParamPrincipal: "EMP001"})
	_, _ = sim.Execute(ctx, "workday.nope", map[string]any{connectors.ParamPrincipal: "EMP001"})

	trail := sim.AuditTrail()
	if len(trail) != 4 || len(hooked) != 4 {
		t.Fatalf("%d trail events, %d hooked, want 4", len(trail), len(hooked))
	}
	full := trail[0]
	if full.Capability != workdaysim.CapGetEmployeeFull || full.Principal.ID != "EMP300" || full.Principal.Type != connectors.PrincipalHuman ||
		!slices.Equal(full.Principal.Groups, []string{"hr"}) || full.Level != connectors.AuditVerbose || full.Outcome != "ok" ||
		!full.Sensitive || full.Product != workdaysim.Product || !full.Time.Equal(workdaysim.DefaultStart) {
		t.Errorf("get_employee_full event %+v", full)
	}
	for _, want := range []string{"birth_date", "national_id_last_four", "address.street", "name.legal_first", "emergency_contact.phone"} {
		if !slices.Contains(full.Fields, want) {
			t.Errorf("VERBOSE event lacks field path %q: %v", want, full.Fields)
		}
	}
	comp := trail[1]
	if comp.Capability != workdaysim.CapGetCompensation || comp.Principal.ID != "EMP300" || !slices.Contains(comp.Fields, "compensation.base_salary.amount") {
		t.Errorf("typed get_compensation event %+v", comp)
	}
	if ev := trail[2]; ev.Outcome != "NOT_FOUND" || ev.VendorCode != workdaysim.ErrCodeEmployeeNotFound || ev.Level != connectors.AuditStandard || len(ev.Fields) != 0 {
		t.Errorf("failed call event %+v", ev)
	}
	if ev := trail[3]; ev.Outcome != "UNSUPPORTED" || ev.Capability != "workday.nope" {
		t.Errorf("unknown action event %+v", ev)
	}
	text := logs.String()
	for _, pii := range []string{"1990-05-22", "1234\"", "123 Main St", "alice.j@gmail.com", "+1-555-0102", "185000", "Alice Marie"} {
		if strings.Contains(text, pii) {
			t.Errorf("the log holds the PII value %q", pii)
		}
	}
	if strings.Count(text, "connectors: execute") != 4 {
		t.Errorf("want 4 execute log lines:\n%s", text)
	}
}

func TestAuditTrailIsBounded(t *testing.T) {
	cfg := workdaysim.DefaultConfig()
	cfg.AuditCapacity = 3
	sim, _ := workdaysim.New(workdaysim.WithConfig(cfg))
	for _, id := range []string{"EMP001", "EMP003", "EMP042", "EMP100", "EMP200"} {
		_, _ = sim.Execute(t.Context(), workdaysim.CapGetEmployee, map[string]any{"employee_id": id, connectors.ParamPrincipal: id})
	}
	var got []string
	for _, ev := range sim.AuditTrail() {
		got = append(got, ev.Principal.ID)
	}
	if !slices.Equal(got, []string{"EMP042", "EMP100", "EMP200"}) {
		t.Errorf("bounded trail keeps %v", got)
	}
}

func TestTypedMethodsCheckPrincipalType(t *testing.T) {
	sim := newSim(t)
	ctx := workdaysim.ContextWithPrincipal(t.Context(), connectors.Principal{ID: "bot", Type: connectors.PrincipalAIAgent})
	_, err := sim.GetPayStatement(ctx, workdaysim.GetPayStatementRequest{EmployeeID: "EMP001", StatementID: "PAY-2026-01"})
	if e := asError(t, err); e.VendorCode != workdaysim.ErrCodeNotPermitted || e.HTTPStatus != 403 {
		t.Errorf("AI agent reading a pay statement: %v", err)
	}
	if _, err := sim.GetEmployee(ctx, workdaysim.GetEmployeeRequest{EmployeeID: "EMP001"}); err != nil {
		t.Errorf("AI agent reading the directory: %v", err)
	}
	_ = sim.Close()
	if _, err := sim.GetEmployee(ctx, workdaysim.GetEmployeeRequest{EmployeeID: "EMP001"}); !errors.Is(err, connectors.ErrClosed) {
		t.Errorf("typed call after Close: %v", err)
	}
}
