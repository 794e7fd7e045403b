package errs

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Error is the one error type of the library. Every failure a caller sees from
// a connector, the factory, the credentials package or the transport is an
// *Error (possibly wrapped), so errors.As and errors.Is on the sentinels work
// everywhere.
//
// Error never carries a secret: messages are built from sanitized parts, vendor
// bodies are quoted only as redacted excerpts, and Details holds values the
// library put there itself.
type Error struct {
	// Code classifies the failure; test it with errors.Is against a sentinel.
	Code Code
	// VendorCode keeps the vendor's own word: EMPLOYEE_NOT_FOUND,
	// REQUEST_LIMIT_EXCEEDED, INVALID_SESSION_ID.
	VendorCode string
	// Message says what was called and what failed.
	Message string
	// Details holds structured context (the field that failed, the known
	// products, the advertised total ...). Never a secret.
	Details map[string]any
	// HTTPStatus is the vendor's HTTP status, or 0 when there was no response.
	HTTPStatus int
	// Retryable reports whether the same call may succeed if made again. The
	// vendor's hint (Retry-After, retry_allowed) decides it where one was given.
	Retryable bool
	// RetryAfter is how long the vendor asked the caller to wait, when it said.
	RetryAfter time.Duration
	// Product is the connector's product id ("salesforce", "workday_sim").
	Product string
	// Resume, on an error that ended a stream after at least one page, is an
	// opaque token: set it as Query.Resume to get the records not yet yielded.
	Resume string
	// Err is the underlying cause, if any. It is reachable by errors.Is/As but
	// is not printed by Error unless it is known to be safe.
	Err error
}

// New returns an error with a code and a message.
func New(code Code, msg string) *Error { return &Error{Code: code, Message: msg} }

// Newf returns an error with a code and a formatted message. Never format a
// secret into it.
func Newf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Wrap returns an error with a code and message around a cause.
func Wrap(code Code, cause error, msg string) *Error {
	return &Error{Code: code, Message: msg, Err: cause}
}

// Error renders "product: CODE (VENDOR_CODE): message: cause", each part
// bounded (see Bound), so that a vendor's 32 MiB message is a short error. The cause is
// included only when it is one of this package's errors or a context error:
// anything else might quote a URL or body and is summarized by its type.
func (e *Error) Error() string {
	if e == nil {
		return "<nil>"
	}
	var b strings.Builder
	if e.Product != "" {
		b.WriteString(e.Product)
		b.WriteString(": ")
	}
	b.WriteString(e.Code.String())
	if e.VendorCode != "" {
		b.WriteString(" (")
		b.WriteString(Bound(e.VendorCode))
		b.WriteString(")")
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(Bound(e.Message))
	}
	if e.Err != nil {
		if s := Bound(safeCause(e.Err)); s != "" && !strings.Contains(e.Message, s) {
			b.WriteString(": ")
			b.WriteString(s)
		}
	}
	return b.String()
}

// safeCause describes a cause without risking a secret.
func safeCause(err error) string {
	var inner *Error
	switch {
	case errors.As(err, &inner):
		return inner.Error()
	case errors.Is(err, context.Canceled):
		return context.Canceled.Error()
	case errors.Is(err, context.DeadlineExceeded):
		return context.DeadlineExceeded.Error()
	}
	var s interface{ SafeError() string }
	if errors.As(err, &s) {
		return s.SafeError()
	}
	if isStdLeaf(err) {
		return err.Error()
	}
	return fmt.Sprintf("%T", err)
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrNotFound) true when err's code is NOT_FOUND: a
// target that is a bare sentinel (an *Error with only a code) matches by code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	if !ok || t == nil {
		return false
	}
	if t.isSentinel() {
		return e.Code == t.Code
	}
	return e == t
}

func (e *Error) isSentinel() bool {
	return e.VendorCode == "" && e.Message == "" && e.Err == nil && e.Details == nil &&
		e.HTTPStatus == 0 && e.Product == "" && e.Resume == ""
}

