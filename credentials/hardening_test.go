package credentials

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"golang.org/x/oauth2"

	"github.com/xlr8/connectors/internal/errs"
)

// twoProcesses opens the same folder twice (two FileStores, two lock file
// descriptions, exactly what two processes get) with a Manager on each.
func twoProcesses(t *testing.T, srv *tokenServer) (m1, m2 *Manager, id string) {
	t.Helper()
	dir := t.TempDir()
	ring := mustKeyring(t, mustKey(t))
	m1 = mustManager(t, mustFileStore(t, dir), ring, WithTokenClient(tokenClient(t, srv, nil)))
	m2 = mustManager(t, mustFileStore(t, dir), ring, WithTokenClient(tokenClient(t, srv, nil)))
	id, err := m1.Store(testCtx(t), oauthCred("p", srv.URL()))
	if err != nil {
		t.Fatal(err)
	}
	return m1, m2, id
}

// TestHardening11_4_CrossProcessRefresh: two processes whose access token
// is rejected at the same moment both refresh; the refresh token rotates on
// every use. The refresh is serialised across processes on the store, and
// the loser uses the winner's token: no invalid_grant, in 50 rounds.
func TestHardening11_4_CrossProcessRefresh(t *testing.T) {
	srv := newTokenServer(t)
	srv.rotate = true
	m1, m2, id := twoProcesses(t, srv)
	ctx := testCtx(t)
	ts1 := m1.TokenSource(ctx, id).(*TokenSource)
	ts2 := m2.TokenSource(ctx, id).(*TokenSource)
	const rounds = 50
	failed := 0
	for r := 0; r < rounds; r++ {
		var toks [2]*oauth2.Token
		for i, ts := range []*TokenSource{ts1, ts2} {
			tok, err := ts.TokenContext(ctx)
			if err != nil {
				t.Fatalf("round %d: %v", r, err)
			}
			toks[i] = tok
		}
		// Both get a 401 for their token, then ask again, together.
		ts1.Invalidate(toks[0])
		ts2.Invalidate(toks[1])
		var wg sync.WaitGroup
		errc := make(chan error, 2)
		start := make(chan struct{})
		for _, ts := range []*TokenSource{ts1, ts2} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, err := ts.TokenContext(ctx)
				errc <- err
			}()
		}
		close(start)
		wg.Wait()
		close(errc)
		bad := false
		for err := range errc {
			if err != nil {
				bad = true
				if strings.Contains(err.Error(), testRefresh) {
					t.Fatal("a refresh token in an error")
				}
			}
		}
		if bad {
			failed++
		}
	}
	if failed > 0 {
		t.Errorf("%d of %d rounds had a refresh fail", failed, rounds)
	}

	// Forced concurrent Refresh: 200 callers over both processes.
	const callers = 200
	var wg sync.WaitGroup
	var mu sync.Mutex
	fails := 0
	start := make(chan struct{})
	for i := 0; i < callers; i++ {
		m := m1
		if i%2 == 1 {
			m = m2
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			if _, err := m.Refresh(ctx, id); err != nil {
				mu.Lock()
				fails++
				mu.Unlock()
			}
		}()
	}
	close(start)
	wg.Wait()
	if fails > 0 {
		t.Errorf("%d of %d concurrent Refresh callers failed", fails, callers)
	}
	// The store holds a refresh token the vendor still accepts.
	c, err := m2.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	srv.mu.Lock()
	ok := srv.refresh[c.Get(KeyRefreshToken)]
	srv.mu.Unlock()
	if !ok {
		t.Error("the stored refresh token is not the vendor's current one")
	}
}

// TestHardening11_4_TwoProcesses: the same as TestHardening11_4_CrossProcessRefresh
// with two real processes on one folder, 50 rounds each, the vendor
// rotating the refresh token on every use: none fails.
func TestHardening11_4_TwoProcesses(t *testing.T) {
	srv := newTokenServer(t)
	srv.srv.Close()
	srv.srv = httptest.NewServer(http.HandlerFunc(srv.serve)) // plain http on loopback: the children have no TLS roots
	srv.rotate = true
	dir := t.TempDir()
	key, keyText := fixedKey(t, 3)
	m := mustManager(t, mustFileStore(t, dir), mustKeyring(t, key))
	id, err := m.Store(testCtx(t), oauthCred("p", srv.URL()))
	if err != nil {
		t.Fatal(err)
	}
	const rounds = "50"
	var cmds []*exec.Cmd
	var outs, errOuts []*bytes.Buffer
	for i := 0; i < 2; i++ {
		cmd := child(t, "refresh", dir, keyText, "", rounds)
		cmd.Env = append(cmd.Env, childID+"="+id)
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds, outs, errOuts = append(cmds, cmd), append(outs, &out), append(errOuts, &errOut)
	}
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("child %d: %v\n%s", i, err, errOuts[i])
		}
		var n int
		if _, err := fmt.Sscanf(strings.TrimSpace(outs[i].String()), "FAILED %d", &n); err != nil {
			t.Fatalf("child %d printed %q", i, outs[i])
		}
		if n > 0 {
			t.Errorf("child %d: %d of %s rounds failed; first: %.300s", i, n, rounds, errOuts[i])
		}
	}
}

