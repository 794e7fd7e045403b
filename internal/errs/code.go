package errs

import (
	"fmt"
	"net/http"
)

// Code classifies an error. The root package re-exports it as connectors.Code.
type Code uint8

// The codes. The zero value is CodeInternal, so an Error built without a code
// reads as an internal failure rather than as success.
const (
	CodeInternal         Code = iota // INTERNAL: a bug, or a response the library cannot use
	CodeNotFound                     // NOT_FOUND: the entity, record or action target does not exist
	CodeInvalidArgument              // INVALID_ARGUMENT: the caller's input is wrong; retrying will not help
	CodeConflict                     // CONFLICT: the target's state forbids the change (already processed, version clash)
	CodePermissionDenied             // PERMISSION_DENIED: authenticated, but not allowed
	CodeUnauthenticated              // UNAUTHENTICATED: credentials missing, wrong or expired
	CodeRateLimited                  // RATE_LIMITED: a rate limit or quota ran out
	CodeUnavailable                  // UNAVAILABLE: the vendor is down or unreachable
	CodeTimeout                      // TIMEOUT: a deadline passed
	CodeUnsupported                  // UNSUPPORTED: the connector does not offer this entity, action or feature
	numCodes
)

var codeNames = [numCodes]string{
	CodeInternal:         "INTERNAL",
	CodeNotFound:         "NOT_FOUND",
	CodeInvalidArgument:  "INVALID_ARGUMENT",
	CodeConflict:         "CONFLICT",
	CodePermissionDenied: "PERMISSION_DENIED",
	CodeUnauthenticated:  "UNAUTHENTICATED",
	CodeRateLimited:      "RATE_LIMITED",
	CodeUnavailable:      "UNAVAILABLE",
	CodeTimeout:          "TIMEOUT",
	CodeUnsupported:      "UNSUPPORTED",
}

// Codes lists every code in declaration order.
func Codes() []Code {
	out := make([]Code, numCodes)
	for i := range out {
		out[i] = Code(i)
	}
	return out
}

// String gives the upper-case word, for example "NOT_FOUND".
func (c Code) String() string {
	if c < numCodes {
		return codeNames[c]
	}
	return fmt.Sprintf("Code(%d)", uint8(c))
}

// MarshalText encodes the code as its word.
func (c Code) MarshalText() ([]byte, error) {
	if c >= numCodes {
		return nil, fmt.Errorf("errs: unknown code %d", uint8(c))
	}
	return []byte(codeNames[c]), nil
}

// UnmarshalText decodes a code from its word.
func (c *Code) UnmarshalText(b []byte) error {
	code, ok := ParseCode(string(b))
	if !ok {
		return fmt.Errorf("errs: unknown code %q", b)
	}
	*c = code
	return nil
}

// ParseCode returns the code named by its word.
func ParseCode(s string) (Code, bool) {
	for i, n := range codeNames {
		if n == s {
			return Code(i), true
		}
	}
	return 0, false
}

// CodeForStatus maps an HTTP status to a code, as the transport does for every
// vendor before the vendor's own error decoder refines it.
func CodeForStatus(status int) Code {
	switch status {
	case http.StatusUnauthorized:
		return CodeUnauthenticated
	case http.StatusForbidden:
		return CodePermissionDenied
	case http.StatusNotFound, http.StatusGone:
		return CodeNotFound
	case http.StatusConflict, http.StatusPreconditionFailed:
		return CodeConflict
	case http.StatusBadRequest, http.StatusUnprocessableEntity, http.StatusMethodNotAllowed,
		http.StatusRequestEntityTooLarge, http.StatusRequestURITooLong, http.StatusRequestHeaderFieldsTooLarge,
		http.StatusNotAcceptable, http.StatusUnsupportedMediaType:
		return CodeInvalidArgument
	case http.StatusTooManyRequests:
		return CodeRateLimited
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable:
		return CodeUnavailable
	case http.StatusGatewayTimeout, http.StatusRequestTimeout:
		return CodeTimeout
	case http.StatusNotImplemented:
		return CodeUnsupported
	}
	switch {
	case status >= 500:
		return CodeUnavailable
	case status >= 400:
		return CodeInvalidArgument
	}
	return CodeInternal
}

// RetryableStatus reports whether a response with this status may be retried
// as it is: 429, 502, 503 and 504.
func RetryableStatus(status int) bool {
	switch status {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}
