package connkit

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"sync"

	"github.com/google/jsonschema-go/jsonschema"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/internal/errs"
)

// Spec declares one action: its capability, with the JSON Schemas of its
// params and result inferred once from its Go request and response types.
// A vendor (or a contract package such as workday/wdapi shared by a
// connector and a simulator) declares its table as a []Spec; handlers are
// attached with Bind.
type Spec struct {
	Capability        connectors.Capability
	Request, Response reflect.Type
}

// Schemas infers JSON Schemas for a package's action types:
// github.com/google/jsonschema-go, as the MCP Go SDK does, with Types for
// types whose JSON form differs from their Go shape (dates as strings) and
// Recursive for types that refer to themselves (an org chart node), which
// become a $ref into $defs. The zero Schemas knows connectors.Date and
// connectors.Record.
type Schemas struct {
	Types     map[reflect.Type]*jsonschema.Schema
	Recursive map[reflect.Type]Def
}

// Def is the $defs entry of a recursive type: its name and its schema
// (written with $ref "#/$defs/Name" where it refers to itself).
type Def struct {
	Name   string
	Schema *jsonschema.Schema
}

// For returns the JSON Schema of t.
func (s *Schemas) For(t reflect.Type) (json.RawMessage, error) {
	types := map[reflect.Type]*jsonschema.Schema{}
	for k, v := range schemaTypes {
		types[k] = v
	}
	if s != nil {
		for k, v := range s.Types {
			types[k] = v
		}
	}
	defs := map[string]*jsonschema.Schema{}
	if s != nil {
		for rt, d := range s.Recursive {
			if uses(t, rt, map[reflect.Type]bool{}) {
				types[rt] = &jsonschema.Schema{Ref: "#/$defs/" + d.Name}
				defs[d.Name] = d.Schema
			}
		}
	}
	sch, err := jsonschema.ForType(t, &jsonschema.ForOptions{TypeSchemas: types})
	if err != nil {
		return nil, err
	}
	if len(defs) > 0 {
		sch.Defs = defs
	}
	return json.Marshal(sch)
}

// uses reports whether t refers to target (through pointers, slices, maps
// and struct fields).
func uses(t, target reflect.Type, seen map[reflect.Type]bool) bool {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map {
		t = t.Elem()
	}
	if t == target {
		return true
	}
	if t.Kind() != reflect.Struct || seen[t] {
		return false
	}
	seen[t] = true
	for i := 0; i < t.NumField(); i++ {
		if uses(t.Field(i).Type, target, seen) {
			return true
		}
	}
	return false
}

// Declare declares an action of request type Req and response type Resp:
// InputSchema and OutputSchema inferred (unless set), AuditLevel VERBOSE for
// a sensitive capability and STANDARD otherwise (unless set). It panics when
// a schema cannot be inferred: tables are static, built at init.
func Declare[Req, Resp any](c connectors.Capability) Spec {
	return DeclareWith[Req, Resp](nil, c)
}

// DeclareWith is Declare with a package's Schemas.
func DeclareWith[Req, Resp any](s *Schemas, c connectors.Capability) Spec {
	in, out := reflect.TypeFor[Req](), reflect.TypeFor[Resp]()
	var err error
	if c.InputSchema == nil {
		if c.InputSchema, err = s.For(in); err != nil {
			panic(fmt.Sprintf("connkit: input schema of %s: %v", c.Name, err))
		}
	}
	if c.OutputSchema == nil {
		if c.OutputSchema, err = s.For(out); err != nil {
			panic(fmt.Sprintf("connkit: output schema of %s: %v", c.Name, err))
		}
	}
	if c.AuditLevel == "" {
		c.AuditLevel = connectors.AuditStandard
		if c.Sensitive {
			c.AuditLevel = connectors.AuditVerbose
		}
	}
	return Spec{Capability: c, Request: in, Response: out}
}

// Specs is a declared action table.
type Specs []Spec

// Lookup returns the spec named name.
func (ss Specs) Lookup(name string) (Spec, bool) {
	for _, s := range ss {
		if s.Capability.Name == name {
			return s, true
		}
	}
	return Spec{}, false
}

