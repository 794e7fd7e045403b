package workday

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"time"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/internal/connkit"
	"github.com/xlr8/connectors/internal/errs"
	"github.com/xlr8/connectors/internal/wdwire"
	"github.com/xlr8/connectors/workday/wdapi"
)

// The request and response types of the 16 capabilities are the
// simulator's: the same fields, the same JSON, so that a caller does not
// change when one is swapped for the other.
type (
	GetEmployeeRequest        = wdapi.GetEmployeeRequest
	Employee                  = wdapi.Employee
	EmployeeFull              = wdapi.EmployeeFull
	ListDirectReportsRequest  = wdapi.ListDirectReportsRequest
	DirectReport              = wdapi.DirectReport
	DirectReports             = wdapi.DirectReports
	GetOrgChartRequest        = wdapi.GetOrgChartRequest
	OrgNode                   = wdapi.OrgNode
	OrgChart                  = wdapi.OrgChart
	GetManagerChainRequest    = wdapi.GetManagerChainRequest
	ManagerChain              = wdapi.ManagerChain
	UpdateEmployeeRequest     = wdapi.UpdateEmployeeRequest
	UpdateEmployeeResponse    = wdapi.UpdateEmployeeResponse
	TerminateEmployeeRequest  = wdapi.TerminateEmployeeRequest
	TerminateEmployeeResponse = wdapi.TerminateEmployeeResponse
	GetBalanceRequest         = wdapi.GetBalanceRequest
	Balance                   = wdapi.Balance
	Balances                  = wdapi.Balances
	ListRequestsRequest       = wdapi.ListRequestsRequest
	RequestSummary            = wdapi.RequestSummary
	RequestList               = wdapi.RequestList
	GetRequestRequest         = wdapi.GetRequestRequest
	TimeOffRequest            = wdapi.TimeOffRequest
	RequestTimeOffRequest     = wdapi.RequestTimeOffRequest
	TimeOffSubmission         = wdapi.TimeOffSubmission
	ApproveTimeOffRequest     = wdapi.ApproveTimeOffRequest
	TimeOffApproval           = wdapi.TimeOffApproval
	CancelTimeOffRequest      = wdapi.CancelTimeOffRequest
	TimeOffCancellation       = wdapi.TimeOffCancellation
	GetCompensationRequest    = wdapi.GetCompensationRequest
	Compensation              = wdapi.Compensation
	GetPayStatementRequest    = wdapi.GetPayStatementRequest
	PayStatement              = wdapi.PayStatement
	ListPayStatementsRequest  = wdapi.ListPayStatementsRequest
	StatementSummary          = wdapi.StatementSummary
	PayStatementList          = wdapi.PayStatementList
)

// AdminGroup is the principal group that may cancel anyone's request and
// approve on another approver's behalf (as in the simulator).
const AdminGroup = wdapi.AdminGroup

// Capabilities lists the 16 workday.* capabilities.
func (c *Connector) Capabilities() []connectors.Capability { return c.actions.Capabilities() }

// Execute runs one capability; see the package documentation for the
// Workday endpoint behind each.
func (c *Connector) Execute(ctx context.Context, action string, params map[string]any) (map[string]any, error) {
	if err := c.life.Check(); err != nil {
		return nil, err
	}
	out, err := c.actions.Execute(ctx, c.audit, action, params)
	if err != nil {
		return nil, c.normalize(err)
	}
	return out, nil
}

type capFunc func(ctx context.Context, p connectors.Principal, params map[string]any) (map[string]any, error)

