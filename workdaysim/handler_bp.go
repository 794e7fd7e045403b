package workdaysim

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	connectors "github.com/xlr8/connectors"
)

// This file serves the business processes: Request Time Off
// (absenceManagement v1), events and their steps (businessProcess v1), and
// the Change Job draft (staffing v6: POST, PATCH sub-resources, submit).

type refBody struct {
	ID string `json:"id"`
}

type bpParams struct {
	Action  *refBody `json:"action"`
	Comment string   `json:"comment"`
}

// submits checks that business process parameters name the Submit action
// (the only one the handler offers); false means the 400 was written.
func submits(w http.ResponseWriter, bp *bpParams) bool {
	if bp == nil || bp.Action == nil || bp.Action.ID != wdActionSubmit {
		writeWDError(w, http.StatusBadRequest, "A219", "The business process action isn't valid.")
		return false
	}
	return true
}

type timeOffDay struct {
	Date          string   `json:"date"`
	DailyQuantity *float64 `json:"dailyQuantity"`
	TimeOffType   *refBody `json:"timeOffType"`
	Comment       string   `json:"comment"`
}

func (h *HTTPHandler) requestTimeOff(w http.ResponseWriter, r *http.Request, rt route) {
	id, ok := h.resolve("worker", rt.parts[1])
	if !ok {
		notFound(w, "Worker", rt.parts[1])
		return
	}
	var body struct {
		Days []timeOffDay `json:"days"`
		BP   *bpParams    `json:"businessProcessParameters"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	if !submits(w, body.BP) {
		return
	}
	if len(body.Days) == 0 {
		writeWDError(w, http.StatusBadRequest, "A1038", "Date is required and must have a value.")
		return
	}
	req := RequestTimeOffRequest{EmployeeID: id, Notes: body.BP.Comment}
	var total float64
	for i, d := range body.Days {
		day, err := connectors.ParseDate(d.Date)
		if err != nil {
			writeWDError(w, http.StatusBadRequest, "A1038", "Date is required and must have a value.")
			return
		}
		if d.TimeOffType == nil {
			writeWDError(w, http.StatusBadRequest, "A1009", "Type is required and must have a value.")
			return
		}
		typ, ok := h.resolve("timeOffType", d.TimeOffType.ID)
		if !ok || (i > 0 && typ != req.Type) {
			writeWDError(w, http.StatusBadRequest, wdCodeNotEligibleType, "Worker Not Eligible for Time Off Type")
			return
		}
		if d.DailyQuantity == nil {
			writeWDError(w, http.StatusBadRequest, "A1017", "Daily Quantity is required and must have a value.")
			return
		}
		req.Type = typ
		if i == 0 || day.Before(req.StartDate) {
			req.StartDate = day
		}
		if i == 0 || day.After(req.EndDate) {
			req.EndDate = day
		}
		total += *d.DailyQuantity
	}
	total = round2(total)
	if total <= 0 {
		writeWDError(w, http.StatusBadRequest, "A1020", "The request can't have a Total Hourly or Daily Quantity of zero.")
		return
	}
	req.Hours = &total
	out, err := call(h, connectors.Principal{}, req, (*store).requestTimeOff)
	if err != nil {
		writeSimError(w, err)
		return
	}
	days := []any{}
	for i, d := range body.Days {
		days = append(days, map[string]any{"id": h.WID("timeOffEntry", fmt.Sprintf("%s/%d", out.RequestID, i)), "date": d.Date,
			"dailyQuantity": *d.DailyQuantity, "timeOffType": ref(h.WID("timeOffType", req.Type), req.Type, "")})
	}
	writeJSON(w, http.StatusCreated, map[string]any{
		"businessProcessParameters": map[string]any{"action": ref(wdActionSubmit, "Submit", ""), "comment": body.BP.Comment,
			"overallBusinessProcess": ref(out.RequestID, "Request Time Off", h.href(r, "businessProcess/v1", "events", out.RequestID)),
			"overallStatus":          wdStatusInProgress},
		"days": days,
	})
}

var eventStatus = map[string]string{RequestPending: wdStatusInProgress, RequestApproved: wdStatusCompleted,
	RequestCancelled: wdStatusCanceled, RequestDenied: wdStatusDenied,
	TxnPendingApproval: wdStatusInProgress, TxnCompleted: wdStatusCompleted}

// eventOf reads a business process event: a time off request or a
// transaction (update, termination).
func (h *HTTPHandler) eventOf(id string) (ev map[string]any, req *RequestRecord, manager string, ok bool) {
	st := h.sim.be.st.Load()
	st.read(h.sim.be.clock.Today(), func() {
		if rq, found := st.requests[id]; found {
			c := *rq
			req, ok = &c, true
			e := st.emps[rq.EmployeeID]
			manager = e.ManagerID
			who := ref(h.WID("worker", rq.EmployeeID), e.Name.Display, "")
			ev = map[string]any{"id": id, "descriptor": "Request Time Off: " + e.Name.Display,
				"status": ref(h.WID("eventStatus", eventStatus[rq.Status]), eventStatus[rq.Status], ""),
				"for":    who, "initiator": who, "creationDate": stamp(rq.SubmittedAt), "effectiveDate": rq.StartDate.String(),
				"overallBusinessProcess": ref(h.WID("businessProcessType", "Request Time Off"), "Request Time Off", "")}
			switch {
			case rq.ApprovedAt != nil && rq.Status == RequestApproved:
				ev["completedDate"] = stamp(*rq.ApprovedAt)
			case rq.CancelledAt != nil:
				ev["completedDate"] = stamp(*rq.CancelledAt)
			}
			return
		}
		if t, found := st.txns[id]; found {
			ok = true
			e := st.emps[t.EmployeeID]
			kind := map[string]string{TxnUpdate: "Change Job", TxnTermination: "Termination"}[t.Kind]
			ev = map[string]any{"id": id, "descriptor": kind + ": " + e.Name.Display,
				"status": ref(h.WID("eventStatus", eventStatus[t.Status]), eventStatus[t.Status], ""),
				"for":    ref(h.WID("worker", t.EmployeeID), e.Name.Display, ""), "creationDate": stamp(t.CreatedAt),
				"effectiveDate": t.EffectiveDate.String(), "overallBusinessProcess": ref(h.WID("businessProcessType", kind), kind, "")}
			if t.CompletedAt != nil {
				ev["completedDate"] = stamp(*t.CompletedAt)
			}
			if t.FlowID != "" {
				ev["subBusinessProcesses"] = []any{map[string]any{"id": t.FlowID, "descriptor": "Offboarding"}}
			}
		}
	})
	return ev, req, manager, ok
}

// events serves businessProcess v1's events collection; the worker
// parameter ("Event about Worker") filters it.
func (h *HTTPHandler) events(w http.ResponseWriter, r *http.Request, rt route) {
	emp := ""
	if s := r.URL.Query().Get("worker"); s != "" {
		id, ok := h.resolve("worker", s)
		if !ok {
			notFound(w, "Worker", s)
			return
		}
		emp = id
	}
	var ids []string
	st := h.sim.be.st.Load()
	st.read(h.sim.be.clock.Today(), func() {
		for _, id := range st.reqOrder {
			if emp == "" || st.requests[id].EmployeeID == emp {
				ids = append(ids, id)
			}
		}
		for _, id := range st.txnOrder {
			if emp == "" || st.txns[id].EmployeeID == emp {
				ids = append(ids, id)
			}
		}
	})
	items := []map[string]any{}
	for _, id := range ids {
		if ev, _, _, ok := h.eventOf(id); ok {
			items = append(items, ev)
		}
	}
	h.writePage(w, r, items)
}

func (h *HTTPHandler) event(w http.ResponseWriter, r *http.Request, rt route) {
	ev, _, _, ok := h.eventOf(rt.parts[1])
	if !ok {
		notFound(w, "Event", rt.parts[1])
		return
	}
	writeJSON(w, http.StatusOK, ev)
}

// inProgressSteps serves an event's steps awaiting action: a pending time
// off request awaits its worker's manager.
func (h *HTTPHandler) inProgressSteps(w http.ResponseWriter, r *http.Request, rt route) {
	_, req, manager, ok := h.eventOf(rt.parts[1])
	if !ok {
		notFound(w, "Event", rt.parts[1])
		return
	}
	items := []map[string]any{}
	if req != nil && req.Status == RequestPending && manager != "" {
		var name string
		st := h.sim.be.st.Load()
		st.read(h.sim.be.clock.Today(), func() { name = st.emps[manager].Name.Display })
		items = append(items, map[string]any{"id": h.WID("step", req.RequestID), "descriptor": "Review Time Off Request",
			"status": ref(h.WID("stepStatus", "Awaiting Action"), "Awaiting Action", ""), "creationDate": stamp(req.SubmittedAt),
			"awaitingPersons": []any{ref(h.WID("worker", manager), name, "")}})
	}
	h.writePage(w, r, items)
}

// completedSteps serves an event's completed steps (the approval, with
// the person who completed it).
func (h *HTTPHandler) completedSteps(w http.ResponseWriter, r *http.Request, rt route) {
	_, req, _, ok := h.eventOf(rt.parts[1])
	if !ok {
		notFound(w, "Event", rt.parts[1])
		return
	}
	items := []map[string]any{}
	if req != nil && req.ApprovedAt != nil && req.ApprovedBy != "" {
		var name string
		st := h.sim.be.st.Load()
		st.read(h.sim.be.clock.Today(), func() { name = st.emps[req.ApprovedBy].Name.Display })
		items = append(items, map[string]any{"id": h.WID("step", req.RequestID), "descriptor": "Review Time Off Request",
			"status": ref(h.WID("stepStatus", "Approved"), "Approved", ""), "completedDate": stamp(*req.ApprovedAt),
			"completedByPerson": ref(h.WID("worker", req.ApprovedBy), name, "")})
	}
	h.writePage(w, r, items)
}

// approveStep approves a step as the person it awaits (Workday records
// the approval for the step's assignee; the integration's account acts).
func (h *HTTPHandler) approveStep(w http.ResponseWriter, r *http.Request, rt route) {
	x, found := h.wids.Load(rt.parts[1])
	if !found || x.(widRef).kind != "step" {
		notFound(w, "Event Step", rt.parts[1])
		return
	}
	var body struct {
		Comment string `json:"comment"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	_, req, manager, ok := h.eventOf(x.(widRef).id)
	if !ok || req.Status != RequestPending || manager == "" {
		writeWDError(w, http.StatusBadRequest, wdCodeConflictingEvent, "The step is not awaiting action.")
		return
	}
	out, err := call(h, connectors.Principal{ID: manager}, ApproveTimeOffRequest{RequestID: req.RequestID, ApproverID: manager, Comments: body.Comment}, (*store).approveTimeOff)
	if err != nil {
		writeSimError(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"id": rt.parts[1], "descriptor": "Review Time Off Request", "comment": body.Comment,
		"eventStatus": ref(h.WID("eventStatus", eventStatus[out.Status]), eventStatus[out.Status], "")})
}

// jobChangeDraft is a Change Job event between its POST and its submit:
// nothing persists until the submit.
type jobChangeDraft struct {
	employee string
	date     Date
	reason   string
	title    *string
	org      *string
}

func (h *HTTPHandler) startJobChange(w http.ResponseWriter, r *http.Request, rt route) {
	e, ok := h.worker(w, rt.parts[1])
	if !ok {
		return
	}
	var body struct {
		Date                    string   `json:"date"`
		Job                     *refBody `json:"job"`
		Reason                  *refBody `json:"reason"`
		SupervisoryOrganization *refBody `json:"supervisoryOrganization"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	d, err := connectors.ParseDate(body.Date)
	if err != nil {
		writeWDError(w, http.StatusBadRequest, "", "invalid request: date is required (yyyy-mm-dd)")
		return
	}
	if body.Job == nil || body.Job.ID != h.WID("job", e.EmployeeID) {
		writeWDError(w, http.StatusBadRequest, "A411", "The position entered is not a valid position for the Worker as of the date entered.")
		return
	}
	dr := &jobChangeDraft{employee: e.EmployeeID, date: d}
	if body.Reason != nil {
		if dr.reason, ok = h.resolve("reason", body.Reason.ID); !ok {
			writeWDError(w, http.StatusBadRequest, "", "invalid request: reason is not a Change Job reason")
			return
		}
	}
	if body.SupervisoryOrganization != nil {
		org, ok := h.resolve("organization", body.SupervisoryOrganization.ID)
		if !ok {
			notFound(w, "Supervisory Organization", body.SupervisoryOrganization.ID)
			return
		}
		dr.org = &org
	}
	h.mu.Lock()
	h.draftN++
	id := h.WID("jobChange", fmt.Sprintf("%d", h.draftN))
	h.drafts[id] = dr
	h.mu.Unlock()
	out := map[string]any{"id": id, "descriptor": "Change Job: " + e.Name.Display, "date": d.String(), "job": ref(body.Job.ID, e.Job.Title, "")}
	if body.Reason != nil {
		out["reason"] = ref(body.Reason.ID, dr.reason, "")
	}
	writeJSON(w, http.StatusCreated, out)
}

func (h *HTTPHandler) draft(w http.ResponseWriter, rt route) (*jobChangeDraft, bool) {
	h.mu.Lock()
	dr, ok := h.drafts[rt.parts[1]]
	h.mu.Unlock()
	if !ok || (len(rt.parts) == 4 && rt.parts[3] != rt.parts[1]) {
		notFound(w, "Job Change", rt.parts[1])
		return nil, false
	}
	return dr, true
}

func (h *HTTPHandler) patchJobChange(w http.ResponseWriter, r *http.Request, rt route) {
	dr, ok := h.draft(w, rt)
	if !ok {
		return
	}
	switch rt.parts[2] {
	case "businessTitle":
		var body struct {
			BusinessTitle *string `json:"businessTitle"`
		}
		if !decodeBody(w, r, &body) {
			return
		}
		if body.BusinessTitle == nil || strings.TrimSpace(*body.BusinessTitle) == "" {
			writeWDError(w, http.StatusBadRequest, "", "invalid request: businessTitle is required")
			return
		}
		h.mu.Lock()
		dr.title = body.BusinessTitle
		h.mu.Unlock()
		writeJSON(w, http.StatusOK, map[string]any{"id": rt.parts[1], "businessTitle": *body.BusinessTitle})
	default:
		writeWDError(w, http.StatusBadRequest, "", "invalid request: the simulator changes the business title and the supervisory organization")
	}
}

func (h *HTTPHandler) submitJobChange(w http.ResponseWriter, r *http.Request, rt route) {
	dr, ok := h.draft(w, rt)
	if !ok {
		return
	}
	var body struct {
		BP *bpParams `json:"businessProcessParameters"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	if !submits(w, body.BP) {
		return
	}
	h.mu.Lock()
	delete(h.drafts, rt.parts[1])
	upd := EmployeeUpdates{}
	if dr.title != nil || dr.org != nil {
		upd.Job = &JobUpdate{Title: dr.title, DepartmentID: dr.org}
	}
	h.mu.Unlock()
	date := dr.date
	out, err := call(h, connectors.Principal{}, UpdateEmployeeRequest{EmployeeID: dr.employee, Updates: upd, EffectiveDate: &date, Reason: dr.reason}, (*store).updateEmployee)
	if err != nil {
		writeSimError(w, err)
		return
	}
	ev, _, _, _ := h.eventOf(out.TransactionID)
	// The event as submitted: it waits for its effective date.
	status := eventStatus[out.Status]
	writeJSON(w, http.StatusCreated, map[string]any{"id": out.TransactionID, "descriptor": ev["descriptor"],
		"status":                    ref(h.WID("eventStatus", status), status, ""),
		"businessProcessParameters": map[string]any{"action": ref(wdActionSubmit, "Submit", ""), "overallStatus": eventStatus[out.Status]}})
}

var _ = time.Second
