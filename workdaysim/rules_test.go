package workdaysim_test

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/workdaysim"
)

func as(id string, groups ...string) context.Context {
	return workdaysim.ContextWithPrincipal(context.Background(), connectors.Principal{ID: id, Groups: groups, Type: connectors.PrincipalHuman})
}

func pto(t *testing.T, sim *workdaysim.Simulator, emp string) workdaysim.Balance {
	t.Helper()
	b, err := sim.GetBalance(as(emp), workdaysim.GetBalanceRequest{EmployeeID: emp})
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range b.Balances {
		if x.Type == "PTO" {
			return x
		}
	}
	t.Fatalf("%s has no PTO balance", emp)
	return workdaysim.Balance{}
}

func hours(h float64) *float64 { return &h }

// TestBalanceLifecycle moves hours through request, approve and cancel.
func TestBalanceLifecycle(t *testing.T) {
	sim := newSim(t)
	start := pto(t, sim, "EMP001")
	if start.AvailableHours != 120 || start.UsedHours != 40 || start.PendingHours != 24 {
		t.Fatalf("fixture balance %+v", start)
	}
	sub, err := sim.RequestTimeOff(as("EMP001"), workdaysim.RequestTimeOffRequest{EmployeeID: "EMP001", Type: "PTO",
		StartDate: workdaysim.Date{Year: 2026, Month: 5, Day: 4}, EndDate: workdaysim.Date{Year: 2026, Month: 5, Day: 8}})
	if err != nil {
		t.Fatal(err)
	}
	if sub.EstimatedBalanceAfter != 80 || sub.Approver.EmployeeID != "EMP042" || sub.Status != "PENDING" {
		t.Errorf("submission %+v: want 40 default hours (5 weekdays) off 120, approver EMP042", sub)
	}
	if b := pto(t, sim, "EMP001"); b.AvailableHours != 80 || b.PendingHours != 64 || b.UsedHours != 40 {
		t.Errorf("after request: %+v", b)
	}
	// Carol (two levels up) may approve: she is in the chain.
	if _, err := sim.ApproveTimeOff(as("EMP100"), workdaysim.ApproveTimeOffRequest{RequestID: sub.RequestID, ApproverID: "EMP100"}); err != nil {
		t.Fatal(err)
	}
	if b := pto(t, sim, "EMP001"); b.AvailableHours != 80 || b.PendingHours != 24 || b.UsedHours != 80 {
		t.Errorf("after approve: %+v", b)
	}
	c, err := sim.CancelTimeOff(as("EMP001"), workdaysim.CancelTimeOffRequest{RequestID: sub.RequestID, Reason: "changed"})
	if err != nil {
		t.Fatal(err)
	}
	if c.HoursRestored != 40 || c.CancelledBy != "EMP001" {
		t.Errorf("cancellation %+v", c)
	}
	if b := pto(t, sim, "EMP001"); b != start {
		t.Errorf("after cancel: %+v, want the start %+v", b, start)
	}
	// An admin cancels the pending TOR-002 for Alice.
	c, err = sim.CancelTimeOff(as("EMP300", workdaysim.AdminGroup), workdaysim.CancelTimeOffRequest{RequestID: "TOR-002"})
	if err != nil || c.HoursRestored != 24 || c.CancelledBy != "EMP300" {
		t.Fatalf("admin cancel: %+v %v", c, err)
	}
	if b := pto(t, sim, "EMP001"); b.AvailableHours != 144 || b.PendingHours != 0 {
		t.Errorf("after admin cancel: %+v", b)
	}
	r, err := sim.GetRequest(as("EMP001"), workdaysim.GetRequestRequest{RequestID: "TOR-002"})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.History) != 2 || r.History[1].Action != "CANCELLED" || r.History[1].Actor != "EMP300" {
		t.Errorf("history %+v", r.History)
	}
	// With the balance check off, a request may overdraw.
	cfg := workdaysim.DefaultConfig()
	cfg.EnforceBalanceCheck = false
	loose, _ := workdaysim.New(workdaysim.WithConfig(cfg))
	sub, err = loose.RequestTimeOff(as("EMP001"), workdaysim.RequestTimeOffRequest{EmployeeID: "EMP001", Type: "PTO",
		StartDate: workdaysim.Date{Year: 2026, Month: 6, Day: 1}, EndDate: workdaysim.Date{Year: 2026, Month: 6, Day: 30}, Hours: hours(200)})
	if err != nil || sub.EstimatedBalanceAfter != -80 {
		t.Errorf("unchecked request: %+v %v", sub, err)
	}
	// With the chain check off, anyone may approve.
	cfg.EnforceManagerChain = false
	loose, _ = workdaysim.New(workdaysim.WithConfig(cfg))
	if _, err := loose.ApproveTimeOff(as("EMP401"), workdaysim.ApproveTimeOffRequest{RequestID: "TOR-002", ApproverID: "EMP401"}); err != nil {
		t.Errorf("unchecked approval: %v", err)
	}
}

