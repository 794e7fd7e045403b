package oracle

import (
	"fmt"
	"strconv"
	"time"
)

// attr is one attribute of a resource as its describe reports it. Types
// are the describe's: string, integer, number, boolean, date, datetime.
type attr struct {
	name, typ string
	queryable bool
	// vals, when set, are the values generated rows cycle through.
	vals []string
}

// resource is one REST resource of the fake pod.
type resource struct {
	name, service, title string // service: hcmRestApi or fscmRestApi
	key                  string // the attribute that identifies an item
	attrs                []attr
	children             []*resource
	// finder, when set, is the resource's row finder; finderOnly resources
	// page inside it (finder=Name;Var=v,limit=n,offset=m) and ignore the
	// top-level offset.
	finder     string
	finderOnly bool
	// dateEffective resources honour effectiveDate (rows carry
	// EffectiveStartDate and EffectiveEndDate).
	dateEffective bool
	byName        map[string]*attr
}

func (r *resource) attr(name string) *attr { return r.byName[name] }

func (r *resource) child(name string) *resource {
	for _, c := range r.children {
		if c.name == name {
			return c
		}
	}
	return nil
}

func a(name, typ string, vals ...string) attr {
	return attr{name: name, typ: typ, queryable: true, vals: vals}
}

// noq is an attribute the resource does not let q= filter on.
func noq(name, typ string) attr { return attr{name: name, typ: typ} }

func res(service, name, title, key string, attrs []attr, children ...*resource) *resource {
	r := &resource{name: name, service: service, title: title, key: key, attrs: attrs, children: children, byName: map[string]*attr{}}
	for i := range r.attrs {
		r.byName[r.attrs[i].name] = &r.attrs[i]
		if r.attrs[i].name == "EffectiveStartDate" {
			r.dateEffective = true
		}
	}
	return r
}

const (
	hcm  = "hcmRestApi"
	fscm = "fscmRestApi"
)

var audit = []attr{a("CreationDate", "datetime"), a("LastUpdateDate", "datetime")}

func with(list []attr, more ...attr) []attr { return append(append([]attr{}, list...), more...) }

