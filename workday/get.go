package workday

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/internal/connkit"
	"github.com/xlr8/connectors/internal/errs"
	"github.com/xlr8/connectors/internal/jsonpage"
	"github.com/xlr8/connectors/internal/pager"
	"github.com/xlr8/connectors/internal/transport"
	"github.com/xlr8/connectors/translate"
	"github.com/xlr8/connectors/workday/wdapi"
)

// The entities.
const (
	EntityWorkers         = wdapi.EntityWorkers
	EntityOrganizations   = wdapi.EntityOrganizations
	EntityTimeOffBalances = wdapi.EntityTimeOffBalances
	EntityTimeOffRequests = wdapi.EntityTimeOffRequests
	EntityPayStatements   = wdapi.EntityPayStatements
	EntityJournalEntries  = "journal_entries"
	EntitySuppliers       = "suppliers"
)

// defaultReports name the custom reports behind the RaaS-backed entities.
var defaultReports = map[string]string{
	EntityTimeOffRequests: reportTimeOffRequests,
	EntityPayStatements:   reportPayStatements,
	EntityJournalEntries:  "Journal_Entries",
	EntitySuppliers:       "Suppliers",
}

// field specs: "name:type" with type s (string, default), d (date), f
// (float), b (bool).
func fields(spec ...string) []connectors.Field {
	out := make([]connectors.Field, len(spec))
	for i, s := range spec {
		name, typ, _ := strings.Cut(s, ":")
		t := connectors.TypeString
		switch typ {
		case "d":
			t = connectors.TypeDate
		case "f":
			t = connectors.TypeFloat
		case "b":
			t = connectors.TypeBool
		}
		out[i] = connectors.Field{Name: name, Type: t, Nullable: true, Label: name, Filterable: true}
	}
	return out
}

// restSchemas describe the REST-backed entities with Workday's own field
// names; a nested field is named by its path (primaryJob.businessTitle).
var restSchemas = map[string]connectors.EntitySchema{
	// staffing v6 GET /workers (WorkerData); hireDate from
	// /workers/{ID}/serviceDates, read only when the query names it.
	EntityWorkers: {Entity: EntityWorkers, Canonical: "worker", Label: "Workers", Key: []string{"id"},
		Fields: fields("id", "descriptor", "workerId", "workerType.descriptor", "primaryJob.id", "primaryJob.businessTitle",
			"primaryJob.supervisoryOrganization.id", "primaryJob.supervisoryOrganization.descriptor", "primaryJob.location.descriptor",
			"person.email", "person.phone", "hireDate:d")},
	// staffing v6 GET /supervisoryOrganizations (SupervisoryOrganizationView).
	EntityOrganizations: {Entity: EntityOrganizations, Canonical: "organization", Label: "Supervisory organizations", Key: []string{"id"},
		Fields: fields("id", "descriptor", "name", "code", "inactive:b", "managers.id", "managers.descriptor")},
	// absenceManagement v1 GET /balances (AbsenceBalanceView).
	EntityTimeOffBalances: {Entity: EntityTimeOffBalances, Canonical: "time_off_balance", Label: "Time off balances",
		Key: []string{"worker.id", "absencePlan.id"},
		Fields: fields("worker.id", "worker.descriptor", "absencePlan.id", "absencePlan.descriptor", "quantity:f", "unit.descriptor",
			"effectiveDate:d", "category.descriptor")},
}

// finsSchemas describe the Financials reports' columns the connector
// expects (the report aliases lowercased).
var finsSchemas = map[string]connectors.EntitySchema{
	EntityJournalEntries: {Entity: EntityJournalEntries, Canonical: "journal_entry", Label: "Journal entries", Key: []string{"journal_id"},
		Fields: fields("journal_id", "company", "ledger", "accounting_date:d", "memo", "status", "total_debit:f", "total_credit:f", "currency")},
	EntitySuppliers: {Entity: EntitySuppliers, Canonical: "supplier", Label: "Suppliers", Key: []string{"supplier_id"},
		Fields: fields("supplier_id", "supplier_name", "status", "tax_id", "currency", "payment_terms")},
}

