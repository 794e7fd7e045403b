package workday

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"time"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/workday/wdapi"
)

// getBalance reads absenceManagement v1 balances (worker, effective): the
// plan and its quantity in hours; the used, pending, accrual and
// carry-over figures, which the REST view does not carry, come from the
// Time_Off_Balances report, matched by plan.
func (c *driver) getBalance(ctx context.Context, _ connectors.Principal, req GetBalanceRequest) (*Balances, error) {
	if err := c.required("employee_id", req.EmployeeID); err != nil {
		return nil, err
	}
	asOf := c.today()
	if req.AsOfDate != nil {
		asOf = *req.AsOfDate
	}
	list, err := collect[absenceBalance](ctx, c, svcAbsence, url.Values{"worker": {employeePath(req.EmployeeID)}, "effective": {asOf.String()}}, "balances")
	if err != nil {
		return nil, c.asNotFound(err, ErrCodeEmployeeNotFound, map[string]any{"employee_id": req.EmployeeID})
	}
	rows, err := c.reportRows(ctx, reportTimeOffBalances, url.Values{promptEmployeeID: {req.EmployeeID}, "As_Of_Date": {asOf.String()}})
	if err != nil {
		return nil, err
	}
	out := &Balances{EmployeeID: req.EmployeeID, AsOfDate: asOf, Balances: []wdapi.Balance{}}
	for _, b := range list {
		if b.AbsencePlan == nil || b.AbsencePlan.Descriptor == "" || b.Quantity == nil {
			return nil, c.malformed("a balance's absencePlan and quantity")
		}
		if u := b.Unit.descriptor(); u != "Hours" {
			return nil, c.malformed(fmt.Sprintf("a balance in hours (plan %s is in %q)", b.AbsencePlan.Descriptor, u))
		}
		i := slices.IndexFunc(rows, func(r row) bool { return r.s("Time_Off_Plan") == b.AbsencePlan.Descriptor })
		if i < 0 {
			return nil, c.malformed("plan " + b.AbsencePlan.Descriptor + " in report " + reportTimeOffBalances)
		}
		r := &rows[i]
		out.Balances = append(out.Balances, wdapi.Balance{Type: r.need("Time_Off_Type"), TypeName: b.AbsencePlan.Descriptor,
			AvailableHours: float64(*b.Quantity), UsedHours: r.f("Used_Hours"), PendingHours: r.f("Pending_Hours"),
			AccrualRatePerPeriod: r.f("Accrual_Rate_Per_Period"), MaxCarryover: r.f("Max_Carryover")})
		if r.err != nil {
			return nil, r.err
		}
	}
	return out, nil
}

var requestStatuses = []string{wdapi.RequestPending, wdapi.RequestApproved, wdapi.RequestCancelled, wdapi.RequestDenied}

func (c *driver) invalidDateRange(field string, start, end connectors.Date) *connectors.Error {
	return c.newError(ErrCodeInvalidDateRange, fmt.Sprintf("%s: start date %s is after end date %s", field, start, end),
		map[string]any{"field": field, "start": start.String(), "end": end.String()})
}

