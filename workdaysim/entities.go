package workdaysim

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/internal/connkit"
	"github.com/xlr8/connectors/internal/pager"
	"github.com/xlr8/connectors/translate"
	"github.com/xlr8/connectors/workday/wdapi"
)

// The entities Get serves (their schemas are wdapi's).
const (
	EntityWorkers         = wdapi.EntityWorkers
	EntityTimeOffRequests = wdapi.EntityTimeOffRequests
	EntityTimeOffBalances = wdapi.EntityTimeOffBalances
	EntityPayStatements   = wdapi.EntityPayStatements
	EntityOrganizations   = wdapi.EntityOrganizations
)

const payStatementYearsShown = 2 // the previous and the current year

// entity describes one entity: its schema and how to read a page of it.
type entity struct {
	schema connectors.EntitySchema
	// size is the number of positions to scan; record builds the record at
	// a position (false when the position holds none). Both run under the
	// store's read lock.
	size   func(s *store) int
	record func(s *store, pos int, today Date) (connectors.Record, bool)
}

var entities = map[string]*entity{
	EntityWorkers: {
		schema: wdapi.MustEntitySchema(EntityWorkers),
		size:   func(s *store) int { return len(s.ids) },
		record: func(s *store, pos int, _ Date) (connectors.Record, bool) {
			e := s.emps[s.ids[pos]]
			r := connectors.Record{
				"employee_id": e.EmployeeID, "first_name": e.Name.First, "last_name": e.Name.Last, "display_name": e.Name.Display,
				"email": e.Email, "title": e.Job.Title, "department": e.Job.Department, "department_id": e.Job.DepartmentID,
				"location": e.Job.Location, "cost_center": e.Job.CostCenter, "employee_type": e.Job.EmployeeType,
				"manager_id": nil, "manager_name": nil, "status": e.Status, "start_date": e.StartDate.String(), "termination_date": nil,
			}
			if m, ok := s.emps[e.ManagerID]; ok {
				r["manager_id"], r["manager_name"] = m.EmployeeID, m.Name.Display
			}
			if e.TerminationDate != nil {
				r["termination_date"] = e.TerminationDate.String()
			}
			return r, true
		},
	},
	EntityTimeOffRequests: {
		schema: wdapi.MustEntitySchema(EntityTimeOffRequests),
		size:   func(s *store) int { return len(s.reqOrder) },
		record: func(s *store, pos int, _ Date) (connectors.Record, bool) {
			r := s.requests[s.reqOrder[pos]]
			rec := connectors.Record{
				"request_id": r.RequestID, "employee_id": r.EmployeeID, "type": r.Type, "status": r.Status,
				"start_date": r.StartDate.String(), "end_date": r.EndDate.String(), "hours": r.Hours, "notes": nil,
				"submitted_at": stamp(r.SubmittedAt), "approved_by": nil, "approved_at": nil, "cancelled_by": nil, "cancelled_at": nil,
			}
			if r.Notes != "" {
				rec["notes"] = r.Notes
			}
			if r.ApprovedBy != "" {
				rec["approved_by"] = r.ApprovedBy
			}
			if r.ApprovedAt != nil {
				rec["approved_at"] = stamp(*r.ApprovedAt)
			}
			if r.CancelledBy != "" {
				rec["cancelled_by"] = r.CancelledBy
			}
			if r.CancelledAt != nil {
				rec["cancelled_at"] = stamp(*r.CancelledAt)
			}
			return rec, true
		},
	},
	EntityTimeOffBalances: {
		schema: wdapi.MustEntitySchema(EntityTimeOffBalances),
		size:   func(s *store) int { return len(s.balanceKeys) },
		record: func(s *store, pos int, _ Date) (connectors.Record, bool) {
			k := s.balanceKeys[pos]
			b := s.balances[k.emp][k.i]
			return connectors.Record{"employee_id": b.EmployeeID, "type": b.Type, "type_name": b.TypeName,
				"available_hours": b.AvailableHours, "used_hours": b.UsedHours, "pending_hours": b.PendingHours,
				"accrual_rate_per_period": b.AccrualRatePerPeriod, "max_carryover": b.MaxCarryover}, true
		},
	},
	EntityPayStatements: {
		schema: wdapi.MustEntitySchema(EntityPayStatements),
		size:   func(s *store) int { return len(s.ids) * payStatementYearsShown * periodsPerYear },
		record: func(s *store, pos int, today Date) (connectors.Record, bool) {
			per := payStatementYearsShown * periodsPerYear
			e := s.emps[s.ids[pos/per]]
			slot := pos % per
			year := today.Year - (payStatementYearsShown - 1) + slot/periodsPerYear
			st, ok := statementOf(&e.EmployeeRecord, year, slot%periodsPerYear+1, today)
			if !ok {
				return nil, false
			}
			return connectors.Record{"statement_id": st.StatementID, "employee_id": st.EmployeeID, "year": float64(year),
				"pay_period_start": st.PayPeriod.Start.String(), "pay_period_end": st.PayPeriod.End.String(), "pay_date": st.PayDate.String(),
				"regular": st.Earnings.Regular, "overtime": st.Earnings.Overtime, "bonus": st.Earnings.Bonus, "gross": st.Earnings.Gross,
				"federal_tax": st.Deductions.FederalTax, "state_tax": st.Deductions.StateTax, "social_security": st.Deductions.SocialSecurity,
				"medicare": st.Deductions.Medicare, "health_insurance": st.Deductions.HealthInsurance, "retirement_401k": st.Deductions.Retirement401k,
				"total_deductions": st.Deductions.Total, "net_pay": st.NetPay,
				"ytd_gross": st.YTD.Gross, "ytd_taxes": st.YTD.Taxes, "ytd_net": st.YTD.Net}, true
		},
	},
	EntityOrganizations: {
		schema: wdapi.MustEntitySchema(EntityOrganizations),
		size:   func(s *store) int { return len(s.orgs) },
		record: func(s *store, pos int, _ Date) (connectors.Record, bool) {
			o := s.orgs[pos]
			r := connectors.Record{"organization_id": o.OrganizationID, "name": o.Name, "head_id": nil, "head_name": nil, "parent_id": nil}
			if h, ok := s.emps[o.HeadID]; ok {
				r["head_id"], r["head_name"] = h.EmployeeID, h.Name.Display
			}
			if o.ParentID != "" {
				r["parent_id"] = o.ParentID
			}
			n := 0
			for _, e := range s.emps {
				if e.Job.DepartmentID == o.OrganizationID && e.Status == StatusActive {
					n++
				}
			}
			r["headcount"] = float64(n)
			return r, true
		},
	},
}