// Capabilities returns the capabilities, in table order (a copy).
func (ss Specs) Capabilities() []connectors.Capability {
	out := make([]connectors.Capability, len(ss))
	for i, s := range ss {
		out[i] = s.Capability
		out[i].PrincipalTypes = append([]connectors.PrincipalType(nil), s.Capability.PrincipalTypes...)
	}
	return out
}

// TypedHandler runs an action on its decoded request.
type TypedHandler[Req, Resp any] func(ctx context.Context, p connectors.Principal, req Req) (*Resp, error)

// Bind attaches a typed handler to a declared action: params are decoded
// strictly into Req (Decode: INVALID_ARGUMENT naming the field), the result
// rendered as encoding/json would decode it (EncodeMap, or the response's
// own ToMap). It panics when Req or Resp are not the spec's types.
func Bind[Req, Resp any](s Spec, h TypedHandler[Req, Resp]) Action {
	if reflect.TypeFor[Req]() != s.Request || reflect.TypeFor[Resp]() != s.Response {
		panic(fmt.Sprintf("connkit: Bind of %s with %v -> %v, declared %v -> %v", s.Capability.Name,
			reflect.TypeFor[Req](), reflect.TypeFor[Resp](), s.Request, s.Response))
	}
	enc := encoderOf(s.Response)
	return bind(s, func(ctx context.Context, p connectors.Principal, req Req) (map[string]any, error) {
		out, err := h(ctx, p, req)
		if err != nil {
			return nil, err
		}
		if out == nil {
			return nil, &errs.Error{Code: errs.CodeInternal, Message: s.Capability.Name + " returned no result"}
		}
		if tm, ok := any(out).(ToMapper); ok {
			return tm.ToMap(), nil
		}
		m, _ := enc(reflect.ValueOf(out).Elem()).(map[string]any)
		return m, nil
	})
}

// MapHandler runs an action on its decoded request and returns its result
// already rendered: the map EncodeMap would give for the declared response,
// fresh for this call (the caller owns it and may change it).
type MapHandler[Req any] func(ctx context.Context, p connectors.Principal, req Req) (map[string]any, error)

// BindMap attaches a handler that renders its own result, for a driver
// that keeps results rendered between calls (the simulator's directory
// views): params are decoded as Bind decodes them. A nil map with a nil
// error is INTERNAL. It panics when Req is not the spec's request type.
func BindMap[Req any](s Spec, h MapHandler[Req]) Action {
	if reflect.TypeFor[Req]() != s.Request {
		panic(fmt.Sprintf("connkit: BindMap of %s with %v, declared %v", s.Capability.Name, reflect.TypeFor[Req](), s.Request))
	}
	return bind(s, func(ctx context.Context, p connectors.Principal, req Req) (map[string]any, error) {
		out, err := h(ctx, p, req)
		if err == nil && out == nil {
			return nil, &errs.Error{Code: errs.CodeInternal, Message: s.Capability.Name + " returned no result"}
		}
		return out, err
	})
}

// bind builds the action of a rendering handler. Execute calls it on the
// caller's params in place (raw: a request of plain strings is filled
// without Decode's walk and without a copy of params); Handle takes params
// without the principal keys.
func bind[Req any](s Spec, h MapHandler[Req]) Action {
	sf := stringFieldsOf(s.Request)
	raw := func(ctx context.Context, p connectors.Principal, params map[string]any, skip int) (map[string]any, error) {
		var req Req
		if !fill(sf, params, skip, &req) {
			var err error
			if req, err = decodeCopy[Req](params, skip); err != nil {
				return nil, err
			}
		}
		return h(ctx, p, req)
	}
	return Action{Capability: s.Capability, raw: raw, Handle: func(ctx context.Context, p connectors.Principal, params map[string]any) (map[string]any, error) {
		return raw(ctx, p, params, 0)
	}}
}

// Typed declares and binds at once, for a vendor without a shared contract
// package.
func Typed[Req, Resp any](c connectors.Capability, h TypedHandler[Req, Resp]) Action {
	return Bind(Declare[Req, Resp](c), h)
}

// ToMapper is implemented by response types that render themselves (a hot
// path that must not go through reflection at all).
type ToMapper interface {
	ToMap() map[string]any
}

// encFn renders one value.
type encFn func(reflect.Value) any

var encoders sync.Map // reflect.Type -> encFn

