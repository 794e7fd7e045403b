package translate

import (
	"strconv"
	"strings"
	"time"

	connectors "github.com/xlr8/connectors"
)

// sqlDialect configures the SQL-like expression parser shared by the
// universal language, SOQL and Oracle's q= syntax.
type sqlDialect struct {
	cfg lexConfig
	// reserved words cannot be bare field names.
	reserved map[string]bool
	// literal parses one value at the current token.
	literal func(p *sqlParser) (any, error)
	// nullEquals allows "field = null" / "field != null" for IS NULL.
	nullEquals bool
	// isNull allows "field IS [NOT] NULL".
	isNull bool
	// like decodes a LIKE pattern token into its parts.
	like func(p *sqlParser, t token) ([]patPart, error)
	// escapeClause allows "LIKE '...' ESCAPE '\'" (backslash only).
	escapeClause bool
}

const maxDepth = 200

type sqlParser struct {
	d     *sqlDialect
	src   string
	toks  []token
	i     int
	depth int
	// leaf parses one comparison; nil means predicate. The boolean grammar
	// around it (OR, AND, NOT, parentheses) is shared by every dialect.
	leaf func() (connectors.Expr, error)
}

func newSQLParser(d *sqlDialect, src string) (*sqlParser, error) {
	toks, err := lex(d.cfg, src)
	if err != nil {
		return nil, err
	}
	return &sqlParser{d: d, src: src, toks: toks}, nil
}

func (p *sqlParser) peek() token { return p.toks[p.i] }

