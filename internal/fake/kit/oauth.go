package kit

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// The OAuth grant types a token endpoint can accept (RFC 6749, 7523, 7522).
const (
	GrantClientCredentials = "client_credentials"
	GrantRefreshToken      = "refresh_token"
	GrantPassword          = "password"
	GrantJWTBearer         = "urn:ietf:params:oauth:grant-type:jwt-bearer"
	GrantSAML2Bearer       = "urn:ietf:params:oauth:grant-type:saml2-bearer"
)

// ClientAuth is how the token endpoint takes the client's credentials.
type ClientAuth int

// The client authentication methods.
const (
	// ClientAuthEither accepts HTTP Basic or client_id/client_secret in the
	// form.
	ClientAuthEither ClientAuth = iota
	// ClientAuthBasic requires HTTP Basic (Oracle's identity domain); a
	// secret in the form is refused.
	ClientAuthBasic
	// ClientAuthPost requires client_id/client_secret in the form.
	ClientAuthPost
)

// Reason is why the token endpoint refused a request.
type Reason string

// The reasons, each with the RFC 6749 error code the default response
// uses.
const (
	ReasonMalformed        Reason = "invalid_request"        // not a form, or a required field missing
	ReasonUnsupportedGrant Reason = "unsupported_grant_type" // a grant the endpoint does not accept
	ReasonUnknownClient    Reason = "unknown_client"         // client id not registered
	ReasonClientSecret     Reason = "invalid_client"         // wrong client secret
	ReasonClientAuthMethod Reason = "client_auth_method"     // the client authenticated the wrong way
	ReasonGrant            Reason = "invalid_grant"          // bad refresh token, password or assertion
	ReasonScope            Reason = "invalid_scope"          // a scope the client may not have
)

// Failure is a refused token request, for OAuthConfig.Fail.
type Failure struct {
	Reason      Reason
	Grant       string
	Description string
}

// rfcCode is a reason's RFC 6749 error code.
func (f Failure) rfcCode() (string, int) {
	switch f.Reason {
	case ReasonUnknownClient, ReasonClientSecret, ReasonClientAuthMethod:
		return "invalid_client", http.StatusUnauthorized
	}
	return string(f.Reason), http.StatusBadRequest
}

// OAuthConfig sets up a token endpoint. Zero values take the defaults.
type OAuthConfig struct {
	// Path is the endpoint, relative to the base (default "/oauth2/token").
	Path string
	// Grants lists the grant types accepted (default: client_credentials
	// and refresh_token, plus password when Username is set and the
	// assertion grants when Assertion is set).
	Grants []string
	// ClientID and ClientSecret are the registered client.
	ClientID, ClientSecret string
	// ClientAuth is how the client authenticates.
	ClientAuth ClientAuth
	// RefreshToken is the refresh token the endpoint accepts at first.
	RefreshToken string
	// Rotate makes the refresh grant issue a new refresh token and
	// invalidate the one presented.
	Rotate bool
	// IssueRefreshToken makes the password grant return the current refresh
	// token (and the refresh grant return it even without Rotate).
	IssueRefreshToken bool
	// Username and Password are the resource owner the password grant
	// accepts.
	Username, Password string
	// Scope, if set, is the only scope a request may ask for (a request
	// without a scope gets this one).
	Scope string
	// TTL is an access token's lifetime; expires_in is sent when > 0 and
	// the token stops working after it, by the server's clock.
	TTL time.Duration
	// TokenPrefix starts every access token (a vendor's token looks like
	// one of its own: "00D...!" for Salesforce); RefreshTokenPrefix every
	// rotated refresh token (default "rt-").
	TokenPrefix, RefreshTokenPrefix string
	// Assertion checks a jwt-bearer or saml2-bearer assertion and returns
	// the subject it names; an error refuses the grant with its text as the
	// description. VerifyJWT does the RS256 part for JWTs.
	Assertion func(grant, assertion string, form url.Values) (subject string, err error)
	// Response edits a success body (the vendor's extra fields, such as
	// Salesforce's instance_url) before it is written.
	Response func(grant string, body map[string]any)
	// Fail writes a refusal in the vendor's shape; the default is RFC 6749's
	// {"error","error_description"} with 400 (401 for client failures).
	Fail func(w http.ResponseWriter, r *http.Request, f Failure)
}

// Token is an issued access token.
type Token struct {
	Access   string
	Grant    string
	ClientID string
	Subject  string
	Scope    string
	Issued   time.Time
	Expires  time.Time // zero: does not expire
}

// OAuth is a fake token endpoint and the bearer check that goes with it.
// It is safe for concurrent use.
type OAuth struct {
	cfg    OAuthConfig
	now    func() time.Time
	mu     sync.Mutex
	tokens map[string]*Token
	issued []string
	reqs   map[string]int
	fails  map[Reason]int
	fresh  string
}

