package connkit

import (
	"context"
	"reflect"
	"strings"

	connectors "github.com/xlr8/connectors"
)

// rawHandler runs a bound action on the caller's params as given, with the
// principal keys still in them (skip of them: they are not the request's);
// it reads params and never modifies or keeps them, so Execute need not
// copy them first.
type rawHandler func(ctx context.Context, p connectors.Principal, params map[string]any, skip int) (map[string]any, error)

// principalOf is connectors.SplitPrincipal without the copy: the principal
// and how many principal keys params holds. Input it does not take itself
// (__groups__, an id or type that is not a string) goes through
// SplitPrincipal, so the principal and the errors are SplitPrincipal's.
func principalOf(params map[string]any) (connectors.Principal, int, error) {
	var p connectors.Principal
	n := 0
	if v, ok := params[connectors.ParamPrincipal]; ok {
		s, isStr := v.(string)
		if !isStr && v != nil {
			return principalSlow(params)
		}
		p.ID, n = s, n+1
	}
	if _, ok := params[connectors.ParamGroups]; ok {
		return principalSlow(params)
	}
	if v, ok := params[connectors.ParamType]; ok {
		s, isStr := v.(string)
		if !isStr && v != nil {
			return principalSlow(params)
		}
		// As SplitPrincipal normalises it (TestPrincipalOfMatchesSplitPrincipal).
		p.Type, n = connectors.PrincipalType(strings.ToUpper(strings.TrimSpace(s))), n+1
	}
	if err := p.Validate(); err != nil {
		return connectors.Principal{}, 0, err
	}
	return p, n, nil
}

func principalSlow(params map[string]any) (connectors.Principal, int, error) {
	p, rest, err := connectors.SplitPrincipal(params)
	if err != nil {
		return connectors.Principal{}, 0, err
	}
	return p, len(params) - len(rest), nil
}

// withoutPrincipal copies params without the principal keys.
func withoutPrincipal(params map[string]any) map[string]any {
	out := make(map[string]any, len(params))
	for k, v := range params {
		switch k {
		case connectors.ParamPrincipal, connectors.ParamGroups, connectors.ParamType:
		default:
			out[k] = v
		}
	}
	return out
}

// stringFields is the in-place decoder of a request whose fields are all
// required plain strings (an employee id): when params hold exactly those
// fields, each a string, it fills the request without Decode's general
// walk and without moving the request to the heap. Anything else goes to
// Decode, which gives the same result and every error.
type stringFields struct {
	names []string
	index []int
}

// stringFieldsOf returns t's in-place decoder, or nil when t has a field
// that is not a required plain string.
func stringFieldsOf(t reflect.Type) *stringFields {
	if t.Kind() != reflect.Struct {
		return nil
	}
	si := infoOf(t)
	sf := &stringFields{}
	for _, f := range si.fields {
		ft := t.FieldByIndex(f.index).Type
		if len(f.index) != 1 || !f.required || ft.Kind() != reflect.String || reflect.PointerTo(ft).Implements(textUnmarshaler) {
			return nil
		}
		sf.names = append(sf.names, f.name)
		sf.index = append(sf.index, f.index[0])
	}
	return sf
}

// fill sets dst's fields from params (skip of whose keys are principal
// keys) and reports whether it could.
func fill[Req any](sf *stringFields, params map[string]any, skip int, dst *Req) bool {
	if sf == nil || len(params)-skip != len(sf.names) {
		return false
	}
	for _, name := range sf.names {
		if _, ok := params[name].(string); !ok {
			return false
		}
	}
	rv := reflect.ValueOf(dst).Elem()
	for i, name := range sf.names {
		rv.Field(sf.index[i]).SetString(params[name].(string))
	}
	return true
}

// decodeCopy is the general path: Decode on params without the principal
// keys.
func decodeCopy[Req any](params map[string]any, skip int) (Req, error) {
	var req Req
	if skip > 0 {
		params = withoutPrincipal(params)
	}
	err := Decode(params, &req)
	return req, err
}
