package connectortest

import (
	"context"
	"errors"
	"fmt"
	"testing"

	connectors "github.com/xlr8/connectors"
)

func testLifecycle(t *testing.T, s *session) {
	ctx := t.Context()
	c := s.open(t, ctx)
	if c.Product() == "" {
		t.Error("Product() is empty")
	}
	for i := 0; i < 2; i++ {
		if err := c.Connect(ctx); err != nil {
			s.noteErr(err)
			t.Fatalf("Connect #%d: %v", i+1, err)
		}
	}
	st, err := c.Test(ctx)
	if err != nil {
		s.noteErr(err)
		t.Fatalf("Test: %v", err)
	}
	if !st.Reachable || !st.Authenticated {
		t.Errorf("Test: %+v, want reachable and authenticated", st)
	}
	if err := c.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if err := c.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	for name, err := range map[string]error{
		"Connect": c.Connect(ctx),
		"Get":     firstErr(c.Get(ctx, connectors.Query{Entity: s.h.Entity()})),
		"Query":   firstErr(c.Query(ctx, "anything")),
	} {
		s.noteErr(err)
		if !errors.Is(err, connectors.ErrClosed) {
			t.Errorf("%s after Close: %v, want an error wrapping ErrClosed", name, err)
		}
	}
	_, err = c.Execute(ctx, "any.action", nil)
	s.noteErr(err)
	if !errors.Is(err, connectors.ErrClosed) {
		t.Errorf("Execute after Close: %v, want an error wrapping ErrClosed", err)
	}
}

func firstErr(seq func(func(connectors.Record, error) bool)) error {
	for _, err := range seq {
		if err != nil {
			return err
		}
	}
	return nil
}

func testEntitiesAndSchema(t *testing.T, s *session) {
	ctx := t.Context()
	c := s.open(t, ctx)
	ents, err := c.Entities(ctx)
	if err != nil {
		s.noteErr(err)
		t.Fatalf("Entities: %v", err)
	}
	found := false
	for _, e := range ents {
		found = found || e == s.h.Entity()
	}
	if !found {
		t.Errorf("Entities() = %v, want it to include %q", ents, s.h.Entity())
	}
	sch, err := c.Schema(ctx, s.h.Entity())
	if err != nil {
		s.noteErr(err)
		t.Fatalf("Schema(%q): %v", s.h.Entity(), err)
	}
	if _, ok := sch.Field(s.h.IDField()); !ok {
		t.Errorf("Schema(%q) has no %q field", s.h.Entity(), s.h.IDField())
	}
	for _, f := range sch.Fields {
		if f.Name == "" || f.Type == "" {
			t.Errorf("Schema(%q) has a field without name or type: %+v", s.h.Entity(), f)
		}
	}
	_, err = c.Schema(ctx, "no_such_entity_xyz")
	s.noteErr(err)
	requireCode(t, "Schema of an unknown entity", err, connectors.CodeNotFound)
}

func testGetAll(t *testing.T, s *session) {
	ctx := t.Context()
	var pages []connectors.Progress
	c, err := s.h.Open(ctx, append(s.options(), connectors.WithProgress(func(p connectors.Progress) { pages = append(pages, p) }))...)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer c.Close()
	want := s.seed(t, ctx, s.pagesOf(3))
	got, err := s.collect(c.Get(ctx, connectors.Query{Entity: s.h.Entity()}))
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	s.checkIDs(t, "Get", got, want)
	if len(pages) == 0 {
		t.Errorf("WithProgress was never called")
	} else {
		last := pages[len(pages)-1]
		if !last.Done || last.Records != int64(len(want)) {
			t.Errorf("last progress %+v, want Done with %d records", last, len(want))
		}
	}
}

