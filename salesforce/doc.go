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
// integers as int64) and checks totalSize. Without an OrderBy the query is
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
// with. Memory holds one chunk.
//
// # Limits
//
// Sforce-Limit-Info is read from every response (Usage). A 403
// REQUEST_LIMIT_EXCEEDED for the daily allocation is RATE_LIMITED and not
// retried; it ends a stream with a Resume token. The concurrent
// long-running-request limit (the same code, another message) is retried.
// WithReserve stops short of the allocation to protect the org's other
// integrations (vendor code API_RESERVE).
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
// connector itself, for Usage, Limits and QueryAll.
package salesforce
