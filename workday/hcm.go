package workday

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/workday/wdapi"
)

const (
	wdapiStatusActive     = wdapi.StatusActive
	wdapiStatusTerminated = wdapi.StatusTerminated
)

// profile runs a worker profile report for one employee: no row is
// EMPLOYEE_NOT_FOUND; with active, a terminated worker is
// EMPLOYEE_INACTIVE.
func (c *driver) profile(ctx context.Context, report, id string, active bool) (*row, error) {
	rows, err := c.reportRows(ctx, report, url.Values{promptEmployeeID: {id}})
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, c.newError(ErrCodeEmployeeNotFound, fmt.Sprintf("Employee with ID '%s' not found", id), map[string]any{"employee_id": id})
	}
	r := &rows[0]
	if active && r.status("Worker_Status") == wdapi.StatusTerminated {
		return nil, c.newError(ErrCodeEmployeeInactive, fmt.Sprintf("Employee with ID '%s' is terminated", id),
			map[string]any{"employee_id": id, "termination_date": r.s("Termination_Date")})
	}
	return r, r.err
}

func (c *driver) manager(r *row) *EmployeeRef {
	if id := r.s("Manager_Employee_ID"); id != "" {
		return &EmployeeRef{EmployeeID: id, DisplayName: r.need("Manager_Name")}
	}
	return nil
}

type EmployeeRef = wdapi.EmployeeRef

// getEmployee reads the Worker_Profile report (RaaS): Workday's REST
// workers carry no manager, hire date or status.
func (c *driver) getEmployee(ctx context.Context, _ connectors.Principal, req GetEmployeeRequest) (*Employee, error) {
	if err := c.required("employee_id", req.EmployeeID); err != nil {
		return nil, err
	}
	r, err := c.profile(ctx, reportWorkerProfile, req.EmployeeID, true)
	if err != nil {
		return nil, err
	}
	out := &Employee{EmployeeID: r.need("Employee_ID"),
		Name:  wdapi.PersonName{First: r.need("First_Name"), Last: r.need("Last_Name"), Display: r.need("Display_Name")},
		Email: r.s("Email"),
		Job: wdapi.Job{Title: r.s("Business_Title"), Department: r.s("Supervisory_Organization"),
			DepartmentID: r.s("Supervisory_Organization_ID"), Location: r.s("Location")},
		Manager: c.manager(r), Status: r.status("Worker_Status"), StartDate: r.d("Hire_Date")}
	return out, r.err
}

func (c *driver) getEmployeeFull(ctx context.Context, _ connectors.Principal, req GetEmployeeRequest) (*EmployeeFull, error) {
	if err := c.required("employee_id", req.EmployeeID); err != nil {
		return nil, err
	}
	r, err := c.profile(ctx, reportWorkerFullProfile, req.EmployeeID, false)
	if err != nil {
		return nil, err
	}
	out := &EmployeeFull{EmployeeID: r.need("Employee_ID"),
		Name: wdapi.FullName{First: r.need("First_Name"), Last: r.need("Last_Name"), Display: r.need("Display_Name"),
			LegalFirst: r.s("Legal_First_Name"), LegalLast: r.s("Legal_Last_Name")},
		Email: r.s("Email"), PersonalEmail: r.s("Personal_Email"),
		Phone: wdapi.Phone{Work: r.s("Work_Phone"), Mobile: r.s("Mobile_Phone")},
		Job: wdapi.FullJob{Title: r.s("Business_Title"), Department: r.s("Supervisory_Organization"),
			DepartmentID: r.s("Supervisory_Organization_ID"), Location: r.s("Location"), CostCenter: r.s("Cost_Center"),
			EmployeeType: r.s("Worker_Type")},
		Manager: c.manager(r), Status: r.status("Worker_Status"), StartDate: r.d("Hire_Date"),
		TerminationDate: r.od("Termination_Date"), NationalIDLastFour: r.s("National_ID_Last_Four"),
		Address: wdapi.Address{Street: r.s("Address_Street"), City: r.s("Address_City"), State: r.s("Address_State"),
			PostalCode: r.s("Address_Postal_Code"), Country: r.s("Address_Country")},
		EmergencyContact: wdapi.EmergencyContact{Name: r.s("Emergency_Contact_Name"),
			Relationship: r.s("Emergency_Contact_Relationship"), Phone: r.s("Emergency_Contact_Phone")}}
	if b := r.od("Birth_Date"); b != nil {
		out.BirthDate = *b
	}
	return out, r.err
}

func (c *driver) getManagerChain(ctx context.Context, _ connectors.Principal, req GetManagerChainRequest) (*ManagerChain, error) {
	if err := c.required("employee_id", req.EmployeeID); err != nil {
		return nil, err
	}
	r, err := c.profile(ctx, reportManagementChain, req.EmployeeID, true)
	if err != nil {
		return nil, err
	}
	out := &ManagerChain{EmployeeID: r.need("Employee_ID"), Chain: []wdapi.ChainLink{}}
	for _, m := range r.rows("Managers") {
		out.Chain = append(out.Chain, wdapi.ChainLink{EmployeeID: m.need("Employee_ID"), DisplayName: m.need("Name"),
			Title: m.s("Business_Title"), Level: m.i("Level")})
		if m.err != nil {
			return nil, m.err
		}
	}
	return out, r.err
}

// ---- REST: workers, direct reports, org chart ----