func (c *Connector) newActions() *connkit.Actions {
	handlers := map[string]capFunc{
		wdapi.CapGetEmployee:       handle(c, c.getEmployee),
		wdapi.CapGetEmployeeFull:   handle(c, c.getEmployeeFull),
		wdapi.CapListDirectReports: handle(c, c.listDirectReports),
		wdapi.CapGetOrgChart:       handle(c, c.getOrgChart),
		wdapi.CapGetManagerChain:   handle(c, c.getManagerChain),
		wdapi.CapUpdateEmployee:    handle(c, c.updateEmployee),
		wdapi.CapTerminateEmployee: handle(c, c.terminateEmployee),
		wdapi.CapGetBalance:        handle(c, c.getBalance),
		wdapi.CapListRequests:      handle(c, c.listRequests),
		wdapi.CapGetRequest:        handle(c, c.getRequest),
		wdapi.CapRequestTimeOff:    handle(c, c.requestTimeOff),
		wdapi.CapApproveTimeOff:    handle(c, c.approveTimeOff),
		wdapi.CapCancelTimeOff:     handle(c, c.cancelTimeOff),
		wdapi.CapGetCompensation:   handle(c, c.getCompensation),
		wdapi.CapGetPayStatement:   handle(c, c.getPayStatement),
		wdapi.CapListPayStatements: handle(c, c.listPayStatements),
	}
	caps := wdapi.Capabilities()
	acts := make([]connkit.Action, 0, len(caps))
	for _, cp := range caps {
		acts = append(acts, connkit.Action{Capability: cp, Handle: connkit.Handler(handlers[cp.Name])})
	}
	return connkit.NewActions(c.product, acts...)
}

// handle adapts a typed operation: params decoded strictly into Req (a
// bad one is VALIDATION_ERROR), the connection made, the result encoded
// as encoding/json would decode it.
func handle[Req, Resp any](c *Connector, f func(context.Context, connectors.Principal, Req) (*Resp, error)) capFunc {
	return func(ctx context.Context, p connectors.Principal, params map[string]any) (map[string]any, error) {
		var req Req
		if err := connkit.Decode(params, &req); err != nil {
			return nil, c.normalize(err)
		}
		if err := c.Connect(ctx); err != nil {
			return nil, c.normalize(err)
		}
		out, err := f(ctx, p, req)
		if err != nil {
			return nil, c.normalize(err)
		}
		return connkit.EncodeMap(out), nil
	}
}

// today is the connector's date (WithClock, else the wall clock): the
// default of as_of_date, year and effective_date, as the simulator
// defaults them to its clock's.
func (c *Connector) today() connectors.Date { return connectors.DateOf(c.opts.Now()) }

// decodeAs reads a wire map (already in the capability's json names) into
// T, with every nil slice made empty as the simulator returns them.
func decodeAs[T any](m map[string]any) (*T, error) {
	b, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	out := new(T)
	if err := json.Unmarshal(b, out); err != nil {
		return nil, &errs.Error{Code: errs.CodeInternal, Message: "workday: a response does not have the expected shape", Err: err}
	}
	emptySlices(reflect.ValueOf(out).Elem())
	return out, nil
}

func emptySlices(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			emptySlices(v.Elem())
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				emptySlices(v.Field(i))
			}
		}
	case reflect.Slice:
		if v.IsNil() {
			v.Set(reflect.MakeSlice(v.Type(), 0, 0))
		}
		for i := 0; i < v.Len(); i++ {
			emptySlices(v.Index(i))
		}
	}
}

func fromREST[T any](m map[string]any) (*T, error) {
	return decodeAs[T](wdwire.FromREST(m, reflect.TypeFor[T]()))
}

// ---- RaaS capability reports ----

// reportRow runs a capability report and returns its one row; an empty
// report names an unknown employee.
func (c *Connector) reportRow(ctx context.Context, report string, prompts url.Values, employeeID string) (map[string]any, error) {
	u, err := c.reportURL(report, prompts, "json")
	if err != nil {
		return nil, err
	}
	var body struct {
		ReportEntry []map[string]any `json:"Report_Entry"`
	}
	if err := c.getJSON(ctx, u, &body); err != nil {
		return nil, err
	}
	if len(body.ReportEntry) == 0 {
		return nil, c.newError(ErrCodeEmployeeNotFound, fmt.Sprintf("Employee with ID '%s' not found", employeeID), map[string]any{"employee_id": employeeID})
	}
	return body.ReportEntry[0], nil
}

