package translate

import (
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	connectors "github.com/xlr8/connectors"
)

// OracleFrameworkVersion is the REST-Framework-Version header value the
// Oracle dialect targets: q= uses the expression ("rowmatch") syntax that
// framework version 2 introduced, and version 4 returns errors as JSON.
// Version 1 reads q= as query-by-example and would misread these
// expressions, so a connector must send this header with every q=.
const OracleFrameworkVersion = "4"

// Oracle is a query compiled for an Oracle Fusion REST resource: each
// parameter as a separate string.
type Oracle struct {
	Resource string
	// Q is the q= expression; Fields fields= (child attributes as
	// child:Attr groups); OrderBy orderBy= (Attr:asc,Attr:desc).
	Q, Fields, OrderBy string
	// Limit is a page-size hint: the query's Limit when nothing is residual
	// and it is at most 500 (Oracle's cap), else 0. The pager still pages
	// with limit/offset and enforces Query.Limit.
	Limit int
	// EffectiveDate is effectiveDate= (YYYY-MM-DD) for Query.AsOf.
	EffectiveDate string
	// FieldList holds the requested field paths; Extra those requested
	// only for Match.
	FieldList, Extra []string
	Pushed, Residual connectors.Expr
}

// Values returns the non-empty parameters (limit included when set).
func (o Oracle) Values() url.Values {
	v := url.Values{}
	for _, kv := range o.params() {
		v.Set(kv[0], kv[1])
	}
	return v
}

func (o Oracle) params() [][2]string {
	var out [][2]string
	add := func(k, v string) {
		if v != "" {
			out = append(out, [2]string{k, v})
		}
	}
	add("q", o.Q)
	add("fields", o.Fields)
	add("orderBy", o.OrderBy)
	if o.Limit > 0 {
		add("limit", strconv.Itoa(o.Limit))
	}
	add("effectiveDate", o.EffectiveDate)
	return out
}

// Path renders resource?q=...&fields=... percent-encoded.
func (o Oracle) Path() string { return o.Resource + encodeParams(o.params()) }

// CompileOracle compiles q, in the resource's attribute names (dots reach
// child resources: names.LastName), for Oracle Fusion REST with
// REST-Framework-Version 2 or later (OracleFrameworkVersion). q= carries
// = <> < <= > >= IN IS NULL IS NOT NULL LIKE, and/or with parentheses;
// strings are quoted with ' doubled, dates as 'YYYY-MM-DD', times as
// 'YYYY-MM-DDThh:mm:ssZ' in UTC. Residual: child attributes (not
// generally queryable), NOT other than <> / NOT IN / IS NOT NULL, LIKE
// values holding a wildcard character (% _ *) or a backslash (the syntax
// has no documented escape), values with control characters, ordering on
// a child attribute (an error: it cannot be done client side either).
func CompileOracle(q connectors.Query, opts ...Option) (Oracle, error) {
	o := buildOptions(opts)
	q, err := prepare(q, o, "Oracle q", oracleName)
	if err != nil {
		return Oracle{}, err
	}
	out := Oracle{Resource: q.Entity}
	if !q.AsOf.IsZero() {
		out.EffectiveDate = connectors.DateOf(q.AsOf).String()
	}
	w := oracleWriter{o: o}
	out.Pushed, out.Residual = split(q.Where, func(e connectors.Expr) bool { _, ok := w.expr(e, 0); return ok })
	if out.Pushed != nil {
		out.Q, _ = w.expr(out.Pushed, 0)
	}
	out.FieldList, out.Extra = withResidualFields(q.Fields, out.Residual)
	out.Fields = oracleFields(out.FieldList)
	var order []string
	for _, ord := range q.OrderBy {
		if strings.Contains(ord.Field, ".") {
			return Oracle{}, unsupportedf("Oracle q: cannot order by the child attribute %q", ord.Field).WithDetail("field", ord.Field)
		}
		dir := ":asc"
		if ord.Desc {
			dir = ":desc"
		}
		order = append(order, ord.Field+dir)
	}
	out.OrderBy = strings.Join(order, ",")
	if out.Residual == nil && q.Limit <= 500 {
		out.Limit = q.Limit
	}
	return out, nil
}

func oracleName(s string) bool { return identOK(s, '.') }

// oracleFields renders fields=: top-level attributes first, then one
// child:Attr,Attr group per child path.
func oracleFields(list []string) string {
	var top []string
	var groups []string
	byChild := map[string][]string{}
	for _, f := range list {
		i := strings.LastIndexByte(f, '.')
		if i < 0 {
			top = append(top, f)
			continue
		}
		child := f[:i]
		if _, seen := byChild[child]; !seen {
			groups = append(groups, child)
		}
		byChild[child] = append(byChild[child], f[i+1:])
	}
	parts := []string{}
	if len(top) > 0 {
		parts = append(parts, strings.Join(top, ","))
	}
	for _, g := range groups {
		parts = append(parts, g+":"+strings.Join(byChild[g], ","))
	}
	return strings.Join(parts, ";")
}

type oracleWriter struct{ o *compileOptions }

func (w oracleWriter) expr(e connectors.Expr, ctx int) (string, bool) {
	switch x := e.(type) {
	case connectors.Cmp:
		return w.cmp(x, false)
	case connectors.And:
		return w.join([]connectors.Expr(x), " and ", precAnd, ctx)
	case connectors.Or:
		return w.join([]connectors.Expr(x), " or ", precOr, ctx)
	case connectors.Not:
		if c, ok := x.X.(connectors.Cmp); ok {
			switch c.Op {
			case connectors.OpIsNull, connectors.OpEq, connectors.OpIn:
				return w.cmp(c, true)
			}
		}
	}
	return "", false
}

