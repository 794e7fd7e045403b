package ukg

import (
	"slices"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/internal/connkit"
	"github.com/xlr8/connectors/translate"
)

// field is one schema field: name, type, and whether the server filters on
// it (a parameter exists).
type field struct {
	name string
	typ  connectors.FieldType
}

// entity is one entry of a product's entity table.
type entity struct {
	name string
	// path is the resource path under the instance URL (UKG Pro, Ready) or
	// under /api (WFM).
	path string
	key  []string
	// envelope is the JSON key holding the records (Ready); "" for a bare
	// array (UKG Pro) or a per-entity decoder (WFM).
	envelope string
	fields   []field
	// params maps a record field to its equality query parameter, in the
	// endpoint's own casing (UKG Pro: companyId on person-details, companyID
	// on employee-employment-details).
	params map[string]string
	// dateParams maps a date-time record field to its date parameter, which
	// takes UKG's operators (=>MM-DD-YYYY ...).
	dateParams map[string]string
	// since is the field Query.Since filters on ("" when none).
	since string
}

func (e *entity) schema(product string) connectors.EntitySchema {
	s := connectors.EntitySchema{Entity: e.name, Key: e.key}
	for _, f := range e.fields {
		_, p := e.params[f.name]
		_, d := e.dateParams[f.name]
		s.Fields = append(s.Fields, connectors.Field{Name: f.name, Type: f.typ, Nullable: true, Filterable: p || d})
	}
	return s
}

func (e *entity) types() map[string]connectors.FieldType {
	m := make(map[string]connectors.FieldType, len(e.fields))
	for _, f := range e.fields {
		m[f.name] = f.typ
	}
	return m
}

const (
	tS  = connectors.TypeString
	tI  = connectors.TypeInt
	tF  = connectors.TypeFloat
	tB  = connectors.TypeBool
	tD  = connectors.TypeDate
	tDT = connectors.TypeDateTime
	tO  = connectors.TypeObject
	tA  = connectors.TypeArray
)

func fields(pairs ...any) []field {
	out := make([]field, 0, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, field{name: pairs[i].(string), typ: pairs[i+1].(connectors.FieldType)})
	}
	return out
}

// proEntities: UKG Pro's personnel, payroll and configuration REST
// collections. Field names and parameters from UKG's OpenAPI
// (konfig-sdks/ukg-java-sdk docs/EmpPersonDetails.md,
// EmpEmploymentDetails.md, EmployeeJobHistoryDetailApi.md,
// EmpCompensationDetails.md, EarningsHistoryBaseElements.md, and for
// org-levels OrgLevels.md and ViewOrCreateOrganizationLevelsApi.md); a
// subset of each model's fields is declared, every other field the API
// sends is kept as it comes.
var proEntities = []*entity{
	{name: "person-details", path: "/personnel/v1/person-details", key: []string{"employeeId"},
		fields: fields("employeeId", tS, "companyId", tS, "personId", tS, "firstName", tS, "middleName", tS, "lastName", tS,
			"preferredName", tS, "emailAddress", tS, "homePhone", tS, "addressLine1", tS, "addressCity", tS, "addressState", tS,
			"addressZipCode", tS, "addressCountry", tS, "gender", tS, "dateOfBirth", tDT, "datetimeCreated", tDT, "datetimeChanged", tDT),
		params: map[string]string{"companyId": "companyId", "employeeId": "employeeId", "lastName": "lastName",
			"emailAddress": "emailAddress", "addressState": "addressState", "addressCountry": "addressCountry"},
		dateParams: map[string]string{"datetimeCreated": "dateTimeCreated", "datetimeChanged": "dateTimeChanged"}, since: "datetimeChanged"},
	{name: "employee-employment-details", path: "/personnel/v1/employee-employment-details", key: []string{"employeeID"},
		fields: fields("employeeID", tS, "companyID", tS, "employeeNumber", tS, "jobTitle", tS, "primaryJobCode", tS,
			"employeeStatusCode", tS, "employeeTypeCode", tS, "fullTimeOrPartTimeCode", tS, "orgLevel1Code", tS, "orgLevel2Code", tS,
			"primaryWorkLocationCode", tS, "supervisorID", tS, "originalHireDate", tDT, "lastHireDate", tDT, "dateOfTermination", tDT,
			"scheduledWorkHrs", tF, "dateTimeChanged", tDT),
		params:     map[string]string{"companyID": "companyID", "employeeID": "employeeID", "employeeNumber": "employeeNumber"},
		dateParams: map[string]string{"dateTimeChanged": "dateTimeChanged"}, since: "dateTimeChanged"},
	{name: "employee-job-history-details", path: "/personnel/v1/employee-job-history-details", key: []string{"systemId"},
		fields: fields("systemId", tS, "employeeId", tS, "companyId", tS, "jobCode", tS, "jobTitle", tS, "jobEffectiveDate", tDT,
			"isPromotion", tB, "annualSalary", tF, "reasonCode", tS, "dateTimeCreated", tDT),
		params:     map[string]string{"companyId": "companyId", "employeeId": "employeeId", "systemId": "systemId"},
		dateParams: map[string]string{"jobEffectiveDate": "jobEffectiveDate", "dateTimeCreated": "dateTimeCreated"}, since: "dateTimeCreated"},
	{name: "compensation-details", path: "/personnel/v1/compensation-details", key: []string{"employeeID"},
		fields: fields("employeeID", tS, "companyID", tS, "annualSalary", tF, "hourlyPayRate", tF, "currencyCode", tS,
			"jobSalaryGrade", tS, "payGroupCode", tS, "salaryOrHourlyCode", tS, "dateOfLastSalaryReview", tDT),
		params: map[string]string{"companyID": "companyID", "employeeID": "employeeID"}},
	{name: "earnings-history-base-elements", path: "/payroll/v1/earnings-history-base-elements", key: []string{"employeeId", "genNumber", "earningCode"},
		fields: fields("employeeId", tS, "companyId", tS, "earningCode", tS, "payDate", tDT, "currentAmount", tF, "currentHours", tF,
			"payGroup", tS, "genNumber", tS),
		params:     map[string]string{"companyId": "companyId", "employeeId": "employeeId", "earningCode": "earningCode"},
		dateParams: map[string]string{"payDate": "payDate"}},
	// The organization levels (Company Configuration Integration): one
	// record per level and code, the two halves of its identifier.
	{name: "org-levels", path: "/configuration/v1/org-levels", key: []string{"level", "code"},
		fields: fields("level", tI, "code", tS, "description", tS, "levelDescription", tS, "budgetGroup", tS, "glSegment", tS,
			"reportingCategory", tS, "isActive", tB, "currentYearBudgetFTE", tF, "currentYearBudgetSalary", tF,
			"lastYearBudgetFTE", tF, "lastYearBudgetSalary", tF),
		params: map[string]string{"levelDescription": "levelDescription", "code": "code", "budgetGroup": "budgetGroup",
			"reportingCategory": "reportingCategory", "isActive": "isActive"}},
}

