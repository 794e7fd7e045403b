package transport

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/xlr8/connectors/internal/errs"
	"github.com/xlr8/connectors/internal/redact"
)

// checkURL parses a request URL and refuses anything but https (and plain
// http to a loopback host when the caller opted in).
func (c *Client) checkURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return nil, &errs.Error{Code: errs.CodeInvalidArgument, Product: c.product,
			Message: "request URL is not an absolute URL"}
	}
	if err := c.checkScheme(u); err != nil {
		return nil, err
	}
	return u, nil
}

func (c *Client) checkScheme(u *url.URL) error {
	return CheckScheme(u, c.allowLoopback, c.product)
}

// CheckScheme refuses a URL that is not https, unless it is plain http to a
// loopback host and allowLoopback is set. Connectors call it on configured
// base URLs so that bad configuration fails at construction.
func CheckScheme(u *url.URL, allowLoopback bool, product string) error {
	switch strings.ToLower(u.Scheme) {
	case "https":
		return nil
	case "http":
		if allowLoopback && IsLoopback(u.Hostname()) {
			return nil
		}
		msg := fmt.Sprintf("refusing plain http to %s: HTTPS only", u.Host)
		if IsLoopback(u.Hostname()) {
			msg += " (loopback http needs WithAllowInsecureLoopback, for tests)"
		}
		return &errs.Error{Code: errs.CodeInvalidArgument, Product: product, Message: msg}
	}
	return &errs.Error{Code: errs.CodeInvalidArgument, Product: product,
		Message: fmt.Sprintf("unsupported URL scheme %q: HTTPS only", u.Scheme)}
}

// ParseBaseURL parses and checks a configured base URL (an instance URL, a
// token URL) at construction time.
func ParseBaseURL(raw string, allowLoopback bool, product, what string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" || u.Scheme == "" {
		return nil, &errs.Error{Code: errs.CodeInvalidArgument, Product: product,
			Message: fmt.Sprintf("%s is not an absolute URL", what)}
	}
	if u.User != nil {
		return nil, &errs.Error{Code: errs.CodeInvalidArgument, Product: product,
			Message: fmt.Sprintf("%s must not carry user info; put credentials in the secrets", what)}
	}
	if err := CheckScheme(u, allowLoopback, product); err != nil {
		return nil, err
	}
	return u, nil
}

// IsLoopback reports whether host is localhost or a loopback IP.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// transportError converts a failure without a usable response.
func (c *Client) transportError(ctx context.Context, method string, u *url.URL, err error) *errs.Error {
	what := fmt.Sprintf("%s %s", method, redact.URL(u))
	if ce := ctx.Err(); ce != nil {
		e := errs.FromContext(ce, c.product, what)
		return e
	}
	var uerr *url.Error
	if errors.As(err, &uerr) {
		err = uerr.Err // its text quotes the full URL; keep the cause only
	}
	var (
		oversize *oversizeError
		limiter  *limiterError
		redirect errRedirect
		timeout  *attemptTimeoutError
	)
	e := &errs.Error{Product: c.product, Err: err}
	switch {
	case errors.As(err, &oversize):
		e.Code, e.Message = errs.CodeInternal, what+": "+oversize.Error()
	case errors.As(err, &limiter):
		e.Code, e.Message = errs.CodeTimeout, what+": the rate limiter cannot grant a request before the deadline"
		return e
	case errors.As(err, &redirect):
		e.Code, e.Message = errs.CodeInvalidArgument, what+": "+redirect.Error()
		if redirect.from != "" {
			e = e.WithDetail("origin", redirect.from).WithDetail("redirect_origin", redirect.to)
		}
		return e
	case errors.As(err, &timeout):
		e.Code, e.Message, e.Retryable = errs.CodeTimeout, what+": "+timeout.Error(), true
	case isDeadline(err):
		// http.Client.Timeout, a dial timeout: a deadline, said as one.
		e.Code, e.Message, e.Retryable = errs.CodeTimeout, what+": deadline exceeded", true
	case !retryableTransportErr(err):
		e.Code, e.Message = errs.CodeUnavailable, what+": TLS or protocol failure"
	default:
		e.Code, e.Message, e.Retryable = errs.CodeUnavailable, what+": connection failed", true
	}
	if st := stateFrom(ctx); st != nil && !st.idempotent && !notSent(err) && e.Code != errs.CodeInternal {
		e.Retryable = false
		e.Message += outcomeUnknown
		e = e.WithDetail("outcome", "unknown")
	}
	return e
}

// isDeadline reports whether err is a timeout (a context deadline inside
// the cause, or a net.Error that says Timeout).
func isDeadline(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
