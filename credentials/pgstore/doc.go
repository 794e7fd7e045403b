// Package pgstore is a credentials.Store on PostgreSQL (github.com/jackc/pgx/v5),
// for hosts that run many workers on many machines against one set of
// credentials. It is a subpackage so that hosts using the file store do
// not build pgx.
//
//	store, err := pgstore.Open(ctx, "postgres://xlr8@db.internal/xlr8")
//	mgr, err := credentials.NewManager(store, keys)
//
// It gives the guarantees of the file store:
//
//   - Sealed records: the store holds what the Manager hands it, the
//     secrets sealed (AES-256-GCM) and bound to the record's metadata and
//     revision; the database never sees a secret.
//   - Revision checks: Update runs in one transaction holding the record's
//     update lock (pg_advisory_xact_lock, so that creating a record is
//     serialised too), reads the current row, calls the Manager's function
//     and writes revision+1. A killed writer's transaction is rolled back
//     by the server: nothing is lost and nothing is half written.
//   - No rollback: the highest revision written per id is kept in a table
//     of its own (<table>_revisions), written in the same transaction; a
//     row older than it (put back from a backup) is refused, by every
//     process, with an error wrapping credentials.ErrRollback, and Update
//     will not build on it. Restoring the whole database cannot be told
//     from the real thing.
//   - Refresh serialised across machines: Store implements
//     credentials.RefreshLocker with a session advisory lock
//     (pg_advisory_lock) per credential, held by the Manager around its
//     read-refresh-write, on a connection of its own; the server releases
//     it if the holder dies. Of two machines whose access token is
//     rejected at once, one refreshes and the other uses its token.
//
// The store creates its tables (xlr8_credentials, xlr8_credentials_revisions,
// xlr8_credentials_schema; WithTable renames them) and migrates them,
// once, under an advisory lock, when opened; a schema newer than the
// library is refused. Database errors carry the SQLSTATE as VendorCode and
// never quote the server's message or the connection string.
//
// Verified: against PostgreSQL 15 started by the tests on loopback
// (initdb, pg_ctl), including two processes refreshing one credential and
// a writer killed in the middle of a transaction. Assumed: the advisory
// lock functions and hashtext behave alike on PostgreSQL 12 and later.
package pgstore
