package workday_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/credentials"
	"github.com/xlr8/connectors/workday"
	"github.com/xlr8/connectors/workdaysim"
)

func TestNewChecksTheCredential(t *testing.T) {
	good := func() *credentials.Credential {
		return &credentials.Credential{ID: "c", AuthType: credentials.AuthOAuth2, InstanceURL: "https://wd2-impl-services1.workday.com",
			Secrets: credentials.Secrets{"client_id": "id", "client_secret": "s", "refresh_token": "r", "tenant": "acme",
				"token_url": "https://wd2-impl-services1.workday.com/ccx/oauth2/acme/token"}}
	}
	tests := []struct {
		name string
		edit func(c *credentials.Credential)
		want string // substring of the error, "" for success
	}{
		{"ok", func(*credentials.Credential) {}, ""},
		{"tenant from the token URL", func(c *credentials.Credential) { delete(c.Secrets, "tenant") }, ""},
		{"tenant from the instance URL", func(c *credentials.Credential) {
			delete(c.Secrets, "tenant")
			c.InstanceURL = "https://wd2-impl-services1.workday.com/ccx/api/v1/acme"
		}, ""},
		{"tenants disagree", func(c *credentials.Credential) { c.Secrets["tenant"] = "other" }, "differs"},
		{"bad tenant", func(c *credentials.Credential) {
			c.Secrets["tenant"] = "a/b"
			c.Secrets["token_url"] = "https://wd2-impl-services1.workday.com/ccx/oauth2/a/b/token"
		}, "not a tenant"},
		{"token URL of another tenant", func(c *credentials.Credential) {
			c.Secrets["token_url"] = "https://wd2-impl-services1.workday.com/oauth2/token"
		}, "token URL path"},
		{"plain http", func(c *credentials.Credential) { c.InstanceURL = "http://wd2-impl-services1.workday.com" }, "HTTPS"},
		{"api key", func(c *credentials.Credential) { c.AuthType = credentials.AuthAPIKey }, "not supported"},
		{"jwt grant", func(c *credentials.Credential) { c.Secrets["grant_type"] = "jwt_bearer" }, "not supported"},
		{"missing secret", func(c *credentials.Credential) { delete(c.Secrets, "refresh_token") }, "refresh_token"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := good()
			tc.edit(c)
			conn, err := workday.New(context.Background(), c)
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				if conn.Tenant() != "acme" {
					t.Errorf("tenant %q", conn.Tenant())
				}
				return
			}
			if !errors.Is(err, connectors.ErrInvalidArgument) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want INVALID_ARGUMENT mentioning %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "s\"") || strings.Contains(fmt.Sprintf("%+v", err), "refresh_token\":\"r") {
				t.Errorf("a secret in %v", err)
			}
		})
	}
	if _, err := connectors.Open(context.Background(), workday.ProductFins, good()); err != nil {
		t.Errorf("Open workday_fins: %v", err)
	}
}

func TestBasicAuthAndEntities(t *testing.T) {
	w := newWire(t, newSim(t))
	conn, err := workday.New(context.Background(), w.handler.BasicCredential(w.srv.URL), connectors.WithHTTPClient(w.srv.Client()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ctx := context.Background()
	st, err := conn.Test(ctx)
	if err != nil || !st.Authenticated {
		t.Fatalf("Test: %+v %v", st, err)
	}
	// The report-backed entities read the same records as the simulator's
	// Get; the REST-backed ones have Workday's field names.
	for _, entity := range []string{workday.EntityTimeOffRequests, workday.EntityPayStatements} {
		want, err := connectors.Collect(w.sim.Get(ctx, connectors.Query{Entity: entity}))
		if err != nil {
			t.Fatal(err)
		}
		got, err := connectors.Collect(conn.Get(ctx, connectors.Query{Entity: entity}))
		if err != nil {
			t.Fatalf("%s: %v", entity, err)
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("%s over the wire differs from the simulator (-sim +wire):\n%s", entity, d)
		}
	}
	workers, err := connectors.Collect(conn.Get(ctx, connectors.Query{Entity: workday.EntityWorkers, Where: connectors.Eq("workerId", "EMP001"),
		Fields: []string{"workerId", "descriptor", "primaryJob.businessTitle", "primaryJob.supervisoryOrganization.descriptor", "person.email", "hireDate"}}))
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]connectors.Record{{"workerId": "EMP001", "descriptor": "Alice Johnson", "primaryJob.businessTitle": "Senior Engineer",
		"primaryJob.supervisoryOrganization.descriptor": "Engineering", "person.email": "alice.johnson@example.com", "hireDate": "2022-03-15"}}, workers); d != "" {
		t.Errorf("worker EMP001 (-want +got):\n%s", d)
	}
	for _, entity := range []string{workday.EntityWorkers, workday.EntityOrganizations, workday.EntityTimeOffBalances,
		workday.EntityTimeOffRequests, workday.EntityPayStatements} {
		sch, err := conn.Schema(ctx, entity)
		if err != nil || sch.Entity != entity {
			t.Errorf("Schema(%s) = %v, %v", entity, sch.Entity, err)
		}
		if _, err := connectors.Collect(conn.Get(ctx, connectors.Query{Entity: entity, Limit: 3})); err != nil {
			t.Errorf("Get(%s): %v", entity, err)
		}
	}
	// Filters: a prompt pushed down, a residual filtered here, the name search.
	got, err := connectors.Collect(conn.Get(ctx, connectors.Query{Entity: workday.EntityTimeOffRequests,
		Where: connectors.And{connectors.Eq("employee_id", "EMP001"), connectors.Eq("status", "PENDING")}}))
	if err != nil || len(got) != 1 || got[0]["request_id"] != "TOR-002" {
		t.Errorf("pending requests of EMP001: %v %v", got, err)
	}
	got, err = connectors.Collect(conn.Get(ctx, connectors.Query{Entity: workday.EntityWorkers,
		Where: connectors.StartsWith("descriptor", "Alice"), Fields: []string{"workerId", "descriptor"}}))
	if err != nil || len(got) != 1 || got[0]["workerId"] != "EMP001" || len(got[0]) != 2 {
		t.Errorf("search Alice: %v %v", got, err)
	}
	for _, q := range []connectors.Query{
		{Entity: workday.EntityWorkers, AsOf: time.Now()},
		{Entity: workday.EntityWorkers, Since: time.Now()},
		{Entity: workday.EntityWorkers, OrderBy: []connectors.Order{connectors.Desc("id")}},
	} {
		if _, err := connectors.Collect(conn.Get(ctx, q)); !errors.Is(err, connectors.ErrUnsupported) {
			t.Errorf("%+v: %v, want UNSUPPORTED", q, err)
		}
	}
	if _, err := conn.Schema(ctx, workday.EntityJournalEntries); !errors.Is(err, connectors.ErrNotFound) {
		t.Errorf("HCM describes a Financials entity: %v", err)
	}
}

