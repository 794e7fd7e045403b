package transport

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/xlr8/connectors/internal/errs"
	"github.com/xlr8/connectors/internal/redact"
)

// DecodeJSON decodes a buffered response body into v. A body that is not JSON
// (an HTML error page behind a 200, a truncated or garbled body) is an
// INTERNAL *errs.Error quoting a short, secret-free excerpt.
func (r *Response) DecodeJSON(v any) error {
	return r.decode(v, json.Unmarshal)
}

func (r *Response) decode(v any, unmarshal func([]byte, any) error) error {
	what := "response"
	if r.URL != nil {
		what = "response from " + redact.URL(r.URL)
	}
	product := ""
	if r.client != nil {
		product = r.client.product
	}
	if IsHTML(r.Header, r.Body) {
		return &errs.Error{Code: errs.CodeInternal, Product: product, HTTPStatus: r.StatusCode,
			Message: fmt.Sprintf("%s is an HTML page, not JSON (%q)", what, r.Excerpt())}
	}
	if len(bytes.TrimSpace(r.Body)) == 0 {
		return &errs.Error{Code: errs.CodeInternal, Product: product, HTTPStatus: r.StatusCode,
			Message: what + " has an empty body, expected JSON"}
	}
	if err := unmarshal(r.Body, v); err != nil {
		return MalformedJSON(product, what, r.StatusCode, err, r.Body, r.secretsSet())
	}
	return nil
}

func (r *Response) secretsSet() *redact.Set {
	if r.client == nil {
		return nil
	}
	return r.client.secrets
}

// MalformedJSON builds the INTERNAL error for a body that failed to decode.
func MalformedJSON(product, what string, status int, err error, body []byte, set *redact.Set) *errs.Error {
	detail := "malformed JSON"
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn) && strings.Contains(syn.Error(), "unexpected end"):
		detail = "truncated JSON"
	case errors.As(err, &syn):
		detail = fmt.Sprintf("malformed JSON at byte %d", syn.Offset)
	case errors.As(err, &typ):
		detail = fmt.Sprintf("unexpected JSON %s for field %q", typ.Value, typ.Field)
	}
	msg := fmt.Sprintf("%s: %s", what, detail)
	if x := redact.Excerpt(body, set); x != "" {
		msg += fmt.Sprintf(" (%q)", x)
	}
	return &errs.Error{Code: errs.CodeInternal, Product: product, HTTPStatus: status, Message: msg, Err: err}
}

// GetJSON sends a GET and decodes the JSON body into v.
func (c *Client) GetJSON(ctx context.Context, rawURL string, header http.Header, v any) (*Response, error) {
	if header == nil {
		header = http.Header{}
	}
	if header.Get("Accept") == "" {
		header.Set("Accept", "application/json")
	}
	resp, err := c.Do(ctx, &Request{Method: http.MethodGet, URL: rawURL, Header: header})
	if err != nil {
		return resp, err
	}
	if err := resp.DecodeJSON(v); err != nil {
		return resp, err
	}
	// v holds copies of what it needs: the body's buffer goes back to the
	// pool (resp.Body is nil from here on).
	resp.Release()
	return resp, nil
}

// PostForm sends a form-encoded POST without the client's Auth (token
// endpoints) and returns the buffered response. Every form value whose key
// names a secret is added to the client's secret set first. It follows no
// redirect (a token endpoint that redirects is refused, so the form never
// goes anywhere else), and it is retried like a read: a token request
// creates nothing that a second one would duplicate.
func (c *Client) PostForm(ctx context.Context, rawURL string, form url.Values, header http.Header) (*Response, error) {
	for k, vs := range form {
		if redact.IsSensitiveKey(k) {
			c.secrets.Add(vs...)
		}
	}
	h := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "Accept": {"application/json"}}
	for k, v := range header {
		h[k] = v
	}
	return c.Do(ctx, &Request{Method: http.MethodPost, URL: rawURL, Header: h, Body: []byte(form.Encode()), NoAuth: true,
		NoRedirects: true, Idempotent: true})
}

// TokenRequestOption changes how FetchToken authenticates the client.
type TokenRequestOption func(*tokenRequest)

type tokenRequest struct {
	basicID, basicSecret string
	basic                bool
}

// WithClientBasicAuth authenticates the client at the token endpoint with
// HTTP Basic (RFC 6749 section 2.3.1: client id and secret each
// form-urlencoded, then base64), instead of client_id and client_secret in
// the form; client_secret is removed from the form sent. The secret and the
// header value are scrubbed from errors and logs.
func WithClientBasicAuth(clientID, clientSecret string) TokenRequestOption {
	return func(t *tokenRequest) { t.basic, t.basicID, t.basicSecret = true, clientID, clientSecret }
}

// ClientBasicAuthHeader returns the Authorization value of RFC 6749 section
// 2.3.1 for a client id and secret.
func ClientBasicAuthHeader(clientID, clientSecret string) string {
	raw := url.QueryEscape(clientID) + ":" + url.QueryEscape(clientSecret)
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(raw))
}

