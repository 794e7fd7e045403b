package translate

import (
	"strconv"
	"strings"
	"unicode/utf8"

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
	toks, err := wqlLex(src)
	if err != nil {
		return connectors.Query{}, err
	}
	p := &wqlParser{src: src, toks: toks}
	q, err := p.query()
	if err != nil {
		return connectors.Query{}, err
	}
	if err := q.Validate(); err != nil {
		return connectors.Query{}, err
	}
	return q, nil
}

type wqlTok struct {
	kind tokKind // tIdent, tString, tNumber, tOp, tEOF
	text string
	pos  int
}

func wqlLex(src string) ([]wqlTok, error) {
	var out []wqlTok
	i := 0
	for {
		for i < len(src) && isSpace(src[i]) {
			i++
		}
		if i >= len(src) {
			return append(out, wqlTok{kind: tEOF, pos: i}), nil
		}
		c, start := src[i], i
		switch {
		case c == '\'' || c == '"':
			end := strings.IndexByte(src[i+1:], c)
			if end < 0 {
				return nil, syntaxError("WQL", src, start, "a closing "+string(c), "end of input")
			}
			text := src[i+1 : i+1+end]
			if !utf8.ValidString(text) {
				return nil, syntaxError("WQL", src, start, "valid UTF-8", "invalid UTF-8 in a string")
			}
			out = append(out, wqlTok{kind: tString, text: text, pos: start})
			i += end + 2
		case isDigit(c) || (c == '-' && i+1 < len(src) && isDigit(src[i+1])):
			n := scanNumber(src, i+1)
			if n < len(src) && isIdentByte(src[n], "") {
				return nil, syntaxError("WQL", src, n, "a separator after the number", "'"+clip(src[start:n+1])+"'")
			}
			out = append(out, wqlTok{kind: tNumber, text: src[i:n], pos: start})
			i = n
		case isIdentStart(c):
			for i < len(src) && isIdentByte(src[i], "") {
				i++
			}
			out = append(out, wqlTok{kind: tIdent, text: src[start:i], pos: start})
		default:
			op := ""
			switch {
			case strings.HasPrefix(src[i:], "!="), strings.HasPrefix(src[i:], "<>"),
				strings.HasPrefix(src[i:], "<="), strings.HasPrefix(src[i:], ">="):
				op = src[i : i+2]
			case strings.IndexByte("(),=<>", c) >= 0:
				op = src[i : i+1]
			}
			if op == "" {
				r, _ := utf8.DecodeRuneInString(src[i:])
				return nil, syntaxError("WQL", src, i, "a name, a value or an operator", "'"+string(r)+"'")
			}
			out = append(out, wqlTok{kind: tOp, text: op, pos: start})
			i += len(op)
		}
	}
}

type wqlParser struct {
	src   string
	toks  []wqlTok
	i     int
	depth int
}

func (p *wqlParser) peek() wqlTok { return p.toks[p.i] }

func (p *wqlParser) fail(expected string) error {
	t := p.peek()
	found := "end of input"
	switch t.kind {
	case tString:
		found = "the string '" + clip(t.text) + "'"
	case tIdent, tNumber, tOp:
		found = "'" + clip(t.text) + "'"
	}
	return syntaxError("WQL", p.src, t.pos, expected, found)
}

func (p *wqlParser) kw(word string) bool {
	if t := p.peek(); t.kind == tIdent && strings.EqualFold(t.text, word) {
		p.i++
		return true
	}
	return false
}

func (p *wqlParser) op(op string) bool {
	if t := p.peek(); t.kind == tOp && t.text == op {
		p.i++
		return true
	}
	return false
}

func (p *wqlParser) ident(what string) (string, error) {
	t := p.peek()
	if t.kind != tIdent || wqlReserved[strings.ToUpper(t.text)] {
		return "", p.fail(what)
	}
	p.i++
	return t.text, nil
}

