package salesforce

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// This file is the fake's own SOQL subset: an independent oracle with
// Salesforce's semantics (case-insensitive string equality and LIKE, null
// handling, date and datetime literals), written separately from package
// translate so that tests can check the connector's SOQL against it.
//
// Supported: SELECT f, g, Rel.f FROM Obj [WHERE cond] [ORDER BY f [ASC|DESC]
// [NULLS FIRST|LAST], ...] [LIMIT n] [OFFSET n]; conditions with = != <> < <=
// > >= LIKE IN NOT IN INCLUDES-free, AND OR NOT and parentheses; literals
// 'text' (backslash escapes), numbers, true, false, null, dates
// (2024-01-31), datetimes (2024-01-31T10:00:00Z, +hh:mm offsets).

type soqlQuery struct {
	fields  []string
	object  string
	where   cond
	orderBy []soqlOrder
	limit   int // -1: none
	offset  int
}

type soqlOrder struct {
	field      string
	desc       bool
	nullsFirst bool
}

type cond interface {
	eval(rec record) bool
}

type (
	andCond []cond
	orCond  []cond
	notCond struct{ c cond }
	cmpCond struct {
		field string
		op    string // = != < <= > >= like in notin
		val   any    // string, float64, bool, nil, time.Time (datetime), soqlDate
		list  []any
	}
)

type soqlDate struct{ t time.Time }

func (a andCond) eval(r record) bool {
	for _, c := range a {
		if !c.eval(r) {
			return false
		}
	}
	return true
}

func (o orCond) eval(r record) bool {
	for _, c := range o {
		if c.eval(r) {
			return true
		}
	}
	return false
}

func (n notCond) eval(r record) bool { return !n.c.eval(r) }

func (c cmpCond) eval(r record) bool {
	v := r[c.field]
	switch c.op {
	case "in":
		for _, x := range c.list {
			if compare(v, x) == 0 {
				return true
			}
		}
		return false
	case "notin":
		if v == nil {
			return false
		}
		for _, x := range c.list {
			if compare(v, x) == 0 {
				return false
			}
		}
		return true
	case "like":
		s, ok := v.(string)
		p, _ := c.val.(string)
		return ok && likeMatch(strings.ToLower(s), strings.ToLower(p))
	case "=":
		if c.val == nil {
			return v == nil
		}
		return v != nil && compare(v, c.val) == 0
	case "!=":
		if c.val == nil {
			return v != nil
		}
		return v == nil || compare(v, c.val) != 0
	}
	if v == nil || c.val == nil {
		return false
	}
	k := compare(v, c.val)
	switch c.op {
	case "<":
		return k == -1
	case "<=":
		return k == -1 || k == 0
	case ">":
		return k == 1
	case ">=":
		return k == 1 || k == 0
	}
	return false
}

// compare orders a stored value and a literal: -1, 0, 1, or 2 when they are
// not comparable. Strings compare case-insensitively.
func compare(v, lit any) int {
	switch x := v.(type) {
	case string:
		s, ok := lit.(string)
		if !ok {
			return 2
		}
		return cmp3(strings.ToLower(x), strings.ToLower(s))
	case float64:
		f, ok := lit.(float64)
		if !ok {
			return 2
		}
		switch {
		case x < f:
			return -1
		case x > f:
			return 1
		}
		return 0
	case bool:
		b, ok := lit.(bool)
		if !ok {
			return 2
		}
		if x == b {
			return 0
		}
		return 2
	case time.Time:
		switch l := lit.(type) {
		case time.Time:
			return x.Compare(l)
		case soqlDate:
			return x.Compare(l.t)
		}
		return 2
	case soqlDate:
		switch l := lit.(type) {
		case soqlDate:
			return x.t.Compare(l.t)
		case time.Time:
			return x.t.Compare(l)
		}
		return 2
	}
	return 2
}