// catalog builds the pod's resources: the HCM and ERP resources the
// connector reads, with the attribute names Oracle's REST reference gives
// them.
func catalog() map[string]*resource {
	names := res(hcm, "names", "Person Names", "PersonNameId", []attr{a("PersonNameId", "integer"), a("EffectiveStartDate", "date"),
		a("EffectiveEndDate", "date"), a("LegislationCode", "string"), a("FirstName", "string"), a("LastName", "string"), a("DisplayName", "string")})
	emails := res(hcm, "emails", "Person Emails", "EmailAddressId", []attr{a("EmailAddressId", "integer"), a("EmailType", "string"),
		a("EmailAddress", "string"), a("PrimaryFlag", "boolean")})
	assignments := res(hcm, "assignments", "Assignments", "AssignmentId", []attr{a("AssignmentId", "integer"), a("AssignmentNumber", "string"),
		a("EffectiveStartDate", "date"), a("EffectiveEndDate", "date"), a("BusinessTitle", "string"), a("AssignmentStatusType", "string"),
		a("DepartmentId", "integer"), a("DepartmentName", "string"), a("LocationCode", "string"), a("JobCode", "string")})
	rels := res(hcm, "workRelationships", "Work Relationships", "PeriodOfServiceId", []attr{a("PeriodOfServiceId", "integer"),
		a("LegalEmployerName", "string"), a("WorkerType", "string"), a("StartDate", "date"), a("TerminationDate", "date"), a("PrimaryFlag", "boolean")},
		assignments)
	list := []*resource{
		res(hcm, "workers", "Workers", "PersonId", with([]attr{a("PersonId", "integer"), a("PersonNumber", "string"),
			a("DateOfBirth", "date"), a("CountryOfBirth", "string", "US", "GB", "IN", "DE", "FR"), a("CorrespondenceLanguage", "string"),
			noq("BloodType", "string")}, audit...), names, emails, rels),
		res(hcm, "absences", "Absences", "personAbsenceEntryId", []attr{a("personAbsenceEntryId", "integer"), a("personNumber", "string"),
			a("absenceType", "string", "Vacation", "Sick Leave", "Jury Duty"), a("approvalStatusCd", "string", "APPROVED", "AWAITING", "DENIED"),
			a("absenceStatusCd", "string", "SUBMITTED", "ORA_WITHDRAWN"), a("startDate", "date"), a("endDate", "date"), a("duration", "number"),
			a("creationDate", "datetime"), a("lastUpdateDate", "datetime")}),
		res(hcm, "jobs", "Jobs", "JobId", with([]attr{a("JobId", "integer"), a("JobCode", "string"), a("Name", "string"),
			a("EffectiveStartDate", "date"), a("EffectiveEndDate", "date"), a("ActiveStatus", "string", "A", "I"), a("JobFamilyId", "integer")}, audit...)),
		res(hcm, "locations", "Locations", "LocationId", with([]attr{a("LocationId", "integer"), a("LocationCode", "string"),
			a("LocationName", "string"), a("EffectiveStartDate", "date"), a("EffectiveEndDate", "date"), a("Country", "string", "US", "GB", "IN"),
			a("ActiveStatus", "string", "A", "I")}, audit...)),
		res(hcm, "grades", "Grades", "GradeId", with([]attr{a("GradeId", "integer"), a("GradeCode", "string"), a("GradeName", "string"),
			a("EffectiveStartDate", "date"), a("EffectiveEndDate", "date"), a("ActiveStatus", "string", "A", "I")}, audit...)),
		res(hcm, "departments", "Departments", "OrganizationId", with([]attr{a("OrganizationId", "integer"), a("Name", "string"),
			a("Title", "string"), a("EffectiveStartDate", "date"), a("EffectiveEndDate", "date"), a("Status", "string", "A", "I"),
			a("LocationId", "integer")}, audit...)),
		res(hcm, "recruitingCEJobRequisitions", "Job Requisitions", "RequisitionNumber", []attr{a("RequisitionNumber", "string"),
			a("Title", "string"), a("PrimaryLocation", "string", "Austin", "London", "Bangalore"), a("ExternalPostedStartDate", "datetime")}),
		res(hcm, "flowPatterns", "Flow Patterns", "FlowId", []attr{a("FlowId", "integer"), a("FlowName", "string"), a("FlowType", "string"),
			a("LegislativeDataGroupName", "string")}),
		res(fscm, "invoices", "Invoices", "InvoiceId", with([]attr{a("InvoiceId", "integer"), a("InvoiceNumber", "string"),
			a("SupplierNumber", "string"), a("Supplier", "string"), a("InvoiceDate", "date"), a("InvoiceAmount", "number"),
			a("InvoiceCurrency", "string", "USD", "EUR", "GBP"), a("PaidStatus", "string", "Unpaid", "Paid", "Partially paid"),
			a("BusinessUnit", "string", "US1 Business Unit", "UK Business Unit")}, audit...)),
		res(fscm, "suppliers", "Suppliers", "SupplierId", with([]attr{a("SupplierId", "integer"), a("SupplierNumber", "string"),
			a("Supplier", "string"), a("Status", "string", "ACTIVE", "INACTIVE"), a("TaxpayerId", "string"), a("SupplierType", "string")}, audit...)),
		res(fscm, "purchaseOrders", "Purchase Orders", "POHeaderId", with([]attr{a("POHeaderId", "integer"), a("OrderNumber", "string"),
			a("Supplier", "string"), a("Status", "string", "OPEN", "CLOSED", "CANCELED"), a("Total", "number"), a("CurrencyCode", "string", "USD", "EUR"),
			a("ProcurementBU", "string")}, audit...)),
		res(fscm, "receivablesInvoices", "Receivables Invoices", "CustomerTransactionId", with([]attr{a("CustomerTransactionId", "integer"),
			a("TransactionNumber", "string"), a("TransactionDate", "date"), a("BillToCustomerName", "string"), a("InvoiceCurrencyCode", "string", "USD", "EUR"),
			a("InvoiceStatus", "string", "Complete", "Incomplete")}, audit...)),
		res(fscm, "payablesPayments", "Payables Payments", "CheckId", with([]attr{a("CheckId", "integer"), a("PaymentNumber", "integer"),
			a("PaymentDate", "date"), a("PaymentAmount", "number"), a("PaymentCurrency", "string", "USD", "EUR"), a("Payee", "string")}, audit...)),
		res(fscm, "erpintegrations", "ERP Integrations", "OperationName", []attr{a("OperationName", "string"), a("ReqstId", "string"),
			a("RequestStatus", "string"), a("JobName", "string"), a("ParameterList", "string"), a("DocumentContent", "string"),
			a("FileType", "string"), a("DocumentId", "string"), a("JobOptions", "string"), a("CallbackURL", "string"),
			a("NotificationCode", "string")}),
		res(fscm, "journalBatches", "Journal Batches", "JeBatchId", []attr{a("JeBatchId", "integer"), a("BatchName", "string"),
			a("Description", "string"), a("DefaultPeriodName", "string", "Jan-24", "Feb-24", "Mar-24"), a("Status", "string", "U", "P"),
			a("CreationDate", "datetime"), a("LastUpdateDate", "datetime")}),
	}
	out := map[string]*resource{}
	for _, r := range list {
		out[r.name] = r
	}
	req := out["recruitingCEJobRequisitions"]
	req.finder, req.finderOnly = "findReqs", true
	out["workers"].finder = "findByPersonNumber"
	return out
}

