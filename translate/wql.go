package translate

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	connectors "github.com/xlr8/connectors"
)

// WQL is a query compiled to the Workday Query Language, sent as
// {"query": Query} to POST /ccx/api/wql/v1/{tenant}/data (limit and offset
// page it).
type WQL struct {
	// Query is the WQL text: SELECT fields FROM dataSource
	// [(effectiveAsOfDate = 'YYYY-MM-DD')] [WHERE ...] [ORDER BY ...]
	// [LIMIT n].
	Query string
	// Source is the data source (allWorkers ...).
	Source string
	// FieldList holds the selected fields; Extra those selected only for
	// Match (drop them after).
	FieldList, Extra []string
	// Limit is the LIMIT written (0: none; withheld when a residual exists).
	Limit int
	// Pushed is the condition the WHERE clause expresses exactly; Residual
	// the rest, for Match.
	Pushed, Residual connectors.Expr
}

// WQLAsOfParam is the data-source parameter CompileWQL writes for
// Query.AsOf (allWorkers (effectiveAsOfDate = '2024-01-01')).
const WQLAsOfParam = "effectiveAsOfDate"

// CompileWQL compiles q, in WQL names (q.Entity is the data source, fields
// are the data source's WQL aliases: employeeID, hireDate ...), to WQL.
// WHERE carries = < <= > >= on text, numbers, booleans and dates ('YYYY-MM-DD'),
// in (...), contains and startsWith on text, is empty / is not empty for
// IS NULL / NOT IS NULL, and/or with parentheses. Strings are quoted with '
// or, when they hold a ', with "; WQL documents no escape, so a value
// holding both quotes, a backslash, a control character or invalid UTF-8
// is residual, as are != and NOT (no published WQL shows them), NOT IN,
// timestamps (their literal form is not published) and a field the schema
// marks not filterable. AsOf becomes the data source's effectiveAsOfDate
// parameter; SELECT needs at least one field (WQL has no *).
func CompileWQL(q connectors.Query, opts ...Option) (WQL, error) {
	o := buildOptions(opts)
	q, err := prepare(q, o, "WQL", wqlName)
	if err != nil {
		return WQL{}, err
	}
	w := wqlWriter{o: o}
	out := WQL{Source: q.Entity}
	out.Pushed, out.Residual = split(q.Where, func(e connectors.Expr) bool { _, ok := w.expr(e, 0); return ok })
	out.FieldList, out.Extra = withResidualFields(q.Fields, out.Residual)
	if len(out.FieldList) == 0 {
		return WQL{}, invalidf("WQL: a query must name its fields (WQL has no SELECT *)")
	}
	var b strings.Builder
	b.WriteString("SELECT ")
	b.WriteString(strings.Join(out.FieldList, ", "))
	b.WriteString(" FROM ")
	b.WriteString(q.Entity)
	if !q.AsOf.IsZero() {
		b.WriteString(" (" + WQLAsOfParam + " = '" + connectors.DateOf(q.AsOf).String() + "')")
	}
	if out.Pushed != nil {
		where, _ := w.expr(out.Pushed, 0)
		b.WriteString(" WHERE " + where)
	}
	if len(q.OrderBy) > 0 {
		parts := make([]string, len(q.OrderBy))
		for i, ord := range q.OrderBy {
			parts[i] = ord.Field + " ASC"
			if ord.Desc {
				parts[i] = ord.Field + " DESC"
			}
		}
		b.WriteString(" ORDER BY " + strings.Join(parts, ", "))
	}
	if out.Residual == nil && q.Limit > 0 {
		out.Limit = q.Limit
		b.WriteString(" LIMIT " + strconv.Itoa(q.Limit))
	}
	out.Query = b.String()
	return out, nil
}

// wqlName is a WQL alias: letters, digits and _ (email_PrimaryWork), not a
// keyword the parser reserves.
func wqlName(s string) bool {
	return identOK(s, '.') && !strings.Contains(s, ".") && !wqlReserved[strings.ToUpper(s)]
}