// TestTransactionsTakeEffect: an update and a termination wait for their
// effective dates on the simulated clock.
func TestTransactionsTakeEffect(t *testing.T) {
	sim := newSim(t)
	ctx := as("EMP300", workdaysim.AdminGroup)
	title := "Staff Engineer"
	eff := workdaysim.Date{Year: 2026, Month: 2, Day: 1}
	up, err := sim.UpdateEmployee(ctx, workdaysim.UpdateEmployeeRequest{EmployeeID: "EMP001",
		Updates: workdaysim.EmployeeUpdates{Job: &workdaysim.JobUpdate{Title: &title}}, EffectiveDate: &eff, Reason: "Promotion"})
	if err != nil {
		t.Fatal(err)
	}
	if up.TransactionID != "TXN-20260127-001" || len(up.Changes) != 1 {
		t.Fatalf("update %+v", up)
	}
	term, err := sim.TerminateEmployee(ctx, workdaysim.TerminateEmployeeRequest{EmployeeID: "EMP001",
		TerminationDate: workdaysim.Date{Year: 2026, Month: 3, Day: 15}, ReasonCode: "VOLUNTARY_RESIGNATION"})
	if err != nil {
		t.Fatal(err)
	}
	if term.TransactionID != "TXN-20260127-002" || term.OffboardingFlowID != "FLOW-OFF-001" {
		t.Fatalf("termination %+v", term)
	}
	e, _ := sim.GetEmployee(ctx, workdaysim.GetEmployeeRequest{EmployeeID: "EMP001"})
	if e.Job.Title != "Senior Engineer" {
		t.Errorf("title before the effective date: %q", e.Job.Title)
	}
	sim.Clock().Set(time.Date(2026, 2, 1, 8, 0, 0, 0, time.UTC))
	e, _ = sim.GetEmployee(ctx, workdaysim.GetEmployeeRequest{EmployeeID: "EMP001"})
	if e == nil || e.Job.Title != "Staff Engineer" {
		t.Fatalf("title on the effective date: %+v", e)
	}
	if tx, _ := sim.Transaction(up.TransactionID); tx.Status != workdaysim.TxnCompleted {
		t.Errorf("update transaction %+v", tx)
	}
	// The next day's transactions are numbered from 001 again.
	mobile := "+1-555-7777"
	up2, err := sim.UpdateEmployee(ctx, workdaysim.UpdateEmployeeRequest{EmployeeID: "EMP003",
		Updates: workdaysim.EmployeeUpdates{Phone: &workdaysim.PhoneUpdate{Mobile: &mobile}}})
	if err != nil || up2.TransactionID != "TXN-20260201-001" || up2.EffectiveDate != (workdaysim.Date{Year: 2026, Month: 2, Day: 1}) {
		t.Fatalf("second update %+v %v", up2, err)
	}
	full, _ := sim.GetEmployeeFull(ctx, workdaysim.GetEmployeeRequest{EmployeeID: "EMP003"})
	if full.Phone.Mobile != mobile {
		t.Errorf("an update effective today applies at once: %+v", full.Phone)
	}
	sim.Clock().Advance(43 * 24 * time.Hour) // 2026-03-16
	_, err = sim.GetEmployee(ctx, workdaysim.GetEmployeeRequest{EmployeeID: "EMP001"})
	if e := asError(t, err); e.VendorCode != workdaysim.ErrCodeEmployeeInactive {
		t.Fatalf("after the termination date: %v", err)
	}
	full, _ = sim.GetEmployeeFull(ctx, workdaysim.GetEmployeeRequest{EmployeeID: "EMP001"})
	if full.Status != workdaysim.StatusTerminated || full.TerminationDate == nil || full.TerminationDate.String() != "2026-03-15" {
		t.Errorf("full record after termination: %+v", full)
	}
	dr, _ := sim.ListDirectReports(ctx, workdaysim.ListDirectReportsRequest{ManagerID: "EMP042"})
	if dr.Count != 1 || dr.DirectReports[0].EmployeeID != "EMP003" {
		t.Errorf("direct reports after termination: %+v", dr)
	}
	// Pay stops after the termination date: the statement of the period
	// starting 2026-03-16 is never paid.
	sim.Clock().Set(time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC))
	list, _ := sim.ListPayStatements(ctx, workdaysim.ListPayStatementsRequest{EmployeeID: "EMP001"})
	if list.Count != 5 || list.Statements[4].StatementID != "PAY-2026-05" {
		t.Errorf("statements of a leaver: %+v", list)
	}
	tot := sim.Totals()
	if tot.Transactions[workdaysim.TxnCompleted] != 3 || tot.Active != 10 {
		t.Errorf("totals %+v", tot)
	}
	sim.Reset()
	if len(sim.Transactions()) != 0 || len(sim.AuditTrail()) != 0 || !sim.Clock().Now().Equal(workdaysim.DefaultStart) {
		t.Errorf("Reset left transactions, audit events or the clock")
	}
	if e, err := sim.GetEmployee(ctx, workdaysim.GetEmployeeRequest{EmployeeID: "EMP001"}); err != nil || e.Job.Title != "Senior Engineer" {
		t.Errorf("after Reset: %+v %v", e, err)
	}
}