func fromRaaS[T any](row map[string]any) (*T, error) {
	return decodeAs[T](wdwire.FromRaaS(row, reflect.TypeFor[T]()))
}

func (c *Connector) inactive(id string, terminated string) *connectors.Error {
	return c.newError(ErrCodeEmployeeInactive, fmt.Sprintf("Employee with ID '%s' is terminated", id),
		map[string]any{"employee_id": id, "termination_date": terminated})
}

// getEmployee reads the Worker_Profile report (RaaS): Workday's REST
// worker carries no manager, hire date or status.
func (c *Connector) getEmployee(ctx context.Context, _ connectors.Principal, req GetEmployeeRequest) (*Employee, error) {
	if err := c.required("employee_id", req.EmployeeID); err != nil {
		return nil, err
	}
	row, err := c.reportRow(ctx, wdwire.ReportWorkerProfile, url.Values{wdwire.PromptEmployeeID: {req.EmployeeID}}, req.EmployeeID)
	if err != nil {
		return nil, err
	}
	out, err := fromRaaS[Employee](row)
	if err != nil {
		return nil, err
	}
	if out.Status == wdapi.StatusTerminated {
		return nil, c.inactive(req.EmployeeID, "")
	}
	return out, nil
}

func (c *Connector) getEmployeeFull(ctx context.Context, _ connectors.Principal, req GetEmployeeRequest) (*EmployeeFull, error) {
	if err := c.required("employee_id", req.EmployeeID); err != nil {
		return nil, err
	}
	row, err := c.reportRow(ctx, wdwire.ReportWorkerFullProfile, url.Values{wdwire.PromptEmployeeID: {req.EmployeeID}}, req.EmployeeID)
	if err != nil {
		return nil, err
	}
	return fromRaaS[EmployeeFull](row)
}

func (c *Connector) getManagerChain(ctx context.Context, _ connectors.Principal, req GetManagerChainRequest) (*ManagerChain, error) {
	if err := c.required("employee_id", req.EmployeeID); err != nil {
		return nil, err
	}
	row, err := c.reportRow(ctx, wdwire.ReportManagementChain, url.Values{wdwire.PromptEmployeeID: {req.EmployeeID}}, req.EmployeeID)
	if err != nil {
		return nil, err
	}
	return fromRaaS[ManagerChain](row)
}

func (c *Connector) getCompensation(ctx context.Context, _ connectors.Principal, req GetCompensationRequest) (*Compensation, error) {
	if err := c.required("employee_id", req.EmployeeID); err != nil {
		return nil, err
	}
	row, err := c.reportRow(ctx, wdwire.ReportCompensation, url.Values{wdwire.PromptEmployeeID: {req.EmployeeID}}, req.EmployeeID)
	if err != nil {
		return nil, err
	}
	return fromRaaS[Compensation](row)
}

// getPayStatement reads the Pay_Statement report, prompted by the
// employee and the pay slip's Workday ID (a !WID prompt).
func (c *Connector) getPayStatement(ctx context.Context, _ connectors.Principal, req GetPayStatementRequest) (*PayStatement, error) {
	if err := c.required("employee_id", req.EmployeeID); err != nil {
		return nil, err
	}
	if err := c.required("statement_id", req.StatementID); err != nil {
		return nil, err
	}
	row, err := c.reportRow(ctx, wdwire.ReportPayStatement,
		url.Values{wdwire.PromptEmployeeID: {req.EmployeeID}, wdwire.PromptPayStatementWID: {req.StatementID}}, req.EmployeeID)
	if err != nil {
		return nil, err
	}
	return fromRaaS[PayStatement](row)
}

// ---- REST collections ----

