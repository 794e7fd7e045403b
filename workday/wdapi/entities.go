package wdapi

import (
	"slices"

	connectors "github.com/xlr8/connectors"
)

// The entities the simulator's Get and the Workday connector's Get serve.
const (
	EntityWorkers         = "workers"
	EntityTimeOffRequests = "time_off_requests"
	EntityTimeOffBalances = "time_off_balances"
	EntityPayStatements   = "pay_statements"
	EntityOrganizations   = "organizations"
)

func f(name string, t connectors.FieldType, nullable bool, label string) connectors.Field {
	return connectors.Field{Name: name, Type: t, Nullable: nullable, Label: label, Filterable: true}
}

var (
	tStr, tFloat, tDate, tDT, tInt = connectors.TypeString, connectors.TypeFloat, connectors.TypeDate, connectors.TypeDateTime, connectors.TypeInt
)

var schemas = map[string]connectors.EntitySchema{
	EntityWorkers: {Entity: EntityWorkers, Canonical: "worker", Label: "Workers", Key: []string{"employee_id"}, Fields: []connectors.Field{
		f("employee_id", tStr, false, "Employee ID"), f("first_name", tStr, false, "First name"), f("last_name", tStr, false, "Last name"),
		f("display_name", tStr, false, "Name"), f("email", tStr, false, "Work email"), f("title", tStr, false, "Job title"),
		f("department", tStr, false, "Department"), f("department_id", tStr, false, "Department ID"), f("location", tStr, false, "Location"),
		f("cost_center", tStr, false, "Cost center"), f("employee_type", tStr, false, "Employee type"),
		f("manager_id", tStr, true, "Manager ID"), f("manager_name", tStr, true, "Manager"), f("status", tStr, false, "Status"),
		f("start_date", tDate, false, "Start date"), f("termination_date", tDate, true, "Termination date"),
	}},
	EntityTimeOffRequests: {Entity: EntityTimeOffRequests, Canonical: "time_off_request", Label: "Time off requests", Key: []string{"request_id"}, Fields: []connectors.Field{
		f("request_id", tStr, false, "Request ID"), f("employee_id", tStr, false, "Employee ID"), f("type", tStr, false, "Type"),
		f("status", tStr, false, "Status"), f("start_date", tDate, false, "Start date"), f("end_date", tDate, false, "End date"),
		f("hours", tFloat, false, "Hours"), f("notes", tStr, true, "Notes"), f("submitted_at", tDT, false, "Submitted at"),
		f("approved_by", tStr, true, "Approved by"), f("approved_at", tDT, true, "Approved at"),
		f("cancelled_by", tStr, true, "Cancelled by"), f("cancelled_at", tDT, true, "Cancelled at"),
	}},
	EntityTimeOffBalances: {Entity: EntityTimeOffBalances, Canonical: "time_off_balance", Label: "Time off balances", Key: []string{"employee_id", "type"}, Fields: []connectors.Field{
		f("employee_id", tStr, false, "Employee ID"), f("type", tStr, false, "Type"), f("type_name", tStr, false, "Type name"),
		f("available_hours", tFloat, false, "Available hours"), f("used_hours", tFloat, false, "Used hours"),
		f("pending_hours", tFloat, false, "Pending hours"), f("accrual_rate_per_period", tFloat, false, "Accrual per period"),
		f("max_carryover", tFloat, false, "Maximum carryover"),
	}},
	EntityPayStatements: {Entity: EntityPayStatements, Canonical: "pay_statement", Label: "Pay statements", Key: []string{"employee_id", "statement_id"}, Fields: []connectors.Field{
		f("statement_id", tStr, false, "Statement ID"), f("employee_id", tStr, false, "Employee ID"), f("year", tInt, false, "Year"),
		f("pay_period_start", tDate, false, "Period start"), f("pay_period_end", tDate, false, "Period end"), f("pay_date", tDate, false, "Pay date"),
		f("regular", tFloat, false, "Regular"), f("overtime", tFloat, false, "Overtime"), f("bonus", tFloat, false, "Bonus"),
		f("gross", tFloat, false, "Gross"), f("federal_tax", tFloat, false, "Federal tax"), f("state_tax", tFloat, false, "State tax"),
		f("social_security", tFloat, false, "Social security"), f("medicare", tFloat, false, "Medicare"),
		f("health_insurance", tFloat, false, "Health insurance"), f("retirement_401k", tFloat, false, "401(k)"),
		f("total_deductions", tFloat, false, "Total deductions"), f("net_pay", tFloat, false, "Net pay"),
		f("ytd_gross", tFloat, false, "YTD gross"), f("ytd_taxes", tFloat, false, "YTD taxes"), f("ytd_net", tFloat, false, "YTD net"),
	}},
	EntityOrganizations: {Entity: EntityOrganizations, Canonical: "organization", Label: "Organizations", Key: []string{"organization_id"}, Fields: []connectors.Field{
		f("organization_id", tStr, false, "Organization ID"), f("name", tStr, false, "Name"), f("head_id", tStr, true, "Head ID"),
		f("head_name", tStr, true, "Head"), f("parent_id", tStr, true, "Parent ID"), f("headcount", tInt, false, "Active headcount"),
	}},
}

// EntitySchema returns the schema of an entity (a copy).
func EntitySchema(name string) (connectors.EntitySchema, bool) {
	sch, ok := schemas[name]
	if !ok {
		return connectors.EntitySchema{}, false
	}
	sch.Key = slices.Clone(sch.Key)
	sch.Fields = slices.Clone(sch.Fields)
	return sch, true
}

// MustEntitySchema is EntitySchema for a name known to exist.
func MustEntitySchema(name string) connectors.EntitySchema {
	sch, ok := EntitySchema(name)
	if !ok {
		panic("wdapi: no entity " + name)
	}
	return sch
}

// EntityNames lists the entities, sorted.
func EntityNames() []string {
	out := make([]string, 0, len(schemas))
	for n := range schemas {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}
