package credentials

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"

	"github.com/xlr8/connectors/internal/errs"
	"github.com/xlr8/connectors/internal/transport"
)

// The grant_type values sent to token endpoints for the assertion grants.
const (
	GrantTypeJWTBearer   = "urn:ietf:params:oauth:grant-type:jwt-bearer"
	GrantTypeSAML2Bearer = "urn:ietf:params:oauth:grant-type:saml2-bearer"
)

// KeyScope is an optional secret field: the scope requested by the
// refresh_token and client_credentials grants.
const KeyScope = "scope"

// SuccessFactorsAudience is the SAML audience SuccessFactors expects, used
// by the saml2_bearer grant when the credential has no audience field.
const SuccessFactorsAudience = "www.successfactors.com"

// Assertion lifetimes.
const (
	jwtLifetime  = 3 * time.Minute
	samlLifetime = 10 * time.Minute
	minRSABits   = 2048
)

// GrantOption configures a grant's token function.
type GrantOption func(*grantConfig)

type grantConfig struct{ now func() time.Time }

// WithGrantClock sets the clock used for assertion timestamps (tests).
func WithGrantClock(now func() time.Time) GrantOption {
	return func(c *grantConfig) {
		if now != nil {
			c.now = now
		}
	}
}

func grantSetup(cred *Credential, client *transport.Client, grant string, opts []GrantOption) (*grantConfig, *url.URL, error) {
	cfg, u, _, err := grantSetupFor(cred, client, grant, opts)
	return cfg, u, err
}

// grantSetupFor checks the credential for the grant (its product's
// declaration when it has one) and resolves the token URL.
func grantSetupFor(cred *Credential, client *transport.Client, grant string, opts []GrantOption) (*grantConfig, *url.URL, *ProductAuth, error) {
	cfg := &grantConfig{now: time.Now}
	for _, o := range opts {
		o(cfg)
	}
	if cred == nil {
		return nil, nil, nil, invalidf("OAuth grant: credential is nil")
	}
	if client == nil {
		return nil, nil, nil, invalidf("OAuth grant for credential %s: no transport client", cred.label())
	}
	if cred.AuthType != AuthOAuth2 {
		return nil, nil, nil, invalidf("credential %s uses auth type %s, not oauth2: it has no OAuth grant", cred.label(), unquoted(string(cred.AuthType)))
	}
	var pa *ProductAuth
	need, _ := required(AuthOAuth2, grant)
	if cred.Grant() == grant {
		if n, p, err := cred.need(); err == nil && p != nil {
			need, pa = n, p
		}
	}
	if missing := cred.missing(need); len(missing) > 0 {
		return nil, nil, nil, invalidf("credential %s: the %s grant needs %s", cred.label(), grant, strings.Join(missing, ", ")).
			WithDetail("missing", missing)
	}
	u, err := url.Parse(cred.tokenURL(pa))
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, nil, nil, invalidf("credential %s: token_url is not an absolute http(s) URL", cred.label())
	}
	// Every secret of the credential is scrubbed from whatever the client
	// logs or returns, including an endpoint echoing it back.
	client.Secrets().Add(cred.SecretValues()...)
	return cfg, u, pa, nil
}

// NewTokenFunc returns the token function for the credential's OAuth grant
// (the grant_type secret; refresh_token when empty), calling the token
// endpoint through client. It checks the fields the grant needs and parses
// any private key now, so that a bad credential fails before any network
// call. Each call of the function obtains a new token (it never caches:
// wrap it in a transport.TokenCache, or use Manager.TokenSource).
//
// A rejection by the token endpoint is an UNAUTHENTICATED error with the
// OAuth error word ("invalid_grant") as VendorCode and no secret in it,
// even when the endpoint echoes one back.
func NewTokenFunc(cred *Credential, client *transport.Client, opts ...GrantOption) (transport.TokenFunc, error) {
	if cred == nil {
		return nil, invalidf("OAuth grant: credential is nil")
	}
	switch g := cred.Grant(); g {
	case GrantRefreshToken:
		return RefreshTokenGrant(cred, client, opts...)
	case GrantClientCredentials:
		return ClientCredentialsGrant(cred, client, opts...)
	case GrantJWTBearer:
		return JWTBearerGrant(cred, client, opts...)
	case GrantSAML2Bearer:
		return SAML2BearerGrant(cred, client, opts...)
	case GrantPassword:
		return PasswordGrant(cred, client, opts...)
	default:
		return nil, invalidf("credential %s: grant_type is not a known OAuth grant (%s; want %s, %s, %s, %s or %s)", cred.label(), unquoted(g),
			GrantRefreshToken, GrantClientCredentials, GrantJWTBearer, GrantSAML2Bearer, GrantPassword)
	}
}

