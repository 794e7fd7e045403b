package sap

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"sync"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/credentials"
	"github.com/xlr8/connectors/internal/connkit"
	"github.com/xlr8/connectors/internal/errs"
	"github.com/xlr8/connectors/internal/transport"
)

// The product ids this package registers.
const (
	SuccessFactors = "sap_sf"
	S4HANA         = "sap_s4"
)

func init() {
	connectors.Register(SuccessFactors, func(ctx context.Context, cred *credentials.Credential, opts ...connectors.Option) (connectors.Connector, error) {
		return NewSuccessFactors(ctx, cred, opts...)
	})
	connectors.Register(S4HANA, func(ctx context.Context, cred *credentials.Credential, opts ...connectors.Option) (connectors.Connector, error) {
		return NewS4HANA(ctx, cred, opts...)
	})
}

// KeySAPClient is the optional secret field naming the S/4HANA client
// (mandant), sent as sap-client on every call; KeyUserID is DESIGN.md's
// name for the SuccessFactors user of the SAML assertion (the credentials
// package's subject field is used when it is set).
const (
	KeySAPClient = "sap_client"
	KeyUserID    = "user_id"
)

// New opens the product cred.ProductID names (sap_sf or sap_s4).
func New(ctx context.Context, cred *credentials.Credential, opts ...connectors.Option) (connectors.Connector, error) {
	if cred == nil {
		return nil, &errs.Error{Code: errs.CodeInvalidArgument, Message: "sap: a credential is required"}
	}
	switch cred.ProductID {
	case SuccessFactors:
		return NewSuccessFactors(ctx, cred, opts...)
	case S4HANA:
		return NewS4HANA(ctx, cred, opts...)
	}
	return nil, &errs.Error{Code: errs.CodeInvalidArgument, Message: "sap: the credential's product " + strings.TrimSpace(cred.ProductID) + " is not sap_sf or sap_s4"}
}

// NewSuccessFactors builds a connector for SAP SuccessFactors' OData v2 API
// under the credential's instance URL (the API server,
// https://api4.successfactors.com). It checks the configuration and the
// credential without network I/O.
func NewSuccessFactors(ctx context.Context, cred *credentials.Credential, opts ...connectors.Option) (connectors.Connector, error) {
	return open(ctx, SuccessFactors, cred, opts)
}

// NewS4HANA builds a connector for SAP S/4HANA's OData services under the
// credential's instance URL (https://host:port, or a Cloud API host). It
// checks the configuration and the credential without network I/O.
func NewS4HANA(ctx context.Context, cred *credentials.Credential, opts ...connectors.Option) (connectors.Connector, error) {
	return open(ctx, S4HANA, cred, opts)
}

// driver is the connkit driver of both products.
type driver struct {
	product string
	sf      bool
	base    *url.URL // instance URL, without a trailing slash
	client  *transport.Client
	tokens  *transport.TokenCache
	set     settings
	client4 string // sap-client, "" when not given
	conn    *connkit.Conn

	mu       sync.Mutex
	services map[string]*service // S/4: by service; SF: by entity set ("" for the service document)
	sfNames  []string            // SF entity sets from the service document
}

func open(ctx context.Context, product string, cred *credentials.Credential, opts []connectors.Option) (connectors.Connector, error) {
	if cred == nil {
		return nil, &errs.Error{Code: errs.CodeInvalidArgument, Product: product, Message: "a credential is required"}
	}
	o, err := connkit.ResolveOptions(product, (*driver)(nil), opts...)
	if err != nil {
		return nil, err
	}
	set := connkit.VendorSettings[option](o, defaultSettings(product), func(f option, s *settings) { f(s) })
	if err := set.validate(product); err != nil {
		return nil, err
	}
	base, err := transport.ParseBaseURL(cred.InstanceURL, o.AllowInsecureLoopback, product, "instance URL")
	if err != nil {
		return nil, err
	}
	base.Path = strings.TrimRight(base.Path, "/")
	// An instance URL given with the OData root already on it is the same
	// instance: the root is added per call.
	for _, root := range []string{"/odata/v2", "/sap/opu/odata/sap"} {
		base.Path = strings.TrimSuffix(base.Path, root)
	}
	base.RawQuery, base.Fragment = "", ""
	d := &driver{product: product, sf: product == SuccessFactors, base: base, set: set, services: map[string]*service{}}
	if !d.sf {
		d.client4 = strings.TrimSpace(cred.Get(KeySAPClient))
		if d.client4 != "" && !sapClientRE.MatchString(d.client4) {
			return nil, &errs.Error{Code: errs.CodeInvalidArgument, Product: product, Message: "sap_client must be three digits"}
		}
	}
	if err := d.authenticate(ctx, cred, o); err != nil {
		return nil, err
	}
	conn, err := connkit.New(d, connkit.Config{Product: product, Options: o, Explain: true, Actions: d.actions(),
		Prefixes: []string{"sap: "}})
	if err != nil {
		return nil, err
	}
	d.conn = conn
	return conn.Port(), nil
}

var sapClientRE = regexp.MustCompile(`^[0-9]{3}$`)

// Close releases nothing the transport does not: the session cookies die
// with the client.
func (d *driver) Close() error { return nil }