func TestRaaSQueriesJSONAndCSV(t *testing.T) {
	w := newWire(t, newSim(t))
	conn := w.open(t)
	ctx := context.Background()
	owner := w.handler.Config().ReportOwner
	asJSON, err := connectors.Collect(conn.Query(ctx, "raas:"+owner+"/Time_Off_Requests?Worker!WID=EMP001"))
	if err != nil {
		t.Fatal(err)
	}
	asCSV, err := connectors.Collect(conn.Query(ctx, "raas:"+owner+"/Time_Off_Requests?Employee_ID=EMP001&format=csv"))
	if err != nil {
		t.Fatal(err)
	}
	if len(asJSON) != 2 || len(asCSV) != 2 || asJSON[0]["Request_ID"] != "TOR-001" || asCSV[1]["Request_ID"] != "TOR-002" {
		t.Fatalf("json %v\ncsv %v", asJSON, asCSV)
	}
	// RaaS renders values as text, in JSON as in CSV.
	if asCSV[0]["Hours"] != "40" || asJSON[0]["Hours"] != "40" {
		t.Errorf("hours: csv %#v json %#v", asCSV[0]["Hours"], asJSON[0]["Hours"])
	}
	for _, bad := range []string{"raas:nope", "raas:" + owner + "/Time_Off_Requests?format=xml", "DELETE FROM workers", ""} {
		if _, err := connectors.Collect(conn.Query(ctx, bad)); !errors.Is(err, connectors.ErrInvalidArgument) {
			t.Errorf("Query(%q): %v", bad, err)
		}
	}
	if _, err := connectors.Collect(conn.Query(ctx, "raas:"+owner+"/No_Such_Report")); !errors.Is(err, connectors.ErrNotFound) {
		t.Errorf("unknown report: %v", err)
	}
	rows, err := connectors.Collect(conn.Query(ctx, "wql:SELECT employeeID, fullName FROM allWorkers WHERE businessTitle contains 'Engineer'"))
	if err != nil || len(rows) < 3 {
		t.Fatalf("WQL: %v %v", rows, err)
	}
	for _, r := range rows {
		if len(r) != 2 {
			t.Errorf("WQL row %v", r)
		}
	}
	if _, err := connectors.Collect(conn.Query(ctx, "SELECT nope FROM allWorkers")); !errors.Is(err, connectors.ErrInvalidArgument) {
		t.Errorf("bad WQL: %v", err)
	}
}

