package workday_test

import (
	"context"
	"testing"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/connectortest"
	"github.com/xlr8/connectors/workday"
	"github.com/xlr8/connectors/workdaysim"
)

// harness runs the conformance suite against the real connector over the
// simulator's HTTP handler, with the fault injector around the handler.
type harness struct {
	w *wire
}

func (h *harness) Open(ctx context.Context, opts ...connectors.Option) (connectors.Connector, error) {
	all := append([]connectors.Option{connectors.WithHTTPClient(h.w.srv.Client()), workday.WithPageSize(10)}, opts...)
	return workday.New(ctx, h.w.handler.Credential(h.w.srv.URL), all...)
}

func (h *harness) Entity() string      { return workday.EntityWorkers }
func (h *harness) IDField() string     { return "workerId" }
func (h *harness) FilterField() string { return "primaryJob.supervisoryOrganization.descriptor" }
func (h *harness) PageSize() int       { return 10 }

func (h *harness) Seed(ctx context.Context, n int) ([]connectors.Record, error) {
	f := workdaysim.Generate(n, uint64(n))
	if err := h.w.sim.Load(f); err != nil {
		return nil, err
	}
	out := make([]connectors.Record, len(f.Employees))
	for i, e := range f.Employees {
		out[i] = connectors.Record{"workerId": e.EmployeeID, "primaryJob.supervisoryOrganization.descriptor": e.Job.Department}
	}
	return out, nil
}

func (h *harness) Inject(f connectortest.Fault, n int) bool {
	if f == connectortest.FaultShortTotal {
		h.w.handler.InflateTotal(5)
		return true
	}
	return h.w.faults.Conformance(string(f), n)
}

func (h *harness) Heal() {
	h.w.faults.Clear()
	h.w.handler.InflateTotal(0)
}

func (h *harness) TokenRequests() int { return h.w.handler.TokenRequests() }

func (h *harness) Secrets() []string {
	cfg := h.w.handler.Config()
	return append([]string{cfg.ClientSecret, cfg.RefreshToken, cfg.Password}, h.w.handler.Issued()...)
}

// TestConformance runs connectortest over HTTP: the real connector, the
// simulator's handler, the suite's faults injected on the wire.
func TestConformance(t *testing.T) {
	connectortest.Run(t, func(ctx context.Context, t *testing.T) (connectortest.Harness, error) {
		return &harness{w: newWire(t, newSim(t))}, nil
	})
}