// EnableOAuth mounts a token endpoint at cfg.Path and returns it (also as
// s.OAuth). Call it before the first request.
func (s *Server) EnableOAuth(cfg OAuthConfig) *OAuth {
	if cfg.Path == "" {
		cfg.Path = "/oauth2/token"
	}
	if !strings.HasPrefix(cfg.Path, "/") {
		cfg.Path = "/" + cfg.Path
	}
	if cfg.RefreshTokenPrefix == "" {
		cfg.RefreshTokenPrefix = "rt-"
	}
	if len(cfg.Grants) == 0 {
		cfg.Grants = []string{GrantClientCredentials, GrantRefreshToken}
		if cfg.Username != "" {
			cfg.Grants = append(cfg.Grants, GrantPassword)
		}
		if cfg.Assertion != nil {
			cfg.Grants = append(cfg.Grants, GrantJWTBearer, GrantSAML2Bearer)
		}
	}
	o := &OAuth{cfg: cfg, now: s.now, tokens: map[string]*Token{}, reqs: map[string]int{}, fails: map[Reason]int{}, fresh: cfg.RefreshToken}
	s.OAuth = o
	p := s.Base + cfg.Path
	s.tokenPath.Store(&p)
	s.HandleFunc("POST "+cfg.Path, o.serve)
	return o
}

// TokenURL is the endpoint's absolute URL on s.
func (s *Server) TokenURL() string {
	if s.OAuth == nil {
		return ""
	}
	return s.URL + s.OAuth.cfg.Path
}

// Config returns the endpoint's configuration (with defaults).
func (o *OAuth) Config() OAuthConfig { return o.cfg }

