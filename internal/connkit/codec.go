package connkit

import (
	"encoding"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/internal/errs"
)

// Decode fills the struct dst points to from Execute params, strictly:
//
//   - a key that names no field is an error (listing the fields);
//   - a field without omitempty or omitzero in its json tag is required,
//     the same rule google/jsonschema-go uses to infer "required", so the
//     published schema and the check agree;
//   - a value of the wrong JSON type, a number out of range or with a
//     fraction for an integer, a malformed date (any TextUnmarshaler) is an
//     error;
//
// Every error is INVALID_ARGUMENT with Details["field"] the dotted path of
// the offending field ("updates.job.title", "status_filter[1]"). Decode
// reads params without JSON encoding them, so it is cheap.
func Decode(params map[string]any, dst any) error {
	rv := reflect.ValueOf(dst)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
		return &errs.Error{Code: errs.CodeInternal, Message: fmt.Sprintf("connkit.Decode: destination %T is not a pointer to a struct", dst)}
	}
	return decodeStruct("", rv.Elem(), params)
}

type fieldInfo struct {
	name     string
	index    []int
	required bool
	omit     bool // omitempty or omitzero
}

type structInfo struct {
	fields []fieldInfo
	byName map[string]int
	names  []string
}

var infoCache sync.Map // reflect.Type -> *structInfo

func infoOf(t reflect.Type) *structInfo {
	if v, ok := infoCache.Load(t); ok {
		return v.(*structInfo)
	}
	si := &structInfo{byName: map[string]int{}}
	var collect func(t reflect.Type, index []int)
	collect = func(t reflect.Type, index []int) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			idx := append(append([]int(nil), index...), i)
			if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
				collect(f.Type, idx)
				continue
			}
			if !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			omit := strings.Contains(","+opts+",", ",omitempty,") || strings.Contains(","+opts+",", ",omitzero,")
			si.byName[name] = len(si.fields)
			si.fields = append(si.fields, fieldInfo{name: name, index: idx, required: !omit, omit: omit})
			si.names = append(si.names, name)
		}
	}
	collect(t, nil)
	sort.Strings(si.names)
	v, _ := infoCache.LoadOrStore(t, si)
	return v.(*structInfo)
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func invalid(path, format string, args ...any) *errs.Error {
	msg := fmt.Sprintf(format, args...)
	if path != "" {
		msg = fmt.Sprintf("field %q: %s", path, msg)
	}
	return (&errs.Error{Code: errs.CodeInvalidArgument, Message: msg}).WithDetail("field", path)
}

func decodeStruct(path string, dst reflect.Value, m map[string]any) error {
	si := infoOf(dst.Type())
	// Unknown keys first, in sorted order for a deterministic message.
	var unknown []string
	for k := range m {
		if _, ok := si.byName[k]; !ok {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return invalid(join(path, unknown[0]), "unknown field (known fields: %s)", strings.Join(si.names, ", "))
	}
	for i := range si.fields {
		f := &si.fields[i]
		v, present := m[f.name]
		fp := join(path, f.name)
		if !present || v == nil {
			if f.required {
				if present {
					return invalid(fp, "is required and must not be null")
				}
				return invalid(fp, "is required")
			}
			continue
		}
		if err := assign(fp, dst.FieldByIndex(f.index), v); err != nil {
			return err
		}
	}
	return nil
}

var (
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
	textMarshaler   = reflect.TypeFor[encoding.TextMarshaler]()
	timeType        = reflect.TypeFor[time.Time]()
)

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case bool:
		return "boolean"
	case float64, float32, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, json.Number:
		return "number"
	case map[string]any, connectors.Record:
		return "object"
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.Map, reflect.Struct:
		return "object"
	case reflect.String:
		return "string"
	}
	return fmt.Sprintf("%T", v)
}

