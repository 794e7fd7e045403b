package wdapi

import connectors "github.com/xlr8/connectors"

// Date is a calendar date ("2006-01-02"), as the requests and responses
// carry it.
type Date = connectors.Date

// The capability strings of the 16 operations.
const (
	CapGetEmployee       = "workday.hcm.get_employee"
	CapGetEmployeeFull   = "workday.hcm.get_employee_full"
	CapListDirectReports = "workday.hcm.list_direct_reports"
	CapGetOrgChart       = "workday.hcm.get_org_chart"
	CapGetManagerChain   = "workday.hcm.get_manager_chain"
	CapUpdateEmployee    = "workday.hcm.update_employee"
	CapTerminateEmployee = "workday.hcm.terminate_employee"
	CapGetBalance        = "workday.time.get_balance"
	CapListRequests      = "workday.time.list_requests"
	CapGetRequest        = "workday.time.get_request"
	CapRequestTimeOff    = "workday.time.request"
	CapApproveTimeOff    = "workday.time.approve"
	CapCancelTimeOff     = "workday.time.cancel"
	CapGetCompensation   = "workday.payroll.get_compensation"
	CapGetPayStatement   = "workday.payroll.get_pay_statement"
	CapListPayStatements = "workday.payroll.list_pay_statements"
)

// Employee statuses.
const (
	StatusActive     = "ACTIVE"
	StatusTerminated = "TERMINATED"
)

// Time off request statuses.
const (
	RequestPending   = "PENDING"
	RequestApproved  = "APPROVED"
	RequestCancelled = "CANCELLED"
	RequestDenied    = "DENIED"
)

// AdminGroup is the principal group that may cancel anyone's time off
// request and approve on behalf of another principal.
const AdminGroup = "workday_admins"

// MaxOrgChartDepth is the deepest org chart get_org_chart returns.
const MaxOrgChartDepth = 10

// Transaction statuses: a transaction waits for its effective date, then
// completes.
const (
	TxnPendingApproval = "PENDING_APPROVAL"
	TxnCompleted       = "COMPLETED"
)

// ---- HCM ----

// GetEmployeeRequest is the request of get_employee and get_employee_full.
type GetEmployeeRequest struct {
	EmployeeID string `json:"employee_id" jsonschema:"the employee's id, e.g. EMP001"`
}

// PersonName is the public name of an employee.
type PersonName struct {
	First   string `json:"first"`
	Last    string `json:"last"`
	Display string `json:"display"`
}

// Job is the public job information.
type Job struct {
	Title        string `json:"title"`
	Department   string `json:"department"`
	DepartmentID string `json:"department_id"`
	Location     string `json:"location"`
}

// EmployeeRef names an employee (a manager, an approver).
type EmployeeRef struct {
	EmployeeID  string `json:"employee_id"`
	DisplayName string `json:"display_name"`
}

// Employee is get_employee's response: public directory information.
type Employee struct {
	EmployeeID string       `json:"employee_id"`
	Name       PersonName   `json:"name"`
	Email      string       `json:"email"`
	Job        Job          `json:"job"`
	Manager    *EmployeeRef `json:"manager" jsonschema:"null for the top of the organisation"`
	Status     string       `json:"status"`
	StartDate  Date         `json:"start_date"`
}

// FullName is the complete name of an employee, legal names included.
type FullName struct {
	First      string `json:"first"`
	Last       string `json:"last"`
	Display    string `json:"display"`
	LegalFirst string `json:"legal_first"`
	LegalLast  string `json:"legal_last"`
}

// Phone holds phone numbers.
type Phone struct {
	Work   string `json:"work"`
	Mobile string `json:"mobile"`
}

// FullJob is the complete job information.
type FullJob struct {
	Title        string `json:"title"`
	Department   string `json:"department"`
	DepartmentID string `json:"department_id"`
	Location     string `json:"location"`
	CostCenter   string `json:"cost_center"`
	EmployeeType string `json:"employee_type"`
}

// Address is a postal address.
type Address struct {
	Street     string `json:"street"`
	City       string `json:"city"`
	State      string `json:"state"`
	PostalCode string `json:"postal_code"`
	Country    string `json:"country"`
}

// EmergencyContact is an employee's emergency contact.
type EmergencyContact struct {
	Name         string `json:"name"`
	Relationship string `json:"relationship"`
	Phone        string `json:"phone"`
}

