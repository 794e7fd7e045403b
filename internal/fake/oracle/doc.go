// Package oracle is a faithful fake of an Oracle Fusion Cloud pod for
// tests, built on internal/fake/kit: the HCM (hcmRestApi) and ERP
// (fscmRestApi) REST resources under /{service}/resources/11.13.18.05/
// (or latest) below a base path, and an identity-domain token endpoint
// (/oauth2/v1/token, client_credentials and jwt-bearer, client
// authentication by HTTP Basic only, expires_in 3600).
//
// It serves the collection envelope {items, count, hasMore, limit,
// offset, links} with totalResults on request (and a way to lie about
// it), limit defaulting to 25 and silently cut to 499; q= in the
// framework-version-2+ expression syntax (its own evaluator, q.go) or,
// without REST-Framework-Version, version 1's query-by-example; fields=
// with child groups (fields wins over expand), expand= (children as bare
// arrays before version 3 and as collections from it: the first
// Config.ChildPageSize rows, hasMore and, unless onlyData, the
// collection's own self link), onlyData (strips every links section),
// links= (keeps only the relations named, self,canonical), child
// collections at {resource}/{key}/child/{name}[/{key}/child/{name}...]
// paged by limit and offset with hasMore (and faults for them: no
// hasMore, a cut-off body, rows repeated under the asked offset, a self
// link on another host),
// orderBy, effectiveDate on date-effective rows and children, finders
// (findByPersonNumber on workers; recruitingCEJobRequisitions' findReqs
// pages inside the finder and ignores the top-level offset), items by the
// opaque key their links carry, describe; ADF error bodies (plain text
// before version 4, application/vnd.oracle.adf.error+json from it with
// "status" as a string and o:errorDetails); the truncated 200 body of a
// deep expand ("Too many objects match the primary key oracle.jbo.Key");
// erpintegrations exportBulkData with ReqstId "-1" for an unknown job,
// ESSJobStatusRF walking WAIT, READY, RUNNING, PAUSED, RUNNING, SUCCEEDED
// (or a failure state), ESSJobExecutionDetailsRF and
// downloadESSJobExecutionDetails returning a base64 zip of CSV; the
// flowPatterns submitFlow action; 429 and 503 in ADF's shape through the
// kit's fault injector.
//
// The wire shapes follow ../shared/vendors.md section 5 and its §5
// corrections; resources.go names the attributes. The child collection
// shapes follow Oracle's framework version 3 sample (a nested child
// collection with items, count, hasMore, limit, offset and a rel=self
// link to {parent}/child/{name}) in "Accessing Business Objects Using
// REST APIs", chapter 4, and the Fusion HCM pages "Read Resources" and
// "Singular Resources" (docs.oracle.com/en/cloud/saas/human-resources/farws). The JBO error codes, the
// submitFlow result and the export job's name are assumed.
package oracle