func cmp3(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// likeMatch matches SOQL LIKE: % any run, _ one character, \ escapes.
func likeMatch(s, p string) bool {
	sr, pr := []rune(s), []rune(p)
	var match func(i, j int) bool
	match = func(i, j int) bool {
		for j < len(pr) {
			switch pr[j] {
			case '%':
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
				i, j = i+1, j+1
			case '\\':
				if j+1 < len(pr) {
					j++
				}
				fallthrough
			default:
				if i >= len(sr) || sr[i] != pr[j] {
					return false
				}
				i, j = i+1, j+1
			}
		}
		return i == len(sr)
	}
	return match(0, 0)
}

// ---- parser ----

type soqlErr struct{ msg string }

func (e *soqlErr) Error() string { return e.msg }

type tok struct {
	kind string // ident, str, num, op, punct, eof
	s    string
	pos  int
}

func lex(src string) ([]tok, error) {
	var out []tok
	rs := []rune(src)
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case unicode.IsSpace(r):
			i++
		case r == '\'':
			var b strings.Builder
			j := i + 1
			closed := false
			for j < len(rs) {
				if rs[j] == '\\' && j+1 < len(rs) {
					switch rs[j+1] {
					case 'n':
						b.WriteRune('\n')
					case 'r':
						b.WriteRune('\r')
					case 't':
						b.WriteRune('\t')
					case 'b':
						b.WriteRune('\b')
					case 'f':
						b.WriteRune('\f')
					case '%', '_':
						b.WriteRune('\\') // kept for LIKE
						b.WriteRune(rs[j+1])
					default:
						b.WriteRune(rs[j+1])
					}
					j += 2
					continue
				}
				if rs[j] == '\'' {
					closed = true
					break
				}
				b.WriteRune(rs[j])
				j++
			}
			if !closed {
				return nil, &soqlErr{fmt.Sprintf("unterminated string at %d", i)}
			}
			out = append(out, tok{"str", b.String(), i})
			i = j + 1
		case r == '(' || r == ')' || r == ',':
			out = append(out, tok{"punct", string(r), i})
			i++
		case strings.ContainsRune("=!<>", r):
			j := i + 1
			if j < len(rs) && (rs[j] == '=' || (r == '<' && rs[j] == '>')) {
				j++
			}
			out = append(out, tok{"op", string(rs[i:j]), i})
			i = j
		case unicode.IsDigit(r) || (r == '-' && i+1 < len(rs) && unicode.IsDigit(rs[i+1])):
			j := i + 1
			for j < len(rs) && (unicode.IsDigit(rs[j]) || strings.ContainsRune(".-:TZ+", rs[j])) {
				j++
			}
			out = append(out, tok{"num", string(rs[i:j]), i})
			i = j
		case unicode.IsLetter(r) || r == '_':
			j := i + 1
			for j < len(rs) && (unicode.IsLetter(rs[j]) || unicode.IsDigit(rs[j]) || rs[j] == '_' || rs[j] == '.') {
				j++
			}
			out = append(out, tok{"ident", string(rs[i:j]), i})
			i = j
		default:
			return nil, &soqlErr{fmt.Sprintf("unexpected character %q at %d", r, i)}
		}
	}
	return append(out, tok{"eof", "", len(rs)}), nil
}

type parser struct {
	toks []tok
	i    int
}

func (p *parser) peek() tok { return p.toks[p.i] }
func (p *parser) next() tok { t := p.toks[p.i]; p.i++; return t }

func (p *parser) kw(word string) bool {
	t := p.peek()
	if t.kind == "ident" && strings.EqualFold(t.s, word) {
		p.i++
		return true
	}
	return false
}

func (p *parser) expectKW(word string) error {
	if !p.kw(word) {
		return &soqlErr{fmt.Sprintf("expecting '%s', found '%s' at %d", word, p.peek().s, p.peek().pos)}
	}
	return nil
}

func parseSOQL(src string) (*soqlQuery, error) {
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	q := &soqlQuery{limit: -1}
	if err := p.expectKW("SELECT"); err != nil {
		return nil, err
	}
	for {
		t := p.next()
		if t.kind != "ident" {
			return nil, &soqlErr{fmt.Sprintf("expecting a field name at %d", t.pos)}
		}
		q.fields = append(q.fields, t.s)
		if p.peek().s != "," {
			break
		}
		p.next()
	}
	if err := p.expectKW("FROM"); err != nil {
		return nil, err
	}
	t := p.next()
	if t.kind != "ident" {
		return nil, &soqlErr{"expecting an object name after FROM"}
	}
	q.object = t.s
	if p.kw("WHERE") {
		c, err := p.orExpr()
		if err != nil {
			return nil, err
		}
		q.where = c
	}
	if p.kw("ORDER") {
		if err := p.expectKW("BY"); err != nil {
			return nil, err
		}
		for {
			f := p.next()
			if f.kind != "ident" {
				return nil, &soqlErr{"expecting a field in ORDER BY"}
			}
			o := soqlOrder{field: f.s, nullsFirst: true}
			if p.kw("DESC") {
				o.desc, o.nullsFirst = true, false
			} else {
				p.kw("ASC")
			}
			if p.kw("NULLS") {
				if p.kw("LAST") {
					o.nullsFirst = false
				} else if err := p.expectKW("FIRST"); err != nil {
					return nil, err
				} else {
					o.nullsFirst = true
				}
			}
			q.orderBy = append(q.orderBy, o)
			if p.peek().s != "," {
				break
			}
			p.next()
		}
	}
	if p.kw("LIMIT") {
		n, err := strconv.Atoi(p.next().s)
		if err != nil || n < 0 {
			return nil, &soqlErr{"LIMIT needs a non-negative integer"}
		}
		q.limit = n
	}
	if p.kw("OFFSET") {
		n, err := strconv.Atoi(p.next().s)
		if err != nil || n < 0 || n > 2000 {
			return nil, &soqlErr{"OFFSET needs an integer up to 2000"}
		}
		q.offset = n
	}
	if p.peek().kind != "eof" {
		return nil, &soqlErr{fmt.Sprintf("unexpected token '%s' at %d", p.peek().s, p.peek().pos)}
	}
	return q, nil
}

