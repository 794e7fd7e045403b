package connectortest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/jsonschema-go/jsonschema"

	connectors "github.com/xlr8/connectors"
)

// Optional harness interfaces, found by type assertion. Without one, the
// tests that need it check only what every connector must do.
type (
	// AsTester checks what the connector exposes through As, as gocloud's
	// drivertest AsTest does: for example that connectors.As(c, &sf) gives
	// the vendor's *Connector.
	AsTester interface {
		AsTest(c connectors.Connector) error
	}
	// ActionSampler gives, per capability, params that run against the fake
	// (reads, or writes the fake may take): the suite validates them against
	// the capability's InputSchema, runs them, and validates the result
	// against its OutputSchema. Principal keys are added by the suite (a
	// HUMAN principal) when the params have none.
	ActionSampler interface {
		ActionSamples() map[string]map[string]any
	}
)

// testAs: As never panics and is false for a type nobody exposes; the
// harness's AsTest, when it has one, says what must be exposed.
func testAs(t *testing.T, s *session) {
	c := s.open(t, t.Context())
	type notExposed struct{}
	var x *notExposed
	if connectors.As(c, &x) {
		t.Error("As reported true for a type no connector exposes")
	}
	if connectors.As(c, nil) {
		t.Error("As reported true for a nil target")
	}
	if at, ok := s.h.(AsTester); ok {
		if err := at.AsTest(c); err != nil {
			t.Errorf("AsTest: %v", err)
		}
	}
}

// testActionSchemas: every capability's schemas are valid JSON Schemas;
// params an input schema closes to unknown keys are refused with
// INVALID_ARGUMENT when they carry one; samples run, match the input
// schema, and return what the output schema describes.
func testActionSchemas(t *testing.T, s *session) {
	ctx := t.Context()
	c := s.open(t, ctx)
	var samples map[string]map[string]any
	if as, ok := s.h.(ActionSampler); ok {
		samples = as.ActionSamples()
	}
	human := connectors.Principal{ID: "conformance@example.com", Type: connectors.PrincipalHuman}
	known := map[string]bool{}
	for _, cp := range c.Capabilities() {
		known[cp.Name] = true
		in, inOK := resolveSchema(t, cp.Name+" input", cp.InputSchema)
		out, outOK := resolveSchema(t, cp.Name+" output", cp.OutputSchema)
		if inOK && in.closed {
			params := connectors.WithPrincipal(map[string]any{"__conformance_unknown__": true}, human)
			_, err := c.Execute(ctx, cp.Name, params)
			s.noteErr(err)
			requireCode(t, cp.Name+" with a parameter its input schema does not allow", err, connectors.CodeInvalidArgument)
		}
		sample, ok := samples[cp.Name]
		if !ok {
			continue
		}
		if inOK {
			if err := in.rs.Validate(jsonValue(t, sample)); err != nil {
				t.Errorf("%s: the harness's sample params do not match the input schema: %v", cp.Name, err)
			}
		}
		params := sample
		if _, typed := sample[connectors.ParamType]; !typed {
			params = connectors.WithPrincipal(sample, human)
		}
		res, err := c.Execute(ctx, cp.Name, params)
		if err != nil {
			s.noteErr(err)
			t.Errorf("%s with the sample params: %v", cp.Name, err)
			continue
		}
		if outOK {
			if err := out.rs.Validate(jsonValue(t, res)); err != nil {
				t.Errorf("%s: the result does not match the output schema: %v", cp.Name, err)
			}
		}
	}
	for name := range samples {
		if !known[name] {
			t.Errorf("the harness has a sample for %s, which is not a capability", name)
		}
	}
}

type schemaInfo struct {
	rs     *jsonschema.Resolved
	closed bool // additionalProperties false at the top
}

func resolveSchema(t *testing.T, what string, raw json.RawMessage) (schemaInfo, bool) {
	t.Helper()
	if len(raw) == 0 {
		return schemaInfo{}, false
	}
	var sch jsonschema.Schema
	if err := json.Unmarshal(raw, &sch); err != nil {
		t.Errorf("%s schema is not a JSON Schema: %v", what, err)
		return schemaInfo{}, false
	}
	rs, err := sch.Resolve(nil)
	if err != nil {
		t.Errorf("%s schema does not resolve: %v", what, err)
		return schemaInfo{}, false
	}
	closed := sch.AdditionalProperties != nil && sch.AdditionalProperties.Not != nil
	return schemaInfo{rs: rs, closed: closed}, true
}

// jsonValue is v as encoding/json would decode its JSON, the form schemas
// validate.
func jsonValue(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("encoding %T: %v", v, err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("decoding: %v", err)
	}
	return out
}

