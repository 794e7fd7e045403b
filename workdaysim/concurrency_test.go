package workdaysim_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/workdaysim"
)

// TestConcurrentMixedWorkload runs 100 goroutines mixing reads and writes
// through Execute, the typed methods and Get on one simulator, then checks
// every invariant: hours are conserved (available + pending + used per
// balance), request counts by status match what the goroutines did, a
// contested approval succeeds exactly once, and the state's own check
// passes. Run it with -race.
func TestConcurrentMixedWorkload(t *testing.T) {
	fix := workdaysim.Generate(400, 7)
	sim, err := workdaysim.New(workdaysim.WithFixtures(fix))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	before := sim.Totals()
	conserved := before.AvailableHours + before.PendingHours + before.UsedHours

	managerOf := map[string]string{}
	for _, e := range fix.Employees {
		managerOf[e.EmployeeID] = e.ManagerID
	}
	var staff []string
	for _, e := range fix.Employees {
		if e.ManagerID != "" {
			staff = append(staff, e.EmployeeID)
		}
	}

	// Contested requests: every goroutine tries to approve each.
	var contested []string
	for i := 0; i < 10; i++ {
		emp := staff[i]
		out, err := sim.Execute(ctx, workdaysim.CapRequestTimeOff, map[string]any{"employee_id": emp, "type": "SICK",
			"start_date": "2026-09-01", "end_date": "2026-09-01", "hours": 1.0, connectors.ParamPrincipal: emp, connectors.ParamType: "HUMAN"})
		if err != nil {
			t.Fatal(err)
		}
		contested = append(contested, out["request_id"].(string))
	}
	var contestWins [10]atomic.Int32

	const workers = 100
	var created, approved, cancelled, stillPending atomic.Int64
	var wg sync.WaitGroup
	errc := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 99))
			fail := func(format string, args ...any) {
				errc <- fmt.Errorf("worker %d: "+format, append([]any{w}, args...)...)
			}
			for i := 0; i < 20; i++ {
				emp := staff[rng.IntN(len(staff))]
				switch rng.IntN(6) {
				case 0: // read through Execute
					if _, err := sim.Execute(ctx, workdaysim.CapGetEmployee, map[string]any{"employee_id": emp}); err != nil {
						fail("get_employee: %v", err)
					}
					if _, err := sim.Execute(ctx, workdaysim.CapGetOrgChart, map[string]any{"root_id": emp, "depth": 2.0}); err != nil {
						fail("get_org_chart: %v", err)
					}
				case 1: // read through the typed methods and Get
					if _, err := sim.ListRequests(ctx, workdaysim.ListRequestsRequest{EmployeeID: emp}); err != nil {
						fail("list_requests: %v", err)
					}
					n, err := connectors.Count(sim.Get(ctx, connectors.Query{Entity: workdaysim.EntityTimeOffBalances, Where: connectors.Eq("employee_id", emp)}))
					if err != nil || n != 2 {
						fail("balances of %s: %d %v", emp, n, err)
					}
				case 2: // an update
					mobile := fmt.Sprintf("+1-555-%04d", rng.IntN(10000))
					_, err := sim.UpdateEmployee(as("hr", workdaysim.AdminGroup), workdaysim.UpdateEmployeeRequest{EmployeeID: emp,
						Updates: workdaysim.EmployeeUpdates{Phone: &workdaysim.PhoneUpdate{Mobile: &mobile}}})
					if err != nil && connectors.CodeOf(err) != connectors.CodeInvalidArgument {
						fail("update: %v", err)
					}
				case 3: // contest an approval
					k := rng.IntN(len(contested))
					r, _ := sim.GetRequest(ctx, workdaysim.GetRequestRequest{RequestID: contested[k]})
					mgr := managerOf[r.EmployeeID]
					_, err := sim.ApproveTimeOff(as(mgr), workdaysim.ApproveTimeOffRequest{RequestID: contested[k], ApproverID: mgr})
					switch {
					case err == nil:
						contestWins[k].Add(1)
					case connectors.CodeOf(err) != connectors.CodeConflict:
						fail("contested approve: %v", err)
					}
				default: // request, then approve and/or cancel, own request
					h := float64(1 + rng.IntN(4))
					out, err := sim.Execute(ctx, workdaysim.CapRequestTimeOff, map[string]any{"employee_id": emp, "type": "PTO",
						"start_date": "2026-10-05", "end_date": "2026-10-05", "hours": h, connectors.ParamPrincipal: emp, connectors.ParamType: "HUMAN"})
					if err != nil {
						if connectors.CodeOf(err) != connectors.CodeInvalidArgument {
							fail("request: %v", err)
						}
						continue
					}
					created.Add(1)
					id := out["request_id"].(string)
					state := "PENDING"
					if rng.IntN(2) == 0 {
						mgr := managerOf[emp]
						if _, err := sim.ApproveTimeOff(as(mgr), workdaysim.ApproveTimeOffRequest{RequestID: id, ApproverID: mgr}); err != nil {
							fail("approve own: %v", err)
						}
						state = "APPROVED"
					}
					if rng.IntN(2) == 0 {
						c, err := sim.CancelTimeOff(as(emp), workdaysim.CancelTimeOffRequest{RequestID: id})
						if err != nil || c.HoursRestored != h {
							fail("cancel own: %+v %v", c, err)
						}
						if _, err := sim.CancelTimeOff(as(emp), workdaysim.CancelTimeOffRequest{RequestID: id}); connectors.CodeOf(err) != connectors.CodeConflict {
							fail("second cancel: %v", err)
						}
						state = "CANCELLED"
					}
					switch state {
					case "PENDING":
						stillPending.Add(1)
					case "APPROVED":
						approved.Add(1)
					case "CANCELLED":
						cancelled.Add(1)
					}
				}
			}
		}(w)
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Error(err)
	}
	if err := sim.CheckInvariants(); err != nil {
		t.Fatalf("invariants: %v", err)
	}
	after := sim.Totals()
	if got := after.AvailableHours + after.PendingHours + after.UsedHours; math.Abs(got-conserved) > 1e-6 {
		t.Errorf("hours not conserved: %v before, %v after", conserved, got)
	}
	won := 0
	for k := range contestWins {
		if n := contestWins[k].Load(); n > 1 {
			t.Errorf("contested request %s approved %d times", contested[k], n)
		}
		won += int(contestWins[k].Load())
	}
	wantPending := before.Requests["PENDING"] + 10 - won + int(stillPending.Load())
	wantApproved := before.Requests["APPROVED"] + won + int(approved.Load())
	wantCancelled := before.Requests["CANCELLED"] + int(cancelled.Load())
	if after.Requests["PENDING"] != wantPending || after.Requests["APPROVED"] != wantApproved || after.Requests["CANCELLED"] != wantCancelled {
		t.Errorf("requests by status %v, want PENDING %d APPROVED %d CANCELLED %d", after.Requests, wantPending, wantApproved, wantCancelled)
	}
	total := 0
	for _, n := range after.Requests {
		total += n
	}
	beforeTotal := 0
	for _, n := range before.Requests {
		beforeTotal += n
	}
	if total != beforeTotal+10+int(created.Load()) {
		t.Errorf("%d requests, want %d", total, beforeTotal+10+int(created.Load()))
	}
	if created.Load() < 100 {
		t.Errorf("only %d requests created: the workload is too light to prove anything", created.Load())
	}
}
