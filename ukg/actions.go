package ukg

import (
	"context"
	"iter"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/internal/errs"
)

// RecordsResult is the result of the actions that return records.
type RecordsResult struct {
	// Columns are a report's columns (Name the record key, Raw the header
	// as the report sent it); empty for API reads.
	Columns []Column         `json:"columns,omitempty"`
	Records []map[string]any `json:"records"`
	Count   int              `json:"count"`
	// Truncated reports that more records exist than the action returns
	// (WithMaxActionRecords); stream them with Get or Query instead.
	Truncated bool `json:"truncated"`
}

// collect gathers at most max records of a stream.
func collect(seq iter.Seq2[connectors.Record, error], max int) (*RecordsResult, error) {
	out := &RecordsResult{Records: []map[string]any{}}
	for r, err := range seq {
		if err != nil {
			return nil, err
		}
		if len(out.Records) == max {
			out.Truncated = true
			break
		}
		out.Records = append(out.Records, map[string]any(r))
	}
	out.Count = len(out.Records)
	return out, nil
}

// collectSpool gathers at most max rows of a spooled report.
func collectSpool(sp *spooled, max int) (*RecordsResult, error) {
	defer sp.close()
	out := &RecordsResult{Columns: sp.cr.Columns(), Records: []map[string]any{}}
	for {
		recs, err := sp.page(min(1000, max+1-len(out.Records)))
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			if len(out.Records) == max {
				out.Truncated = true
				break
			}
			out.Records = append(out.Records, map[string]any(r))
		}
		if out.Truncated || len(recs) == 0 || sp.done {
			break
		}
	}
	if out.Columns == nil {
		out.Columns = []Column{}
	}
	out.Count = len(out.Records)
	return out, nil
}

func readCapability(name, desc string) connectors.Capability {
	return connectors.Capability{Name: name, Description: desc, PrincipalTypes: connectors.PrincipalTypes(),
		Sensitive: true, AuditLevel: connectors.AuditStandard}
}

// empty is the request of an action without parameters.
type empty struct{}

// UKG Pro actions.
type (
	// ExecuteReportRequest runs a RaaS report.
	ExecuteReportRequest struct {
		ReportPath string            `json:"report_path"`
		Parameters map[string]string `json:"parameters,omitempty"`
	}
	// ReportPathRequest names a RaaS report.
	ReportPathRequest struct {
		ReportPath string `json:"report_path"`
	}
	// ReportListResult is GetReportList's answer.
	ReportListResult struct {
		Reports []ReportInfo `json:"reports"`
	}
	// ReportParametersResult is GetReportParameters' answer.
	ReportParametersResult struct {
		Parameters []ReportParameter `json:"parameters"`
	}
	// GetEmployeesRequest filters employee-employment-details.
	GetEmployeesRequest struct {
		CompanyID      string `json:"company_id,omitempty"`
		EmployeeID     string `json:"employee_id,omitempty"`
		EmployeeNumber string `json:"employee_number,omitempty"`
		// Status is UKG's employeeStatusCode (A, L, T).
		Status string `json:"status,omitempty"`
	}
	// GetEarningsRequest asks for the earnings paid in a pay period (pay
	// dates from StartDate to EndDate, inclusive, YYYY-MM-DD).
	GetEarningsRequest struct {
		StartDate  connectors.Date `json:"start_date"`
		EndDate    connectors.Date `json:"end_date"`
		CompanyID  string          `json:"company_id,omitempty"`
		EmployeeID string          `json:"employee_id,omitempty"`
	}
)

