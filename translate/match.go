package translate

import (
	"encoding/json"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"

	connectors "github.com/xlr8/connectors"
)

// MatchOption configures a Matcher.
type MatchOption func(*matchConfig)

type matchConfig struct{ fold bool }

// FoldCase makes text comparisons (=, !=, IN, LIKE, ordering) ignore case,
// as Salesforce does on the server. By default they are case-sensitive.
func FoldCase() MatchOption { return func(c *matchConfig) { c.fold = true } }

// Matcher evaluates one expression against records, client side. Build it
// once per query with NewMatcher; it is safe for concurrent use.
type Matcher struct {
	root node
}

type node struct {
	kind     byte // 'c' comparison, '&', '|', '!'
	children []node
	field    string
	path     []string
	op       connectors.Op
	val      any
	list     []any
	text     string // contains/starts_with argument (folded when fold)
	fold     bool
}

// NewMatcher validates e (connectors.ValidateExpr) and prepares it. A nil
// expression matches every record.
func NewMatcher(e connectors.Expr, opts ...MatchOption) (*Matcher, error) {
	var cfg matchConfig
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	if e == nil {
		return &Matcher{root: node{kind: '&'}}, nil
	}
	if err := connectors.ValidateExpr(e); err != nil {
		return nil, err
	}
	return &Matcher{root: build(connectors.Normalize(e), cfg)}, nil
}

func build(e connectors.Expr, cfg matchConfig) node {
	switch x := e.(type) {
	case connectors.And:
		n := node{kind: '&'}
		for _, c := range x {
			n.children = append(n.children, build(c, cfg))
		}
		return n
	case connectors.Or:
		n := node{kind: '|'}
		for _, c := range x {
			n.children = append(n.children, build(c, cfg))
		}
		return n
	case connectors.Not:
		return node{kind: '!', children: []node{build(x.X, cfg)}}
	case connectors.Cmp:
		n := node{kind: 'c', field: x.Field, op: x.Op, val: x.Value, fold: cfg.fold}
		n.path = strings.FieldsFunc(x.Field, func(r rune) bool { return r == '.' || r == '/' })
		if list, ok := x.Value.([]any); ok {
			n.list = list
			if cfg.fold {
				n.list = make([]any, len(list))
				for i, v := range list {
					if s, isStr := v.(string); isStr {
						v = strings.ToLower(s)
					}
					n.list[i] = v
				}
			}
		}
		if s, ok := x.Value.(string); ok {
			n.text = s
			if cfg.fold {
				n.text = strings.ToLower(s)
				n.val = n.text
			}
		}
		return n
	}
	return node{kind: '|'} // unreachable after validation: matches nothing
}

// Filter returns m.Match as a function, for pager.Config.Filter.
func (m *Matcher) Filter() func(connectors.Record) bool { return m.Match }

// Match reports whether r satisfies the expression.
func (m *Matcher) Match(r connectors.Record) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	return m.root.eval(r)
}

// Match reports whether r satisfies e, with default (case-sensitive)
// rules; an invalid expression matches nothing. For many records build a
// Matcher once.
func Match(e connectors.Expr, r connectors.Record) bool {
	m, err := NewMatcher(e)
	if err != nil {
		return false
	}
	return m.Match(r)
}

func (n *node) eval(r connectors.Record) bool {
	switch n.kind {
	case '&':
		for i := range n.children {
			if !n.children[i].eval(r) {
				return false
			}
		}
		return true
	case '|':
		for i := range n.children {
			if n.children[i].eval(r) {
				return true
			}
		}
		return false
	case '!':
		return !n.children[0].eval(r)
	}
	if v, ok := r[n.field]; ok {
		return n.test(v)
	}
	if len(n.path) <= 1 {
		return n.test(nil)
	}
	found := false
	hit := walkPath(map[string]any(r), n.path, func(v any) bool {
		found = true
		return n.test(v)
	})
	if !found {
		return n.test(nil)
	}
	return hit
}

