package oracle

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/internal/connkit"
	"github.com/xlr8/connectors/internal/pager"
	"github.com/xlr8/connectors/translate"
)

// page is the collection envelope.
type page struct {
	Items        []map[string]any `json:"items"`
	Count        int              `json:"count"`
	HasMore      *bool            `json:"hasMore"`
	Limit        int              `json:"limit"`
	Offset       int              `json:"offset"`
	TotalResults *int64           `json:"totalResults"`
}

// Plan compiles a query through translate's Oracle dialect: q= (values
// escaped; what q= cannot say stays residual), fields= (child groups),
// orderBy=, effectiveDate= for AsOf on date-effective resources, Since on
// the resource's LastUpdateDate, expand= for the children a residual
// filter or WithExpand needs, onlyData=true; pages by offset and limit
// following hasMore, with totalResults=true on the first page checked
// against what arrived.
func (d *driver) Plan(_ context.Context, q connectors.Query, s connectors.EntitySchema) (*connkit.Plan, error) {
	e, _ := d.table.lookup(q.Entity)
	if !q.AsOf.IsZero() && !e.dated {
		return nil, connectors.Errorf(connectors.CodeUnsupported, "oracle: %s is not date-effective: AsOf does not apply", e.name)
	}
	if !q.Since.IsZero() && e.since == "" {
		return nil, connectors.Errorf(connectors.CodeUnsupported, "oracle: %s has no last-update attribute for Since", e.name)
	}
	c, err := translate.CompileOracle(q, translate.WithSchema(s), translate.WithSinceField(e.since))
	if err != nil {
		return nil, err
	}
	params := url.Values{"onlyData": {"true"}}
	set := func(k, v string) {
		if v != "" {
			params.Set(k, v)
		}
	}
	if e.finder == "" {
		set("q", c.Q)
		set("orderBy", c.OrderBy)
	} else if c.Pushed != nil || len(q.OrderBy) > 0 {
		// A finder resource takes its filter in the finder: everything is
		// filtered here. Ordering cannot be done client side.
		if len(q.OrderBy) > 0 {
			return nil, connectors.Errorf(connectors.CodeUnsupported, "oracle: %s is read through its finder and cannot be ordered", e.name)
		}
		c.Residual, c.Pushed = q.Where, nil
		c.FieldList, c.Extra = connkit.Select(q.Fields, c.Residual)
		c.Fields = ""
		if len(q.Fields) > 0 {
			c.Fields = strings.Join(c.FieldList, ",")
		}
	}
	set("fields", c.Fields)
	set("effectiveDate", c.EffectiveDate)
	var kids *children
	if c.Fields == "" {
		if expand := d.expands(e, c.Residual); len(expand) > 0 {
			// Expanded children come as collections whose first page may
			// say hasMore; the rest is read at the collection's own self
			// link, which onlyData=true would strip. links=self keeps that
			// link (and each row's) and drops the child and lov links.
			params.Set("expand", strings.Join(expand, ","))
			params.Del("onlyData")
			params.Set("links", "self")
			kids = &children{d: d, s: s, expand: expand, effectiveDate: c.EffectiveDate}
		}
	}
	first, _ := url.Parse(d.resourceURL(e, params))
	plan := &connkit.Plan{Pushed: c.Pushed, Residual: c.Residual, Extra: c.Extra, Native: c.Q, Calls: -1,
		Requests: []connectors.PlannedRequest{{Method: "GET", URL: first.String()}}}
	if e.finder != "" {
		plan.Notes = append(plan.Notes, "read through the finder "+e.finder+", which pages itself; every filter is applied here")
	}
	plan.Fetch = pager.OffsetLimit(d.set.pageSize, func(ctx context.Context, at pager.At) (pager.Result, error) {
		return d.fetch(ctx, e, s, params, kids != nil, at)
	})
	if kids != nil {
		plan.Complete = kids.complete
		plan.Notes = append(plan.Notes, "a child collection whose expanded page says hasMore is read to its end at its own link, one record at a time")
	}
	return plan, nil
}

