package sap

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The fake's own $filter evaluator for the OData v2 subset the connector's
// dialect emits: eq ne gt ge lt le, and or not, parentheses, substringof,
// startswith, endswith, SuccessFactors' "field in 'a','b'", null, and the
// literals '...' ('' for a quote), integers with an optional L, decimals
// with M/d/f, true/false, datetime'...', datetimeoffset'...', guid'...'.
// Anything else is a syntax error the fake answers with 400.

type expr func(get func(string) (any, bool)) (any, error)

type filterParser struct {
	src  string
	pos  int
	cols func(name string) (column, bool)
}

func parseFilter(src string, cols func(string) (column, bool)) (expr, error) {
	p := &filterParser{src: src, cols: cols}
	e, err := p.or()
	if err != nil {
		return nil, err
	}
	p.space()
	if p.pos != len(p.src) {
		return nil, fmt.Errorf("unexpected %q at %d", p.rest(), p.pos)
	}
	return e, nil
}

func (p *filterParser) rest() string {
	r := p.src[p.pos:]
	if len(r) > 20 {
		r = r[:20]
	}
	return r
}

func (p *filterParser) space() {
	for p.pos < len(p.src) && p.src[p.pos] == ' ' {
		p.pos++
	}
}

// word consumes kw followed by a space or "(".
func (p *filterParser) word(kw string) bool {
	p.space()
	if !strings.HasPrefix(p.src[p.pos:], kw) {
		return false
	}
	end := p.pos + len(kw)
	if end < len(p.src) && p.src[end] != ' ' && p.src[end] != '(' {
		return false
	}
	p.pos = end
	return true
}

func (p *filterParser) or() (expr, error) {
	l, err := p.and()
	if err != nil {
		return nil, err
	}
	for p.word("or") {
		r, err := p.and()
		if err != nil {
			return nil, err
		}
		a, b := l, r
		l = func(g func(string) (any, bool)) (any, error) {
			x, err := truth(a, g)
			if err != nil || x {
				return x, err
			}
			return truth(b, g)
		}
	}
	return l, nil
}

func (p *filterParser) and() (expr, error) {
	l, err := p.unary()
	if err != nil {
		return nil, err
	}
	for p.word("and") {
		r, err := p.unary()
		if err != nil {
			return nil, err
		}
		a, b := l, r
		l = func(g func(string) (any, bool)) (any, error) {
			x, err := truth(a, g)
			if err != nil || !x {
				return x, err
			}
			return truth(b, g)
		}
	}
	return l, nil
}

func truth(e expr, g func(string) (any, bool)) (bool, error) {
	v, err := e(g)
	if err != nil {
		return false, err
	}
	b, ok := v.(bool)
	if !ok {
		return false, fmt.Errorf("not a boolean condition")
	}
	return b, nil
}

func (p *filterParser) unary() (expr, error) {
	if p.word("not") {
		x, err := p.unary()
		if err != nil {
			return nil, err
		}
		return func(g func(string) (any, bool)) (any, error) {
			b, err := truth(x, g)
			return !b, err
		}, nil
	}
	return p.comparison()
}

var ops = []string{"eq", "ne", "gt", "ge", "lt", "le"}

func (p *filterParser) comparison() (expr, error) {
	l, err := p.operand()
	if err != nil {
		return nil, err
	}
	for _, op := range ops {
		if p.word(op) {
			r, err := p.operand()
			if err != nil {
				return nil, err
			}
			return compareExpr(op, l, r), nil
		}
	}
	if p.word("in") {
		var list []expr
		for {
			v, err := p.operand()
			if err != nil {
				return nil, err
			}
			list = append(list, v)
			p.space()
			if p.pos < len(p.src) && p.src[p.pos] == ',' {
				p.pos++
				continue
			}
			break
		}
		return func(g func(string) (any, bool)) (any, error) {
			for _, v := range list {
				ok, err := compareExpr("eq", l, v)(g)
				if err != nil {
					return nil, err
				}
				if ok == true {
					return true, nil
				}
			}
			return false, nil
		}, nil
	}
	return l, nil
}

func compareExpr(op string, l, r expr) expr {
	return func(g func(string) (any, bool)) (any, error) {
		a, err := l(g)
		if err != nil {
			return nil, err
		}
		b, err := r(g)
		if err != nil {
			return nil, err
		}
		if a == nil || b == nil {
			switch op {
			case "eq":
				return a == nil && b == nil, nil
			case "ne":
				return (a == nil) != (b == nil), nil
			}
			return false, nil
		}
		c, ok := cmpValues(a, b)
		if !ok {
			return nil, fmt.Errorf("cannot compare %T with %T", a, b)
		}
		switch op {
		case "eq":
			return c == 0, nil
		case "ne":
			return c != 0, nil
		case "gt":
			return c > 0, nil
		case "ge":
			return c >= 0, nil
		case "lt":
			return c < 0, nil
		}
		return c <= 0, nil
	}
}

func cmpValues(a, b any) (int, bool) {
	switch x := a.(type) {
	case string:
		y, ok := b.(string)
		return strings.Compare(x, y), ok
	case bool:
		y, ok := b.(bool)
		if !ok {
			return 0, false
		}
		if x == y {
			return 0, true
		}
		return 1, true
	case time.Time:
		y, ok := b.(time.Time)
		return x.Compare(y), ok
	}
	fa, ok1 := num(a)
	fb, ok2 := num(b)
	if !ok1 || !ok2 {
		return 0, false
	}
	switch {
	case fa < fb:
		return -1, true
	case fa > fb:
		return 1, true
	}
	return 0, true
}

