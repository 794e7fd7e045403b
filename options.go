package connectors

import (
	"log/slog"
	"net/http"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/time/rate"

	"github.com/xlr8/connectors/internal/transport"
)

// RetryPolicy says how often and how patiently a vendor call is retried:
// MaxAttempts (default 4; 1 disables retries), MinBackoff (250ms, doubling
// with jitter), MaxBackoff (20s) and MaxRetryAfter (2m, the cap on a server's
// Retry-After). Zero fields take the defaults.
type RetryPolicy = transport.RetryPolicy

// Progress reports how far a stream has got.
type Progress struct {
	Entity  string
	Records int64
	Pages   int
	// Total is what the vendor advertised, or -1 when it did not say.
	Total int64
	// Done is set on the last report of a stream that ended without error.
	Done bool
}

// Options holds the resolved options of Open and of every vendor's New.
// Vendors read it with ApplyOptions; hosts set it with the With functions.
type Options struct {
	Logger     *slog.Logger
	HTTPClient *http.Client
	// RateLimit and RateBurst configure a limiter for the credential
	// (0 means the vendor's default); RateLimiter shares one the host made.
	RateLimit   rate.Limit
	RateBurst   int
	RateLimiter *rate.Limiter
	Retry       RetryPolicy
	Progress    func(Progress)
	Audit       AuditHook
	// AllowInsecureLoopback lets plain http reach loopback hosts: tests only.
	AllowInsecureLoopback bool
	// MaxBodyBytes caps a buffered response body (0: 64 MiB).
	MaxBodyBytes int64
	// MaxValueBytes caps one value (a JSON string or number, a CSV field)
	// of a response, streamed or buffered (0: 8 MiB).
	MaxValueBytes int64
	// RequestTimeout bounds one attempt of one call (0: no timer per
	// attempt; the default HTTP client still ends a connection that
	// receives nothing for 2 minutes).
	RequestTimeout time.Duration
	// TokenSource, when set, supplies OAuth tokens in place of the
	// connector's own grant: the credentials Manager's persisting source.
	TokenSource oauth2.TokenSource
	// Clock, when set, replaces time.Now (simulators, tests).
	Clock func() time.Time
	// AllowMissingPrincipalType lets Execute run sensitive and write
	// capabilities for a caller that gave no principal type (off: they are
	// PERMISSION_DENIED).
	AllowMissingPrincipalType bool
	// Vendor holds vendor-specific option values, set by the vendor's own
	// With functions through VendorOption and read with VendorValue.
	Vendor []any
	// Egress routes every call through a proxy and/or from a local address
	// (IP allowlisting); the zero value honours the proxy environment.
	Egress Egress
	// Limiter, when set, paces every call instead of the rate options: a
	// limiter shared across processes (limit/redislimit) or of the host's
	// own making.
	Limiter Limiter
	// IdleReadTimeout and MinReadBytes end a stream whose body delivers
	// less than MinReadBytes per IdleReadTimeout (0: 2 minutes, 1 byte).
	IdleReadTimeout time.Duration
	MinReadBytes    int64
	// QuotaBook, when set, keeps the vendor quota reports every connector
	// given it sees, for all of them (nil: each connector keeps its own).
	QuotaBook QuotaBook
}

// Option configures a connector.
type Option func(*Options)

