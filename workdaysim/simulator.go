package workdaysim

import (
	"context"
	"errors"

	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/credentials"
	"github.com/xlr8/connectors/internal/connkit"
	"github.com/xlr8/connectors/internal/errs"
	"github.com/xlr8/connectors/workday/wdapi"
)

func init() {
	connectors.Register(Product, func(ctx context.Context, _ *credentials.Credential, opts ...connectors.Option) (connectors.Connector, error) {
		s, err := New(opts...)
		if err != nil {
			return nil, err
		}
		return s, nil
	})
}

// Simulator is the Workday simulator: a connectors.Connector over in-memory
// state, with the 16 capabilities of the spec as typed methods and through
// Execute. It is safe for concurrent use.
type Simulator struct {
	*connkit.Conn
	opts  connectors.Options
	cfg   Config
	be    *backend
	audit *connkit.Auditor
	trail *trail
}

// simDriver is the simulator as a driver on internal/connkit: the kit's
// adapter owns the port (lifecycle, query checks, paging, Resume, errors,
// Execute's dispatch and audit); the driver serves the in-memory state.
type simDriver struct{ s *Simulator }

var (
	_ connectors.Connector = (*Simulator)(nil)
	_ connkit.NativeParser = simDriver{}
	_ connkit.ErrorMapper  = simDriver{}
)

// backend is the state a simulator serves: the store (swapped whole by
// Reset and Load), the clock and the fault switches. Simulators made for
// the conformance harness share one backend.
type backend struct {
	st      atomic.Pointer[store]
	clock   *Clock
	start   time.Time
	faults  faults
	mu      sync.Mutex // guards initial
	initial *Fixtures
}

// New opens a simulator. Options: connectors.WithLogger, WithAudit,
// WithClock and WithProgress, and the simulator's own WithConfig,
// WithSeed, WithLatencyScale, WithFailures, WithStart and WithFixtures.
// A bad configuration or fixture folder is an INVALID_ARGUMENT error
// (VALIDATION_ERROR) naming the field, file or record.
func New(opts ...connectors.Option) (*Simulator, error) {
	o, err := connkit.ResolveOptions(Product, simDriver{}, opts...)
	if err != nil {
		return nil, err
	}
	set := resolveSettings(o)
	if err := set.cfg.validate(); err != nil {
		return nil, err
	}
	fix := set.fixtures
	switch {
	case fix != nil:
		if err = fix.Validate(); err != nil {
			return nil, err
		}
		fix = fix.Clone()
	case set.cfg.FixturePath != "":
		fix, err = LoadFixtures(set.cfg.FixturePath)
	default:
		fix, err = EmbeddedFixtures()
	}
	if err != nil {
		return nil, err
	}
	be := &backend{clock: newClock(set.cfg.Start, o.Clock), start: set.cfg.Start, initial: fix}
	be.faults.rng = rand.New(rand.NewPCG(set.cfg.Seed, set.cfg.Seed^0x9e3779b97f4a7c15))
	be.st.Store(newStore(fix))
	return newSimulator(o, set.cfg, be)
}

func newSimulator(o connectors.Options, cfg Config, be *backend) (*Simulator, error) {
	s := &Simulator{opts: o, cfg: cfg, be: be, trail: newTrail(cfg.AuditCapacity)}
	host := o.Audit
	s.audit = &connkit.Auditor{Product: Product, Logger: o.Logger, Now: be.clock.Now, AllowMissingType: o.AllowMissingPrincipalType,
		Hook: func(ctx context.Context, ev connectors.AuditEvent) {
			s.trail.add(ev)
			if host != nil {
				host(ctx, ev)
			}
		}}
	co := o
	co.Clock = be.clock.Now
	conn, err := connkit.New(simDriver{s}, connkit.Config{Product: Product, Options: co, Auditor: s.audit, Actions: []connkit.Action{
		mapAction(s, CapGetEmployee, (*store).getEmployeeMap),
		action(s, CapGetEmployeeFull, (*store).getEmployeeFull),
		action(s, CapListDirectReports, (*store).listDirectReports),
		action(s, CapGetOrgChart, (*store).getOrgChart),
		action(s, CapGetManagerChain, (*store).getManagerChain),
		action(s, CapUpdateEmployee, (*store).updateEmployee),
		action(s, CapTerminateEmployee, (*store).terminateEmployee),
		action(s, CapGetBalance, (*store).getBalance),
		action(s, CapListRequests, (*store).listRequests),
		action(s, CapGetRequest, (*store).getRequest),
		action(s, CapRequestTimeOff, (*store).requestTimeOff),
		action(s, CapApproveTimeOff, (*store).approveTimeOff),
		action(s, CapCancelTimeOff, (*store).cancelTimeOff),
		action(s, CapGetCompensation, (*store).getCompensation),
		action(s, CapGetPayStatement, (*store).getPayStatement),
		action(s, CapListPayStatements, (*store).listPayStatements),
	}})
	if err != nil {
		return nil, err
	}
	s.Conn = conn
	return s, nil
}