// RefreshTokenGrant returns the token function of the refresh_token grant
// (RFC 6749 section 6): client_id, client_secret, token_url, refresh_token,
// and optionally scope. When the endpoint rotates the refresh token, the
// function uses the new one from then on; Manager.TokenSource also persists
// it.
func RefreshTokenGrant(cred *Credential, client *transport.Client, opts ...GrantOption) (transport.TokenFunc, error) {
	_, u, err := grantSetup(cred, client, GrantRefreshToken, opts)
	if err != nil {
		return nil, err
	}
	g := &refreshGrant{client: client, tokenURL: u.String(), base: clientForm(cred, ""), refresh: cred.Get(KeyRefreshToken)}
	return func(ctx context.Context) (*oauth2.Token, error) { return g.refreshWith(ctx, g.current()) }, nil
}

// clientForm is the client part of a token request: client_id, and
// client_secret, scope and auth_chain when there are.
func clientForm(cred *Credential, authChain string) url.Values {
	f := url.Values{"client_id": {cred.Get(KeyClientID)}}
	if s := cred.Get(KeyClientSecret); s != "" {
		f.Set("client_secret", s)
	}
	if s := cred.Get(KeyScope); s != "" {
		f.Set("scope", s)
	}
	if authChain != "" {
		f.Set("auth_chain", authChain)
	}
	return f
}

// refreshGrant spends a refresh token, following its rotation: when the
// endpoint returns a new refresh token, that one is used from then on.
type refreshGrant struct {
	client   *transport.Client
	tokenURL string
	base     url.Values // the client fields sent with every request
	header   http.Header
	mu       sync.Mutex
	refresh  string
}

func (g *refreshGrant) current() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.refresh
}

// replace swaps the refresh token in use, unless another call already did.
func (g *refreshGrant) replace(old, next string) {
	g.mu.Lock()
	if g.refresh == old {
		g.refresh = next
	}
	g.mu.Unlock()
}

func (g *refreshGrant) refreshWith(ctx context.Context, rt string) (*oauth2.Token, error) {
	form := cloneValues(g.base)
	form.Set("grant_type", GrantRefreshToken)
	form.Set("refresh_token", rt)
	tok, err := g.client.FetchToken(ctx, g.tokenURL, form, g.header)
	if err != nil {
		return nil, err
	}
	if tok.RefreshToken != "" && tok.RefreshToken != rt {
		g.replace(rt, tok.RefreshToken)
	}
	return tok, nil
}

// PasswordGrant returns the token function of the resource owner password
// grant (RFC 6749 section 4.3) as UKG Pro WFM uses it: username, password,
// client_id, client_secret and auth_chain (the product's default,
// OAuthLdapService for ukg_wfm, when the secret is not set) posted to the
// token URL (token_url, or the product's token path under InstanceURL),
// with the appkey header when the credential has one. A refresh token the
// endpoint returned (persisted by Manager.TokenSource) is used first, with
// grant_type=refresh_token and the same client fields; when it is
// rejected (WFM's expire after seven days) the function logs in with the
// password again.
func PasswordGrant(cred *Credential, client *transport.Client, opts ...GrantOption) (transport.TokenFunc, error) {
	_, u, pa, err := grantSetupFor(cred, client, GrantPassword, opts)
	if err != nil {
		return nil, err
	}
	g := &passwordGrant{username: cred.Get(KeyUsername), password: cred.Get(KeyPassword),
		refreshGrant: refreshGrant{client: client, tokenURL: u.String(), base: clientForm(cred, cred.value(pa, KeyAuthChain)),
			refresh: cred.Get(KeyRefreshToken)}}
	if k := cred.Get(KeyAppKey); k != "" {
		g.header = http.Header{"Appkey": {k}}
	}
	return g.fetch, nil
}

type passwordGrant struct {
	refreshGrant
	username, password string
}

