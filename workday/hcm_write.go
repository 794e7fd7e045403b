package workday

import (
	"context"
	"encoding/xml"
	"fmt"
	"net/url"
	"strings"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/workday/wdapi"
)

// activeWorker reads a worker by employee id from staffing v6 (which
// serves non-terminated workers); a 404 is told apart by the profile
// report: EMPLOYEE_INACTIVE or EMPLOYEE_NOT_FOUND.
func (c *driver) activeWorker(ctx context.Context, id string) (*workerData, error) {
	w, err := c.staffingWorker(ctx, employeePath(id))
	if err == nil {
		return w, nil
	}
	if vendorCode(err) != ErrCodeNotFound {
		return nil, err
	}
	if _, perr := c.profile(ctx, reportWorkerProfile, id, true); perr != nil {
		return nil, perr
	}
	return nil, c.asNotFound(err, ErrCodeEmployeeNotFound, map[string]any{"employee_id": id})
}

// event reads a business process event (businessProcess v1 events/{ID}).
func (c *driver) event(ctx context.Context, id string, notFound string) (*eventDetails, error) {
	var ev eventDetails
	if err := c.getJSON(ctx, c.restURL(svcBP, nil, "events", id), &ev); err != nil {
		return nil, c.asNotFound(err, notFound, map[string]any{"request_id": id})
	}
	if ev.ID == "" || ev.Status == nil {
		return nil, c.malformed("the event's id and status")
	}
	return &ev, nil
}

// transactionStatus reads a Change Job or Termination event's status.
func (c *driver) transactionStatus(s string) (string, error) {
	switch s {
	case bpInProgress:
		return wdapi.TxnPendingApproval, nil
	case bpCompleted:
		return wdapi.TxnCompleted, nil
	}
	return "", c.malformed(fmt.Sprintf("a known event status (got %q)", s))
}

// updateEmployee runs staffing v6's Change Job as Workday publishes it:
// POST workers/{ID}/jobChanges (the draft: date, job, reason, supervisory
// organization), PATCH jobChanges/{ID}/businessTitle/{ID}, POST
// jobChanges/{ID}/submit. It changes the job title and the supervisory
// organization; the other fields belong to other business processes
// (contact, legal name, address changes) the connector does not run:
// UNSUPPORTED.
func (c *driver) updateEmployee(ctx context.Context, p connectors.Principal, req UpdateEmployeeRequest) (*UpdateEmployeeResponse, error) {
	if err := c.required("employee_id", req.EmployeeID); err != nil {
		return nil, err
	}
	values := req.Updates.Values()
	if len(values) == 0 {
		return nil, c.validationError("updates", "sets no field")
	}
	for path := range values {
		if path != "job.title" && path != "job.department_id" {
			return nil, c.unsupported(fmt.Sprintf("update_employee changes job.title and job.department_id (staffing v6 Change Job); %s belongs to another business process", path))
		}
	}
	if req.Reason != "" && strings.ContainsAny(req.Reason, " \t\n=") {
		return nil, c.validationError("reason", "must be a Change Job reason id (no spaces)")
	}
	eff := c.today()
	if req.EffectiveDate != nil {
		eff = *req.EffectiveDate
	}
	w, err := c.activeWorker(ctx, req.EmployeeID)
	if err != nil {
		return nil, err
	}
	if w.PrimaryJob == nil || w.PrimaryJob.ID == "" {
		return nil, c.malformed("the worker's primary job")
	}
	changes := []wdapi.Change{}
	title, hasTitle := values["job.title"]
	if hasTitle {
		if title == w.PrimaryJob.BusinessTitle {
			hasTitle = false
		} else {
			changes = append(changes, wdapi.Change{Field: "job.title", OldValue: w.PrimaryJob.BusinessTitle, NewValue: title})
		}
	}
	dept, hasDept := values["job.department_id"]
	if hasDept {
		var target supervisoryOrg
		if err := c.getJSON(ctx, c.restURL(svcStaffing, nil, "supervisoryOrganizations", orgRef(dept)), &target); err != nil {
			if vendorCode(err) == ErrCodeNotFound {
				return nil, c.validationError("updates.job.department_id", fmt.Sprintf("%q is not an organization", dept))
			}
			return nil, err
		}
		old := ""
		if so := w.PrimaryJob.SupervisoryOrganization; so != nil && so.ID != "" {
			var cur supervisoryOrg
			if err := c.getJSON(ctx, c.restURL(svcStaffing, nil, "supervisoryOrganizations", so.ID), &cur); err != nil {
				return nil, err
			}
			old = cur.Code
		}
		if old == dept {
			hasDept = false
		} else {
			changes = append(changes, wdapi.Change{Field: "job.department_id", OldValue: old, NewValue: dept})
		}
	}
	if len(changes) == 0 {
		return nil, c.validationError("updates", "changes nothing: every field already has the value given")
	}
	draft := map[string]any{"date": eff.String(), "job": map[string]any{"id": w.PrimaryJob.ID}}
	if req.Reason != "" {
		draft["reason"] = map[string]any{"id": jobReasonRef(req.Reason)}
	}
	if hasDept {
		draft["supervisoryOrganization"] = map[string]any{"id": orgRef(dept)}
	}
	var jc struct {
		ID string `json:"id"`
	}
	if err := c.postJSON(ctx, c.restURL(svcStaffing, nil, "workers", w.ID, "jobChanges"), draft, &jc); err != nil {
		return nil, err
	}
	if jc.ID == "" {
		return nil, c.malformed("the job change's id")
	}
	if hasTitle {
		if err := c.patchJSON(ctx, c.restURL(svcStaffing, nil, "jobChanges", jc.ID, "businessTitle", jc.ID), map[string]any{"businessTitle": title}, nil); err != nil {
			return nil, err
		}
	}
	var ev struct {
		ID     string `json:"id"`
		Status *wdRef `json:"status"`
	}
	submit := map[string]any{"businessProcessParameters": map[string]any{"action": map[string]any{"id": actionSubmit}, "comment": req.Reason}}
	if err := c.postJSON(ctx, c.restURL(svcStaffing, nil, "jobChanges", jc.ID, "submit"), submit, &ev); err != nil {
		return nil, err
	}
	if ev.ID == "" || ev.Status == nil {
		return nil, c.malformed("the submitted event's id and status")
	}
	st, err := c.transactionStatus(ev.Status.Descriptor)
	if err != nil {
		return nil, err
	}
	return &UpdateEmployeeResponse{EmployeeID: w.WorkerID, TransactionID: ev.ID, Status: st, EffectiveDate: eff, Changes: changes}, nil
}