// GoString keeps %#v as safe as %v.
func (e *Error) GoString() string { return fmt.Sprintf("&errs.Error{%q}", e.Error()) }

// Format prints Error() for every verb (%v, %+v, %s, %q), so that no verb
// reaches the raw fields.
func (e *Error) Format(f fmt.State, verb rune) {
	switch verb {
	case 'q':
		fmt.Fprintf(f, "%q", e.Error())
	default:
		if verb == 'v' && f.Flag('#') {
			_, _ = f.Write([]byte(e.GoString()))
			return
		}
		_, _ = f.Write([]byte(e.Error()))
	}
}

// WithDetail sets one detail and returns e, for chaining at construction.
func (e *Error) WithDetail(key string, value any) *Error {
	if e.Details == nil {
		e.Details = map[string]any{}
	}
	e.Details[key] = BoundDetail(value)
	return e
}

// Clone returns a shallow copy with its own Details map.
func (e *Error) Clone() *Error {
	c := *e
	if e.Details != nil {
		c.Details = make(map[string]any, len(e.Details))
		for k, v := range e.Details {
			c.Details[k] = v
		}
	}
	return &c
}

// Sentinels, one per code, for errors.Is.
var (
	ErrInternal         = &Error{Code: CodeInternal}
	ErrNotFound         = &Error{Code: CodeNotFound}
	ErrInvalidArgument  = &Error{Code: CodeInvalidArgument}
	ErrConflict         = &Error{Code: CodeConflict}
	ErrPermissionDenied = &Error{Code: CodePermissionDenied}
	ErrUnauthenticated  = &Error{Code: CodeUnauthenticated}
	ErrRateLimited      = &Error{Code: CodeRateLimited}
	ErrUnavailable      = &Error{Code: CodeUnavailable}
	ErrTimeout          = &Error{Code: CodeTimeout}
	ErrUnsupported      = &Error{Code: CodeUnsupported}
)

// Plain sentinel causes, wrapped inside an *Error to say more than the code.
var (
	// ErrClosed is the cause of every call on a connector after Close.
	ErrClosed error = sentinel("connector is closed")
	// ErrIncomplete is the cause when a stream ended with fewer records than
	// the vendor advertised.
	ErrIncomplete error = sentinel("fewer records than the vendor advertised")
)

// sentinel is a plain cause whose text is safe to print.
type sentinel string

func (s sentinel) Error() string     { return string(s) }
func (s sentinel) SafeError() string { return string(s) }

// CodeOf returns the code of err: the code of the first *Error in its chain,
// TIMEOUT for a context deadline, UNAVAILABLE for a cancellation, and INTERNAL
// otherwise. CodeOf(nil) is INTERNAL too; check err != nil first.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return CodeTimeout
	}
	if errors.Is(err, context.Canceled) {
		return CodeUnavailable
	}
	return CodeInternal
}

// IsRetryable reports whether err says it may be retried.
func IsRetryable(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Retryable
}

// FromContext converts a context error into an *Error: TIMEOUT for a deadline,
// UNAVAILABLE (not retryable) for a cancellation. It returns nil for nil.
func FromContext(err error, product, what string) *Error {
	if err == nil {
		return nil
	}
	code := CodeUnavailable
	msg := what + ": canceled"
	if errors.Is(err, context.DeadlineExceeded) {
		code = CodeTimeout
		msg = what + ": deadline exceeded"
	}
	return &Error{Code: code, Message: msg, Product: product, Err: err}
}

// As returns err as an *Error, converting a non-*Error into an INTERNAL one
// (or, for context errors, a TIMEOUT/UNAVAILABLE one) so callers always get a
// typed error. It returns nil for nil.
func As(err error, product string) *Error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return FromContext(err, product, "call")
	}
	return &Error{Code: CodeInternal, Product: product, Message: "unexpected failure", Err: err}
}

// SortedKeys returns a map's keys sorted, for deterministic messages.
func SortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
