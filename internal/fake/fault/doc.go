// Package fault is the seeded fault injector every fake vendor server wears
// as HTTP middleware: rate limits with Retry-After, 500 and 503, a connection
// reset mid-body, a stall past the client's timeout, malformed, truncated and
// oversized bodies, an HTML page, a rejected token. Faults fire by rate (from
// a seeded random source, so a run can be repeated) or for "the next N
// requests".
package fault
