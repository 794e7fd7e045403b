package salesforce

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/internal/errs"
)

// QuotaName is the name under which the daily API allocation that
// Sforce-Limit-Info reports is kept in a connectors.QuotaBook: Salesforce's
// own name for it in /limits.
const QuotaName = "DailyApiRequests"

// quotaWindow is the allocation's window: Salesforce counts calls over a
// rolling 24 hours.
const quotaWindow = 24 * time.Hour

// quota holds the usage reports of the daily allocation: the last one this
// connector received, and the book it shares them through (nil without
// connectors.WithQuotaBook).
type quota struct {
	book   connectors.QuotaBook
	key    connectors.QuotaKey
	logger *slog.Logger

	mu   sync.Mutex
	last connectors.QuotaUsage

	down atomic.Bool // the book failed last time it was asked
}

func newQuota(o connectors.Options, credID string) *quota {
	return &quota{book: o.QuotaBook, logger: o.Logger,
		key: connectors.QuotaKey{Product: Product, Credential: credID, Name: QuotaName}}
}

// observe reads Sforce-Limit-Info ("api-usage=10018/100000") from every
// response and records it in the book.
func (c *driver) observe(resp *http.Response) {
	used, max, ok := parseLimitInfo(resp.Header.Get("Sforce-Limit-Info"))
	if !ok {
		return
	}
	u := connectors.QuotaUsage{Used: used, Max: max, At: c.opts.Now(), Window: quotaWindow}
	q := c.quota
	q.mu.Lock()
	q.last = u
	q.mu.Unlock()
	if q.book == nil {
		return
	}
	ctx := context.Background()
	if resp.Request != nil {
		// The report stands even when the call's context has ended.
		ctx = context.WithoutCancel(resp.Request.Context())
	}
	q.health(q.book.Record(ctx, q.key, u))
}

func parseLimitInfo(h string) (used, max int64, ok bool) {
	for _, part := range strings.Split(h, ",") {
		v, found := strings.CutPrefix(strings.TrimSpace(part), "api-usage=")
		if !found {
			continue
		}
		a, b, found := strings.Cut(v, "/")
		if !found {
			return 0, 0, false
		}
		u, err1 := strconv.ParseInt(a, 10, 64)
		m, err2 := strconv.ParseInt(b, 10, 64)
		if err1 != nil || err2 != nil || m <= 0 || u < 0 {
			return 0, 0, false
		}
		return u, m, true
	}
	return 0, 0, false
}

// newest is the newest report known: the book's, unless this connector's
// own last report supersedes it or the book cannot be reached.
func (q *quota) newest(ctx context.Context) connectors.QuotaUsage {
	q.mu.Lock()
	u := q.last
	q.mu.Unlock()
	if q.book == nil {
		return u
	}
	b, ok, err := q.book.Load(ctx, q.key)
	q.health(err)
	if err == nil && ok && (!u.Valid() || b.Supersedes(u)) {
		return b
	}
	return u
}

// health logs the book's failure once, and once more when it answers again.
func (q *quota) health(err error) {
	if err == nil {
		if q.down.CompareAndSwap(true, false) {
			q.logger.Info("salesforce: the quota book answers again", slog.String("quota", q.key.Name))
		}
		return
	}
	if q.down.CompareAndSwap(false, true) {
		q.logger.Warn("salesforce: the quota book cannot be reached; checking the reserve against this connector's own reports",
			slog.String("quota", q.key.Name), slog.String("error", errs.As(err, Product).Error()))
	}
}

// Usage is the org's daily API usage as last reported by Salesforce.
type Usage struct {
	Used, Max int64
}

// Remaining returns the calls left today, or -1 when not known yet.
func (u Usage) Remaining() int64 {
	if u.Max <= 0 {
		return -1
	}
	return u.Max - u.Used
}

// Usage returns the daily API usage from the Sforce-Limit-Info header of
// the last response this connector received (zero before the first call).
// SharedUsage reads the newest report of every connector sharing the
// quota book.
func (c *Connector) Usage() Usage { return c.d.usage() }

func (c *driver) usage() Usage {
	c.quota.mu.Lock()
	defer c.quota.mu.Unlock()
	return Usage{Used: c.quota.last.Used, Max: c.quota.last.Max}
}

// SharedUsage returns the newest daily API usage report known to this
// connector: the quota book's (connectors.WithQuotaBook), which every
// connector sharing the book records, or this connector's own when it is
// newer, when there is no book or when the book cannot be reached. ok is
// false before any report.
func (c *Connector) SharedUsage(ctx context.Context) (u connectors.QuotaUsage, ok bool) {
	u = c.d.quota.newest(ctx)
	return u, u.Valid()
}

// checkReserve refuses a call, before it is sent, while the newest report
// says usage reached the reserve fraction of the daily allocation (with a
// shared quota book and no reserve: the whole allocation). A report older
// than the recheck period refuses nothing: the call goes out and its
// Sforce-Limit-Info refreshes the book, since usage falls as calls roll out
// of the 24 hours.
func (c *driver) checkReserve(ctx context.Context) error {
	limit, kind := c.set.reserve, "reserve"
	if limit <= 0 {
		if c.quota.book == nil {
			return nil // Salesforce's own 403 says when the allocation is spent
		}
		limit, kind = 1, "daily"
	}
	u := c.quota.newest(ctx)
	if !u.Valid() {
		return nil
	}
	age := max(c.opts.Now().Sub(u.At), 0)
	if age >= c.set.quotaRecheck || float64(u.Used) < limit*float64(u.Max) {
		return nil
	}
	wait := c.set.quotaRecheck - age
	msg := fmt.Sprintf("salesforce: %d of %d daily API calls used; the connector keeps %.0f%% in reserve for the org's other integrations",
		u.Used, u.Max, 100*(1-limit))
	if kind == "daily" {
		msg = fmt.Sprintf("salesforce: %d of %d daily API calls used, as the quota book says", u.Used, u.Max)
	}
	msg += fmt.Sprintf("; no call is sent for %s, until the usage is read again", wait.Round(time.Second))
	return (&errs.Error{Code: errs.CodeRateLimited, Product: Product, VendorCode: "API_RESERVE", RetryAfter: wait,
		Message: msg}).WithDetail("quota", kind)
}