func (o *OAuth) fail(w http.ResponseWriter, r *http.Request, f Failure) {
	o.mu.Lock()
	o.fails[f.Reason]++
	o.mu.Unlock()
	if o.cfg.Fail != nil {
		o.cfg.Fail(w, r, f)
		return
	}
	code, status := f.rfcCode()
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Basic realm="token"`)
	}
	JSON(w, status, "", map[string]string{"error": code, "error_description": f.Description})
}

func (o *OAuth) serve(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		o.fail(w, r, Failure{Reason: ReasonMalformed, Description: "malformed form body"})
		return
	}
	form := r.PostForm
	grant := form.Get("grant_type")
	o.mu.Lock()
	o.reqs[grant]++
	o.mu.Unlock()
	if !slices.Contains(o.cfg.Grants, grant) {
		o.fail(w, r, Failure{Reason: ReasonUnsupportedGrant, Grant: grant, Description: "grant type not supported"})
		return
	}
	clientID, secret, authed := o.client(r, form)
	assertion := grant == GrantJWTBearer || grant == GrantSAML2Bearer
	if f, ok := o.checkClient(grant, clientID, secret, authed, assertion, form); !ok {
		o.fail(w, r, f)
		return
	}
	scope := form.Get("scope")
	if o.cfg.Scope != "" {
		if scope != "" && scope != o.cfg.Scope {
			o.fail(w, r, Failure{Reason: ReasonScope, Grant: grant, Description: "the requested scope is invalid"})
			return
		}
		scope = o.cfg.Scope
	}
	subject, refresh := clientID, ""
	switch grant {
	case GrantRefreshToken:
		o.mu.Lock()
		ok := form.Get("refresh_token") != "" && form.Get("refresh_token") == o.fresh
		if ok && o.cfg.Rotate {
			o.fresh = o.cfg.RefreshTokenPrefix + randHex(32)
			o.issued = append(o.issued, o.fresh)
		}
		if ok && (o.cfg.Rotate || o.cfg.IssueRefreshToken) {
			refresh = o.fresh
		}
		o.mu.Unlock()
		if !ok {
			o.fail(w, r, Failure{Reason: ReasonGrant, Grant: grant, Description: "the refresh token is invalid or expired"})
			return
		}
	case GrantPassword:
		if !equal(form.Get("username"), o.cfg.Username) || !equal(form.Get("password"), o.cfg.Password) {
			o.fail(w, r, Failure{Reason: ReasonGrant, Grant: grant, Description: "invalid resource owner credentials"})
			return
		}
		subject = o.cfg.Username
		if o.cfg.IssueRefreshToken {
			o.mu.Lock()
			refresh = o.fresh
			o.mu.Unlock()
		}
	case GrantJWTBearer, GrantSAML2Bearer:
		sub, err := o.cfg.Assertion(grant, form.Get("assertion"), form)
		if err != nil {
			o.fail(w, r, Failure{Reason: ReasonGrant, Grant: grant, Description: err.Error()})
			return
		}
		subject = sub
	}
	now := o.now()
	t := &Token{Access: o.cfg.TokenPrefix + randHex(40), Grant: grant, ClientID: clientID, Subject: subject, Scope: scope, Issued: now}
	if o.cfg.TTL > 0 {
		t.Expires = now.Add(o.cfg.TTL)
	}
	o.mu.Lock()
	o.tokens[t.Access] = t
	o.issued = append(o.issued, t.Access)
	o.mu.Unlock()
	body := map[string]any{"access_token": t.Access, "token_type": "Bearer"}
	if o.cfg.TTL > 0 {
		body["expires_in"] = int(o.cfg.TTL / time.Second)
	}
	if scope != "" {
		body["scope"] = scope
	}
	if refresh != "" {
		body["refresh_token"] = refresh
	}
	if o.cfg.Response != nil {
		o.cfg.Response(grant, body)
	}
	w.Header().Set("Cache-Control", "no-store")
	JSON(w, http.StatusOK, "", body)
}

// client returns the client credentials presented and whether they came by
// HTTP Basic.
func (o *OAuth) client(r *http.Request, form url.Values) (id, secret string, basic bool) {
	if u, p, ok := r.BasicAuth(); ok {
		return u, p, true
	}
	return form.Get("client_id"), form.Get("client_secret"), false
}

func (o *OAuth) checkClient(grant, id, secret string, basic, assertion bool, form url.Values) (Failure, bool) {
	refuse := func(r Reason, desc string) (Failure, bool) {
		return Failure{Reason: r, Grant: grant, Description: desc}, false
	}
	switch {
	case o.cfg.ClientAuth == ClientAuthBasic && !basic:
		return refuse(ReasonClientAuthMethod, "the client must authenticate with HTTP Basic")
	case o.cfg.ClientAuth == ClientAuthPost && basic:
		return refuse(ReasonClientAuthMethod, "the client must send its credentials in the form")
	case basic && form.Get("client_secret") != "":
		return refuse(ReasonMalformed, "client credentials given twice")
	case o.cfg.ClientID == "", assertion && id == "" && secret == "":
		// No registered client, or the assertion alone names the client.
		return Failure{}, true
	case !equal(id, o.cfg.ClientID):
		return refuse(ReasonUnknownClient, "client identifier invalid")
	case (!assertion || secret != "" || basic) && !equal(secret, o.cfg.ClientSecret):
		return refuse(ReasonClientSecret, "invalid client credentials")
	}
	return Failure{}, true
}

// Check returns the live token a request's "Authorization: Bearer" header
// carries.
func (o *OAuth) Check(r *http.Request) (Token, bool) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || tok == "" {
		return Token{}, false
	}
	return o.Lookup(tok)
}

// Lookup returns a live access token.
func (o *OAuth) Lookup(access string) (Token, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	t := o.tokens[access]
	if t == nil {
		return Token{}, false
	}
	if !t.Expires.IsZero() && !o.now().Before(t.Expires) {
		return Token{}, false
	}
	return *t, true
}

// ExpireTokens invalidates every access token issued so far.
func (o *OAuth) ExpireTokens() {
	o.mu.Lock()
	o.tokens = map[string]*Token{}
	o.mu.Unlock()
}

// Issued returns every access and refresh token the endpoint issued, in
// order, for secret-leak checks.
func (o *OAuth) Issued() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]string(nil), o.issued...)
}

// Tokens returns the issued access tokens still on record (expired ones
// included until ExpireTokens), oldest first.
func (o *OAuth) Tokens() []Token {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := make([]Token, 0, len(o.tokens))
	for _, a := range o.issued {
		if t := o.tokens[a]; t != nil {
			out = append(out, *t)
		}
	}
	return out
}

// Requests counts token requests by grant type ("" for all).
func (o *OAuth) Requests(grant string) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	if grant == "" {
		n := 0
		for _, c := range o.reqs {
			n += c
		}
		return n
	}
	return o.reqs[grant]
}

// Failures counts refusals by reason.
func (o *OAuth) Failures(r Reason) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.fails[r]
}

// RefreshToken is the refresh token the endpoint accepts now.
func (o *OAuth) RefreshToken() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.fresh
}

// CheckBasic reports whether a request's HTTP Basic credentials name one of
// users (user name to password), and which.
func CheckBasic(r *http.Request, users map[string]string) (string, bool) {
	u, p, ok := r.BasicAuth()
	if !ok {
		return "", false
	}
	want, known := users[u]
	if !known || !equal(p, want) {
		return "", false
	}
	return u, true
}

// equal compares secrets in constant time.
func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

func randHex(n int) string {
	b := make([]byte, (n+1)/2)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)[:n]
}
