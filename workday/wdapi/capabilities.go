package wdapi

import (
	"fmt"
	"reflect"

	"github.com/google/jsonschema-go/jsonschema"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/internal/connkit"
)

var (
	everyone  = []connectors.PrincipalType{connectors.PrincipalHuman, connectors.PrincipalMachine, connectors.PrincipalAIAgent}
	notAgents = []connectors.PrincipalType{connectors.PrincipalHuman, connectors.PrincipalMachine}
	humans    = []connectors.PrincipalType{connectors.PrincipalHuman}
	humansAI  = []connectors.PrincipalType{connectors.PrincipalHuman, connectors.PrincipalAIAgent}
)

// actionSchemas are the contract's schema rules: dates are strings of format
// date, and the recursive OrgNode is a $ref into $defs.
var actionSchemas = func() *connkit.Schemas {
	date := &jsonschema.Schema{Type: "string", Format: "date"}
	ref := &jsonschema.Schema{Ref: "#/$defs/" + orgNodeRef}
	// jsonschema-go refuses cycles: describe one level of OrgNode with its
	// reports pointing back at the definition.
	node, err := jsonschema.ForType(reflect.TypeFor[orgNodeShape](), &jsonschema.ForOptions{TypeSchemas: map[reflect.Type]*jsonschema.Schema{
		reflect.TypeFor[Date](): date, reflect.TypeFor[OrgNode](): ref}})
	if err != nil {
		panic(fmt.Sprintf("wdapi: schema of OrgNode: %v", err))
	}
	node.Properties["reports"] = &jsonschema.Schema{Type: "array", Items: ref}
	return &connkit.Schemas{Types: map[reflect.Type]*jsonschema.Schema{reflect.TypeFor[Date](): date},
		Recursive: map[reflect.Type]connkit.Def{reflect.TypeFor[OrgNode](): {Name: orgNodeRef, Schema: node}}}
}()

func spec[Req, Resp any](name, desc string, types []connectors.PrincipalType, sensitive, write bool) connkit.Spec {
	return connkit.DeclareWith[Req, Resp](actionSchemas, connectors.Capability{Name: name, Description: desc,
		PrincipalTypes: types, Sensitive: sensitive, Write: write})
}

// specs is the action table of the 16 capabilities with the spec's
// principal types and sensitivity, in the spec's order: the simulator and
// the Workday connector bind their own handlers to it (connkit.Bind).
var specs = connkit.Specs{
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

// Specs returns the action table (a copy).
func Specs() connkit.Specs { return append(connkit.Specs(nil), specs...) }

// Spec returns the spec of the capability named name.
func Spec(name string) (connkit.Spec, bool) { return specs.Lookup(name) }

var capabilityIndex = func() map[string]int {
	m := make(map[string]int, len(specs))
	for i, c := range specs {
		m[c.Capability.Name] = i
	}
	return m
}()

// capabilities are built once, with their JSON Schemas.
var capabilities = specs.Capabilities()

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

// orgNodeShape mirrors OrgNode for its schema (reports filled in by hand).
type orgNodeShape struct {
	EmployeeID  string `json:"employee_id"`
	DisplayName string `json:"display_name"`
	Title       string `json:"title"`
	Reports     []int  `json:"reports"`
}

// CapabilityTypes returns the Go types of a capability's request and
// response.
func CapabilityTypes(name string) (request, response reflect.Type, ok bool) {
	i, ok := capabilityIndex[name]
	if !ok {
		return nil, nil, false
	}
	return specs[i].Request, specs[i].Response, true
}
