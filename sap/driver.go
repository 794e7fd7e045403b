package sap

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/internal/connkit"
	"github.com/xlr8/connectors/internal/errs"
	"github.com/xlr8/connectors/internal/pager"
	"github.com/xlr8/connectors/translate"
)

const (
	sfRoot = "/odata/v2/"
	s4Root = "/sap/opu/odata/sap/"
)

var identRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

const s4RootV4 = "/sap/opu/odata4/"

// serviceRoot is the path of an S/4 service's root, with a trailing slash,
// and whether it is an OData v4 service (WithV4Service).
func (d *driver) serviceRoot(svc string) (string, bool) {
	if p, ok := d.set.v4[svc]; ok {
		return s4RootV4 + p + "/", true
	}
	return s4Root + svc + "/", false
}

// Connect authenticates: a token for OAuth, else one call to the service
// document (Basic and certificates are only checked by a request).
func (d *driver) Connect(ctx context.Context) error {
	if d.tokens != nil {
		_, _, err := d.tokens.Token(ctx)
		return err
	}
	_, err := d.Ping(ctx)
	return err
}

// Ping reads the service document: SuccessFactors' /odata/v2/, S/4's
// first service's root.
func (d *driver) Ping(ctx context.Context) (connkit.Ping, error) {
	if d.sf {
		if _, err := d.sfServiceDocument(ctx); err != nil {
			return connkit.Ping{}, err
		}
		return connkit.Ping{APIVersion: "OData v2"}, nil
	}
	svc := DefaultService
	if len(d.set.services) > 0 {
		svc = d.set.services[0]
	} else if len(d.set.v4names) > 0 {
		svc = d.set.v4names[0]
	}
	root, v4 := d.serviceRoot(svc)
	q := url.Values{"$format": {"json"}}
	if v4 {
		q = nil
	}
	resp, err := d.client.Get(ctx, d.url(root, q), jsonAccept)
	if err != nil {
		return connkit.Ping{}, err
	}
	resp.Release()
	version := "OData v2"
	if v4 {
		version = "OData v4"
	}
	return connkit.Ping{APIVersion: version, Message: "service " + svc}, nil
}

var jsonAccept = http.Header{"Accept": {"application/json"}}

// url builds an absolute URL under the instance, adding sap-client. path
// is in its escaped form (key predicates arrive percent-encoded), so it is
// sent as it is, never encoded a second time.
func (d *driver) url(path string, q url.Values) string {
	u := *d.base
	u.RawPath = d.base.EscapedPath() + path
	if p, err := url.PathUnescape(u.RawPath); err == nil {
		u.Path = p
	} else {
		u.Path, u.RawPath = d.base.Path+path, ""
	}
	if d.client4 != "" {
		if q == nil {
			q = url.Values{}
		}
		q.Set("sap-client", d.client4)
	}
	u.RawQuery = encodeQuery(q)
	return u.String()
}

// encodeQuery writes parameters sorted, spaces as %20 (SAP Gateway reads
// "+" literally in $filter).
func encodeQuery(q url.Values) string {
	return strings.ReplaceAll(q.Encode(), "+", "%20")
}

func (d *driver) sfServiceDocument(ctx context.Context) ([]string, error) {
	d.mu.Lock()
	names := d.sfNames
	d.mu.Unlock()
	if names != nil {
		return names, nil
	}
	resp, err := d.client.Get(ctx, d.url(sfRoot, url.Values{"$format": {"json"}}), jsonAccept)
	if err != nil {
		return nil, err
	}
	defer resp.Release()
	var doc struct {
		D struct {
			EntitySets []string `json:"EntitySets"`
		} `json:"d"`
	}
	if err := json.Unmarshal(resp.Body, &doc); err != nil || doc.D.EntitySets == nil {
		return nil, pageError(d.product, "GET "+sfRoot, resp.StatusCode, resp.Header, resp.Body, err)
	}
	names = append([]string(nil), doc.D.EntitySets...)
	sort.Strings(names)
	d.mu.Lock()
	d.sfNames = names
	d.mu.Unlock()
	return names, nil
}