// encoderOf returns the compiled encoder of t, building it once. A
// recursive type gets a forwarding encoder while its own is built, as
// encoding/json does.
func encoderOf(t reflect.Type) encFn {
	if f, ok := encoders.Load(t); ok {
		return f.(encFn)
	}
	var (
		wg sync.WaitGroup
		f  encFn
	)
	wg.Add(1)
	fi, loaded := encoders.LoadOrStore(t, encFn(func(v reflect.Value) any { wg.Wait(); return f(v) }))
	if loaded {
		return fi.(encFn)
	}
	f = newEncoder(t)
	wg.Done()
	encoders.Store(t, f)
	return f
}

var dateType = reflect.TypeFor[connectors.Date]()

func newEncoder(t reflect.Type) encFn {
	if t == dateType {
		return func(v reflect.Value) any { return formatDate(v.Interface().(connectors.Date)) }
	}
	if t.Kind() != reflect.Pointer && t.Kind() != reflect.Interface && t.Implements(textMarshaler) {
		return func(v reflect.Value) any {
			b, err := v.Interface().(interface{ MarshalText() ([]byte, error) }).MarshalText()
			if err != nil {
				return nil
			}
			return string(b)
		}
	}
	switch t.Kind() {
	case reflect.Pointer:
		elem := encoderOf(t.Elem())
		return func(v reflect.Value) any {
			if v.IsNil() {
				return nil
			}
			return elem(v.Elem())
		}
	case reflect.Interface:
		return func(v reflect.Value) any {
			if v.IsNil() {
				return nil
			}
			e := v.Elem()
			return encoderOf(e.Type())(e)
		}
	case reflect.String:
		return func(v reflect.Value) any { return v.String() }
	case reflect.Bool:
		return func(v reflect.Value) any { return v.Bool() }
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return func(v reflect.Value) any { return float64(v.Int()) }
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return func(v reflect.Value) any { return float64(v.Uint()) }
	case reflect.Float32, reflect.Float64:
		return func(v reflect.Value) any { return v.Float() }
	case reflect.Slice, reflect.Array:
		elem := encoderOf(t.Elem())
		isSlice := t.Kind() == reflect.Slice
		return func(v reflect.Value) any {
			if isSlice && v.IsNil() {
				return nil // as encoding/json: a nil slice is null
			}
			out := make([]any, v.Len())
			for i := range out {
				out[i] = elem(v.Index(i))
			}
			return out
		}
	case reflect.Map:
		elem := encoderOf(t.Elem())
		strKey := t.Key().Kind() == reflect.String
		return func(v reflect.Value) any {
			if v.IsNil() {
				return nil
			}
			out := make(map[string]any, v.Len())
			it := v.MapRange()
			for it.Next() {
				k := it.Key()
				var ks string
				if strKey {
					ks = k.String()
				} else {
					ks = fmt.Sprint(k.Interface())
				}
				out[ks] = elem(it.Value())
			}
			return out
		}
	case reflect.Struct:
		si := infoOf(t)
		type field struct {
			name  string
			index []int
			omit  bool
			enc   encFn
		}
		fields := make([]field, len(si.fields))
		for i, f := range si.fields {
			fields[i] = field{name: f.name, index: f.index, omit: f.omit, enc: encoderOf(t.FieldByIndex(f.index).Type)}
		}
		return func(v reflect.Value) any {
			out := make(map[string]any, len(fields))
			for i := range fields {
				f := &fields[i]
				var fv reflect.Value
				if len(f.index) == 1 {
					fv = v.Field(f.index[0])
				} else {
					fv = v.FieldByIndex(f.index)
				}
				if f.omit && fv.IsZero() {
					continue
				}
				out[f.name] = f.enc(fv)
			}
			return out
		}
	}
	return func(v reflect.Value) any { return v.Interface() }
}

// formatDate is Date.String without fmt.
func formatDate(d connectors.Date) string {
	if d.Year < 0 || d.Year > 9999 || d.Month < 1 || d.Month > 12 || d.Day < 0 || d.Day > 99 {
		return d.String()
	}
	var b [10]byte
	y, m := d.Year, int(d.Month)
	b[0], b[1], b[2], b[3] = byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10)
	b[4], b[5], b[6] = '-', byte('0'+m/10), byte('0'+m%10)
	b[7], b[8], b[9] = '-', byte('0'+d.Day/10), byte('0'+d.Day%10)
	return string(b[:])
}
