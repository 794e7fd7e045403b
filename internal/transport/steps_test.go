package transport

import (
	"context"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/time/rate"

	"github.com/xlr8/connectors/internal/errs"
)

func TestStepsOrderedByName(t *testing.T) {
	edit := func(context.Context, *http.Request) error { return nil }
	s, err := NewSteps(Step{Name: "a", Edit: edit}, Step{Name: "c", Edit: edit})
	if err != nil {
		t.Fatal(err)
	}
	snapshot := s // a copy must not see later edits
	for _, e := range []error{
		s.InsertBefore("c", Step{Name: "b", Edit: edit}),
		s.InsertAfter("c", Step{Name: "d", Edit: edit}),
		s.InsertBefore("a", Step{Name: "first", Edit: edit}),
	} {
		if e != nil {
			t.Fatal(e)
		}
	}
	if !s.Remove("first") || s.Remove("nope") {
		t.Error("Remove reported the wrong thing")
	}
	if diff := cmp.Diff([]string{"a", "b", "c", "d"}, s.Names()); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"a", "c"}, snapshot.Names()); diff != "" {
		t.Errorf("a copy changed with the original (-want +got):\n%s", diff)
	}
	for name, err := range map[string]error{
		"duplicate":  s.Add(Step{Name: "a", Edit: edit}),
		"no name":    s.Add(Step{Edit: edit}),
		"no hooks":   s.Add(Step{Name: "x"}),
		"no anchor":  s.InsertAfter("zz", Step{Name: "y", Edit: edit}),
		"no replace": s.Replace(Step{Name: "zz", Edit: edit}),
	} {
		if !errors.Is(err, errs.ErrInvalidArgument) {
			t.Errorf("%s: %v, want INVALID_ARGUMENT", name, err)
		}
	}
}

func TestDefaultHeadersStep(t *testing.T) {
	var got []string
	var mu sync.Mutex
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.Header.Get("REST-Framework-Version"))
		mu.Unlock()
		okJSON(w, r)
	})
	steps, err := NewSteps(DefaultHeaders("oracle-rest-version", http.Header{"REST-Framework-Version": {"4"}}))
	if err != nil {
		t.Fatal(err)
	}
	c, _ := newClient(t, s, func(cfg *Config) { cfg.Steps = steps })
	if _, err := c.Get(t.Context(), s.URL+"/hcmRestApi/resources/11.13.18.05/workers", nil); err != nil {
		t.Fatal(err)
	}
	// The caller's own value wins over the default.
	if _, err := c.Get(t.Context(), s.URL+"/x", http.Header{"Rest-Framework-Version": {"2"}}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"4", "2"}, got); diff != "" {
		t.Errorf("REST-Framework-Version per call (-want +got):\n%s", diff)
	}
}

// sapCSRF is a server that behaves as SAP Gateway does with CSRF tokens: a
// token is fetched with "X-CSRF-Token: Fetch" and belongs to the session
// cookie set with it; a write without the session's token gets 403 with
// "X-CSRF-Token: Required".
type sapCSRF struct {
	mu       sync.Mutex
	sessions map[string]string // SAP_SESSIONID -> token
	n        int
	fetches  atomic.Int32
	heads    atomic.Int32
	writes   []string // bodies of accepted writes
	refused  atomic.Int32
	headOK   bool
}

func (s *sapCSRF) handle(w http.ResponseWriter, r *http.Request) {
	if strings.EqualFold(r.Header.Get("X-CSRF-Token"), "Fetch") {
		if r.Method == http.MethodHead {
			s.heads.Add(1)
			if !s.headOK {
				w.WriteHeader(http.StatusMethodNotAllowed)
				return
			}
		}
		s.fetches.Add(1)
		s.mu.Lock()
		s.n++
		sid, tok := "sid"+string(rune('A'+s.n)), "tok-"+string(rune('a'+s.n))+"-Xy9"
		s.sessions[sid] = tok
		s.mu.Unlock()
		http.SetCookie(w, &http.Cookie{Name: "SAP_SESSIONID_ER9_100", Value: sid, Path: "/"})
		w.Header().Set("X-CSRF-Token", tok)
		if r.Method == http.MethodGet {
			okJSON(w, r)
		}
		return
	}
	if r.Method == http.MethodGet {
		okJSON(w, r)
		return
	}
	ck, err := r.Cookie("SAP_SESSIONID_ER9_100")
	s.mu.Lock()
	want := ""
	if err == nil {
		want = s.sessions[ck.Value]
	}
	s.mu.Unlock()
	if want == "" || r.Header.Get("X-CSRF-Token") != want {
		s.refused.Add(1)
		w.Header().Set("X-CSRF-Token", "Required")
		w.WriteHeader(http.StatusForbidden)
		_, _ = io.WriteString(w, `{"error":{"code":"/IWFND/CM_BEC/026","message":{"lang":"en","value":"CSRF token validation failed"}}}`)
		return
	}
	b, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.writes = append(s.writes, string(b))
	s.mu.Unlock()
	w.WriteHeader(http.StatusCreated)
	_, _ = io.WriteString(w, `{"d":{"BusinessPartner":"1000001"}}`)
}

