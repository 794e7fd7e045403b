package credentials

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/oauth2"

	"github.com/xlr8/connectors/internal/errs"
	"github.com/xlr8/connectors/internal/redact"
	"github.com/xlr8/connectors/internal/transport"
)

// TokenSource is the OAuth token source of one stored credential, as
// returned by Manager.TokenSource. Every TokenSource of one Manager for one
// credential shares one token cache, so concurrent callers (and several
// connectors) share one refresh.
//
// It gives the stored access token while it is valid (so a restart costs no
// refresh), refreshes through the credential's grant when it is missing,
// expiring or rejected, and persists what the token endpoint returns (a
// rotated refresh token, the new access token and its expiry) back to the
// store before handing the token out. When a refresh is rejected because
// another process rotated the refresh token first, it picks up that
// process's stored token instead.
//
// Besides oauth2.TokenSource it offers TokenContext and Invalidate, which
// the connectors' transport uses (WithTokenSource): after a 401 it calls
// Invalidate with the rejected token, then TokenContext, which refreshes
// once however many callers report the same token.
type TokenSource struct {
	ctx context.Context
	st  *tokenState
}

// Token returns a valid token, using the context TokenSource was made with.
func (s *TokenSource) Token() (*oauth2.Token, error) { return s.TokenContext(s.ctx) }

// TokenContext returns a valid token, refreshing it if it is missing,
// about to expire or was invalidated. A successful call records the use
// (MarkUsed, at the Manager's usage resolution).
func (s *TokenSource) TokenContext(ctx context.Context) (*oauth2.Token, error) {
	tok, _, err := s.st.cache.Token(ctx)
	if err != nil {
		return nil, err
	}
	s.st.used(ctx)
	return tok, nil
}

// Invalidate reports tok as rejected by the vendor: the next TokenContext
// refreshes, unless tok was already replaced.
func (s *TokenSource) Invalidate(tok *oauth2.Token) {
	if tok == nil || tok.AccessToken == "" {
		return
	}
	s.st.reject(tok.AccessToken)
	s.st.cache.InvalidateToken(tok)
}

// TokenSource returns the token source of an oauth2 credential. Errors
// (revoked, expired, not OAuth, a rejected refresh) come from its Token
// calls; Token uses ctx. See the TokenSource type.
func (m *Manager) TokenSource(ctx context.Context, id string) oauth2.TokenSource {
	if ctx == nil {
		ctx = context.Background()
	}
	return &TokenSource{ctx: ctx, st: m.source(id)}
}

// Refresh obtains a new token for the credential from its token endpoint
// now, persists it (and a rotated refresh token) and returns it. Concurrent
// token fetches for the credential share it.
func (m *Manager) Refresh(ctx context.Context, id string) (*oauth2.Token, error) {
	if err := validID(id); err != nil {
		return nil, err
	}
	st := m.source(id)
	st.force.Store(true)
	st.cache.Invalidate()
	tok, _, err := st.cache.Token(ctx)
	st.force.Store(false)
	if err != nil {
		return nil, err
	}
	st.used(ctx)
	return tok, nil
}

// tokenState is the shared token machinery of one credential.
type tokenState struct {
	m       *Manager
	id      string
	secrets *redact.Set
	cache   *transport.TokenCache
	force   atomic.Bool // the next fetch must call the token endpoint

	mu         sync.Mutex
	rejected   []string // recently rejected access tokens, newest last
	issued     []string // token values added to the token client's secret set, oldest first
	pending    *pendingToken
	client     *transport.Client
	lastMarked time.Time
}

// pendingToken is a token (with a rotated refresh token) that could not be
// persisted; it is retried, and its refresh token used, until it is.
type pendingToken struct {
	tok  *oauth2.Token
	used string
}

const maxRejected = 8

// maxIssued is how many tokens' values (access and refresh) a credential
// keeps registered in its token client's secret set: older ones have
// expired or been rotated away, and are forgotten so that the set (which
// a client shared by every credential, WithTokenClient, would otherwise
// grow by two values a refresh) stays bounded.
const maxIssued = 8

func (m *Manager) source(id string) *tokenState {
	m.smu.Lock()
	defer m.smu.Unlock()
	st := m.sources[id]
	if st == nil {
		st = &tokenState{m: m, id: id, secrets: redact.NewSet()}
		st.cache = transport.NewTokenCache(st.fetch, st.secrets, transport.WithClock(m.now))
		m.sources[id] = st
	}
	return st
}

