package oracle

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/internal/connkit"
	"github.com/xlr8/connectors/internal/transport"
	"github.com/xlr8/connectors/translate"
)

// The actions' request and response types.
type (
	// ExtractRequest runs an HCM Extract: the flow pattern named ExtractName
	// is submitted as a flow instance named InstanceName (unique per pod;
	// default: the extract name and the time), with flow parameters.
	ExtractRequest struct {
		ExtractName  string         `json:"extract_name"`
		InstanceName string         `json:"instance_name,omitempty"`
		Parameters   map[string]any `json:"parameters,omitempty"`
	}
	// ExtractResponse is the submission: the flow pattern's id, the
	// instance name to track it by, and the action's result as Fusion
	// returned it.
	ExtractResponse struct {
		FlowID       int64  `json:"flow_id"`
		InstanceName string `json:"instance_name"`
		Result       any    `json:"result"`
	}
	// WorkerRequest names a worker by person number.
	WorkerRequest struct {
		PersonNumber string `json:"person_number"`
	}
	// InvoiceRequest names a payables invoice by id.
	InvoiceRequest struct {
		InvoiceID int64 `json:"invoice_id"`
	}
	// SupplierRequest names a supplier by supplier number.
	SupplierRequest struct {
		SupplierNumber string `json:"supplier_number"`
	}
	// RecordResponse is one record, typed by the resource's describe.
	RecordResponse struct {
		Record map[string]any `json:"record"`
	}
	// DescribeRequest names a resource of the product.
	DescribeRequest struct {
		Resource string `json:"resource"`
	}
	// DescribeResponse is the resource's schema.
	DescribeResponse struct {
		Schema connectors.EntitySchema `json:"schema"`
	}
)

func (d *driver) actions() []connkit.Action {
	pt := connectors.PrincipalTypes()
	describe := func(ns string) connkit.Action {
		return connkit.Typed(connectors.Capability{Name: ns + ".describe", Description: "Describe a resource: its attributes, types and which q= may filter on.",
			PrincipalTypes: pt}, func(ctx context.Context, _ connectors.Principal, r DescribeRequest) (*DescribeResponse, error) {
			s, err := d.Schema(ctx, r.Resource)
			return &DescribeResponse{Schema: s}, err
		})
	}
	if d.product == ProductERP {
		return []connkit.Action{
			describe("oracle.erp"),
			connkit.Typed(connectors.Capability{Name: "oracle.erp.get_invoice", Description: "Read one payables invoice by InvoiceId.",
				PrincipalTypes: pt, Sensitive: true}, func(ctx context.Context, _ connectors.Principal, r InvoiceRequest) (*RecordResponse, error) {
				return d.byKey(ctx, "invoices", "InvoiceId", r.InvoiceID)
			}),
			connkit.Typed(connectors.Capability{Name: "oracle.erp.get_supplier", Description: "Read one supplier by SupplierNumber.",
				PrincipalTypes: pt}, func(ctx context.Context, _ connectors.Principal, r SupplierRequest) (*RecordResponse, error) {
				return d.byKey(ctx, "suppliers", "SupplierNumber", r.SupplierNumber)
			}),
		}
	}
	return []connkit.Action{
		describe("oracle.hcm"),
		connkit.Typed(connectors.Capability{Name: "oracle.hcm.get_worker", Description: "Read one worker by PersonNumber, with names, emails and work relationships.",
			PrincipalTypes: pt, Sensitive: true}, func(ctx context.Context, _ connectors.Principal, r WorkerRequest) (*RecordResponse, error) {
			return d.byKey(ctx, "workers", "PersonNumber", r.PersonNumber, "names", "emails", "workRelationships.assignments")
		}),
		connkit.Typed(connectors.Capability{Name: "oracle.hcm.execute_hcm_extract", Description: "Submit an HCM Extract (its flow pattern) through the flowPatterns submitFlow action.",
			PrincipalTypes: pt, Sensitive: true, Write: true, AuditLevel: connectors.AuditVerbose}, d.submitExtract),
	}
}

