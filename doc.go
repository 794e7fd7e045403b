// Package connectors pulls live data from customers' enterprise systems
// (UKG, Workday, SAP, Salesforce, Oracle) through one interface.
//
// A host opens a connector by product id with a credential, then streams
// records, runs native queries and executes actions, all through Connector:
//
//	conn, err := connectors.Open(ctx, "salesforce", cred, connectors.WithLogger(logger))
//	if err != nil { ... }
//	defer conn.Close()
//	for rec, err := range conn.Get(ctx, connectors.Query{Entity: "Account", Limit: 100}) {
//		if err != nil { ... } // a *connectors.Error; errors.Is(err, connectors.ErrRateLimited) ...
//		use(rec)
//	}
//
// Vendor packages register themselves in init, like database/sql drivers, and
// also export a plain New. The Workday simulator (package workdaysim) is a
// Connector too, so tests and development swap it in for the real adapter.
//
// # Streams
//
// Get and Query return iter.Seq2[Record, error]. A stream holds one page in
// memory whatever the total, yields a failure once as (nil, err) and stops,
// and runs the query again when ranged over again. An error that ends a
// stream after at least one page carries a Resume token (ResumeToken(err));
// the same Query with Resume set yields the remaining records, each once.
// A stream that ends with fewer records than the vendor advertised says so
// with an error wrapping ErrIncomplete.
//
// # Errors
//
// Every error is an *Error with a Code (NOT_FOUND, INVALID_ARGUMENT,
// CONFLICT, PERMISSION_DENIED, UNAUTHENTICATED, RATE_LIMITED, UNAVAILABLE,
// TIMEOUT, UNSUPPORTED, INTERNAL), the vendor's own code, the HTTP status,
// whether it may be retried and after how long. Test codes with errors.Is
// against the sentinels (ErrNotFound ...). No error, log line or panic
// carries a secret.
//
// # Optional interfaces
//
// Found with Find, which looks through wrappers that implement Unwrapper:
//
//	BulkExporter  asynchronous bulk export jobs; without it, use Get.
//	Explainer     the plan of a query (native requests, pushed-down and
//	              residual predicates, expected calls); without it, no plan.
//	Aser          vendor-specific values, listed in each vendor's "# As".
//
// # Execute and principals
//
// Execute runs a capability string ("workday.hcm.get_employee"). The caller's
// identity travels in params under ParamPrincipal, ParamGroups and ParamType;
// connectors strip these keys (SplitPrincipal), record them in the audit
// event, and use them where a business rule needs them. Capabilities lists
// each action with its principal types, sensitivity, audit level and JSON
// Schemas.
package connectors