// Entities lists SuccessFactors' entity sets (the service document), or
// SERVICE/EntitySet for each S/4 service of WithServices ($metadata).
func (d *driver) Entities(ctx context.Context) ([]string, error) {
	if d.sf {
		return d.sfServiceDocument(ctx)
	}
	var out []string
	for _, svc := range append(append([]string(nil), d.set.services...), d.set.v4names...) {
		m, err := d.metadata(ctx, svc)
		if err != nil {
			return nil, err
		}
		for _, n := range m.entitySets() {
			out = append(out, svc+"/"+n)
		}
	}
	return out, nil
}

// metadata returns the parsed $metadata of an S/4 service, or of one
// SuccessFactors entity set (/odata/v2/{Set}/$metadata: the whole
// tenant's document runs to megabytes), cached for the connector's life.
func (d *driver) metadata(ctx context.Context, key string) (*service, error) {
	d.mu.Lock()
	m := d.services[key]
	d.mu.Unlock()
	if m != nil {
		return m, nil
	}
	root, _ := d.serviceRoot(key)
	path := root + "$metadata"
	if d.sf {
		path = sfRoot + key + "/$metadata"
	}
	resp, err := d.client.Get(ctx, d.url(path, nil), http.Header{"Accept": {"application/xml"}})
	if err != nil {
		return nil, err
	}
	defer resp.Release()
	m, err = parseMetadata(resp.Body)
	if err != nil {
		e := err.(*errs.Error)
		e.Message = "GET " + path + ": " + e.Message
		if isHTMLBody(resp.Header, resp.Body) && loginPage(resp.Body) {
			e.Code = errs.CodeUnauthenticated
		}
		return nil, e
	}
	d.mu.Lock()
	d.services[key] = m
	d.mu.Unlock()
	return m, nil
}

// splitEntity reads an entity name: SuccessFactors' entity set, or S/4's
// SERVICE/EntitySet.
func (d *driver) splitEntity(name string) (svc, set string, err error) {
	bad := func() (string, string, error) {
		return "", "", &errs.Error{Code: errs.CodeNotFound, Product: d.product, Message: fmt.Sprintf("no entity %q", connkit.Bound(name, 80))}
	}
	if d.sf {
		if !identRE.MatchString(name) {
			return bad()
		}
		return "", name, nil
	}
	svc, set, ok := strings.Cut(name, "/")
	if !ok || !serviceRE.MatchString(svc) || !identRE.MatchString(set) {
		return "", "", &errs.Error{Code: errs.CodeNotFound, Product: d.product,
			Message: fmt.Sprintf("no entity %q (S/4HANA entities are SERVICE/EntitySet, e.g. API_BUSINESS_PARTNER/A_BusinessPartner)", connkit.Bound(name, 80))}
	}
	return svc, set, nil
}

// entitySet returns the metadata of an entity.
func (d *driver) entitySet(ctx context.Context, name string) (*entitySet, error) {
	svc, set, err := d.splitEntity(name)
	if err != nil {
		return nil, err
	}
	key := svc
	if d.sf {
		key = set
		// An entity the service document does not list is NOT_FOUND
		// without asking for its $metadata (SuccessFactors answers an
		// unknown entity's $metadata with a 400 or 404, depending).
		names, err := d.sfServiceDocument(ctx)
		if err != nil {
			return nil, err
		}
		if i := sort.SearchStrings(names, set); i >= len(names) || names[i] != set {
			return nil, &errs.Error{Code: errs.CodeNotFound, Product: d.product, Message: fmt.Sprintf("no entity %q", name)}
		}
	}
	m, err := d.metadata(ctx, key)
	if err != nil {
		if errs.CodeOf(err) == errs.CodeNotFound {
			return nil, &errs.Error{Code: errs.CodeNotFound, Product: d.product, Message: fmt.Sprintf("no entity %q", name), Err: err}
		}
		return nil, err
	}
	es := m.sets[set]
	if es == nil {
		return nil, &errs.Error{Code: errs.CodeNotFound, Product: d.product, Message: fmt.Sprintf("no entity %q", name)}
	}
	return es, nil
}

// Schema describes an entity from $metadata, with the vocabulary's
// canonical names where it maps the entity.
func (d *driver) Schema(ctx context.Context, name string) (connectors.EntitySchema, error) {
	es, err := d.entitySet(ctx, name)
	if err != nil {
		return connectors.EntitySchema{}, err
	}
	s := es.schema()
	s.Entity = name
	annotate(d.product, &s)
	return s, nil
}