// TokenResponse is the standard OAuth 2.0 token response, with the vendor
// fields the connectors use (Salesforce's instance_url and issued_at).
type TokenResponse struct {
	AccessToken  string          `json:"access_token"`
	TokenType    string          `json:"token_type"`
	RefreshToken string          `json:"refresh_token"`
	ExpiresIn    json.RawMessage `json:"expires_in"`
	Scope        string          `json:"scope"`
	InstanceURL  string          `json:"instance_url"`
	IssuedAt     string          `json:"issued_at"`
	IDToken      string          `json:"id_token"`
	ID           string          `json:"id"`
}

// Token converts the response to an oauth2.Token. expires_in may be a number
// or a string; when absent, the expiry is zero (unknown: refresh on 401).
// The vendor fields are available through Token.Extra.
func (t *TokenResponse) Token(now time.Time) *oauth2.Token {
	tok := &oauth2.Token{AccessToken: t.AccessToken, TokenType: t.TokenType, RefreshToken: t.RefreshToken}
	if secs, ok := parseExpiresIn(t.ExpiresIn); ok && secs > 0 {
		// An absurd lifetime (which would overflow a Duration) is held to
		// a year: the token is then renewed on a 401 or after a year.
		secs = min(secs, maxExpiresIn)
		tok.Expiry = now.Add(time.Duration(secs) * time.Second)
		tok.ExpiresIn = secs
	}
	extra := map[string]any{}
	if t.InstanceURL != "" {
		extra["instance_url"] = t.InstanceURL
	}
	if t.IssuedAt != "" {
		extra["issued_at"] = t.IssuedAt
	}
	if t.Scope != "" {
		extra["scope"] = t.Scope
	}
	if t.ID != "" {
		extra["id"] = t.ID
	}
	if len(extra) > 0 {
		tok = tok.WithExtra(extra)
	}
	return tok
}

// maxExpiresIn is the longest token lifetime believed, in seconds.
const maxExpiresIn = 366 * 24 * 3600

func parseExpiresIn(raw json.RawMessage) (int64, bool) {
	s := strings.Trim(strings.TrimSpace(string(raw)), `"`)
	if s == "" || s == "null" {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		f, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil || math.IsNaN(f) || f < 0 {
			return 0, false
		}
		if f > maxExpiresIn {
			return maxExpiresIn, true
		}
		n = int64(f)
	}
	return n, true
}

// OAuthError is the standard OAuth 2.0 error body.
type OAuthError struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

// FetchToken posts a token request and parses the response. A rejection by
// the token endpoint (400/401/403) is UNAUTHENTICATED with the OAuth error
// word as VendorCode; the description is scrubbed of every secret the client
// knows (including the ones just sent), since some endpoints echo them.
func (c *Client) FetchToken(ctx context.Context, tokenURL string, form url.Values, header http.Header, opts ...TokenRequestOption) (*oauth2.Token, error) {
	var tr0 tokenRequest
	for _, o := range opts {
		o(&tr0)
	}
	if tr0.basic {
		v := ClientBasicAuthHeader(tr0.basicID, tr0.basicSecret)
		c.secrets.Add(tr0.basicSecret, v, strings.TrimPrefix(v, "Basic "))
		h := make(http.Header, len(header)+1)
		for k, vs := range header {
			h[k] = vs
		}
		h.Set("Authorization", v)
		header = h
		if _, ok := form["client_secret"]; ok {
			f := make(url.Values, len(form))
			for k, vs := range form {
				if k != "client_secret" {
					f[k] = vs
				}
			}
			form = f
		}
	}
	resp, err := c.PostForm(ctx, tokenURL, form, header)
	if err != nil {
		var e *errs.Error
		if errors.As(err, &e) && resp != nil && (resp.StatusCode == 400 || resp.StatusCode == 401 || resp.StatusCode == 403) {
			e.Code = errs.CodeUnauthenticated
			e.Retryable = false
			var oe OAuthError
			if json.Unmarshal(resp.Body, &oe) == nil && oe.Error != "" {
				e.VendorCode = c.secrets.Scrub(oe.Error)
				e.Message = fmt.Sprintf("token endpoint %s rejected the %s grant", redact.URL(resp.URL), form.Get("grant_type"))
				if oe.Description != "" {
					e.Message += ": " + redact.Excerpt([]byte(oe.Description), c.secrets)
				}
			}
		}
		return nil, err
	}
	var tr TokenResponse
	if err := resp.DecodeJSON(&tr); err != nil {
		return nil, err
	}
	if tr.AccessToken == "" {
		return nil, &errs.Error{Code: errs.CodeUnauthenticated, Product: c.product,
			Message: "token endpoint " + redact.URL(resp.URL) + " returned no access_token"}
	}
	resp.Release()
	tok := tr.Token(time.Now())
	c.secrets.Add(tok.AccessToken, tok.RefreshToken)
	return tok, nil
}