// eachPage walks a REST collection (limit/offset until total) and calls
// fn with every item.
func (c *Connector) eachPage(ctx context.Context, service string, q url.Values, parts []string, fn func(map[string]any) error) error {
	if q == nil {
		q = url.Values{}
	}
	for offset := 0; ; {
		q.Set("limit", strconv.Itoa(c.set.pageSize))
		q.Set("offset", strconv.Itoa(offset))
		var page wdwire.Page[map[string]any]
		if err := c.getJSON(ctx, c.restURL(service, q, parts...), &page); err != nil {
			return err
		}
		for _, item := range page.Data {
			if err := fn(item); err != nil {
				return err
			}
		}
		offset += len(page.Data)
		if len(page.Data) == 0 || int64(offset) >= page.Total {
			return nil
		}
	}
}

func collect[T any](c *Connector, ctx context.Context, service string, q url.Values, parts ...string) ([]T, error) {
	out := []T{}
	err := c.eachPage(ctx, service, q, parts, func(m map[string]any) error {
		x, err := fromREST[T](m)
		if err != nil {
			return err
		}
		out = append(out, *x)
		return nil
	})
	return out, err
}

func (c *Connector) listDirectReports(ctx context.Context, _ connectors.Principal, req ListDirectReportsRequest) (*DirectReports, error) {
	if err := c.required("manager_id", req.ManagerID); err != nil {
		return nil, err
	}
	list, err := collect[DirectReport](c, ctx, wdwire.ServiceCommon, nil, "workers", employeePath(req.ManagerID), "directReports")
	if err != nil {
		return nil, err
	}
	return &DirectReports{ManagerID: req.ManagerID, DirectReports: list, Count: len(list)}, nil
}

// getOrgChart resolves the root (a supervisory organization's manager, or
// a worker), then walks direct reports level by level.
func (c *Connector) getOrgChart(ctx context.Context, _ connectors.Principal, req GetOrgChartRequest) (*OrgChart, error) {
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
	head := req.RootID
	var org wdwire.Organization
	err := c.getJSON(ctx, c.restURL(wdwire.ServiceCommon, nil, "supervisoryOrganizations", wdwire.OrganizationRefID+req.RootID), &org)
	switch status, field := httpStatusOf(err); {
	case err == nil:
		if org.Manager == nil || org.Manager.ID == "" {
			return nil, c.validationError("root_id", fmt.Sprintf("organization %s has no head", req.RootID))
		}
		head = org.Manager.ID
	case status == 404 && field == "organization":
	default:
		return nil, err
	}
	var w wdwire.Worker
	if err := c.getJSON(ctx, c.restURL(wdwire.ServiceCommon, nil, "workers", employeePath(head)), &w); err != nil {
		return nil, err
	}
	if !w.Active {
		return nil, c.inactive(head, w.TerminationDate)
	}
	count := 0
	root, err := c.orgNode(ctx, OrgNode{EmployeeID: w.WorkerID, DisplayName: w.Descriptor, Title: w.BusinessTitle}, depth, &count)
	if err != nil {
		return nil, err
	}
	return &OrgChart{Root: root, TotalCount: count}, nil
}

func (c *Connector) orgNode(ctx context.Context, n OrgNode, depth int, count *int) (OrgNode, error) {
	*count++
	n.Reports = []OrgNode{}
	if depth == 0 {
		return n, nil
	}
	reports, err := collect[DirectReport](c, ctx, wdwire.ServiceCommon, nil, "workers", employeePath(n.EmployeeID), "directReports")
	if err != nil {
		return n, err
	}
	for _, r := range reports {
		child, err := c.orgNode(ctx, OrgNode{EmployeeID: r.EmployeeID, DisplayName: r.DisplayName, Title: r.Title}, depth-1, count)
		if err != nil {
			return n, err
		}
		n.Reports = append(n.Reports, child)
	}
	return n, nil
}

