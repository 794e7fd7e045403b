package translate

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	connectors "github.com/xlr8/connectors"
)

// SOQL is a query compiled for Salesforce.
type SOQL struct {
	// Query is the full statement: SELECT ... FROM ... [WHERE ...]
	// [ORDER BY ...] [LIMIT n].
	Query string
	// Where is the WHERE clause's body, "" when everything is residual.
	Where string
	// Fields are the selected fields: the query's, or Id (or the schema's
	// fields) when it names none, plus Extra.
	Fields []string
	// Extra are fields selected only so that Match can evaluate Residual;
	// drop them from records before yielding.
	Extra []string
	// Pushed is the part of the filter the server evaluates; Residual the
	// part the connector evaluates with Match. Either may be nil.
	Pushed, Residual connectors.Expr
	// Limit is the LIMIT sent: the query's when nothing is residual, else 0
	// (the connector's pager enforces Query.Limit after Match).
	Limit int
}

// CompileSOQL compiles q, in Salesforce's names (an sObject and its
// fields), into SOQL. Strings are quoted with backslash escapes, dates and
// datetimes are unquoted literals, LIKE patterns escape % and _. A
// comparison SOQL cannot carry (a value with a control character other
// than \n \r \t \b \f, a timestamp with sub-second precision or outside
// years 0-9999, LIKE on a non-text field) stays in Residual. Query.AsOf
// is UNSUPPORTED: Salesforce data is not effective-dated.
func CompileSOQL(q connectors.Query, opts ...Option) (SOQL, error) {
	o := buildOptions(opts)
	q, err := prepare(q, o, "SOQL", soqlName)
	if err != nil {
		return SOQL{}, err
	}
	if !q.AsOf.IsZero() {
		return SOQL{}, unsupportedf("SOQL: Salesforce records are not effective-dated; the query's AsOf cannot be honoured")
	}
	w := soqlWriter{o: o}
	var out SOQL
	out.Pushed, out.Residual = split(q.Where, func(e connectors.Expr) bool { _, ok := w.expr(e, 0); return ok })
	fields := q.Fields
	if len(fields) == 0 {
		fields = []string{"Id"}
		if o.schema != nil && len(o.schema.Fields) > 0 {
			fields = nil
			for _, f := range o.schema.Fields {
				fields = append(fields, f.Name)
			}
		}
	}
	out.Fields, out.Extra = withResidualFields(fields, out.Residual)
	var b strings.Builder
	b.WriteString("SELECT ")
	b.WriteString(strings.Join(out.Fields, ", "))
	b.WriteString(" FROM ")
	b.WriteString(q.Entity)
	if out.Pushed != nil {
		out.Where, _ = w.expr(out.Pushed, 0)
		b.WriteString(" WHERE ")
		b.WriteString(out.Where)
	}
	for i, ord := range q.OrderBy {
		if i == 0 {
			b.WriteString(" ORDER BY ")
		} else {
			b.WriteString(", ")
		}
		b.WriteString(ord.Field)
		if ord.Desc {
			b.WriteString(" DESC")
		} else {
			b.WriteString(" ASC")
		}
	}
	if q.Limit > 0 && out.Residual == nil {
		out.Limit = q.Limit
		b.WriteString(" LIMIT ")
		b.WriteString(strconv.Itoa(q.Limit))
	}
	out.Query = b.String()
	return out, nil
}

func soqlName(s string) bool { return identOK(s, '.') }

type soqlWriter struct{ o *compileOptions }

// expr renders e; ok is false when some part cannot be written in SOQL.
// ctx is the precedence of the surrounding operator (the same scheme as
// the universal printer, so that nested And and Or keep their shape).
func (w soqlWriter) expr(e connectors.Expr, ctx int) (string, bool) {
	switch x := e.(type) {
	case connectors.Cmp:
		return w.cmp(x)
	case connectors.And:
		return w.join([]connectors.Expr(x), " AND ", precAnd, ctx)
	case connectors.Or:
		return w.join([]connectors.Expr(x), " OR ", precOr, ctx)
	case connectors.Not:
		if c, ok := x.X.(connectors.Cmp); ok {
			switch c.Op {
			case connectors.OpIsNull:
				return c.Field + " != null", true
			case connectors.OpIn:
				s, ok := w.cmp(c)
				return strings.Replace(s, " IN (", " NOT IN (", 1), ok
			}
		}
		s, ok := w.expr(x.X, precNot)
		if !ok {
			return "", false
		}
		return parenIf("NOT "+s, precNot, ctx), true
	}
	return "", false
}

const (
	precOr = iota + 1
	precAnd
	precNot
)

func parenIf(s string, prec, ctx int) string {
	if ctx >= prec {
		return "(" + s + ")"
	}
	return s
}

func (w soqlWriter) join(list []connectors.Expr, sep string, prec, ctx int) (string, bool) {
	return joinWith(list, sep, prec, ctx, w.expr)
}

