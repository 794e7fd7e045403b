package policy_test

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/jsonschema-go/jsonschema"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/credentials"
	"github.com/xlr8/connectors/policy"
	_ "github.com/xlr8/connectors/salesforce"
	_ "github.com/xlr8/connectors/workday"
	"github.com/xlr8/connectors/workdaysim"
)

var printMatrix = flag.Bool("matrix", false, "print the capability x role x principal type matrix")

// boundDefault is the default policy with each role bound to the group of
// its own name.
func boundDefault(t testing.TB) *policy.Policy {
	t.Helper()
	d := policy.Default().Document()
	for _, r := range d.Roles {
		d.Bindings = append(d.Bindings, policy.Binding{Role: r.Name, Groups: []string{r.Name}})
	}
	return compile(t, d)
}

// registeredCapabilities opens every registered product with a credential
// of the right shape (opening does no I/O) and collects its capabilities.
func registeredCapabilities(t *testing.T) map[string][]connectors.Capability {
	t.Helper()
	out := map[string][]connectors.Capability{}
	for _, product := range connectors.Products() {
		cred := &credentials.Credential{ID: "c-" + product, ProductID: product, InstanceURL: "https://example.invalid",
			AuthType: "oauth2", Secrets: map[string]string{"client_id": "id", "client_secret": "s", "refresh_token": "r",
				"token_url": "https://example.invalid/token", "tenant": "t", "username": "u", "password": "p"}}
		conn, err := connectors.Open(t.Context(), product, cred)
		if err != nil {
			t.Logf("%s: not opened with a generic credential (%v); its capabilities are read from the simulator's table when shared", product, err)
			continue
		}
		out[product] = conn.Capabilities()
		conn.Close()
	}
	return out
}

// The auth stress test: every capability of every registered connector x
// every principal type x every role of the spec's table. The simulator's
// capabilities must give exactly the matrix the spec's tables give
// (testdata/matrix.golden, written by testdata/matrix_from_spec.py, not by
// this package); every other capability must be denied to every spec role,
// since no spec grant reaches it. Each cell is also run through Enforce over
// the simulator: a denied cell is refused by the policy, an allowed one
// reaches the simulator.
func TestStressMatrix(t *testing.T) {
	p := boundDefault(t)
	roles := p.Roles()
	types := connectors.PrincipalTypes()
	sim := openSim(t)
	enforced := policy.Enforce(sim, p)

	header := "capability | " + strings.Join(roles, " | ")
	lines := []string{header, "- | " + strings.TrimSuffix(strings.Repeat("HMA | ", len(roles)), " | ")}
	cells := 0
	for _, c := range workdaysim.Capabilities() {
		row := []string{c.Name}
		for _, r := range roles {
			var cell strings.Builder
			for _, typ := range types {
				pr := connectors.Principal{ID: "EMP001", Type: typ, Groups: []string{r}}
				d := p.Decide(pr, c)
				if d.Allowed {
					cell.WriteByte('Y')
				} else {
					cell.WriteByte('.')
				}
				cells++
				_, err := enforced.Execute(t.Context(), c.Name, connectors.WithPrincipal(map[string]any{"employee_id": "EMP001"}, pr))
				var e *connectors.Error
				byPolicy := errors.As(err, &e) && e.VendorCode == policy.VendorCode
				if byPolicy == d.Allowed {
					t.Errorf("%s as %s %s: decision %v but Execute error %v", c.Name, typ, r, d.Allowed, err)
				}
			}
			row = append(row, cell.String())
		}
		lines = append(lines, strings.Join(row, " | "))
	}
	golden, err := os.ReadFile("testdata/matrix.golden")
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, l := range strings.Split(strings.TrimSpace(string(golden)), "\n") {
		if !strings.HasPrefix(l, "#") {
			want = append(want, l)
		}
	}
	if diff := cmp.Diff(want, lines); diff != "" {
		t.Errorf("matrix differs from the spec's (-spec +policy):\n%s", diff)
	}
	if *printMatrix {
		fmt.Println(strings.Join(lines, "\n"))
	}

	simNames := map[string]bool{}
	for _, c := range workdaysim.Capabilities() {
		simNames[c.Name] = true
	}
	others := 0
	for product, caps := range registeredCapabilities(t) {
		for _, c := range caps {
			if simNames[c.Name] {
				continue
			}
			for _, r := range roles {
				for _, typ := range types {
					others++
					if d := p.Decide(connectors.Principal{ID: "X", Type: typ, Groups: []string{r}}, c); d.Allowed {
						t.Errorf("%s %s allowed to %s %s by %s; no spec grant reaches it", product, c.Name, typ, r, d.Rule)
					}
				}
			}
		}
	}
	t.Logf("%d simulator cells, %d cells of other connectors' capabilities", cells, others)
	if others == 0 {
		t.Error("no other connector's capability was checked")
	}
}