func (w oracleWriter) join(list []connectors.Expr, sep string, prec, ctx int) (string, bool) {
	return joinWith(list, sep, prec, ctx, w.expr)
}

func (w oracleWriter) cmp(c connectors.Cmp, negate bool) (string, bool) {
	t, _, filterable, _ := w.o.fieldInfo(c.Field)
	if !filterable || strings.Contains(c.Field, ".") {
		return "", false
	}
	f := c.Field
	switch c.Op {
	case connectors.OpIsNull:
		if negate {
			return f + " IS NOT NULL", true
		}
		return f + " IS NULL", true
	case connectors.OpContains, connectors.OpStartsWith:
		if t != "" && t != connectors.TypeString {
			return "", false
		}
		s, _ := c.Value.(string)
		if strings.ContainsAny(s, `%_*\`) || !plainText(s) || !utf8.ValidString(s) {
			return "", false
		}
		if c.Op == connectors.OpContains {
			return f + " LIKE " + oracleString("%"+s+"%"), true
		}
		return f + " LIKE " + oracleString(s+"%"), true
	case connectors.OpIn:
		list, _ := c.Value.([]any)
		parts := make([]string, len(list))
		for i, v := range list {
			lit, ok := oracleLiteral(v)
			if !ok {
				return "", false
			}
			parts[i] = lit
		}
		kw := " IN ("
		if negate {
			kw = " NOT IN ("
		}
		return f + kw + strings.Join(parts, ", ") + ")", true
	}
	op, ok := map[connectors.Op]string{connectors.OpEq: " = ", connectors.OpNe: " <> ", connectors.OpLt: " < ",
		connectors.OpLe: " <= ", connectors.OpGt: " > ", connectors.OpGe: " >= "}[c.Op]
	if !ok {
		return "", false
	}
	if negate {
		op = " <> "
	}
	lit, ok := oracleLiteral(c.Value)
	if !ok {
		return "", false
	}
	return f + op + lit, true
}

func oracleString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func oracleLiteral(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		if !plainText(x) || !utf8.ValidString(x) {
			return "", false
		}
		return oracleString(x), true
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
		return "'" + x.String() + "'", true
	case time.Time:
		u := x.UTC()
		if u.Year() < 0 || u.Year() > 9999 {
			return "", false
		}
		return "'" + u.Format(time.RFC3339Nano) + "'", true
	}
	return "", false
}

// Oracle q= parsing.

var oracleDialect = &sqlDialect{
	cfg: lexConfig{lang: "Oracle q", identExtra: "."},
	reserved: map[string]bool{"AND": true, "OR": true, "NOT": true, "IN": true, "LIKE": true, "IS": true,
		"NULL": true, "TRUE": true, "FALSE": true, "BETWEEN": true},
	literal: plainLiteral(true, "a value (a 'string', a number, true, false)"),
	isNull:  true,
	like: func(p *sqlParser, t token) ([]patPart, error) {
		var out []patPart
		for _, r := range t.text {
			switch r {
			case '%', '*':
				out = append(out, patPart{wild: '%'})
			case '_':
				out = append(out, patPart{wild: '_'})
			default:
				out = append(out, patPart{r: r})
			}
		}
		return out, nil
	},
}

// ParseOracleQ reads an Oracle Fusion REST q= expression in the
// framework-version-2+ syntax the emitter writes (and that people write:
// keywords in any case, != as well as <>, * as a LIKE wildcard). Quoted
// dates stay strings (Oracle compares them as text or by the attribute's
// type); compile with a schema to type them.
func ParseOracleQ(src string) (connectors.Expr, error) {
	return parseWhere(oracleDialect, src, "and, or or the end of the expression")
}

// ParseOracle reads resource?q=...&fields=...&orderBy=...&limit=...&effectiveDate=...
// into a Query (child field groups child:A,B become child.A, child.B).
func ParseOracle(path string) (connectors.Query, error) {
	var q connectors.Query
	base, rawQuery, _ := strings.Cut(path, "?")
	base = strings.TrimSuffix(base, "/")
	if i := strings.LastIndexByte(base, '/'); i >= 0 {
		base = base[i+1:]
	}
	q.Entity = base
	for _, part := range strings.Split(rawQuery, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		val, err := url.PathUnescape(v)
		if err != nil {
			return q, invalidf("Oracle: parameter %s is not percent-encoded correctly", k)
		}
		switch k {
		case "q":
			if q.Where, err = ParseOracleQ(val); err != nil {
				return q, err
			}
		case "fields":
			for _, group := range strings.Split(val, ";") {
				prefix := ""
				if c, attrs, ok := strings.Cut(group, ":"); ok {
					prefix, group = c+".", attrs
				}
				for _, f := range strings.Split(group, ",") {
					if f = strings.TrimSpace(f); f != "" {
						q.Fields = append(q.Fields, prefix+f)
					}
				}
			}
		case "orderBy":
			for _, item := range strings.Split(val, ",") {
				f, dir, _ := strings.Cut(item, ":")
				o := connectors.Order{Field: strings.TrimSpace(f)}
				switch strings.ToLower(dir) {
				case "desc":
					o.Desc = true
				case "", "asc":
				default:
					return q, invalidf("Oracle: orderBy direction %q is not asc or desc", dir)
				}
				q.OrderBy = append(q.OrderBy, o)
			}
		case "limit":
			if q.Limit, err = limitParam("Oracle", "limit", val); err != nil {
				return q, err
			}
		case "effectiveDate":
			if q.AsOf, err = dateParam("Oracle", "effectiveDate", val); err != nil {
				return q, err
			}
		}
	}
	if err := q.Validate(); err != nil {
		return connectors.Query{}, err
	}
	return q, nil
}
