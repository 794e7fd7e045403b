package workdaysim

import (
	"fmt"
	"math"
	"slices"
	"time"
)

// stamp renders a timestamp as the responses carry it.
func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func stampPtr(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := stamp(*t)
	return &s
}

func (s *store) getBalance(en env, req GetBalanceRequest) (out *Balances, err error) {
	if err := required("employee_id", req.EmployeeID); err != nil {
		return nil, err
	}
	asOf := en.today
	if req.AsOfDate != nil {
		asOf = *req.AsOfDate
	}
	s.read(en.today, func() {
		if _, err = s.lookup(req.EmployeeID); err != nil {
			return
		}
		out = &Balances{EmployeeID: req.EmployeeID, AsOfDate: asOf, Balances: make([]Balance, 0, len(s.balances[req.EmployeeID]))}
		for _, b := range s.balances[req.EmployeeID] {
			out.Balances = append(out.Balances, Balance{Type: b.Type, TypeName: b.TypeName, AvailableHours: b.AvailableHours,
				UsedHours: b.UsedHours, PendingHours: b.PendingHours, AccrualRatePerPeriod: b.AccrualRatePerPeriod, MaxCarryover: b.MaxCarryover})
		}
	})
	return out, err
}

var requestStatuses = []string{RequestPending, RequestApproved, RequestCancelled, RequestDenied}

func (s *store) listRequests(en env, req ListRequestsRequest) (out *RequestList, err error) {
	if err := required("employee_id", req.EmployeeID); err != nil {
		return nil, err
	}
	for i, st := range req.StatusFilter {
		if !slices.Contains(requestStatuses, st) {
			return nil, validationError(fmt.Sprintf("status_filter[%d]", i), fmt.Sprintf("%q is not one of PENDING, APPROVED, CANCELLED, DENIED", st))
		}
	}
	if r := req.DateRange; r != nil && r.Start.After(r.End) {
		return nil, invalidDateRange("date_range", r.Start, r.End)
	}
	s.read(en.today, func() {
		if _, err = s.lookup(req.EmployeeID); err != nil {
			return
		}
		out = &RequestList{EmployeeID: req.EmployeeID, Requests: []RequestSummary{}}
		for _, id := range s.reqByEmp[req.EmployeeID] {
			r := s.requests[id]
			if len(req.StatusFilter) > 0 && !slices.Contains(req.StatusFilter, r.Status) {
				continue
			}
			if dr := req.DateRange; dr != nil && (r.EndDate.Before(dr.Start) || r.StartDate.After(dr.End)) {
				continue
			}
			sum := RequestSummary{RequestID: r.RequestID, Type: r.Type, Status: r.Status, StartDate: r.StartDate, EndDate: r.EndDate,
				Hours: r.Hours, SubmittedAt: stamp(r.SubmittedAt)}
			if r.ApprovedBy != "" {
				by := r.ApprovedBy
				sum.ApprovedBy = &by
			}
			sum.ApprovedAt = stampPtr(r.ApprovedAt)
			out.Requests = append(out.Requests, sum)
		}
		slices.SortStableFunc(out.Requests, func(a, b RequestSummary) int { return a.StartDate.Compare(b.StartDate) })
		out.Count = len(out.Requests)
	})
	return out, err
}

func (s *store) getRequest(en env, req GetRequestRequest) (out *TimeOffRequest, err error) {
	if err := required("request_id", req.RequestID); err != nil {
		return nil, err
	}
	s.read(en.today, func() {
		r, ok := s.requests[req.RequestID]
		if !ok {
			err = requestNotFound(req.RequestID)
			return
		}
		e := s.emps[r.EmployeeID]
		out = &TimeOffRequest{RequestID: r.RequestID, EmployeeID: r.EmployeeID, EmployeeName: e.Name.Display, Type: r.Type,
			Status: r.Status, StartDate: r.StartDate, EndDate: r.EndDate, Hours: r.Hours, Notes: r.Notes,
			SubmittedAt: stamp(r.SubmittedAt), ApprovedAt: stampPtr(r.ApprovedAt),
			History: []HistoryEntry{{Action: "SUBMITTED", Timestamp: stamp(r.SubmittedAt), Actor: r.EmployeeID}}}
		if b := s.balance(r.EmployeeID, r.Type); b != nil {
			out.TypeName = b.TypeName
		}
		if r.ApprovedBy != "" {
			out.ApprovedBy = s.ref(r.ApprovedBy)
		}
		if r.ApprovedAt != nil {
			out.History = append(out.History, HistoryEntry{Action: "APPROVED", Timestamp: stamp(*r.ApprovedAt), Actor: r.ApprovedBy})
		}
		if r.CancelledAt != nil {
			out.History = append(out.History, HistoryEntry{Action: "CANCELLED", Timestamp: stamp(*r.CancelledAt), Actor: r.CancelledBy})
		}
	})
	return out, err
}

