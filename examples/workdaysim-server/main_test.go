package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

type syncBuf struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuf) Write(p []byte) (int, error) { s.mu.Lock(); defer s.mu.Unlock(); return s.b.Write(p) }
func (s *syncBuf) String() string              { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func TestServerServesTheCredentialItPrints(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	ready := make(chan string, 1)
	out := &syncBuf{}
	done := make(chan error, 1)
	go func() { done <- serve(ctx, out, "127.0.0.1:0", false, 0, 0, ready) }()
	var base string
	select {
	case base = <-ready:
	case err := <-done:
		t.Fatal(err)
	}
	pemBytes, err := os.ReadFile(filepath.Join(os.TempDir(), "workdaysim-server-ca.pem"))
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pemBytes)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	req, _ := http.NewRequest(http.MethodGet, base+"/ccx/service/customreport2/acme/ISU_Connector/Worker_Profile?Employee_ID=EMP001", nil)
	req.SetBasicAuth("ISU_Connector", "sim-isu-password")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"Employee_ID":"EMP001"`) {
		t.Errorf("%d %s", resp.StatusCode, body)
	}
	for _, want := range []string{"client_secret  sim-client-secret", "/ccx/oauth2/acme/token", "--cacert"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the printed credential lacks %q:\n%s", want, out.String())
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Error(err)
	}
	if err := serve(context.Background(), io.Discard, "0.0.0.0:0", false, 0, 0, nil); err == nil {
		t.Error("listened on a non-loopback address")
	}
}
