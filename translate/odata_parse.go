package translate

import (
	"net/url"
	"strconv"
	"strings"

	connectors "github.com/xlr8/connectors"
)

var odataDialect = &sqlDialect{
	cfg: lexConfig{lang: "OData $filter", identExtra: "/", numSuffix: true},
	reserved: map[string]bool{"AND": true, "OR": true, "NOT": true, "EQ": true, "NE": true, "GT": true,
		"GE": true, "LT": true, "LE": true, "IN": true, "TRUE": true, "FALSE": true, "NULL": true},
}

var odataOps = map[string]connectors.Op{"eq": connectors.OpEq, "ne": connectors.OpNe, "gt": connectors.OpGt,
	"ge": connectors.OpGe, "lt": connectors.OpLt, "le": connectors.OpLe}

// ParseODataFilter reads an OData v2 $filter value: eq ne gt ge lt le,
// and or not, parentheses, substringof('x',f) and startswith(f,'x')
// (alone or compared with true/false), SuccessFactors' "f in 'a','b'",
// "f eq null" / "f ne null", and the literals the emitter writes
// (strings, numbers with or without L M D F suffixes, true, false, null,
// datetime'...', datetimeoffset'...', guid'...'). Operators are matched
// ignoring case. Errors give the position and what was expected.
func ParseODataFilter(src string) (connectors.Expr, error) {
	p, err := newSQLParser(odataDialect, src)
	if err != nil {
		return nil, err
	}
	op := &odataParser{p}
	p.leaf = op.leaf
	e, err := p.orExpr()
	if err != nil {
		return nil, err
	}
	if p.peek().kind != tEOF {
		return nil, p.fail("and, or or the end of the filter")
	}
	return e, nil
}

type odataParser struct{ *sqlParser }

// leaf reads one OData comparison or function call; the sqlParser's
// boolean grammar handles and, or, not and parentheses around it.
func (p *odataParser) leaf() (connectors.Expr, error) {
	t := p.peek()
	if t.kind == tIdent && p.toks[p.i+1].kind == tOp && p.toks[p.i+1].text == "(" {
		return p.call()
	}
	return p.comparison()
}

// call reads substringof/startswith, optionally "eq true|false".
func (p *odataParser) call() (connectors.Expr, error) {
	name := p.next()
	p.next() // (
	var e connectors.Expr
	switch strings.ToLower(name.text) {
	case "substringof":
		s, err := p.stringArg()
		if err != nil {
			return nil, err
		}
		if err := p.expectOp(","); err != nil {
			return nil, err
		}
		f, err := p.ident("a property name")
		if err != nil {
			return nil, err
		}
		e = connectors.Contains(f, s)
	case "startswith":
		f, err := p.ident("a property name")
		if err != nil {
			return nil, err
		}
		if err := p.expectOp(","); err != nil {
			return nil, err
		}
		s, err := p.stringArg()
		if err != nil {
			return nil, err
		}
		e = connectors.StartsWith(f, s)
	default:
		return nil, unsupportedf("OData $filter: function %s() has no equivalent (supported: substringof, startswith)", name.text).
			WithDetail("offset", name.pos)
	}
	if err := p.expectOp(")"); err != nil {
		return nil, err
	}
	for _, op := range []string{"eq", "ne"} {
		if p.kw(op) {
			t := p.peek()
			if t.kind != tIdent || !(strings.EqualFold(t.text, "true") || strings.EqualFold(t.text, "false")) {
				return nil, p.fail("true or false")
			}
			p.i++
			if strings.EqualFold(t.text, "true") != (op == "eq") {
				e = connectors.Not{X: e}
			}
		}
	}
	return e, nil
}

func (p *odataParser) stringArg() (string, error) {
	t := p.peek()
	if t.kind != tString {
		return "", p.fail("a quoted string")
	}
	p.i++
	return t.text, nil
}

func (p *odataParser) comparison() (connectors.Expr, error) {
	field, err := p.ident("a property name, not, '(' or a function")
	if err != nil {
		return nil, err
	}
	if p.kw("in") {
		var list []any
		for {
			vt := p.peek()
			v, err := p.literal()
			if err != nil {
				return nil, err
			}
			if v == nil {
				return nil, p.failAt(vt, "a value other than null in the in list")
			}
			list = append(list, v)
			if !p.op(",") {
				break
			}
		}
		return connectors.Cmp{Field: field, Op: connectors.OpIn, Value: list}, nil
	}
	t := p.peek()
	op, ok := odataOps[strings.ToLower(t.text)]
	if t.kind != tIdent || !ok {
		return nil, p.fail("an operator (eq ne gt ge lt le in) after " + strconv.Quote(field))
	}
	p.i++
	vt := p.peek()
	v, err := p.literal()
	if err != nil {
		return nil, err
	}
	if v == nil {
		switch op {
		case connectors.OpEq:
			return connectors.IsNull(field), nil
		case connectors.OpNe:
			return connectors.Not{X: connectors.IsNull(field)}, nil
		}
		return nil, p.failAt(vt, "a value other than null for "+t.text)
	}
	return connectors.Cmp{Field: field, Op: op, Value: v}, nil
}

