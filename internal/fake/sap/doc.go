// Package sap is a fake SAP SuccessFactors (OData v2 under /odata/v2/,
// OAuth SAML bearer at /oauth/token or Basic user@companyId) and S/4HANA
// (OData v2 services under /sap/opu/odata/sap/, Basic or OAuth client
// credentials at /sap/bc/sec/oauth2/token, SOAP RFC at /sap/bc/soap/rfc)
// for the sap connector's tests, on internal/fake/kit.
//
// It writes SAP's wire as the public material in ../shared/vendors.md
// sections 3, 4, 12 and 13 shows it, with types of its own (it shares none
// with the connector): $metadata in SuccessFactors' two-schema layout with
// its sap:/sf: namespaces and documentation inside properties, or in
// Gateway's; {"d":{"results":[...],"__next":...,"__count":"n"}} pages with
// Edm.Int64/Decimal/Double as strings and /Date(ms)/ or /Date(ms+0000)/
// values, __metadata and __deferred; $filter (its own evaluator for the
// subset the connector emits), $select, $orderby, $top, $skip,
// $inlinecount, $expand, asOfDate and fromDate/toDate on effective-dated
// sets, server paging with $skiptoken at PageSize (customPageSize lowers
// it), the Atom XML answer a request without $format=json gets; S/4's CSRF
// protocol (X-CSRF-Token: Fetch on HEAD or GET issues a token and a session
// cookie; a write without both is 403 with "x-csrf-token: Required";
// ExpireCSRF times sessions out; RefuseHEAD makes HEAD 403), sap-client,
// writes, an OData v4 service under /sap/opu/odata4/ (V4Path: EDMX 4.0
// $metadata, v4 JSON reads, and v4 writes as the OASIS OData v4.0
// protocol and JSON format specify them, parsed by the fake's own code:
// v2-shaped bodies and v2 key literals are 400 with a v4 error body,
// If-Match is enforced with 412, and 428 on a set annotated
// Core.OptimisticConcurrency, 201 with @odata.etag or 204 under
// return=minimal; see v4write.go), $batch on the v2 services and the v4
// one (multipart/mixed, OData v4.0 Part 1 Protocol section 11.7, parsed
// by this package's own code in batch.go: reads, and change sets applied
// atomically, a failing request rolling the others back and answering the
// change set by its one error part; Content-IDs echoed; 202 on v2, 200 on
// v4; the CSRF token required; a v4 batch's inner request that is v2's,
// by its body or its DataServiceVersion header, is a v4 400 inside the
// batch; Batches records what each batch brought), GET of one v4 entity by
// key, a function import, the sap-message header on 200, OData
// error bodies (Gateway's innererror/errordetails, SuccessFactors'
// innerError), HTML 401 pages, and the kit's faults.
package sap
