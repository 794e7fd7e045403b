package workdaysim

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	connectors "github.com/xlr8/connectors"
)

// This file serves the custom reports (RaaS) and WQL. Report values are
// text, as Workday's RaaS JSON renders them ("1250.5", "2026-02-09"); an
// empty value is left out; a multi-instance field is an array of objects.

// The capability reports the handler publishes under its report owner,
// with the capability whose latency and failures they carry.
var reportCapabilities = map[string]string{
	"Worker_Profile": CapGetEmployee, "Worker_Full_Profile": CapGetEmployeeFull, "Management_Chain": CapGetManagerChain,
	"Worker_Compensation": CapGetCompensation, "Pay_Statement": CapGetPayStatement, "Time_Off_Requests": CapListRequests,
	"Time_Off_Request": CapGetRequest, "Time_Off_Balances": CapGetBalance, "Pay_Statements": "",
}

func (h *HTTPHandler) serveRaaS(w http.ResponseWriter, r *http.Request, rest string) {
	segs := strings.Split(strings.Trim(rest, "/"), "/")
	if len(segs) != 3 || segs[0] != h.cfg.Tenant {
		writeWDError(w, http.StatusNotFound, "", "invalid request: a report URL is customreport2/{tenant}/{owner}/{report}")
		return
	}
	owner, name := segs[1], segs[2]
	q := r.URL.Query()
	format := q.Get("format")
	if format == "" {
		format = "json"
	}
	if format != "json" && format != "csv" {
		writeWDError(w, http.StatusBadRequest, "", "invalid request: format "+strconv.Quote(format)+" (the simulator serves json and csv)")
		return
	}
	h.mu.Lock()
	custom, isCustom := h.reports[owner+"/"+name]
	h.mu.Unlock()
	capName, known := reportCapabilities[name]
	switch {
	case isCustom:
		if h.simulate(w, r, "", false) {
			writeReport(w, format, custom)
		}
		return
	case !known || owner != h.cfg.ReportOwner:
		writeWDError(w, http.StatusNotFound, "", fmt.Sprintf("Report %s/%s not found or not shared with this account", owner, name))
		return
	}
	if !h.simulate(w, r, capName, false) {
		return
	}
	rows, err := h.reportRows(name, q)
	if err != nil {
		writeSimError(w, err)
		return
	}
	writeReport(w, format, rows)
}

func txt(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case int:
		return strconv.Itoa(x)
	case Date:
		if x.IsZero() {
			return ""
		}
		return x.String()
	case *Date:
		if x == nil {
			return ""
		}
		return txt(*x)
	case *string:
		if x == nil {
			return ""
		}
		return *x
	}
	return fmt.Sprint(v)
}

// row builds a report row from column, value pairs, leaving out empty
// values.
func row(kv ...any) map[string]any {
	m := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		if s := txt(kv[i+1]); s != "" {
			m[kv[i].(string)] = s
		}
	}
	return m
}

func prompt(q url.Values, names ...string) string {
	for _, n := range names {
		if v := q.Get(n); v != "" {
			if id, ok := strings.CutPrefix(v, "Employee_ID="); ok {
				return id
			}
			return v
		}
	}
	return ""
}

func status(s string) string {
	return map[string]string{StatusActive: "Active", StatusTerminated: "Terminated"}[s]
}

