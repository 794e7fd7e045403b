package credentials

import (
	"fmt"

	"github.com/xlr8/connectors/internal/errs"
)

// Causes the package wraps inside its *errs.Error values, so that a caller
// can tell the failures apart with errors.Is as well as by code:
//
//	errors.Is(err, credentials.ErrRevoked)        // UNAUTHENTICATED
//	errors.Is(err, connectors.ErrUnauthenticated) // the same error, by code
var (
	// ErrRevoked: the credential was revoked; its secrets are gone.
	// Code UNAUTHENTICATED.
	ErrRevoked error = sentinel("credential is revoked")
	// ErrExpired: the credential's expires_at has passed. Code
	// UNAUTHENTICATED.
	ErrExpired error = sentinel("credential has expired")
	// ErrNoKey: no encryption key was configured (XLR8_CREDENTIALS_KEY unset,
	// a nil KeyProvider). Code INVALID_ARGUMENT.
	ErrNoKey error = sentinel("no credentials encryption key is configured")
	// ErrBadKey: a key is malformed (not base64, not 32 bytes, a bad key id).
	// Code INVALID_ARGUMENT.
	ErrBadKey error = sentinel("malformed credentials encryption key")
	// ErrWrongKey: the record was sealed under a key the KeyProvider does
	// not have (a wrong key, or an old key retired before a rotation
	// finished). Code UNAUTHENTICATED.
	ErrWrongKey error = sentinel("credential was sealed with a key that is not available")
	// ErrTampered: the sealed secrets failed authentication: the ciphertext,
	// its header or the metadata bound to it was changed, or it was moved
	// onto another credential. Code INTERNAL.
	ErrTampered error = sentinel("sealed credential failed authentication (tampered, or moved from another credential)")
	// ErrCorrupt: a stored record cannot be read: a torn or garbled file, a
	// checksum mismatch. Code INTERNAL.
	ErrCorrupt error = sentinel("stored credential record is corrupt")
	// ErrRollback: the store holds an older revision of the record than one
	// it has already served (a record file restored from a backup, a
	// replica behind): using it could bring back a retired refresh token or
	// a revoked credential. Code INTERNAL.
	ErrRollback error = sentinel("stored credential record is older than one already seen (rolled back)")
)

// sentinel is a cause whose text is safe to print.
type sentinel string

func (s sentinel) Error() string     { return string(s) }
func (s sentinel) SafeError() string { return string(s) }

// newErr builds an *errs.Error with a cause. The message must hold no secret.
func newErr(code errs.Code, cause error, format string, args ...any) *errs.Error {
	return &errs.Error{Code: code, Err: cause, Message: fmt.Sprintf(format, args...)}
}

func invalidf(format string, args ...any) *errs.Error {
	return &errs.Error{Code: errs.CodeInvalidArgument, Message: fmt.Sprintf(format, args...)}
}
