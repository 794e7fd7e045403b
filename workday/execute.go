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

// actions binds the 16 capabilities of wdapi's action table (the contract
// the simulator binds too) to the driver's handlers; the adapter
// dispatches them (connected first, params decoded strictly, principal
// stripped, audited).
func (c *driver) actions() []connkit.Action {
	return []connkit.Action{
		bind(c, wdapi.CapGetEmployee, c.getEmployee),
		bind(c, wdapi.CapGetEmployeeFull, c.getEmployeeFull),
		bind(c, wdapi.CapListDirectReports, c.listDirectReports),
		bind(c, wdapi.CapGetOrgChart, c.getOrgChart),
		bind(c, wdapi.CapGetManagerChain, c.getManagerChain),
		bind(c, wdapi.CapUpdateEmployee, c.updateEmployee),
		bind(c, wdapi.CapTerminateEmployee, c.terminateEmployee),
		bind(c, wdapi.CapGetBalance, c.getBalance),
		bind(c, wdapi.CapListRequests, c.listRequests),
		bind(c, wdapi.CapGetRequest, c.getRequest),
		bind(c, wdapi.CapRequestTimeOff, c.requestTimeOff),
		bind(c, wdapi.CapApproveTimeOff, c.approveTimeOff),
		bind(c, wdapi.CapCancelTimeOff, c.cancelTimeOff),
		bind(c, wdapi.CapGetCompensation, c.getCompensation),
		bind(c, wdapi.CapGetPayStatement, c.getPayStatement),
		bind(c, wdapi.CapListPayStatements, c.listPayStatements),
	}
}

// bind attaches a handler to its declared capability; its error gets its
// vendor code and status (capabilityError).
func bind[Req, Resp any](c *driver, name string, f connkit.TypedHandler[Req, Resp]) connkit.Action {
	sp, _ := wdapi.Spec(name)
	return connkit.Bind(sp, func(ctx context.Context, p connectors.Principal, req Req) (*Resp, error) {
		out, err := f(ctx, p, req)
		if err != nil {
			return nil, c.capabilityError(err)
		}
		return out, nil
	})
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
