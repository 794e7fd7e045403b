package redislimit

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/internal/errs"
)

// recordQuota keeps a usage report unless the one held supersedes it, by
// connectors.QuotaUsage.Supersedes's rule (the same comparisons, on
// microseconds). KEYS[1] is a hash of used, max, at (microseconds since the
// epoch, the reporting worker's clock) and window (milliseconds). ARGV:
// used, max, at, window, QuotaSettle in microseconds. A timestamp more
// than QuotaSettle ahead of Redis's clock is taken as Redis's clock plus
// QuotaSettle, so that a machine whose clock runs fast cannot hold the
// book against every other's reports. It returns 1 when the report was
// kept, 0 when the one held is newer; a kept report expires window
// milliseconds after it was recorded.
var recordQuota = redis.NewScript(luaNow + `
local used = tonumber(ARGV[1])
local at = tonumber(ARGV[3])
local settle = tonumber(ARGV[5])
if at > now + settle then at = now + settle end
local cur = redis.call('HMGET', KEYS[1], 'used', 'at')
local su, sa = tonumber(cur[1]), tonumber(cur[2])
if su and sa then
  local newer
  if at > sa + settle then newer = true
  elseif at < sa - settle then newer = false
  elseif used ~= su then newer = used > su
  else newer = at >= sa end
  if not newer then return 0 end
end
redis.call('HSET', KEYS[1], 'used', ARGV[1], 'max', ARGV[2], 'at', string.format('%d', at), 'window', ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1
`)

// loadQuota reads the report held at KEYS[1].
var loadQuota = redis.NewScript(`return redis.call('HMGET', KEYS[1], 'used', 'max', 'at', 'window')`)

// QuotaConfig configures a QuotaBook.
type QuotaConfig struct {
	// Client is the Redis connection (a *redis.Client, a cluster or ring
	// client). Required.
	Client redis.Scripter
	// Prefix starts every key (default "xlr8:quota:").
	Prefix string
	// Logger receives the degraded and recovered events (nil discards).
	Logger *slog.Logger
	// CallTimeout bounds one script call (default 500ms); RetryEvery is how
	// long the book answers UNAVAILABLE without asking Redis after a
	// failure (default 1s).
	CallTimeout, RetryEvery time.Duration
}

// QuotaBook is a connectors.QuotaBook on Redis: every worker on every
// machine whose connectors use a QuotaBook on the same Redis (and Prefix)
// sees the newest usage report any of them received. It is safe for
// concurrent use.
type QuotaBook struct {
	rdb         redis.Scripter
	prefix      string
	callTimeout time.Duration
	health      *health
}

var _ connectors.QuotaBook = (*QuotaBook)(nil)

// NewQuotaBook returns a QuotaBook. A missing client is INVALID_ARGUMENT.
func NewQuotaBook(cfg QuotaConfig) (*QuotaBook, error) {
	if cfg.Client == nil {
		return nil, &errs.Error{Code: errs.CodeInvalidArgument, Message: "redislimit: QuotaConfig.Client is required"}
	}
	if cfg.Prefix == "" {
		cfg.Prefix = "xlr8:quota:"
	}
	return &QuotaBook{rdb: cfg.Client, prefix: cfg.Prefix, callTimeout: callTimeout(cfg.CallTimeout),
		health: newHealth(cfg.Prefix+"*", cfg.Logger, cfg.RetryEvery,
			"redislimit: Redis unreachable; the quota book is unavailable until it answers",
			"redislimit: Redis answers again; the quota book is shared again")}, nil
}

// Key returns the Redis key that holds key's report: the prefix, the
// product and credential as a hash tag (one cluster slot per tenant), and
// the quota's name, each part escaped so that no two keys share one.
func (b *QuotaBook) Key(key connectors.QuotaKey) string {
	return b.prefix + "{" + keyPart(key.Product) + ":" + keyPart(key.Credential) + "}:" + keyPart(key.Name)
}

var keyEscaper = strings.NewReplacer("%", "%25", ":", "%3A", "{", "%7B", "}", "%7D")

func keyPart(s string) string { return keyEscaper.Replace(s) }

