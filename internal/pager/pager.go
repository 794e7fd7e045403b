package pager

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"iter"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/internal/errs"
)

// Request asks for one page.
type Request struct {
	// Cursor is "" for the first page, else a Page.Next the vendor returned
	// (or the cursor of a Resume token).
	Cursor string
	// Want is how many more records the walk can yield under the query's
	// Limit (0: no limit). Vendors use it to size the page.
	Want int
	// Page counts pages fetched by this walk, from 0.
	Page int
	// Resumed is the decoded Resume token on the first fetch of a resumed
	// walk, so that a vendor can fall back (say, to a keyset on Key) when the
	// cursor has expired. nil otherwise.
	Resumed *Token
}

// Page is one page of records.
type Page struct {
	Records []connectors.Record
	// Next is the cursor of the next page; "" when this page is the last.
	Next string
	// Total is the number of records the vendor advertised for the whole
	// query, when HasTotal is set.
	Total    int64
	HasTotal bool
	// Rebased reports that the page does not start at the requested cursor
	// but right after the Resume token's Key: the vendor restarted by keyset
	// because the cursor had expired. The token's Skip does not apply to it.
	Rebased bool
}

// Fetch returns the page for a request.
type Fetch func(ctx context.Context, req Request) (Page, error)

// Config describes a walk.
type Config struct {
	Product string
	// Query supplies Entity, Limit, Resume and the fingerprint that binds a
	// Resume token to its query.
	Query connectors.Query
	// Filter, if set, keeps only records it accepts (the residual predicate
	// the vendor could not evaluate). Limit counts records after it.
	Filter func(connectors.Record) bool
	// Project, if set, shapes each record before it is yielded (client-side
	// field selection, renaming).
	Project func(connectors.Record) connectors.Record
	// Complete, if set, finishes each record before the filter sees it (a
	// vendor reading the rest of a child collection its page cut short): one
	// record at a time, so memory stays a page plus one record's extra. An
	// error ends the stream with a Resume token at that record.
	Complete func(context.Context, connectors.Record) (connectors.Record, error)
	// KeyOf, if set, gives a record's key; the last yielded key goes into
	// Resume tokens for vendors that resume by keyset.
	KeyOf func(connectors.Record) string
	// Progress, if set, is called after every page and at the end.
	Progress func(connectors.Progress)
	// MaxEmptyPages ends a walk after this many consecutive empty pages that
	// still have a next cursor (default 100).
	MaxEmptyPages int
}

// Token is the content of a Resume token.
type Token struct {
	V int `json:"v"`
	// Query is the fingerprint of the query the token belongs to.
	Query string `json:"q"`
	// Cursor is the cursor of the page holding the first record not yet
	// yielded, and Skip the number of that page's records to skip.
	Cursor string `json:"c,omitempty"`
	Skip   int    `json:"s,omitempty"`
	// Received counts records received from the vendor before the token
	// (for the advertised-total check); Yielded counts records yielded (for
	// Limit).
	Received int64 `json:"r,omitempty"`
	Yielded  int64 `json:"y,omitempty"`
	// Key is the key of the last record yielded, when the walk had KeyOf.
	Key string `json:"k,omitempty"`
	// Pages counts pages fetched before the token.
	Pages int `json:"p,omitempty"`
}

// Encode renders the token as an opaque string.
func (t Token) Encode() string {
	b, _ := json.Marshal(t)
	return base64.RawURLEncoding.EncodeToString(b)
}

