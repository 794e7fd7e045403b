// Package timefmt parses the timestamps vendors send, from bytes, without
// time.Parse for the common fixed layouts.
//
// # Fixed layouts
//
// [Parse] reads "2006-01-02T15:04:05" followed by an optional fraction of one
// to nine digits and a zone: "Z", "+0000"/"-0700" or "+00:00"/"-07:00"
// (Salesforce REST's "2024-01-02T03:04:05.000+0000", Bulk CSV's
// "2024-01-02T03:04:05.000Z", Workday's and Oracle's RFC 3339). Each is
// checked digit by digit and range by range (month, day of month, hour,
// minute, second, offset) with no allocation. Anything else, including
// values a fixed layout would reject only for a range (a "+24:00" offset, a
// comma before the fraction), falls back to time.Parse over [Layouts] in
// order, so the result is always what that chain of time.Parse calls gives:
// the fast path never accepts a value the chain rejects, and never reads
// another instant. The result is in UTC.
//
// # Other forms
//
// [ParseDate] reads a plain "2006-01-02" exactly as time.Parse(time.DateOnly)
// does. [ParseSAP] reads OData v2's "/Date(1700000000000)/" and
// "/Date(1700000000000+0060)/" (milliseconds since the epoch in UTC, then an
// optional offset in minutes, which does not move the instant).
package timefmt
