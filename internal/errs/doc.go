// Package errs holds the library's one error type, its codes and sentinels.
//
// The root package re-exports everything here by type alias (as gocloud's
// gcerrors re-exports internal/gcerr), so that packages below the root, such
// as credentials and internal/transport, return the same *connectors.Error
// without importing the root.
//
// # Safety
//
// Error() never prints a secret. A wrapped cause is printed only when it is
// another *Error, a context error, an error offering SafeError() string, or
// one of the standard library's leaf errors known to carry no request data;
// any other cause is summarized by its Go type.
package errs