// TestRaaSStreamsIncrementally serves a report whose body stops after the
// first rows until the test has read them: the connector must yield rows
// before the report is complete (it decodes Report_Entry token by token).
func TestRaaSStreamsIncrementally(t *testing.T) {
	release := make(chan struct{})
	var once sync.Once
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, "/oauth2/") {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"access_token":"tok","token_type":"Bearer","expires_in":3600}`)
			return
		}
		if got := r.URL.Query().Get("Worker!WID"); got != "3aa5550b7fe348b98d7b5741afc65534" {
			http.Error(w, "missing WID prompt", http.StatusBadRequest)
			return
		}
		if !strings.Contains(r.URL.RawQuery, "Worker!WID=") {
			http.Error(w, "the ! of a WID prompt must not be escaped", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"Report_Entry":[{"Worker":"A","N":1},{"Worker":"B","N":2}`)
		w.(http.Flusher).Flush()
		select {
		case <-release:
		case <-r.Context().Done():
			return
		}
		for i := 3; i <= 1000; i++ {
			fmt.Fprintf(w, `,{"Worker":"W%d","N":%d}`, i, i)
		}
		fmt.Fprint(w, `]}`)
	}))
	defer srv.Close()
	defer once.Do(func() { close(release) })
	cred := &credentials.Credential{ID: "stream", AuthType: credentials.AuthOAuth2, InstanceURL: srv.URL,
		Secrets: credentials.Secrets{"client_id": "id", "client_secret": "s", "refresh_token": "r", "tenant": "acme",
			"token_url": srv.URL + "/ccx/oauth2/acme/token"}}
	conn, err := workday.New(context.Background(), cred, connectors.WithHTTPClient(srv.Client()), workday.WithReportChunk(1))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	n := 0
	for r, err := range conn.Query(ctx, "raas:ISU/Big_Report?Worker!WID=3aa5550b7fe348b98d7b5741afc65534") {
		if err != nil {
			t.Fatal(err)
		}
		n++
		if n == 2 {
			if r["Worker"] != "B" {
				t.Errorf("second row %v", r)
			}
			once.Do(func() { close(release) }) // only now does the server send the rest
		}
	}
	if n != 1000 {
		t.Errorf("%d rows, want 1000", n)
	}
}

func TestFinancialsReports(t *testing.T) {
	w := newWire(t, newSim(t))
	owner := w.handler.Config().ReportOwner
	w.handler.AddReport(owner, "Journal_Entries", []map[string]any{
		{"Journal_ID": "JE-1", "Company": "Acme US", "Ledger": "Actuals", "Accounting_Date": "2026-01-31", "Status": "Posted", "Total_Debit": 1200.5, "Total_Credit": 1200.5, "Currency": "USD"},
		{"Journal_ID": "JE-2", "Company": "Acme UK", "Ledger": "Actuals", "Accounting_Date": "2026-01-31", "Status": "Draft", "Total_Debit": 80.0, "Total_Credit": 80.0, "Currency": "GBP"},
	})
	w.handler.AddReport(owner, "Suppliers", []map[string]any{{"Supplier_ID": "S-1", "Supplier_Name": "Paper Co", "Status": "Active"}})
	cred := w.handler.Credential(w.srv.URL)
	cred.ProductID = workday.ProductFins
	conn, err := connectors.Open(context.Background(), workday.ProductFins, cred, connectors.WithHTTPClient(w.srv.Client()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ctx := context.Background()
	ents, _ := conn.Entities(ctx)
	if d := cmp.Diff([]string{workday.EntityJournalEntries, workday.EntitySuppliers}, ents); d != "" {
		t.Error(d)
	}
	got, err := connectors.Collect(conn.Get(ctx, connectors.Query{Entity: workday.EntityJournalEntries, Where: connectors.Eq("status", "Posted")}))
	if err != nil || len(got) != 1 || got[0]["journal_id"] != "JE-1" || got[0]["total_debit"] != 1200.5 || got[0]["memo"] != nil {
		t.Errorf("posted journals: %v %v", got, err)
	}
	got, err = connectors.Collect(conn.Get(ctx, connectors.Query{Entity: workday.EntitySuppliers}))
	if err != nil || len(got) != 1 || got[0]["supplier_name"] != "Paper Co" {
		t.Errorf("suppliers: %v %v", got, err)
	}
}

// TestStateIsShared checks that a write through HTTP is visible in
// process and the reverse: the handler serves the simulator's one store.
func TestStateIsShared(t *testing.T) {
	w := newWire(t, newSim(t))
	conn := w.open(t)
	ctx := context.Background()
	p := connectors.Principal{ID: "EMP001", Type: connectors.PrincipalHuman}
	out, err := conn.Execute(ctx, workdaysim.CapRequestTimeOff, connectors.WithPrincipal(map[string]any{
		"employee_id": "EMP001", "type": "PTO", "start_date": "2026-02-16", "end_date": "2026-02-16"}, p))
	if err != nil {
		t.Fatal(err)
	}
	id, _ := out["request_id"].(string)
	inProc, err := w.sim.GetRequest(workdaysim.ContextWithPrincipal(ctx, p), workdaysim.GetRequestRequest{RequestID: id})
	if err != nil || inProc.Status != workdaysim.RequestPending {
		t.Fatalf("in process, the request made over HTTP: %+v %v", inProc, err)
	}
	if _, err := w.sim.CancelTimeOff(workdaysim.ContextWithPrincipal(ctx, p), workdaysim.CancelTimeOffRequest{RequestID: id}); err != nil {
		t.Fatal(err)
	}
	got, err := conn.Execute(ctx, workdaysim.CapGetRequest, connectors.WithPrincipal(map[string]any{"request_id": id}, p))
	if err != nil || got["status"] != workdaysim.RequestCancelled {
		t.Fatalf("over HTTP, the request cancelled in process: %v %v", got, err)
	}
}
