package oracle

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// This file is the fake's own q= evaluator for the framework-version-2+
// expression syntax, written apart from package translate so that tests
// check the connector's q= against an independent reading: = <> != < <= >
// >= [NOT] IN (...) IS [NOT] NULL [NOT] LIKE (% or * any run, _ one
// character) BETWEEN a AND b, and/or and parentheses; 'strings' with ''
// for a quote, numbers, true and false. Comparisons follow the
// attribute's type (numbers numerically, dates and datetimes as instants)
// with SQL's nulls: a null attribute satisfies only IS NULL. An unknown or
// non-queryable attribute, or a malformed expression, is an error (Oracle
// answers 400).

type cond interface{ eval(row map[string]any) bool }

type (
	andQ []cond
	orQ  []cond
	cmpQ struct {
		at   *attr
		op   string // = <> < <= > >= in notin null notnull like notlike between
		vals []any
	}
)

func (x andQ) eval(r map[string]any) bool {
	for _, c := range x {
		if !c.eval(r) {
			return false
		}
	}
	return true
}

func (x orQ) eval(r map[string]any) bool {
	for _, c := range x {
		if c.eval(r) {
			return true
		}
	}
	return false
}

func (c cmpQ) eval(r map[string]any) bool {
	v := r[c.at.name]
	switch c.op {
	case "null":
		return v == nil
	case "notnull":
		return v != nil
	}
	if v == nil {
		return false
	}
	switch c.op {
	case "in", "notin":
		in := false
		for _, lit := range c.vals {
			k, ok := compareQ(c.at.typ, v, lit)
			in = in || (ok && k == 0)
		}
		return in == (c.op == "in")
	case "like", "notlike":
		s, _ := v.(string)
		p, _ := c.vals[0].(string)
		return likeQ(s, p) == (c.op == "like")
	case "between":
		lo, ok1 := compareQ(c.at.typ, v, c.vals[0])
		hi, ok2 := compareQ(c.at.typ, v, c.vals[1])
		return ok1 && ok2 && lo >= 0 && hi <= 0
	}
	k, ok := compareQ(c.at.typ, v, c.vals[0])
	if !ok {
		return false
	}
	switch c.op {
	case "=":
		return k == 0
	case "<>":
		return k != 0
	case "<":
		return k < 0
	case "<=":
		return k <= 0
	case ">":
		return k > 0
	case ">=":
		return k >= 0
	}
	return false
}

// compareQ orders a stored value against a literal by the attribute's type.
func compareQ(typ string, v, lit any) (int, bool) {
	switch typ {
	case "integer", "number":
		a, ok1 := v.(float64)
		b, ok2 := num(lit)
		if !ok1 || !ok2 {
			return 0, false
		}
		return cmpOrd(a, b), true
	case "date", "datetime":
		a, ok1 := instant(v)
		b, ok2 := instant(lit)
		if !ok1 || !ok2 {
			return 0, false
		}
		return a.Compare(b), true
	case "boolean":
		a, ok1 := v.(bool)
		b, ok2 := lit.(bool)
		if !ok1 || !ok2 || a != b {
			return 1, ok1 && ok2
		}
		return 0, true
	}
	a, ok1 := v.(string)
	b, ok2 := lit.(string)
	if !ok1 || !ok2 {
		return 0, false
	}
	return strings.Compare(a, b), true
}

func cmpOrd(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func num(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case string:
		f, err := strconv.ParseFloat(x, 64)
		return f, err == nil
	}
	return 0, false
}

// instant reads a date ("2024-01-31") or a timestamp with or without
// milliseconds and offset.
func instant(v any) (time.Time, bool) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, false
	}
	for _, layout := range []string{time.RFC3339Nano, time.DateOnly, "2006-01-02T15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func likeQ(s, p string) bool {
	sr, pr := []rune(s), []rune(p)
	var match func(i, j int) bool
	match = func(i, j int) bool {
		for ; j < len(pr); j++ {
			switch pr[j] {
			case '%', '*':
				for k := i; k <= len(sr); k++ {
					if match(k, j+1) {
						return true
					}
				}
				return false
			case '_':
				if i >= len(sr) {
					return false
				}
			default:
				if i >= len(sr) || sr[i] != pr[j] {
					return false
				}
			}
			i++
		}
		return i == len(sr)
	}
	return match(0, 0)
}

// ---- parsing ----

type qTok struct {
	kind byte // 'i' ident/keyword, 's' string, 'n' number, 'o' operator or punctuation
	text string
}

func lexQ(src string) ([]qTok, error) {
	var out []qTok
	rs := []rune(src)
	for i := 0; i < len(rs); {
		c := rs[i]
		switch {
		case unicode.IsSpace(c):
			i++
		case c == '\'':
			var b strings.Builder
			i++
			for {
				if i >= len(rs) {
					return nil, fmt.Errorf("unterminated string")
				}
				if rs[i] == '\'' {
					if i+1 < len(rs) && rs[i+1] == '\'' {
						b.WriteRune('\'')
						i += 2
						continue
					}
					i++
					break
				}
				b.WriteRune(rs[i])
				i++
			}
			out = append(out, qTok{'s', b.String()})
		case c == '(' || c == ')' || c == ',' || c == '=':
			out = append(out, qTok{'o', string(c)})
			i++
		case c == '<' || c == '>' || c == '!':
			op := string(c)
			if i+1 < len(rs) && (rs[i+1] == '=' || (c == '<' && rs[i+1] == '>')) {
				op += string(rs[i+1])
			}
			if op == "!" {
				return nil, fmt.Errorf("unexpected !")
			}
			out = append(out, qTok{'o', op})
			i += len(op)
		case c == '-' || c == '.' || unicode.IsDigit(c):
			j := i + 1
			for j < len(rs) && (unicode.IsDigit(rs[j]) || rs[j] == '.' || rs[j] == 'e' || rs[j] == 'E') {
				j++
			}
			out = append(out, qTok{'n', string(rs[i:j])})
			i = j
		case unicode.IsLetter(c) || c == '_':
			j := i + 1
			for j < len(rs) && (unicode.IsLetter(rs[j]) || unicode.IsDigit(rs[j]) || rs[j] == '_' || rs[j] == '.') {
				j++
			}
			out = append(out, qTok{'i', string(rs[i:j])})
			i = j
		default:
			return nil, fmt.Errorf("unexpected character %q", c)
		}
	}
	return out, nil
}

