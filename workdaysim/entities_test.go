package workdaysim_test

import (
	"context"
	"slices"
	"testing"
	"time"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/workdaysim"
)

func ids(t *testing.T, seq func(func(connectors.Record, error) bool), field string) []string {
	t.Helper()
	recs, err := connectors.Collect(seq)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(recs))
	for i, r := range recs {
		out[i], _ = r[field].(string)
	}
	return out
}

func TestEntitiesWhere(t *testing.T) {
	sim := newSim(t)
	ctx := t.Context()
	date := func(s string) connectors.Date { d, _ := connectors.ParseDate(s); return d }
	cases := []struct {
		name  string
		where connectors.Expr
		want  []string
	}{
		{"eq", connectors.Eq("department", "Sales"), []string{"EMP400", "EMP401", "EMP402"}},
		{"in", connectors.In("employee_id", "EMP001", "EMP003", "EMP777"), []string{"EMP001", "EMP003"}},
		{"and not", connectors.And{connectors.Eq("department", "Engineering"), connectors.Not{X: connectors.Eq("status", "ACTIVE")}}, []string{"EMP099"}},
		{"or", connectors.Or{connectors.Eq("title", "CEO"), connectors.StartsWith("title", "VP of Sa")}, []string{"EMP200", "EMP400"}},
		{"contains", connectors.Contains("email", "brown"), []string{"EMP003"}},
		{"is null", connectors.IsNull("manager_id"), []string{"EMP200"}},
		{"not null termination", connectors.Not{X: connectors.IsNull("termination_date")}, []string{"EMP099"}},
		{"date ge", connectors.Ge("start_date", date("2023-06-01")), []string{"EMP003", "EMP401", "EMP402"}},
		{"date string lt", connectors.Lt("start_date", "2017-01-01"), []string{"EMP200"}},
		{"ne skips null", connectors.Ne("manager_id", "EMP200"), []string{"EMP001", "EMP003", "EMP042", "EMP099", "EMP301", "EMP401", "EMP402"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := ids(t, sim.Get(ctx, connectors.Query{Entity: workdaysim.EntityWorkers, Where: tc.where}), "employee_id")
			if !slices.Equal(got, tc.want) {
				t.Errorf("%s: got %v, want %v", tc.where, got, tc.want)
			}
		})
	}
	got := ids(t, sim.Get(ctx, connectors.Query{Entity: workdaysim.EntityTimeOffBalances, Where: connectors.Gt("available_hours", 150)}), "employee_id")
	if !slices.Equal(got, []string{"EMP100", "EMP200"}) {
		t.Errorf("numeric filter on balances: %v", got)
	}
	got = ids(t, sim.Get(ctx, connectors.Query{Entity: workdaysim.EntityTimeOffRequests,
		Where: connectors.Ge("submitted_at", time.Date(2026, 1, 20, 0, 0, 0, 0, time.UTC))}), "request_id")
	if !slices.Equal(got, []string{"TOR-002"}) {
		t.Errorf("time filter on requests: %v", got)
	}
}

