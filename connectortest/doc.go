// Package connectortest is the conformance suite every connector must pass:
// each vendor connector over its fake server, the Workday simulator in
// process, the real Workday connector over the simulator's HTTP handler, and
// host applications' own adapters (the package is exported for them).
//
// A Factory builds a fresh Harness for each test: a connector over a fake the
// harness controls, a way to seed N records into one entity, and a fault
// switch. Run checks lifecycle (Close idempotent, ErrClosed after it),
// Entities and Schema, that Get streams every seeded record exactly once
// across pages and again when ranged again, Limit, Fields, Eq, In, Or, Not
// and Gt filters, cancellation and break, NOT_FOUND for an unknown entity
// and UNSUPPORTED for an unknown action, As, every capability's input and
// output schemas (valid schemas; an undeclared parameter refused; sample
// params run and their results validated), Explain when the connector is an
// Explainer and a bulk export when it is a BulkExporter, retries of 429, 503, a reset mid-body and a stall,
// one token refresh on a 401, typed errors on malformed, truncated, HTML and
// oversized bodies, Resume after an outage that outlasts the retries, the
// advertised-total check, and that no secret appears in any log line or
// error string. A fault the harness cannot produce skips its test, saying so.
//
// Optional harness interfaces: AsTester (what As must expose, as gocloud's
// AsTest) and ActionSampler (params to run each capability with). Without
// them those tests check only what every connector must do.
//
// NoSharedWire checks that a client package and its fake import no common
// wire-type package (only the library's infrastructure).
//
// The suite is the specification: a connector's own tests cover only what is
// vendor specific.
package connectortest