// TestHardening11_11_InstanceURLSecrets: an instance_url carrying a password
// or a token is refused at Store, and the error does not quote it.
func TestHardening11_11_InstanceURLSecrets(t *testing.T) {
	ctx := testCtx(t)
	m := mustManager(t, NewMemoryStore(), mustKeyring(t, mustKey(t)))
	for _, u := range []string{
		"https://svc:SECRET-urlpass-1@crm.example.com",
		"https://svc@crm.example.com",
		"https://crm.example.com/api?access_token=SECRET-urltoken-2",
		"https://crm.example.com/api?x=1#SECRET-frag-3",
	} {
		c := basicCred("p")
		c.InstanceURL = u
		_, err := m.Store(ctx, c)
		wantErr(t, err, errs.CodeInvalidArgument, nil)
		if strings.Contains(err.Error(), "SECRET") {
			t.Errorf("error quotes the URL: %v", err)
		}
	}
	list, err := m.List(ctx, "p")
	if err != nil || len(list) != 0 {
		t.Fatalf("stored anyway: %v %v", list, err)
	}
}

// TestHardening11_17_WrongKeySameID: a different key under the same explicit
// id (a KMS key version id reused after a mix-up) is a wrong key, not
// tampering.
func TestHardening11_17_WrongKeySameID(t *testing.T) {
	ctx := testCtx(t)
	store := NewMemoryStore()
	good, _ := NewKey("kms-key-v7", bytes.Repeat([]byte{1}, KeySize))
	other, _ := NewKey("kms-key-v7", bytes.Repeat([]byte{2}, KeySize))
	id, err := mustManager(t, store, mustKeyring(t, good)).Store(ctx, basicCred("p"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = mustManager(t, store, mustKeyring(t, other)).Get(ctx, id)
	wantErr(t, err, errs.CodeUnauthenticated, ErrWrongKey)
	if errors.Is(err, ErrTampered) {
		t.Errorf("reported as tampering: %v", err)
	}
	// A real tampering with the right key is still tampering.
	rec, _ := store.Get(ctx, id)
	bad := rec.Clone()
	bad.Sealed[len(bad.Sealed)-1] ^= 1
	store.recs[id] = bad
	_, err = mustManager(t, store, mustKeyring(t, good)).Get(ctx, id)
	wantErr(t, err, errs.CodeInternal, ErrTampered)
}

// TestHardening11_18_Rollback: restoring an older genuine record file does
// not bring back a rotated refresh token nor re-activate a revoked
// credential, neither in the running process nor in a new one; the
// revision is authenticated with the secrets.
func TestHardening11_18_Rollback(t *testing.T) {
	ctx := testCtx(t)
	srv := newTokenServer(t)
	srv.rotate = true
	dir := t.TempDir()
	ring := mustKeyring(t, mustKey(t))
	s := mustFileStore(t, dir)
	m := mustManager(t, s, ring, WithTokenClient(tokenClient(t, srv, nil)))
	id, err := m.Store(ctx, oauthCred("p", srv.URL()))
	if err != nil {
		t.Fatal(err)
	}
	old, err := os.ReadFile(s.path(id))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Refresh(ctx, id); err != nil { // rotates the refresh token
		t.Fatal(err)
	}
	restore := func() {
		t.Helper()
		if err := os.WriteFile(s.path(id), old, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	check := func(what string, m *Manager) {
		t.Helper()
		c, err := m.Get(ctx, id)
		if err == nil {
			t.Errorf("%s: Get after restoring an old record file succeeded (refresh token old: %v, status %s)",
				what, c.Get(KeyRefreshToken) == testRefresh, c.Status)
			return
		}
		wantErr(t, err, errs.CodeInternal, ErrRollback)
	}
	restore()
	check("same process", m)
	fresh := func() *Manager { return mustManager(t, mustFileStore(t, dir), ring) }
	check("new process", fresh())

	// Revoked, then an older active record restored.
	dir2 := t.TempDir()
	s2 := mustFileStore(t, dir2)
	m2 := mustManager(t, s2, ring)
	id2, err := m2.Store(ctx, basicCred("p"))
	if err != nil {
		t.Fatal(err)
	}
	active, _ := os.ReadFile(s2.path(id2))
	if err := m2.Revoke(ctx, id2); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(s2.path(id2), active, 0o600); err != nil {
		t.Fatal(err)
	}
	for what, mm := range map[string]*Manager{"same process": m2, "new process": mustManager(t, mustFileStore(t, dir2), ring)} {
		if c, err := mm.Get(ctx, id2); err == nil {
			t.Errorf("%s: a revoked credential came back as %s", what, c.Status)
		}
	}

	// Not a rollback: another process deletes the credential and stores it
	// again under the same id, its revisions starting over.
	dir4 := t.TempDir()
	a := mustManager(t, mustFileStore(t, dir4), ring)
	b := mustManager(t, mustFileStore(t, dir4), ring)
	c4 := basicCred("p")
	c4.ID = "reused-id"
	for i := 0; i < 3; i++ {
		if _, err := a.Store(ctx, c4); err != nil {
			t.Fatal(err)
		}
		if _, err := b.Get(ctx, c4.ID); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.Delete(ctx, c4.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Store(ctx, c4); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Get(ctx, c4.ID); err != nil {
		t.Fatalf("after delete and store again elsewhere: %v", err)
	}

	// The revision is authenticated: renumbering a record (checksum fixed)
	// fails authentication.
	dir3 := t.TempDir()
	s3 := mustFileStore(t, dir3)
	m3 := mustManager(t, s3, ring)
	id3, _ := m3.Store(ctx, basicCred("p"))
	rewriteRecord(t, s3, id3, func(r map[string]any) { r["revision"] = 9 })
	_, err = mustManager(t, mustFileStore(t, dir3), ring).Get(ctx, id3)
	wantErr(t, err, errs.CodeInternal, ErrTampered)
}

// TestHardening11_20_CredentialNits: validation errors do not quote the
// auth_type or grant_type values (a secret pasted into the wrong field),
// and a garbled format marker is corruption, not "a newer version".
func TestHardening11_20_CredentialNits(t *testing.T) {
	for _, c := range []*Credential{
		{ProjectID: "p", ProductID: "x", AuthType: "SECRET-pasted-authtype"},
		{ProjectID: "p", ProductID: "x", AuthType: AuthOAuth2, Secrets: Secrets{KeyGrantType: "SECRET-pasted-grant", KeyClientID: "a",
			KeyClientSecret: "b", KeyTokenURL: "https://x/t", KeyRefreshToken: "r"}},
	} {
		err := c.Validate()
		wantErr(t, err, errs.CodeInvalidArgument, nil)
		if strings.Contains(err.Error(), "SECRET") {
			t.Errorf("validation error quotes the value: %v", err)
		}
	}
	ctx := testCtx(t)
	s := mustFileStore(t, t.TempDir())
	m := mustManager(t, s, mustKeyring(t, mustKey(t)))
	id, err := m.Store(ctx, basicCred("p"))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(s.path(id))
	for _, marker := range []string{"xlr8-credential/1x", "xlr8-credential/", "xlr8-credential/01", "xlr8-credential/-2"} {
		bad := bytes.Replace(raw, []byte(`"xlr8-credential/1"`), []byte(`"`+marker+`"`), 1)
		if err := os.WriteFile(s.path(id), bad, 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := mustFileStore(t, s.Dir()).Get(ctx, id)
		wantErr(t, err, errs.CodeInternal, ErrCorrupt)
		if strings.Contains(err.Error(), "newer") {
			t.Errorf("marker %q reads as a newer version: %v", marker, err)
		}
	}
	// A well-formed later version is still "newer".
	if err := os.WriteFile(s.path(id), bytes.Replace(raw, []byte(`"xlr8-credential/1"`), []byte(`"xlr8-credential/2"`), 1), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = mustFileStore(t, s.Dir()).Get(ctx, id)
	wantErr(t, err, errs.CodeUnsupported, nil)
}

// Records sealed in version 1 envelopes (before the key check and the
// revision binding) still open, and are rewritten as version 2.
func TestEnvelopeV1StillOpens(t *testing.T) {
	ctx := testCtx(t)
	k := mustKey(t)
	store := NewMemoryStore()
	m := mustManager(t, store, mustKeyring(t, k))
	id, err := m.Store(ctx, basicCred("p"))
	if err != nil {
		t.Fatal(err)
	}
	rec := store.recs[id].Clone()
	pt := []byte(`{"secrets":{"username":"svc-user","password":"` + testPassword + `"}}`)
	header := append([]byte{'X', 'C', envelopeV1, byte(len(k.ID()))}, k.ID()...)
	nonce := make([]byte, envelopeNonce)
	aad := append(bytes.Clone(header), rec.bindingFor(envelopeV1)...)
	rec.Sealed = k.aead.Seal(append(bytes.Clone(header), nonce...), nonce, pt, aad)
	store.recs[id] = rec
	c, err := m.Get(ctx, id)
	if err != nil || c.Get(KeyPassword) != testPassword {
		t.Fatalf("v1 record: %v", err)
	}
	if err := m.MarkUsed(ctx, id); err != nil {
		t.Fatal(err)
	}
	if v := store.recs[id].Sealed[2]; v != envelopeV2 {
		t.Errorf("rewritten as version %d", v)
	}
}
