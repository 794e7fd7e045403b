// Package connkit is the plumbing every connector shares, so that it lives
// once: Lifecycle (idempotent Close, use-after-Close errors, Connect once),
// Actions (the Execute dispatch table: UNSUPPORTED for unknown actions,
// principal stripping and type checks, one audit event per call), Decode and
// Encode (strict params decoding into typed requests, and results rendered as
// the JSON-like values encoding/json produces), and NewClient (a vendor's
// transport built from the host's options, with a rate limiter shared per
// credential).
package connkit
