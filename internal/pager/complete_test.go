package pager

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/internal/errs"
)

// Complete runs on each record before the filter; its
// failure ends the stream with a Resume token at that record, and the
// resumed walk yields the rest once.
func TestCompleteBeforeFilterAndResume(t *testing.T) {
	src := &source{n: 25, size: 10, total: 25}
	fail := true
	cfg := Config{Query: connectors.Query{Entity: "e"},
		Complete: func(_ context.Context, r connectors.Record) (connectors.Record, error) {
			if r["n"].(int) == 13 && fail {
				return nil, &errs.Error{Code: errs.CodeInternal, Message: "child page broke"}
			}
			r["done"] = true
			return r, nil
		},
		Filter: func(r connectors.Record) bool { return r["done"] == true },
	}
	got, err := ids(t, Walk(t.Context(), cfg, src.fetch))
	var e *errs.Error
	if !errors.As(err, &e) || e.Code != errs.CodeInternal || e.Resume == "" {
		t.Fatalf("after %v: %v", got, err)
	}
	if diff := cmp.Diff(want(0, 13), got); diff != "" {
		t.Errorf("before the failure (-want +got):\n%s", diff)
	}
	fail = false
	cfg.Query.Resume = e.Resume
	rest, err := ids(t, Walk(t.Context(), cfg, src.fetch))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want(13, 25), rest); diff != "" {
		t.Errorf("resumed (-want +got):\n%s", diff)
	}
}