// listRequests runs the Time_Off_Requests report with the date range as
// its prompts (Start_Date, End_Date: requests overlapping them); the
// status filter is applied here. The worker is checked first (a report
// answers an unknown worker with no rows).
func (c *driver) listRequests(ctx context.Context, _ connectors.Principal, req ListRequestsRequest) (*RequestList, error) {
	if err := c.required("employee_id", req.EmployeeID); err != nil {
		return nil, err
	}
	for i, st := range req.StatusFilter {
		if !slices.Contains(requestStatuses, st) {
			return nil, c.validationError(fmt.Sprintf("status_filter[%d]", i), fmt.Sprintf("%q is not one of PENDING, APPROVED, CANCELLED, DENIED", st))
		}
	}
	prompts := url.Values{promptEmployeeID: {req.EmployeeID}}
	if r := req.DateRange; r != nil {
		if r.Start.After(r.End) {
			return nil, c.invalidDateRange("date_range", r.Start, r.End)
		}
		prompts.Set("Start_Date", r.Start.String())
		prompts.Set("End_Date", r.End.String())
	}
	if _, err := c.profile(ctx, reportWorkerProfile, req.EmployeeID, false); err != nil {
		return nil, err
	}
	rows, err := c.reportRows(ctx, reportTimeOffRequests, prompts)
	if err != nil {
		return nil, err
	}
	out := &RequestList{EmployeeID: req.EmployeeID, Requests: []wdapi.RequestSummary{}}
	for i := range rows {
		r := &rows[i]
		s := wdapi.RequestSummary{RequestID: r.need("Request_ID"), Type: r.need("Type"), Status: r.need("Status"),
			StartDate: r.d("Start_Date"), EndDate: r.d("End_Date"), Hours: r.f("Hours"), SubmittedAt: r.need("Submitted_At"),
			ApprovedBy: r.os("Approved_By"), ApprovedAt: r.os("Approved_At")}
		if r.err != nil {
			return nil, r.err
		}
		if len(req.StatusFilter) > 0 && !slices.Contains(req.StatusFilter, s.Status) {
			continue
		}
		out.Requests = append(out.Requests, s)
	}
	slices.SortStableFunc(out.Requests, func(a, b wdapi.RequestSummary) int { return a.StartDate.Compare(b.StartDate) })
	out.Count = len(out.Requests)
	return out, nil
}

// getRequest runs the Time_Off_Request report (prompt Request!WID): no
// row is REQUEST_NOT_FOUND.
func (c *driver) getRequest(ctx context.Context, _ connectors.Principal, req GetRequestRequest) (*TimeOffRequest, error) {
	if err := c.required("request_id", req.RequestID); err != nil {
		return nil, err
	}
	r, err := c.requestRow(ctx, req.RequestID)
	if err != nil {
		return nil, err
	}
	out := &TimeOffRequest{RequestID: r.need("Request_ID"), EmployeeID: r.need("Employee_ID"), EmployeeName: r.need("Employee_Name"),
		Type: r.need("Time_Off_Type"), TypeName: r.s("Time_Off_Plan"), Status: r.need("Status"), StartDate: r.d("Start_Date"),
		EndDate: r.d("End_Date"), Hours: r.f("Hours"), Notes: r.s("Comment"), SubmittedAt: r.need("Submitted_At"),
		ApprovedAt: r.os("Approved_At"), History: []wdapi.HistoryEntry{}}
	if id := r.s("Approved_By_Employee_ID"); id != "" {
		out.ApprovedBy = &EmployeeRef{EmployeeID: id, DisplayName: r.need("Approved_By_Name")}
	}
	for _, h := range r.rows("History") {
		out.History = append(out.History, wdapi.HistoryEntry{Action: h.need("Action"), Timestamp: h.need("Timestamp"), Actor: h.need("Actor")})
		if h.err != nil {
			return nil, h.err
		}
	}
	return out, r.err
}

func (c *driver) requestRow(ctx context.Context, id string) (*row, error) {
	rows, err := c.reportRows(ctx, reportTimeOffRequest, url.Values{promptRequestWID: {id}})
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, c.newError(ErrCodeRequestNotFound, fmt.Sprintf("Time off request '%s' not found", id), map[string]any{"request_id": id})
	}
	return &rows[0], nil
}

// maxRequestDays bounds one time off request, as the simulator does.
const maxRequestDays = 366