// session returns a simulator over the same backend with other options
// (the conformance harness opens one per test connector).
func (s *Simulator) session(opts ...connectors.Option) (*Simulator, error) {
	o, err := connkit.ResolveOptions(Product, simDriver{}, opts...)
	if err != nil {
		return nil, err
	}
	return newSimulator(o, s.cfg, s.be)
}

// op is an operation of the store.
type op[Req, Resp any] func(*store, env, Req) (*Resp, error)

// action binds an operation to its declared capability (wdapi's table):
// strict decoding of params into the request, then the same run as the
// typed method.
func action[Req, Resp any](s *Simulator, name string, fn op[Req, Resp]) connkit.Action {
	sp, _ := wdapi.Spec(name)
	return connkit.Bind(sp, func(ctx context.Context, p connectors.Principal, req Req) (*Resp, error) {
		return run(ctx, s, name, p, req, fn)
	})
}

// mapAction is action for an operation that gives its result rendered
// (from the store's cached views): Execute returns it as it is.
func mapAction[Req any](s *Simulator, name string, fn func(*store, env, Req) (map[string]any, error)) connkit.Action {
	sp, _ := wdapi.Spec(name)
	return connkit.BindMap(sp, func(ctx context.Context, p connectors.Principal, req Req) (map[string]any, error) {
		return run(ctx, s, name, p, req, fn)
	})
}

// run waits the simulated latency, injects the configured failures (which
// change nothing), then runs the operation on the current state.
func run[Req, Out any](ctx context.Context, s *Simulator, name string, p connectors.Principal, req Req, fn func(*store, env, Req) (Out, error)) (Out, error) {
	var zero Out
	c, _ := wdapi.Capability(name)
	if err := s.simulate(ctx, name, c.Write); err != nil {
		return zero, err
	}
	now := s.be.clock.Now()
	out, err := fn(s.be.st.Load(), env{now: now, today: connectors.DateOf(now), p: p, cfg: &s.cfg}, req)
	if err != nil {
		return zero, normalize(err)
	}
	return out, nil
}

// typed runs an operation for a typed method: the principal comes from the
// context (ContextWithPrincipal), the principal type is checked as Execute
// checks it, and the call is audited as Execute audits it.
func typed[Req, Resp any](ctx context.Context, s *Simulator, name string, req Req, fn op[Req, Resp]) (*Resp, error) {
	start := time.Now()
	c := capability(name)
	p := PrincipalFromContext(ctx)
	out, err := func() (*Resp, error) {
		if err := s.Check(); err != nil {
			return nil, err
		}
		if err := p.Validate(); err != nil {
			return nil, normalize(err)
		}
		if err := connkit.CheckPrincipalType(c, p, s.audit.AllowMissingType); err != nil {
			return nil, normalize(err)
		}
		if !c.Allows(p.Type) {
			return nil, notPermitted(name+" is not available to "+string(p.Type)+" principals",
				map[string]any{"principal_type": string(p.Type)})
		}
		return run(ctx, s, name, p, req, fn)
	}()
	var m map[string]any
	if err == nil && c.AuditLevel == connectors.AuditVerbose {
		m = connkit.EncodeMap(out)
	}
	s.audit.Record(ctx, c, p, m, err, start)
	return out, err
}

type principalKey struct{}