func testGetTwice(t *testing.T, s *session) {
	ctx := t.Context()
	c := s.open(t, ctx)
	want := s.seed(t, ctx, s.pagesOf(1))
	seq := c.Get(ctx, connectors.Query{Entity: s.h.Entity()})
	for i := 0; i < 2; i++ {
		got, err := s.collect(seq)
		if err != nil {
			t.Fatalf("range #%d: %v", i+1, err)
		}
		s.checkIDs(t, fmt.Sprintf("range #%d over one Get", i+1), got, want)
	}
}

func testLimit(t *testing.T, s *session) {
	ctx := t.Context()
	c := s.open(t, ctx)
	want := s.seed(t, ctx, s.pagesOf(2))
	for _, limit := range []int{1, s.h.PageSize() + 1, len(want) + 5} {
		got, err := s.collect(c.Get(ctx, connectors.Query{Entity: s.h.Entity(), Limit: limit}))
		if err != nil {
			t.Fatalf("Get with Limit %d: %v", limit, err)
		}
		exp := min(limit, len(want))
		if len(got) != exp {
			t.Errorf("Get with Limit %d yielded %d records, want %d", limit, len(got), exp)
		}
		seen := map[string]bool{}
		for _, r := range got {
			if id := s.idOf(r); seen[id] {
				t.Errorf("Limit %d: record %s yielded twice", limit, id)
			} else {
				seen[id] = true
			}
		}
	}
}

func testFields(t *testing.T, s *session) {
	ctx := t.Context()
	c := s.open(t, ctx)
	s.seed(t, ctx, s.pagesOf(1))
	fields := []string{s.h.IDField(), s.h.FilterField()}
	got, err := s.collect(c.Get(ctx, connectors.Query{Entity: s.h.Entity(), Fields: fields}))
	if err != nil {
		t.Fatalf("Get with Fields: %v", err)
	}
	if len(got) == 0 {
		t.Fatal("Get with Fields yielded nothing")
	}
	allowed := map[string]bool{fields[0]: true, fields[1]: true}
	for _, r := range got {
		for k := range r {
			if !allowed[k] {
				t.Fatalf("Get with Fields %v yielded field %q (record keys %v)", fields, k, keys(r))
			}
		}
		if _, ok := r[s.h.FilterField()]; !ok {
			t.Fatalf("Get with Fields %v lacks %q (record keys %v)", fields, s.h.FilterField(), keys(r))
		}
	}
}

func testEqFilter(t *testing.T, s *session) {
	ctx := t.Context()
	c := s.open(t, ctx)
	all := s.seed(t, ctx, s.pagesOf(2))
	ff := s.h.FilterField()
	v, ok := all[0].Lookup(ff)
	if !ok {
		t.Fatalf("seeded record lacks filter field %q", ff)
	}
	var want []connectors.Record
	for _, r := range all {
		if x, _ := r.Lookup(ff); fmt.Sprint(x) == fmt.Sprint(v) {
			want = append(want, r)
		}
	}
	if len(want) == len(all) || len(want) < 2 {
		t.Fatalf("harness Seed gives %d of %d records the value %v of %q: want a few repeated values", len(want), len(all), v, ff)
	}
	got, err := s.collect(c.Get(ctx, connectors.Query{Entity: s.h.Entity(), Where: connectors.Eq(ff, v)}))
	if err != nil {
		t.Fatalf("Get with Eq(%s, %v): %v", ff, v, err)
	}
	s.checkIDs(t, fmt.Sprintf("Get with Eq(%s, %v)", ff, v), got, want)
}

func testCancel(t *testing.T, s *session) {
	c := s.open(t, t.Context())
	s.seed(t, t.Context(), s.pagesOf(3))
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	n, after := 0, 0
	var endErr error
	for _, err := range c.Get(ctx, connectors.Query{Entity: s.h.Entity()}) {
		if err != nil {
			endErr = err
			s.noteErr(err)
			break
		}
		n++
		if n == 1 {
			cancel()
		} else {
			after++
		}
	}
	if !errors.Is(endErr, context.Canceled) {
		t.Fatalf("after cancel the stream ended with %v, want an error wrapping context.Canceled", endErr)
	}
	requireTyped(t, "the cancelled stream's error", endErr)
	if after > 64 {
		t.Errorf("after cancel the stream yielded %d more records; it should stop promptly (within 64)", after)
	}
}

