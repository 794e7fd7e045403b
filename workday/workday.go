package workday

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/credentials"
	"github.com/xlr8/connectors/internal/connkit"
	"github.com/xlr8/connectors/internal/errs"
	"github.com/xlr8/connectors/internal/transport"
)

// The product ids this package registers.
const (
	ProductHCM  = "workday_hcm"
	ProductFins = "workday_fins"
)

// KeyReportOwner is the secret naming the account that owns the custom
// reports (the {owner} of customreport2 URLs).
const KeyReportOwner = "report_owner"

func init() {
	for _, p := range []string{ProductHCM, ProductFins} {
		product := p
		connectors.Register(product, func(ctx context.Context, cred *credentials.Credential, opts ...connectors.Option) (connectors.Connector, error) {
			return NewProduct(ctx, product, cred, opts...)
		})
	}
}

// Connector is the Workday connector: the kit's portable adapter
// (internal/connkit) over the Workday driver. It is safe for concurrent
// use.
type Connector struct {
	*connkit.Conn
	d *driver
}

// driver is what only Workday knows: authentication, the entity table,
// how a query becomes Workday requests, how pages and errors read, the
// capabilities.
type driver struct {
	product string
	opts    connectors.Options
	set     settings
	client  *transport.Client
	tokens  *transport.TokenCache // nil with Basic auth
	outer   *Connector

	host   *url.URL // scheme://host of the data center
	tenant string
	owner  string // report owner; "" when the credential names none
}

var (
	_ connectors.Connector = (*Connector)(nil)
	_ connectors.Aser      = (*Connector)(nil)
	_ connkit.Driver       = (*driver)(nil)
	_ connkit.NativeDriver = (*driver)(nil)
	_ connkit.ErrorMapper  = (*driver)(nil)
)

// New builds a Workday HCM connector (product workday_hcm) for cred; see
// NewProduct.
func New(ctx context.Context, cred *credentials.Credential, opts ...connectors.Option) (*Connector, error) {
	return NewProduct(ctx, ProductHCM, cred, opts...)
}

// NewProduct builds a connector for product workday_hcm or workday_fins.
// It checks the credential (tenant, host, auth) and the options (another
// vendor's option is INVALID_ARGUMENT) without network I/O; Connect (or
// the first call) authenticates.
func NewProduct(ctx context.Context, product string, cred *credentials.Credential, opts ...connectors.Option) (*Connector, error) {
	if product != ProductHCM && product != ProductFins {
		return nil, connectors.Errorf(connectors.CodeInvalidArgument, "workday: unknown product %q (want %s or %s)", product, ProductHCM, ProductFins)
	}
	if cred == nil {
		return nil, connectors.Errorf(connectors.CodeInvalidArgument, "workday: a credential is required")
	}
	if cred.AuthType != credentials.AuthOAuth2 && cred.AuthType != credentials.AuthBasic {
		return nil, connectors.Errorf(connectors.CodeInvalidArgument, "workday: auth type %q is not supported (want oauth2 or basic)", cred.AuthType)
	}
	if cred.AuthType == credentials.AuthOAuth2 && cred.Grant() != credentials.GrantRefreshToken {
		return nil, connectors.Errorf(connectors.CodeInvalidArgument, "workday: OAuth grant %q is not supported (want refresh_token)", cred.Grant())
	}
	if err := cred.Validate(); err != nil {
		return nil, err
	}
	o, err := connkit.ResolveOptions(product, (*driver)(nil), opts...)
	if err != nil {
		return nil, err
	}
	set := resolveSettings(o)
	if err := set.validate(); err != nil {
		return nil, err
	}
	base, err := transport.ParseBaseURL(cred.InstanceURL, o.AllowInsecureLoopback, product, "instance URL")
	if err != nil {
		return nil, err
	}
	tenant, err := tenantOf(cred, base)
	if err != nil {
		return nil, err
	}
	c := &driver{product: product, opts: o, set: set, tenant: tenant, host: &url.URL{Scheme: base.Scheme, Host: base.Host}}
	c.owner = firstNonEmpty(set.owner, cred.Get(KeyReportOwner))
	plain, err := connkit.NewClient(product, cred, o, connkit.ClientConfig{DecodeError: decodeError})
	if err != nil {
		return nil, err
	}
	switch cred.AuthType {
	case credentials.AuthOAuth2:
		tu, err := transport.ParseBaseURL(cred.Get(credentials.KeyTokenURL), o.AllowInsecureLoopback, product, "token URL")
		if err != nil {
			return nil, err
		}
		if want := tokenPrefix + tenant + "/token"; tu.Path != want {
			return nil, connectors.Errorf(connectors.CodeInvalidArgument, "workday: token URL path %q is not %s (the tenant's token endpoint)", tu.Path, want)
		}
		grant, err := credentials.NewTokenFunc(cred, plain)
		if err != nil {
			return nil, err
		}
		c.tokens = connkit.TokenAuth(o, plain.Secrets(), grant)
		c.client = plain.WithAuth(c.tokens)
	case credentials.AuthBasic:
		user := cred.Get(credentials.KeyUsername)
		if !strings.Contains(user, "@") {
			user += "@" + tenant
		}
		c.client = plain.WithAuth(transport.BasicAuth(user, cred.Get(credentials.KeyPassword)))
		if c.owner == "" {
			c.owner, _, _ = strings.Cut(cred.Get(credentials.KeyUsername), "@")
		}
	}
	conn, err := connkit.New(c, connkit.Config{Product: product, Options: o, Actions: c.actions(), Prefixes: []string{"workday: "}})
	if err != nil {
		return nil, err
	}
	c.outer = &Connector{Conn: conn, d: c}
	return c.outer, nil
}

