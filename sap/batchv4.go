package sap

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/xlr8/connectors/internal/connkit"
	"github.com/xlr8/connectors/internal/errs"
)

// OData v4 $batch in the multipart/mixed format (OData v4.0 Part 1
// Protocol, section 11.7; the JSON batch format of OData 4.01 is not
// used): POST {service root}/$batch with OData-Version 4.0, each read an
// application/http part whose request line names a path relative to the
// service root, the changes one nested multipart/mixed change set whose
// requests carry Content-IDs. Every inner request is checked and written
// before anything is sent: its entity set must be the service's (by its
// $metadata), keys are v4 key literals (v4KeyLiteral) and bodies v4 JSON
// (v4Value, as sap.s4.create and sap.s4.update write them).

// v4Reserved are the inner headers the connector writes itself: a
// caller's Header may not set them.
var v4Reserved = []string{"Accept", "Content-Type", "Content-Length", "Content-Id", "Content-Transfer-Encoding", "Host", "If-Match", "Odata-Version"}

// v4Target is what an inner request reads or changes: the entity set's
// shape, and whether the answer is one entity (else a collection).
type v4Target struct {
	shape  *shape
	entity bool
}

func (d *driver) batchV4(ctx context.Context, req BatchRequest) (*BatchResponse, error) {
	m, err := d.metadata(ctx, req.Service)
	if err != nil {
		return nil, err
	}
	var parts []batchPart
	reads := make([]v4Target, len(req.Reads))
	for i, op := range req.Reads {
		w, tg, err := v4ReadOp(m, op)
		if err != nil {
			return nil, invalid("reads[%d]: %s", i, errMessage(err))
		}
		reads[i] = tg
		parts = append(parts, batchPart{read: &w})
	}
	var set []wireOp
	changes := make([]v4Target, len(req.Changes))
	for i, op := range req.Changes {
		w, tg, err := v4ChangeOp(m, req.Service, op)
		if err != nil {
			return nil, invalid("changes[%d]: %s", i, errMessage(err))
		}
		changes[i] = tg
		set = append(set, w)
	}
	if len(set) > 0 {
		parts = append(parts, batchPart{changeSet: set})
	}
	results, err := d.sendBatch(ctx, req.Service, parts, http.Header{"Odata-Version": {"4.0"}})
	if err != nil {
		return nil, err
	}
	out, failed, err := v4Answer(results, reads, changes)
	switch {
	case failed != nil:
		return nil, d.changeSetError(req.Service, *failed)
	case err != nil:
		e := err.(*errs.Error)
		e.Product = d.product
		return nil, e
	}
	return out, nil
}

// v4Answer reads a v4 batch's answer, one part per read then one for the
// change set (when changes has any): the reads' results, and the changes'
// in the order sent; or the response that failed the change set.
func v4Answer(results []partResult, reads, changes []v4Target) (*BatchResponse, *batchResult, error) {
	if len(results) != len(reads)+min(len(changes), 1) {
		return nil, nil, &errs.Error{Code: errs.CodeInternal, Message: fmt.Sprintf("$batch answered %d parts for %d sent", len(results), len(reads)+min(len(changes), 1))}
	}
	out := &BatchResponse{}
	for i, tg := range reads {
		if results[i].changeSet || len(results[i].results) != 1 {
			return nil, nil, &errs.Error{Code: errs.CodeInternal, Message: fmt.Sprintf("$batch answered reads[%d] with a change set", i)}
		}
		out.Reads = append(out.Reads, v4ResultOf(results[i].results[0], tg))
	}
	if len(changes) == 0 {
		return out, nil, nil
	}
	last := results[len(results)-1]
	for i, r := range last.results {
		// A failed change set is one response in place of the change set
		// (section 11.7.4); a service that nests the failure in the change
		// set's multipart has not applied the rest either.
		if r.Status >= 400 {
			return nil, &last.results[i], nil
		}
	}
	if !last.changeSet {
		status := 0
		if len(last.results) > 0 {
			status = last.results[0].Status
		}
		return nil, nil, &errs.Error{Code: errs.CodeInternal, HTTPStatus: status,
			Message: fmt.Sprintf("$batch answered the change set with one HTTP %d response instead of one per change", status)}
	}
	ordered, err := byContentID(last.results, len(changes))
	if err != nil {
		return nil, nil, err
	}
	for i, r := range ordered {
		out.Changes = append(out.Changes, v4ResultOf(r, changes[i]))
	}
	return out, nil, nil
}

