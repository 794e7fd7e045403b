package oracle

import (
	"context"
	"errors"
	"strconv"
	"strings"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/internal/errs"
	"github.com/xlr8/connectors/internal/pager"
)

// Bounds on reading the rest of child collections: one record's extra
// child rows (all its collections together) and the pages of any one
// collection. Past either, the record is an INTERNAL error, never a short
// list.
const (
	defaultMaxChildRows = 20000
	maxChildPages       = 1000
)

// childTail is a child collection whose expanded page said hasMore: the
// rows typed so far, the collection's self link, the offset of the next
// page and the fingerprints of the rows received (a page that repeats one
// is an error, not a duplicate).
type childTail struct {
	path string
	href string
	rows []any
	next int
	seen map[string]bool
}

// children reads, for a Get that expands children, the rest of every child
// collection a page cut short.
type children struct {
	d             *driver
	s             connectors.EntitySchema
	expand        []string // the expand paths of the query
	effectiveDate string
}

// page is one page of a child collection, read at its own link.
type childPage struct {
	Items   []map[string]any `json:"items"`
	HasMore *bool            `json:"hasMore"`
	Offset  *float64         `json:"offset"`
}

// complete replaces every *childTail in r (at any depth) by all the
// collection's rows. It runs on one record at a time, just before the
// record is yielded, so memory holds a page plus that record's children.
func (c *children) complete(ctx context.Context, r connectors.Record) (connectors.Record, error) {
	budget := c.d.set.maxChildRows
	if err := c.walk(ctx, map[string]any(r), &budget); err != nil {
		return nil, err
	}
	return r, nil
}

func (c *children) walk(ctx context.Context, m map[string]any, budget *int) error {
	for k, v := range m {
		if t, ok := v.(*childTail); ok {
			rows, err := c.finish(ctx, t, budget)
			if err != nil {
				return err
			}
			m[k], v = rows, rows
		}
		list, ok := v.([]any)
		if !ok {
			continue
		}
		for _, x := range list {
			if row, ok := x.(map[string]any); ok {
				if err := c.walk(ctx, row, budget); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// finish reads the pages of t's collection from its next offset until one
// says hasMore false, at the collection's own self link (which must stay
// on the pod's origin), with the query's expand below the child, links=self
// and effectiveDate.
func (c *children) finish(ctx context.Context, t *childTail, budget *int) ([]any, error) {
	base, err := pager.SameOrigin(c.d.base, t.href)
	if err != nil {
		var e *errs.Error
		if errors.As(err, &e) {
			out := connectors.Errorf(connectors.CodeInternal, "oracle: the child collection %s links to the rest of its rows at another origin; not followed", t.path)
			for k, v := range e.Details {
				out = out.WithDetail(k, v)
			}
			return nil, out
		}
		return nil, err
	}
	params := base.Query()
	params.Del("onlyData")
	params.Set("links", "self")
	params.Set("limit", strconv.Itoa(c.d.set.pageSize))
	if sub := c.below(t.path); len(sub) > 0 {
		params.Set("expand", strings.Join(sub, ","))
	} else {
		params.Del("expand")
	}
	if c.effectiveDate != "" {
		params.Set("effectiveDate", c.effectiveDate)
	}
	dec := decoder{s: c.s, follow: true}
	rows := t.rows
	for pages := 0; ; pages++ {
		if pages >= maxChildPages {
			return nil, connectors.Errorf(connectors.CodeInternal, "oracle: the child collection %s still says hasMore after %d pages; stopping", t.path, pages)
		}
		params.Set("offset", strconv.Itoa(t.next))
		u := *base
		u.RawQuery = params.Encode()
		var body childPage
		if _, err := c.d.client.GetJSON(ctx, u.String(), nil, &body); err != nil {
			return nil, err
		}
		if body.HasMore == nil {
			return nil, connectors.Errorf(connectors.CodeInternal, "oracle: a page of the child collection %s has no hasMore", t.path)
		}
		if body.Offset != nil && *body.Offset != float64(t.next) {
			return nil, connectors.Errorf(connectors.CodeInternal, "oracle: the child collection %s answered offset %d with offset %v (rows repeated or skipped)", t.path, t.next, *body.Offset)
		}
		if len(body.Items) > *budget {
			return nil, connectors.Errorf(connectors.CodeInternal, "oracle: the child rows of one record exceed %d (WithMaxChildRows); stopping instead of truncating %s", c.d.set.maxChildRows, t.path)
		}
		*budget -= len(body.Items)
		for _, it := range body.Items {
			fp := fingerprint(it)
			if t.seen[fp] {
				return nil, connectors.Errorf(connectors.CodeInternal, "oracle: a page of the child collection %s repeats a row already received (offset %d ignored?)", t.path, t.next)
			}
			t.seen[fp] = true
			r, err := dec.record(t.path+".", it)
			if err != nil {
				return nil, err
			}
			rows = append(rows, map[string]any(r))
		}
		if !*body.HasMore {
			return rows, nil
		}
		if len(body.Items) == 0 {
			return nil, connectors.Errorf(connectors.CodeInternal, "oracle: an empty page of the child collection %s says hasMore", t.path)
		}
		t.next += len(body.Items)
	}
}

// below lists the query's expand paths under the child at path, relative
// to it (workRelationships.assignments under workRelationships is
// assignments).
func (c *children) below(path string) []string {
	var out []string
	for _, p := range c.expand {
		if rest, ok := strings.CutPrefix(p, path+"."); ok && rest != "" {
			out = append(out, rest)
		}
	}
	return out
}

// WithMaxChildRows bounds the child rows Get reads for one record beyond
// its expanded pages (default 20000): a record with more is an INTERNAL
// error, never a short list.
func WithMaxChildRows(n int) connectors.Option {
	return connectors.VendorOption(option(func(s *settings) { s.maxChildRows = n }))
}