// walkPath calls fn on every value at path under cur, descending into
// nested maps, arrays (any element), Oracle child collections
// ({"items": [...]}) and OData expansions ({"results": [...]}); it stops
// and returns true when fn does.
func walkPath(cur any, path []string, fn func(any) bool) bool {
	if len(path) == 0 {
		if arr, ok := cur.([]any); ok {
			for _, el := range arr {
				if fn(el) {
					return true
				}
			}
			return false
		}
		return fn(cur)
	}
	switch x := cur.(type) {
	case map[string]any:
		if v, ok := x[path[0]]; ok {
			return walkPath(v, path[1:], fn)
		}
		for _, wrap := range []string{"items", "results"} {
			if inner, ok := x[wrap].([]any); ok {
				return walkPath(inner, path, fn)
			}
		}
	case connectors.Record:
		return walkPath(map[string]any(x), path, fn)
	case []any:
		for _, el := range x {
			if walkPath(el, path, fn) {
				return true
			}
		}
	}
	return false
}

// test compares one record value with the node's operand.
func (n *node) test(v any) bool {
	if arr, ok := v.([]any); ok && n.op != connectors.OpIsNull {
		for _, el := range arr {
			if n.test(el) {
				return true
			}
		}
		return false
	}
	switch n.op {
	case connectors.OpIsNull:
		if v == nil {
			return true
		}
		if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer && rv.IsNil() {
			return true
		}
		return false
	case connectors.OpContains, connectors.OpStartsWith:
		s, ok := v.(string)
		if !ok {
			return false
		}
		if n.fold {
			s = strings.ToLower(s)
		}
		if n.op == connectors.OpContains {
			return strings.Contains(s, n.text)
		}
		return strings.HasPrefix(s, n.text)
	case connectors.OpIn:
		for _, want := range n.list {
			if c, ok := compare(v, want, n.fold); ok && c == 0 {
				return true
			}
		}
		return false
	}
	c, ok := compare(v, n.val, n.fold)
	switch n.op {
	case connectors.OpEq:
		return ok && c == 0
	case connectors.OpNe:
		return !(ok && c == 0)
	case connectors.OpLt:
		return ok && c < 0
	case connectors.OpLe:
		return ok && c <= 0
	case connectors.OpGt:
		return ok && c > 0
	case connectors.OpGe:
		return ok && c >= 0
	}
	return false
}

// compare orders a record value against an operand of the expression's
// kinds (string, bool, int64, float64, Date, time.Time). ok is false when
// they cannot be compared (then = is false and != true).
func compare(rec, want any, fold bool) (int, bool) {
	if rec == nil {
		return 0, false
	}
	switch w := want.(type) {
	case string:
		switch r := rec.(type) {
		case string:
			if fold {
				return strings.Compare(strings.ToLower(r), w), true
			}
			return strings.Compare(r, w), true
		case bool:
			if b, err := strconv.ParseBool(w); err == nil {
				return cmpBool(r, b), true
			}
			return 0, false
		case time.Time, connectors.Date:
			if d, err := connectors.ParseDate(w); err == nil {
				return compare(rec, d, fold)
			}
			if t, ok := parseTimeValue(w); ok {
				return compare(rec, t, fold)
			}
			return 0, false
		}
		if x, isInt, ok := number(rec); ok {
			if y, yInt, ok := parseNumberText(w); ok {
				return cmpNumbers(x, isInt, y, yInt), true
			}
			s := formatNumber(x, isInt)
			return strings.Compare(s, w), true
		}
		return 0, false
	case int64, float64:
		y, yInt, _ := number(w)
		if x, xInt, ok := number(rec); ok {
			return cmpNumbers(x, xInt, y, yInt), true
		}
		if s, ok := rec.(string); ok {
			if x, xInt, ok := parseNumberText(s); ok {
				return cmpNumbers(x, xInt, y, yInt), true
			}
		}
		return 0, false
	case bool:
		switch r := rec.(type) {
		case bool:
			return cmpBool(r, w), true
		case string:
			if b, err := strconv.ParseBool(strings.ToLower(strings.TrimSpace(r))); err == nil {
				return cmpBool(b, w), true
			}
		}
		return 0, false
	case connectors.Date:
		d, ok := dateOf(rec)
		if !ok {
			return 0, false
		}
		return d.Compare(w), true
	case time.Time:
		t, ok := timeOf(rec)
		if !ok {
			return 0, false
		}
		return t.Compare(w), true
	}
	return 0, false
}

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}

// numberValue holds an int64 in i or a float64 in f.
type numberValue struct {
	i int64
	f float64
}

