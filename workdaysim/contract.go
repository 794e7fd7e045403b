package workdaysim

import (
	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/workday/wdapi"
)

// The contract the simulator shares with the Workday connector lives in
// package wdapi: the 16 capabilities, their request and response types, the
// error codes and the entity schemas. These aliases keep the simulator's
// names, so a host can name the types through either package.

// Types of the capabilities' requests and responses, and of the error table.
type (
	Date                      = wdapi.Date
	GetEmployeeRequest        = wdapi.GetEmployeeRequest
	PersonName                = wdapi.PersonName
	Job                       = wdapi.Job
	EmployeeRef               = wdapi.EmployeeRef
	Employee                  = wdapi.Employee
	FullName                  = wdapi.FullName
	Phone                     = wdapi.Phone
	FullJob                   = wdapi.FullJob
	Address                   = wdapi.Address
	EmergencyContact          = wdapi.EmergencyContact
	EmployeeFull              = wdapi.EmployeeFull
	ListDirectReportsRequest  = wdapi.ListDirectReportsRequest
	DirectReport              = wdapi.DirectReport
	DirectReports             = wdapi.DirectReports
	GetOrgChartRequest        = wdapi.GetOrgChartRequest
	OrgNode                   = wdapi.OrgNode
	OrgChart                  = wdapi.OrgChart
	GetManagerChainRequest    = wdapi.GetManagerChainRequest
	ChainLink                 = wdapi.ChainLink
	ManagerChain              = wdapi.ManagerChain
	EmployeeUpdates           = wdapi.EmployeeUpdates
	NameUpdate                = wdapi.NameUpdate
	PhoneUpdate               = wdapi.PhoneUpdate
	JobUpdate                 = wdapi.JobUpdate
	AddressUpdate             = wdapi.AddressUpdate
	EmergencyContactUpdate    = wdapi.EmergencyContactUpdate
	UpdateEmployeeRequest     = wdapi.UpdateEmployeeRequest
	Change                    = wdapi.Change
	UpdateEmployeeResponse    = wdapi.UpdateEmployeeResponse
	TerminateEmployeeRequest  = wdapi.TerminateEmployeeRequest
	TerminateEmployeeResponse = wdapi.TerminateEmployeeResponse
	GetBalanceRequest         = wdapi.GetBalanceRequest
	Balance                   = wdapi.Balance
	Balances                  = wdapi.Balances
	DateRange                 = wdapi.DateRange
	ListRequestsRequest       = wdapi.ListRequestsRequest
	RequestSummary            = wdapi.RequestSummary
	RequestList               = wdapi.RequestList
	GetRequestRequest         = wdapi.GetRequestRequest
	HistoryEntry              = wdapi.HistoryEntry
	TimeOffRequest            = wdapi.TimeOffRequest
	RequestTimeOffRequest     = wdapi.RequestTimeOffRequest
	TimeOffSubmission         = wdapi.TimeOffSubmission
	ApproveTimeOffRequest     = wdapi.ApproveTimeOffRequest
	TimeOffApproval           = wdapi.TimeOffApproval
	CancelTimeOffRequest      = wdapi.CancelTimeOffRequest
	TimeOffCancellation       = wdapi.TimeOffCancellation
	GetCompensationRequest    = wdapi.GetCompensationRequest
	Money                     = wdapi.Money
	BonusTarget               = wdapi.BonusTarget
	Equity                    = wdapi.Equity
	CompensationDetail        = wdapi.CompensationDetail
	Compensation              = wdapi.Compensation
	GetPayStatementRequest    = wdapi.GetPayStatementRequest
	PayPeriod                 = wdapi.PayPeriod
	Earnings                  = wdapi.Earnings
	Deductions                = wdapi.Deductions
	YTD                       = wdapi.YTD
	PayStatement              = wdapi.PayStatement
	ListPayStatementsRequest  = wdapi.ListPayStatementsRequest
	StatementSummary          = wdapi.StatementSummary
	PayStatementList          = wdapi.PayStatementList
	ErrorCode                 = wdapi.ErrorCode
)

// Capability strings, statuses, limits and error codes.
const (
	CapGetEmployee              = wdapi.CapGetEmployee
	CapGetEmployeeFull          = wdapi.CapGetEmployeeFull
	CapListDirectReports        = wdapi.CapListDirectReports
	CapGetOrgChart              = wdapi.CapGetOrgChart
	CapGetManagerChain          = wdapi.CapGetManagerChain
	CapUpdateEmployee           = wdapi.CapUpdateEmployee
	CapTerminateEmployee        = wdapi.CapTerminateEmployee
	CapGetBalance               = wdapi.CapGetBalance
	CapListRequests             = wdapi.CapListRequests
	CapGetRequest               = wdapi.CapGetRequest
	CapRequestTimeOff           = wdapi.CapRequestTimeOff
	CapApproveTimeOff           = wdapi.CapApproveTimeOff
	CapCancelTimeOff            = wdapi.CapCancelTimeOff
	CapGetCompensation          = wdapi.CapGetCompensation
	CapGetPayStatement          = wdapi.CapGetPayStatement
	CapListPayStatements        = wdapi.CapListPayStatements
	StatusActive                = wdapi.StatusActive
	StatusTerminated            = wdapi.StatusTerminated
	RequestPending              = wdapi.RequestPending
	RequestApproved             = wdapi.RequestApproved
	RequestCancelled            = wdapi.RequestCancelled
	RequestDenied               = wdapi.RequestDenied
	TxnPendingApproval          = wdapi.TxnPendingApproval
	TxnCompleted                = wdapi.TxnCompleted
	AdminGroup                  = wdapi.AdminGroup
	MaxOrgChartDepth            = wdapi.MaxOrgChartDepth
	ErrCodeEmployeeNotFound     = wdapi.ErrCodeEmployeeNotFound
	ErrCodeRequestNotFound      = wdapi.ErrCodeRequestNotFound
	ErrCodeStatementNotFound    = wdapi.ErrCodeStatementNotFound
	ErrCodeInsufficientBalance  = wdapi.ErrCodeInsufficientBalance
	ErrCodeInvalidDateRange     = wdapi.ErrCodeInvalidDateRange
	ErrCodeInvalidApprover      = wdapi.ErrCodeInvalidApprover
	ErrCodeAlreadyProcessed     = wdapi.ErrCodeAlreadyProcessed
	ErrCodeConnectorTimeout     = wdapi.ErrCodeConnectorTimeout
	ErrCodeConnectorUnavailable = wdapi.ErrCodeConnectorUnavailable
	ErrCodeRateLimited          = wdapi.ErrCodeRateLimited
	ErrCodeEmployeeInactive     = wdapi.ErrCodeEmployeeInactive
	ErrCodeValidation           = wdapi.ErrCodeValidation
	ErrCodeUnknownAction        = wdapi.ErrCodeUnknownAction
	ErrCodeNotPermitted         = wdapi.ErrCodeNotPermitted
)

// Capabilities returns the 16 capabilities, in the spec's order. The result
// is a copy.
func Capabilities() []connectors.Capability { return wdapi.Capabilities() }

// capability returns the capability named name (one of the constants).
func capability(name string) connectors.Capability {
	c, _ := wdapi.Capability(name)
	return c
}

// ErrorCodes returns the error table: the spec's ten codes, then the ones it
// lacks.
func ErrorCodes() []ErrorCode { return wdapi.ErrorCodes() }

// LookupErrorCode returns the entry of the error table for a vendor code.
func LookupErrorCode(code string) (ErrorCode, bool) { return wdapi.LookupErrorCode(code) }