// requestTimeOff posts Request Time Off (absenceManagement v1
// workers/{ID}/requestTimeOff) with one day entry per calendar day of the
// range (the hours spread over the weekdays, 8 per weekday by default),
// the time off type, and the Submit action. The answer names the event
// (overallBusinessProcess); the event gives the submission time, its step
// in progress the approver, the balance report the balance after.
func (c *driver) requestTimeOff(ctx context.Context, _ connectors.Principal, req RequestTimeOffRequest) (*TimeOffSubmission, error) {
	if err := c.required("employee_id", req.EmployeeID); err != nil {
		return nil, err
	}
	if err := c.required("type", req.Type); err != nil {
		return nil, err
	}
	if req.StartDate.After(req.EndDate) {
		return nil, c.invalidDateRange("start_date", req.StartDate, req.EndDate)
	}
	days := int(req.EndDate.Time().Sub(req.StartDate.Time()).Hours()/24) + 1
	if days > maxRequestDays {
		return nil, c.validationError("end_date", fmt.Sprintf("the request spans %d days, more than %d", days, maxRequestDays))
	}
	var weekdays, all []connectors.Date
	for d := req.StartDate; !d.After(req.EndDate); d = d.AddDays(1) {
		all = append(all, d)
		if wd := d.Time().Weekday(); wd != time.Saturday && wd != time.Sunday {
			weekdays = append(weekdays, d)
		}
	}
	var hours float64
	if req.Hours != nil {
		hours = *req.Hours
		if hours <= 0 || hours != hours || hours > float64(24*days) {
			return nil, c.validationError("hours", fmt.Sprintf("%v is not between 0 (excluded) and %d (24 per day of the range)", hours, 24*days))
		}
	} else if hours = float64(8 * len(weekdays)); hours == 0 {
		return nil, c.validationError("hours", "the range has no weekday: give the hours")
	}
	over := weekdays
	if len(over) == 0 {
		over = all
	}
	share := spread(hours, len(over))
	quantity := map[connectors.Date]float64{}
	for i, d := range over {
		quantity[d] = share[i]
	}
	type day struct {
		Date          string         `json:"date"`
		DailyQuantity float64        `json:"dailyQuantity"`
		TimeOffType   map[string]any `json:"timeOffType"`
	}
	body := struct {
		Days []day          `json:"days"`
		BP   map[string]any `json:"businessProcessParameters"`
	}{BP: map[string]any{"action": map[string]any{"id": actionSubmit}}}
	if req.Notes != "" {
		body.BP["comment"] = req.Notes
	}
	for _, d := range all {
		body.Days = append(body.Days, day{Date: d.String(), DailyQuantity: quantity[d], TimeOffType: map[string]any{"id": timeOffTypeRef(req.Type)}})
	}
	var created struct {
		BP *struct {
			OverallBusinessProcess *wdRef `json:"overallBusinessProcess"`
			OverallStatus          string `json:"overallStatus"`
		} `json:"businessProcessParameters"`
	}
	if err := c.postJSON(ctx, c.restURL(svcAbsence, nil, "workers", employeePath(req.EmployeeID), "requestTimeOff"), body, &created); err != nil {
		return nil, c.asNotFound(err, ErrCodeEmployeeNotFound, map[string]any{"employee_id": req.EmployeeID})
	}
	if created.BP == nil || created.BP.OverallBusinessProcess.id() == "" {
		return nil, c.malformed("the request's business process (overallBusinessProcess)")
	}
	id := created.BP.OverallBusinessProcess.ID
	ev, err := c.event(ctx, id, ErrCodeRequestNotFound)
	if err != nil {
		return nil, err
	}
	st, err := c.requestStatus(ev.Status.Descriptor)
	if err != nil {
		return nil, err
	}
	out := &TimeOffSubmission{RequestID: id, Status: st, SubmittedAt: ev.CreationDate}
	steps, err := collect[eventStep](ctx, c, svcBP, nil, "events", id, "inProgressSteps")
	if err != nil {
		return nil, err
	}
	if len(steps) > 0 && len(steps[0].AwaitingPersons) > 0 {
		w, err := c.staffingWorker(ctx, steps[0].AwaitingPersons[0].ID)
		if err != nil {
			return nil, err
		}
		out.Approver = &EmployeeRef{EmployeeID: w.WorkerID, DisplayName: w.Descriptor}
	}
	rows, err := c.reportRows(ctx, reportTimeOffBalances, url.Values{promptEmployeeID: {req.EmployeeID}})
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(rows, func(r row) bool { return r.s("Time_Off_Type") == req.Type })
	if i < 0 {
		return nil, c.malformed("type " + req.Type + " in report " + reportTimeOffBalances)
	}
	out.EstimatedBalanceAfter = rows[i].f("Available_Hours")
	return out, rows[i].err
}