// annotate fills Canonical from translate's vocabulary.
func annotate(product string, s *connectors.EntitySchema) {
	v := translate.Default()
	for _, ent := range v.Entities() {
		m, err := v.Mapping(product, ent)
		if err != nil {
			continue
		}
		name := m.Entity
		if m.Service != "" {
			name = m.Service + "/" + m.Entity
		}
		if name != s.Entity {
			continue
		}
		s.Canonical = ent
		byNative := map[string]string{}
		for canon, f := range m.Fields {
			byNative[f.Name] = canon
		}
		for i := range s.Fields {
			if c, ok := byNative[s.Fields[i].Name]; ok {
				s.Fields[i].Canonical = c
			}
		}
		return
	}
}

// sinceFields are the change stamps SuccessFactors and S/4 use, in order
// of preference (SAP KBA 2735876 names the SF ones).
var sinceFields = []string{"lastModifiedDateTime", "lastModifiedOn", "lastModifiedDate", "LastChangeDateTime", "LastChangeDate"}

// sinceField is the change stamp the entity has, for Query.Since.
func (d *driver) sinceField(entity string, es *entitySet) (string, error) {
	for _, f := range sinceFields {
		if _, ok := es.prop(f); ok {
			return f, nil
		}
	}
	return "", &errs.Error{Code: errs.CodeUnsupported, Product: d.product,
		Message: fmt.Sprintf("%s has no change stamp (%s) for Since", entity, strings.Join(sinceFields, ", "))}
}

// Plan compiles q through translate's OData dialect and pages it:
// SuccessFactors by its __next links (server paging, customPageSize),
// S/4HANA by $top/$skip with $inlinecount=allpages checked by the walker.
func (d *driver) Plan(ctx context.Context, q connectors.Query, s connectors.EntitySchema) (*connkit.Plan, error) {
	es, err := d.entitySet(ctx, q.Entity)
	if err != nil {
		return nil, err
	}
	opts := []translate.Option{translate.WithSchema(schemaForCompile(s))}
	if !q.Since.IsZero() {
		field, err := d.sinceField(q.Entity, es)
		if err != nil {
			return nil, err
		}
		opts = append(opts, translate.WithSinceField(field))
	}
	svc, set, _ := d.splitEntity(q.Entity)
	if root, v4 := d.serviceRoot(svc); v4 && !d.sf {
		return d.planV4(q, s, es, root+set)
	}
	flavor := translate.S4HANA
	if d.sf {
		flavor = translate.SuccessFactors
	}
	cq := q
	cq.Entity = set
	c, err := translate.CompileOData(cq, flavor, opts...)
	if err != nil {
		return nil, err
	}
	params := url.Values{"$format": {"json"}, "$inlinecount": {"allpages"}}
	for k, v := range c.Values() {
		params[k] = v
	}
	params.Del("$top")
	// $expand on request: a navigation property among Fields is expanded
	// (selected alone it would come back __deferred, and be dropped).
	var expand []string
	if c.Expand != "" {
		expand = strings.Split(c.Expand, ",")
	}
	for _, f := range q.Fields {
		if _, ok := es.navigation(f); ok && !contains(expand, f) {
			expand = append(expand, f)
		}
	}
	if len(expand) > 0 {
		params.Set("$expand", strings.Join(expand, ","))
	}
	notes := []string{}
	if d.sf {
		if !d.set.historyFrom.IsZero() && q.AsOf.IsZero() {
			_, hasStart := es.prop("startDate")
			_, hasEnd := es.prop("endDate")
			if hasStart && hasEnd {
				params.Set("fromDate", d.set.historyFrom.String())
				params.Set("toDate", d.set.historyTo.String())
				notes = append(notes, "effective range fromDate/toDate")
			}
		}
		if d.set.snapshot && len(q.OrderBy) == 0 {
			params.Set("paging", "snapshot")
		}
	}
	p := &connkit.Plan{Pushed: c.Pushed, Residual: c.Residual, Extra: c.Extra, Native: c.Filter, Calls: -1, Notes: notes}
	if d.sf {
		size := d.set.pageSize
		if c.Top > 0 && c.Top < size {
			size = c.Top
			params.Set("$top", strconv.Itoa(c.Top))
		}
		params.Set("customPageSize", strconv.Itoa(size))
		first, _ := url.Parse(d.url(sfRoot+set, params))
		p.Requests = []connectors.PlannedRequest{{Method: http.MethodGet, URL: first.String()}}
		p.Fetch = pager.OData(first, size, d.sfPageCall(first, size, c.Top, es.shape))
		return p, nil
	}
	base := d.url(s4Root+svc+"/"+set, params)
	first, _ := url.Parse(base)
	p.Requests = []connectors.PlannedRequest{{Method: http.MethodGet, URL: first.String() + "&$skip=0&$top=" + strconv.Itoa(d.set.pageSize)}}
	p.Fetch = pager.OffsetLimit(d.set.pageSize, d.offsetCall(first, es.shape))
	return p, nil
}