func (p *sqlParser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

func (p *sqlParser) failAt(t token, expected string) error {
	return syntaxError(p.d.cfg.lang, p.src, t.pos, expected, describeTok(t))
}

func (p *sqlParser) fail(expected string) error { return p.failAt(p.peek(), expected) }

// isKw reports whether the current token is the keyword word.
func (p *sqlParser) isKw(word string) bool {
	t := p.peek()
	return t.kind == tIdent && strings.EqualFold(t.text, word)
}

func (p *sqlParser) kw(word string) bool {
	if p.isKw(word) {
		p.i++
		return true
	}
	return false
}

func (p *sqlParser) expectKw(word string) error {
	if !p.kw(word) {
		return p.fail(word)
	}
	return nil
}

func (p *sqlParser) isOp(op string) bool {
	t := p.peek()
	return t.kind == tOp && t.text == op
}

func (p *sqlParser) op(op string) bool {
	if p.isOp(op) {
		p.i++
		return true
	}
	return false
}

func (p *sqlParser) expectOp(op string) error {
	if !p.op(op) {
		return p.fail("'" + op + "'")
	}
	return nil
}

// ident reads a field or entity name.
func (p *sqlParser) ident(what string) (string, error) {
	t := p.peek()
	switch t.kind {
	case tQIdent:
		p.i++
		return t.text, nil
	case tIdent:
		if p.d.reserved[strings.ToUpper(t.text)] {
			return "", p.failAt(t, what+" (a keyword must be double-quoted)")
		}
		if ex := p.d.cfg.identExtra; len(ex) == 1 && !identOK(t.text, ex[0]) {
			return "", p.failAt(t, what+" (each part of a path starts with a letter or _)")
		}
		p.i++
		return t.text, nil
	}
	return "", p.fail(what)
}

func (p *sqlParser) orExpr() (connectors.Expr, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxDepth {
		return nil, p.fail("less nesting (at most 200 levels)")
	}
	first, err := p.andExpr()
	if err != nil {
		return nil, err
	}
	if !p.isKw("OR") {
		return first, nil
	}
	list := connectors.Or{first}
	for p.kw("OR") {
		e, err := p.andExpr()
		if err != nil {
			return nil, err
		}
		list = append(list, e)
	}
	return list, nil
}

func (p *sqlParser) andExpr() (connectors.Expr, error) {
	first, err := p.unary()
	if err != nil {
		return nil, err
	}
	if !p.isKw("AND") {
		return first, nil
	}
	list := connectors.And{first}
	for p.kw("AND") {
		e, err := p.unary()
		if err != nil {
			return nil, err
		}
		list = append(list, e)
	}
	return list, nil
}

func (p *sqlParser) unary() (connectors.Expr, error) {
	if p.kw("NOT") {
		p.depth++
		defer func() { p.depth-- }()
		if p.depth > maxDepth {
			return nil, p.fail("less nesting (at most 200 levels)")
		}
		x, err := p.unary()
		if err != nil {
			return nil, err
		}
		return connectors.Not{X: x}, nil
	}
	if p.op("(") {
		e, err := p.orExpr()
		if err != nil {
			return nil, err
		}
		if err := p.expectOp(")"); err != nil {
			return nil, err
		}
		return e, nil
	}
	if p.leaf != nil {
		return p.leaf()
	}
	return p.predicate()
}

func (p *sqlParser) predicate() (connectors.Expr, error) {
	field, err := p.ident("a field name, NOT or '('")
	if err != nil {
		return nil, err
	}
	t := p.peek()
	if t.kind == tOp {
		var op connectors.Op
		switch t.text {
		case "=":
			op = connectors.OpEq
		case "!=", "<>":
			op = connectors.OpNe
		case "<":
			op = connectors.OpLt
		case "<=":
			op = connectors.OpLe
		case ">":
			op = connectors.OpGt
		case ">=":
			op = connectors.OpGe
		default:
			return nil, p.fail("a comparison operator after " + strconv.Quote(field))
		}
		p.i++
		vt := p.peek()
		v, err := p.d.literal(p)
		if err != nil {
			return nil, err
		}
		if v == nil {
			if p.d.nullEquals && (op == connectors.OpEq || op == connectors.OpNe) {
				if op == connectors.OpEq {
					return connectors.IsNull(field), nil
				}
				return connectors.Not{X: connectors.IsNull(field)}, nil
			}
			if p.d.isNull {
				return nil, p.failAt(vt, "a value (compare with NULL using IS NULL or IS NOT NULL)")
			}
			return nil, p.failAt(vt, "a value other than null")
		}
		return connectors.Cmp{Field: field, Op: op, Value: v}, nil
	}
	if p.d.isNull && p.kw("IS") {
		neg := p.kw("NOT")
		if err := p.expectKw("NULL"); err != nil {
			return nil, err
		}
		if neg {
			return connectors.Not{X: connectors.IsNull(field)}, nil
		}
		return connectors.IsNull(field), nil
	}
	neg := p.kw("NOT")
	var e connectors.Expr
	switch {
	case p.kw("IN"):
		e, err = p.inList(field)
	case p.kw("LIKE"):
		e, err = p.likeExpr(field)
	default:
		if neg {
			return nil, p.fail("IN or LIKE after NOT")
		}
		expected := "a comparison (= != <> < <= > >=), IN, NOT IN, LIKE or NOT LIKE after " + strconv.Quote(field)
		if p.d.isNull {
			expected = "a comparison (= != <> < <= > >=), IN, LIKE, IS NULL or their NOT forms after " + strconv.Quote(field)
		}
		return nil, p.fail(expected)
	}
	if err != nil {
		return nil, err
	}
	if neg {
		return connectors.Not{X: e}, nil
	}
	return e, nil
}

func (p *sqlParser) inList(field string) (connectors.Expr, error) {
	if err := p.expectOp("("); err != nil {
		return nil, err
	}
	var list []any
	for {
		vt := p.peek()
		v, err := p.d.literal(p)
		if err != nil {
			return nil, err
		}
		if v == nil {
			return nil, p.failAt(vt, "a value other than null in the IN list")
		}
		list = append(list, v)
		if p.op(")") {
			break
		}
		if !p.op(",") {
			return nil, p.fail("',' or ')' in the IN list")
		}
	}
	return connectors.Cmp{Field: field, Op: connectors.OpIn, Value: list}, nil
}

func (p *sqlParser) likeExpr(field string) (connectors.Expr, error) {
	t := p.peek()
	if t.kind != tString {
		return nil, p.fail("a quoted pattern after LIKE")
	}
	p.i++
	parts, err := p.d.like(p, t)
	if err != nil {
		return nil, err
	}
	if p.d.escapeClause && p.kw("ESCAPE") {
		et := p.peek()
		if et.kind != tString || et.text != `\` {
			return nil, p.fail(`ESCAPE '\' (the only escape character)`)
		}
		p.i++
	}
	return likeToExpr(p, t, field, parts)
}

// patPart is one element of a decoded LIKE pattern: a literal rune or a
// wildcard ('%' any run, '_' any one character).
type patPart struct {
	r    rune
	wild byte
}

// likeToExpr maps a pattern onto the operators: 'x%' starts_with, '%x%'
// contains, a pattern without wildcards equality; anything else (ends
// with, inner wildcards, '_') has no operator and is an error.
func likeToExpr(p *sqlParser, t token, field string, parts []patPart) (connectors.Expr, error) {
	n := len(parts)
	lead := n > 0 && parts[0].wild == '%'
	trail := n > 0 && parts[n-1].wild == '%'
	lo, hi := 0, n
	if lead {
		lo = 1
	}
	if trail && hi > lo {
		hi--
	}
	var b strings.Builder
	for _, x := range parts[lo:hi] {
		if x.wild != 0 {
			return nil, p.failAt(t, "a LIKE pattern of the form 'x%' (starts with) or '%x%' (contains); escape % and _ with a backslash to match them")
		}
		b.WriteRune(x.r)
	}
	s := b.String()
	switch {
	case lead && trail && n >= 2:
		return connectors.Contains(field, s), nil
	case lead && n == 1:
		return connectors.StartsWith(field, ""), nil
	case lead:
		return nil, p.failAt(t, "a LIKE pattern of the form 'x%' (starts with) or '%x%' (contains); '%x' (ends with) has no operator")
	case trail:
		return connectors.StartsWith(field, s), nil
	}
	return connectors.Eq(field, s), nil
}