// requestStatus reads a time off event's status.
func (c *driver) requestStatus(s string) (string, error) {
	switch s {
	case bpInProgress:
		return wdapi.RequestPending, nil
	case bpCompleted:
		return wdapi.RequestApproved, nil
	case "Canceled", "Rescinded":
		return wdapi.RequestCancelled, nil
	case "Denied":
		return wdapi.RequestDenied, nil
	}
	return "", c.malformed(fmt.Sprintf("a known event status (got %q)", s))
}

// spread divides hours over n days in hundredths, the remainder on the
// last day, so that the days add up to hours exactly.
func spread(hours float64, n int) []float64 {
	cents := int64(hours*100 + 0.5)
	per := cents / int64(n)
	out := make([]float64, n)
	for i := range out {
		out[i] = float64(per) / 100
	}
	out[n-1] = float64(cents-per*int64(n-1)) / 100
	return out
}

// approveTimeOff approves the event's step in progress (businessProcess
// v1 events/{ID}/inProgressSteps, POST eventSteps/{ID}/approve). Workday
// records the approval for the calling account; the connector checks that
// the approver is a person the step awaits (awaitingPersons), and the
// simulator's principal rule (the approver or an admin) first.
func (c *driver) approveTimeOff(ctx context.Context, p connectors.Principal, req ApproveTimeOffRequest) (*TimeOffApproval, error) {
	if err := c.required("request_id", req.RequestID); err != nil {
		return nil, err
	}
	if err := c.required("approver_id", req.ApproverID); err != nil {
		return nil, err
	}
	if p.ID == "" {
		return nil, c.notPermitted("approve needs a principal: the approver or a member of "+AdminGroup, map[string]any{"request_id": req.RequestID})
	}
	if p.ID != req.ApproverID && !p.InGroup(AdminGroup) {
		return nil, c.notPermitted(fmt.Sprintf("principal '%s' may not approve as '%s' (only the approver or a member of %s)", p.ID, req.ApproverID, AdminGroup),
			map[string]any{"principal": p.ID, "approver_id": req.ApproverID})
	}
	ev, err := c.event(ctx, req.RequestID, ErrCodeRequestNotFound)
	if err != nil {
		return nil, err
	}
	approver, err := c.activeWorker(ctx, req.ApproverID)
	if err != nil {
		return nil, err
	}
	if ev.Status.Descriptor != bpInProgress {
		return nil, c.newError(ErrCodeAlreadyProcessed, fmt.Sprintf("Time off request '%s' is %s", req.RequestID, ev.Status.Descriptor),
			map[string]any{"request_id": req.RequestID, "status": ev.Status.Descriptor})
	}
	steps, err := collect[eventStep](ctx, c, svcBP, nil, "events", req.RequestID, "inProgressSteps")
	if err != nil {
		return nil, err
	}
	step := ""
	for _, s := range steps {
		for _, a := range s.AwaitingPersons {
			if a.ID == approver.ID {
				step = s.ID
			}
		}
	}
	if step == "" {
		return nil, c.newError(ErrCodeInvalidApprover, fmt.Sprintf("Approver '%s' is not a person the request's step awaits", req.ApproverID),
			map[string]any{"request_id": req.RequestID, "approver_id": req.ApproverID})
	}
	body := map[string]any{}
	if req.Comments != "" {
		body["comment"] = req.Comments
	}
	if err := c.postJSON(ctx, c.restURL(svcBP, nil, "eventSteps", step, "approve"), body, nil); err != nil {
		return nil, err
	}
	after, err := c.event(ctx, req.RequestID, ErrCodeRequestNotFound)
	if err != nil {
		return nil, err
	}
	st, err := c.requestStatus(after.Status.Descriptor)
	if err != nil {
		return nil, err
	}
	if after.CompletedDate == "" && st == wdapi.RequestApproved {
		return nil, c.malformed("the approved event's completedDate")
	}
	return &TimeOffApproval{RequestID: req.RequestID, Status: st, ApprovedAt: after.CompletedDate, ApprovedBy: req.ApproverID}, nil
}