func (p *odataParser) literal() (any, error) {
	t := p.peek()
	switch t.kind {
	case tString:
		p.i++
		return t.text, nil
	case tNumber:
		p.i++
		text := t.text
		if last := text[len(text)-1]; strings.IndexByte("LlMmDdFf", last) >= 0 {
			text = text[:len(text)-1] // the suffix names an Edm type; the value reads the same
		}
		return parseNumber(p.sqlParser, t, text)
	case tIdent:
		next := p.toks[p.i+1]
		if next.kind == tString && next.pos == t.end {
			p.i += 2
			switch strings.ToLower(t.text) {
			case "datetime":
				if d, err := connectors.ParseDate(strings.TrimSuffix(next.text, "T00:00:00")); err == nil && strings.HasSuffix(next.text, "T00:00:00") {
					return d, nil
				}
				ts, err := parseTimestamp(next.text)
				if err != nil {
					return nil, p.failAt(next, "a datetime as '2024-01-31T00:00:00'")
				}
				return ts, nil
			case "datetimeoffset":
				ts, err := parseTimestamp(next.text)
				if err != nil {
					return nil, p.failAt(next, "a datetimeoffset as '2024-01-31T00:00:00Z'")
				}
				return ts, nil
			case "guid", "time", "binary", "x":
				return next.text, nil
			}
			return nil, p.failAt(t, "a typed literal (datetime'...', datetimeoffset'...', guid'...')")
		}
		if v, ok := p.keywordLiteral(); ok {
			return v, nil
		}
	}
	return nil, p.fail("a value (a 'string', a number, true, false, null, datetime'...' or datetimeoffset'...')")
}

// ParseOData reads an OData request path with its query options, as
// OData.Path renders it or people write it:
// EntitySet?$filter=...&$select=a,b&$orderby=a desc&$top=10&asOfDate=2024-01-31.
// Values may be percent-encoded ('+' is kept as a plus); other parameters
// ($format, $skip, $inlinecount, paging ...) are ignored.
func ParseOData(path string) (connectors.Query, error) {
	var q connectors.Query
	base, rawQuery, _ := strings.Cut(path, "?")
	base = strings.TrimSuffix(base, "/")
	if i := strings.LastIndexByte(base, '/'); i >= 0 {
		base = base[i+1:]
	}
	q.Entity = base
	if !odataName(base) {
		return q, invalidf("OData: %q is not an entity set name", base).WithDetail("entity", base)
	}
	for _, part := range strings.Split(rawQuery, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		val, err := url.PathUnescape(v)
		if err != nil {
			return q, invalidf("OData: parameter %s is not percent-encoded correctly", k).WithDetail("parameter", k)
		}
		key, _ := url.PathUnescape(k)
		switch key {
		case "$filter":
			if q.Where, err = ParseODataFilter(val); err != nil {
				return q, err
			}
		case "$select":
			for _, f := range strings.Split(val, ",") {
				if f = strings.TrimSpace(f); f != "" {
					q.Fields = append(q.Fields, f)
				}
			}
		case "$orderby":
			for _, item := range strings.Split(val, ",") {
				fs := strings.Fields(item)
				if len(fs) == 0 || len(fs) > 2 || !odataName(fs[0]) {
					return q, invalidf("OData: $orderby item %q is not 'property [asc|desc]'", item)
				}
				o := connectors.Order{Field: fs[0]}
				if len(fs) == 2 {
					switch strings.ToLower(fs[1]) {
					case "desc":
						o.Desc = true
					case "asc":
					default:
						return q, invalidf("OData: $orderby direction %q is not asc or desc", fs[1])
					}
				}
				q.OrderBy = append(q.OrderBy, o)
			}
		case "$top":
			if q.Limit, err = limitParam("OData", "$top", val); err != nil {
				return q, err
			}
		case "asOfDate":
			if q.AsOf, err = dateParam("OData", "asOfDate", val); err != nil {
				return q, err
			}
		}
	}
	if err := q.Validate(); err != nil {
		return connectors.Query{}, err
	}
	return q, nil
}
