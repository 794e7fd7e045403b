package credentials

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/xlr8/connectors/internal/errs"
)

// keyIDs counts the records of a store by the key their envelope names.
func keyIDs(t *testing.T, s Store) map[string]int {
	t.Helper()
	recs, err := s.List(testCtx(t), "")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, r := range recs {
		if r.Sealed == nil {
			out["(revoked)"]++
			continue
		}
		id, err := envelopeKeyID(r.Sealed)
		if err != nil {
			t.Fatal(err)
		}
		out[id]++
	}
	return out
}

// readAll opens every active credential of the store with m.
func readAll(t *testing.T, m *Manager) {
	t.Helper()
	ctx := testCtx(t)
	recs, err := m.store.List(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if r.Status == StatusRevoked {
			continue
		}
		c, err := m.Get(ctx, r.ID)
		if err != nil {
			t.Fatalf("credential %s: %v", r.ID, err)
		}
		if c.Get(KeyPassword) != testPassword {
			t.Fatalf("credential %s: wrong secret after rekey", r.ID)
		}
	}
}

func seedStore(t *testing.T, m *Manager, n int) []string {
	t.Helper()
	ids := make([]string, n)
	for i := range ids {
		c := basicCred("p")
		c.ID = fmt.Sprintf("c%02d", i)
		id, err := m.Store(testCtx(t), c)
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = id
	}
	return ids
}

func TestRekey(t *testing.T) {
	forEachStore(t, func(t *testing.T, s Store) {
		ctx := testCtx(t)
		old, next := mustKey(t), mustKey(t)
		m := mustManager(t, s, mustKeyring(t, old))
		ids := seedStore(t, m, 10)
		if err := m.Revoke(ctx, ids[0]); err != nil {
			t.Fatal(err)
		}
		res, err := m.Rekey(ctx, next)
		if err != nil {
			t.Fatal(err)
		}
		if res.Rekeyed != 9 || res.Revoked != 1 || res.Current != 0 || len(res.Failed) != 0 {
			t.Fatalf("result %+v", res)
		}
		if got := keyIDs(t, s); got[next.ID()] != 9 || got[old.ID()] != 0 {
			t.Fatalf("keys after rekey: %v", got)
		}
		// The old key can go: a Manager with only the new one reads all.
		readAll(t, mustManager(t, s, mustKeyring(t, next)))
		// New writes by the rekeying Manager use the new key.
		id, _ := m.Store(ctx, basicCred("p"))
		r, _ := s.Get(ctx, id)
		if kid, _ := envelopeKeyID(r.Sealed); kid != next.ID() {
			t.Fatalf("a write after Rekey used key %s", kid)
		}
		// A second run finds nothing to do.
		res, err = m.Rekey(ctx, next)
		if err != nil || res.Rekeyed != 0 || res.Current != 10 {
			t.Fatalf("second run: %+v, %v", res, err)
		}
	})
}

// cancelAfter cancels a context after n successful updates.
type cancelAfter struct {
	Store
	mu     sync.Mutex
	n      int
	cancel context.CancelFunc
}

func (c *cancelAfter) Update(ctx context.Context, id string, fn func(*Record) (*Record, error)) (*Record, error) {
	r, err := c.Store.Update(ctx, id, fn)
	c.mu.Lock()
	defer c.mu.Unlock()
	if err == nil {
		c.n--
		if c.n == 0 {
			c.cancel()
		}
	}
	return r, err
}