func TestCSRFStepFetchesOnceAndReplays(t *testing.T) {
	for _, headOK := range []bool{true, false} {
		name := "head"
		if !headOK {
			name = "head refused, get"
		}
		t.Run(name, func(t *testing.T) {
			sap := &sapCSRF{sessions: map[string]string{}, headOK: headOK}
			s := newServer(t, sap.handle)
			steps, err := NewSteps(CSRF(CSRFConfig{}))
			if err != nil {
				t.Fatal(err)
			}
			c, _ := newClient(t, s, func(cfg *Config) { cfg.Steps = steps })
			if c.Jar() == nil {
				t.Fatal("a client with the CSRF step has no cookie jar")
			}
			svc := s.URL + "/sap/opu/odata/sap/API_BUSINESS_PARTNER/A_BusinessPartner"
			var wg sync.WaitGroup
			errc := make(chan error, 8)
			for i := range 8 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, err := c.Do(t.Context(), &Request{Method: http.MethodPost, URL: svc,
						Body: []byte(`{"BusinessPartnerCategory":"1","n":` + string(rune('0'+i)) + `}`)})
					errc <- err
				}()
			}
			wg.Wait()
			close(errc)
			for err := range errc {
				if err != nil {
					t.Fatalf("write: %v", err)
				}
			}
			if n := sap.fetches.Load(); n != 1 {
				t.Errorf("%d token fetches for 8 concurrent writes, want 1", n)
			}
			if len(sap.writes) != 8 {
				t.Errorf("%d writes accepted, want 8 (each once)", len(sap.writes))
			}
			seen := map[string]bool{}
			for _, w := range sap.writes {
				if seen[w] {
					t.Errorf("write %s accepted twice", w)
				}
				seen[w] = true
			}
			if !headOK && sap.heads.Load() != 1 {
				t.Errorf("HEAD tried %d times, want 1 before GET", sap.heads.Load())
			}
			// Later writes reuse the session's token: no new fetch, no 403.
			refused := sap.refused.Load()
			if _, err := c.Do(t.Context(), &Request{Method: http.MethodPost, URL: svc, Body: []byte(`{}`)}); err != nil {
				t.Fatal(err)
			}
			if sap.fetches.Load() != 1 || sap.refused.Load() != refused {
				t.Errorf("a later write fetched again (%d) or was refused (%d)", sap.fetches.Load(), sap.refused.Load()-refused)
			}
		})
	}
}

func TestCSRFStepReplaysOnlyOnce(t *testing.T) {
	var writes atomic.Int32
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-CSRF-Token") == "Fetch" {
			w.Header().Set("X-CSRF-Token", "tok-1")
			return
		}
		writes.Add(1)
		w.Header().Set("X-CSRF-Token", "Required")
		w.WriteHeader(http.StatusForbidden)
	})
	steps, _ := NewSteps(CSRF(CSRFConfig{}))
	c, _ := newClient(t, s, func(cfg *Config) { cfg.Steps = steps })
	_, err := c.Do(t.Context(), &Request{Method: http.MethodPost, URL: s.URL + "/svc/E", Body: []byte(`{}`)})
	if !errors.Is(err, errs.ErrPermissionDenied) {
		t.Fatalf("got %v, want PERMISSION_DENIED after one replay", err)
	}
	if writes.Load() != 2 {
		t.Errorf("%d writes sent, want 2 (the first and one replay)", writes.Load())
	}
	if strings.Contains(err.Error(), "tok-1") {
		t.Errorf("error quotes the CSRF token: %v", err)
	}
}

func TestCookieJarPerClient(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/login" {
			http.SetCookie(w, &http.Cookie{Name: "JSESSIONID", Value: r.URL.Query().Get("u"), Path: "/"})
			return
		}
		ck, err := r.Cookie("JSESSIONID")
		if err != nil {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		_, _ = io.WriteString(w, ck.Value)
	})
	base, _ := newClient(t, s, nil)
	a, b := base.WithCookieJar(nil), base.WithCookieJar(nil)
	for _, x := range []struct {
		c *Client
		u string
	}{{a, "alice"}, {b, "bob"}} {
		if _, err := x.c.Get(t.Context(), s.URL+"/login?u="+x.u, nil); err != nil {
			t.Fatal(err)
		}
	}
	for _, x := range []struct {
		c    *Client
		want string
	}{{a, "alice"}, {b, "bob"}} {
		resp, err := x.c.Get(t.Context(), s.URL+"/me", nil)
		if err != nil {
			t.Fatal(err)
		}
		if string(resp.Body) != x.want {
			t.Errorf("session %q, want %q", resp.Body, x.want)
		}
	}
	if _, err := base.Get(t.Context(), s.URL+"/me", nil); !errors.Is(err, errs.ErrUnauthenticated) {
		t.Errorf("the client without a jar got a session: %v", err)
	}
}

