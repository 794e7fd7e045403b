package sap_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"sync"
	"testing"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/connectortest"
	"github.com/xlr8/connectors/credentials"
	fakesap "github.com/xlr8/connectors/internal/fake/sap"
	"github.com/xlr8/connectors/sap"
)

var (
	keyOnce sync.Once
	keyPEM  string
)

// testKey is one RSA key for every SAML assertion the tests sign.
func testKey(t testing.TB) string {
	keyOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		keyPEM = string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)}))
	})
	return keyPEM
}

// sfCred is an OAuth SAML bearer credential for the fake tenant.
func sfCred(t testing.TB, srv *fakesap.Server) *credentials.Credential {
	cfg := srv.Config()
	return &credentials.Credential{ID: "sf-test", ProductID: sap.SuccessFactors, InstanceURL: srv.URL, AuthType: credentials.AuthOAuth2,
		Secrets: credentials.Secrets{"grant_type": credentials.GrantSAML2Bearer, "client_id": cfg.ClientID, "company_id": cfg.CompanyID,
			"user_id": "sfadmin", "private_key": testKey(t), "token_url": srv.TokenURL()}}
}

// s4Cred is an OAuth client-credentials credential for the fake system.
func s4Cred(srv *fakesap.Server) *credentials.Credential {
	cfg := srv.Config()
	return &credentials.Credential{ID: "s4-test", ProductID: sap.S4HANA, InstanceURL: srv.URL, AuthType: credentials.AuthOAuth2,
		Secrets: credentials.Secrets{"grant_type": credentials.GrantClientCredentials, "client_id": cfg.ClientID,
			"client_secret": cfg.ClientSecret, "token_url": srv.TokenURL(), "sap_client": "100"}}
}

type sfHarness struct {
	t    testing.TB
	srv  *fakesap.Server
	opts []connectors.Option
}

func (h *sfHarness) Open(ctx context.Context, opts ...connectors.Option) (connectors.Connector, error) {
	all := append([]connectors.Option{connectors.WithHTTPClient(h.srv.Client())}, h.opts...)
	return sap.NewSuccessFactors(ctx, sfCred(h.t, h.srv), append(all, opts...)...)
}
func (h *sfHarness) Entity() string      { return "User" }
func (h *sfHarness) IDField() string     { return "userId" }
func (h *sfHarness) FilterField() string { return "department" }
func (h *sfHarness) PageSize() int       { return h.srv.Config().PageSize }
func (h *sfHarness) Seed(ctx context.Context, n int) ([]connectors.Record, error) {
	rows := h.srv.SeedWorkers(n)
	out := make([]connectors.Record, len(rows))
	for i, r := range rows {
		out[i] = connectors.Record{"userId": r["userId"], "department": r["department"]}
	}
	return out, nil
}
func (h *sfHarness) Inject(f connectortest.Fault, n int) bool { return h.srv.Inject(string(f), n) }
func (h *sfHarness) Heal()                                    { h.srv.Heal() }
func (h *sfHarness) TokenRequests() int                       { return h.srv.OAuth.Requests("") }
func (h *sfHarness) Secrets() []string {
	return append([]string{testKey(h.t)}, h.srv.OAuth.Issued()...)
}

type s4Harness struct {
	srv  *fakesap.Server
	opts []connectors.Option
}

func (h *s4Harness) Open(ctx context.Context, opts ...connectors.Option) (connectors.Connector, error) {
	all := append([]connectors.Option{connectors.WithHTTPClient(h.srv.Client()), sap.WithPageSize(40)}, h.opts...)
	return sap.NewS4HANA(ctx, s4Cred(h.srv), append(all, opts...)...)
}
func (h *s4Harness) Entity() string      { return "API_BUSINESS_PARTNER/A_BusinessPartner" }
func (h *s4Harness) IDField() string     { return "BusinessPartner" }
func (h *s4Harness) FilterField() string { return "Industry" }
func (h *s4Harness) PageSize() int       { return 40 }
func (h *s4Harness) Seed(ctx context.Context, n int) ([]connectors.Record, error) {
	rows := h.srv.SeedPartners(n)
	out := make([]connectors.Record, len(rows))
	for i, r := range rows {
		out[i] = connectors.Record{"BusinessPartner": r["BusinessPartner"], "Industry": r["Industry"]}
	}
	return out, nil
}
func (h *s4Harness) Inject(f connectortest.Fault, n int) bool { return h.srv.Inject(string(f), n) }
func (h *s4Harness) Heal()                                    { h.srv.Heal() }
func (h *s4Harness) TokenRequests() int                       { return h.srv.OAuth.Requests("") }
func (h *s4Harness) Secrets() []string {
	return append([]string{h.srv.Config().ClientSecret}, h.srv.OAuth.Issued()...)
}

func newSF(t *testing.T, cfg fakesap.Config) *fakesap.Server {
	cfg.Product = fakesap.SuccessFactors
	srv := fakesap.New(cfg)
	t.Cleanup(srv.Close)
	return srv
}

func newS4(t *testing.T, cfg fakesap.Config) *fakesap.Server {
	cfg.Product = fakesap.S4HANA
	if cfg.SAPClient == "" {
		cfg.SAPClient = "100"
	}
	srv := fakesap.New(cfg)
	t.Cleanup(srv.Close)
	return srv
}

func TestConformanceSuccessFactors(t *testing.T) {
	connectortest.Run(t, func(ctx context.Context, t *testing.T) (connectortest.Harness, error) {
		return &sfHarness{t: t, srv: newSF(t, fakesap.Config{PageSize: 50})}, nil
	})
}

func TestConformanceS4HANA(t *testing.T) {
	connectortest.Run(t, func(ctx context.Context, t *testing.T) (connectortest.Harness, error) {
		return &s4Harness{srv: newS4(t, fakesap.Config{})}, nil
	})
}

// ActionSamples runs each S/4 capability once in the suite's ActionSchemas
// test (the update needs a seeded record: the wire tests cover it).
func (h *s4Harness) ActionSamples() map[string]map[string]any {
	return map[string]map[string]any{
		sap.ActionCreate: {"entity": "API_BUSINESS_PARTNER/A_BusinessPartner",
			"record": map[string]any{"BusinessPartner": "9000001", "BusinessPartnerCategory": "2"}},
		sap.ActionBatch: {"service": "API_BUSINESS_PARTNER", "reads": []any{map[string]any{"path": "A_BusinessPartner?$top=1"}}},
		sap.ActionBAPI:  {"name": "BAPI_USER_GET_DETAIL", "params": map[string]any{"USERNAME": "JDOE"}},
	}
}

func TestNoSharedWire(t *testing.T) {
	connectortest.NoSharedWire(t, "github.com/xlr8/connectors/sap", "github.com/xlr8/connectors/internal/fake/sap")
}
