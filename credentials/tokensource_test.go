package credentials

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/xlr8/connectors/internal/errs"
	"github.com/xlr8/connectors/internal/redact"
	"github.com/xlr8/connectors/internal/transport"
)

// invalidator is connkit.Invalidator, matched structurally (connkit cannot
// be imported from here; the external test checks the real interface).
type invalidator interface {
	TokenContext(ctx context.Context) (*oauth2.Token, error)
	Invalidate(tok *oauth2.Token)
}

func tokenManager(t *testing.T, srv *tokenServer, s Store, keys KeyProvider, opts ...Option) *Manager {
	t.Helper()
	return mustManager(t, s, keys, append([]Option{WithHTTPClient(srv.srv.Client()),
		WithRetry(retryFast)}, opts...)...)
}

var retryFast = transport.RetryPolicy{MaxAttempts: 2, MinBackoff: time.Millisecond, MaxBackoff: 2 * time.Millisecond}

// A refresh token rotated by the token endpoint is persisted, and a new
// process (a new Manager over the reopened store) uses the stored access
// token without a refresh and, once it expires, the rotated refresh token.
func TestTokenSourcePersistsRotation(t *testing.T) {
	ctx := testCtx(t)
	srv := newTokenServer(t)
	srv.rotate = true
	dir := t.TempDir()
	key := mustKey(t)
	clk := newClock()

	s1 := mustFileStore(t, dir)
	m1 := tokenManager(t, srv, s1, mustKeyring(t, key), WithClock(clk.Now))
	id, err := m1.Store(ctx, oauthCred("p", srv.URL()))
	if err != nil {
		t.Fatal(err)
	}
	tok, err := m1.TokenSource(ctx, id).Token()
	if err != nil {
		t.Fatal(err)
	}
	if srv.Calls() != 1 || tok.AccessToken != srv.issued[0] {
		t.Fatalf("calls %d, token from server %v", srv.Calls(), tok.AccessToken == srv.issued[0])
	}
	if srv.refresh[testRefresh] {
		t.Fatal("the server did not retire the old refresh token")
	}
	s1.Close()

	// "Restart": a new store and Manager over the same folder.
	s2 := mustFileStore(t, dir)
	m2 := tokenManager(t, srv, s2, mustKeyring(t, key), WithClock(clk.Now))
	cred, err := m2.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	rotated := cred.Get(KeyRefreshToken)
	if rotated == testRefresh || !srv.refresh[rotated] {
		t.Fatal("the rotated refresh token was not persisted")
	}
	if !cred.LastUsed.Equal(clk.Now()) {
		t.Fatalf("last used %v, want %v", cred.LastUsed, clk.Now())
	}
	tok2, err := m2.TokenSource(ctx, id).Token()
	if err != nil {
		t.Fatal(err)
	}
	if tok2.AccessToken != tok.AccessToken || srv.Calls() != 1 {
		t.Fatalf("after restart: calls %d, same token %v; want the stored token and no call", srv.Calls(), tok2.AccessToken == tok.AccessToken)
	}
	if !tok2.Expiry.Equal(tok.Expiry) {
		t.Fatalf("stored expiry %v, want %v", tok2.Expiry, tok.Expiry)
	}

	// Past the expiry, the next token comes from the rotated refresh token.
	clk.Advance(2 * time.Hour)
	tok3, err := m2.TokenSource(ctx, id).Token()
	if err != nil {
		t.Fatal(err)
	}
	if srv.Calls() != 2 || tok3.AccessToken == tok.AccessToken {
		t.Fatalf("calls %d", srv.Calls())
	}
	if got := srv.forms[1].Get("refresh_token"); got != rotated {
		t.Fatal("the refresh after restart did not use the rotated refresh token")
	}
}