// ContextWithPrincipal returns a context carrying p, for the typed methods
// (Execute takes the principal from its params instead).
func ContextWithPrincipal(ctx context.Context, p connectors.Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFromContext returns the principal ContextWithPrincipal stored,
// or the zero Principal.
func PrincipalFromContext(ctx context.Context) connectors.Principal {
	p, _ := ctx.Value(principalKey{}).(connectors.Principal)
	return p
}

// ---- the driver ----

// Connect has nothing to authenticate.
func (simDriver) Connect(context.Context) error { return nil }

// Ping reports the simulator reachable and authenticated, unless an
// outage was injected.
func (d simDriver) Ping(context.Context) (connkit.Ping, error) {
	p := connkit.Ping{APIVersion: "v1 (simulated)"}
	if d.s.be.faults.outage() {
		p.Message = "simulated outage"
		return p, injected(ErrCodeConnectorUnavailable)
	}
	return p, nil
}

// MapError gives every error leaving the simulator a code of its table.
func (simDriver) MapError(e *errs.Error) *errs.Error {
	var out *errs.Error
	if errors.As(normalize(e), &out) {
		return out
	}
	return e
}

// Capabilities returns the 16 capabilities.
func (s *Simulator) Capabilities() []connectors.Capability { return Capabilities() }

// ---- typed methods, one per capability ----

// GetEmployee runs workday.hcm.get_employee.
func (s *Simulator) GetEmployee(ctx context.Context, req GetEmployeeRequest) (*Employee, error) {
	return typed(ctx, s, CapGetEmployee, req, (*store).getEmployee)
}

// GetEmployeeFull runs workday.hcm.get_employee_full.
func (s *Simulator) GetEmployeeFull(ctx context.Context, req GetEmployeeRequest) (*EmployeeFull, error) {
	return typed(ctx, s, CapGetEmployeeFull, req, (*store).getEmployeeFull)
}

// ListDirectReports runs workday.hcm.list_direct_reports.
func (s *Simulator) ListDirectReports(ctx context.Context, req ListDirectReportsRequest) (*DirectReports, error) {
	return typed(ctx, s, CapListDirectReports, req, (*store).listDirectReports)
}

// GetOrgChart runs workday.hcm.get_org_chart.
func (s *Simulator) GetOrgChart(ctx context.Context, req GetOrgChartRequest) (*OrgChart, error) {
	return typed(ctx, s, CapGetOrgChart, req, (*store).getOrgChart)
}

// GetManagerChain runs workday.hcm.get_manager_chain.
func (s *Simulator) GetManagerChain(ctx context.Context, req GetManagerChainRequest) (*ManagerChain, error) {
	return typed(ctx, s, CapGetManagerChain, req, (*store).getManagerChain)
}

// UpdateEmployee runs workday.hcm.update_employee.
func (s *Simulator) UpdateEmployee(ctx context.Context, req UpdateEmployeeRequest) (*UpdateEmployeeResponse, error) {
	return typed(ctx, s, CapUpdateEmployee, req, (*store).updateEmployee)
}

// TerminateEmployee runs workday.hcm.terminate_employee.
func (s *Simulator) TerminateEmployee(ctx context.Context, req TerminateEmployeeRequest) (*TerminateEmployeeResponse, error) {
	return typed(ctx, s, CapTerminateEmployee, req, (*store).terminateEmployee)
}

// GetBalance runs workday.time.get_balance.
func (s *Simulator) GetBalance(ctx context.Context, req GetBalanceRequest) (*Balances, error) {
	return typed(ctx, s, CapGetBalance, req, (*store).getBalance)
}

// ListRequests runs workday.time.list_requests.
func (s *Simulator) ListRequests(ctx context.Context, req ListRequestsRequest) (*RequestList, error) {
	return typed(ctx, s, CapListRequests, req, (*store).listRequests)
}

// GetRequest runs workday.time.get_request.
func (s *Simulator) GetRequest(ctx context.Context, req GetRequestRequest) (*TimeOffRequest, error) {
	return typed(ctx, s, CapGetRequest, req, (*store).getRequest)
}

// RequestTimeOff runs workday.time.request.
func (s *Simulator) RequestTimeOff(ctx context.Context, req RequestTimeOffRequest) (*TimeOffSubmission, error) {
	return typed(ctx, s, CapRequestTimeOff, req, (*store).requestTimeOff)
}

// ApproveTimeOff runs workday.time.approve.
func (s *Simulator) ApproveTimeOff(ctx context.Context, req ApproveTimeOffRequest) (*TimeOffApproval, error) {
	return typed(ctx, s, CapApproveTimeOff, req, (*store).approveTimeOff)
}

// CancelTimeOff runs workday.time.cancel.
func (s *Simulator) CancelTimeOff(ctx context.Context, req CancelTimeOffRequest) (*TimeOffCancellation, error) {
	return typed(ctx, s, CapCancelTimeOff, req, (*store).cancelTimeOff)
}

// GetCompensation runs workday.payroll.get_compensation.
func (s *Simulator) GetCompensation(ctx context.Context, req GetCompensationRequest) (*Compensation, error) {
	return typed(ctx, s, CapGetCompensation, req, (*store).getCompensation)
}

// GetPayStatement runs workday.payroll.get_pay_statement.
func (s *Simulator) GetPayStatement(ctx context.Context, req GetPayStatementRequest) (*PayStatement, error) {
	return typed(ctx, s, CapGetPayStatement, req, (*store).getPayStatement)
}

// ListPayStatements runs workday.payroll.list_pay_statements.
func (s *Simulator) ListPayStatements(ctx context.Context, req ListPayStatementsRequest) (*PayStatementList, error) {
	return typed(ctx, s, CapListPayStatements, req, (*store).listPayStatements)
}

// ---- host controls ----

// As sets target, a **Simulator, to s (connectors.As reaches the simulator
// under wrappers and through connectors.Open).
func (s *Simulator) As(target any) bool {
	if p, ok := target.(**Simulator); ok {
		*p = s
		return true
	}
	return s.Conn.As(target)
}

// Clock returns the simulated clock.
func (s *Simulator) Clock() *Clock { return s.be.clock }

// Config returns the simulation configuration in force.
func (s *Simulator) Config() Config {
	c := s.cfg
	c.OperationLatency = cloneLatency(c.OperationLatency)
	return c
}

// Reset returns the simulator to its fixtures as when it opened (or as the
// last Load gave them): the state, the clock (back to Config.Start), the
// transaction and request counters, the injected failures (healed) and
// the audit trail (emptied).
func (s *Simulator) Reset() {
	s.be.mu.Lock()
	fix := s.be.initial
	s.be.mu.Unlock()
	s.be.st.Store(newStore(fix))
	s.be.clock.reset(s.be.start)
	s.be.faults.heal()
	s.trail.clear()
}

// Load replaces the state with f (validated first; on error nothing
// changes) and makes f what Reset returns to. The clock is left alone.
func (s *Simulator) Load(f *Fixtures) error {
	if err := f.Validate(); err != nil {
		return err
	}
	c := f.Clone()
	s.be.mu.Lock()
	s.be.initial = c
	s.be.mu.Unlock()
	s.be.st.Store(newStore(c))
	return nil
}

// AuditTrail returns the audit events of this simulator's calls (Execute
// and the typed methods), oldest first: the last Config.AuditCapacity.
func (s *Simulator) AuditTrail() []connectors.AuditEvent { return s.trail.events() }

// Transaction returns an update or termination transaction by id.
func (s *Simulator) Transaction(id string) (Transaction, bool) {
	st := s.be.st.Load()
	s.settle(st)
	return st.transaction(id)
}

// Transactions returns every transaction, in creation order.
func (s *Simulator) Transactions() []Transaction {
	st := s.be.st.Load()
	s.settle(st)
	return st.transactions()
}

func (s *Simulator) settle(st *store) {
	st.read(s.be.clock.Today(), func() {})
}

// Totals returns counts and sums over the whole state (employees, requests
// by status, transactions by status, hours), for checks after a run.
func (s *Simulator) Totals() Totals {
	st := s.be.st.Load()
	s.settle(st)
	return st.totals()
}

// CheckInvariants verifies the state: every balance's pending hours equal
// its pending requests' hours, no balance is negative, every request and
// transaction names an employee. It returns the first violation.
func (s *Simulator) CheckInvariants() error { return s.be.st.Load().check() }

// InjectFailure makes the next n calls (Execute, the typed methods and
// entity pages) fail with code: CONNECTOR_UNAVAILABLE, CONNECTOR_TIMEOUT
// or RATE_LIMITED; n < 0 means until Heal. Failed calls change nothing.
// Any other code is a VALIDATION_ERROR.
func (s *Simulator) InjectFailure(code string, n int) error {
	switch code {
	case ErrCodeConnectorUnavailable, ErrCodeConnectorTimeout, ErrCodeRateLimited:
	default:
		return validationError("code", code+" is not CONNECTOR_UNAVAILABLE, CONNECTOR_TIMEOUT or RATE_LIMITED")
	}
	s.be.faults.force(code, n)
	return nil
}

// Heal ends every injected failure.
func (s *Simulator) Heal() { s.be.faults.heal() }

// ---- latency and failures ----

type faults struct {
	armed   atomic.Bool // a forced failure is set: lets calls skip the lock
	mu      sync.Mutex
	rng     *rand.Rand
	forced  string
	forcedN int // > 0: that many more; < 0: until heal
}

func (f *faults) force(code string, n int) {
	f.mu.Lock()
	f.forced, f.forcedN = code, n
	if n == 0 {
		f.forced = ""
	}
	f.armed.Store(f.forced != "")
	f.mu.Unlock()
}

func (f *faults) heal() { f.force("", 0) }

func (f *faults) outage() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.forced == ErrCodeConnectorUnavailable && f.forcedN < 0
}