// wfmEntities: UKG Pro WFM. Each is read through its own call (see wfm.go):
// persons by apply_read, timecards by timecard/multi_read, schedules by
// scheduling/schedule/multi_read (its shifts), accruals by
// timecard_metrics/multi_read with select ACCRUAL_SUMMARY (one record per
// accrual code and employee).
var wfmEntities = []*entity{
	{name: "persons", path: "/v1/commons/persons/apply_read", key: []string{"personNumber"},
		fields: fields("personId", tI, "personNumber", tS, "firstName", tS, "lastName", tS, "employmentStatus", tS, "userAccountStatus", tS)},
	{name: "timecards", path: "/v1/timekeeping/timecard/multi_read", key: []string{"employee.qualifier", "startDate"},
		fields: fields("employee", tO, "startDate", tD, "endDate", tD, "punches", tA, "totals", tO)},
	{name: "schedules", path: "/v1/scheduling/schedule/multi_read", key: []string{"id"},
		fields: fields("id", tI, "employee", tO, "startDateTime", tDT, "endDateTime", tDT, "label", tS, "segments", tA)},
	{name: "accruals", path: "/v1/timekeeping/timecard_metrics/multi_read", key: []string{"uniqueId"},
		fields: fields("uniqueId", tS, "employeeId", tO, "accrualCode", tO, "dailySummaries", tA)},
}

// readyEntities: UKG Ready's v2 company resources under
// /ta/rest/v2/companies/{cid}, each with its own envelope key (vendors.md
// section 12: employees, time_entry_sets, cost_centers, costCenterJobs,
// pay_types, items).
var readyEntities = []*entity{
	{name: "employees", path: "/employees", envelope: "employees", key: []string{"id"},
		fields: fields("id", tI, "username", tS, "first_name", tS, "last_name", tS, "employee_id", tS, "external_id", tS,
			"primary_email", tS, "ein_name", tS, "status", tS, "dates", tO)},
	{name: "time_entries", path: "/time-entries", envelope: "time_entry_sets", key: []string{"id"},
		fields: fields("id", tI, "employee", tO, "type", tS, "date", tD, "start_time", tDT, "end_time", tDT, "total", tI,
			"cost_centers", tA, "approval_status", tS)},
	{name: "cost_centers", path: "/config/cost-centers", envelope: "cost_centers", key: []string{"id"},
		fields: fields("id", tI, "name", tS, "abbrev", tS, "tree_index", tI, "parent_id", tI)},
	{name: "cost_center_jobs", path: "/config/cost-center-jobs", envelope: "costCenterJobs", key: []string{"id"},
		fields: fields("id", tI, "name", tS)},
	{name: "pay_types", path: "/config/pay-types", envelope: "pay_types", key: []string{"id"},
		fields: fields("id", tI, "name", tS, "code", tS)},
	{name: "jobs", path: "/lookup/jobs", envelope: "items", key: []string{"id"},
		fields: fields("id", tI, "name", tS)},
}

func findEntity(list []*entity, name string) *entity {
	for _, e := range list {
		if e.name == name {
			return e
		}
	}
	return nil
}

// translateParams declares the entity's parameters for
// translate.CompileParams: equality parameters, and a lower and an upper
// StyleUKGDate bound on each date parameter.
func (e *entity) translateParams() []translate.Param {
	var out []translate.Param
	for _, f := range sortedKeys(e.params) {
		out = append(out, translate.Param{Field: f, Op: connectors.OpEq, Name: e.params[f]})
	}
	for _, f := range sortedKeys(e.dateParams) {
		out = append(out,
			translate.Param{Field: f, Op: connectors.OpGe, Name: e.dateParams[f], Style: translate.StyleUKGDate},
			translate.Param{Field: f, Op: connectors.OpLe, Name: e.dateParams[f], Style: translate.StyleUKGDate})
	}
	return out
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// table builds the kit's entity table.
func table(product string, list []*entity) *connkit.Table {
	rows := make([]connkit.Entity, len(list))
	for i, e := range list {
		rows[i] = connkit.Entity{Name: e.name, Path: e.path, Schema: e.schema(product)}
	}
	return connkit.NewTable(rows...)
}
