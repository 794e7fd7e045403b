package transport

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	"golang.org/x/oauth2"

	"github.com/xlr8/connectors/internal/errs"
	"github.com/xlr8/connectors/internal/fake/fault"
	"github.com/xlr8/connectors/internal/redact"
)

// Regression tests for issue 11 (hardening of the HTTP stack), one per item,
// named for it.

func TestHardening11_1_RedirectCrossOrigin(t *testing.T) {
	var elsewhere atomic.Int32
	other := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		elsewhere.Add(1)
		okJSON(w, r)
	})
	const bearer = "Bearer at-secret-Zq81"
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/same":
			http.Redirect(w, r, "/ok", http.StatusTemporaryRedirect)
		case "/ok":
			okJSON(w, r)
		default:
			// Same hostname, another port: another origin.
			http.Redirect(w, r, other.URL+"/steal?x=1", http.StatusTemporaryRedirect)
		}
	})
	c, _ := newClient(t, s, nil)
	auth := http.Header{"Authorization": {bearer}}
	if _, err := c.Get(t.Context(), s.URL+"/same", auth); err != nil {
		t.Fatalf("a same-origin redirect was refused: %v", err)
	}
	calls := map[string]func() error{
		"GET with credentials": func() error { _, err := c.Get(t.Context(), s.URL+"/away", auth); return err },
		"POST body 307": func() error {
			_, err := c.Do(t.Context(), &Request{Method: http.MethodPost, URL: s.URL + "/away", Header: auth,
				Body: []byte(`{"time_off":"8h"}`)})
			return err
		},
		"token endpoint": func() error {
			_, err := c.FetchToken(t.Context(), s.URL+"/away", url.Values{"grant_type": {"refresh_token"},
				"refresh_token": {"rt-secret-Kp2"}, "client_secret": {"cs-secret-Mm3"}}, nil)
			return err
		},
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			err := call()
			var e *errs.Error
			if !errors.As(err, &e) || e.Code != errs.CodeInvalidArgument {
				t.Fatalf("got %v, want INVALID_ARGUMENT for a cross-origin redirect", err)
			}
			from, to := origin(mustURL(t, s.URL)), origin(mustURL(t, other.URL))
			if e.Details["origin"] != from || e.Details["redirect_origin"] != to ||
				!strings.Contains(e.Message, from) || !strings.Contains(e.Message, to) {
				t.Errorf("error does not name both origins %s and %s: %v %v", from, to, e, e.Details)
			}
			for _, secret := range []string{"at-secret-Zq81", "rt-secret-Kp2", "cs-secret-Mm3", "steal"} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error quotes %q: %v", secret, err)
				}
			}
		})
	}
	if n := elsewhere.Load(); n != 0 {
		t.Errorf("the other origin received %d requests", n)
	}
	// A token endpoint follows no redirect, not even within its origin.
	_, err := c.FetchToken(t.Context(), s.URL+"/same", url.Values{"grant_type": {"client_credentials"}}, nil)
	if !errors.Is(err, errs.ErrInvalidArgument) {
		t.Errorf("token endpoint followed a same-origin redirect: %v", err)
	}
}

