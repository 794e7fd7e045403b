package credentials_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/credentials"
	"github.com/xlr8/connectors/internal/connkit"
	"github.com/xlr8/connectors/internal/redact"
	"github.com/xlr8/connectors/internal/transport"
)

// The Manager's token source is what connkit expects of a persisting one.
var _ connkit.Invalidator = (*credentials.TokenSource)(nil)

// vendor is a fake vendor: a token endpoint that rotates refresh tokens and
// an API that accepts only the current access token.
type vendor struct {
	srv *httptest.Server

	mu      sync.Mutex
	refresh string
	access  string
	seq     int
	tokens  int
	calls   int
}

func newVendor(t *testing.T) *vendor {
	v := &vendor{refresh: "refresh-0"}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth/token", func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		v.mu.Lock()
		defer v.mu.Unlock()
		v.tokens++
		w.Header().Set("Content-Type", "application/json")
		if r.PostForm.Get("refresh_token") != v.refresh {
			w.WriteHeader(http.StatusBadRequest)
			_ = json.NewEncoder(w).Encode(map[string]string{"error": "invalid_grant"})
			return
		}
		v.seq++
		v.refresh = "refresh-" + strconv.Itoa(v.seq)
		v.access = "access-" + strconv.Itoa(v.seq)
		_ = json.NewEncoder(w).Encode(map[string]any{"access_token": v.access, "refresh_token": v.refresh,
			"token_type": "Bearer", "expires_in": 3600})
	})
	mux.HandleFunc("GET /api/ping", func(w http.ResponseWriter, r *http.Request) {
		v.mu.Lock()
		ok := r.Header.Get("Authorization") == "Bearer "+v.access && v.access != ""
		v.calls++
		v.mu.Unlock()
		if !ok {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		_, _ = w.Write([]byte(`{"ok":true}`))
	})
	v.srv = httptest.NewTLSServer(mux)
	t.Cleanup(v.srv.Close)
	return v
}

// expire makes the vendor reject the current access token (as after a
// server-side session timeout).
func (v *vendor) expire() {
	v.mu.Lock()
	v.access = "revoked-by-vendor"
	v.mu.Unlock()
}

func (v *vendor) counts() (tokens int, refresh string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.tokens, v.refresh
}

// A connector's transport built with connectors.WithTokenSource over the
// Manager's source: after the vendor rejects the access token, many
// concurrent calls cause one refresh, the rotated refresh token is
// persisted, and a restarted host (new Manager, reopened store) carries on
// with it.
func TestWithTokenSourceRefreshesOnceAndPersists(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	v := newVendor(t)
	dir := t.TempDir()
	key, err := credentials.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	keys, _ := credentials.NewKeyring(key)
	open := func() (*credentials.Manager, *credentials.FileStore) {
		s, err := credentials.OpenFileStore(dir)
		if err != nil {
			t.Fatal(err)
		}
		m, err := credentials.NewManager(s, keys, credentials.WithHTTPClient(v.srv.Client()))
		if err != nil {
			t.Fatal(err)
		}
		return m, s
	}
	m, s := open()
	id, err := m.Store(ctx, &credentials.Credential{ProjectID: "p", ProductID: "toy", AuthType: credentials.AuthOAuth2,
		Secrets: credentials.Secrets{credentials.KeyClientID: "cid", credentials.KeyClientSecret: "csecret-123",
			credentials.KeyTokenURL: v.srv.URL + "/oauth/token", credentials.KeyRefreshToken: "refresh-0"}})
	if err != nil {
		t.Fatal(err)
	}

	// What a vendor package does with the host's options.
	connect := func(m *credentials.Manager) *transport.Client {
		o := connectors.ApplyOptions(connectors.WithTokenSource(m.TokenSource(ctx, id)))
		auth := connkit.TokenAuth(o, redact.NewSet(), nil)
		c, err := transport.New(transport.Config{Product: "toy", HTTPClient: v.srv.Client(), Auth: auth})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	c := connect(m)
	if _, err := c.Get(ctx, v.srv.URL+"/api/ping", nil); err != nil {
		t.Fatal(err)
	}
	v.expire()
	var wg sync.WaitGroup
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.Get(ctx, v.srv.URL+"/api/ping", nil); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	tokens, refresh := v.counts()
	if tokens != 2 {
		t.Fatalf("%d token requests; want 2 (the first, and one refresh after the 401s)", tokens)
	}
	cred, err := m.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if cred.Get(credentials.KeyRefreshToken) != refresh {
		t.Fatal("the rotated refresh token was not persisted")
	}

	// Restart: no token request (the stored access token is still good).
	s.Close()
	m2, _ := open()
	c2 := connect(m2)
	if _, err := c2.Get(ctx, v.srv.URL+"/api/ping", nil); err != nil {
		t.Fatal(err)
	}
	if tokens, _ := v.counts(); tokens != 2 {
		t.Fatalf("%d token requests after the restart; want none", tokens-2)
	}
	// And after another rejection it refreshes with the persisted token.
	v.expire()
	if _, err := c2.Get(ctx, v.srv.URL+"/api/ping", nil); err != nil {
		t.Fatal(err)
	}
	if tokens, _ := v.counts(); tokens != 3 {
		t.Fatalf("%d token requests, want 3", tokens)
	}
}