// staffingWorker reads staffing v6 workers/{ID} (a Workday ID or
// Employee_ID=...): the worker's Employee ID (workerId) and primary job.
func (c *driver) staffingWorker(ctx context.Context, id string) (*workerData, error) {
	var w workerData
	if err := c.getJSON(ctx, c.restURL(svcStaffing, nil, "workers", id), &w); err != nil {
		return nil, err
	}
	if w.ID == "" || w.WorkerID == "" {
		return nil, c.malformed("the worker's id and workerId")
	}
	return &w, nil
}

// reportsOf reads common v1 workers/{ID}/directReports, every page.
func (c *driver) reportsOf(ctx context.Context, id string) ([]workerSummary, error) {
	return collect[workerSummary](ctx, c, svcCommon, nil, "workers", id, "directReports")
}

// listDirectReports reads the manager's direct reports (common v1
// WorkerSummary: id, descriptor, businessTitle); each one's Employee ID
// and hire date come from staffing v6 (workers/{ID}, serviceDates).
func (c *driver) listDirectReports(ctx context.Context, _ connectors.Principal, req ListDirectReportsRequest) (*DirectReports, error) {
	if err := c.required("manager_id", req.ManagerID); err != nil {
		return nil, err
	}
	list, err := c.reportsOf(ctx, employeePath(req.ManagerID))
	if err != nil {
		return nil, c.asNotFound(err, ErrCodeEmployeeNotFound, map[string]any{"employee_id": req.ManagerID})
	}
	out := &DirectReports{ManagerID: req.ManagerID, DirectReports: []wdapi.DirectReport{}}
	for _, s := range list {
		w, err := c.staffingWorker(ctx, s.ID)
		if err != nil {
			return nil, err
		}
		hire, err := c.hireDate(ctx, s.ID)
		if err != nil {
			return nil, err
		}
		d, err := connectors.ParseDate(hire)
		if err != nil {
			return nil, c.malformed("the hire date of worker " + w.WorkerID)
		}
		out.DirectReports = append(out.DirectReports, wdapi.DirectReport{EmployeeID: w.WorkerID, DisplayName: s.Descriptor,
			Title: s.BusinessTitle, StartDate: d})
	}
	out.Count = len(out.DirectReports)
	return out, nil
}

// getOrgChart resolves the root through staffing v6's supervisory
// organizations (an organization's manager heads its chart; a 404 means
// the root is a worker), then walks direct reports level by level.
func (c *driver) getOrgChart(ctx context.Context, _ connectors.Principal, req GetOrgChartRequest) (*OrgChart, error) {
	if err := c.required("root_id", req.RootID); err != nil {
		return nil, err
	}
	depth := 2
	if req.Depth != nil {
		depth = *req.Depth
	}
	if depth < 0 || depth > wdapi.MaxOrgChartDepth {
		return nil, c.validationError("depth", fmt.Sprintf("%d is not between 0 and %d", depth, wdapi.MaxOrgChartDepth))
	}
	head := employeePath(req.RootID)
	var org supervisoryOrg
	err := c.getJSON(ctx, c.restURL(svcStaffing, nil, "supervisoryOrganizations", orgRef(req.RootID)), &org)
	switch {
	case err == nil:
		if len(org.Managers) == 0 || org.Managers[0].ID == "" {
			return nil, c.validationError("root_id", fmt.Sprintf("organization %s has no head", req.RootID))
		}
		head = org.Managers[0].ID
	case vendorCode(err) != ErrCodeNotFound:
		return nil, err
	}
	w, err := c.staffingWorker(ctx, head)
	if err != nil {
		if vendorCode(err) != ErrCodeNotFound || head != employeePath(req.RootID) {
			return nil, err
		}
		// staffing v6 serves non-terminated workers: the profile report
		// tells a terminated worker from an unknown one.
		if _, perr := c.profile(ctx, reportWorkerProfile, req.RootID, true); perr != nil {
			return nil, perr
		}
		return nil, err
	}
	title := ""
	if w.PrimaryJob != nil {
		title = w.PrimaryJob.BusinessTitle
	}
	count := 0
	root, err := c.orgNode(ctx, w.ID, wdapi.OrgNode{EmployeeID: w.WorkerID, DisplayName: w.Descriptor, Title: title}, depth, &count)
	if err != nil {
		return nil, err
	}
	return &OrgChart{Root: root, TotalCount: count}, nil
}

func (c *driver) orgNode(ctx context.Context, wid string, n wdapi.OrgNode, depth int, count *int) (wdapi.OrgNode, error) {
	*count++
	n.Reports = []wdapi.OrgNode{}
	if depth == 0 {
		return n, nil
	}
	reports, err := c.reportsOf(ctx, wid)
	if err != nil {
		return n, err
	}
	for _, s := range reports {
		w, err := c.staffingWorker(ctx, s.ID)
		if err != nil {
			return n, err
		}
		child, err := c.orgNode(ctx, s.ID, wdapi.OrgNode{EmployeeID: w.WorkerID, DisplayName: s.Descriptor, Title: s.BusinessTitle}, depth-1, count)
		if err != nil {
			return n, err
		}
		n.Reports = append(n.Reports, child)
	}
	return n, nil
}

// vendorCode is an error's vendor code, or "".
func vendorCode(err error) string {
	var e *connectors.Error
	if errors.As(err, &e) {
		return e.VendorCode
	}
	return ""
}
