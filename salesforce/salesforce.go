package salesforce

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/credentials"
	"github.com/xlr8/connectors/internal/connkit"
	"github.com/xlr8/connectors/internal/errs"
	"github.com/xlr8/connectors/internal/transport"
)

// Product is the product id this package registers.
const Product = "salesforce"

func init() {
	connectors.Register(Product, func(ctx context.Context, cred *credentials.Credential, opts ...connectors.Option) (connectors.Connector, error) {
		return New(ctx, cred, opts...)
	})
}

// Connector is the Salesforce connector: the kit's portable connector
// (internal/connkit) over the Salesforce driver, with Salesforce's own
// methods (QueryAll, Usage, Limits). It is safe for concurrent use.
type Connector struct {
	*connkit.Conn
	connkit.Exports
	connkit.Explains
	d *driver
}

// driver is what only Salesforce knows: OAuth and the instance URL, the
// describe calls, SOQL through translate, nextRecordsUrl pages and the
// keyset restart of a dead cursor, Bulk API 2.0, the daily-quota reserve,
// and the salesforce.* actions.
type driver struct {
	conn   *connkit.Conn
	opts   connectors.Options
	set    settings
	cred   *credentials.Credential
	plain  *transport.Client // token endpoint and unauthenticated calls
	client *transport.Client // data calls, authorized by tokens
	tokens *transport.TokenCache

	login *url.URL // the credential's instance (My Domain) URL

	mu       sync.Mutex
	instance *url.URL // from the token response
	global   *cachedGlobal
	describe map[string]*cachedDescribe
	exports  map[string]*exportPlan

	quota *quota // Sforce-Limit-Info: this connector's reports and the book
}

var (
	_ connectors.Connector    = (*Connector)(nil)
	_ connectors.BulkExporter = (*Connector)(nil)
	_ connectors.Explainer    = (*Connector)(nil)
	_ connectors.Aser         = (*Connector)(nil)
	_ connkit.BulkDriver      = (*driver)(nil)
	_ connkit.NativeDriver    = (*driver)(nil)
)

// New builds a Salesforce connector for cred. It checks the configuration
// and the credential without network I/O (another vendor's option is
// INVALID_ARGUMENT); Connect (or the first call) authenticates.
func New(ctx context.Context, cred *credentials.Credential, opts ...connectors.Option) (*Connector, error) {
	su, err := connkit.Begin(Product, cred, (*driver)(nil), opts, credentials.AuthOAuth2)
	if err != nil {
		return nil, err
	}
	o, login := su.Options, su.Instance
	set := resolveSettings(o)
	if err := set.validate(); err != nil {
		return nil, err
	}
	if _, err := transport.ParseBaseURL(cred.Get(credentials.KeyTokenURL), o.AllowInsecureLoopback, Product, "token URL"); err != nil {
		return nil, err
	}
	d := &driver{opts: o, set: set, cred: cred.Clone(), login: login, describe: map[string]*cachedDescribe{}}
	d.quota = newQuota(o, cred.ID)
	d.plain, err = connkit.NewClient(Product, cred, o, connkit.ClientConfig{
		DecodeError: decodeError,
		ShouldRetry: shouldRetry,
		Observe:     d.observe,
	})
	if err != nil {
		return nil, err
	}
	grant, err := credentials.NewTokenFunc(cred, d.plain)
	if err != nil {
		return nil, err
	}
	d.tokens = connkit.TokenAuth(o, d.plain.Secrets(), grant, transport.WithOnToken(d.onToken))
	d.client = d.plain.WithAuth(d.tokens)
	conn, err := connkit.New(d, connkit.Config{Product: Product, Options: o, Explain: true, Actions: d.actions()})
	if err != nil {
		return nil, err
	}
	d.conn = conn
	return &Connector{Conn: conn, Exports: conn.Exports(), Explains: conn.Explains(), d: d}, nil
}

// As exposes *Connector (see the package documentation).
func (c *Connector) As(target any) bool {
	if p, ok := target.(**Connector); ok {
		*p = c
		return true
	}
	return c.Conn.As(target)
}

