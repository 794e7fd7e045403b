package pgstore

// The tests run against a real PostgreSQL server that the test binary
// starts itself (initdb + pg_ctl, on a free loopback port, in a temporary
// folder) and stops at the end. initdb refuses to run as root: as root the
// server runs as the postgres user (or nobody) through runuser. Without
// the binaries the tests skip, saying so; .ci/run installs them.

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"
)

var pg struct {
	once    sync.Once
	conn    string
	skip    string
	err     error
	dir     string
	stop    func()
	counter int
	mu      sync.Mutex
}

func TestMain(m *testing.M) {
	if mode := os.Getenv(childEnv); mode != "" {
		if err := runChild(mode); err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			os.Exit(3)
		}
		os.Exit(0)
	}
	code := m.Run()
	if pg.stop != nil {
		pg.stop()
	}
	os.Exit(code)
}

// postgresBin finds a PostgreSQL server binary on PATH or in Debian's
// versioned folder.
func postgresBin(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/" + name)
	if len(matches) > 0 {
		return matches[len(matches)-1], nil
	}
	return "", fmt.Errorf("%s not found", name)
}

// database returns the connection string of a fresh database on the test
// server, starting the server on first use.
func database(t testing.TB) string {
	t.Helper()
	pg.once.Do(startPostgres)
	if pg.skip != "" {
		t.Skip(pg.skip)
	}
	if pg.err != nil {
		t.Fatal(pg.err)
	}
	pg.mu.Lock()
	pg.counter++
	name := "t" + strconv.Itoa(pg.counter)
	pg.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	admin, err := Open(ctx, pg.conn+" dbname=postgres", WithTable("xlr8_admin_probe"))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.pool.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatal(err)
	}
	return pg.conn + " dbname=" + name
}

func startPostgres() {
	initdb, err := postgresBin("initdb")
	if err != nil {
		pg.skip = "PostgreSQL's initdb is not installed (apt-get install postgresql; .ci/run does it): skipping the PostgreSQL store tests"
		return
	}
	pgctl, err := postgresBin("pg_ctl")
	if err != nil {
		pg.skip = "PostgreSQL's pg_ctl is not installed: skipping the PostgreSQL store tests"
		return
	}
	root, err := os.MkdirTemp("", "xlr8-pgstore-")
	if err != nil {
		pg.err = err
		return
	}
	pg.dir = root
	data := filepath.Join(root, "data")
	// As root, run the server as an unprivileged user: initdb refuses root.
	var as []string
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			u, err = user.Lookup("nobody")
		}
		if err != nil {
			pg.err = fmt.Errorf("running as root and no postgres or nobody user to run PostgreSQL as")
			return
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chmod(root, 0o755); err != nil {
			pg.err = err
			return
		}
		if err := os.Mkdir(data, 0o700); err != nil {
			pg.err = err
			return
		}
		if err := os.Chown(data, uid, gid); err != nil {
			pg.err = err
			return
		}
		runuser, err := exec.LookPath("runuser")
		if err != nil {
			pg.err = fmt.Errorf("running as root without runuser")
			return
		}
		as = []string{runuser, "-u", u.Username, "--"}
	}
	run := func(args ...string) error {
		full := append(append([]string(nil), as...), args...)
		cmd := exec.Command(full[0], full[1:]...)
		cmd.Dir = root
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("%s: %v\n%s", filepath.Base(args[0]), err, out.String())
		}
		return nil
	}
	if err := run(initdb, "-D", data, "-A", "trust", "-U", "xlr8", "-E", "UTF8", "--no-sync", "--no-instructions"); err != nil {
		pg.err = err
		return
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		pg.err = err
		return
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	opts := fmt.Sprintf("-p %d -c listen_addresses=127.0.0.1 -k %s -c max_connections=100", port, data)
	if err := run(pgctl, "-D", data, "-l", filepath.Join(data, "server.log"), "-o", opts, "-w", "-t", "60", "start"); err != nil {
		pg.err = err
		return
	}
	pg.stop = func() {
		_ = run(pgctl, "-D", data, "-m", "immediate", "-w", "stop") // the server this binary started
		os.RemoveAll(root)
	}
	pg.conn = fmt.Sprintf("host=127.0.0.1 port=%d user=xlr8 sslmode=disable", port)
}
