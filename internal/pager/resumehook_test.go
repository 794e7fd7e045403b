package pager

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	connectors "github.com/xlr8/connectors"
)

// A consumer that stops early learns, through the resume hook, where to
// continue; slices of 7 over pages of 5 with a filter give every record once.
func TestResumeHookPagesInSlices(t *testing.T) {
	src := &source{n: 23, size: 5, total: 23}
	q := connectors.Query{Entity: "e"}
	var got []string
	for round := 0; round < 10; round++ {
		var token string
		ctx := connectors.WithResumeHook(t.Context(), func(r string) { token = r })
		n := 0
		for r, err := range Walk(ctx, Config{Query: q}, src.fetch) {
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, r["id"].(string))
			if n++; n == 7 {
				break
			}
		}
		if token == "" {
			break
		}
		q.Resume = token
	}
	if diff := cmp.Diff(want(0, 23), got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// No token when the consumer stops on the very last record, or the stream
// ends by itself.
func TestResumeHookSilentAtTheEnd(t *testing.T) {
	for _, stopAt := range []int{10, 0} {
		src := &source{n: 10, size: 5, total: 10}
		called := false
		ctx := connectors.WithResumeHook(t.Context(), func(string) { called = true })
		n := 0
		for _, err := range Walk(ctx, Config{Query: connectors.Query{Entity: "e"}}, src.fetch) {
			if err != nil {
				t.Fatal(err)
			}
			if n++; n == stopAt {
				break
			}
		}
		if called {
			t.Errorf("stop at %d: hook called with nothing left", stopAt)
		}
	}
}

// Checkpoints come at page boundaries; resuming from any of them yields the
// rest once.
func TestCheckpointHook(t *testing.T) {
	src := &source{n: 23, size: 5, total: 23}
	q := connectors.Query{Entity: "e"}
	var tokens []string
	ctx := connectors.WithCheckpointHook(t.Context(), func(r string) { tokens = append(tokens, r) })
	got, err := ids(t, Walk(ctx, Config{Query: q}, src.fetch))
	if err != nil || len(got) != 23 {
		t.Fatalf("%d records, %v", len(got), err)
	}
	if len(tokens) != 4 {
		t.Fatalf("%d checkpoints; want 4 (after pages 1-4 of 5)", len(tokens))
	}
	for i, tok := range tokens {
		q.Resume = tok
		rest, err := ids(t, Walk(t.Context(), Config{Query: q}, src.fetch))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want(5*(i+1), 23), rest); diff != "" {
			t.Errorf("from checkpoint %d (-want +got):\n%s", i, diff)
		}
	}
}