func mustURL(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestHardening11_2_TokenFetchBounded(t *testing.T) {
	t.Run("source bound to a cancelled context", func(t *testing.T) {
		dead, cancel := context.WithCancel(context.Background())
		cancel()
		var calls atomic.Int64
		fetch := func(context.Context) (*oauth2.Token, error) {
			calls.Add(1)
			return nil, fmt.Errorf("oauth2: cannot fetch token: %w", dead.Err())
		}
		for _, tc := range []struct {
			opts []TokenOption
			want int64
		}{{nil, 1}, {[]TokenOption{WithRetry(fastRetry)}, 3}} {
			calls.Store(0)
			cache := NewTokenCache(fetch, redact.NewSet(), tc.opts...)
			ctx, stop := context.WithTimeout(t.Context(), 2*time.Second)
			_, _, err := cache.Token(ctx)
			stop()
			if err == nil || calls.Load() != tc.want {
				t.Errorf("%d fetches (err %v), want %d: the policy bounds them", calls.Load(), err, tc.want)
			}
		}
	})
	t.Run("stalled endpoint under http.Client.Timeout", func(t *testing.T) {
		s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-time.After(time.Second):
			}
		})
		// Attempts are counted where they are made, at the client: on a
		// loaded machine a 100ms attempt can time out in the TLS handshake,
		// before the server's handler would count it.
		hc := s.Client()
		hc.Timeout = 100 * time.Millisecond
		var attempts atomic.Int32
		hc.Transport = countingTransport{next: hc.Transport, n: &attempts}
		c, _ := newClient(t, s, func(cfg *Config) { cfg.HTTPClient = hc })
		cache := NewTokenCache(func(ctx context.Context) (*oauth2.Token, error) {
			return c.FetchToken(ctx, s.URL+"/oauth/token", url.Values{"grant_type": {"client_credentials"}}, nil)
		}, c.Secrets())
		ctx, stop := context.WithTimeout(t.Context(), 5*time.Second)
		defer stop()
		_, _, err := cache.Token(ctx)
		if n := attempts.Load(); n != int32(fastRetry.MaxAttempts) {
			t.Errorf("%d token requests, want %d (the retry policy's attempts)", n, fastRetry.MaxAttempts)
		}
		if codeOf(t, err) != errs.CodeTimeout || !strings.Contains(err.Error(), "deadline") {
			t.Errorf("got %v, want a TIMEOUT that says deadline", err)
		}
		if ctx.Err() != nil {
			t.Errorf("the fetch ran until the caller's context ended")
		}
	})
}

// countingTransport counts the round trips a client makes.
type countingTransport struct {
	next http.RoundTripper
	n    *atomic.Int32
}

func (c countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.next.RoundTrip(r)
}

func TestHardening11_3_WritesNotRetried(t *testing.T) {
	type tc struct {
		name       string
		req        Request
		fault      func(w http.ResponseWriter)
		notProc    func(*http.Response) bool
		wantHits   int32
		wantErr    bool
		wantRetry  bool
		wantOutcom bool
	}
	s503 := func(w http.ResponseWriter) { w.WriteHeader(503) }
	s504 := func(w http.ResponseWriter) { w.WriteHeader(504) }
	s429 := func(w http.ResponseWriter) { w.Header().Set("Retry-After", "0"); w.WriteHeader(429) }
	post := func(h http.Header) Request {
		return Request{Method: http.MethodPost, URL: "/workers/time_off", Header: h, Body: []byte(`{"hours":8}`)}
	}
	cases := []tc{
		{name: "POST 504", req: post(nil), fault: s504, wantHits: 1, wantErr: true, wantOutcom: true},
		{name: "POST 503 no Retry-After", req: post(nil), fault: s503, wantHits: 1, wantErr: true, wantOutcom: true},
		{name: "POST 429 documented as not processed", req: post(nil), fault: s429, notProc: RetryAfterNotProcessed, wantHits: 3},
		{name: "POST 429 undocumented", req: post(nil), fault: s429, wantHits: 1, wantErr: true, wantOutcom: true},
		{name: "POST marked a read (multi_read)", req: Request{Method: http.MethodPost, URL: "/v1/commons/persons/multi_read",
			Body: []byte(`{"where":{}}`), Idempotent: true}, fault: s503, wantHits: 3},
		{name: "POST with an idempotency key", req: post(http.Header{"Idempotency-Key": {"k-1"}}), fault: s503, wantHits: 3},
		{name: "PATCH 502", req: Request{Method: http.MethodPatch, URL: "/x", Body: []byte(`{}`)},
			fault: func(w http.ResponseWriter) { w.WriteHeader(502) }, wantHits: 1, wantErr: true, wantOutcom: true},
		{name: "GET 503 retried", req: Request{Method: http.MethodGet, URL: "/x"}, fault: s503, wantHits: 3},
	}
	for _, x := range cases {
		t.Run(x.name, func(t *testing.T) {
			var hits atomic.Int32
			s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				if hits.Add(1) < 3 {
					x.fault(w)
					return
				}
				okJSON(w, r)
			})
			c, _ := newClient(t, s, func(cfg *Config) { cfg.NotProcessed = x.notProc })
			r := x.req
			r.URL = s.URL + r.URL
			_, err := c.Do(t.Context(), &r)
			if hits.Load() != x.wantHits {
				t.Errorf("%d requests reached the server, want %d", hits.Load(), x.wantHits)
			}
			if (err != nil) != x.wantErr {
				t.Fatalf("err %v, want error %v", err, x.wantErr)
			}
			if err == nil {
				return
			}
			var e *errs.Error
			errors.As(err, &e)
			if e.Retryable != x.wantRetry {
				t.Errorf("Retryable %v, want %v: %v", e.Retryable, x.wantRetry, err)
			}
			if x.wantOutcom && (e.Details["outcome"] != "unknown" || !strings.Contains(e.Message, "outcome is unknown")) {
				t.Errorf("error does not say the outcome is unknown: %v", err)
			}
		})
	}
	t.Run("POST reset after sending", func(t *testing.T) {
		s := newServer(t, okJSON)
		c, _ := newClient(t, s, nil)
		s.faults.Next(fault.Reset, 3)
		_, err := c.Do(t.Context(), &Request{Method: http.MethodPost, URL: s.URL + "/jobs", Body: []byte(`{}`)})
		if s.hits.Load() > 1 || s.faults.Injected(fault.Reset) != 1 || errs.IsRetryable(err) {
			t.Errorf("reset write: %d sent, err %v; want 1 and not retryable", s.faults.Injected(fault.Reset), err)
		}
	})
	t.Run("POST that never connected", func(t *testing.T) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close() // nothing listens: every dial is refused
		logs := &logBuf{}
		c, err := New(Config{Product: "t", Retry: fastRetry, Logger: newJSONLogger(logs)})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Do(t.Context(), &Request{Method: http.MethodPost, URL: "https://" + addr + "/jobs", Body: []byte(`{}`)})
		if !errs.IsRetryable(err) {
			t.Errorf("refused connection: %v, want retryable", err)
		}
		if ls := logs.lines(); len(ls) != 1 || ls[0]["attempts"] != float64(fastRetry.MaxAttempts) {
			t.Errorf("a write that never connected was not retried: %v", ls)
		}
	})
}

