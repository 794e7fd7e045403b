package salesforce_test

import (
	"context"
	"errors"
	"testing"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/connectortest"
	"github.com/xlr8/connectors/credentials"
	fakesf "github.com/xlr8/connectors/internal/fake/salesforce"
	"github.com/xlr8/connectors/salesforce"
)

// harness runs the conformance suite against the fake org.
type harness struct {
	srv *fakesf.Server
}

func refreshCred(srv *fakesf.Server) *credentials.Credential {
	cfg := srv.Config()
	return &credentials.Credential{ID: "sf-test", ProductID: "salesforce", InstanceURL: srv.URL, AuthType: credentials.AuthOAuth2,
		Secrets: credentials.Secrets{"client_id": cfg.ClientID, "client_secret": cfg.ClientSecret,
			"refresh_token": srv.CurrentRefreshToken(), "token_url": srv.TokenURL()}}
}

func (h *harness) Open(ctx context.Context, opts ...connectors.Option) (connectors.Connector, error) {
	all := append([]connectors.Option{connectors.WithHTTPClient(h.srv.Client())}, opts...)
	return salesforce.New(ctx, refreshCred(h.srv), all...)
}

func (h *harness) Entity() string      { return "Account" }
func (h *harness) IDField() string     { return "Id" }
func (h *harness) FilterField() string { return "Industry" }
func (h *harness) PageSize() int       { return h.srv.Config().PageSize }

func (h *harness) Seed(ctx context.Context, n int) ([]connectors.Record, error) {
	raw := h.srv.Seed("Account", n)
	out := make([]connectors.Record, len(raw))
	for i, r := range raw {
		out[i] = r
	}
	return out, nil
}

func (h *harness) Inject(f connectortest.Fault, n int) bool {
	if f == connectortest.FaultShortTotal {
		h.srv.InflateTotal(5)
		return true
	}
	return h.srv.Faults.Conformance(string(f), n)
}

func (h *harness) Heal() {
	h.srv.Faults.Clear()
	h.srv.InflateTotal(0)
}

func (h *harness) TokenRequests() int { return h.srv.TokenRequests("") }

func (h *harness) Secrets() []string {
	cfg := h.srv.Config()
	return append([]string{cfg.ClientSecret, cfg.RefreshToken}, h.srv.Issued()...)
}

// AsTest: connectors.As reaches the *salesforce.Connector.
func (h *harness) AsTest(c connectors.Connector) error {
	var sf *salesforce.Connector
	if !connectors.As(c, &sf) || sf == nil {
		return errors.New("connectors.As did not give the *salesforce.Connector")
	}
	return nil
}

// ActionSamples are reads the fake org serves.
func (h *harness) ActionSamples() map[string]map[string]any {
	return map[string]map[string]any{
		salesforce.ActionSOQLQuery:       {"query": "SELECT Id, Name FROM Account", "max_records": 5.0},
		salesforce.ActionSObjectDescribe: {"sobject": "Account"},
		salesforce.ActionSObjectList:     {},
		salesforce.ActionLimitsGet:       {},
	}
}

func TestConformance(t *testing.T) {
	connectortest.Run(t, func(ctx context.Context, t *testing.T) (connectortest.Harness, error) {
		srv := fakesf.New(fakesf.Config{PageSize: 200})
		t.Cleanup(srv.Close)
		return &harness{srv: srv}, nil
	})
}

// TestFakeSharesNoWireTypes: the client and internal/fake/salesforce share
// no wire-type package.
func TestFakeSharesNoWireTypes(t *testing.T) {
	connectortest.NoSharedWire(t, "github.com/xlr8/connectors/salesforce", "github.com/xlr8/connectors/internal/fake/salesforce")
}