// tenantOf reads the tenant: the tenant secret, else the instance URL's
// path (/ccx/api/v1/{tenant}), else the token URL's (/ccx/oauth2/{tenant}/token).
func tenantOf(cred *credentials.Credential, base *url.URL) (string, error) {
	fromPath := ""
	segs := strings.Split(strings.Trim(base.Path, "/"), "/")
	if len(segs) >= 4 && segs[0] == "ccx" && segs[1] == "api" {
		fromPath = segs[len(segs)-1]
	}
	if fromPath == "" {
		if tu, err := url.Parse(cred.Get(credentials.KeyTokenURL)); err == nil {
			if rest, ok := strings.CutPrefix(tu.Path, tokenPrefix); ok {
				fromPath = strings.TrimSuffix(rest, "/token")
			}
		}
	}
	t := cred.Get(credentials.KeyTenant)
	switch {
	case t == "" && fromPath == "":
		return "", connectors.Errorf(connectors.CodeInvalidArgument, "workday: the credential names no tenant (set the tenant secret)")
	case t == "":
		t = fromPath
	case fromPath != "" && fromPath != t:
		return "", connectors.Errorf(connectors.CodeInvalidArgument, "workday: tenant %q differs from the tenant %q in the credential's URLs", t, fromPath)
	}
	if !validTenant(t) {
		return "", connectors.Errorf(connectors.CodeInvalidArgument, "workday: tenant %q is not a tenant name", t)
	}
	return t, nil
}

func validTenant(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// Tenant returns the tenant name.
func (c *Connector) Tenant() string { return c.d.tenant }

// As exposes *Connector (see the package documentation).
func (c *Connector) As(target any) bool {
	if p, ok := target.(**Connector); ok {
		*p = c
		return true
	}
	return c.Conn.As(target)
}

// Connect obtains an access token (OAuth); with Basic auth there is
// nothing to do before the first call.
func (c *driver) Connect(ctx context.Context) error {
	if c.tokens == nil {
		return nil
	}
	_, _, err := c.tokens.Token(ctx)
	return err
}

// Ping reads one worker (staffing v6 GET /workers?limit=1) to check that
// the tenant answers and accepts the credential.
func (c *driver) Ping(ctx context.Context) (connkit.Ping, error) {
	var page collection[json.RawMessage]
	if err := c.getJSON(ctx, c.restURL(svcStaffing, url.Values{"limit": {"1"}}, "workers"), &page); err != nil {
		return connkit.Ping{}, err
	}
	p := connkit.Ping{APIVersion: svcStaffing, Message: fmt.Sprintf("tenant %s answers", c.tenant)}
	if page.Total != nil {
		p.Message = fmt.Sprintf("tenant %s answers; %d workers visible", c.tenant, *page.Total)
	}
	return p, nil
}

// ---- URLs and calls ----

// restURL builds {host}/ccx/api/{service}/{tenant}/{parts...}; each part
// is escaped as a path segment.
func (c *driver) restURL(service string, q url.Values, parts ...string) string {
	var b strings.Builder
	b.WriteString(c.host.String())
	b.WriteString(apiPrefix)
	b.WriteString(service)
	b.WriteString("/")
	b.WriteString(url.PathEscape(c.tenant))
	for _, p := range parts {
		b.WriteString("/")
		b.WriteString(escapeID(p))
	}
	if len(q) > 0 {
		b.WriteString("?")
		b.WriteString(q.Encode())
	}
	return b.String()
}

// escapeID escapes a path segment, keeping the "=" of reference ids
// (Employee_ID=EMP001).
func escapeID(s string) string {
	if k, v, ok := strings.Cut(s, "="); ok {
		return url.PathEscape(k) + "=" + url.PathEscape(v)
	}
	return url.PathEscape(s)
}

// employeePath is a worker path id in Workday's reference form.
func employeePath(id string) string { return employeeRef(id) }

func (c *driver) getJSON(ctx context.Context, rawURL string, v any) error {
	_, err := c.client.GetJSON(ctx, rawURL, nil, v)
	return err
}

func (c *driver) sendJSON(ctx context.Context, method, rawURL string, body, v any) error {
	b, err := json.Marshal(body)
	if err != nil {
		return &errs.Error{Code: errs.CodeInternal, Product: c.product, Message: "workday: encoding a request body", Err: err}
	}
	resp, err := c.client.Do(ctx, &transport.Request{Method: method, URL: rawURL, Body: b,
		Header: http.Header{"Content-Type": {"application/json"}, "Accept": {"application/json"}}})
	if err != nil {
		return err
	}
	if v == nil || len(bytes.TrimSpace(resp.Body)) == 0 {
		return nil
	}
	return resp.DecodeJSON(v)
}
