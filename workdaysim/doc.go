// Package workdaysim is the Workday simulator: an in-process
// connectors.Connector (product "workday_sim") serving Workday's HCM, Time
// Tracking and Payroll operations from in-memory state, with realistic
// response shapes, latency and failures. Hosts use it in development and in
// go test in place of the real Workday connector: the capability strings,
// request fields and response JSON are the same, so a caller does not
// change when one is swapped for the other.
//
//	sim, err := workdaysim.New()                     // or connectors.Open(ctx, "workday_sim", nil, opts...)
//	out, err := sim.Execute(ctx, "workday.hcm.get_employee", map[string]any{
//		"employee_id": "EMP001", "__principal__": "EMP042", "__type__": "HUMAN"})
//	emp, err := sim.GetEmployee(ctx, workdaysim.GetEmployeeRequest{EmployeeID: "EMP001"}) // typed
//
// Execute decodes params strictly into the operation's request struct (a
// missing required field, a wrong type, an unknown field or a malformed
// date is a VALIDATION_ERROR naming the field, and changes nothing) and
// renders the response struct as the JSON-like values encoding/json would
// give (objects map[string]any, arrays []any, numbers float64, dates
// "2006-01-02"). Each capability also has a typed method; the typed method
// takes its principal from the context (ContextWithPrincipal) and is
// checked and audited exactly as Execute is.
//
// # Capabilities
//
// The 16 operations of the spec (it says 17 but lists 16), with the spec's
// principal types and sensitivity. Sensitive capabilities are audited
// VERBOSE; Capabilities() carries JSON Schemas of input and output inferred
// from the Go types with github.com/google/jsonschema-go.
//
//	capability                            method              types                    sensitive  write
//	workday.hcm.get_employee              GetEmployee         HUMAN MACHINE AI_AGENT   no         no
//	workday.hcm.get_employee_full         GetEmployeeFull     HUMAN MACHINE            yes        no
//	workday.hcm.list_direct_reports       ListDirectReports   HUMAN MACHINE AI_AGENT   no         no
//	workday.hcm.get_org_chart             GetOrgChart         HUMAN MACHINE AI_AGENT   no         no
//	workday.hcm.get_manager_chain         GetManagerChain     HUMAN MACHINE AI_AGENT   no         no
//	workday.hcm.update_employee           UpdateEmployee      HUMAN                    yes        yes
//	workday.hcm.terminate_employee        TerminateEmployee   HUMAN                    yes        yes
//	workday.time.get_balance              GetBalance          HUMAN MACHINE AI_AGENT   no         no
//	workday.time.list_requests            ListRequests        HUMAN MACHINE AI_AGENT   no         no
//	workday.time.get_request              GetRequest          HUMAN MACHINE AI_AGENT   no         no
//	workday.time.request                  RequestTimeOff      HUMAN AI_AGENT           no         yes
//	workday.time.approve                  ApproveTimeOff      HUMAN                    no         yes
//	workday.time.cancel                   CancelTimeOff       HUMAN AI_AGENT           no         yes
//	workday.payroll.get_compensation      GetCompensation     HUMAN                    yes        no
//	workday.payroll.get_pay_statement     GetPayStatement     HUMAN                    yes        no
//	workday.payroll.list_pay_statements   ListPayStatements   HUMAN                    yes        no
//
// The spec's capability groups and recommended roles ship as embedded YAML
// (PolicyYAML, LoadPolicy) with expansion of "workday.hcm.*" and group
// patterns such as "workday_time_*" (Policy.GroupCapabilities,
// Policy.RoleCapabilities) and Policy.Check, which proves every capability
// is in a group, every entry names a capability, and no role grants a
// capability to a principal type it does not allow. The spec maps the
// Onboarding Workflow role (automated) to update_employee, which it allows
// to HUMAN principals only; the embedded policy resolves this by having the
// workflow call with the principal of the HR user who started it.
//
// Business rules: a time off request reserves its hours (available goes
// down, pending up; estimated_balance_after is the available balance
// after it; hours default to 8 per weekday); approve moves them from
// pending to used; cancel returns them to available (hours_restored) from
// a pending request or from an approved one that has not started.
// INSUFFICIENT_BALANCE applies when EnforceBalanceCheck is set. Updates and
// terminations are transactions (TXN-YYYYMMDD-NNN, numbered per simulated
// day, status PENDING_APPROVAL) listing every changed field with its old
// and new value; they take effect when the simulated clock reaches their
// effective date (Transaction shows COMPLETED), after which a terminated
// employee is EMPLOYEE_INACTIVE to get_employee, the manager chain, direct
// reports, org charts and writes (get_employee_full and the payroll reads
// still serve the record). Pay statements are computed from compensation:
// semi-monthly periods paid five days after they end, regular pay the
// annual salary / 26 (as the spec's example has it), federal 20%, state
// 9%, social security 6.2%, medicare 1.45%, health insurance 250.00, 401(k)
// 10%, all in cents so that gross, the deduction total, net pay and the
// year-to-date running sums add up exactly. Total compensation is base
// salary + bonus target amount + equity grant value.
//
// # Errors
//
// Every error is a *connectors.Error whose VendorCode is one of the table
// below (ErrorCodes, LookupErrorCode), with the HTTP status the
// simulator's HTTP handler answers with, Retryable the body's
// retry_allowed, Details as the spec shows them (the offending ids, the
// field of a validation error), and a portable Code for errors.Is. The
// first ten are the spec's taxonomy; the rest fill its gaps in the same
// shape. RenderError gives the spec's JSON shape {"error_code", "message",
// "details", "retry_allowed"} with its status; ParseError is its inverse.
//
//	error_code              HTTP  retry  portable code       when
//	EMPLOYEE_NOT_FOUND      404   no     NOT_FOUND           the employee id does not exist
//	REQUEST_NOT_FOUND       404   no     NOT_FOUND           the time off request does not exist
//	STATEMENT_NOT_FOUND     404   no     NOT_FOUND           no such pay statement (or not paid yet)
//	INSUFFICIENT_BALANCE    400   no     INVALID_ARGUMENT    more hours requested than available
//	INVALID_DATE_RANGE      400   no     INVALID_ARGUMENT    a start date after its end date
//	INVALID_APPROVER        403   no     PERMISSION_DENIED   the approver is not in the manager chain
//	ALREADY_PROCESSED       409   no     CONFLICT            approved/cancelled already; a second termination
//	CONNECTOR_TIMEOUT       504   yes    TIMEOUT             injected timeout, or the context's deadline
//	CONNECTOR_UNAVAILABLE   503   yes    UNAVAILABLE         injected failure or outage
//	RATE_LIMITED            429   yes    RATE_LIMITED        injected rate limit (RetryAfter 1s)
//	EMPLOYEE_INACTIVE       410   no     NOT_FOUND           the employee is terminated
//	VALIDATION_ERROR        400   no     INVALID_ARGUMENT    a parameter is missing, mistyped, unknown or malformed
//	UNKNOWN_ACTION          404   no     UNSUPPORTED         no such capability
//	NOT_PERMITTED           403   no     PERMISSION_DENIED   principal type, owner or admin rule
//
// A call on a closed simulator fails with INVALID_ARGUMENT wrapping
// connectors.ErrClosed (no vendor code). A failed call changes nothing.
//
// # Principals
//
// Trust is passthrough, as the spec says: the host's policy engine has
// authenticated and authorized the caller. Execute takes __principal__,
// __groups__ and __type__ out of params (malformed ones are a
// VALIDATION_ERROR), refuses a principal type the capability is not meant
// for (NOT_PERMITTED), and records one audit event per call: capability,
// principal, type, groups, outcome, vendor code, duration and time (from the
// simulated clock), plus, for the sensitive (VERBOSE) capabilities, the
// paths of the fields returned, never their values. Events go to the host's
// connectors.WithAudit hook, to the connectors.WithLogger logger, and to the
// simulator's bounded AuditTrail. The business rules use the principal:
//
//   - cancel: only the request's owner (principal id = the employee id) or a
//     member of AdminGroup ("workday_admins") may cancel; without a
//     principal, cancel is NOT_PERMITTED;
//   - approve: when a principal is given it must be the approver_id, unless
//     it is in AdminGroup (acting on the approver's behalf); with
//     EnforceManagerChain the approver must be in the employee's manager
//     chain (any level), else INVALID_APPROVER;
//   - update and terminate record the principal as the transaction's
//     creator; cancel records it as cancelled_by.
//
// # Configuration
//
// Config carries every field of the spec's WorkdaySimulationConfig
// (BaseLatencyMS 50, LatencyVarianceMS 50, WriteLatencyMultiplier 3,
// FailureRate, TimeoutRate, FixturePath, EnforceManagerChain,
// EnforceBalanceCheck; the asyncio concurrency mode does not carry over to
// Go, see below), plus Seed (the same seed gives the same latencies and
// failures), LatencyScale (0, the default, turns latency off; 1 is the
// spec's), OperationLatency (the spec's per-operation ranges by default;
// an operation without a range waits the base latency plus a uniform draw
// in the variance, times the multiplier for writes), Start (the simulated
// clock's start, default 2026-01-27T09:00:00Z, the spec's "today"),
// PageSize and AuditCapacity. Start from DefaultConfig and pass it with
// WithConfig; WithSeed, WithLatencyScale, WithFailures, WithStart and
// WithFixtures refine it. All are connectors.VendorOption values, so they
// pass through connectors.Open. Latency waits respect the context.
// InjectFailure and Heal switch deterministic failures on and off.
//
// The Clock stands still at Start until Set or Advance moves it (with
// connectors.WithClock the simulator reads the host's clock, shifted by Set
// and Advance). It drives submitted_at, approved_at and cancelled_at, the
// as_of_date and year defaults, transaction ids, which pay statements have
// been paid, and when transactions take effect. Reset returns to the
// fixtures, the start time, no injected failure and an empty audit trail.
//
// # Concurrency
//
// The spec's single-threaded asyncio model does not carry over to Go. The
// simulator is safe for concurrent use: the state lives in one store
// behind a sync.RWMutex; each operation takes the read lock (reads) or the
// write lock (writes) once, for its whole body, so balances, request
// statuses and transactions always move together and every invariant holds
// between operations (pending hours = the hours of pending requests;
// available + pending + used conserved through request, approve and
// cancel). Reads run in parallel; writes are short. Reset and Load swap
// the whole store atomically. Latency waits and failure draws happen
// before the lock is taken. The state is reached only through the store's
// methods, so an HTTP handler can serve the same state later.
//
// # Fixtures
//
// The embedded fixtures (EmbeddedFixtures) reproduce the spec's examples:
// Alice Johnson EMP001 (Senior Engineer) reports to Bob Martinez EMP042,
// who reports to Carol Chen EMP100 (VP of Engineering), who reports to
// Diana Ross EMP200 (CEO); Charlie Brown EMP003 reports to Bob; Alice's
// balances, her requests TOR-001 (approved) and TOR-002 (pending), her
// compensation and pay statement PAY-2026-01. People, Sales and Finance
// organizations and a terminated engineer (EMP099) round them out. Where
// the spec's examples disagree with each other the fixtures follow the
// majority, and testdata/golden records each deviation with its reason:
// Alice's PTO pending_hours is 24 (TOR-002's hours in two examples), not 8;
// the depth-2 org chart under Carol includes Charlie Brown (a direct report
// of Bob in list_direct_reports), so total_count is 4; and the
// update_employee example's change list also names phone.mobile, which the
// request changes.
//
// FixturePath (or LoadFixtures, LoadFS) reads a folder of .json, .yaml and
// .yml files holding any of the keys organizations, employees, balances and
// requests (see Fixtures), merged in file-name order and validated:
// duplicate ids, an unknown manager, organization or employee, a cycle in a
// manager chain, negative balances, pending hours that differ from the
// pending requests, and dates out of order are VALIDATION_ERRORs naming the
// file and the record ("employees.yaml: employees[3] (EMP004): manager_id
// ..."). Generate builds a realistic synthetic organisation of any size
// (departments, spans of control, depth, compensation, balances and
// requests that agree) for scale tests and benchmarks; Load replaces the
// state with one.
//
// # Entities
//
// Get serves workers, time_off_requests, time_off_balances, pay_statements
// (the previous and the current year) and organizations as flat records
// (strings, float64 numbers, null), page by page. The simulator is a driver
// on internal/connkit, so the kit's adapter gives Limit, Fields, Resume,
// progress, cancellation, query checks and error wrapping exactly as every
// connector has them. Where is evaluated by the simulator as a server would,
// with translate.Match (a comparison with a missing or null field is false,
// != included); fields must exist in the entity's Schema; OrderBy may only
// be the key ascending; AsOf and Since are UNSUPPORTED (current state only).
// Workers carry no sensitive PII (get_employee_full has it). Query runs a
// small native form, "workers?department=Engineering&status=ACTIVE&limit=10"
// (see the package example and Query).
//
// Sensitive and write capabilities need a principal type (__type__) unless
// the simulator was opened with connectors.WithAllowMissingPrincipalType;
// approve, like cancel, needs a principal.
//
// # HTTP handler
//
// Handler(sim) serves the simulator's one store on Workday's wire, in the
// shapes of Workday's published REST descriptions (the staffing v6 and
// person v4 OpenAPI documents, the common v1, absenceManagement v1 and
// businessProcess v1 descriptions; see package workday's documentation,
// "Sources"), written by this package's own code: it shares no wire type
// with the connector, so a wrong field name on either side fails the
// parity test. It serves, for the real Workday connector and for non-Go
// clients (examples/workdaysim-server):
//
//   - /ccx/oauth2/{tenant}/token: the refresh_token grant (client by form
//     or Basic; invalid_client, invalid_grant); Bearer tokens, or Basic
//     auth for the integration user, on every other call;
//   - /ccx/api/{service}/{tenant}/...: common v1 workers (WorkerSummary),
//     workers/{ID} (WorkerProfile), directReports, paySlips
//     (PaySlipSummary), supervisoryOrganizationsManaged,
//     supervisoryOrganizations/{ID}/workers; staffing v6 workers
//     (WorkerData: workerId, primaryJob, person), serviceDates,
//     supervisoryOrganizations (code, name, managers), members, orgChart,
//     and the Change Job draft (POST workers/{ID}/jobChanges, PATCH
//     jobChanges/{ID}/businessTitle/{ID}, POST jobChanges/{ID}/submit);
//     absenceManagement v1 balances (AbsenceBalanceView), timeOffDetails
//     (one entry per day), eligibleAbsenceTypes, requestTimeOff (days,
//     the Submit action); businessProcess v1 events (EventDetails: status,
//     for, initiator, creationDate, completedDate, subBusinessProcesses),
//     inProgressSteps (awaitingPersons), completedSteps, eventSteps/{ID}/approve;
//     wql v1 data: WQL as translate.ParseWQL reads it (what
//     translate.CompileWQL writes for workday_hcm runs unchanged) over the
//     allWorkers data source and its published aliases (workdayID,
//     employeeID, fullName, businessTitle, email_PrimaryWork, hireDate,
//     workerActive, and worker as a reference), with the effectiveAsOfDate
//     parameter, ORDER BY and LIMIT; the simulator's own field names and
//     other data sources are Workday's 400. Collections are {total, data}
//     (limit 1 to 100, offset);
//     references {id, descriptor, href}; workers and organizations have
//     Workday IDs (32 hex digits, stable per id, see HTTPHandler.WID) and
//     take the reference form Employee_ID=EMP001 or
//     Organization_Reference_ID=DEPT-ENG in paths; time off events keep the
//     simulator's request ids (TOR-001), transactions theirs, pay slips
//     their statement ids;
//   - /ccx/service/{tenant}/Integrations|Staffing/v44.2: the Workday Web
//     Services operations the REST services lack: Cancel_Business_Process
//     and Rescind_Business_Process (a time off request in progress,
//     approved), Terminate_Employee; faults as SOAP-ENV:Client.validationError;
//   - /ccx/service/customreport2/{tenant}/{owner}/{report}: the capability
//     reports (Worker_Profile, Worker_Full_Profile, Management_Chain,
//     Worker_Compensation, Pay_Statement, Time_Off_Requests with its
//     Start_Date and End_Date prompts, Time_Off_Request, Time_Off_Balances,
//     Pay_Statements) as Report_Entry JSON with every value as text, or CSV;
//     an unknown prompt value gives no row.
//
// Errors are Workday's body {"error", "errors":[{"error", "code"}]} with
// Workday's published codes where it has one (A1011 insufficient balance,
// A1041 a type the worker is not eligible for, A389 a conflicting event,
// A219 a bad action) and the status of the case (404, 400, 403, 429, 503,
// 504). Workday records an approval for the step's assignee: the handler
// approves as the manager the step awaits, and attributes a cancel to the
// event's worker. The simulator's latency and failures apply per HTTP
// request (429 and 503 with Retry-After, 504); the token endpoint is
// exempt. A write through the handler is visible to the simulator's
// methods and the reverse. HandlerConfig sets the tenant and the
// development secrets; Credential and BasicCredential give the
// credentials a host would store; AddReport publishes extra reports
// (Financials). The handler does not add to AuditTrail (the connector
// audits its calls).
//
// # As
//
// connectors.As(conn, &sim) with sim a *Simulator reaches the simulator
// under wrappers and through connectors.Open.
package workdaysim