// Concurrent callers, through any number of TokenSources of one Manager,
// share one refresh.
func TestTokenSourceSharesOneRefresh(t *testing.T) {
	ctx := testCtx(t)
	srv := newTokenServer(t)
	srv.rotate = true
	m := tokenManager(t, srv, NewMemoryStore(), mustKeyring(t, mustKey(t)))
	id, _ := m.Store(ctx, oauthCred("p", srv.URL()))
	gate := make(chan struct{})
	srv.mu.Lock()
	srv.gate = gate
	srv.mu.Unlock()
	const n = 32
	toks := make([]string, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ts := m.TokenSource(ctx, id).(invalidator) // a new source each time
			tok, err := ts.TokenContext(ctx)
			if err != nil {
				t.Error(err)
				return
			}
			toks[i] = tok.AccessToken
		}()
	}
	time.Sleep(50 * time.Millisecond) // let them pile up on the held request
	close(gate)
	wg.Wait()
	if srv.Calls() != 1 {
		t.Fatalf("%d token requests for %d concurrent callers, want 1", srv.Calls(), n)
	}
	for _, tok := range toks {
		if tok != toks[0] {
			t.Fatal("callers got different tokens")
		}
	}
}

// After a 401, every connector reporting the same rejected token causes one
// refresh between them, and the rejected token is never handed out again
// (not even from the store).
func TestTokenSourceInvalidate(t *testing.T) {
	ctx := testCtx(t)
	srv := newTokenServer(t)
	srv.rotate = true
	m := tokenManager(t, srv, NewMemoryStore(), mustKeyring(t, mustKey(t)))
	id, _ := m.Store(ctx, oauthCred("p", srv.URL()))
	a := m.TokenSource(ctx, id).(invalidator)
	b := m.TokenSource(ctx, id).(invalidator)
	t1, err := a.TokenContext(ctx)
	if err != nil {
		t.Fatal(err)
	}
	a.Invalidate(t1)
	t2, err := a.TokenContext(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if t2.AccessToken == t1.AccessToken {
		t.Fatal("the rejected token was handed out again")
	}
	b.Invalidate(t1) // a late report of the same token
	t3, err := b.TokenContext(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if t3.AccessToken != t2.AccessToken || srv.Calls() != 2 {
		t.Fatalf("calls %d; a stale report caused a refresh", srv.Calls())
	}
	b.Invalidate(nil)
	b.Invalidate(&oauth2.Token{})
}

// Refresh calls the endpoint now, even while the stored token is good.
func TestManagerRefresh(t *testing.T) {
	ctx := testCtx(t)
	srv := newTokenServer(t)
	m := tokenManager(t, srv, NewMemoryStore(), mustKeyring(t, mustKey(t)))
	id, _ := m.Store(ctx, oauthCred("p", srv.URL()))
	t1, err := m.Refresh(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	t2, err := m.Refresh(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if srv.Calls() != 2 || t1.AccessToken == t2.AccessToken {
		t.Fatalf("calls %d", srv.Calls())
	}
	if t3, _ := m.TokenSource(ctx, id).Token(); t3.AccessToken != t2.AccessToken || srv.Calls() != 2 {
		t.Fatal("the token source did not reuse the refreshed token")
	}
	_, err = m.Refresh(ctx, "../x")
	wantErr(t, err, errs.CodeInvalidArgument, nil)
}

// Two Managers (two processes) over one store: the second's refresh is
// rejected because the first rotated the refresh token; it then finds the
// first's stored token instead of failing.
func TestTokenSourceAdoptsOtherProcessRotation(t *testing.T) {
	ctx := testCtx(t)
	srv := newTokenServer(t)
	srv.rotate = true
	dir := t.TempDir()
	key := mustKey(t)
	a := tokenManager(t, srv, mustFileStore(t, dir), mustKeyring(t, key))
	b := tokenManager(t, srv, mustFileStore(t, dir), mustKeyring(t, key))
	id, _ := a.Store(ctx, oauthCred("p", srv.URL()))

	// b reads the record, then a refreshes (rotating) before b's request
	// reaches the server: simulate by letting b's refresh use the old
	// refresh token through a store that serves b the stale record once.
	stale, _ := b.store.Get(ctx, id)
	if _, err := a.Refresh(ctx, id); err != nil {
		t.Fatal(err)
	}
	b.store = &staleOnce{Store: b.store, rec: stale}
	b.locker = nil // the fallback of a store without RefreshLocker
	tok, err := b.Refresh(ctx, id)
	if err != nil {
		t.Fatalf("b failed instead of adopting a's token: %v", err)
	}
	aTok, _ := a.TokenSource(ctx, id).Token()
	if tok.AccessToken != aTok.AccessToken {
		t.Fatal("b did not adopt the token a stored")
	}
	if srv.Calls() != 2 { // a's refresh, b's rejected attempt
		t.Fatalf("calls %d, want 2", srv.Calls())
	}
}

// staleOnce serves one stale record for the first Get, then the real store.
type staleOnce struct {
	Store
	mu  sync.Mutex
	rec *Record
}

func (s *staleOnce) Get(ctx context.Context, id string) (*Record, error) {
	s.mu.Lock()
	r := s.rec
	s.rec = nil
	s.mu.Unlock()
	if r != nil {
		return r, nil
	}
	return s.Store.Get(ctx, id)
}

func TestTokenSourceErrors(t *testing.T) {
	ctx := testCtx(t)
	srv := newTokenServer(t)
	m := tokenManager(t, srv, NewMemoryStore(), mustKeyring(t, mustKey(t)))

	t.Run("rejected refresh", func(t *testing.T) {
		c := oauthCred("p", srv.URL())
		c.Secrets[KeyRefreshToken] = "SECRET-refresh-unknown-1234"
		id, _ := m.Store(ctx, c)
		_, err := m.TokenSource(ctx, id).Token()
		wantErr(t, err, errs.CodeUnauthenticated, nil)
		var e *errs.Error
		errors.As(err, &e)
		if e.VendorCode != "invalid_grant" || e.HTTPStatus != http.StatusBadRequest {
			t.Fatalf("vendor code %q status %d", e.VendorCode, e.HTTPStatus)
		}
	})
	t.Run("not oauth", func(t *testing.T) {
		id, _ := m.Store(ctx, basicCred("p"))
		_, err := m.TokenSource(ctx, id).Token()
		wantErr(t, err, errs.CodeInvalidArgument, nil)
	})
	t.Run("revoked drops the cached token", func(t *testing.T) {
		id, _ := m.Store(ctx, oauthCred("p", srv.URL()))
		ts := m.TokenSource(ctx, id)
		if _, err := ts.Token(); err != nil {
			t.Fatal(err)
		}
		if err := m.Revoke(ctx, id); err != nil {
			t.Fatal(err)
		}
		_, err := ts.Token()
		wantErr(t, err, errs.CodeUnauthenticated, ErrRevoked)
	})
	t.Run("missing", func(t *testing.T) {
		_, err := m.TokenSource(ctx, "cred_missing").Token()
		wantErr(t, err, errs.CodeNotFound, nil)
	})
	t.Run("plain http refused", func(t *testing.T) {
		c := oauthCred("p", "http://127.0.0.1:1/oauth/token")
		id, _ := m.Store(ctx, c)
		_, err := m.TokenSource(ctx, id).Token()
		wantErr(t, err, errs.CodeInvalidArgument, nil)
	})
}

// When the store cannot take the new token, the token is still handed out
// (the vendor has already rotated), kept in memory, and persisted on a
// later use.
func TestTokenSourcePersistFailureRetried(t *testing.T) {
	ctx := testCtx(t)
	srv := newTokenServer(t)
	srv.rotate = true
	fs := &failingUpdates{Store: NewMemoryStore()}
	var logs logBuffer
	m := tokenManager(t, srv, fs, mustKeyring(t, mustKey(t)), WithLogger(logs.Logger()), WithUsageResolution(0))
	id, _ := m.Store(ctx, oauthCred("p", srv.URL()))
	fs.fail(2) // the persist and the MarkUsed that follows
	tok, err := m.TokenSource(ctx, id).Token()
	if err != nil {
		t.Fatal(err)
	}
	cred, _ := m.Get(ctx, id)
	if cred.Get(KeyRefreshToken) != testRefresh {
		t.Fatal("expected the persist to have failed")
	}
	tok2, err := m.TokenSource(ctx, id).Token()
	if err != nil || tok2.AccessToken != tok.AccessToken {
		t.Fatalf("second call: %v", err)
	}
	cred, _ = m.Get(ctx, id)
	if cred.Get(KeyRefreshToken) == testRefresh || !srv.refresh[cred.Get(KeyRefreshToken)] {
		t.Fatal("the pending rotated refresh token was not persisted on the next use")
	}
	if srv.Calls() != 1 {
		t.Fatalf("calls %d", srv.Calls())
	}
}

type failingUpdates struct {
	Store
	mu sync.Mutex
	n  int
}

func (f *failingUpdates) fail(n int) { f.mu.Lock(); f.n = n; f.mu.Unlock() }

func (f *failingUpdates) Update(ctx context.Context, id string, fn func(*Record) (*Record, error)) (*Record, error) {
	f.mu.Lock()
	fail := f.n > 0
	if fail {
		f.n--
	}
	f.mu.Unlock()
	if fail {
		return nil, errs.New(errs.CodeUnavailable, "disk full")
	}
	return f.Store.Update(ctx, id, fn)
}

func TestStoredTokenKeepsVendorFields(t *testing.T) {
	tok := (&oauth2.Token{AccessToken: "a", Expiry: time.Unix(100, 0)}).WithExtra(map[string]any{
		"instance_url": "https://acme.my.salesforce.com", "scope": "api", "signature": "SECRET-sig", "n": 5.0})
	st := storedTokenOf(tok)
	back := st.oauth2()
	if back.Extra("instance_url") != "https://acme.my.salesforce.com" || back.Extra("scope") != "api" {
		t.Fatalf("vendor fields lost: %v", st.Extra)
	}
	if back.Extra("signature") != nil {
		t.Fatal("a field outside the allow list was persisted")
	}
}

// TestTokenClientSecretsStayBounded refreshes one credential 200 times with
// a rotating refresh token, through a token client shared by the Manager
// (WithTokenClient) and through the Manager's own: the client's secret set
// holds the current tokens (so they are scrubbed) and stops growing, the
// values of long-retired tokens forgotten. It grew by two values a refresh
// through a shared client.
func TestTokenClientSecretsStayBounded(t *testing.T) {
	for _, shared := range []bool{true, false} {
		t.Run(map[bool]string{true: "shared client", false: "own client"}[shared], func(t *testing.T) {
			srv := newTokenServer(t)
			srv.rotate = true
			var opts []Option
			var client *transport.Client
			if shared {
				client = tokenClient(t, srv, nil)
				opts = append(opts, WithTokenClient(client))
			} else {
				opts = append(opts, WithHTTPClient(srv.srv.Client()))
			}
			m := mustManager(t, NewMemoryStore(), mustKeyring(t, mustKey(t)), opts...)
			id, err := m.Store(testCtx(t), oauthCred("p", srv.URL()))
			if err != nil {
				t.Fatal(err)
			}
			set := func() *redact.Set {
				if shared {
					return client.Secrets()
				}
				return m.source(id).secrets
			}
			var first *oauth2.Token
			var sizes []int
			for i := range 200 {
				tok, err := m.Refresh(testCtx(t), id)
				if err != nil {
					t.Fatalf("refresh %d: %v", i, err)
				}
				if i == 0 {
					first = tok
				}
				if i == 2*maxIssued+10 || i == 199 {
					sizes = append(sizes, set().Len())
				}
				if !set().Contains(tok.AccessToken) || !set().Contains(tok.RefreshToken) {
					t.Fatalf("refresh %d: the current token is not in the secret set", i)
				}
			}
			if sizes[1] > sizes[0] {
				t.Errorf("the secret set grew from %d values to %d between refresh %d and 200", sizes[0], sizes[1], 2*maxIssued+10)
			}
			if set().Contains(first.AccessToken) || set().Contains(first.RefreshToken) {
				t.Errorf("the first token's values are still held after 200 refreshes")
			}
			if !set().Contains(testClientSecret) {
				t.Errorf("the client secret was forgotten")
			}
		})
	}
}
