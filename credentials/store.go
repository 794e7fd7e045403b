package credentials

import (
	"context"
	"sort"
	"sync"

	"github.com/xlr8/connectors/internal/errs"
)

// Store keeps sealed credential records. It never sees a secret in the
// clear: the Manager seals before writing and opens after reading.
//
// Implementations must be safe for concurrent use, and Update must be
// atomic with respect to every other Update of the same store (and, for a
// store shared between processes, of every process): it is how the Manager
// makes read-modify-write changes (rotated refresh tokens, last use,
// revocation, rekeying) without losing a concurrent one.
type Store interface {
	// Get returns the record with the id: NOT_FOUND if there is none, an
	// INTERNAL error wrapping ErrCorrupt if it cannot be read.
	Get(ctx context.Context, id string) (*Record, error)
	// List returns the records of a project ("" for every project), sorted
	// by id. A record that cannot be read fails the call (INTERNAL,
	// ErrCorrupt, the ids in Details["corrupt"]).
	List(ctx context.Context, projectID string) ([]*Record, error)
	// Update atomically replaces the record with the id by fn's result.
	// fn gets a copy of the current record (nil if there is none); it
	// returns the record to write, nil to write nothing, or an error to
	// abort. The store sets the written record's ID and Revision (the
	// current revision plus one) and returns it. A current record that
	// cannot be read aborts the call before fn runs: it is never silently
	// replaced.
	Update(ctx context.Context, id string, fn func(cur *Record) (*Record, error)) (*Record, error)
	// Delete removes the record with the id, readable or not. Deleting a
	// missing record is NOT_FOUND.
	Delete(ctx context.Context, id string) error
}

// RefreshLocker is implemented by a Store that can serialise the OAuth
// refresh of one credential across every process (and machine) sharing it.
// The Manager holds the lock around read-refresh-write: under it, it reads
// the record again and uses the token another holder stored meanwhile
// rather than spending a refresh token that holder may have rotated. Two
// Managers whose access token is rejected at the same moment thus cost one
// refresh, and neither sees invalid_grant.
//
// A Store without it gets the fallback: a refresh rejected as
// UNAUTHENTICATED is retried once if the stored refresh token changed
// meanwhile, which covers a refresh that finished first but not one still
// in flight.
//
// FileStore (a per-credential flock), MemoryStore (a per-credential mutex)
// and credentials/pgstore (a PostgreSQL advisory lock) implement it.
type RefreshLocker interface {
	// LockRefresh runs fn while holding an exclusive lock on the
	// credential id, against every other LockRefresh of the same store in
	// any process, waiting for it no longer than ctx allows. fn may call
	// the store's Get and Update (the lock is not the lock Update takes).
	// The lock must be released when fn returns and when its holder dies
	// (a crashed process must not leave the credential locked). It returns
	// fn's error, or the store's own error when the lock cannot be taken.
	LockRefresh(ctx context.Context, id string, fn func(ctx context.Context) error) error
}

// ApplyUpdate is the heart of a Store's Update, for implementations: it
// calls fn with a copy of cur (nil when there is none) and returns the
// record to write, a copy of fn's result with its ID set and its Revision
// the current one plus one (1 for a new record), the revision the Manager
// bound into its sealed secrets. It returns nil when fn writes nothing,
// and fn's error as it is.
func ApplyUpdate(id string, cur *Record, fn func(*Record) (*Record, error)) (*Record, error) {
	next, err := fn(cur.Clone())
	if err != nil || next == nil {
		return nil, err
	}
	next = next.Clone()
	next.ID = id
	next.Revision = 1
	if cur != nil {
		next.Revision = cur.Revision + 1
	}
	return next, nil
}

// MemoryStore is a Store in memory, for tests and for hosts that keep
// records elsewhere between runs. Records are still sealed: a MemoryStore
// holds ciphertext only.
type MemoryStore struct {
	mu   sync.RWMutex
	recs map[string]*Record

	lmu   sync.Mutex
	locks map[string]chan struct{} // refresh locks: held while the channel exists
}

var (
	_ Store         = (*MemoryStore)(nil)
	_ RefreshLocker = (*MemoryStore)(nil)
)

