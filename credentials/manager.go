package credentials

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/xlr8/connectors/internal/errs"
	"github.com/xlr8/connectors/internal/redact"
	"github.com/xlr8/connectors/internal/transport"
)

// Manager stores, opens, lists, refreshes, revokes and re-encrypts
// credentials over a Store, sealing every credential's secrets with a key
// from its KeyProvider. It is safe for concurrent use; several Managers (in
// several processes) may share one FileStore.
type Manager struct {
	store         Store
	locker        RefreshLocker // the store's, if it has one
	keys          KeyProvider
	logger        *slog.Logger
	hostLogger    *slog.Logger
	now           func() time.Time
	tokenClient   *transport.Client
	httpClient    *http.Client
	allowLoopback bool
	retry         transport.RetryPolicy
	usage         time.Duration

	kmu      sync.RWMutex
	current  *Key
	keyCache map[string]*Key

	smu     sync.Mutex
	sources map[string]*tokenState
}

// Option configures a Manager.
type Option func(*Manager)

// WithLogger sends the Manager's events (stored, revoked, refreshed,
// rekeyed; never a secret) and the token endpoint calls' audit events to l.
// Without it the Manager logs nothing.
func WithLogger(l *slog.Logger) Option { return func(m *Manager) { m.hostLogger = l } }

// WithClock replaces time.Now (tests).
func WithClock(now func() time.Time) Option {
	return func(m *Manager) {
		if now != nil {
			m.now = now
		}
	}
}

// WithTokenClient sends token endpoint calls through c (the shared
// transport: retries, HTTPS only, audit, redaction). Without it the Manager
// builds one per credential from WithHTTPClient, WithRetry and
// WithAllowInsecureLoopback.
func WithTokenClient(c *transport.Client) Option { return func(m *Manager) { m.tokenClient = c } }

// WithHTTPClient sets the base HTTP client for token endpoint calls (its
// transport, TLS roots and timeouts).
func WithHTTPClient(c *http.Client) Option { return func(m *Manager) { m.httpClient = c } }

// WithRetry sets the retry policy of token endpoint calls.
func WithRetry(p transport.RetryPolicy) Option { return func(m *Manager) { m.retry = p } }

// WithAllowInsecureLoopback lets token endpoint calls use plain http to
// loopback hosts. Tests only.
func WithAllowInsecureLoopback() Option { return func(m *Manager) { m.allowLoopback = true } }

// WithUsageResolution sets how precisely last_used is kept (default one
// minute): MarkUsed writes only when the stored time is older than d, so
// that a busy credential does not cost a synced write per use. Zero
// writes on every call.
func WithUsageResolution(d time.Duration) Option {
	return func(m *Manager) {
		if d >= 0 {
			m.usage = d
		}
	}
}