func (c *Connector) getBalance(ctx context.Context, _ connectors.Principal, req GetBalanceRequest) (*Balances, error) {
	if err := c.required("employee_id", req.EmployeeID); err != nil {
		return nil, err
	}
	asOf := c.today()
	if req.AsOfDate != nil {
		asOf = *req.AsOfDate
	}
	q := url.Values{"worker": {employeePath(req.EmployeeID)}, "asOfDate": {asOf.String()}}
	list, err := collect[Balance](c, ctx, wdwire.ServiceAbsence, q, "balances")
	if err != nil {
		return nil, err
	}
	return &Balances{EmployeeID: req.EmployeeID, AsOfDate: asOf, Balances: list}, nil
}

var requestStatuses = []string{wdapi.RequestPending, wdapi.RequestApproved, wdapi.RequestCancelled, wdapi.RequestDenied}

func (c *Connector) invalidDateRange(field string, start, end connectors.Date) *connectors.Error {
	return c.newError(ErrCodeInvalidDateRange, fmt.Sprintf("%s: start date %s is after end date %s", field, start, end),
		map[string]any{"field": field, "start": start.String(), "end": end.String()})
}

// listRequests reads the worker's time off details and filters them by
// status and dates here (the service takes no such filter).
func (c *Connector) listRequests(ctx context.Context, _ connectors.Principal, req ListRequestsRequest) (*RequestList, error) {
	if err := c.required("employee_id", req.EmployeeID); err != nil {
		return nil, err
	}
	for i, st := range req.StatusFilter {
		if !slices.Contains(requestStatuses, st) {
			return nil, c.validationError(fmt.Sprintf("status_filter[%d]", i), fmt.Sprintf("%q is not one of PENDING, APPROVED, CANCELLED, DENIED", st))
		}
	}
	if r := req.DateRange; r != nil && r.Start.After(r.End) {
		return nil, c.invalidDateRange("date_range", r.Start, r.End)
	}
	all, err := collect[RequestSummary](c, ctx, wdwire.ServiceAbsence, nil, "workers", employeePath(req.EmployeeID), "timeOffDetails")
	if err != nil {
		return nil, err
	}
	out := &RequestList{EmployeeID: req.EmployeeID, Requests: []RequestSummary{}}
	for _, r := range all {
		if len(req.StatusFilter) > 0 && !slices.Contains(req.StatusFilter, r.Status) {
			continue
		}
		if dr := req.DateRange; dr != nil && (r.EndDate.Before(dr.Start) || r.StartDate.After(dr.End)) {
			continue
		}
		out.Requests = append(out.Requests, r)
	}
	slices.SortStableFunc(out.Requests, func(a, b RequestSummary) int { return a.StartDate.Compare(b.StartDate) })
	out.Count = len(out.Requests)
	return out, nil
}

func (c *Connector) listPayStatements(ctx context.Context, _ connectors.Principal, req ListPayStatementsRequest) (*PayStatementList, error) {
	if err := c.required("employee_id", req.EmployeeID); err != nil {
		return nil, err
	}
	year := c.today().Year
	if req.Year != nil {
		year = *req.Year
		if year < 1900 || year > 9999 {
			return nil, c.validationError("year", fmt.Sprintf("%d is not a year between 1900 and 9999", year))
		}
	}
	q := url.Values{"fromDate": {fmt.Sprintf("%04d-01-01", year)}, "toDate": {fmt.Sprintf("%04d-12-31", year)}}
	list, err := collect[StatementSummary](c, ctx, wdwire.ServiceCommon, q, "workers", employeePath(req.EmployeeID), "paySlips")
	if err != nil {
		return nil, err
	}
	return &PayStatementList{EmployeeID: req.EmployeeID, Year: year, Statements: list, Count: len(list)}, nil
}

// ---- business processes ----

