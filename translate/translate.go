package translate

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	connectors "github.com/xlr8/connectors"
)

// Translate is the seed's QueryTranslator.translate: it reads query in
// from's terms (its native language, or the universal language in its
// names; from may be "canonical" for the vocabulary's own names) and
// returns the equivalent native query in to's terms (to may be
// "canonical"), through the canonical vocabulary of Default.
//
// Native forms: SOQL text (salesforce); an OData path with $filter,
// $select, $orderby, $top (sap_sf, sap_s4, prefixed by the service);
// resource?q=...&fields=... (oracle_*); entity?param=value (Workday and
// UKG); the universal language (workday_sim, canonical).
//
// Errors: an unknown product, entity or field is INVALID_ARGUMENT, with a
// suggestion when a name is close; an entity, field or value the target
// does not hold is UNSUPPORTED naming it; so is a condition the target's
// native language cannot express (Get with a Query filters it client side
// instead). Translate never returns a query that means something else.
func Translate(query, from, to string) (string, error) {
	return Default().Translate(query, from, to)
}

// TranslateFilters is the seed's QueryTranslator.translate_filters: it
// maps a filter map in canonical names ("status": "ACTIVE", or qualified
// as "worker.status") to the target product's field names and value
// encodings. Unqualified keys must together name one canonical entity the
// product holds.
func TranslateFilters(filters map[string]any, to string) (map[string]any, error) {
	return Default().TranslateFilters(filters, to)
}

// Translate is Translate over this vocabulary.
func (v *Vocabulary) Translate(query, from, to string) (string, error) {
	if from != CanonicalProduct {
		if _, err := v.Product(from); err != nil {
			return "", err
		}
	}
	if to != CanonicalProduct {
		if _, err := v.Product(to); err != nil {
			return "", err
		}
	}
	q, err := v.parseFrom(query, from)
	if err != nil {
		return "", err
	}
	var cq connectors.Query
	if from == CanonicalProduct {
		cq, err = v.canonicalize(q)
	} else {
		cq, err = v.ToCanonical(q, from)
	}
	if err != nil {
		return "", err
	}
	if to == CanonicalProduct {
		return Format(cq), nil
	}
	return v.Render(cq, to)
}

// Render compiles a query in canonical names to the product's native
// query text (see Translate for the forms). A condition the product's
// language cannot express is an UNSUPPORTED error.
func (v *Vocabulary) Render(cq connectors.Query, product string) (string, error) {
	p, err := v.Product(product)
	if err != nil {
		return "", err
	}
	m, err := v.Mapping(product, cq.Entity)
	if err != nil {
		return "", err
	}
	pq, err := v.ToProduct(cq, product)
	if err != nil {
		return "", err
	}
	schema, err := v.Schema(product, m.Canonical)
	if err != nil {
		return "", err
	}
	opts := []Option{WithSchema(schema)}
	if fm, ok := m.Fields["last_modified"]; ok {
		opts = append(opts, WithSinceField(fm.Name))
	}
	var text string
	var residual connectors.Expr
	switch p.Dialect {
	case DialectSOQL:
		s, err := CompileSOQL(pq, opts...)
		if err != nil {
			return "", err
		}
		text, residual = s.Query, s.Residual
	case DialectODataSF, DialectODataS4:
		flavor := S4HANA
		if p.Dialect == DialectODataSF {
			flavor = SuccessFactors
		}
		o, err := CompileOData(pq, flavor, opts...)
		if err != nil {
			return "", err
		}
		text, residual = o.Path(), o.Residual
		if m.Service != "" {
			text = m.Service + "/" + text
		}
	case DialectOracle:
		o, err := CompileOracle(pq, opts...)
		if err != nil {
			return "", err
		}
		text, residual = o.Path(), o.Residual
	case DialectParams:
		if m.WQL != "" {
			return renderWQL(pq, m, schema, product)
		}
		pr, err := CompileParams(pq, m.Params, opts...)
		if err != nil {
			return "", err
		}
		text, residual = pq.Entity, pr.Residual
		if enc := pr.Values.Encode(); enc != "" {
			text += "?" + enc
		}
		if residual == nil && (len(pq.OrderBy) > 0 || pq.Limit > 0 || !pq.AsOf.IsZero() || !pq.Since.IsZero()) {
			return "", unsupportedf("%s: its query parameters cannot carry ORDER BY, LIMIT, AS OF or SINCE; run the query through Get", product)
		}
	case DialectUniversal:
		if _, err := prepare(pq, buildOptions(opts), "query", func(s string) bool { return s != "" }); err != nil {
			return "", err
		}
		text = Format(pq)
	}
	if residual != nil {
		return "", unsupportedf("%s cannot express %s in its native query (Get with this Query filters it client side)", product, residual.String()).
			WithDetail("product", product).WithDetail("residual", residual.String())
	}
	return text, nil
}

// parseFrom reads the query in from's native language, falling back to the
// universal language.
func (v *Vocabulary) parseFrom(query, from string) (connectors.Query, error) {
	dialect := DialectUniversal
	if from != CanonicalProduct {
		p, _ := v.Product(from)
		dialect = p.Dialect
	}
	looksUniversal := func() bool {
		return len(query) >= 6 && strings.EqualFold(strings.TrimSpace(query)[:min(6, len(strings.TrimSpace(query)))], "SELECT")
	}
	switch dialect {
	case DialectSOQL:
		q, err := ParseSOQL(query)
		if err == nil {
			return q, nil
		}
		if uq, uerr := Parse(query); uerr == nil {
			return uq, nil
		}
		return connectors.Query{}, err
	case DialectODataSF, DialectODataS4:
		if !looksUniversal() {
			return ParseOData(query)
		}
	case DialectOracle:
		if !looksUniversal() {
			return ParseOracle(query)
		}
	case DialectParams:
		if q, ok, err := v.fromWQL(query, from); ok {
			return q, err
		}
	}
	return Parse(query)
}

