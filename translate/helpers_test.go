package translate

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	connectors "github.com/xlr8/connectors"
)

// exprOpts compares expressions: times by instant.
var exprOpts = cmp.Options{cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })}

func diffExpr(t *testing.T, label string, got, want any) {
	t.Helper()
	if d := cmp.Diff(want, got, exprOpts); d != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", label, d)
	}
}

func errCode(err error) connectors.Code { return connectors.CodeOf(err) }

func mustTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

func date(y int, m time.Month, d int) connectors.Date {
	return connectors.Date{Year: y, Month: m, Day: d}
}