// ApplyOptions resolves opts (later ones win) with defaults filled in:
// a discarding logger when none was given.
func ApplyOptions(opts ...Option) Options {
	var o Options
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

// Now returns the options' clock reading.
func (o Options) Now() time.Time {
	if o.Clock != nil {
		return o.Clock()
	}
	return time.Now()
}

// WithLogger sends the connector's audit events and diagnostics to l. The
// library never logs to slog.Default; without this option it logs nothing.
func WithLogger(l *slog.Logger) Option { return func(o *Options) { o.Logger = l } }

// WithHTTPClient supplies the base HTTP client (its transport, TLS roots and
// timeouts) under the stack's retries, rate limit and OAuth.
func WithHTTPClient(c *http.Client) Option { return func(o *Options) { o.HTTPClient = c } }

// WithRateLimit paces calls to r per second with bursts of burst. Connectors
// opened for the same credential id share one limiter.
func WithRateLimit(r rate.Limit, burst int) Option {
	return func(o *Options) { o.RateLimit, o.RateBurst = r, burst }
}

// WithRateLimiter paces calls with a limiter the host shares as it likes.
func WithRateLimiter(l *rate.Limiter) Option { return func(o *Options) { o.RateLimiter = l } }

// WithRetry sets the retry policy.
func WithRetry(p RetryPolicy) Option { return func(o *Options) { o.Retry = p } }

// WithProgress calls f as streams advance: after every page, and once more
// with Done set when a stream ends without error. f must be fast.
func WithProgress(f func(Progress)) Option { return func(o *Options) { o.Progress = f } }

// WithAudit sends an AuditEvent for every Execute call to h.
func WithAudit(h AuditHook) Option { return func(o *Options) { o.Audit = h } }

// WithAllowInsecureLoopback lets plain http reach 127.0.0.1, ::1 and
// localhost. For tests against local fakes only; every other host is still
// HTTPS only.
func WithAllowInsecureLoopback() Option { return func(o *Options) { o.AllowInsecureLoopback = true } }

// WithMaxBodyBytes caps a buffered response body; a larger body is an error,
// not an out-of-memory.
func WithMaxBodyBytes(n int64) Option { return func(o *Options) { o.MaxBodyBytes = n } }

// WithMaxValueBytes caps a single value of a response (a JSON string or
// number, a CSV field), streamed bodies included: a larger value is an
// INTERNAL error, not gigabytes of heap behind a small body cap.
func WithMaxValueBytes(n int64) Option { return func(o *Options) { o.MaxValueBytes = n } }

// WithRequestTimeout bounds one attempt of one call; a stalled attempt is
// abandoned and retried. The context's deadline bounds the whole call.
func WithRequestTimeout(d time.Duration) Option { return func(o *Options) { o.RequestTimeout = d } }

// WithTokenSource supplies OAuth tokens from ts (for example the credentials
// Manager's TokenSource, which persists rotated refresh tokens) instead of
// the connector running the grant itself.
func WithTokenSource(ts oauth2.TokenSource) Option { return func(o *Options) { o.TokenSource = ts } }

// WithClock replaces time.Now for the connector (simulators, tests).
func WithClock(now func() time.Time) Option { return func(o *Options) { o.Clock = now } }

// WithAllowMissingPrincipalType lets Execute run sensitive and write
// capabilities when params carry no principal type (__type__). By default
// they are refused with PERMISSION_DENIED (vendor code NOT_PERMITTED,
// Details["reason"] "principal_type_required"): a capability meant for
// humans only must not run for a caller of unknown kind. Opt out only where
// the host enforces principal types itself.
func WithAllowMissingPrincipalType() Option {
	return func(o *Options) { o.AllowMissingPrincipalType = true }
}

// VendorOption wraps a vendor-specific value as an Option; the vendor reads
// it back with VendorValue. Vendors use it to build their own With
// functions, so that connectors.Open passes them through. v must be of a
// type declared in the vendor's package: a connector refuses, with
// INVALID_ARGUMENT at construction, a vendor option of another package.
func VendorOption(v any) Option { return func(o *Options) { o.Vendor = append(o.Vendor, v) } }

// VendorValue returns the last vendor value of type T in o.
func VendorValue[T any](o Options) (T, bool) {
	for i := len(o.Vendor) - 1; i >= 0; i-- {
		if v, ok := o.Vendor[i].(T); ok {
			return v, true
		}
	}
	var zero T
	return zero, false
}

// Egress routes a connector's calls for vendors that allow only known
// source addresses: Proxy sends every call through a proxy that tunnels TLS
// to the vendor with CONNECT (https:// or http://; user info authenticates
// to the proxy and is a secret), LocalAddr binds outgoing connections to a
// local address, NoEnvironment ignores HTTPS_PROXY/NO_PROXY (honoured by
// default). The audit event names the route taken.
type Egress = transport.Egress

// WithEgress routes every call of the connector as e says. It needs the
// default HTTP client or one whose Transport is an *http.Transport.
func WithEgress(e Egress) Option { return func(o *Options) { o.Egress = e } }

// Limiter paces calls: Wait(ctx) returns nil when one call may be sent, or
// an error (the context's, or "no slot before the deadline"), and then no
// call is sent. *rate.Limiter is one; limit/redislimit shares one budget
// between processes.
type Limiter = transport.Limiter

// WithLimiter paces every call of the connector with l, instead of
// WithRateLimit, WithRateLimiter and the vendor's default rate.
func WithLimiter(l Limiter) Option { return func(o *Options) { o.Limiter = l } }

// WithIdleReadTimeout ends a stream (a report, a bulk result) whose body
// delivers less than minBytes in any period d (minBytes <= 0: 1, any
// progress) with a retryable TIMEOUT error, which a stream turns into a
// Resume. d < 0 turns the watchdog off.
func WithIdleReadTimeout(d time.Duration, minBytes int64) Option {
	return func(o *Options) { o.IdleReadTimeout, o.MinReadBytes = d, minBytes }
}

// WithQuotaBook records the vendor quota usage the connector reads from
// responses (Salesforce's Sforce-Limit-Info) in b, and has the connector
// consult b before every call: connectors that share b (the workers of one
// process with a MemoryQuotaBook, of many machines with limit/redislimit's
// QuotaBook) stop together when one of them sees the quota, or the reserve
// kept of it, reached. Without it each connector keeps only the reports it
// saw itself. A book that cannot be reached is logged and the connector
// falls back to its own reports.
func WithQuotaBook(b QuotaBook) Option { return func(o *Options) { o.QuotaBook = b } }