// reportRows runs a capability report. A prompt naming nobody gives no
// row (Workday's reports answer an unknown prompt value with nothing).
func (h *HTTPHandler) reportRows(name string, q url.Values) ([]map[string]any, error) {
	emp := prompt(q, "Employee_ID", "Worker!WID")
	if x, ok := h.wids.Load(emp); ok && x.(widRef).kind == "worker" {
		emp = x.(widRef).id
	}
	none := func(err error) ([]map[string]any, error) {
		if c := connectors.CodeOf(err); c == connectors.CodeNotFound {
			return []map[string]any{}, nil
		}
		return nil, err
	}
	p := connectors.Principal{}
	switch name {
	case "Worker_Profile", "Worker_Full_Profile":
		e, err := call(h, p, GetEmployeeRequest{EmployeeID: emp}, (*store).getEmployeeFull)
		if err != nil {
			return none(err)
		}
		m := row("Employee_ID", e.EmployeeID, "First_Name", e.Name.First, "Last_Name", e.Name.Last, "Display_Name", e.Name.Display,
			"Email", e.Email, "Business_Title", e.Job.Title, "Supervisory_Organization", e.Job.Department,
			"Supervisory_Organization_ID", e.Job.DepartmentID, "Location", e.Job.Location, "Worker_Status", status(e.Status),
			"Hire_Date", e.StartDate, "Termination_Date", e.TerminationDate)
		if e.Manager != nil {
			m["Manager_Employee_ID"], m["Manager_Name"] = e.Manager.EmployeeID, e.Manager.DisplayName
		}
		if name == "Worker_Full_Profile" {
			for k, v := range row("Legal_First_Name", e.Name.LegalFirst, "Legal_Last_Name", e.Name.LegalLast, "Personal_Email", e.PersonalEmail,
				"Work_Phone", e.Phone.Work, "Mobile_Phone", e.Phone.Mobile, "Cost_Center", e.Job.CostCenter, "Worker_Type", e.Job.EmployeeType,
				"Birth_Date", e.BirthDate, "National_ID_Last_Four", e.NationalIDLastFour, "Address_Street", e.Address.Street,
				"Address_City", e.Address.City, "Address_State", e.Address.State, "Address_Postal_Code", e.Address.PostalCode,
				"Address_Country", e.Address.Country, "Emergency_Contact_Name", e.EmergencyContact.Name,
				"Emergency_Contact_Relationship", e.EmergencyContact.Relationship, "Emergency_Contact_Phone", e.EmergencyContact.Phone) {
				m[k] = v
			}
		}
		return []map[string]any{m}, nil
	case "Management_Chain":
		full, err := call(h, p, GetEmployeeRequest{EmployeeID: emp}, (*store).getEmployeeFull)
		if err != nil {
			return none(err)
		}
		m := row("Employee_ID", full.EmployeeID, "Worker_Status", status(full.Status))
		if full.Status == StatusActive {
			c, err := call(h, p, GetManagerChainRequest{EmployeeID: emp}, (*store).getManagerChain)
			if err != nil {
				return nil, err
			}
			var mgrs []any
			for _, l := range c.Chain {
				mgrs = append(mgrs, row("Employee_ID", l.EmployeeID, "Name", l.DisplayName, "Business_Title", l.Title, "Level", l.Level))
			}
			if mgrs != nil {
				m["Managers"] = mgrs
			}
		}
		return []map[string]any{m}, nil
	case "Worker_Compensation":
		c, err := call(h, p, GetCompensationRequest{EmployeeID: emp}, (*store).getCompensation)
		if err != nil {
			return none(err)
		}
		d := c.Compensation
		return []map[string]any{row("Employee_ID", c.EmployeeID, "Base_Salary", d.BaseSalary.Amount, "Currency", d.BaseSalary.Currency,
			"Frequency", d.BaseSalary.Frequency, "Bonus_Target_Percent", d.BonusTarget.Percentage, "Bonus_Target_Amount", d.BonusTarget.Amount,
			"Equity_Grant_Value", d.Equity.GrantValue, "Vesting_Schedule", d.Equity.VestingSchedule, "Total_Compensation", d.TotalCompensation,
			"Pay_Grade", c.PayGrade, "Effective_Date", c.EffectiveDate, "Next_Review_Date", c.NextReviewDate)}, nil
	case "Pay_Statement":
		s, err := call(h, p, GetPayStatementRequest{EmployeeID: emp, StatementID: q.Get("Pay_Statement!WID")}, (*store).getPayStatement)
		if err != nil {
			return none(err)
		}
		return []map[string]any{row("Statement_ID", s.StatementID, "Employee_ID", s.EmployeeID, "Period_Start", s.PayPeriod.Start,
			"Period_End", s.PayPeriod.End, "Pay_Date", s.PayDate, "Regular", s.Earnings.Regular, "Overtime", s.Earnings.Overtime,
			"Bonus", s.Earnings.Bonus, "Gross", s.Earnings.Gross, "Federal_Tax", s.Deductions.FederalTax, "State_Tax", s.Deductions.StateTax,
			"Social_Security", s.Deductions.SocialSecurity, "Medicare", s.Deductions.Medicare, "Health_Insurance", s.Deductions.HealthInsurance,
			"Retirement_401k", s.Deductions.Retirement401k, "Total_Deductions", s.Deductions.Total, "Net_Pay", s.NetPay,
			"YTD_Gross", s.YTD.Gross, "YTD_Taxes", s.YTD.Taxes, "YTD_Net", s.YTD.Net)}, nil
	case "Time_Off_Balances":
		req := GetBalanceRequest{EmployeeID: emp}
		if s := q.Get("As_Of_Date"); s != "" {
			d, err := connectors.ParseDate(s)
			if err != nil {
				return nil, validationError("As_Of_Date", "is not a yyyy-mm-dd date")
			}
			req.AsOfDate = &d
		}
		b, err := call(h, p, req, (*store).getBalance)
		if err != nil {
			return none(err)
		}
		rows := []map[string]any{}
		for _, x := range b.Balances {
			rows = append(rows, row("Employee_ID", b.EmployeeID, "Time_Off_Type", x.Type, "Time_Off_Plan", x.TypeName,
				"Available_Hours", x.AvailableHours, "Used_Hours", x.UsedHours, "Pending_Hours", x.PendingHours,
				"Accrual_Rate_Per_Period", x.AccrualRatePerPeriod, "Max_Carryover", x.MaxCarryover))
		}
		return rows, nil
	case "Time_Off_Request":
		t, err := call(h, p, GetRequestRequest{RequestID: prompt(q, "Request!WID", "Request_ID")}, (*store).getRequest)
		if err != nil {
			return none(err)
		}
		m := row("Request_ID", t.RequestID, "Employee_ID", t.EmployeeID, "Employee_Name", t.EmployeeName, "Time_Off_Type", t.Type,
			"Time_Off_Plan", t.TypeName, "Status", t.Status, "Start_Date", t.StartDate, "End_Date", t.EndDate, "Hours", t.Hours,
			"Comment", t.Notes, "Submitted_At", t.SubmittedAt, "Approved_At", t.ApprovedAt)
		if t.ApprovedBy != nil {
			m["Approved_By_Employee_ID"], m["Approved_By_Name"] = t.ApprovedBy.EmployeeID, t.ApprovedBy.DisplayName
		}
		var hist []any
		for _, e := range t.History {
			hist = append(hist, row("Action", e.Action, "Timestamp", e.Timestamp, "Actor", e.Actor))
		}
		if hist != nil {
			m["History"] = hist
		}
		return []map[string]any{m}, nil
	case "Time_Off_Requests", "Pay_Statements":
		return h.entityRows(name, q)
	}
	return nil, validationError("report", "unknown report "+name)
}

