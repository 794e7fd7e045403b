package transport

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/time/rate"

	"github.com/xlr8/connectors/internal/errs"
	"github.com/xlr8/connectors/internal/fake/fault"
	"github.com/xlr8/connectors/internal/redact"
)

// fastRetry keeps tests quick while still exercising the loop.
var fastRetry = RetryPolicy{MaxAttempts: 3, MinBackoff: time.Millisecond, MaxBackoff: 2 * time.Millisecond, MaxRetryAfter: 5 * time.Millisecond}

type logBuf struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func (l *logBuf) lines() []map[string]any {
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(l.String()), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) == nil {
			out = append(out, m)
		}
	}
	return out
}

// testServer is a TLS server with a counter, wrapped in a fault injector.
type testServer struct {
	*httptest.Server
	faults *fault.Injector
	hits   atomic.Int32
}

func newServer(t *testing.T, h http.HandlerFunc) *testServer {
	t.Helper()
	s := &testServer{faults: fault.New(7)}
	s.faults.RetryAfter = "0"
	s.faults.StallFor = 5 * time.Second
	s.Server = httptest.NewTLSServer(s.faults.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		h(w, r)
	})))
	t.Cleanup(func() { s.faults.Close(); s.Close() })
	return s
}

func okJSON(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, `{"ok":true,"items":[1,2,3]}`)
}

func newClient(t *testing.T, s *testServer, mod func(*Config)) (*Client, *logBuf) {
	t.Helper()
	logs := &logBuf{}
	cfg := Config{
		Product:    "testvendor",
		HTTPClient: s.Client(),
		Logger:     slog.New(slog.NewJSONHandler(logs, nil)),
		Retry:      fastRetry,
	}
	if mod != nil {
		mod(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c, logs
}

func codeOf(t *testing.T, err error) errs.Code {
	t.Helper()
	var e *errs.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %T is not *errs.Error: %v", err, err)
	}
	return e.Code
}

func TestRetriedFaultsSucceed(t *testing.T) {
	for _, k := range []fault.Kind{fault.RateLimit, fault.Unavailable, fault.Reset} {
		t.Run(string(k), func(t *testing.T) {
			s := newServer(t, okJSON)
			c, _ := newClient(t, s, nil)
			s.faults.Next(k, 2)
			var v map[string]any
			resp, err := c.GetJSON(t.Context(), s.URL+"/x", nil, &v)
			if err != nil {
				t.Fatalf("GetJSON after two %s: %v", k, err)
			}
			if resp.Attempts != 3 || v["ok"] != true {
				t.Errorf("attempts %d, body %v; want 3 attempts and the body", resp.Attempts, v)
			}
			if s.faults.Injected(k) != 2 {
				t.Errorf("fault fired %d times, want 2", s.faults.Injected(k))
			}
		})
	}
}

func TestStatusesNotRetried(t *testing.T) {
	for status, code := range map[int]errs.Code{
		400: errs.CodeInvalidArgument, 401: errs.CodeUnauthenticated, 403: errs.CodePermissionDenied,
		404: errs.CodeNotFound, 409: errs.CodeConflict, 422: errs.CodeInvalidArgument, 500: errs.CodeUnavailable,
	} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(status)
				_, _ = io.WriteString(w, `{"error":"nope"}`)
			})
			c, _ := newClient(t, s, nil)
			_, err := c.Get(t.Context(), s.URL+"/x", nil)
			if got := codeOf(t, err); got != code {
				t.Errorf("code %s, want %s", got, code)
			}
			if n := s.hits.Load(); n != 1 {
				t.Errorf("%d requests for status %d, want 1 (no retry)", n, status)
			}
			var e *errs.Error
			errors.As(err, &e)
			if e.HTTPStatus != status || e.Product != "testvendor" {
				t.Errorf("HTTPStatus %d Product %q", e.HTTPStatus, e.Product)
			}
		})
	}
}

