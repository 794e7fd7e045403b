package ukg_test

import (
	"context"
	"testing"
	"time"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/connectortest"
	"github.com/xlr8/connectors/credentials"
	fakeukg "github.com/xlr8/connectors/internal/fake/ukg"
	"github.com/xlr8/connectors/ukg"
)

const testPageSize = 7

func newFake(t *testing.T, cfg fakeukg.Config) *fakeukg.Server {
	t.Helper()
	if cfg.PageSize == 0 {
		cfg.PageSize = testPageSize
	}
	srv := fakeukg.New(cfg)
	t.Cleanup(srv.Close)
	return srv
}

func proCred(srv *fakeukg.Server) *credentials.Credential {
	c := srv.Config()
	return &credentials.Credential{ID: "ukg-pro-" + srv.URL, ProductID: ukg.ProductPro, InstanceURL: srv.URL, AuthType: credentials.AuthRaaS,
		Secrets: credentials.Secrets{"username": c.ProUser, "password": c.ProPassword, "customer_api_key": c.CustomerAPIKey, "api_key": c.UserAPIKey}}
}

func wfmCred(srv *fakeukg.Server) *credentials.Credential {
	c := srv.Config()
	s := credentials.Secrets{"username": c.WFMUser, "password": c.WFMPassword, "client_id": c.WFMClientID, "client_secret": c.WFMClientSecret,
		"grant_type": "password"}
	if c.AppKey != "" {
		s["appkey"] = c.AppKey
	}
	return &credentials.Credential{ID: "ukg-wfm-" + srv.URL, ProductID: ukg.ProductWFM, InstanceURL: srv.URL, AuthType: credentials.AuthOAuth2, Secrets: s}
}

func readyCred(srv *fakeukg.Server) *credentials.Credential {
	c := srv.Config()
	return &credentials.Credential{ID: "ukg-ready-" + srv.URL, ProductID: ukg.ProductReady, InstanceURL: srv.URL, AuthType: credentials.AuthAPIKey,
		Secrets: credentials.Secrets{"api_key": c.ReadyAPIKey, "username": c.ReadyUser, "password": c.ReadyPassword, "company": c.ReadyCompany}}
}

func open(t *testing.T, srv *fakeukg.Server, cred *credentials.Credential, opts ...connectors.Option) connectors.Connector {
	t.Helper()
	all := append([]connectors.Option{connectors.WithHTTPClient(srv.Client()), ukg.WithPageSize(srv.Config().PageSize),
		ukg.WithReportPoll(time.Millisecond, 5*time.Millisecond)}, opts...)
	c, err := ukg.New(t.Context(), cred, all...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// harness runs the conformance suite over one product of the fake.
type harness struct {
	srv     *fakeukg.Server
	cred    *credentials.Credential
	entity  string
	id      string
	filter  string
	seed    func(n int) []map[string]any
	tokens  func() int
	secrets func() []string
	samples map[string]map[string]any
}

// ActionSamples gives the suite params for every capability, run against
// the fake and checked against the capabilities' schemas.
func (h *harness) ActionSamples() map[string]map[string]any { return h.samples }

func (h *harness) Open(ctx context.Context, opts ...connectors.Option) (connectors.Connector, error) {
	all := append([]connectors.Option{connectors.WithHTTPClient(h.srv.Client()), ukg.WithPageSize(h.srv.Config().PageSize)}, opts...)
	return ukg.New(ctx, h.cred, all...)
}

func (h *harness) Entity() string      { return h.entity }
func (h *harness) IDField() string     { return h.id }
func (h *harness) FilterField() string { return h.filter }
func (h *harness) PageSize() int       { return h.srv.Config().PageSize }

func (h *harness) Seed(_ context.Context, n int) ([]connectors.Record, error) {
	raw := h.seed(n)
	out := make([]connectors.Record, len(raw))
	for i, r := range raw {
		out[i] = r
	}
	return out, nil
}

// Inject: no UKG product advertises a total, so short_total is refused.
func (h *harness) Inject(f connectortest.Fault, n int) bool {
	if f == connectortest.FaultShortTotal {
		return false
	}
	return h.srv.Inject(string(f), n)
}

func (h *harness) Heal()              { h.srv.Heal() }
func (h *harness) TokenRequests() int { return h.tokens() }
func (h *harness) Secrets() []string  { return h.secrets() }

func TestConformancePro(t *testing.T) {
	connectortest.Run(t, func(ctx context.Context, t *testing.T) (connectortest.Harness, error) {
		srv := newFake(t, fakeukg.Config{})
		c := srv.Config()
		srv.SetReport(latinReport)
		srv.SeedPro("employee-employment-details", 3)
		srv.SeedPro("earnings-history-base-elements", 3)
		return &harness{srv: srv, cred: proCred(srv), entity: "person-details", id: "employeeId", filter: "addressState",
			samples: map[string]map[string]any{
				"ukg.pro.execute_report":         {"report_path": latinReport.Path},
				"ukg.pro.list_available_reports": {},
				"ukg.pro.get_report_parameters":  {"report_path": latinReport.Path},
				"ukg.pro.get_employees":          {"status": "A"},
				"ukg.pro.get_earnings":           {"start_date": "2024-01-01", "end_date": "2024-03-31"},
			},
			seed:    func(n int) []map[string]any { return srv.SeedPro("person-details", n) },
			tokens:  func() int { return -1 },
			secrets: func() []string { return []string{c.ProPassword, c.CustomerAPIKey, c.UserAPIKey} }}, nil
	})
}

func TestConformanceWFM(t *testing.T) {
	connectortest.Run(t, func(ctx context.Context, t *testing.T) (connectortest.Harness, error) {
		srv := newFake(t, fakeukg.Config{})
		c := srv.Config()
		return &harness{srv: srv, cred: wfmCred(srv), entity: "persons", id: "personNumber", filter: "employmentStatus",
			samples: map[string]map[string]any{
				"ukg.wfm.get_timecards": {"start_date": "2024-01-01", "end_date": "2024-01-07"},
				"ukg.wfm.get_schedules": {"start_date": "2024-01-01", "end_date": "2024-01-07"},
				"ukg.wfm.get_accruals":  {"as_of": "2024-03-31"},
			},
			seed:    srv.SeedPersons,
			tokens:  func() int { return srv.TokenRequests("") },
			secrets: func() []string { return append([]string{c.WFMPassword, c.WFMClientSecret}, srv.Issued()...) }}, nil
	})
}

func TestConformanceReady(t *testing.T) {
	connectortest.Run(t, func(ctx context.Context, t *testing.T) (connectortest.Harness, error) {
		srv := newFake(t, fakeukg.Config{})
		c := srv.Config()
		srv.SetReadyReport("saved/55", []string{"Employee Id", " Cost Center Full Path"}, [][]string{{"E0001", "/Acme"}})
		return &harness{srv: srv, cred: readyCred(srv), entity: "employees", id: "id", filter: "ein_name",
			samples: map[string]map[string]any{"ukg.ready.run_report": {"kind": "saved", "id": "55"}},
			seed:    srv.SeedReadyEmployees,
			tokens:  srv.ReadyLogins,
			secrets: func() []string { return append([]string{c.ReadyAPIKey, c.ReadyPassword}, srv.Issued()...) }}, nil
	})
}

func TestFakeSharesNoWireTypes(t *testing.T) {
	connectortest.NoSharedWire(t, "github.com/xlr8/connectors/ukg", "github.com/xlr8/connectors/internal/fake/ukg")
}
