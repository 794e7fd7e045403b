package connectors

import (
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Op is a comparison operator.
type Op string

// The operators.
const (
	OpEq         Op = "eq"
	OpNe         Op = "ne"
	OpLt         Op = "lt"
	OpLe         Op = "le"
	OpGt         Op = "gt"
	OpGe         Op = "ge"
	OpIn         Op = "in"          // Value is a non-empty []any
	OpContains   Op = "contains"    // Value is a string
	OpStartsWith Op = "starts_with" // Value is a string
	OpIsNull     Op = "is_null"     // Value is unused (nil)
)

// Ops lists every operator.
func Ops() []Op {
	return []Op{OpEq, OpNe, OpLt, OpLe, OpGt, OpGe, OpIn, OpContains, OpStartsWith, OpIsNull}
}

// Valid reports whether op is one of the operators.
func (op Op) Valid() bool {
	switch op {
	case OpEq, OpNe, OpLt, OpLe, OpGt, OpGe, OpIn, OpContains, OpStartsWith, OpIsNull:
		return true
	}
	return false
}

// Expr is a filter expression: a Cmp, an And, an Or or a Not. The set is
// closed, so dialects can handle every node.
//
// String renders the universal query language's WHERE syntax (see package
// translate), which translate.Parse reads back to an equal Expr.
type Expr interface {
	String() string
	isExpr()
}

// Cmp compares a field with a value.
type Cmp struct {
	Field string
	Op    Op
	Value any
}

// And is true when every child is.
type And []Expr

// Or is true when any child is.
type Or []Expr

// Not negates its child.
type Not struct{ X Expr }

func (Cmp) isExpr() {}
func (And) isExpr() {}
func (Or) isExpr()  {}
func (Not) isExpr() {}

// Eq is field = v.
func Eq(field string, v any) Cmp { return Cmp{Field: field, Op: OpEq, Value: normalize(v)} }

// Ne is field != v.
func Ne(field string, v any) Cmp { return Cmp{Field: field, Op: OpNe, Value: normalize(v)} }

// Lt is field < v.
func Lt(field string, v any) Cmp { return Cmp{Field: field, Op: OpLt, Value: normalize(v)} }

// Le is field <= v.
func Le(field string, v any) Cmp { return Cmp{Field: field, Op: OpLe, Value: normalize(v)} }

// Gt is field > v.
func Gt(field string, v any) Cmp { return Cmp{Field: field, Op: OpGt, Value: normalize(v)} }

// Ge is field >= v.
func Ge(field string, v any) Cmp { return Cmp{Field: field, Op: OpGe, Value: normalize(v)} }

// In is field IN (vs...). A single slice argument is spread.
func In(field string, vs ...any) Cmp {
	if len(vs) == 1 {
		if rv := reflect.ValueOf(vs[0]); rv.IsValid() && rv.Kind() == reflect.Slice {
			spread := make([]any, rv.Len())
			for i := range spread {
				spread[i] = rv.Index(i).Interface()
			}
			vs = spread
		}
	}
	list := make([]any, len(vs))
	for i, v := range vs {
		list[i] = normalize(v)
	}
	return Cmp{Field: field, Op: OpIn, Value: list}
}

// Contains is true when the field's text contains s.
func Contains(field, s string) Cmp { return Cmp{Field: field, Op: OpContains, Value: s} }

// StartsWith is true when the field's text starts with s.
func StartsWith(field, s string) Cmp { return Cmp{Field: field, Op: OpStartsWith, Value: s} }

// IsNull is true when the field is null or absent.
func IsNull(field string) Cmp { return Cmp{Field: field, Op: OpIsNull} }

// Filters builds an And of Eq from a plain filter map (the seed API's
// filters dict), in key order; a slice value becomes In. An empty map gives
// nil (no filter); a single entry gives the Cmp itself.
func Filters(m map[string]any) Expr {
	if len(m) == 0 {
		return nil
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make(And, 0, len(keys))
	for _, k := range keys {
		v := m[k]
		if rv := reflect.ValueOf(v); rv.IsValid() && rv.Kind() == reflect.Slice && rv.Type().Elem().Kind() != reflect.Uint8 {
			out = append(out, In(k, v))
			continue
		}
		if v == nil {
			out = append(out, IsNull(k))
			continue
		}
		out = append(out, Eq(k, v))
	}
	if len(out) == 1 {
		return out[0]
	}
	return out
}

// normalize maps Go values to the value kinds an Expr holds: string, bool,
// int64, float64, time.Time, Date, nil. Other values are kept (Validate
// reports them).
func normalize(v any) any {
	switch x := v.(type) {
	case nil, string, bool, int64, float64, time.Time, Date:
		return v
	case int:
		return int64(x)
	case int8:
		return int64(x)
	case int16:
		return int64(x)
	case int32:
		return int64(x)
	case uint:
		if uint64(x) <= math.MaxInt64 {
			return int64(x)
		}
	case uint8:
		return int64(x)
	case uint16:
		return int64(x)
	case uint32:
		return int64(x)
	case uint64:
		if x <= math.MaxInt64 {
			return int64(x)
		}
	case float32:
		return float64(x)
	case *time.Time:
		if x != nil {
			return *x
		}
		return nil
	case fmt.Stringer:
		if rv := reflect.ValueOf(v); rv.Kind() == reflect.String {
			return rv.String() // named string types
		}
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.String:
		return rv.String()
	case reflect.Bool:
		return rv.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return rv.Int()
	case reflect.Float32, reflect.Float64:
		return rv.Float()
	}
	return v
}

// Normalize returns e with every value in its canonical kind (int → int64,
// float32 → float64, named strings → string ...), as the constructors build
// them. Exprs built as struct literals may need it before comparison.
func Normalize(e Expr) Expr {
	switch x := e.(type) {
	case Cmp:
		if list, ok := x.Value.([]any); ok {
			out := make([]any, len(list))
			for i, v := range list {
				out[i] = normalize(v)
			}
			x.Value = out
			return x
		}
		if x.Op == OpIn {
			return In(x.Field, x.Value)
		}
		x.Value = normalize(x.Value)
		return x
	case And:
		out := make(And, len(x))
		for i, c := range x {
			out[i] = Normalize(c)
		}
		return out
	case Or:
		out := make(Or, len(x))
		for i, c := range x {
			out[i] = Normalize(c)
		}
		return out
	case Not:
		return Not{X: Normalize(x.X)}
	}
	return e
}

// ValidateExpr checks an expression: no nil child, no empty And/Or, a field
// on every comparison, a known operator, a list for in, a string for
// contains and starts_with, a supported value kind everywhere. The error is
// INVALID_ARGUMENT and names the offending part.
//
// It also refuses an expression nested deeper than MaxExprDepth, counted as
// the parsers count it, before looking at anything else: a caller-built
// expression gets the same bound as a parsed one, and nothing downstream
// (compiles, matchers) ever walks a pathological tree.
func ValidateExpr(e Expr) error {
	if d, ok := exprDepth(e, MaxExprDepth); !ok {
		return invalidf("where", "where: expression nested deeper than %d levels (at least %d)", MaxExprDepth, d)
	}
	return validateExpr(e, "where")
}

// MaxExprDepth is the deepest nesting an expression may have: the limit of
// the translate parsers, which count one level for the whole expression,
// one per NOT and one per parenthesised group. An AND directly inside an
// OR needs no parentheses and so adds no level.
const MaxExprDepth = 200

// exprDepth returns the nesting depth of e as the parsers count it, and
// false as soon as it passes limit (without walking further), so that it
// costs at most the size of the first limit+1 levels of every branch.
func exprDepth(e Expr, limit int) (int, bool) {
	type frame struct {
		e     Expr
		level int
	}
	root := 1
	if _, ok := e.(Not); ok {
		root = 2
	}
	stack := []frame{{e, root}}
	deepest := root
	for len(stack) > 0 {
		f := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if f.level > deepest {
			deepest = f.level
		}
		if f.level > limit {
			return f.level, false
		}
		// The level of child c of parent p: an And directly under an Or is
		// the parser's same level; every other And/Or child is a
		// parenthesised group, one level down; a Not is one level down and
		// its And/Or operand one more (its parentheses).
		push := func(list []Expr, parentOr bool) {
			for _, c := range list {
				lvl := f.level
				switch c.(type) {
				case And:
					if !parentOr {
						lvl++
					}
				case Or:
					lvl++
				case Not:
					lvl++
				}
				stack = append(stack, frame{c, lvl})
			}
		}
		switch x := f.e.(type) {
		case And:
			push([]Expr(x), false)
		case Or:
			push([]Expr(x), true)
		case Not:
			lvl := f.level
			switch x.X.(type) {
			case And, Or, Not:
				lvl++
			}
			stack = append(stack, frame{x.X, lvl})
		}
	}
	return deepest, true
}

func validateExpr(e Expr, path string) error {
	switch x := e.(type) {
	case nil:
		return invalidf(path, "%s: nil expression", path)
	case Cmp:
		return x.validate(path)
	case And:
		if x == nil {
			return invalidf(path, "%s: nil AND", path)
		}
		if len(x) == 0 {
			return invalidf(path, "%s: AND with no operands", path)
		}
		for i, c := range x {
			if err := validateExpr(c, fmt.Sprintf("%s.and[%d]", path, i)); err != nil {
				return err
			}
		}
	case Or:
		if x == nil {
			return invalidf(path, "%s: nil OR", path)
		}
		if len(x) == 0 {
			return invalidf(path, "%s: OR with no operands", path)
		}
		for i, c := range x {
			if err := validateExpr(c, fmt.Sprintf("%s.or[%d]", path, i)); err != nil {
				return err
			}
		}
	case Not:
		return validateExpr(x.X, path+".not")
	default:
		return invalidf(path, "%s: unknown expression type %T", path, e)
	}
	return nil
}

func (c Cmp) validate(path string) error {
	if strings.TrimSpace(c.Field) == "" {
		return invalidf(path, "%s: comparison without a field", path)
	}
	if !c.Op.Valid() {
		return invalidf(path, "%s: unknown operator %q on field %q (want one of %v)", path, c.Op, c.Field, Ops())
	}
	switch c.Op {
	case OpIsNull:
		return nil
	case OpIn:
		list, ok := c.Value.([]any)
		if !ok {
			return invalidf(path, "%s: in on field %q needs a list of values, got %T", path, c.Field, c.Value)
		}
		if len(list) == 0 {
			return invalidf(path, "%s: in on field %q has an empty list", path, c.Field)
		}
		for i, v := range list {
			if err := validValue(v); err != nil {
				return invalidf(path, "%s: in on field %q, value %d: %v", path, c.Field, i, err)
			}
			if v == nil {
				return invalidf(path, "%s: in on field %q, value %d is null (use is_null)", path, c.Field, i)
			}
		}
		return nil
	case OpContains, OpStartsWith:
		if _, ok := c.Value.(string); !ok {
			return invalidf(path, "%s: %s on field %q needs a string, got %T", path, c.Op, c.Field, c.Value)
		}
		return nil
	}
	if c.Value == nil {
		return invalidf(path, "%s: %s on field %q compares with null (use is_null)", path, c.Op, c.Field)
	}
	if err := validValue(c.Value); err != nil {
		return invalidf(path, "%s: field %q: %v", path, c.Field, err)
	}
	return nil
}

func validValue(v any) error {
	switch x := normalize(v).(type) {
	case nil, string, bool, int64, time.Time, Date:
		return nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("value %v is not a finite number", x)
		}
		return nil
	}
	return fmt.Errorf("unsupported value type %T (want string, bool, integer, float, time.Time or Date)", v)
}

func invalidf(path, format string, args ...any) *Error {
	return Errorf(CodeInvalidArgument, format, args...).WithDetail("path", path)
}

// Universal-syntax rendering.

// String renders "field op value" in the universal syntax.
func (c Cmp) String() string {
	f := FormatIdent(c.Field)
	switch c.Op {
	case OpEq:
		return f + " = " + FormatValue(c.Value)
	case OpNe:
		return f + " != " + FormatValue(c.Value)
	case OpLt:
		return f + " < " + FormatValue(c.Value)
	case OpLe:
		return f + " <= " + FormatValue(c.Value)
	case OpGt:
		return f + " > " + FormatValue(c.Value)
	case OpGe:
		return f + " >= " + FormatValue(c.Value)
	case OpIn:
		list, _ := c.Value.([]any)
		parts := make([]string, len(list))
		for i, v := range list {
			parts[i] = FormatValue(v)
		}
		return f + " IN (" + strings.Join(parts, ", ") + ")"
	case OpContains:
		s, _ := c.Value.(string)
		return f + " LIKE " + quote("%"+EscapeLike(s)+"%")
	case OpStartsWith:
		s, _ := c.Value.(string)
		return f + " LIKE " + quote(EscapeLike(s)+"%")
	case OpIsNull:
		return f + " IS NULL"
	}
	return fmt.Sprintf("%s <%s> %s", f, c.Op, FormatValue(c.Value))
}

func (a And) String() string { return joinExprs([]Expr(a), " AND ", precAnd) }
func (o Or) String() string  { return joinExprs([]Expr(o), " OR ", precOr) }

func (n Not) String() string {
	if n.X == nil {
		return "NOT <nil>"
	}
	if c, ok := n.X.(Cmp); ok && c.Op == OpIsNull {
		return FormatIdent(c.Field) + " IS NOT NULL"
	}
	return "NOT " + wrap(n.X, precNot)
}

const (
	precOr = iota + 1
	precAnd
	precNot
	precAtom
)

func precedence(e Expr) int {
	switch x := e.(type) {
	case Or:
		if len(x) == 1 {
			return precedence(x[0])
		}
		return precOr
	case And:
		if len(x) == 1 {
			return precedence(x[0])
		}
		return precAnd
	case Not:
		return precNot
	}
	return precAtom
}

// wrap parenthesizes e when its precedence is not above the context's, so
// that And{Or{a,b}, c} prints "(a OR b) AND c" and And{And{a,b}} keeps its
// shape: nested And and Or are always parenthesized, so parsing gives back
// the same tree.
func wrap(e Expr, ctx int) string {
	if e == nil {
		return "<nil>"
	}
	s := e.String()
	switch e.(type) {
	case And, Or:
		return "(" + s + ")"
	}
	if precedence(e) <= ctx {
		return "(" + s + ")"
	}
	return s
}

func joinExprs(list []Expr, sep string, prec int) string {
	if len(list) == 0 {
		return "<empty>"
	}
	parts := make([]string, len(list))
	for i, e := range list {
		parts[i] = wrap(e, prec)
	}
	return strings.Join(parts, sep)
}

// FormatValue renders a value as a universal-syntax literal: 'text' (quotes
// doubled), 42, 4.5, TRUE, FALSE, NULL, DATE '2024-01-31',
// TIMESTAMP '2024-01-31T10:00:00Z'. A float always shows a point or an
// exponent, so that it reads back as a float.
func FormatValue(v any) string {
	switch x := normalize(v).(type) {
	case nil:
		return "NULL"
	case string:
		return quote(x)
	case bool:
		if x {
			return "TRUE"
		}
		return "FALSE"
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		s := strconv.FormatFloat(x, 'g', -1, 64)
		if !strings.ContainsAny(s, ".eEn") {
			s += ".0"
		}
		return s
	case Date:
		return "DATE " + quote(x.String())
	case time.Time:
		return "TIMESTAMP " + quote(x.Format(time.RFC3339Nano))
	}
	return quote(fmt.Sprint(v))
}

func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// EscapeLike escapes the LIKE metacharacters %, _ and \ with a backslash.
func EscapeLike(s string) string {
	if !strings.ContainsAny(s, `%_\`) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if r == '%' || r == '_' || r == '\\' {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// reservedWords are the universal language's keywords; a field named like
// one is quoted.
var reservedWords = map[string]bool{
	"SELECT": true, "FROM": true, "WHERE": true, "AND": true, "OR": true, "NOT": true, "IN": true,
	"LIKE": true, "IS": true, "NULL": true, "TRUE": true, "FALSE": true, "ORDER": true, "BY": true,
	"ASC": true, "DESC": true, "LIMIT": true, "DATE": true, "TIMESTAMP": true, "AS": true, "OF": true,
	"SINCE": true, "ESCAPE": true,
}

// FormatIdent renders a field name: bare when it is a plain (possibly
// dotted) identifier that is not a keyword, else in double quotes with
// inner quotes doubled.
func FormatIdent(name string) string {
	if isPlainIdent(name) && !reservedWords[strings.ToUpper(name)] {
		return name
	}
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

func isPlainIdent(s string) bool {
	if s == "" {
		return false
	}
	for _, part := range strings.Split(s, ".") {
		if part == "" {
			return false
		}
		for i, r := range part {
			switch {
			case r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z'):
			case i > 0 && (r >= '0' && r <= '9'):
			default:
				return false
			}
		}
		if reservedWords[strings.ToUpper(part)] {
			return false
		}
	}
	return true
}

// Walk calls fn for every comparison in e, depth first, until fn returns
// false.
func Walk(e Expr, fn func(Cmp) bool) bool {
	switch x := e.(type) {
	case Cmp:
		return fn(x)
	case And:
		for _, c := range x {
			if !Walk(c, fn) {
				return false
			}
		}
	case Or:
		for _, c := range x {
			if !Walk(c, fn) {
				return false
			}
		}
	case Not:
		return Walk(x.X, fn)
	}
	return true
}

// ExprFields returns the distinct fields e compares, in first-seen order.
func ExprFields(e Expr) []string {
	var out []string
	seen := map[string]bool{}
	Walk(e, func(c Cmp) bool {
		if !seen[c.Field] {
			seen[c.Field] = true
			out = append(out, c.Field)
		}
		return true
	})
	return out
}

// Conjoin returns the And of the non-nil expressions, flattening nested
// Ands; nil when there are none, the expression itself when there is one.
func Conjoin(list ...Expr) Expr {
	var out And
	for _, e := range list {
		switch x := e.(type) {
		case nil:
		case And:
			out = append(out, x...)
		default:
			out = append(out, e)
		}
	}
	switch len(out) {
	case 0:
		return nil
	case 1:
		return out[0]
	}
	return out
}