// event reads a time off request's business process event.
type event struct {
	RequestID    string      `json:"requestID"`
	EmployeeID   string      `json:"employeeID"`
	ApprovalStep *wdwire.Ref `json:"approvalStep"`
}

func (c *Connector) getEvent(ctx context.Context, id string) (map[string]any, *event, error) {
	var raw map[string]any
	if err := c.getJSON(ctx, c.restURL(wdwire.ServiceBP, nil, "events", id), &raw); err != nil {
		return nil, nil, err
	}
	b, _ := json.Marshal(raw)
	var ev event
	_ = json.Unmarshal(b, &ev)
	return raw, &ev, nil
}

func (c *Connector) getRequest(ctx context.Context, _ connectors.Principal, req GetRequestRequest) (*TimeOffRequest, error) {
	if err := c.required("request_id", req.RequestID); err != nil {
		return nil, err
	}
	raw, _, err := c.getEvent(ctx, req.RequestID)
	if err != nil {
		return nil, err
	}
	return fromREST[TimeOffRequest](raw)
}

func (c *Connector) notPermitted(msg string, details map[string]any) *connectors.Error {
	return c.newError(ErrCodeNotPermitted, msg, details)
}

// maxRequestDays bounds one time off request, as the simulator does.
const maxRequestDays = 366