func (p *parser) orExpr() (cond, error) {
	left, err := p.andExpr()
	if err != nil {
		return nil, err
	}
	out := orCond{left}
	for p.kw("OR") {
		c, err := p.andExpr()
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	if len(out) == 1 {
		return left, nil
	}
	return out, nil
}

func (p *parser) andExpr() (cond, error) {
	left, err := p.unary()
	if err != nil {
		return nil, err
	}
	out := andCond{left}
	for p.kw("AND") {
		c, err := p.unary()
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	if len(out) == 1 {
		return left, nil
	}
	return out, nil
}

func (p *parser) unary() (cond, error) {
	if p.kw("NOT") {
		c, err := p.unary()
		if err != nil {
			return nil, err
		}
		return notCond{c}, nil
	}
	if p.peek().s == "(" {
		p.next()
		c, err := p.orExpr()
		if err != nil {
			return nil, err
		}
		if p.next().s != ")" {
			return nil, &soqlErr{"expecting ')'"}
		}
		return c, nil
	}
	f := p.next()
	if f.kind != "ident" {
		return nil, &soqlErr{fmt.Sprintf("expecting a field at %d, found '%s'", f.pos, f.s)}
	}
	c := cmpCond{field: f.s}
	switch {
	case p.kw("LIKE"):
		c.op = "like"
	case p.kw("IN"):
		c.op = "in"
	case p.kw("NOT"):
		if err := p.expectKW("IN"); err != nil {
			return nil, err
		}
		c.op = "notin"
	default:
		op := p.next()
		if op.kind != "op" {
			return nil, &soqlErr{fmt.Sprintf("expecting an operator after %s at %d", f.s, op.pos)}
		}
		c.op = op.s
		if c.op == "<>" {
			c.op = "!="
		}
	}
	if c.op == "in" || c.op == "notin" {
		if p.next().s != "(" {
			return nil, &soqlErr{"expecting '(' after IN"}
		}
		for {
			v, err := p.literal()
			if err != nil {
				return nil, err
			}
			c.list = append(c.list, v)
			t := p.next()
			if t.s == ")" {
				break
			}
			if t.s != "," {
				return nil, &soqlErr{"expecting ',' or ')' in IN list"}
			}
		}
		return c, nil
	}
	v, err := p.literal()
	if err != nil {
		return nil, err
	}
	if c.op == "like" {
		if _, ok := v.(string); !ok {
			return nil, &soqlErr{"LIKE needs a string"}
		}
	}
	c.val = v
	return c, nil
}

func (p *parser) literal() (any, error) {
	t := p.next()
	switch t.kind {
	case "str":
		return t.s, nil
	case "ident":
		switch strings.ToLower(t.s) {
		case "true":
			return true, nil
		case "false":
			return false, nil
		case "null":
			return nil, nil
		}
	case "num":
		if len(t.s) == 10 && strings.Count(t.s, "-") == 2 {
			d, err := time.Parse(time.DateOnly, t.s)
			if err != nil {
				return nil, &soqlErr{fmt.Sprintf("invalid date %s", t.s)}
			}
			return soqlDate{d}, nil
		}
		if strings.Contains(t.s, "T") {
			for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.000-0700", "2006-01-02T15:04:05-0700"} {
				if ts, err := time.Parse(layout, t.s); err == nil {
					return ts.UTC(), nil
				}
			}
			return nil, &soqlErr{fmt.Sprintf("invalid datetime %s", t.s)}
		}
		f, err := strconv.ParseFloat(t.s, 64)
		if err != nil || math.IsInf(f, 0) {
			return nil, &soqlErr{fmt.Sprintf("invalid number %s", t.s)}
		}
		return f, nil
	}
	return nil, &soqlErr{fmt.Sprintf("expecting a value at %d, found '%s'", t.pos, t.s)}
}

// sortRows orders record indexes by the query's ORDER BY.
func sortRows(rows []int, at func(int) record, order []soqlOrder) {
	if len(order) == 0 {
		return
	}
	sort.SliceStable(rows, func(i, j int) bool {
		ri, rj := at(rows[i]), at(rows[j])
		for _, o := range order {
			a, b := ri[o.field], rj[o.field]
			switch {
			case a == nil && b == nil:
				continue
			case a == nil:
				return o.nullsFirst
			case b == nil:
				return !o.nullsFirst
			}
			k := compare(a, b)
			if k == 0 || k == 2 {
				continue
			}
			if o.desc {
				return k == 1
			}
			return k == -1
		}
		return false
	})
}