func testBreak(t *testing.T, s *session) {
	ctx := t.Context()
	c := s.open(t, ctx)
	s.seed(t, ctx, s.pagesOf(2))
	n := 0
	func() {
		defer func() {
			if r := recover(); r != nil {
				t.Fatalf("the stream yielded after the caller broke out: %v", r)
			}
		}()
		for _, err := range c.Get(ctx, connectors.Query{Entity: s.h.Entity()}) {
			if err != nil {
				t.Fatalf("Get: %v", err)
			}
			n++
			if n == 2 {
				break
			}
		}
	}()
	if n != 2 {
		t.Errorf("yielded %d records before break, want 2", n)
	}
}

func testUnknownEntity(t *testing.T, s *session) {
	ctx := t.Context()
	c := s.open(t, ctx)
	err := firstErr(c.Get(ctx, connectors.Query{Entity: "no_such_entity_xyz"}))
	s.noteErr(err)
	requireCode(t, "Get of an unknown entity", err, connectors.CodeNotFound)
	err = firstErr(c.Get(ctx, connectors.Query{}))
	s.noteErr(err)
	requireCode(t, "Get with an empty query", err, connectors.CodeInvalidArgument)
}

func testUnknownAction(t *testing.T, s *session) {
	ctx := t.Context()
	c := s.open(t, ctx)
	_, err := c.Execute(ctx, "no.such.action", map[string]any{connectors.ParamPrincipal: "tester"})
	s.noteErr(err)
	requireCode(t, "Execute of an unknown action", err, connectors.CodeUnsupported)
	for _, cp := range c.Capabilities() {
		if cp.Name == "" {
			t.Errorf("a capability has no name: %+v", cp)
		}
	}
}

// testRetried injects f twice after the first page (the suite allows three
// attempts): the stream must still yield every record exactly once.
func testRetried(t *testing.T, s *session, f Fault) {
	ctx := t.Context()
	c := s.open(t, ctx)
	want := s.seed(t, ctx, s.pagesOf(2))
	var got []connectors.Record
	injected := false
	for r, err := range c.Get(ctx, connectors.Query{Entity: s.h.Entity()}) {
		if err != nil {
			s.noteErr(err)
			t.Fatalf("Get with %s injected: %v", f, err)
		}
		got = append(got, r)
		if !injected {
			injected = true
			n := 2
			if f == FaultStall {
				n = 1 // one stall costs a whole attempt timeout; one is enough
			}
			s.inject(t, f, n)
		}
	}
	s.checkIDs(t, fmt.Sprintf("Get with %s injected", f), got, want)
}

func testRefresh(t *testing.T, s *session) {
	ctx := t.Context()
	c := s.open(t, ctx)
	want := s.seed(t, ctx, s.pagesOf(1))
	if s.h.TokenRequests() < 0 {
		t.Skip("the connector does not use tokens")
	}
	if err := c.Connect(ctx); err != nil {
		s.noteErr(err)
		t.Fatalf("Connect: %v", err)
	}
	before := s.h.TokenRequests()
	s.inject(t, FaultUnauthorized, 1)
	got, err := s.collect(c.Get(ctx, connectors.Query{Entity: s.h.Entity()}))
	if err != nil {
		t.Fatalf("Get after the token was rejected: %v", err)
	}
	s.checkIDs(t, "Get after a 401", got, want)
	if n := s.h.TokenRequests() - before; n != 1 {
		t.Errorf("a 401 caused %d token requests, want exactly 1", n)
	}
	// A token that is rejected again after the refresh is UNAUTHENTICATED,
	// after one more refresh, not a loop.
	before = s.h.TokenRequests()
	s.inject(t, FaultUnauthorized, 1000)
	err = firstErr(c.Get(ctx, connectors.Query{Entity: s.h.Entity()}))
	s.noteErr(err)
	s.h.Heal()
	requireCode(t, "Get while every token is rejected", err, connectors.CodeUnauthenticated)
	if n := s.h.TokenRequests() - before; n > 1 {
		t.Errorf("a persistent 401 caused %d token requests, want at most 1", n)
	}
}