func num(v any) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case float64:
		return x, true
	}
	return 0, false
}

func (p *filterParser) operand() (expr, error) {
	p.space()
	if p.pos >= len(p.src) {
		return nil, fmt.Errorf("unexpected end")
	}
	c := p.src[p.pos]
	switch {
	case c == '(':
		p.pos++
		e, err := p.or()
		if err != nil {
			return nil, err
		}
		p.space()
		if p.pos >= len(p.src) || p.src[p.pos] != ')' {
			return nil, fmt.Errorf("missing )")
		}
		p.pos++
		return e, nil
	case c == '\'':
		s, err := p.quoted()
		if err != nil {
			return nil, err
		}
		return constant(s), nil
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	}
	start := p.pos
	for p.pos < len(p.src) && (isIdent(p.src[p.pos]) || p.src[p.pos] == '/') {
		p.pos++
	}
	name := p.src[start:p.pos]
	if name == "" {
		return nil, fmt.Errorf("unexpected %q at %d", p.rest(), p.pos)
	}
	if p.pos < len(p.src) && p.src[p.pos] == '\'' {
		s, err := p.quoted()
		if err != nil {
			return nil, err
		}
		switch name {
		case "datetime":
			t, err := time.Parse("2006-01-02T15:04:05.9999999", s)
			if err != nil {
				if t, err = time.Parse("2006-01-02T15:04", s); err != nil {
					return nil, fmt.Errorf("bad datetime %q", s)
				}
			}
			return constant(t), nil
		case "datetimeoffset":
			t, err := time.Parse(time.RFC3339Nano, s)
			if err != nil {
				return nil, fmt.Errorf("bad datetimeoffset %q", s)
			}
			return constant(t), nil
		case "guid":
			return constant(s), nil
		}
		return nil, fmt.Errorf("unknown literal prefix %s", name)
	}
	switch name {
	case "null":
		return constant(nil), nil
	case "true":
		return constant(true), nil
	case "false":
		return constant(false), nil
	case "substringof", "startswith", "endswith":
		return p.function(name)
	}
	if strings.Contains(name, "/") {
		return nil, fmt.Errorf("navigation paths are not filterable in this fake: %s", name)
	}
	c2, ok := p.cols(name)
	if !ok {
		return nil, fmt.Errorf("property %s not found", name)
	}
	if !c2.Filterable {
		return nil, &notFilterable{name}
	}
	return func(g func(string) (any, bool)) (any, error) {
		v, _ := g(name)
		return v, nil
	}, nil
}

type notFilterable struct{ name string }

func (e *notFilterable) Error() string { return "property " + e.name + " is not filterable" }

func (p *filterParser) function(name string) (expr, error) {
	p.space()
	if p.pos >= len(p.src) || p.src[p.pos] != '(' {
		return nil, fmt.Errorf("%s needs arguments", name)
	}
	p.pos++
	a, err := p.or()
	if err != nil {
		return nil, err
	}
	p.space()
	if p.pos >= len(p.src) || p.src[p.pos] != ',' {
		return nil, fmt.Errorf("%s needs two arguments", name)
	}
	p.pos++
	b, err := p.or()
	if err != nil {
		return nil, err
	}
	p.space()
	if p.pos >= len(p.src) || p.src[p.pos] != ')' {
		return nil, fmt.Errorf("missing ) after %s", name)
	}
	p.pos++
	return func(g func(string) (any, bool)) (any, error) {
		x, err := a(g)
		if err != nil {
			return nil, err
		}
		y, err := b(g)
		if err != nil {
			return nil, err
		}
		sx, _ := x.(string)
		sy, _ := y.(string)
		switch name {
		case "substringof": // substringof('needle', Field)
			return strings.Contains(sy, sx), nil
		case "startswith":
			return strings.HasPrefix(sx, sy), nil
		}
		return strings.HasSuffix(sx, sy), nil
	}, nil
}

func (p *filterParser) quoted() (string, error) {
	p.pos++ // opening quote
	var b strings.Builder
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		if c == '\'' {
			if p.pos+1 < len(p.src) && p.src[p.pos+1] == '\'' {
				b.WriteByte('\'')
				p.pos += 2
				continue
			}
			p.pos++
			return b.String(), nil
		}
		b.WriteByte(c)
		p.pos++
	}
	return "", fmt.Errorf("unterminated string")
}

func (p *filterParser) number() (expr, error) {
	start := p.pos
	if p.src[p.pos] == '-' {
		p.pos++
	}
	for p.pos < len(p.src) && (p.src[p.pos] >= '0' && p.src[p.pos] <= '9' || p.src[p.pos] == '.') {
		p.pos++
	}
	text := p.src[start:p.pos]
	suffix := byte(0)
	if p.pos < len(p.src) && strings.IndexByte("LMdfmDF", p.src[p.pos]) >= 0 {
		suffix = p.src[p.pos]
		p.pos++
	}
	if !strings.Contains(text, ".") && suffix != 'M' && suffix != 'm' && suffix != 'd' && suffix != 'f' {
		n, err := strconv.ParseInt(text, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("bad number %q", text)
		}
		return constant(n), nil
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil {
		return nil, fmt.Errorf("bad number %q", text)
	}
	return constant(f), nil
}

func constant(v any) expr {
	return func(func(string) (any, bool)) (any, error) { return v, nil }
}

func isIdent(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
