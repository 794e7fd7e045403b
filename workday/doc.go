// Package workday is the Workday connector (products "workday_hcm" and
// "workday_fins"). Import it for its side effect to use
// connectors.Open(ctx, "workday_hcm", cred), or call New (HCM) or
// NewProduct. Its 16 workday.* capabilities take and return exactly what
// the Workday simulator (package workdaysim) does, so a host swaps one for
// the other without changing a caller; workday/parity_test.go proves it
// over HTTP against workdaysim.Handler. The request and response types are
// package wdapi's (which the simulator aliases), so importing workday does
// not pull in the simulator.
//
// # Credential
//
// InstanceURL is the data-center host, https://{host} (for example
// https://wd2-impl-services1.workday.com); the REST endpoint Workday shows
// in "View API Clients" (https://{host}/ccx/api/v1/{tenant}) is accepted
// too and gives the tenant. Secret keys:
//
//	tenant          the tenant name (else read from InstanceURL's or token_url's path)
//	report_owner    the account owning the custom reports (customreport2/{tenant}/{owner}/...);
//	                WithReportOwner overrides it; with Basic auth it defaults to the username
//
//	auth type oauth2 (refresh_token grant, "API Client for Integrations"):
//	  client_id, client_secret, refresh_token,
//	  token_url     https://{host}/ccx/oauth2/{tenant}/token (checked against the tenant)
//	auth type basic (an integration system user):
//	  username      ISU_name, sent as ISU_name@tenant (unless it holds an @), password
//
// Workday's token response may omit expires_in; a token is then used until
// a 401, which triggers one refresh (shared by concurrent calls) and one
// replay. WithTokenSource (the credentials Manager's source) persists a
// rotated refresh token.
//
// # Products
//
// workday_hcm serves the 16 capabilities and the entities workers,
// organizations and time_off_balances (REST collections, limit at most
// 100, offset, total checked) and time_off_requests and pay_statements
// (RaaS reports Time_Off_Requests and Pay_Statements, streamed). Records
// have the simulator's field names. workday_fins serves journal_entries
// and suppliers from the custom reports Journal_Entries and Suppliers
// (WithReport renames them): Workday's Financials REST services were not
// verified, and most integrations read journals and suppliers through SOAP
// (Get_Journals, Get_Suppliers) or RaaS; the connector uses RaaS. Their
// records are the report's columns with the aliases lowercased
// (Journal_ID is journal_id); the schema lists the columns expected.
//
// Get pushes down what Workday filters: the workers name search (search=,
// loose: the predicate is also checked here) and report prompts
// (employee_id = X is Employee_ID=X); the rest is filtered client side
// with translate.Match. OrderBy may only be the key ascending. AsOf and
// Since are UNSUPPORTED for Get: Workday's REST collections take neither;
// a report's effective-date prompt (Effective_as_of_Date) or date-range
// prompts belong to the report, so run it through Query.
//
// # Endpoints
//
// Paths are relative to https://{host}/ccx/api/{service}/{tenant} for REST
// and https://{host}/ccx/service/customreport2/{tenant}/{owner} for RaaS.
// A worker in a path is in Workday's reference form, Employee_ID={id}.
//
//	capability                           Workday call(s)
//	workday.hcm.get_employee             RaaS Worker_Profile?Employee_ID=      (REST workers have no manager, hire date or status)
//	workday.hcm.get_employee_full        RaaS Worker_Full_Profile?Employee_ID= (legal names, personal contact, address, emergency contact)
//	workday.hcm.list_direct_reports      GET v1 workers/{ID}/directReports (paged)
//	workday.hcm.get_org_chart            GET v1 supervisoryOrganizations/Organization_Reference_ID={root} (an organization
//	                                     root: its manager heads the chart), GET v1 workers/{ID}, then directReports level by level
//	workday.hcm.get_manager_chain        RaaS Management_Chain?Employee_ID=
//	workday.hcm.update_employee          POST v1 workers/{ID}/jobChanges             business process (see below)
//	workday.hcm.terminate_employee       POST staffing/v6 workers/{ID}/terminations  business process Terminate Employee
//	workday.time.get_balance             GET absenceManagement/v1 balances?worker={ID}&asOfDate=
//	workday.time.list_requests           GET absenceManagement/v1 workers/{ID}/timeOffDetails (filtered and sorted here)
//	workday.time.get_request             GET businessProcess/v1 events/{ID}
//	workday.time.request                 POST absenceManagement/v1 workers/{ID}/requestTimeOff  business process Request Time Off
//	                                     (days: one entry per calendar day, the hours spread over the weekdays; action Submit)
//	workday.time.approve                 GET businessProcess/v1 events/{ID}, POST eventSteps/{step}/approve
//	workday.time.cancel                  GET businessProcess/v1 events/{ID}, POST events/{ID}/cancel
//	workday.payroll.get_compensation     RaaS Worker_Compensation?Employee_ID=
//	workday.payroll.get_pay_statement    RaaS Pay_Statement?Employee_ID=&Pay_Statement!WID=   (a !WID prompt)
//	workday.payroll.list_pay_statements  GET v1 workers/{ID}/paySlips?fromDate=&toDate=
//
// Business processes: a time off request, its approval and cancellation,
// an update and a termination are Workday business process events; the
// write starts (or advances) the event and returns its state. Real
// Workday splits update_employee over Change Job (jobChanges), Change
// Business Title, Change Personal Information and Change Contact
// Information; the connector sends one change event carrying every field.
// Workday attributes a step to the account that calls; an integration
// serving many people acts for the caller's principal, named in the
// businessProcessParameters' "for" reference, after checking the
// simulator's principal rules itself (approve: the approver or a member
// of workday_admins; cancel: the request's owner or an admin; both read
// the event first). Defaults that depend on "today" (as_of_date, year,
// effective_date) use the connector's clock (connectors.WithClock).
//
// Verified against Workday's published API (the REST API reference as
// mirrored by generated clients and connector vendors): the URL layout and
// tenant in every path; the refresh-token grant at /ccx/oauth2/{tenant}/token;
// limit (at most 100) and offset with {total, data} pages; reference
// objects {id, descriptor, href}; common v1 workers, workers/{ID},
// workers/{ID}/directReports, workers/{ID}/paySlips, supervisoryOrganizations
// and POST workers/{ID}/jobChanges; absenceManagement POST
// workers/{ID}/requestTimeOff with days and the Submit action
// d9e4223e446c11de98360015c5e6daf6, workers/{ID}/timeOffDetails and
// balances; businessProcess POST eventSteps/{ID}/approve, POST
// events/{ID}/cancel and GET events/{ID}; WQL at POST /wql/v1/{tenant}/data
// with {"query"}; RaaS URLs, format=json (Report_Entry) and csv, prompts
// as query parameters. Confirmed by third-party use, not by Workday's own
// text: the Employee_ID={id} path form and the !WID prompt form.
// Assumptions to check against a tenant: the staffing/v6 terminations path
// (Workday documents termination as the SOAP Staffing operation
// Terminate_Employee), the worker fields beyond Workday's documented ones
// (workerId, firstName, lastName, manager, hireDate, terminationDate,
// active), the paySlips date parameters, the fields of events, balances
// and time off details (camelCase renderings of the capability fields),
// the approval step's place in the event (approvalStep), the "for"
// parameter, and the custom reports, which the tenant must deploy as
// Advanced reports, web-service enabled, shared with the integration
// user, with the column aliases of internal/wdwire (Employee_ID,
// Name_Display, Manager_Employee_ID, Job_Department_ID ...).
//
// # RaaS and WQL
//
// Query runs a native query:
//
//	raas:OWNER/REPORT?Prompt=value&Worker!WID=3aa5...&format=csv   a custom report
//	wql:SELECT workdayID, fullName FROM allWorkers WHERE ...        a WQL query
//	SELECT ...                                                      WQL too
//
// A report streams: its JSON is decoded token by token (Report_Entry is
// never held whole) and its CSV line by line, in chunks of
// WithReportChunk rows (default 500) through the library's page walker, so
// Resume works (a resumed report runs again and skips the rows already
// read). Rows carry the report's column aliases; CSV values are text. WQL
// pages with limit and offset and checks total.
//
// # Errors
//
// Workday's errors ({"error", "errors":[{"error", "field", "location"}]},
// OAuth's {"error"}) are mapped in one place (decodeError, vendorCode) to
// the simulator's vendor codes, with their portable codes:
//
//	404 on a worker (field worker)        EMPLOYEE_NOT_FOUND     NOT_FOUND
//	404 on an event or step               REQUEST_NOT_FOUND      NOT_FOUND
//	404 on a pay slip                     STATEMENT_NOT_FOUND    NOT_FOUND
//	410, or a worker shown terminated     EMPLOYEE_INACTIVE      NOT_FOUND
//	400 "... hours available ..."         INSUFFICIENT_BALANCE   INVALID_ARGUMENT
//	400 "... is after end date ..."       INVALID_DATE_RANGE     INVALID_ARGUMENT
//	other 400                             VALIDATION_ERROR       INVALID_ARGUMENT
//	403 "... not in the manager chain"    INVALID_APPROVER       PERMISSION_DENIED
//	other 403                             NOT_PERMITTED          PERMISSION_DENIED
//	409                                   ALREADY_PROCESSED      CONFLICT
//	429 (Retry-After)                     RATE_LIMITED           RATE_LIMITED, retried
//	502, 503 (Retry-After)                CONNECTOR_UNAVAILABLE  UNAVAILABLE, retried
//	504                                   CONNECTOR_TIMEOUT      TIMEOUT, retried
//	401                                   the OAuth word         UNAUTHENTICATED (one refresh first)
//	other 404                             NOT_FOUND              NOT_FOUND
//
// Errors found before a call (a missing field, a date range, a principal
// rule) carry the same vendor codes and statuses; a parameter error is
// VALIDATION_ERROR, an unknown action UNKNOWN_ACTION. Workday's error
// texts are not documented: the text rules are assumptions, the status
// rules are Workday's HTTP semantics.
//
// # As
//
// connectors.As(conn, &wd) with wd a *workday.Connector gives the
// connector itself (Tenant).
package workday
