package ukg

import (
	"net/url"
	"strconv"
	"strings"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/internal/errs"
	"github.com/xlr8/connectors/internal/transport"
)

// UKG Pro REST: a collection answers a bare JSON array, paged by page
// (1-based) and per_Page (capital P). The next page is advertised in a Link
// header (rel first/prev/next/last) where the endpoint sends one; without
// one a full page means there may be more and a short page is the last.
// Calls without paging parameters are silently capped, so every call pages.

const proDefaultPerPage = 100

// proFirstURL builds the first page's URL.
func proFirstURL(base string, e *entity, vals url.Values, perPage int) string {
	v := url.Values{}
	for k, vs := range vals {
		v[k] = vs
	}
	v.Set("page", "1")
	v.Set("per_Page", strconv.Itoa(perPage))
	return strings.TrimRight(base, "/") + e.path + "?" + v.Encode()
}

// proPage decodes one page and finds the next page's URL ("" at the end).
func proPage(product string, e *entity, resp *transport.Response, perPage int) ([]connectors.Record, string, error) {
	var raw []map[string]any
	if err := decodeJSON(product, "the "+e.name+" page", resp.Body, &raw); err != nil {
		return nil, "", err
	}
	types := e.types()
	recs := make([]connectors.Record, 0, len(raw))
	for _, m := range raw {
		if m == nil {
			return nil, "", &errs.Error{Code: errs.CodeInternal, Product: product, Message: "the " + e.name + " page holds a null record"}
		}
		recs = append(recs, typeRecord(m, types))
	}
	links, hasLink := parseLinks(resp.Header.Values("Link"))
	if hasLink {
		return recs, links["next"], nil
	}
	if len(recs) < perPage || resp.URL == nil {
		return recs, "", nil
	}
	u := *resp.URL
	q := u.Query()
	page, err := strconv.Atoi(q.Get("page"))
	if err != nil || page < 1 {
		page = 1
	}
	q.Set("page", strconv.Itoa(page+1))
	u.RawQuery = q.Encode()
	return recs, u.String(), nil
}

// parseLinks reads RFC 8288 Link headers: rel -> URL.
func parseLinks(values []string) (map[string]string, bool) {
	out := map[string]string{}
	any := false
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			part = strings.TrimSpace(part)
			if !strings.HasPrefix(part, "<") {
				continue
			}
			end := strings.IndexByte(part, '>')
			if end < 0 {
				continue
			}
			target := part[1:end]
			any = true
			for _, attr := range strings.Split(part[end+1:], ";") {
				k, val, ok := strings.Cut(strings.TrimSpace(attr), "=")
				if !ok || !strings.EqualFold(strings.TrimSpace(k), "rel") {
					continue
				}
				for _, rel := range strings.Fields(strings.Trim(strings.TrimSpace(val), `"`)) {
					out[strings.ToLower(rel)] = target
				}
			}
		}
	}
	return out, any
}