// An interrupted Rekey leaves every credential readable with one of the two
// keys, and a second run finishes the job.
func TestRekeyInterruptedAndResumed(t *testing.T) {
	ctx := testCtx(t)
	old, next := mustKey(t), mustKey(t)
	s := mustFileStore(t, t.TempDir())
	seedStore(t, mustManager(t, s, mustKeyring(t, old)), 12)

	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	m := mustManager(t, &cancelAfter{Store: s, n: 5, cancel: cancel}, mustKeyring(t, old))
	res, err := m.Rekey(rctx, next)
	if err == nil {
		t.Fatal("an interrupted rekey reported success")
	}
	wantErr(t, err, errs.CodeUnavailable, context.Canceled)
	if res.Rekeyed != 5 {
		t.Fatalf("rekeyed %d before the interruption, want 5", res.Rekeyed)
	}
	if got := keyIDs(t, s); got[old.ID()] != 7 || got[next.ID()] != 5 {
		t.Fatalf("keys after the interruption: %v", got)
	}
	// Every credential is readable by a process holding both keys.
	both := mustManager(t, s, mustKeyring(t, next, old))
	readAll(t, both)
	// Only the new key: the rest fail with ErrWrongKey (not corrupt).
	onlyNew := mustManager(t, s, mustKeyring(t, next))
	_, err = onlyNew.Get(ctx, "c11")
	wantErr(t, err, errs.CodeUnauthenticated, ErrWrongKey)

	// A second run (a new process) finishes.
	res, err = both.Rekey(ctx, next)
	if err != nil {
		t.Fatal(err)
	}
	if res.Rekeyed != 7 || res.Current != 5 {
		t.Fatalf("resumed run: %+v", res)
	}
	readAll(t, onlyNew)
}

// A process killed (SIGKILL) in the middle of writing a record during a
// rekey: nothing is lost, and a new run finishes the job.
func TestRekeyKilledMidWriteAndResumed(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	dir := t.TempDir()
	old, oldB64 := fixedKey(t, 0x01)
	next, nextB64 := fixedKey(t, 0x02)
	s := mustFileStore(t, dir)
	seedStore(t, mustManager(t, s, mustKeyring(t, old)), 8)

	cmd := child(t, "pause-rekey", dir, oldB64, nextB64, "4") // dies writing the 4th record
	startPaused(t, cmd)
	kill9(t, cmd)

	if got := keyIDs(t, s); got[old.ID()] != 5 || got[next.ID()] != 3 {
		t.Fatalf("keys after the crash: %v", got)
	}
	both := mustManager(t, mustFileStore(t, dir), mustKeyring(t, next, old))
	readAll(t, both)
	res, err := both.Rekey(testCtx(t), next)
	if err != nil {
		t.Fatal(err)
	}
	if res.Rekeyed != 5 || res.Current != 3 {
		t.Fatalf("resumed run: %+v", res)
	}
	readAll(t, mustManager(t, s, mustKeyring(t, next)))
}

// A credential that cannot be re-encrypted does not stop the others.
func TestRekeyReportsFailures(t *testing.T) {
	ctx := testCtx(t)
	lost, old, next := mustKey(t), mustKey(t), mustKey(t)
	s := NewMemoryStore()
	seedStore(t, mustManager(t, s, mustKeyring(t, old)), 4)
	orphan := basicCred("p")
	orphan.ID = "orphan"
	if _, err := mustManager(t, s, mustKeyring(t, lost)).Store(ctx, orphan); err != nil {
		t.Fatal(err)
	}
	m := mustManager(t, s, mustKeyring(t, old))
	res, err := m.Rekey(ctx, next)
	wantErr(t, err, errs.CodeUnauthenticated, ErrWrongKey)
	if res.Rekeyed != 4 || len(res.Failed) != 1 || res.Failed[0] != "orphan" {
		t.Fatalf("result %+v", res)
	}
	var e *errs.Error
	errors.As(err, &e)
	if ids, _ := e.Details["failed"].([]string); len(ids) != 1 {
		t.Fatalf("details %v", e.Details)
	}
	_, err = m.Rekey(ctx, nil)
	wantErr(t, err, errs.CodeInvalidArgument, ErrNoKey)
	impostor, _ := NewKey(next.ID(), make([]byte, KeySize))
	_, err = m.Rekey(ctx, impostor)
	wantErr(t, err, errs.CodeInvalidArgument, ErrBadKey)
}
