package redislimit

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
	"golang.org/x/time/rate"

	"github.com/xlr8/connectors/internal/errs"
	"github.com/xlr8/connectors/internal/transport"
)

// luaNow starts a script that reads Redis's clock: now, in microseconds.
const luaNow = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
`

// gcra reserves the next slot. KEYS[1] holds the theoretical arrival time
// (TAT) in microseconds of Redis time. ARGV: emission interval T, burst
// tolerance tau = T*(burst-1), and the longest wait the caller accepts (-1:
// any), all in microseconds. It returns {granted (1 or 0), wait}: the
// caller may send after wait microseconds; 0 means the slot lies past the
// caller's deadline and nothing was reserved.
var gcra = redis.NewScript(luaNow + `
local T = tonumber(ARGV[1])
local tau = tonumber(ARGV[2])
local maxwait = tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local wait = tat - tau - now
if wait < 0 then wait = 0 end
if maxwait >= 0 and wait > maxwait then return {0, wait} end
local newtat = tat + T
redis.call('SET', KEYS[1], string.format('%d', newtat), 'PX', math.ceil((newtat - now) / 1000) + 1000)
return {1, wait}
`)

// Config configures a Limiter.
type Config struct {
	// Client is the Redis connection (a *redis.Client, a cluster or ring
	// client). Required.
	Client redis.Scripter
	// Product and Credential name the budget: every Limiter with the same
	// pair (and Prefix) shares one schedule. Credential is the credential's
	// id, never a secret.
	Product, Credential string
	// Prefix starts the key (default "xlr8:ratelimit:").
	Prefix string
	// Rate is the shared rate in calls per second (> 0); Burst the calls
	// allowed at once after a quiet period (default 1).
	Rate  rate.Limit
	Burst int
	// Fallback paces calls while Redis is unreachable (default: a local
	// limiter at Rate and Burst).
	Fallback *rate.Limiter
	// Logger receives the degraded and recovered events (nil discards).
	Logger *slog.Logger
	// CallTimeout bounds one script call (default 500ms); RetryEvery is how
	// long the limiter stays on the fallback after a failure before trying
	// Redis again (default 1s).
	CallTimeout, RetryEvery time.Duration
}

// Limiter is a shared rate limiter on Redis. It is safe for concurrent use.
type Limiter struct {
	rdb         redis.Scripter
	key         string
	interval    int64 // microseconds between calls
	tau         int64 // burst tolerance, microseconds
	fallback    *rate.Limiter
	callTimeout time.Duration
	health      *health

	redisGrants, localGrants atomic.Int64
}

// New returns a Limiter. A missing client, a rate that is not positive or
// a missing product is INVALID_ARGUMENT.
func New(cfg Config) (*Limiter, error) {
	bad := func(msg string) error {
		return &errs.Error{Code: errs.CodeInvalidArgument, Product: cfg.Product, Message: "redislimit: " + msg}
	}
	switch {
	case cfg.Client == nil:
		return nil, bad("Config.Client is required")
	case cfg.Product == "":
		return nil, bad("Config.Product is required")
	case !(cfg.Rate > 0) || math.IsInf(float64(cfg.Rate), 1):
		return nil, bad(fmt.Sprintf("rate %v is not a finite positive number of calls per second", float64(cfg.Rate)))
	}
	if cfg.Burst <= 0 {
		cfg.Burst = 1
	}
	if cfg.Prefix == "" {
		cfg.Prefix = "xlr8:ratelimit:"
	}
	interval := int64(math.Round(1e6 / float64(cfg.Rate)))
	if interval < 1 {
		return nil, bad(fmt.Sprintf("rate %v is above a million calls per second", float64(cfg.Rate)))
	}
	l := &Limiter{
		rdb: cfg.Client,
		// The hash tag keeps the key on one cluster slot; the parts are
		// escaped as the QuotaBook's are, so that no two budgets share a
		// key and no credential id can close the tag early.
		key:         cfg.Prefix + "{" + keyPart(cfg.Product) + ":" + keyPart(cfg.Credential) + "}",
		interval:    interval,
		tau:         interval * int64(cfg.Burst-1),
		fallback:    cfg.Fallback,
		callTimeout: callTimeout(cfg.CallTimeout),
	}
	l.health = newHealth(l.key, cfg.Logger, cfg.RetryEvery,
		"redislimit: Redis unreachable; pacing with the local limiter until it answers",
		"redislimit: Redis answers again; pacing with the shared limiter")
	if l.fallback == nil {
		l.fallback = rate.NewLimiter(cfg.Rate, cfg.Burst)
	}
	return l, nil
}

// Key returns the Redis key that holds the shared schedule: the prefix,
// then the product and the credential id in a hash tag, each escaped
// (%, :, { and } as %25, %3A, %7B and %7D).
func (l *Limiter) Key() string { return l.key }

// Grants reports how many slots were granted by Redis and by the local
// fallback.
func (l *Limiter) Grants() (shared, local int64) { return l.redisGrants.Load(), l.localGrants.Load() }

// errDeadline is returned when the next slot lies past the context's
// deadline.
type errDeadline struct{ wait time.Duration }

func (e *errDeadline) Error() string {
	return fmt.Sprintf("redislimit: the next slot is %s away, past the context's deadline", e.wait.Round(time.Millisecond))
}
func (e *errDeadline) SafeError() string { return e.Error() }

// Wait blocks until the caller may send one call (see the package
// documentation).
func (l *Limiter) Wait(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if l.health.try() {
		wait, err := l.reserve(ctx)
		if err == nil {
			l.health.answered()
			l.redisGrants.Add(1)
			return transport.SleepContext(ctx, wait)
		}
		var dl *errDeadline
		if errors.As(err, &dl) {
			l.health.answered()
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		l.health.failed(err)
	}
	if err := l.fallback.Wait(ctx); err != nil {
		return err
	}
	l.localGrants.Add(1)
	return nil
}

func (l *Limiter) reserve(ctx context.Context) (time.Duration, error) {
	maxWait := int64(-1)
	if dl, ok := ctx.Deadline(); ok {
		maxWait = max(0, time.Until(dl).Microseconds())
	}
	cctx, cancel := context.WithTimeout(ctx, l.callTimeout)
	defer cancel()
	res, err := gcra.Run(cctx, l.rdb, []string{l.key}, l.interval, l.tau, maxWait).Int64Slice()
	if err != nil {
		return 0, err
	}
	if len(res) != 2 {
		return 0, fmt.Errorf("redislimit: script returned %d values", len(res))
	}
	wait := time.Duration(res[1]) * time.Microsecond
	if res[0] != 1 {
		return 0, &errDeadline{wait: wait}
	}
	return wait, nil
}

// callTimeout is the bound on one script call: d, or 500ms.
func callTimeout(d time.Duration) time.Duration {
	if d <= 0 {
		return 500 * time.Millisecond
	}
	return d
}
