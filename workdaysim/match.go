package workdaysim

import (
	"strings"
	"time"

	connectors "github.com/xlr8/connectors"
)

// match evaluates a filter expression on a record, exactly, client side.
// It is the simulator's own small evaluator; translate.Match can replace it
// behind this one function.
//
// Semantics: a comparison with a missing or null field is false (ne
// included); is_null is true for missing or null; numbers compare
// numerically whatever their Go type; strings compare bytewise; a Date or
// time.Time value compares with a date or RFC 3339 string field as a date
// or an instant; contains and starts_with are case-sensitive; And, Or and
// Not are two-valued.
func match(e connectors.Expr, r connectors.Record) bool {
	switch x := e.(type) {
	case nil:
		return true
	case connectors.Cmp:
		return matchCmp(x, r)
	case connectors.And:
		for _, c := range x {
			if !match(c, r) {
				return false
			}
		}
		return true
	case connectors.Or:
		for _, c := range x {
			if match(c, r) {
				return true
			}
		}
		return false
	case connectors.Not:
		return !match(x.X, r)
	}
	return false
}

func matchCmp(c connectors.Cmp, r connectors.Record) bool {
	v, ok := r.Lookup(c.Field)
	if c.Op == connectors.OpIsNull {
		return !ok || v == nil
	}
	if !ok || v == nil {
		return false
	}
	switch c.Op {
	case connectors.OpIn:
		list, _ := c.Value.([]any)
		for _, want := range list {
			if n, ok := compare(v, want); ok && n == 0 {
				return true
			}
		}
		return false
	case connectors.OpContains, connectors.OpStartsWith:
		s, ok1 := v.(string)
		sub, ok2 := c.Value.(string)
		if !ok1 || !ok2 {
			return false
		}
		if c.Op == connectors.OpContains {
			return strings.Contains(s, sub)
		}
		return strings.HasPrefix(s, sub)
	}
	n, ok := compare(v, c.Value)
	if !ok {
		return false
	}
	switch c.Op {
	case connectors.OpEq:
		return n == 0
	case connectors.OpNe:
		return n != 0
	case connectors.OpLt:
		return n < 0
	case connectors.OpLe:
		return n <= 0
	case connectors.OpGt:
		return n > 0
	case connectors.OpGe:
		return n >= 0
	}
	return false
}

// compare orders a record value a against an expression value b; ok is
// false when they are not comparable.
func compare(a, b any) (int, bool) {
	if fa, ok := number(a); ok {
		fb, ok := number(b)
		if !ok {
			return 0, false
		}
		return cmp3(fa < fb, fa > fb), true
	}
	switch x := a.(type) {
	case string:
		switch y := b.(type) {
		case string:
			return strings.Compare(x, y), true
		case connectors.Date:
			d := x
			if len(d) > 10 {
				d = d[:10]
			}
			pd, err := connectors.ParseDate(d)
			if err != nil {
				return 0, false
			}
			return pd.Compare(y), true
		case time.Time:
			t, err := time.Parse(time.RFC3339Nano, x)
			if err != nil {
				pd, err2 := connectors.ParseDate(x)
				if err2 != nil {
					return 0, false
				}
				t = pd.Time()
			}
			return t.Compare(y), true
		}
	case bool:
		if y, ok := b.(bool); ok {
			return cmp3(!x && y, x && !y), true
		}
	}
	return 0, false
}

func number(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int64:
		return float64(x), true
	case int:
		return float64(x), true
	case float32:
		return float64(x), true
	}
	return 0, false
}

func cmp3(less, greater bool) int {
	switch {
	case less:
		return -1
	case greater:
		return 1
	}
	return 0
}