var wqlReserved = map[string]bool{"SELECT": true, "FROM": true, "WHERE": true, "AND": true, "OR": true, "NOT": true,
	"IN": true, "IS": true, "EMPTY": true, "ORDER": true, "BY": true, "ASC": true, "DESC": true, "LIMIT": true,
	"TRUE": true, "FALSE": true, "CONTAINS": true, "STARTSWITH": true, "LIKE": true}

type wqlWriter struct{ o *compileOptions }

func (w wqlWriter) expr(e connectors.Expr, ctx int) (string, bool) {
	switch x := e.(type) {
	case connectors.Cmp:
		return w.cmp(x, false)
	case connectors.And:
		return joinWith([]connectors.Expr(x), " AND ", precAnd, ctx, w.expr)
	case connectors.Or:
		return joinWith([]connectors.Expr(x), " OR ", precOr, ctx, w.expr)
	case connectors.Not:
		if c, ok := x.X.(connectors.Cmp); ok && c.Op == connectors.OpIsNull {
			return w.cmp(c, true)
		}
	}
	return "", false
}

func (w wqlWriter) cmp(c connectors.Cmp, negate bool) (string, bool) {
	t, _, filterable, _ := w.o.fieldInfo(c.Field)
	if !filterable {
		return "", false
	}
	f := c.Field
	switch c.Op {
	case connectors.OpIsNull:
		if negate {
			return f + " is not empty", true
		}
		return f + " is empty", true
	case connectors.OpContains, connectors.OpStartsWith:
		if t != "" && t != connectors.TypeString {
			return "", false
		}
		s, ok := c.Value.(string)
		lit, lok := wqlString(s)
		if !ok || !lok {
			return "", false
		}
		if c.Op == connectors.OpContains {
			return f + " contains " + lit, true
		}
		return f + " startsWith " + lit, true
	case connectors.OpIn:
		list, _ := c.Value.([]any)
		parts := make([]string, len(list))
		for i, v := range list {
			lit, ok := wqlLiteral(v)
			if !ok {
				return "", false
			}
			parts[i] = lit
		}
		return f + " in (" + strings.Join(parts, ", ") + ")", len(parts) > 0
	}
	op, ok := map[connectors.Op]string{connectors.OpEq: " = ", connectors.OpLt: " < ",
		connectors.OpLe: " <= ", connectors.OpGt: " > ", connectors.OpGe: " >= "}[c.Op]
	if !ok {
		return "", false
	}
	lit, ok := wqlLiteral(c.Value)
	if !ok {
		return "", false
	}
	return f + op + lit, true
}

// wqlString quotes s with ' (or " when s holds a '); ok is false when no
// quote can carry s unchanged.
func wqlString(s string) (string, bool) {
	if !utf8.ValidString(s) || !plainText(s) || strings.ContainsRune(s, '\\') {
		return "", false
	}
	switch {
	case !strings.ContainsRune(s, '\''):
		return "'" + s + "'", true
	case !strings.ContainsRune(s, '"'):
		return `"` + s + `"`, true
	}
	return "", false
}

func wqlLiteral(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return wqlString(x)
	case bool:
		return strconv.FormatBool(x), true
	case int64:
		return strconv.FormatInt(x, 10), true
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return "", false
		}
		return floatText(x), true
	case connectors.Date:
		if x.Year < 1 || x.Year > 9999 {
			return "", false
		}
		return "'" + x.String() + "'", true
	}
	return "", false
}

// wqlAlias is the WQL alias of a product field on a mapping with a WQL
// data source: the field's wql name, else its name when that is a plain
// alias (hireDate); a nested REST path (primaryJob.location.descriptor)
// without a wql name has none.
func (m *Mapping) wqlAlias(native string) (string, bool) {
	for _, fm := range m.Fields {
		if fm.Name == native {
			if fm.WQL != "" {
				return fm.WQL, true
			}
			return native, wqlName(native)
		}
	}
	return "", false
}

