// Package workday is the Workday connector (products "workday_hcm" and
// "workday_fins"), a driver on the connector kit (internal/connkit): the
// kit's adapter owns the lifecycle, validation, paging, errors' wrapping,
// principal stripping and audit; this package supplies Workday's wire.
// Import it for its side effect to use connectors.Open(ctx, "workday_hcm",
// cred), or call New (HCM) or NewProduct. Its 16 workday.* capabilities
// take and return what the Workday simulator (package workdaysim) does, so
// a host swaps one for the other without changing a caller;
// workday/parity_test.go proves it over HTTP against workdaysim.Handler,
// which writes Workday's JSON with its own code. The request and response
// types are package wdapi's; the wire types are this package's own
// (wire.go), written from Workday's published descriptions.
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
// a 401, which triggers one refresh and one replay.
//
// # Sources
//
// What the connector sends and reads was taken from these published
// descriptions; "verified" below names one of them, "assumed" marks what
// none of them shows and a tenant must confirm.
//
//	[staffing v6]   konfig-sdks/workday-staffing-java-sdk api/openapi.yaml (and its docs/ models)
//	[person v4]     konfig-sdks/workday-person-java-sdk api/openapi.yaml
//	[common v1]     ballerina-platform/openapi-connectors openapi/workday.common (openapi.yml, client.bal, types.bal)
//	[absence v1]    ballerina-platform/openapi-connectors openapi/workday.absencemanagement/openapi.yml
//	[bp v1]         ballerina-platform/openapi-connectors openapi/workday.businessprocess (client.bal, types.bal)
//	[WWS]           Workday Web Services (SOAP), namespace urn:com.workday/bsvc, as third-party clients use it
//	                (singer-io/tap-workday); the operations' element names are assumed
//	[RaaS]          customreport2 URLs, format=json (Report_Entry) and csv, prompts as query
//	                parameters, !WID prompts: third-party documentation (Workato, faros); a report's
//	                columns are the tenant's (assumed, listed below)
//
// Common to every REST call [all five descriptions]: /ccx/api/{service}/{tenant};
// limit (default 20, at most 100) and offset, collections {"total", "data"};
// INSTANCE_MODEL_REFERENCE {id, descriptor, href} with id a Workday ID
// (32 hex digits), "n$n", or a reference id TYPE=value; errors
// VALIDATION_ERROR_MODEL_REFERENCE {"error", "errors":[{"error", "code",
// "field", "path"}]} ("use the error code to drive programmatic
// error-handling, don't use error message strings"). Assumed: the
// reference id types Employee_ID, Organization_Reference_ID,
// Time_Off_Type_ID, Change_Job_Reason_ID.
//
// # Entities (Get)
//
//	entity             endpoint                                        fields read                                   source
//	workers            staffing/v6 GET workers                         id, descriptor, workerId, workerType,          verified [staffing v6]
//	                                                                   primaryJob{id, businessTitle,
//	                                                                   supervisoryOrganization, location},
//	                                                                   person{email, phone}
//	                   staffing/v6 GET workers/{ID}/serviceDates       hireDate (only when the query names hireDate) verified [staffing v6]
//	organizations      staffing/v6 GET supervisoryOrganizations        id, descriptor, name, code, inactive, managers verified [staffing v6]
//	time_off_balances  absenceManagement/v1 GET balances               absencePlan, quantity, unit, effectiveDate,    verified [absence v1]
//	                                                                   category, worker
//	time_off_requests  RaaS Time_Off_Requests (prompt Employee_ID)     the entity's fields as aliases (Request_ID)    assumed report
//	pay_statements     RaaS Pay_Statements (prompt Employee_ID)        the entity's fields as aliases                 assumed report
//	journal_entries    RaaS Journal_Entries (workday_fins)             Journal_ID, Company, Ledger, ...               assumed report
//	suppliers          RaaS Suppliers (workday_fins)                   Supplier_ID, Supplier_Name, ...                assumed report
//
// REST records keep Workday's field names, a nested field by its path
// (primaryJob.businessTitle); a field Workday left out is absent, never
// defaulted (a missing status is not TERMINATED). Staffing v6 serves
// non-terminated workers only ("The Staffing service also includes the
// /workers resource to access staffing information for non-terminated
// workers"). translate's vocabulary maps the canonical worker fields to
// these names (employee_id is workerId, hire_date hireDate). Workday's
// collections take no filter the connector pushes down (Where is filtered
// by the adapter), a report takes its prompts (employee_id = X is
// Employee_ID=X). OrderBy may only be the key ascending; AsOf and Since
// are UNSUPPORTED (a report's date prompts are the report's: use Query).
// Workday's Financials REST services were not found in a published
// description; journals and suppliers come from custom reports.
//
// # Capabilities
//
//	capability            Workday calls                                                        fields read                              source
//	get_employee          RaaS Worker_Profile?Employee_ID=                                     Employee_ID, First_Name, Last_Name,       assumed report
//	                                                                                           Display_Name, Email, Business_Title,
//	                                                                                           Supervisory_Organization(_ID), Location,
//	                                                                                           Manager_Employee_ID, Manager_Name,
//	                                                                                           Worker_Status (Active|Terminated), Hire_Date
//	get_employee_full     RaaS Worker_Full_Profile?Employee_ID=                                the above and Legal_First_Name, ...,      assumed report
//	                                                                                           Termination_Date, Birth_Date, address,
//	                                                                                           emergency contact columns
//	list_direct_reports   v1 GET workers/Employee_ID={id}/directReports (every page)           WorkerSummary id, descriptor,             verified [common v1]
//	                                                                                           businessTitle
//	                      per report: staffing/v6 GET workers/{WID}, .../serviceDates         workerId, hireDate                        verified [staffing v6]
//	get_org_chart         staffing/v6 GET supervisoryOrganizations/Organization_Reference_ID={root}   managers[0] (a 404: the root   verified [staffing v6]
//	                                                                                           is a worker, by status alone)
//	                      staffing/v6 GET workers/{ID}; v1 directReports level by level        workerId, descriptor, businessTitle       verified
//	                      (a 404 on the root worker: Worker_Profile tells terminated from unknown)
//	get_manager_chain     RaaS Management_Chain?Employee_ID=                                   Worker_Status, Managers[{Employee_ID,     assumed report
//	                                                                                           Name, Business_Title, Level}]
//	update_employee       staffing/v6 GET workers/Employee_ID={id} (the job, old values);      primaryJob.id, businessTitle,             verified [staffing v6]
//	                      POST workers/{WID}/jobChanges {date, job, reason, supervisoryOrganization};   supervisoryOrganization
//	                      PATCH jobChanges/{ID}/businessTitle/{ID} {businessTitle};
//	                      POST jobChanges/{ID}/submit {businessProcessParameters{action: Submit}}   EventState id, status
//	                      Only job.title and job.department_id: the other fields are other business processes
//	                      (contact, legal name, address changes: [staffing v6] workContactInformationChanges,
//	                      [person v4]) the connector does not run: UNSUPPORTED.
//	terminate_employee    businessProcess/v1 GET events?worker= (a Termination in progress:   overallBusinessProcess, status           verified [bp v1]
//	                      ALREADY_PROCESSED); WWS Staffing Terminate_Employee                  Event_Reference WID                       assumed [WWS]
//	                      (staffing v6 publishes no termination resource); GET events/{ID}    status, subBusinessProcesses (Offboarding) verified [bp v1]; the
//	                                                                                                                                     Offboarding descriptor assumed
//	get_balance           absenceManagement/v1 GET balances?worker=&effective=                 absencePlan.descriptor, quantity, unit    verified [absence v1]
//	                      RaaS Time_Off_Balances?Employee_ID=&As_Of_Date= (by plan)            Time_Off_Type, Used_Hours, Pending_Hours, assumed report
//	                                                                                           Accrual_Rate_Per_Period, Max_Carryover
//	list_requests         RaaS Worker_Profile (the worker exists); RaaS Time_Off_Requests      Request_ID, Type, Status, Start_Date,     assumed report
//	                      ?Employee_ID=&Start_Date=&End_Date= (the date range as prompts)      End_Date, Hours, Submitted_At, Approved_*
//	get_request           RaaS Time_Off_Request?Request!WID=                                   the request's columns, History[...]       assumed report
//	request               POST absenceManagement/v1 workers/Employee_ID={id}/requestTimeOff    businessProcessParameters.                verified [absence v1]
//	                      {days[{date, dailyQuantity, timeOffType}], businessProcessParameters overallBusinessProcess, overallStatus
//	                      {action: Submit d9e4223e446c11de98360015c5e6daf6, comment}}
//	                      GET businessProcess/v1 events/{ID}; events/{ID}/inProgressSteps     creationDate; awaitingPersons             verified [bp v1]
//	                      RaaS Time_Off_Balances (the balance after)                           Available_Hours                           assumed report
//	approve               GET events/{ID}; staffing/v6 GET workers/Employee_ID={approver};    status; awaitingPersons                   verified [bp v1]
//	                      GET events/{ID}/inProgressSteps; POST eventSteps/{step}/approve     BusinessProcessStepsApprove {comment}
//	                      {comment}; GET events/{ID}                                           completedDate
//	cancel                businessProcess v1 publishes no cancel: GET events/{ID} (its "for",  for, status                               verified [bp v1]
//	                      the subject, is the owner check), RaaS Time_Off_Request (hours,
//	                      start); WWS Integrations Cancel_Business_Process (in progress) or    Event_Reference                           assumed [WWS]
//	                      Rescind_Business_Process (approved, not started); GET events/{ID}   completedDate
//	get_compensation      RaaS Worker_Compensation?Employee_ID=                                Base_Salary, Currency, Frequency, ...     assumed report
//	get_pay_statement     RaaS Pay_Statement?Employee_ID=&Pay_Statement!WID={id}               the statement's columns                   assumed report
//	list_pay_statements   v1 GET workers/Employee_ID={id}/paySlips (no date filter)            PaySlipSummary id, date, gross, net       verified [common v1]
//	                      RaaS Pay_Statements?Employee_ID= (each slip's pay period year)       Statement_ID, Year                        assumed report
//
// The ids line up: list_pay_statements gives paySlips' id, which
// get_pay_statement sends as the Pay_Statement!WID prompt; request gives
// the event's id (overallBusinessProcess), which get_request, approve and
// cancel take. Report values arrive as text ("1,250.50") or numbers; both
// read. A value a capability needs and Workday did not send fails the call
// (INTERNAL, naming the field); nothing is defaulted and no zero date is
// made up.
//
// Business processes run as Workday runs them: an approval is recorded
// for the calling account, so the connector checks that the approver is a
// person the step awaits (else INVALID_APPROVER) and the principal rules
// (approve: the approver or workday_admins; cancel: the event's worker or
// an admin) before calling. Defaults that depend on "today" use the
// connector's clock (connectors.WithClock).
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
// never held whole) and its CSV line by line, in chunks of WithReportChunk
// rows (default 500) through the kit's walker, so Resume works (a resumed
// report runs again and skips the rows already read). Rows carry the
// report's column aliases; values are text. WQL pages with limit and
// offset and checks total.
//
// translate.Translate(q, "canonical", "workday_hcm") writes WQL for
// workers (translate.CompileWQL over allWorkers, the vocabulary's wql
// aliases), which Query runs as "wql:"+text: the audit's
// "SELECT employee_id, hire_date FROM worker WHERE hire_date >= DATE
// '2024-01-01'" is "SELECT employeeID, hireDate FROM allWorkers WHERE
// hireDate >= '2024-01-01'", tested end to end over internal/fake/workday,
// which reads the WQL with its own code, and over workdaysim's Handler
// (TestTranslatedWQLOverSimulatorAndFake). WQL, verified from published
// material: POST wql/v1/{tenant}/data?limit=&offset= with {"query"},
// answering {total, data} [Moveworks' Workday plugins, SGNL's adapter,
// Workday's developer agent]; the allWorkers aliases employeeID, hireDate,
// fullName, businessTitle, email_PrimaryWork, worker, workerActive; the
// effectiveAsOfDate data-source parameter; ' and " strings, quoted dates,
// in, contains, startsWith, is [not] empty, ORDER BY, LIMIT [Simba's and
// CData's Workday connector guides]. Assumed: no escape inside strings
// (values that would need one stay residual: Translate says UNSUPPORTED),
// the row shape of each alias (text, a reference for worker), the limit
// ceiling (the connector's page size, at most 100, is sent).
//
// # Speed and memory
//
// Workers pages are decoded in one pass straight into flat records by a
// byte scanner (workerscan.go, workerdecode.go: only the members a field
// path names are read, the rest skipped and checked; a worker type,
// title, organization or location value is boxed once and shared), and
// each page's pooled buffer is released once decoded. A body that decoder does not take plainly goes to the general
// path (internal/jsonpage, then each field by its path), which gives the
// records or the error; TestWorkerDecoderDifferential and
// FuzzWorkerDecoder hold the two paths to the same answers. Measured
// against the hand loop a user would write (net/http and encoding/json
// into maps, following offset and total) over a loopback server of
// precomputed pages:
//
//	go test ./workday -run XXX -bench GetWorkersPaired -benchmem -benchtime 12x
//	go test ./workday -run XXX -bench 'GetWorkersPrecomputed|GetWorkersHeap' -benchmem
//
// TestGetWorkersHeapFlat checks that the peak heap streaming 1M workers is
// within 20% of the peak for 10k.
//
// # Errors
//
// Workday's answers are classified in one place (vendorCodeOf) by
// Workday's error code and the HTTP status, never by a message's text; the
// call that knows what it asked for names a 404 (asNotFound):
//
//	errors[].code A1011 (insufficient balance)           INSUFFICIENT_BALANCE   INVALID_ARGUMENT   verified [absence v1]
//	errors[].code A178, A389, A421 (conflicting events)   ALREADY_PROCESSED      CONFLICT           verified [absence v1], [staffing v6]
//	404 on a worker / an event / a report row missing     EMPLOYEE_NOT_FOUND, REQUEST_NOT_FOUND, STATEMENT_NOT_FOUND
//	other 404                                             NOT_FOUND              NOT_FOUND
//	other 400, a SOAP Client.validationError fault        VALIDATION_ERROR       INVALID_ARGUMENT
//	403                                                   NOT_PERMITTED          PERMISSION_DENIED
//	409                                                   ALREADY_PROCESSED      CONFLICT
//	429 (Retry-After)                                     RATE_LIMITED           RATE_LIMITED, retried
//	502, 503 (Retry-After)                                CONNECTOR_UNAVAILABLE  UNAVAILABLE, retried
//	504                                                   CONNECTOR_TIMEOUT      TIMEOUT, retried
//	401                                                   the OAuth word         UNAUTHENTICATED (one refresh first)
//
// A capability's error carries the status of its vendor code in the
// simulator's error table; what Workday answered stays in Details
// (workday_status, workday_code, field). Errors found before a call (a
// missing field, a date range, a principal rule, an approver the step does
// not await) carry the same vendor codes; a part of a capability no
// published route serves is UNSUPPORTED.
//
// # As
//
// connectors.As(conn, &wd) with wd a *workday.Connector gives the
// connector itself (Tenant).
package workday
