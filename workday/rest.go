package workday

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/xlr8/connectors/internal/transport"
)

// collect reads every page of a REST collection (limit/offset until
// total) for a capability's answer.
func collect[T any](ctx context.Context, c *driver, service string, q url.Values, parts ...string) ([]T, error) {
	var out []T
	for offset := 0; ; {
		pq := url.Values{}
		for k, v := range q {
			pq[k] = v
		}
		pq.Set("limit", fmt.Sprint(c.set.pageSize))
		pq.Set("offset", fmt.Sprint(offset))
		var page collection[T]
		if err := c.getJSON(ctx, c.restURL(service, pq, parts...), &page); err != nil {
			return nil, err
		}
		if page.Total == nil {
			return nil, c.malformed("the collection's total")
		}
		out = append(out, page.Data...)
		offset += len(page.Data)
		if len(page.Data) == 0 || int64(offset) >= *page.Total {
			return out, nil
		}
	}
}

func (c *driver) patchJSON(ctx context.Context, rawURL string, body, v any) error {
	return c.sendJSON(ctx, http.MethodPatch, rawURL, body, v)
}

func (c *driver) postJSON(ctx context.Context, rawURL string, body, v any) error {
	return c.sendJSON(ctx, http.MethodPost, rawURL, body, v)
}

var _ = transport.Request{}
