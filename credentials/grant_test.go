package credentials

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/xlr8/connectors/internal/errs"
)

var (
	rsaOnce sync.Once
	rsaKey  *rsa.PrivateKey
)

func testRSAKey(t testing.TB) *rsa.PrivateKey {
	rsaOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		rsaKey = k
	})
	return rsaKey
}

func pkcs1PEM(k *rsa.PrivateKey) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)}))
}

func pkcs8PEM(t testing.TB, k any) string {
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

func grantCred(grant, tokenURL string, extra Secrets) *Credential {
	c := &Credential{ID: "g1", ProjectID: "p", ProductID: "salesforce", AuthType: AuthOAuth2,
		Secrets: Secrets{KeyGrantType: grant, KeyClientID: testClientID, KeyTokenURL: tokenURL}}
	for k, v := range extra {
		c.Secrets[k] = v
	}
	return c
}

func TestClientCredentialsGrant(t *testing.T) {
	srv := newTokenServer(t)
	c := grantCred(GrantClientCredentials, srv.URL(), Secrets{KeyClientSecret: testClientSecret, KeyScope: "api refresh"})
	tf, err := NewTokenFunc(c, tokenClient(t, srv, nil))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		tok, err := tf(testCtx(t))
		if err != nil {
			t.Fatal(err)
		}
		if tok.AccessToken == "" || tok.Expiry.IsZero() {
			t.Fatalf("token %v", tok.Expiry)
		}
	}
	f := srv.forms[1]
	if f.Get("grant_type") != "client_credentials" || f.Get("client_secret") != testClientSecret || f.Get("scope") != "api refresh" {
		t.Fatalf("form %v", f.Encode())
	}
}

func TestRefreshTokenGrantFollowsRotation(t *testing.T) {
	srv := newTokenServer(t)
	srv.rotate = true
	tf, err := NewTokenFunc(oauthCred("p", srv.URL()), tokenClient(t, srv, nil))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if _, err := tf(testCtx(t)); err != nil {
			t.Fatalf("refresh %d: %v", i, err)
		}
	}
	if srv.forms[0].Get("refresh_token") != testRefresh || srv.forms[2].Get("refresh_token") == testRefresh {
		t.Fatal("the grant did not switch to the rotated refresh token")
	}
}

// JWT bearer for Salesforce: RS256, iss = client_id, sub = subject, aud
// derived from token_url unless set, exp a few minutes ahead.
func TestJWTBearerGrant(t *testing.T) {
	key := testRSAKey(t)
	srv := newTokenServer(t)
	srv.verifyJWT = &key.PublicKey
	now := time.Unix(1_800_000_000, 0)
	for name, tc := range map[string]struct {
		secrets Secrets
		aud     string
	}{
		"derived audience": {Secrets{KeyPrivateKey: pkcs1PEM(key), KeySubject: "integration@acme.com"}, srv.srv.URL},
		"explicit audience": {Secrets{KeyPrivateKey: pkcs8PEM(t, key), KeySubject: "integration@acme.com",
			KeyAudience: "https://login.salesforce.com"}, "https://login.salesforce.com"},
	} {
		t.Run(name, func(t *testing.T) {
			srv.forms = nil
			tf, err := NewTokenFunc(grantCred(GrantJWTBearer, srv.URL(), tc.secrets), tokenClient(t, srv, nil),
				WithGrantClock(func() time.Time { return now }))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := tf(testCtx(t)); err != nil {
				t.Fatal(err)
			}
			f := srv.forms[0]
			if f.Get("grant_type") != GrantTypeJWTBearer || f.Get("client_secret") != "" {
				t.Fatalf("form %v", f)
			}
			claims, err := jwtClaimsOf(f.Get("assertion"))
			if err != nil {
				t.Fatal(err)
			}
			want := jwtClaims{Iss: testClientID, Sub: "integration@acme.com", Aud: tc.aud, Iat: now.Unix(), Exp: now.Add(3 * time.Minute).Unix()}
			if claims != want {
				t.Fatalf("claims %+v, want %+v", claims, want)
			}
		})
	}
	// A JWT signed by another key is rejected by the server, and the error
	// is UNAUTHENTICATED with the OAuth word.
	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	tf, err := NewTokenFunc(grantCred(GrantJWTBearer, srv.URL(), Secrets{KeyPrivateKey: pkcs1PEM(other), KeySubject: "u"}),
		tokenClient(t, srv, nil))
	if err != nil {
		t.Fatal(err)
	}
	_, err = tf(testCtx(t))
	wantErr(t, err, errs.CodeUnauthenticated, nil)
	if e := asErr(err); e.VendorCode != "invalid_grant" {
		t.Fatalf("vendor code %q", e.VendorCode)
	}
}

