package connectors_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	connectors "github.com/xlr8/connectors"
)

func TestPrincipalRoundTrip(t *testing.T) {
	p := connectors.Principal{ID: "EMP042", Groups: []string{"managers"}, Type: connectors.PrincipalHuman}
	params := map[string]any{"request_id": "TOR-002"}
	with := connectors.WithPrincipal(params, p)
	if len(params) != 1 {
		t.Error("WithPrincipal modified its input")
	}
	got, rest, err := connectors.SplitPrincipal(with)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(p, got); diff != "" {
		t.Error(diff)
	}
	if diff := cmp.Diff(params, rest); diff != "" {
		t.Error(diff)
	}
	if len(with) != 4 {
		t.Error("SplitPrincipal modified its input")
	}
	// JSON-decoded params carry groups as []any and types in any case.
	got, _, err = connectors.SplitPrincipal(map[string]any{connectors.ParamGroups: []any{"a", "b"}, connectors.ParamType: "ai_agent"})
	if err != nil || got.Type != connectors.PrincipalAIAgent || len(got.Groups) != 2 || !got.InGroup("b") {
		t.Errorf("%+v %v", got, err)
	}
	none, rest, err := connectors.SplitPrincipal(nil)
	if err != nil || !none.IsZero() || len(rest) != 0 {
		t.Error("no principal")
	}
	for name, bad := range map[string]map[string]any{
		"type":   {connectors.ParamType: "ROBOT"},
		"id":     {connectors.ParamPrincipal: 42},
		"groups": {connectors.ParamGroups: []any{"a", 1}},
		"type2":  {connectors.ParamType: 3},
	} {
		if _, _, err := connectors.SplitPrincipal(bad); !errors.Is(err, connectors.ErrInvalidArgument) {
			t.Errorf("%s: %v", name, err)
		}
	}
	c := connectors.Capability{PrincipalTypes: []connectors.PrincipalType{connectors.PrincipalHuman}}
	if !c.Allows(connectors.PrincipalHuman) || c.Allows(connectors.PrincipalAIAgent) || !c.Allows("") {
		t.Error("Allows")
	}
}
