package sap

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/internal/connkit"
	"github.com/xlr8/connectors/internal/errs"
	"github.com/xlr8/connectors/internal/transport"
)

// The capabilities (S/4HANA; SuccessFactors has none beyond Get and Query).
const (
	ActionCreate = "sap.s4.create"
	ActionUpdate = "sap.s4.update"
	ActionBatch  = "sap.s4.batch"
	ActionBAPI   = "sap.s4.bapi"
)

// CreateRequest creates one entity: Entity is SERVICE/EntitySet (or
// name/EntitySet of a WithV4Service service), Record its properties
// (numbers, strings, booleans; dates and times as time.Time,
// connectors.Date or ISO 8601 text; an OData v4 Edm.Decimal or Edm.Int64
// best as a json.Number or decimal text, kept exact), written in the
// service's OData JSON (v2 or v4) by the entity's $metadata.
type CreateRequest struct {
	Entity string         `json:"entity"`
	Record map[string]any `json:"record"`
}

// CreateResponse is the created entity as the server returned it (nil when
// an OData v4 service answered 204 No Content), its Location (v4: the
// Location or OData-EntityId header), and its ETag when the server gave
// one (v4: the entity's @odata.etag, else the ETag header), the If-Match
// of a later update.
type CreateResponse struct {
	Record   map[string]any `json:"record"`
	Location string         `json:"location,omitempty"`
	ETag     string         `json:"etag,omitempty"`
}

// UpdateRequest changes (the properties in Record) or, with Delete,
// deletes one entity, named by its key properties. Method is PATCH (the
// default), MERGE (what older Gateway releases want for a partial update;
// OData v2 only) or PUT (a full replacement). ETag, when given, is sent as
// If-Match (many S/4 APIs demand it: a stale one is CONFLICT).
type UpdateRequest struct {
	Entity string         `json:"entity"`
	Key    map[string]any `json:"key"`
	Record map[string]any `json:"record,omitempty"`
	ETag   string         `json:"etag,omitempty"`
	Delete bool           `json:"delete,omitempty"`
	Method string         `json:"method,omitempty"`
}

// UpdateResponse reports the HTTP status of the change (204, or 200 when
// an OData v4 service returns the changed entity, then in Record) and the
// entity's new ETag when the server sent one (the ETag header, or v4's
// @odata.etag in Record's body): the If-Match of the next change.
type UpdateResponse struct {
	Status int            `json:"status"`
	Record map[string]any `json:"record,omitempty"`
	ETag   string         `json:"etag,omitempty"`
}

// BatchRequest is one OData $batch to Service (an OData v2 service, or a
// WithV4Service name): the Reads (GETs, each its own part) and the Changes
// (writes, one atomic change set: all are applied or none).
type BatchRequest struct {
	Service string    `json:"service"`
	Reads   []BatchOp `json:"reads,omitempty"`
	Changes []BatchOp `json:"changes,omitempty"`
}

// BatchResponse holds one result per read and per change, in order.
type BatchResponse struct {
	Reads   []BatchResult `json:"reads,omitempty"`
	Changes []BatchResult `json:"changes,omitempty"`
}

// BatchResult is one embedded response: its status, its body (v2: the
// JSON body's "d" when it is one entity; v4: the entity typed by
// $metadata, or for a read of a collection {"value": [entities...]} with
// "count" when the server sent @odata.count), its Location (v4: or
// OData-EntityId), its ETag (the ETag header, or v4's @odata.etag: the
// If-Match of a later change; added for v4 batches, where a change set's
// PATCH answers 204 with the new ETag in its header only) and, for a
// failed request, the vendor's error code (else its message).
type BatchResult struct {
	Status   int            `json:"status"`
	Body     map[string]any `json:"body,omitempty"`
	Location string         `json:"location,omitempty"`
	ETag     string         `json:"etag,omitempty"`
	Error    string         `json:"error,omitempty"`
}

// BAPIRequest calls a BAPI (or any remote-enabled function): Name and its
// Params. The route is an OData function import when Route is "odata" or
// Service is set or a service of WithServices declares a function import
// of that name (Params are then its parameters, typed by $metadata); else
// SOAP RFC at /sap/bc/soap/rfc (Route "rfc"; Params are the function's
// importing parameters, structures as objects, tables as lists of
// objects). Commit, on the RFC route, runs BAPI_TRANSACTION_COMMIT in the
// same session after a call without errors.
type BAPIRequest struct {
	Name    string         `json:"name"`
	Params  map[string]any `json:"params,omitempty"`
	Service string         `json:"service,omitempty"`
	Route   string         `json:"route,omitempty"`
	Commit  bool           `json:"commit,omitempty"`
}

