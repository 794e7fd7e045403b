package pager

import (
	"context"
	"fmt"
	"net/url"
	"strconv"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/internal/errs"
)

// At says where a page starts, in the terms of the strategy that asks for
// it. A vendor's Call reads the fields its strategy fills and sends one
// request.
type At struct {
	// Offset is the number of records before the page (OffsetLimit).
	Offset int
	// Number is the page number (PageNumber; the first page is its first).
	Number int
	// Token is the opaque token of the page, "" for the first (Tokens).
	Token string
	// URL is the page's URL (NextLink and OData: the first URL, then each
	// next link resolved against it and checked to stay on its origin).
	URL *url.URL
	// Limit is how many records to ask for: the strategy's page size, or
	// fewer when the query's Limit needs fewer (never fewer for PageNumber,
	// whose numbering needs a constant size). 0 means the server's default.
	Limit int
	// Request is the walker's request (Want, Page, Resumed).
	Request
}

// Result is what a vendor's Call read from one page: its records and its
// paging fields. A strategy turns it into a Page.
type Result struct {
	Records []connectors.Record
	// Total is the record count the vendor advertised, when HasTotal.
	Total    int64
	HasTotal bool
	// More is the vendor's own "there is more" flag (Oracle hasMore,
	// Salesforce !done), when MoreKnown. It wins over the total and the
	// short-page rule.
	More      bool
	MoreKnown bool
	// Next is the next page's link (NextLink, OData: absolute or relative,
	// OData's __next or @odata.nextLink) or token (Tokens); "" when none.
	Next string
	// SkipToken is OData's $skiptoken when the vendor gives it without a
	// next link: the next page is the first URL with $skiptoken set.
	SkipToken string
	// Rebased is Page.Rebased (a vendor that restarted by keyset).
	Rebased bool
}

// Call sends the request for one page and decodes it.
type Call func(ctx context.Context, at At) (Result, error)

func (r Result) page() Page {
	return Page{Records: r.Records, Total: r.Total, HasTotal: r.HasTotal, Rebased: r.Rebased}
}

func malformedCursor(what string) error {
	return &errs.Error{Code: errs.CodeInvalidArgument, Message: "malformed page cursor (" + what + ")"}
}

func wantOf(size, want int) int {
	if want > 0 && (size <= 0 || want < size) {
		return want
	}
	return size
}

// OffsetLimit pages by offset and limit (Workday REST offset/limit, Oracle
// offset/limit/hasMore, the simulator). size is the page size to ask for
// (0: the server's). The next page starts after the records received; the
// walk ends on an empty page, when the vendor says there is no more
// (MoreKnown), when the advertised total is reached, or, with neither, on a
// page shorter than asked.
func OffsetLimit(size int, call Call) Fetch {
	return func(ctx context.Context, req Request) (Page, error) {
		off := 0
		if req.Cursor != "" {
			n, err := strconv.Atoi(req.Cursor)
			if err != nil || n < 0 {
				return Page{}, malformedCursor("offset")
			}
			off = n
		}
		limit := wantOf(size, req.Want)
		res, err := call(ctx, At{Offset: off, Limit: limit, Request: req})
		if err != nil {
			return Page{}, err
		}
		p := res.page()
		n := len(res.Records)
		next := off + n
		var more bool
		switch {
		case n == 0:
		case res.MoreKnown:
			more = res.More
		case res.HasTotal:
			more = int64(next) < res.Total
		default:
			more = limit > 0 && n >= limit
		}
		if more {
			p.Next = strconv.Itoa(next)
		}
		return p, nil
	}
}

// PageNumber pages by page number and a constant page size (UKG's page and
// per_page). first is the first page's number (0 or 1). The walk ends on a
// page shorter than size, an empty page, when the vendor says there is no
// more, or when the advertised total is reached.
func PageNumber(first, size int, call Call) Fetch {
	return func(ctx context.Context, req Request) (Page, error) {
		num := first
		if req.Cursor != "" {
			n, err := strconv.Atoi(req.Cursor)
			if err != nil || n < first {
				return Page{}, malformedCursor("page number")
			}
			num = n
		}
		res, err := call(ctx, At{Number: num, Limit: size, Request: req})
		if err != nil {
			return Page{}, err
		}
		p := res.page()
		n := len(res.Records)
		more := n > 0 && (size <= 0 || n >= size)
		switch {
		case n == 0:
		case res.MoreKnown:
			more = res.More
		case res.HasTotal:
			more = int64(num-first+1)*int64(max(size, n)) < res.Total
		}
		if more {
			p.Next = strconv.Itoa(num + 1)
		}
		return p, nil
	}
}

