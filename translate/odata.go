package translate

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	connectors "github.com/xlr8/connectors"
)

// ODataFlavor says what an OData v2 service accepts beyond the standard.
type ODataFlavor struct {
	Name string
	// In: the service accepts "field in 'a','b'" (SuccessFactors). Without
	// it IN is written as an or-chain of eq.
	In bool
	// AsOf: the service takes the effective date as asOfDate=YYYY-MM-DD.
	AsOf bool
}

// The flavors of the products.
var (
	SuccessFactors = ODataFlavor{Name: "SuccessFactors", In: true, AsOf: true}
	S4HANA         = ODataFlavor{Name: "S/4HANA"}
)

// OData is a query compiled for an OData v2 service: each system query
// option as a separate string, for URL parameters.
type OData struct {
	EntitySet string
	// Filter, Select, Expand and OrderBy are the $filter, $select, $expand
	// and $orderby values; "" when not needed.
	Filter, Select, Expand, OrderBy string
	// Top is $top: the query's Limit when nothing is residual, else 0.
	Top int
	// AsOfDate is SuccessFactors' asOfDate (YYYY-MM-DD) for Query.AsOf.
	AsOfDate string
	// Fields are the selected fields (nil: the service's default set);
	// Extra those selected only for Match.
	Fields, Extra []string
	// Pushed is evaluated by the server, Residual by the connector (Match).
	Pushed, Residual connectors.Expr
}

// Values returns the non-empty options as URL parameters.
func (o OData) Values() url.Values {
	v := url.Values{}
	for _, kv := range o.params() {
		v.Set(kv[0], kv[1])
	}
	return v
}

func (o OData) params() [][2]string {
	var out [][2]string
	add := func(k, v string) {
		if v != "" {
			out = append(out, [2]string{k, v})
		}
	}
	add("$filter", o.Filter)
	add("$select", o.Select)
	add("$expand", o.Expand)
	add("$orderby", o.OrderBy)
	if o.Top > 0 {
		add("$top", strconv.Itoa(o.Top))
	}
	add("asOfDate", o.AsOfDate)
	return out
}

// Path renders EntitySet?$filter=... with each value percent-encoded
// (spaces as %20), the form Connector.Query accepts.
func (o OData) Path() string {
	return o.EntitySet + encodeParams(o.params())
}

func encodeParams(kvs [][2]string) string {
	if len(kvs) == 0 {
		return ""
	}
	var b strings.Builder
	for i, kv := range kvs {
		if i == 0 {
			b.WriteByte('?')
		} else {
			b.WriteByte('&')
		}
		b.WriteString(kv[0])
		b.WriteByte('=')
		b.WriteString(escapeQueryValue(kv[1]))
	}
	return b.String()
}

