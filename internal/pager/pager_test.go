package pager

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/internal/errs"
)

// source serves n records in pages of size over offset cursors.
type source struct {
	n, size   int
	total     int // advertised; -1 for none
	failAt    map[int]error
	calls     []Request
	emptyPage bool
}

func (s *source) fetch(ctx context.Context, req Request) (Page, error) {
	s.calls = append(s.calls, req)
	off := 0
	if req.Cursor != "" {
		off, _ = strconv.Atoi(req.Cursor)
	}
	if err := s.failAt[off]; err != nil {
		return Page{}, err
	}
	if s.emptyPage {
		return Page{Next: strconv.Itoa(off + 1)}, nil
	}
	end := min(off+s.size, s.n)
	var recs []connectors.Record
	for i := off; i < end; i++ {
		recs = append(recs, connectors.Record{"id": fmt.Sprintf("r%03d", i), "n": i})
	}
	p := Page{Records: recs}
	if s.total >= 0 {
		p.Total, p.HasTotal = int64(s.total), true
	}
	if end < s.n {
		p.Next = strconv.Itoa(end)
	}
	return p, nil
}

func ids(t *testing.T, seq func(func(connectors.Record, error) bool)) ([]string, error) {
	t.Helper()
	var out []string
	for r, err := range seq {
		if err != nil {
			return out, err
		}
		out = append(out, r["id"].(string))
	}
	return out, nil
}

func want(from, to int) []string {
	var out []string
	for i := from; i < to; i++ {
		out = append(out, fmt.Sprintf("r%03d", i))
	}
	return out
}

func TestWalkAllPagesAndProgress(t *testing.T) {
	src := &source{n: 25, size: 10, total: 25}
	var prog []connectors.Progress
	got, err := ids(t, Walk(t.Context(), Config{Query: connectors.Query{Entity: "e"}, Progress: func(p connectors.Progress) { prog = append(prog, p) }}, src.fetch))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want(0, 25), got); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
	wantProg := []connectors.Progress{
		{Entity: "e", Records: 10, Pages: 1, Total: 25}, {Entity: "e", Records: 20, Pages: 2, Total: 25},
		{Entity: "e", Records: 25, Pages: 3, Total: 25}, {Entity: "e", Records: 25, Pages: 3, Total: 25, Done: true},
	}
	if diff := cmp.Diff(wantProg, prog); diff != "" {
		t.Errorf("progress (-want +got):\n%s", diff)
	}
}

func TestLimitFilterProject(t *testing.T) {
	src := &source{n: 50, size: 10, total: -1}
	cfg := Config{
		Query:   connectors.Query{Entity: "e", Limit: 7},
		Filter:  func(r connectors.Record) bool { return r["n"].(int)%2 == 0 },
		Project: func(r connectors.Record) connectors.Record { return connectors.Record{"id": r["id"]} },
	}
	var got []connectors.Record
	for r, err := range Walk(t.Context(), cfg, src.fetch) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, r)
	}
	if len(got) != 7 || got[6]["id"] != "r012" || len(got[0]) != 1 {
		t.Errorf("got %v", got)
	}
	if len(src.calls) != 2 || src.calls[0].Want != 7 || src.calls[1].Want != 2 {
		t.Errorf("fetch requests %+v: want two, asking for 7 then 2", src.calls)
	}
}

func TestResumeAfterFailure(t *testing.T) {
	outage := &errs.Error{Code: errs.CodeUnavailable, Retryable: true, Message: "down"}
	q := connectors.Query{Entity: "e", Limit: 23}
	src := &source{n: 40, size: 10, total: 40, failAt: map[int]error{20: outage}}
	first, err := ids(t, Walk(t.Context(), Config{Product: "p", Query: q, KeyOf: func(r connectors.Record) string { return r["id"].(string) }}, src.fetch))
	var e *errs.Error
	if !errors.As(err, &e) || e.Code != errs.CodeUnavailable || e.Resume == "" || e.Product != "p" {
		t.Fatalf("error %v, want UNAVAILABLE with a Resume token", err)
	}
	if e == outage || outage.Resume != "" {
		t.Error("the vendor's error was modified in place")
	}
	q.Resume = e.Resume
	tok, err := DecodeToken("p", q)
	if err != nil || tok.Cursor != "20" || tok.Yielded != 20 || tok.Key != "r019" || tok.Skip != 0 {
		t.Fatalf("token %+v, %v", tok, err)
	}
	delete(src.failAt, 20)
	src.calls = nil
	rest, err := ids(t, Walk(t.Context(), Config{Product: "p", Query: q}, src.fetch))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want(0, 23), append(first, rest...)); diff != "" {
		t.Errorf("first + resumed (-want +got):\n%s", diff)
	}
	if src.calls[0].Resumed == nil || src.calls[0].Want != 3 {
		t.Errorf("the resumed fetch got %+v: want the token and Want 3", src.calls[0])
	}
}

func TestFirstPageFailureHasNoResume(t *testing.T) {
	src := &source{n: 5, size: 10, total: -1, failAt: map[int]error{0: errs.New(errs.CodeUnauthenticated, "no")}}
	_, err := ids(t, Walk(t.Context(), Config{Query: connectors.Query{Entity: "e"}}, src.fetch))
	var e *errs.Error
	if !errors.As(err, &e) || e.Resume != "" || e.Code != errs.CodeUnauthenticated {
		t.Errorf("got %v (resume %q)", err, e.Resume)
	}
	// A plain error from a fetch becomes a typed one.
	src.failAt[0] = errors.New("boom")
	_, err = ids(t, Walk(t.Context(), Config{Query: connectors.Query{Entity: "e"}}, src.fetch))
	if !errors.As(err, &e) || e.Code != errs.CodeInternal {
		t.Errorf("plain error became %v", err)
	}
}