// entityRows runs an entity report: the time off requests (prompts
// Employee_ID, Start_Date and End_Date: requests overlapping the dates) or
// the pay statements (prompt Employee_ID).
func (h *HTTPHandler) entityRows(name string, q url.Values) ([]map[string]any, error) {
	entity := EntityTimeOffRequests
	if name == "Pay_Statements" {
		entity = EntityPayStatements
	}
	emp := prompt(q, "Employee_ID", "Worker!WID")
	var from, to Date
	for k, d := range map[string]*Date{"Start_Date": &from, "End_Date": &to} {
		if s := q.Get(k); s != "" && entity == EntityTimeOffRequests {
			x, err := connectors.ParseDate(s)
			if err != nil {
				return nil, validationError(k, "is not a yyyy-mm-dd date")
			}
			*d = x
		}
	}
	for k := range q {
		switch k {
		case "format", "Employee_ID", "Worker!WID":
		case "Start_Date", "End_Date":
			if entity == EntityTimeOffRequests {
				continue
			}
			fallthrough
		default:
			return nil, validationError(k, "report "+name+" has no prompt "+k)
		}
	}
	ent := entities[entity]
	st := h.sim.be.st.Load()
	today := h.sim.be.clock.Today()
	var rows []map[string]any
	st.read(today, func() {
		for pos := 0; pos < ent.size(st); pos++ {
			rec, ok := ent.record(st, pos, today)
			if !ok || (emp != "" && rec["employee_id"] != emp) {
				continue
			}
			if entity == EntityTimeOffRequests {
				s, _ := connectors.ParseDate(txt(rec["start_date"]))
				e, _ := connectors.ParseDate(txt(rec["end_date"]))
				if (!from.IsZero() && e.Before(from)) || (!to.IsZero() && s.After(to)) {
					continue
				}
			}
			m := map[string]any{}
			for k, v := range rec {
				if s := txt(v); v != nil && s != "" {
					m[columnOf(k)] = s
				}
			}
			rows = append(rows, m)
		}
	})
	if rows == nil {
		rows = []map[string]any{}
	}
	return rows, nil
}

