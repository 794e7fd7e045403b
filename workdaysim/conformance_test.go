package workdaysim

import (
	"context"
	"errors"
	"testing"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/connectortest"
)

// harness runs the conformance suite on the simulator: every connector the
// suite opens is a session over the harness's one backend, so Seed and
// Inject act on the state the connector reads.
type harness struct {
	sim *Simulator
}

func (h *harness) Open(ctx context.Context, opts ...connectors.Option) (connectors.Connector, error) {
	sim, err := h.sim.session(opts...)
	if err != nil {
		return nil, err
	}
	return sim, nil
}

func (h *harness) Entity() string      { return EntityWorkers }
func (h *harness) IDField() string     { return "employee_id" }
func (h *harness) FilterField() string { return "department" }
func (h *harness) PageSize() int       { return h.sim.cfg.PageSize }

// Seed replaces the workers (and everything else) with n generated ones.
func (h *harness) Seed(ctx context.Context, n int) ([]connectors.Record, error) {
	f := Generate(n, uint64(n))
	if err := h.sim.Load(f); err != nil {
		return nil, err
	}
	out := make([]connectors.Record, len(f.Employees))
	for i, e := range f.Employees {
		out[i] = connectors.Record{"employee_id": e.EmployeeID, "department": e.Job.Department}
	}
	return out, nil
}

// Inject supports the outage (entity reads fail with CONNECTOR_UNAVAILABLE,
// retryable, until Heal); the other faults are HTTP-level and belong to the
// HTTP handler's harness.
func (h *harness) Inject(f connectortest.Fault, n int) bool {
	if f != connectortest.FaultOutage {
		return false
	}
	return h.sim.InjectFailure(ErrCodeConnectorUnavailable, -1) == nil
}

func (h *harness) Heal()              { h.sim.Heal() }
func (h *harness) TokenRequests() int { return -1 }
func (h *harness) Secrets() []string  { return nil }

func TestConformance(t *testing.T) {
	connectortest.Run(t, func(ctx context.Context, t *testing.T) (connectortest.Harness, error) {
		cfg := DefaultConfig()
		cfg.PageSize = 10
		sim, err := New(WithConfig(cfg))
		if err != nil {
			return nil, err
		}
		return &harness{sim: sim}, nil
	})
}

// AsTest: connectors.As reaches the *Simulator.
func (h *harness) AsTest(c connectors.Connector) error {
	var sim *Simulator
	if !connectors.As(c, &sim) || sim == nil {
		return errors.New("connectors.As did not give the *Simulator")
	}
	return nil
}

// ActionSamples are reads over the embedded fixtures.
func (h *harness) ActionSamples() map[string]map[string]any {
	return map[string]map[string]any{
		CapGetEmployee:       {"employee_id": "EMP001"},
		CapGetEmployeeFull:   {"employee_id": "EMP001"},
		CapListDirectReports: {"manager_id": "EMP001"},
		CapGetOrgChart:       {"root_id": "EMP001", "depth": 2.0},
		CapGetManagerChain:   {"employee_id": "EMP003"},
		CapGetBalance:        {"employee_id": "EMP003"},
		CapListRequests:      {"employee_id": "EMP003"},
	}
}