func (d *proDriver) actions() []connkitAction {
	return []connkitAction{
		typed(readCapability("ukg.pro.execute_report", "Run a UKG Pro RaaS report (by its path or storeID) with optional parameters and return its rows."),
			func(ctx context.Context, _ connectors.Principal, req ExecuteReportRequest) (*RecordsResult, error) {
				if req.ReportPath == "" {
					return nil, missingParam("report_path")
				}
				sp, err := d.openReport(ctx, req.ReportPath, req.Parameters)
				if err != nil {
					return nil, err
				}
				return collectSpool(sp, d.set.maxRecords)
			}),
		typed(readCapability("ukg.pro.list_available_reports", "List the RaaS reports the credential may run (GetReportList)."),
			func(ctx context.Context, _ connectors.Principal, _ empty) (*ReportListResult, error) {
				list, err := d.raas.reportList(ctx)
				if err != nil {
					return nil, err
				}
				if list == nil {
					list = []ReportInfo{}
				}
				return &ReportListResult{Reports: list}, nil
			}),
		typed(readCapability("ukg.pro.get_report_parameters", "Describe a RaaS report's parameters (GetReportParameters)."),
			func(ctx context.Context, _ connectors.Principal, req ReportPathRequest) (*ReportParametersResult, error) {
				if req.ReportPath == "" {
					return nil, missingParam("report_path")
				}
				ps, err := d.raas.reportParameters(ctx, req.ReportPath)
				if err != nil {
					return nil, err
				}
				if ps == nil {
					ps = []ReportParameter{}
				}
				return &ReportParametersResult{Parameters: ps}, nil
			}),
		typed(readCapability("ukg.pro.get_employees", "Employees' employment details (personnel/v1/employee-employment-details), optionally filtered."),
			func(ctx context.Context, _ connectors.Principal, req GetEmployeesRequest) (*RecordsResult, error) {
				var where []connectors.Expr
				for f, v := range map[string]string{"companyID": req.CompanyID, "employeeID": req.EmployeeID,
					"employeeNumber": req.EmployeeNumber, "employeeStatusCode": req.Status} {
					if v != "" {
						where = append(where, connectors.Eq(f, v))
					}
				}
				return collect(d.conn.Get(ctx, connectors.Query{Entity: "employee-employment-details", Where: connectors.Conjoin(where...)}), d.set.maxRecords)
			}),
		typed(readCapability("ukg.pro.get_earnings", "Earnings paid in a pay period (payroll/v1/earnings-history-base-elements by pay date)."),
			func(ctx context.Context, _ connectors.Principal, req GetEarningsRequest) (*RecordsResult, error) {
				if req.StartDate.IsZero() || req.EndDate.IsZero() {
					return nil, missingParam("start_date and end_date")
				}
				where := []connectors.Expr{connectors.Ge("payDate", req.StartDate.Time()), connectors.Lt("payDate", req.EndDate.AddDays(1).Time())}
				if req.CompanyID != "" {
					where = append(where, connectors.Eq("companyId", req.CompanyID))
				}
				if req.EmployeeID != "" {
					where = append(where, connectors.Eq("employeeId", req.EmployeeID))
				}
				return collect(d.conn.Get(ctx, connectors.Query{Entity: "earnings-history-base-elements", Where: connectors.Conjoin(where...)}), d.set.maxRecords)
			}),
	}
}

// UKG Pro WFM actions.
type (
	// DateRangeRequest is a date range, both ends inclusive (YYYY-MM-DD).
	DateRangeRequest struct {
		StartDate connectors.Date `json:"start_date"`
		EndDate   connectors.Date `json:"end_date"`
	}
	// AsOfRequest is a balance date (YYYY-MM-DD; today when empty).
	AsOfRequest struct {
		AsOf connectors.Date `json:"as_of,omitzero"`
	}
)

func (r DateRangeRequest) check() error {
	if r.StartDate.IsZero() || r.EndDate.IsZero() {
		return missingParam("start_date and end_date")
	}
	if r.EndDate.Before(r.StartDate) {
		return (&errs.Error{Code: errs.CodeInvalidArgument, Message: "end_date is before start_date"}).WithDetail("field", "end_date")
	}
	return nil
}

func (d *wfmDriver) actions() []connkitAction {
	get := func(ctx context.Context, q connectors.Query) (*RecordsResult, error) {
		return collect(d.conn.Get(ctx, q), d.set.maxRecords)
	}
	return []connkitAction{
		typed(readCapability("ukg.wfm.get_timecards", "Timecards of the Hyperfind's employees for a date range (timecard/multi_read)."),
			func(ctx context.Context, _ connectors.Principal, req DateRangeRequest) (*RecordsResult, error) {
				if err := req.check(); err != nil {
					return nil, err
				}
				return get(ctx, connectors.Query{Entity: "timecards", Where: connectors.Conjoin(
					connectors.Ge("startDate", req.StartDate), connectors.Le("endDate", req.EndDate))})
			}),
		typed(readCapability("ukg.wfm.get_schedules", "Scheduled shifts of the Hyperfind's employees for a date range (scheduling/schedule/multi_read)."),
			func(ctx context.Context, _ connectors.Principal, req DateRangeRequest) (*RecordsResult, error) {
				if err := req.check(); err != nil {
					return nil, err
				}
				return get(ctx, connectors.Query{Entity: "schedules", Where: connectors.Conjoin(
					connectors.Ge("startDateTime", req.StartDate.Time()), connectors.Lt("startDateTime", req.EndDate.AddDays(1).Time()))})
			}),
		typed(readCapability("ukg.wfm.get_accruals", "Accrual balances of the Hyperfind's employees as of a date (timecard_metrics/multi_read, ACCRUAL_SUMMARY)."),
			func(ctx context.Context, _ connectors.Principal, req AsOfRequest) (*RecordsResult, error) {
				q := connectors.Query{Entity: "accruals"}
				if !req.AsOf.IsZero() {
					q.AsOf = req.AsOf.Time()
				}
				return get(ctx, q)
			}),
	}
}