// BAPIResponse is the function's result: the route taken, the exporting and
// table parameters (RFC) or the function import's result (OData), and the
// RETURN messages that were not errors.
type BAPIResponse struct {
	Route    string         `json:"route"`
	Result   map[string]any `json:"result"`
	Messages []BAPIMessage  `json:"messages,omitempty"`
}

// BAPIMessage is one RETURN row: TYPE (S, I, W), message class and number,
// text.
type BAPIMessage struct {
	Type    string `json:"type"`
	ID      string `json:"id,omitempty"`
	Number  string `json:"number,omitempty"`
	Message string `json:"message"`
}

func (d *driver) actions() []connkit.Action {
	if d.sf {
		return nil
	}
	all := connectors.PrincipalTypes()
	return []connkit.Action{
		connkit.Typed(connectors.Capability{Name: ActionCreate, Description: "Create an S/4HANA entity (OData v2 or v4 POST; CSRF token fetched as needed).",
			PrincipalTypes: all, Write: true}, d.create),
		connkit.Typed(connectors.Capability{Name: ActionUpdate, Description: "Change (PATCH, PUT; MERGE on v2) or delete an S/4HANA entity by key over OData v2 or v4, with If-Match when an ETag is given.",
			PrincipalTypes: all, Write: true}, d.update),
		connkit.Typed(connectors.Capability{Name: ActionBatch, Description: "Send reads and one atomic change set (all applied or none) as one OData $batch (multipart/mixed; v2, or v4 with values typed by $metadata and If-Match from etag); never retried.",
			PrincipalTypes: all, Write: true}, d.batch),
		connkit.Typed(connectors.Capability{Name: ActionBAPI, Description: "Call a BAPI through an OData function import or SOAP RFC; RETURN errors become errors.",
			PrincipalTypes: all, Write: true, Sensitive: true, AuditLevel: connectors.AuditVerbose}, d.bapi),
	}
}

func invalid(format string, args ...any) *errs.Error {
	return &errs.Error{Code: errs.CodeInvalidArgument, Message: fmt.Sprintf(format, args...)}
}

func (d *driver) create(ctx context.Context, _ connectors.Principal, req CreateRequest) (*CreateResponse, error) {
	svc, set, err := d.splitEntity(req.Entity)
	if err != nil {
		return nil, err
	}
	root, v4 := d.serviceRoot(svc)
	es, err := d.entitySet(ctx, req.Entity)
	if err != nil {
		return nil, err
	}
	body, err := wireRecord(es.shape, req.Record, wireFor(v4))
	if err != nil {
		return nil, err
	}
	r := &transport.Request{Method: http.MethodPost, URL: d.url(root+set, nil), Body: body,
		Header: http.Header{"Content-Type": {"application/json"}, "Accept": {"application/json"}}}
	if v4 {
		r.Header.Set("OData-Version", "4.0")
	}
	resp, err := d.client.Do(ctx, r)
	if err != nil {
		return nil, err
	}
	defer resp.Release()
	what := "POST " + req.Entity
	if e := successError(d.product, what, resp.StatusCode, resp.Header); e != nil {
		return nil, e
	}
	if v4 {
		return d.createdV4(what, resp, es.shape)
	}
	page, err := decodePage(resp.Body, es.shape)
	if err != nil || len(page.Records) != 1 {
		return nil, pageError(d.product, what, resp.StatusCode, resp.Header, resp.Body, err)
	}
	return &CreateResponse{Record: page.Records[0], Location: resp.Header.Get("Location"), ETag: resp.Header.Get("ETag")}, nil
}

