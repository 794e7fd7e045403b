// Command swap runs one caller function twice: once with the Workday
// simulator in process, once with the real Workday connector pointed at
// the simulator's HTTP handler (over TLS on a loopback port). The two runs
// print the same thing: a host swaps one for the other without changing a
// caller.
//
//	go run ./examples/swap
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"strings"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/workday"
	"github.com/xlr8/connectors/workdaysim"
)

func main() {
	sim, real, err := run(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, "swap:", err)
		os.Exit(1)
	}
	fmt.Print("== simulator in process ==\n", sim, "== real Workday connector over HTTP ==\n", real)
	if sim != real {
		fmt.Fprintln(os.Stderr, "swap: the two runs differ")
		os.Exit(1)
	}
}

// run runs caller against both connectors and returns their output.
func run(ctx context.Context) (inProcess, overHTTP string, err error) {
	sim, err := workdaysim.New()
	if err != nil {
		return "", "", err
	}
	defer sim.Close()
	var a strings.Builder
	if err := caller(ctx, sim, &a); err != nil {
		return "", "", err
	}

	// The real adapter: a second simulator served on Workday's wire, and
	// workday.New with the credential a host would store for a tenant.
	backend, err := workdaysim.New()
	if err != nil {
		return "", "", err
	}
	defer backend.Close()
	h := workdaysim.Handler(backend)
	srv := httptest.NewTLSServer(h)
	defer srv.Close()
	conn, err := workday.New(ctx, h.Credential(srv.URL),
		connectors.WithHTTPClient(srv.Client()),   // trusts the test server's certificate
		connectors.WithClock(backend.Clock().Now)) // "today" as the tenant's simulated clock has it
	if err != nil {
		return "", "", err
	}
	defer conn.Close()
	var b strings.Builder
	if err := caller(ctx, conn, &b); err != nil {
		return "", "", err
	}
	return a.String(), b.String(), nil
}

// caller is host code: it knows only connectors.Connector and the
// workday.* capability strings.
func caller(ctx context.Context, conn connectors.Connector, out io.Writer) error {
	bob := connectors.Principal{ID: "EMP042", Type: connectors.PrincipalHuman}
	alice := connectors.Principal{ID: "EMP001", Type: connectors.PrincipalHuman}
	exec := func(action string, p connectors.Principal, params map[string]any) (map[string]any, error) {
		return conn.Execute(ctx, action, connectors.WithPrincipal(params, p))
	}

	emp, err := exec("workday.hcm.get_employee", bob, map[string]any{"employee_id": "EMP001"})
	if err != nil {
		return err
	}
	job := emp["job"].(map[string]any)
	fmt.Fprintf(out, "%s, %s (%s)\n", emp["name"].(map[string]any)["display"], job["title"], job["department"])

	chain, err := exec("workday.hcm.get_manager_chain", alice, map[string]any{"employee_id": "EMP001"})
	if err != nil {
		return err
	}
	for _, l := range chain["chain"].([]any) {
		m := l.(map[string]any)
		fmt.Fprintf(out, "  %v. %s, %s\n", m["level"], m["display_name"], m["title"])
	}

	sub, err := exec("workday.time.request", alice, map[string]any{"employee_id": "EMP001", "type": "PTO",
		"start_date": "2026-02-09", "end_date": "2026-02-10", "notes": "long weekend"})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%s %s; PTO after it: %v hours\n", sub["request_id"], sub["status"], sub["estimated_balance_after"])
	ok, err := exec("workday.time.approve", bob, map[string]any{"request_id": sub["request_id"], "approver_id": "EMP042"})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%s %s by %s\n", ok["request_id"], ok["status"], ok["approved_by"])

	_, err = exec("workday.time.approve", bob, map[string]any{"request_id": sub["request_id"], "approver_id": "EMP042"})
	var e *connectors.Error
	if errors.As(err, &e) {
		fmt.Fprintf(out, "again: %s (%s, HTTP %d)\n", e.VendorCode, e.Code, e.HTTPStatus)
	}

	// Entity records keep each product's own field names (the simulator's
	// employee_id, Workday's workerId); translate's vocabulary maps them to
	// the canonical worker fields. Workday's workers are the non-terminated
	// ones; the simulator's entity holds every worker, with a status.
	active := map[string]connectors.Expr{workdaysim.Product: connectors.Eq("status", "ACTIVE")}[conn.Product()]
	names := map[string][3]string{
		workdaysim.Product: {"employee_id", "display_name", "department"},
		workday.ProductHCM: {"workerId", "descriptor", "primaryJob.supervisoryOrganization.descriptor"},
	}[conn.Product()]
	n := 0
	for rec, err := range conn.Get(ctx, connectors.Query{Entity: "workers", Where: connectors.Conjoin(connectors.Eq(names[2], "Engineering"), active),
		Fields: []string{names[0], names[1]}}) {
		if err != nil {
			return err
		}
		n++
		fmt.Fprintf(out, "  worker %s %s\n", rec[names[0]], rec[names[1]])
	}
	fmt.Fprintf(out, "%d engineers\n", n)
	return nil
}
