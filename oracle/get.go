package oracle

import (
	"context"
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
	if c.Fields == "" {
		set("expand", strings.Join(d.expands(e, c.Residual), ","))
	}
	first, _ := url.Parse(d.resourceURL(e, params))
	plan := &connkit.Plan{Pushed: c.Pushed, Residual: c.Residual, Extra: c.Extra, Native: c.Q, Calls: -1,
		Requests: []connectors.PlannedRequest{{Method: "GET", URL: first.String()}}}
	if e.finder != "" {
		plan.Notes = append(plan.Notes, "read through the finder "+e.finder+", which pages itself; every filter is applied here")
	}
	plan.Fetch = pager.OffsetLimit(d.set.pageSize, func(ctx context.Context, at pager.At) (pager.Result, error) {
		return d.fetch(ctx, e, s, params, at)
	})
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
func (d *driver) fetch(ctx context.Context, e *entity, s connectors.EntitySchema, params url.Values, at pager.At) (pager.Result, error) {
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
	for i, it := range body.Items {
		r, err := record(s, "", it)
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
// child array becomes a list of records; links are dropped.
func record(s connectors.EntitySchema, prefix string, item map[string]any) (connectors.Record, error) {
	out := make(connectors.Record, len(item))
	for k, v := range item {
		if k == "links" || k == "@context" {
			continue
		}
		f, known := s.Field(prefix + k)
		if !known || v == nil {
			out[k] = v
			continue
		}
		tv, err := typed(s, prefix+k, f.Type, v)
		if err != nil {
			return nil, err
		}
		out[k] = tv
	}
	return out, nil
}

func typed(s connectors.EntitySchema, path string, t connectors.FieldType, v any) (any, error) {
	bad := func() error {
		return connectors.Errorf(connectors.CodeInternal, "oracle: attribute %s holds %T, not a %s", path, v, t)
	}
	switch t {
	case connectors.TypeArray:
		list, ok := v.([]any)
		if coll, isColl := v.(map[string]any); isColl {
			if more, _ := coll["hasMore"].(bool); more {
				return nil, connectors.Errorf(connectors.CodeUnsupported,
					"oracle: the child collection %s holds more rows than one expanded page; read it as a resource of its own", path)
			}
			list, ok = coll["items"].([]any)
		}
		if !ok {
			return nil, bad()
		}
		rows := make([]any, len(list))
		for i, x := range list {
			m, ok := x.(map[string]any)
			if !ok {
				return nil, bad()
			}
			r, err := record(s, path+".", m)
			if err != nil {
				return nil, err
			}
			rows[i] = map[string]any(r)
		}
		return rows, nil
	case connectors.TypeDate:
		str, ok := v.(string)
		d, err := connectors.ParseDate(str)
		if !ok || err != nil {
			return nil, bad()
		}
		return d, nil
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

// ParseNative reads a native query: a resource path with its own query
// string (workers?q=PersonNumber='100001'&fields=PersonNumber,names:LastName
// &orderBy=LastUpdateDate:desc&limit=10&effectiveDate=2024-01-01), run as
// Get. The service prefix (/hcmRestApi/resources/11.13.18.05/) may be given.
func (d *driver) ParseNative(native string) (connectors.Query, error) {
	return translate.ParseOracle(native)
}
