// Package transport is the one HTTP stack every connector uses.
//
// A Client built by New sends each call through, from the outside in:
//
//   - an HTTPS check: plain http is refused with INVALID_ARGUMENT unless the
//     host is loopback and the caller opted in (tests); redirects stay within
//     the call's origin (scheme, host and port: a redirect elsewhere is an
//     INVALID_ARGUMENT error naming both origins, and nothing, neither body
//     nor credential, is sent there), and calls marked NoRedirects (token
//     endpoints) follow none;
//   - the vendor's request steps (see Steps below), in order;
//   - the Auth: tokens from a TokenCache (one shared fetch for concurrent
//     callers), and on a 401 exactly one renewal and one replay;
//   - go-retryablehttp's retry loop with this package's CheckRetry (429, 502,
//     503, 504, connection resets, EOFs and attempt timeouts; never another
//     4xx, a cancelled context or a certificate failure) and Backoff
//     (exponential with jitter; Retry-After in seconds or as an HTTP-date wins,
//     capped); its logger is off and its final response is kept;
//   - per attempt: the Limiter (waited on with the request's context), the
//     attempt timeout (no timer at all when none is set or the caller's
//     deadline comes first), and the body read under a size cap into a
//     pooled buffer that grows as bytes arrive, inside the retry loop so that
//     a body cut off mid-way (even one that reads as a clean end) is retried;
//   - status mapping to *errs.Error (401 UNAUTHENTICATED, 403
//     PERMISSION_DENIED, 404 NOT_FOUND, 409 CONFLICT, 400/422
//     INVALID_ARGUMENT, 429 RATE_LIMITED, 500/502/503 UNAVAILABLE, 504
//     TIMEOUT) refined by the vendor's DecodeError hook; every message and
//     detail quoted into an error is bounded (errs.Bound) and scrubbed of
//     secrets; an HTML page or an unexpected body is quoted only as a short
//     excerpt;
//   - one slog audit event per call (product, method, host, path without
//     query, egress route, status, attempts, duration, bytes, principal,
//     error code), through a handler that scrubs every known secret value.
//
// # Writes
//
// Retries are for reads. A request whose method changes things (POST, PUT,
// PATCH, DELETE) is retried only when it provably never reached the server:
// the connection or proxy tunnel failed to open, or the vendor's
// NotProcessed hook vouches for the response (RetryAfterNotProcessed for a
// vendor that documents its 429, or its 503 with Retry-After, as refused
// unprocessed). Otherwise its failure is returned with Retryable false, the
// detail "outcome" = "unknown" and a message saying so. A vendor marks a
// POST that is a read (UKG WFM's multi_read, an OData $batch of GETs), or a
// write carrying its idempotency key, with Request.Idempotent; an
// Idempotency-Key header marks it too.
//
// # Steps
//
// What one vendor needs on every call is a named Step in an ordered Steps
// list (the idea of aws-sdk-go-v2's middleware stack), never a branch on the
// vendor in this package. A step's Edit changes each outgoing request
// before the Auth; its Renew sees a failed response and may replay the call
// once. A vendor builds its list and passes it in Config.Steps, or derives a
// client with WithSteps; steps are inserted, replaced and removed by name.
//
// Default headers (Oracle's REST API wants REST-Framework-Version):
//
//	steps, err := transport.NewSteps(transport.DefaultHeaders("oracle-rest-version",
//		http.Header{"REST-Framework-Version": {"4"}}))
//	client, err := transport.New(transport.Config{Product: "oracle_hcm", Steps: steps})
//
// CSRF fetch-and-replay (SAP Gateway: a write answered 403 with
// "X-CSRF-Token: Required" fetches a token with HEAD, or GET when HEAD is
// refused, in the same session, then replays once):
//
//	client, err = client.WithSteps(transport.AddSteps(transport.CSRF(transport.CSRFConfig{
//		FetchURL: func(*url.URL) string { return serviceRoot },
//	})))
//
// A step of one's own, inserted before a named one (an app key on UKG):
//
//	client, err = client.WithSteps(func(s *transport.Steps) error {
//		return s.InsertBefore("csrf", transport.Step{Name: "appkey",
//			Edit: func(_ context.Context, r *http.Request) error {
//				r.Header.Set("appkey", appKey)
//				return nil
//			}})
//	})
//
// Session cookies: a client keeps cookies in Config.CookieJar or the base
// client's jar; WithCookieJar(nil) gives a derived client a jar of its own,
// so sessions never mix between connectors, and a step with Cookies set
// (CSRF) gets one automatically:
//
//	client = client.WithCookieJar(nil)
//
// Basic client authentication at a token endpoint (RFC 6749 section
// 2.3.1), instead of client_secret in the form:
//
//	tok, err := client.FetchToken(ctx, tokenURL, url.Values{"grant_type": {"client_credentials"}}, nil,
//		transport.WithClientBasicAuth(clientID, clientSecret))
//
// # Limiter
//
// Config.Limiter is any Limiter (Wait(ctx) error): *rate.Limiter for one
// process, a shared one for many (limit/redislimit); Config.HostLimiter,
// the host's (connectors.WithLimiter), wins over it. Every attempt waits on
// it with the request's context, so a cancelled or expired context ends the
// wait and nothing is sent.
//
// # Egress
//
// Config.Egress sends every call through a configured proxy (CONNECT; TLS
// stays end to end with the vendor) and binds outgoing connections to a
// local address, for vendors that allowlist source IPs. By default the proxy
// environment variables (HTTPS_PROXY, NO_PROXY) are honoured as net/http
// does. The audit event names the route ("direct", "proxy
// https://proxy:3128", "... from 203.0.113.7").
//
// # Certificate verification
//
// New refuses a base client that skips certificate verification. It looks
// at the round tripper actually used: a nil Transport means
// http.DefaultTransport (whose TLS config is inspected too), and it unwraps
// this package's, go-retryablehttp's and x/oauth2's wrappers and any type
// with an Unwrap() http.RoundTripper method down to an *http.Transport. A
// round tripper it cannot see into (a custom type without Unwrap, an
// http2.Transport, a transport whose DialTLSContext does its own TLS) is
// not inspected: verification there is the caller's responsibility.
//
// # Timeouts
//
// AttemptTimeout bounds one attempt (default 2 minutes; NoTimeout turns it
// off); IdleReadTimeout ends a stream whose body delivers less than
// MinReadBytes per period (default: nothing for 2 minutes) with a retryable
// TIMEOUT error, which the pager turns into a Resume.
//
// Layering: transport imports only internal/errs and internal/redact, so that
// credentials (below the root package) can call token endpoints through it.
package transport