// EmployeeFull is get_employee_full's response: the complete record,
// sensitive PII included.
type EmployeeFull struct {
	EmployeeID         string           `json:"employee_id"`
	Name               FullName         `json:"name"`
	Email              string           `json:"email"`
	PersonalEmail      string           `json:"personal_email"`
	Phone              Phone            `json:"phone"`
	Job                FullJob          `json:"job"`
	Manager            *EmployeeRef     `json:"manager"`
	Status             string           `json:"status"`
	StartDate          Date             `json:"start_date"`
	TerminationDate    *Date            `json:"termination_date,omitempty" jsonschema:"set once a termination has taken effect"`
	BirthDate          Date             `json:"birth_date"`
	NationalIDLastFour string           `json:"national_id_last_four"`
	Address            Address          `json:"address"`
	EmergencyContact   EmergencyContact `json:"emergency_contact"`
}

// ListDirectReportsRequest is list_direct_reports' request.
type ListDirectReportsRequest struct {
	ManagerID string `json:"manager_id" jsonschema:"the manager's employee id"`
}

// DirectReport is one entry of DirectReports.
type DirectReport struct {
	EmployeeID  string `json:"employee_id"`
	DisplayName string `json:"display_name"`
	Title       string `json:"title"`
	StartDate   Date   `json:"start_date"`
}

// DirectReports is list_direct_reports' response: the active employees who
// report to the manager, by employee id.
type DirectReports struct {
	ManagerID     string         `json:"manager_id"`
	DirectReports []DirectReport `json:"direct_reports"`
	Count         int            `json:"count"`
}

// GetOrgChartRequest is get_org_chart's request.
type GetOrgChartRequest struct {
	RootID string `json:"root_id" jsonschema:"an employee id, or an organization id (DEPT-ENG) for the organization's head"`
	Depth  *int   `json:"depth,omitempty" jsonschema:"levels below the root, 0 to 10 (default 2)"`
}

// OrgNode is one employee of an org chart with the employees below.
type OrgNode struct {
	EmployeeID  string    `json:"employee_id"`
	DisplayName string    `json:"display_name"`
	Title       string    `json:"title"`
	Reports     []OrgNode `json:"reports"`
}

// OrgChart is get_org_chart's response.
type OrgChart struct {
	Root       OrgNode `json:"root"`
	TotalCount int     `json:"total_count" jsonschema:"the number of employees in the chart, the root included"`
}

// GetManagerChainRequest is get_manager_chain's request.
type GetManagerChainRequest struct {
	EmployeeID string `json:"employee_id"`
}

// ChainLink is one manager of a ManagerChain; level 1 is the direct
// manager.
type ChainLink struct {
	EmployeeID  string `json:"employee_id"`
	DisplayName string `json:"display_name"`
	Title       string `json:"title"`
	Level       int    `json:"level"`
}

// ManagerChain is get_manager_chain's response: the managers from the
// employee's up to the top.
type ManagerChain struct {
	EmployeeID string      `json:"employee_id"`
	Chain      []ChainLink `json:"chain"`
}

// EmployeeUpdates are the fields update_employee may change; a field left
// out is unchanged. The manager, status, dates and compensation are not
// updatable here.
type EmployeeUpdates struct {
	Name             *NameUpdate             `json:"name,omitempty"`
	Email            *string                 `json:"email,omitempty"`
	PersonalEmail    *string                 `json:"personal_email,omitempty"`
	Phone            *PhoneUpdate            `json:"phone,omitempty"`
	Job              *JobUpdate              `json:"job,omitempty"`
	Address          *AddressUpdate          `json:"address,omitempty"`
	EmergencyContact *EmergencyContactUpdate `json:"emergency_contact,omitempty"`
}

// NameUpdate changes name fields; the display name follows first and last.
type NameUpdate struct {
	First      *string `json:"first,omitempty"`
	Last       *string `json:"last,omitempty"`
	LegalFirst *string `json:"legal_first,omitempty"`
	LegalLast  *string `json:"legal_last,omitempty"`
}

// PhoneUpdate changes phone numbers.
type PhoneUpdate struct {
	Work   *string `json:"work,omitempty"`
	Mobile *string `json:"mobile,omitempty"`
}

// JobUpdate changes job fields.
type JobUpdate struct {
	Title        *string `json:"title,omitempty"`
	Department   *string `json:"department,omitempty"`
	DepartmentID *string `json:"department_id,omitempty"`
	Location     *string `json:"location,omitempty"`
	CostCenter   *string `json:"cost_center,omitempty"`
	EmployeeType *string `json:"employee_type,omitempty"`
}

