package pgstore

import (
	"context"
	"hash/fnv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/xlr8/connectors/internal/errs"
)

// schemaVersion is the version of the tables this store writes. migrate
// brings an older schema up to it, step by step, and refuses a newer one.
const schemaVersion = 1

// migrations[i] brings the schema from version i to i+1. Table names are
// checked identifiers (identRE), never input.
var migrations = []func(t string) []string{
	func(t string) []string {
		return []string{
			`CREATE TABLE IF NOT EXISTS ` + t + ` (
				id         text PRIMARY KEY,
				project_id text NOT NULL,
				record     bytea NOT NULL,
				revision   bigint NOT NULL CHECK (revision > 0),
				updated_at timestamptz NOT NULL DEFAULT now()
			)`,
			`CREATE INDEX IF NOT EXISTS ` + t + `_project ON ` + t + ` (project_id, id)`,
			// The highest revision written per id, kept apart from the
			// record: a row put back from a backup is older than it.
			`CREATE TABLE IF NOT EXISTS ` + t + `_revisions (
				id       text PRIMARY KEY,
				revision bigint NOT NULL
			)`,
		}
	},
}

// Advisory lock namespaces, added to the table's namespace: the update
// lock (transaction scoped, taken by Update and Delete) and the refresh
// lock (session scoped, LockRefresh) are different locks.
const (
	lockMigrate int32 = iota
	lockUpdate
	lockRefresh
)

const lockReleaseTimeout = 10 * time.Second

// namespace derives the table's advisory lock namespace (a multiple of 4,
// so that its three locks do not meet another table's).
func namespace(table string) int32 {
	h := fnv.New32a()
	h.Write([]byte("xlr8-credentials-pgstore\x00" + table))
	return int32(h.Sum32() &^ 3)
}

type queries struct {
	get, list, upsert, upsertRev, setRev, del, delRev string
}

func newQueries(t string) queries {
	return queries{
		get: `SELECT c.record, c.revision, COALESCE(r.revision, 0) FROM ` + t + ` c LEFT JOIN ` + t + `_revisions r ON r.id = c.id WHERE c.id = $1`,
		list: `SELECT c.id, c.record, c.revision, COALESCE(r.revision, 0) FROM ` + t + ` c LEFT JOIN ` + t + `_revisions r ON r.id = c.id
			WHERE $1 = '' OR c.project_id = $1 ORDER BY c.id`,
		upsert: `INSERT INTO ` + t + ` (id, project_id, record, revision, updated_at) VALUES ($1, $2, $3, $4, now())
			ON CONFLICT (id) DO UPDATE SET project_id = EXCLUDED.project_id, record = EXCLUDED.record,
			revision = EXCLUDED.revision, updated_at = now()`,
		upsertRev: `INSERT INTO ` + t + `_revisions (id, revision) VALUES ($1, $2)
			ON CONFLICT (id) DO UPDATE SET revision = GREATEST(` + t + `_revisions.revision, EXCLUDED.revision)`,
		setRev: `INSERT INTO ` + t + `_revisions (id, revision) VALUES ($1, $2)
			ON CONFLICT (id) DO UPDATE SET revision = EXCLUDED.revision`,
		del:    `DELETE FROM ` + t + ` WHERE id = $1`,
		delRev: `DELETE FROM ` + t + `_revisions WHERE id = $1`,
	}
}

// migrate creates the tables or brings them to schemaVersion, in one
// transaction under an advisory lock, so that processes starting together
// migrate once. A schema newer than this library's is refused.
func (s *Store) migrate(ctx context.Context) error {
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{}, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1, 0)", s.ns+lockMigrate); err != nil {
			return pgErr(err, "locking the schema")
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS `+s.table+`_schema (version integer NOT NULL)`); err != nil {
			return pgErr(err, "creating the schema table")
		}
		var v int
		err := tx.QueryRow(ctx, `SELECT version FROM `+s.table+`_schema`).Scan(&v)
		switch {
		case err == pgx.ErrNoRows:
			if _, err := tx.Exec(ctx, `INSERT INTO `+s.table+`_schema (version) VALUES (0)`); err != nil {
				return pgErr(err, "initialising the schema table")
			}
		case err != nil:
			return pgErr(err, "reading the schema version")
		}
		if v > schemaVersion {
			return errs.Newf(errs.CodeUnsupported,
				"credentials pgstore: table %s has schema version %d; this library knows up to %d (written by a newer version?)",
				s.table, v, schemaVersion)
		}
		for ; v < schemaVersion; v++ {
			for _, stmt := range migrations[v](s.table) {
				if _, err := tx.Exec(ctx, stmt); err != nil {
					return pgErr(err, "migrating the schema")
				}
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE `+s.table+`_schema SET version = $1`, schemaVersion); err != nil {
			return pgErr(err, "recording the schema version")
		}
		return nil
	})
	return txErr(err, "migrating")
}