// NewMemoryStore returns an empty store.
func NewMemoryStore() *MemoryStore { return &MemoryStore{recs: map[string]*Record{}} }

// LockRefresh runs fn holding the credential's refresh lock (see
// RefreshLocker), shared by every Manager over this store.
func (s *MemoryStore) LockRefresh(ctx context.Context, id string, fn func(ctx context.Context) error) error {
	for {
		s.lmu.Lock()
		if s.locks == nil {
			s.locks = map[string]chan struct{}{}
		}
		held, busy := s.locks[id]
		if !busy {
			mine := make(chan struct{})
			s.locks[id] = mine
			s.lmu.Unlock()
			defer func() {
				s.lmu.Lock()
				delete(s.locks, id)
				s.lmu.Unlock()
				close(mine)
			}()
			return fn(ctx)
		}
		s.lmu.Unlock()
		select {
		case <-held:
		case <-ctx.Done():
			return errs.FromContext(ctx.Err(), "", "waiting for the refresh lock of "+quote(id))
		}
	}
}

// Get returns the record.
func (s *MemoryStore) Get(ctx context.Context, id string) (*Record, error) {
	if err := ctx.Err(); err != nil {
		return nil, errs.FromContext(err, "", "credentials store")
	}
	s.mu.RLock()
	r, ok := s.recs[id]
	s.mu.RUnlock()
	if !ok {
		return nil, notFound(id)
	}
	return r, nil
}

// List returns the records of a project, sorted by id.
func (s *MemoryStore) List(ctx context.Context, projectID string) ([]*Record, error) {
	if err := ctx.Err(); err != nil {
		return nil, errs.FromContext(err, "", "credentials store")
	}
	s.mu.RLock()
	out := make([]*Record, 0, len(s.recs))
	for _, r := range s.recs {
		if projectID == "" || r.ProjectID == projectID {
			out = append(out, r)
		}
	}
	s.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// Update replaces the record under the store's lock.
func (s *MemoryStore) Update(ctx context.Context, id string, fn func(*Record) (*Record, error)) (*Record, error) {
	if err := ctx.Err(); err != nil {
		return nil, errs.FromContext(err, "", "credentials store")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cur := s.recs[id]
	next, err := ApplyUpdate(id, cur, fn)
	if err != nil {
		return nil, err
	}
	if next == nil {
		return cur, nil
	}
	s.recs[id] = next
	return next, nil
}

// Delete removes the record.
func (s *MemoryStore) Delete(ctx context.Context, id string) error {
	if err := ctx.Err(); err != nil {
		return errs.FromContext(err, "", "credentials store")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.recs[id]; !ok {
		return notFound(id)
	}
	delete(s.recs, id)
	return nil
}

func notFound(id string) *errs.Error {
	return errs.Newf(errs.CodeNotFound, "credential %q not found", id)
}

// typedStore wraps a host's Store so that every failure the Manager passes
// on is an *errs.Error and a misbehaving store cannot make it panic.
type typedStore struct{ Store }

func storeErr(err error, what string) error {
	return typedErr(err, errs.CodeInternal, "credentials store: "+what)
}

func (s typedStore) Get(ctx context.Context, id string) (*Record, error) {
	r, err := s.Store.Get(ctx, id)
	if err != nil {
		return nil, storeErr(err, "reading "+quote(id))
	}
	if r == nil {
		return nil, errs.Newf(errs.CodeInternal, "credentials store: reading %s returned no record and no error", quote(id))
	}
	return r, nil
}

func (s typedStore) List(ctx context.Context, projectID string) ([]*Record, error) {
	rs, err := s.Store.List(ctx, projectID)
	if err != nil {
		return nil, storeErr(err, "listing")
	}
	for _, r := range rs {
		if r == nil {
			return nil, errs.New(errs.CodeInternal, "credentials store: listing returned a nil record")
		}
	}
	return rs, nil
}

func (s typedStore) Update(ctx context.Context, id string, fn func(*Record) (*Record, error)) (*Record, error) {
	r, err := s.Store.Update(ctx, id, fn)
	return r, storeErr(err, "updating "+quote(id))
}

func (s typedStore) Delete(ctx context.Context, id string) error {
	return storeErr(s.Store.Delete(ctx, id), "deleting "+quote(id))
}
