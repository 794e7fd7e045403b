package connectortest

import (
	"context"
	"testing"

	connectors "github.com/xlr8/connectors"
)

// Fault is a failure a harness can make its fake produce.
type Fault string

// The faults. A harness that cannot produce one returns false from Inject,
// and the tests that need it are skipped, saying so.
const (
	// FaultRateLimit: the vendor's retryable rate limit (429 with
	// Retry-After, or its equivalent).
	FaultRateLimit Fault = "rate_limit"
	// FaultUnavailable: 503 with Retry-After.
	FaultUnavailable Fault = "unavailable"
	// FaultReset: the connection is cut in the middle of a response body.
	FaultReset Fault = "reset"
	// FaultStall: no answer until the client's attempt timeout.
	FaultStall Fault = "stall"
	// FaultMalformed: a garbled body with status 200.
	FaultMalformed Fault = "malformed"
	// FaultTruncated: a body cut short but HTTP-complete, with status 200.
	FaultTruncated Fault = "truncated"
	// FaultHTML: an HTML page with status 200.
	FaultHTML Fault = "html"
	// FaultOversized: a body larger than the client's cap (the suite sets
	// the cap with WithMaxBodyBytes(MaxBodyBytes)).
	FaultOversized Fault = "oversized"
	// FaultUnauthorized: the access token is rejected once (401).
	FaultUnauthorized Fault = "unauthorized"
	// FaultOutage: every data request fails with a retryable error until
	// Heal; the suite injects it mid-stream to end a stream with Resume.
	FaultOutage Fault = "outage"
	// FaultShortTotal: the vendor advertises more records than it sends.
	FaultShortTotal Fault = "short_total"
)

// MaxBodyBytes is the body cap the suite opens connectors with, so that a
// FaultOversized body (2 MiB from internal/fake/fault) exceeds it.
const MaxBodyBytes = 1 << 20

// Harness gives the suite a connector over a fake it controls. The suite
// builds a fresh Harness (and so a fresh fake) for every test.
type Harness interface {
	// Open returns a connector over this harness's fake, applying opts after
	// the harness's own options (the suite passes a logger, a fast retry
	// policy, a short attempt timeout and a body cap).
	Open(ctx context.Context, opts ...connectors.Option) (connectors.Connector, error)
	// Entity names the entity the suite seeds and reads.
	Entity() string
	// IDField names the field that holds a record's unique id in Get's
	// output.
	IDField() string
	// FilterField names a field that Seed fills with a few repeated string
	// values, for the Eq filter test.
	FilterField() string
	// Seed replaces the entity's records in the fake with n generated ones
	// and returns them as Get yields them (at least IDField and FilterField).
	Seed(ctx context.Context, n int) ([]connectors.Record, error)
	// PageSize is the fake's page size for Entity.
	PageSize() int
	// Inject makes the fake fail the next n data requests with f (n is
	// ignored for FaultOutage and FaultShortTotal, which last until Heal).
	// It reports false when the fake cannot produce f.
	Inject(f Fault, n int) bool
	// Heal ends every injected fault.
	Heal()
	// TokenRequests counts the fake's token endpoint calls so far, or -1
	// when the connector does not use tokens.
	TokenRequests() int
	// Secrets returns the values that must never be logged or appear in an
	// error: the credential's secrets and the tokens the fake issued.
	Secrets() []string
}

// Factory builds a fresh harness for one test. Clean up with t.Cleanup.
type Factory func(ctx context.Context, t *testing.T) (Harness, error)
