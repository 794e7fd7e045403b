package sap

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/internal/connkit"
	"github.com/xlr8/connectors/internal/errs"
	"github.com/xlr8/connectors/internal/pager"
)

// nativeParams are the query options a native query may carry: OData's
// system query options and SuccessFactors' own parameters.
var nativeParams = map[string]bool{
	"$filter": true, "$select": true, "$expand": true, "$orderby": true, "$top": true, "$skip": true,
	"$inlinecount": true, "$format": true, "$skiptoken": true, "$count": true,
	"asOfDate": true, "fromDate": true, "toDate": true, "paging": true, "customPageSize": true,
}

// Native runs a native query: an entity set path with its own options,
// "EmpJob?$filter=userId eq '1001'&fromDate=1900-01-01" (SuccessFactors) or
// "API_BUSINESS_PARTNER/A_BusinessPartner?$filter=...&$select=..." (S/4),
// the options percent-encoded or not. Records are typed by the entity's
// $metadata; pages follow __next, and an S/4 query without $top or $skip of
// its own is paged with them.
func (d *driver) Native(ctx context.Context, native string) (*connkit.Plan, error) {
	path, raw, _ := strings.Cut(strings.TrimSpace(native), "?")
	path = strings.Trim(path, "/")
	es, err := d.entitySet(ctx, path)
	if err != nil {
		return nil, err
	}
	params, err := parseNativeQuery(raw)
	if err != nil {
		return nil, &errs.Error{Code: errs.CodeInvalidArgument, Product: d.product, Message: "native query: " + err.Error()}
	}
	for k := range params {
		if !nativeParams[k] {
			return nil, &errs.Error{Code: errs.CodeInvalidArgument, Product: d.product,
				Message: fmt.Sprintf("native query: %q is not an OData or SuccessFactors query option", connkit.Bound(k, 40))}
		}
	}
	if f := params.Get("$format"); f != "" && f != "json" {
		return nil, &errs.Error{Code: errs.CodeInvalidArgument, Product: d.product, Message: "native query: only $format=json is read"}
	}
	svc, set, _ := d.splitEntity(path)
	root, v4 := d.serviceRoot(svc)
	if v4 {
		params.Del("$format")
	} else {
		params.Set("$format", "json")
	}
	p := &connkit.Plan{Entity: path, Native: native, Calls: -1, KeyOf: connkit.KeyOf(es.Key)}
	if d.sf {
		first, _ := url.Parse(d.url(sfRoot+set, params))
		p.Requests = []connectors.PlannedRequest{{Method: http.MethodGet, URL: first.String()}}
		p.Fetch = pager.OData(first, 0, d.pageCall(es.shape))
		return p, nil
	}
	first, _ := url.Parse(d.url(root+set, params))
	p.Requests = []connectors.PlannedRequest{{Method: http.MethodGet, URL: first.String()}}
	if params.Has("$top") || params.Has("$skip") || params.Has("$skiptoken") {
		p.Fetch = pager.OData(first, 0, d.pageCall(es.shape))
		return p, nil
	}
	p.Fetch = pager.OffsetLimit(d.set.pageSize, d.offsetCall(first, es.shape))
	return p, nil
}

// parseNativeQuery reads a query string whose values may be written
// unencoded ($filter=Name eq 'O”Brien'): "+" is kept as a plus, and a
// value that is not valid percent-encoding is taken literally.
func parseNativeQuery(raw string) (url.Values, error) {
	out := url.Values{}
	if raw == "" {
		return out, nil
	}
	for _, kv := range strings.Split(raw, "&") {
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		key, err := url.PathUnescape(k)
		if err != nil {
			key = k
		}
		val, err := url.PathUnescape(v)
		if err != nil {
			val = v
		}
		if out.Has(key) {
			return nil, fmt.Errorf("option %s is given twice", connkit.Bound(key, 40))
		}
		if key == "$top" || key == "$skip" || key == "customPageSize" {
			if n, err := strconv.Atoi(val); err != nil || n < 0 {
				return nil, fmt.Errorf("%s=%q is not a count", key, connkit.Bound(val, 20))
			}
		}
		out.Set(key, val)
	}
	return out, nil
}