// requestTimeOff posts the Request Time Off business process with one
// day entry per calendar day of the range (the hours spread over the
// weekdays, 8 per weekday by default) and the Submit action.
func (c *Connector) requestTimeOff(ctx context.Context, _ connectors.Principal, req RequestTimeOffRequest) (*TimeOffSubmission, error) {
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
	var weekdays []connectors.Date
	var all []connectors.Date
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
	body := struct {
		Days []wdwire.TimeOffDay `json:"days"`
		BP   wdwire.BPParams     `json:"businessProcessParameters"`
	}{BP: wdwire.BPParams{Action: &wdwire.Ref{ID: wdwire.ActionSubmit}, Comment: req.Notes}}
	for _, d := range all {
		body.Days = append(body.Days, wdwire.TimeOffDay{Date: d.String(), DailyQuantity: quantity[d], TimeOffType: wdwire.Ref{ID: req.Type}})
	}
	var raw map[string]any
	if err := c.postJSON(ctx, c.restURL(wdwire.ServiceAbsence, nil, "workers", employeePath(req.EmployeeID), "requestTimeOff"), body, &raw); err != nil {
		return nil, err
	}
	return fromREST[TimeOffSubmission](raw)
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

// approveTimeOff approves the event's approval step for the approver.
// Workday attributes the step to the account the integration acts for;
// the simulator's principal rule (the approver or an admin) is checked
// here first.
func (c *Connector) approveTimeOff(ctx context.Context, p connectors.Principal, req ApproveTimeOffRequest) (*TimeOffApproval, error) {
	if err := c.required("request_id", req.RequestID); err != nil {
		return nil, err
	}
	if err := c.required("approver_id", req.ApproverID); err != nil {
		return nil, err
	}
	if p.ID != "" && p.ID != req.ApproverID && !p.InGroup(AdminGroup) {
		return nil, c.notPermitted(fmt.Sprintf("principal '%s' may not approve as '%s' (only the approver or a member of %s)", p.ID, req.ApproverID, AdminGroup),
			map[string]any{"principal": p.ID, "approver_id": req.ApproverID})
	}
	_, ev, err := c.getEvent(ctx, req.RequestID)
	if err != nil {
		return nil, err
	}
	if ev.ApprovalStep == nil || ev.ApprovalStep.ID == "" {
		return nil, c.newError(ErrCodeAlreadyProcessed, fmt.Sprintf("Time off request '%s' has no approval step", req.RequestID),
			map[string]any{"request_id": req.RequestID})
	}
	var raw map[string]any
	body := wdwire.BPParams{Comment: req.Comments, For: &wdwire.Ref{ID: employeePath(req.ApproverID)}}
	if err := c.postJSON(ctx, c.restURL(wdwire.ServiceBP, nil, "eventSteps", ev.ApprovalStep.ID, "approve"), body, &raw); err != nil {
		return nil, err
	}
	return fromREST[TimeOffApproval](raw)
}

// cancelTimeOff cancels the event for the principal, who must own the
// request or be an admin (checked here, on the event's worker).
func (c *Connector) cancelTimeOff(ctx context.Context, p connectors.Principal, req CancelTimeOffRequest) (*TimeOffCancellation, error) {
	if err := c.required("request_id", req.RequestID); err != nil {
		return nil, err
	}
	if p.ID == "" {
		return nil, c.notPermitted("cancel needs a principal: the request's owner or a member of "+AdminGroup, map[string]any{"request_id": req.RequestID})
	}
	_, ev, err := c.getEvent(ctx, req.RequestID)
	if err != nil {
		return nil, err
	}
	if p.ID != ev.EmployeeID && !p.InGroup(AdminGroup) {
		return nil, c.notPermitted(fmt.Sprintf("principal '%s' may not cancel request '%s' of employee '%s' (only the owner or a member of %s)",
			p.ID, req.RequestID, ev.EmployeeID, AdminGroup), map[string]any{"request_id": req.RequestID, "principal": p.ID, "employee_id": ev.EmployeeID})
	}
	var raw map[string]any
	body := wdwire.BPParams{Comment: req.Reason, For: &wdwire.Ref{ID: p.ID}}
	if err := c.postJSON(ctx, c.restURL(wdwire.ServiceBP, nil, "events", req.RequestID, "cancel"), body, &raw); err != nil {
		return nil, err
	}
	return fromREST[TimeOffCancellation](raw)
}

// updateEmployee posts one change event (Change Job) carrying the
// proposed values; see the package documentation for the business
// processes real Workday splits it into.
func (c *Connector) updateEmployee(ctx context.Context, p connectors.Principal, req UpdateEmployeeRequest) (*UpdateEmployeeResponse, error) {
	if err := c.required("employee_id", req.EmployeeID); err != nil {
		return nil, err
	}
	eff := c.today()
	if req.EffectiveDate != nil {
		eff = *req.EffectiveDate
	}
	body := map[string]any{
		"effectiveDate": eff.String(),
		"proposed":      wdwire.ToREST(connkit.EncodeMap(req.Updates), ""),
	}
	if req.Reason != "" {
		body["reason"] = wdwire.Ref{Descriptor: req.Reason}
	}
	if p.ID != "" {
		body["businessProcessParameters"] = wdwire.BPParams{For: &wdwire.Ref{ID: p.ID}}
	}
	var raw map[string]any
	if err := c.postJSON(ctx, c.restURL(wdwire.ServiceCommon, nil, "workers", employeePath(req.EmployeeID), "jobChanges"), body, &raw); err != nil {
		return nil, err
	}
	return fromREST[UpdateEmployeeResponse](raw)
}

func (c *Connector) terminateEmployee(ctx context.Context, p connectors.Principal, req TerminateEmployeeRequest) (*TerminateEmployeeResponse, error) {
	if err := c.required("employee_id", req.EmployeeID); err != nil {
		return nil, err
	}
	body := map[string]any{"terminationDate": req.TerminationDate.String(), "primaryReason": wdwire.Ref{ID: req.ReasonCode}}
	if req.Notes != "" {
		body["comment"] = req.Notes
	}
	if p.ID != "" {
		body["businessProcessParameters"] = wdwire.BPParams{For: &wdwire.Ref{ID: p.ID}}
	}
	var raw map[string]any
	if err := c.postJSON(ctx, c.restURL(wdwire.ServiceStaffing, nil, "workers", employeePath(req.EmployeeID), "terminations"), body, &raw); err != nil {
		return nil, err
	}
	return fromREST[TerminateEmployeeResponse](raw)
}
