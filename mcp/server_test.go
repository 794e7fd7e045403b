package mcp_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/google/jsonschema-go/jsonschema"
	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/mcp"
	"github.com/xlr8/connectors/policy"
	_ "github.com/xlr8/connectors/workdaysim"
)

func testPolicy(t *testing.T) *policy.Policy {
	t.Helper()
	d := policy.Default().Document()
	d.Roles = append(d.Roles, policy.Role{Name: "Directory Reader", Grants: []string{"workday_sim.workers.read"}},
		policy.Role{Name: "Auditor", PrincipalType: connectors.PrincipalHuman, Grants: []string{"workday.hcm.get_employee_full"}})
	d.Bindings = []policy.Binding{
		{Role: "AI Assistant", Groups: []string{"agents"}},
		{Role: "HR Admin + Payroll", Groups: []string{"hr"}},
		{Role: "Directory Reader", Groups: []string{"agents", "hr"}},
		{Role: "Auditor", Groups: []string{"auditors"}},
	}
	p, err := policy.Compile(d)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func newServer(t *testing.T, opts ...mcp.Option) *mcp.Server {
	t.Helper()
	sim, err := connectors.Open(t.Context(), "workday_sim", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	s, err := mcp.New(t.Context(), testPolicy(t), []connectors.Connector{sim}, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

var (
	agent = connectors.Principal{ID: "bot-1", Type: connectors.PrincipalAIAgent, Groups: []string{"agents"}}
	hr    = connectors.Principal{ID: "EMP010", Type: connectors.PrincipalHuman, Groups: []string{"hr"}}
)

// connect runs s.For(pr) on one end of an in-memory pipe and returns a
// client session on the other.
func connect(t *testing.T, s *mcp.Server, pr connectors.Principal) *sdk.ClientSession {
	t.Helper()
	ct, st := sdk.NewInMemoryTransports()
	ss, err := s.For(pr).Connect(t.Context(), st, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ss.Close() })
	cs, err := sdk.NewClient(&sdk.Implementation{Name: "test", Version: "1"}, nil).Connect(t.Context(), ct, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cs.Close() })
	return cs
}

func toolNames(t *testing.T, cs *sdk.ClientSession) []string {
	t.Helper()
	res, err := cs.ListTools(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, tl := range res.Tools {
		out = append(out, tl.Name)
	}
	slices.Sort(out)
	return out
}

func call(t *testing.T, cs *sdk.ClientSession, name string, args map[string]any) (*sdk.CallToolResult, map[string]any) {
	t.Helper()
	res, err := cs.CallTool(t.Context(), &sdk.CallToolParams{Name: name, Arguments: args})
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	b, _ := json.Marshal(res.StructuredContent)
	json.Unmarshal(b, &m)
	return res, m
}

func TestTwoPrincipalsSeeDifferentTools(t *testing.T) {
	s := newServer(t)
	agentTools := toolNames(t, connect(t, s, agent))
	hrTools := toolNames(t, connect(t, s, hr))
	wantAgent := []string{
		"workday.hcm.get_employee", "workday.hcm.get_manager_chain", "workday.hcm.get_org_chart", "workday.hcm.list_direct_reports",
		"workday.time.get_balance", "workday.time.get_request", "workday.time.list_requests", "workday_sim.workers.read",
	}
	if !slices.Equal(agentTools, wantAgent) {
		t.Errorf("agent tools = %v\nwant %v", agentTools, wantAgent)
	}
	for _, want := range []string{"workday.payroll.get_compensation", "workday.hcm.terminate_employee", "workday.time.approve"} {
		if !slices.Contains(hrTools, want) {
			t.Errorf("HR tools lack %s: %v", want, hrTools)
		}
		if slices.Contains(agentTools, want) {
			t.Errorf("agent sees %s", want)
		}
	}
	got := s.Tools(agent)
	slices.Sort(got)
	if !slices.Equal(got, wantAgent) {
		t.Errorf("Tools(agent) = %v", got)
	}
}

// Personal fields the caller's roles do not grant are masked in tool
// results, and named in the result's _meta, never their values.
func TestMaskedFieldsReported(t *testing.T) {
	s := newServer(t)
	auditor := connectors.Principal{ID: "EMP020", Type: connectors.PrincipalHuman, Groups: []string{"auditors"}}
	cs := connect(t, s, auditor)
	res, m := call(t, cs, "workday.hcm.get_employee_full", map[string]any{"employee_id": "EMP001"})
	if res.IsError {
		t.Fatalf("get_employee_full: %v", m)
	}
	// A client that validates structured results against the tool's
	// output schema (as MCP clients should) accepts the masked one.
	if err := outputSchema(t, cs, "workday.hcm.get_employee_full").Validate(res.StructuredContent); err != nil {
		t.Errorf("the masked result does not match the tool's output schema: %v", err)
	}
	if m["birth_date"] != policy.Masked || m["personal_email"] != policy.Masked {
		t.Errorf("personal fields not masked: %v %v", m["birth_date"], m["personal_email"])
	}
	if _, leaked := m[policy.MaskedKey]; leaked {
		t.Error("the masked-paths key is in the structured result")
	}
	masked, _ := res.Meta["masked_fields"].([]any)
	if len(masked) < 5 {
		t.Errorf("_meta masked_fields = %v", res.Meta)
	}
	res, m = call(t, connect(t, s, hr), "workday.hcm.get_employee_full", map[string]any{"employee_id": "EMP001"})
	if res.IsError || m["birth_date"] == policy.Masked || res.Meta["masked_fields"] != nil {
		t.Errorf("HR admin sees masked data: %v %v", m["birth_date"], res.Meta)
	}
}

// outputSchema resolves the output schema the server lists for a tool.
func outputSchema(t *testing.T, cs *sdk.ClientSession, name string) *jsonschema.Resolved {
	t.Helper()
	res, err := cs.ListTools(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tl := range res.Tools {
		if tl.Name != name {
			continue
		}
		b, err := json.Marshal(tl.OutputSchema)
		if err != nil {
			t.Fatal(err)
		}
		var sch jsonschema.Schema
		if err := json.Unmarshal(b, &sch); err != nil {
			t.Fatal(err)
		}
		rs, err := sch.Resolve(nil)
		if err != nil {
			t.Fatal(err)
		}
		return rs
	}
	t.Fatalf("no tool %s", name)
	return nil
}

func TestAnnotationsAndSchemas(t *testing.T) {
	cs := connect(t, newServer(t), hr)
	res, err := cs.ListTools(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tl := range res.Tools {
		if tl.InputSchema == nil || tl.Annotations == nil {
			t.Errorf("%s: schema %v annotations %v", tl.Name, tl.InputSchema, tl.Annotations)
			continue
		}
		write := strings.Contains(tl.Name, "update") || strings.Contains(tl.Name, "terminate") ||
			tl.Name == "workday.time.request" || tl.Name == "workday.time.approve" || tl.Name == "workday.time.cancel"
		if tl.Annotations.ReadOnlyHint == write {
			t.Errorf("%s: readOnly %v", tl.Name, tl.Annotations.ReadOnlyHint)
		}
		if write && (tl.Annotations.DestructiveHint == nil || !*tl.Annotations.DestructiveHint) {
			t.Errorf("%s: a write must be marked destructive", tl.Name)
		}
	}
	ro := toolNames(t, connect(t, newServer(t, mcp.WithReadOnly()), hr))
	for _, n := range ro {
		if strings.Contains(n, "update") || strings.Contains(n, "terminate") || n == "workday.time.request" {
			t.Errorf("read-only server lists %s", n)
		}
	}
}

func TestRefusedCallAndNoPrincipalInjection(t *testing.T) {
	s := newServer(t)
	cs := connect(t, s, agent)
	// Not listed for the agent; calling it anyway is refused by the SDK (no
	// such tool for this session) or the policy: either way an error, and
	// the simulator never sees it.
	res, err := cs.CallTool(t.Context(), &sdk.CallToolParams{Name: "workday.payroll.get_compensation", Arguments: map[string]any{"employee_id": "EMP001"}})
	if err == nil && !res.IsError {
		t.Fatalf("agent got compensation: %+v", res)
	}
	// A client naming another principal in the arguments is ignored: the
	// call runs as the session's principal.
	res, m := call(t, cs, "workday.hcm.get_employee", map[string]any{"employee_id": "EMP001", "__principal__": "EMP999", "__type__": "HUMAN"})
	if res.IsError {
		t.Fatalf("get_employee: %+v", m)
	}
	if m["employee_id"] != "EMP001" {
		t.Errorf("result = %v", m)
	}
	// A policy refusal that reaches the connector layer is a tool error with
	// the policy's code.
	hrSession := connect(t, s, hr)
	res, m = call(t, hrSession, "workday.hcm.get_employee", map[string]any{"employee_id": "EMP999"})
	if !res.IsError {
		t.Fatal("want an error for an unknown employee")
	}
	e := m["error"].(map[string]any)
	if e["code"] != "NOT_FOUND" || e["vendor_code"] != "EMPLOYEE_NOT_FOUND" {
		t.Errorf("error = %v", e)
	}
}

func TestReadToolPagesByCursor(t *testing.T) {
	cs := connect(t, newServer(t, mcp.WithMaxRecords(3)), agent)
	var ids []string
	args := map[string]any{"fields": []any{"employee_id", "status"}, "where": "status = 'ACTIVE'", "limit": 50}
	for range 100 {
		res, m := call(t, cs, "workday_sim.workers.read", args)
		if res.IsError {
			t.Fatalf("read: %v", m)
		}
		recs := m["records"].([]any)
		if len(recs) > 3 {
			t.Fatalf("%d records; the server caps at 3", len(recs))
		}
		for _, r := range recs {
			ids = append(ids, r.(map[string]any)["employee_id"].(string))
		}
		next, _ := m["next_cursor"].(string)
		if next == "" {
			break
		}
		args["cursor"] = next
	}
	sim, _ := connectors.Open(t.Context(), "workday_sim", nil)
	defer sim.Close()
	all, err := connectors.Collect(sim.Get(t.Context(), connectors.Query{Entity: "workers", Fields: []string{"employee_id"}, Where: connectors.Eq("status", "ACTIVE")}))
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, r := range all {
		want = append(want, r["employee_id"].(string))
	}
	if !slices.Equal(ids, want) || len(want) < 4 {
		t.Errorf("paged ids = %v\nwant %v", ids, want)
	}

	res, m := call(t, cs, "workday_sim.workers.read", map[string]any{"where": "status = 'ACTIVE' OR"})
	if !res.IsError || m["error"].(map[string]any)["code"] != "INVALID_ARGUMENT" {
		t.Errorf("bad where: %v", m)
	}
	res, _ = call(t, cs, "workday_sim.workers.read", map[string]any{"bogus": 1})
	if !res.IsError {
		t.Error("unknown argument accepted")
	}
}

func TestHTTPHandlerAuthenticatesEveryRequest(t *testing.T) {
	s := newServer(t)
	tokens := map[string]connectors.Principal{"agent-token": agent, "hr-token": hr}
	h := s.Handler(func(r *http.Request) (connectors.Principal, error) {
		if p, ok := tokens[strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")]; ok {
			return p, nil
		}
		return connectors.Principal{}, errors.New("unknown token")
	})
	srv := httptest.NewServer(h)
	defer srv.Close()

	resp, err := http.Post(srv.URL, "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("no token: %d", resp.StatusCode)
	}
	for token, wantPayroll := range map[string]bool{"agent-token": false, "hr-token": true} {
		client := &http.Client{Transport: bearer{token}}
		cs, err := sdk.NewClient(&sdk.Implementation{Name: "test", Version: "1"}, nil).Connect(context.Background(),
			&sdk.StreamableClientTransport{Endpoint: srv.URL, HTTPClient: client}, nil)
		if err != nil {
			t.Fatal(err)
		}
		names := toolNames(t, cs)
		if slices.Contains(names, "workday.payroll.get_compensation") != wantPayroll {
			t.Errorf("%s: tools %v", token, names)
		}
		cs.Close()
	}
}

type bearer struct{ token string }

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	return http.DefaultTransport.RoundTrip(r)
}