// expands lists the children to expand: WithExpand's, plus those a
// residual filter reads.
func (d *driver) expands(e *entity, residual connectors.Expr) []string {
	seen := map[string]bool{}
	var out []string
	add := func(path string) {
		if path != "" && !seen[path] {
			seen[path] = true
			out = append(out, path)
		}
	}
	for _, c := range d.set.expand[e.name] {
		add(c)
	}
	for _, f := range connectors.ExprFields(residual) {
		if i := strings.LastIndexByte(f, '.'); i > 0 {
			add(f[:i])
		}
	}
	return out
}

// fetch reads one page.
func (d *driver) fetch(ctx context.Context, e *entity, s connectors.EntitySchema, params url.Values, follow bool, at pager.At) (pager.Result, error) {
	p := url.Values{}
	for k, v := range params {
		p[k] = v
	}
	limit := at.Limit
	if limit <= 0 {
		limit = d.set.pageSize
	}
	first := at.Offset == 0 && at.Resumed == nil
	if e.finder != "" {
		p.Set("finder", fmt.Sprintf("%s;limit=%d,offset=%d", e.finder, limit, at.Offset))
	} else {
		p.Set("limit", strconv.Itoa(limit))
		p.Set("offset", strconv.Itoa(at.Offset))
		if first {
			p.Set("totalResults", "true")
		}
	}
	u := d.base.JoinPath(e.service, "resources", Version, e.name)
	u.RawQuery = p.Encode()
	var body page
	if _, err := d.client.GetJSON(ctx, u.String(), nil, &body); err != nil {
		return pager.Result{}, err
	}
	if body.HasMore == nil {
		return pager.Result{}, connectors.Errorf(connectors.CodeInternal, "oracle: a %s page has no hasMore", e.name)
	}
	recs := make([]connectors.Record, len(body.Items))
	dec := decoder{s: s, follow: follow}
	for i, it := range body.Items {
		r, err := dec.record("", it)
		if err != nil {
			return pager.Result{}, err
		}
		recs[i] = r
	}
	res := pager.Result{Records: recs, More: *body.HasMore, MoreKnown: true}
	if first && body.TotalResults != nil {
		res.Total, res.HasTotal = *body.TotalResults, true
	}
	return res, nil
}

// record types an item by the schema: dates become connectors.Date,
// datetimes (with or without milliseconds, any offset) time.Time, integers
// int64; a child collection ({"items": [...], "hasMore": ...}) or a bare
// child array becomes a list of records; links are dropped. A child
// collection that says hasMore is an UNSUPPORTED error here: only Get,
// which asks for the collections' links, reads the rest (see children).
func record(s connectors.EntitySchema, prefix string, item map[string]any) (connectors.Record, error) {
	return decoder{s: s}.record(prefix, item)
}

func typed(s connectors.EntitySchema, path string, t connectors.FieldType, v any) (any, error) {
	return decoder{s: s}.typed(path, t, v)
}

// decoder types items by a schema. With follow, a child collection that
// says hasMore becomes a *childTail (its rows so far and its self link),
// which children.complete replaces by every row before the record is
// yielded.
type decoder struct {
	s      connectors.EntitySchema
	follow bool
}

func (d decoder) record(prefix string, item map[string]any) (connectors.Record, error) {
	out := make(connectors.Record, len(item))
	for k, v := range item {
		if k == "links" || k == "@context" {
			continue
		}
		f, known := d.s.Field(prefix + k)
		if !known || v == nil {
			out[k] = v
			continue
		}
		tv, err := d.typed(prefix+k, f.Type, v)
		if err != nil {
			return nil, err
		}
		out[k] = tv
	}
	return out, nil
}