// Tokens pages by an opaque token the vendor returns with each page (a
// cursor, a continuation token, a query locator). The walk ends when the
// vendor returns no token or says there is no more; a token seen before
// ends it with an error (the walker's repeated-cursor rule).
func Tokens(size int, call Call) Fetch {
	return func(ctx context.Context, req Request) (Page, error) {
		res, err := call(ctx, At{Token: req.Cursor, Limit: wantOf(size, req.Want), Request: req})
		if err != nil {
			return Page{}, err
		}
		p := res.page()
		if res.MoreKnown && !res.More {
			return p, nil
		}
		if res.MoreKnown && res.More && res.Next == "" {
			return Page{}, &errs.Error{Code: errs.CodeInternal, Message: "a page says there is more but gives no next-page token"}
		}
		p.Next = res.Next
		return p, nil
	}
}

// NextLink pages by a link each page gives to the next (Salesforce
// nextRecordsUrl, a Link header, a "next" href), absolute or relative to
// first. Every link is resolved against first and must stay on its origin
// (scheme, host and port): a link elsewhere ends the walk with an error
// naming both origins, never a request. size is passed to the Call as a
// hint (for a header such as Sforce-Query-Options).
func NextLink(first *url.URL, size int, call Call) Fetch {
	return linkFetch(first, size, call, false)
}

// OData pages by OData's next link (v2 d.__next, v4 @odata.nextLink) with
// NextLink's origin rule, or, when a vendor gives only a $skiptoken, by the
// first URL with that $skiptoken set.
func OData(first *url.URL, size int, call Call) Fetch {
	return linkFetch(first, size, call, true)
}

func linkFetch(first *url.URL, size int, call Call, odata bool) Fetch {
	return func(ctx context.Context, req Request) (Page, error) {
		u := first
		if req.Cursor != "" {
			var err error
			if u, err = SameOrigin(first, req.Cursor); err != nil {
				return Page{}, err
			}
		}
		res, err := call(ctx, At{URL: cloneURL(u), Limit: wantOf(size, req.Want), Request: req})
		if err != nil {
			return Page{}, err
		}
		p := res.page()
		next := res.Next
		if next == "" && odata && res.SkipToken != "" {
			nu := cloneURL(first)
			q := nu.Query()
			q.Set("$skiptoken", res.SkipToken)
			nu.RawQuery = q.Encode()
			next = nu.String()
		}
		if res.MoreKnown && !res.More {
			return p, nil
		}
		if res.MoreKnown && res.More && next == "" {
			return Page{}, &errs.Error{Code: errs.CodeInternal, Message: "a page says there is more but gives no next-page link"}
		}
		if next != "" {
			if _, err := SameOrigin(first, next); err != nil {
				return Page{}, err
			}
		}
		p.Next = next
		return p, nil
	}
}

func cloneURL(u *url.URL) *url.URL {
	if u == nil {
		return nil
	}
	c := *u
	if u.User != nil {
		c.User = nil // never carried
	}
	return &c
}

// SameOrigin resolves link against base and returns it when it stays on
// base's origin (scheme, host and port); otherwise an INTERNAL error that
// names the two origins and nothing else of the link (it may carry a
// token).
func SameOrigin(base *url.URL, link string) (*url.URL, error) {
	ref, err := url.Parse(link)
	if err != nil {
		return nil, &errs.Error{Code: errs.CodeInternal, Message: "the vendor returned a malformed next-page link"}
	}
	u := base.ResolveReference(ref)
	if u.User != nil || !sameOrigin(base, u) {
		return nil, (&errs.Error{Code: errs.CodeInternal,
			Message: fmt.Sprintf("the next-page link leaves the origin %s (to %s); not followed", origin(base), origin(u))}).
			WithDetail("origin", origin(base)).WithDetail("link_origin", origin(u))
	}
	return u, nil
}

func sameOrigin(a, b *url.URL) bool {
	return a.Scheme == b.Scheme && a.Hostname() == b.Hostname() && portOf(a) == portOf(b)
}

func portOf(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	switch u.Scheme {
	case "https":
		return "443"
	case "http":
		return "80"
	}
	return ""
}

func origin(u *url.URL) string {
	if u.Scheme == "" && u.Host == "" {
		return "(none)"
	}
	return u.Scheme + "://" + u.Host
}