func TestRetryableStatusesExhausted(t *testing.T) {
	for status, code := range map[int]errs.Code{429: errs.CodeRateLimited, 502: errs.CodeUnavailable, 503: errs.CodeUnavailable, 504: errs.CodeTimeout} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Retry-After", "0")
				w.WriteHeader(status)
				_, _ = io.WriteString(w, `{"error":"busy"}`)
			})
			c, _ := newClient(t, s, nil)
			_, err := c.Get(t.Context(), s.URL+"/x", nil)
			if got := codeOf(t, err); got != code {
				t.Errorf("code %s, want %s", got, code)
			}
			if n := s.hits.Load(); n != 3 {
				t.Errorf("%d attempts, want 3", n)
			}
			if !errs.IsRetryable(err) {
				t.Errorf("error after exhausted retries should still say retryable: %v", err)
			}
		})
	}
}

func TestRetryAfterParsing(t *testing.T) {
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		v    string
		want time.Duration
		ok   bool
	}{
		{"5", 5 * time.Second, true},
		{"0", 0, true},
		{"-3", 0, false},
		{"1.5", 1500 * time.Millisecond, true},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0, true},
		{"soon", 0, false},
		{"", 0, false},
	}
	for _, tc := range cases {
		got, ok := RetryAfter(http.Header{"Retry-After": {tc.v}}, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("RetryAfter(%q) = %v, %v; want %v, %v", tc.v, got, ok, tc.want, tc.ok)
		}
	}
}

func TestBackoffHonoursAndCapsRetryAfter(t *testing.T) {
	c := &Client{retry: RetryPolicy{MaxRetryAfter: 3 * time.Second}.withDefaults()}
	resp := &http.Response{Header: http.Header{"Retry-After": {"2"}}}
	if d := c.backoff(time.Millisecond, time.Second, 0, resp); d != 2*time.Second {
		t.Errorf("Retry-After 2 gave %v", d)
	}
	resp.Header.Set("Retry-After", "3600")
	if d := c.backoff(time.Millisecond, time.Second, 0, resp); d != 3*time.Second {
		t.Errorf("Retry-After 3600 capped to %v, want 3s", d)
	}
	for attempt := 0; attempt < 8; attempt++ {
		d := Backoff(100*time.Millisecond, time.Second, attempt)
		hi := min(100*time.Millisecond<<attempt, time.Second)
		if d < hi/2 || d > hi {
			t.Errorf("attempt %d backoff %v outside [%v, %v]", attempt, d, hi/2, hi)
		}
	}
}

func TestCancelStopsBackoffWait(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "30")
		w.WriteHeader(503)
	})
	c, _ := newClient(t, s, func(cfg *Config) { cfg.Retry = RetryPolicy{MaxAttempts: 3, MaxRetryAfter: time.Minute} })
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		_, err := c.Get(ctx, s.URL+"/x", nil)
		done <- err
	}()
	for s.hits.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("got %v, want an error wrapping context.Canceled", err)
		}
		codeOf(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("cancelling the context did not stop a 30s Retry-After wait")
	}
}

func TestRateLimiterUsesContext(t *testing.T) {
	s := newServer(t, okJSON)
	lim := rate.NewLimiter(rate.Every(time.Hour), 1)
	c, _ := newClient(t, s, func(cfg *Config) { cfg.Limiter = lim })
	if _, err := c.Get(t.Context(), s.URL+"/x", nil); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	_, err := c.Get(ctx, s.URL+"/x", nil)
	if err == nil {
		t.Fatal("second request passed a limiter of one per hour")
	}
	if code := codeOf(t, err); code != errs.CodeTimeout {
		t.Errorf("code %s, want TIMEOUT", code)
	}
	if n := s.hits.Load(); n != 1 {
		t.Errorf("the server saw %d requests; the limited one must not be sent", n)
	}
}