func (g *passwordGrant) fetch(ctx context.Context) (*oauth2.Token, error) {
	if rt := g.current(); rt != "" {
		tok, err := g.refreshWith(ctx, rt)
		if err == nil {
			if tok.RefreshToken == "" {
				tok.RefreshToken = rt // WFM's refresh returns none: the old one stays good
			}
			return tok, nil
		}
		if errs.CodeOf(err) != errs.CodeUnauthenticated || ctx.Err() != nil {
			return nil, err
		}
		g.replace(rt, "") // expired (WFM's last seven days): log in again
	}
	form := cloneValues(g.base)
	form.Set("grant_type", GrantPassword)
	form.Set("username", g.username)
	form.Set("password", g.password)
	tok, err := g.client.FetchToken(ctx, g.tokenURL, form, g.header)
	if err != nil {
		return nil, err
	}
	if tok.RefreshToken != "" {
		g.replace(g.current(), tok.RefreshToken)
	}
	return tok, nil
}

// ClientCredentialsGrant returns the token function of the
// client_credentials grant (RFC 6749 section 4.4): client_id,
// client_secret, token_url, and optionally scope.
func ClientCredentialsGrant(cred *Credential, client *transport.Client, opts ...GrantOption) (transport.TokenFunc, error) {
	_, u, err := grantSetup(cred, client, GrantClientCredentials, opts)
	if err != nil {
		return nil, err
	}
	form := clientForm(cred, "")
	form.Set("grant_type", GrantClientCredentials)
	tokenURL := u.String()
	return func(ctx context.Context) (*oauth2.Token, error) {
		return client.FetchToken(ctx, tokenURL, cloneValues(form), nil)
	}, nil
}

// JWTBearerGrant returns the token function of the JWT bearer grant
// (RFC 7523), as Salesforce uses it: a JWT signed with RS256 by the
// private_key (PEM, PKCS#1 or PKCS#8, RSA of at least 2048 bits), with
// iss = client_id, sub = subject, aud = the audience field or else the
// token_url's scheme and host, and exp three minutes ahead. Salesforce
// wants aud to be https://login.salesforce.com, https://test.salesforce.com
// or a community URL: set audience when the token_url is a My Domain host.
func JWTBearerGrant(cred *Credential, client *transport.Client, opts ...GrantOption) (transport.TokenFunc, error) {
	cfg, u, err := grantSetup(cred, client, GrantJWTBearer, opts)
	if err != nil {
		return nil, err
	}
	sign, err := JWTAssertion(cred, u.Scheme+"://"+u.Host)
	if err != nil {
		return nil, err
	}
	tokenURL := u.String()
	return func(ctx context.Context) (*oauth2.Token, error) {
		jwt, err := sign(cfg.now())
		if err != nil {
			return nil, err
		}
		return client.FetchToken(ctx, tokenURL, url.Values{"grant_type": {GrantTypeJWTBearer}, "assertion": {jwt}}, nil)
	}, nil
}

// JWTAssertion returns the signer of cred's JWT bearer assertion (RFC 7523):
// RS256 by the private_key, iss = client_id, sub = subject, aud = the
// audience field or else defaultAud, issued at now and valid three minutes.
// JWTBearerGrant posts it as Salesforce wants; a vendor whose token endpoint
// wants more (a scope, HTTP Basic client authentication: Oracle's identity
// domain) posts it itself. A bad key is an INVALID_ARGUMENT error here, not
// at the first call; errors never quote the key.
func JWTAssertion(cred *Credential, defaultAud string) (func(now time.Time) (string, error), error) {
	key, aud, err := assertionKey(cred, defaultAud)
	if err != nil {
		return nil, err
	}
	iss, sub := cred.Get(KeyClientID), cred.Get(KeySubject)
	return func(now time.Time) (string, error) {
		return signJWT(key, jwtClaims{Iss: iss, Sub: sub, Aud: aud, Iat: now.Unix(), Exp: now.Add(jwtLifetime).Unix()})
	}, nil
}

type jwtClaims struct {
	Iss string `json:"iss"`
	Sub string `json:"sub"`
	Aud string `json:"aud"`
	Iat int64  `json:"iat"`
	Exp int64  `json:"exp"`
}

func signJWT(key *rsa.PrivateKey, c jwtClaims) (string, error) {
	claims, err := json.Marshal(c)
	if err != nil {
		return "", newErr(errs.CodeInternal, err, "encoding JWT claims")
	}
	enc := base64.RawURLEncoding
	msg := enc.EncodeToString([]byte(`{"alg":"RS256","typ":"JWT"}`)) + "." + enc.EncodeToString(claims)
	sum := sha256.Sum256([]byte(msg))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		return "", newErr(errs.CodeInternal, nil, "signing the JWT assertion failed")
	}
	return msg + "." + enc.EncodeToString(sig), nil
}

