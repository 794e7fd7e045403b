// Package pager is the one page walker every connector uses.
//
// A vendor supplies a Fetch ("give me the page at this cursor"); Walk turns
// it into the lazy iter.Seq2 stream of DESIGN.md:
//
//   - one page in memory at a time; ranging again runs the query again;
//   - the context is checked before every fetch and every few records, and a
//     cancellation ends the stream with the context's error at once;
//   - a failure is yielded once, with a Resume token when at least one page
//     came first (or the walk itself resumed), and the stream stops;
//   - nothing is yielded after the caller breaks;
//   - a cursor seen before ends the stream with an error instead of spinning
//     (found in constant memory: the last cursors, and a longer cycle by
//     Brent's method within a bounded number of extra pages);
//   - Limit is enforced whatever the vendor returns;
//   - a residual filter and a field projection run client side, after an
//     optional Complete that finishes one record at a time (a vendor
//     reading the rest of a child collection), whose failure ends the
//     stream with a Resume token at that record;
//   - progress is reported after every page, and once more at the end;
//   - when the vendor advertised a total, ending with fewer records says so
//     (an INTERNAL error wrapping errs.ErrIncomplete);
//   - a page repeating a record (by KeyOf) of the same or the previous two
//     pages ends the stream with ErrRepeatedRecords, and receiving far more
//     records than advertised ends it with ErrPastTotal: a server that
//     ignores its offset or hands out fresh cursors for the same records
//     cannot make a stream run without end.
//
// # Strategies
//
// A vendor does not write a Fetch by hand: it picks the strategy its API
// documents and writes a Call, one request and its decoding.
//
//   - OffsetLimit: offset and limit, ending on hasMore, the total, or a
//     short page;
//   - PageNumber: page number and a constant size, ending on a short page;
//   - Tokens: an opaque token (cursor, continuation, locator);
//   - NextLink: a next link, absolute or relative, that must stay on the
//     first URL's origin (SameOrigin);
//   - OData: OData's __next / @odata.nextLink, or $skiptoken on the first
//     URL.
package pager