func TestBodyReplayedOnRetry(t *testing.T) {
	var bodies []string
	var mu sync.Mutex
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, string(b))
		n := len(bodies)
		mu.Unlock()
		if n < 3 {
			w.WriteHeader(503)
			return
		}
		okJSON(w, r)
	})
	c, _ := newClient(t, s, nil)
	payload := []byte(`{"query":"SELECT Id FROM Account"}`)
	if _, err := c.Do(t.Context(), &Request{Method: "POST", URL: s.URL + "/jobs", Body: payload, Idempotent: true}); err != nil {
		t.Fatal(err)
	}
	for i, b := range bodies {
		if b != string(payload) {
			t.Errorf("attempt %d body %q, want %q", i+1, b, payload)
		}
	}
}

func TestStallRetriedAfterAttemptTimeout(t *testing.T) {
	s := newServer(t, okJSON)
	// Long enough for a TLS dial under -race on a loaded machine, short
	// enough to keep the test quick.
	c, _ := newClient(t, s, func(cfg *Config) { cfg.AttemptTimeout = 300 * time.Millisecond })
	s.faults.Next(fault.Stall, 1)
	resp, err := c.Get(t.Context(), s.URL+"/x", nil)
	if err != nil {
		t.Fatalf("a stalled attempt was not retried: %v", err)
	}
	if resp.Attempts != 2 {
		t.Errorf("attempts %d, want 2", resp.Attempts)
	}
	s.faults.Next(fault.Stall, 3)
	_, err = c.Get(t.Context(), s.URL+"/x", nil)
	if code := codeOf(t, err); code != errs.CodeTimeout || !errs.IsRetryable(err) {
		t.Errorf("three stalls: %v; want a retryable TIMEOUT", err)
	}
}

func TestBadBodies(t *testing.T) {
	for _, k := range []fault.Kind{fault.Malformed, fault.Truncated, fault.HTML} {
		t.Run(string(k), func(t *testing.T) {
			s := newServer(t, okJSON)
			c, _ := newClient(t, s, nil)
			s.faults.Next(k, 1)
			var v map[string]any
			_, err := c.GetJSON(t.Context(), s.URL+"/x", nil, &v)
			if code := codeOf(t, err); code != errs.CodeInternal {
				t.Errorf("code %s, want INTERNAL: %v", code, err)
			}
			if len(err.Error()) > 400 {
				t.Errorf("message too long: %d bytes", len(err.Error()))
			}
			if k == fault.HTML && !strings.Contains(err.Error(), "HTML page") {
				t.Errorf("HTML body not named as such: %v", err)
			}
		})
	}
	t.Run("oversized", func(t *testing.T) {
		s := newServer(t, okJSON)
		c, _ := newClient(t, s, func(cfg *Config) { cfg.MaxBodyBytes = 1 << 20 })
		s.faults.Next(fault.Oversized, 1)
		_, err := c.Get(t.Context(), s.URL+"/x", nil)
		if code := codeOf(t, err); code != errs.CodeInternal || !strings.Contains(err.Error(), "cap") {
			t.Errorf("oversized body: %v", err)
		}
		if n := s.hits.Load(); n != 0 && n != 1 {
			t.Errorf("an oversized body was retried (%d handler hits)", n)
		}
	})
	t.Run("oversized without content length", func(t *testing.T) {
		s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			for i := 0; i < 100; i++ {
				_, _ = w.Write(bytes.Repeat([]byte("x"), 1<<12))
				w.(http.Flusher).Flush()
			}
		})
		c, _ := newClient(t, s, func(cfg *Config) { cfg.MaxBodyBytes = 64 << 10 })
		_, err := c.Get(t.Context(), s.URL+"/x", nil)
		if code := codeOf(t, err); code != errs.CodeInternal {
			t.Errorf("chunked oversized body: %v", err)
		}
	})
}

