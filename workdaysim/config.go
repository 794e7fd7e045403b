package workdaysim

import (
	"fmt"
	"math"
	"time"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/workday/wdapi"
)

// Config is the simulation configuration: every field of the spec's
// WorkdaySimulationConfig, plus a random seed, a latency scale, the start of
// the simulated clock and a few knobs of this implementation. Start from
// DefaultConfig: the zero Config turns the manager-chain and balance checks
// off.
type Config struct {
	// BaseLatencyMS and LatencyVarianceMS give the latency of an operation
	// that has no range in OperationLatency (and of one page of an entity
	// read): base plus a uniform draw in [0, variance].
	BaseLatencyMS     int `json:"base_latency_ms"`
	LatencyVarianceMS int `json:"latency_variance_ms"`
	// WriteLatencyMultiplier multiplies that latency for writes.
	WriteLatencyMultiplier float64 `json:"write_latency_multiplier"`
	// OperationLatency maps a capability to its latency range. DefaultConfig
	// fills it with the spec's ranges; a capability missing from it uses the
	// base latency.
	OperationLatency map[string]LatencyRange `json:"operation_latency,omitempty"`
	// LatencyScale multiplies every latency: 0 turns latency off (the
	// default: unit tests and the quickstart run instantly), 1 is the
	// spec's latency, 0.1 a tenth of it.
	LatencyScale float64 `json:"latency_scale"`

	// FailureRate (0-1) is the share of calls that fail with
	// CONNECTOR_UNAVAILABLE or RATE_LIMITED; TimeoutRate the share that
	// fail with CONNECTOR_TIMEOUT. Injected failures change nothing.
	FailureRate float64 `json:"failure_rate"`
	TimeoutRate float64 `json:"timeout_rate"`

	// FixturePath is a folder of JSON or YAML fixture files; "" uses the
	// embedded fixtures.
	FixturePath string `json:"fixture_path"`

	// EnforceManagerChain makes approve refuse an approver outside the
	// employee's manager chain (INVALID_APPROVER).
	EnforceManagerChain bool `json:"enforce_manager_chain"`
	// EnforceBalanceCheck makes a time off request larger than the
	// available balance fail (INSUFFICIENT_BALANCE).
	EnforceBalanceCheck bool `json:"enforce_balance_check"`

	// Seed seeds the random source of latency and failure injection: the
	// same seed gives the same run.
	Seed uint64 `json:"seed"`
	// Start is the simulated clock's reading when the simulator opens (and
	// after Reset). Zero means DefaultStart.
	Start time.Time `json:"start,omitzero"`
	// PageSize is the number of records per page of an entity read (0: 100).
	PageSize int `json:"page_size,omitempty"`
	// AuditCapacity bounds the audit trail; the oldest events are dropped
	// first (0: 10,000).
	AuditCapacity int `json:"audit_capacity,omitempty"`
}

// LatencyRange is a latency range in milliseconds; a draw is uniform in it.
type LatencyRange struct {
	MinMS int `json:"min_ms"`
	MaxMS int `json:"max_ms"`
}

// DefaultStart is the simulated clock's default start: the spec's "today"
// (its examples are dated 2026-01-27).
var DefaultStart = time.Date(2026, time.January, 27, 9, 0, 0, 0, time.UTC)

// SpecLatency returns the spec's latency range of every capability.
func SpecLatency() map[string]LatencyRange {
	return map[string]LatencyRange{
		CapGetEmployee:       {50, 100},
		CapGetEmployeeFull:   {100, 150},
		CapListDirectReports: {100, 200},
		CapGetOrgChart:       {150, 250},
		CapGetManagerChain:   {100, 150},
		CapUpdateEmployee:    {200, 400},
		CapTerminateEmployee: {300, 500},
		CapGetBalance:        {50, 100},
		CapListRequests:      {100, 150},
		CapGetRequest:        {50, 100},
		CapRequestTimeOff:    {150, 250},
		CapApproveTimeOff:    {200, 300},
		CapCancelTimeOff:     {150, 250},
		CapGetCompensation:   {100, 150},
		CapGetPayStatement:   {100, 150},
		CapListPayStatements: {100, 150},
	}
}

// DefaultConfig returns the spec's defaults (base latency 50 ms, variance
// 50 ms, writes three times slower, no failures, both checks enforced, the
// spec's per-operation latency ranges) with latency turned off
// (LatencyScale 0) and seed 1.
func DefaultConfig() Config {
	return Config{
		BaseLatencyMS: 50, LatencyVarianceMS: 50, WriteLatencyMultiplier: 3.0,
		OperationLatency:    SpecLatency(),
		EnforceManagerChain: true, EnforceBalanceCheck: true,
		Seed: 1, Start: DefaultStart, PageSize: 100, AuditCapacity: 10000,
	}
}

