// Package sap connects SAP SuccessFactors (product sap_sf) and SAP
// S/4HANA (product sap_s4) over OData v2, as narrow drivers on
// internal/connkit: the kit owns the port (lifecycle, validation, paging,
// residual filtering, Resume, totals, errors, actions); this package owns
// SAP's wire.
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
// (translate writes v2 literals; the rest is filtered here). The write
// capabilities speak v2 and refuse v4 entities (UNSUPPORTED).
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
// back as one error part and is an error), sap.s4.bapi. Values are written in OData v2 JSON by
// $metadata (Int64/Decimal as strings, dates as /Date(ms)/); an undeclared
// property or a value of the wrong type is INVALID_ARGUMENT before any
// request. Writes carry the session's CSRF token: the transport's CSRF step
// fetches one from the service root (HEAD, GET when HEAD is refused with
// 405/501, with the session cookies of its own jar) when a write is
// answered 403 "x-csrf-token: Required", and replays that write once; one
// token and cookie pair per connector. A write is never repeated otherwise
// (the transport retries reads only).
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