// renderWQL renders pq (in the product's names) as WQL over m's data
// source; a field without a WQL alias, or a condition WQL cannot express,
// is UNSUPPORTED.
func renderWQL(pq connectors.Query, m *Mapping, schema connectors.EntitySchema, product string) (string, error) {
	alias := func(f string) (string, error) {
		a, ok := m.wqlAlias(f)
		if !ok {
			return "", unsupportedf("%s: the field %s has no WQL alias on %s in the vocabulary", product, f, m.WQL).
				WithDetail("product", product).WithDetail("field", f)
		}
		return a, nil
	}
	wq := pq
	wq.Entity = m.WQL
	wq.Fields = nil
	for _, f := range pq.Fields {
		a, err := alias(f)
		if err != nil {
			return "", err
		}
		wq.Fields = append(wq.Fields, a)
	}
	wq.OrderBy = nil
	for _, o := range pq.OrderBy {
		a, err := alias(o.Field)
		if err != nil {
			return "", err
		}
		wq.OrderBy = append(wq.OrderBy, connectors.Order{Field: a, Desc: o.Desc})
	}
	var err error
	wq.Where, err = rewrite(pq.Where, func(c connectors.Cmp) (connectors.Expr, error) {
		a, err := alias(c.Field)
		c.Field = a
		return c, err
	})
	if err != nil {
		return "", err
	}
	ws := schema
	ws.Entity = m.WQL
	ws.Fields = nil
	for _, f := range schema.Fields {
		if a, ok := m.wqlAlias(f.Name); ok {
			f.Name = a
			ws.Fields = append(ws.Fields, f)
		}
	}
	if !pq.Since.IsZero() {
		return "", unsupportedf("%s: WQL on %s has no change-tracking field in the vocabulary; SINCE cannot be sent", product, m.WQL)
	}
	out, err := CompileWQL(wq, WithSchema(ws))
	if err != nil {
		return "", err
	}
	if out.Residual != nil {
		return "", unsupportedf("%s cannot express %s in WQL (Get with this Query filters it client side)", product, out.Residual.String()).
			WithDetail("product", product).WithDetail("residual", out.Residual.String())
	}
	return out.Query, nil
}

// fromWQL reads query as WQL when it parses as WQL over a data source one
// of from's mappings names (allWorkers), renaming the aliases to the
// product's field names; ok is false otherwise (the caller reads the
// universal language).
func (v *Vocabulary) fromWQL(query, from string) (connectors.Query, bool, error) {
	wq, err := ParseWQL(query)
	if err != nil {
		return connectors.Query{}, false, nil
	}
	var m *Mapping
	for _, e := range v.entities {
		if pm, ok := e.Products[from]; ok && pm.WQL != "" && strings.EqualFold(pm.WQL, wq.Entity) {
			m = pm
		}
	}
	if m == nil {
		return connectors.Query{}, false, nil
	}
	native := map[string]string{}
	for _, fm := range m.Fields {
		if a, ok := m.wqlAlias(fm.Name); ok {
			native[a] = fm.Name
		}
	}
	name := func(a string) (string, error) {
		if n, ok := native[a]; ok {
			return n, nil
		}
		return "", unsupportedf("%s: the WQL field %s of %s is not in the vocabulary", from, a, m.WQL).WithDetail("field", a)
	}
	q := wq
	q.Entity = m.Entity
	q.Fields = nil
	for _, f := range wq.Fields {
		n, err := name(f)
		if err != nil {
			return connectors.Query{}, true, err
		}
		q.Fields = append(q.Fields, n)
	}
	q.OrderBy = nil
	for _, o := range wq.OrderBy {
		n, err := name(o.Field)
		if err != nil {
			return connectors.Query{}, true, err
		}
		q.OrderBy = append(q.OrderBy, connectors.Order{Field: n, Desc: o.Desc})
	}
	schema, err := v.Schema(from, m.Canonical)
	if err != nil {
		return connectors.Query{}, true, err
	}
	types := map[string]connectors.FieldType{}
	for _, f := range schema.Fields {
		types[f.Name] = f.Type
	}
	// WQL quotes dates: the product's field types make them dates again.
	q.Where, err = rewrite(wq.Where, func(c connectors.Cmp) (connectors.Expr, error) {
		n, err := name(c.Field)
		if err != nil {
			return nil, err
		}
		c.Field = n
		return coerceCmp(c, types[n])
	})
	return q, true, err
}