func testBadBody(t *testing.T, s *session, f Fault) {
	ctx := t.Context()
	c := s.open(t, ctx)
	s.seed(t, ctx, s.pagesOf(1))
	if err := c.Connect(ctx); err != nil {
		t.Fatalf("Connect: %v", err)
	}
	s.inject(t, f, 1000)
	var err error
	func() {
		defer func() {
			if r := recover(); r != nil {
				t.Fatalf("Get panicked on a %s body: %v", f, r)
			}
		}()
		_, err = s.collect(c.Get(ctx, connectors.Query{Entity: s.h.Entity()}))
	}()
	s.h.Heal()
	if e := requireTyped(t, fmt.Sprintf("Get with a %s body", f), err); e != nil {
		if len(e.Error()) > 600 {
			t.Errorf("the error quotes too much of the body (%d bytes): %.200s...", len(e.Error()), e.Error())
		}
	}
}

func testResume(t *testing.T, s *session) {
	ctx := t.Context()
	c := s.open(t, ctx)
	want := s.seed(t, ctx, s.pagesOf(3))
	var got []connectors.Record
	var endErr error
	for r, err := range c.Get(ctx, connectors.Query{Entity: s.h.Entity()}) {
		if err != nil {
			endErr = err
			s.noteErr(err)
			break
		}
		got = append(got, r)
		if len(got) == 1 {
			s.inject(t, FaultOutage, 0)
		}
	}
	s.h.Heal()
	if endErr == nil {
		t.Fatal("the stream ended without error during an outage")
	}
	e := requireTyped(t, "the outage error", endErr)
	if e == nil || e.Resume == "" {
		t.Fatalf("the error that ended the stream after a page has no Resume token: %v", endErr)
	}
	if connectors.ResumeToken(endErr) != e.Resume {
		t.Error("ResumeToken(err) does not return the error's Resume")
	}
	rest, err := s.collect(c.Get(ctx, connectors.Query{Entity: s.h.Entity(), Resume: e.Resume}))
	if err != nil {
		t.Fatalf("resumed Get: %v", err)
	}
	s.checkIDs(t, "the first stream and the resumed one together", append(got, rest...), want)

	// A token does not continue a different query.
	err = firstErr(c.Get(ctx, connectors.Query{Entity: s.h.Entity(), Limit: 3, Resume: e.Resume}))
	s.noteErr(err)
	requireCode(t, "a Resume token used with another query", err, connectors.CodeInvalidArgument)
	err = firstErr(c.Get(ctx, connectors.Query{Entity: s.h.Entity(), Resume: "not-a-token"}))
	s.noteErr(err)
	requireCode(t, "a malformed Resume token", err, connectors.CodeInvalidArgument)
}

func testShortTotal(t *testing.T, s *session) {
	ctx := t.Context()
	c := s.open(t, ctx)
	s.seed(t, ctx, s.pagesOf(1))
	s.inject(t, FaultShortTotal, 0)
	defer s.h.Heal()
	_, err := s.collect(c.Get(ctx, connectors.Query{Entity: s.h.Entity()}))
	if !errors.Is(err, connectors.ErrIncomplete) {
		t.Fatalf("a stream short of the advertised total ended with %v, want an error wrapping ErrIncomplete", err)
	}
	requireTyped(t, "the short-total error", err)
}