func TestHTMLErrorPageIsExcerptedWithoutSecrets(t *testing.T) {
	const secret = "sk_live_51HvS3cretValue"
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(502)
		_, _ = io.WriteString(w, "<html><head><title>502 Bad Gateway</title></head><body>"+strings.Repeat("<p>upstream error</p>", 50)+
			"<p>debug: api_key="+secret+" Authorization: Bearer "+secret+"</p></body></html>")
	})
	c, _ := newClient(t, s, func(cfg *Config) { cfg.Retry.MaxAttempts = 1; cfg.Secrets = redact.NewSet(secret) })
	_, err := c.Get(t.Context(), s.URL+"/x", nil)
	msg := err.Error()
	if strings.Contains(msg, secret) || strings.Contains(fmt.Sprintf("%+v %#v", err, err), secret) {
		t.Fatalf("secret in error: %s", msg)
	}
	if !strings.Contains(msg, "502 Bad Gateway") || !strings.Contains(msg, "HTML page") {
		t.Errorf("excerpt lacks the page title: %s", msg)
	}
	if len(msg) > 400 {
		t.Errorf("error quotes too much: %d bytes", len(msg))
	}
}

func TestDecodeErrorHookAndScrub(t *testing.T) {
	const secret = "tok_abcdef123456"
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(400)
		_, _ = io.WriteString(w, `[{"errorCode":"MALFORMED_QUERY","message":"unexpected token near '`+secret+`'"}]`)
	})
	c, _ := newClient(t, s, func(cfg *Config) {
		cfg.Secrets = redact.NewSet(secret)
		cfg.DecodeError = func(e *errs.Error, resp *Response) *errs.Error {
			var body []struct{ ErrorCode, Message string }
			if json.Unmarshal(resp.Body, &body) == nil && len(body) > 0 {
				e.VendorCode, e.Message = body[0].ErrorCode, body[0].Message
				e.Details = map[string]any{"message": body[0].Message}
			}
			return e
		}
	})
	_, err := c.Get(t.Context(), s.URL+"/q", nil)
	var e *errs.Error
	if !errors.As(err, &e) || e.VendorCode != "MALFORMED_QUERY" || e.Code != errs.CodeInvalidArgument {
		t.Fatalf("got %v", err)
	}
	if strings.Contains(e.Error(), secret) || strings.Contains(fmt.Sprint(e.Details), secret) {
		t.Errorf("vendor message not scrubbed: %v %v", e, e.Details)
	}
}

func TestHTTPSOnly(t *testing.T) {
	plain := httptest.NewServer(http.HandlerFunc(okJSON))
	defer plain.Close()
	c, err := New(Config{Product: "p"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Get(t.Context(), plain.URL+"/x", nil)
	if code := codeOf(t, err); code != errs.CodeInvalidArgument || !strings.Contains(err.Error(), "WithAllowInsecureLoopback") {
		t.Errorf("plain http to loopback without opt-in: %v", err)
	}
	_, err = c.Get(t.Context(), "http://example.com/x", nil)
	if code := codeOf(t, err); code != errs.CodeInvalidArgument {
		t.Errorf("plain http: %v", err)
	}
	_, err = c.Get(t.Context(), "ftp://example.com/x", nil)
	if code := codeOf(t, err); code != errs.CodeInvalidArgument {
		t.Errorf("ftp: %v", err)
	}
	lc, _ := New(Config{Product: "p", AllowInsecureLoopback: true})
	if _, err := lc.Get(t.Context(), plain.URL+"/x", nil); err != nil {
		t.Errorf("loopback http with opt-in: %v", err)
	}
	if _, err := lc.Get(t.Context(), "http://example.com/x", nil); codeOf(t, err) != errs.CodeInvalidArgument {
		t.Errorf("opt-in must not open non-loopback http: %v", err)
	}
	// A redirect from https to http is refused.
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://example.com/steal", http.StatusFound)
	})
	rc, _ := newClient(t, s, nil)
	_, err = rc.Get(t.Context(), s.URL+"/x", nil)
	if code := codeOf(t, err); code != errs.CodeInvalidArgument || !strings.Contains(err.Error(), "redirect") {
		t.Errorf("redirect to http: %v", err)
	}
	// A client that skips verification is refused at construction.
	bad := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	if _, err := New(Config{HTTPClient: bad}); codeOf(t, err) != errs.CodeInvalidArgument {
		t.Errorf("InsecureSkipVerify client accepted: %v", err)
	}
	// Certificates are verified: the default client does not trust the test CA.
	dc, _ := New(Config{Product: "p", Retry: fastRetry})
	_, err = dc.Get(t.Context(), s.URL+"/x", nil)
	if code := codeOf(t, err); code != errs.CodeUnavailable || errs.IsRetryable(err) {
		t.Errorf("untrusted certificate: %v (want a non-retryable UNAVAILABLE)", err)
	}
}

