// Package ukg is a fake of the three UKG products' wires, for tests: UKG
// Pro's personnel, payroll and org-levels REST API (Basic plus US-Customer-Api-Key,
// page/per_Page paging with Link headers, the MM-DD-YYYY date operators) and
// its RaaS SOAP 1.2 services (BIDataService, BIStreamingService: Working
// before Completed, Windows-1252 CSV in base64, Status=Failed on HTTP 200,
// SOAP faults), UKG Pro WFM (the password-grant token endpoint, apply_read
// paging by page number with totalElements as a string, multi_read bodies
// checked per endpoint family with WFP-90011, hyperfind, 413 service
// limits, report executions), and UKG Ready (the v1 login, v2 company
// resources with their envelope keys, saved and global CSV reports with odd
// headers, error code 100).
//
// The fake writes the vendors' JSON and XML itself, as the public material
// shows it (see the ukg package's documentation for the sources); it shares
// no type with the connector, so a wrong field name on either side fails a
// test.
package ukg