func TestHardening11_8_VendorMessageBounded(t *testing.T) {
	huge := strings.Repeat("x", 4<<20)
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(400)
		_, _ = io.WriteString(w, `[{"errorCode":"MALFORMED_QUERY","message":"`+huge+`"}]`)
	})
	c, _ := newClient(t, s, func(cfg *Config) {
		cfg.DecodeError = func(e *errs.Error, resp *Response) *errs.Error {
			e.VendorCode = "MALFORMED_QUERY"
			e.Message = "salesforce: " + huge
			e.Details = map[string]any{"fields": []string{huge, huge}, "raw": huge}
			return e
		}
	})
	_, err := c.Get(t.Context(), s.URL+"/query", nil)
	var e *errs.Error
	if !errors.As(err, &e) {
		t.Fatal(err)
	}
	if n := len(e.Error()); n > 3*errs.MaxQuoted {
		t.Errorf("error string is %d bytes", n)
	}
	if len(e.Message) > errs.MaxQuoted+16 || len(e.Details["raw"].(string)) > errs.MaxQuoted+16 ||
		len(e.Details["fields"].([]string)[0]) > errs.MaxQuoted+16 {
		t.Errorf("fields not bounded: message %d, raw %d", len(e.Message), len(e.Details["raw"].(string)))
	}
}

func TestHardening11_9_InsecureSkipVerifyBypass(t *testing.T) {
	insecure := &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}
	refuse := func(t *testing.T, hc *http.Client) {
		t.Helper()
		if _, err := New(Config{Product: "t", HTTPClient: hc}); !errors.Is(err, errs.ErrInvalidArgument) {
			t.Errorf("accepted an insecure client: %v", err)
		}
	}
	t.Run("nil Transport over an insecure DefaultTransport", func(t *testing.T) {
		saved := http.DefaultTransport
		http.DefaultTransport = insecure
		defer func() { http.DefaultTransport = saved }()
		refuse(t, &http.Client{})
	})
	t.Run("oauth2.Transport", func(t *testing.T) {
		refuse(t, &http.Client{Transport: &oauth2.Transport{Base: insecure}})
	})
	t.Run("retryablehttp.RoundTripper", func(t *testing.T) {
		refuse(t, &http.Client{Transport: &retryablehttp.RoundTripper{Client: &retryablehttp.Client{
			HTTPClient: &http.Client{Transport: insecure}}}})
	})
	t.Run("wrapper with Unwrap", func(t *testing.T) {
		refuse(t, &http.Client{Transport: unwrapper{insecure}})
	})
	if _, err := New(Config{Product: "t", HTTPClient: &http.Client{Transport: unwrapper{http.DefaultTransport}}}); err != nil {
		t.Errorf("refused a verifying client: %v", err)
	}
}