// Connect obtains a token (and so the instance URL).
func (c *driver) Connect(ctx context.Context) error {
	_, _, err := c.tokens.Token(ctx)
	return err
}

// Ping checks that the org answers and accepts the credential, and that it
// serves the API version in use.
func (c *driver) Ping(ctx context.Context) (connkit.Ping, error) {
	p := connkit.Ping{APIVersion: c.set.apiVersion}
	var versions []struct {
		Version string `json:"version"`
	}
	if _, err := c.client.GetJSON(ctx, c.base().JoinPath("/services/data/").String(), nil, &versions); err != nil {
		return p, err
	}
	for _, v := range versions {
		if v.Version == c.set.apiVersion {
			p.Message = "API version " + v.Version + " available"
			return p, nil
		}
	}
	p.Message = "the org does not list API version " + c.set.apiVersion
	return p, connectors.Errorf(connectors.CodeUnsupported, "salesforce: the org does not offer API version %s", c.set.apiVersion)
}

// onToken records the instance URL the token endpoint returned: every data
// call goes there, not to the login host.
func (c *driver) onToken(tok *oauth2.Token) {
	raw, _ := tok.Extra("instance_url").(string)
	if raw == "" {
		return
	}
	u, err := transport.ParseBaseURL(raw, c.opts.AllowInsecureLoopback, Product, "instance_url")
	if err != nil {
		c.opts.Logger.Warn("salesforce: ignoring an instance_url that is not HTTPS", "host", hostOf(raw))
		return
	}
	c.mu.Lock()
	c.instance = u
	c.mu.Unlock()
}

func hostOf(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		return u.Host
	}
	return ""
}

// base is the URL data calls go to: the token's instance_url, else the
// credential's instance URL.
func (c *driver) base() *url.URL {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.instance != nil {
		u := *c.instance
		return &u
	}
	u := *c.login
	return &u
}

// apiURL builds {instance}/services/data/vXX.X/{path}.
func (c *driver) apiURL(path string, q url.Values) string {
	u := c.base().JoinPath("/services/data/v"+c.set.apiVersion, path)
	if len(q) > 0 {
		u.RawQuery = q.Encode()
	}
	return u.String()
}

// pathURL resolves a path Salesforce returned (nextRecordsUrl) against the
// instance URL, refusing anything that would leave it.
func (c *driver) pathURL(path string) (string, error) {
	if !strings.HasPrefix(path, "/services/data/") || strings.Contains(path, "//") || strings.Contains(path, "..") {
		return "", &errs.Error{Code: errs.CodeInternal, Product: Product, Message: "salesforce returned an unexpected next-page path"}
	}
	b := c.base()
	u, err := url.Parse(path)
	if err != nil {
		return "", &errs.Error{Code: errs.CodeInternal, Product: Product, Message: "salesforce returned a malformed next-page path"}
	}
	return b.ResolveReference(u).String(), nil
}

// get sends a GET through the reserve check and decodes JSON.
func (c *driver) getJSON(ctx context.Context, rawURL string, header http.Header, v any) (*transport.Response, error) {
	if err := c.checkReserve(ctx); err != nil {
		return nil, err
	}
	return c.client.GetJSON(ctx, rawURL, header, v)
}

// ---- describe ----

type cachedGlobal struct {
	at      time.Time
	objects []globalObject
}

type globalObject struct {
	Name      string `json:"name"`
	Label     string `json:"label"`
	Queryable bool   `json:"queryable"`
	Custom    bool   `json:"custom"`
	KeyPrefix string `json:"keyPrefix"`
}

type cachedDescribe struct {
	at     time.Time
	raw    describeResult
	schema connectors.EntitySchema
}

type describeResult struct {
	Name      string          `json:"name"`
	Label     string          `json:"label"`
	Queryable bool            `json:"queryable"`
	Fields    []describeField `json:"fields"`
}

type describeField struct {
	Name       string `json:"name"`
	Type       string `json:"type"`
	Label      string `json:"label"`
	Nillable   bool   `json:"nillable"`
	Filterable bool   `json:"filterable"`
	Sortable   bool   `json:"sortable"`
	Length     int    `json:"length"`
}