// resetSource drops the cached token and pending state of a credential
// whose record changed under this Manager (stored anew, revoked, deleted).
func (m *Manager) resetSource(id string) {
	m.smu.Lock()
	st := m.sources[id]
	m.smu.Unlock()
	if st == nil {
		return
	}
	st.mu.Lock()
	st.pending = nil
	st.rejected = nil
	st.mu.Unlock()
	st.cache.Invalidate()
}

func (st *tokenState) reject(access string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	for _, r := range st.rejected {
		if r == access {
			return
		}
	}
	st.rejected = append(st.rejected, access)
	if len(st.rejected) > maxRejected {
		st.rejected = st.rejected[len(st.rejected)-maxRejected:]
	}
}

func (st *tokenState) isRejected(access string) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	for _, r := range st.rejected {
		if r == access {
			return true
		}
	}
	return false
}

// used records a use at most once per usage resolution, and retries
// persisting a pending token.
func (st *tokenState) used(ctx context.Context) {
	m := st.m
	now := m.now()
	st.mu.Lock()
	pend := st.pending
	due := st.lastMarked.IsZero() || now.Sub(st.lastMarked) >= m.usage
	if due {
		st.lastMarked = now
	}
	st.mu.Unlock()
	if pend != nil {
		st.persistPending(ctx, pend)
	}
	if !due {
		return
	}
	if err := m.MarkUsed(ctx, st.id); err != nil {
		m.logger.LogAttrs(ctx, slog.LevelWarn, "credential last use not recorded",
			slog.String("id", st.id), slog.String("error_code", errs.CodeOf(err).String()), slog.Any("error", err))
	}
}

func (st *tokenState) persistPending(ctx context.Context, pend *pendingToken) {
	if err := st.persist(ctx, pend.tok, pend.used); err != nil {
		return
	}
	st.mu.Lock()
	if st.pending == pend {
		st.pending = nil
	}
	st.mu.Unlock()
}