// AddressUpdate changes address fields.
type AddressUpdate struct {
	Street     *string `json:"street,omitempty"`
	City       *string `json:"city,omitempty"`
	State      *string `json:"state,omitempty"`
	PostalCode *string `json:"postal_code,omitempty"`
	Country    *string `json:"country,omitempty"`
}

// EmergencyContactUpdate changes emergency contact fields.
type EmergencyContactUpdate struct {
	Name         *string `json:"name,omitempty"`
	Relationship *string `json:"relationship,omitempty"`
	Phone        *string `json:"phone,omitempty"`
}

// UpdateEmployeeRequest is update_employee's request.
type UpdateEmployeeRequest struct {
	EmployeeID    string          `json:"employee_id"`
	Updates       EmployeeUpdates `json:"updates"`
	EffectiveDate *Date           `json:"effective_date,omitempty" jsonschema:"when the change takes effect (default: today)"`
	Reason        string          `json:"reason,omitempty"`
}

// Change is one changed field of a transaction.
type Change struct {
	Field    string `json:"field"`
	OldValue string `json:"old_value"`
	NewValue string `json:"new_value"`
}

// UpdateEmployeeResponse is update_employee's response.
type UpdateEmployeeResponse struct {
	EmployeeID    string   `json:"employee_id"`
	TransactionID string   `json:"transaction_id"`
	Status        string   `json:"status"`
	EffectiveDate Date     `json:"effective_date"`
	Changes       []Change `json:"changes"`
}

// TerminateEmployeeRequest is terminate_employee's request.
type TerminateEmployeeRequest struct {
	EmployeeID      string `json:"employee_id"`
	TerminationDate Date   `json:"termination_date"`
	ReasonCode      string `json:"reason_code" jsonschema:"VOLUNTARY_RESIGNATION, INVOLUNTARY, RETIREMENT, END_OF_CONTRACT or OTHER"`
	Notes           string `json:"notes,omitempty"`
}

// TerminateEmployeeResponse is terminate_employee's response.
type TerminateEmployeeResponse struct {
	EmployeeID        string `json:"employee_id"`
	TransactionID     string `json:"transaction_id"`
	Status            string `json:"status"`
	TerminationDate   Date   `json:"termination_date"`
	OffboardingFlowID string `json:"offboarding_flow_id"`
}

// ---- Time tracking ----

// GetBalanceRequest is get_balance's request.
type GetBalanceRequest struct {
	EmployeeID string `json:"employee_id"`
	AsOfDate   *Date  `json:"as_of_date,omitempty" jsonschema:"default: today"`
}

// Balance is one time off type's balance. Available hours are free to
// request; pending hours are reserved by pending requests; used hours by
// approved ones.
type Balance struct {
	Type                 string  `json:"type"`
	TypeName             string  `json:"type_name"`
	AvailableHours       float64 `json:"available_hours"`
	UsedHours            float64 `json:"used_hours"`
	PendingHours         float64 `json:"pending_hours"`
	AccrualRatePerPeriod float64 `json:"accrual_rate_per_period"`
	MaxCarryover         float64 `json:"max_carryover"`
}

// Balances is get_balance's response.
type Balances struct {
	EmployeeID string    `json:"employee_id"`
	AsOfDate   Date      `json:"as_of_date"`
	Balances   []Balance `json:"balances"`
}

// DateRange is an inclusive range of dates.
type DateRange struct {
	Start Date `json:"start"`
	End   Date `json:"end"`
}

// ListRequestsRequest is list_requests' request.
type ListRequestsRequest struct {
	EmployeeID   string     `json:"employee_id"`
	StatusFilter []string   `json:"status_filter,omitempty" jsonschema:"PENDING, APPROVED, CANCELLED, DENIED (default: all)"`
	DateRange    *DateRange `json:"date_range,omitempty" jsonschema:"requests overlapping this range (default: all)"`
}

// RequestSummary is one entry of RequestList.
type RequestSummary struct {
	RequestID   string  `json:"request_id"`
	Type        string  `json:"type"`
	Status      string  `json:"status"`
	StartDate   Date    `json:"start_date"`
	EndDate     Date    `json:"end_date"`
	Hours       float64 `json:"hours"`
	SubmittedAt string  `json:"submitted_at"`
	ApprovedBy  *string `json:"approved_by"`
	ApprovedAt  *string `json:"approved_at"`
}

