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
