package jsonpage

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/internal/errs"
	"github.com/xlr8/connectors/internal/redact"
	"github.com/xlr8/connectors/internal/transport"
)

// Reference decodes a page the way a hand-written client does: the body
// with encoding/json (through transport's DecodeJSON, so an HTML page, an
// empty, truncated or malformed body gives transport's errors), the
// envelope by exact key, the records into maps, then the Spec's typing
// applied to the decoded maps. It defines what DecodeResponse gives: the
// one-pass decoder either gives the same page or defers to it.
func (d *Decoder) Reference(resp *transport.Response) (Page, error) {
	var root json.RawMessage
	if err := resp.DecodeJSON(&root); err != nil {
		return Page{}, err
	}
	r := refState{d: d, resp: resp}
	if err := r.node(d.root, root, ""); err != nil {
		return Page{}, err
	}
	return r.page, nil
}

type refState struct {
	d    *Decoder
	resp *transport.Response
	page Page
}

func (r *refState) node(n *node, raw json.RawMessage, path string) error {
	if n.records {
		return r.records(raw, path)
	}
	if string(raw) == "null" {
		return nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		return r.kindError(raw, path)
	}
	for i, k := range n.keys {
		v, ok := obj[k]
		if !ok {
			continue
		}
		kid, p := n.kids[i], join(path, k)
		var err error
		if kid.role != 0 {
			err = r.paging(kid.role, v, p)
		} else {
			err = r.node(kid, v, p)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func join(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

func (r *refState) paging(f Field, raw json.RawMessage, path string) error {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return r.malformed(err)
	}
	p := &r.page
	switch x := v.(type) {
	case nil:
		return nil
	case string:
		switch {
		case f == FieldNext:
			p.Next = x
		case f == FieldTotal && r.d.spec.Envelope.StringTotal:
			n, ok := parseInt([]byte(x))
			if !ok || !p.setInt(f, n) {
				return r.kindError(raw, path)
			}
		default:
			return r.kindError(raw, path)
		}
	case bool:
		if !p.setBool(f, x) {
			return r.kindError(raw, path)
		}
	case float64:
		if x > 1<<53 || x < -(1<<53) || x != math.Trunc(x) || !p.setInt(f, int64(x)) {
			return r.kindError(raw, path)
		}
	default:
		return r.kindError(raw, path)
	}
	p.Present |= f
	return nil
}

func (r *refState) records(raw json.RawMessage, path string) error {
	if string(raw) == "null" {
		return nil
	}
	var items []any
	if err := json.Unmarshal(raw, &items); err != nil {
		if _, ok := err.(*json.UnmarshalTypeError); ok && !strings.HasPrefix(string(raw), "[") {
			return r.kindError(raw, path)
		}
		return r.malformed(err)
	}
	recs := make([]connectors.Record, 0, len(items))
	for i, it := range items {
		m, ok := it.(map[string]any)
		if !ok {
			return r.errorf("record %d of %s is %s, not an object", i, orTop(path), kindOf(it))
		}
		r.d.refFields(m, true)
		recs = append(recs, m)
	}
	r.page.Records = recs
	return nil
}

func orTop(path string) string {
	if path == "" {
		return "the body"
	}
	return path
}

// refFields types the values of a decoded object in place: the Spec's
// field types for a record (typed), Auto for a nested object.
func (d *Decoder) refFields(m map[string]any, typed bool) (emptied bool) {
	dropped := false
	for k, v := range m {
		f, known := d.names[k]
		if known && f.drop {
			delete(m, k)
			dropped = true
			continue
		}
		t := Auto
		if typed && known {
			t = f.typ
		}
		switch x := v.(type) {
		case string:
			if nv, ok := d.typeString(t, []byte(x)); ok {
				m[k] = nv
			}
		case float64:
			if nv := typeNumber(t, x); nv != any(x) {
				m[k] = nv
			}
		case map[string]any:
			if arr, ok := x[d.spec.Unwrap].([]any); ok && d.spec.Unwrap != "" {
				for _, e := range arr {
					if em, ok := e.(map[string]any); ok {
						d.refFields(em, false)
					}
				}
				m[k] = arr
				continue
			}
			if d.refFields(x, false) {
				delete(m, k)
			}
		}
	}
	return d.spec.DropEmptied && dropped && len(m) == 0
}

func kindOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case float64:
		return "a number"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	}
	return "an object"
}

func (r *refState) kindError(raw json.RawMessage, path string) *errs.Error {
	var v any
	_ = json.Unmarshal(raw, &v)
	return r.errorf("unexpected JSON: %s is %s", orTop(path), kindOf(v))
}

func (r *refState) errorf(format string, args ...any) *errs.Error {
	return &errs.Error{Code: errs.CodeInternal, Product: r.d.spec.Product, HTTPStatus: r.resp.StatusCode,
		Message: responseName(r.resp) + ": " + fmt.Sprintf(format, args...)}
}

func (r *refState) malformed(err error) *errs.Error {
	e := transport.MalformedJSON(r.d.spec.Product, responseName(r.resp), r.resp.StatusCode, err, r.resp.Body, nil)
	e.Message = r.scrub(e.Message)
	return e
}

// scrub keeps an excerpt of the body from carrying the client's secrets:
// the response's own Excerpt knows them.
func (r *refState) scrub(msg string) string {
	if x, mine := redact.Excerpt(r.resp.Body, nil), r.resp.Excerpt(); x != mine {
		return strings.ReplaceAll(msg, fmt.Sprintf("%q", x), fmt.Sprintf("%q", mine))
	}
	return msg
}

// responseName names a response in messages, its URL without secrets.
func responseName(resp *transport.Response) string {
	if resp != nil && resp.URL != nil {
		return "response from " + redact.URL(resp.URL)
	}
	return "response"
}