type qParser struct {
	toks []qTok
	i    int
	res  *resource
}

func (p *qParser) peek() qTok {
	if p.i < len(p.toks) {
		return p.toks[p.i]
	}
	return qTok{}
}

func (p *qParser) kw(w string) bool {
	if t := p.peek(); t.kind == 'i' && strings.EqualFold(t.text, w) {
		p.i++
		return true
	}
	return false
}

func (p *qParser) punct(s string) bool {
	if t := p.peek(); t.kind == 'o' && t.text == s {
		p.i++
		return true
	}
	return false
}

// parseQ parses a q= expression against r's attributes.
func parseQ(r *resource, src string) (cond, error) {
	toks, err := lexQ(src)
	if err != nil {
		return nil, err
	}
	p := &qParser{toks: toks, res: r}
	c, err := p.or()
	if err != nil {
		return nil, err
	}
	if p.i != len(toks) {
		return nil, fmt.Errorf("unexpected %q", p.peek().text)
	}
	return c, nil
}

func (p *qParser) or() (cond, error) {
	var list orQ
	for {
		c, err := p.and()
		if err != nil {
			return nil, err
		}
		list = append(list, c)
		if !p.kw("or") {
			break
		}
	}
	if len(list) == 1 {
		return list[0], nil
	}
	return list, nil
}

func (p *qParser) and() (cond, error) {
	var list andQ
	for {
		c, err := p.unary()
		if err != nil {
			return nil, err
		}
		list = append(list, c)
		if !p.kw("and") {
			break
		}
	}
	if len(list) == 1 {
		return list[0], nil
	}
	return list, nil
}

func (p *qParser) unary() (cond, error) {
	if p.punct("(") {
		c, err := p.or()
		if err != nil {
			return nil, err
		}
		if !p.punct(")") {
			return nil, fmt.Errorf("missing )")
		}
		return c, nil
	}
	t := p.peek()
	if t.kind != 'i' {
		return nil, fmt.Errorf("expected an attribute, found %q", t.text)
	}
	p.i++
	at := p.res.attr(t.text)
	if at == nil {
		return nil, fmt.Errorf("%s is not an attribute of %s", t.text, p.res.name)
	}
	if !at.queryable {
		return nil, fmt.Errorf("%s is not queryable", t.text)
	}
	c := cmpQ{at: at}
	switch {
	case p.kw("is"):
		c.op = "null"
		if p.kw("not") {
			c.op = "notnull"
		}
		if !p.kw("null") {
			return nil, fmt.Errorf("expected NULL")
		}
		return c, nil
	case p.kw("not"):
		switch {
		case p.kw("in"):
			c.op = "notin"
		case p.kw("like"):
			c.op = "notlike"
		default:
			return nil, fmt.Errorf("expected IN or LIKE after NOT")
		}
	case p.kw("in"):
		c.op = "in"
	case p.kw("like"):
		c.op = "like"
	case p.kw("between"):
		c.op = "between"
	default:
		op := p.peek()
		if op.kind != 'o' || !strings.Contains("= <> != < <= > >=", op.text) || op.text == "(" || op.text == ")" || op.text == "," {
			return nil, fmt.Errorf("expected an operator after %s", at.name)
		}
		p.i++
		c.op = op.text
		if c.op == "!=" {
			c.op = "<>"
		}
	}
	switch c.op {
	case "in", "notin":
		if !p.punct("(") {
			return nil, fmt.Errorf("expected ( after IN")
		}
		for {
			v, err := p.literal()
			if err != nil {
				return nil, err
			}
			c.vals = append(c.vals, v)
			if p.punct(")") {
				break
			}
			if !p.punct(",") {
				return nil, fmt.Errorf("expected , or ) in IN")
			}
		}
	case "between":
		lo, err := p.literal()
		if err != nil {
			return nil, err
		}
		if !p.kw("and") {
			return nil, fmt.Errorf("expected AND in BETWEEN")
		}
		hi, err := p.literal()
		if err != nil {
			return nil, err
		}
		c.vals = []any{lo, hi}
	default:
		v, err := p.literal()
		if err != nil {
			return nil, err
		}
		if (c.op == "like" || c.op == "notlike") && at.typ != "string" {
			return nil, fmt.Errorf("LIKE needs a text attribute, %s is %s", at.name, at.typ)
		}
		c.vals = []any{v}
	}
	return c, nil
}

func (p *qParser) literal() (any, error) {
	t := p.peek()
	p.i++
	switch {
	case t.kind == 's':
		return t.text, nil
	case t.kind == 'n':
		f, err := strconv.ParseFloat(t.text, 64)
		if err != nil {
			return nil, fmt.Errorf("bad number %q", t.text)
		}
		return f, nil
	case t.kind == 'i' && strings.EqualFold(t.text, "true"):
		return true, nil
	case t.kind == 'i' && strings.EqualFold(t.text, "false"):
		return false, nil
	}
	return nil, fmt.Errorf("expected a value, found %q", t.text)
}
