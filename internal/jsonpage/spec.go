package jsonpage

import (
	"github.com/xlr8/connectors/internal/transport"
)

// Type says how a record field's JSON value becomes a record value. A value
// of a kind the type does not convert (an object in an Int field, a number
// in a Time field) stays as encoding/json gives it.
type Type uint8

const (
	// Auto keeps the value as encoding/json gives it, except that a string
	// shaped like a timestamp (its first 'T' at index 10) becomes a
	// time.Time when Spec.ShapeTimes is set and it parses. Fields the Spec
	// does not name are Auto.
	Auto Type = iota
	// Text keeps the value exactly as encoding/json gives it.
	Text
	// Int turns an integral JSON number below 2^53 in magnitude into an
	// int64 (a larger or fractional one stays float64, as encoding/json
	// gives it); with Spec.StringNumbers, a string holding a decimal
	// integer too (OData's Edm.Int64).
	Int
	// Float keeps JSON numbers as float64; with Spec.StringNumbers, a
	// string holding a JSON number becomes a float64 too (OData's
	// Edm.Decimal).
	Float
	// Bool keeps JSON booleans; with Spec.StringNumbers, the strings "true"
	// and "false" become booleans too.
	Bool
	// Date turns "2006-01-02" (and "/Date(ms)/" with Spec.SAPDates) into a
	// connectors.Date; another string stays a string.
	Date
	// Time turns a timestamp (timefmt.Parse's layouts, and "/Date(ms)/"
	// with Spec.SAPDates) into a time.Time in UTC; another string stays a
	// string.
	Time
)

// Spec describes one vendor's pages of one entity. Build a Decoder from it
// once (per entity and schema) and use it for every page; a Spec must not
// change after NewDecoder.
type Spec struct {
	// Product names the vendor in errors.
	Product string
	// Envelope says where the records and the paging fields are.
	Envelope Envelope
	// Fields gives the entity's field types; a field not named is Auto.
	// Its names are also the strings the records' keys share.
	Fields map[string]Type
	// Drop names the keys dropped from records and from every object
	// nested in them (not from arrays kept as they are): envelope noise
	// such as "attributes", "__metadata", "__deferred", "links".
	Drop []string
	// DropEmptied drops a nested object from its parent when dropping
	// emptied it (OData v2's deferred navigation {"__deferred":{...}}), so
	// that a value the vendor did not send stays absent.
	DropEmptied bool
	// Unwrap names the key of a nested collection: a nested object holding
	// an array under it (Salesforce's subquery {"totalSize",...,"records":
	// [...]}, OData v2's expanded {"results":[...]}) is replaced by that
	// array, its objects processed like any nested object.
	Unwrap string
	// ShapeTimes makes Auto strings shaped like timestamps time.Time.
	ShapeTimes bool
	// StringNumbers lets Int, Float and Bool fields convert strings
	// (OData v2 sends Int64 and Decimal as strings).
	StringNumbers bool
	// SAPDates lets Date and Time fields read "/Date(ms)/" and
	// "/Date(ms+0060)/".
	SAPDates bool
	// MaxValueBytes caps one string or number (0: capread's default).
	MaxValueBytes int64
	// Fallback decodes a body the one-pass decoder does not take (invalid
	// UTF-8, duplicate names, numbers out of range, malformed, truncated or
	// HTML bodies, unexpected kinds in the envelope): the vendor's reference
	// path, so that such bodies give exactly what they gave before. nil
	// means Decoder.Reference.
	Fallback func(resp *transport.Response) (Page, error)
}

// Envelope locates the records array and the paging fields of a page, each
// by its path of object keys from the top. An empty Records path means the
// body is the array itself. Keys are matched exactly (case-sensitive).
type Envelope struct {
	Records []string
	// Next is the next page's link or cursor (a string).
	Next []string
	// Total is the advertised total, Count the records in this page, Limit
	// and Offset the page's window (integers).
	Total, Count, Limit, Offset []string
	// Done says the last page was reached, More that there are more pages
	// (booleans).
	Done, More []string
	// StringTotal says Total is sent as a string holding an integer
	// (OData v2's __count).
	StringTotal bool
}

// The envelopes of the vendors in this module.
var (
	// SalesforceREST: {"totalSize":N,"done":false,"nextRecordsUrl":"...","records":[...]}.
	SalesforceREST = Envelope{Records: []string{"records"}, Total: []string{"totalSize"},
		Done: []string{"done"}, Next: []string{"nextRecordsUrl"}}
	// WorkdayREST: {"total":N,"data":[...]}.
	WorkdayREST = Envelope{Records: []string{"data"}, Total: []string{"total"}}
	// Oracle Fusion REST: {"items":[...],"totalResults":N,"count":N,
	// "hasMore":true,"limit":N,"offset":N,"links":[...]}.
	Oracle = Envelope{Records: []string{"items"}, Total: []string{"totalResults"}, Count: []string{"count"},
		More: []string{"hasMore"}, Limit: []string{"limit"}, Offset: []string{"offset"}}
	// ODataV2: {"d":{"results":[...],"__next":"...","__count":"N"}}.
	ODataV2 = Envelope{Records: []string{"d", "results"}, Next: []string{"d", "__next"},
		Total: []string{"d", "__count"}, StringTotal: true}
	// ODataV4: {"value":[...],"@odata.nextLink":"...","@odata.count":N}.
	ODataV4 = Envelope{Records: []string{"value"}, Next: []string{"@odata.nextLink"}, Total: []string{"@odata.count"}}
	// Bare: the body is the array of records (UKG's REST lists).
	Bare = Envelope{}
)

// Keyed is an envelope whose records are the array under one key
// ({"employees":[...]}, {"Report_Entry":[...]}), with no paging fields.
func Keyed(key string) Envelope { return Envelope{Records: []string{key}} }

// Field names a paging field of a Page.
type Field uint8

// The paging fields.
const (
	FieldNext Field = 1 << iota
	FieldTotal
	FieldCount
	FieldLimit
	FieldOffset
	FieldDone
	FieldMore
)