// TestPayrollAddsUp checks every statement of every fixture employee over
// two years: gross = earnings, total = deductions, net = gross - total, the
// YTD sums are running sums, and the list agrees with the statements.
func TestPayrollAddsUp(t *testing.T) {
	sim := newSim(t)
	sim.Clock().Set(time.Date(2027, 1, 10, 0, 0, 0, 0, time.UTC))
	ctx := as("EMP300")
	near := func(a, b float64) bool { return math.Abs(a-b) < 0.005 }
	fix, _ := workdaysim.EmbeddedFixtures()
	checked := 0
	for _, e := range fix.Employees {
		comp, err := sim.GetCompensation(ctx, workdaysim.GetCompensationRequest{EmployeeID: e.EmployeeID})
		if err != nil {
			t.Fatal(err)
		}
		c := comp.Compensation
		if !near(c.TotalCompensation, c.BaseSalary.Amount+c.BonusTarget.Amount+c.Equity.GrantValue) ||
			!near(c.BonusTarget.Amount, c.BaseSalary.Amount*c.BonusTarget.Percentage/100) {
			t.Errorf("%s compensation does not add up: %+v", e.EmployeeID, c)
		}
		for _, year := range []int{2025, 2026} {
			list, err := sim.ListPayStatements(ctx, workdaysim.ListPayStatementsRequest{EmployeeID: e.EmployeeID, Year: &year})
			if err != nil {
				t.Fatal(err)
			}
			var g, tx, n float64
			for _, sum := range list.Statements {
				st, err := sim.GetPayStatement(ctx, workdaysim.GetPayStatementRequest{EmployeeID: e.EmployeeID, StatementID: sum.StatementID})
				if err != nil {
					t.Fatal(err)
				}
				er, d := st.Earnings, st.Deductions
				taxes := d.FederalTax + d.StateTax + d.SocialSecurity + d.Medicare
				g, tx, n = g+er.Gross, tx+taxes, n+st.NetPay
				switch {
				case !near(er.Gross, er.Regular+er.Overtime+er.Bonus):
					t.Errorf("%s %s: gross %v", e.EmployeeID, st.StatementID, er)
				case !near(d.Total, taxes+d.HealthInsurance+d.Retirement401k):
					t.Errorf("%s %s: deductions %v", e.EmployeeID, st.StatementID, d)
				case !near(st.NetPay, er.Gross-d.Total):
					t.Errorf("%s %s: net %v", e.EmployeeID, st.StatementID, st.NetPay)
				case !near(st.YTD.Gross, g) || !near(st.YTD.Taxes, tx) || !near(st.YTD.Net, n):
					t.Errorf("%s %s: ytd %+v, running sums %v %v %v", e.EmployeeID, st.StatementID, st.YTD, g, tx, n)
				case sum.Gross != er.Gross || sum.Net != st.NetPay || sum.PayDate != st.PayDate:
					t.Errorf("%s %s: list entry %+v disagrees with the statement", e.EmployeeID, st.StatementID, sum)
				}
				checked++
			}
		}
	}
	if checked < 200 {
		t.Errorf("checked only %d statements", checked)
	}
}

