package connectortest_test

// A toy vendor and a hand-written toy connector built from the library's
// lower pieces (transport, pager, connkit's Lifecycle and Actions), to prove
// the suite: it passes the well-behaved toy and fails each deliberately
// broken one (some bugs, such as ignoring Limit, cannot be written on the
// kit's adapter at all; toydriver_test.go is the same toy as a driver).

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/connectortest"
	"github.com/xlr8/connectors/credentials"
	"github.com/xlr8/connectors/internal/connkit"
	"github.com/xlr8/connectors/internal/errs"
	"github.com/xlr8/connectors/internal/fake/fault"
	"github.com/xlr8/connectors/internal/pager"
	"github.com/xlr8/connectors/internal/transport"
	"github.com/xlr8/connectors/translate"
)

// ---- the toy vendor's server ----

type toyServer struct {
	srv    *httptest.Server
	faults *fault.Injector

	mu       sync.Mutex
	items    []map[string]any
	tokens   map[string]bool
	tokenReq int
	issued   []string
	short    bool
	pageSize int
}

const (
	toyClientID     = "toy-client-id-1234"
	toyClientSecret = "toy-client-secret-5f1d7c"
	toyRefreshToken = "toy-refresh-token-a9e4b2"
)

func newToyServer(t *testing.T) *toyServer {
	s := &toyServer{tokens: map[string]bool{}, pageSize: 10, faults: fault.New(1)}
	s.faults.RetryAfter = "0"
	s.faults.StallFor = 5 * time.Second
	s.faults.Eligible = func(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth/token", s.token)
	mux.HandleFunc("GET /api/items", s.list)
	mux.HandleFunc("GET /api/ping", s.ping)
	s.srv = httptest.NewTLSServer(s.faults.Middleware(mux))
	t.Cleanup(func() { s.faults.Close(); s.srv.Close() })
	return s
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (s *toyServer) token(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokenReq++
	if r.PostForm.Get("grant_type") != "refresh_token" || r.PostForm.Get("refresh_token") != toyRefreshToken ||
		r.PostForm.Get("client_id") != toyClientID || r.PostForm.Get("client_secret") != toyClientSecret {
		writeJSON(w, 400, map[string]string{"error": "invalid_grant", "error_description": "bad refresh token " + r.PostForm.Get("refresh_token")})
		return
	}
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	tok := "toy-access-" + hex.EncodeToString(b)
	s.tokens[tok] = true
	s.issued = append(s.issued, tok)
	writeJSON(w, 200, map[string]any{"access_token": tok, "token_type": "Bearer", "expires_in": 3600})
}

func (s *toyServer) authorized(r *http.Request) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tokens[strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")]
}

func (s *toyServer) ping(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(r) {
		writeJSON(w, 401, map[string]string{"error": "invalid_token"})
		return
	}
	writeJSON(w, 200, map[string]string{"version": "1.0"})
}

// list serves GET /api/items?offset=N&limit=L&fields=a,b&group=G.
func (s *toyServer) list(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(r) {
		writeJSON(w, 401, map[string]string{"error": "invalid_token"})
		return
	}
	q := r.URL.Query()
	offset, _ := strconv.Atoi(q.Get("offset"))
	limit, _ := strconv.Atoi(q.Get("limit"))
	s.mu.Lock()
	if limit <= 0 || limit > s.pageSize {
		limit = s.pageSize
	}
	var match []map[string]any
	for _, it := range s.items {
		if g := q.Get("group"); g != "" && it["group"] != g {
			continue
		}
		match = append(match, it)
	}
	total := len(match)
	if s.short {
		total += 5
	}
	s.mu.Unlock()
	if offset > len(match) {
		offset = len(match)
	}
	end := min(offset+limit, len(match))
	page := make([]map[string]any, 0, end-offset)
	var fields []string
	if f := q.Get("fields"); f != "" {
		fields = strings.Split(f, ",")
	}
	for _, it := range match[offset:end] {
		if fields == nil {
			page = append(page, it)
			continue
		}
		sel := map[string]any{}
		for _, f := range fields {
			if v, ok := it[f]; ok {
				sel[f] = v
			}
		}
		page = append(page, sel)
	}
	writeJSON(w, 200, map[string]any{"total": total, "items": page, "offset": offset})
}

// ---- the toy connector ----

type bug string

const (
	noBug       bug = ""
	dropPage    bug = "drop_page"
	repeatPage  bug = "repeat_page"
	ignoreLimit bug = "ignore_limit"
	logToken    bug = "log_token"
)

type toyConnector struct {
	life    connkit.Lifecycle
	client  *transport.Client
	tokens  *transport.TokenCache
	base    *url.URL
	opts    connectors.Options
	actions *connkit.Actions
	audit   *connkit.Auditor
	bug     bug
}

func openToy(ctx context.Context, cred *credentials.Credential, b bug, opts ...connectors.Option) (connectors.Connector, error) {
	o := connectors.ApplyOptions(opts...)
	base, err := transport.ParseBaseURL(cred.InstanceURL, o.AllowInsecureLoopback, "toy", "instance URL")
	if err != nil {
		return nil, err
	}
	c := &toyConnector{base: base, opts: o, bug: b}
	c.life.Product = "toy"
	c.client, err = connkit.NewClient("toy", cred, o, connkit.ClientConfig{
		DecodeError: func(e *errs.Error, resp *transport.Response) *errs.Error {
			var body struct {
				Error string `json:"error"`
			}
			if json.Unmarshal(resp.Body, &body) == nil && body.Error != "" {
				e.VendorCode = body.Error
			}
			return e
		},
	})
	if err != nil {
		return nil, err
	}
	plain := c.client
	c.tokens = connkit.TokenAuth(o, plain.Secrets(), func(ctx context.Context) (*oauthToken, error) {
		return plain.FetchToken(ctx, cred.Get(credentials.KeyTokenURL), url.Values{
			"grant_type": {"refresh_token"}, "refresh_token": {cred.Get(credentials.KeyRefreshToken)},
			"client_id": {cred.Get(credentials.KeyClientID)}, "client_secret": {cred.Get(credentials.KeyClientSecret)},
		}, nil)
	})
	c.client = plain.WithAuth(c.tokens)
	c.audit = connkit.NewAuditor("toy", o)
	c.actions = connkit.NewActions("toy", connkit.Action{
		Capability: connectors.Capability{Name: "toy.ping", Description: "ping", PrincipalTypes: connectors.PrincipalTypes()},
		Handle: func(ctx context.Context, _ connectors.Principal, _ map[string]any) (map[string]any, error) {
			var v map[string]any
			_, err := c.client.GetJSON(ctx, c.base.JoinPath("/api/ping").String(), nil, &v)
			return v, err
		},
	})
	return c, nil
}

func (c *toyConnector) Product() string { return "toy" }

func (c *toyConnector) Connect(ctx context.Context) error {
	return c.life.Connect(ctx, func(ctx context.Context) error {
		tok, _, err := c.tokens.Token(ctx)
		if err != nil {
			return err
		}
		if c.bug == logToken {
			c.opts.Logger.Info("toy: connected", "token", tok.AccessToken)
		}
		return nil
	})
}

func (c *toyConnector) Close() error { return c.life.Close(nil) }

func (c *toyConnector) Test(ctx context.Context) (connectors.Status, error) {
	if err := c.Connect(ctx); err != nil {
		return connectors.Status{Product: "toy"}, err
	}
	start := time.Now()
	var v struct {
		Version string `json:"version"`
	}
	if _, err := c.client.GetJSON(ctx, c.base.JoinPath("/api/ping").String(), nil, &v); err != nil {
		return connectors.Status{Product: "toy", Reachable: true}, err
	}
	return connectors.Status{Product: "toy", Reachable: true, Authenticated: true, Latency: time.Since(start), APIVersion: v.Version, CheckedAt: time.Now()}, nil
}

func (c *toyConnector) Entities(ctx context.Context) ([]string, error) {
	if err := c.life.Check(); err != nil {
		return nil, err
	}
	return []string{"items"}, nil
}

var toySchema = connectors.EntitySchema{Entity: "items", Key: []string{"id"}, Fields: []connectors.Field{
	{Name: "id", Type: connectors.TypeString}, {Name: "group", Type: connectors.TypeString, Filterable: true},
	{Name: "name", Type: connectors.TypeString, Nullable: true}, {Name: "n", Type: connectors.TypeInt},
}}

func (c *toyConnector) Schema(ctx context.Context, entity string) (connectors.EntitySchema, error) {
	if err := c.life.Check(); err != nil {
		return connectors.EntitySchema{}, err
	}
	if entity != "items" {
		return connectors.EntitySchema{}, &errs.Error{Code: errs.CodeNotFound, Product: "toy", Message: fmt.Sprintf("no entity %q", entity)}
	}
	return toySchema, nil
}

func (c *toyConnector) Get(ctx context.Context, q connectors.Query) iter.Seq2[connectors.Record, error] {
	if err := c.life.Check(); err != nil {
		return connectors.Errored(err)
	}
	if err := q.Validate(); err != nil {
		return connectors.Errored(err)
	}
	if q.Entity != "items" {
		return connectors.Errored(&errs.Error{Code: errs.CodeNotFound, Product: "toy", Message: fmt.Sprintf("no entity %q", q.Entity)})
	}
	params := url.Values{}
	if len(q.Fields) > 0 {
		params.Set("fields", strings.Join(q.Fields, ","))
	}
	var residual connectors.Expr
	if cmp, ok := q.Where.(connectors.Cmp); ok && cmp.Op == connectors.OpEq && cmp.Field == "group" {
		params.Set("group", fmt.Sprint(cmp.Value))
	} else {
		residual = q.Where
	}
	cfg := pager.Config{Product: "toy", Query: q, Progress: c.opts.Progress}
	if residual != nil {
		if len(q.Fields) > 0 {
			return connectors.Errored(&errs.Error{Code: errs.CodeUnsupported, Product: "toy", Message: "toy filters client side only without Fields"})
		}
		m, err := translate.NewMatcher(residual)
		if err != nil {
			return connectors.Errored(err)
		}
		cfg.Filter = m.Filter()
	}
	if c.bug == ignoreLimit {
		cfg.Query.Limit = 0
		cfg.Query.Resume = q.Resume
	}
	return pager.Walk(ctx, cfg, func(ctx context.Context, req pager.Request) (pager.Page, error) {
		if err := c.Connect(ctx); err != nil {
			return pager.Page{}, err
		}
		offset, _ := strconv.Atoi(req.Cursor)
		if c.bug == repeatPage && req.Page == 1 {
			offset = 0 // serves the first page again
		}
		p := url.Values{}
		for k, v := range params {
			p[k] = v
		}
		p.Set("offset", strconv.Itoa(offset))
		if req.Want > 0 && c.bug != ignoreLimit {
			p.Set("limit", strconv.Itoa(req.Want))
		}
		u := c.base.JoinPath("/api/items")
		u.RawQuery = p.Encode()
		var body struct {
			Total int              `json:"total"`
			Items []map[string]any `json:"items"`
		}
		if _, err := c.client.GetJSON(ctx, u.String(), nil, &body); err != nil {
			return pager.Page{}, err
		}
		recs := make([]connectors.Record, len(body.Items))
		for i, it := range body.Items {
			recs[i] = it
		}
		next := offset + len(body.Items)
		if c.bug == dropPage && req.Page == 0 {
			next += len(body.Items) // skips the second page
		}
		page := pager.Page{Records: recs, Total: int64(body.Total), HasTotal: true}
		if len(body.Items) > 0 && next < body.Total {
			page.Next = strconv.Itoa(next)
		}
		return page, nil
	})
}

func (c *toyConnector) Query(ctx context.Context, native string) iter.Seq2[connectors.Record, error] {
	if err := c.life.Check(); err != nil {
		return connectors.Errored(err)
	}
	return c.Get(ctx, connectors.Query{Entity: "items", Where: connectors.Eq("group", native)})
}

func (c *toyConnector) Capabilities() []connectors.Capability { return c.actions.Capabilities() }

func (c *toyConnector) Execute(ctx context.Context, action string, params map[string]any) (map[string]any, error) {
	if err := c.life.Check(); err != nil {
		return nil, err
	}
	return c.actions.Execute(ctx, c.audit, action, params)
}

// ---- the harness ----

type toyHarness struct {
	srv *toyServer
	bug bug
}

func (h *toyHarness) cred() *credentials.Credential {
	return &credentials.Credential{ID: "toy-cred", ProductID: "toy", InstanceURL: h.srv.srv.URL, AuthType: credentials.AuthOAuth2,
		Secrets: credentials.Secrets{"client_id": toyClientID, "client_secret": toyClientSecret,
			"refresh_token": toyRefreshToken, "token_url": h.srv.srv.URL + "/oauth/token"}}
}

func (h *toyHarness) Open(ctx context.Context, opts ...connectors.Option) (connectors.Connector, error) {
	all := append([]connectors.Option{connectors.WithHTTPClient(h.srv.srv.Client())}, opts...)
	return openToy(ctx, h.cred(), h.bug, all...)
}

func (h *toyHarness) Entity() string      { return "items" }
func (h *toyHarness) IDField() string     { return "id" }
func (h *toyHarness) FilterField() string { return "group" }
func (h *toyHarness) PageSize() int       { return h.srv.pageSize }

func (h *toyHarness) Seed(ctx context.Context, n int) ([]connectors.Record, error) {
	h.srv.mu.Lock()
	defer h.srv.mu.Unlock()
	h.srv.items = nil
	out := make([]connectors.Record, n)
	for i := 0; i < n; i++ {
		it := map[string]any{"id": fmt.Sprintf("item-%04d", i), "group": fmt.Sprintf("g%d", i%3), "name": fmt.Sprintf("Item %d", i), "n": float64(i)}
		h.srv.items = append(h.srv.items, it)
		out[i] = connectors.Record(it).Clone()
	}
	return out, nil
}

func (h *toyHarness) Inject(f connectortest.Fault, n int) bool {
	if f == connectortest.FaultShortTotal {
		h.srv.mu.Lock()
		h.srv.short = true
		h.srv.mu.Unlock()
		return true
	}
	return h.srv.faults.Conformance(string(f), n)
}

func (h *toyHarness) Heal() {
	h.srv.faults.Clear()
	h.srv.mu.Lock()
	h.srv.short = false
	h.srv.mu.Unlock()
}

func (h *toyHarness) TokenRequests() int {
	h.srv.mu.Lock()
	defer h.srv.mu.Unlock()
	return h.srv.tokenReq
}

func (h *toyHarness) Secrets() []string {
	h.srv.mu.Lock()
	defer h.srv.mu.Unlock()
	return append([]string{toyClientSecret, toyRefreshToken}, h.srv.issued...)
}

func toyFactory(b bug) connectortest.Factory {
	return func(ctx context.Context, t *testing.T) (connectortest.Harness, error) {
		return &toyHarness{srv: newToyServer(t), bug: b}, nil
	}
}

// TestToyConformance runs the suite on the toy connector; the bug comes
// from CONNECTORTEST_TOY_BUG so that TestSuiteCatchesMisbehaviour can run it
// broken in a subprocess.
func TestToyConformance(t *testing.T) {
	connectortest.Run(t, toyFactory(bug(os.Getenv("CONNECTORTEST_TOY_BUG"))))
}

// TestFaultNamesMatchTheInjector keeps fault.Injector.Conformance in step
// with the suite's fault names.
func TestFaultNamesMatchTheInjector(t *testing.T) {
	for _, f := range []connectortest.Fault{connectortest.FaultRateLimit, connectortest.FaultUnavailable,
		connectortest.FaultReset, connectortest.FaultStall, connectortest.FaultMalformed, connectortest.FaultTruncated,
		connectortest.FaultHTML, connectortest.FaultOversized, connectortest.FaultUnauthorized, connectortest.FaultOutage} {
		if !fault.New(1).Conformance(string(f), 1) {
			t.Errorf("the injector does not know %s", f)
		}
	}
	if fault.New(1).Conformance(string(connectortest.FaultShortTotal), 1) {
		t.Error("short_total needs the fake's data; the injector must decline it")
	}
}
