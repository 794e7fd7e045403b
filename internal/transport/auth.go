package transport

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"

	"golang.org/x/oauth2"

	"github.com/xlr8/connectors/internal/errs"
	"github.com/xlr8/connectors/internal/redact"
)

// Auth authorizes requests. Apply sets the request's credentials and returns
// a stamp naming the credential state it used; after a 401 the client calls
// Renew once with that stamp and, if it reports true, replays the request.
type Auth interface {
	Apply(ctx context.Context, req *http.Request) (stamp uint64, err error)
	Renew(ctx context.Context, stamp uint64) (renewed bool, err error)
}

// HeaderAuth sets fixed headers (Basic auth, API keys). It cannot be renewed.
type HeaderAuth struct{ Header http.Header }

// BasicAuth returns a HeaderAuth sending HTTP Basic credentials.
func BasicAuth(username, password string) *HeaderAuth {
	r, _ := http.NewRequest(http.MethodGet, "https://x", nil)
	r.SetBasicAuth(username, password)
	return &HeaderAuth{Header: http.Header{"Authorization": r.Header["Authorization"]}}
}

// Apply sets the headers.
func (a *HeaderAuth) Apply(_ context.Context, req *http.Request) (uint64, error) {
	for k, v := range a.Header {
		req.Header[k] = v
	}
	return 0, nil
}

// Renew reports false: fixed credentials cannot be renewed.
func (a *HeaderAuth) Renew(context.Context, uint64) (bool, error) { return false, nil }

// TokenFunc obtains a new token, always from the vendor (it never caches).
type TokenFunc func(ctx context.Context) (*oauth2.Token, error)

// TokenCache is an Auth over OAuth-style tokens. It caches the token, fetches
// a new one when the cached one is missing or about to expire, and shares one
// fetch among concurrent callers. After a 401, Renew fetches a new token only
// if the failed request used the current one, so many streams hitting 401 at
// once cause one refresh between them.
type TokenCache struct {
	fetch   TokenFunc
	apply   func(req *http.Request, tok *oauth2.Token)
	skew    time.Duration
	secrets *redact.Set
	onToken func(*oauth2.Token)
	onStale func(*oauth2.Token)
	now     func() time.Time

	mu       sync.Mutex
	tok      *oauth2.Token
	gen      uint64
	inflight *flight
	fetches  int
}

type flight struct {
	done chan struct{}
	tok  *oauth2.Token
	err  error
}

// TokenOption configures a TokenCache.
type TokenOption func(*TokenCache)

// WithApply changes how a token is put on a request (default: the
// Authorization header with the token's type, "Bearer" when empty).
func WithApply(f func(req *http.Request, tok *oauth2.Token)) TokenOption {
	return func(c *TokenCache) { c.apply = f }
}

// WithExpirySkew treats a token as expired this long before its expiry
// (default 30s).
func WithExpirySkew(d time.Duration) TokenOption { return func(c *TokenCache) { c.skew = d } }

// WithOnToken calls f with every new token (to persist a rotated refresh
// token, for example). f must not block for long.
func WithOnToken(f func(*oauth2.Token)) TokenOption { return func(c *TokenCache) { c.onToken = f } }

// WithOnInvalidate calls f with a token the vendor rejected (a 401), before
// the cache fetches a new one: a token source with its own cache uses it to
// drop the rejected token.
func WithOnInvalidate(f func(*oauth2.Token)) TokenOption {
	return func(c *TokenCache) { c.onStale = f }
}

// WithInitialToken seeds the cache with a token obtained earlier.
func WithInitialToken(tok *oauth2.Token) TokenOption {
	return func(c *TokenCache) {
		if tok != nil && tok.AccessToken != "" {
			c.tok = tok
			c.gen = 1
		}
	}
}

// WithClock sets the clock used for expiry (tests).
func WithClock(now func() time.Time) TokenOption { return func(c *TokenCache) { c.now = now } }

// NewTokenCache returns a cache over fetch. Every token it obtains is added
// to secrets, so that it is scrubbed from errors and logs.
func NewTokenCache(fetch TokenFunc, secrets *redact.Set, opts ...TokenOption) *TokenCache {
	c := &TokenCache{fetch: fetch, secrets: secrets, skew: 30 * time.Second, now: time.Now}
	for _, o := range opts {
		o(c)
	}
	if c.tok != nil {
		c.secrets.Add(c.tok.AccessToken, c.tok.RefreshToken)
	}
	if c.apply == nil {
		c.apply = func(req *http.Request, tok *oauth2.Token) { tok.SetAuthHeader(req) }
	}
	return c
}

