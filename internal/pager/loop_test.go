package pager

import (
	"context"
	"errors"
	"runtime"
	"strconv"
	"testing"

	connectors "github.com/xlr8/connectors"
)

// TestLongCursorCycleStops: a server whose cursors run straight for mu
// pages and then go round a cycle of lambda pages (fresh record ids on
// every page, so that only the cursors repeat) is stopped within
// 2·max(mu, lambda) + lambda + a few pages, with the cursor error; a walk
// of as many distinct cursors runs to its end.
func TestLongCursorCycleStops(t *testing.T) {
	for _, tc := range []struct{ mu, lambda int }{{0, 1}, {0, 2}, {3, 16}, {5, 17}, {1000, 500}, {10, 3000}, {4000, 40}} {
		calls := 0
		bound := 2*max(tc.mu, tc.lambda) + tc.lambda + 2
		loop := func(ctx context.Context, req Request) (Page, error) {
			if calls++; calls > 2*bound {
				// the walk missed the cycle: end it here, not at the test's timeout
				return Page{}, errors.New("still walking")
			}
			at := 0
			if req.Cursor != "" {
				at, _ = strconv.Atoi(req.Cursor)
			}
			next := at + 1
			if next >= tc.mu+tc.lambda {
				next = tc.mu
			}
			return Page{Records: []connectors.Record{{"id": "r" + strconv.Itoa(calls)}}, Next: strconv.Itoa(next)}, nil
		}
		n, err := connectors.Count(Walk(t.Context(), Config{Query: connectors.Query{Entity: "e"}}, loop))
		if err == nil || calls > bound {
			t.Errorf("mu %d lambda %d: %d pages (bound %d), %d records, %v", tc.mu, tc.lambda, calls, bound, n, err)
		}
	}
	const pages = 50_000
	straight := straightPages(pages, "")
	if n, err := connectors.Count(Walk(t.Context(), Config{Query: connectors.Query{Entity: "e"}}, straight)); err != nil || n != pages {
		t.Errorf("distinct cursors: %d records, %v", n, err)
	}
}

func TestCursorLoopRemembersTheRecent(t *testing.T) {
	var l cursorLoop
	for i := range 1000 {
		if l.repeats(strconv.Itoa(i)) {
			t.Fatalf("cursor %d reported as a repeat", i)
		}
	}
	for i := 1000 - recentCursors; i < 1000; i++ {
		if !l.repeats(strconv.Itoa(i)) {
			t.Errorf("recent cursor %d not caught", i)
		}
	}
}

// TestWalkKeepsNothingPerPage: the live heap after 200,000 pages (one
// record each, a fresh cursor each) is what it was after 20,000: the walk
// keeps no cursor, key or record per page. (A set of every cursor seen
// grew it by about 8 MB.)
func TestWalkKeepsNothingPerPage(t *testing.T) {
	const pages = 200_000
	parse := straightPages(pages, "cursor-")
	live := func() uint64 {
		var ms runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	var early, late uint64
	n := 0
	for _, err := range Walk(t.Context(), Config{Query: connectors.Query{Entity: "e"}}, parse) {
		if err != nil {
			t.Fatal(err)
		}
		switch n++; n {
		case pages / 10:
			early = live()
		case pages - 1:
			late = live()
		}
	}
	if n != pages {
		t.Fatalf("%d records", n)
	}
	if late > early+1<<20 {
		t.Errorf("live heap grew from %d bytes after %d pages to %d after %d", early, pages/10, late, pages)
	}
}

// straightPages serves pages of one record each over distinct cursors
// (prefix and the page's number), the last page without one.
func straightPages(pages int, prefix string) Fetch {
	return func(ctx context.Context, req Request) (Page, error) {
		at := 0
		if req.Cursor != "" {
			at, _ = strconv.Atoi(req.Cursor[len(prefix):])
		}
		p := Page{Records: []connectors.Record{{"id": "r" + strconv.Itoa(at)}}}
		if at+1 < pages {
			p.Next = prefix + strconv.Itoa(at+1)
		}
		return p, nil
	}
}