func TestEnforceRefusesWithoutPrincipal(t *testing.T) {
	sim := openSim(t)
	var events []policy.Event
	enforced := policy.Enforce(sim, boundDefault(t), policy.WithAudit(func(_ context.Context, ev policy.Event) { events = append(events, ev) }))
	for name, params := range map[string]map[string]any{
		"no principal": {"employee_id": "EMP001"},
		"no type":      {"employee_id": "EMP001", connectors.ParamPrincipal: "EMP001", connectors.ParamGroups: []string{"HR Admin"}},
		"unknown":      {"employee_id": "EMP001", connectors.ParamPrincipal: "EMP001", connectors.ParamType: "HUMAN", connectors.ParamGroups: []string{"HR Admin"}},
	} {
		action := "workday.hcm.get_employee"
		if name == "unknown" {
			action = "workday.hcm.drop_tables"
		}
		_, err := enforced.Execute(t.Context(), action, params)
		if !errors.Is(err, connectors.ErrPermissionDenied) {
			t.Errorf("%s: %v; want PERMISSION_DENIED", name, err)
		}
	}
	for r, err := range enforced.Get(t.Context(), connectors.Query{Entity: "workers"}) {
		if r != nil || !errors.Is(err, connectors.ErrPermissionDenied) {
			t.Errorf("Get without principal = %v, %v", r, err)
		}
	}
	if len(events) != 4 || slices.ContainsFunc(events, func(e policy.Event) bool { return e.Allowed }) {
		t.Errorf("events = %+v", events)
	}
}

// A principal allowed a sensitive read sees personal fields only in the
// categories its roles grant; masked paths are reported, values never.
func TestEnforceMasksPersonalFields(t *testing.T) {
	doc := policy.Default().Document()
	doc.Roles = append(doc.Roles, policy.Role{Name: "Auditor", PrincipalType: connectors.PrincipalHuman,
		Grants: []string{"workday.hcm.get_employee_full", "workday.payroll.get_compensation", "workday_sim.*.read"}, Personal: []string{"birth_date"}})
	doc.Bindings = []policy.Binding{{Role: "Auditor", Groups: []string{"auditors"}}, {Role: "HR Admin + Payroll", Principals: []string{"EMP100"}}}
	p := compile(t, doc)
	sim := openSim(t)
	var events []policy.Event
	enforced := policy.Enforce(sim, p, policy.WithAudit(func(_ context.Context, ev policy.Event) { events = append(events, ev) }))
	auditor := connectors.Principal{ID: "EMP007", Type: connectors.PrincipalHuman, Groups: []string{"auditors"}}
	raw, err := sim.Execute(t.Context(), "workday.hcm.get_employee_full", connectors.WithPrincipal(map[string]any{"employee_id": "EMP001"}, auditor))
	if err != nil {
		t.Fatal(err)
	}
	out, err := enforced.Execute(t.Context(), "workday.hcm.get_employee_full", connectors.WithPrincipal(map[string]any{"employee_id": "EMP001"}, auditor))
	if err != nil {
		t.Fatal(err)
	}
	wantMasked := []string{"address", "emergency_contact", "national_id_last_four", "personal_email", "phone.mobile"}
	if diff := cmp.Diff(wantMasked, out[policy.MaskedKey]); diff != "" {
		t.Errorf("masked (-want +got):\n%s", diff)
	}
	if out["birth_date"] != raw["birth_date"] || out["email"] != raw["email"] {
		t.Errorf("granted or non-personal fields changed: %v %v", out["birth_date"], out["email"])
	}
	text := fmt.Sprint(out)
	for _, secret := range []string{fmt.Sprint(raw["national_id_last_four"]), fmt.Sprint(raw["personal_email"]), fmt.Sprint(raw["phone"].(map[string]any)["mobile"])} {
		if strings.Contains(text, secret) {
			t.Errorf("masked value %q still in the result", secret)
		}
	}
	if _, ok := raw[policy.MaskedKey]; ok {
		t.Error("the connector's own result was modified")
	}

	comp, err := enforced.Execute(t.Context(), "workday.payroll.get_compensation", connectors.WithPrincipal(map[string]any{"employee_id": "EMP001"}, auditor))
	if err != nil {
		t.Fatal(err)
	}
	if got := comp["compensation"].(map[string]any)["base_salary"]; got != policy.Masked {
		t.Errorf("base_salary = %v; want masked", got)
	}
	payroll := connectors.Principal{ID: "EMP100", Type: connectors.PrincipalHuman}
	comp, err = enforced.Execute(t.Context(), "workday.payroll.get_compensation", connectors.WithPrincipal(map[string]any{"employee_id": "EMP001"}, payroll))
	if err != nil {
		t.Fatal(err)
	}
	if _, masked := comp[policy.MaskedKey]; masked {
		t.Errorf("payroll role sees pay; masked %v", comp[policy.MaskedKey])
	}

	ctx := policy.WithPrincipal(t.Context(), auditor)
	n := 0
	for rec, err := range enforced.Get(ctx, connectors.Query{Entity: "pay_statements", Limit: 3}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
		if rec["net_pay"] != policy.Masked {
			t.Errorf("net_pay = %v; want masked", rec["net_pay"])
		}
	}
	if n == 0 {
		t.Fatal("no pay statements")
	}
	last := events[len(events)-1]
	if last.Capability != "workday_sim.pay_statements.read" || !last.Allowed || !slices.Contains(last.Masked, "net_pay") {
		t.Errorf("last event = %+v", last)
	}
}