func assign(path string, dst reflect.Value, v any) error {
	if v == nil {
		dst.SetZero()
		return nil
	}
	t := dst.Type()
	if t.Kind() != reflect.Pointer && reflect.PointerTo(t).Implements(textUnmarshaler) && t.Kind() != reflect.Interface {
		s, ok := v.(string)
		if !ok {
			return invalid(path, "want a string, got %s", jsonKind(v))
		}
		if err := dst.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(s)); err != nil {
			want := "a valid value"
			switch {
			case t == timeType:
				want = "an RFC 3339 date-time"
			case t == reflect.TypeFor[connectors.Date]():
				want = "a date (YYYY-MM-DD)"
			}
			return invalid(path, "%q is not %s", s, want)
		}
		return nil
	}
	switch t.Kind() {
	case reflect.Interface:
		rv := reflect.ValueOf(v)
		if !rv.Type().AssignableTo(t) {
			return invalid(path, "want %s, got %s", t, jsonKind(v))
		}
		dst.Set(rv)
		return nil
	case reflect.Pointer:
		p := reflect.New(t.Elem())
		if err := assign(path, p.Elem(), v); err != nil {
			return err
		}
		dst.Set(p)
		return nil
	case reflect.String:
		s, ok := v.(string)
		if !ok {
			return invalid(path, "want a string, got %s", jsonKind(v))
		}
		dst.SetString(s)
		return nil
	case reflect.Bool:
		b, ok := v.(bool)
		if !ok {
			return invalid(path, "want a boolean, got %s", jsonKind(v))
		}
		dst.SetBool(b)
		return nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, err := toInt(v)
		if err != nil {
			return invalid(path, "%v", err)
		}
		if dst.OverflowInt(n) {
			return invalid(path, "%d is out of range", n)
		}
		dst.SetInt(n)
		return nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n, err := toInt(v)
		if err != nil {
			return invalid(path, "%v", err)
		}
		if n < 0 || dst.OverflowUint(uint64(n)) {
			return invalid(path, "%d is out of range", n)
		}
		dst.SetUint(uint64(n))
		return nil
	case reflect.Float32, reflect.Float64:
		f, ok := toFloat(v)
		if !ok {
			return invalid(path, "want a number, got %s", jsonKind(v))
		}
		if math.IsNaN(f) || math.IsInf(f, 0) || dst.OverflowFloat(f) {
			return invalid(path, "%v is not a usable number", f)
		}
		dst.SetFloat(f)
		return nil
	case reflect.Slice:
		rv := reflect.ValueOf(v)
		if rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array {
			return invalid(path, "want an array, got %s", jsonKind(v))
		}
		out := reflect.MakeSlice(t, rv.Len(), rv.Len())
		for i := 0; i < rv.Len(); i++ {
			if err := assign(fmt.Sprintf("%s[%d]", path, i), out.Index(i), rv.Index(i).Interface()); err != nil {
				return err
			}
		}
		dst.Set(out)
		return nil
	case reflect.Map:
		m, ok := asObject(v)
		if !ok {
			return invalid(path, "want an object, got %s", jsonKind(v))
		}
		if t.Key().Kind() != reflect.String {
			return invalid(path, "unsupported map key type %s", t.Key())
		}
		out := reflect.MakeMapWithSize(t, len(m))
		for k, e := range m {
			ev := reflect.New(t.Elem()).Elem()
			if err := assign(join(path, k), ev, e); err != nil {
				return err
			}
			out.SetMapIndex(reflect.ValueOf(k).Convert(t.Key()), ev)
		}
		dst.Set(out)
		return nil
	case reflect.Struct:
		m, ok := asObject(v)
		if !ok {
			return invalid(path, "want an object, got %s", jsonKind(v))
		}
		return decodeStruct(path, dst, m)
	}
	return invalid(path, "unsupported field type %s", t)
}

func asObject(v any) (map[string]any, bool) {
	switch m := v.(type) {
	case map[string]any:
		return m, true
	case connectors.Record:
		return m, true
	}
	return nil, false
}

func toInt(v any) (int64, error) {
	switch x := v.(type) {
	case int:
		return int64(x), nil
	case int8:
		return int64(x), nil
	case int16:
		return int64(x), nil
	case int32:
		return int64(x), nil
	case int64:
		return x, nil
	case uint:
		if uint64(x) > math.MaxInt64 {
			return 0, fmt.Errorf("%d is out of range", x)
		}
		return int64(x), nil
	case uint8:
		return int64(x), nil
	case uint16:
		return int64(x), nil
	case uint32:
		return int64(x), nil
	case uint64:
		if x > math.MaxInt64 {
			return 0, fmt.Errorf("%d is out of range", x)
		}
		return int64(x), nil
	case float32:
		return floatToInt(float64(x))
	case float64:
		return floatToInt(x)
	case json.Number:
		if n, err := x.Int64(); err == nil {
			return n, nil
		}
		f, err := x.Float64()
		if err != nil {
			return 0, fmt.Errorf("%q is not a number", string(x))
		}
		return floatToInt(f)
	}
	return 0, fmt.Errorf("want an integer, got %s", jsonKind(v))
}

func floatToInt(f float64) (int64, error) {
	if f != math.Trunc(f) || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, fmt.Errorf("want an integer, got %s", strconv.FormatFloat(f, 'g', -1, 64))
	}
	if f > math.MaxInt64 || f < math.MinInt64 {
		return 0, fmt.Errorf("%s is out of range", strconv.FormatFloat(f, 'g', -1, 64))
	}
	return int64(f), nil
}

func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case float32:
		return float64(x), true
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	}
	if n, err := toInt(v); err == nil {
		return float64(n), true
	}
	return 0, false
}

// Encode renders a Go value as the JSON-like value encoding/json would
// produce when decoding its JSON into any: structs and maps become
// map[string]any (json tags, omitempty and omitzero honoured), slices []any
// (a nil slice is null, as in JSON: initialise lists that must show as []),
// every number float64, TextMarshalers (dates, times) strings. Execute
// results are built this way, so an in-process connector and one across the
// wire return identical values. It does not go through JSON, so it is cheap.
func Encode(v any) any {
	if v == nil {
		return nil
	}
	rv := reflect.ValueOf(v)
	return encoderOf(rv.Type())(rv)
}

// EncodeMap is Encode for a struct (or map) value, returning the map.
func EncodeMap(v any) map[string]any {
	if tm, ok := v.(ToMapper); ok {
		if rv := reflect.ValueOf(v); rv.Kind() != reflect.Pointer || !rv.IsNil() {
			return tm.ToMap()
		}
	}
	m, _ := Encode(v).(map[string]any)
	return m
}
