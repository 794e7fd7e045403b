package workdaysim_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/workdaysim"
)

func TestCapabilities(t *testing.T) {
	caps := newSim(t).Capabilities()
	if len(caps) != 16 {
		t.Fatalf("%d capabilities", len(caps))
	}
	want := map[string]struct {
		types     string
		sensitive bool
		write     bool
	}{
		"workday.hcm.get_employee": {"HUMAN,MACHINE,AI_AGENT", false, false}, "workday.hcm.get_employee_full": {"HUMAN,MACHINE", true, false},
		"workday.hcm.list_direct_reports": {"HUMAN,MACHINE,AI_AGENT", false, false}, "workday.hcm.get_org_chart": {"HUMAN,MACHINE,AI_AGENT", false, false},
		"workday.hcm.get_manager_chain": {"HUMAN,MACHINE,AI_AGENT", false, false}, "workday.hcm.update_employee": {"HUMAN", true, true},
		"workday.hcm.terminate_employee": {"HUMAN", true, true}, "workday.time.get_balance": {"HUMAN,MACHINE,AI_AGENT", false, false},
		"workday.time.list_requests": {"HUMAN,MACHINE,AI_AGENT", false, false}, "workday.time.get_request": {"HUMAN,MACHINE,AI_AGENT", false, false},
		"workday.time.request": {"HUMAN,AI_AGENT", false, true}, "workday.time.approve": {"HUMAN", false, true},
		"workday.time.cancel": {"HUMAN,AI_AGENT", false, true}, "workday.payroll.get_compensation": {"HUMAN", true, false},
		"workday.payroll.get_pay_statement": {"HUMAN", true, false}, "workday.payroll.list_pay_statements": {"HUMAN", true, false},
	}
	for _, c := range caps {
		w, ok := want[c.Name]
		if !ok {
			t.Errorf("unexpected capability %s", c.Name)
			continue
		}
		var types []string
		for _, p := range c.PrincipalTypes {
			types = append(types, string(p))
		}
		level := connectors.AuditStandard
		if w.sensitive {
			level = connectors.AuditVerbose
		}
		if strings.Join(types, ",") != w.types || c.Sensitive != w.sensitive || c.Write != w.write || c.AuditLevel != level || c.Description == "" {
			t.Errorf("%s: %v sensitive %v write %v audit %s", c.Name, types, c.Sensitive, c.Write, c.AuditLevel)
		}
		for _, s := range []json.RawMessage{c.InputSchema, c.OutputSchema} {
			var schema map[string]any
			if err := json.Unmarshal(s, &schema); err != nil || schema["type"] != "object" {
				t.Errorf("%s: schema %s", c.Name, s)
			}
		}
	}
}

// TestSchemasDescribeResults: every golden response validates against its
// output schema's required properties, and the request against the input
// schema's (a light structural check: required keys present, no others).
func TestSchemasDescribeResults(t *testing.T) {
	var in map[string]any
	for _, c := range workdaysim.Capabilities() {
		if c.Name == workdaysim.CapGetOrgChart {
			_ = json.Unmarshal(c.OutputSchema, &in)
		}
	}
	defs, _ := in["$defs"].(map[string]any)
	node, _ := defs["OrgNode"].(map[string]any)
	props, _ := node["properties"].(map[string]any)
	reports, _ := props["reports"].(map[string]any)
	items, _ := reports["items"].(map[string]any)
	if items["$ref"] != "#/$defs/OrgNode" {
		t.Errorf("the org chart node is not recursive by $ref: %v", node)
	}
	for _, c := range workdaysim.Capabilities() {
		var s struct {
			Required   []string       `json:"required"`
			Properties map[string]any `json:"properties"`
		}
		_ = json.Unmarshal(c.OutputSchema, &s)
		for _, r := range s.Required {
			if _, ok := s.Properties[r]; !ok {
				t.Errorf("%s: required %s is not a property", c.Name, r)
			}
		}
		if c.Name == workdaysim.CapGetEmployee && !slices.Contains(s.Required, "manager") {
			t.Errorf("get_employee's manager (null at the top) should be required: %v", s.Required)
		}
	}
}