func (d *driver) update(ctx context.Context, _ connectors.Principal, req UpdateRequest) (*UpdateResponse, error) {
	svc, set, err := d.splitEntity(req.Entity)
	if err != nil {
		return nil, err
	}
	root, v4 := d.serviceRoot(svc)
	es, err := d.entitySet(ctx, req.Entity)
	if err != nil {
		return nil, err
	}
	literal := func(v any, p property) (string, error) { return uriLiteral(v, p.Type) }
	if v4 {
		literal = v4KeyLiteral
	}
	pred, err := keyPredicate(es.shape, req.Key, literal)
	if err != nil {
		return nil, err
	}
	r := &transport.Request{Method: http.MethodPatch, URL: d.url(root+set+"("+pred+")", nil),
		Header: http.Header{"Accept": {"application/json"}}}
	switch m := strings.ToUpper(req.Method); {
	case m == "" || m == http.MethodPatch:
	case m == http.MethodPut || (m == "MERGE" && !v4):
		r.Method = m
	case m == "MERGE":
		return nil, invalid("MERGE is OData v2's partial update: %s is an OData v4 service, use PATCH", svc)
	default:
		return nil, invalid("method %q is not PATCH, MERGE or PUT", connkit.Bound(req.Method, 20))
	}
	if req.Delete {
		if len(req.Record) > 0 || req.Method != "" {
			return nil, invalid("a delete takes no record and no method")
		}
		r.Method = http.MethodDelete
	} else {
		if len(req.Record) == 0 {
			return nil, invalid("an update needs the properties to change in record")
		}
		if r.Body, err = wireRecord(es.shape, req.Record, wireFor(v4)); err != nil {
			return nil, err
		}
		r.Header.Set("Content-Type", "application/json")
	}
	if v4 {
		r.Header.Set("OData-Version", "4.0")
	}
	if req.ETag != "" {
		if strings.ContainsAny(req.ETag, "\r\n") {
			return nil, invalid("etag has a line break")
		}
		r.Header.Set("If-Match", req.ETag)
	}
	resp, err := d.client.Do(ctx, r)
	if err != nil {
		return nil, err
	}
	defer resp.Release()
	what := r.Method + " " + req.Entity
	if e := successError(d.product, what, resp.StatusCode, resp.Header); e != nil {
		return nil, e
	}
	out := &UpdateResponse{Status: resp.StatusCode, ETag: resp.Header.Get("ETag")}
	if v4 && resp.StatusCode == http.StatusOK && len(bytes.TrimSpace(resp.Body)) > 0 {
		rec, etag, err := decodeV4Entity(resp.Body, es.shape)
		if err != nil {
			return nil, pageError(d.product, what, resp.StatusCode, resp.Header, resp.Body, err)
		}
		out.Record, out.ETag = rec, firstNonEmpty(etag, out.ETag)
	}
	return out, nil
}

// keyPredicate renders (literal) or (Name=literal,...) from the key
// properties, each typed by $metadata and written by literal (v2's or
// v4's), path-escaped.
func keyPredicate(sh *shape, key map[string]any, literal func(any, property) (string, error)) (string, error) {
	if len(key) != len(sh.Key) {
		return "", invalid("the key needs exactly %s", strings.Join(sh.Key, ", "))
	}
	parts := make([]string, 0, len(sh.Key))
	for _, k := range sh.Key {
		v, ok := key[k]
		if !ok {
			return "", invalid("the key needs %s", k)
		}
		p, _ := sh.prop(k)
		lit, err := literal(v, p)
		if err != nil {
			return "", invalid("key %s: %s", k, err.Error())
		}
		lit = url.PathEscape(lit)
		if len(sh.Key) == 1 {
			return lit, nil
		}
		parts = append(parts, k+"="+lit)
	}
	return strings.Join(parts, ","), nil
}

// wireFor is the writer of a non-nil body value of an OData version: v2's (wireValue)
// or v4's (v4Value).
func wireFor(v4 bool) func(property, any) (any, error) {
	if v4 {
		return v4Value
	}
	return wireValue
}

// wireRecord writes properties in OData JSON, each value by value (v2:
// Int64 and Decimal as strings, DateTime and DateTimeOffset as /Date(ms)/;
// v4: see v4Value). An undeclared or navigation property, or a value of
// the wrong type, is INVALID_ARGUMENT.
func wireRecord(sh *shape, rec map[string]any, value func(property, any) (any, error)) ([]byte, error) {
	if len(rec) == 0 {
		return nil, invalid("record is empty")
	}
	out := make(map[string]any, len(rec))
	for k, v := range rec {
		p, ok := sh.prop(k)
		if !ok {
			if _, isNav := sh.navigation(k); isNav {
				return nil, invalid("%s is a navigation property: only structural properties can be written", k)
			}
			return nil, invalid("property %q is not in the entity type", connkit.Bound(k, 60))
		}
		if v == nil {
			if !p.Nullable {
				return nil, invalid("property %s is not nullable", k)
			}
			out[k] = nil
			continue
		}
		w, err := value(p, v)
		if err != nil {
			return nil, invalid("property %s: %s", k, err.Error())
		}
		out[k] = w
	}
	return json.Marshal(out)
}