// backslashPattern decodes a pattern whose escapes are backslashes over
// already-unquoted text (the universal language).
func backslashPattern(p *sqlParser, t token, s string) ([]patPart, error) {
	var out []patPart
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch r {
		case '\\':
			if i+1 >= len(rs) {
				return nil, p.failAt(t, `a character after the backslash at the end of the LIKE pattern`)
			}
			i++
			out = append(out, patPart{r: rs[i]})
		case '%', '_':
			out = append(out, patPart{wild: byte(r)})
		default:
			out = append(out, patPart{r: r})
		}
	}
	return out, nil
}

func parseNumber(p *sqlParser, t token, text string) (any, error) {
	if strings.ContainsAny(text, ".eE") {
		f, err := strconv.ParseFloat(text, 64)
		if err != nil {
			return nil, p.failAt(t, "a finite number")
		}
		return f, nil
	}
	n, err := strconv.ParseInt(text, 10, 64)
	if err != nil {
		return nil, p.failAt(t, "an integer within 64 bits")
	}
	return n, nil
}

// parseWhere reads a whole string as one expression of the dialect.
func parseWhere(d *sqlDialect, src, endExpect string) (connectors.Expr, error) {
	p, err := newSQLParser(d, src)
	if err != nil {
		return nil, err
	}
	e, err := p.orExpr()
	if err != nil {
		return nil, err
	}
	if p.peek().kind != tEOF {
		return nil, p.fail(endExpect)
	}
	return e, nil
}

// keywordLiteral reads TRUE, FALSE or NULL (in any case), the literals every
// dialect shares.
func (p *sqlParser) keywordLiteral() (any, bool) {
	t := p.peek()
	if t.kind != tIdent {
		return nil, false
	}
	switch strings.ToUpper(t.text) {
	case "TRUE":
		p.i++
		return true, true
	case "FALSE":
		p.i++
		return false, true
	case "NULL":
		p.i++
		return nil, true
	}
	return nil, false
}

// orderBy reads the list after ORDER BY: fields with ASC or DESC, and, where
// the dialect has them (SOQL), NULLS FIRST or NULLS LAST, which the Order
// type does not carry and which are accepted and dropped.
func (p *sqlParser) orderBy(nulls bool) ([]connectors.Order, error) {
	if err := p.expectKw("BY"); err != nil {
		return nil, err
	}
	var out []connectors.Order
	for {
		f, err := p.ident("a field name to order by")
		if err != nil {
			return nil, err
		}
		o := connectors.Order{Field: f}
		if p.kw("DESC") {
			o.Desc = true
		} else {
			p.kw("ASC")
		}
		if nulls && p.kw("NULLS") && !p.kw("FIRST") && !p.kw("LAST") {
			return nil, p.fail("FIRST or LAST after NULLS")
		}
		out = append(out, o)
		if !p.op(",") {
			return out, nil
		}
	}
}

// limitParam reads a URL parameter holding a non-negative record count
// ($top, limit).
func limitParam(lang, name, val string) (int, error) {
	n, err := strconv.Atoi(val)
	if err != nil || n < 0 {
		return 0, invalidf("%s: %s %q is not a non-negative integer", lang, name, val)
	}
	return n, nil
}

// dateParam reads a URL parameter holding an effective date (asOfDate,
// effectiveDate).
func dateParam(lang, name, val string) (time.Time, error) {
	d, err := connectors.ParseDate(val)
	if err != nil {
		return time.Time{}, invalidf("%s: %s %q is not a date", lang, name, val)
	}
	return d.Time(), nil
}

// fieldList reads "field { , field }" (what names the first expected token).
func (p *sqlParser) fieldList(what string) ([]string, error) {
	var fields []string
	for {
		f, err := p.ident(what)
		if err != nil {
			return nil, err
		}
		fields = append(fields, f)
		if !p.op(",") {
			return fields, nil
		}
	}
}

// plainValue reads a 'string', a number, TRUE or FALSE, and NULL when null
// is set; ok is false (nothing read) for any other token.
func (p *sqlParser) plainValue(null bool) (v any, ok bool, err error) {
	t := p.peek()
	switch t.kind {
	case tString:
		p.i++
		return t.text, true, nil
	case tNumber:
		p.i++
		v, err := parseNumber(p, t, t.text)
		return v, true, err
	case tIdent:
		if v, ok := p.keywordLiteral(); ok && (null || v != nil) {
			return v, true, nil
		}
	}
	return nil, false, nil
}

// plainLiteral reads the literals of a dialect without typed date literals
// (plainValue); expected names them in the error.
func plainLiteral(null bool, expected string) func(*sqlParser) (any, error) {
	return func(p *sqlParser) (any, error) {
		if v, ok, err := p.plainValue(null); ok || err != nil {
			return v, err
		}
		return nil, p.fail(expected)
	}
}
