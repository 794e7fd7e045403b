// Package wdapi is the contract the Workday simulator (package workdaysim)
// and the Workday connector (package workday) share, so that a host can swap
// one for the other without changing a caller and so that the real connector
// does not depend on the simulator:
//
//   - the 16 workday.* capabilities (Capabilities, Capability,
//     CapabilityTypes) with their principal types, sensitivity, audit level
//     and JSON Schemas;
//   - their typed requests and responses (GetEmployeeRequest, Employee,
//     OrgChart, TimeOffSubmission ...), field for field the simulator spec's
//     JSON;
//   - the error table (ErrorCodes, LookupErrorCode, NewError): each code's
//     HTTP status, retryability and portable code;
//   - the entities both serve through Get (EntitySchema, EntityNames).
//
// workdaysim re-exports every name here by alias, so workdaysim.Employee and
// wdapi.Employee are the same type.
package wdapi