func TestEntitiesShapes(t *testing.T) {
	sim := newSim(t)
	ctx := t.Context()
	names, _ := sim.Entities(ctx)
	for _, name := range names {
		sch, err := sim.Schema(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		recs, err := connectors.Collect(sim.Get(ctx, connectors.Query{Entity: name}))
		if err != nil || len(recs) == 0 {
			t.Fatalf("%s: %d records, %v", name, len(recs), err)
		}
		for _, r := range recs {
			if len(r) != len(sch.Fields) {
				t.Fatalf("%s record has %d fields, schema %d: %v", name, len(r), len(sch.Fields), r)
			}
			for _, f := range sch.Fields {
				v, ok := r[f.Name]
				if !ok || (v == nil && !f.Nullable) {
					t.Fatalf("%s.%s = %v (present %v)", name, f.Name, v, ok)
				}
				switch v.(type) {
				case nil, string, float64:
				default:
					t.Fatalf("%s.%s is a %T, not a JSON-like value", name, f.Name, v)
				}
			}
		}
	}
	st, _ := connectors.Collect(sim.Get(ctx, connectors.Query{Entity: workdaysim.EntityPayStatements,
		Where: connectors.And{connectors.Eq("employee_id", "EMP001"), connectors.Eq("year", 2026)}}))
	if len(st) != 1 || st[0]["statement_id"] != "PAY-2026-01" || st[0]["net_pay"] != 3546.06 {
		t.Errorf("pay statement records %v", st)
	}
	orgs, _ := connectors.Collect(sim.Get(ctx, connectors.Query{Entity: workdaysim.EntityOrganizations, Where: connectors.Eq("organization_id", "DEPT-ENG")}))
	if len(orgs) != 1 || orgs[0]["headcount"] != 4.0 || orgs[0]["head_name"] != "Carol Chen" {
		t.Errorf("organization records %v", orgs)
	}
}

func TestEntityQueryErrors(t *testing.T) {
	sim := newSim(t)
	ctx := t.Context()
	first := func(q connectors.Query) error {
		_, err := connectors.Collect(sim.Get(ctx, q))
		return err
	}
	for name, tc := range map[string]struct {
		q    connectors.Query
		code connectors.Code
	}{
		"unknown field":        {connectors.Query{Entity: "workers", Fields: []string{"salary"}}, connectors.CodeInvalidArgument},
		"unknown where field":  {connectors.Query{Entity: "workers", Where: connectors.Eq("ssn", "1")}, connectors.CodeInvalidArgument},
		"order by name":        {connectors.Query{Entity: "workers", OrderBy: []connectors.Order{connectors.Asc("last_name")}}, connectors.CodeUnsupported},
		"as of":                {connectors.Query{Entity: "workers", AsOf: time.Now()}, connectors.CodeUnsupported},
		"unknown entity":       {connectors.Query{Entity: "payroll"}, connectors.CodeNotFound},
		"negative limit":       {connectors.Query{Entity: "workers", Limit: -1}, connectors.CodeInvalidArgument},
		"in without a list":    {connectors.Query{Entity: "workers", Where: connectors.Cmp{Field: "status", Op: connectors.OpIn, Value: "x"}}, connectors.CodeInvalidArgument},
		"order by key is fine": {connectors.Query{Entity: "workers", OrderBy: []connectors.Order{connectors.Asc("employee_id")}}, 0},
	} {
		err := first(tc.q)
		if tc.code == 0 {
			if err != nil {
				t.Errorf("%s: %v", name, err)
			}
			continue
		}
		if connectors.CodeOf(err) != tc.code {
			t.Errorf("%s: %v, want %s", name, err, tc.code)
		}
	}
	// An outage fails the read, retryably, and Heal ends it.
	_ = sim.InjectFailure(workdaysim.ErrCodeConnectorUnavailable, -1)
	err := first(connectors.Query{Entity: "workers"})
	if !connectors.IsRetryable(err) || connectors.CodeOf(err) != connectors.CodeUnavailable {
		t.Errorf("during an outage: %v", err)
	}
	if _, err := sim.Test(ctx); err == nil {
		t.Error("Test during an outage succeeded")
	}
	sim.Heal()
	if st, err := sim.Test(ctx); err != nil || !st.Reachable {
		t.Errorf("Test after Heal: %+v %v", st, err)
	}
	if err := sim.InjectFailure("EMPLOYEE_NOT_FOUND", 1); err == nil {
		t.Error("InjectFailure accepted a non-transient code")
	}
}

func TestNativeQuery(t *testing.T) {
	sim := newSim(t)
	ctx := t.Context()
	recs, err := connectors.Collect(sim.Query(ctx, "workers?department=Sales,Finance&status=ACTIVE&fields=employee_id,department&limit=3"))
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 || len(recs[0]) != 2 || recs[0]["employee_id"] != "EMP400" {
		t.Errorf("native query: %v", recs)
	}
	recs, _ = connectors.Collect(sim.Query(ctx, "/time_off_balances?available_hours=120"))
	if len(recs) != 1 || recs[0]["employee_id"] != "EMP001" {
		t.Errorf("numeric native query: %v", recs)
	}
	for _, bad := range []string{"nope", "workers?ssn=1", "workers?limit=x", "time_off_balances?available_hours=lots", "workers?%zz"} {
		if _, err := connectors.Collect(sim.Query(ctx, bad)); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestGetRespectsContext(t *testing.T) {
	cfg := workdaysim.DefaultConfig()
	cfg.LatencyScale = 1
	cfg.BaseLatencyMS, cfg.LatencyVarianceMS = 5000, 0
	sim, _ := workdaysim.New(workdaysim.WithConfig(cfg))
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := connectors.Collect(sim.Get(ctx, connectors.Query{Entity: "workers"}))
	if connectors.CodeOf(err) != connectors.CodeTimeout || time.Since(start) > 2*time.Second {
		t.Errorf("a slow page under a short deadline: %v after %v", err, time.Since(start))
	}
}
