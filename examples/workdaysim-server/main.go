// Command workdaysim-server serves the Workday simulator on Workday's wire
// on a loopback port, for non-Go clients and manual exploration. It
// prints the credential to use (tenant, client, refresh token, token URL,
// the integration user for Basic auth) and example requests.
//
//	go run ./examples/workdaysim-server                 # HTTPS, self-signed certificate written to a file
//	go run ./examples/workdaysim-server -plain          # plain http: for local use only
//	go run ./examples/workdaysim-server -addr 127.0.0.1:8443 -latency 1 -failures 0.05
//
// The server listens on a loopback address only: it serves fixed
// development secrets and guards nothing real.
package main

import (
	"context"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/signal"
	"path/filepath"

	"github.com/xlr8/connectors/workdaysim"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "loopback address to listen on")
	plain := flag.Bool("plain", false, "serve plain http instead of HTTPS (loopback, local use only)")
	latency := flag.Float64("latency", 0, "latency scale (1 is the spec's latencies)")
	failures := flag.Float64("failures", 0, "rate of simulated 429/503 failures")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := serve(ctx, os.Stdout, *addr, *plain, *latency, *failures, nil); err != nil {
		fmt.Fprintln(os.Stderr, "workdaysim-server:", err)
		os.Exit(1)
	}
}

// serve runs the server until ctx ends; ready, if set, receives the base
// URL once the server listens.
func serve(ctx context.Context, out io.Writer, addr string, plain bool, latency, failures float64, ready chan<- string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return errors.New("refusing to listen on " + host + ": the simulator serves development secrets, loopback only")
	}
	cfg := workdaysim.DefaultConfig()
	cfg.LatencyScale, cfg.FailureRate = latency, failures
	sim, err := workdaysim.New(workdaysim.WithConfig(cfg))
	if err != nil {
		return err
	}
	defer sim.Close()
	h := workdaysim.Handler(sim)
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &httptest.Server{Listener: ln, Config: &http.Server{Handler: h}}
	caFile := ""
	if plain {
		srv.Start()
	} else {
		srv.StartTLS()
		caFile = filepath.Join(os.TempDir(), "workdaysim-server-ca.pem")
		pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
		if err := os.WriteFile(caFile, pemBytes, 0o644); err != nil {
			srv.Close()
			return err
		}
	}
	defer srv.Close()
	printCredential(out, h, srv.URL, caFile, plain)
	if ready != nil {
		ready <- srv.URL
	}
	<-ctx.Done()
	return nil
}

func printCredential(out io.Writer, h *workdaysim.HTTPHandler, base, caFile string, plain bool) {
	c := h.Config()
	curl := "curl -s"
	if caFile != "" {
		curl += " --cacert " + caFile
	}
	fmt.Fprintf(out, "Workday simulator listening on %s\n", base)
	if plain {
		fmt.Fprintln(out, "  PLAIN HTTP ON LOOPBACK, FOR LOCAL USE ONLY (Go clients need connectors.WithAllowInsecureLoopback)")
	} else {
		fmt.Fprintf(out, "  HTTPS with a self-signed certificate: %s\n", caFile)
	}
	fmt.Fprintf(out, `
credential (product workday_hcm, auth type oauth2, grant refresh_token):
  instance_url   %[1]s
  tenant         %[2]s
  token_url      %[1]s/ccx/oauth2/%[2]s/token
  client_id      %[3]s
  client_secret  %[4]s
  refresh_token  %[5]s
  report_owner   %[6]s
or Basic auth (auth type basic) as the integration system user:
  username       %[7]s
  password       %[8]s

try:
  TOKEN=$(%[9]s -d grant_type=refresh_token -d refresh_token=%[5]s -d client_id=%[3]s -d client_secret=%[4]s %[1]s/ccx/oauth2/%[2]s/token | sed 's/.*"access_token":"\([^"]*\)".*/\1/')
  %[9]s -H "Authorization: Bearer $TOKEN" '%[1]s/ccx/api/v1/%[2]s/workers?limit=5'
  %[9]s -H "Authorization: Bearer $TOKEN" '%[1]s/ccx/api/v1/%[2]s/workers/Employee_ID=EMP042/directReports'
  %[9]s -u %[7]s:%[8]s '%[1]s/ccx/service/customreport2/%[2]s/%[6]s/Worker_Profile?Employee_ID=EMP001&format=json'
  %[9]s -u %[7]s:%[8]s '%[1]s/ccx/service/customreport2/%[2]s/%[6]s/Time_Off_Requests?format=csv'
`, base, c.Tenant, c.ClientID, c.ClientSecret, c.RefreshToken, c.ReportOwner, c.Username, c.Password, curl)
}
