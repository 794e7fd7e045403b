package workdaysim

import (
	"fmt"
	"strings"
	"time"

	connectors "github.com/xlr8/connectors"
)

// env is what an operation needs besides its request: the simulated time,
// the principal and the business-rule switches.
type env struct {
	now   time.Time
	today Date
	p     connectors.Principal
	cfg   *Config
}

func required(field, v string) error {
	if strings.TrimSpace(v) == "" {
		return validationError(field, "is required and must not be empty")
	}
	return nil
}

func (s *store) getEmployee(en env, req GetEmployeeRequest) (out *Employee, err error) {
	err = s.readActive(en, req.EmployeeID, func(e *employee) { out = s.directoryEntry(e) })
	return out, err
}

// getEmployeeMap is getEmployee for Execute: the same checks, and the
// employee's cached directory view (views.go) instead of a new Employee to
// render.
func (s *store) getEmployeeMap(en env, req GetEmployeeRequest) (out map[string]any, err error) {
	err = s.readActive(en, req.EmployeeID, func(e *employee) { out = s.directoryView(e) })
	return out, err
}

// readActive runs fn on the active employee id under the read lock.
func (s *store) readActive(en env, id string, fn func(*employee)) error {
	if err := required("employee_id", id); err != nil {
		return err
	}
	var err error
	s.read(en.today, func() {
		var e *employee
		if e, err = s.lookupActive(id); err == nil {
			fn(e)
		}
	})
	return err
}

// directoryEntry is an employee's public directory information.
func (s *store) directoryEntry(e *employee) *Employee {
	return &Employee{
		EmployeeID: e.EmployeeID,
		Name:       PersonName{First: e.Name.First, Last: e.Name.Last, Display: e.Name.Display},
		Email:      e.Email,
		Job:        Job{Title: e.Job.Title, Department: e.Job.Department, DepartmentID: e.Job.DepartmentID, Location: e.Job.Location},
		Manager:    s.ref(e.ManagerID),
		Status:     e.Status,
		StartDate:  e.StartDate,
	}
}

func (s *store) getEmployeeFull(en env, req GetEmployeeRequest) (out *EmployeeFull, err error) {
	if err := required("employee_id", req.EmployeeID); err != nil {
		return nil, err
	}
	s.read(en.today, func() {
		var e *employee
		if e, err = s.lookup(req.EmployeeID); err != nil {
			return
		}
		out = &EmployeeFull{
			EmployeeID: e.EmployeeID, Name: e.Name, Email: e.Email, PersonalEmail: e.PersonalEmail,
			Phone: e.Phone, Job: e.Job, Manager: s.ref(e.ManagerID), Status: e.Status, StartDate: e.StartDate,
			BirthDate: e.BirthDate, NationalIDLastFour: e.NationalIDLastFour, Address: e.Address,
			EmergencyContact: e.EmergencyContact,
		}
		if e.TerminationDate != nil {
			d := *e.TerminationDate
			out.TerminationDate = &d
		}
	})
	return out, err
}

func (s *store) listDirectReports(en env, req ListDirectReportsRequest) (out *DirectReports, err error) {
	if err := required("manager_id", req.ManagerID); err != nil {
		return nil, err
	}
	s.read(en.today, func() {
		if _, err = s.lookupActive(req.ManagerID); err != nil {
			return
		}
		out = &DirectReports{ManagerID: req.ManagerID, DirectReports: []DirectReport{}}
		for _, id := range s.reports[req.ManagerID] {
			e := s.emps[id]
			if e.Status != StatusActive {
				continue
			}
			out.DirectReports = append(out.DirectReports, DirectReport{EmployeeID: id, DisplayName: e.Name.Display, Title: e.Job.Title, StartDate: e.StartDate})
		}
		out.Count = len(out.DirectReports)
	})
	return out, err
}

func (s *store) getOrgChart(en env, req GetOrgChartRequest) (out *OrgChart, err error) {
	if err := required("root_id", req.RootID); err != nil {
		return nil, err
	}
	depth := 2
	if req.Depth != nil {
		depth = *req.Depth
	}
	if depth < 0 || depth > MaxOrgChartDepth {
		return nil, validationError("depth", fmt.Sprintf("%d is not between 0 and %d", depth, MaxOrgChartDepth))
	}
	s.read(en.today, func() {
		root := req.RootID
		if i, ok := s.orgIdx[root]; ok {
			if root = s.orgs[i].HeadID; root == "" {
				err = validationError("root_id", fmt.Sprintf("organization %s has no head", req.RootID))
				return
			}
		}
		var e *employee
		if e, err = s.lookupActive(root); err != nil {
			return
		}
		count := 0
		out = &OrgChart{Root: s.orgNode(e, depth, &count)}
		out.TotalCount = count
	})
	return out, err
}

