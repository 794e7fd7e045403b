package transport

import (
	"context"
	"errors"
	"net/http"
	"slices"
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

	retry    RetryPolicy
	retrySet bool

	mu       sync.Mutex
	tok      *oauth2.Token
	until    time.Time // when tok is to be replaced; zero: on a 401 only
	gen      uint64
	inflight *flight
	fetches  int
	issued   []string // token values this cache registered as secrets, oldest first
}

type flight struct {
	done chan struct{}
	tok  *oauth2.Token
	err  error
	// ownerGone: the fetch failed because the context of the caller that
	// ran it ended; a waiter with a live context may run its own.
	ownerGone bool
}

// maxIssued bounds the token values a cache keeps in its secret set: older
// ones, replaced and expired, are forgotten (the current ones always stay).
const maxIssued = 8

// maxBorrowed bounds how often one Token call runs a fetch of its own
// after fetches run by other callers failed because those callers gave up.
const maxBorrowed = 8

// minValidity is the least a fetched token is used for, whatever its
// expires_in says (0.5s, or an expiry below the refresh skew): a token is
// never fetched per call.
const minValidity = time.Second

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

// WithRetry applies a retry policy to token fetches that fail with a
// retryable error (a timeout, an UNAVAILABLE token endpoint): up to
// MaxAttempts fetches with its backoff, ended early only by the caller's
// context. Without it each fetch is tried once: a fetch through a
// transport Client is already retried by that client's policy.
func WithRetry(p RetryPolicy) TokenOption {
	return func(c *TokenCache) { c.retry, c.retrySet = p.withDefaults(), true }
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
		if !c.tok.Expiry.IsZero() {
			c.until = c.tok.Expiry.Add(-c.skew)
		}
	}
	if !c.retrySet {
		c.retry = RetryPolicy{MaxAttempts: 1}.withDefaults()
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

// Token returns a valid token and its generation, fetching when needed. A
// failed fetch is retried only as the retry policy says (WithRetry); a
// waiter whose fetch was run by another caller, and failed because that
// caller's context ended, runs one of its own. Only ctx ends it early.
func (c *TokenCache) Token(ctx context.Context) (*oauth2.Token, uint64, error) {
	attempts, borrowed := 0, 0
	for {
		c.mu.Lock()
		if c.tok != nil && !c.expiredLocked() {
			tok, gen := c.tok, c.gen
			c.mu.Unlock()
			return tok, gen, nil
		}
		f := c.inflight
		own := f == nil
		if own {
			f = &flight{done: make(chan struct{})}
			c.inflight = f
			c.fetches++
			attempts++
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
			if ce := ctx.Err(); ce != nil {
				return nil, 0, errs.FromContext(ce, "", "fetching a token")
			}
			if !own && f.ownerGone && borrowed < maxBorrowed {
				// Not this caller's failure: another caller gave up.
				borrowed++
				continue
			}
			if own && attempts < c.retry.MaxAttempts && retryableFetch(f.err) {
				if err := SleepContext(ctx, Backoff(c.retry.MinBackoff, c.retry.MaxBackoff, attempts-1)); err != nil {
					return nil, 0, errs.FromContext(err, "", "fetching a token")
				}
				continue
			}
			return nil, 0, fetchError(f.err)
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

// retryableFetch reports whether a failed token fetch may succeed if run
// again: a retryable *errs.Error, a timeout, or a cancellation that was not
// the caller's (a token source bound to a context of its own).
func retryableFetch(err error) bool {
	var e *errs.Error
	if errors.As(err, &e) {
		return e.Retryable || e.Code == errs.CodeTimeout
	}
	return isDeadline(err) || errors.Is(err, context.Canceled)
}

// fetchError says what failed: a deadline is a TIMEOUT saying deadline, a
// cancellation of the fetch's own context an UNAVAILABLE one.
func fetchError(err error) error {
	var e *errs.Error
	if errors.As(err, &e) {
		return err
	}
	switch {
	case isDeadline(err):
		return &errs.Error{Code: errs.CodeTimeout, Retryable: true, Message: "fetching a token: deadline exceeded", Err: err}
	case errors.Is(err, context.Canceled):
		return &errs.Error{Code: errs.CodeUnavailable, Message: "fetching a token: the token source's own context was canceled", Err: err}
	}
	return err
}

// SleepContext waits for d or until ctx ends, and returns ctx's error in
// the second case.
func SleepContext(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (c *TokenCache) run(ctx context.Context, f *flight) {
	tok, err := c.fetch(ctx)
	if err == nil && (tok == nil || tok.AccessToken == "") {
		err = &errs.Error{Code: errs.CodeUnauthenticated, Message: "token endpoint returned no access token"}
	}
	c.mu.Lock()
	if err == nil {
		c.register(tok)
		c.tok = tok
		c.until = c.validUntil(tok)
		c.gen++
	} else {
		f.ownerGone = ctx.Err() != nil
	}
	f.tok, f.err = tok, err
	c.inflight = nil
	c.mu.Unlock()
	close(f.done)
	if err == nil && c.onToken != nil {
		c.onToken(tok)
	}
}

// validUntil is when a token just fetched is replaced: the refresh skew
// before its expiry, but never before half its lifetime nor before
// minValidity; a token without a usable expiry (none, or in the past) is
// kept until a 401.
func (c *TokenCache) validUntil(tok *oauth2.Token) time.Time {
	if tok.Expiry.IsZero() {
		return time.Time{}
	}
	now := c.now()
	life := tok.Expiry.Sub(now)
	if life <= 0 {
		return time.Time{}
	}
	use := max(life-c.skew, life/2, min(life, minValidity))
	return now.Add(use)
}

// register adds a new token's values to the secret set and forgets the
// values of tokens replaced maxIssued fetches ago (expired access tokens,
// refresh tokens rotated away), so that the set stays bounded. The current
// token's values are never forgotten. c.mu is held.
func (c *TokenCache) register(tok *oauth2.Token) {
	for _, v := range []string{tok.AccessToken, tok.RefreshToken} {
		if v == "" || slices.Contains(c.issued, v) {
			continue
		}
		c.secrets.Add(v)
		c.issued = append(c.issued, v)
	}
	if over := len(c.issued) - 2*maxIssued; over > 0 {
		var forget []string
		keep := c.issued[:0:0]
		for i, v := range c.issued {
			if i < over && v != tok.AccessToken && v != tok.RefreshToken {
				forget = append(forget, v)
				continue
			}
			keep = append(keep, v)
		}
		c.issued = keep
		c.secrets.Remove(forget...)
	}
}

func (c *TokenCache) expiredLocked() bool {
	return !c.until.IsZero() && !c.until.After(c.now())
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
