package translate

import (
	"fmt"
	"sort"
	"strings"

	connectors "github.com/xlr8/connectors"
)

// rewrite rebuilds e with every comparison replaced by fn's result,
// keeping the tree's shape.
func rewrite(e connectors.Expr, fn func(connectors.Cmp) (connectors.Expr, error)) (connectors.Expr, error) {
	switch x := e.(type) {
	case nil:
		return nil, nil
	case connectors.Cmp:
		return fn(x)
	case connectors.And:
		out := make(connectors.And, len(x))
		for i, c := range x {
			r, err := rewrite(c, fn)
			if err != nil {
				return nil, err
			}
			out[i] = r
		}
		return out, nil
	case connectors.Or:
		out := make(connectors.Or, len(x))
		for i, c := range x {
			r, err := rewrite(c, fn)
			if err != nil {
				return nil, err
			}
			out[i] = r
		}
		return out, nil
	case connectors.Not:
		r, err := rewrite(x.X, fn)
		if err != nil {
			return nil, err
		}
		return connectors.Not{X: r}, nil
	}
	return nil, invalidf("unknown expression type %T", e)
}

// ToProduct renames a query in canonical names (entity and fields may be
// synonyms) into a product's names and encodes values the product encodes
// differently (status codes, booleans). A field or value the product does
// not map is an error naming it; an entity the product does not hold is
// UNSUPPORTED.
func (v *Vocabulary) ToProduct(q connectors.Query, product string) (connectors.Query, error) {
	m, err := v.Mapping(product, q.Entity)
	if err != nil {
		return connectors.Query{}, err
	}
	e := v.byEntity[m.Canonical]
	out := q
	out.Entity = m.Entity
	out.Fields = nil
	for _, f := range q.Fields {
		_, fm, err := m.field(e, f)
		if err != nil {
			return connectors.Query{}, err
		}
		out.Fields = append(out.Fields, fm.Name)
	}
	out.OrderBy = nil
	for _, o := range q.OrderBy {
		_, fm, err := m.field(e, o.Field)
		if err != nil {
			return connectors.Query{}, err
		}
		out.OrderBy = append(out.OrderBy, connectors.Order{Field: fm.Name, Desc: o.Desc})
	}
	out.Where, err = rewrite(q.Where, func(c connectors.Cmp) (connectors.Expr, error) {
		f, fm, err := m.field(e, c.Field)
		if err != nil {
			return nil, err
		}
		c.Field = fm.Name
		if len(fm.Values) == 0 {
			return c, nil
		}
		return mapValues(c, func(val any) (any, error) {
			key := fmt.Sprint(val)
			if nv, ok := fm.Values[key]; ok {
				return nv, nil
			}
			for cv, nv := range fm.Values {
				if strings.EqualFold(cv, key) {
					return nv, nil
				}
			}
			return nil, unsupportedf("%s has no value for %s.%s = %s (it maps %s)", product, e.Name, f.Name,
				connectors.FormatValue(val), strings.Join(sortedKeys(fm.Values), ", ")).
				WithDetail("product", product).WithDetail("field", e.Name+"."+f.Name)
		})
	})
	if err != nil {
		return connectors.Query{}, err
	}
	return out, nil
}

// ToCanonical renames a query in a product's names into canonical names
// and decodes the product's value encodings.
func (v *Vocabulary) ToCanonical(q connectors.Query, product string) (connectors.Query, error) {
	m, err := v.ProductEntity(product, q.Entity)
	if err != nil {
		return connectors.Query{}, err
	}
	canon := func(native string) (string, FieldMap, error) {
		if c, ok := m.byNative[native]; ok {
			return c, m.Fields[c], nil
		}
		for n, c := range m.byNative {
			if strings.EqualFold(n, native) {
				return c, m.Fields[c], nil
			}
		}
		return "", FieldMap{}, unknownName("field", native, "on "+product+" "+m.Entity+" in the vocabulary", m.NativeFields())
	}
	out := q
	out.Entity = m.Canonical
	out.Fields = nil
	for _, f := range q.Fields {
		c, _, err := canon(f)
		if err != nil {
			return connectors.Query{}, err
		}
		out.Fields = append(out.Fields, c)
	}
	out.OrderBy = nil
	for _, o := range q.OrderBy {
		c, _, err := canon(o.Field)
		if err != nil {
			return connectors.Query{}, err
		}
		out.OrderBy = append(out.OrderBy, connectors.Order{Field: c, Desc: o.Desc})
	}
	out.Where, err = rewrite(q.Where, func(cmp connectors.Cmp) (connectors.Expr, error) {
		native := cmp.Field
		c, fm, err := canon(native)
		if err != nil {
			return nil, err
		}
		cmp.Field = c
		if len(fm.Values) == 0 {
			return cmp, nil
		}
		return mapValues(cmp, func(val any) (any, error) {
			for cv, nv := range fm.Values {
				if sameValue(nv, val) {
					return cv, nil
				}
			}
			return nil, unsupportedf("%s value %s of %s.%s has no canonical value (known: %s)", product,
				connectors.FormatValue(val), m.Entity, native, strings.Join(sortedValues(fm.Values), ", ")).
				WithDetail("product", product).WithDetail("field", native)
		})
	})
	if err != nil {
		return connectors.Query{}, err
	}
	return out, nil
}

// mapValues applies fn to the value(s) of an =, != or IN comparison; other
// operators on an encoded field have no meaning across encodings.
func mapValues(c connectors.Cmp, fn func(any) (any, error)) (connectors.Expr, error) {
	switch c.Op {
	case connectors.OpIsNull:
		return c, nil
	case connectors.OpEq, connectors.OpNe:
		v, err := fn(c.Value)
		if err != nil {
			return nil, err
		}
		c.Value = v
		return c, nil
	case connectors.OpIn:
		list, _ := c.Value.([]any)
		out := make([]any, len(list))
		for i, x := range list {
			v, err := fn(x)
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
		c.Value = out
		return c, nil
	}
	return nil, unsupportedf("field %q holds coded values: compare it with =, != or IN, not %s", c.Field, c.Op).
		WithDetail("field", c.Field)
}

// sameValue compares a mapped value with a parsed one: true and 'true' or
// 1 and '1' agree.
func sameValue(a, b any) bool {
	return fmt.Sprint(a) == fmt.Sprint(b)
}

func sortedKeys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func sortedValues(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for _, v := range m {
		out = append(out, fmt.Sprint(v))
	}
	sort.Strings(out)
	return out
}

// RecordToCanonical renames a product record into canonical names: each
// mapped field is looked up (following dots into nested objects) and its
// value decoded. Fields the mapping does not know are dropped.
func (m *Mapping) RecordToCanonical(r connectors.Record) connectors.Record {
	out := make(connectors.Record, len(m.Fields))
	for c, fm := range m.Fields {
		v, ok := r.Lookup(fm.Name)
		if !ok && strings.Contains(fm.Name, "/") {
			v, ok = r.Lookup(strings.ReplaceAll(fm.Name, "/", "."))
		}
		if !ok {
			continue
		}
		for cv, nv := range fm.Values {
			if sameValue(nv, v) {
				v = cv
				break
			}
		}
		out[c] = v
	}
	return out
}
