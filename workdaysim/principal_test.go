package workdaysim_test

import (
	"context"
	"reflect"
	"testing"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/workdaysim"
)

// TestPrincipalTypeGateFailsClosed (issue 11 item 7): a HUMAN-only
// capability used to run when __type__ was missing. Sensitive and write
// capabilities now refuse a caller of unknown type, through Execute and the
// typed methods, unless the simulator was opened with the opt-out.
func TestPrincipalTypeGateFailsClosed(t *testing.T) {
	sim := newSim(t)
	ctx := context.Background()
	for _, action := range []string{workdaysim.CapTerminateEmployee, workdaysim.CapGetCompensation, workdaysim.CapApproveTimeOff} {
		params := map[string]any{"employee_id": "EMP003", connectors.ParamPrincipal: "EMP042", connectors.ParamGroups: []any{workdaysim.AdminGroup}}
		before := sim.Totals()
		_, err := sim.Execute(ctx, action, params)
		e := asError(t, err)
		if e.Code != connectors.CodePermissionDenied || e.VendorCode != workdaysim.ErrCodeNotPermitted {
			t.Errorf("%s without __type__: %v, want PERMISSION_DENIED (NOT_PERMITTED)", action, err)
		}
		if !reflect.DeepEqual(sim.Totals(), before) {
			t.Errorf("%s without __type__ changed the state", action)
		}
	}
	noType := workdaysim.ContextWithPrincipal(ctx, connectors.Principal{ID: "EMP042"})
	if _, err := sim.GetCompensation(noType, workdaysim.GetCompensationRequest{EmployeeID: "EMP003"}); connectors.CodeOf(err) != connectors.CodePermissionDenied {
		t.Errorf("typed GetCompensation without a type: %v, want PERMISSION_DENIED", err)
	}
	// A plain read still runs for a caller of unknown type.
	if _, err := sim.Execute(ctx, workdaysim.CapGetEmployee, map[string]any{"employee_id": "EMP003"}); err != nil {
		t.Errorf("get_employee without __type__: %v", err)
	}
	opted, err := workdaysim.New(connectors.WithAllowMissingPrincipalType())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := opted.Execute(ctx, workdaysim.CapGetCompensation, map[string]any{"employee_id": "EMP003", connectors.ParamPrincipal: "EMP003"}); err != nil {
		t.Errorf("with the opt-out: %v", err)
	}
}

// TestApproveNeedsPrincipal (issue 11 item 7): approve needed no principal
// at all while cancel did.
func TestApproveNeedsPrincipal(t *testing.T) {
	sim := newSim(t)
	ctx := context.Background()
	before := sim.Totals()
	_, err := sim.Execute(ctx, workdaysim.CapApproveTimeOff, map[string]any{"request_id": "TOR-002", "approver_id": "EMP042",
		connectors.ParamType: "HUMAN"})
	e := asError(t, err)
	if e.Code != connectors.CodePermissionDenied || e.VendorCode != workdaysim.ErrCodeNotPermitted {
		t.Errorf("approve without a principal: %v, want PERMISSION_DENIED (NOT_PERMITTED)", err)
	}
	if !reflect.DeepEqual(sim.Totals(), before) {
		t.Error("approve without a principal changed the state")
	}
	_, err = sim.Execute(ctx, workdaysim.CapCancelTimeOff, map[string]any{"request_id": "TOR-002", connectors.ParamType: "HUMAN"})
	if e := asError(t, err); e.Code != connectors.CodePermissionDenied {
		t.Errorf("cancel without a principal: %v", err)
	}
}