// RequestList is list_requests' response, by start date.
type RequestList struct {
	EmployeeID string           `json:"employee_id"`
	Requests   []RequestSummary `json:"requests"`
	Count      int              `json:"count"`
}

// GetRequestRequest is get_request's request.
type GetRequestRequest struct {
	RequestID string `json:"request_id"`
}

// HistoryEntry is one step of a request's history.
type HistoryEntry struct {
	Action    string `json:"action"`
	Timestamp string `json:"timestamp"`
	Actor     string `json:"actor"`
}

// TimeOffRequest is get_request's response.
type TimeOffRequest struct {
	RequestID    string         `json:"request_id"`
	EmployeeID   string         `json:"employee_id"`
	EmployeeName string         `json:"employee_name"`
	Type         string         `json:"type"`
	TypeName     string         `json:"type_name"`
	Status       string         `json:"status"`
	StartDate    Date           `json:"start_date"`
	EndDate      Date           `json:"end_date"`
	Hours        float64        `json:"hours"`
	Notes        string         `json:"notes"`
	SubmittedAt  string         `json:"submitted_at"`
	ApprovedBy   *EmployeeRef   `json:"approved_by"`
	ApprovedAt   *string        `json:"approved_at"`
	History      []HistoryEntry `json:"history"`
}

// RequestTimeOffRequest is request's request.
type RequestTimeOffRequest struct {
	EmployeeID string   `json:"employee_id"`
	Type       string   `json:"type" jsonschema:"a time off type of the employee's balances: PTO, SICK"`
	StartDate  Date     `json:"start_date"`
	EndDate    Date     `json:"end_date"`
	Hours      *float64 `json:"hours,omitempty" jsonschema:"default: 8 per weekday of the range"`
	Notes      string   `json:"notes,omitempty"`
}

// TimeOffSubmission is request's response.
type TimeOffSubmission struct {
	RequestID             string       `json:"request_id"`
	Status                string       `json:"status"`
	SubmittedAt           string       `json:"submitted_at"`
	Approver              *EmployeeRef `json:"approver" jsonschema:"the employee's manager; null at the top"`
	EstimatedBalanceAfter float64      `json:"estimated_balance_after"`
}

// ApproveTimeOffRequest is approve's request.
type ApproveTimeOffRequest struct {
	RequestID  string `json:"request_id"`
	ApproverID string `json:"approver_id"`
	Comments   string `json:"comments,omitempty"`
}

// TimeOffApproval is approve's response.
type TimeOffApproval struct {
	RequestID  string `json:"request_id"`
	Status     string `json:"status"`
	ApprovedAt string `json:"approved_at"`
	ApprovedBy string `json:"approved_by"`
}

// CancelTimeOffRequest is cancel's request.
type CancelTimeOffRequest struct {
	RequestID string `json:"request_id"`
	Reason    string `json:"reason,omitempty"`
}

// TimeOffCancellation is cancel's response.
type TimeOffCancellation struct {
	RequestID     string  `json:"request_id"`
	Status        string  `json:"status"`
	CancelledAt   string  `json:"cancelled_at"`
	CancelledBy   string  `json:"cancelled_by"`
	HoursRestored float64 `json:"hours_restored"`
}

// ---- Payroll ----

// GetCompensationRequest is get_compensation's request.
type GetCompensationRequest struct {
	EmployeeID string `json:"employee_id"`
}

// Money is an amount with its currency and frequency.
type Money struct {
	Amount    float64 `json:"amount"`
	Currency  string  `json:"currency"`
	Frequency string  `json:"frequency"`
}

// BonusTarget is the target bonus.
type BonusTarget struct {
	Percentage float64 `json:"percentage"`
	Amount     float64 `json:"amount"`
}

// Equity is the equity grant.
type Equity struct {
	GrantValue      float64 `json:"grant_value"`
	VestingSchedule string  `json:"vesting_schedule"`
}

// CompensationDetail is the compensation package; total_compensation is
// base salary plus bonus target amount plus equity grant value.
type CompensationDetail struct {
	BaseSalary        Money       `json:"base_salary"`
	BonusTarget       BonusTarget `json:"bonus_target"`
	Equity            Equity      `json:"equity"`
	TotalCompensation float64     `json:"total_compensation"`
}

