package pgstore

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/xlr8/connectors/credentials"
	"github.com/xlr8/connectors/internal/errs"
)

// Store is a credentials.Store on PostgreSQL, safe for concurrent use by
// any number of processes and machines sharing the database. It is also a
// credentials.RefreshLocker.
type Store struct {
	pool   *pgxpool.Pool
	locks  *pgxpool.Pool // the refresh locks' connections, apart from pool's (see LockRefresh)
	owned  bool          // the pool was opened by Open and is closed by Close
	table  string
	ns     int32 // advisory lock namespace of the table (see lockKeys)
	q      queries
	mu     sync.Mutex
	closed bool

	// midWrite, when set (tests), runs inside Update's transaction after
	// the new row is written and before the commit.
	midWrite func()
}

var (
	_ credentials.Store         = (*Store)(nil)
	_ credentials.RefreshLocker = (*Store)(nil)
)

// Option configures a Store.
type Option func(*config)

type config struct {
	table     string
	lockConns int32
}

// WithTable sets the table name (default xlr8_credentials): a lower-case
// SQL identifier of at most 48 characters. The store also creates
// <table>_revisions and <table>_schema.
func WithTable(name string) Option { return func(c *config) { c.table = name } }

// WithRefreshConnections sets how many connections may hold refresh locks
// at once (default 4): a pool of their own, so that a refresh holding its
// lock can always get a connection for its write. Refreshes beyond it wait.
func WithRefreshConnections(n int) Option {
	return func(c *config) {
		if n > 0 && n < 1<<15 {
			c.lockConns = int32(n)
		}
	}
}

