package credentials

// Multi-process tests: the test binary re-runs itself (os/exec) as a child
// that uses the same FileStore, selected by an environment variable that
// TestMain checks before running any test.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xlr8/connectors/internal/credtest"
	"github.com/xlr8/connectors/internal/transport"
)

const (
	childEnv    = "XLR8_CREDENTIALS_TEST_CHILD"
	childDir    = "XLR8_CREDENTIALS_TEST_DIR"
	childKey    = "XLR8_CREDENTIALS_TEST_KEY"
	childNewKey = "XLR8_CREDENTIALS_TEST_NEW_KEY"
	childArg    = "XLR8_CREDENTIALS_TEST_ARG"
	childID     = "XLR8_CREDENTIALS_TEST_ID"
	pausedLine  = "PAUSED"
)

func TestMain(m *testing.M) {
	if mode := os.Getenv(childEnv); mode != "" {
		if err := runChild(mode); err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			os.Exit(3)
		}
		os.Exit(0)
	}
	code := m.Run()
	cleanupBench()
	os.Exit(code)
}

// fixedKey returns a key whose material the parent can hand to a child.
func fixedKey(t testing.TB, fill byte) (*Key, string) {
	t.Helper()
	raw := bytes.Repeat([]byte{fill}, KeySize)
	k, err := NewKey("", raw)
	if err != nil {
		t.Fatal(err)
	}
	return k, base64.StdEncoding.EncodeToString(raw)
}

func runChild(mode string) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := OpenFileStore(os.Getenv(childDir))
	if err != nil {
		return err
	}
	key, err := ParseKey(os.Getenv(childKey))
	if err != nil {
		return err
	}
	keys := []*Key{key}
	if nk := os.Getenv(childNewKey); nk != "" {
		k, err := ParseKey(nk)
		if err != nil {
			return err
		}
		keys = append([]*Key{k}, keys...)
	}
	ring, err := NewKeyring(keys[0], keys[1:]...)
	if err != nil {
		return err
	}
	m, err := NewManager(s, ring, WithAllowInsecureLoopback(),
		WithRetry(transport.RetryPolicy{MaxAttempts: 2, MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond}))
	if err != nil {
		return err
	}
	arg := os.Getenv(childArg)
	pause := func(string) {
		fmt.Println(pausedLine)
		select {} // wait here to be killed
	}
	switch mode {
	case "store":
		// arg is "prefix:n": store n credentials and bump a shared counter
		// for each, racing the other child.
		prefix, nstr, _ := strings.Cut(arg, ":")
		n, _ := strconv.Atoi(nstr)
		for i := 0; i < n; i++ {
			c := basicCred("proj")
			c.ID = fmt.Sprintf("%s-%03d", prefix, i)
			if _, err := m.Store(ctx, c); err != nil {
				return err
			}
			if _, err := s.Update(ctx, "shared-counter", incrementCounter); err != nil {
				return err
			}
		}
		return nil
	case "pause-store":
		// Replace credential arg, pausing half way through writing it.
		s.midWrite = pause
		c := basicCred("proj")
		c.ID = arg
		c.Secrets[KeyPassword] = "SECRET-password-second-version"
		_, err := m.Store(ctx, c)
		return err
	case "refresh":
		// Rounds of a rejected token and a new one, racing the other child.
		n, _ := strconv.Atoi(arg)
		ts := m.TokenSource(ctx, os.Getenv(childID)).(*TokenSource)
		failed := credtest.RefreshRounds(ctx, ts, n, os.Stderr)
		fmt.Println("FAILED", failed)
		return nil
	case "pause-rekey":
		// Rekey to the new key, pausing in the middle of write number arg.
		n, _ := strconv.Atoi(arg)
		writes := 0
		s.midWrite = func(p string) {
			writes++
			if writes == n {
				pause(p)
			}
		}
		_, err := m.Rekey(ctx, keys[0])
		return err
	}
	return fmt.Errorf("unknown child mode %q", mode)
}

// child starts the test binary as a child in mode.
func child(t *testing.T, mode, dir, key, newKey, arg string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+mode, childDir+"="+dir, childKey+"="+key,
		childNewKey+"="+newKey, childArg+"="+arg)
	return cmd
}