// weekdays counts Monday to Friday in [start, end].
func weekdays(start, end Date) int {
	n := 0
	for d := start; !d.After(end); d = d.AddDays(1) {
		if wd := d.Time().Weekday(); wd != time.Saturday && wd != time.Sunday {
			n++
		}
	}
	return n
}

// maxRequestDays bounds the length of one time off request.
const maxRequestDays = 366

func (s *store) requestTimeOff(en env, req RequestTimeOffRequest) (out *TimeOffSubmission, err error) {
	if err := required("employee_id", req.EmployeeID); err != nil {
		return nil, err
	}
	if err := required("type", req.Type); err != nil {
		return nil, err
	}
	if req.StartDate.After(req.EndDate) {
		return nil, invalidDateRange("start_date", req.StartDate, req.EndDate)
	}
	days := int(req.EndDate.Time().Sub(req.StartDate.Time()).Hours()/24) + 1
	if days > maxRequestDays {
		return nil, validationError("end_date", fmt.Sprintf("the request spans %d days, more than %d", days, maxRequestDays))
	}
	var hours float64
	if req.Hours != nil {
		hours = *req.Hours
		if hours <= 0 || math.IsNaN(hours) || hours > float64(24*days) {
			return nil, validationError("hours", fmt.Sprintf("%v is not between 0 (excluded) and %d (24 per day of the range)", hours, 24*days))
		}
	} else if hours = float64(8 * weekdays(req.StartDate, req.EndDate)); hours == 0 {
		return nil, validationError("hours", "the range has no weekday: give the hours")
	}
	s.write(en.today, func() {
		var e *employee
		if e, err = s.lookupActive(req.EmployeeID); err != nil {
			return
		}
		b := s.balance(e.EmployeeID, req.Type)
		if b == nil {
			known := []string{}
			for _, x := range s.balances[e.EmployeeID] {
				known = append(known, x.Type)
			}
			err = validationError("type", fmt.Sprintf("employee %s has no %q balance (has: %v)", e.EmployeeID, req.Type, known))
			return
		}
		if en.cfg.EnforceBalanceCheck && hours > b.AvailableHours+1e-9 {
			err = newError(ErrCodeInsufficientBalance,
				fmt.Sprintf("Employee '%s' has %v %s hours available, %v requested", e.EmployeeID, b.AvailableHours, req.Type, hours),
				map[string]any{"employee_id": e.EmployeeID, "type": req.Type, "requested_hours": hours, "available_hours": b.AvailableHours})
			return
		}
		id := fmt.Sprintf("TOR-%03d", s.nextRequest)
		s.nextRequest++
		r := &RequestRecord{RequestID: id, EmployeeID: e.EmployeeID, Type: req.Type, Status: RequestPending,
			StartDate: req.StartDate, EndDate: req.EndDate, Hours: hours, Notes: req.Notes, SubmittedAt: en.now}
		s.addRequest(r)
		b.AvailableHours = round2(b.AvailableHours - hours)
		b.PendingHours = round2(b.PendingHours + hours)
		out = &TimeOffSubmission{RequestID: id, Status: RequestPending, SubmittedAt: stamp(en.now),
			Approver: s.ref(e.ManagerID), EstimatedBalanceAfter: b.AvailableHours}
	})
	return out, err
}

// round2 rounds to hundredths, so that hour arithmetic does not drift.
func round2(v float64) float64 { return math.Round(v*100) / 100 }

