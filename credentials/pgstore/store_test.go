package pgstore

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/xlr8/connectors/credentials"
	"github.com/xlr8/connectors/internal/errs"
)

func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func open(t testing.TB, conn string) *Store {
	t.Helper()
	s, err := Open(testCtx(t), conn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

func manager(t testing.TB, s credentials.Store, key *credentials.Key, opts ...credentials.Option) *credentials.Manager {
	t.Helper()
	ring, err := credentials.NewKeyring(key)
	if err != nil {
		t.Fatal(err)
	}
	m, err := credentials.NewManager(s, ring, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func basic(password string) *credentials.Credential {
	return &credentials.Credential{ProjectID: "p", ProductID: "example_crm", InstanceURL: "https://crm.example.com",
		AuthType: credentials.AuthBasic, Secrets: credentials.Secrets{credentials.KeyUsername: "svc", credentials.KeyPassword: password}}
}

func wantCode(t testing.TB, err error, code errs.Code, cause error) {
	t.Helper()
	if errs.CodeOf(err) != code {
		t.Fatalf("error %v: code %s, want %s", err, errs.CodeOf(err), code)
	}
	if cause != nil && !errors.Is(err, cause) {
		t.Fatalf("error %v does not wrap %v", err, cause)
	}
}

// TestStoreContract: the Store contract on PostgreSQL, through a Manager:
// create, replace, list by project, revisions, revoke, delete; the schema
// is created once and a second Open (another process) reuses it.
func TestStoreContract(t *testing.T) {
	ctx := testCtx(t)
	conn := database(t)
	s := open(t, conn)
	key, _ := credentials.GenerateKey()
	m := manager(t, s, key)

	_, err := s.Get(ctx, "nope")
	wantCode(t, err, errs.CodeNotFound, nil)
	wantCode(t, s.Delete(ctx, "nope"), errs.CodeNotFound, nil)

	id, err := m.Store(ctx, basic("SECRET-pw-1"))
	if err != nil {
		t.Fatal(err)
	}
	other := basic("SECRET-pw-x")
	other.ProjectID = "q"
	if _, err := m.Store(ctx, other); err != nil {
		t.Fatal(err)
	}
	c := basic("SECRET-pw-2")
	c.ID = id
	if _, err := m.Store(ctx, c); err != nil {
		t.Fatal(err)
	}
	rec, err := s.Get(ctx, id)
	if err != nil || rec.Revision != 2 {
		t.Fatalf("revision %v, %v", rec, err)
	}
	// Another process opens the same database: same schema, same records.
	m2 := manager(t, open(t, conn), key)
	got, err := m2.Get(ctx, id)
	if err != nil || got.Get(credentials.KeyPassword) != "SECRET-pw-2" {
		t.Fatalf("second process: %v", err)
	}
	list, err := m2.List(ctx, "p")
	if err != nil || len(list) != 1 || list[0].ID != id || list[0].Secrets != nil {
		t.Fatalf("list: %v %v", list, err)
	}
	all, err := s.List(ctx, "")
	if err != nil || len(all) != 2 || all[0].ID > all[1].ID {
		t.Fatalf("list all: %v %v", all, err)
	}
	if err := m.Revoke(ctx, id); err != nil {
		t.Fatal(err)
	}
	_, err = m2.Get(ctx, id)
	wantCode(t, err, errs.CodeUnauthenticated, credentials.ErrRevoked)
	if err := m.Delete(ctx, id); err != nil {
		t.Fatal(err)
	}
	_, err = m2.Get(ctx, id)
	wantCode(t, err, errs.CodeNotFound, nil)
	// The id is free again after Delete, for every process.
	c.ID = id
	if _, err := m.Store(ctx, c); err != nil {
		t.Fatal(err)
	}
	if _, err := m2.Get(ctx, id); err != nil {
		t.Fatalf("the other process after delete and store again: %v", err)
	}
	// A table name that is not an identifier is refused before any SQL.
	_, err = Open(ctx, conn, WithTable("x; DROP TABLE y"))
	wantCode(t, err, errs.CodeInvalidArgument, nil)
	_, err = Open(ctx, "postgres://user:SECRET-dsn-pw@[bad")
	wantCode(t, err, errs.CodeInvalidArgument, nil)
	if err != nil && containsSecret(err.Error()) {
		t.Errorf("the error quotes the connection string: %v", err)
	}
}

func containsSecret(s string) bool {
	for i := 0; i+6 <= len(s); i++ {
		if s[i:i+6] == "SECRET" {
			return true
		}
	}
	return false
}

// TestRollbackRefused: a row put back from an older copy (an old refresh
// token, or an active record over a revoked one) is refused, in the
// process that wrote the newer one and in a new process; a renumbered row
// fails authentication.
func TestRollbackRefused(t *testing.T) {
	ctx := testCtx(t)
	conn := database(t)
	s := open(t, conn)
	key, _ := credentials.GenerateKey()
	m := manager(t, s, key)
	id, err := m.Store(ctx, basic("SECRET-pw-old"))
	if err != nil {
		t.Fatal(err)
	}
	var oldRecord []byte
	var oldRev int64
	if err := s.pool.QueryRow(ctx, "SELECT record, revision FROM xlr8_credentials WHERE id = $1", id).Scan(&oldRecord, &oldRev); err != nil {
		t.Fatal(err)
	}
	if err := m.Revoke(ctx, id); err != nil {
		t.Fatal(err)
	}
	if _, err := s.pool.Exec(ctx, "UPDATE xlr8_credentials SET record = $2, revision = $3 WHERE id = $1", id, oldRecord, oldRev); err != nil {
		t.Fatal(err)
	}
	for what, mm := range map[string]*credentials.Manager{"same process": m, "new process": manager(t, open(t, conn), key)} {
		_, err := mm.Get(ctx, id)
		wantCode(t, err, errs.CodeInternal, credentials.ErrRollback)
		_ = what
	}
	// Update does not build on it either.
	c := basic("SECRET-pw-new")
	c.ID = id
	_, err = m.Store(ctx, c)
	wantCode(t, err, errs.CodeInternal, credentials.ErrRollback)

	// Renumbered (revision and record edited together): the revision is
	// bound into the sealed secrets.
	id2, _ := m.Store(ctx, basic("SECRET-pw-2"))
	if _, err := s.pool.Exec(ctx, `UPDATE xlr8_credentials SET revision = 7,
		record = convert_to(replace(convert_from(record, 'UTF8'), '"revision":1', '"revision":7'), 'UTF8') WHERE id = $1`, id2); err != nil {
		t.Fatal(err)
	}
	_, err = manager(t, open(t, conn), key).Get(ctx, id2)
	wantCode(t, err, errs.CodeInternal, credentials.ErrTampered)
}

// TestManyRefreshLocks: more credentials refreshing at once than the pool
// has connections, each holding its refresh lock while it writes: the
// locks' own connections keep the writes from starving.
func TestManyRefreshLocks(t *testing.T) {
	ctx := testCtx(t)
	s := open(t, database(t))
	key, _ := credentials.GenerateKey()
	m := manager(t, s, key)
	const n = 24
	ids := make([]string, n)
	for i := range ids {
		id, err := m.Store(ctx, basic("SECRET-pw"))
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = id
	}
	errc := make(chan error, n)
	for _, id := range ids {
		go func() {
			errc <- s.LockRefresh(ctx, id, func(ctx context.Context) error {
				time.Sleep(20 * time.Millisecond) // the token endpoint
				_, err := s.Update(ctx, id, func(cur *credentials.Record) (*credentials.Record, error) {
					cur.LastUsed = time.Now()
					return cur, nil
				})
				return err
			})
		}()
	}
	for range ids {
		if err := <-errc; err != nil {
			t.Fatal(err)
		}
	}
}