// v4ReadOp checks and writes a read: Path is an entity set of the service,
// optionally with its key predicate (or Key), then optionally ?query
// options; nothing below the entity (navigation, $value, $count) and
// nothing outside the service.
func v4ReadOp(m *service, op BatchOp) (wireOp, v4Target, error) {
	if err := checkV4Op(op); err != nil {
		return wireOp{}, v4Target{}, err
	}
	if op.Body != nil || op.ETag != "" {
		return wireOp{}, v4Target{}, invalid("a read takes no body and no etag")
	}
	resource, query, hasQuery := strings.Cut(op.Path, "?")
	name, key, hasKey := strings.Cut(resource, "(")
	es := m.sets[name]
	if !identRE.MatchString(name) || es == nil {
		return wireOp{}, v4Target{}, invalid("path %q does not name an entity set of the service", clip(op.Path))
	}
	if hasKey && (op.Key != nil || !strings.HasSuffix(key, ")") || strings.ContainsAny(key, "/\\")) {
		return wireOp{}, v4Target{}, invalid("path %q: a read names an entity set or one of its entities (by a key predicate or key), nothing below it", clip(op.Path))
	}
	if strings.Contains(query, "#") {
		return wireOp{}, v4Target{}, invalid("path %q has a fragment", clip(op.Path))
	}
	path := resource
	if op.Key != nil {
		pred, err := keyPredicate(es.shape, op.Key, v4KeyLiteral)
		if err != nil {
			return wireOp{}, v4Target{}, err
		}
		path, hasKey = name+"("+pred+")", true
	}
	if hasQuery {
		path += "?" + query
	}
	w := wireOp{method: http.MethodGet, path: path, header: v4Header(op.Header)}
	return w, v4Target{shape: es.shape, entity: hasKey}, nil
}

// v4ChangeOp checks and writes a change: POST to an entity set, or PATCH,
// PUT or DELETE of one of its entities named by Key; the body in v4 JSON
// by the entity type; If-Match from ETag.
func v4ChangeOp(m *service, svc string, op BatchOp) (wireOp, v4Target, error) {
	if err := checkV4Op(op); err != nil {
		return wireOp{}, v4Target{}, err
	}
	method := strings.ToUpper(op.Method)
	if method == "" {
		return wireOp{}, v4Target{}, invalid("a change needs a method: POST, PATCH, PUT or DELETE")
	}
	if method == "MERGE" {
		return wireOp{}, v4Target{}, invalid("MERGE is OData v2's partial update: %s is an OData v4 service, use PATCH", svc)
	}
	if !identRE.MatchString(op.Path) {
		return wireOp{}, v4Target{}, invalid("path %q must be an entity set of the service (a change's key goes in key)", clip(op.Path))
	}
	es := m.sets[op.Path]
	if es == nil {
		return wireOp{}, v4Target{}, invalid("%s has no entity set %q", svc, clip(op.Path))
	}
	w := wireOp{method: method, path: op.Path, header: v4Header(op.Header)}
	switch {
	case method == http.MethodPost && op.Key != nil:
		return wireOp{}, v4Target{}, invalid("a POST creates in the entity set: it takes no key")
	case method != http.MethodPost:
		if op.Key == nil {
			return wireOp{}, v4Target{}, invalid("a %s needs the entity's key", method)
		}
		pred, err := keyPredicate(es.shape, op.Key, v4KeyLiteral)
		if err != nil {
			return wireOp{}, v4Target{}, err
		}
		w.path += "(" + pred + ")"
	}
	if method == http.MethodDelete {
		if op.Body != nil {
			return wireOp{}, v4Target{}, invalid("a DELETE takes no body")
		}
	} else {
		body, err := wireRecord(es.shape, op.Body, v4Value)
		if err != nil {
			return wireOp{}, v4Target{}, err
		}
		w.body = body
		w.header.Set("Content-Type", "application/json")
	}
	if op.ETag != "" {
		w.header.Set("If-Match", op.ETag)
	}
	return w, v4Target{shape: es.shape, entity: true}, nil
}