func (s *store) approveTimeOff(en env, req ApproveTimeOffRequest) (out *TimeOffApproval, err error) {
	if err := required("request_id", req.RequestID); err != nil {
		return nil, err
	}
	if err := required("approver_id", req.ApproverID); err != nil {
		return nil, err
	}
	if en.p.ID == "" {
		return nil, notPermitted("approve needs a principal: the approver or a member of "+AdminGroup,
			map[string]any{"request_id": req.RequestID})
	}
	if en.p.ID != req.ApproverID && !en.p.InGroup(AdminGroup) {
		return nil, notPermitted(fmt.Sprintf("principal '%s' may not approve as '%s' (only the approver or a member of %s)", en.p.ID, req.ApproverID, AdminGroup),
			map[string]any{"principal": en.p.ID, "approver_id": req.ApproverID})
	}
	s.write(en.today, func() {
		r, ok := s.requests[req.RequestID]
		if !ok {
			err = requestNotFound(req.RequestID)
			return
		}
		if _, err = s.lookupActive(req.ApproverID); err != nil {
			return
		}
		if en.cfg.EnforceManagerChain && !s.inChain(r.EmployeeID, req.ApproverID) {
			err = newError(ErrCodeInvalidApprover,
				fmt.Sprintf("Approver '%s' is not in the manager chain of employee '%s'", req.ApproverID, r.EmployeeID),
				map[string]any{"request_id": r.RequestID, "approver_id": req.ApproverID, "employee_id": r.EmployeeID})
			return
		}
		if r.Status != RequestPending {
			err = alreadyProcessed(r.RequestID, r.Status)
			return
		}
		b := s.balance(r.EmployeeID, r.Type)
		b.PendingHours = round2(b.PendingHours - r.Hours)
		b.UsedHours = round2(b.UsedHours + r.Hours)
		at := en.now
		r.Status, r.ApprovedBy, r.ApprovedAt, r.Comments = RequestApproved, req.ApproverID, &at, req.Comments
		out = &TimeOffApproval{RequestID: r.RequestID, Status: RequestApproved, ApprovedAt: stamp(at), ApprovedBy: req.ApproverID}
	})
	return out, err
}

func (s *store) cancelTimeOff(en env, req CancelTimeOffRequest) (out *TimeOffCancellation, err error) {
	if err := required("request_id", req.RequestID); err != nil {
		return nil, err
	}
	if en.p.ID == "" {
		return nil, notPermitted("cancel needs a principal: the request's owner or a member of "+AdminGroup,
			map[string]any{"request_id": req.RequestID})
	}
	s.write(en.today, func() {
		r, ok := s.requests[req.RequestID]
		if !ok {
			err = requestNotFound(req.RequestID)
			return
		}
		if en.p.ID != r.EmployeeID && !en.p.InGroup(AdminGroup) {
			err = notPermitted(fmt.Sprintf("principal '%s' may not cancel request '%s' of employee '%s' (only the owner or a member of %s)",
				en.p.ID, r.RequestID, r.EmployeeID, AdminGroup),
				map[string]any{"request_id": r.RequestID, "principal": en.p.ID, "employee_id": r.EmployeeID})
			return
		}
		b := s.balance(r.EmployeeID, r.Type)
		switch {
		case r.Status == RequestPending:
			b.PendingHours = round2(b.PendingHours - r.Hours)
		case r.Status == RequestApproved && en.today.Before(r.StartDate):
			b.UsedHours = round2(b.UsedHours - r.Hours)
		case r.Status == RequestApproved:
			err = newError(ErrCodeAlreadyProcessed, fmt.Sprintf("Time off request '%s' is approved and started on %s", r.RequestID, r.StartDate),
				map[string]any{"request_id": r.RequestID, "status": r.Status, "start_date": r.StartDate.String()})
			return
		default:
			err = alreadyProcessed(r.RequestID, r.Status)
			return
		}
		b.AvailableHours = round2(b.AvailableHours + r.Hours)
		at := en.now
		r.Status, r.CancelledBy, r.CancelledAt, r.Reason = RequestCancelled, en.p.ID, &at, req.Reason
		out = &TimeOffCancellation{RequestID: r.RequestID, Status: RequestCancelled, CancelledAt: stamp(at), CancelledBy: en.p.ID, HoursRestored: r.Hours}
	})
	return out, err
}