type unwrapper struct{ next http.RoundTripper }

func (u unwrapper) RoundTrip(r *http.Request) (*http.Response, error) { return u.next.RoundTrip(r) }
func (u unwrapper) Unwrap() http.RoundTripper                         { return u.next }

// eofAfter reads like a connection closed under a body without a length:
// some bytes, then a clean io.EOF.
type eofAfter struct{ r io.Reader }

func (e *eofAfter) Read(p []byte) (int, error) { return e.r.Read(p) }
func (e *eofAfter) Close() error               { return nil }

func TestHardening11_12_CutBodyNotComplete(t *testing.T) {
	// Deterministic: the attempt timer has fired and the cancelled
	// connection reads as a clean end of a body without a length.
	ab := &attemptBody{ReadCloser: &eofAfter{strings.NewReader(`{"t`)}, outer: context.Background(),
		d: time.Millisecond, cancel: func() {}}
	ab.fired.Store(true)
	_, err := io.ReadAll(ab)
	var te *attemptTimeoutError
	if !errors.As(err, &te) {
		t.Fatalf("a body cut by the attempt timeout read as complete (err %v)", err)
	}
	// End to end: a server that sends part of a length-less body and stalls.
	s := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		_, _ = buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{\"t")
		_ = buf.Flush()
		time.Sleep(2 * time.Second)
	}))
	defer s.Close()
	c, err := New(Config{Product: "t", HTTPClient: s.Client(), AttemptTimeout: 50 * time.Millisecond,
		Retry: RetryPolicy{MaxAttempts: 1}})
	if err != nil {
		t.Fatal(err)
	}
	for range 10 {
		resp, err := c.Get(t.Context(), s.URL+"/x", nil)
		if err == nil {
			t.Fatalf("a cut body came back as a complete %d: %q", resp.StatusCode, resp.Body)
		}
		if codeOf(t, err) != errs.CodeTimeout {
			t.Errorf("cut body: %v, want TIMEOUT", err)
		}
	}
}

func TestHardening11_13_OddExpiresIn(t *testing.T) {
	t.Run("expires_in below the skew", func(t *testing.T) {
		var n atomic.Int32
		cache := NewTokenCache(func(context.Context) (*oauth2.Token, error) {
			n.Add(1)
			tr := TokenResponse{AccessToken: fmt.Sprintf("at-%d-Qw", n.Load()), ExpiresIn: []byte(`10`)}
			return tr.Token(time.Now()), nil
		}, redact.NewSet()) // default skew 30s > 10s
		for range 100 {
			if _, _, err := cache.Token(t.Context()); err != nil {
				t.Fatal(err)
			}
		}
		if n.Load() != 1 {
			t.Errorf("%d fetches for 100 calls with expires_in 10s", n.Load())
		}
	})
	t.Run("overflowing expires_in", func(t *testing.T) {
		now := time.Now()
		for _, raw := range []string{`99999999999999999999`, `"1e300"`, `9223372036854775807`} {
			tok := (&TokenResponse{AccessToken: "a", ExpiresIn: []byte(raw)}).Token(now)
			if !tok.Expiry.IsZero() && (!tok.Expiry.After(now) || tok.Expiry.After(now.Add(367*24*time.Hour))) {
				t.Errorf("expires_in %s gives expiry %v", raw, tok.Expiry)
			}
		}
	})
	t.Run("redaction set bounded", func(t *testing.T) {
		set := redact.NewSet("client-secret-value")
		var n atomic.Int32
		cache := NewTokenCache(func(context.Context) (*oauth2.Token, error) {
			i := n.Add(1)
			return &oauth2.Token{AccessToken: fmt.Sprintf("access-token-%04d", i),
				RefreshToken: fmt.Sprintf("refresh-token-%04d", i), Expiry: time.Now().Add(time.Hour)}, nil
		}, set)
		lenAt := map[int]int{}
		for i := 1; i <= 200; i++ {
			cache.Invalidate()
			if _, _, err := cache.Token(t.Context()); err != nil {
				t.Fatal(err)
			}
			lenAt[i] = set.Len()
		}
		if lenAt[200] != lenAt[50] {
			t.Errorf("secret set grows with every token: %d values after 50 tokens, %d after 200", lenAt[50], lenAt[200])
		}
		cur, _, _ := cache.Token(t.Context())
		for _, v := range []string{cur.AccessToken, cur.RefreshToken, "client-secret-value"} {
			if strings.Contains(set.Scrub("x "+v+" y"), v) {
				t.Errorf("%s is no longer scrubbed", v)
			}
		}
	})
}