// escapeQueryValue percent-encodes a query value, keeping the characters
// RFC 3986 allows in a query unescaped except those that end or split a
// parameter (& = + #) so that queries stay readable:
// $filter=Name%20eq%20'O”Brien'.
func escapeQueryValue(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isIdentStart(c) || isDigit(c) || strings.IndexByte("-._~'()*,:/!$@;", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// CompileOData compiles q, in the service's names (an entity set and its
// properties; "/" paths navigate), into OData v2 options. Operators: eq ne
// gt ge lt le and or not, substringof and startswith, in (flavor.In);
// strings in '...' with ' doubled; dates as datetime'2024-01-31T00:00:00',
// times as datetimeoffset'...Z' (datetime'...' on an Edm.DateTime
// property); numbers take the suffix their Edm type needs (L for Edm.Int64,
// M for Edm.Decimal, d for Edm.Double; M for an untyped float). Everything
// is expressible except a property marked not filterable and substring
// operators on non-text properties, which stay residual.
func CompileOData(q connectors.Query, flavor ODataFlavor, opts ...Option) (OData, error) {
	o := buildOptions(opts)
	q, err := prepare(q, o, "OData", odataName)
	if err != nil {
		return OData{}, err
	}
	out := OData{EntitySet: q.Entity}
	if !q.AsOf.IsZero() {
		if !flavor.AsOf {
			return OData{}, unsupportedf("OData: %s has no effective dating for the query's AsOf", flavor.Name)
		}
		out.AsOfDate = connectors.DateOf(q.AsOf).String()
	}
	w := odataWriter{o: o, flavor: flavor}
	out.Pushed, out.Residual = split(q.Where, func(e connectors.Expr) bool { _, ok := w.expr(e, 0); return ok })
	if out.Pushed != nil {
		out.Filter, _ = w.expr(out.Pushed, 0)
	}
	out.Fields, out.Extra = withResidualFields(q.Fields, out.Residual)
	out.Select = strings.Join(out.Fields, ",")
	var expand []string
	for _, f := range out.Fields {
		if i := strings.LastIndexByte(f, '/'); i > 0 && !slices.Contains(expand, f[:i]) {
			expand = append(expand, f[:i])
		}
	}
	out.Expand = strings.Join(expand, ",")
	var order []string
	for _, ord := range q.OrderBy {
		if ord.Desc {
			order = append(order, ord.Field+" desc")
		} else {
			order = append(order, ord.Field+" asc")
		}
	}
	out.OrderBy = strings.Join(order, ",")
	if out.Residual == nil {
		out.Top = q.Limit
	}
	return out, nil
}

func odataName(s string) bool { return identOK(s, '/') }

type odataWriter struct {
	o      *compileOptions
	flavor ODataFlavor
}

func (w odataWriter) expr(e connectors.Expr, ctx int) (string, bool) {
	switch x := e.(type) {
	case connectors.Cmp:
		s, ok := w.cmp(x)
		if ok && x.Op == connectors.OpIn && !w.flavor.In {
			if list, _ := x.Value.([]any); len(list) > 1 {
				return parenIf(s, precOr, ctx), true
			}
		}
		if ok && x.Op == connectors.OpIn && w.flavor.In {
			return parenIf(s, precNot, ctx), true
		}
		return s, ok
	case connectors.And:
		return w.join([]connectors.Expr(x), " and ", precAnd, ctx)
	case connectors.Or:
		return w.join([]connectors.Expr(x), " or ", precOr, ctx)
	case connectors.Not:
		if c, ok := x.X.(connectors.Cmp); ok && c.Op == connectors.OpIsNull {
			return c.Field + " ne null", true
		}
		s, ok := w.expr(x.X, precNot)
		if !ok {
			return "", false
		}
		if _, isCmp := x.X.(connectors.Cmp); isCmp && !strings.HasPrefix(s, "(") {
			// OData gives not a higher precedence than eq: "not a eq 1" is
			// "(not a) eq 1" by the grammar, and servers disagree on it
			// (SAP's mock server reads it as not over everything after).
			s = "(" + s + ")"
		}
		return parenIf("not "+s, precNot, ctx), true
	}
	return "", false
}

func (w odataWriter) join(list []connectors.Expr, sep string, prec, ctx int) (string, bool) {
	return joinWith(list, sep, prec, ctx, w.expr)
}

func (w odataWriter) cmp(c connectors.Cmp) (string, bool) {
	t, vendor, filterable, _ := w.o.fieldInfo(c.Field)
	if !filterable {
		return "", false
	}
	f := c.Field
	switch c.Op {
	case connectors.OpIsNull:
		return f + " eq null", true
	case connectors.OpContains, connectors.OpStartsWith:
		if t != "" && t != connectors.TypeString {
			return "", false
		}
		s, _ := c.Value.(string)
		if !utf8.ValidString(s) {
			return "", false
		}
		if c.Op == connectors.OpContains {
			return "substringof(" + odataString(s) + "," + f + ")", true
		}
		return "startswith(" + f + "," + odataString(s) + ")", true
	case connectors.OpIn:
		list, _ := c.Value.([]any)
		parts := make([]string, len(list))
		for i, v := range list {
			lit, ok := odataLiteral(v, vendor)
			if !ok {
				return "", false
			}
			if w.flavor.In {
				parts[i] = lit
			} else {
				parts[i] = f + " eq " + lit
			}
		}
		if w.flavor.In {
			return f + " in " + strings.Join(parts, ","), true
		}
		return strings.Join(parts, " or "), true
	}
	op, ok := map[connectors.Op]string{connectors.OpEq: " eq ", connectors.OpNe: " ne ", connectors.OpLt: " lt ",
		connectors.OpLe: " le ", connectors.OpGt: " gt ", connectors.OpGe: " ge "}[c.Op]
	if !ok {
		return "", false
	}
	lit, ok := odataLiteral(c.Value, vendor)
	if !ok {
		return "", false
	}
	return f + op + lit, true
}

func odataString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// odataLiteral renders a value as an OData v2 literal for a property of
// the given Edm type ("" when unknown).
func odataLiteral(v any, edm string) (string, bool) {
	switch x := v.(type) {
	case nil:
		return "null", true
	case string:
		return odataString(x), utf8.ValidString(x)
	case bool:
		return strconv.FormatBool(x), true
	case int64:
		s := strconv.FormatInt(x, 10)
		switch edm {
		case "Edm.Int64":
			return s + "L", true
		case "Edm.Decimal":
			return s + "M", true
		case "Edm.Double":
			return s + "d", true
		case "Edm.Single":
			return s + "f", true
		}
		return s, true
	case float64:
		s := floatText(x)
		switch edm {
		case "Edm.Double":
			return s + "d", true
		case "Edm.Single":
			return s + "f", true
		}
		return s + "M", true
	case connectors.Date:
		if x.Year < 0 || x.Year > 9999 {
			return "", false
		}
		if edm == "Edm.DateTimeOffset" {
			return "datetimeoffset'" + x.String() + "T00:00:00Z'", true
		}
		return "datetime'" + x.String() + "T00:00:00'", true
	case time.Time:
		u := x.UTC()
		if u.Year() < 0 || u.Year() > 9999 || u.Nanosecond()%100 != 0 {
			return "", false // OData v2 carries 7 fractional digits
		}
		if edm == "Edm.DateTime" {
			return "datetime'" + u.Format("2006-01-02T15:04:05.9999999") + "'", true
		}
		return "datetimeoffset'" + u.Format("2006-01-02T15:04:05.9999999Z") + "'", true
	}
	return "", false
}
