// Package oracle is the Oracle Fusion Cloud connector: products oracle_hcm
// (hcmRestApi) and oracle_erp (fscmRestApi), a narrow driver on
// internal/connkit (which owns the lifecycle, validation, paging walk,
// residual filtering, Resume, totals, error wrapping, actions and audit).
//
// # Credential
//
// InstanceURL is the pod: https://{pod}.fa.{dc}.oraclecloud.com (a path
// after the host is kept: every resource is
// {InstanceURL}/{hcmRestApi|fscmRestApi}/resources/11.13.18.05/{resource}).
// Auth types and Secrets keys:
//
//   - basic: username, password (a Fusion user; HTTP Basic on every call).
//   - oauth2 with grant_type client_credentials: client_id, client_secret,
//     token_url (the identity domain's https://idcs-{id}.identity.oraclecloud.com/oauth2/v1/token),
//     scope (the Fusion app's resource scope).
//   - oauth2 with grant_type jwt_bearer: the same plus private_key (RSA, PEM)
//     and subject (the Fusion user the assertion names); optional audience
//     (default https://identity.oraclecloud.com/).
//
// At the token endpoint the client authenticates with HTTP Basic
// (client_id:client_secret), as Oracle's identity domain requires; the
// secret is never in the form.
//
// # Reads
//
// Entities are the resources in entities.go: workers (children names,
// emails, workRelationships.assignments ...), absences, planBalances,
// salaries, jobs, locations, grades, departments,
// recruitingCEJobRequisitions and flowPatterns for oracle_hcm; invoices,
// suppliers, purchaseOrders, receivablesInvoices, payablesPayments and
// journalBatches for oracle_erp. Schema is the resource's describe
// (attributes, types, queryable), children as child.Attr fields that are
// filtered client side. Get sends REST-Framework-Version 4 (see
// FrameworkVersion: JSON errors from 4, q= expressions from 2, child
// collections with hasMore from 3, list values still comma strings below
// 8, no @context below 6) on every call through a transport step;
// onlyData=true; q= compiled by translate (values escaped, the rest
// residual and reported by Explain); fields= from Query.Fields (child
// groups as child:Attr); orderBy=; effectiveDate=YYYY-MM-DD for AsOf on
// date-effective resources (jobs, locations, grades, departments; AsOf
// elsewhere is UNSUPPORTED); Since as LastUpdateDate >= since; expand= for
// the children WithExpand names or a residual filter reads, and then
// links=self in place of onlyData=true (see Child collections). It pages by
// limit and offset following hasMore, never ending on a short page alone
// (a limit above 499 silently returns 499), with totalResults=true on the
// first page checked against what arrives. A finder resource
// (recruitingCEJobRequisitions: findReqs) pages inside its finder and is
// filtered client side. Dates become connectors.Date, timestamps (with or
// without milliseconds, any offset) time.Time, integers int64. A 200 body
// that is not JSON (deep expands on workers end in "Too many objects match
// the primary key oracle.jbo.Key") is an INTERNAL error with
// Resume, never a short stream. Query takes a native resource path with its
// own q=, fields=, orderBy=, limit and effectiveDate.
//
// # Child collections
//
// From framework version 3 an expanded child is a collection: its first
// page (the server's default limit), count, hasMore, limit, offset and its
// own rel=self link to {resource}/{item key}/child/{name}. When a Get
// expands children (WithExpand, or a residual filter on a child
// attribute), it sends links=self instead of onlyData=true, so that every
// item and every child collection keeps its self link (and drops the
// child and lov links); a query without expand still sends onlyData=true
// and nothing else changes. A record whose child collection says hasMore
// is completed before it is yielded: the collection's self link, which
// must stay on the pod's origin (a link elsewhere is an INTERNAL error and
// no request), is read with limit (the page size), offset (the rows so
// far), links=self, the query's expand below that child and its
// effectiveDate, page after page until hasMore is false; nested children
// of the rows read are completed the same way. Rows are typed by the
// schema as the expanded page's are. Memory holds one page plus the
// children of the one record being completed: records are completed one at
// a time, as they are yielded. A child page that is not JSON, lacks
// hasMore, answers another offset than asked, repeats a row (by its self
// link) or is empty with hasMore is an INTERNAL error; so are more than
// WithMaxChildRows (default 20000) extra child rows in one record or more
// than 1000 pages of one collection. Every such error ends the stream with
// a Resume token at that record. Child groups in fields= (Query.Fields)
// are sent with onlyData=true as before: a child collection that says
// hasMore there is an UNSUPPORTED error, never a short list.
//
// # Errors
//
// errors.go is the one table: HTTP status to code (429 and 5xx retryable),
// the framework's error body read for the message and o:errorCode (kept as
// VendorCode): title, status (a string or a number), detail and
// o:errorDetails from version 4, plain text before it.
//
// # Bulk
//
// oracle_erp implements BulkExporter over the ERP Integration Service:
// StartExport posts erpintegrations exportBulkData for the entity's ESS job
// (WithExportJob; a ReqstId of "-1" on HTTP 200 is a rejected submission,
// an INVALID_ARGUMENT error); ExportStatus reads ESSJobStatusRF (WAIT,
// READY ... queued; RUNNING, PAUSED running; SUCCEEDED complete; ERROR,
// WARNING, EXPIRED failed; CANCELED aborted); ExportResults waits, then
// reads ESSJobExecutionDetailsRF (fileType=OUT), a base64 zip whose CSV
// files are streamed row by row. oracle_hcm has no BulkExporter: HCM
// Extracts are submitted through REST (oracle.hcm.execute_hcm_extract posts
// flowPatterns/{FlowId}/action/submitFlow), but Oracle documents their
// status only through the SOAP FlowActionsService and their output through
// WebCenter Content (UCM), neither of which this package speaks.
//
// # Execute
//
// oracle.hcm.describe, oracle.hcm.get_worker (by PersonNumber, with
// names, emails and work relationships), oracle.hcm.execute_hcm_extract
// (a write: sent once); oracle.erp.describe, oracle.erp.get_invoice (by
// InvoiceId), oracle.erp.get_supplier (by SupplierNumber).
//
// # Verified and assumed
//
// Verified from published sources: the resource paths and version segment,
// the envelope and its fields, q=/fields=/expand=/onlyData/orderBy/finder
// syntax and "fields wins over expand" (Oracle's REST API reference for HCM
// and Financials, docs.oracle.com farws and fafrs); REST-Framework-Version
// and what versions 1-8 change (docs.oracle.com "Set the REST Framework
// Version"; Rytass/Utils packages/erp-oracle-fusion README for the list
// and child-paging rules); the 499-row cap (docs.oracle.com
// Supported_HTTP_Methods); effectiveDate on GET (docs.oracle.com
// Date_Effective_GET); mixed timestamp precision (docs.oracle.com GET
// examples); the v4 error body with status as a string
// (developers.cmicglobal.com ADF BC REST page); the truncated deep-expand
// body (chrisreedio/laravel-oracle-hcm ListWorkers); finder paging
// (strelov1/freehire PR #195); erpintegrations exportBulkData, ReqstId -1,
// ESSJobStatusRF and ESSJobExecutionDetailsRF, PascalCase ReqstId and the
// state words with PAUSED as running (Rytass/Utils erp-integrations.ts
// and ess.ts, FrendsPlatform/Frends.OracleFusion); flowPatterns submitFlow
// (docs.oracle.com op-flowpatterns-flowid-action-submitflow-post); the
// identity-domain token endpoint /oauth2/v1/token with client Basic auth
// and expires_in 3600 (docs for sibling Oracle apps, vendors.md 5.2).
// For child collections: onlyData strips the links sections and links=
// keeps only the relations named ("self,canonical"), in Oracle's own
// parameter text for hcmRestApi resources as quoted verbatim in
// Riminder/hrflow-connectors @1c20548d
// src/hrflow_connectors/connectors/oracleorc/warehouse.py (and Oracle's
// workers tutorial: "Suppress the links with the onlyData parameter");
// items carry rel=self, canonical and child links without onlyData
// (docs.oracle.com farws "Singular Resources"; a recorded fscmRestApi
// payload in dgcameron/erpcloudextract README.md); a framework version 3
// expanded child collection carries items, count, hasMore, limit, offset
// and a rel=self link to {parent}/child/{name} (Oracle's "Accessing
// Business Objects Using REST APIs", ch. 4, "Response Made With Framework
// Version 3"); a child collection is read like any collection, by its URL
// under the parent's item key, with limit, offset and hasMore
// (docs.oracle.com farws "Read Resources", "Collection Resources", and
// each child's "Get all" page, e.g. workers/{workersUniqID}/child/names);
// item keys are opaque hashes the client must not build
// (workers/{workersUniqID}: "The client should not generate the hash key
// value"), so the self link is the only address used.
//
// Assumed: the describe's type words (string, integer, number, boolean,
// date, datetime) and the attribute names of planBalances, salaries and
// recruitingCEJobRequisitions beyond those the vocabulary lists; the
// exact Fusion scope string (the credential gives it); the jwt-bearer
// user assertion's claims (iss = client_id, sub = user, aud as above);
// that WARNING is a failure (Rytass treats it so; output may exist); the
// submitFlow response ({"result": ...}, passed through); that 5xx is
// retryable; no documented o:errorCode list exists, so codes are not
// keyed on; the default pace of 10 calls a second (Oracle publishes none).
// For child collections: that links=self keeps the child collection's own
// rel=self link (it is a self link; no recorded Fusion payload with
// links=self was found); that the expanded child collection's links are
// present on Fusion pods as in the ADF framework sample (the sample is
// from Oracle's Visual Builder ADF REST guide, the same framework, not a
// recorded Fusion response); that the self link carries no query string
// the pod needs beyond limit, offset, expand, links and effectiveDate;
// that a child page's offset echoes the one asked.
//
// # As
//
// As exposes **connkit.Conn (the adapter); nothing vendor specific.
package oracle