func TestHardening11_14_StreamIdleTimeout(t *testing.T) {
	for _, tc := range []struct {
		name string
		send func(w http.ResponseWriter, f http.Flusher, done <-chan struct{})
	}{
		{"stall", func(w http.ResponseWriter, f http.Flusher, done <-chan struct{}) {
			_, _ = io.WriteString(w, "a,b\n1,2\n")
			f.Flush()
			select {
			case <-done:
			case <-time.After(5 * time.Second):
			}
		}},
		{"trickle", func(w http.ResponseWriter, f http.Flusher, done <-chan struct{}) {
			for range 250 {
				_, _ = io.WriteString(w, "x")
				f.Flush()
				select {
				case <-done:
					return
				case <-time.After(20 * time.Millisecond):
				}
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/csv")
				tc.send(w, w.(http.Flusher), r.Context().Done())
			})
			c, _ := newClient(t, s, func(cfg *Config) {
				cfg.IdleReadTimeout = 150 * time.Millisecond
				cfg.MinReadBytes = 64
			})
			sr, err := c.Stream(t.Context(), &Request{Method: http.MethodGet, URL: s.URL + "/report"})
			if err != nil {
				t.Fatal(err)
			}
			defer sr.Body.Close()
			_, err = io.ReadAll(sr.Body)
			var e *errs.Error
			if !errors.As(err, &e) || e.Code != errs.CodeTimeout || !e.Retryable || !strings.Contains(e.Message, "idle-read") {
				t.Errorf("got %v, want a retryable idle-read TIMEOUT", err)
			}
		})
	}
}