// clientFor returns the transport client for the credential's token calls.
func (st *tokenState) clientFor(product string) (*transport.Client, error) {
	m := st.m
	if m.tokenClient != nil {
		return m.tokenClient, nil
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.client != nil && st.client.Product() == product {
		return st.client, nil
	}
	c, err := transport.New(transport.Config{Product: product, HTTPClient: m.httpClient, Logger: m.hostLogger,
		Retry: m.retry, AllowInsecureLoopback: m.allowLoopback, Secrets: st.secrets})
	if err != nil {
		return nil, err
	}
	st.client = c
	return c, nil
}

// fetch is the TokenCache's TokenFunc: the stored token if it is still
// good, else a new one from the token endpoint, persisted. Over a store
// that is a RefreshLocker the read-refresh-write runs under the
// credential's refresh lock, so that of several processes refreshing at
// once one calls the token endpoint and the others use its token.
func (st *tokenState) fetch(ctx context.Context) (*oauth2.Token, error) {
	force := st.force.Swap(false)
	if st.m.locker == nil {
		return st.fetchUnlocked(ctx, force)
	}
	// The token stored before waiting for the lock: if another holder
	// replaced it meanwhile, that was the refresh a forced call wanted.
	_, p, err := st.m.open(ctx, st.id)
	if err != nil {
		return nil, err
	}
	before := ""
	if p.Token != nil {
		before = p.Token.AccessToken
	}
	var tok *oauth2.Token
	err = st.m.locker.LockRefresh(ctx, st.id, func(ctx context.Context) error {
		var err error
		tok, err = st.fetchLocked(ctx, force, before)
		return err
	})
	if err != nil {
		return nil, storeErr(err, "refreshing "+quote(st.id))
	}
	return tok, nil
}

// fetchLocked reads the record under the refresh lock: a good stored token
// (for a forced refresh: one that is not the token stored before the lock
// was taken) is used as it is; else the grant runs and its token is
// persisted before the lock is released.
func (st *tokenState) fetchLocked(ctx context.Context, force bool, before string) (*oauth2.Token, error) {
	cred, p, err := st.openOAuth(ctx)
	if err != nil {
		return nil, err
	}
	if p.Token != nil {
		if tok := p.Token.oauth2(); st.good(tok) && (!force || tok.AccessToken != before) {
			return tok, nil
		}
	}
	tf, usedRefresh, err := st.tokenFunc(cred)
	if err != nil {
		return nil, err
	}
	tok, err := tf(ctx)
	if err != nil {
		return nil, err
	}
	st.persistNew(ctx, cred, tok, usedRefresh)
	return tok, nil
}

// openOAuth opens the credential of an OAuth token source and registers
// its secrets (and its stored access token) for scrubbing.
func (st *tokenState) openOAuth(ctx context.Context) (*Credential, *payload, error) {
	rec, p, err := st.m.open(ctx, st.id)
	if err != nil {
		return nil, nil, err
	}
	cred := st.m.credential(rec, p)
	if cred.AuthType != AuthOAuth2 {
		return nil, nil, invalidf("credential %s uses auth type %s, not oauth2: it has no token source", quote(st.id), cred.AuthType)
	}
	st.secrets.Add(cred.SecretValues()...)
	if p.Token != nil {
		st.secrets.Add(p.Token.AccessToken)
	}
	return cred, p, nil
}

// tokenFunc builds the grant's token function for the credential, with
// the refresh token of a pending (not yet persisted) token if there is
// one, and returns the refresh token it will spend.
func (st *tokenState) tokenFunc(cred *Credential) (transport.TokenFunc, string, error) {
	st.mu.Lock()
	if st.pending != nil && st.pending.tok.RefreshToken != "" {
		cred.Secrets[KeyRefreshToken] = st.pending.tok.RefreshToken
	}
	st.mu.Unlock()
	client, err := st.clientFor(cred.ProductID)
	if err != nil {
		return nil, "", err
	}
	client.Secrets().Add(cred.SecretValues()...)
	tf, err := NewTokenFunc(cred, client, WithGrantClock(st.m.now))
	if err != nil {
		return nil, "", err
	}
	return tf, cred.Get(KeyRefreshToken), nil
}

// persistNew persists a token just issued, or keeps it pending, and logs
// the refresh.
func (st *tokenState) persistNew(ctx context.Context, cred *Credential, tok *oauth2.Token, usedRefresh string) {
	m := st.m
	rotated := tok.RefreshToken != "" && tok.RefreshToken != usedRefresh
	if err := st.persist(ctx, tok, usedRefresh); err != nil {
		// The vendor has issued the token (and maybe retired the old
		// refresh token): keep it in memory and retry persisting it.
		st.mu.Lock()
		st.pending = &pendingToken{tok: tok, used: usedRefresh}
		st.mu.Unlock()
		m.logger.LogAttrs(ctx, slog.LevelError, "credential refresh not persisted; will retry",
			slog.String("id", st.id), slog.Bool("rotated", rotated),
			slog.String("error_code", errs.CodeOf(err).String()), slog.Any("error", err))
	} else {
		st.mu.Lock()
		st.pending = nil
		st.mu.Unlock()
	}
	st.forgetRetired(cred, tok, usedRefresh)
	attrs := []slog.Attr{slog.String("id", st.id), slog.String("product_id", cred.ProductID),
		slog.String("grant", cred.Grant()), slog.Bool("rotated", rotated)}
	if !tok.Expiry.IsZero() {
		attrs = append(attrs, slog.Time("expiry", tok.Expiry))
	}
	m.logger.LogAttrs(ctx, slog.LevelInfo, "credential refreshed", attrs...)
}

// forgetRetired records the values a grant registered in the token
// client's secret set (the refresh token it spent, the token it got) and
// removes from that set the values of tokens issued more than maxIssued
// refreshes ago: never the new token's, nor any secret the credential
// holds now.
func (st *tokenState) forgetRetired(cred *Credential, tok *oauth2.Token, usedRefresh string) {
	client, err := st.clientFor(cred.ProductID)
	if err != nil {
		return
	}
	st.mu.Lock()
	for _, v := range []string{usedRefresh, tok.AccessToken, tok.RefreshToken} {
		if v != "" && !slices.Contains(st.issued, v) {
			st.issued = append(st.issued, v)
		}
	}
	over := len(st.issued) - 2*maxIssued
	if over <= 0 {
		st.mu.Unlock()
		return
	}
	current := cred.SecretValues()
	var forget []string
	keep := st.issued[:0:0]
	for i, v := range st.issued {
		if i < over && v != tok.AccessToken && v != tok.RefreshToken && !slices.Contains(current, v) {
			forget = append(forget, v)
			continue
		}
		keep = append(keep, v)
	}
	st.issued = keep
	st.mu.Unlock()
	client.Secrets().Remove(forget...)
}

// fetchUnlocked is fetch over a store without a refresh lock: a refresh
// rejected as UNAUTHENTICATED is retried once with the stored refresh
// token if another process rotated it meanwhile.
func (st *tokenState) fetchUnlocked(ctx context.Context, force bool) (*oauth2.Token, error) {
	var (
		lastErr     error
		usedRefresh string
	)
	for attempt := 0; attempt < 2; attempt++ {
		cred, p, err := st.openOAuth(ctx)
		if err != nil {
			return nil, err
		}
		if attempt == 1 && cred.Get(KeyRefreshToken) == usedRefresh {
			return nil, lastErr // nobody rotated it: the rejection stands
		}
		if (!force || attempt == 1) && p.Token != nil {
			if tok := p.Token.oauth2(); st.good(tok) {
				return tok, nil
			}
		}
		var tf transport.TokenFunc
		if tf, usedRefresh, err = st.tokenFunc(cred); err != nil {
			return nil, err
		}
		tok, err := tf(ctx)
		if err != nil {
			lastErr = err
			if cred.Grant() == GrantRefreshToken && errs.CodeOf(err) == errs.CodeUnauthenticated && ctx.Err() == nil {
				continue // another process may have rotated the refresh token: look again
			}
			return nil, err
		}
		st.persistNew(ctx, cred, tok, usedRefresh)
		return tok, nil
	}
	return nil, lastErr
}

// good reports whether a stored token can be handed out: not expiring
// within the cache's skew, not rejected.
func (st *tokenState) good(tok *oauth2.Token) bool {
	if tok.AccessToken == "" || st.isRejected(tok.AccessToken) {
		return false
	}
	return tok.Expiry.IsZero() || tok.Expiry.After(st.m.now().Add(tokenSkew))
}

// tokenSkew matches the TokenCache's default expiry skew.
const tokenSkew = 30 * time.Second

// persist writes a new token (and a rotated refresh token) into the record.
func (st *tokenState) persist(ctx context.Context, tok *oauth2.Token, usedRefresh string) error {
	m := st.m
	_, err := m.store.Update(ctx, st.id, func(cur *Record) (*Record, error) {
		if cur == nil {
			return nil, notFound(st.id)
		}
		if cur.Status == StatusRevoked {
			return nil, newErr(errs.CodeUnauthenticated, ErrRevoked, "credential %s was revoked", quote(st.id))
		}
		p, err := m.unseal(ctx, cur)
		if err != nil {
			return nil, err
		}
		if tok.RefreshToken != "" {
			p.Secrets[KeyRefreshToken] = tok.RefreshToken
		}
		p.Token = storedTokenOf(tok)
		now := m.now()
		cur.LastUsed = now
		if tok.RefreshToken != "" && tok.RefreshToken != usedRefresh {
			cur.UpdatedAt = now
		}
		if err := m.sealWith(m.currentKey(), cur, p); err != nil {
			return nil, err
		}
		return cur, nil
	})
	if err == nil {
		st.mu.Lock()
		st.lastMarked = m.now()
		st.mu.Unlock()
	}
	return err
}

func storedTokenOf(tok *oauth2.Token) *storedToken {
	s := &storedToken{AccessToken: tok.AccessToken, TokenType: tok.TokenType, Expiry: tok.Expiry}
	for _, k := range tokenExtraKeys {
		if v, ok := tok.Extra(k).(string); ok && v != "" {
			if s.Extra == nil {
				s.Extra = map[string]string{}
			}
			s.Extra[k] = v
		}
	}
	return s
}

func (s *storedToken) oauth2() *oauth2.Token {
	tok := &oauth2.Token{AccessToken: s.AccessToken, TokenType: s.TokenType, Expiry: s.Expiry}
	if len(s.Extra) > 0 {
		extra := make(map[string]any, len(s.Extra))
		for k, v := range s.Extra {
			extra[k] = v
		}
		tok = tok.WithExtra(extra)
	}
	return tok
}