func (c *driver) notPermitted(msg string, details map[string]any) *connectors.Error {
	return c.newError(ErrCodeNotPermitted, msg, details)
}

// cancelTimeOff cancels the request's event: businessProcess v1 publishes
// no cancel, so the connector calls Workday Web Services'
// Cancel_Business_Process (an event in progress) or
// Rescind_Business_Process (an approved one, before it starts). The
// principal must be the event's worker (its "for") or an admin.
func (c *driver) cancelTimeOff(ctx context.Context, p connectors.Principal, req CancelTimeOffRequest) (*TimeOffCancellation, error) {
	if err := c.required("request_id", req.RequestID); err != nil {
		return nil, err
	}
	if p.ID == "" {
		return nil, c.notPermitted("cancel needs a principal: the request's owner or a member of "+AdminGroup, map[string]any{"request_id": req.RequestID})
	}
	ev, err := c.event(ctx, req.RequestID, ErrCodeRequestNotFound)
	if err != nil {
		return nil, err
	}
	if !p.InGroup(AdminGroup) {
		owner := false
		w, err := c.staffingWorker(ctx, employeePath(p.ID))
		switch {
		case err == nil:
			owner = ev.For != nil && ev.For.ID == w.ID
		case vendorCode(err) != ErrCodeNotFound:
			return nil, err
		}
		if !owner {
			return nil, c.notPermitted(fmt.Sprintf("principal '%s' may not cancel request '%s' (only its worker or a member of %s)", p.ID, req.RequestID, AdminGroup),
				map[string]any{"request_id": req.RequestID, "principal": p.ID})
		}
	}
	r, err := c.requestRow(ctx, req.RequestID)
	if err != nil {
		return nil, err
	}
	hours, start := r.f("Hours"), r.d("Start_Date")
	if r.err != nil {
		return nil, r.err
	}
	op := ""
	switch ev.Status.Descriptor {
	case bpInProgress:
		op = "Cancel_Business_Process_Request"
	case bpCompleted:
		if !c.today().Before(start) {
			return nil, c.newError(ErrCodeAlreadyProcessed, fmt.Sprintf("Time off request '%s' is approved and started on %s", req.RequestID, start),
				map[string]any{"request_id": req.RequestID, "start_date": start.String()})
		}
		op = "Rescind_Business_Process_Request"
	default:
		return nil, c.newError(ErrCodeAlreadyProcessed, fmt.Sprintf("Time off request '%s' is %s", req.RequestID, ev.Status.Descriptor),
			map[string]any{"request_id": req.RequestID, "status": ev.Status.Descriptor})
	}
	if _, err := c.soapCall(ctx, "Integrations", cancelRequest{XMLName: xmlName(op), Version: wwsVersion,
		Event: wwsRef{wwsID{Type: "WID", Value: ev.ID}}, Comment: req.Reason}); err != nil {
		return nil, err
	}
	after, err := c.event(ctx, req.RequestID, ErrCodeRequestNotFound)
	if err != nil {
		return nil, err
	}
	st, err := c.requestStatus(after.Status.Descriptor)
	if err != nil {
		return nil, err
	}
	return &TimeOffCancellation{RequestID: req.RequestID, Status: st, CancelledAt: after.CompletedDate, CancelledBy: p.ID, HoursRestored: hours}, nil
}
