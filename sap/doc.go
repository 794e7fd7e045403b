// Package sap connects SAP SuccessFactors (product sap_sf) and SAP
// S/4HANA (product sap_s4) over OData v2 (S/4HANA's v4 services too), as
// narrow drivers on internal/connkit: the kit owns the port (lifecycle,
// validation, paging, residual filtering, Resume, totals, errors,
// actions); this package owns SAP's wire.
//
//	conn, err := connectors.Open(ctx, "sap_sf", cred) // or sap.NewSuccessFactors / sap.NewS4HANA
//	for rec, err := range conn.Get(ctx, connectors.Query{Entity: "EmpJob", AsOf: day}) { ... }
//
// # Credentials
//
// sap_sf: InstanceURL is the API server (https://api4.successfactors.com,
// https://api12preview.sapsf.eu); the OData root /odata/v2/ is added.
// AuthType basic: username as userId@companyId, password. AuthType oauth2,
// grant_type saml2_bearer: client_id (the API key), company_id, subject
// (or user_id: the SuccessFactors user the assertion names), private_key
// (PEM or SuccessFactors' download), token_url ({api}/oauth/token). The
// assertion is built and signed here (credentials.SAML2BearerGrant); the
// deprecated /oauth/idp is refused as a token_url (SAP plans to delete it
// on 2027-05-14). Tokens have no refresh token: a 401 mints a new one,
// once.
//
// sap_s4: InstanceURL is https://host:port (or the Cloud API host
// https://myNNNNNN-api.s4hana.cloud.sap); services live under
// /sap/opu/odata/sap/. AuthType basic: username, password. AuthType oauth2
// (client_credentials): client_id, client_secret, token_url
// (/sap/bc/sec/oauth2/token?sap-client=NNN). AuthType certificate:
// cert_file and key_file (paths or PEM text; an encrypted key is refused,
// passphrase is not used). Optional sap_client: three digits, sent as
// sap-client on every call (forgetting it silently reaches the default
// client).
//
// # Entities, schemas and native queries
//
// sap_sf entities are the tenant's entity sets (User, PerPerson,
// PerPersonal, EmpEmployment, EmpJob, FOCompany, FODepartment ...), listed
// from the service document (/odata/v2/?$format=json); a schema comes from
// the entity's own $metadata (/odata/v2/{Set}/$metadata; the tenant's whole
// document runs to megabytes). sap_s4 entities are SERVICE/EntitySet
// (API_BUSINESS_PARTNER/A_BusinessPartner) for the services of
// WithServices (default API_BUSINESS_PARTNER), from each service's
// $metadata. Both $metadata layouts are read: SuccessFactors' two schemas
// (SFODataSet holds the container, SFOData the types) with sap: and sf:
// bound to http://www.successfactors.com/edm/sap and .../edm/sf, Gateway's
// single schema with http://www.sap.com/Protocols/SAPData; Documentation
// and Annotation elements inside EntitySet and Property are tolerated (a
// label may come from sap:label, an Annotation Term="...label" or a
// Documentation Summary); sap:filterable="false" keeps a property out of
// $filter; sap:display-format="Date" makes an Edm.DateTime a date.
// Field.Canonical and EntitySchema.Canonical come from translate's
// vocabulary.
//
// OData v4 services (SAP's RAP services under /sap/opu/odata4/) are added
// with WithV4Service(name, path) and named name/EntitySet: their EDMX 4.0
// $metadata gives the schema, reads page by $top/$skip with $count=true
// (@odata.count checked), values arrive as JSON numbers and ISO 8601 text,
// and only comparisons on text and boolean properties go to the server
// (translate writes v2 literals; the rest is filtered here). sap.s4.create
// and sap.s4.update write to them in OData v4 (see Writes), and
// sap.s4.batch sends them OData v4 batches (see $batch on OData v4).
//
// Query takes an entity path with its own options:
// "EmpJob?$filter=userId eq '1001'&fromDate=1900-01-01&$select=userId,jobTitle"
// or "API_BUSINESS_PARTNER/A_Customer?$filter=...". Only OData's system
// query options and SuccessFactors' asOfDate, fromDate, toDate, paging and
// customPageSize are accepted.
//
// # Reads
//
// Get compiles the query with translate's OData dialect ($filter, $select,
// $expand for navigation paths in Fields, $orderby; SuccessFactors' "in";
// what cannot go to the server is filtered here and reported by Explain)
// and always asks $format=json and $inlinecount=allpages, whose count the
// walker checks against what arrived. sap_sf pages by the server's d.__next
// links (customPageSize, default 1000, the cap; paging=snapshot unless the
// query has an order or WithSnapshotPaging(false)), and where a full page
// comes without __next (an entity that does not page on the server) by
// $skip/$top; session cookies from the first page are replayed on the next. sap_s4 pages by $top/$skip
// (WithPageSize, default 500), ignoring any __next. Query.AsOf is
// SuccessFactors' asOfDate; WithEffectiveRange sends fromDate/toDate
// instead on entities with startDate and endDate; Query.Since filters
// lastModifiedDateTime (or lastModifiedOn, lastModifiedDate, LastChangeDate,
// whichever the entity has) ge the instant.
//
// Values are typed by $metadata: /Date(ms)/ and /Date(ms+0000)/ become
// time.Time (the offset, in minutes, only sets the zone; its absence means
// UTC), date-only properties connectors.Date; Edm.Int64/Int32/Int16 become
// int64 and Edm.Decimal/Double float64 whether they arrive as JSON strings
// (SAP's habit: "seqNumber":"1", "price":"200.20", even "maxValue":"0" for
// an Edm.Double) or numbers; __metadata and deferred navigation properties
// are dropped; expanded ones become records or lists of records typed by
// their target. A value that contradicts its declared type is an INTERNAL
// error naming the property.
//
// # Writes, $batch and BAPIs (sap_s4)
//
// Capabilities: sap.s4.create (POST), sap.s4.update (PATCH, MERGE or PUT,
// or DELETE, with If-Match from etag), sap.s4.batch ($batch: reads as
// parts, changes as one atomic change set; 202; a failed change set comes
// back as one error part and is an error; v2 and v4), sap.s4.bapi.
// On a v2 service values are written in OData v2 JSON by $metadata
// (Int64/Decimal as strings, dates as /Date(ms)/); an undeclared or
// navigation property or a value of the wrong type is INVALID_ARGUMENT
// before any request. Writes carry the session's CSRF token: the transport's CSRF step
// fetches one from the service root (HEAD, GET when HEAD is refused with
// 405/501, with the session cookies of its own jar) when a write is
// answered 403 "x-csrf-token: Required", and replays that write once; one
// token and cookie pair per connector. A write is never repeated otherwise
// (the transport retries reads only).
//
// On an OData v4 service (WithV4Service) the same two capabilities speak
// OData v4: POST {root}/{EntitySet}, PATCH or PUT (MERGE is v2's and
// INVALID_ARGUMENT) or DELETE {root}/{EntitySet}({key}), with
// OData-Version 4.0, Content-Type and Accept application/json. Key
// literals are v4's: 'text' with ' doubled, numbers bare (no L or M),
// Edm.Guid, Edm.Date (YYYY-MM-DD) and Edm.DateTimeOffset (RFC 3339) bare,
// booleans true/false, composite keys Name=value,..., all percent-encoded
// once. The body is v4 JSON: the properties themselves (no "d", no
// __metadata), Edm.Int64 and Edm.Decimal as JSON numbers with their exact
// text (a json.Number or decimal text is sent as given, never through
// float64; IEEE754Compatible is not requested), Edm.Date "YYYY-MM-DD",
// Edm.DateTimeOffset RFC 3339 with the value's own offset, Edm.TimeOfDay
// "hh:mm:ss", Guid and String as strings, null only where the property is
// nullable; Edm.Binary, Edm.Stream, Edm.Duration, complex and enumeration
// properties are refused (INVALID_ARGUMENT), as are undeclared and navigation properties
// and wrong-typed values, before any request. The CSRF step fetches from
// the v4 service root. A create answered 201 returns the entity, typed as
// reads type values, and its @odata.etag (CreateResponse.ETag); one
// answered 204 (the service applied return=minimal) returns Location or
// OData-EntityId. An update answered 200 returns the entity
// (UpdateResponse.Record) and either answer its new ETag when the service
// sends one. A stale If-Match is 412, CONFLICT, as on v2; a missing one
// where the service demands it (428) INVALID_ARGUMENT; v4 error bodies
// give VendorCode, Details and targets as v2's do.
//
// # $batch on OData v4
//
// sap.s4.batch to a WithV4Service service sends the multipart/mixed batch
// of OData v4.0 Part 1 Protocol section 11.7: POST {root}/$batch with
// Content-Type multipart/mixed;boundary=batch_<uuid>, OData-Version 4.0,
// Accept multipart/mixed and the CSRF token (the transport's CSRF step
// fetches it from the v4 service root on a 403 "x-csrf-token: Required"
// and replays the batch once). Each read is an application/http part
// (Content-Transfer-Encoding binary) whose request line is a path relative
// to the service root: an entity set of the service, optionally one of its
// entities (by key, written as v4 key literals, or by a predicate in
// path), then query options; nothing below the entity, nothing outside the
// service. The changes are one nested multipart/mixed change set, Content-ID
// 1, 2, ... in order: POST to an entity set, PATCH, PUT or DELETE of the
// entity named by key, the body v4 JSON written by $metadata exactly as
// sap.s4.create and sap.s4.update write it, If-Match from etag, and
// OData-Version 4.0, Content-Type and Accept application/json on each.
// A ":" in the first path segment (an Edm.DateTimeOffset key) is sent as
// %3A, since RFC 3986 section 4.2 forbids a colon there in a relative
// reference. Everything is checked before anything is sent: an unknown
// entity set, a navigation or undeclared property, a wrong-typed value or
// key, a method that is not a read's GET or a change's, CR/LF in a path,
// header or etag, a header the connector writes itself, are
// INVALID_ARGUMENT. A $batch is a write: the transport never repeats it,
// not even one of reads only (a 503 is the caller's to retry); this holds
// for v2 batches too.
//
// The answer is parsed by the parser v2 batches use (one part per read,
// the change set's nested multipart or one application/http part in its
// place; no more parts than were sent, from a body bounded by
// Options.MaxBodyBytes). Each read's body is decoded as v4 JSON and typed by
// the entity set's $metadata as reads type values: an entity (with its
// @odata.etag as ETag), or a collection as {"value": [...], "count": n}.
// A read's failure is its own result (status, and error: the v4 error
// body's code, else its message). A change set answered by one error
// response fails the whole call: nothing was applied, and the error is
// the v4 error body's (VendorCode its code, the portable code from the
// status and errorMap, never from the text); a service that nests the
// error in the change set's multipart fails it likewise. The change set's
// responses are matched to the requests by Content-ID (section 11.7.4 lets
// a service reorder them) and give status, body, Location (or
// OData-EntityId) and ETag. The JSON batch format of OData 4.01 (section
// 11.7 of the 4.01 Protocol, application/json batches) is not used: RAP
// services take the multipart format, and only it is implemented.
//
// sap.s4.bapi routes: an OData function import (GET or POST
// /sap/opu/odata/sap/{SERVICE}/{Function}?Param=literal, the literals typed
// by the function's declaration) when route is "odata", service is given,
// or a service of WithServices declares a function import of that name;
// otherwise SOAP RFC (POST /sap/bc/soap/rfc, a SOAP 1.1 envelope in
// urn:sap-com:document:sap:rfc:functions; WithSOAPRFC(false) turns it off).
// A RETURN row of TYPE E or A is an INVALID_ARGUMENT error whose VendorCode
// is the message class and number ("01/124"), even on HTTP 200; a SOAP
// fault's exception name is its VendorCode. commit runs
// BAPI_TRANSACTION_COMMIT (WAIT=X) in the same session after a call
// without errors.
//
// # Errors
//
// One table (errors.go): OData v2 JSON ({"error":{"code","message":
// {"value"},"innererror"|"innerError":{"errordetails":[...]}}}), v2 XML and
// v4 JSON bodies give VendorCode (SAP's code, kept), the message, and
// Details error_details (the detail codes), targets and transaction_id;
// SuccessFactors' COE_* codes refine the status's code. A sap-message
// header of severity error on HTTP 200 is an error too. A 403 with
// "x-csrf-token: Required" after the one renewal is PERMISSION_DENIED
// (CSRF_TOKEN_REQUIRED); an HTML login page (a password input or a SAML
// request form, recognised by markup, never by words) is UNAUTHENTICATED,
// other HTML and truncated or malformed bodies INTERNAL.
//
// # As
//
// As exposes **connkit.Conn (the adapter). No SAP-specific type is exposed.
//
// # What was verified, and what was assumed
//
// Verified from published sources: SuccessFactors' $metadata layout, its
// namespaces and documentation inside EntitySet (data-integrations/
// successfactors-plugins src/test/resources/successfactors-metadata*.xml),
// payload typing (successfactors-data*.json: Int64/Decimal/Double as
// strings, Int32 as numbers, /Date()/ with and without +0000, __deferred,
// expanded results), the innerError/errorDetails casing
// (successfactors-error.json); DateTimeOffset without offset
// (SAP/python-pyodata#231); Annotation inside Property (pyodata#155);
// $batch 202 and the failed change set as one part (pyodata
// tests/test_service_v2.py test_batch_request, ..._failed_changeset);
// sap-message on 200 (pyodata pyodata/vendor/SAP.py); the CSRF fetch by
// HEAD on the service root with a trailing slash, the token read from
// Set-Cookie and X-CSRF-Token (SAP/cloud-sdk-js packages/http-client/src/
// csrf-token-middleware.ts); vendors.md sections 3, 4 and 12 for the rest
// of the wire (d.__next, customPageSize, asOfDate/fromDate/toDate,
// /oauth/token form fields, SOAP RFC envelopes and RETURN tables). Checked
// against SAP's own OData mock server (@sap-ux/fe-mockserver-core 1.7.16,
// TestMockServer): $metadata in Gateway's layout, $top/$skip paging,
// $filter (eq, in as or, not, and/or, boolean, datetime ge, startswith),
// $select, $count, __count, the CSRF fetch, a create.
//
// Assumed ([I] in vendors.md): the COE_* code meanings beyond the status;
// that paging=snapshot is harmless where unsupported (SuccessFactors falls
// back, per successfactors-plugins) and that it does not combine with
// $orderby (so it is not sent then); the sap-message JSON keys code and
// severity on Gateway (pyodata reads severity and message); that SOAP RFC
// returns only the tables a request names (RETURN is always sent empty);
// that the session cookie keeps the RFC context for BAPI_TRANSACTION_COMMIT;
// PATCH as the default update (older Gateway releases want MERGE, which
// method selects); the function
// import result wrapped in its name for complex and primitive returns;
// sap-client as a three-digit parameter; the login page markers.
//
// OData v4 writes. Verified from published sources: OData v4.0 Part 1:
// Protocol (OASIS) section 11.4.2 (create: 201 with the entity, or 204
// under Prefer: return=minimal; Location either way), and that a 204 to a
// create carries OData-EntityId (as dret.github.io/webconcepts quotes the
// protocol); OData v4.0 JSON Format section 7.1 (Edm.Date,
// Edm.DateTimeOffset, Edm.Guid, Edm.TimeOfDay as JSON strings by the ABNF
// rules; Microsoft's MS-ODATAJSON 2.1.17 quotes it) and section 4.1 (Int64
// and Decimal are strings only under IEEE754Compatible=true, numbers
// otherwise; MS-ODATAJSON 2.1.5, Microsoft.OData.Edm's
// CsdlJsonWriterSettings.IsIeee754Compatible); update answers 200 with the
// entity or 204 (section 11.4.3, as oasis-tcs/odata-specs#443 quotes it);
// the v4 error body {"error":{"code","message","target","details"}}
// (vendors.md 4.7). Checked against SAP's OData mock server
// (TestMockServerV4Writes, on a v4 service of our own): create 201 with
// the entity, PATCH and PUT 200 with the entity, DELETE 204, composite v4
// keys. Assumed, from memory of the specification rather than a fresh
// reading: the key literal forms (URL Conventions section 4.3.1 and the
// ABNF's primitiveLiteral); that a set annotated Core.OptimisticConcurrency
// answers a change without If-Match with 428 (RFC 6585's status); that
// SAP RAP services keep the protocol's defaults here (no SAP RAP document
// was consulted); that OData-Version 4.0 on a write is welcome. Where the
// mock server departs from the protocol: PATCH and PUT answer 200 with the
// entity unasked; its Location spells keys wrongly (numbers quoted, a
// quote not doubled); it answers a key holding a doubled quote 404; Int64
// values lose precision past 2^53 (JavaScript numbers); a property a
// create leaves out comes back "" or today's date.
//
// OData v4 $batch. Verified from published sources: the multipart framing
// of RFC 2046 section 5.1 (the CRLF before a boundary belongs to the
// boundary, as OASIS issue ODATA-1343 quotes it, which also notes that the
// 4.0 and 4.01 examples lack those CRLFs: the parser takes either); that a
// change set's responses carry their requests' Content-ID and may be
// reordered, and that the answer's parts match the request's one to one
// (MS-ODATA 2.2.7.6.6, Microsoft's v3 text, which OData 4.0 keeps); the
// failed change set as one part (pyodata's v2 tests, above). Taken from
// OData v4.0 Part 1 Protocol section 11.7 as remembered, not freshly read
// (the OASIS text was not at hand): the 200 status of a v4 batch answer,
// section 11.7.4's single application/http response for a failed change
// set, request URLs relative to the service root, OData-Version on the
// outer and inner requests. Checked against SAP's OData mock server
// (TestMockServerV4Batch, on ZPRICING_V4): 200 with OData-Version 4.0,
// reads of an entity and a collection, a change set of a create and a
// PATCH, Content-IDs echoed, and a failed change set answered by one
// application/http part in its place. Where the mock server departs from
// the protocol: it does not roll a failed change set back (the requests
// before the failing one stay applied; the test pins it); the failure's
// body is "Not found" as text/plain, not a v4 error body (so no VendorCode);
// a read of a missing entity is a 404 with an empty body; a create's
// Location is relative, with integer keys quoted. Assumed: that SAP RAP
// services answer as the protocol says (no RAP document was consulted).
//
// Where SAP's mock server differs from SuccessFactors and S/4HANA (found by
// TestMockServer and recorded there): it never pages by itself (no __next,
// no $skiptoken, no customPageSize); it always sends d.__count, as a JSON
// number (Gateway sends a string, and only for $inlinecount=allpages);
// JSON is its default format; __metadata uris are host-relative; it
// issues the fixed token 0504-71383 on HEAD or GET of the service root only
// (not $metadata), sets no session cookie, and never demands the token on
// writes (Gateway answers 403 "x-csrf-token: Required"); sap-client selects
// a separate in-memory tenant; its $filter parser rejects a string literal
// holding a doubled quote, OData's escape for a quote (HTTP 500,
// text/plain), and reads "not a eq 1 and b eq 2" as
// not over the whole conjunction (translate now writes "not (a eq 1)");
// an unknown entity set or a bad $filter is a 500 with a text body, not a
// 404/400 OData error; its messages header is sap-messages (an array with
// numericSeverity), which the error table reads as well.
package sap