// DecodeToken parses a Resume token and checks that it belongs to q.
func DecodeToken(product string, q connectors.Query) (*Token, error) {
	if q.Resume == "" {
		return nil, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(q.Resume)
	var t Token
	if err == nil {
		err = json.Unmarshal(b, &t)
	}
	if err != nil || t.V != 1 {
		return nil, &errs.Error{Code: errs.CodeInvalidArgument, Product: product, Message: "malformed resume token"}
	}
	if t.Query != q.Fingerprint() {
		return nil, &errs.Error{Code: errs.CodeInvalidArgument, Product: product,
			Message: "resume token belongs to a different query (same entity, fields, filter, order, limit, as-of and since are needed)"}
	}
	if t.Skip < 0 || t.Received < 0 || t.Yielded < 0 {
		return nil, &errs.Error{Code: errs.CodeInvalidArgument, Product: product, Message: "malformed resume token"}
	}
	return &t, nil
}

// Walk returns the stream of records for cfg, fetching pages with fetch.
func Walk(ctx context.Context, cfg Config, fetch Fetch) iter.Seq2[connectors.Record, error] {
	return func(yield func(connectors.Record, error) bool) {
		w := &walker{cfg: cfg, fetch: fetch, yield: yield, fp: cfg.Query.Fingerprint()}
		w.run(ctx)
	}
}

type walker struct {
	cfg   Config
	fetch Fetch
	yield func(connectors.Record, error) bool
	fp    string

	received int64
	yielded  int64
	pages    int // pages fetched, including those before a resume
	walked   int // pages fetched by this walk
	lastKey  string
	total    int64
	hasTotal bool
	resumed  bool
}

// checkEvery is how many records pass between context checks inside a page.
const checkEvery = 64

func (w *walker) run(ctx context.Context) {
	q := w.cfg.Query
	tok, err := DecodeToken(w.cfg.Product, q)
	if err != nil {
		w.yield(nil, err)
		return
	}
	cursor, skip := "", 0
	if tok != nil {
		w.resumed = true
		cursor, skip = tok.Cursor, tok.Skip
		w.received, w.yielded, w.lastKey, w.pages = tok.Received, tok.Yielded, tok.Key, tok.Pages
	}
	limit := int64(q.Limit)
	if limit > 0 && w.yielded >= limit {
		w.progress(true)
		return
	}
	maxEmpty := w.cfg.MaxEmptyPages
	if maxEmpty <= 0 {
		maxEmpty = 100
	}
	var seen cursorLoop
	empty := 0
	var win window
	maxPage := 0
	for {
		if err := ctx.Err(); err != nil {
			w.fail(errs.FromContext(err, w.cfg.Product, "reading "+q.Entity), cursor, skip)
			return
		}
		req := Request{Cursor: cursor, Page: w.walked}
		if limit > 0 {
			req.Want = int(limit - w.yielded)
		}
		if w.walked == 0 && tok != nil {
			req.Resumed = tok
		}
		page, err := w.fetch(ctx, req)
		if err != nil {
			e := errs.As(err, w.cfg.Product)
			if ctx.Err() != nil && (errs.CodeOf(e) == errs.CodeInternal) {
				e = errs.FromContext(ctx.Err(), w.cfg.Product, "reading "+q.Entity)
			}
			w.fail(e, cursor, skip)
			return
		}
		w.walked++
		w.pages++
		if page.HasTotal {
			w.total, w.hasTotal = page.Total, true
		}
		records := page.Records
		if page.Rebased {
			skip = 0
		}
		if skip > 0 {
			if skip > len(records) {
				skip = len(records)
			}
			// The skipped records were counted in the token's Received.
			records = records[skip:]
		}
		pageStart := skip
		skip = 0
		maxPage = max(maxPage, len(page.Records))
		if w.cfg.KeyOf != nil {
			win.next(len(records))
		}
		for i, rec := range records {
			if i%checkEvery == checkEvery-1 {
				if err := ctx.Err(); err != nil {
					w.fail(errs.FromContext(err, w.cfg.Product, "reading "+q.Entity), cursor, pageStart+i)
					return
				}
			}
			if w.cfg.KeyOf != nil {
				if k := w.cfg.KeyOf(rec); k != "" && !win.add(k) {
					w.fail((&errs.Error{Code: errs.CodeInternal, Product: w.cfg.Product, Err: ErrRepeatedRecords,
						Message: fmt.Sprintf("%s: page %d repeats a record already received (the vendor ignored the cursor or offset); stopping instead of streaming duplicates", q.Entity, w.pages)}).
						WithDetail("page", w.pages), cursor, pageStart+i)
					return
				}
			}
			if w.cfg.Complete != nil {
				done, err := w.cfg.Complete(ctx, rec)
				if err != nil {
					e := errs.As(err, w.cfg.Product)
					if ctx.Err() != nil && errs.CodeOf(e) == errs.CodeInternal {
						e = errs.FromContext(ctx.Err(), w.cfg.Product, "reading "+q.Entity)
					}
					w.fail(e, cursor, pageStart+i)
					return
				}
				rec = done
			}
			w.received++
			if w.hasTotal && w.received > w.total+max(w.total/10, int64(maxPage)) {
				w.fail((&errs.Error{Code: errs.CodeInternal, Product: w.cfg.Product, Err: ErrPastTotal,
					Message: fmt.Sprintf("%s: received %d records, far past the %d the vendor advertised; stopping", q.Entity, w.received, w.total)}).
					WithDetail("advertised", w.total).WithDetail("received", w.received), cursor, pageStart+i)
				return
			}
			if w.cfg.Filter != nil && !w.cfg.Filter(rec) {
				continue
			}
			if w.cfg.KeyOf != nil {
				w.lastKey = w.cfg.KeyOf(rec)
			}
			out := rec
			if w.cfg.Project != nil {
				out = w.cfg.Project(rec)
			}
			w.yielded++
			if !w.yield(out, nil) {
				w.stopped(ctx, cursor, pageStart+i+1, len(records)-i-1, page.Next)
				return
			}
			if limit > 0 && w.yielded >= limit {
				w.progress(true)
				return
			}
		}
		w.progress(false)
		if fn := connectors.CheckpointHook(ctx); fn != nil && page.Next != "" {
			fn(Token{V: 1, Query: w.fp, Cursor: page.Next, Received: w.received, Yielded: w.yielded,
				Key: w.lastKey, Pages: w.pages}.Encode())
		}
		if page.Next == "" {
			if w.hasTotal && w.received < w.total {
				w.yield(nil, (&errs.Error{Code: errs.CodeInternal, Product: w.cfg.Product, Err: errs.ErrIncomplete,
					Message: fmt.Sprintf("%s: stream ended after %d of %d records the vendor advertised", q.Entity, w.received, w.total)}).
					WithDetail("advertised", w.total).WithDetail("received", w.received))
				return
			}
			w.progress(true)
			return
		}
		if page.Next == cursor || seen.repeats(page.Next) {
			w.yield(nil, (&errs.Error{Code: errs.CodeInternal, Product: w.cfg.Product,
				Message: fmt.Sprintf("%s: the vendor returned the same page cursor twice; stopping instead of looping", q.Entity)}).
				WithDetail("page", w.pages))
			return
		}
		if len(page.Records) == 0 {
			empty++
			if empty >= maxEmpty {
				w.yield(nil, &errs.Error{Code: errs.CodeInternal, Product: w.cfg.Product,
					Message: fmt.Sprintf("%s: %d empty pages in a row; stopping", q.Entity, empty)})
				return
			}
		} else {
			empty = 0
		}
		cursor = page.Next
	}
}

// ErrRepeatedRecords is the cause when a page repeats a record (by the
// walk's KeyOf) received in the same or the previous two pages: a server that
// ignores its offset or hands out fresh cursors for the same records.
var ErrRepeatedRecords = error(cause("a page repeats records already received"))

// ErrPastTotal is the cause when a walk receives far more records than the
// vendor advertised (more than a tenth, and more than a page, over it).
var ErrPastTotal = error(cause("far more records than the vendor advertised"))

// cause is a plain cause whose text is safe to print.
type cause string

func (c cause) Error() string     { return string(c) }
func (c cause) SafeError() string { return string(c) }

// window holds the keys of the current and the two previous pages. Its
// maps are reused, so that checking costs no allocation once the walk runs.
type window struct{ sets [3]map[string]struct{} }

// next starts a page of about n records.
func (w *window) next(n int) {
	old := w.sets[2]
	w.sets[2], w.sets[1] = w.sets[1], w.sets[0]
	if old != nil {
		clear(old)
		w.sets[0] = old
	} else {
		w.sets[0] = make(map[string]struct{}, n)
	}
}

// add records k in the current page; false when k was seen in the window.
func (w *window) add(k string) bool {
	for _, s := range w.sets {
		if _, ok := s[k]; ok {
			return false
		}
	}
	w.sets[0][k] = struct{}{}
	return true
}

// fail yields err, with a Resume token pointing at (cursor, skip) when the
// stream had got somewhere.
func (w *walker) fail(e *errs.Error, cursor string, skip int) {
	if w.walked > 0 || w.resumed {
		e = e.Clone()
		e.Resume = Token{V: 1, Query: w.fp, Cursor: cursor, Skip: skip, Received: w.received,
			Yielded: w.yielded, Key: w.lastKey, Pages: w.pages}.Encode()
		if e.Product == "" {
			e.Product = w.cfg.Product
		}
	}
	w.yield(nil, e)
}

// stopped reports, to a hook set with connectors.WithResumeHook, where a
// stream its consumer left early can continue: at record skip of the page at
// cursor. Nothing is reported when nothing is left (the last record of the
// last page was the one yielded).
func (w *walker) stopped(ctx context.Context, cursor string, skip, left int, next string) {
	fn := connectors.ResumeHook(ctx)
	if fn == nil || (left == 0 && next == "") {
		return
	}
	fn(Token{V: 1, Query: w.fp, Cursor: cursor, Skip: skip, Received: w.received,
		Yielded: w.yielded, Key: w.lastKey, Pages: w.pages}.Encode())
}

func (w *walker) progress(done bool) {
	if w.cfg.Progress == nil {
		return
	}
	total := int64(-1)
	if w.hasTotal {
		total = w.total
	}
	w.cfg.Progress(connectors.Progress{Entity: w.cfg.Query.Entity, Records: w.yielded, Pages: w.pages, Total: total, Done: done})
}