// Compensation is get_compensation's response.
type Compensation struct {
	EmployeeID     string             `json:"employee_id"`
	Compensation   CompensationDetail `json:"compensation"`
	PayGrade       string             `json:"pay_grade"`
	EffectiveDate  Date               `json:"effective_date"`
	NextReviewDate Date               `json:"next_review_date"`
}

// GetPayStatementRequest is get_pay_statement's request.
type GetPayStatementRequest struct {
	EmployeeID  string `json:"employee_id"`
	StatementID string `json:"statement_id" jsonschema:"PAY-YYYY-NN, NN the semi-monthly period (01-24)"`
}

// PayPeriod is a pay statement's period.
type PayPeriod struct {
	Start Date `json:"start"`
	End   Date `json:"end"`
}

// Earnings are a statement's earnings; gross is their sum.
type Earnings struct {
	Regular  float64 `json:"regular"`
	Overtime float64 `json:"overtime"`
	Bonus    float64 `json:"bonus"`
	Gross    float64 `json:"gross"`
}

// Deductions are a statement's deductions; total is their sum.
type Deductions struct {
	FederalTax      float64 `json:"federal_tax"`
	StateTax        float64 `json:"state_tax"`
	SocialSecurity  float64 `json:"social_security"`
	Medicare        float64 `json:"medicare"`
	HealthInsurance float64 `json:"health_insurance"`
	Retirement401k  float64 `json:"retirement_401k"`
	Total           float64 `json:"total"`
}

// YTD are year-to-date running sums up to and including a statement.
type YTD struct {
	Gross float64 `json:"gross"`
	Taxes float64 `json:"taxes" jsonschema:"federal, state, social security and medicare"`
	Net   float64 `json:"net"`
}

// PayStatement is get_pay_statement's response; net_pay is gross minus
// the deductions' total.
type PayStatement struct {
	StatementID string     `json:"statement_id"`
	EmployeeID  string     `json:"employee_id"`
	PayPeriod   PayPeriod  `json:"pay_period"`
	PayDate     Date       `json:"pay_date"`
	Earnings    Earnings   `json:"earnings"`
	Deductions  Deductions `json:"deductions"`
	NetPay      float64    `json:"net_pay"`
	YTD         YTD        `json:"ytd"`
}

// ListPayStatementsRequest is list_pay_statements' request.
type ListPayStatementsRequest struct {
	EmployeeID string `json:"employee_id"`
	Year       *int   `json:"year,omitempty" jsonschema:"default: this year"`
}

// StatementSummary is one entry of PayStatementList.
type StatementSummary struct {
	StatementID string  `json:"statement_id"`
	PayDate     Date    `json:"pay_date"`
	Gross       float64 `json:"gross"`
	Net         float64 `json:"net"`
}

// PayStatementList is list_pay_statements' response: the statements paid
// so far in the year, by pay date.
type PayStatementList struct {
	EmployeeID string             `json:"employee_id"`
	Year       int                `json:"year"`
	Statements []StatementSummary `json:"statements"`
	Count      int                `json:"count"`
}

// Values maps the path of each field an EmployeeUpdates sets to its value.
func (u EmployeeUpdates) Values() map[string]string {
	out := map[string]string{}
	set := func(path string, v *string) {
		if v != nil {
			out[path] = *v
		}
	}
	if n := u.Name; n != nil {
		set("name.first", n.First)
		set("name.last", n.Last)
		set("name.legal_first", n.LegalFirst)
		set("name.legal_last", n.LegalLast)
	}
	set("email", u.Email)
	set("personal_email", u.PersonalEmail)
	if p := u.Phone; p != nil {
		set("phone.work", p.Work)
		set("phone.mobile", p.Mobile)
	}
	if j := u.Job; j != nil {
		set("job.title", j.Title)
		set("job.department", j.Department)
		set("job.department_id", j.DepartmentID)
		set("job.location", j.Location)
		set("job.cost_center", j.CostCenter)
		set("job.employee_type", j.EmployeeType)
	}
	if a := u.Address; a != nil {
		set("address.street", a.Street)
		set("address.city", a.City)
		set("address.state", a.State)
		set("address.postal_code", a.PostalCode)
		set("address.country", a.Country)
	}
	if c := u.EmergencyContact; c != nil {
		set("emergency_contact.name", c.Name)
		set("emergency_contact.relationship", c.Relationship)
		set("emergency_contact.phone", c.Phone)
	}
	return out
}