// Entities lists the queryable sObjects (the global describe, cached).
func (c *driver) Entities(ctx context.Context) ([]string, error) {
	g, err := c.globalDescribe(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(g.objects))
	for _, o := range g.objects {
		if o.Queryable {
			out = append(out, o.Name)
		}
	}
	return out, nil
}

func (c *driver) globalDescribe(ctx context.Context) (*cachedGlobal, error) {
	c.mu.Lock()
	g := c.global
	c.mu.Unlock()
	if g != nil && time.Since(g.at) < c.set.describeTTL {
		return g, nil
	}
	var body struct {
		SObjects []globalObject `json:"sobjects"`
	}
	if _, err := c.getJSON(ctx, c.apiURL("sobjects/", nil), nil, &body); err != nil {
		return nil, err
	}
	g = &cachedGlobal{at: time.Now(), objects: body.SObjects}
	c.mu.Lock()
	c.global = g
	c.mu.Unlock()
	return g, nil
}

// Schema describes an sObject (cached per connector): field types mapped to
// portable types, nullability, filterable and sortable flags.
func (c *driver) Schema(ctx context.Context, entity string) (connectors.EntitySchema, error) {
	d, err := c.describeObject(ctx, entity)
	if err != nil {
		return connectors.EntitySchema{}, err
	}
	return d.schema, nil
}

func (c *driver) describeObject(ctx context.Context, entity string) (*cachedDescribe, error) {
	if !validName(entity) {
		return nil, &errs.Error{Code: errs.CodeNotFound, Product: Product, VendorCode: "INVALID_TYPE",
			Message: fmt.Sprintf("salesforce: %q is not an sObject name", entity)}
	}
	key := strings.ToLower(entity)
	c.mu.Lock()
	d := c.describe[key]
	c.mu.Unlock()
	if d != nil && time.Since(d.at) < c.set.describeTTL {
		return d, nil
	}
	var raw describeResult
	if _, err := c.getJSON(ctx, c.apiURL("sobjects/"+entity+"/describe", nil), nil, &raw); err != nil {
		return nil, err
	}
	d = &cachedDescribe{at: time.Now(), raw: raw, schema: schemaOf(raw)}
	c.mu.Lock()
	c.describe[key] = d
	c.mu.Unlock()
	return d, nil
}

// validName reports whether s can be an sObject or field API name, so that
// it is safe in a URL path and in SOQL.
func validName(s string) bool {
	if s == "" || len(s) > 80 {
		return false
	}
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		case (r >= '0' && r <= '9' || r == '_') && i > 0:
		default:
			return false
		}
	}
	return true
}

func schemaOf(d describeResult) connectors.EntitySchema {
	s := connectors.EntitySchema{Entity: d.Name, Label: d.Label, Key: []string{"Id"}}
	for _, f := range d.Fields {
		s.Fields = append(s.Fields, connectors.Field{Name: f.Name, Type: fieldType(f.Type), VendorType: f.Type,
			Nullable: f.Nillable, Label: f.Label, Filterable: f.Filterable, Sortable: f.Sortable})
	}
	return s
}

// fieldType maps a Salesforce field type to a portable type.
func fieldType(t string) connectors.FieldType {
	switch t {
	case "boolean":
		return connectors.TypeBool
	case "int", "long":
		return connectors.TypeInt
	case "double", "currency", "percent":
		return connectors.TypeFloat
	case "date":
		return connectors.TypeDate
	case "datetime":
		return connectors.TypeDateTime
	case "address", "location", "complexvalue":
		return connectors.TypeObject
	case "base64":
		return connectors.TypeBinary
	case "multipicklist":
		return connectors.TypeString
	}
	return connectors.TypeString // id, reference, string, textarea, picklist, url, email, phone, combobox, encryptedstring, time
}

func mustParse(raw string) *url.URL {
	u, err := url.Parse(raw)
	if err != nil {
		return &url.URL{}
	}
	return u
}
