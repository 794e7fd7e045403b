package connkit

import (
	connectors "github.com/xlr8/connectors"
)

// Split divides where into the conjuncts the server can evaluate (a plain
// comparison for which can reports true) and the rest, the residual the
// adapter filters client side: for vendors whose filters are query
// parameters (field=value). Vendors with a filter language (SOQL, OData,
// Oracle q=) compile through translate instead, which splits by itself.
// Either result may be nil.
func Split(where connectors.Expr, can func(connectors.Cmp) bool) (pushed, residual connectors.Expr) {
	if where == nil {
		return nil, nil
	}
	var push, rest []connectors.Expr
	var conjuncts []connectors.Expr
	if and, ok := where.(connectors.And); ok {
		conjuncts = and
	} else {
		conjuncts = []connectors.Expr{where}
	}
	for _, e := range conjuncts {
		if c, ok := e.(connectors.Cmp); ok && can(c) {
			push = append(push, e)
		} else {
			rest = append(rest, e)
		}
	}
	return connectors.Conjoin(push...), connectors.Conjoin(rest...)
}

// Select returns the fields to ask the server for so that the residual can
// be evaluated: fields plus the residual's fields not among them (extra,
// for Plan.Extra). With no fields (all of them) it returns nil, nil.
func Select(fields []string, residual connectors.Expr) (all, extra []string) {
	if len(fields) == 0 {
		return nil, nil
	}
	have := make(map[string]bool, len(fields))
	for _, f := range fields {
		have[f] = true
	}
	all = append([]string(nil), fields...)
	for _, f := range connectors.ExprFields(residual) {
		if !have[f] {
			have[f] = true
			all = append(all, f)
			extra = append(extra, f)
		}
	}
	return all, extra
}
