package connectors

import (
	"errors"

	"github.com/xlr8/connectors/internal/errs"
)

// Error is the library's one error type: a Code, the vendor's own code, a
// message that never carries a secret, details, the HTTP status, whether the
// call may be retried (and after how long), the product, and, on an error that
// ended a stream, a Resume token.
type Error = errs.Error

// Code classifies an Error; its String is the upper-case word.
type Code = errs.Code

// The codes.
const (
	CodeNotFound         = errs.CodeNotFound
	CodeInvalidArgument  = errs.CodeInvalidArgument
	CodeConflict         = errs.CodeConflict
	CodePermissionDenied = errs.CodePermissionDenied
	CodeUnauthenticated  = errs.CodeUnauthenticated
	CodeRateLimited      = errs.CodeRateLimited
	CodeUnavailable      = errs.CodeUnavailable
	CodeTimeout          = errs.CodeTimeout
	CodeUnsupported      = errs.CodeUnsupported
	CodeInternal         = errs.CodeInternal
)

// Sentinels: errors.Is(err, connectors.ErrNotFound) is true for any *Error
// whose Code is NOT_FOUND, wherever it sits in err's chain.
var (
	ErrNotFound         = errs.ErrNotFound
	ErrInvalidArgument  = errs.ErrInvalidArgument
	ErrConflict         = errs.ErrConflict
	ErrPermissionDenied = errs.ErrPermissionDenied
	ErrUnauthenticated  = errs.ErrUnauthenticated
	ErrRateLimited      = errs.ErrRateLimited
	ErrUnavailable      = errs.ErrUnavailable
	ErrTimeout          = errs.ErrTimeout
	ErrUnsupported      = errs.ErrUnsupported
	ErrInternal         = errs.ErrInternal
)

// Causes that say more than a code: errors.Is(err, connectors.ErrClosed).
var (
	// ErrClosed is wrapped by every call on a connector after Close.
	ErrClosed = errs.ErrClosed
	// ErrIncomplete is wrapped by the error of a stream that ended with fewer
	// records than the vendor advertised.
	ErrIncomplete = errs.ErrIncomplete
)

// NewError returns an *Error with a code and a message.
func NewError(code Code, msg string) *Error { return errs.New(code, msg) }

// Errorf returns an *Error with a code and a formatted message. Never format
// a secret into it.
func Errorf(code Code, format string, args ...any) *Error { return errs.Newf(code, format, args...) }

// CodeOf returns err's code: that of the first *Error in its chain, TIMEOUT
// for a context deadline, UNAVAILABLE for a cancellation, INTERNAL otherwise.
func CodeOf(err error) Code { return errs.CodeOf(err) }

// IsRetryable reports whether err says the call may be retried.
func IsRetryable(err error) bool { return errs.IsRetryable(err) }

// ResumeToken returns the Resume token of the error that ended a stream, or
// "" when it has none.
func ResumeToken(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Resume
	}
	return ""
}
