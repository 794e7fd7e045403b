// Package gather turns a question into live truths for the intelligence
// engine: Reality (live query results from a project's connected products)
// and Configuration (how those products are set up: organizations, codes,
// plans, picklists). It uses only the public API (the registry,
// credentials.Manager, translate), so it works with every connector, the
// simulator included.
//
//	g, _ := gather.New(mgr, "acme")
//	defer g.Close()
//	truths, err := g.Gather(ctx, "Which Energy accounts have open opportunities?", gather.Analysis{
//		Where: map[string]connectors.Expr{"account": connectors.Eq("industry", "Energy")},
//	})
//
// # Choosing sources
//
// Select explains what a gather will do: the entities the question's words
// name (translate's vocabulary: canonical names and synonyms, "headcount" ->
// worker, "PTO" -> time_off_balance, "pipeline" -> opportunity) and those
// the Analysis names, intersected with the project's active, unexpired
// credentials whose product holds the entity. Every Source and Truth says why
// it was chosen. A question nothing matches gives no sources and a Reason,
// not an error.
//
// # Running
//
// Sources run concurrently (WithConcurrency), each within WithSourceTimeout,
// through one connector per credential that is opened once and reused
// across questions (the connectors share a credential's rate limit). The
// canonical query of each source is compiled per product by translate
// (ToProduct); records come back in the vendor's names with the canonical
// names beside them (Row). One source failing (authentication, a quota with
// its Resume token, a timeout) is a Truth with Err and Complete false; the
// others return. Cancelling ctx stops every source. Truths carry the
// product query, the native query and what was pushed down or filtered
// here when the connector is an Explainer, the as-of date, when the data was
// fetched, at most the budget of rows with the full Count (Truncated past
// it), and whether the stream completed. No truth holds a secret: errors
// come from connectors, which scrub them.
//
// Stream is the form for large pulls: rows are handed over as they arrive
// from every source, never all held.
//
// # Retention
//
// Nothing gathered is kept past the call, except configuration truths,
// cached per credential and query for WithConfigTTL (default an hour;
// configuration changes rarely). Purge empties the cache; Drop forgets a
// credential (its cache entries and its connector); Close closes everything.
package gather