// NewManager returns a Manager over store, sealing with keys. A nil store
// or a nil KeyProvider is an INVALID_ARGUMENT error (the latter wrapping
// ErrNoKey): there is no default key. The provider's current key is
// fetched now, so a misconfigured key fails here, not at first use.
func NewManager(store Store, keys KeyProvider, opts ...Option) (*Manager, error) {
	if store == nil {
		return nil, invalidf("credentials manager: store is nil")
	}
	if keys == nil {
		return nil, newErr(errs.CodeInvalidArgument, ErrNoKey,
			"credentials manager: no KeyProvider (use KeyringFromEnv, which reads %s, or your own provider)", EnvKey)
	}
	m := &Manager{store: typedStore{store}, keys: keys, now: time.Now, usage: time.Minute,
		keyCache: map[string]*Key{}, sources: map[string]*tokenState{}}
	if l, ok := store.(RefreshLocker); ok {
		m.locker = l
	}
	for _, o := range opts {
		if o != nil {
			o(m)
		}
	}
	if m.hostLogger != nil {
		m.logger = slog.New(redact.Handler(m.hostLogger.Handler(), nil))
	} else {
		m.logger = redact.Discard
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cur, err := keys.CurrentKey(ctx)
	if err != nil {
		return nil, keyProviderErr(err, "getting the current key")
	}
	if cur == nil {
		return nil, newErr(errs.CodeInvalidArgument, ErrNoKey, "credentials manager: the KeyProvider has no current key")
	}
	m.current = cur
	m.keyCache[cur.id] = cur
	return m, nil
}

func keyProviderErr(err error, what string) error {
	return typedErr(err, errs.CodeUnavailable, "credentials key provider: "+what)
}

// typedErr returns err if it is an *errs.Error, a TIMEOUT or UNAVAILABLE
// error for a context error, and else an error with code wrapping it. A
// plug-in's (store's, key provider's) error text is not printed: errs
// summarizes an unknown cause by its type.
func typedErr(err error, code errs.Code, what string) error {
	if err == nil {
		return nil
	}
	var e *errs.Error
	if errors.As(err, &e) {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return errs.FromContext(err, "", what)
	}
	return &errs.Error{Code: code, Message: what + " failed", Err: err}
}

// currentKey returns the key new envelopes are sealed with.
func (m *Manager) currentKey() *Key {
	m.kmu.RLock()
	defer m.kmu.RUnlock()
	return m.current
}

// key returns the key with the id, from the cache or the provider.
func (m *Manager) key(ctx context.Context, id string) (*Key, error) {
	m.kmu.RLock()
	k := m.keyCache[id]
	m.kmu.RUnlock()
	if k != nil {
		return k, nil
	}
	k, err := m.keys.LookupKey(ctx, id)
	if err != nil {
		if errors.Is(err, ErrWrongKey) {
			return nil, err
		}
		return nil, keyProviderErr(err, "looking up key "+id)
	}
	if k == nil || k.id != id {
		return nil, newErr(errs.CodeUnauthenticated, ErrWrongKey, "the KeyProvider has no key with id %q", id)
	}
	m.kmu.Lock()
	m.keyCache[id] = k
	m.kmu.Unlock()
	return k, nil
}

// payload is what an envelope seals: the secret fields and the last OAuth
// token obtained for them.
type payload struct {
	Secrets map[string]string `json:"secrets"`
	Token   *storedToken      `json:"token,omitempty"`
}

// storedToken is a persisted access token, so that a restart does not
// cost a refresh. Extra keeps the token response's non-secret vendor
// fields (Salesforce's instance_url ...).
type storedToken struct {
	AccessToken string            `json:"access_token"`
	TokenType   string            `json:"token_type,omitempty"`
	Expiry      time.Time         `json:"expiry,omitzero"`
	Extra       map[string]string `json:"extra,omitempty"`
}

var tokenExtraKeys = []string{"instance_url", "id", "issued_at", "scope"}

// unseal opens a record's envelope.
func (m *Manager) unseal(ctx context.Context, rec *Record) (*payload, error) {
	if rec.Sealed == nil {
		return nil, corruptRecord(rec.ID, "holds no sealed secrets")
	}
	env, err := parseEnvelope(rec.Sealed)
	if err != nil {
		return nil, withID(err, rec.ID)
	}
	k, err := m.key(ctx, env.keyID)
	if err != nil {
		return nil, withID(err, rec.ID)
	}
	pt, err := env.open(k, rec.bindingFor(env.version))
	if err != nil {
		return nil, withID(err, rec.ID)
	}
	defer clear(pt)
	var p payload
	if env.version == envelopeV1 {
		err = json.Unmarshal(pt, &p)
	} else {
		err = p.unmarshalBinary(pt)
	}
	if err != nil {
		return nil, corruptRecord(rec.ID, "sealed payload does not decode")
	}
	if p.Secrets == nil {
		p.Secrets = map[string]string{}
	}
	return &p, nil
}

// sealWith seals p into rec under k; every metadata field must be final,
// since they are bound to the envelope. rec is the record being written
// by an Update function (a copy of the current one, or a new one): its
// Revision becomes the one the store will give the write, and is bound too.
func (m *Manager) sealWith(k *Key, rec *Record, p *payload) error {
	rec.Revision++
	pt := p.marshalBinary()
	defer clear(pt)
	sealed, err := seal(k, pt, rec.binding())
	if err != nil {
		return withID(err, rec.ID)
	}
	rec.Sealed = sealed
	return nil
}

func withID(err error, id string) error {
	var e *errs.Error
	if errors.As(err, &e) {
		c := e.Clone()
		c.Message = "credential " + quote(id) + ": " + c.Message
		return c
	}
	return err
}

func quote(s string) string { b, _ := json.Marshal(s); return string(b) }

func corruptRecord(id, what string) *errs.Error {
	return newErr(errs.CodeInternal, ErrCorrupt, "credential %s %s", quote(id), what)
}

// open reads a usable record and opens its envelope.
func (m *Manager) open(ctx context.Context, id string) (*Record, *payload, error) {
	rec, err := m.store.Get(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if err := m.usable(rec); err != nil {
		return nil, nil, err
	}
	p, err := m.unseal(ctx, rec)
	if err != nil {
		return nil, nil, err
	}
	return rec, p, nil
}

// usable refuses revoked and expired records.
func (m *Manager) usable(rec *Record) error {
	if rec.Status == StatusRevoked {
		return newErr(errs.CodeUnauthenticated, ErrRevoked, "credential %s was revoked", quote(rec.ID)).
			WithDetail("id", rec.ID)
	}
	if !rec.ExpiresAt.IsZero() && !rec.ExpiresAt.After(m.now()) {
		return newErr(errs.CodeUnauthenticated, ErrExpired, "credential %s expired at %s", quote(rec.ID),
			rec.ExpiresAt.UTC().Format(time.RFC3339)).WithDetail("id", rec.ID).WithDetail("expires_at", rec.ExpiresAt)
	}
	if rec.Status != StatusActive && rec.Status != StatusExpired {
		return corruptRecord(rec.ID, "has unknown status "+quote(string(rec.Status)))
	}
	return nil
}

// status is the record's status as of now: revoked, expired (stored so, or
// past expires_at) or active.
func (m *Manager) status(rec *Record) Status {
	switch {
	case rec.Status == StatusRevoked:
		return StatusRevoked
	case rec.Status == StatusExpired, !rec.ExpiresAt.IsZero() && !rec.ExpiresAt.After(m.now()):
		return StatusExpired
	}
	return rec.Status
}

func (m *Manager) credential(rec *Record, p *payload) *Credential {
	c := &Credential{ID: rec.ID, ProjectID: rec.ProjectID, ProductID: rec.ProductID, InstanceURL: rec.InstanceURL,
		AuthType: rec.AuthType, CreatedAt: rec.CreatedAt, ExpiresAt: rec.ExpiresAt, LastUsed: rec.LastUsed,
		Status: m.status(rec)}
	if p != nil {
		c.Secrets = Secrets(p.Secrets).Clone()
	}
	return c
}

func newID() (string, error) {
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", newErr(errs.CodeInternal, err, "generating a credential id")
	}
	return "cred_" + hex.EncodeToString(b[:]), nil
}

// Store validates and stores a credential and returns its id. An empty ID
// gets a new random one; an existing ID is replaced (its created_at and
// last_used kept, its cached OAuth token dropped). It checks the fields the
// auth type and grant need (Credential.Validate), that ProjectID and
// ProductID are set, that the ID is 1 to 128 of A-Z a-z 0-9 . _ - and that
// ExpiresAt, if set, is in the future; it sets CreatedAt and Status
// (active). Replacing a revoked credential is a CONFLICT: store it under a
// new id. The caller's credential is not modified.
func (m *Manager) Store(ctx context.Context, cred *Credential) (string, error) {
	if cred == nil {
		return "", invalidf("credential is nil")
	}
	c := cred.Clone()
	generated := c.ID == ""
	if generated {
		id, err := newID()
		if err != nil {
			return "", err
		}
		c.ID = id
	}
	if err := validID(c.ID); err != nil {
		return "", err
	}
	if c.ProjectID == "" || c.ProductID == "" {
		return "", invalidf("credential %s: project_id and product_id are required", quote(c.ID))
	}
	c.Status = ""
	if err := c.Validate(); err != nil {
		return "", err
	}
	if err := checkInstanceURL(c.InstanceURL); err != nil {
		return "", withID(err, c.ID)
	}
	now := m.now()
	if !c.ExpiresAt.IsZero() && !c.ExpiresAt.After(now) {
		return "", invalidf("credential %s: expires_at %s is not in the future", quote(c.ID), c.ExpiresAt.UTC().Format(time.RFC3339))
	}
	for k := range c.Secrets {
		if k == "" {
			return "", invalidf("credential %s: a secret field has an empty name", quote(c.ID))
		}
	}
	created := false
	_, err := m.store.Update(ctx, c.ID, func(cur *Record) (*Record, error) {
		rec := cur
		if rec == nil {
			created = true
			rec = &Record{CreatedAt: now}
		} else {
			if generated {
				return nil, errs.Newf(errs.CodeConflict, "generated credential id %s is taken; store again", quote(c.ID))
			}
			if cur.Status == StatusRevoked {
				return nil, newErr(errs.CodeConflict, ErrRevoked, "credential %s was revoked; store the new secrets under a new id", quote(c.ID))
			}
			if cur.ProductID != c.ProductID || cur.ProjectID != c.ProjectID {
				return nil, errs.Newf(errs.CodeConflict, "credential %s belongs to project %q and product %q; it cannot move to project %q and product %q",
					quote(c.ID), cur.ProjectID, cur.ProductID, c.ProjectID, c.ProductID)
			}
		}
		rec.ID, rec.ProjectID, rec.ProductID, rec.InstanceURL = c.ID, c.ProjectID, c.ProductID, c.InstanceURL
		rec.AuthType, rec.Status, rec.ExpiresAt, rec.UpdatedAt = c.AuthType, StatusActive, c.ExpiresAt, now
		if err := m.sealWith(m.currentKey(), rec, &payload{Secrets: c.Secrets.Clone()}); err != nil {
			return nil, err
		}
		return rec, nil
	})
	if err != nil {
		return "", err
	}
	m.resetSource(c.ID)
	m.logger.LogAttrs(ctx, slog.LevelInfo, "credential stored", slog.String("id", c.ID),
		slog.String("project_id", c.ProjectID), slog.String("product_id", c.ProductID),
		slog.String("auth_type", string(c.AuthType)), slog.Bool("created", created))
	return c.ID, nil
}

// checkInstanceURL refuses an instance URL that is not absolute or that
// carries something secret-shaped: user info (a password would sit in
// plain metadata and in List), a query string or a fragment (where tokens
// travel). The error never quotes the URL.
func checkInstanceURL(s string) error {
	if s == "" {
		return nil
	}
	u, err := url.Parse(s)
	switch {
	case err != nil || u.Host == "" || u.Scheme == "":
		return invalidf("instance_url is not an absolute URL")
	case u.User != nil:
		return invalidf("instance_url must not carry a user name or password: put them in the secrets")
	case u.RawQuery != "" || u.ForceQuery:
		return invalidf("instance_url must not carry a query string (tokens and keys belong in the secrets)")
	case u.Fragment != "" || strings.Contains(s, "#"):
		return invalidf("instance_url must not carry a fragment")
	}
	return nil
}

// Get opens a credential: metadata and secrets. A revoked credential is an
// UNAUTHENTICATED error wrapping ErrRevoked, an expired one (expires_at
// passed) one wrapping ErrExpired; a missing one is NOT_FOUND. A record
// sealed under an unknown key wraps ErrWrongKey, a tampered one
// ErrTampered, an unreadable one ErrCorrupt. Get is a read: record a use
// with MarkUsed (the TokenSource does so itself).
func (m *Manager) Get(ctx context.Context, id string) (*Credential, error) {
	if err := validID(id); err != nil {
		return nil, err
	}
	rec, p, err := m.open(ctx, id)
	if err != nil {
		return nil, err
	}
	return m.credential(rec, p), nil
}

// List returns the credentials of a project, sorted by id: metadata only,
// with Secrets nil and nothing decrypted. Status is as of now (expired once
// expires_at has passed). Listed metadata is not authenticated: Get checks
// it against the sealed secrets.
func (m *Manager) List(ctx context.Context, projectID string) ([]*Credential, error) {
	if projectID == "" {
		return nil, invalidf("listing credentials: project id is empty")
	}
	recs, err := m.store.List(ctx, projectID)
	if err != nil {
		return nil, err
	}
	out := make([]*Credential, len(recs))
	for i, r := range recs {
		out[i] = m.credential(r, nil)
	}
	return out, nil
}

// Revoke marks a credential revoked and destroys its secret material: the
// sealed secrets (and any cached token) are removed from the record, not
// just flagged, and this Manager's token cache for it is dropped. The
// record stays, as metadata, so that a later Get says "revoked" rather than
// "not found". Revoke needs no key, so it works on a credential whose key
// is lost. Revoking twice is not an error. Tokens already handed to a
// connector stay valid at the vendor until they expire: revoke the grant
// at the vendor too.
func (m *Manager) Revoke(ctx context.Context, id string) error {
	if err := validID(id); err != nil {
		return err
	}
	already := false
	_, err := m.store.Update(ctx, id, func(cur *Record) (*Record, error) {
		if cur == nil {
			return nil, notFound(id)
		}
		if cur.Status == StatusRevoked && cur.Sealed == nil {
			already = true
			return nil, nil
		}
		cur.Status = StatusRevoked
		cur.Sealed = nil
		cur.UpdatedAt = m.now()
		return cur, nil
	})
	m.resetSource(id)
	if err != nil {
		return err
	}
	if !already {
		m.logger.LogAttrs(ctx, slog.LevelInfo, "credential revoked", slog.String("id", id))
	}
	return nil
}

// Delete removes a credential's record entirely (revoked, corrupt or
// not). Prefer Revoke, which keeps the metadata for audit.
func (m *Manager) Delete(ctx context.Context, id string) error {
	if err := validID(id); err != nil {
		return err
	}
	err := m.store.Delete(ctx, id)
	m.resetSource(id)
	if err != nil {
		return err
	}
	m.logger.LogAttrs(ctx, slog.LevelInfo, "credential deleted", slog.String("id", id))
	return nil
}

// MarkUsed records a successful use of the credential (last_used), to the
// Manager's usage resolution (WithUsageResolution, default one minute). A
// revoked or expired credential is an error, as for Get. Call it after a
// connector built from Get succeeds; the TokenSource calls it itself.
func (m *Manager) MarkUsed(ctx context.Context, id string) error {
	if err := validID(id); err != nil {
		return err
	}
	_, err := m.store.Update(ctx, id, func(cur *Record) (*Record, error) {
		if cur == nil {
			return nil, notFound(id)
		}
		if err := m.usable(cur); err != nil {
			return nil, err
		}
		now := m.now()
		if !cur.LastUsed.IsZero() && now.Sub(cur.LastUsed) < m.usage {
			return nil, nil
		}
		p, err := m.unseal(ctx, cur)
		if err != nil {
			return nil, err
		}
		cur.LastUsed = now
		if err := m.sealWith(m.currentKey(), cur, p); err != nil {
			return nil, err
		}
		return cur, nil
	})
	return err
}
