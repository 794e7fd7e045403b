package connectors_test

import (
	"strings"
	"testing"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/translate"
)

func deepNot(n int) connectors.Expr {
	var e connectors.Expr = connectors.Eq("a", 1)
	for i := 0; i < n; i++ {
		e = connectors.Not{X: e}
	}
	return e
}

// TestHardening11_19_ExprDepth: a caller-built expression deeper than the
// parser allows is refused by ValidateExpr (and so by Query.Validate and
// every compile) before any quadratic work; everything the parser accepts
// still validates.
func TestHardening11_19_ExprDepth(t *testing.T) {
	for _, n := range []int{connectors.MaxExprDepth - 1, connectors.MaxExprDepth, connectors.MaxExprDepth + 1, 100_000} {
		err := connectors.ValidateExpr(deepNot(n))
		if tooDeep := n+1 > connectors.MaxExprDepth; tooDeep != (err != nil) {
			t.Errorf("Not depth %d: err %v", n, err)
		}
		if err != nil && connectors.CodeOf(err) != connectors.CodeInvalidArgument {
			t.Errorf("Not depth %d: code %s", n, connectors.CodeOf(err))
		}
	}
	if _, err := translate.CompileSOQL(connectors.Query{Entity: "Account", Where: deepNot(100_000)}); connectors.CodeOf(err) != connectors.CodeInvalidArgument {
		t.Errorf("CompileSOQL of Not depth 10^5: %v", err)
	}
	// And/Or nesting, built by hand.
	var e connectors.Expr = connectors.Eq("a", 1)
	for i := 0; i < 1000; i++ {
		if i%2 == 0 {
			e = connectors.And{e, connectors.Eq("b", 2)}
		} else {
			e = connectors.Or{e, connectors.Eq("c", 3)}
		}
	}
	if connectors.CodeOf(connectors.ValidateExpr(e)) != connectors.CodeInvalidArgument {
		t.Error("And/Or depth 1000 validated")
	}
	// What the parser accepts at its limit validates: nested NOTs and
	// parenthesised AND/OR alternations.
	for _, src := range []string{
		strings.Repeat("NOT ", 198) + "a = 1",
		strings.Repeat("(a = 1 OR b = 2 AND ", 199) + "c = 3" + strings.Repeat(")", 199),
		strings.Repeat("NOT (a = 1 AND ", 99) + "c = 3" + strings.Repeat(")", 99),
	} {
		parsed, err := translate.ParseExpr(src)
		if err != nil {
			t.Fatalf("parse: %v", err)
		}
		if err := connectors.ValidateExpr(parsed); err != nil {
			t.Errorf("a parsed expression fails validation: %v", err)
		}
	}
}