func TestPolicy(t *testing.T) {
	p, err := workdaysim.LoadPolicy()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Check(); err != nil {
		t.Fatal(err)
	}
	hcm, _ := p.GroupCapabilities("workday_hcm_full")
	if len(hcm) != 7 {
		t.Errorf("workday.hcm.* expands to %v", hcm)
	}
	admin, _ := p.RoleCapabilities("HR Admin")
	if len(admin) != 13 || !slices.Contains(admin, "workday.time.approve") || slices.Contains(admin, "workday.payroll.get_compensation") {
		t.Errorf("HR Admin (workday_hcm_full + workday_time_*): %v", admin)
	}
	payroll, _ := p.RoleCapabilities("HR Admin + Payroll")
	if len(payroll) != 16 {
		t.Errorf("HR Admin + Payroll: %v", payroll)
	}
	manager, _ := p.RoleCapabilities("Manager")
	self, _ := p.RoleCapabilities("Employee Self-Service")
	if len(manager) != len(self)+1 || !slices.Contains(manager, "workday.time.approve") {
		t.Errorf("Manager %v vs self-service %v", manager, self)
	}
	ai, _ := p.RoleCapabilities("AI Assistant")
	caps := map[string]connectors.Capability{}
	for _, c := range workdaysim.Capabilities() {
		caps[c.Name] = c
	}
	for _, c := range ai {
		if caps[c].Sensitive || caps[c].Write {
			t.Errorf("the AI Assistant role grants %s (sensitive %v, write %v)", c, caps[c].Sensitive, caps[c].Write)
		}
	}
	if len(ai) != 7 {
		t.Errorf("AI Assistant: %v", ai)
	}
	// The checks catch what they claim to.
	bad := map[string]string{
		"unknown capability":       "capability_groups:\n  g: [workday.hcm.nope]\nroles: []\n",
		"capability in no group":   "capability_groups:\n  g: [workday.hcm.*]\nroles: []\n",
		"role grants nothing":      strings.Replace(string(workdaysim.PolicyYAML()), "grants: [workday_payroll_read]", "grants: [workday_payrol_read]", 1),
		"role outside its type":    strings.Replace(string(workdaysim.PolicyYAML()), "principal_type: AI_AGENT\n    grants: [workday_hcm_read", "principal_type: AI_AGENT\n    grants: [workday_payroll_read, workday_hcm_read", 1),
		"machine role for a human": strings.Replace(string(workdaysim.PolicyYAML()), "principal_type: HUMAN\n    grants: [workday.hcm.get_employee, workday.hcm.update_employee]", "principal_type: MACHINE\n    grants: [workday.hcm.get_employee, workday.hcm.update_employee]", 1),
		"unknown key":              "capability_groups: {}\nrolez: []\n",
	}
	for name, doc := range bad {
		q, err := workdaysim.ParsePolicy([]byte(doc))
		if err == nil {
			err = q.Check()
		}
		if err == nil {
			t.Errorf("%s: the policy passed its check", name)
		}
	}
}

func TestOpenThroughTheRegistry(t *testing.T) {
	if !slices.Contains(connectors.Products(), workdaysim.Product) {
		t.Fatalf("products %v", connectors.Products())
	}
	cfg := workdaysim.DefaultConfig()
	cfg.Start = time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC)
	c, err := connectors.Open(t.Context(), "workday_sim", nil, workdaysim.WithConfig(cfg), workdaysim.WithSeed(3))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var sim *workdaysim.Simulator
	if !connectors.As(c, &sim) || sim.Config().Seed != 3 || !sim.Clock().Now().Equal(cfg.Start) {
		t.Fatalf("As did not reach the simulator with its config")
	}
	out, err := c.Execute(t.Context(), workdaysim.CapGetManagerChain, map[string]any{"employee_id": "EMP003"})
	if err != nil || len(out["chain"].([]any)) != 3 {
		t.Errorf("%v %v", out, err)
	}
	cfg.FailureRate = 2
	if _, err := connectors.Open(t.Context(), "workday_sim", nil, workdaysim.WithConfig(cfg)); connectors.CodeOf(err) != connectors.CodeInvalidArgument {
		t.Errorf("a failure rate of 2: %v", err)
	}
}