func TestAuditEvent(t *testing.T) {
	const token = "secret-token-value-9f8e7d"
	s := newServer(t, okJSON)
	c, logs := newClient(t, s, func(cfg *Config) {
		cfg.Auth = &HeaderAuth{Header: http.Header{"Authorization": {"Bearer " + token}}}
		cfg.Secrets = redact.NewSet(token)
	})
	s.faults.Next(fault.RateLimit, 1)
	ctx := WithPrincipal(t.Context(), "alice@example.com")
	if _, err := c.Get(ctx, s.URL+"/api/items?access_token="+token+"&page=2", nil); err != nil {
		t.Fatal(err)
	}
	lines := logs.lines()
	if len(lines) != 1 {
		t.Fatalf("%d log lines for one call, want 1:\n%s", len(lines), logs.String())
	}
	ev := lines[0]
	want := map[string]any{"msg": AuditMessage, "product": "testvendor", "method": "GET", "path": "/api/items",
		"status": float64(200), "attempts": float64(2), "principal": "alice@example.com"}
	for k, v := range want {
		if ev[k] != v {
			t.Errorf("audit %s = %v, want %v", k, ev[k], v)
		}
	}
	for _, k := range []string{"host", "duration", "bytes"} {
		if _, ok := ev[k]; !ok {
			t.Errorf("audit event lacks %s", k)
		}
	}
	if strings.Contains(logs.String(), token) || strings.Contains(logs.String(), "page=2") {
		t.Errorf("audit event carries the query or a token: %s", logs.String())
	}
}

// countingAuth is a TokenCache over a fake token endpoint.
func TestOneRefreshOn401(t *testing.T) {
	var current atomic.Value
	current.Store("t0")
	var fetches atomic.Int32
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+current.Load().(string) {
			w.WriteHeader(401)
			return
		}
		okJSON(w, r)
	})
	tc := NewTokenCache(func(ctx context.Context) (*oauth2.Token, error) {
		n := fetches.Add(1)
		return &oauth2.Token{AccessToken: fmt.Sprintf("t%d", n), TokenType: "Bearer"}, nil
	}, redact.NewSet())
	c, _ := newClient(t, s, func(cfg *Config) { cfg.Auth = tc })
	current.Store("t1")
	if _, err := c.Get(t.Context(), s.URL+"/x", nil); err != nil {
		t.Fatal(err)
	}
	// The server rotates its token: one 401, one refresh, one replay.
	current.Store("t2")
	if _, err := c.Get(t.Context(), s.URL+"/x", nil); err != nil {
		t.Fatalf("after rotation: %v", err)
	}
	if n := fetches.Load(); n != 2 {
		t.Errorf("%d token fetches, want 2", n)
	}
	// A server that rejects every token: one refresh, then UNAUTHENTICATED.
	current.Store("never")
	_, err := c.Get(t.Context(), s.URL+"/x", nil)
	if code := codeOf(t, err); code != errs.CodeUnauthenticated {
		t.Errorf("persistent 401: %v", err)
	}
	if n := fetches.Load(); n != 3 {
		t.Errorf("%d token fetches after a persistent 401, want 3 (one more)", n)
	}
}

