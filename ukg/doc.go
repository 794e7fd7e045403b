// Package ukg is the connector for UKG's three products, each on its own
// wire: ukg_pro (UKG Pro, formerly UltiPro: the personnel and payroll REST
// API, and Reports as a Service over SOAP 1.2), ukg_wfm (UKG Pro Workforce
// Management, formerly Dimensions) and ukg_ready (UKG Ready, formerly
// Kronos Workforce Ready). Import it for its side effect to use
// connectors.Open(ctx, "ukg_pro", cred) (or "ukg_wfm", "ukg_ready"), or
// call NewPro, NewWFM, NewReady, or New (by the credential's ProductID).
//
// # Driver
//
// Each product is a driver on internal/connkit: the kit's adapter owns the
// lifecycle, query validation, paging (pager.NextLink for UKG Pro,
// pager.PageNumber for WFM persons and Ready lists, pager.Tokens for WFM
// employee batches and report pages), the residual filter and projection,
// Limit, Resume, error wrapping and Execute's dispatch. This package
// supplies authentication, the entity tables, the request shapes and
// decoders, and the error tables (errors.go).
//
// # Credentials and instance URLs
//
// Validated per product by package credentials (the keys are named when
// missing):
//
//	ukg_pro    raas: username, password (the web service account), customer_api_key,
//	           api_key (the user API key). Instance URL: the service host,
//	           https://service4.ultipro.com (service5, servicet ...).
//	ukg_wfm    oauth2, grant password: username, password, client_id, client_secret;
//	           optional appkey, auth_chain (default OAuthLdapService).
//	           Instance URL: the tenant host, https://{tenant}.mykronos.com (the API is under /api).
//	ukg_ready  api_key: api_key (the company API key), username, password, company
//	           (the company short name); no api_secret.
//	           Instance URL: the data center host, https://secure{N}.saashr.com.
//
// # UKG Pro
//
// Get reads the REST collections person-details, employee-employment-details,
// employee-job-history-details, compensation-details (under /personnel/v1),
// earnings-history-base-elements (/payroll/v1) and org-levels
// (/configuration/v1: the organization levels, keyed by level and code,
// filtered by levelDescription, code, budgetGroup, reportingCategory and
// isActive; translate's organization): HTTP Basic plus the
// US-Customer-Api-Key header on every call (a named transport step); page
// (1-based) and per_Page (capital P, default 100) on every call, since
// unpaged calls are silently capped; the Link header's rel="next" where sent,
// else a short page ends the read. Equality filters become query parameters
// in each endpoint's own casing (companyId and employeeId on person-details,
// companyID and employeeID on employee-employment-details and
// compensation-details); date filters use UKG's operators in the value,
// dateTimeChanged=>MM-DD-YYYY, =<MM-DD-YYYY and ={from,to}, compiled by
// translate (StyleUKGDate: widened by a day and kept in the residual, as UKG
// does not say whether the bounds are inclusive). Since filters the
// collection's change date. A 429 is retried after its Retry-After.
//
// Query runs a RaaS report by its path (a Cognos path or storeID("...")):
// LogOn (user name, password, customer API key, user API key) on
// /services/BIDataService, ExecuteReport with US-DELIMITER "," (CSV), then
// RetrieveReport on the streaming service named by ReportRetrievalUri (held
// to the instance's origin) with the report key in the SOAP header, polled
// while its status is Working (never read as an empty report), then LogOff,
// always. The report's base64 is decoded as it arrives (encoding/xml for the
// envelope), from Windows-1252 with CRLF line ends, and spooled to an
// unlinked temporary file so that the session is logged off at once and the
// rows are paged from disk: memory is one page. Answers with HTTP 200 and
// Status=Failed (LogOn, GetReportList, GetReportParameters, ExecuteReport,
// RetrieveReport) are typed errors (vendor code "Failed", the StatusMessage
// in Details); SOAP 1.2 faults are classified by their code and subcode;
// RaaS's intermittent 405 is retried. Every RaaS call is a POST that reads
// and is marked Idempotent for the transport's retries.
//
// # UKG Pro WFM
//
// The token comes from /api/authentication/access_token (the password grant
// with client_id, client_secret and auth_chain; credentials.PasswordGrant),
// refreshed with the refresh token and renewed once on a 401; the appkey
// header rides on every call when the credential has one. Entities, each
// with the request body its endpoint family wants (another shape is
// WFP-90011):
//
//	persons            POST /v1/commons/persons/apply_read {"where":{},"index":N,"count":C}: index is a
//	                   page number; totalElements is a string equal to the page size, no total; a short
//	                   page ends the read
//	timecards          POST /v1/timekeeping/timecard/multi_read, where.employees.ids + where.dateRange;
//	                   the range from startDate >= and endDate <= in the query
//	schedules          POST /v1/scheduling/schedule/multi_read, where.employees.employeeRefs.ids with
//	                   startDate/endDate beside it; its shifts, the range from startDateTime
//	accruals           POST /v1/timekeeping/timecard_metrics/multi_read, select ACCRUAL_SUMMARY and
//	                   where.employeeSet; one record per employee and accrual code, as of Query.AsOf
//	report_executions  GET /v1/platform/report_executions
//
// Employee sets come from the Hyperfind (WithHyperfind, default "All
// Home"), sent in batches (WithEmployeeBatch, default 500); a 413 halves the
// batch and sends the same employees again. These POSTs are reads, marked
// Idempotent. The connector is a connectors.BulkExporter over WFM's two
// asynchronous mechanisms (the job id says which: "report:N" or
// "download:N"). StartExport(Query{Entity: "report_executions", Where: name
// = 'REPORT'}) runs POST /v1/platform/reports/{name}/execute, ExportStatus
// reads status.qualifier (Completed, Failed with apiOutputError.errorCode),
// ExportResults waits and streams the file's CSV.
// StartExport(Query{Entity: "persons"}) submits a Bulk Download (POST
// /v1/commons/exports/async, type DATA, the Information Access keys
// PEOPLE_PERSON_ID, PEOPLE_PERSON_NUMBER, PEOPLE_FIRST_NAME and
// PEOPLE_LAST_NAME aliased to the persons field names, the Hyperfind's
// employees as of AsOf), polls /v1/commons/exports/{key}/status and streams
// /v1/commons/exports/{key}/file. Query runs a report by name.
//
// # UKG Ready
//
// Login is POST /ta/rest/v1/login with the Api-Key header and
// {"credentials":{"username","password","company"}}; the token (ttl in
// milliseconds) is sent as "Authentication: Bearer" and renewed on a 401.
// Entities are the v2 company resources under
// /ta/rest/v2/companies/!{company}, each read from its own envelope key:
// employees (employees), time_entries (time_entry_sets, flattened to one
// record per entry with its employee; date >= and <= in the query give
// start_date and end_date), cost_centers (cost_centers), cost_center_jobs
// (costCenterJobs), pay_types (pay_types), jobs (items). Query runs a
// report, "saved/ID" (GET /ta/rest/v1/report/saved/{id}?company=) or
// "global/ID" (POST /ta/rest/v1/report/global/{id} with the company and
// selectors); its CSV headers are kept exactly (non-breaking and leading
// spaces included) or, WithReportHeaders(HeadersNormalized), normalised
// with the raw header kept in the result's columns. errors[0].code 100 is
// the rate limit, retried whatever its HTTP status.
//
// # Capabilities
//
//	ukg.pro.execute_report          run a RaaS report with parameters; rows and columns (sensitive)
//	ukg.pro.list_available_reports  GetReportList (sensitive)
//	ukg.pro.get_report_parameters   GetReportParameters (sensitive)
//	ukg.pro.get_employees           employee-employment-details, filtered (sensitive)
//	ukg.pro.get_earnings            earnings by pay date in a pay period (sensitive)
//	ukg.wfm.get_timecards           timecards for a date range (sensitive)
//	ukg.wfm.get_schedules           shifts for a date range (sensitive)
//	ukg.wfm.get_accruals            accrual balances as of a date (sensitive)
//	ukg.ready.run_report            a saved or global report with its columns (sensitive)
//
// Results hold at most WithMaxActionRecords records (default 10,000) and
// say "truncated" when there were more; Get and Query stream without a cap.
//
// # Errors
//
// One table per product (errors.go): UKG Pro REST by HTTP status (UKG
// publishes no REST error code), RaaS SOAP faults by code and subcode and
// Status=Failed by operation; WFM errorCode values (WFP-90011, WFP-90100,
// WCO-106194 with 413, WCO-112003, WTK-124919, WTK-124921, WFA-000030 not
// licensed, WFP-114011 a failed report); Ready errors[0].code (100, the rate
// limit). The vendor's code is kept in VendorCode; messages are never
// inspected.
//
// # Verified and assumed
//
// Verified from published material: UKG Pro's REST paths, parameters,
// casing, date operators, paging parameters and the model fields declared
// here, from UKG's OpenAPI as published in konfig-sdks/ukg-java-sdk
// (api/openapi.yaml and docs/*.md); the Link header's rels from
// brianfreytag/ultipro-sdk-php; the RaaS envelopes, namespaces, actions,
// element order, ReportRetrievalUri, the Working/Completed/Failed header
// status, Status=Failed on HTTP 200 and the Windows-1252 CRLF report bytes
// from the envelopes and WSDLs recorded from servicet.ultipro.com in
// petarmihaylov/node-raas (test/payloads); the 405 retry from
// puppetlabs-toy-chest/ultipro-soap-python. WFM's token request and
// response, apply_read paging and its string totalElements, the
// per-family body shapes, the accruals-through-timecard_metrics rule,
// Hyperfind's request and result, 413 WCO-106194 and WFA-000030 from the
// recordings of a live tenant and the notes in keboola/component-ex-ukg-wfm;
// report executions from TEAMSchools/teamster; headers and limits from
// UKG's Dimensions documentation (copied in jainma/rdme-demo). Ready's
// login, report requests and CSV headers from
// ModernAnimal/tap-ukg-workforce-ready, the Authentication header and code
// 100 from Tools4everBV/HelloID-Conn-Prov-Source-UKG-Ready, the envelope
// keys from the clients vendors.md section 12 names.
//
// Assumed, to check against a tenant: UKG Pro's maximum per_Page and its
// REST error bodies (classified by status only); that org-levels pages like
// the personnel collections (its description lists no paging parameters;
// a tenant that ignores them repeats page 1, and the read stops with the
// kit's repeated-records error rather than stream duplicates); whether => and =< include
// the day (bounds are widened); the fields of each model beyond those
// declared (kept as they come). WFM: the fields of a timecard (punches,
// totals) and of a shift beyond the employee ref and the dates, and shift
// ids unique across batches; the
// report execution statuses other than Completed and Failed (read as
// running) and the Bulk Download statuses after PENDING (COMPLETED or
// SUCCESSFUL, FAILED or ERROR); the report execute parameters (DataSource from the Hyperfind,
// Output Format csv, as teamster sends them). Ready: v2 list paging by page
// and per_page (the reviewed clients read whole lists; a list sent whole,
// or a page 2 that repeats page 1, is read once), the "!" company prefix,
// the paths of pay_types and jobs, the HTTP status of code 100 (retried
// whatever it is), ttl units other than milliseconds. Default rates (10 per
// second) are not published for any of the three.
//
// # As
//
// The adapter's own *connkit.Conn; no vendor type is exposed.
package ukg