// wireValue is v2's JSON form of a non-nil value.
func wireValue(p property, v any) (any, error) {
	switch p.Type {
	case "Edm.Int64", "Edm.Decimal":
		lit, err := uriLiteral(v, p.Type)
		if err != nil {
			return nil, err
		}
		return strings.TrimRight(lit, "LM"), nil
	case "Edm.Int16", "Edm.Int32", "Edm.Byte", "Edm.SByte":
		n, ok := intOf(v)
		if !ok {
			return nil, fmt.Errorf("want an integer, got %T", v)
		}
		return n, nil
	case "Edm.Double", "Edm.Single":
		f, ok := floatOf(v)
		if !ok {
			return nil, fmt.Errorf("want a number, got %T", v)
		}
		return f, nil
	case "Edm.Boolean":
		b, ok := v.(bool)
		if !ok {
			return nil, fmt.Errorf("want a boolean, got %T", v)
		}
		return b, nil
	case "Edm.DateTime", "Edm.DateTimeOffset":
		t, err := timeOf(v)
		if err != nil {
			return nil, err
		}
		return fmt.Sprintf("/Date(%d)/", t.UnixMilli()), nil
	case "Edm.String", "Edm.Guid":
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("want a string, got %T", v)
		}
		return s, nil
	}
	return v, nil
}

func (d *driver) batch(ctx context.Context, _ connectors.Principal, req BatchRequest) (*BatchResponse, error) {
	if !serviceRE.MatchString(req.Service) {
		return nil, invalid("service %q is not an OData service name", connkit.Bound(req.Service, 60))
	}
	if len(req.Reads)+len(req.Changes) == 0 {
		return nil, invalid("a batch needs reads or changes")
	}
	for i := range req.Reads {
		if m := req.Reads[i].Method; m != "" && !strings.EqualFold(m, http.MethodGet) {
			return nil, invalid("reads[%d] is a %s, not a GET", i, m)
		}
		req.Reads[i].Method = http.MethodGet
	}
	for i, op := range req.Changes {
		if strings.EqualFold(op.Method, http.MethodGet) {
			return nil, invalid("changes[%d] is a GET: put it in reads", i)
		}
	}
	if _, v4 := d.serviceRoot(req.Service); v4 {
		return d.batchV4(ctx, req)
	}
	var parts []batchPart
	for _, op := range req.Reads {
		w, err := v2WireOp(op)
		if err != nil {
			return nil, err
		}
		parts = append(parts, batchPart{read: &w})
	}
	var set []wireOp
	for _, op := range req.Changes {
		w, err := v2WireOp(op)
		if err != nil {
			return nil, err
		}
		set = append(set, w)
	}
	if len(set) > 0 {
		parts = append(parts, batchPart{changeSet: set})
	}
	results, err := d.sendBatch(ctx, req.Service, parts, nil)
	if err != nil {
		return nil, err
	}
	out := &BatchResponse{}
	for i := range req.Reads {
		out.Reads = append(out.Reads, batchResultOf(results[i].results[0]))
	}
	if len(req.Changes) > 0 {
		set := results[len(results)-1]
		if len(set.results) == 1 && set.results[0].Status >= 400 {
			return nil, d.changeSetError(req.Service, set.results[0])
		}
		if len(set.results) != len(req.Changes) {
			return nil, &errs.Error{Code: errs.CodeInternal, Product: d.product,
				Message: fmt.Sprintf("$batch answered the change set with %d parts for %d changes", len(set.results), len(req.Changes))}
		}
		for _, r := range set.results {
			out.Changes = append(out.Changes, batchResultOf(r))
		}
	}
	return out, nil
}