func (c *driver) entityNames() []string {
	if c.product == ProductFins {
		return []string{EntityJournalEntries, EntitySuppliers}
	}
	return []string{EntityOrganizations, EntityPayStatements, EntityTimeOffBalances, EntityTimeOffRequests, EntityWorkers}
}

// Entities lists the entities Get serves: the HCM ones (workers,
// organizations, time_off_balances over REST; time_off_requests,
// pay_statements over RaaS) or the Financials ones (journal_entries,
// suppliers over RaaS).
func (c *driver) Entities(ctx context.Context) ([]string, error) { return c.entityNames(), nil }

// Schema describes an entity; an unknown one is NOT_FOUND.
func (c *driver) Schema(ctx context.Context, entity string) (connectors.EntitySchema, error) {
	return c.schema(entity)
}

func (c *driver) schema(entity string) (connectors.EntitySchema, error) {
	if slices.Contains(c.entityNames(), entity) {
		for _, m := range []map[string]connectors.EntitySchema{finsSchemas, restSchemas} {
			if s, ok := m[entity]; ok {
				s.Fields = slices.Clone(s.Fields)
				return s, nil
			}
		}
		if s, ok := wdapi.EntitySchema(entity); ok {
			return s, nil
		}
	}
	return connectors.EntitySchema{}, &errs.Error{Code: errs.CodeNotFound, Product: c.product, VendorCode: ErrCodeNotFound,
		Message: fmt.Sprintf("workday: no entity %q (%s serves %s)", entity, c.product, strings.Join(c.entityNames(), ", ")),
		Details: map[string]any{"entity": entity, "known": c.entityNames()}}
}

func (c *driver) checkQuery(sch connectors.EntitySchema, q connectors.Query) error {
	for i, name := range q.Fields {
		if _, ok := sch.Field(name); !ok {
			return (&errs.Error{Code: errs.CodeInvalidArgument, Product: c.product, Message: fmt.Sprintf("workday: %s has no field %q", q.Entity, name)}).
				WithDetail("field", fmt.Sprintf("fields[%d]", i))
		}
	}
	var bad string
	connectors.Walk(q.Where, func(cmp connectors.Cmp) bool {
		if _, ok := sch.Field(cmp.Field); !ok {
			bad = cmp.Field
			return false
		}
		return true
	})
	if bad != "" {
		return (&errs.Error{Code: errs.CodeInvalidArgument, Product: c.product, Message: fmt.Sprintf("workday: %s has no field %q", q.Entity, bad)}).WithDetail("field", "where")
	}
	for _, o := range q.OrderBy {
		if len(sch.Key) != 1 || o.Field != sch.Key[0] || o.Desc {
			return &errs.Error{Code: errs.CodeUnsupported, Product: c.product,
				Message: fmt.Sprintf("workday: %s comes in Workday's order (%s ascending) only; order by %s is not supported", q.Entity, strings.Join(sch.Key, ", "), o)}
		}
	}
	if !q.AsOf.IsZero() {
		return &errs.Error{Code: errs.CodeUnsupported, Product: c.product,
			Message: "workday: AsOf is not supported by Get: Workday's REST collections take no effective date; run a report with its effective-date prompt through Query (raas:OWNER/REPORT?Effective_as_of_Date=YYYY-MM-DD)"}
	}
	if !q.Since.IsZero() {
		return &errs.Error{Code: errs.CodeUnsupported, Product: c.product,
			Message: "workday: Since is not supported by Get: Workday's REST collections offer no changed-since filter; use a report with a date prompt through Query"}
	}
	return nil
}