// TestSeededFailures: the same seed gives the same failures; injected
// failures are retryable and change nothing.
func TestSeededFailures(t *testing.T) {
	run := func() []string {
		sim, _ := workdaysim.New(workdaysim.WithFailures(0.3, 0.1), workdaysim.WithSeed(11))
		var out []string
		for i := 0; i < 40; i++ {
			_, err := sim.Execute(context.Background(), workdaysim.CapRequestTimeOff, map[string]any{"employee_id": "EMP003", "type": "SICK",
				"start_date": "2026-03-02", "end_date": "2026-03-02", "hours": 1.0, connectors.ParamPrincipal: "EMP003", connectors.ParamType: "HUMAN"})
			code := "ok"
			if err != nil {
				e := asError(t, err)
				if !e.Retryable {
					t.Fatalf("injected failure not retryable: %v", err)
				}
				code = e.VendorCode
			}
			out = append(out, code)
		}
		if got := sim.Totals().PendingHours; got != 24+float64(ok(out)) {
			t.Errorf("pending hours %v after %d successful requests (fixtures: 24)", got, ok(out))
		}
		return out
	}
	a, b := run(), run()
	if !slices.Equal(a, b) {
		t.Errorf("the same seed gave different runs:\n%v\n%v", a, b)
	}
	kinds := map[string]bool{}
	for _, c := range a {
		kinds[c] = true
	}
	if len(kinds) != 4 {
		t.Errorf("want ok and all three injected codes over 40 calls: %v", kinds)
	}
}

func ok(codes []string) int {
	n := 0
	for _, c := range codes {
		if c == "ok" {
			n++
		}
	}
	return n
}

func TestLatency(t *testing.T) {
	cfg := workdaysim.DefaultConfig()
	cfg.LatencyScale = 0.05 // get_employee: 2.5-5 ms
	sim, _ := workdaysim.New(workdaysim.WithConfig(cfg))
	start := time.Now()
	if _, err := sim.GetEmployee(as("x"), workdaysim.GetEmployeeRequest{EmployeeID: "EMP001"}); err != nil {
		t.Fatal(err)
	}
	if time.Since(start) < 2500*time.Microsecond {
		t.Errorf("a call returned before its minimum simulated latency")
	}
	cfg.LatencyScale = 1
	cfg.OperationLatency = map[string]workdaysim.LatencyRange{workdaysim.CapGetEmployee: {MinMS: 5000, MaxMS: 6000}}
	slow, _ := workdaysim.New(workdaysim.WithConfig(cfg))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := slow.GetEmployee(ctx, workdaysim.GetEmployeeRequest{EmployeeID: "EMP001"})
	if !asErrIs(err, context.Canceled) {
		t.Errorf("a cancelled call: %v", err)
	}
	for name, c := range map[string]workdaysim.Config{
		"negative base":   {BaseLatencyMS: -1},
		"bad range":       {OperationLatency: map[string]workdaysim.LatencyRange{workdaysim.CapGetEmployee: {MinMS: 9, MaxMS: 1}}},
		"unknown op":      {OperationLatency: map[string]workdaysim.LatencyRange{"workday.x": {}}},
		"rates above one": {FailureRate: 0.6, TimeoutRate: 0.6},
		"negative scale":  {LatencyScale: -1},
	} {
		if _, err := workdaysim.New(workdaysim.WithConfig(c)); connectors.CodeOf(err) != connectors.CodeInvalidArgument {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func asErrIs(err, target error) bool {
	for e := err; e != nil; {
		if e == target {
			return true
		}
		u, ok := e.(interface{ Unwrap() error })
		if !ok {
			return false
		}
		e = u.Unwrap()
	}
	return false
}
