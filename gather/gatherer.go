package gather

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/credentials"
	"github.com/xlr8/connectors/translate"
)

// Defaults of a Gatherer.
const (
	DefaultBudget        = 1000
	DefaultSourceTimeout = 60 * time.Second
	DefaultConfigTTL     = time.Hour
	DefaultConcurrency   = 8
)

// Gatherer turns questions into truths for one project: it finds the
// project's active credentials, opens one connector per credential (kept
// and reused across questions until Close), and queries the relevant ones
// concurrently. It is safe for concurrent use.
type Gatherer struct {
	mgr     *credentials.Manager
	project string
	vocab   *translate.Vocabulary
	log     *slog.Logger
	now     func() time.Time

	budget      int
	timeout     time.Duration
	configTTL   time.Duration
	concurrency int
	openOpts    []connectors.Option
	productOpts map[string][]connectors.Option

	mu     sync.Mutex
	conns  map[string]connectors.Connector // credential id -> connector
	cache  map[string]cached               // configuration truths
	closed bool
}

type cached struct {
	truth   Truth
	expires time.Time
}

// Option configures New.
type Option func(*Gatherer)

// WithBudget sets the records each truth keeps (default DefaultBudget).
func WithBudget(n int) Option { return func(g *Gatherer) { g.budget = n } }

// WithSourceTimeout bounds the time one source may take (default
// DefaultSourceTimeout); a source past it is a failed truth with Resume.
func WithSourceTimeout(d time.Duration) Option { return func(g *Gatherer) { g.timeout = d } }

// WithConfigTTL sets how long configuration truths are cached per credential
// (default DefaultConfigTTL; zero or less turns the cache off).
func WithConfigTTL(d time.Duration) Option { return func(g *Gatherer) { g.configTTL = d } }

// WithConcurrency bounds the sources queried at once (default
// DefaultConcurrency).
func WithConcurrency(n int) Option { return func(g *Gatherer) { g.concurrency = n } }

// WithLogger logs selections and source outcomes (never records or secrets).
func WithLogger(l *slog.Logger) Option { return func(g *Gatherer) { g.log = l } }

// WithVocabulary replaces translate.Default().
func WithVocabulary(v *translate.Vocabulary) Option { return func(g *Gatherer) { g.vocab = v } }

// WithClock replaces time.Now (fetched-at stamps, cache expiry).
func WithClock(now func() time.Time) Option { return func(g *Gatherer) { g.now = now } }

// WithOpenOptions passes options to every connectors.Open the gatherer
// makes (WithLogger, WithRateLimit, WithHTTPClient ...).
func WithOpenOptions(opts ...connectors.Option) Option {
	return func(g *Gatherer) { g.openOpts = append(g.openOpts, opts...) }
}

// WithProductOptions passes options to the connectors of one product only
// (a vendor's own options).
func WithProductOptions(product string, opts ...connectors.Option) Option {
	return func(g *Gatherer) { g.productOpts[product] = append(g.productOpts[product], opts...) }
}

// New returns a Gatherer for a project's credentials in mgr. It does no I/O.
func New(mgr *credentials.Manager, projectID string, opts ...Option) (*Gatherer, error) {
	if mgr == nil || strings.TrimSpace(projectID) == "" {
		return nil, connectors.Errorf(connectors.CodeInvalidArgument, "gather: a credentials manager and a project id are required")
	}
	g := &Gatherer{mgr: mgr, project: projectID, vocab: translate.Default(), log: slog.New(slog.DiscardHandler), now: time.Now,
		budget: DefaultBudget, timeout: DefaultSourceTimeout, configTTL: DefaultConfigTTL, concurrency: DefaultConcurrency,
		productOpts: map[string][]connectors.Option{}, conns: map[string]connectors.Connector{}, cache: map[string]cached{}}
	for _, o := range opts {
		o(g)
	}
	if g.budget <= 0 || g.timeout <= 0 || g.concurrency <= 0 {
		return nil, connectors.Errorf(connectors.CodeInvalidArgument, "gather: budget, source timeout and concurrency must be positive")
	}
	return g, nil
}

