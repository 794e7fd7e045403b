package oracle

import "sort"

// entity is one REST resource the connector reads.
type entity struct {
	name, service string
	// key identifies a row; since is the attribute Query.Since filters on
	// ("" when the resource has none).
	key, since string
	// dated resources are date-effective: Query.AsOf becomes effectiveDate.
	dated bool
	// finder, when set, is the row finder the resource must be read
	// through; it pages inside the finder (finder=Name;limit=n,offset=m)
	// and ignores the top-level offset, so filters stay client side.
	finder string
}

type table struct {
	byName map[string]*entity
	ping   *entity
}

func newTable(list ...*entity) *table {
	t := &table{byName: map[string]*entity{}, ping: list[0]}
	for _, e := range list {
		t.byName[e.name] = e
	}
	return t
}

func (t *table) lookup(name string) (*entity, bool) {
	e, ok := t.byName[name]
	return e, ok
}

func (t *table) names() []string {
	out := make([]string, 0, len(t.byName))
	for n := range t.byName {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

const (
	hcm  = "hcmRestApi"
	fscm = "fscmRestApi"
)

// tables are the resources per product (Oracle's REST API reference for
// HCM and for Financials and Procurement names them).
var tables = map[string]*table{
	ProductHCM: newTable(
		&entity{name: "workers", service: hcm, key: "PersonId", since: "LastUpdateDate"},
		&entity{name: "absences", service: hcm, key: "personAbsenceEntryId", since: "lastUpdateDate"},
		&entity{name: "planBalances", service: hcm, key: "personPlanEnrollmentId", since: "lastUpdateDate"},
		&entity{name: "salaries", service: hcm, key: "SalaryId", since: "LastUpdateDate"},
		&entity{name: "jobs", service: hcm, key: "JobId", since: "LastUpdateDate", dated: true},
		&entity{name: "locations", service: hcm, key: "LocationId", since: "LastUpdateDate", dated: true},
		&entity{name: "grades", service: hcm, key: "GradeId", since: "LastUpdateDate", dated: true},
		&entity{name: "departments", service: hcm, key: "OrganizationId", since: "LastUpdateDate", dated: true},
		&entity{name: "recruitingCEJobRequisitions", service: hcm, key: "RequisitionNumber", finder: "findReqs"},
		&entity{name: "flowPatterns", service: hcm, key: "FlowId"},
	),
	ProductERP: newTable(
		&entity{name: "invoices", service: fscm, key: "InvoiceId", since: "LastUpdateDate"},
		&entity{name: "suppliers", service: fscm, key: "SupplierId", since: "LastUpdateDate"},
		&entity{name: "purchaseOrders", service: fscm, key: "POHeaderId", since: "LastUpdateDate"},
		&entity{name: "receivablesInvoices", service: fscm, key: "CustomerTransactionId", since: "LastUpdateDate"},
		&entity{name: "payablesPayments", service: fscm, key: "CheckId", since: "LastUpdateDate"},
		&entity{name: "journalBatches", service: fscm, key: "JeBatchId", since: "LastUpdateDate"},
	),
}