var epoch = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// value generates attribute a's value for the i-th row of a resource, as
// JSON carries it: integers and numbers as float64, dates as
// "YYYY-MM-DD", datetimes with and without milliseconds (Oracle mixes them
// in one record), nil for an open-ended TerminationDate.
func value(r *resource, at attr, i int) any {
	switch {
	case len(at.vals) > 0:
		return at.vals[i%len(at.vals)]
	case at.name == "EffectiveStartDate":
		return "2020-01-01"
	case at.name == "EffectiveEndDate":
		return "4712-12-31"
	case at.name == "TerminationDate" || at.name == "DateOfDeath":
		return nil
	}
	switch at.typ {
	case "integer":
		return float64(300000000000000 + i)
	case "number":
		return float64(100*(i%97+1)) + 0.25
	case "boolean":
		return i%2 == 0
	case "date":
		return epoch.AddDate(0, 0, i%3650-1825).Format(time.DateOnly)
	case "datetime":
		t := epoch.Add(time.Duration(i) * time.Minute)
		if i%2 == 1 {
			return t.Add(457 * time.Millisecond).Format("2006-01-02T15:04:05.000-07:00")
		}
		return t.Format("2006-01-02T15:04:05-07:00")
	}
	return fmt.Sprintf("%s %s", at.name, strconv.Itoa(i+1))
}

// row generates the i-th row of r (children included).
func row(r *resource, i int) map[string]any {
	out := make(map[string]any, len(r.attrs)+len(r.children))
	for _, at := range r.attrs {
		out[at.name] = value(r, at, i)
	}
	switch r.name {
	case "workers":
		out["PersonNumber"] = strconv.Itoa(100001 + i)
	case "absences":
		out["personNumber"] = strconv.Itoa(100001 + i)
	case "names":
		out["FirstName"], out["LastName"] = "Pat"+strconv.Itoa(i), "Lee"
		out["DisplayName"] = "Pat" + strconv.Itoa(i) + " Lee"
	case "emails":
		out["EmailType"], out["EmailAddress"] = "W1", "pat"+strconv.Itoa(i)+"@acme.example"
	}
	for _, c := range r.children {
		out[c.name] = []any{row(c, i)}
	}
	return out
}