func BenchmarkExecute(b *testing.B) {
	sim, err := connectors.Open(context.Background(), "workday_sim", nil, workdaysim.WithLatencyScale(0))
	if err != nil {
		b.Fatal(err)
	}
	defer sim.Close()
	pr := connectors.Principal{ID: "EMP001", Type: connectors.PrincipalHuman, Groups: []string{"Employee Self-Service"}}
	params := connectors.WithPrincipal(map[string]any{"employee_id": "EMP001"}, pr)
	for _, bc := range []struct {
		name string
		conn connectors.Connector
	}{{"unenforced", sim}, {"enforced", policy.Enforce(sim, boundDefault(b))}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := bc.conn.Execute(context.Background(), "workday.hcm.get_employee", params); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestMaskedResultsMatchDeclaredSchemas validates every read capability's
// result, masked (an auditor) and unmasked (payroll), against the output
// schema the enforced connector declares: both must pass. The masked ones
// fail the connector's own schema (a string where an object or a number
// stands, and MaskedKey where no other property is allowed): that is what
// an MCP client validating results would have refused.
func TestMaskedResultsMatchDeclaredSchemas(t *testing.T) {
	doc := policy.Default().Document()
	doc.Roles = append(doc.Roles, policy.Role{Name: "Auditor", PrincipalType: connectors.PrincipalHuman,
		Personal: []string{"birth_date"}})
	doc.Bindings = []policy.Binding{{Role: "Auditor", Groups: []string{"auditors"}}, {Role: "HR Admin + Payroll", Principals: []string{"EMP100"}}}
	emp := map[string]any{"employee_id": "EMP001"}
	params := map[string]map[string]any{
		"workday.hcm.get_employee": emp, "workday.hcm.get_employee_full": emp, "workday.hcm.get_manager_chain": emp,
		"workday.hcm.list_direct_reports": {"manager_id": "EMP100"}, "workday.hcm.get_org_chart": {"root_id": "EMP100"},
		"workday.time.get_balance": emp, "workday.time.list_requests": emp, "workday.time.get_request": {"request_id": "TOR-001"},
		"workday.payroll.get_compensation": emp, "workday.payroll.list_pay_statements": emp,
	}
	for name := range params {
		doc.Roles[len(doc.Roles)-1].Grants = append(doc.Roles[len(doc.Roles)-1].Grants, name)
	}
	p := compile(t, doc)
	sim := openSim(t)
	enforced := policy.Enforce(sim, p)
	own := map[string]json.RawMessage{}
	for _, c := range sim.Capabilities() {
		own[c.Name] = c.OutputSchema
	}
	resolve := func(t *testing.T, raw json.RawMessage) *jsonschema.Resolved {
		var s jsonschema.Schema
		if err := json.Unmarshal(raw, &s); err != nil {
			t.Fatal(err)
		}
		rs, err := s.Resolve(nil)
		if err != nil {
			t.Fatal(err)
		}
		return rs
	}
	asJSON := func(v map[string]any) any {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		var out any
		if err := json.Unmarshal(b, &out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	auditor := connectors.Principal{ID: "EMP007", Type: connectors.PrincipalHuman, Groups: []string{"auditors"}}
	payroll := connectors.Principal{ID: "EMP100", Type: connectors.PrincipalHuman}
	maskedSeen := 0
	for _, c := range enforced.Capabilities() {
		if c.Write || len(c.OutputSchema) == 0 {
			continue
		}
		declared := resolve(t, c.OutputSchema)
		in, ok := params[c.Name]
		if !ok {
			continue // get_pay_statement: its id comes from a listing
		}
		for _, pr := range []connectors.Principal{auditor, payroll} {
			out, err := enforced.Execute(t.Context(), c.Name, connectors.WithPrincipal(in, pr))
			if err != nil {
				t.Fatalf("%s as %s: %v", c.Name, pr.ID, err)
			}
			if err := declared.Validate(asJSON(out)); err != nil {
				t.Errorf("%s as %s: the result does not match the declared schema: %v", c.Name, pr.ID, err)
			}
			if _, masked := out[policy.MaskedKey]; masked {
				maskedSeen++
				if resolve(t, own[c.Name]).Validate(asJSON(out)) == nil {
					t.Errorf("%s as %s: the masked result matches the connector's own schema too; the test shows nothing", c.Name, pr.ID)
				}
			}
		}
	}
	if maskedSeen < 2 {
		t.Errorf("%d masked results validated; want get_employee_full and get_compensation at least", maskedSeen)
	}
}

// openSim opens the embedded simulator, closed when the test ends.
func openSim(t *testing.T) connectors.Connector {
	t.Helper()
	sim, err := connectors.Open(t.Context(), "workday_sim", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sim.Close() })
	return sim
}

// compile compiles doc or fails the test.
func compile(t testing.TB, doc policy.Document) *policy.Policy {
	t.Helper()
	p, err := policy.Compile(doc)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