// checkV4Op is checkBatchOp, the v4 methods, and no reserved header.
func checkV4Op(op BatchOp) error {
	if err := checkBatchOp(op); err != nil {
		return err
	}
	for k := range op.Header {
		for _, r := range v4Reserved {
			if strings.EqualFold(k, r) {
				return invalid("header %s is written by the connector (etag gives If-Match)", r)
			}
		}
	}
	return nil
}

// v4Header is an inner request's headers: the caller's, OData-Version 4.0
// and Accept application/json.
func v4Header(given map[string]string) http.Header {
	h := http.Header{}
	for k, v := range given {
		h.Set(k, v)
	}
	h.Set("Accept", "application/json")
	h.Set("Odata-Version", "4.0")
	return h
}

// byContentID orders a change set's responses as the requests were sent
// (Content-ID i+1 for request i): section 11.7.4 lets the service answer
// in another order, each response carrying its request's Content-ID. A
// change set answered without Content-IDs is taken in order.
func byContentID(set []batchResult, n int) ([]batchResult, error) {
	if len(set) != n {
		return nil, &errs.Error{Code: errs.CodeInternal, Message: fmt.Sprintf("$batch answered the change set with %d responses for %d changes", len(set), n)}
	}
	for _, r := range set {
		if r.ContentID == "" {
			return set, nil
		}
	}
	out := make([]batchResult, n)
	seen := make([]bool, n)
	for _, r := range set {
		i, err := strconv.Atoi(r.ContentID)
		if err != nil || i < 1 || i > n || seen[i-1] {
			return nil, &errs.Error{Code: errs.CodeInternal, Message: fmt.Sprintf("$batch answered the change set with Content-ID %q, not one of the requests' 1 to %d", clip(r.ContentID), n)}
		}
		out[i-1], seen[i-1] = r, true
	}
	return out, nil
}

// v4ResultOf is one inner response: an error's vendor code, or the body
// decoded as v4 JSON by the target's shape (the entity, with its
// @odata.etag as ETag; or the collection as {"value": [...]}, with
// "count").
func v4ResultOf(r batchResult, tg v4Target) BatchResult {
	br := BatchResult{Status: r.Status, Location: firstNonEmpty(r.Header.Get("Location"), r.Header.Get("Odata-Entityid")), ETag: r.Header.Get("ETag")}
	if r.Status >= 400 {
		br.Error = batchErrorText(r)
		return br
	}
	if len(bytes.TrimSpace(r.Body)) == 0 {
		return br
	}
	if tg.entity {
		rec, etag, err := decodeV4Entity(r.Body, tg.shape)
		if err != nil {
			br.Error = "the body is not an OData v4 entity: " + errMessage(err)
			return br
		}
		br.Body, br.ETag = rec, firstNonEmpty(etag, br.ETag)
		return br
	}
	page, err := decodeV4Collection(r.Body, tg.shape)
	if err != nil {
		br.Error = "the body is not an OData v4 collection: " + errMessage(err)
		return br
	}
	br.Body = map[string]any{"value": page.Records}
	if page.HasCount {
		br.Body["count"] = page.Count
	}
	return br
}

// decodeV4Collection reads {"value":[...]} by decodePage, refusing v2's
// "d" wrapper.
func decodeV4Collection(body []byte, sh *shape) (odataPage, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(body, &top); err != nil {
		return odataPage{}, err
	}
	if _, v2 := top["d"]; v2 || top["value"] == nil {
		return odataPage{}, &errs.Error{Code: errs.CodeInternal, Message: `an OData v4 collection is {"value":[...]}`}
	}
	return decodePage(body, sh)
}

// errMessage is an error's message without its code prefix.
func errMessage(err error) string {
	if e, ok := err.(*errs.Error); ok {
		return e.Message
	}
	return connkit.Bound(err.Error(), 200)
}
