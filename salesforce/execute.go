package salesforce

import (
	"context"
	"net/url"
	"strings"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/internal/connkit"
	"github.com/xlr8/connectors/internal/errs"
)

// The capabilities.
const (
	ActionSOQLQuery       = "salesforce.soql.query"
	ActionSObjectGet      = "salesforce.sobject.get"
	ActionSObjectDescribe = "salesforce.sobject.describe"
	ActionSObjectList     = "salesforce.sobject.list"
	ActionLimitsGet       = "salesforce.limits.get"
)

// SOQLQueryRequest runs SOQL and returns up to MaxRecords records.
type SOQLQueryRequest struct {
	Query      string `json:"query" jsonschema:"the SOQL statement"`
	All        bool   `json:"all,omitempty" jsonschema:"use queryAll: include deleted and archived records"`
	MaxRecords int    `json:"max_records,omitempty" jsonschema:"most records to return (default 2000, at most 50000)"`
}

// SOQLQueryResponse holds the records and whether they are all of them.
type SOQLQueryResponse struct {
	Records []connectors.Record `json:"records"`
	Count   int                 `json:"count"`
	Done    bool                `json:"done" jsonschema:"false when max_records cut the result short"`
}

// SObjectGetRequest reads one record by id.
type SObjectGetRequest struct {
	SObject string   `json:"sobject" jsonschema:"the sObject API name, e.g. Account"`
	ID      string   `json:"id" jsonschema:"the 15- or 18-character record id"`
	Fields  []string `json:"fields,omitempty" jsonschema:"fields to return (default all)"`
}

// SObjectGetResponse is the record.
type SObjectGetResponse struct {
	Record connectors.Record `json:"record"`
}

// SObjectDescribeRequest names an sObject.
type SObjectDescribeRequest struct {
	SObject string `json:"sobject"`
}

// DescribedField is one field of a describe.
type DescribedField struct {
	Name       string `json:"name"`
	Type       string `json:"type"`
	Label      string `json:"label"`
	Nillable   bool   `json:"nillable"`
	Filterable bool   `json:"filterable"`
	Sortable   bool   `json:"sortable"`
}

// SObjectDescribeResponse is the describe.
type SObjectDescribeResponse struct {
	Name   string           `json:"name"`
	Label  string           `json:"label"`
	Fields []DescribedField `json:"fields"`
}

// SObjectListRequest takes no parameters.
type SObjectListRequest struct{}

// SObjectSummary is one object of the global describe.
type SObjectSummary struct {
	Name      string `json:"name"`
	Label     string `json:"label"`
	Queryable bool   `json:"queryable"`
	Custom    bool   `json:"custom"`
}

// SObjectListResponse lists the org's objects.
type SObjectListResponse struct {
	SObjects []SObjectSummary `json:"sobjects"`
}

// LimitsGetRequest takes no parameters.
type LimitsGetRequest struct{}

// Limit is one allocation of /limits.
type Limit struct {
	Max       int64 `json:"max"`
	Remaining int64 `json:"remaining"`
}

// LimitsGetResponse is the org's limits.
type LimitsGetResponse struct {
	Limits map[string]Limit `json:"limits"`
	// DailyAPIRemaining repeats DailyApiRequests' remaining calls.
	DailyAPIRemaining int64 `json:"daily_api_remaining"`
}

var (
	everyone = connectors.PrincipalTypes()
)

func (c *driver) actions() []connkit.Action {
	return []connkit.Action{
		connkit.Typed(connectors.Capability{Name: ActionSOQLQuery,
			Description:    "Run a SOQL query and return its records (at most max_records).",
			PrincipalTypes: everyone, Sensitive: true, AuditLevel: connectors.AuditVerbose}, noPrincipal(c.soqlQuery)),
		connkit.Typed(connectors.Capability{Name: ActionSObjectGet,
			Description:    "Read one record of an sObject by id.",
			PrincipalTypes: everyone, Sensitive: true, AuditLevel: connectors.AuditVerbose}, noPrincipal(c.sobjectGet)),
		connkit.Typed(connectors.Capability{Name: ActionSObjectDescribe,
			Description:    "Describe an sObject: its fields and their types.",
			PrincipalTypes: everyone, AuditLevel: connectors.AuditStandard}, noPrincipal(c.sobjectDescribe)),
		connkit.Typed(connectors.Capability{Name: ActionSObjectList,
			Description:    "List the org's sObjects.",
			PrincipalTypes: everyone, AuditLevel: connectors.AuditStandard}, noPrincipal(c.sobjectList)),
		connkit.Typed(connectors.Capability{Name: ActionLimitsGet,
			Description:    "Read the org's API limits and what remains of them today.",
			PrincipalTypes: everyone, AuditLevel: connectors.AuditStandard}, noPrincipal(c.limitsGet)),
	}
}

// noPrincipal adapts a method that does not look at the principal (the
// adapter has stripped, checked and audited it).
func noPrincipal[Req, Resp any](f func(context.Context, Req) (*Resp, error)) connkit.TypedHandler[Req, Resp] {
	return func(ctx context.Context, _ connectors.Principal, req Req) (*Resp, error) { return f(ctx, req) }
}