// Record keeps u for key unless the report held supersedes it
// (connectors.QuotaUsage.Supersedes; At is kept to the microsecond). The
// key expires u.Window after the last report kept. An invalid report is
// INVALID_ARGUMENT and Redis is not asked; Redis unreachable is
// UNAVAILABLE.
func (b *QuotaBook) Record(ctx context.Context, key connectors.QuotaKey, u connectors.QuotaUsage) error {
	if err := connectors.CheckQuota(key, u); err != nil {
		return err
	}
	window := u.Window.Milliseconds()
	if window <= 0 {
		window = 1
	}
	return b.call(ctx, key, func(ctx context.Context) error {
		return recordQuota.Run(ctx, b.rdb, []string{b.Key(key)}, u.Used, u.Max, u.At.UnixMicro(), window,
			connectors.QuotaSettle.Microseconds()).Err()
	})
}

// Load returns the report held for key; ok is false when there is none or
// it expired. Redis unreachable is UNAVAILABLE; a hash that does not hold a
// report is INTERNAL.
func (b *QuotaBook) Load(ctx context.Context, key connectors.QuotaKey) (u connectors.QuotaUsage, ok bool, err error) {
	var vals []any
	err = b.call(ctx, key, func(ctx context.Context) error {
		var err error
		vals, err = loadQuota.Run(ctx, b.rdb, []string{b.Key(key)}).Slice()
		return err
	})
	if err != nil {
		return connectors.QuotaUsage{}, false, err
	}
	return decodeQuota(key, vals)
}

// call runs f on Redis unless it failed within RetryEvery, and turns a
// failure into UNAVAILABLE (the caller's context ending is its own error).
func (b *QuotaBook) call(ctx context.Context, key connectors.QuotaKey, f func(context.Context) error) error {
	if err := ctx.Err(); err != nil {
		return errs.FromContext(err, key.Product, "quota book")
	}
	if !b.health.try() {
		return &errs.Error{Code: errs.CodeUnavailable, Product: key.Product, Retryable: true,
			Message: "redislimit: the quota book's Redis was unreachable moments ago"}
	}
	cctx, cancel := context.WithTimeout(ctx, b.callTimeout)
	defer cancel()
	err := f(cctx)
	if err == nil || errors.Is(err, redis.Nil) {
		b.health.answered()
		return nil
	}
	if ctx.Err() != nil {
		return errs.FromContext(ctx.Err(), key.Product, "quota book")
	}
	b.health.failed(err)
	return &errs.Error{Code: errs.CodeUnavailable, Product: key.Product, Retryable: true,
		Message: "redislimit: the quota book's Redis is unreachable", Err: err}
}

// decodeQuota reads HMGET's used, max, at, window.
func decodeQuota(key connectors.QuotaKey, vals []any) (connectors.QuotaUsage, bool, error) {
	if len(vals) != 4 {
		return connectors.QuotaUsage{}, false, badQuota(key, fmt.Sprintf("%d fields", len(vals)))
	}
	var n [4]int64
	missing := 0
	for i, v := range vals {
		if v == nil {
			missing++
			continue
		}
		s, isString := v.(string)
		x, err := strconv.ParseInt(s, 10, 64)
		if !isString || err != nil {
			return connectors.QuotaUsage{}, false, badQuota(key, "a field that is not an integer")
		}
		n[i] = x
	}
	switch missing {
	case 4:
		return connectors.QuotaUsage{}, false, nil
	case 0:
	default:
		return connectors.QuotaUsage{}, false, badQuota(key, "missing fields")
	}
	u := connectors.QuotaUsage{Used: n[0], Max: n[1], At: time.UnixMicro(n[2]).UTC(), Window: time.Duration(n[3]) * time.Millisecond}
	if !u.Valid() {
		return connectors.QuotaUsage{}, false, badQuota(key, "values that are not a usage report")
	}
	return u, true, nil
}

func badQuota(key connectors.QuotaKey, what string) error {
	return &errs.Error{Code: errs.CodeInternal, Product: key.Product,
		Message: "redislimit: the quota book's hash for " + key.Name + " holds " + what}
}