func (w soqlWriter) cmp(c connectors.Cmp) (string, bool) {
	t, _, filterable, _ := w.o.fieldInfo(c.Field)
	if !filterable {
		return "", false
	}
	f := c.Field
	switch c.Op {
	case connectors.OpIsNull:
		return f + " = null", true
	case connectors.OpContains, connectors.OpStartsWith:
		if t != "" && t != connectors.TypeString {
			return "", false
		}
		s, _ := c.Value.(string)
		lit, ok := soqlString(s, true)
		if !ok {
			return "", false
		}
		if c.Op == connectors.OpContains {
			return f + " LIKE '%" + lit + "%'", true
		}
		return f + " LIKE '" + lit + "%'", true
	case connectors.OpIn:
		list, _ := c.Value.([]any)
		parts := make([]string, len(list))
		for i, v := range list {
			lit, ok := soqlLiteral(v)
			if !ok {
				return "", false
			}
			parts[i] = lit
		}
		return f + " IN (" + strings.Join(parts, ", ") + ")", true
	}
	op, ok := map[connectors.Op]string{connectors.OpEq: " = ", connectors.OpNe: " != ", connectors.OpLt: " < ",
		connectors.OpLe: " <= ", connectors.OpGt: " > ", connectors.OpGe: " >= "}[c.Op]
	if !ok {
		return "", false
	}
	lit, ok := soqlLiteral(c.Value)
	if !ok {
		return "", false
	}
	return f + op + lit, true
}

// soqlLiteral renders a value as a SOQL literal.
func soqlLiteral(v any) (string, bool) {
	switch x := v.(type) {
	case nil:
		return "null", true
	case string:
		s, ok := soqlString(x, false)
		return "'" + s + "'", ok
	case bool:
		return strconv.FormatBool(x), true
	case int64:
		return strconv.FormatInt(x, 10), true
	case float64:
		return floatText(x), true
	case connectors.Date:
		if x.Year < 0 || x.Year > 9999 {
			return "", false
		}
		return x.String(), true
	case time.Time:
		u := x.UTC()
		if u.Nanosecond() != 0 || u.Year() < 0 || u.Year() > 9999 {
			return "", false
		}
		return u.Format("2006-01-02T15:04:05Z"), true
	}
	return "", false
}

// soqlString escapes text for a SOQL string literal: backslash, quotes
// and the control characters SOQL names (\n \r \t \b \f); in a LIKE
// pattern also % and _. Any other control character cannot be written.
func soqlString(s string, like bool) (string, bool) {
	if !utf8.ValidString(s) {
		return "", false
	}
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '\\':
			b.WriteString(`\\`)
		case '\'':
			b.WriteString(`\'`)
		case '"':
			b.WriteString(`\"`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		case '%', '_':
			if like {
				b.WriteByte('\\')
			}
			b.WriteRune(r)
		default:
			if r < 0x20 || r == 0x7f {
				return "", false
			}
			b.WriteRune(r)
		}
	}
	return b.String(), true
}

// SOQL parsing.

var soqlReserved = map[string]bool{
	"SELECT": true, "FROM": true, "WHERE": true, "AND": true, "OR": true, "NOT": true, "IN": true,
	"LIKE": true, "NULL": true, "TRUE": true, "FALSE": true, "ORDER": true, "BY": true, "ASC": true,
	"DESC": true, "LIMIT": true, "OFFSET": true, "NULLS": true, "INCLUDES": true, "EXCLUDES": true,
	"GROUP": true, "HAVING": true, "WITH": true, "USING": true, "TYPEOF": true, "FOR": true,
}

var soqlDialect = &sqlDialect{
	cfg:        lexConfig{lang: "SOQL", backslash: true, identExtra: ".", bareDates: true},
	reserved:   soqlReserved,
	literal:    soqlParseLiteral,
	nullEquals: true,
	like:       soqlPattern,
}

func soqlParseLiteral(p *sqlParser) (any, error) {
	t := p.peek()
	switch t.kind {
	case tString:
		if hasLikeEscape(t.raw) {
			return nil, p.failAt(t, `a string without \% or \_ (they escape LIKE patterns only)`)
		}
		p.i++
		return t.text, nil
	case tNumber:
		p.i++
		return parseNumber(p, t, t.text)
	case tDate:
		p.i++
		if len(t.text) == 10 {
			d, err := connectors.ParseDate(t.text)
			if err != nil {
				return nil, p.failAt(t, "a valid date")
			}
			return d, nil
		}
		ts, err := parseTimestamp(t.text)
		if err != nil {
			return nil, p.failAt(t, "a datetime as 2024-01-31T10:00:00Z")
		}
		return ts, nil
	case tIdent:
		if v, ok := p.keywordLiteral(); ok {
			return v, nil
		}
		if isRelativeDate(t.text) {
			return nil, unsupportedf("SOQL: the relative date literal %s has no fixed value; use a date such as 2024-01-31", t.text).
				WithDetail("offset", t.pos)
		}
	}
	return nil, p.fail("a value (a 'string', a number, true, false, null, a date or a datetime)")
}