// columnOf renders an entity field as a report column alias
// (start_date -> Start_Date, employee_id -> Employee_ID).
func columnOf(field string) string {
	parts := strings.Split(field, "_")
	for i, p := range parts {
		switch p {
		case "id":
			parts[i] = "ID"
		case "":
		default:
			parts[i] = strings.ToUpper(p[:1]) + p[1:]
		}
	}
	return strings.Join(parts, "_")
}

// writeReport writes rows as {"Report_Entry":[...]} or CSV (a header of
// every column, sorted, then one line per row; multi-instance values are
// not offered in CSV).
func writeReport(w http.ResponseWriter, format string, rows []map[string]any) {
	if format == "csv" {
		cols := map[string]bool{}
		for _, r := range rows {
			for k, v := range r {
				if _, multi := v.([]any); multi {
					writeWDError(w, http.StatusBadRequest, "", "invalid request: the report has multi-instance fields; request format=json")
					return
				}
				cols[k] = true
			}
		}
		names := make([]string, 0, len(cols))
		for k := range cols {
			names = append(names, k)
		}
		sort.Strings(names)
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		cw := csv.NewWriter(w)
		_ = cw.Write(names)
		line := make([]string, len(names))
		for _, r := range rows {
			for i, c := range names {
				line[i] = txt(r[c])
				if r[c] == nil {
					line[i] = ""
				}
			}
			_ = cw.Write(line)
		}
		cw.Flush()
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(`{"Report_Entry":[`))
	enc := json.NewEncoder(w)
	for i, r := range rows {
		if i > 0 {
			_, _ = w.Write([]byte(","))
		}
		_ = enc.Encode(r)
	}
	_, _ = w.Write([]byte("]}"))
}

// ---- WQL ----

// wql serves /wql/v1/{tenant}/data: Workday's WQL over allWorkers
// (wql.go), paged by limit and offset, answering {total, data}.
func (h *HTTPHandler) wql(w http.ResponseWriter, r *http.Request, rt route) {
	limit, offset, ok := paging(w, r)
	if !ok {
		return
	}
	text := r.URL.Query().Get("query")
	if r.Method == http.MethodPost {
		var body struct {
			Query string `json:"query"`
		}
		if !decodeBody(w, r, &body) {
			return
		}
		text = body.Query
	}
	q, err := parseWQL(text)
	if err != nil {
		writeWDError(w, http.StatusBadRequest, "", "invalid WQL: "+err.Error())
		return
	}
	st := h.sim.be.st.Load()
	var rows []map[string]any
	st.read(h.sim.be.clock.Today(), func() { rows = h.wqlRows(st, q) })
	data := rows[min(offset, len(rows)):]
	data = data[:min(limit, len(data))]
	writeJSON(w, http.StatusOK, map[string]any{"total": len(rows), "data": data})
}
