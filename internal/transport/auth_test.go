package transport

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"golang.org/x/oauth2"

	"github.com/xlr8/connectors/internal/redact"
)

func TestTokenCacheInvalidateToken(t *testing.T) {
	var n atomic.Int32
	c := NewTokenCache(func(context.Context) (*oauth2.Token, error) {
		return &oauth2.Token{AccessToken: fmt.Sprintf("access-%d", n.Add(1))}, nil
	}, redact.NewSet())
	ctx := context.Background()
	first, _, err := c.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c.InvalidateToken(&oauth2.Token{AccessToken: "some-other-token"}) {
		t.Fatal("InvalidateToken dropped a token it was not given")
	}
	if !c.InvalidateToken(first) {
		t.Fatal("InvalidateToken did not drop the current token")
	}
	second, _, err := c.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if second.AccessToken == first.AccessToken {
		t.Fatalf("got %s again after invalidating it", first.AccessToken)
	}
	// A late report of the first token must not cost another fetch.
	if c.InvalidateToken(first) {
		t.Fatal("InvalidateToken dropped the renewed token for a stale report")
	}
	if _, _, err := c.Token(ctx); err != nil {
		t.Fatal(err)
	}
	if got := c.Fetches(); got != 2 {
		t.Fatalf("fetches = %d, want 2", got)
	}
	if c.InvalidateToken(nil) {
		t.Fatal("InvalidateToken(nil) reported true")
	}
}