func (s *store) orgNode(e *employee, depth int, count *int) OrgNode {
	*count++
	n := OrgNode{EmployeeID: e.EmployeeID, DisplayName: e.Name.Display, Title: e.Job.Title}
	if depth == 0 {
		n.Reports = []OrgNode{}
		return n
	}
	ids := s.reports[e.EmployeeID]
	n.Reports = make([]OrgNode, 0, len(ids))
	for _, id := range ids {
		r := s.emps[id]
		if r.Status != StatusActive {
			continue
		}
		n.Reports = append(n.Reports, s.orgNode(r, depth-1, count))
	}
	return n
}

func (s *store) getManagerChain(en env, req GetManagerChainRequest) (out *ManagerChain, err error) {
	if err := required("employee_id", req.EmployeeID); err != nil {
		return nil, err
	}
	s.read(en.today, func() {
		var e *employee
		if e, err = s.lookupActive(req.EmployeeID); err != nil {
			return
		}
		out = &ManagerChain{EmployeeID: e.EmployeeID, Chain: []ChainLink{}}
		for level := 1; e.ManagerID != "" && level <= len(s.emps); level++ {
			e = s.emps[e.ManagerID]
			out.Chain = append(out.Chain, ChainLink{EmployeeID: e.EmployeeID, DisplayName: e.Name.Display, Title: e.Job.Title, Level: level})
		}
	})
	return out, err
}

func (s *store) updateEmployee(en env, req UpdateEmployeeRequest) (out *UpdateEmployeeResponse, err error) {
	if err := required("employee_id", req.EmployeeID); err != nil {
		return nil, err
	}
	values := req.Updates.Values()
	if len(values) == 0 {
		return nil, validationError("updates", "sets no field")
	}
	for path, v := range values {
		if (path == "name.first" || path == "name.last" || path == "email") && strings.TrimSpace(v) == "" {
			return nil, validationError("updates."+path, "must not be empty")
		}
	}
	eff := en.today
	if req.EffectiveDate != nil {
		eff = *req.EffectiveDate
	}
	s.write(en.today, func() {
		var e *employee
		if e, err = s.lookupActive(req.EmployeeID); err != nil {
			return
		}
		if v, ok := values["job.department_id"]; ok && len(s.orgs) > 0 {
			if _, known := s.orgIdx[v]; !known {
				err = validationError("updates.job.department_id", fmt.Sprintf("%q is not an organization", v))
				return
			}
		}
		changes := []Change{}
		for _, f := range employeeFields {
			v, ok := values[f.path]
			if old := *f.ptr(&e.EmployeeRecord); ok && v != old {
				changes = append(changes, Change{Field: f.path, OldValue: old, NewValue: v})
			}
		}
		if len(changes) == 0 {
			err = validationError("updates", "changes nothing: every field already has the value given")
			return
		}
		t := &Transaction{Kind: TxnUpdate, EmployeeID: e.EmployeeID, EffectiveDate: eff, Changes: changes,
			Reason: req.Reason, CreatedBy: en.p.ID}
		s.newTransaction(en.now, t)
		out = &UpdateEmployeeResponse{EmployeeID: e.EmployeeID, TransactionID: t.TransactionID, Status: TxnPendingApproval,
			EffectiveDate: eff, Changes: append([]Change(nil), changes...)}
	})
	return out, err
}

func (s *store) terminateEmployee(en env, req TerminateEmployeeRequest) (out *TerminateEmployeeResponse, err error) {
	if err := required("employee_id", req.EmployeeID); err != nil {
		return nil, err
	}
	if !terminationReasons[req.ReasonCode] {
		return nil, validationError("reason_code", fmt.Sprintf("%q is not one of VOLUNTARY_RESIGNATION, INVOLUNTARY, RETIREMENT, END_OF_CONTRACT, OTHER", req.ReasonCode))
	}
	s.write(en.today, func() {
		var e *employee
		if e, err = s.lookupActive(req.EmployeeID); err != nil {
			return
		}
		if req.TerminationDate.Before(e.StartDate) {
			err = invalidDateRange("termination_date", e.StartDate, req.TerminationDate)
			return
		}
		if t := s.pendingTermination(e.EmployeeID); t != nil {
			err = newError(ErrCodeAlreadyProcessed, fmt.Sprintf("Employee '%s' already has a pending termination (%s)", e.EmployeeID, t.TransactionID),
				map[string]any{"employee_id": e.EmployeeID, "transaction_id": t.TransactionID})
			return
		}
		s.flowSeq++
		t := &Transaction{Kind: TxnTermination, EmployeeID: e.EmployeeID, EffectiveDate: req.TerminationDate,
			ReasonCode: req.ReasonCode, Notes: req.Notes, FlowID: fmt.Sprintf("FLOW-OFF-%03d", s.flowSeq), CreatedBy: en.p.ID}
		s.newTransaction(en.now, t)
		out = &TerminateEmployeeResponse{EmployeeID: e.EmployeeID, TransactionID: t.TransactionID, Status: TxnPendingApproval,
			TerminationDate: req.TerminationDate, OffboardingFlowID: t.FlowID}
	})
	return out, err
}
