package pgstore

// Two-process tests: the test binary re-runs itself as a child (selected by
// an environment variable that TestMain checks) on the same database.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xlr8/connectors/credentials"
	"github.com/xlr8/connectors/internal/credtest"
	"github.com/xlr8/connectors/internal/transport"
)

const (
	childEnv  = "XLR8_PGSTORE_TEST_CHILD"
	childConn = "XLR8_PGSTORE_TEST_CONN"
	childKey  = "XLR8_PGSTORE_TEST_KEY"
	childID   = "XLR8_PGSTORE_TEST_ID"
	childArg  = "XLR8_PGSTORE_TEST_ARG"
	paused    = "PAUSED"
)

func runChild(mode string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s, err := Open(ctx, os.Getenv(childConn))
	if err != nil {
		return err
	}
	defer s.Close()
	raw, err := base64.StdEncoding.DecodeString(os.Getenv(childKey))
	if err != nil {
		return err
	}
	key, err := credentials.NewKey("", raw)
	if err != nil {
		return err
	}
	ring, _ := credentials.NewKeyring(key)
	m, err := credentials.NewManager(s, ring, credentials.WithAllowInsecureLoopback(),
		credentials.WithRetry(transport.RetryPolicy{MaxAttempts: 2, MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond}))
	if err != nil {
		return err
	}
	id := os.Getenv(childID)
	switch mode {
	case "refresh":
		// Rounds of a rejected token and a new one, racing the other child.
		n, _ := strconv.Atoi(os.Getenv(childArg))
		ts := m.TokenSource(ctx, id).(*credentials.TokenSource)
		failed := credtest.RefreshRounds(ctx, ts, n, os.Stderr)
		fmt.Println("FAILED", failed)
		return nil
	case "pause-write":
		s.midWrite = func() {
			fmt.Println(paused)
			select {} // wait here, inside the transaction, to be killed
		}
		c := basic("SECRET-pw-second")
		c.ID = id
		_, err := m.Store(ctx, c)
		return err
	}
	return fmt.Errorf("unknown child mode %q", mode)
}

func child(t *testing.T, mode, conn, key, id, arg string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+mode, childConn+"="+conn, childKey+"="+key, childID+"="+id, childArg+"="+arg)
	return cmd
}

// rotatingServer is an OAuth token endpoint (plain http on loopback) that
// rotates the refresh token on every use: the old one is refused with
// invalid_grant.
type rotatingServer struct {
	srv     *httptest.Server
	mu      sync.Mutex
	current string
	calls   int
}

func newRotatingServer(t *testing.T, first string) *rotatingServer {
	s := &rotatingServer{current: first}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		s.mu.Lock()
		defer s.mu.Unlock()
		s.calls++
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path != "/oauth/token" || r.PostForm.Get("refresh_token") != s.current || r.PostForm.Get("client_secret") != "SECRET-client" {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"error":"invalid_grant","error_description":"refresh token is not valid"}`))
			return
		}
		s.current = fmt.Sprintf("SECRET-refresh-%d", s.calls)
		_ = json.NewEncoder(w).Encode(map[string]any{"access_token": fmt.Sprintf("SECRET-access-%d", s.calls),
			"token_type": "Bearer", "expires_in": 3600, "refresh_token": s.current})
	}))
	t.Cleanup(s.srv.Close)
	return s
}

// TestTwoProcessesRefresh: two processes on one database refresh the same
// credential 50 times each, their access tokens rejected at the same time,
// while the vendor rotates the refresh token on every use: the refresh lock
// makes one refresh and the other use its token, so none fails.
func TestTwoProcessesRefresh(t *testing.T) {
	ctx := testCtx(t)
	conn := database(t)
	srv := newRotatingServer(t, "SECRET-refresh-0")
	raw := bytes.Repeat([]byte{9}, credentials.KeySize)
	key, _ := credentials.NewKey("", raw)
	m := manager(t, open(t, conn), key)
	id, err := m.Store(ctx, &credentials.Credential{ProjectID: "p", ProductID: "example_crm", AuthType: credentials.AuthOAuth2,
		Secrets: credentials.Secrets{credentials.KeyClientID: "client", credentials.KeyClientSecret: "SECRET-client",
			credentials.KeyTokenURL: srv.srv.URL + "/oauth/token", credentials.KeyRefreshToken: "SECRET-refresh-0"}})
	if err != nil {
		t.Fatal(err)
	}
	const rounds = "50"
	var cmds []*exec.Cmd
	var outs []*bytes.Buffer
	for i := 0; i < 2; i++ {
		cmd := child(t, "refresh", conn, base64.StdEncoding.EncodeToString(raw), id, rounds)
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
		outs = append(outs, &out, &errOut)
	}
	total := 0
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("child %d: %v\n%s", i, err, outs[2*i+1])
		}
		var n int
		if _, err := fmt.Sscanf(strings.TrimSpace(outs[2*i].String()), "FAILED %d", &n); err != nil {
			t.Fatalf("child %d printed %q", i, outs[2*i])
		}
		if n > 0 {
			t.Errorf("child %d: %d of %s rounds failed:\n%s", i, n, rounds, firstLines(outs[2*i+1].String(), 5))
		}
		total += n
	}
	// The store ends with the vendor's current refresh token.
	c, err := m.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	srv.mu.Lock()
	current, calls := srv.current, srv.calls
	srv.mu.Unlock()
	if c.Get(credentials.KeyRefreshToken) != current {
		t.Error("the stored refresh token is not the vendor's current one")
	}
	t.Logf("2 processes x %s rounds: %d failures, %d token endpoint calls", rounds, total, calls)
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, "\n")
}

// TestKilledWriter: a process killed inside Update's transaction, after its
// row is written and before the commit, loses nothing: the record is the
// previous one, whole, and the next writer is not blocked by its locks.
func TestKilledWriter(t *testing.T) {
	ctx := testCtx(t)
	conn := database(t)
	raw := bytes.Repeat([]byte{5}, credentials.KeySize)
	key, _ := credentials.NewKey("", raw)
	s := open(t, conn)
	m := manager(t, s, key)
	id, err := m.Store(ctx, basic("SECRET-pw-first"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := child(t, "pause-write", conn, base64.StdEncoding.EncodeToString(raw), id, "")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if sc.Text() == paused {
				line <- paused
				return
			}
		}
		close(line)
	}()
	select {
	case l, ok := <-line:
		if !ok || l != paused {
			t.Fatalf("the child ended without pausing: %s", stderr.String())
		}
	case <-time.After(time.Minute):
		t.Fatal("the child did not pause")
	}
	_ = cmd.Process.Kill() // the child this test started
	_ = cmd.Wait()

	got, err := m.Get(ctx, id)
	if err != nil || got.Get(credentials.KeyPassword) != "SECRET-pw-first" {
		t.Fatalf("after the killed write: %v", err)
	}
	rec, _ := s.Get(ctx, id)
	if rec.Revision != 1 {
		t.Fatalf("revision %d after a write that never committed", rec.Revision)
	}
	// The dead writer's locks went with its connection.
	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	c := basic("SECRET-pw-third")
	c.ID = id
	if _, err := m.Store(wctx, c); err != nil {
		t.Fatalf("writing after the killed writer: %v", err)
	}
	got, err = m.Get(ctx, id)
	if err != nil || got.Get(credentials.KeyPassword) != "SECRET-pw-third" {
		t.Fatalf("after the next write: %v", err)
	}
}