func isRelativeDate(s string) bool {
	u := strings.ToUpper(s)
	for _, w := range []string{"TODAY", "YESTERDAY", "TOMORROW", "LAST_", "THIS_", "NEXT_", "N_"} {
		if strings.HasPrefix(u, w) {
			return true
		}
	}
	return false
}

// soqlPattern decodes a SOQL LIKE pattern from the raw string: \% and \_
// are literal, other backslash escapes as in strings, % and _ wildcards.
func soqlPattern(p *sqlParser, t token) ([]patPart, error) {
	var out []patPart
	raw := []rune(t.raw)
	for i := 0; i < len(raw); i++ {
		r := raw[i]
		switch r {
		case '\\':
			i++
			if i >= len(raw) {
				return nil, p.failAt(t, "a complete escape")
			}
			switch raw[i] {
			case 'n', 'N':
				out = append(out, patPart{r: '\n'})
			case 'r', 'R':
				out = append(out, patPart{r: '\r'})
			case 't', 'T':
				out = append(out, patPart{r: '\t'})
			case 'b', 'B':
				out = append(out, patPart{r: '\b'})
			case 'f', 'F':
				out = append(out, patPart{r: '\f'})
			case 'u', 'U':
				if i+4 >= len(raw) {
					return nil, p.failAt(t, `\uXXXX`)
				}
				out = append(out, patPart{r: rune(hexVal(string(raw[i+1 : i+5])))})
				i += 4
			default:
				out = append(out, patPart{r: raw[i]})
			}
		case '%', '_':
			out = append(out, patPart{wild: byte(r)})
		default:
			out = append(out, patPart{r: r})
		}
	}
	return out, nil
}

// ParseSOQL reads a SOQL query of the form the emitter produces and
// people commonly write: SELECT fields FROM sObject [WHERE ...]
// [ORDER BY f [ASC|DESC] [NULLS FIRST|LAST], ...] [LIMIT n]. Subqueries,
// aggregates, GROUP BY, relative date literals and OFFSET are
// UNSUPPORTED errors; syntax errors are INVALID_ARGUMENT with the position.
// NULLS FIRST/LAST are accepted and dropped (connectors.Order has no null
// placement).
func ParseSOQL(src string) (connectors.Query, error) {
	p, err := newSQLParser(soqlDialect, src)
	if err != nil {
		return connectors.Query{}, err
	}
	var q connectors.Query
	if err := p.expectKw("SELECT"); err != nil {
		return q, err
	}
	for {
		if p.op("(") {
			return q, unsupportedf("SOQL: relationship subqueries are not supported").WithDetail("offset", p.toks[p.i-1].pos)
		}
		f, err := p.ident("a field name")
		if err != nil {
			return q, err
		}
		if p.isOp("(") {
			return q, unsupportedf("SOQL: functions and aggregates (%s(...)) are not supported; name plain fields", f).
				WithDetail("offset", p.peek().pos)
		}
		q.Fields = append(q.Fields, f)
		if !p.op(",") {
			break
		}
	}
	if err := p.expectKw("FROM"); err != nil {
		return q, err
	}
	if q.Entity, err = p.ident("an sObject name"); err != nil {
		return q, err
	}
	if p.kw("WHERE") {
		if q.Where, err = p.orExpr(); err != nil {
			return q, err
		}
	}
	for _, kw := range []string{"GROUP", "HAVING", "WITH", "USING", "FOR"} {
		if p.isKw(kw) {
			return q, unsupportedf("SOQL: %s is not supported", strings.ToUpper(kw)).WithDetail("offset", p.peek().pos)
		}
	}
	if p.kw("ORDER") {
		if q.OrderBy, err = p.orderBy(true); err != nil {
			return q, err
		}
	}
	if p.kw("LIMIT") {
		t := p.peek()
		if t.kind != tNumber || strings.ContainsAny(t.text, ".eE-") {
			return q, p.fail("a non-negative integer after LIMIT")
		}
		n, err := strconv.ParseInt(t.text, 10, 32)
		if err != nil {
			return q, p.failAt(t, "a smaller LIMIT")
		}
		p.i++
		q.Limit = int(n)
	}
	if p.isKw("OFFSET") {
		return q, unsupportedf("SOQL: OFFSET is not supported (streams page with the server's cursor)").WithDetail("offset", p.peek().pos)
	}
	if p.peek().kind != tEOF {
		return q, p.fail("the end of the query")
	}
	if err := q.Validate(); err != nil {
		return connectors.Query{}, err
	}
	return q, nil
}

// ParseSOQLWhere reads a SOQL WHERE clause's body.
func ParseSOQLWhere(src string) (connectors.Expr, error) {
	return parseWhere(soqlDialect, src, "AND, OR or the end of the expression")
}

// hasLikeEscape reports whether a raw SOQL string holds \% or \_ (as an
// escape, not as an escaped backslash followed by % or _).
func hasLikeEscape(raw string) bool {
	for i := 0; i+1 < len(raw); i++ {
		if raw[i] == '\\' {
			if raw[i+1] == '%' || raw[i+1] == '_' {
				return true
			}
			i++
		}
	}
	return false
}
