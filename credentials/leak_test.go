package credentials

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xlr8/connectors/internal/errs"
)

// leakScanner collects everything a host could print: log lines, errors
// in every rendering (and every error in their chains), credentials and
// records in every rendering.
type leakScanner struct {
	t       *testing.T
	outputs []string
}

func (l *leakScanner) err(what string, err error) {
	if err == nil {
		return
	}
	for e := err; e != nil; e = errors.Unwrap(e) {
		l.outputs = append(l.outputs, what+": "+fmt.Sprintf("%v | %+v | %#v | %s | %q", e, e, e, e, e))
		var x *errs.Error
		if errors.As(e, &x) && x.Details != nil {
			l.outputs = append(l.outputs, what+" details: "+fmt.Sprintf("%v %+v", x.Details, x.Details))
		}
	}
}

func (l *leakScanner) value(what string, v any) {
	j, _ := json.Marshal(v)
	l.outputs = append(l.outputs, what+": "+fmt.Sprintf("%v | %+v | %#v | %s", v, v, v, j))
}

// The secret values under test all carry a marker; the key material is
// checked by a piece of its PEM body.
const leakMarker = "SECRET"

func TestNoSecretLeaks(t *testing.T) {
	ctx := testCtx(t)
	var logs logBuffer
	logger := logs.Logger()
	l := &leakScanner{t: t}
	dir := t.TempDir()
	srv := newTokenServer(t)
	srv.rotate = true
	rsaK := testRSAKey(t)
	srv.verifyJWT, srv.verifySAML = &rsaK.PublicKey, &rsaK.PublicKey
	pemKey := pkcs1PEM(rsaK)
	keyPiece := strings.Split(pemKey, "\n")[3]

	key := mustKey(t)
	s := mustFileStore(t, dir)
	clk := newClock()
	opts := []Option{WithLogger(logger), WithHTTPClient(srv.srv.Client()), WithRetry(retryFast), WithClock(clk.Now), WithUsageResolution(0)}
	m := mustManager(t, s, mustKeyring(t, key), opts...)

	creds := map[string]*Credential{
		"basic":  basicCred("p"),
		"apikey": {ProjectID: "p", ProductID: "example_api", AuthType: AuthAPIKey, Secrets: Secrets{KeyAPIKey: "SECRET-apikey-77", KeyAPISecret: testAPISecret}},
		"oauth":  oauthCred("p", srv.URL()),
		"jwt": {ProjectID: "p", ProductID: "salesforce", AuthType: AuthOAuth2, Secrets: Secrets{KeyGrantType: GrantJWTBearer,
			KeyClientID: testClientID, KeyTokenURL: srv.URL(), KeyPrivateKey: pemKey, KeySubject: "SECRET-subject@acme.com"}},
		"saml": {ProjectID: "p", ProductID: "sap_sf", AuthType: AuthOAuth2, Secrets: Secrets{KeyGrantType: GrantSAML2Bearer,
			KeyClientID: testClientID, KeyTokenURL: srv.URL(), KeyPrivateKey: pemKey, KeySubject: "sfadmin", KeyCompanyID: "SECRET-company-9"}},
		"raas": {ProjectID: "p", ProductID: "ukg_pro", AuthType: AuthRaaS, Secrets: Secrets{KeyAPIKey: "SECRET-raas-key",
			KeyUsername: "SECRET-raas-user", KeyPassword: testPassword, KeyCustomerAPIKey: "SECRET-customer-key"}},
	}
	ids := map[string]string{}
	for name, c := range creds {
		l.value("input "+name, c)
		id, err := m.Store(ctx, c)
		if err != nil {
			t.Fatalf("store %s: %v", name, err)
		}
		ids[name] = id
		got, err := m.Get(ctx, id)
		l.err("get "+name, err)
		l.value("got "+name, got)
		logger.Info("host logs a credential", "cred", got, "secrets", got.Secrets)
		rec, _ := s.Get(ctx, id)
		l.value("record "+name, rec)
		l.err("mark used "+name, m.MarkUsed(ctx, id))
	}
	list, err := m.List(ctx, "p")
	l.err("list", err)
	l.value("list", list)

	// Token paths: success (rotation), Refresh, Invalidate, every grant.
	for _, name := range []string{"oauth", "jwt", "saml"} {
		ts := m.TokenSource(ctx, ids[name])
		tok, err := ts.Token()
		l.err("token "+name, err)
		if err == nil {
			ts.(*TokenSource).Invalidate(tok)
			_, err = ts.(*TokenSource).TokenContext(ctx)
			l.err("token after invalidate "+name, err)
		}
		_, err = m.Refresh(ctx, ids[name])
		l.err("refresh "+name, err)
	}
	_, err = m.TokenSource(ctx, ids["basic"]).Token()
	l.err("token of a basic credential", err)

	// The token endpoint rejects everything and echoes what it was sent.
	srv.mu.Lock()
	srv.override = func(w http.ResponseWriter, f url.Values) {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant " + f.Get("client_secret"),
			"error_description": "rejected " + f.Encode() + " refresh=" + f.Get("refresh_token") + " assertion=" + f.Get("assertion")})
	}
	srv.mu.Unlock()
	for _, name := range []string{"oauth", "jwt", "saml"} {
		_, err := m.Refresh(ctx, ids[name])
		if err == nil {
			t.Fatalf("refresh %s succeeded against a rejecting endpoint", name)
		}
		l.err("rejected refresh "+name, err)
	}
	// And once with a 500 page quoting the secret.
	srv.mu.Lock()
	srv.override = func(w http.ResponseWriter, f url.Values) {
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprintf(w, "<html><title>Error</title>internal error for %s</html>", f.Encode())
	}
	srv.mu.Unlock()
	_, err = m.Refresh(ctx, ids["oauth"])
	l.err("refresh against a 500", err)

	// Invalid input that carries secrets.
	bad := basicCred("p")
	bad.AuthType = AuthOAuth2
	bad.Secrets[KeyRefreshToken] = "SECRET-refresh-in-invalid"
	_, err = m.Store(ctx, bad)
	l.err("store invalid", err)
	_, err = NewTokenFunc(&Credential{AuthType: AuthOAuth2, Secrets: Secrets{KeyGrantType: GrantJWTBearer, KeyClientID: "c",
		KeyTokenURL: srv.URL(), KeySubject: "u", KeyPrivateKey: "SECRET-not-a-key"}}, tokenClient(t, srv, logger))
	l.err("bad private key", err)

	// Wrong key.
	wrong := mustManager(t, mustFileStore(t, dir), mustKeyring(t, mustKey(t)), opts...)
	for name, id := range ids {
		_, err := wrong.Get(ctx, id)
		l.err("wrong key get "+name, err)
		l.err("wrong key mark used "+name, wrong.MarkUsed(ctx, id))
		_, err = wrong.TokenSource(ctx, id).Token()
		l.err("wrong key token "+name, err)
	}
	_, err = wrong.Rekey(ctx, mustKey(t))
	l.err("wrong key rekey", err)

	// Tampered and torn files.
	rewriteRecord(t, s, ids["basic"], func(m map[string]any) { m["instance_url"] = "https://evil.example.com" })
	_, err = m.Get(ctx, ids["basic"])
	l.err("tampered get", err)
	l.err("tampered mark used", m.MarkUsed(ctx, ids["basic"]))
	raw, _ := os.ReadFile(s.path(ids["apikey"]))
	if err := os.WriteFile(s.path(ids["apikey"]), raw[:len(raw)/3], 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = m.Get(ctx, ids["apikey"])
	l.err("torn get", err)
	_, err = m.List(ctx, "p")
	l.err("torn list", err)
	_, err = m.Rekey(ctx, mustKey(t))
	l.err("rekey over a torn store", err)
	l.err("delete torn", m.Delete(ctx, ids["apikey"]))
	l.err("delete tampered", m.Delete(ctx, ids["basic"]))

	// Rotation, revocation, deletion.
	_, err = m.Rekey(ctx, mustKey(t))
	l.err("rekey", err)
	l.err("revoke", m.Revoke(ctx, ids["raas"]))
	_, err = m.Get(ctx, ids["raas"])
	l.err("get revoked", err)
	l.err("delete", m.Delete(ctx, ids["oauth"]))

	// Scan.
	l.outputs = append(l.outputs, "logs: "+logs.String())
	var hits []string
	for _, o := range l.outputs {
		if strings.Contains(o, leakMarker) || strings.Contains(o, keyPiece) || strings.Contains(o, url.QueryEscape(testRefresh)) {
			hits = append(hits, o)
		}
	}
	if len(hits) > 0 {
		// Report where, masking the values themselves.
		for _, h := range hits {
			t.Errorf("secret value found in: %.200s", strings.ReplaceAll(h, leakMarker, "S-E-C-R-E-T"))
		}
	}
	if !strings.Contains(logs.String(), "credential refreshed") || !strings.Contains(logs.String(), "connectors: api call") {
		t.Fatal("the scan saw no Manager or audit log lines: it proves nothing")
	}
	if len(l.outputs) < 60 {
		t.Fatalf("only %d renderings scanned", len(l.outputs))
	}
	// Nothing in the store folder is a secret in the clear either.
	_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := os.ReadFile(p)
		if strings.Contains(string(b), leakMarker) || strings.Contains(string(b), keyPiece) {
			t.Errorf("file %s holds a secret in the clear", p)
		}
		return nil
	})
}