// validate checks the configuration; the error is INVALID_ARGUMENT naming
// the field.
func (c Config) validate() error {
	bad := func(field, format string, args ...any) error {
		return validationError(field, fmt.Sprintf(format, args...))
	}
	rate := func(field string, v float64) error {
		if math.IsNaN(v) || v < 0 || v > 1 {
			return bad(field, "%v is not between 0 and 1", v)
		}
		return nil
	}
	switch {
	case c.BaseLatencyMS < 0:
		return bad("base_latency_ms", "%d is negative", c.BaseLatencyMS)
	case c.LatencyVarianceMS < 0:
		return bad("latency_variance_ms", "%d is negative", c.LatencyVarianceMS)
	case math.IsNaN(c.WriteLatencyMultiplier) || c.WriteLatencyMultiplier < 0 || math.IsInf(c.WriteLatencyMultiplier, 0):
		return bad("write_latency_multiplier", "%v is not a non-negative number", c.WriteLatencyMultiplier)
	case math.IsNaN(c.LatencyScale) || c.LatencyScale < 0 || math.IsInf(c.LatencyScale, 0):
		return bad("latency_scale", "%v is not a non-negative number", c.LatencyScale)
	case c.PageSize < 0:
		return bad("page_size", "%d is negative", c.PageSize)
	case c.AuditCapacity < 0:
		return bad("audit_capacity", "%d is negative", c.AuditCapacity)
	}
	if err := rate("failure_rate", c.FailureRate); err != nil {
		return err
	}
	if err := rate("timeout_rate", c.TimeoutRate); err != nil {
		return err
	}
	if c.FailureRate+c.TimeoutRate > 1 {
		return bad("timeout_rate", "failure_rate + timeout_rate is %v, more than 1", c.FailureRate+c.TimeoutRate)
	}
	for name, r := range c.OperationLatency {
		if _, ok := wdapi.Capability(name); !ok {
			return bad("operation_latency."+name, "no such capability")
		}
		if r.MinMS < 0 || r.MaxMS < r.MinMS {
			return bad("operation_latency."+name, "range [%d, %d] is not 0 <= min <= max", r.MinMS, r.MaxMS)
		}
	}
	return nil
}

// settings is what the simulator's vendor options set.
type settings struct {
	cfg      Config
	fixtures *Fixtures
}

// option is the simulator's vendor option value (see connectors.VendorOption).
type option func(*settings)

// WithConfig sets the whole simulation configuration (start from
// DefaultConfig). Later simulator options refine it.
func WithConfig(c Config) connectors.Option {
	c.OperationLatency = cloneLatency(c.OperationLatency)
	return connectors.VendorOption(option(func(s *settings) { s.cfg = c }))
}

// WithSeed sets the random seed of latency and failure injection.
func WithSeed(seed uint64) connectors.Option {
	return connectors.VendorOption(option(func(s *settings) { s.cfg.Seed = seed }))
}

// WithLatencyScale scales every simulated latency: 0 off, 1 the spec's.
func WithLatencyScale(scale float64) connectors.Option {
	return connectors.VendorOption(option(func(s *settings) { s.cfg.LatencyScale = scale }))
}

// WithFailures sets the failure and timeout rates (each 0-1).
func WithFailures(failureRate, timeoutRate float64) connectors.Option {
	return connectors.VendorOption(option(func(s *settings) { s.cfg.FailureRate, s.cfg.TimeoutRate = failureRate, timeoutRate }))
}

// WithStart sets the simulated clock's start.
func WithStart(t time.Time) connectors.Option {
	return connectors.VendorOption(option(func(s *settings) { s.cfg.Start = t }))
}

// WithFixtures makes the simulator start from f (a Generate'd organisation,
// or fixtures a test built) instead of the embedded fixtures or
// FixturePath. f is validated and copied; the simulator never changes it.
func WithFixtures(f *Fixtures) connectors.Option {
	return connectors.VendorOption(option(func(s *settings) { s.fixtures = f }))
}

func cloneLatency(m map[string]LatencyRange) map[string]LatencyRange {
	if m == nil {
		return nil
	}
	out := make(map[string]LatencyRange, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func resolveSettings(o connectors.Options) settings {
	s := settings{cfg: DefaultConfig()}
	for _, v := range o.Vendor {
		if f, ok := v.(option); ok {
			f(&s)
		}
	}
	if s.cfg.Start.IsZero() {
		s.cfg.Start = DefaultStart
	}
	if s.cfg.PageSize == 0 {
		s.cfg.PageSize = 100
	}
	if s.cfg.AuditCapacity == 0 {
		s.cfg.AuditCapacity = 10000
	}
	return s
}
