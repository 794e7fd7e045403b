package transport

import (
	"context"
	"testing"
)

type otherKey struct{}

// TestPrincipalContext reads the principal back through derived contexts
// and requires every other value to pass through.
func TestPrincipalContext(t *testing.T) {
	base := context.WithValue(t.Context(), otherKey{}, "v")
	ctx := WithPrincipal(base, "alice@example.com")
	child, cancel := context.WithCancel(context.WithValue(ctx, otherKey{}, "w"))
	defer cancel()
	for _, tc := range []struct {
		name      string
		ctx       context.Context
		principal string
		other     any
	}{
		{"direct", ctx, "alice@example.com", "v"},
		{"derived", child, "alice@example.com", "w"},
		{"none", base, "", "v"},
		{"empty id", WithPrincipal(base, ""), "", "v"},
		{"replaced", WithPrincipal(ctx, "bob"), "bob", "v"},
	} {
		if got := PrincipalFrom(tc.ctx); got != tc.principal {
			t.Errorf("%s: PrincipalFrom = %q, want %q", tc.name, got, tc.principal)
		}
		if got := tc.ctx.Value(otherKey{}); got != tc.other {
			t.Errorf("%s: other value %v, want %v", tc.name, got, tc.other)
		}
	}
	cancel()
	if child.Err() == nil || ctx.Err() != nil {
		t.Errorf("cancellation: child %v, parent %v", child.Err(), ctx.Err())
	}
}
