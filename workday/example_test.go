package workday_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/workday"
	"github.com/xlr8/connectors/workdaysim"
)

// Example opens the real connector against the simulator on Workday's
// wire and runs a capability, as a host would against a tenant.
func Example() {
	sim, _ := workdaysim.New()
	h := workdaysim.Handler(sim)
	srv := httptest.NewTLSServer(h)
	defer srv.Close()

	ctx := context.Background()
	conn, err := workday.New(ctx, h.Credential(srv.URL), connectors.WithHTTPClient(srv.Client()))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Close()
	out, err := conn.Execute(ctx, "workday.hcm.get_manager_chain", connectors.WithPrincipal(
		map[string]any{"employee_id": "EMP001"}, connectors.Principal{ID: "EMP001", Type: connectors.PrincipalHuman}))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, l := range out["chain"].([]any) {
		m := l.(map[string]any)
		fmt.Println(m["level"], m["display_name"])
	}
	_, err = conn.Execute(ctx, "workday.hcm.get_employee", connectors.WithPrincipal(
		map[string]any{"employee_id": "EMP999"}, connectors.Principal{ID: "EMP001", Type: connectors.PrincipalHuman}))
	var e *connectors.Error
	if errors.As(err, &e) {
		fmt.Println(e.VendorCode, e.HTTPStatus)
	}
	// Output:
	// 1 Bob Martinez
	// 2 Carol Chen
	// 3 Diana Ross
	// EMPLOYEE_NOT_FOUND 404
}

// Example_query runs a custom report (RaaS, CSV) and a WQL query.
func Example_query() {
	sim, _ := workdaysim.New()
	h := workdaysim.Handler(sim)
	srv := httptest.NewTLSServer(h)
	defer srv.Close()
	ctx := context.Background()
	conn, _ := workday.New(ctx, h.Credential(srv.URL), connectors.WithHTTPClient(srv.Client()))
	defer conn.Close()
	for r, err := range conn.Query(ctx, "raas:ISU_Connector/Time_Off_Requests?Worker!WID=EMP001&format=csv") {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(r["Request_ID"], r["Status"], r["Hours"])
	}
	// WQL names allWorkers' fields by their aliases, as Workday does.
	for r, err := range conn.Query(ctx, "wql:SELECT employeeID, fullName FROM allWorkers WHERE businessTitle contains 'Engineer' AND workerActive = true ORDER BY hireDate") {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(r["employeeID"], r["fullName"])
	}
	// Output:
	// TOR-001 APPROVED 40
	// TOR-002 PENDING 24
	// EMP100 Carol Chen
	// EMP042 Bob Martinez
	// EMP001 Alice Johnson
	// EMP003 Charlie Brown
}