func TestFetchTokenBasicClientAuth(t *testing.T) {
	const id, secret = "client:id/1", "s3cr&t+=Zq"
	var gotAuth, gotForm string
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		gotAuth = r.Header.Get("Authorization")
		b, _ := io.ReadAll(r.Body)
		gotForm = string(b)
		raw, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(gotAuth, "Basic "))
		u, p, _ := strings.Cut(string(raw), ":")
		u, _ = url.QueryUnescape(u)
		p, _ = url.QueryUnescape(p)
		if u != id || p != secret {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = io.WriteString(w, `{"error":"invalid_client","error_description":"bad client `+p+`"}`)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"access_token":"at-1","token_type":"Bearer","expires_in":3600}`)
	})
	c, _ := newClient(t, s, nil)
	tok, err := c.FetchToken(t.Context(), s.URL+"/oauth/token",
		url.Values{"grant_type": {"client_credentials"}, "client_secret": {secret}}, nil,
		WithClientBasicAuth(id, secret))
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken != "at-1" {
		t.Errorf("token %q", tok.AccessToken)
	}
	if strings.Contains(gotForm, "client_secret") {
		t.Errorf("the form still carries client_secret: %q", gotForm)
	}
	if !strings.HasPrefix(gotAuth, "Basic ") {
		t.Errorf("Authorization %q, want Basic", gotAuth)
	}
	_, err = c.FetchToken(t.Context(), s.URL+"/oauth/token", url.Values{"grant_type": {"client_credentials"}}, nil,
		WithClientBasicAuth(id, "wrong-secret-Qx7"))
	if !errors.Is(err, errs.ErrUnauthenticated) || strings.Contains(err.Error(), "wrong-secret-Qx7") {
		t.Errorf("rejected client: %v; want UNAUTHENTICATED without the secret", err)
	}
}

// countingLimiter is a Limiter that is not a *rate.Limiter.
type countingLimiter struct {
	waits atomic.Int32
	block bool
}

func (l *countingLimiter) Wait(ctx context.Context) error {
	l.waits.Add(1)
	if l.block {
		<-ctx.Done()
		return ctx.Err()
	}
	return nil
}

func TestLimiterInterface(t *testing.T) {
	s := newServer(t, okJSON)
	lim := &countingLimiter{}
	c, _ := newClient(t, s, func(cfg *Config) { cfg.Limiter = lim })
	s.faults.Next("unavailable", 1)
	if _, err := c.Get(t.Context(), s.URL+"/x", nil); err != nil {
		t.Fatal(err)
	}
	if lim.waits.Load() != 2 {
		t.Errorf("%d waits for 2 attempts", lim.waits.Load())
	}

	blocked := &countingLimiter{block: true}
	c, _ = newClient(t, s, func(cfg *Config) { cfg.Limiter = blocked })
	hits := s.hits.Load()
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	_, err := c.Get(ctx, s.URL+"/x", nil)
	if !errors.Is(err, errs.ErrTimeout) || s.hits.Load() != hits {
		t.Errorf("limiter cancelled by the deadline: %v, %d requests sent; want TIMEOUT and none", err, s.hits.Load()-hits)
	}

	// A nil *rate.Limiter (what a "no limit" lookup returns) is no limit.
	var none *rate.Limiter
	c, _ = newClient(t, s, func(cfg *Config) { cfg.Limiter = none })
	if _, err := c.Get(t.Context(), s.URL+"/x", nil); err != nil {
		t.Fatal(err)
	}
}

func TestHostLimiterWins(t *testing.T) {
	s := newServer(t, okJSON)
	own, host := &countingLimiter{}, &countingLimiter{}
	c, _ := newClient(t, s, func(cfg *Config) { cfg.Limiter, cfg.HostLimiter = own, host })
	if _, err := c.Get(t.Context(), s.URL+"/x", nil); err != nil {
		t.Fatal(err)
	}
	if host.waits.Load() != 1 || own.waits.Load() != 0 {
		t.Errorf("host limiter %d waits, connector's %d; want the host's only", host.waits.Load(), own.waits.Load())
	}
}