func (p *wqlParser) query() (connectors.Query, error) {
	var q connectors.Query
	if !p.kw("SELECT") {
		return q, p.fail("SELECT")
	}
	for {
		f, err := p.ident("a field name")
		if err != nil {
			return q, err
		}
		q.Fields = append(q.Fields, f)
		if !p.op(",") {
			break
		}
	}
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
			if !p.op("=") {
				return q, p.fail("'=' after " + name)
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
		if q.Where, err = p.or(); err != nil {
			return q, err
		}
	}
	if p.kw("ORDER") {
		if !p.kw("BY") {
			return q, p.fail("BY")
		}
		for {
			f, err := p.ident("a field name to order by")
			if err != nil {
				return q, err
			}
			o := connectors.Order{Field: f}
			if p.kw("DESC") {
				o.Desc = true
			} else {
				p.kw("ASC")
			}
			q.OrderBy = append(q.OrderBy, o)
			if !p.op(",") {
				break
			}
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

func (p *wqlParser) or() (connectors.Expr, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxDepth {
		return nil, p.fail("less nesting (at most 200 levels)")
	}
	var list connectors.Or
	for {
		e, err := p.and()
		if err != nil {
			return nil, err
		}
		list = append(list, e)
		if !p.kw("OR") {
			break
		}
	}
	if len(list) == 1 {
		return list[0], nil
	}
	return list, nil
}

func (p *wqlParser) and() (connectors.Expr, error) {
	var list connectors.And
	for {
		e, err := p.unary()
		if err != nil {
			return nil, err
		}
		list = append(list, e)
		if !p.kw("AND") {
			break
		}
	}
	if len(list) == 1 {
		return list[0], nil
	}
	return list, nil
}

func (p *wqlParser) unary() (connectors.Expr, error) {
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
		e, err := p.or()
		if err != nil {
			return nil, err
		}
		if !p.op(")") {
			return nil, p.fail("')'")
		}
		return e, nil
	}
	return p.predicate()
}

func (p *wqlParser) literal() (any, error) {
	t := p.peek()
	switch t.kind {
	case tString:
		p.i++
		return t.text, nil
	case tNumber:
		p.i++
		if strings.ContainsAny(t.text, ".eE") {
			f, err := strconv.ParseFloat(t.text, 64)
			if err != nil {
				p.i--
				return nil, p.fail("a finite number")
			}
			return f, nil
		}
		n, err := strconv.ParseInt(t.text, 10, 64)
		if err != nil {
			p.i--
			return nil, p.fail("an integer within 64 bits")
		}
		return n, nil
	case tIdent:
		switch strings.ToLower(t.text) {
		case "true":
			p.i++
			return true, nil
		case "false":
			p.i++
			return false, nil
		}
	}
	return nil, p.fail("a value (a 'string', a number, true or false)")
}

func (p *wqlParser) str(after string) (string, error) {
	t := p.peek()
	if t.kind != tString {
		return "", p.fail("a quoted string after " + after)
	}
	p.i++
	return t.text, nil
}

func (p *wqlParser) predicate() (connectors.Expr, error) {
	field, err := p.ident("a field name, NOT or '('")
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind == tOp {
		op, ok := map[string]connectors.Op{"=": connectors.OpEq, "!=": connectors.OpNe, "<>": connectors.OpNe,
			"<": connectors.OpLt, "<=": connectors.OpLe, ">": connectors.OpGt, ">=": connectors.OpGe}[t.text]
		if !ok {
			return nil, p.fail("a comparison operator after " + strconv.Quote(field))
		}
		p.i++
		v, err := p.literal()
		if err != nil {
			return nil, err
		}
		return connectors.Cmp{Field: field, Op: op, Value: v}, nil
	}
	switch {
	case p.kw("contains"):
		s, err := p.str("contains")
		return connectors.Contains(field, s), err
	case p.kw("startsWith"):
		s, err := p.str("startsWith")
		return connectors.StartsWith(field, s), err
	case p.kw("is"):
		neg := p.kw("not")
		if !p.kw("empty") {
			return nil, p.fail("empty")
		}
		if neg {
			return connectors.Not{X: connectors.IsNull(field)}, nil
		}
		return connectors.IsNull(field), nil
	case p.kw("like"):
		s, err := p.str("LIKE")
		if err != nil {
			return nil, err
		}
		inner := strings.TrimSuffix(s, "%")
		trail := len(inner) < len(s)
		lead := strings.HasPrefix(inner, "%")
		inner = strings.TrimPrefix(inner, "%")
		switch {
		case strings.ContainsAny(inner, "%_"):
		case lead && trail:
			return connectors.Contains(field, inner), nil
		case trail:
			return connectors.StartsWith(field, inner), nil
		case !lead:
			return connectors.Eq(field, inner), nil
		}
		return nil, p.fail("a LIKE pattern 'x%' or '%x%' without inner wildcards")
	}
	neg := p.kw("not")
	if !p.kw("in") {
		return nil, p.fail("a comparison, in, contains, startsWith, like or is [not] empty after " + strconv.Quote(field))
	}
	if !p.op("(") {
		return nil, p.fail("'(' after in")
	}
	var list []any
	for {
		v, err := p.literal()
		if err != nil {
			return nil, err
		}
		list = append(list, v)
		if p.op(")") {
			break
		}
		if !p.op(",") {
			return nil, p.fail("',' or ')' in the in list")
		}
	}
	var e connectors.Expr = connectors.Cmp{Field: field, Op: connectors.OpIn, Value: list}
	if neg {
		e = connectors.Not{X: e}
	}
	return e, nil
}
