package sap

import (
	"context"
	"crypto/tls"
	"encoding/pem"
	"net/http"
	"net/url"
	"os"
	"strings"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/credentials"
	"github.com/xlr8/connectors/internal/connkit"
	"github.com/xlr8/connectors/internal/errs"
	"github.com/xlr8/connectors/internal/transport"
)

// authenticate builds the data client for the credential's auth type:
//
//   - basic: HTTP Basic (SuccessFactors' user is "userId@companyId");
//   - oauth2: SuccessFactors' SAML 2.0 bearer grant at token_url
//     ({api}/oauth/token, never /oauth/idp), S/4HANA's client credentials
//     grant (/sap/bc/sec/oauth2/token); a 401 renews the token once;
//   - certificate (S/4HANA): an X.509 client certificate (mTLS), from
//     cert_file and key_file (paths, or the PEM text itself).
//
// S/4HANA's client also gets the transport's CSRF step (a write answered
// 403 "x-csrf-token: Required" fetches a token from the service root,
// HEAD then GET, in the same session, and is replayed once) and a cookie
// jar of its own; SuccessFactors' gets a jar too, so that the session
// cookies of the first page are replayed on the __next calls.
func (d *driver) authenticate(ctx context.Context, cred *credentials.Credential, o connectors.Options) error {
	cc := connkit.ClientConfig{DecodeError: decodeError, Errors: errorMap}
	bad := func(msg string) error {
		return &errs.Error{Code: errs.CodeInvalidArgument, Product: d.product, Message: msg}
	}
	switch cred.AuthType {
	case credentials.AuthBasic:
		user, pass := cred.Get(credentials.KeyUsername), cred.Get(credentials.KeyPassword)
		if user == "" || pass == "" {
			return bad("basic auth needs username and password")
		}
		if d.sf && !strings.Contains(user, "@") {
			return bad("SuccessFactors basic auth needs the username as userId@companyId")
		}
		plain, err := connkit.NewClient(d.product, cred, o, cc)
		if err != nil {
			return err
		}
		d.client = plain.WithAuth(transport.BasicAuth(user, pass))
	case credentials.AuthOAuth2:
		c2 := cred
		want := credentials.GrantClientCredentials
		if d.sf {
			want = credentials.GrantSAML2Bearer
			if cred.Get(credentials.KeySubject) == "" && cred.Get(KeyUserID) != "" {
				c2 = cloneCred(cred)
				c2.Secrets[credentials.KeySubject] = cred.Get(KeyUserID)
			}
		}
		if g := c2.Grant(); g != want && !(g == credentials.GrantRefreshToken && c2.Get(credentials.KeyGrantType) == "") {
			return bad("OAuth grant " + g + " is not supported (want " + want + ")")
		}
		if c2.Get(credentials.KeyGrantType) == "" {
			c2 = cloneCred(c2)
			c2.Secrets[credentials.KeyGrantType] = want
		}
		if d.sf {
			if u, err := url.Parse(c2.Get(credentials.KeyTokenURL)); err == nil && strings.HasSuffix(strings.TrimRight(u.Path, "/"), "/oauth/idp") {
				return bad("token_url points at /oauth/idp, which SAP deprecated (deletion planned 2027-05-14): use {api}/oauth/token")
			}
		}
		plain, err := connkit.NewClient(d.product, c2, o, cc)
		if err != nil {
			return err
		}
		grant, err := credentials.NewTokenFunc(c2, plain)
		if err != nil {
			return err
		}
		d.tokens = connkit.TokenAuth(o, plain.Secrets(), grant)
		d.client = plain.WithAuth(d.tokens)
	case credentials.AuthCertificate:
		if d.sf {
			return bad("SuccessFactors takes basic or oauth2 credentials, not certificates")
		}
		cert, err := loadCertificate(cred)
		if err != nil {
			return &errs.Error{Code: errs.CodeInvalidArgument, Product: d.product, Message: "client certificate: " + err.Error()}
		}
		o2 := o
		hc, err := withClientCert(o.HTTPClient, cert)
		if err != nil {
			return &errs.Error{Code: errs.CodeInvalidArgument, Product: d.product, Message: err.Error()}
		}
		o2.HTTPClient = hc
		if d.client, err = connkit.NewClient(d.product, cred, o2, cc); err != nil {
			return err
		}
	default:
		return bad("auth type " + string(cred.AuthType) + " is not supported (want basic, oauth2" + map[bool]string{false: " or certificate", true: ""}[d.sf] + ")")
	}
	if d.sf {
		d.client = d.client.WithCookieJar(nil)
		return nil
	}
	var err error
	d.client, err = d.client.WithSteps(transport.AddSteps(transport.CSRF(transport.CSRFConfig{FetchURL: d.csrfURL})))
	return err
}