func (c *driver) soqlQuery(ctx context.Context, req SOQLQueryRequest) (*SOQLQueryResponse, error) {
	if strings.TrimSpace(req.Query) == "" {
		return nil, invalidField("query", "is empty")
	}
	max := req.MaxRecords
	switch {
	case max < 0 || max > 50000:
		return nil, invalidField("max_records", "must be between 1 and 50000")
	case max == 0:
		max = 2000
	}
	seq := c.conn.Query(ctx, req.Query)
	if req.All {
		seq = c.queryAll(ctx, req.Query)
	}
	out := &SOQLQueryResponse{Records: []connectors.Record{}, Done: true}
	for r, err := range seq {
		if err != nil {
			return nil, err
		}
		if len(out.Records) == max {
			out.Done = false
			break
		}
		out.Records = append(out.Records, r)
	}
	out.Count = len(out.Records)
	return out, nil
}

func invalidField(field, msg string) *errs.Error {
	return (&errs.Error{Code: errs.CodeInvalidArgument, Product: Product, Message: "field \"" + field + "\": " + msg}).WithDetail("field", field)
}

func validRecordID(id string) bool {
	if len(id) != 15 && len(id) != 18 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

func (c *driver) sobjectGet(ctx context.Context, req SObjectGetRequest) (*SObjectGetResponse, error) {
	if !validName(req.SObject) {
		return nil, invalidField("sobject", "is not an sObject name")
	}
	if !validRecordID(req.ID) {
		return nil, invalidField("id", "is not a 15- or 18-character record id")
	}
	for _, f := range req.Fields {
		if !validName(f) {
			return nil, invalidField("fields", "\""+f+"\" is not a field name")
		}
	}
	if err := c.conn.Connect(ctx); err != nil {
		return nil, err
	}
	d, err := c.describeObject(ctx, req.SObject)
	if err != nil {
		return nil, err
	}
	var q url.Values
	if len(req.Fields) > 0 {
		q = url.Values{"fields": {strings.Join(req.Fields, ",")}}
	}
	var rec map[string]any
	if _, err := c.getJSON(ctx, c.apiURL("sobjects/"+d.raw.Name+"/"+req.ID, q), nil, &rec); err != nil {
		return nil, err
	}
	return &SObjectGetResponse{Record: newTyper(&d.raw).fromJSON(rec)}, nil
}

func (c *driver) sobjectDescribe(ctx context.Context, req SObjectDescribeRequest) (*SObjectDescribeResponse, error) {
	if !validName(req.SObject) {
		return nil, invalidField("sobject", "is not an sObject name")
	}
	if err := c.conn.Connect(ctx); err != nil {
		return nil, err
	}
	d, err := c.describeObject(ctx, req.SObject)
	if err != nil {
		return nil, err
	}
	out := &SObjectDescribeResponse{Name: d.raw.Name, Label: d.raw.Label, Fields: make([]DescribedField, 0, len(d.raw.Fields))}
	for _, f := range d.raw.Fields {
		out.Fields = append(out.Fields, DescribedField{Name: f.Name, Type: f.Type, Label: f.Label, Nillable: f.Nillable,
			Filterable: f.Filterable, Sortable: f.Sortable})
	}
	return out, nil
}

func (c *driver) sobjectList(ctx context.Context, _ SObjectListRequest) (*SObjectListResponse, error) {
	if err := c.conn.Connect(ctx); err != nil {
		return nil, err
	}
	g, err := c.globalDescribe(ctx)
	if err != nil {
		return nil, err
	}
	out := &SObjectListResponse{SObjects: make([]SObjectSummary, 0, len(g.objects))}
	for _, o := range g.objects {
		out.SObjects = append(out.SObjects, SObjectSummary{Name: o.Name, Label: o.Label, Queryable: o.Queryable, Custom: o.Custom})
	}
	return out, nil
}

// Limits reads /limits.
func (c *Connector) Limits(ctx context.Context) (map[string]Limit, error) {
	if err := c.Connect(ctx); err != nil {
		return nil, err
	}
	l, err := c.d.limits(ctx)
	return l, c.Wrap(err)
}

func (c *driver) limits(ctx context.Context) (map[string]Limit, error) {
	var raw map[string]struct {
		Max       int64 `json:"Max"`
		Remaining int64 `json:"Remaining"`
	}
	if _, err := c.getJSON(ctx, c.apiURL("limits", nil), nil, &raw); err != nil {
		return nil, err
	}
	out := make(map[string]Limit, len(raw))
	for k, v := range raw {
		out[k] = Limit{Max: v.Max, Remaining: v.Remaining}
	}
	return out, nil
}

func (c *driver) limitsGet(ctx context.Context, _ LimitsGetRequest) (*LimitsGetResponse, error) {
	l, err := c.limits(ctx)
	if err != nil {
		return nil, err
	}
	return &LimitsGetResponse{Limits: l, DailyAPIRemaining: l["DailyApiRequests"].Remaining}, nil
}