// startPaused starts a child and waits until it reports that it is paused
// in the middle of a write.
func startPaused(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if sc.Text() == pausedLine {
				lines <- sc.Text()
				return
			}
		}
		close(lines)
	}()
	select {
	case _, ok := <-lines:
		if !ok {
			_ = cmd.Wait()
			t.Fatalf("child ended without pausing: %s", stderr.String())
		}
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("child did not pause within 30s")
	}
}

// kill9 kills a child with SIGKILL: no deferred function, no cleanup runs.
func kill9(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
}

// Two processes storing into one FileStore at the same time lose nothing:
// every credential of both is there, and a record both of them
// read-modify-write (a counter) counts every increment.
func TestTwoProcessesStoreConcurrently(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	dir := t.TempDir()
	key, keyB64 := fixedKey(t, 0x5A)
	const n = 40
	a := child(t, "store", dir, keyB64, "", "alpha:"+strconv.Itoa(n))
	b := child(t, "store", dir, keyB64, "", "beta:"+strconv.Itoa(n))
	var errA, errB bytes.Buffer
	a.Stderr, b.Stderr = &errA, &errB
	if err := a.Start(); err != nil {
		t.Fatal(err)
	}
	if err := b.Start(); err != nil {
		t.Fatal(err)
	}
	if err := a.Wait(); err != nil {
		t.Fatalf("child alpha: %v: %s", err, errA.String())
	}
	if err := b.Wait(); err != nil {
		t.Fatalf("child beta: %v: %s", err, errB.String())
	}
	ctx := testCtx(t)
	s := mustFileStore(t, dir)
	m := mustManager(t, s, mustKeyring(t, key))
	list, err := m.List(ctx, "proj")
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2*n {
		t.Fatalf("%d credentials stored, want %d", len(list), 2*n)
	}
	for _, c := range list {
		got, err := m.Get(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Get(KeyPassword) != testPassword {
			t.Fatalf("credential %s lost its secret", c.ID)
		}
	}
	r, err := s.Get(ctx, "shared-counter")
	if err != nil {
		t.Fatal(err)
	}
	if got := counterOf(t, r); got != 2*n {
		t.Fatalf("shared counter %d, want %d: a read-modify-write was lost", got, 2*n)
	}
}

// A process killed with SIGKILL in the middle of writing a record leaves
// the previous record intact and readable, and the next open of the store
// removes its temporary file.
func TestKilledWriterLeavesPreviousRecord(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	dir := t.TempDir()
	key, keyB64 := fixedKey(t, 0x6B)
	ctx := testCtx(t)
	s := mustFileStore(t, dir)
	m := mustManager(t, s, mustKeyring(t, key))
	c := basicCred("proj")
	c.ID = "victim"
	if _, err := m.Store(ctx, c); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(s.path("victim"))
	if err != nil {
		t.Fatal(err)
	}

	cmd := child(t, "pause-store", dir, keyB64, "", "victim")
	startPaused(t, cmd)
	temps := tempFiles(t, dir)
	if len(temps) != 1 {
		t.Fatalf("while paused, temporary files %v; want one half-written file", temps)
	}
	kill9(t, cmd)

	after, err := os.ReadFile(s.path("victim"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Fatal("the record file changed although its writer died before renaming")
	}
	got, err := m.Get(ctx, "victim")
	if err != nil {
		t.Fatal(err)
	}
	if got.Get(KeyPassword) != testPassword {
		t.Fatal("the previous secret is not readable")
	}
	// The lock died with the process: a write goes through, and reopening
	// the store clears the abandoned temporary file.
	if err := m.MarkUsed(ctx, "victim"); err != nil {
		t.Fatal(err)
	}
	s2 := mustFileStore(t, dir)
	if temps := tempFiles(t, dir); len(temps) != 0 {
		t.Fatalf("temporary files %v survived reopening", temps)
	}
	if _, err := s2.Get(ctx, "victim"); err != nil {
		t.Fatal(err)
	}
}

func tempFiles(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), tempPrefix) {
			out = append(out, e.Name())
		}
	}
	return out
}
