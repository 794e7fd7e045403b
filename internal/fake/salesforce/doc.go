// Package salesforce is a faithful fake of Salesforce's REST and Bulk API 2.0
// for tests: the OAuth token endpoint for the refresh-token, client-credentials
// and JWT-bearer grants (returning instance_url), the versioned REST root,
// query and queryAll evaluated over seeded sObjects with Salesforce's SOQL
// semantics, nextRecordsUrl paging with configurable page size and cursor
// expiry, describe (global and per object), single records, /limits,
// Sforce-Limit-Info on every data response, a daily API quota that answers
// 403 REQUEST_LIMIT_EXCEEDED, the URI length limit (414), Bulk API 2.0 query
// jobs with locator-chunked CSV results, Salesforce's JSON error arrays, and
// the shared fault injector.
//
// It is built on internal/fake/kit (mounted at the host root, as Salesforce
// is); the wire shapes follow ../shared/vendors.md section 1.
package salesforce
