package translate

import (
	"strconv"
	"strings"

	connectors "github.com/xlr8/connectors"
)

// ParseWQL reads the WQL CompileWQL writes and the common forms people
// write: keywords in any case, strings in ' or " (no escapes), LIKE 'x%'
// and '%x%' as startsWith and contains, != and NOT, data-source
// parameters in parentheses after the source (effectiveAsOfDate gives
// Query.AsOf; others are refused, the Query cannot carry them). Quoted
// dates stay strings; compile with a schema to type them. Errors are
// INVALID_ARGUMENT with the offset.
func ParseWQL(src string) (connectors.Query, error) {
	toks, err := lex(wqlDialect.cfg, src)
	if err != nil {
		return connectors.Query{}, err
	}
	p := &sqlParser{d: wqlDialect, src: src, toks: toks}
	p.leaf = func() (connectors.Expr, error) { return wqlPredicate(p) }
	q, err := wqlQueryOf(p)
	if err != nil {
		return connectors.Query{}, err
	}
	if err := q.Validate(); err != nil {
		return connectors.Query{}, err
	}
	return q, nil
}

// wqlDialect is WQL for the shared expression parser: its boolean grammar
// (OR, AND, NOT, parentheses), comparisons, in lists, LIKE and ORDER BY;
// wqlPredicate adds contains, startsWith and is [not] empty.
var wqlDialect = &sqlDialect{
	cfg:      lexConfig{lang: "WQL", rawQuotes: true},
	reserved: wqlReserved,
	literal:  plainLiteral(false, "a value (a 'string', a number, true or false)"),
	like: func(p *sqlParser, t token) ([]patPart, error) {
		var out []patPart
		for _, r := range t.text {
			if r == '%' || r == '_' {
				out = append(out, patPart{wild: byte(r)})
			} else {
				out = append(out, patPart{r: r})
			}
		}
		return out, nil
	},
}

func wqlQueryOf(p *sqlParser) (connectors.Query, error) {
	var q connectors.Query
	if err := p.expectKw("SELECT"); err != nil {
		return q, err
	}
	fields, err := p.fieldList("a field name")
	if err != nil {
		return q, err
	}
	q.Fields = fields
	if !p.kw("FROM") {
		return q, p.fail("',' or FROM")
	}
	src, err := p.ident("a data source")
	if err != nil {
		return q, err
	}
	q.Entity = src
	if p.op("(") {
		for {
			name, err := p.ident("a data-source parameter")
			if err != nil {
				return q, err
			}
			if !strings.EqualFold(name, WQLAsOfParam) {
				return q, invalidf("WQL: data-source parameter %q has no place in a query (only %s)", name, WQLAsOfParam).WithDetail("parameter", name)
			}
			if err := p.expectOp("="); err != nil {
				return q, err
			}
			t := p.peek()
			d, derr := connectors.ParseDate(t.text)
			if t.kind != tString || derr != nil {
				return q, p.fail("a quoted date 'YYYY-MM-DD'")
			}
			p.i++
			q.AsOf = d.Time()
			if p.op(")") {
				break
			}
			if !p.op(",") {
				return q, p.fail("',' or ')'")
			}
		}
	}
	if p.kw("WHERE") {
		if q.Where, err = p.orExpr(); err != nil {
			return q, err
		}
	}
	if p.kw("ORDER") {
		if q.OrderBy, err = p.orderBy(false); err != nil {
			return q, err
		}
	}
	if p.kw("LIMIT") {
		t := p.peek()
		n, err := strconv.Atoi(t.text)
		if t.kind != tNumber || err != nil || n < 0 {
			return q, p.fail("a non-negative integer after LIMIT")
		}
		p.i++
		q.Limit = n
	}
	if p.peek().kind != tEOF {
		return q, p.fail("AND, OR, ORDER BY, LIMIT or the end of the query")
	}
	return q, nil
}

// wqlPredicate reads WQL's own operators (contains, startsWith, is [not]
// empty) and leaves the rest (comparisons, [not] in, like) to the shared
// predicate.
func wqlPredicate(p *sqlParser) (connectors.Expr, error) {
	if p.peek().kind != tIdent || p.toks[p.i+1].kind != tIdent {
		return p.predicate()
	}
	switch op := strings.ToLower(p.toks[p.i+1].text); op {
	case "contains", "startswith":
		field, err := p.ident("a field name")
		if err != nil {
			return nil, err
		}
		p.i++
		t := p.peek()
		if t.kind != tString {
			return nil, p.fail("a quoted string after " + op)
		}
		p.i++
		if op == "contains" {
			return connectors.Contains(field, t.text), nil
		}
		return connectors.StartsWith(field, t.text), nil
	case "is":
		field, err := p.ident("a field name")
		if err != nil {
			return nil, err
		}
		p.i++
		neg := p.kw("NOT")
		if err := p.expectKw("EMPTY"); err != nil {
			return nil, err
		}
		if neg {
			return connectors.Not{X: connectors.IsNull(field)}, nil
		}
		return connectors.IsNull(field), nil
	}
	return p.predicate()
}