// schemaForCompile marks navigation fields not filterable: translate must
// not push a predicate on an object to the server.
func schemaForCompile(s connectors.EntitySchema) connectors.EntitySchema {
	out := s
	out.Fields = append([]connectors.Field(nil), s.Fields...)
	for i := range out.Fields {
		if out.Fields[i].VendorType == "Navigation" {
			out.Fields[i].Filterable = false
		}
	}
	return out
}

// pageCall reads one page at at.URL (the first URL, then __next).
func (d *driver) pageCall(sh *shape) pager.Call {
	return func(ctx context.Context, at pager.At) (pager.Result, error) {
		return d.readPage(ctx, at.URL.String(), sh)
	}
}

// sfPageCall reads a SuccessFactors page: the first URL, then each
// d.__next. A full page without __next means the entity does not page on
// the server (snapshot paging on an entity that does not support it falls
// back to client paging, per SuccessFactors' documentation): the next page
// is then asked for with $skip and $top.
func (d *driver) sfPageCall(first *url.URL, size, top int, sh *shape) pager.Call {
	return func(ctx context.Context, at pager.At) (pager.Result, error) {
		res, err := d.readPage(ctx, at.URL.String(), sh)
		if err != nil || res.Next != "" || len(res.Records) < size || size <= 0 {
			return res, err
		}
		// Only a walk the server never paged: the first page, or one this
		// call asked for by $skip (Get itself never sends $skip). The last
		// page of a __next walk is full and has no __next either.
		ours := at.URL.Query().Get("$skip")
		if at.Request.Page > 0 && ours == "" {
			return res, nil
		}
		skip, _ := strconv.Atoi(ours)
		skip += len(res.Records)
		if (top > 0 && skip >= top) || (res.HasTotal && int64(skip) >= res.Total) {
			return res, nil
		}
		nu := *first
		q := nu.Query()
		q.Set("$skip", strconv.Itoa(skip))
		q.Set("$top", strconv.Itoa(size))
		nu.RawQuery = encodeQuery(q)
		res.Next = nu.String()
		return res, nil
	}
}

// offsetCall reads the page at $skip=at.Offset, $top=at.Limit.
func (d *driver) offsetCall(first *url.URL, sh *shape) pager.Call {
	return func(ctx context.Context, at pager.At) (pager.Result, error) {
		u := *first
		q := u.Query()
		q.Set("$skip", strconv.Itoa(at.Offset))
		if at.Limit > 0 {
			q.Set("$top", strconv.Itoa(at.Limit))
		}
		u.RawQuery = encodeQuery(q)
		res, err := d.readPage(ctx, u.String(), sh)
		// $top/$skip paging ignores __next: the next $skip is right after
		// what arrived, whether the server paged or not.
		res.Next = ""
		return res, err
	}
}

func (d *driver) readPage(ctx context.Context, u string, sh *shape) (pager.Result, error) {
	resp, err := d.client.Get(ctx, u, jsonAccept)
	if err != nil {
		return pager.Result{}, err
	}
	defer resp.Release()
	what := "GET " + pathOf(resp.URL)
	if e := successError(d.product, what, resp.StatusCode, resp.Header); e != nil {
		return pager.Result{}, e
	}
	page, err := decodePage(resp.Body, sh)
	if err != nil {
		if e, ok := err.(*errs.Error); ok {
			e.Product, e.HTTPStatus = d.product, resp.StatusCode
			e.Message = what + ": " + e.Message
			return pager.Result{}, e
		}
		return pager.Result{}, pageError(d.product, what, resp.StatusCode, resp.Header, resp.Body, err)
	}
	return pager.Result{Records: page.Records, Next: page.Next, Total: page.Count, HasTotal: page.HasCount}, nil
}

// pathOf names a request in messages: its path, never its query.
func pathOf(u *url.URL) string {
	if u == nil {
		return "(request)"
	}
	return u.Path
}
