package transport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/xlr8/connectors/internal/errs"
	"github.com/xlr8/connectors/internal/redact"
)

// StreamResponse is a response whose body is read incrementally (bulk CSV
// chunks, RaaS reports). Close it. Reads past MaxStreamBytes fail; a read
// that fails mid-body returns a retryable UNAVAILABLE *errs.Error (or the
// context's error); the call's audit event is logged at Close.
type StreamResponse struct {
	StatusCode int
	Header     http.Header
	Body       io.ReadCloser
	URL        *url.URL
}

// Stream sends the request through the stack (retries, rate limit, auth,
// the 401 refresh) and returns once the headers are in, with the body still
// on the wire. Retries cover the attempt up to the headers; a failure while
// reading the body is the caller's to handle (the pager's Resume does it).
// A status >= 400 is read (under MaxBodyBytes) and returned as an error.
func (c *Client) Stream(ctx context.Context, r *Request) (*StreamResponse, error) {
	start := time.Now()
	st := &callState{stream: true, c: c}
	u, err := c.checkURL(r.URL)
	if err != nil {
		c.audit(ctx, r.Method, nil, 0, st, start, err)
		return nil, err
	}
	st.init(r, u)
	ctx = context.WithValue(ctx, stateKey{}, st)
	var rs replayState
	for {
		hreq, hresp, err := c.roundTrip(ctx, r, u, st, &rs)
		if err != nil {
			c.audit(ctx, r.Method, u, 0, st, start, err)
			return nil, err
		}
		if hresp.StatusCode >= 400 {
			body, buf, rerr := c.readBody(hresp)
			if rerr != nil {
				body = nil
			}
			st.bytes += int64(len(body))
			resp := &Response{StatusCode: hresp.StatusCode, Header: hresp.Header, Body: body, URL: hresp.Request.URL,
				Attempts: st.attempts, client: c, buf: buf}
			replay, e := c.renew(ctx, r, hreq, resp, &rs)
			if e == nil && replay {
				resp.Release()
				continue
			}
			if e == nil {
				e = c.statusError(r.Method, u, resp, st)
			}
			resp.Release()
			c.audit(ctx, r.Method, u, hresp.StatusCode, st, start, e)
			return nil, e
		}
		sr := &StreamResponse{StatusCode: hresp.StatusCode, Header: hresp.Header, URL: hresp.Request.URL}
		sr.Body = &streamBody{c: c, ctx: ctx, rc: hresp.Body, st: st, start: start, method: r.Method, u: u,
			status: hresp.StatusCode, limit: c.maxStream}
		return sr, nil
	}
}

type streamBody struct {
	c      *Client
	ctx    context.Context
	rc     io.ReadCloser
	st     *callState
	start  time.Time
	method string
	u      *url.URL
	status int
	limit  int64
	err    error
	once   sync.Once
}

func (b *streamBody) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	n, err := b.rc.Read(p)
	b.st.bytes += int64(n)
	if b.st.bytes > b.limit {
		b.err = &errs.Error{Code: errs.CodeInternal, Product: b.c.product,
			Message: fmt.Sprintf("%s %s: streamed body exceeds the %d-byte cap", b.method, redact.URL(b.u), b.limit)}
		return 0, b.err
	}
	if err != nil && err != io.EOF {
		if ce := b.ctx.Err(); ce != nil {
			b.err = errs.FromContext(ce, b.c.product, fmt.Sprintf("%s %s: reading body", b.method, redact.URL(b.u)))
		} else {
			var t *attemptTimeoutError
			code := errs.CodeUnavailable
			msg := fmt.Sprintf("%s %s: body cut off after %d bytes", b.method, redact.URL(b.u), b.st.bytes)
			if errors.As(err, &t) {
				code = errs.CodeTimeout
				if t.idle {
					msg = fmt.Sprintf("%s %s: the body made no progress for %s after %d bytes (idle-read timeout)",
						b.method, redact.URL(b.u), t.d, b.st.bytes)
				}
			}
			b.err = &errs.Error{Code: code, Product: b.c.product, Retryable: true, Err: err, Message: msg}
		}
		return n, b.err
	}
	return n, err
}

func (b *streamBody) Close() error {
	err := b.rc.Close()
	b.once.Do(func() {
		var aerr error
		if b.err != nil {
			aerr = b.err
		}
		b.c.audit(b.ctx, b.method, b.u, b.status, b.st, b.start, aerr)
	})
	return err
}
