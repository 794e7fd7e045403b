package kit

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// Window is the part of a result that one page serves: rows [Start, End)
// of N.
type Window struct {
	Start, End, N int
	// Size is the page size in force (after any cap).
	Size int
	// Page is the page number, for PageNumber paging.
	Page int
}

// More reports whether rows remain after this page.
func (w Window) More() bool { return w.End < w.N }

// Len is the number of rows on this page.
func (w Window) Len() int { return w.End - w.Start }

// ParamError is a paging parameter a fake refuses; the vendor's fake
// writes it in the vendor's error shape.
type ParamError struct {
	Param, Value, Reason string
}

func (e *ParamError) Error() string {
	return fmt.Sprintf("invalid %s %q: %s", e.Param, e.Value, e.Reason)
}

// intParam reads a non-negative integer parameter, def when absent.
func intParam(q url.Values, name string, def int) (int, error) {
	raw := q.Get(name)
	if raw == "" {
		return def, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 0 {
		return 0, &ParamError{Param: name, Value: raw, Reason: "not a non-negative integer"}
	}
	return n, nil
}

// size applies a default and a cap to a requested page size.
func size(q url.Values, param string, def, max int, reject bool) (int, error) {
	n, err := intParam(q, param, def)
	if err != nil {
		return 0, err
	}
	if n == 0 {
		n = def
	}
	if max > 0 && n > max {
		if reject {
			return 0, &ParamError{Param: param, Value: q.Get(param), Reason: "above the maximum " + strconv.Itoa(max)}
		}
		n = max
	}
	return n, nil
}

func window(start, size, n int) Window {
	start = min(start, n)
	return Window{Start: start, End: min(start+size, n), N: n, Size: size}
}

// Offset pages by a row offset and a limit: Oracle's offset/limit,
// Workday's, OData's $skip/$top. Whether a page says hasMore or a total is
// the vendor's envelope: Window.More and Server.Advertise give both.
type Offset struct {
	OffsetParam, LimitParam string
	// Default is the limit when none is asked; Max caps it.
	Default, Max int
	// Reject makes a limit above Max an error; otherwise it is silently
	// capped (Oracle returns 499 rows for limit=500).
	Reject bool
}

// Window reads the request's offset and limit for a result of n rows.
func (p Offset) Window(q url.Values, n int) (Window, error) {
	lim, err := size(q, p.LimitParam, p.Default, p.Max, p.Reject)
	if err != nil {
		return Window{}, err
	}
	off, err := intParam(q, p.OffsetParam, 0)
	if err != nil {
		return Window{}, err
	}
	return window(off, lim, n), nil
}

// PageNumber pages by page number and page size (UKG Pro's page and
// per_Page); a client stops on a short page.
type PageNumber struct {
	PageParam, SizeParam string
	// First is the first page's number (0 or 1).
	First        int
	Default, Max int
	Reject       bool
}

// Window reads the request's page and size for a result of n rows.
func (p PageNumber) Window(q url.Values, n int) (Window, error) {
	sz, err := size(q, p.SizeParam, p.Default, p.Max, p.Reject)
	if err != nil {
		return Window{}, err
	}
	page, err := intParam(q, p.PageParam, p.First)
	if err != nil {
		return Window{}, err
	}
	if page < p.First {
		return Window{}, &ParamError{Param: p.PageParam, Value: q.Get(p.PageParam), Reason: "before the first page " + strconv.Itoa(p.First)}
	}
	w := window((page-p.First)*sz, sz, n)
	w.Page = page
	return w, nil
}

// Opaque pages by an opaque continuation token (a next-page token, an
// OData $skiptoken, the token inside a next link). The token is bound to
// the query it continues: a token presented with another query is refused.
// It is stateless; Cursors holds server-side cursors that expire.
type Opaque struct {
	// Param carries the token; SizeParam, if set, the page size.
	Param, SizeParam string
	Default, Max     int
}

// Window reads the request's token for a result of n rows of the query
// identified by key (its filter, order and fields, say).
func (p Opaque) Window(q url.Values, key string, n int) (Window, error) {
	sz, err := size(q, p.SizeParam, p.Default, p.Max, false)
	if err != nil {
		return Window{}, err
	}
	start := 0
	if raw := q.Get(p.Param); raw != "" {
		b, err := base64.RawURLEncoding.DecodeString(raw)
		off, fp, ok := strings.Cut(string(b), ".")
		o, err2 := strconv.Atoi(off)
		if err != nil || err2 != nil || !ok || o < 0 || fp != fingerprint(key) {
			return Window{}, &ParamError{Param: p.Param, Value: raw, Reason: "not a token this query issued"}
		}
		start = o
	}
	return window(start, sz, n), nil
}

// Next returns the token for the page after w, or "" when w is the last.
func (p Opaque) Next(w Window, key string) string {
	if !w.More() {
		return ""
	}
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(w.End) + "." + fingerprint(key)))
}

func fingerprint(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:6])
}
