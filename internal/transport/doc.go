// Package transport is the one HTTP stack every connector uses.
//
// A Client built by New sends each call through, from the outside in:
//
//   - an HTTPS check: plain http is refused with INVALID_ARGUMENT unless the
//     host is loopback and the caller opted in (tests); redirects are held to
//     the same rule, and a base client that skips certificate verification is
//     refused at construction;
//   - the Auth: tokens from a TokenCache (one shared fetch for concurrent
//     callers), and on a 401 exactly one renewal and one replay;
//   - go-retryablehttp's retry loop with this package's CheckRetry (429, 502,
//     503, 504, connection resets, EOFs and attempt timeouts; never another
//     4xx, a cancelled context or a certificate failure) and Backoff
//     (exponential with jitter; Retry-After in seconds or as an HTTP-date wins,
//     capped); its logger is off and its final response is kept;
//   - per attempt: the rate limiter (waited on with the request's context),
//     the attempt timeout, and the body read under a size cap, inside the
//     retry loop so that a body cut off mid-way is retried;
//   - status mapping to *errs.Error (401 UNAUTHENTICATED, 403
//     PERMISSION_DENIED, 404 NOT_FOUND, 409 CONFLICT, 400/422
//     INVALID_ARGUMENT, 429 RATE_LIMITED, 500/502/503 UNAVAILABLE, 504
//     TIMEOUT) refined by the vendor's DecodeError hook; an HTML page or an
//     unexpected body is quoted only as a short excerpt scrubbed of secrets;
//   - one slog audit event per call (product, method, host, path without
//     query, status, attempts, duration, bytes, principal, error code),
//     through a handler that scrubs every known secret value.
//
// Layering: transport imports only internal/errs and internal/redact, so that
// credentials (below the root package) can call token endpoints through it.
package transport
