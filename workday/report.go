package workday

import (
	"context"
	"fmt"
	"net/url"
	"strconv"

	connectors "github.com/xlr8/connectors"
)

// The custom reports behind the capabilities Workday's REST services do
// not cover, with their prompts (see the package documentation,
// "Reports"). The tenant deploys them as Advanced reports, web-service
// enabled, shared with the integration user.
const (
	reportWorkerProfile     = "Worker_Profile"
	reportWorkerFullProfile = "Worker_Full_Profile"
	reportManagementChain   = "Management_Chain"
	reportCompensation      = "Worker_Compensation"
	reportPayStatement      = "Pay_Statement"
	reportTimeOffRequests   = "Time_Off_Requests"
	reportTimeOffRequest    = "Time_Off_Request"
	reportTimeOffBalances   = "Time_Off_Balances"
	reportPayStatements     = "Pay_Statements"

	promptEmployeeID      = "Employee_ID"
	promptPayStatementWID = "Pay_Statement!WID"
	promptRequestWID      = "Request!WID"
)

// reportRows runs a capability report (JSON) and returns its rows; the
// capability reports are small (one worker's).
func (c *driver) reportRows(ctx context.Context, report string, prompts url.Values) ([]row, error) {
	u, err := c.reportURL(report, prompts, "json")
	if err != nil {
		return nil, err
	}
	var body struct {
		ReportEntry *[]map[string]any `json:"Report_Entry"`
	}
	if err := c.getJSON(ctx, u, &body); err != nil {
		return nil, err
	}
	if body.ReportEntry == nil {
		return nil, c.malformed("Report_Entry in report " + report)
	}
	out := make([]row, len(*body.ReportEntry))
	for i, m := range *body.ReportEntry {
		out[i] = row{c: c, report: report, m: m}
	}
	return out, nil
}

// row reads one report row. RaaS renders values as text; a column the
// report left out is missing. A required value that is missing or
// malformed sets err (the first one), and the capability fails with it:
// nothing is defaulted.
type row struct {
	c      *driver
	report string
	m      map[string]any
	err    error
}

func (r *row) fail(col, what string) {
	if r.err == nil {
		r.err = r.c.malformed(fmt.Sprintf("%s in report %s (column %s)", what, r.report, col))
	}
}

// s is a text column; "" when missing.
func (r *row) s(col string) string {
	switch v := r.m[col].(type) {
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	case nil:
		return ""
	default:
		r.fail(col, "a text value")
		return ""
	}
}

// need is a required text column.
func (r *row) need(col string) string {
	v := r.s(col)
	if v == "" {
		r.fail(col, "a value")
	}
	return v
}

// f is a required number, sent as a JSON number or as text.
func (r *row) f(col string) float64 {
	v, ok := r.m[col]
	if !ok || v == nil {
		r.fail(col, "a number")
		return 0
	}
	n, ok := toNumber(v)
	if !ok {
		r.fail(col, "a number")
	}
	return n
}

func (r *row) i(col string) int {
	n := r.f(col)
	if n != float64(int(n)) {
		r.fail(col, "a whole number")
	}
	return int(n)
}

// d is a required date (yyyy-mm-dd).
func (r *row) d(col string) connectors.Date {
	s := r.need(col)
	if s == "" {
		return connectors.Date{}
	}
	d, err := connectors.ParseDate(s)
	if err != nil {
		r.fail(col, "a yyyy-mm-dd date")
	}
	return d
}

// od is an optional date: nil when missing.
func (r *row) od(col string) *connectors.Date {
	if r.s(col) == "" {
		return nil
	}
	d := r.d(col)
	return &d
}

// os is optional text: nil when missing.
func (r *row) os(col string) *string {
	if v := r.s(col); v != "" {
		return &v
	}
	return nil
}

// rows is a multi-instance column: an array of rows, or a single row
// (RaaS renders a one-instance field as an object).
func (r *row) rows(col string) []row {
	var list []any
	switch v := r.m[col].(type) {
	case nil:
	case []any:
		list = v
	case map[string]any:
		list = []any{v}
	default:
		r.fail(col, "a multi-instance field")
	}
	out := make([]row, 0, len(list))
	for _, x := range list {
		m, ok := x.(map[string]any)
		if !ok {
			r.fail(col, "a multi-instance field")
			continue
		}
		out = append(out, row{c: r.c, report: r.report, m: m})
	}
	return out
}

// status reads a Worker_Status column.
func (r *row) status(col string) string {
	switch v := r.need(col); v {
	case "Active":
		return wdapiStatusActive
	case "Terminated":
		return wdapiStatusTerminated
	case "":
		return ""
	default:
		r.fail(col, "Active or Terminated")
		return ""
	}
}
