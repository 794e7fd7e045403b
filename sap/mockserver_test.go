package sap_test

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// mockServer is SAP's own OData mock server (@sap-ux/fe-mockserver-core,
// the engine of SAP Fiori tools' mock server) serving the project's
// $metadata and data files from testdata/mockserver on a loopback port.
type mockServer struct {
	URL string // origin, http://127.0.0.1:port
	cmd *exec.Cmd
	in  io.WriteCloser
}

// mockModuleDir is where .ci/run installs the npm package.
func mockModuleDir() string {
	if d := os.Getenv("SAP_MOCKSERVER_DIR"); d != "" {
		return d
	}
	home, _ := os.UserHomeDir()
	return filepath.Join(home, ".cache", "connectors-sap-mock")
}

// startMockServer starts the mock server for this test and stops it when
// the test ends. It skips only when Node.js is not installed; a missing
// npm package is a failure that says how to install it.
func startMockServer(t *testing.T) *mockServer {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed: SAP's OData mock server (@sap-ux/fe-mockserver-core) needs Node.js; this test runs wherever Node is")
	}
	dir := mockModuleDir()
	mods := filepath.Join(dir, "node_modules")
	if _, err := os.Stat(filepath.Join(mods, "@sap-ux", "fe-mockserver-core", "package.json")); err != nil {
		t.Fatalf("@sap-ux/fe-mockserver-core is not installed in %s: run .ci/run, or npm install --prefix %q @sap-ux/fe-mockserver-core@1.7.16", dir, dir)
	}
	script, _ := filepath.Abs("testdata/mockserver/server.js")
	services, _ := filepath.Abs("testdata/mockserver/services.json")
	cmd := exec.Command(node, script, services)
	cmd.Env = append(os.Environ(), "NODE_PATH="+mods)
	cmd.Stderr = &testWriter{t: t}
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting the mock server: %v", err)
	}
	m := &mockServer{cmd: cmd, in: in}
	t.Cleanup(m.stop)
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if port, ok := strings.CutPrefix(sc.Text(), "listening "); ok {
				ready <- port
			}
		}
		close(ready)
	}()
	select {
	case port, ok := <-ready:
		if !ok {
			t.Fatal("the mock server exited before listening")
		}
		m.URL = "http://127.0.0.1:" + strings.TrimSpace(port)
	case <-time.After(60 * time.Second):
		t.Fatal("the mock server did not start within 60s")
	}
	return m
}

func (m *mockServer) stop() {
	_ = m.in.Close() // the script exits when stdin closes
	done := make(chan struct{})
	go func() { _ = m.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		_ = m.cmd.Process.Kill()
		<-done
	}
}

type testWriter struct{ t *testing.T }

func (w *testWriter) Write(p []byte) (int, error) {
	w.t.Logf("mock server: %s", strings.TrimSpace(string(p)))
	return len(p), nil
}