// Select says which sources a question and its analysis lead to, and why:
// the entities the question's words and the analysis name (translate's
// vocabulary: canonical names and synonyms), intersected with the products
// the project has active credentials for whose vocabulary holds the
// entity. Nothing matching is an empty Selection with a Reason, not an
// error; an analysis naming an unknown entity is INVALID_ARGUMENT.
func (g *Gatherer) Select(ctx context.Context, question string, a Analysis) (Selection, error) {
	var sel Selection
	seen := map[string]bool{}
	for _, d := range g.vocab.DetectTerms(question) {
		seen[d.Entity] = true
		sel.Detected = append(sel.Detected, Detected{Entity: d.Entity, From: "question", Term: d.Term})
	}
	for _, e := range a.Entities {
		if _, err := g.vocab.Entity(e); err != nil {
			return Selection{}, err
		}
		if !seen[e] {
			seen[e] = true
			sel.Detected = append(sel.Detected, Detected{Entity: e, From: "analysis"})
		}
	}
	if len(sel.Detected) == 0 {
		sel.Reason = "no entity named: the question's words match no entity of the vocabulary, and the analysis names none"
		return sel, nil
	}
	creds, err := g.mgr.List(ctx, g.project)
	if err != nil {
		return Selection{}, err
	}
	now := g.now()
	var active []string
	for _, c := range creds {
		if c.Status != "" && c.Status != credentials.StatusActive || c.Expired(now) {
			continue
		}
		if len(a.Products) > 0 && !slices.Contains(a.Products, c.ProductID) {
			continue
		}
		active = append(active, c.ProductID)
		for _, d := range sel.Detected {
			m, err := g.vocab.Mapping(c.ProductID, d.Entity)
			if err != nil {
				continue
			}
			e, _ := g.vocab.Entity(d.Entity)
			kind := Reality
			if e.Configuration {
				kind = Configuration
			}
			why := fmt.Sprintf("the analysis names %s", d.Entity)
			if d.From == "question" {
				why = fmt.Sprintf("the question says %q (%s)", d.Term, d.Entity)
			}
			why += fmt.Sprintf("; credential %s is an active %s credential of the project, and %s holds it as %s", c.ID, c.ProductID, c.ProductID, m.Entity)
			sel.Sources = append(sel.Sources, Source{Kind: kind, Product: c.ProductID, CredentialID: c.ID, Entity: d.Entity, NativeEntity: m.Entity, Why: why})
		}
	}
	if len(sel.Sources) == 0 {
		var names []string
		for _, d := range sel.Detected {
			names = append(names, d.Entity)
		}
		slices.Sort(active)
		sel.Reason = fmt.Sprintf("no active credential of project %s serves %s (active products: %s)",
			g.project, strings.Join(names, ", "), orNone(slices.Compact(active)))
	}
	return sel, nil
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

// Connector returns the connector of one of the project's credentials,
// opened once and kept until Drop or Close (the gatherer closes it; the
// caller must not). Hosts that run sources themselves (package durable's
// activities) share the gatherer's connectors this way.
func (g *Gatherer) Connector(ctx context.Context, credentialID string) (connectors.Connector, error) {
	return g.connector(ctx, credentialID)
}

// connector returns the connector of a credential, opening it once.
func (g *Gatherer) connector(ctx context.Context, credID string) (connectors.Connector, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return nil, &connectors.Error{Code: connectors.CodeUnavailable, Message: "gather: the gatherer is closed", Err: connectors.ErrClosed}
	}
	if c, ok := g.conns[credID]; ok {
		return c, nil
	}
	cred, err := g.mgr.Get(ctx, credID)
	if err != nil {
		return nil, err
	}
	if cred.ProjectID != g.project {
		return nil, connectors.Errorf(connectors.CodeNotFound, "gather: credential %q is not one of project %s", credID, g.project)
	}
	opts := slices.Clone(g.openOpts)
	opts = append(opts, g.productOpts[cred.ProductID]...)
	if cred.AuthType == credentials.AuthOAuth2 {
		opts = append(opts, connectors.WithTokenSource(g.mgr.TokenSource(context.WithoutCancel(ctx), cred.ID)))
	}
	conn, err := connectors.Open(ctx, cred.ProductID, cred, opts...)
	if err != nil {
		return nil, err
	}
	g.conns[credID] = conn
	return conn, nil
}

// Purge empties the configuration cache.
func (g *Gatherer) Purge() {
	g.mu.Lock()
	clear(g.cache)
	g.mu.Unlock()
}

// Drop forgets everything held for a credential: its cached configuration
// truths, and its connector (closed). The next gather opens it again.
func (g *Gatherer) Drop(credentialID string) {
	g.mu.Lock()
	for k := range g.cache {
		if strings.HasPrefix(k, credentialID+"\x00") {
			delete(g.cache, k)
		}
	}
	conn := g.conns[credentialID]
	delete(g.conns, credentialID)
	g.mu.Unlock()
	if conn != nil {
		conn.Close()
	}
}

// Close closes every connector and empties the cache. Gathers after Close
// are CodeUnavailable errors (ErrClosed).
func (g *Gatherer) Close() error {
	g.mu.Lock()
	conns := g.conns
	g.conns, g.closed = map[string]connectors.Connector{}, true
	clear(g.cache)
	g.mu.Unlock()
	var first error
	for _, c := range conns {
		if err := c.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

func (g *Gatherer) cached(key string) (Truth, bool) {
	if g.configTTL <= 0 {
		return Truth{}, false
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	c, ok := g.cache[key]
	if !ok || !g.now().Before(c.expires) {
		delete(g.cache, key)
		return Truth{}, false
	}
	return c.truth, true
}

func (g *Gatherer) store(key string, t Truth) {
	if g.configTTL <= 0 || !t.Complete {
		return
	}
	g.mu.Lock()
	if !g.closed {
		g.cache[key] = cached{truth: t, expires: g.now().Add(g.configTTL)}
	}
	g.mu.Unlock()
}
