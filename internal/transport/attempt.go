package transport

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync/atomic"
	"time"
)

// callState follows one call through its attempts. It also holds the
// buffered body read by its handle method inside the retry loop, so that a
// call costs one allocation for all of it.
type callState struct {
	attempts int
	bytes    int64
	stream   bool

	// idempotent says the call may be repeated (see Request.Idempotent);
	// noRedirect refuses every redirect; u is the call's URL, whose origin
	// redirects may not leave.
	idempotent bool
	noRedirect bool
	u          *url.URL

	c    *Client
	body []byte
	buf  *[]byte
	read bool
}

func (st *callState) init(r *Request, u *url.URL) {
	st.idempotent = r.idempotent()
	st.noRedirect = r.NoRedirects
	st.u = u
}

// handle is the retry loop's response handler: it reads the body under the
// cap, so that a body cut off mid-way fails the attempt and is retried.
func (st *callState) handle(resp *http.Response) error {
	b, buf, err := st.c.readBody(resp)
	if err != nil {
		return err
	}
	st.body, st.buf, st.read = b, buf, true
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
// headers arrive for a stream. A stream's body is then watched for progress
// (the idle-read timeout).
type attemptTransport struct {
	next    http.RoundTripper
	limiter Limiter
	timeout time.Duration
	idle    time.Duration
	minRead int64
	observe func(*http.Response)
}

// attemptTimeoutError is returned when one attempt outlived its timeout while
// the caller's context was still live; it is retried.
type attemptTimeoutError struct {
	d    time.Duration
	idle bool // the stream's body made no progress for d
}

func (e *attemptTimeoutError) Error() string {
	if e.idle {
		return fmt.Sprintf("the body made no progress for %s", e.d)
	}
	return fmt.Sprintf("no response within %s", e.d)
}
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

// errRedirect is a refused redirect. from and to are origins
// (scheme://host:port), never a path or a query.
type errRedirect struct{ msg, from, to string }

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
	stream := st != nil && st.stream
	timeout := t.timeout
	if timeout > 0 {
		if dl, ok := outer.Deadline(); ok && time.Until(dl) <= timeout {
			// The caller's deadline comes first: it bounds the attempt, and
			// no retry could follow a timeout anyway.
			timeout = 0
		}
	}
	if timeout <= 0 && !(stream && t.idle > 0) {
		// Nothing to time: no context, no timer, no body wrapper.
		resp, err := t.next.RoundTrip(req)
		if err == nil && t.observe != nil {
			t.observe(resp)
		}
		return resp, err
	}
	ab := &attemptBody{outer: outer, d: timeout}
	ctx, cancel := context.WithCancel(outer)
	ab.cancel = cancel
	if timeout > 0 {
		ab.timer = time.AfterFunc(timeout, ab.expire)
	}
	resp, err := t.next.RoundTrip(req.WithContext(ctx))
	if err != nil {
		ab.stopTimer()
		cancel()
		if ab.fired.Load() && outer.Err() == nil {
			return nil, &attemptTimeoutError{d: timeout}
		}
		return nil, err
	}
	if t.observe != nil {
		t.observe(resp)
	}
	if stream {
		// A stream's body is bounded by the caller's context and the
		// idle-read watchdog, not by the attempt timeout: stop the timer
		// once the headers are in.
		if !ab.stopTimer() && ab.fired.Load() {
			resp.Body.Close()
			cancel()
			return nil, &attemptTimeoutError{d: timeout}
		}
		if t.idle > 0 {
			ab.watchIdle(t.idle, t.minRead)
		}
	}
	ab.ReadCloser = resp.Body
	resp.Body = ab
	return resp, nil
}

// attemptBody ends the attempt's context when the body is closed, and turns
// a read cut short by the attempt timeout or the idle watchdog into an
// attemptTimeoutError. One allocation holds the attempt's whole state.
type attemptBody struct {
	io.ReadCloser
	timer  *time.Timer
	cancel context.CancelFunc
	fired  atomic.Bool
	outer  context.Context
	d      time.Duration

	// The idle watchdog: every idle period, the body must have delivered
	// minRead bytes since the last check, or the attempt is cancelled.
	watch    atomic.Pointer[time.Timer]
	idle     time.Duration
	minRead  int64
	progress atomic.Int64
	idleHit  atomic.Bool
	closed   atomic.Bool
}

func (b *attemptBody) expire() {
	b.fired.Store(true)
	b.cancel()
}

// stopTimer stops the attempt timer and reports whether it was stopped
// before firing (true when there is none).
func (b *attemptBody) stopTimer() bool {
	if b.timer == nil {
		return true
	}
	return b.timer.Stop()
}

func (b *attemptBody) watchIdle(d time.Duration, minRead int64) {
	b.idle, b.minRead = d, minRead
	b.watch.Store(time.AfterFunc(d, b.checkIdle))
}

func (b *attemptBody) checkIdle() {
	if b.closed.Load() {
		return
	}
	if b.progress.Swap(0) < b.minRead {
		b.idleHit.Store(true)
		b.cancel()
		return
	}
	if t := b.watch.Load(); t != nil {
		t.Reset(b.idle)
	}
}

func (b *attemptBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if n > 0 && b.idle > 0 {
		b.progress.Add(int64(n))
	}
	if err != nil && b.outer.Err() == nil {
		// Once a timer has cut the attempt, no error (not even io.EOF: a
		// connection closed under a body without a length reads as its end)
		// passes for the end of the body.
		switch {
		case b.idleHit.Load():
			return n, &attemptTimeoutError{d: b.idle, idle: true}
		case b.fired.Load():
			return n, &attemptTimeoutError{d: b.d}
		}
	}
	return n, err
}

func (b *attemptBody) Close() error {
	b.closed.Store(true)
	b.stopTimer()
	if t := b.watch.Load(); t != nil {
		t.Stop()
	}
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}