// Plan compiles a query the adapter validated: REST collections page by
// page (limit/offset, checked against total), RaaS reports decoded row by
// row. Where is pushed down where Workday filters (a report's prompts) and
// evaluated by the adapter for the rest. OrderBy may only be the key
// ascending. AsOf and Since are UNSUPPORTED: Workday's REST collections
// take neither, and a report's effective-date prompt is the report's own
// (use Query).
func (c *driver) Plan(ctx context.Context, q connectors.Query, sch connectors.EntitySchema) (*connkit.Plan, error) {
	if err := c.checkQuery(sch, q); err != nil {
		return nil, err
	}
	var params []translate.Param
	switch q.Entity {
	case EntityTimeOffRequests, EntityPayStatements:
		params = translate.Prompts(map[string]string{"employee_id": promptEmployeeID})
	}
	nq := q
	nq.Resume, nq.Fields, nq.Limit = "", nil, 0
	compiled, err := translate.CompileParams(nq, params, translate.WithSchema(sch))
	if err != nil {
		return nil, err
	}
	plan := &connkit.Plan{Pushed: compiled.Pushed, Residual: compiled.Residual, Select: true}
	switch q.Entity {
	case EntityWorkers:
		hire := slices.Contains(q.Fields, "hireDate")
		connectors.Walk(q.Where, func(cmp connectors.Cmp) bool {
			hire = hire || cmp.Field == "hireDate"
			return true
		})
		plan.Fetch = c.fetchREST(svcStaffing, compiled.Values, []string{"workers"}, c.workerPage(hire))
	case EntityOrganizations:
		plan.Fetch = c.fetchREST(svcStaffing, compiled.Values, []string{"supervisoryOrganizations"}, c.flatPage(sch))
	case EntityTimeOffBalances:
		plan.Fetch = c.fetchREST(svcAbsence, compiled.Values, []string{"balances"}, c.flatPage(sch))
	default:
		if c.owner == "" {
			return nil, c.noOwner()
		}
		plan.Fetch = c.fetchReport(c.owner, c.set.reports[q.Entity], compiled.Values, "json", recordOfRow(sch))
	}
	return plan, nil
}

func (c *driver) noOwner() error {
	return &errs.Error{Code: errs.CodeInvalidArgument, Product: c.product,
		Message: "workday: no report owner: set the credential's report_owner secret or WithReportOwner"}
}

// pageDecoder decodes a REST page body into records.
type pageDecoder func(ctx context.Context, resp *transport.Response) (records []connectors.Record, total int64, err error)

// fetchREST reads a REST collection by offset and limit (at most 100),
// the total checked by the walker.
func (c *driver) fetchREST(service string, q url.Values, parts []string, decode pageDecoder) pager.Fetch {
	return pager.OffsetLimit(c.set.pageSize, func(ctx context.Context, at pager.At) (pager.Result, error) {
		pq := url.Values{}
		for k, v := range q {
			pq[k] = v
		}
		pq.Set("limit", strconv.Itoa(at.Limit))
		pq.Set("offset", strconv.Itoa(at.Offset))
		resp, err := c.client.Get(ctx, c.restURL(service, pq, parts...), http.Header{"Accept": {"application/json"}})
		if err != nil {
			return pager.Result{}, err
		}
		recs, total, err := decode(ctx, resp)
		if err != nil {
			return pager.Result{}, err
		}
		return pager.Result{Records: recs, Total: total, HasTotal: true}, nil
	})
}

// restDecoder is the one-pass decoder of Workday's {total, data} pages.
var restDecoder = jsonpage.NewDecoder(jsonpage.Spec{Product: ProductHCM, Envelope: jsonpage.WorkdayREST})

// decodeREST reads a {total, data} page in one pass; a page without its
// total is malformed (Workday always sends it).
func (c *driver) decodeREST(resp *transport.Response) (jsonpage.Page, error) {
	page, err := restDecoder.DecodeResponse(resp)
	if err != nil {
		return page, err
	}
	if !page.Has(jsonpage.FieldTotal) {
		return page, c.malformed("the collection's total")
	}
	return page, nil
}