var entityNames = func() []string {
	out := make([]string, 0, len(entities))
	for n := range entities {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}()

func unknownEntity(name string) *connectors.Error {
	return &connectors.Error{Code: connectors.CodeNotFound, Product: Product,
		Message: fmt.Sprintf("no entity %q (the simulator serves %s)", name, strings.Join(entityNames, ", ")),
		Details: map[string]any{"entity": name, "known": append([]string(nil), entityNames...)}}
}

// Entities lists the entities Get serves.
func (simDriver) Entities(context.Context) ([]string, error) {
	return append([]string(nil), entityNames...), nil
}

// Schema describes an entity; an unknown one is NOT_FOUND.
func (simDriver) Schema(_ context.Context, name string) (connectors.EntitySchema, error) {
	e, ok := entities[name]
	if !ok {
		return connectors.EntitySchema{}, unknownEntity(name)
	}
	sch := e.schema
	sch.Key = append([]string(nil), sch.Key...)
	sch.Fields = append([]connectors.Field(nil), sch.Fields...)
	return sch, nil
}

// Plan serves an entity's records page by page (Config.PageSize) over
// positions: Where is evaluated exactly by the simulator, as a server would
// (translate.Match), Fields selected, OrderBy may only be the key
// ascending (the natural order); AsOf and Since are UNSUPPORTED (the
// simulator keeps current state only). Injected failures and the latency of
// an entity read apply to every page. The kit's adapter has checked that
// every field named exists.
func (d simDriver) Plan(_ context.Context, q connectors.Query, _ connectors.EntitySchema) (*connkit.Plan, error) {
	s := d.s
	ent := entities[q.Entity]
	if err := checkQuery(ent, q); err != nil {
		return nil, err
	}
	where := q.Where
	keep := func(connectors.Record) bool { return true }
	if where != nil {
		where = connectors.Normalize(where)
		m, err := translate.NewMatcher(serverSemantics(where))
		if err != nil {
			return nil, err
		}
		keep = m.Match
	}
	// The token is the scan position of the page, as a server filtering
	// while it scans would hand out.
	return &connkit.Plan{Pushed: where, Select: true, Fetch: pager.Tokens(s.cfg.PageSize, func(ctx context.Context, at pager.At) (pager.Result, error) {
		if err := s.Check(); err != nil {
			return pager.Result{}, err
		}
		if err := s.simulate(ctx, "", false); err != nil {
			return pager.Result{}, err
		}
		pos, want := 0, at.Limit
		if at.Token != "" {
			n, err := strconv.Atoi(at.Token)
			if err != nil || n < 0 {
				return pager.Result{}, validationError("resume", "malformed page cursor")
			}
			pos = n
		}
		var res pager.Result
		st := s.be.st.Load()
		today := s.be.clock.Today()
		st.read(today, func() {
			size := ent.size(st)
			res.Records = make([]connectors.Record, 0, min(want, size))
			for ; pos < size && len(res.Records) < want; pos++ {
				r, ok := ent.record(st, pos, today)
				if ok && keep(r) {
					res.Records = append(res.Records, r)
				}
			}
			if pos < size {
				res.Next = strconv.Itoa(pos)
			}
		})
		return res, nil
	})}, nil
}

func checkQuery(ent *entity, q connectors.Query) error {
	if err := connkit.CheckFields(ent.schema, q); err != nil {
		return normalize(err)
	}
	for _, o := range q.OrderBy {
		if len(ent.schema.Key) != 1 || o.Field != ent.schema.Key[0] || o.Desc {
			return &connectors.Error{Code: connectors.CodeUnsupported, Product: Product,
				Message: fmt.Sprintf("%s is served in key order (%s ascending) only; order by %s is not supported", q.Entity, strings.Join(ent.schema.Key, ", "), o)}
		}
	}
	if !q.AsOf.IsZero() || !q.Since.IsZero() {
		return &connectors.Error{Code: connectors.CodeUnsupported, Product: Product,
			Message: "the simulator keeps current state only: AsOf and Since are not supported"}
	}
	return nil
}

// ParseNative reads the simulator's native query form (Query), a
// REST-style path:
//
//	ENTITY[?FIELD=VALUE&FIELD=V1,V2&limit=N&fields=F1,F2]
//
// for example "workers?department=Engineering&status=ACTIVE&limit=10". Each
// FIELD=VALUE is an equality (a comma-separated list an IN), all joined by
// AND; values are compared as text, or as numbers for numeric fields.
// limit and fields are Get's Limit and Fields. The error of a malformed
// query is INVALID_ARGUMENT (VALIDATION_ERROR).
func (simDriver) ParseNative(native string) (connectors.Query, error) { return parseNative(native) }

func parseNative(native string) (connectors.Query, error) {
	name, rawQuery, _ := strings.Cut(strings.TrimSpace(native), "?")
	name = strings.Trim(name, "/")
	ent, ok := entities[name]
	if !ok {
		return connectors.Query{}, unknownEntity(name)
	}
	vals, err := url.ParseQuery(rawQuery)
	if err != nil {
		return connectors.Query{}, validationError("query", "malformed query string")
	}
	q := connectors.Query{Entity: name}
	var parts []connectors.Expr
	keys := make([]string, 0, len(vals))
	for k := range vals {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		v := vals[k][len(vals[k])-1]
		switch k {
		case "limit":
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return connectors.Query{}, validationError("limit", fmt.Sprintf("%q is not a non-negative integer", v))
			}
			q.Limit = n
			continue
		case "fields":
			q.Fields = strings.Split(v, ",")
			continue
		}
		fd, ok := ent.schema.Field(k)
		if !ok {
			return connectors.Query{}, validationError(k, fmt.Sprintf("%s has no field %q", name, k))
		}
		list := strings.Split(v, ",")
		items := make([]any, len(list))
		for i, x := range list {
			items[i] = x
			if fd.Type == connectors.TypeFloat || fd.Type == connectors.TypeInt {
				n, err := strconv.ParseFloat(x, 64)
				if err != nil {
					return connectors.Query{}, validationError(k, fmt.Sprintf("%q is not a number", x))
				}
				items[i] = n
			}
		}
		if len(items) == 1 {
			parts = append(parts, connectors.Eq(k, items[0]))
		} else {
			parts = append(parts, connectors.In(k, items...))
		}
	}
	q.Where = connectors.Conjoin(parts...)
	return q, nil
}

