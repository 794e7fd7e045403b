package translate

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	connectors "github.com/xlr8/connectors"
)

// Params is a query compiled to filter parameters (Workday REST and RaaS
// prompts, UKG's query parameters).
type Params struct {
	// Values are the parameters to send.
	Values url.Values
	// Pushed are the predicates the parameters express exactly or loosely;
	// Residual those the connector evaluates with Match (a loose parameter's
	// predicate is in both).
	Pushed, Residual connectors.Expr
}

// Prompts declares Workday RaaS report prompts: field -> prompt name, each
// an equality prompt (a WID prompt takes the "Name!WID" form as its name).
func Prompts(prompts map[string]string) []Param {
	fields := make([]string, 0, len(prompts))
	for f := range prompts {
		fields = append(fields, f)
	}
	slices.Sort(fields)
	out := make([]Param, 0, len(prompts))
	for _, f := range fields {
		out = append(out, Param{Field: f, Op: connectors.OpEq, Name: prompts[f]})
	}
	return out
}

// CompileParams compiles q's filter, in the product's names, onto the
// parameters params declares. Only top-level conjuncts can become
// parameters; each parameter is used once; an in parameter also carries a
// single-value =; a loose parameter (Exact false) keeps its predicate in
// the residual too, as does a date or time the parameter's layout cannot
// carry exactly. Everything else is residual: these APIs filter little,
// and the connector filters the rest with Match. Fields, order and limit
// are not parameters here (RaaS returns its columns; the pager limits).
func CompileParams(q connectors.Query, params []Param, opts ...Option) (Params, error) {
	o := buildOptions(opts)
	q, err := prepare(q, o, "parameters", func(s string) bool { return s != "" })
	if err != nil {
		return Params{}, err
	}
	out := Params{Values: url.Values{}}
	var conjuncts []connectors.Expr
	switch w := q.Where.(type) {
	case nil:
	case connectors.And:
		conjuncts = []connectors.Expr(w)
	default:
		conjuncts = []connectors.Expr{w}
	}
	used := make([]bool, len(params))
	var pushed, residual []connectors.Expr
	for _, e := range conjuncts {
		c, isCmp := e.(connectors.Cmp)
		placed, exact := false, false
		if isCmp {
			for i, p := range params {
				if used[i] || p.Field != c.Field {
					continue
				}
				vals, ex, ok := paramValues(p, c)
				if !ok {
					continue
				}
				used[i], placed, exact = true, true, ex
				if p.Style == StyleUKGDate {
					mergeUKGDate(out.Values, p.Name, vals[0])
				} else if p.Sep != "" {
					out.Values.Set(p.Name, strings.Join(vals, p.Sep))
				} else {
					out.Values[p.Name] = vals
				}
				break
			}
		}
		if placed {
			pushed = append(pushed, e)
		}
		if !placed || !exact {
			residual = append(residual, e)
		}
	}
	out.Pushed, out.Residual = conj(pushed), conj(residual)
	return out, nil
}

// paramValues renders c's value(s) for p; exact reports whether the
// parameter expresses c exactly.
func paramValues(p Param, c connectors.Cmp) (vals []string, exact, ok bool) {
	exact = p.exact()
	var list []any
	switch {
	case p.Op == c.Op && c.Op != connectors.OpIn:
		list = []any{c.Value}
	case p.Op == connectors.OpIn && c.Op == connectors.OpIn:
		list, _ = c.Value.([]any)
	case p.Op == connectors.OpIn && c.Op == connectors.OpEq:
		list = []any{c.Value}
	default:
		return nil, false, false
	}
	for _, v := range list {
		s, ex, ok := paramValue(p, v)
		if !ok {
			return nil, false, false
		}
		if p.Sep != "" && strings.Contains(s, p.Sep) {
			return nil, false, false
		}
		exact = exact && ex
		vals = append(vals, s)
	}
	return vals, exact, len(vals) > 0
}

func paramValue(p Param, v any) (s string, exact, ok bool) {
	if p.Style == StyleUKGDate {
		return ukgDateValue(p.Op, v)
	}
	switch x := v.(type) {
	case string:
		if p.MinLen > 0 && len([]rune(x)) < p.MinLen {
			return "", false, false
		}
		return x, true, true
	case bool:
		return strconv.FormatBool(x), true, true
	case int64:
		return strconv.FormatInt(x, 10), true, true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true, true
	case connectors.Date:
		layout := p.Layout
		if layout == "" {
			layout = time.DateOnly
		}
		s := x.Time().Format(layout)
		back, err := time.Parse(layout, s)
		return s, err == nil && connectors.DateOf(back) == x, true
	case time.Time:
		layout := p.Layout
		if layout == "" {
			layout = time.RFC3339Nano
		}
		s := x.Format(layout)
		back, err := time.Parse(layout, s)
		return s, err == nil && back.Equal(x), true
	}
	return "", false, false
}

// ukgDateValue renders a date or time in StyleUKGDate: the operator, then
// MM-DD-YYYY, by the day of a time's own clock. Only dates and times
// qualify, and only the operators UKG has.
func ukgDateValue(op connectors.Op, v any) (string, bool, bool) {
	var t time.Time
	switch x := v.(type) {
	case connectors.Date:
		t = x.Time()
	case time.Time:
		t = x
	default:
		return "", false, false
	}
	// Whether UKG's > and < include the day itself is not documented, so a
	// bound is widened by one day: the server may send a day too many (the
	// residual drops it), never a day too few.
	prefix := ""
	t = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	switch op {
	case connectors.OpGe, connectors.OpGt:
		prefix, t = ">", t.AddDate(0, 0, -1)
	case connectors.OpLe, connectors.OpLt:
		prefix, t = "<", t.AddDate(0, 0, 1)
	case connectors.OpEq:
	default:
		return "", false, false
	}
	return prefix + t.Format("01-02-2006"), false, true
}

// mergeUKGDate sets a StyleUKGDate parameter, joining a lower and an upper
// bound on the same parameter into UKG's between form {from,to}.
func mergeUKGDate(vals url.Values, name, v string) {
	prev := vals.Get(name)
	switch {
	case strings.HasPrefix(prev, ">") && strings.HasPrefix(v, "<"):
		vals.Set(name, "{"+prev[1:]+","+v[1:]+"}")
	case strings.HasPrefix(prev, "<") && strings.HasPrefix(v, ">"):
		vals.Set(name, "{"+v[1:]+","+prev[1:]+"}")
	default:
		vals.Set(name, v)
	}
}
