package wdapi

import (
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/google/jsonschema-go/jsonschema"

	connectors "github.com/xlr8/connectors"
)

// capSpec is the static description of one capability.
type capSpec struct {
	name        string
	description string
	types       []connectors.PrincipalType
	sensitive   bool
	write       bool
	in, out     reflect.Type
}

var (
	everyone  = []connectors.PrincipalType{connectors.PrincipalHuman, connectors.PrincipalMachine, connectors.PrincipalAIAgent}
	notAgents = []connectors.PrincipalType{connectors.PrincipalHuman, connectors.PrincipalMachine}
	humans    = []connectors.PrincipalType{connectors.PrincipalHuman}
	humansAI  = []connectors.PrincipalType{connectors.PrincipalHuman, connectors.PrincipalAIAgent}
)

func spec[Req, Resp any](name, desc string, types []connectors.PrincipalType, sensitive, write bool) capSpec {
	return capSpec{name: name, description: desc, types: types, sensitive: sensitive, write: write,
		in: reflect.TypeFor[Req](), out: reflect.TypeFor[Resp]()}
}

// capSpecs lists the 16 capabilities with the spec's principal types and
// sensitivity, in the spec's order.
var capSpecs = []capSpec{
	spec[GetEmployeeRequest, Employee](CapGetEmployee, "Get an employee's public directory information (name, email, job, manager, status, start date).", everyone, false, false),
	spec[GetEmployeeRequest, EmployeeFull](CapGetEmployeeFull, "Get an employee's complete record including sensitive PII (legal name, personal contact, birth date, national id digits, address, emergency contact).", notAgents, true, false),
	spec[ListDirectReportsRequest, DirectReports](CapListDirectReports, "List the active employees who report directly to a manager.", everyone, false, false),
	spec[GetOrgChartRequest, OrgChart](CapGetOrgChart, "Get the organizational hierarchy below an employee or an organization's head, to a depth.", everyone, false, false),
	spec[GetManagerChainRequest, ManagerChain](CapGetManagerChain, "Get the management chain from an employee up to the top of the organization.", everyone, false, false),
	spec[UpdateEmployeeRequest, UpdateEmployeeResponse](CapUpdateEmployee, "Update employee record fields; starts a transaction that takes effect on its effective date.", humans, true, true),
	spec[TerminateEmployeeRequest, TerminateEmployeeResponse](CapTerminateEmployee, "Start an employee's termination workflow; the employee becomes inactive on the termination date.", humans, true, true),
	spec[GetBalanceRequest, Balances](CapGetBalance, "Get an employee's time off balances.", everyone, false, false),
	spec[ListRequestsRequest, RequestList](CapListRequests, "List an employee's time off requests, by status and date range.", everyone, false, false),
	spec[GetRequestRequest, TimeOffRequest](CapGetRequest, "Get a time off request with its history.", everyone, false, false),
	spec[RequestTimeOffRequest, TimeOffSubmission](CapRequestTimeOff, "Submit a time off request; its hours are reserved from the available balance until approved or cancelled.", humansAI, false, true),
	spec[ApproveTimeOffRequest, TimeOffApproval](CapApproveTimeOff, "Approve a pending time off request; the approver must be in the employee's manager chain.", humans, false, true),
	spec[CancelTimeOffRequest, TimeOffCancellation](CapCancelTimeOff, "Cancel a time off request (its owner or an admin); its hours return to the available balance.", humansAI, false, true),
	spec[GetCompensationRequest, Compensation](CapGetCompensation, "Get an employee's current compensation (base salary, bonus target, equity, total).", humans, true, false),
	spec[GetPayStatementRequest, PayStatement](CapGetPayStatement, "Get one pay statement with earnings, deductions, net pay and year-to-date sums.", humans, true, false),
	spec[ListPayStatementsRequest, PayStatementList](CapListPayStatements, "List an employee's pay statements of a year.", humans, true, false),
}

var capabilityIndex = func() map[string]int {
	m := make(map[string]int, len(capSpecs))
	for i, c := range capSpecs {
		m[c.name] = i
	}
	return m
}()