func TestClockDrivesTimestamps(t *testing.T) {
	sim := newSim(t)
	at := time.Date(2026, 3, 2, 13, 45, 0, 0, time.UTC)
	sim.Clock().Set(at)
	sub, err := sim.RequestTimeOff(as("EMP003"), workdaysim.RequestTimeOffRequest{EmployeeID: "EMP003", Type: "SICK",
		StartDate: workdaysim.Date{Year: 2026, Month: 3, Day: 3}, EndDate: workdaysim.Date{Year: 2026, Month: 3, Day: 3}})
	if err != nil {
		t.Fatal(err)
	}
	if sub.SubmittedAt != "2026-03-02T13:45:00Z" {
		t.Errorf("submitted_at %s", sub.SubmittedAt)
	}
	b, _ := sim.GetBalance(as("EMP003"), workdaysim.GetBalanceRequest{EmployeeID: "EMP003"})
	if b.AsOfDate.String() != "2026-03-02" {
		t.Errorf("as_of_date default %s", b.AsOfDate)
	}
	// With a host clock, Set and Advance shift it.
	host := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	s2, _ := workdaysim.New(connectors.WithClock(func() time.Time { return host }))
	s2.Clock().Advance(time.Hour)
	if got := s2.Clock().Now(); !got.Equal(host.Add(time.Hour)) {
		t.Errorf("host clock advanced: %v", got)
	}
	host = host.Add(time.Minute)
	if got := s2.Clock().Now(); !got.Equal(host.Add(time.Hour)) {
		t.Errorf("host clock moves on: %v", got)
	}
	s2.Clock().Set(at)
	if got := s2.Clock().Now(); !got.Equal(at) {
		t.Errorf("host clock set: %v", got)
	}
}

func TestOrgChart(t *testing.T) {
	sim := newSim(t)
	ctx := as("EMP001")
	zero := 0
	chart, err := sim.GetOrgChart(ctx, workdaysim.GetOrgChartRequest{RootID: "EMP200", Depth: &zero})
	if err != nil || chart.TotalCount != 1 || len(chart.Root.Reports) != 0 {
		t.Fatalf("depth 0: %+v %v", chart, err)
	}
	chart, err = sim.GetOrgChart(ctx, workdaysim.GetOrgChartRequest{RootID: "DEPT-SALES"})
	if err != nil || chart.Root.EmployeeID != "EMP400" || chart.TotalCount != 3 {
		t.Fatalf("by organization: %+v %v", chart, err)
	}
	chart, _ = sim.GetOrgChart(ctx, workdaysim.GetOrgChartRequest{RootID: "EMP200", Depth: ptr(10)})
	if chart.TotalCount != 11 { // everyone but the terminated EMP099
		t.Errorf("whole company: %d", chart.TotalCount)
	}
	chain, _ := sim.GetManagerChain(ctx, workdaysim.GetManagerChainRequest{EmployeeID: "EMP200"})
	if d := cmp.Diff([]workdaysim.ChainLink{}, chain.Chain); d != "" {
		t.Errorf("the CEO's chain: %s", d)
	}
	e, _ := sim.GetEmployee(ctx, workdaysim.GetEmployeeRequest{EmployeeID: "EMP200"})
	out, _ := sim.Execute(ctx, workdaysim.CapGetEmployee, map[string]any{"employee_id": "EMP200"})
	if e.Manager != nil || out["manager"] != nil {
		t.Errorf("the CEO has a manager: %+v", e.Manager)
	}
}

func ptr[T any](v T) *T { return &v }
