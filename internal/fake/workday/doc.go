// Package workday is a fake Workday tenant for the connector's tests,
// built on internal/fake/kit and written independently of the connector
// (package workday) and of the simulator's handler: it writes Workday's
// JSON as Workday's published REST descriptions give it and shares no type
// with either.
//
// # Wire
//
// Paths are Workday's: /ccx/oauth2/{tenant}/token (refresh-token grant),
// /ccx/api/{service}/{tenant}/... and /ccx/service/customreport2/{tenant}/{owner}/{report}.
//
//	staffing/v6 GET workers, workers/{ID}          WorkerData {id, descriptor, workerId, primaryJob, person}
//	staffing/v6 GET workers/{ID}/serviceDates      {total, data:[{id, hireDate, continuousServiceDate}]}
//	v1 GET workers/{ID}/directReports              WorkerSummary {id, descriptor, href, businessTitle, ...}
//	absenceManagement/v1 GET balances?worker=      AbsenceBalanceView {absencePlan, quantity, unit, effectiveDate, worker}
//	staffing/v6 POST workers/{ID}/jobChanges       the Change Job draft
//	staffing/v6 PATCH jobChanges/{ID}/businessTitle/{ID}
//	staffing/v6 POST jobChanges/{ID}/submit        EventState {id, descriptor, status, businessProcessParameters}
//	customreport2 Worker_Profile?Employee_ID=      Report_Entry rows, values as text (JSON or CSV)
//	customreport2 Time_Off_Balances?Employee_ID=
//	customreport2 Time_Off_Requests?Employee_ID=&Start_Date=&End_Date=   requests overlapping the dates
//	absenceManagement/v1 POST workers/{ID}/requestTimeOff   Request Time Off (Submit action; A1011 past the balance)
//	businessProcess/v1 GET events/{ID}, events/{ID}/inProgressSteps, POST eventSteps/{ID}/approve
//	wql/v1 POST data?limit=&offset= {"query"}      allWorkers rows {workdayID, employeeID, fullName, businessTitle,
//	                                               email_PrimaryWork, hireDate, worker, workerActive}, evaluated by the
//	                                               fake's own reader of the WQL subset (wql.go)
//
// Collections page with limit (default 20, at most 100: more is a 400) and
// offset and advertise their total; ids are Workday IDs (32 hex digits) or
// reference ids (Employee_ID=21001). Errors are Workday's body
// {"error", "errors":[{"error", "code"}]}.
//
// # Use
//
// New starts a tenant with Seed workers; Credential is the credential a
// host stores; Log lists the requests the fake served ("POST
// /ccx/api/staffing/v6/acme/workers/.../jobChanges"), so a test can check a
// write flow's sequence. Server is the kit server (faults, totals, OAuth).
package workday