// Apply authorizes req with the current token, fetching one if needed.
func (c *TokenCache) Apply(ctx context.Context, req *http.Request) (uint64, error) {
	tok, gen, err := c.Token(ctx)
	if err != nil {
		return 0, err
	}
	c.apply(req, tok)
	return gen, nil
}

// Renew replaces the token that failed (stamp) unless another caller already
// did, and reports true: the request should be replayed with the new token.
func (c *TokenCache) Renew(ctx context.Context, stamp uint64) (bool, error) {
	c.mu.Lock()
	var stale *oauth2.Token
	if c.gen == stamp && c.tok != nil {
		stale = c.tok
		c.tok = nil // invalid: the next Token call fetches
	}
	c.mu.Unlock()
	if stale != nil && c.onStale != nil {
		c.onStale(stale)
	}
	if _, _, err := c.Token(ctx); err != nil {
		return false, err
	}
	return true, nil
}

// Invalidate drops the cached token so that the next call fetches a new one.
func (c *TokenCache) Invalidate() {
	c.mu.Lock()
	c.tok = nil
	c.mu.Unlock()
}

// InvalidateToken drops the cached token only if it is tok (the same access
// token), and reports whether it did. A token source shared by several
// connectors uses it after a 401: when two of them report the same rejected
// token, the second report finds it already replaced and drops nothing, so
// the rejection costs one renewal, not one per reporter.
func (c *TokenCache) InvalidateToken(tok *oauth2.Token) bool {
	if tok == nil {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.tok == nil || c.tok.AccessToken != tok.AccessToken {
		return false
	}
	c.tok = nil
	return true
}

// Fetches returns how many times the cache has called its TokenFunc.
func (c *TokenCache) Fetches() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.fetches
}

// Token returns a valid token and its generation, fetching when needed.
func (c *TokenCache) Token(ctx context.Context) (*oauth2.Token, uint64, error) {
	for {
		c.mu.Lock()
		if c.tok != nil && !c.expired(c.tok) {
			tok, gen := c.tok, c.gen
			c.mu.Unlock()
			return tok, gen, nil
		}
		f := c.inflight
		if f == nil {
			f = &flight{done: make(chan struct{})}
			c.inflight = f
			c.fetches++
			c.mu.Unlock()
			c.run(ctx, f)
		} else {
			c.mu.Unlock()
		}
		select {
		case <-f.done:
		case <-ctx.Done():
			return nil, 0, errs.FromContext(ctx.Err(), "", "waiting for a token")
		}
		if f.err != nil {
			// A fetch that failed only because its caller's context ended is
			// not this caller's failure: try again with ours.
			if errors.Is(f.err, context.Canceled) || errors.Is(f.err, context.DeadlineExceeded) {
				if ctx.Err() == nil {
					continue
				}
			}
			return nil, 0, f.err
		}
		c.mu.Lock()
		tok, gen := c.tok, c.gen
		c.mu.Unlock()
		if tok == nil {
			continue // invalidated again in the meantime
		}
		return tok, gen, nil
	}
}

func (c *TokenCache) run(ctx context.Context, f *flight) {
	tok, err := c.fetch(ctx)
	if err == nil && (tok == nil || tok.AccessToken == "") {
		err = &errs.Error{Code: errs.CodeUnauthenticated, Message: "token endpoint returned no access token"}
	}
	c.mu.Lock()
	if err == nil {
		c.secrets.Add(tok.AccessToken, tok.RefreshToken)
		c.tok = tok
		c.gen++
	}
	f.tok, f.err = tok, err
	c.inflight = nil
	c.mu.Unlock()
	close(f.done)
	if err == nil && c.onToken != nil {
		c.onToken(tok)
	}
}

func (c *TokenCache) expired(t *oauth2.Token) bool {
	if t.Expiry.IsZero() {
		return false
	}
	return !t.Expiry.After(c.now().Add(c.skew))
}

// TokenSource adapts the cache to oauth2.TokenSource, for libraries that want
// one. Token uses ctx for any fetch.
func (c *TokenCache) TokenSource(ctx context.Context) oauth2.TokenSource {
	return tokenSource{ctx: ctx, c: c}
}

type tokenSource struct {
	ctx context.Context
	c   *TokenCache
}

func (s tokenSource) Token() (*oauth2.Token, error) {
	t, _, err := s.c.Token(s.ctx)
	return t, err
}
