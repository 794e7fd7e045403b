package transport

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// RetryPolicy says how often and how patiently a call is retried. The zero
// value of each field takes its default.
type RetryPolicy struct {
	// MaxAttempts is the number of attempts, the first included (default 4).
	// 1 disables retries.
	MaxAttempts int
	// MinBackoff is the first backoff before jitter (default 250ms); each
	// further retry doubles it.
	MinBackoff time.Duration
	// MaxBackoff caps the exponential backoff (default 20s).
	MaxBackoff time.Duration
	// MaxRetryAfter caps a server's Retry-After (default 2 minutes): a longer
	// hint is waited for only this long before the retry.
	MaxRetryAfter time.Duration
}

// Default retry settings.
const (
	DefaultMaxAttempts   = 4
	DefaultMinBackoff    = 250 * time.Millisecond
	DefaultMaxBackoff    = 20 * time.Second
	DefaultMaxRetryAfter = 2 * time.Minute
)

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = DefaultMaxAttempts
	}
	if p.MinBackoff <= 0 {
		p.MinBackoff = DefaultMinBackoff
	}
	if p.MaxBackoff <= 0 {
		p.MaxBackoff = DefaultMaxBackoff
	}
	if p.MaxBackoff < p.MinBackoff {
		p.MaxBackoff = p.MinBackoff
	}
	if p.MaxRetryAfter <= 0 {
		p.MaxRetryAfter = DefaultMaxRetryAfter
	}
	return p
}

// checkRetry decides whether an attempt is retried: 429, 502, 503, 504 (or
// what the vendor's ShouldRetry says), connection resets, EOFs and attempt
// timeouts are; other statuses, a cancelled context, certificate failures,
// refused redirects, rate-limiter refusals and oversized bodies are not. A
// request that is not idempotent is retried only when it provably did not
// reach the server: a failure to connect, or a response the vendor's
// NotProcessed hook vouches for.
func (c *Client) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	write := false
	if st := stateFrom(ctx); st != nil && !st.idempotent {
		write = true
	}
	if err != nil {
		if write {
			return notSent(err), nil
		}
		return retryableTransportErr(err), nil
	}
	if write {
		return c.notProcessed != nil && c.notProcessed(resp), nil
	}
	if c.shouldRetry != nil {
		if retry, decided := c.shouldRetry(resp); decided {
			return retry, nil
		}
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true, nil
	}
	return false, nil
}

// notSent reports whether a failure proves the request never reached the
// server: the connection (or the proxy tunnel) was never established, or
// the rate limiter held it back. Anything later (a reset, an EOF, a
// timeout) may have come after the server received the request.
func notSent(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && (op.Op == "dial" || op.Op == "proxyconnect") {
		return true
	}
	var dns *net.DNSError
	return errors.As(err, &dns)
}

// RetryAfterNotProcessed is a NotProcessed hook for vendors that document a
// 429, or a 503 carrying Retry-After, as refused before any processing.
func RetryAfterNotProcessed(resp *http.Response) bool {
	switch resp.StatusCode {
	case http.StatusTooManyRequests:
		return true
	case http.StatusServiceUnavailable:
		return resp.Header.Get("Retry-After") != ""
	}
	return false
}

// retryableTransportErr reports whether a failure without a usable response
// is worth another attempt.
func retryableTransportErr(err error) bool {
	var (
		oversize *oversizeError
		limiter  *limiterError
		redirect errRedirect
		unknown  x509.UnknownAuthorityError
		host     x509.HostnameError
		invalid  x509.CertificateInvalidError
		verify   *tls.CertificateVerificationError
		recErr   tls.RecordHeaderError
	)
	switch {
	case errors.As(err, &oversize), errors.As(err, &limiter), errors.As(err, &redirect),
		errors.As(err, &unknown), errors.As(err, &host), errors.As(err, &invalid),
		errors.As(err, &verify), errors.As(err, &recErr):
		return false
	case errors.Is(err, context.Canceled):
		return false
	}
	var uerr *url.Error
	if errors.As(err, &uerr) {
		msg := uerr.Err.Error()
		if strings.Contains(msg, "unsupported protocol scheme") || strings.Contains(msg, "invalid header") {
			return false
		}
	}
	return true
}

// backoff is exponential with full jitter in [d/2, d], where d doubles from
// MinBackoff up to MaxBackoff; a Retry-After header (seconds or HTTP-date)
// wins, capped by MaxRetryAfter.
func (c *Client) backoff(min, max time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil {
		if d, ok := RetryAfter(resp.Header, time.Now()); ok {
			if d > c.retry.MaxRetryAfter {
				d = c.retry.MaxRetryAfter
			}
			return d
		}
	}
	return Backoff(min, max, attempt)
}

// Backoff returns the jittered exponential backoff for an attempt (0-based).
func Backoff(min, max time.Duration, attempt int) time.Duration {
	d := min
	for i := 0; i < attempt && d < max; i++ {
		d *= 2
	}
	if d > max {
		d = max
	}
	half := d / 2
	if half <= 0 {
		return d
	}
	return half + rand.N(d-half+1)
}

// RetryAfter parses a Retry-After header given in seconds or as an HTTP-date.
// A date in the past gives 0.
func RetryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(24*time.Hour/time.Second) {
			secs = int64(24 * time.Hour / time.Second)
		}
		return time.Duration(secs) * time.Second, true
	}
	if f, err := strconv.ParseFloat(v, 64); err == nil && f >= 0 && f < 86400 {
		return time.Duration(f * float64(time.Second)), true
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d, true
		}
		return 0, true
	}
	return 0, false
}

// PeekBody reads up to n bytes of a response body for a ShouldRetry
// decision and puts them back, so that the body still reads whole
// afterwards. Vendors that signal retryable conditions in the body (a 403
// whose error array says the limit is transient) use it.
func PeekBody(resp *http.Response, n int) []byte {
	if resp == nil || resp.Body == nil || n <= 0 {
		return nil
	}
	buf := make([]byte, n)
	m, err := io.ReadFull(resp.Body, buf)
	buf = buf[:m]
	rest := resp.Body
	if err != nil {
		// The whole body was read (or it failed): replay what was read and
		// the error, if any, after it.
		resp.Body = &peeked{Reader: io.MultiReader(bytes.NewReader(buf), errReader{err}), closer: rest}
		return buf
	}
	resp.Body = &peeked{Reader: io.MultiReader(bytes.NewReader(buf), rest), closer: rest}
	return buf
}

type peeked struct {
	io.Reader
	closer io.Closer
}

func (p *peeked) Close() error { return p.closer.Close() }

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) {
	if e.err == io.ErrUnexpectedEOF {
		return 0, io.EOF
	}
	return 0, e.err
}
