// Package jsonpage decodes the JSON pages of every vendor in one pass: it
// tokenizes the envelope, finds the records array and the paging fields,
// and builds each connectors.Record with its typed values as the tokens go
// by, given the entity's field types. There is no validation pre-scan, no
// intermediate map[string]any per record to type afterwards, and envelope
// noise is skipped without being built.
//
// # Use
//
// Build a [Decoder] once per entity (its [Spec] holds the field types), then
// decode each buffered page with [Decoder.DecodeResponse] (or
// [Decoder.Decode] for bare bytes):
//
//	dec := jsonpage.NewDecoder(jsonpage.Spec{
//		Product:  "oracle",
//		Envelope: jsonpage.Oracle,
//		Fields:   map[string]jsonpage.Type{"PersonId": jsonpage.Int, "StartDate": jsonpage.Date},
//		Drop:     []string{"links"},
//	})
//	resp, err := client.Get(ctx, pageURL, nil)
//	...
//	page, err := dec.DecodeResponse(resp)
//	// page.Records, page.More, page.Has(jsonpage.FieldTotal), page.Total ...
//
// A body too large to buffer (a RaaS report, an export) is decoded as it
// is read with [Decoder.Stream], which hands each record to a callback as
// soon as it is built:
//
//	page, err := dec.Stream(sr.Body, "report Headcount", func(r connectors.Record) bool {
//		return yield(r, nil)
//	})
//
// # Envelopes
//
// [Envelope] locates the records and the paging fields by key path. The
// shapes of this module's vendors are predefined (each has an example):
//
//   - [SalesforceREST]: {"totalSize","done","nextRecordsUrl","records":[{"attributes",...}]}
//   - [WorkdayREST]: {"total","data":[...]}
//   - [Oracle]: {"items","totalResults","count","hasMore","limit","offset","links"}
//   - [ODataV2]: {"d":{"results":[...],"__next","__count"}} (__count a string)
//   - [ODataV4]: {"value":[...],"@odata.nextLink","@odata.count"}
//   - [Bare]: a bare array of records (UKG's REST lists)
//   - [Keyed]: {"<key>":[...]} (UKG's keyed envelopes, RaaS's Report_Entry)
//
// # Values
//
// A field's [Type] says what its JSON value becomes: Int (integral numbers
// below 2^53 to int64), Float, Bool, Date (connectors.Date), Time (time.Time
// in UTC, parsed from the bytes by internal/timefmt), Text (as is) or Auto
// (as is, with timestamp-shaped strings parsed when Spec.ShapeTimes).
// Spec.StringNumbers converts OData's Int64 and Decimal strings,
// Spec.SAPDates reads "/Date(ms)/". Nested objects and arrays are kept as
// encoding/json gives them (map[string]any, []any, float64, string, bool,
// nil), with Spec.Drop's keys ("attributes", "__metadata", "__deferred",
// "links") removed from every nested object, Spec.Unwrap's nested
// collections ({"records":[...]}, {"results":[...]}) replaced by their
// arrays, and, with Spec.DropEmptied, an object left empty by dropping
// (a deferred navigation) removed. Field names are the Spec's own strings,
// and names the Spec does not list are interned, so records share their
// keys.
//
// # Input it does not take
//
// The one-pass decoder is strict: invalid UTF-8, a duplicate name, a number
// float64 cannot hold, a malformed, truncated or trailing-garbage body, an
// HTML page (by Content-Type or content), a paging field of an unexpected
// kind, an envelope key that differs from a known one only in case, a
// record that is not an object, nesting past 512 levels, a value past the
// cap. It then hands the body to the Spec's Fallback (the vendor's
// reference path: encoding/json into the vendor's envelope, then the
// vendor's typer), or by default to [Decoder.Reference], the same typing on
// maps decoded by encoding/json, with transport's errors for bodies that are
// not JSON. So every such body gives exactly the values, or exactly the
// *errs.Error (code and message), that the reference gives. A differential
// test and a fuzz target (FuzzDifferential here, FuzzPageDecoder in
// salesforce) check that whenever the one-pass decoder takes a body, the
// reference gives the same page.
//
// A stream cannot be read twice: [Decoder.Stream] has no fallback, and what
// the one-pass decoder does not take is an INTERNAL error naming the byte
// offset (an error of the reader itself, such as transport's retryable
// "body cut off", is returned as it is).
//
// # Per-value cap
//
// One string or number longer than Spec.MaxValueBytes (default
// capread.DefaultMaxValueBytes, 8 MiB; connectors.WithMaxValueBytes) is an
// INTERNAL error wrapping capread.ErrValueTooLarge, on both paths.
// Streamed bodies use internal/capread's readers for the same cap:
// [Decoder.Stream] wraps its reader in capread.JSON, and a CSV decoder
// (Salesforce Bulk results, RaaS CSV) wraps its body in capread.CSV, so that
// a giant value is refused before the tokenizer or encoding/csv buffers it.
//
// # The jsontext dependency
//
// The tokenizer is github.com/go-json-experiment/json/jsontext, imported
// unconditionally: built with GOEXPERIMENT=jsonv2 that package is a set of
// aliases to the standard library's encoding/json/jsontext, and otherwise its
// own implementation, so one import gives the standard library's tokenizer
// where the experiment is on.
package jsonpage