// sendBatch posts the parts to svc's $batch with the extra headers and
// parses the multipart answer: one result per part sent. A $batch is a
// write (a POST the transport never repeats, even of reads only: the
// server may have run it), and goes through the CSRF step as the other
// writes do.
func (d *driver) sendBatch(ctx context.Context, svc string, parts []batchPart, extra http.Header) ([]partResult, error) {
	body, ct := encodeBatch(parts)
	root, _ := d.serviceRoot(svc)
	h := http.Header{"Content-Type": {ct}, "Accept": {"multipart/mixed"}}
	for k, v := range extra {
		h[k] = v
	}
	resp, err := d.client.Do(ctx, &transport.Request{Method: http.MethodPost, URL: d.url(root+"$batch", nil), Body: body,
		Header: h})
	if err != nil {
		return nil, err
	}
	defer resp.Release()
	changes := 0
	if n := len(parts); n > 0 {
		changes = len(parts[n-1].changeSet)
	}
	results, err := parseBatch(resp.Header.Get("Content-Type"), resp.Body, len(parts), changes)
	if err != nil {
		e := err.(*errs.Error)
		e.Product, e.HTTPStatus = d.product, resp.StatusCode
		return nil, e
	}
	if len(results) != len(parts) {
		return nil, &errs.Error{Code: errs.CodeInternal, Product: d.product, HTTPStatus: resp.StatusCode,
			Message: fmt.Sprintf("$batch answered %d parts for %d sent", len(results), len(parts))}
	}
	return results, nil
}

// changeSetError is the error of a change set answered by one error
// response: nothing of it was applied. The code comes from the status and
// the vendor code of the error body (v2 or v4 JSON, or XML), never from
// its text.
func (d *driver) changeSetError(svc string, r batchResult) *errs.Error {
	e := &errs.Error{Code: errs.CodeForStatus(r.Status), HTTPStatus: r.Status, Product: d.product,
		Message: fmt.Sprintf("$batch to %s: the change set failed with HTTP %d and was not applied", svc, r.Status)}
	return errorMap.Apply(refineError(e, r.Header, r.Body))
}

func batchResultOf(r batchResult) BatchResult {
	br := BatchResult{Status: r.Status, Location: r.Header.Get("Location"), ETag: r.Header.Get("ETag")}
	if r.Status >= 400 {
		br.Error = batchErrorText(r)
		return br
	}
	if len(r.Body) > 0 {
		if page, err := decodePage(r.Body, nil); err == nil && len(page.Records) == 1 {
			br.Body = page.Records[0]
		}
	}
	return br
}

// batchErrorText is what a failed request's result says: the vendor code
// of its error body, else its message, else the status text.
func batchErrorText(r batchResult) string {
	if p, ok := parseErrorBody(r.Body); ok {
		return firstNonEmpty(p.code, clipMessage(p.message))
	}
	return http.StatusText(r.Status)
}

func (d *driver) bapi(ctx context.Context, _ connectors.Principal, req BAPIRequest) (*BAPIResponse, error) {
	route := req.Route
	switch route {
	case "", "odata", "rfc":
	default:
		return nil, invalid("route %q is not odata or rfc", connkit.Bound(route, 20))
	}
	if req.Service != "" && route == "rfc" {
		return nil, invalid("service names an OData service: the rfc route takes none")
	}
	var fn *function
	svc := req.Service
	if route != "rfc" {
		var err error
		fn, svc, err = d.findFunction(ctx, req.Name, req.Service)
		if err != nil {
			return nil, err
		}
		if fn == nil && (route == "odata" || req.Service != "") {
			return nil, &errs.Error{Code: errs.CodeNotFound, Product: d.product,
				Message: fmt.Sprintf("no function import %q in %s", connkit.Bound(req.Name, 60), firstNonEmpty(req.Service, strings.Join(d.set.services, ", ")))}
		}
	}
	if fn != nil {
		return d.callFunction(ctx, svc, fn, req.Params)
	}
	if !d.set.rfc {
		return nil, &errs.Error{Code: errs.CodeUnsupported, Product: d.product, Message: "the SOAP RFC route is off (WithSOAPRFC(false)) and no function import is named " + connkit.Bound(req.Name, 60)}
	}
	out, msgs, err := d.callRFC(ctx, req.Name, req.Params)
	if err != nil {
		return nil, err
	}
	if req.Commit {
		if _, _, err := d.callRFC(ctx, "BAPI_TRANSACTION_COMMIT", map[string]any{"WAIT": "X"}); err != nil {
			return nil, err
		}
	}
	resp := &BAPIResponse{Route: "rfc", Result: out}
	for _, m := range msgs {
		resp.Messages = append(resp.Messages, BAPIMessage{Type: m.Type, ID: m.ID, Number: m.Number, Message: m.Message})
	}
	return resp, nil
}

