package translate

import (
	"strings"
	"time"

	connectors "github.com/xlr8/connectors"
)

// universalReserved mirrors the root package's keyword list (FormatIdent
// quotes these).
var universalReserved = map[string]bool{
	"SELECT": true, "FROM": true, "WHERE": true, "AND": true, "OR": true, "NOT": true, "IN": true,
	"LIKE": true, "IS": true, "NULL": true, "TRUE": true, "FALSE": true, "ORDER": true, "BY": true,
	"ASC": true, "DESC": true, "LIMIT": true, "DATE": true, "TIMESTAMP": true, "AS": true, "OF": true,
	"SINCE": true, "ESCAPE": true,
}

var universal = &sqlDialect{
	cfg:          lexConfig{lang: "query", identExtra: ".", quotedIdents: true},
	reserved:     universalReserved,
	literal:      universalLiteral,
	isNull:       true,
	escapeClause: true,
	like: func(p *sqlParser, t token) ([]patPart, error) {
		return backslashPattern(p, t, t.text)
	},
}

func universalLiteral(p *sqlParser) (any, error) {
	if v, ok, err := p.plainValue(true); ok || err != nil {
		return v, err
	}
	if t := p.peek(); t.kind == tIdent {
		switch strings.ToUpper(t.text) {
		case "DATE":
			p.i++
			st := p.peek()
			if st.kind != tString {
				return nil, p.fail("a quoted date after DATE, as DATE '2024-01-31'")
			}
			p.i++
			d, err := connectors.ParseDate(st.text)
			if err != nil {
				return nil, p.failAt(st, "a date as 'YYYY-MM-DD'")
			}
			return d, nil
		case "TIMESTAMP":
			p.i++
			st := p.peek()
			if st.kind != tString {
				return nil, p.fail("a quoted timestamp after TIMESTAMP, as TIMESTAMP '2024-01-31T10:00:00Z'")
			}
			p.i++
			ts, err := parseTimestamp(st.text)
			if err != nil {
				return nil, p.failAt(st, "an RFC 3339 timestamp as '2024-01-31T10:00:00Z'")
			}
			return ts, nil
		}
	}
	return nil, p.fail("a value (a 'string', a number, TRUE, FALSE, NULL, DATE '...' or TIMESTAMP '...')")
}

// parseTimestamp reads RFC 3339 (with or without fraction) and the common
// variants vendors send: a space for T, an offset without a colon
// (Salesforce's +0000), no zone (UTC).
func parseTimestamp(s string) (time.Time, error) {
	for _, layout := range timestampLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, invalidf("%q is not a timestamp", s)
}

var timestampLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999",
}

// Parse reads a query in the universal language:
//
//	SELECT employee_id, hire_date FROM worker
//	WHERE department = 'Engineering' AND hire_date >= DATE '2024-01-01'
//	ORDER BY hire_date DESC LIMIT 50
//
// See the package documentation for the grammar. An error is an
// INVALID_ARGUMENT *connectors.Error giving the position and what was
// expected.
func Parse(src string) (connectors.Query, error) {
	p, err := newSQLParser(universal, src)
	if err != nil {
		return connectors.Query{}, err
	}
	q, err := p.query()
	if err != nil {
		return connectors.Query{}, err
	}
	if err := q.Validate(); err != nil {
		return connectors.Query{}, err
	}
	return q, nil
}

// ParseExpr reads a WHERE expression in the universal language, as
// connectors.Expr.String prints it.
func ParseExpr(src string) (connectors.Expr, error) {
	return parseWhere(universal, src, "AND, OR or the end of the expression")
}

func (p *sqlParser) query() (connectors.Query, error) {
	var q connectors.Query
	if err := p.expectKw("SELECT"); err != nil {
		return q, err
	}
	if !p.op("*") {
		fields, err := p.fieldList("a field name or *")
		if err != nil {
			return q, err
		}
		q.Fields = fields
	}
	if !p.kw("FROM") {
		if len(q.Fields) > 0 {
			return q, p.fail("',' or FROM")
		}
		return q, p.fail("FROM")
	}
	ent, err := p.ident("an entity name")
	if err != nil {
		return q, err
	}
	q.Entity = ent
	if p.kw("WHERE") {
		if q.Where, err = p.orExpr(); err != nil {
			return q, err
		}
	}
	if p.kw("AS") {
		if err := p.expectKw("OF"); err != nil {
			return q, err
		}
		if q.AsOf, err = p.instant("AS OF"); err != nil {
			return q, err
		}
	}
	if p.kw("SINCE") {
		if q.Since, err = p.instant("SINCE"); err != nil {
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
		if t.kind != tNumber || strings.ContainsAny(t.text, ".eE-") {
			return q, p.fail("a non-negative integer after LIMIT")
		}
		v, err := parseNumber(p, t, t.text)
		if err != nil {
			return q, err
		}
		n := v.(int64)
		if n > int64(maxInt) {
			return q, p.failAt(t, "a smaller LIMIT")
		}
		p.i++
		q.Limit = int(n)
	}
	if p.peek().kind != tEOF {
		want := "the end of the query"
		switch {
		case q.Limit == 0 && len(q.OrderBy) == 0:
			want = "WHERE, AS OF, SINCE, ORDER BY, LIMIT or the end of the query"
		case q.Limit == 0:
			want = "',', LIMIT or the end of the query"
		}
		return q, p.fail(want)
	}
	return q, nil
}

const maxInt = int(^uint(0) >> 1)

// instant reads the value of AS OF or SINCE: DATE '...' (midnight UTC),
// TIMESTAMP '...' or a quoted date or timestamp.
func (p *sqlParser) instant(clause string) (time.Time, error) {
	t := p.peek()
	v, err := universalLiteral(p)
	if err != nil {
		return time.Time{}, err
	}
	switch x := v.(type) {
	case connectors.Date:
		return x.Time(), nil
	case time.Time:
		return x, nil
	case string:
		if d, err := connectors.ParseDate(x); err == nil {
			return d.Time(), nil
		}
		if ts, err := parseTimestamp(x); err == nil {
			return ts, nil
		}
	}
	return time.Time{}, p.failAt(t, "a DATE or TIMESTAMP after "+clause)
}
