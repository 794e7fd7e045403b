package workday

import (
	"context"
	"fmt"
	"net/url"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/workday/wdapi"
)

// getCompensation runs the Worker_Compensation report.
func (c *driver) getCompensation(ctx context.Context, _ connectors.Principal, req GetCompensationRequest) (*Compensation, error) {
	if err := c.required("employee_id", req.EmployeeID); err != nil {
		return nil, err
	}
	r, err := c.profile(ctx, reportCompensation, req.EmployeeID, false)
	if err != nil {
		return nil, err
	}
	out := &Compensation{EmployeeID: r.need("Employee_ID"), Compensation: wdapi.CompensationDetail{
		BaseSalary:        wdapi.Money{Amount: r.f("Base_Salary"), Currency: r.need("Currency"), Frequency: r.need("Frequency")},
		BonusTarget:       wdapi.BonusTarget{Percentage: r.f("Bonus_Target_Percent"), Amount: r.f("Bonus_Target_Amount")},
		Equity:            wdapi.Equity{GrantValue: r.f("Equity_Grant_Value"), VestingSchedule: r.s("Vesting_Schedule")},
		TotalCompensation: r.f("Total_Compensation")},
		PayGrade: r.s("Pay_Grade"), EffectiveDate: r.d("Effective_Date"), NextReviewDate: r.d("Next_Review_Date")}
	return out, r.err
}

// getPayStatement runs the Pay_Statement report, prompted by the employee
// and the pay slip's Workday ID (a !WID prompt: the id list_pay_statements
// gives, common v1 paySlips' id). No row is STATEMENT_NOT_FOUND.
func (c *driver) getPayStatement(ctx context.Context, _ connectors.Principal, req GetPayStatementRequest) (*PayStatement, error) {
	if err := c.required("employee_id", req.EmployeeID); err != nil {
		return nil, err
	}
	if err := c.required("statement_id", req.StatementID); err != nil {
		return nil, err
	}
	rows, err := c.reportRows(ctx, reportPayStatement, url.Values{promptEmployeeID: {req.EmployeeID}, promptPayStatementWID: {req.StatementID}})
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, c.newError(ErrCodeStatementNotFound, fmt.Sprintf("Pay statement '%s' of employee '%s' not found", req.StatementID, req.EmployeeID),
			map[string]any{"employee_id": req.EmployeeID, "statement_id": req.StatementID})
	}
	r := &rows[0]
	out := &PayStatement{StatementID: r.need("Statement_ID"), EmployeeID: r.need("Employee_ID"),
		PayPeriod: wdapi.PayPeriod{Start: r.d("Period_Start"), End: r.d("Period_End")}, PayDate: r.d("Pay_Date"),
		Earnings: wdapi.Earnings{Regular: r.f("Regular"), Overtime: r.f("Overtime"), Bonus: r.f("Bonus"), Gross: r.f("Gross")},
		Deductions: wdapi.Deductions{FederalTax: r.f("Federal_Tax"), StateTax: r.f("State_Tax"), SocialSecurity: r.f("Social_Security"),
			Medicare: r.f("Medicare"), HealthInsurance: r.f("Health_Insurance"), Retirement401k: r.f("Retirement_401k"), Total: r.f("Total_Deductions")},
		NetPay: r.f("Net_Pay"), YTD: wdapi.YTD{Gross: r.f("YTD_Gross"), Taxes: r.f("YTD_Taxes"), Net: r.f("YTD_Net")}}
	return out, r.err
}

// listPayStatements reads common v1 workers/{ID}/paySlips (PaySlipSummary:
// id, date, gross, net) and keeps the year's, by date; the resource takes
// no date filter.
func (c *driver) listPayStatements(ctx context.Context, _ connectors.Principal, req ListPayStatementsRequest) (*PayStatementList, error) {
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
	slips, err := collect[paySlip](ctx, c, svcCommon, nil, "workers", employeePath(req.EmployeeID), "paySlips")
	if err != nil {
		return nil, c.asNotFound(err, ErrCodeEmployeeNotFound, map[string]any{"employee_id": req.EmployeeID})
	}
	// A statement belongs to the year of its pay period (the December
	// period is paid in January): PaySlipSummary has no period, the
	// Pay_Statements report gives it by statement.
	periods := map[string]int{}
	if len(slips) > 0 {
		rows, err := c.reportRows(ctx, reportPayStatements, url.Values{promptEmployeeID: {req.EmployeeID}})
		if err != nil {
			return nil, err
		}
		for i := range rows {
			r := &rows[i]
			periods[r.need("Statement_ID")] = r.i("Year")
			if r.err != nil {
				return nil, r.err
			}
		}
	}
	out := &PayStatementList{EmployeeID: req.EmployeeID, Year: year, Statements: []wdapi.StatementSummary{}}
	for _, s := range slips {
		if s.ID == "" || s.Gross == nil || s.Net == nil {
			return nil, c.malformed("a pay slip's id, gross and net")
		}
		d, err := connectors.ParseDate(s.Date)
		if err != nil {
			return nil, c.malformed("the date of pay slip " + s.ID)
		}
		y, ok := periods[s.ID]
		if !ok {
			return nil, c.malformed("pay slip " + s.ID + " in report " + reportPayStatements)
		}
		if y != year {
			continue
		}
		out.Statements = append(out.Statements, wdapi.StatementSummary{StatementID: s.ID, PayDate: d, Gross: float64(*s.Gross), Net: float64(*s.Net)})
	}
	out.Count = len(out.Statements)
	return out, nil
}