// workerFields are the workers entity's fields by their path in WorkerData.
var workerFields = []string{"id", "descriptor", "workerId", "workerType.descriptor", "primaryJob.id", "primaryJob.businessTitle",
	"primaryJob.supervisoryOrganization.id", "primaryJob.supervisoryOrganization.descriptor", "primaryJob.location.descriptor",
	"person.email", "person.phone"}

// workerPage reads staffing v6 workers into records with Workday's field
// names; a field Workday left out is absent. With hire, each worker's
// serviceDates give hireDate.
func (c *driver) workerPage(hire bool) pageDecoder {
	return func(ctx context.Context, resp *transport.Response) ([]connectors.Record, int64, error) {
		out, total, ok := decodeWorkers(resp)
		if !ok {
			page, err := c.decodeREST(resp)
			if err != nil {
				return nil, 0, err
			}
			out, total = make([]connectors.Record, len(page.Records)), page.Total
			for i, item := range page.Records {
				out[i] = workerRecord(item)
			}
		}
		resp.Release() // the records hold copies of the body's strings
		if !hire {
			return out, total, nil
		}
		for _, r := range out {
			if id, _ := r["id"].(string); id != "" {
				d, err := c.hireDate(ctx, id)
				if err != nil {
					return nil, 0, err
				}
				if d != "" {
					r["hireDate"] = d
				}
			}
		}
		return out, total, nil
	}
}

// workerRecord reads one WorkerData object (decoded whole) into a record
// with Workday's field names; a field Workday left out, or sent empty, is
// absent.
func workerRecord(item connectors.Record) connectors.Record {
	r := make(connectors.Record, len(workerFields)+1)
	for _, f := range workerFields {
		if v, ok := pathValue(item, f); ok {
			if s, ok := v.(string); !ok || s != "" {
				r[f] = v
			}
		}
	}
	return r
}

// hireDate reads a worker's hire date (staffing v6 serviceDates); "" when
// Workday has none.
func (c *driver) hireDate(ctx context.Context, wid string) (string, error) {
	var sd collection[serviceDates]
	if err := c.getJSON(ctx, c.restURL(svcStaffing, nil, "workers", wid, "serviceDates"), &sd); err != nil {
		return "", err
	}
	for _, d := range sd.Data {
		if d.HireDate != "" {
			return d.HireDate, nil
		}
	}
	return "", nil
}

// flatPage reads a page of JSON objects into records by the schema's
// field paths (absencePlan.descriptor is data[i].absencePlan.descriptor;
// through an array, the first element's); a missing value is absent.
func (c *driver) flatPage(sch connectors.EntitySchema) pageDecoder {
	return func(_ context.Context, resp *transport.Response) ([]connectors.Record, int64, error) {
		page, err := c.decodeREST(resp)
		if err != nil {
			return nil, 0, err
		}
		out := make([]connectors.Record, len(page.Records))
		for i, item := range page.Records {
			r := connectors.Record{}
			for _, f := range sch.Fields {
				if v, ok := pathValue(item, f.Name); ok {
					if f.Type == connectors.TypeFloat {
						if n, ok := toNumber(v); ok {
							v = n
						}
					}
					r[f.Name] = v
				}
			}
			out[i] = r
		}
		return out, page.Total, nil
	}
}

func pathValue(m connectors.Record, path string) (any, bool) {
	var cur any = map[string]any(m)
	for _, p := range strings.Split(path, ".") {
		if a, ok := cur.([]any); ok {
			if len(a) == 0 {
				return nil, false
			}
			cur = a[0]
		}
		obj, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = obj[p]; !ok || cur == nil {
			return nil, false
		}
	}
	return cur, true
}

// toNumber reads a number Workday sent as a JSON number or as text.
func toNumber(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	case string:
		f, err := parseNumber(x)
		return f, err == nil
	}
	return 0, false
}
