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
//   - a cursor seen before ends the stream with an error instead of spinning;
//   - Limit is enforced whatever the vendor returns;
//   - a residual filter and a field projection run client side;
//   - progress is reported after every page, and once more at the end;
//   - when the vendor advertised a total, ending with fewer records says so
//     (an INTERNAL error wrapping errs.ErrIncomplete).
package pager