func TestHardening11_16_NoPreallocation(t *testing.T) {
	s := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", fmt.Sprint(60<<20))
		_, _ = w.Write(make([]byte, 1024))
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-time.After(3 * time.Second):
		}
	}))
	defer s.Close()
	c, err := New(Config{Product: "t", HTTPClient: s.Client(), AttemptTimeout: 200 * time.Millisecond,
		Retry: RetryPolicy{MaxAttempts: 3, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err = c.Get(t.Context(), s.URL+"/big", nil)
	runtime.ReadMemStats(&after)
	if err == nil {
		t.Fatal("a stalled body succeeded")
	}
	if got := after.TotalAlloc - before.TotalAlloc; got > 8<<20 {
		t.Errorf("%d MiB allocated for 3 attempts of a 60 MiB-declared body that sent 1 KiB", got>>20)
	}
}

func TestHardening11_21_EgressProxyAndLocalAddr(t *testing.T) {
	var remote atomic.Value
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		remote.Store(r.RemoteAddr)
		okJSON(w, r)
	})
	var connects atomic.Int32
	var target atomic.Value
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodConnect {
			http.Error(w, "CONNECT only", http.StatusMethodNotAllowed)
			return
		}
		connects.Add(1)
		target.Store(r.Host)
		up, err := net.Dial("tcp", r.Host)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		w.WriteHeader(http.StatusOK)
		conn, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			up.Close()
			return
		}
		go func() { _, _ = io.Copy(up, buf); up.Close() }()
		_, _ = io.Copy(conn, up)
		conn.Close()
	}))
	defer proxy.Close()
	pu := mustURL(t, proxy.URL)
	pu.User = url.UserPassword("egress", "proxy-pass-Vb5")

	c, logs := newClient(t, s, func(cfg *Config) { cfg.Egress = Egress{Proxy: pu} })
	if _, err := c.Get(t.Context(), s.URL+"/x", nil); err != nil {
		t.Fatal(err)
	}
	if connects.Load() != 1 || target.Load() != mustURL(t, s.URL).Host {
		t.Errorf("proxy saw %d CONNECTs to %v", connects.Load(), target.Load())
	}
	ls := logs.lines()
	if len(ls) != 1 || ls[0]["egress"] != "proxy http://"+pu.Host {
		t.Errorf("audit egress %v, want the proxy", ls)
	}
	if strings.Contains(logs.String(), "proxy-pass-Vb5") {
		t.Error("the proxy password reached the log")
	}

	c, logs = newClient(t, s, func(cfg *Config) { cfg.Egress = Egress{LocalAddr: netip.MustParseAddr("127.0.0.2")} })
	if _, err := c.Get(t.Context(), s.URL+"/x", nil); err != nil {
		t.Fatal(err)
	}
	if host, _, _ := net.SplitHostPort(remote.Load().(string)); host != "127.0.0.2" {
		t.Errorf("server saw the call from %s, want 127.0.0.2", host)
	}
	if ls := logs.lines(); len(ls) != 1 || ls[0]["egress"] != "direct from 127.0.0.2" {
		t.Errorf("audit egress %v", ls)
	}

	// Default: net/http's default transport honours the proxy environment
	// (which never proxies loopback): the route is named, not guessed.
	c, logs = newClient(t, s, func(cfg *Config) {
		tr := s.Client().Transport.(*http.Transport).Clone()
		tr.Proxy = http.ProxyFromEnvironment
		cfg.HTTPClient = &http.Client{Transport: tr}
	})
	if _, err := c.Get(t.Context(), s.URL+"/x", nil); err != nil {
		t.Fatal(err)
	}
	if ls := logs.lines(); len(ls) != 1 || ls[0]["egress"] != "direct" {
		t.Errorf("audit egress %v", ls)
	}

	for name, e := range map[string]Egress{
		"credentials over plain http": {Proxy: &url.URL{Scheme: "http", Host: "proxy.example:3128", User: url.UserPassword("u", "p")}},
		"socks":                       {Proxy: &url.URL{Scheme: "socks5", Host: "proxy.example:1080"}},
	} {
		if _, err := New(Config{Product: "t", Egress: e}); !errors.Is(err, errs.ErrInvalidArgument) {
			t.Errorf("%s: %v, want INVALID_ARGUMENT", name, err)
		}
	}
	if _, err := New(Config{Product: "t", Egress: Egress{Proxy: pu}, HTTPClient: &http.Client{Transport: unwrapper{http.DefaultTransport}}}); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Errorf("egress over an opaque round tripper: %v, want INVALID_ARGUMENT", err)
	}
}

func newJSONLogger(w io.Writer) *slog.Logger { return slog.New(slog.NewJSONHandler(w, nil)) }

// TestHardening12_6_StallBoundedWithoutAttemptTimer: with no AttemptTimeout
// (no timer per attempt), the transport New builds still ends a stalled
// attempt, in the headers or in the body, as a retryable TIMEOUT.
func TestHardening12_6_StallBoundedWithoutAttemptTimer(t *testing.T) {
	saved := connIdleTimeout
	connIdleTimeout = 100 * time.Millisecond
	defer func() { connIdleTimeout = saved }()
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/body" {
			w.Header().Set("Content-Length", "100")
			_, _ = io.WriteString(w, `{"partial":`)
			w.(http.Flusher).Flush()
		}
		select {
		case <-r.Context().Done():
		case <-time.After(3 * time.Second):
		}
	}))
	defer s.Close()
	c, err := New(Config{Product: "t", AllowInsecureLoopback: true, Retry: fastRetry})
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/headers", "/body"} {
		_, err := c.Get(t.Context(), s.URL+path, nil)
		if codeOf(t, err) != errs.CodeTimeout || !errs.IsRetryable(err) {
			t.Errorf("%s stall: %v, want a retryable TIMEOUT", path, err)
		}
	}
}

func TestHardening11_3_VendorMarkedWrite(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(503) })
	c, _ := newClient(t, s, nil)
	_, err := c.Do(t.Context(), &Request{Method: http.MethodGet, URL: s.URL + "/actions/run", Write: true})
	if s.hits.Load() != 1 || errs.IsRetryable(err) {
		t.Errorf("a GET marked as a write was sent %d times (err %v); want once, not retryable", s.hits.Load(), err)
	}
}
