package translate

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	connectors "github.com/xlr8/connectors"
)

// Option configures a dialect compile.
type Option func(*compileOptions)

type compileOptions struct {
	schema     *connectors.EntitySchema
	types      map[string]connectors.FieldType
	sinceField string
}

// WithSchema gives the entity's fields (a vendor's describe, or
// Vocabulary.Schema): their types choose literal forms and coerce values
// ('2024-01-31' on a date field becomes a date), vendor types choose OData
// literal suffixes, a field marked not Filterable stays client side, and a
// field the schema lacks is an INVALID_ARGUMENT error with a suggestion.
func WithSchema(s connectors.EntitySchema) Option {
	return func(o *compileOptions) { o.schema = &s }
}

// WithTypes gives field types without a full schema (unknown fields are
// then allowed).
func WithTypes(types map[string]connectors.FieldType) Option {
	return func(o *compileOptions) { o.types = types }
}

// WithSinceField names the field Query.Since filters on (SystemModstamp,
// lastModifiedDateTime, LastUpdateDate ...): the compile adds
// field >= Since to the pushed filter. A query with Since compiled without
// it is an error, never a silently wider read.
func WithSinceField(field string) Option {
	return func(o *compileOptions) { o.sinceField = field }
}

func buildOptions(opts []Option) *compileOptions {
	o := &compileOptions{}
	for _, fn := range opts {
		if fn != nil {
			fn(o)
		}
	}
	return o
}

// fieldInfo returns what is known of a field: its type ("" if unknown),
// vendor type, and whether the server may filter on it.
func (o *compileOptions) fieldInfo(name string) (t connectors.FieldType, vendor string, filterable bool, err error) {
	if o.schema != nil {
		f, ok := o.schema.Field(name)
		if !ok {
			known := make([]string, len(o.schema.Fields))
			for i, sf := range o.schema.Fields {
				known[i] = sf.Name
			}
			return "", "", false, unknownName("field", name, "on "+o.schema.Entity, known)
		}
		return f.Type, f.VendorType, f.Filterable || !o.schemaMarksFilterable(), nil
	}
	if o.types != nil {
		return o.types[name], "", true, nil
	}
	return "", "", true, nil
}

// schemaMarksFilterable reports whether the schema says anything about
// filterability (a schema with no field marked filterable is taken to say
// nothing).
func (o *compileOptions) schemaMarksFilterable() bool {
	for _, f := range o.schema.Fields {
		if f.Filterable {
			return true
		}
	}
	return false
}

// prepare validates q for a dialect, adds the Since condition, and coerces
// values to the fields' types.
func prepare(q connectors.Query, o *compileOptions, lang string, validName func(string) bool) (connectors.Query, error) {
	if err := q.Validate(); err != nil {
		return q, err
	}
	if !validName(q.Entity) {
		return q, invalidf("%s: entity name %q cannot be written in %s", lang, q.Entity, lang).WithDetail("entity", q.Entity)
	}
	check := func(f string) error {
		if !validName(f) {
			return invalidf("%s: field name %q cannot be written in %s", lang, f, lang).WithDetail("field", f)
		}
		if _, _, _, err := o.fieldInfo(f); err != nil {
			return err
		}
		return nil
	}
	for _, f := range q.Fields {
		if err := check(f); err != nil {
			return q, err
		}
	}
	for _, ord := range q.OrderBy {
		if err := check(ord.Field); err != nil {
			return q, err
		}
	}
	if !q.Since.IsZero() {
		if o.sinceField == "" {
			return q, unsupportedf("%s: the query has Since but the compile was given no since field (WithSinceField)", lang)
		}
		q.Where = connectors.Conjoin(q.Where, connectors.Ge(o.sinceField, q.Since))
	}
	where, err := rewrite(connectors.Normalize(q.Where), func(c connectors.Cmp) (connectors.Expr, error) {
		if err := check(c.Field); err != nil {
			return nil, err
		}
		t, _, _, _ := o.fieldInfo(c.Field)
		return coerceCmp(c, t)
	})
	if err != nil {
		return q, err
	}
	q.Where = where
	return q, nil
}

// coerceCmp converts a comparison's values to the field's type: strings to
// dates, timestamps, numbers and booleans; numbers and booleans to strings
// on text fields; dates to midnight UTC on datetime fields. A value that
// cannot be converted is an INVALID_ARGUMENT error naming the field.
func coerceCmp(c connectors.Cmp, t connectors.FieldType) (connectors.Expr, error) {
	if t == "" || c.Op == connectors.OpIsNull || c.Op == connectors.OpContains || c.Op == connectors.OpStartsWith {
		return c, nil
	}
	conv := func(v any) (any, error) {
		out, ok := coerceValue(v, t)
		if !ok {
			return nil, invalidf("field %q is of type %s; %s is not a %s", c.Field, t, connectors.FormatValue(v), t).
				WithDetail("field", c.Field)
		}
		return out, nil
	}
	if c.Op == connectors.OpIn {
		list, _ := c.Value.([]any)
		out := make([]any, len(list))
		for i, v := range list {
			x, err := conv(v)
			if err != nil {
				return nil, err
			}
			out[i] = x
		}
		c.Value = out
		return c, nil
	}
	v, err := conv(c.Value)
	if err != nil {
		return nil, err
	}
	c.Value = v
	return c, nil
}