// capabilities are built once, with their JSON Schemas.
var capabilities = buildCapabilities()

func buildCapabilities() []connectors.Capability {
	out := make([]connectors.Capability, len(capSpecs))
	for i, c := range capSpecs {
		in, err := schemaFor(c.in)
		if err != nil {
			panic(fmt.Sprintf("wdapi: input schema of %s: %v", c.name, err))
		}
		outSchema, err := schemaFor(c.out)
		if err != nil {
			panic(fmt.Sprintf("wdapi: output schema of %s: %v", c.name, err))
		}
		level := connectors.AuditStandard
		if c.sensitive {
			level = connectors.AuditVerbose
		}
		out[i] = connectors.Capability{Name: c.name, Description: c.description,
			PrincipalTypes: append([]connectors.PrincipalType(nil), c.types...),
			Sensitive:      c.sensitive, AuditLevel: level, Write: c.write, InputSchema: in, OutputSchema: outSchema}
	}
	return out
}

// Capability returns the capability named name.
func Capability(name string) (connectors.Capability, bool) {
	i, ok := capabilityIndex[name]
	if !ok {
		return connectors.Capability{}, false
	}
	return capabilities[i], true
}

// Capabilities returns the 16 capabilities, in the spec's order. The
// result is a copy.
func Capabilities() []connectors.Capability {
	out := make([]connectors.Capability, len(capabilities))
	copy(out, capabilities)
	return out
}

// orgNodeRef is the name of the recursive org chart node in $defs.
const orgNodeRef = "OrgNode"

// schemaFor infers a JSON Schema from a Go type with jsonschema-go, as
// the MCP go-sdk does: dates are strings of format date, and the recursive
// OrgNode is a $ref into $defs.
func schemaFor(t reflect.Type) (json.RawMessage, error) {
	dateSchema := &jsonschema.Schema{Type: "string", Format: "date"}
	opts := &jsonschema.ForOptions{TypeSchemas: map[reflect.Type]*jsonschema.Schema{
		reflect.TypeFor[Date](): dateSchema,
	}}
	var node *jsonschema.Schema
	if usesOrgNode(t, map[reflect.Type]bool{}) {
		// jsonschema-go refuses cycles: describe one level of OrgNode with
		// its reports pointing back at the definition.
		ref := &jsonschema.Schema{Ref: "#/$defs/" + orgNodeRef}
		shallow := map[reflect.Type]*jsonschema.Schema{reflect.TypeFor[Date](): dateSchema, reflect.TypeFor[OrgNode](): ref}
		var err error
		node, err = jsonschema.ForType(reflect.TypeFor[orgNodeShape](), &jsonschema.ForOptions{TypeSchemas: shallow})
		if err != nil {
			return nil, err
		}
		node.Properties["reports"] = &jsonschema.Schema{Type: "array", Items: ref}
		opts.TypeSchemas[reflect.TypeFor[OrgNode]()] = ref
	}
	s, err := jsonschema.ForType(t, opts)
	if err != nil {
		return nil, err
	}
	if node != nil {
		s.Defs = map[string]*jsonschema.Schema{orgNodeRef: node}
	}
	return json.Marshal(s)
}

// orgNodeShape mirrors OrgNode for its schema (reports filled in by hand).
type orgNodeShape struct {
	EmployeeID  string `json:"employee_id"`
	DisplayName string `json:"display_name"`
	Title       string `json:"title"`
	Reports     []int  `json:"reports"`
}

func usesOrgNode(t reflect.Type, seen map[reflect.Type]bool) bool {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	if t == reflect.TypeFor[OrgNode]() {
		return true
	}
	if t.Kind() != reflect.Struct || seen[t] {
		return false
	}
	seen[t] = true
	for i := 0; i < t.NumField(); i++ {
		if usesOrgNode(t.Field(i).Type, seen) {
			return true
		}
	}
	return false
}

// CapabilityTypes returns the Go types of a capability's request and
// response.
func CapabilityTypes(name string) (request, response reflect.Type, ok bool) {
	i, ok := capabilityIndex[name]
	if !ok {
		return nil, nil, false
	}
	return capSpecs[i].in, capSpecs[i].out, true
}