// testFilters: In, Or, Not and Gt, as well as Eq, select exactly the
// records they describe (whether the vendor evaluates them or the
// connector filters client side).
func testFilters(t *testing.T, s *session) {
	ctx := t.Context()
	c := s.open(t, ctx)
	all := s.seed(t, ctx, s.pagesOf(2))
	ff, idf := s.h.FilterField(), s.h.IDField()
	text := func(r connectors.Record, f string) string {
		v, _ := r.Lookup(f)
		return fmt.Sprint(v)
	}
	var values []string
	seen := map[string]bool{}
	for _, r := range all {
		if v := text(r, ff); !seen[v] {
			seen[v] = true
			values = append(values, v)
		}
	}
	if len(values) < 3 {
		t.Fatalf("harness Seed gives %d distinct values of %q: want at least 3", len(values), ff)
	}
	ids := make([]string, len(all))
	for i, r := range all {
		ids[i] = text(r, idf)
	}
	sort.Strings(ids)
	pivot := ids[len(ids)/2]
	v0, v1 := values[0], values[1]
	tests := []struct {
		name  string
		where connectors.Expr
		keep  func(connectors.Record) bool
	}{
		{"In", connectors.In(ff, v0, v1), func(r connectors.Record) bool { v := text(r, ff); return v == v0 || v == v1 }},
		{"Or", connectors.Or{connectors.Eq(ff, v0), connectors.Eq(ff, v1)}, func(r connectors.Record) bool { v := text(r, ff); return v == v0 || v == v1 }},
		{"Not", connectors.Not{X: connectors.Eq(ff, v0)}, func(r connectors.Record) bool { return text(r, ff) != v0 }},
		{"Gt", connectors.Gt(idf, pivot), func(r connectors.Record) bool { return text(r, idf) > pivot }},
		{"AndOfEqAndNot", connectors.And{connectors.In(ff, v0, v1), connectors.Not{X: connectors.Eq(ff, v1)}},
			func(r connectors.Record) bool { return text(r, ff) == v0 }},
	}
	for _, tc := range tests {
		var want []connectors.Record
		for _, r := range all {
			if tc.keep(r) {
				want = append(want, r)
			}
		}
		got, err := s.collect(c.Get(ctx, connectors.Query{Entity: s.h.Entity(), Where: tc.where}))
		if err != nil {
			t.Errorf("Get with %s (%v): %v", tc.name, tc.where, err)
			continue
		}
		s.checkIDs(t, fmt.Sprintf("Get with %s (%v)", tc.name, tc.where), got, want)
	}
}

// testExplain: a connector that is an Explainer plans without reading,
// names its product and entity, says what it will send, keeps secrets out
// of the plan, and refuses unknown entities and use after Close.
func testExplain(t *testing.T, s *session) {
	ctx := t.Context()
	c := s.open(t, ctx)
	ex, ok := connectors.Find[connectors.Explainer](c)
	if !ok {
		t.Skip("the connector is not an Explainer")
	}
	s.seed(t, ctx, s.pagesOf(1))
	ff := s.h.FilterField()
	q := connectors.Query{Entity: s.h.Entity(), Fields: []string{s.h.IDField()}, Where: connectors.Or{connectors.Eq(ff, "x"), connectors.Eq(ff, "y")}, Limit: 5}
	plan, err := ex.Explain(ctx, q)
	if err != nil {
		s.noteErr(err)
		t.Fatalf("Explain: %v", err)
	}
	if plan.Product != c.Product() || plan.Entity == "" || len(plan.Requests) == 0 {
		t.Errorf("Explain gave product %q, entity %q and %d requests; want the connector's product, the entity and the first request", plan.Product, plan.Entity, len(plan.Requests))
	}
	if plan.Pushed == nil && plan.Residual == nil {
		t.Error("Explain of a filtered query says neither what is pushed nor what is filtered client side")
	}
	b, _ := json.Marshal(plan)
	for _, secret := range s.h.Secrets() {
		if len(secret) >= 4 && strings.Contains(string(b)+fmt.Sprint(plan.Requests), secret) {
			t.Errorf("a secret value (%d bytes) appears in the plan", len(secret))
		}
	}
	_, err = ex.Explain(ctx, connectors.Query{Entity: "no_such_entity_xyz"})
	s.noteErr(err)
	requireCode(t, "Explain of an unknown entity", err, connectors.CodeNotFound)
	_ = c.Close()
	_, err = ex.Explain(ctx, q)
	s.noteErr(err)
	if !errors.Is(err, connectors.ErrClosed) {
		t.Errorf("Explain after Close: %v, want an error wrapping ErrClosed", err)
	}
}

// testBulkExport: a connector that is a BulkExporter exports every seeded
// record exactly once, and its job ends in a final state.
func testBulkExport(t *testing.T, s *session) {
	ctx := t.Context()
	c := s.open(t, ctx)
	bx, ok := connectors.Find[connectors.BulkExporter](c)
	if !ok {
		t.Skip("the connector is not a BulkExporter")
	}
	want := s.seed(t, ctx, s.pagesOf(2))
	st, err := bx.StartExport(ctx, connectors.Query{Entity: s.h.Entity()})
	if err != nil {
		s.noteErr(err)
		t.Fatalf("StartExport: %v", err)
	}
	if st.ID == "" {
		t.Fatalf("StartExport gave no job id: %+v", st)
	}
	got, err := s.collect(bx.ExportResults(ctx, st.ID))
	if err != nil {
		t.Fatalf("ExportResults: %v", err)
	}
	s.checkIDs(t, "ExportResults", got, want)
	deadline := time.Now().Add(30 * time.Second)
	for {
		st, err = bx.ExportStatus(ctx, st.ID)
		if err != nil {
			s.noteErr(err)
			t.Fatalf("ExportStatus: %v", err)
		}
		if st.State.Done() || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if st.State != connectors.JobComplete {
		t.Errorf("the job's state after its results were read is %q, want %q", st.State, connectors.JobComplete)
	}
	_, err = bx.StartExport(ctx, connectors.Query{Entity: "no_such_entity_xyz"})
	s.noteErr(err)
	requireCode(t, "StartExport of an unknown entity", err, connectors.CodeNotFound)
	err = firstErr(bx.ExportResults(context.WithoutCancel(ctx), "not-a-job-id"))
	s.noteErr(err)
	requireTyped(t, "ExportResults of a malformed job id", err)
}