// canonicalize resolves synonyms in a query written in canonical names.
func (v *Vocabulary) canonicalize(q connectors.Query) (connectors.Query, error) {
	e, err := v.Entity(q.Entity)
	if err != nil {
		return connectors.Query{}, err
	}
	name := func(f string) (string, error) {
		fd, err := e.Field(f)
		return fd.Name, err
	}
	out := q
	out.Entity = e.Name
	out.Fields = nil
	for _, f := range q.Fields {
		n, err := name(f)
		if err != nil {
			return connectors.Query{}, err
		}
		out.Fields = append(out.Fields, n)
	}
	out.OrderBy = nil
	for _, o := range q.OrderBy {
		n, err := name(o.Field)
		if err != nil {
			return connectors.Query{}, err
		}
		out.OrderBy = append(out.OrderBy, connectors.Order{Field: n, Desc: o.Desc})
	}
	out.Where, err = rewrite(q.Where, func(c connectors.Cmp) (connectors.Expr, error) {
		n, err := name(c.Field)
		c.Field = n
		return c, err
	})
	if err != nil {
		return connectors.Query{}, err
	}
	return out, nil
}

// TranslateFilters is TranslateFilters over this vocabulary.
func (v *Vocabulary) TranslateFilters(filters map[string]any, to string) (map[string]any, error) {
	if _, err := v.Product(to); err != nil {
		return nil, err
	}
	if len(filters) == 0 {
		return map[string]any{}, nil
	}
	keys := make([]string, 0, len(filters))
	qualified := ""
	for k := range filters {
		keys = append(keys, k)
		if ent, _, ok := strings.Cut(k, "."); ok {
			if _, err := v.Entity(ent); err == nil {
				if qualified != "" && qualified != ent {
					return nil, invalidf("filters name two entities, %s and %s", qualified, ent)
				}
				qualified = ent
			}
		}
	}
	sort.Strings(keys)
	entity := qualified
	if entity == "" {
		var err error
		if entity, err = v.inferEntity(keys, to); err != nil {
			return nil, err
		}
	}
	return v.TranslateFiltersFor(entity, filters, to)
}

// inferEntity finds the one entity the product holds that has every key as
// a canonical field (or synonym).
func (v *Vocabulary) inferEntity(keys []string, to string) (string, error) {
	var fits []string
	for _, e := range v.entities {
		m, ok := e.Products[to]
		if !ok {
			continue
		}
		all := true
		for _, k := range keys {
			f, err := e.Field(k)
			if _, mapped := m.Fields[f.Name]; err != nil || !mapped {
				all = false
				break
			}
		}
		if all {
			fits = append(fits, e.Name)
		}
	}
	switch len(fits) {
	case 1:
		return fits[0], nil
	case 0:
		return "", invalidf("no entity %s holds has all of the fields %s; qualify them as entity.field", to, strings.Join(keys, ", ")).
			WithDetail("product", to)
	}
	return "", invalidf("the fields %s fit several entities of %s (%s); qualify them as entity.field, e.g. %s.%s",
		strings.Join(keys, ", "), to, strings.Join(fits, ", "), fits[0], keys[0]).WithDetail("candidates", fits)
}

// TranslateFiltersFor maps a filter map on a known canonical entity (keys
// may be qualified by it) to the product's names and values.
func (v *Vocabulary) TranslateFiltersFor(entity string, filters map[string]any, to string) (map[string]any, error) {
	m, err := v.Mapping(to, entity)
	if err != nil {
		return nil, err
	}
	e := v.byEntity[m.Canonical]
	out := make(map[string]any, len(filters))
	keys := make([]string, 0, len(filters))
	for k := range filters {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		name := k
		if ent, f, ok := strings.Cut(k, "."); ok {
			if ee, err := v.Entity(ent); err == nil {
				if ee.Name != e.Name {
					return nil, invalidf("filter %q is on %s, not %s", k, ee.Name, e.Name)
				}
				name = f
			}
		}
		f, fm, err := m.field(e, name)
		if err != nil {
			return nil, err
		}
		val := filters[k]
		if len(fm.Values) > 0 && val != nil {
			val, err = mapFilterValue(val, func(x any) (any, error) {
				key := fmt.Sprint(x)
				for cv, nv := range fm.Values {
					if strings.EqualFold(cv, key) {
						return nv, nil
					}
				}
				return nil, unsupportedf("%s has no value for %s.%s = %v (it maps %s)", to, e.Name, f.Name, x,
					strings.Join(sortedKeys(fm.Values), ", ")).WithDetail("field", e.Name+"."+f.Name)
			})
			if err != nil {
				return nil, err
			}
		}
		if _, dup := out[fm.Name]; dup {
			return nil, invalidf("filters %q and another key both name %s.%s", k, e.Name, f.Name)
		}
		out[fm.Name] = val
	}
	return out, nil
}

func mapFilterValue(val any, fn func(any) (any, error)) (any, error) {
	rv := reflect.ValueOf(val)
	if rv.Kind() == reflect.Slice && rv.Type().Elem().Kind() != reflect.Uint8 {
		out := make([]any, rv.Len())
		for i := range out {
			x, err := fn(rv.Index(i).Interface())
			if err != nil {
				return nil, err
			}
			out[i] = x
		}
		return out, nil
	}
	return fn(val)
}
