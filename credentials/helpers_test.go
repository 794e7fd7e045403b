package credentials

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xlr8/connectors/internal/errs"
	"github.com/xlr8/connectors/internal/transport"
)

// Recognisable secret values: the leak tests scan for every one of them.
const (
	testClientID     = "client-id-7f3a"
	testClientSecret = "SECRET-client-9b8c7d6e"
	testRefresh      = "SECRET-refresh-1a2b3c4d"
	testPassword     = "SECRET-password-5e6f7a8b"
	testAPISecret    = "SECRET-apisecret-0c1d2e3f"
)

func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func mustKey(t testing.TB) *Key {
	t.Helper()
	k, err := GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func mustKeyring(t testing.TB, cur *Key, prev ...*Key) *Keyring {
	t.Helper()
	r, err := NewKeyring(cur, prev...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func mustFileStore(t testing.TB, dir string) *FileStore {
	t.Helper()
	s, err := OpenFileStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func mustManager(t testing.TB, store Store, keys KeyProvider, opts ...Option) *Manager {
	t.Helper()
	m, err := NewManager(store, keys, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Now().Truncate(time.Second)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func basicCred(project string) *Credential {
	return &Credential{ProjectID: project, ProductID: "example_crm", InstanceURL: "https://crm.example.com",
		AuthType: AuthBasic, Secrets: Secrets{KeyUsername: "svc-user", KeyPassword: testPassword}}
}

func oauthCred(project, tokenURL string) *Credential {
	return &Credential{ProjectID: project, ProductID: "workday_hcm", InstanceURL: "https://wd.example.com",
		AuthType: AuthOAuth2, Secrets: Secrets{KeyClientID: testClientID, KeyClientSecret: testClientSecret,
			KeyTokenURL: tokenURL, KeyRefreshToken: testRefresh}}
}

// codeOf returns the code of an *errs.Error, failing the test on any other
// error type.
func codeOf(t testing.TB, err error) errs.Code {
	t.Helper()
	var e *errs.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not an *errs.Error", err, err)
	}
	return e.Code
}

func wantErr(t testing.TB, err error, code errs.Code, cause error) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %s", code)
	}
	if got := codeOf(t, err); got != code {
		t.Fatalf("error %q has code %s, want %s", err, got, code)
	}
	if cause != nil && !errors.Is(err, cause) {
		t.Fatalf("error %q does not wrap %q", err, cause)
	}
}

// tokenServer is a fake OAuth token endpoint over TLS. It rotates refresh
// tokens when rotate is set (the old one stops working), and counts calls.
type tokenServer struct {
	srv *httptest.Server

	mu         sync.Mutex
	refresh    map[string]bool // refresh tokens currently accepted
	rotate     bool
	expiresIn  int
	calls      int
	forms      []url.Values
	appkeys    []string
	issued     []string
	verifyJWT  *rsa.PublicKey
	verifySAML *rsa.PublicKey
	// override, when set, answers every request.
	override func(w http.ResponseWriter, form url.Values)
	// gate, when set, is waited on before answering (to hold refreshes in
	// flight).
	gate chan struct{}
}

func newTokenServer(t testing.TB) *tokenServer {
	s := &tokenServer{refresh: map[string]bool{testRefresh: true}, expiresIn: 3600}
	s.srv = httptest.NewTLSServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *tokenServer) URL() string { return s.srv.URL + "/oauth/token" }

func (s *tokenServer) Calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}

func (s *tokenServer) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || (r.URL.Path != "/oauth/token" && r.URL.Path != "/api/authentication/access_token") {
		http.NotFound(w, r)
		return
	}
	_ = r.ParseForm()
	s.mu.Lock()
	gate := s.gate
	s.mu.Unlock()
	if gate != nil {
		<-gate
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	s.forms = append(s.forms, r.PostForm)
	s.appkeys = append(s.appkeys, r.Header.Get("appkey"))
	if s.override != nil {
		s.override(w, r.PostForm)
		return
	}
	f := r.PostForm
	reject := func(word, desc string) {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": word, "error_description": desc})
	}
	resp := map[string]any{"token_type": "Bearer", "expires_in": s.expiresIn}
	switch f.Get("grant_type") {
	case "refresh_token":
		if f.Get("client_id") != testClientID || f.Get("client_secret") != testClientSecret {
			reject("invalid_client", "unknown client")
			return
		}
		rt := f.Get("refresh_token")
		if !s.refresh[rt] {
			reject("invalid_grant", "refresh token is not valid")
			return
		}
		if s.rotate {
			delete(s.refresh, rt)
			next := "SECRET-rotated-" + randHex(6)
			s.refresh[next] = true
			resp["refresh_token"] = next
		}
	case "password": // UKG WFM's login
		if f.Get("client_id") != testClientID || f.Get("client_secret") != testClientSecret {
			reject("invalid_client", "unknown client")
			return
		}
		if f.Get("username") != "wfm-user" || f.Get("password") != testPassword || f.Get("auth_chain") != "OAuthLdapService" {
			reject("invalid_grant", "bad user credentials")
			return
		}
		next := "SECRET-wfm-refresh-" + randHex(6)
		s.refresh[next] = true
		resp["refresh_token"] = next
	case "client_credentials":
		if f.Get("client_id") != testClientID || f.Get("client_secret") != testClientSecret {
			reject("invalid_client", "unknown client")
			return
		}
	case GrantTypeJWTBearer:
		if err := verifyJWT(f.Get("assertion"), s.verifyJWT); err != nil {
			reject("invalid_grant", err.Error())
			return
		}
	case GrantTypeSAML2Bearer:
		if _, err := verifySAMLAssertion(f.Get("assertion"), s.verifySAML); err != nil {
			reject("invalid_grant", err.Error())
			return
		}
	default:
		reject("unsupported_grant_type", "grant "+f.Get("grant_type"))
		return
	}
	access := "SECRET-access-" + randHex(8)
	s.issued = append(s.issued, access)
	resp["access_token"] = access
	writeJSON(w, http.StatusOK, resp)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// tokenClient builds a transport client trusting the server's certificate.
func tokenClient(t testing.TB, s *tokenServer, logger *slog.Logger) *transport.Client {
	t.Helper()
	c, err := transport.New(transport.Config{Product: "test", HTTPClient: s.srv.Client(), Logger: logger,
		Retry: transport.RetryPolicy{MaxAttempts: 2, MinBackoff: time.Millisecond, MaxBackoff: 2 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// logBuffer collects log output for scanning.
type logBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func (l *logBuffer) Logger() *slog.Logger {
	return slog.New(slog.NewJSONHandler(l, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

const time0 = time.Minute

func base64Decode(s string) ([]byte, error) { return base64.StdEncoding.DecodeString(s) }
func base64Encode(b []byte) string          { return base64.StdEncoding.EncodeToString(b) }
