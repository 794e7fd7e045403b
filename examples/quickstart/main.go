// Command quickstart is the README's main example: it opens the Workday
// simulator through the connectors registry, looks up an employee, walks
// the manager chain and the org chart, requests time off for Alice,
// approves it as her manager Bob, shows the balance change, and shows the
// error an approver outside the chain gets.
//
//	go run ./examples/quickstart
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/workdaysim"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

// as adds a principal to params, as a host's policy engine would.
func as(id string, params map[string]any) map[string]any {
	return connectors.WithPrincipal(params, connectors.Principal{ID: id, Type: connectors.PrincipalHuman})
}

func run(ctx context.Context, w io.Writer) error {
	// The simulator is a connectors.Connector: swap it for the real
	// Workday connector without changing anything below.
	conn, err := connectors.Open(ctx, "workday_sim", nil)
	if err != nil {
		return err
	}
	defer conn.Close()

	section(w, "Look up an employee")
	emp, err := conn.Execute(ctx, "workday.hcm.get_employee", as("EMP001", map[string]any{"employee_id": "EMP001"}))
	if err != nil {
		return err
	}
	name, job := emp["name"].(map[string]any), emp["job"].(map[string]any)
	fmt.Fprintf(w, "%s <%s>\n%s, %s (%s), since %s\n", name["display"], emp["email"], job["title"], job["department"], job["location"], emp["start_date"])

	section(w, "Manager chain")
	chain, err := conn.Execute(ctx, "workday.hcm.get_manager_chain", as("EMP001", map[string]any{"employee_id": "EMP001"}))
	if err != nil {
		return err
	}
	for _, l := range chain["chain"].([]any) {
		link := l.(map[string]any)
		fmt.Fprintf(w, "%s%s, %s\n", strings.Repeat("  ", int(link["level"].(float64))-1)+"^ ", link["display_name"], link["title"])
	}

	section(w, "Org chart under Carol Chen (depth 2)")
	chart, err := conn.Execute(ctx, "workday.hcm.get_org_chart", as("EMP001", map[string]any{"root_id": "EMP100", "depth": 2}))
	if err != nil {
		return err
	}
	printNode(w, chart["root"].(map[string]any), 0)
	fmt.Fprintf(w, "(%v people)\n", chart["total_count"])

	section(w, "Alice requests a day off")
	before, err := pto(ctx, conn)
	if err != nil {
		return err
	}
	sub, err := conn.Execute(ctx, "workday.time.request", as("EMP001", map[string]any{
		"employee_id": "EMP001", "type": "PTO", "start_date": "2026-03-06", "end_date": "2026-03-06", "notes": "Dentist",
	}))
	if err != nil {
		return err
	}
	approver := sub["approver"].(map[string]any)
	fmt.Fprintf(w, "%s is %s, waiting for %s; PTO after it: %v hours\n", sub["request_id"], sub["status"], approver["display_name"], sub["estimated_balance_after"])

	section(w, "Bob approves it")
	ok, err := conn.Execute(ctx, "workday.time.approve", as("EMP042", map[string]any{
		"request_id": sub["request_id"], "approver_id": "EMP042", "comments": "Enjoy",
	}))
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%s %s by %s at %s\n", ok["request_id"], ok["status"], ok["approved_by"], ok["approved_at"])
	after, err := pto(ctx, conn)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "PTO hours      available  pending  used\n")
	fmt.Fprintf(w, "  before       %9v  %7v  %4v\n", before["available_hours"], before["pending_hours"], before["used_hours"])
	fmt.Fprintf(w, "  after        %9v  %7v  %4v\n", after["available_hours"], after["pending_hours"], after["used_hours"])

	section(w, "Sofia (Sales) tries to approve Alice's other request")
	_, err = conn.Execute(ctx, "workday.time.approve", as("EMP400", map[string]any{"request_id": "TOR-002", "approver_id": "EMP400"}))
	var e *connectors.Error
	if !errors.As(err, &e) {
		return fmt.Errorf("the approval outside the chain was accepted (%v)", err)
	}
	status, body := workdaysim.RenderError(err)
	fmt.Fprintf(w, "refused: %s (HTTP %d, retry allowed: %v, errors.Is PERMISSION_DENIED: %v)\n  %s\n",
		body.ErrorCode, status, body.RetryAllowed, errors.Is(err, connectors.ErrPermissionDenied), body.Message)
	return nil
}

func section(w io.Writer, title string) { fmt.Fprintf(w, "\n== %s ==\n", title) }

func printNode(w io.Writer, n map[string]any, depth int) {
	fmt.Fprintf(w, "%s%s, %s\n", strings.Repeat("  ", depth), n["display_name"], n["title"])
	for _, r := range n["reports"].([]any) {
		printNode(w, r.(map[string]any), depth+1)
	}
}

func pto(ctx context.Context, conn connectors.Connector) (map[string]any, error) {
	b, err := conn.Execute(ctx, "workday.time.get_balance", as("EMP001", map[string]any{"employee_id": "EMP001"}))
	if err != nil {
		return nil, err
	}
	for _, x := range b["balances"].([]any) {
		if bal := x.(map[string]any); bal["type"] == "PTO" {
			return bal, nil
		}
	}
	return nil, errors.New("no PTO balance")
}
