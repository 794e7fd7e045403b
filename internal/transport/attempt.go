package transport

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// callState follows one call through its attempts. It also holds the
// buffered body read by its handle method inside the retry loop, so that a
// call costs one allocation for all of it.
type callState struct {
	attempts int
	bytes    int64
	stream   bool

	c    *Client
	body []byte
	read bool
}

// handle is the retry loop's response handler: it reads the body under the
// cap, so that a body cut off mid-way fails the attempt and is retried.
func (st *callState) handle(resp *http.Response) error {
	b, err := st.c.readBody(resp)
	if err != nil {
		return err
	}
	st.body, st.read = b, true
	return nil
}

type stateKey struct{}

func stateFrom(ctx context.Context) *callState {
	st, _ := ctx.Value(stateKey{}).(*callState)
	return st
}

// attemptTransport sits under the retry loop: every attempt waits for the
// rate limiter (with the request's context), is counted, and is bounded by
// the attempt timeout: until the body is read for a buffered call, until the
// headers arrive for a stream.
type attemptTransport struct {
	next    http.RoundTripper
	limiter *rate.Limiter
	timeout time.Duration
	observe func(*http.Response)
}

// attemptTimeoutError is returned when one attempt outlived its timeout while
// the caller's context was still live; it is retried.
type attemptTimeoutError struct{ d time.Duration }

func (e *attemptTimeoutError) Error() string   { return fmt.Sprintf("no response within %s", e.d) }
func (e *attemptTimeoutError) Timeout() bool   { return true }
func (e *attemptTimeoutError) Temporary() bool { return true }

// SafeError lets errs print it.
func (e *attemptTimeoutError) SafeError() string { return e.Error() }

// limiterError is returned when the rate limiter cannot grant a slot before
// the context's deadline; it is not retried.
type limiterError struct{ err error }

func (e *limiterError) Error() string     { return "rate limiter: " + e.err.Error() }
func (e *limiterError) Unwrap() error     { return e.err }
func (e *limiterError) SafeError() string { return e.Error() }

type oversizeError struct{ limit int64 }

func (e *oversizeError) Error() string {
	return fmt.Sprintf("response body exceeds the %d-byte cap", e.limit)
}
func (e *oversizeError) SafeError() string { return e.Error() }

type errRedirect struct{ msg string }

func (e errRedirect) Error() string     { return e.msg }
func (e errRedirect) SafeError() string { return e.msg }

func (t *attemptTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	outer := req.Context()
	st := stateFrom(outer)
	if st != nil {
		st.attempts++
	}
	if t.limiter != nil {
		if err := t.limiter.Wait(outer); err != nil {
			if outer.Err() != nil {
				return nil, outer.Err()
			}
			return nil, &limiterError{err: err}
		}
	}
	ab := &attemptBody{outer: outer, d: t.timeout}
	ctx, cancel := context.WithCancel(outer)
	ab.cancel = cancel
	ab.timer = time.AfterFunc(t.timeout, ab.expire)
	resp, err := t.next.RoundTrip(req.WithContext(ctx))
	if err != nil {
		ab.timer.Stop()
		cancel()
		if ab.fired.Load() && outer.Err() == nil {
			return nil, &attemptTimeoutError{d: t.timeout}
		}
		return nil, err
	}
	if t.observe != nil {
		t.observe(resp)
	}
	if st != nil && st.stream {
		// A stream's body is bounded by the caller's context, not by the
		// attempt timeout: stop the timer once the headers are in.
		if !ab.timer.Stop() && ab.fired.Load() {
			resp.Body.Close()
			cancel()
			return nil, &attemptTimeoutError{d: t.timeout}
		}
	}
	ab.ReadCloser = resp.Body
	resp.Body = ab
	return resp, nil
}

// attemptBody ends the attempt's context when the body is closed, and turns
// a read cut short by the attempt timeout into an attemptTimeoutError. One
// allocation holds the attempt's whole state.
type attemptBody struct {
	io.ReadCloser
	timer  *time.Timer
	cancel context.CancelFunc
	fired  atomic.Bool
	outer  context.Context
	d      time.Duration
}

func (b *attemptBody) expire() {
	b.fired.Store(true)
	b.cancel()
}

func (b *attemptBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && err != io.EOF && b.fired.Load() && b.outer.Err() == nil {
		return n, &attemptTimeoutError{d: b.d}
	}
	return n, err
}

func (b *attemptBody) Close() error {
	b.timer.Stop()
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

// insecureTLS reports whether a round tripper is configured to skip
// certificate verification.
func insecureTLS(rt http.RoundTripper) bool {
	var cfg *tls.Config
	switch t := rt.(type) {
	case *http.Transport:
		cfg = t.TLSClientConfig
	case interface{ TLSConfig() *tls.Config }:
		cfg = t.TLSConfig()
	}
	return cfg != nil && cfg.InsecureSkipVerify
}
