// Package credtest holds what the credentials stores' multi-process tests
// share: the refresh rounds a child process runs against a token source
// while another process does the same.
package credtest

import (
	"context"
	"fmt"
	"io"

	"golang.org/x/oauth2"
)

// TokenSource is the part of credentials.TokenSource the rounds use.
type TokenSource interface {
	TokenContext(ctx context.Context) (*oauth2.Token, error)
	Invalidate(tok *oauth2.Token)
}

// RefreshRounds runs n rounds of: take the token, report it rejected (a
// 401), take a token again. It writes each failure to log and returns how
// many rounds failed.
func RefreshRounds(ctx context.Context, ts TokenSource, n int, log io.Writer) int {
	failed := 0
	for i := 0; i < n; i++ {
		tok, err := ts.TokenContext(ctx)
		if err == nil {
			ts.Invalidate(tok)
			_, err = ts.TokenContext(ctx)
		}
		if err != nil {
			failed++
			fmt.Fprintln(log, "round", i, err)
		}
	}
	return failed
}