// draw returns the latency of one call and the failure to inject ("" for
// none), from the seeded source.
func (f *faults) draw(cfg *Config, name string, write bool) (time.Duration, string) {
	if cfg.LatencyScale == 0 && cfg.FailureRate == 0 && cfg.TimeoutRate == 0 {
		if !f.armed.Load() {
			return 0, ""
		}
		f.mu.Lock()
		defer f.mu.Unlock()
		return 0, f.takeForced()
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var ms float64
	if r, ok := cfg.OperationLatency[name]; ok && name != "" {
		ms = float64(r.MinMS) + f.rng.Float64()*float64(r.MaxMS-r.MinMS)
	} else {
		ms = float64(cfg.BaseLatencyMS) + f.rng.Float64()*float64(cfg.LatencyVarianceMS)
		if write {
			ms *= cfg.WriteLatencyMultiplier
		}
	}
	delay := time.Duration(ms * cfg.LatencyScale * float64(time.Millisecond))
	if code := f.takeForced(); code != "" {
		return delay, code
	}
	if cfg.FailureRate == 0 && cfg.TimeoutRate == 0 {
		return delay, ""
	}
	switch x := f.rng.Float64(); {
	case x < cfg.TimeoutRate:
		return delay, ErrCodeConnectorTimeout
	case x < cfg.TimeoutRate+cfg.FailureRate:
		if f.rng.IntN(2) == 0 {
			return delay, ErrCodeRateLimited
		}
		return delay, ErrCodeConnectorUnavailable
	}
	return delay, ""
}

func (f *faults) takeForced() string {
	if f.forced == "" {
		return ""
	}
	code := f.forced
	if f.forcedN > 0 {
		f.forcedN--
		if f.forcedN == 0 {
			f.forced = ""
			f.armed.Store(false)
		}
	}
	return code
}

// simulate waits the latency of one call (respecting ctx) and returns the
// injected failure, if any.
func (s *Simulator) simulate(ctx context.Context, name string, write bool) error {
	delay, code := s.be.faults.draw(&s.cfg, name, write)
	if delay > 0 {
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return normalize(errs.FromContext(ctx.Err(), Product, name))
		case <-t.C:
		}
	}
	if code != "" {
		return injected(code)
	}
	return nil
}