// byKey reads the one row whose key attribute equals value, through q=.
func (d *driver) byKey(ctx context.Context, resource, attr string, value any, expand ...string) (*RecordResponse, error) {
	if s, ok := value.(string); ok && s == "" {
		return nil, connectors.Errorf(connectors.CodeInvalidArgument, "oracle: %s is required", attr)
	}
	e, _ := d.table.lookup(resource)
	s, err := d.Schema(ctx, resource)
	if err != nil {
		return nil, err
	}
	c, err := translate.CompileOracle(connectors.Query{Entity: resource, Where: connectors.Eq(attr, value)}, translate.WithSchema(s))
	if err != nil {
		return nil, err
	}
	if c.Residual != nil {
		return nil, connectors.Errorf(connectors.CodeInvalidArgument, "oracle: %s cannot be looked up by %s", resource, attr)
	}
	params := url.Values{"q": {c.Q}, "onlyData": {"true"}, "limit": {"2"}}
	if len(expand) > 0 {
		params.Set("expand", strings.Join(expand, ","))
	}
	var body page
	if _, err := d.client.GetJSON(ctx, d.resourceURL(e, params), nil, &body); err != nil {
		return nil, err
	}
	switch len(body.Items) {
	case 0:
		return nil, connectors.Errorf(connectors.CodeNotFound, "oracle: no %s with %s %v", resource, attr, value)
	case 1:
		r, err := record(s, "", body.Items[0])
		return &RecordResponse{Record: r}, err
	}
	return nil, connectors.Errorf(connectors.CodeConflict, "oracle: more than one %s has %s %v", resource, attr, value)
}

// submitExtract finds the extract's flow pattern by FlowName and submits
// it. The submission is a write: it is sent once, never retried after it
// may have reached the pod.
func (d *driver) submitExtract(ctx context.Context, _ connectors.Principal, r ExtractRequest) (*ExtractResponse, error) {
	if r.ExtractName == "" {
		return nil, connectors.Errorf(connectors.CodeInvalidArgument, "oracle: extract_name is required")
	}
	flows, _ := d.table.lookup("flowPatterns")
	s, err := d.Schema(ctx, flows.name)
	if err != nil {
		return nil, err
	}
	c, err := translate.CompileOracle(connectors.Query{Entity: flows.name, Where: connectors.Eq("FlowName", r.ExtractName)}, translate.WithSchema(s))
	if err != nil {
		return nil, err
	}
	var body page
	u := d.resourceURL(flows, url.Values{"q": {c.Q}, "onlyData": {"true"}, "fields": {"FlowId,FlowName"}, "limit": {"2"}})
	if _, err := d.client.GetJSON(ctx, u, nil, &body); err != nil {
		return nil, err
	}
	if len(body.Items) != 1 {
		return nil, connectors.Errorf(connectors.CodeNotFound, "oracle: %d flow patterns are named %q, want one", len(body.Items), r.ExtractName)
	}
	id, ok := body.Items[0]["FlowId"].(float64)
	if !ok {
		return nil, connectors.Errorf(connectors.CodeInternal, "oracle: the flow pattern %q has no numeric FlowId", r.ExtractName)
	}
	name := r.InstanceName
	if name == "" {
		name = r.ExtractName + "_" + time.Now().UTC().Format("20060102_150405")
	}
	payload, err := json.Marshal(map[string]any{"flowInstanceName": name, "parameterIdValues": r.Parameters})
	if err != nil {
		return nil, connectors.Errorf(connectors.CodeInvalidArgument, "oracle: the extract parameters are not JSON: %v", err)
	}
	resp, err := d.client.Do(ctx, &transport.Request{Method: http.MethodPost,
		URL:    d.resourceURL(flows, url.Values{}, strconv.FormatInt(int64(id), 10), "action", "submitFlow"),
		Header: http.Header{"Content-Type": {"application/vnd.oracle.adf.action+json"}, "Accept": {"application/json"}}, Body: payload})
	if err != nil {
		return nil, err
	}
	var result struct {
		Result any `json:"result"`
	}
	if err := resp.DecodeJSON(&result); err != nil {
		return nil, err
	}
	return &ExtractResponse{FlowID: int64(id), InstanceName: name, Result: result.Result}, nil
}