func (d decoder) typed(path string, t connectors.FieldType, v any) (any, error) {
	bad := func() error {
		return connectors.Errorf(connectors.CodeInternal, "oracle: attribute %s holds %T, not a %s", path, v, t)
	}
	switch t {
	case connectors.TypeArray:
		list, ok := v.([]any)
		coll, isColl := v.(map[string]any)
		if isColl {
			list, ok = coll["items"].([]any)
		}
		if !ok {
			return nil, bad()
		}
		rows, err := d.rows(path, list)
		if err != nil {
			return nil, err
		}
		if more, _ := coll["hasMore"].(bool); isColl && more {
			return d.tail(path, coll, list, rows)
		}
		return rows, nil
	case connectors.TypeDate:
		str, ok := v.(string)
		day, err := connectors.ParseDate(str)
		if !ok || err != nil {
			return nil, bad()
		}
		return day, nil
	case connectors.TypeDateTime:
		str, _ := v.(string)
		tm, err := time.Parse(time.RFC3339Nano, str)
		if err != nil {
			return nil, bad()
		}
		return tm, nil
	case connectors.TypeInt:
		f, ok := v.(float64)
		if !ok || f != float64(int64(f)) {
			return nil, bad()
		}
		return int64(f), nil
	case connectors.TypeFloat:
		if _, ok := v.(float64); !ok {
			return nil, bad()
		}
	case connectors.TypeBool:
		if _, ok := v.(bool); !ok {
			return nil, bad()
		}
	case connectors.TypeString:
		if _, ok := v.(string); !ok {
			return nil, bad()
		}
	}
	return v, nil
}

// rows types the items of a child collection page.
func (d decoder) rows(path string, list []any) ([]any, error) {
	rows := make([]any, len(list))
	for i, x := range list {
		m, ok := x.(map[string]any)
		if !ok {
			return nil, connectors.Errorf(connectors.CodeInternal, "oracle: a row of the child collection %s holds %T, not an object", path, x)
		}
		r, err := d.record(path+".", m)
		if err != nil {
			return nil, err
		}
		rows[i] = map[string]any(r)
	}
	return rows, nil
}

// tail is an expanded child collection that says hasMore: without follow
// an UNSUPPORTED error (its link was not asked for), else a *childTail at
// the collection's self link.
func (d decoder) tail(path string, coll map[string]any, list, rows []any) (any, error) {
	if !d.follow {
		return nil, connectors.Errorf(connectors.CodeUnsupported,
			"oracle: the child collection %s holds more rows than its expanded page, and this read (fields= or onlyData=true) carries no link to the rest; read it through WithExpand, or as a resource of its own", path)
	}
	href := selfLink(coll["links"])
	if href == "" {
		return nil, connectors.Errorf(connectors.CodeInternal, "oracle: the child collection %s says hasMore but has no self link to the rest", path)
	}
	offset, _ := coll["offset"].(float64)
	if offset < 0 || offset != float64(int(offset)) {
		return nil, connectors.Errorf(connectors.CodeInternal, "oracle: the child collection %s has offset %v", path, coll["offset"])
	}
	t := &childTail{path: path, href: href, rows: rows, next: int(offset) + len(list), seen: make(map[string]bool, len(list))}
	for _, x := range list {
		t.seen[fingerprint(x.(map[string]any))] = true
	}
	return t, nil
}

// selfLink is the href of the rel=self link in a links array, or "".
func selfLink(v any) string {
	list, _ := v.([]any)
	for _, x := range list {
		if l, ok := x.(map[string]any); ok && l["rel"] == "self" {
			if href, ok := l["href"].(string); ok {
				return href
			}
		}
	}
	return ""
}

// fingerprint identifies a child row: its self link (the row's own key),
// or, for a row without one, its JSON (encoding/json sorts map keys).
func fingerprint(row map[string]any) string {
	if href := selfLink(row["links"]); href != "" {
		return href
	}
	b, _ := json.Marshal(row)
	return string(b)
}

// ParseNative reads a native query: a resource path with its own query
// string (workers?q=PersonNumber='100001'&fields=PersonNumber,names:LastName
// &orderBy=LastUpdateDate:desc&limit=10&effectiveDate=2024-01-01), run as
// Get. The service prefix (/hcmRestApi/resources/11.13.18.05/) may be given.
func (d *driver) ParseNative(native string) (connectors.Query, error) {
	return translate.ParseOracle(native)
}
