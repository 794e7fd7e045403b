package workday

import (
	"context"
	"errors"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/internal/connkit"
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

type capFunc func(ctx context.Context, p connectors.Principal, params map[string]any) (map[string]any, error)

// actions binds the 16 capabilities of wdapi's contract to the driver's
// handlers; the adapter dispatches them (connected first, principal
// stripped, audited).
func (c *driver) actions() []connkit.Action {
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
	return acts
}

// handle adapts a typed operation: params decoded strictly into Req (a
// bad one is VALIDATION_ERROR), the result encoded as encoding/json would
// decode it, an error given its vendor code and status (capabilityError).
func handle[Req, Resp any](c *driver, f func(context.Context, connectors.Principal, Req) (*Resp, error)) capFunc {
	return func(ctx context.Context, p connectors.Principal, params map[string]any) (map[string]any, error) {
		var req Req
		if err := connkit.Decode(params, &req); err != nil {
			return nil, c.normalize(err)
		}
		out, err := f(ctx, p, req)
		if err != nil {
			return nil, c.capabilityError(err)
		}
		return connkit.EncodeMap(out), nil
	}
}

// capabilityError gives a capability's error the status of its vendor
// code in the capabilities' error table (as the simulator's errors have
// it); what Workday answered stays in Details (workday_status,
// workday_code).
func (c *driver) capabilityError(err error) error {
	err = c.normalize(err)
	var e *connectors.Error
	if !errors.As(err, &e) {
		return err
	}
	ec, ok := wdapi.LookupErrorCode(e.VendorCode)
	if !ok || e.HTTPStatus == ec.HTTPStatus {
		return err
	}
	out := *e
	out.Details = map[string]any{}
	for k, v := range e.Details {
		out.Details[k] = v
	}
	if e.HTTPStatus != 0 {
		out.Details["workday_status"] = e.HTTPStatus
	}
	out.HTTPStatus = ec.HTTPStatus
	return &out
}

// today is the connector's date (WithClock, else the wall clock): the
// default of as_of_date, year and effective_date, as the simulator
// defaults them to its clock's.
func (c *driver) today() connectors.Date { return connectors.DateOf(c.opts.Now()) }