// findFunction looks the function import up in service, or in each
// service of WithServices.
func (d *driver) findFunction(ctx context.Context, name, service string) (*function, string, error) {
	if !identRE.MatchString(name) {
		if service != "" {
			return nil, "", invalid("%q is not a function import name", connkit.Bound(name, 60))
		}
		return nil, "", nil // an RFC name such as /SAPAPO/BAPI_X
	}
	services := d.set.services
	if service != "" {
		if !serviceRE.MatchString(service) {
			return nil, "", invalid("service %q is not an OData service name", connkit.Bound(service, 60))
		}
		services = []string{service}
	}
	for _, svc := range services {
		m, err := d.metadata(ctx, svc)
		if err != nil {
			return nil, "", err
		}
		if fn := m.functions[name]; fn != nil {
			return fn, svc, nil
		}
	}
	return nil, "", nil
}

// callFunction calls an OData v2 function import and returns its result:
// a complex or primitive result arrives wrapped in the function's name
// ({"d":{"Name":{...}}}), an entity unwrapped, a collection as results.
func (d *driver) callFunction(ctx context.Context, svc string, fn *function, params map[string]any) (*BAPIResponse, error) {
	qs, err := functionQuery(fn, params)
	if err != nil {
		return nil, err
	}
	u := d.url(s4Root+svc+"/"+fn.Name, nil)
	if qs != "" {
		if strings.Contains(u, "?") {
			u += "&" + qs
		} else {
			u += "?" + qs
		}
	}
	method := http.MethodGet
	if fn.HTTPMethod == http.MethodPost {
		method = http.MethodPost
	}
	resp, err := d.client.Do(ctx, &transport.Request{Method: method, URL: u, Header: http.Header{"Accept": {"application/json"}}})
	if err != nil {
		return nil, err
	}
	defer resp.Release()
	what := method + " " + svc + "/" + fn.Name
	if e := successError(d.product, what, resp.StatusCode, resp.Header); e != nil {
		return nil, e
	}
	var top struct {
		D json.RawMessage `json:"d"`
	}
	if err := json.Unmarshal(resp.Body, &top); err != nil || len(top.D) == 0 {
		return nil, pageError(d.product, what, resp.StatusCode, resp.Header, resp.Body, err)
	}
	var d1 map[string]any
	if err := json.Unmarshal(top.D, &d1); err != nil {
		return nil, pageError(d.product, what, resp.StatusCode, resp.Header, resp.Body, err)
	}
	if inner, ok := d1[fn.Name]; ok && len(d1) == 1 {
		if m, ok := inner.(map[string]any); ok {
			d1 = m
		} else {
			d1 = map[string]any{"value": inner}
		}
	}
	r, err := typeRecord(d1, nil)
	if err != nil {
		return nil, err
	}
	if res, ok := r["results"].([]any); ok {
		r = connectors.Record{"results": res}
	}
	return &BAPIResponse{Route: "odata", Result: r}, nil
}

// callRFC posts a SOAP RFC envelope and returns the function's parameters
// and its RETURN messages; an error row is the error.
func (d *driver) callRFC(ctx context.Context, name string, params map[string]any) (map[string]any, []rfcMessage, error) {
	body, err := encodeRFC(name, params)
	if err != nil {
		return nil, nil, err
	}
	resp, err := d.client.Do(ctx, &transport.Request{Method: http.MethodPost, URL: d.url("/sap/bc/soap/rfc", nil), Body: body,
		Header: http.Header{"Content-Type": {"text/xml; charset=utf-8"}, "SOAPAction": {`"urn:sap-com:document:sap:rfc:functions"`}}})
	if err != nil {
		// An ABAP exception arrives as a SOAP fault on HTTP 500.
		if resp != nil && len(resp.Body) > 0 {
			if _, ferr := decodeRFC(name, resp.Body); ferr != nil {
				if fe, ok := ferr.(*errs.Error); ok && fe.VendorCode != "" {
					fe.Product, fe.HTTPStatus = d.product, resp.StatusCode
					return nil, nil, fe
				}
			}
		}
		return nil, nil, err
	}
	defer resp.Release()
	out, err := decodeRFC(name, resp.Body)
	if err != nil {
		e := err.(*errs.Error)
		e.Product, e.HTTPStatus = d.product, resp.StatusCode
		if isHTMLBody(resp.Header, resp.Body) && loginPage(resp.Body) {
			e.Code = errs.CodeUnauthenticated
		}
		return nil, nil, e
	}
	msgs := returnMessages(out)
	if e := returnError(name, msgs); e != nil {
		e.Product, e.HTTPStatus = d.product, resp.StatusCode
		return nil, nil, e
	}
	return out, msgs, nil
}
