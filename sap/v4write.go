package sap

import (
	"encoding/json"
	"net/http"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/internal/errs"
	"github.com/xlr8/connectors/internal/transport"
)

// createdV4 reads an OData v4 create's answer: 201 with the entity (typed
// by its shape, as reads type values) and its @odata.etag, or 204 No
// Content (the service applied return=minimal) with the new entity's URL in
// Location or OData-EntityId.
func (d *driver) createdV4(what string, resp *transport.Response, sh *shape) (*CreateResponse, error) {
	out := &CreateResponse{Location: firstNonEmpty(resp.Header.Get("Location"), resp.Header.Get("OData-EntityId")),
		ETag: resp.Header.Get("ETag")}
	if resp.StatusCode == http.StatusNoContent {
		return out, nil
	}
	rec, etag, err := decodeV4Entity(resp.Body, sh)
	if err != nil {
		return nil, pageError(d.product, what, resp.StatusCode, resp.Header, resp.Body, err)
	}
	out.Record, out.ETag = rec, firstNonEmpty(etag, out.ETag)
	return out, nil
}

// decodeV4Entity reads one entity in OData v4 JSON (its properties at the
// top level, control information as @odata.* keys) and its @odata.etag.
func decodeV4Entity(body []byte, sh *shape) (connectors.Record, string, error) {
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, "", err
	}
	if m == nil {
		return nil, "", &errs.Error{Code: errs.CodeInternal, Message: "the body is not an OData v4 entity"}
	}
	if _, v2 := m["d"]; v2 {
		return nil, "", &errs.Error{Code: errs.CodeInternal, Message: `an OData v4 entity came wrapped in OData v2's "d"`}
	}
	etag, _ := m["@odata.etag"].(string)
	r, err := typeRecord(m, sh)
	if err != nil {
		return nil, "", err
	}
	return r, etag, nil
}
