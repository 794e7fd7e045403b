package workdaysim_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/workdaysim"
)

// The simulator through the portable Connector port: Execute with the
// spec's capability strings and params, the caller's identity in params.
func Example() {
	ctx := context.Background()
	conn, err := connectors.Open(ctx, "workday_sim", nil)
	if err != nil {
		panic(err)
	}
	defer conn.Close()

	emp, err := conn.Execute(ctx, "workday.hcm.get_employee", map[string]any{
		"employee_id": "EMP001", "__principal__": "EMP042", "__type__": "HUMAN",
	})
	if err != nil {
		panic(err)
	}
	name := emp["name"].(map[string]any)
	manager := emp["manager"].(map[string]any)
	fmt.Printf("%s (%s) reports to %s\n", name["display"], emp["status"], manager["display_name"])

	_, err = conn.Execute(ctx, "workday.hcm.get_employee", map[string]any{"employee_id": "EMP999"})
	var e *connectors.Error
	if errors.As(err, &e) {
		fmt.Println(e.VendorCode, e.HTTPStatus, errors.Is(err, connectors.ErrNotFound))
	}
	// Output:
	// Alice Johnson (ACTIVE) reports to Bob Martinez
	// EMPLOYEE_NOT_FOUND 404 true
}

// The typed methods, with the principal in the context: request time off
// for Alice, approve it as her manager Bob, and watch the balance move.
func ExampleSimulator_RequestTimeOff() {
	sim, err := workdaysim.New()
	if err != nil {
		panic(err)
	}
	alice := workdaysim.ContextWithPrincipal(context.Background(), connectors.Principal{ID: "EMP001", Type: connectors.PrincipalHuman})
	bob := workdaysim.ContextWithPrincipal(context.Background(), connectors.Principal{ID: "EMP042", Type: connectors.PrincipalHuman})

	eight := 8.0
	sub, err := sim.RequestTimeOff(alice, workdaysim.RequestTimeOffRequest{EmployeeID: "EMP001", Type: "PTO",
		StartDate: workdaysim.Date{Year: 2026, Month: time.March, Day: 6}, EndDate: workdaysim.Date{Year: 2026, Month: time.March, Day: 6},
		Hours: &eight, Notes: "Dentist"})
	if err != nil {
		panic(err)
	}
	fmt.Println(sub.RequestID, sub.Status, "approver:", sub.Approver.DisplayName, "PTO left:", sub.EstimatedBalanceAfter)

	sim.Clock().Advance(2 * time.Hour)
	ok, err := sim.ApproveTimeOff(bob, workdaysim.ApproveTimeOffRequest{RequestID: sub.RequestID, ApproverID: "EMP042"})
	if err != nil {
		panic(err)
	}
	fmt.Println(ok.Status, "at", ok.ApprovedAt)

	bal, _ := sim.GetBalance(alice, workdaysim.GetBalanceRequest{EmployeeID: "EMP001"})
	pto := bal.Balances[0]
	fmt.Printf("available %v, pending %v, used %v\n", pto.AvailableHours, pto.PendingHours, pto.UsedHours)
	// Output:
	// TOR-003 PENDING approver: Bob Martinez PTO left: 112
	// APPROVED at 2026-01-27T11:00:00Z
	// available 112, pending 24, used 48
}

// An approver outside the employee's manager chain is refused.
func ExampleSimulator_ApproveTimeOff_outsideTheChain() {
	sim, _ := workdaysim.New()
	sofia := workdaysim.ContextWithPrincipal(context.Background(), connectors.Principal{ID: "EMP400", Type: connectors.PrincipalHuman})
	_, err := sim.ApproveTimeOff(sofia, workdaysim.ApproveTimeOffRequest{RequestID: "TOR-002", ApproverID: "EMP400"})
	status, body := workdaysim.RenderError(err)
	fmt.Println(status, body.ErrorCode, body.RetryAllowed)
	fmt.Println(body.Message)
	// Output:
	// 403 INVALID_APPROVER false
	// Approver 'EMP400' is not in the manager chain of employee 'EMP001'
}

// Entities stream through Get with a filter, a field list and a limit.
func ExampleSimulator_Get() {
	sim, _ := workdaysim.New()
	q := connectors.Query{Entity: workdaysim.EntityWorkers, Fields: []string{"employee_id", "display_name", "title"},
		Where: connectors.Eq("department", "Engineering"), Limit: 3}
	for rec, err := range sim.Get(context.Background(), q) {
		if err != nil {
			panic(err)
		}
		fmt.Println(rec["employee_id"], rec["display_name"], "-", rec["title"])
	}
	// Output:
	// EMP001 Alice Johnson - Senior Engineer
	// EMP003 Charlie Brown - Engineer
	// EMP042 Bob Martinez - Engineering Manager
}

// A generated organisation of 10,000 employees, for scale tests.
func ExampleGenerate() {
	org := workdaysim.Generate(10000, 1)
	sim, err := workdaysim.New(workdaysim.WithFixtures(org))
	if err != nil {
		panic(err)
	}
	n, _ := connectors.Count(sim.Get(context.Background(), connectors.Query{Entity: workdaysim.EntityWorkers}))
	fmt.Println(n, "workers; the CEO is", org.Employees[0].EmployeeID)
	// Output:
	// 10000 workers; the CEO is EMP00001
}