func TestConcurrent401sShareOneRefresh(t *testing.T) {
	var current atomic.Value
	current.Store("none")
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+current.Load().(string) {
			w.WriteHeader(401)
			return
		}
		okJSON(w, r)
	})
	var fetches atomic.Int32
	tc := NewTokenCache(func(ctx context.Context) (*oauth2.Token, error) {
		n := fetches.Add(1)
		time.Sleep(20 * time.Millisecond) // a slow token endpoint
		tok := fmt.Sprintf("tok%d", n)
		current.Store(tok)
		return &oauth2.Token{AccessToken: tok}, nil
	}, redact.NewSet())
	c, _ := newClient(t, s, func(cfg *Config) { cfg.Auth = tc })
	if _, err := c.Get(t.Context(), s.URL+"/x", nil); err != nil {
		t.Fatal(err)
	}
	current.Store("rotated-elsewhere") // every in-flight token is now stale
	var wg sync.WaitGroup
	errCh := make(chan error, 20)
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.Get(t.Context(), s.URL+"/x", nil); err != nil {
				errCh <- err
			}
		}()
	}
	wg.Wait()
	close(errCh)
	for err := range errCh {
		t.Errorf("concurrent call: %v", err)
	}
	if n := fetches.Load(); n != 2 {
		t.Errorf("%d token fetches for 20 concurrent 401s, want 2 (the first and one shared refresh)", n)
	}
}

func TestTokenCacheExpiry(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var fetches int
	tc := NewTokenCache(func(ctx context.Context) (*oauth2.Token, error) {
		fetches++
		return &oauth2.Token{AccessToken: fmt.Sprintf("a%d", fetches), Expiry: now.Add(10 * time.Minute)}, nil
	}, redact.NewSet(), WithClock(func() time.Time { return now }), WithExpirySkew(time.Minute))
	tok, _, _ := tc.Token(context.Background())
	now = now.Add(8 * time.Minute)
	tok2, _, _ := tc.Token(context.Background())
	if tok2.AccessToken != tok.AccessToken {
		t.Errorf("refreshed a token with 2 minutes left (skew 1 minute)")
	}
	now = now.Add(90 * time.Second)
	tok3, _, _ := tc.Token(context.Background())
	if tok3.AccessToken == tok.AccessToken {
		t.Errorf("kept a token within the expiry skew")
	}
}

func TestFetchTokenRejectedEchoingSecret(t *testing.T) {
	const secret = "super-secret-client-secret-42"
	const refresh = "refresh-token-value-77"
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(400)
		_ = json.NewEncoder(w).Encode(map[string]string{"error": "invalid_grant",
			"error_description": "refresh token " + r.PostForm.Get("refresh_token") + " invalid for secret " + r.PostForm.Get("client_secret")})
	})
	c, logs := newClient(t, s, nil)
	_, err := c.FetchToken(t.Context(), s.URL+"/oauth/token", url.Values{
		"grant_type": {"refresh_token"}, "refresh_token": {refresh}, "client_id": {"cid"}, "client_secret": {secret}}, nil)
	var e *errs.Error
	if !errors.As(err, &e) || e.Code != errs.CodeUnauthenticated || e.VendorCode != "invalid_grant" || e.Retryable {
		t.Fatalf("got %#v", err)
	}
	all := e.Error() + fmt.Sprintf("%+v %#v %v", err, err, e.Details) + logs.String()
	for _, v := range []string{secret, refresh} {
		if strings.Contains(all, v) {
			t.Errorf("secret %q leaked: %s", v[:4], all)
		}
	}
}

