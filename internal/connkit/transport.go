package connkit

import (
	"context"
	"fmt"
	"net/http"
	"sync"

	"golang.org/x/oauth2"
	"golang.org/x/time/rate"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/credentials"
	"github.com/xlr8/connectors/internal/errs"
	"github.com/xlr8/connectors/internal/redact"
	"github.com/xlr8/connectors/internal/transport"
)

// ClientConfig is what a vendor adds to the host's options to build its
// transport.
type ClientConfig struct {
	// Auth authorizes requests (nil: none).
	Auth transport.Auth
	// DecodeError and ShouldRetry are the vendor's hooks (see transport):
	// DecodeError reads the vendor's error body into the error (VendorCode,
	// Message, Details).
	DecodeError func(*errs.Error, *transport.Response) *errs.Error
	ShouldRetry func(*http.Response) (retry, decided bool)
	// Errors maps vendor codes to codes and retryability, applied after
	// DecodeError (nil: none).
	Errors ErrorMap
	// Observe sees every attempt's response headers.
	Observe func(*http.Response)
	// DefaultRate and DefaultBurst are the vendor's default pace, applied
	// when the host set no rate limit (see Limiter).
	DefaultRate  rate.Limit
	DefaultBurst int
	// Secrets is the set to scrub with; nil makes a new one.
	Secrets *redact.Set
}

// NewClient builds a vendor's transport from the host's options: its HTTP
// client, logger, retry policy, body cap, attempt timeout and loopback
// opt-in; a rate limiter shared by every connector opened for the same
// credential id (or the host's own limiter); and a secret set seeded with
// the credential's secret values.
func NewClient(product string, cred *credentials.Credential, o connectors.Options, vc ClientConfig) (*transport.Client, error) {
	secrets := vc.Secrets
	if secrets == nil {
		secrets = redact.NewSet()
	}
	secrets.Add(cred.SecretValues()...)
	lim, err := Limiter(product, cred, o, vc.DefaultRate, vc.DefaultBurst)
	if err != nil {
		return nil, err
	}
	decode := vc.DecodeError
	if len(vc.Errors) > 0 {
		m := vc.Errors
		decode = func(e *errs.Error, resp *transport.Response) *errs.Error {
			if vc.DecodeError != nil {
				e = vc.DecodeError(e, resp)
			}
			return m.Apply(e)
		}
	}
	return transport.New(transport.Config{
		Product:               product,
		HTTPClient:            o.HTTPClient,
		Logger:                o.Logger,
		Limiter:               lim,
		Retry:                 o.Retry,
		Auth:                  vc.Auth,
		AllowInsecureLoopback: o.AllowInsecureLoopback,
		MaxBodyBytes:          o.MaxBodyBytes,
		AttemptTimeout:        o.RequestTimeout,
		DecodeError:           decode,
		ShouldRetry:           vc.ShouldRetry,
		Observe:               vc.Observe,
		Secrets:               secrets,
		Egress:                o.Egress,
		HostLimiter:           o.Limiter,
		IdleReadTimeout:       o.IdleReadTimeout,
		MinReadBytes:          o.MinReadBytes,
	})
}

var (
	limitersMu sync.Mutex
	limiters   = map[string]*rate.Limiter{}
)

// Limiter returns the rate limiter for a credential: the host's own
// (WithRateLimiter); else one shared per product and credential id, made
// at the host's rate (WithRateLimit) or, without one, the vendor's default;
// nil when neither gives a rate.
//
// A shared limiter is never retuned by a later Open: a later Open without
// a rate of its own shares it as it is, and one asking for a different rate
// is INVALID_ARGUMENT (it would silently change the pace of every connector
// already open for the credential; share a limiter you control with
// WithRateLimiter instead).
func Limiter(product string, cred *credentials.Credential, o connectors.Options, defRate rate.Limit, defBurst int) (*rate.Limiter, error) {
	if o.RateLimiter != nil {
		return o.RateLimiter, nil
	}
	r, burst := o.RateLimit, o.RateBurst
	explicit := r != 0
	if !explicit {
		r, burst = defRate, defBurst
	}
	if r == 0 {
		return nil, nil
	}
	if burst <= 0 {
		burst = 1
	}
	if cred == nil || cred.ID == "" {
		return rate.NewLimiter(r, burst), nil
	}
	key := product + "\x00" + cred.ID
	limitersMu.Lock()
	defer limitersMu.Unlock()
	l, ok := limiters[key]
	if !ok {
		l = rate.NewLimiter(r, burst)
		limiters[key] = l
		return l, nil
	}
	if explicit && (l.Limit() != r || l.Burst() != burst) {
		return nil, (&errs.Error{Code: errs.CodeInvalidArgument, Product: product,
			Message: fmt.Sprintf("credential %q already paces %s at %g calls/s (burst %d); a connector asking for %g/s (burst %d) would retune it for every connector open on it: use the same rate, or share your own limiter with WithRateLimiter",
				Bound(cred.ID, 128), product, float64(l.Limit()), l.Burst(), float64(r), burst)}).
			WithDetail("rate", float64(l.Limit())).WithDetail("burst", l.Burst())
	}
	return l, nil
}

// TokenAuth returns the token cache a vendor authorizes with: over the
// host's token source when one was given (WithTokenSource, for example the
// credentials Manager's persisting source), else over the vendor's own grant.
func TokenAuth(o connectors.Options, secrets *redact.Set, grant transport.TokenFunc, opts ...transport.TokenOption) *transport.TokenCache {
	if o.TokenSource != nil {
		if inv, ok := o.TokenSource.(Invalidator); ok {
			opts = append(opts, transport.WithOnInvalidate(inv.Invalidate))
		} else {
			// A plain oauth2.TokenSource does not retry: the host's retry
			// policy applies to its fetches (the credentials Manager's
			// source retries through its own transport).
			opts = append(opts, transport.WithRetry(o.Retry))
		}
		return transport.NewTokenCache(TokenSourceFunc(o.TokenSource), secrets, opts...)
	}
	return transport.NewTokenCache(grant, secrets, opts...)
}

// TokenSourceFunc adapts a host's oauth2.TokenSource (WithTokenSource) to a
// transport.TokenFunc. The source decides when to refresh; after a 401 the
// cache asks again, so a persisting source that refreshes on demand should
// implement Invalidator too.
func TokenSourceFunc(ts oauth2.TokenSource) transport.TokenFunc {
	return func(ctx context.Context) (*oauth2.Token, error) {
		if inv, ok := ts.(Invalidator); ok {
			return inv.TokenContext(ctx)
		}
		tok, err := ts.Token()
		if err != nil {
			return nil, errs.As(err, "")
		}
		return tok, nil
	}
}

// Invalidator is implemented by token sources (such as the credentials
// Manager's) that can be told a token was rejected, so that the next call
// refreshes instead of returning the cached one.
type Invalidator interface {
	// TokenContext returns a token, refreshing it if it was invalidated or
	// expired.
	TokenContext(ctx context.Context) (*oauth2.Token, error)
	// Invalidate marks tok as rejected by the vendor.
	Invalidate(tok *oauth2.Token)
}