func coerceValue(v any, t connectors.FieldType) (any, bool) {
	switch t {
	case connectors.TypeDate:
		switch x := v.(type) {
		case connectors.Date:
			return x, true
		case time.Time:
			if isMidnightUTC(x) {
				return connectors.DateOf(x), true
			}
			return x, true
		case string:
			if d, err := connectors.ParseDate(x); err == nil {
				return d, true
			}
			if ts, err := parseTimestamp(x); err == nil {
				return coerceValue(ts, t)
			}
		}
		return nil, false
	case connectors.TypeDateTime:
		switch x := v.(type) {
		case connectors.Date:
			return x.Time(), true
		case time.Time:
			return x, true
		case string:
			if ts, err := parseTimestamp(x); err == nil {
				return ts, true
			}
			if d, err := connectors.ParseDate(x); err == nil {
				return d.Time(), true
			}
		}
		return nil, false
	case connectors.TypeInt:
		switch x := v.(type) {
		case int64:
			return x, true
		case float64:
			if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
				return int64(x), true
			}
			return x, true
		case string:
			if n, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64); err == nil {
				return n, true
			}
			if f, err := strconv.ParseFloat(strings.TrimSpace(x), 64); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
				return f, true
			}
		}
		return nil, false
	case connectors.TypeFloat:
		switch x := v.(type) {
		case int64, float64:
			return x, true
		case string:
			if n, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64); err == nil {
				return n, true
			}
			if f, err := strconv.ParseFloat(strings.TrimSpace(x), 64); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
				return f, true
			}
		}
		return nil, false
	case connectors.TypeBool:
		switch x := v.(type) {
		case bool:
			return x, true
		case string:
			switch strings.ToLower(strings.TrimSpace(x)) {
			case "true":
				return true, true
			case "false":
				return false, true
			}
		}
		return nil, false
	case connectors.TypeString:
		switch x := v.(type) {
		case string:
			return x, true
		case int64:
			return strconv.FormatInt(x, 10), true
		case float64:
			return strconv.FormatFloat(x, 'f', -1, 64), true
		case bool:
			return strconv.FormatBool(x), true
		}
		return v, true
	}
	return v, true
}

func isMidnightUTC(t time.Time) bool {
	_, off := t.Zone()
	return off == 0 && t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 && t.Nanosecond() == 0
}

// split divides e into the part ok accepts whole (pushed to the server)
// and the rest (residual, evaluated with Match). Conjuncts split one by
// one; an Or or Not goes to one side whole.
func split(e connectors.Expr, ok func(connectors.Expr) bool) (pushed, residual connectors.Expr) {
	if e == nil {
		return nil, nil
	}
	if ok(e) {
		return e, nil
	}
	if a, isAnd := e.(connectors.And); isAnd {
		var ps, rs []connectors.Expr
		for _, c := range a {
			p, r := split(c, ok)
			if p != nil {
				ps = append(ps, p)
			}
			if r != nil {
				rs = append(rs, r)
			}
		}
		return conj(ps), conj(rs)
	}
	return nil, e
}

func conj(list []connectors.Expr) connectors.Expr {
	switch len(list) {
	case 0:
		return nil
	case 1:
		return list[0]
	}
	return connectors.And(list)
}

// withResidualFields returns the fields to request: the query's, plus
// those the residual needs (extra, to drop after Match). With no fields
// requested the default set is used and nothing is added.
func withResidualFields(fields []string, residual connectors.Expr) (all, extra []string) {
	all = slices.Clone(fields)
	if len(fields) == 0 {
		return nil, nil
	}
	for _, f := range connectors.ExprFields(residual) {
		if !slices.Contains(all, f) {
			all = append(all, f)
			extra = append(extra, f)
		}
	}
	return all, extra
}

// identOK reports whether s is a plain identifier path: segments of
// letters, digits and underscores (not starting with a digit) joined by
// sep.
func identOK(s string, sep byte) bool {
	if s == "" {
		return false
	}
	start := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == sep:
			if start {
				return false
			}
			start = true
			continue
		case isIdentStart(c):
		case isDigit(c) && !start:
		default:
			return false
		}
		start = false
	}
	return !start
}

// plainText reports whether s has no control characters (which some
// dialects cannot carry in a literal).
func plainText(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return false
		}
	}
	return true
}

// floatText renders a float without an exponent and always with a point,
// so that it reads back as a float.
func floatText(x float64) string {
	s := strconv.FormatFloat(x, 'f', -1, 64)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}

// joinWith renders an And or Or for the dialect writers: nested And and Or
// are always parenthesized (as the universal printer does), so that the
// parsers give back the same tree.
func joinWith(list []connectors.Expr, sep string, prec, ctx int, render func(connectors.Expr, int) (string, bool)) (string, bool) {
	if len(list) == 0 {
		return "", false
	}
	parts := make([]string, len(list))
	for i, c := range list {
		cctx := prec
		switch c.(type) {
		case connectors.And, connectors.Or:
			cctx = precNot
		}
		s, ok := render(c, cctx)
		if !ok {
			return "", false
		}
		parts[i] = s
	}
	if len(list) == 1 {
		return parts[0], true
	}
	return parenIf(strings.Join(parts, sep), prec, ctx), true
}