// EntitySchema returns the schema of one of the entities Get serves, without
// a simulator (the real Workday connector describes the same entities).
func EntitySchema(name string) (connectors.EntitySchema, bool) { return wdapi.EntitySchema(name) }

// EntityNames lists the entities Get serves, sorted.
func EntityNames() []string { return wdapi.EntityNames() }

// serverSemantics rewrites e for translate.Match so that it evaluates as
// the simulator's server does: a comparison with a missing or null field is
// false, != included (SQL's rule on a server; translate.Match takes null
// as a value, for which != is true). Each != becomes "!= and not null";
// And, Or and Not stay two-valued, so the rest is unchanged.
func serverSemantics(e connectors.Expr) connectors.Expr {
	switch x := e.(type) {
	case connectors.Cmp:
		if x.Op == connectors.OpNe {
			return connectors.And{x, connectors.Not{X: connectors.IsNull(x.Field)}}
		}
		return x
	case connectors.And:
		out := make(connectors.And, len(x))
		for i, c := range x {
			out[i] = serverSemantics(c)
		}
		return out
	case connectors.Or:
		out := make(connectors.Or, len(x))
		for i, c := range x {
			out[i] = serverSemantics(c)
		}
		return out
	case connectors.Not:
		return connectors.Not{X: serverSemantics(x.X)}
	}
	return e
}

// match evaluates a filter on a record as the simulator's server does, by
// translate.Match (the HTTP handler filters with it too).
func match(e connectors.Expr, r connectors.Record) bool {
	return e == nil || translate.Match(serverSemantics(e), r)
}