func TestStream(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/missing" {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(404)
			_, _ = io.WriteString(w, `{"error":"no such report"}`)
			return
		}
		w.Header().Set("Content-Type", "text/csv")
		for i := 0; i < 1000; i++ {
			fmt.Fprintf(w, "row%d,value\n", i)
		}
	})
	c, logs := newClient(t, s, func(cfg *Config) { cfg.AttemptTimeout = 50 * time.Millisecond })
	sr, err := c.Stream(t.Context(), &Request{Method: "GET", URL: s.URL + "/report"})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(80 * time.Millisecond) // longer than the attempt timeout: a stream's body is not bound by it
	b, err := io.ReadAll(sr.Body)
	if err != nil {
		t.Fatalf("reading the stream: %v", err)
	}
	sr.Body.Close()
	if n := bytes.Count(b, []byte("\n")); n != 1000 {
		t.Errorf("%d rows", n)
	}
	if ls := logs.lines(); len(ls) != 1 || ls[0]["bytes"] != float64(len(b)) {
		t.Errorf("stream audit: %v", ls)
	}
	_, err = c.Stream(t.Context(), &Request{Method: "GET", URL: s.URL + "/missing"})
	if code := codeOf(t, err); code != errs.CodeNotFound {
		t.Errorf("404 stream: %v", err)
	}
	s.faults.Next(fault.Reset, 1)
	sr, err = c.Stream(t.Context(), &Request{Method: "GET", URL: s.URL + "/report"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = io.ReadAll(sr.Body)
	sr.Body.Close()
	if code := codeOf(t, err); code != errs.CodeUnavailable || !errs.IsRetryable(err) {
		t.Errorf("reset mid-stream: %v, want retryable UNAVAILABLE", err)
	}
}

func TestCauseNeverPrintsURL(t *testing.T) {
	c, _ := New(Config{Product: "p", Retry: RetryPolicy{MaxAttempts: 1}})
	// Port 1 on loopback refuses connections: the cause is a *url.Error
	// whose text would quote the full URL with its query.
	_, err := c.Get(t.Context(), "https://127.0.0.1:1/x?access_token=leakme123", nil)
	if err == nil {
		t.Fatal("no error")
	}
	if s := fmt.Sprintf("%v %+v %#v", err, err, err); strings.Contains(s, "leakme123") {
		t.Errorf("query secret in error: %s", s)
	}
	if code := codeOf(t, err); code != errs.CodeUnavailable || !errs.IsRetryable(err) {
		t.Errorf("refused connection: %v", err)
	}
}

func TestObserveSeesEveryAttempt(t *testing.T) {
	var n, used atomic.Int32
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Sforce-Limit-Info", fmt.Sprintf("api-usage=%d/100", used.Add(1)))
		okJSON(w, r)
	})
	var seen []string
	var mu sync.Mutex
	c, _ := newClient(t, s, func(cfg *Config) {
		cfg.Observe = func(resp *http.Response) {
			mu.Lock()
			seen = append(seen, fmt.Sprint(resp.StatusCode, " ", resp.Header.Get("Sforce-Limit-Info")))
			mu.Unlock()
			n.Add(1)
		}
	})
	s.faults.Next(fault.Unavailable, 1)
	if _, err := c.Get(t.Context(), s.URL+"/x", nil); err != nil {
		t.Fatal(err)
	}
	if n.Load() != 2 || !strings.HasPrefix(seen[0], "503") || seen[1] != "200 api-usage=1/100" {
		t.Errorf("observed %v", seen)
	}
}

func TestPeekBody(t *testing.T) {
	for _, body := range []string{"", "short", strings.Repeat("x", 5000)} {
		resp := &http.Response{Body: io.NopCloser(strings.NewReader(body))}
		got := PeekBody(resp, 100)
		if want := body[:min(100, len(body))]; string(got) != want {
			t.Errorf("peeked %q", got)
		}
		all, err := io.ReadAll(resp.Body)
		if err != nil || string(all) != body {
			t.Errorf("body after peek: %d bytes, %v", len(all), err)
		}
	}
}
