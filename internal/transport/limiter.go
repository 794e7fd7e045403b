package transport

import (
	"context"
	"reflect"

	"golang.org/x/time/rate"
)

// Limiter paces the attempts of a client: every attempt, retries included,
// waits on it before it is sent. *rate.Limiter is one implementation; a
// limiter shared between processes (a Redis token bucket) is another.
//
// Wait blocks until the caller may send one request, or returns an error:
// the context's error (or one wrapping it) when ctx ends first, or an error
// saying the limiter cannot grant a slot before ctx's deadline. A Limiter
// must never return nil without granting a slot: an error is how it says
// no, and the transport then sends nothing. Wait must be safe for
// concurrent use.
type Limiter interface {
	Wait(ctx context.Context) error
}

var _ Limiter = (*rate.Limiter)(nil)

// LimiterFunc adapts a function to Limiter.
type LimiterFunc func(ctx context.Context) error

// Wait calls f.
func (f LimiterFunc) Wait(ctx context.Context) error { return f(ctx) }

// usableLimiter returns l, or nil when l is nil or a typed nil pointer (a
// nil *rate.Limiter stored in the interface would panic in Wait).
func usableLimiter(l Limiter) Limiter {
	if l == nil {
		return nil
	}
	if rl, ok := l.(*rate.Limiter); ok {
		if rl == nil {
			return nil
		}
		return l
	}
	if v := reflect.ValueOf(l); (v.Kind() == reflect.Pointer || v.Kind() == reflect.Func) && v.IsNil() {
		return nil
	}
	return l
}

// pickLimiter returns the host's limiter when there is one, else the
// connector's.
func pickLimiter(host, own Limiter) Limiter {
	if l := usableLimiter(host); l != nil {
		return l
	}
	return usableLimiter(own)
}