func injected(code string) *connectors.Error {
	switch code {
	case ErrCodeConnectorTimeout:
		return newError(code, "Workday API timed out (simulated)", map[string]any{"simulated": true})
	case ErrCodeRateLimited:
		e := newError(code, "Too many requests (simulated)", map[string]any{"simulated": true, "retry_after_seconds": float64(1)})
		e.RetryAfter = time.Second
		return e
	}
	return newError(ErrCodeConnectorUnavailable, "Workday API is unavailable (simulated)", map[string]any{"simulated": true})
}

// ---- the audit trail ----

// trail is a bounded ring of audit events: it grows to its capacity, then
// overwrites the oldest.
type trail struct {
	mu       sync.Mutex
	capacity int
	buf      []connectors.AuditEvent
	head     int // index of the oldest event once full
}

func newTrail(capacity int) *trail {
	return &trail{capacity: capacity, buf: make([]connectors.AuditEvent, 0, min(capacity, 1024))}
}

func (t *trail) add(ev connectors.AuditEvent) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.buf) < t.capacity {
		t.buf = append(t.buf, ev)
		return
	}
	t.buf[t.head] = ev
	t.head = (t.head + 1) % t.capacity
}

func (t *trail) events() []connectors.AuditEvent {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]connectors.AuditEvent, 0, len(t.buf))
	out = append(out, t.buf[t.head:]...)
	return append(out, t.buf[:t.head]...)
}

func (t *trail) clear() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf, t.head = t.buf[:0], 0
}