var identRE = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,47}$`)

// Open connects to the database at connString (a PostgreSQL URL or
// key=value string, as pgx reads it), creates or migrates the store's
// tables and returns the store. Close closes its connections. Errors never
// quote the connection string.
func Open(ctx context.Context, connString string, opts ...Option) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(connString)
	if err != nil {
		return nil, errs.New(errs.CodeInvalidArgument, "credentials pgstore: the connection string does not parse")
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, pgErr(err, "connecting")
	}
	s, err := New(ctx, pool, opts...)
	if err != nil {
		pool.Close()
		return nil, err
	}
	s.owned = true
	return s, nil
}

// New returns a store over a pool the host manages (and closes), creating
// or migrating the store's tables.
func New(ctx context.Context, pool *pgxpool.Pool, opts ...Option) (*Store, error) {
	if pool == nil {
		return nil, errs.New(errs.CodeInvalidArgument, "credentials pgstore: the pool is nil")
	}
	c := config{table: "xlr8_credentials", lockConns: 4}
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	if !identRE.MatchString(c.table) {
		return nil, errs.New(errs.CodeInvalidArgument,
			"credentials pgstore: the table name must be a lower-case SQL identifier of at most 48 characters")
	}
	s := &Store{pool: pool, table: c.table, ns: namespace(c.table), q: newQueries(c.table)}
	if err := s.migrate(ctx); err != nil {
		return nil, err
	}
	lc := pool.Config() // a copy
	lc.MaxConns, lc.MinConns = c.lockConns, 0
	locks, err := pgxpool.NewWithConfig(ctx, lc)
	if err != nil {
		return nil, pgErr(err, "opening the refresh lock connections")
	}
	s.locks = locks
	return s, nil
}

// Close closes the store's connections if Open made them.
func (s *Store) Close() {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.locks.Close()
	if s.owned {
		s.pool.Close()
	}
}

func (s *Store) checkOpen(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return errs.FromContext(err, "", "credentials pgstore")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errs.New(errs.CodeInvalidArgument, "credentials pgstore: the store is closed")
	}
	return nil
}

// Get reads the record.
func (s *Store) Get(ctx context.Context, id string) (*credentials.Record, error) {
	if err := s.checkOpen(ctx); err != nil {
		return nil, err
	}
	var body []byte
	var rev, known int64
	err := s.pool.QueryRow(ctx, s.q.get, id).Scan(&body, &rev, &known)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, notFound(id)
	}
	if err != nil {
		return nil, pgErr(err, "reading "+quote(id))
	}
	return s.decode(id, body, rev, uint64(known))
}

// decode parses a row's record and checks it against its revision column
// and the highest revision known.
func (s *Store) decode(id string, body []byte, rev int64, known uint64) (*credentials.Record, error) {
	rec := &credentials.Record{}
	if err := rec.UnmarshalJSON(body); err != nil {
		return nil, corrupt(id, "the record does not decode")
	}
	if rec.ID != id {
		return nil, corrupt(id, "the record's id does not match its row")
	}
	if rev < 0 || rec.Revision != uint64(rev) {
		return nil, corrupt(id, "the record's revision does not match its row")
	}
	if rec.Revision < known {
		return nil, &errs.Error{Code: errs.CodeInternal, Err: credentials.ErrRollback,
			Message: fmt.Sprintf("credential %s: the row holds revision %d, older than revision %d already written (restored from a backup?); delete it and store the credential again",
				quote(id), rec.Revision, known)}
	}
	return rec, nil
}

// List returns the records of a project ("" for all), sorted by id. A row
// that cannot be read fails the call, naming every such id.
func (s *Store) List(ctx context.Context, projectID string) ([]*credentials.Record, error) {
	if err := s.checkOpen(ctx); err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, s.q.list, projectID)
	if err != nil {
		return nil, pgErr(err, "listing")
	}
	defer rows.Close()
	var out []*credentials.Record
	var bad []string
	for rows.Next() {
		var id string
		var body []byte
		var rev, known int64
		if err := rows.Scan(&id, &body, &rev, &known); err != nil {
			return nil, pgErr(err, "listing")
		}
		rec, err := s.decode(id, body, rev, uint64(known))
		if err != nil {
			bad = append(bad, id)
			continue
		}
		out = append(out, rec)
	}
	if err := rows.Err(); err != nil {
		return nil, pgErr(err, "listing")
	}
	if len(bad) > 0 {
		return nil, (&errs.Error{Code: errs.CodeInternal, Err: credentials.ErrCorrupt,
			Message: fmt.Sprintf("credentials pgstore: %d record(s) cannot be read: %v (delete them or restore them)", len(bad), bad)}).
			WithDetail("corrupt", bad)
	}
	if out == nil {
		out = []*credentials.Record{}
	}
	return out, nil
}

// Update replaces the record in one transaction that holds the record's
// update lock (an advisory transaction lock, so that creating a record is
// serialised as well as changing one). The transaction is rolled back if
// fn fails or the process dies: a killed writer loses nothing.
func (s *Store) Update(ctx context.Context, id string, fn func(*credentials.Record) (*credentials.Record, error)) (*credentials.Record, error) {
	if err := s.checkOpen(ctx); err != nil {
		return nil, err
	}
	if id == "" {
		return nil, errs.New(errs.CodeInvalidArgument, "credentials pgstore: empty credential id")
	}
	var out *credentials.Record
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{}, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1, hashtext($2))", s.ns+lockUpdate, id); err != nil {
			return pgErr(err, "locking "+quote(id))
		}
		var cur *credentials.Record
		var body []byte
		var rev, known int64
		err := tx.QueryRow(ctx, s.q.get, id).Scan(&body, &rev, &known)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
		case err != nil:
			return pgErr(err, "reading "+quote(id))
		default:
			if cur, err = s.decode(id, body, rev, uint64(known)); err != nil {
				return err // never build on a record that cannot be read
			}
		}
		next, err := credentials.ApplyUpdate(id, cur, fn)
		if err != nil {
			return err
		}
		if next == nil {
			out = cur
			return nil
		}
		data, err := next.MarshalJSON()
		if err != nil {
			return &errs.Error{Code: errs.CodeInternal, Err: err, Message: "credentials pgstore: encoding " + quote(id)}
		}
		if _, err := tx.Exec(ctx, s.q.upsert, id, next.ProjectID, data, int64(next.Revision)); err != nil {
			return pgErr(err, "writing "+quote(id))
		}
		revQuery := s.q.upsertRev
		if cur == nil {
			revQuery = s.q.setRev // a new record: no row to roll back to, a stale revision row goes
		}
		if _, err := tx.Exec(ctx, revQuery, id, int64(next.Revision)); err != nil {
			return pgErr(err, "writing the revision of "+quote(id))
		}
		if s.midWrite != nil {
			s.midWrite()
		}
		out = next
		return nil
	})
	if err != nil {
		return nil, txErr(err, "updating "+quote(id))
	}
	return out, nil
}

// Delete removes the record and its revision row, readable or not.
func (s *Store) Delete(ctx context.Context, id string) error {
	if err := s.checkOpen(ctx); err != nil {
		return err
	}
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{}, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1, hashtext($2))", s.ns+lockUpdate, id); err != nil {
			return pgErr(err, "locking "+quote(id))
		}
		tag, err := tx.Exec(ctx, s.q.del, id)
		if err != nil {
			return pgErr(err, "deleting "+quote(id))
		}
		if tag.RowsAffected() == 0 {
			return notFound(id)
		}
		if _, err := tx.Exec(ctx, s.q.delRev, id); err != nil {
			return pgErr(err, "deleting the revision of "+quote(id))
		}
		return nil
	})
	if err != nil {
		return txErr(err, "deleting "+quote(id))
	}
	return nil
}

// LockRefresh runs fn holding the credential's refresh lock: a session
// advisory lock on a connection held for the duration, so that every
// process and machine on the database waits for it; the server releases it
// if the holder's connection dies. It is not the lock Update takes, so fn
// may call Update. The connection comes from a small pool of its own
// (WithRefreshConnections): many refreshes holding their locks can never
// take every connection their writes need.
func (s *Store) LockRefresh(ctx context.Context, id string, fn func(ctx context.Context) error) error {
	if err := s.checkOpen(ctx); err != nil {
		return err
	}
	conn, err := s.locks.Acquire(ctx)
	if err != nil {
		return pgErr(err, "taking a connection for the refresh lock of "+quote(id))
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1, hashtext($2))", s.ns+lockRefresh, id); err != nil {
		if ctx.Err() != nil {
			return errs.FromContext(ctx.Err(), "", "waiting for the refresh lock of "+quote(id))
		}
		return pgErr(err, "taking the refresh lock of "+quote(id))
	}
	defer func() {
		// A fresh context: the caller's may be done, and the lock must go.
		uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), lockReleaseTimeout)
		defer cancel()
		if _, err := conn.Exec(uctx, "SELECT pg_advisory_unlock($1, hashtext($2))", s.ns+lockRefresh, id); err != nil {
			// The session may still hold the lock: drop the connection, which
			// releases it, rather than return it to the pool.
			_ = conn.Conn().Close(uctx)
		}
	}()
	return fn(ctx)
}

func notFound(id string) *errs.Error {
	return errs.Newf(errs.CodeNotFound, "credential %s not found", quote(id))
}

func corrupt(id, what string) *errs.Error {
	return &errs.Error{Code: errs.CodeInternal, Err: credentials.ErrCorrupt,
		Message: fmt.Sprintf("credentials pgstore: credential %s is corrupt: %s", quote(id), what)}
}

// pgErr wraps a database error: the SQLSTATE becomes the vendor code; the
// server's text is not quoted (it may hold data); a dead connection is
// UNAVAILABLE and retryable.
func pgErr(err error, what string) error {
	if err == nil {
		return nil
	}
	var e *errs.Error
	if errors.As(err, &e) {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return errs.FromContext(err, "", "credentials pgstore: "+what)
	}
	out := &errs.Error{Code: errs.CodeUnavailable, Retryable: true, Err: err, Message: "credentials pgstore: " + what + " failed"}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		out.VendorCode = pe.Code
		out.Message += " (SQLSTATE " + pe.Code + ")"
		out.Code, out.Retryable = errs.CodeInternal, false
		switch {
		case pe.Code == "42501": // insufficient privilege
			out.Code = errs.CodePermissionDenied
		case strings.HasPrefix(pe.Code, "28"): // invalid authorization
			out.Code = errs.CodeUnauthenticated
		case len(pe.Code) == 5 && strings.Contains("|40|53|57|08|", "|"+pe.Code[:2]+"|"):
			// serialization failure or deadlock, resources, operator
			// intervention, connection: worth another attempt
			out.Code, out.Retryable = errs.CodeUnavailable, true
		}
	}
	return out
}

// txErr passes fn's typed errors through BeginTxFunc unchanged.
func txErr(err error, what string) error {
	if err == nil {
		return nil
	}
	var e *errs.Error
	if errors.As(err, &e) {
		return err
	}
	return pgErr(err, what)
}

func quote(s string) string { return fmt.Sprintf("%q", s) }