func TestCancelMidPageResumesWithSkip(t *testing.T) {
	src := &source{n: 300, size: 200, total: 300}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	q := connectors.Query{Entity: "e"}
	var got []string
	var endErr error
	for r, err := range Walk(ctx, Config{Query: q}, src.fetch) {
		if err != nil {
			endErr = err
			break
		}
		got = append(got, r["id"].(string))
		if len(got) == 10 {
			cancel()
		}
	}
	if !errors.Is(endErr, context.Canceled) || errs.CodeOf(endErr) != errs.CodeUnavailable {
		t.Fatalf("ended with %v", endErr)
	}
	if len(got) > 10+checkEvery {
		t.Errorf("%d records after cancel", len(got)-10)
	}
	q.Resume = connectors.ResumeToken(endErr)
	rest, err := ids(t, Walk(t.Context(), Config{Query: q}, src.fetch))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want(0, 300), append(got, rest...)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestBadTokens(t *testing.T) {
	src := &source{n: 5, size: 10, total: -1}
	tok := Token{V: 1, Query: connectors.Query{Entity: "other"}.Fingerprint()}.Encode()
	for name, resume := range map[string]string{"other query": tok, "garbage": "%%%", "not json": "bm90IGpzb24", "negative": Token{V: 1, Query: connectors.Query{Entity: "e"}.Fingerprint(), Skip: -1}.Encode()} {
		_, err := ids(t, Walk(t.Context(), Config{Query: connectors.Query{Entity: "e", Resume: resume}}, src.fetch))
		if errs.CodeOf(err) != errs.CodeInvalidArgument {
			t.Errorf("%s: %v", name, err)
		}
	}
	if len(src.calls) != 0 {
		t.Error("a bad token still fetched")
	}
}

func TestRepeatedCursorAndEmptyPages(t *testing.T) {
	// A vendor that hands back the same cursor every time.
	loop := func(ctx context.Context, req Request) (Page, error) {
		return Page{Records: []connectors.Record{{"id": "x"}}, Next: "same"}, nil
	}
	got, err := ids(t, Walk(t.Context(), Config{Query: connectors.Query{Entity: "e"}}, loop))
	if err == nil || len(got) != 2 {
		t.Errorf("repeated cursor: %d records, %v", len(got), err)
	}
	src := &source{n: 30, size: 10, total: -1, emptyPage: true}
	_, err = ids(t, Walk(t.Context(), Config{Query: connectors.Query{Entity: "e"}, MaxEmptyPages: 5}, src.fetch))
	if err == nil || len(src.calls) != 5 {
		t.Errorf("empty pages: %d calls, %v", len(src.calls), err)
	}
}

func TestAdvertisedTotal(t *testing.T) {
	src := &source{n: 25, size: 10, total: 30}
	got, err := ids(t, Walk(t.Context(), Config{Query: connectors.Query{Entity: "e"}}, src.fetch))
	if !errors.Is(err, errs.ErrIncomplete) || len(got) != 25 {
		t.Fatalf("short total: %d records, %v", len(got), err)
	}
	var e *errs.Error
	errors.As(err, &e)
	if e.Details["advertised"] != int64(30) || e.Details["received"] != int64(25) {
		t.Errorf("details %v", e.Details)
	}
	// A Limit below the total is not a shortfall; a filter does not count.
	src.total = 30
	if _, err := ids(t, Walk(t.Context(), Config{Query: connectors.Query{Entity: "e", Limit: 5}}, src.fetch)); err != nil {
		t.Error(err)
	}
	src.total = 25
	if _, err := ids(t, Walk(t.Context(), Config{Query: connectors.Query{Entity: "e"}, Filter: func(connectors.Record) bool { return false }}, src.fetch)); err != nil {
		t.Error(err)
	}
}

func TestBreakAndRerun(t *testing.T) {
	src := &source{n: 25, size: 10, total: 25}
	seq := Walk(t.Context(), Config{Query: connectors.Query{Entity: "e"}}, src.fetch)
	n := 0
	for range seq {
		n++
		if n == 3 {
			break
		}
	}
	all, err := ids(t, seq)
	if err != nil || len(all) != 25 {
		t.Errorf("ranging again: %d, %v", len(all), err)
	}
}

func TestRebasedPageIgnoresSkip(t *testing.T) {
	q := connectors.Query{Entity: "e"}
	q.Resume = Token{V: 1, Query: q.Fingerprint(), Cursor: "expired", Skip: 5, Received: 15, Yielded: 15, Key: "r014"}.Encode()
	fetch := func(ctx context.Context, req Request) (Page, error) {
		if req.Resumed == nil || req.Resumed.Key != "r014" {
			t.Fatalf("resumed fetch got %+v", req)
		}
		return Page{Records: []connectors.Record{{"id": "r015"}, {"id": "r016"}}, Rebased: true}, nil
	}
	got, err := ids(t, Walk(t.Context(), Config{Query: q}, fetch))
	if err != nil || fmt.Sprint(got) != "[r015 r016]" {
		t.Errorf("got %v, %v", got, err)
	}
}