// SAML2BearerGrant returns the token function of the SAML 2.0 bearer grant
// (RFC 7522) as SAP SuccessFactors uses it: a SAML 2.0 assertion (issuer
// and api_key attribute = client_id, NameID = subject, the SF user id;
// recipient = token_url; audience = the audience field or
// www.successfactors.com; valid ten minutes) signed with RSA-SHA256 by the
// private_key in exclusive canonical XML, posted base64-encoded with
// company_id and client_id. private_key may be PEM or the base64 text
// SuccessFactors offers for download (key###certificate).
func SAML2BearerGrant(cred *Credential, client *transport.Client, opts ...GrantOption) (transport.TokenFunc, error) {
	cfg, u, err := grantSetup(cred, client, GrantSAML2Bearer, opts)
	if err != nil {
		return nil, err
	}
	key, aud, err := assertionKey(cred, SuccessFactorsAudience)
	if err != nil {
		return nil, err
	}
	tokenURL := u.String()
	nameID := cred.Get(KeySubject)
	if nameID == "" {
		nameID = cred.Get(KeyUserID) // DESIGN's name for the SuccessFactors user
	}
	params := samlParams{issuer: cred.Get(KeyClientID), nameID: nameID, recipient: tokenURL,
		audience: aud, apiKey: cred.Get(KeyClientID), lifetime: samlLifetime}
	if err := params.check(); err != nil {
		return nil, invalidf("credential %s: %s", cred.label(), err.Error())
	}
	companyID, clientID := cred.Get(KeyCompanyID), cred.Get(KeyClientID)
	return func(ctx context.Context) (*oauth2.Token, error) {
		p := params
		p.now = cfg.now()
		xml, err := buildSAMLAssertion(p, key)
		if err != nil {
			return nil, err
		}
		form := url.Values{"company_id": {companyID}, "client_id": {clientID}, "grant_type": {GrantTypeSAML2Bearer},
			"assertion": {base64.StdEncoding.EncodeToString(xml)}}
		return client.FetchToken(ctx, tokenURL, form, nil)
	}, nil
}

// assertionKey returns the signing key of an assertion grant and its
// audience: the audience field, else defaultAud.
func assertionKey(cred *Credential, defaultAud string) (*rsa.PrivateKey, string, error) {
	key, err := parsePrivateKey(cred.Get(KeyPrivateKey), cred.label())
	if err != nil {
		return nil, "", err
	}
	aud := cred.Get(KeyAudience)
	if aud == "" {
		aud = defaultAud
	}
	return key, aud, nil
}

// parsePrivateKey reads an RSA private key: PEM (PKCS#1 or PKCS#8), or
// base64 DER, or SuccessFactors' download format (base64 of
// "<base64 PKCS#8>###<certificate>"). Errors never quote the input.
func parsePrivateKey(s, label string) (*rsa.PrivateKey, error) {
	fail := func(why string) error {
		return invalidf("credential %s: private_key %s", label, why)
	}
	s = strings.TrimSpace(s)
	var der []byte
	if strings.Contains(s, "-----BEGIN") {
		block, _ := pem.Decode([]byte(s))
		if block == nil {
			return nil, fail("is not a valid PEM block")
		}
		if strings.Contains(block.Type, "ENCRYPTED") || block.Headers["Proc-Type"] != "" {
			return nil, fail("is encrypted; store it decrypted (the credential store seals it)")
		}
		der = block.Bytes
	} else {
		raw, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(s), ""))
		if err != nil {
			return nil, fail("is neither PEM nor base64")
		}
		der = raw
		if i := strings.Index(string(raw), "###"); i >= 0 {
			inner, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(string(raw[:i])), ""))
			if err != nil {
				return nil, fail("is in SuccessFactors' key###certificate form but the key part is not base64")
			}
			der = inner
		}
	}
	var key *rsa.PrivateKey
	if k, err := x509.ParsePKCS1PrivateKey(der); err == nil {
		key = k
	} else if k, err := x509.ParsePKCS8PrivateKey(der); err == nil {
		rk, ok := k.(*rsa.PrivateKey)
		if !ok {
			return nil, fail("is not an RSA key (RS256 and RSA-SHA256 need RSA)")
		}
		key = rk
	} else {
		return nil, fail("does not parse as a PKCS#1 or PKCS#8 private key")
	}
	if key.N.BitLen() < minRSABits {
		return nil, fail("is an RSA key of " + strconv.Itoa(key.N.BitLen()) + " bits; at least 2048 are required")
	}
	return key, nil
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}
