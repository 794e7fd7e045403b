package ukg_test

import (
	"context"
	"fmt"
	"time"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/credentials"
	fakeukg "github.com/xlr8/connectors/internal/fake/ukg"
	"github.com/xlr8/connectors/ukg"
)

// A RaaS report through Query: LogOn, ExecuteReport, RetrieveReport until
// it is no longer Working, LogOff; the Windows-1252 CSV decoded on the way.
func ExampleNewPro() {
	srv := fakeukg.New(fakeukg.Config{WorkingPolls: 1})
	defer srv.Close()
	srv.SetReport(fakeukg.Report{Name: "Birthdays", Path: "/content/report[@name='Employee Birthdays']",
		Header: []string{"Employee Name", "Birth Date"}, Rows: [][]string{{"Abbott, José", "03/14"}, {"Müller, Zoë", "11/02"}}})
	cfg := srv.Config()
	cred := &credentials.Credential{ID: "pro", ProductID: ukg.ProductPro, InstanceURL: srv.URL, AuthType: credentials.AuthRaaS,
		Secrets: credentials.Secrets{"username": cfg.ProUser, "password": cfg.ProPassword,
			"customer_api_key": cfg.CustomerAPIKey, "api_key": cfg.UserAPIKey}}
	ctx := context.Background()
	conn, err := connectors.Open(ctx, ukg.ProductPro, cred, connectors.WithHTTPClient(srv.Client()),
		ukg.WithReportPoll(10*time.Millisecond, 100*time.Millisecond))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Close()
	for rec, err := range conn.Query(ctx, "/content/report[@name='Employee Birthdays']") {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(rec["Employee Name"], rec["Birth Date"])
	}
	// Output:
	// Abbott, José 03/14
	// Müller, Zoë 11/02
}