func cloneCred(c *credentials.Credential) *credentials.Credential {
	cp := *c
	cp.Secrets = credentials.Secrets{}
	for k, v := range c.Secrets {
		cp.Secrets[k] = v
	}
	return &cp
}

// csrfURL is where the CSRF token of a write to u is fetched: the root of
// u's service with a trailing slash (as SAP's Cloud SDK does, since S/4
// redirects the slash-less form), with sap-client.
func (d *driver) csrfURL(u *url.URL) string {
	root := *u
	root.RawQuery, root.Fragment = "", ""
	p := u.Path
	for _, name := range d.set.v4names {
		marker := s4RootV4 + d.set.v4[name] + "/"
		if i := strings.Index(p, marker); i >= 0 {
			root.Path = p[:i] + marker
			if d.client4 != "" {
				root.RawQuery = "sap-client=" + d.client4
			}
			return root.String()
		}
	}
	const marker = "/sap/opu/odata/sap/"
	if i := strings.Index(p, marker); i >= 0 {
		rest := p[i+len(marker):]
		svc, _, _ := strings.Cut(rest, "/")
		root.Path = p[:i] + marker + svc + "/"
	}
	if d.client4 != "" {
		root.RawQuery = "sap-client=" + d.client4
	}
	return root.String()
}

// loadCertificate reads the key pair; an encrypted private key is refused
// (the standard library cannot decrypt PKCS#8, and legacy PEM encryption is
// insecure): store the key unencrypted in the sealed credential instead.
func loadCertificate(cred *credentials.Credential) (tls.Certificate, error) {
	read := func(key string) ([]byte, error) {
		v := strings.TrimSpace(cred.Get(key))
		if v == "" {
			return nil, errs.Newf(errs.CodeInvalidArgument, "%s is missing", key)
		}
		if strings.HasPrefix(v, "-----BEGIN") {
			return []byte(v), nil
		}
		b, err := os.ReadFile(v)
		if err != nil {
			return nil, errs.Newf(errs.CodeInvalidArgument, "%s cannot be read", key)
		}
		return b, nil
	}
	certPEM, err := read(credentials.KeyCertFile)
	if err != nil {
		return tls.Certificate{}, err
	}
	keyPEM, err := read(credentials.KeyKeyFile)
	if err != nil {
		return tls.Certificate{}, err
	}
	if blk, _ := pem.Decode(keyPEM); blk != nil && (strings.Contains(blk.Type, "ENCRYPTED") || blk.Headers["Proc-Type"] != "") {
		return tls.Certificate{}, errs.New(errs.CodeUnsupported, "the private key is encrypted; store it unencrypted in the sealed credential")
	}
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return tls.Certificate{}, errs.New(errs.CodeInvalidArgument, "cert_file and key_file are not a matching PEM certificate and key")
	}
	return cert, nil
}

// withClientCert returns a copy of base (nil: a default client) whose TLS
// configuration presents cert.
func withClientCert(base *http.Client, cert tls.Certificate) (*http.Client, error) {
	if base == nil {
		base = &http.Client{}
	}
	rt := base.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	t, ok := rt.(*http.Transport)
	if !ok {
		return nil, errs.New(errs.CodeInvalidArgument, "client certificates need an *http.Transport under WithHTTPClient")
	}
	t = t.Clone()
	if t.TLSClientConfig == nil {
		t.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	t.TLSClientConfig.Certificates = []tls.Certificate{cert}
	hc := *base
	hc.Transport = t
	return &hc, nil
}
