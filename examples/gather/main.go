// Command gather asks live questions of a project's connected products and
// prints the truths that come back: for each source, why it was chosen, the
// query it ran, how complete the answer is, and a few records.
//
// The project here has three credentials, all on this machine: the Workday
// simulator in process, a fake Salesforce org, and the real Workday
// connector pointed at the simulator's HTTP handler.
//
//	go run ./examples/gather
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"strings"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/credentials"
	"github.com/xlr8/connectors/gather"
	fakesf "github.com/xlr8/connectors/internal/fake/salesforce"
	_ "github.com/xlr8/connectors/salesforce"
	_ "github.com/xlr8/connectors/workday"
	"github.com/xlr8/connectors/workdaysim"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "gather:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out io.Writer) error {
	key, err := credentials.GenerateKey()
	if err != nil {
		return err
	}
	ring, err := credentials.NewKeyring(key)
	if err != nil {
		return err
	}
	// The fake Salesforce org, with accounts and opportunities.
	org := fakesf.New(fakesf.Config{PageSize: 200})
	defer org.Close()
	for i, a := range []struct{ name, industry string }{{"Northwind Power", "Energy"}, {"Contoso Solar", "Energy"}, {"Fabrikam Foods", "Agriculture"}, {"Tailspin Oil", "Energy"}} {
		id := org.Insert("Account", map[string]any{"Name": a.name, "Industry": a.industry, "AnnualRevenue": float64(1e6 * (i + 1))})
		if a.industry == "Energy" && i != 3 {
			org.Insert("Opportunity", map[string]any{"Name": a.name + " renewal", "AccountId": id, "StageName": "Prospecting", "Amount": 50000.0, "IsClosed": false})
		}
	}
	cfg := org.Config()
	creds := []*credentials.Credential{
		{ID: "sim-1", ProjectID: "acme", ProductID: "workday_sim", AuthType: credentials.AuthBasic, InstanceURL: "https://simulator.invalid",
			Secrets: credentials.Secrets{"username": "sim", "password": "unused"}},
		{ID: "sf-1", ProjectID: "acme", ProductID: "salesforce", InstanceURL: org.URL, AuthType: credentials.AuthOAuth2,
			Secrets: credentials.Secrets{"client_id": cfg.ClientID, "client_secret": cfg.ClientSecret, "refresh_token": cfg.RefreshToken, "token_url": org.TokenURL()}},
	}
	// The real Workday connector, over the simulator's HTTP handler.
	backend, err := workdaysim.New()
	if err != nil {
		return err
	}
	defer backend.Close()
	h := workdaysim.Handler(backend)
	wd := httptest.NewTLSServer(h)
	defer wd.Close()
	// One HTTP client that trusts both loopback servers' certificates: the
	// credentials Manager fetches OAuth tokens with it, the connectors call
	// the APIs with it.
	roots := x509.NewCertPool()
	roots.AddCert(org.HTTP().Certificate())
	roots.AddCert(wd.Certificate())
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}}}
	mgr, err := credentials.NewManager(credentials.NewMemoryStore(), ring, credentials.WithHTTPClient(client))
	if err != nil {
		return err
	}
	wdCred := h.Credential(wd.URL)
	wdCred.ID, wdCred.ProjectID = "wd-1", "acme"
	creds = append(creds, wdCred)
	for _, c := range creds {
		if _, err := mgr.Store(ctx, c); err != nil {
			return err
		}
	}

	g, err := gather.New(mgr, "acme",
		gather.WithOpenOptions(connectors.WithHTTPClient(client)),
		gather.WithProductOptions("workday_hcm", connectors.WithClock(backend.Clock().Now)),
		gather.WithBudget(5))
	if err != nil {
		return err
	}
	defer g.Close()

	questions := []struct {
		q string
		a gather.Analysis
	}{
		{"How many engineers report to Carol Chen and what PTO do they have left?", gather.Analysis{
			Products: []string{"workday_sim"},
			Where:    map[string]connectors.Expr{"worker": connectors.Eq("department", "Engineering")},
		}},
		{"Which Energy accounts have open opportunities?", gather.Analysis{
			Where: map[string]connectors.Expr{
				"account":     connectors.Eq("industry", "Energy"),
				"opportunity": connectors.Eq("is_closed", false),
			},
		}},
		{"What organizations does Workday have?", gather.Analysis{Products: []string{"workday_hcm", "workday_sim"}}},
		{"What is the weather in Lisbon?", gather.Analysis{}},
	}
	for _, q := range questions {
		fmt.Fprintf(out, "Q: %s\n", q.q)
		sel, err := g.Select(ctx, q.q, q.a)
		if err != nil {
			return err
		}
		if sel.Reason != "" {
			fmt.Fprintf(out, "  (no sources: %s)\n\n", sel.Reason)
			continue
		}
		truths, err := g.Gather(ctx, q.q, q.a)
		if err != nil {
			return err
		}
		for _, t := range truths {
			printTruth(out, t)
		}
		fmt.Fprintln(out)
	}
	return nil
}

func printTruth(out io.Writer, t gather.Truth) {
	fmt.Fprintf(out, "  [%s] %s %s via %s (credential %s)\n", t.Kind, t.Entity, t.NativeEntity, t.Product, t.CredentialID)
	fmt.Fprintf(out, "    why:   %s\n", t.Why)
	fmt.Fprintf(out, "    query: %s\n", t.Query)
	if t.Native != "" {
		fmt.Fprintf(out, "    native: %s\n", t.Native)
	}
	if t.Residual != "" {
		fmt.Fprintf(out, "    filtered here: %s\n", t.Residual)
	}
	state := "complete"
	switch {
	case t.Err != nil:
		state = "FAILED: " + t.Error
	case t.Truncated:
		state = fmt.Sprintf("complete, %d records, %d kept", t.Count, len(t.Rows))
	default:
		state = fmt.Sprintf("complete, %d records", t.Count)
	}
	fmt.Fprintf(out, "    %s\n", state)
	for i, r := range t.Rows {
		if i == 3 {
			fmt.Fprintf(out, "    ...\n")
			break
		}
		rec := r.Canonical
		if len(rec) == 0 {
			rec = r.Vendor
		}
		fmt.Fprintf(out, "    - %s\n", compact(rec))
	}
}

func compact(r connectors.Record) string {
	keys := make([]string, 0, len(r))
	for k := range r {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s=%v", k, r[k])
	}
	return b.String()
}