// terminateEmployee runs Terminate_Employee (Workday Web Services,
// Staffing): staffing v6's REST service publishes no termination. A
// worker with a Termination in progress (businessProcess v1 events of the
// worker) is ALREADY_PROCESSED; the offboarding flow is the event's
// sub-process.
func (c *driver) terminateEmployee(ctx context.Context, p connectors.Principal, req TerminateEmployeeRequest) (*TerminateEmployeeResponse, error) {
	if err := c.required("employee_id", req.EmployeeID); err != nil {
		return nil, err
	}
	if err := c.required("reason_code", req.ReasonCode); err != nil {
		return nil, err
	}
	w, err := c.activeWorker(ctx, req.EmployeeID)
	if err != nil {
		return nil, err
	}
	events, err := collect[eventDetails](ctx, c, svcBP, url.Values{"worker": {w.ID}}, "events")
	if err != nil {
		return nil, err
	}
	for _, ev := range events {
		if ev.OverallBusinessProcess.descriptor() == "Termination" && ev.Status.descriptor() == bpInProgress {
			return nil, c.newError(ErrCodeAlreadyProcessed, fmt.Sprintf("Employee '%s' already has a termination in progress (%s)", req.EmployeeID, ev.ID),
				map[string]any{"employee_id": req.EmployeeID, "transaction_id": ev.ID})
		}
	}
	id, err := c.soapCall(ctx, "Staffing", terminateRequest{Version: wwsVersion, Comment: req.Notes,
		Employee: wwsRef{wwsID{Type: "Employee_ID", Value: req.EmployeeID}}, Date: req.TerminationDate.String(),
		Reason: wwsRef{wwsID{Type: "General_Event_Subcategory_ID", Value: req.ReasonCode}}})
	if err != nil {
		return nil, err
	}
	ev, err := c.event(ctx, id, ErrCodeNotFound)
	if err != nil {
		return nil, err
	}
	st, err := c.transactionStatus(ev.Status.Descriptor)
	if err != nil {
		return nil, err
	}
	out := &TerminateEmployeeResponse{EmployeeID: w.WorkerID, TransactionID: ev.ID, Status: st, TerminationDate: req.TerminationDate}
	for _, sub := range ev.SubBusinessProcesses {
		if sub.Descriptor == "Offboarding" {
			out.OffboardingFlowID = sub.ID
		}
	}
	if out.OffboardingFlowID == "" {
		return nil, c.malformed("the termination's Offboarding sub-process")
	}
	return out, nil
}

var _ = xml.Name{}
