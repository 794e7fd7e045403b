// Package salesforce is the Salesforce connector (product "salesforce"): the
// reference connector the other vendors copy. Import it for its side effect
// to use connectors.Open(ctx, "salesforce", cred), or call New.
//
// # Driver
//
// The package is a driver on internal/connkit: the kit's adapter owns the
// lifecycle, query validation, paging (pager.NextLink over nextRecordsUrl,
// pager.Tokens over Bulk's Sforce-Locator), the residual filter, Resume,
// totals, error wrapping and Execute's dispatch; this package supplies OAuth
// and the instance URL, the describes, SOQL, the keyset restart of an
// expired cursor, Bulk API 2.0, the quota reserve and the actions.
//
// # Credential
//
// AuthType oauth2, with the grant in the grant_type secret:
//
//	refresh_token (default)  client_id, client_secret, token_url, refresh_token
//	client_credentials       client_id, client_secret, token_url (the org's My Domain token URL)
//	jwt_bearer               client_id (the consumer key), token_url, private_key (PEM), subject (the username);
//	                         audience defaults to the token URL's origin (https://login.salesforce.com)
//
// InstanceURL is the org's login or My Domain URL (https://acme.my.salesforce.com).
// Every data call goes to the instance_url the token response returns.
// Salesforce sends no expires_in: a token is used until a 401
// INVALID_SESSION_ID, which triggers one refresh (shared by concurrent
// streams) and one replay.
//
// # Reads
//
// Get compiles the Query to SOQL through package translate (fields, Where
// pushed down with values escaped, the rest filtered client side with
// translate.Match, OrderBy, Limit, Since on SystemModstamp), follows
// nextRecordsUrl, strips attributes, types values by the describe (datetimes
// with Salesforce's +0000 offsets as time.Time, dates as connectors.Date,
// integers as int64) and checks totalSize. Each page is decoded in one pass
// by internal/jsonpage (records built typed as the tokens go by); a body it
// does not take (bad UTF-8, duplicate keys, numbers out of range, malformed
// or HTML bodies) goes through encoding/json and the describe typer as
// before, with the same values or the same error. Without an OrderBy the query is
// ordered by Id, so that a stream whose cursor expired (15 idle minutes, or a
// Resume after the daily quota reset) continues by keyset on Id. A query
// whose URL would exceed the URI limit runs as a Bulk API 2.0 job instead.
// Query runs native SOQL; WithQueryAll (or the QueryAll method) includes
// deleted and archived records. Entities and Schema come from the global and
// sObject describes, cached per connector (WithDescribeTTL).
//
// # Bulk API 2.0
//
// The connector is a connectors.BulkExporter: StartExport creates a query job,
// ExportStatus polls it, ExportResults waits with backoff and streams the
// CSV results chunk by chunk (WithBulkChunk records each) following
// Sforce-Locator until "null", with the API version the job was created
// with. Memory holds one chunk; one CSV field longer than
// connectors.WithMaxValueBytes (default 8 MiB) ends the stream with an
// INTERNAL error before it is held (internal/capread), whatever the body cap.
//
// # Limits
//
// Sforce-Limit-Info (api-usage=USED/MAX, the calls of the last 24 hours) is
// read from every response, failures and retries included (Usage). A 403
// REQUEST_LIMIT_EXCEEDED for the daily allocation is RATE_LIMITED and not
// retried; it ends a stream with a Resume token. The concurrent
// long-running-request limit (the same code) is retried. The two are told
// apart by the 403's own Sforce-Limit-Info (the allocation is spent when
// USED reaches MAX), never by the message's words; a 403 without the header
// is taken as the transient limit and retried within the retry policy.
// WithReserve stops short of the allocation to protect the org's other
// integrations (vendor code API_RESERVE): before every call the connector
// checks the newest usage report, and at or past the reserve it refuses the
// call unsent with RATE_LIMITED, not retryable, a Resume when it ends a
// stream after a page, and RetryAfter set to the time left until it reads
// the usage again (WithQuotaRecheck, default 5 minutes: a report that old
// refuses nothing, so the next call goes out and its header is the new
// report, since usage falls as calls roll out of the 24 hours).
//
// connectors.WithQuotaBook shares the reports: every Sforce-Limit-Info is
// recorded in the book under (salesforce, the credential's id,
// QuotaName "DailyApiRequests"), and the check reads the book, so workers
// that share one (a connectors.MemoryQuotaBook in one process,
// limit/redislimit's QuotaBook across machines) stop together when any of
// them sees the reserve reached, instead of each discovering it alone.
// With a book and no reserve they stop together at the whole allocation
// (Details["quota"] "daily"; with a reserve, "reserve"). Without a book
// each connector checks only the reports it received, and without a
// reserve it sends until Salesforce's 403, as it always did. A book that
// cannot be reached is logged once and the check falls back to the
// connector's own reports. Usage is this connector's last report;
// SharedUsage the newest the book holds.
//
// Verified from a published source: the header's name and its
// api-usage=USED/MAX form (calls used, the org's limit), returned on every
// REST response but the Versions URI (REST API Developer Guide, "Limit Info
// Header"); that daily allocations count a rolling 24 hours rather than
// resetting at a set time (Trailhead, "Learn About Daily Rate Limits").
// Observed by others, not documented: the count is recalculated
// asynchronously, so concurrent responses may report it out of order,
// which is why reports close together are ordered by the count
// (connectors.QuotaUsage.Supersedes). Assumed: that the 403 of a spent
// allocation carries the header too (the fake sends it; without it the
// book learns of the spent allocation from the next response that has
// it), and the recheck period, this library's choice: Salesforce publishes
// no time at which usage will fall.
//
// # Capabilities
//
//	salesforce.soql.query        run SOQL, return up to max_records records (sensitive)
//	salesforce.sobject.get       read one record by id (sensitive)
//	salesforce.sobject.describe  describe an sObject
//	salesforce.sobject.list      list the org's sObjects
//	salesforce.limits.get        the org's limits and the calls left today
//
// # Errors
//
// Salesforce's error array (errorCode, message, fields) is mapped in one
// place: MALFORMED_QUERY, INVALID_FIELD: INVALID_ARGUMENT; INVALID_TYPE,
// NOT_FOUND: NOT_FOUND; INSUFFICIENT_ACCESS: PERMISSION_DENIED;
// INVALID_SESSION_ID: UNAUTHENTICATED; REQUEST_LIMIT_EXCEEDED: RATE_LIMITED;
// SERVER_UNAVAILABLE: UNAVAILABLE. The vendor's word stays in VendorCode.
//
// # As
//
// connectors.As(conn, &sf) with sf a *salesforce.Connector gives the
// connector itself, for Usage, SharedUsage, Limits and QueryAll.
package salesforce