func asErr(err error) *errs.Error { e, _ := err.(*errs.Error); return e }

// SAML2 bearer for SuccessFactors: the server verifies the enveloped
// signature with its own exclusive canonicalization.
func TestSAML2BearerGrant(t *testing.T) {
	key := testRSAKey(t)
	srv := newTokenServer(t)
	srv.verifySAML = &key.PublicKey
	now := time.Unix(1_800_000_000, 0).UTC()
	c := grantCred(GrantSAML2Bearer, srv.URL(), Secrets{KeyPrivateKey: pkcs1PEM(key), KeySubject: "sfadmin", KeyCompanyID: "ACME123"})
	tf, err := NewTokenFunc(c, tokenClient(t, srv, nil), WithGrantClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tf(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	f := srv.forms[0]
	if f.Get("grant_type") != GrantTypeSAML2Bearer || f.Get("company_id") != "ACME123" || f.Get("client_id") != testClientID {
		t.Fatalf("form %v", f)
	}
	facts, err := verifySAMLAssertion(f.Get("assertion"), &key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	want := samlFacts{issuer: testClientID, nameID: "sfadmin", recipient: srv.URL(), audience: SuccessFactorsAudience,
		apiKey: testClientID, notOnOrAfter: now.Add(10 * time.Minute)}
	facts.canonical = nil
	if diff := cmp.Diff(want, *facts, cmp.AllowUnexported(samlFacts{})); diff != "" {
		t.Fatalf("assertion (-want +got):\n%s", diff)
	}
}

func TestSAMLAssertionVerifiesAndDetectsTampering(t *testing.T) {
	key := testRSAKey(t)
	// Values that need escaping, and one that c14n escapes differently
	// from encoding/xml (quotes and apostrophes stay literal in text).
	p := samlParams{issuer: `client "A" & <B>`, nameID: "o'brien\r\n<admin>", recipient: "https://api.example.com/oauth/token?a=1&b=\"2\"",
		audience: "aud\tience", apiKey: "k&y", now: time.Unix(1_800_000_000, 0), lifetime: 10 * time.Minute}
	if err := p.check(); err != nil {
		t.Fatal(err)
	}
	doc, err := buildSAMLAssertion(p, key)
	if err != nil {
		t.Fatal(err)
	}
	facts, err := verifySAMLDoc(doc, &key.PublicKey)
	if err != nil {
		t.Fatalf("%v\n%s", err, doc)
	}
	if facts.nameID != p.nameID || facts.issuer != p.issuer || facts.recipient != p.recipient || facts.audience != p.audience {
		t.Fatalf("round trip: %+v", facts)
	}
	// The document is its own canonical form: the verifier's
	// canonicalization of the assertion (without the signature) is a
	// substring-free rewrite of the producer's bytes.
	start := bytes.Index(doc, []byte("<ds:Signature "))
	end := bytes.Index(doc, []byte("</ds:Signature>")) + len("</ds:Signature>")
	withoutSig := append(append([]byte{}, doc[:start]...), doc[end:]...)
	if !bytes.Equal(withoutSig, facts.canonical) {
		t.Fatalf("document is not in canonical form:\n got %s\nwant %s", withoutSig, facts.canonical)
	}
	for name, edit := range map[string]func([]byte) []byte{
		"name id":   func(d []byte) []byte { return bytes.Replace(d, []byte("o'brien"), []byte("root"), 1) },
		"audience":  func(d []byte) []byte { return bytes.Replace(d, []byte("aud\tience"), []byte("audience"), 1) },
		"signature": func(d []byte) []byte { i := bytes.Index(d, []byte("<ds:SignatureValue>")) + 25; d[i] ^= 1; return d },
		"expiry": func(d []byte) []byte {
			return bytes.ReplaceAll(d, []byte("2027-01-15T08:10:00Z"), []byte("2099-01-15T08:10:00Z"))
		},
	} {
		bad := edit(bytes.Clone(doc))
		if bytes.Equal(bad, doc) {
			t.Fatalf("%s: the edit changed nothing", name)
		}
		if _, err := verifySAMLDoc(bad, &key.PublicKey); err == nil {
			t.Errorf("%s: a tampered assertion verified", name)
		}
	}
	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	if _, err := verifySAMLDoc(doc, &other.PublicKey); err == nil {
		t.Fatal("verified with another key")
	}
	bad := p
	bad.nameID = "x\x00y"
	if bad.check() == nil {
		t.Fatal("a NUL byte passed the check")
	}
}

func TestParsePrivateKeyForms(t *testing.T) {
	key := testRSAKey(t)
	der, _ := x509.MarshalPKCS8PrivateKey(key)
	sfForm := base64.StdEncoding.EncodeToString([]byte(base64.StdEncoding.EncodeToString(der) + "###MIIC-certificate-part"))
	for name, s := range map[string]string{
		"pkcs1 pem":   pkcs1PEM(key),
		"pkcs8 pem":   pkcs8PEM(t, key),
		"base64 der":  base64.StdEncoding.EncodeToString(der),
		"sf download": sfForm,
	} {
		got, err := parsePrivateKey(s, "k")
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !got.Equal(key) {
			t.Errorf("%s: parsed another key", name)
		}
	}
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	small, _ := rsa.GenerateKey(rand.Reader, 1024)
	secretish := "-----BEGIN RSA PRIVATE KEY-----\nSECRET-keymaterial-0000\n-----END RSA PRIVATE KEY-----"
	for name, s := range map[string]string{
		"ec":        pkcs8PEM(t, ec),
		"small":     pkcs1PEM(small),
		"garbage":   "SECRET-not-a-key",
		"bad pem":   secretish,
		"encrypted": "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----",
	} {
		_, err := parsePrivateKey(s, "k")
		wantErr(t, err, errs.CodeInvalidArgument, nil)
		if msg := fmt.Sprintf("%v %+v", err, err); strings.Contains(msg, "SECRET") || strings.Contains(msg, "BEGIN") {
			t.Errorf("%s: error quotes the key: %s", name, msg)
		}
	}
}

func TestNewTokenFuncRejects(t *testing.T) {
	srv := newTokenServer(t)
	c := tokenClient(t, srv, nil)
	for name, cred := range map[string]*Credential{
		"nil":           nil,
		"basic":         basicCred("p"),
		"unknown grant": grantCred("device_code", srv.URL(), nil),
		"missing":       grantCred(GrantSAML2Bearer, srv.URL(), Secrets{KeySubject: "u"}),
		"bad url":       grantCred(GrantClientCredentials, "ftp://x/token", Secrets{KeyClientSecret: "s"}),
		"relative url":  grantCred(GrantClientCredentials, "/oauth/token", Secrets{KeyClientSecret: "s"}),
		"bad key":       grantCred(GrantJWTBearer, srv.URL(), Secrets{KeyPrivateKey: "x", KeySubject: "u"}),
	} {
		if _, err := NewTokenFunc(cred, c); err == nil {
			t.Errorf("%s: accepted", name)
		} else {
			wantErr(t, err, errs.CodeInvalidArgument, nil)
		}
	}
	if _, err := NewTokenFunc(oauthCred("p", srv.URL()), nil); err == nil {
		t.Fatal("nil client accepted")
	}
}

// A token endpoint rejecting the grant and echoing the secrets back: the
// error is UNAUTHENTICATED, carries the OAuth word, and quotes no secret.
func TestTokenEndpointErrorScrubbed(t *testing.T) {
	srv := newTokenServer(t)
	srv.override = func(w http.ResponseWriter, f url.Values) {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant",
			"error_description": "bad refresh_token " + f.Get("refresh_token") + " for secret " + f.Get("client_secret") + " (" + f.Encode() + ")"})
	}
	tf, err := NewTokenFunc(oauthCred("p", srv.URL()), tokenClient(t, srv, nil))
	if err != nil {
		t.Fatal(err)
	}
	_, err = tf(testCtx(t))
	wantErr(t, err, errs.CodeUnauthenticated, nil)
	e := asErr(err)
	if e.VendorCode != "invalid_grant" || e.Retryable {
		t.Fatalf("vendor code %q retryable %v", e.VendorCode, e.Retryable)
	}
	for _, s := range []string{fmt.Sprint(err), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)} {
		if strings.Contains(s, testRefresh) || strings.Contains(s, testClientSecret) || strings.Contains(s, url.QueryEscape(testRefresh)) {
			t.Fatalf("error leaks a secret: %s", s)
		}
	}
}