// number reads Go's numeric kinds and json.Number.
func number(v any) (numberValue, bool, bool) {
	switch x := v.(type) {
	case int64:
		return numberValue{i: x}, true, true
	case int:
		return numberValue{i: int64(x)}, true, true
	case float64:
		if math.IsNaN(x) {
			return numberValue{}, false, false
		}
		return numberValue{f: x}, false, true
	case int32:
		return numberValue{i: int64(x)}, true, true
	case float32:
		return numberValue{f: float64(x)}, false, true
	case json.Number:
		return parseNumberText(string(x))
	case string, bool, nil:
		return numberValue{}, false, false
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return numberValue{i: rv.Int()}, true, true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		u := rv.Uint()
		if u <= math.MaxInt64 {
			return numberValue{i: int64(u)}, true, true
		}
		return numberValue{f: float64(u)}, false, true
	case reflect.Float32, reflect.Float64:
		return numberValue{f: rv.Float()}, false, !math.IsNaN(rv.Float())
	}
	return numberValue{}, false, false
}

func parseNumberText(s string) (numberValue, bool, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return numberValue{}, false, false
	}
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		return numberValue{i: i}, true, true
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && !math.IsNaN(f) && !math.IsInf(f, 0) {
		return numberValue{f: f}, false, true
	}
	return numberValue{}, false, false
}

func formatNumber(x numberValue, isInt bool) string {
	if isInt {
		return strconv.FormatInt(x.i, 10)
	}
	return strconv.FormatFloat(x.f, 'f', -1, 64)
}

func cmpNumbers(a numberValue, aInt bool, b numberValue, bInt bool) int {
	if aInt && bInt {
		switch {
		case a.i < b.i:
			return -1
		case a.i > b.i:
			return 1
		}
		return 0
	}
	x, y := a.f, b.f
	if aInt {
		x = float64(a.i)
	}
	if bInt {
		y = float64(b.i)
	}
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// dateOf reads a record value as a calendar date: a Date, a time.Time (its
// date where it is), "2024-03-01", a timestamp string (its date in its own
// offset), or OData's /Date(ms)/ (UTC).
func dateOf(v any) (connectors.Date, bool) {
	switch x := v.(type) {
	case connectors.Date:
		return x, true
	case time.Time:
		return connectors.DateOf(x), true
	case *time.Time:
		if x != nil {
			return connectors.DateOf(*x), true
		}
	case string:
		if d, err := connectors.ParseDate(x); err == nil {
			return d, true
		}
		if t, ok := parseTimeValue(x); ok {
			return connectors.DateOf(t), true
		}
	}
	return connectors.Date{}, false
}

// timeOf reads a record value as an instant: a time.Time, a Date (midnight
// UTC), RFC 3339 text, Salesforce's 2024-03-01T10:22:11.000+0000, text
// without a zone (UTC), a date (midnight UTC), or /Date(ms)/.
func timeOf(v any) (time.Time, bool) {
	switch x := v.(type) {
	case time.Time:
		return x, true
	case *time.Time:
		if x != nil {
			return *x, true
		}
	case connectors.Date:
		return x.Time(), true
	case string:
		if t, ok := parseTimeValue(x); ok {
			return t, true
		}
		if d, err := connectors.ParseDate(x); err == nil {
			return d.Time(), true
		}
	}
	return time.Time{}, false
}

func parseTimeValue(s string) (time.Time, bool) {
	if strings.HasPrefix(s, "/Date(") && strings.HasSuffix(s, ")/") {
		body := s[len("/Date(") : len(s)-2]
		ms := body
		offset := 0
		if i := strings.LastIndexAny(body, "+-"); i > 0 {
			ms = body[:i]
			off, err := strconv.Atoi(body[i+1:])
			if err != nil {
				return time.Time{}, false
			}
			offset = (off/100)*60 + off%100 // +hhmm
			if body[i] == '-' {
				offset = -offset
			}
		}
		n, err := strconv.ParseInt(ms, 10, 64)
		if err != nil {
			return time.Time{}, false
		}
		t := time.UnixMilli(n).UTC()
		if offset != 0 {
			t = t.In(time.FixedZone("", offset*60))
		}
		return t, true
	}
	if len(s) < 11 {
		return time.Time{}, false
	}
	t, err := parseTimestamp(s)
	return t, err == nil
}
