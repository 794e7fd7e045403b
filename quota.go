package connectors

import (
	"context"
	"sync"
	"time"
)

// QuotaKey names one vendor quota of one tenant: the product, the
// credential's id (never a secret) and the vendor's own name for the
// quota (Salesforce: "DailyApiRequests").
type QuotaKey struct {
	Product, Credential, Name string
}

// QuotaUsage is one report of a quota's usage, in the vendor's own numbers:
// Used of Max in the quota's Window (Salesforce: a rolling 24 hours), as
// received at At (the receiving worker's clock).
type QuotaUsage struct {
	Used, Max int64
	At        time.Time
	Window    time.Duration
}

// QuotaSettle is how far apart two reports' timestamps may be and still be
// ordered by the vendor's numbers rather than by the clock: responses of
// concurrent workers cross on the wire (and machines' clocks differ by a
// little), so within QuotaSettle the report with more calls used is the
// newer one.
const QuotaSettle = time.Minute

// Supersedes reports whether u is a newer report than old, and so replaces
// it in a QuotaBook. A report taken more than QuotaSettle after old is
// newer, even with fewer calls used (usage falls as calls roll out of a
// rolling window, and an allocation may change); one taken more than
// QuotaSettle before old is not. In between, the vendor's numbers decide: a
// report that counts more calls used is newer; on a tie, the later (or
// equal) timestamp.
func (u QuotaUsage) Supersedes(old QuotaUsage) bool {
	switch {
	case u.At.After(old.At.Add(QuotaSettle)):
		return true
	case u.At.Before(old.At.Add(-QuotaSettle)):
		return false
	case u.Used != old.Used:
		return u.Used > old.Used
	}
	return !u.At.Before(old.At)
}

// Valid reports whether u can be recorded: a known allocation (Max > 0),
// a usage that is not negative, a timestamp and a window.
func (u QuotaUsage) Valid() bool {
	return u.Max > 0 && u.Used >= 0 && !u.At.IsZero() && u.Window > 0
}

// QuotaBook keeps the latest usage reports of vendor quotas where every
// worker that shares the book sees them: a connector records every report
// the vendor sends and consults the book before a call, so that workers
// stop together at a reserve instead of each discovering the quota alone.
// The in-process MemoryQuotaBook is the default; limit/redislimit's
// QuotaBook shares one across processes and machines.
//
// Record keeps u unless the book holds a report that u does not supersede
// (QuotaUsage.Supersedes); it refuses an invalid report with
// INVALID_ARGUMENT. A report expires Window after it was recorded. Load
// returns the report kept for key, or ok false when there is none (or it
// expired). Both are safe for concurrent use. A connector calls Record on
// every response that reports usage and Load before every call, so both
// must be quick and bound their own waits; an error means the book could
// not be reached, and connectors then fall back to the reports they saw
// themselves.
type QuotaBook interface {
	Record(ctx context.Context, key QuotaKey, u QuotaUsage) error
	Load(ctx context.Context, key QuotaKey) (u QuotaUsage, ok bool, err error)
}

// MemoryQuotaBook is a QuotaBook in this process's memory: give one to
// several connectors (WithQuotaBook) to share their reports. It is safe for
// concurrent use.
type MemoryQuotaBook struct {
	now func() time.Time
	mu  sync.Mutex
	m   map[QuotaKey]QuotaUsage
}

var _ QuotaBook = (*MemoryQuotaBook)(nil)

// NewMemoryQuotaBook returns an empty in-process book whose reports expire
// by the clock now (nil: time.Now).
func NewMemoryQuotaBook(now func() time.Time) *MemoryQuotaBook {
	if now == nil {
		now = time.Now
	}
	return &MemoryQuotaBook{now: now, m: map[QuotaKey]QuotaUsage{}}
}

// Record keeps u for key unless the report kept supersedes it.
func (b *MemoryQuotaBook) Record(ctx context.Context, key QuotaKey, u QuotaUsage) error {
	if err := CheckQuota(key, u); err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if old, ok := b.live(key); ok && !u.Supersedes(old) {
		return nil
	}
	b.m[key] = u
	return nil
}

// Load returns the report kept for key.
func (b *MemoryQuotaBook) Load(ctx context.Context, key QuotaKey) (QuotaUsage, bool, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	u, ok := b.live(key)
	return u, ok, nil
}

// live returns key's report unless it expired (and drops it then). b.mu is
// held.
func (b *MemoryQuotaBook) live(key QuotaKey) (QuotaUsage, bool) {
	u, ok := b.m[key]
	if ok && !b.now().Before(u.At.Add(u.Window)) {
		delete(b.m, key)
		return QuotaUsage{}, false
	}
	return u, ok
}

// CheckQuota validates a Record's arguments as every QuotaBook does:
// INVALID_ARGUMENT for a key without a product or a name, or for a report
// that is not Valid.
func CheckQuota(key QuotaKey, u QuotaUsage) error {
	switch {
	case key.Product == "" || key.Name == "":
		return Errorf(CodeInvalidArgument, "quota book: a quota key needs a product and a name")
	case !u.Valid():
		return Errorf(CodeInvalidArgument, "quota book: report %d of %d (window %s) is not a usage report", u.Used, u.Max, u.Window)
	}
	return nil
}
