package oracle_test

import (
	"context"
	"testing"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/connectortest"
	"github.com/xlr8/connectors/credentials"
	fake "github.com/xlr8/connectors/internal/fake/oracle"
	"github.com/xlr8/connectors/oracle"
)

// harness runs the conformance suite against the fake pod for one product.
type harness struct {
	srv      *fake.Server
	product  string
	entity   string
	id, filt string
	oauth    bool
}

func basicCred(srv *fake.Server, product string) *credentials.Credential {
	cfg := srv.Config()
	return &credentials.Credential{ID: "ora-basic", ProductID: product, InstanceURL: srv.URL, AuthType: credentials.AuthBasic,
		Secrets: map[string]string{credentials.KeyUsername: cfg.Username, credentials.KeyPassword: cfg.Password}}
}

func oauthCred(srv *fake.Server, product string) *credentials.Credential {
	cfg := srv.Config()
	return &credentials.Credential{ID: "ora-oauth", ProductID: product, InstanceURL: srv.URL, AuthType: credentials.AuthOAuth2,
		Secrets: map[string]string{credentials.KeyGrantType: credentials.GrantClientCredentials, credentials.KeyClientID: cfg.ClientID,
			credentials.KeyClientSecret: cfg.ClientSecret, credentials.KeyTokenURL: srv.TokenURL(), credentials.KeyScope: cfg.Scope}}
}

func (h *harness) Open(ctx context.Context, opts ...connectors.Option) (connectors.Connector, error) {
	cred := basicCred(h.srv, h.product)
	if h.oauth {
		cred = oauthCred(h.srv, h.product)
	}
	all := []connectors.Option{connectors.WithHTTPClient(h.srv.Client()), oracle.WithPageSize(h.PageSize())}
	if h.product == oracle.ProductERP {
		all = append(all, oracle.WithExportJob("invoices", fake.DefaultExportJob, "#NULL"))
	}
	all = append(all, opts...)
	return oracle.NewProduct(ctx, h.product, cred, all...)
}

func (h *harness) Entity() string      { return h.entity }
func (h *harness) IDField() string     { return h.id }
func (h *harness) FilterField() string { return h.filt }
func (h *harness) PageSize() int       { return 20 }

func (h *harness) Seed(ctx context.Context, n int) ([]connectors.Record, error) {
	raw := h.srv.Seed(h.entity, n)
	out := make([]connectors.Record, len(raw))
	for i, r := range raw {
		out[i] = connectors.Record{h.id: r[h.id], h.filt: r[h.filt]}
	}
	return out, nil
}

func (h *harness) Inject(f connectortest.Fault, n int) bool { return h.srv.Inject(string(f), n) }
func (h *harness) Heal()                                    { h.srv.Heal() }

func (h *harness) TokenRequests() int {
	if !h.oauth {
		return -1
	}
	return h.srv.OAuth.Requests("")
}

func (h *harness) Secrets() []string { return h.srv.Secrets() }

func TestConformance(t *testing.T) {
	for _, tc := range []harness{
		{product: oracle.ProductHCM, entity: "workers", id: "PersonNumber", filt: "CountryOfBirth", oauth: true},
		{product: oracle.ProductHCM, entity: "workers", id: "PersonNumber", filt: "CountryOfBirth"},
		{product: oracle.ProductERP, entity: "invoices", id: "InvoiceNumber", filt: "InvoiceCurrency", oauth: true},
	} {
		name := tc.product + "/basic"
		if tc.oauth {
			name = tc.product + "/oauth"
		}
		t.Run(name, func(t *testing.T) {
			connectortest.Run(t, func(ctx context.Context, t *testing.T) (connectortest.Harness, error) {
				h := tc
				h.srv = fake.New(fake.Config{})
				t.Cleanup(h.srv.Close)
				return &h, nil
			})
		})
	}
}

// TestNoSharedWire: the connector and its fake share no wire types.
func TestNoSharedWire(t *testing.T) {
	connectortest.NoSharedWire(t, "github.com/xlr8/connectors/oracle", "github.com/xlr8/connectors/internal/fake/oracle")
}
