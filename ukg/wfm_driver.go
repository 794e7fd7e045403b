package ukg

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/credentials"
	"github.com/xlr8/connectors/internal/connkit"
	"github.com/xlr8/connectors/internal/errs"
	"github.com/xlr8/connectors/internal/pager"
	"github.com/xlr8/connectors/internal/transport"
)

const wfmDefaultCount = 1000

// wfmDriver is UKG Pro WFM (Dimensions).
type wfmDriver struct {
	*connkit.Table
	api    *transport.Client
	plain  *transport.Client
	tokens *transport.TokenCache
	base   string // instance URL + "/api"
	set    settings
	conn   *connkit.Conn

	appKey string
}

var wfmTable = append(append([]*entity(nil), wfmEntities...), &entity{name: "report_executions",
	path: "/v1/platform/report_executions", key: []string{"id"}, fields: fields("id", tI, "name", tS, "status", tO)})

// NewWFM opens UKG Pro WFM. The credential is AuthOAuth2 with the password
// grant: username, password, client_id, client_secret, and appkey when the
// tenant issues one; the instance URL is the tenant host,
// https://{tenant}.mykronos.com (the API is under /api).
func NewWFM(ctx context.Context, cred *credentials.Credential, opts ...connectors.Option) (connectors.Connector, error) {
	o, set, cred, base, err := prologue(ProductWFM, (*wfmDriver)(nil), wfmDefaultCount, cred, opts)
	if err != nil {
		return nil, err
	}
	d := &wfmDriver{Table: table(ProductWFM, wfmTable), base: strings.TrimRight(base.String(), "/") + "/api", set: set,
		appKey: cred.Get(credentials.KeyAppKey)}
	plain, err := connkit.NewClient(ProductWFM, cred, o, connkit.ClientConfig{
		DecodeError: func(e *errs.Error, resp *transport.Response) *errs.Error {
			return decodeWFMError(e, resp.StatusCode, resp.Body)
		},
		DefaultRate: 10, DefaultBurst: 5,
	})
	if err != nil {
		return nil, err
	}
	if d.appKey != "" {
		// The appkey rides on every call, the token endpoint's included,
		// when the tenant issued one (older and ADP-branded tenants).
		if plain, err = plain.WithSteps(transport.AddSteps(transport.DefaultHeaders("ukg-appkey", http.Header{"appkey": {d.appKey}}))); err != nil {
			return nil, err
		}
	}
	d.plain = plain
	// The password grant as WFM takes it (credentials.PasswordGrant):
	// auth_chain OAuthLdapService, the appkey header when the credential
	// has one, the refresh token first and the password again when it is
	// rejected (WFM's expire after seven days).
	grant, err := credentials.PasswordGrant(cred, plain)
	if err != nil {
		return nil, err
	}
	d.tokens = connkit.TokenAuth(o, plain.Secrets(), grant)
	d.api = plain.WithAuth(d.tokens)
	conn, err := connkit.New(d, connkit.Config{Product: ProductWFM, Options: o, Explain: true, Actions: d.actions()})
	if err != nil {
		return nil, err
	}
	d.conn = conn
	return conn.Port(), nil
}

func (d *wfmDriver) Connect(ctx context.Context) error {
	_, _, err := d.tokens.Token(ctx)
	return err
}

func (d *wfmDriver) Ping(ctx context.Context) (connkit.Ping, error) {
	if _, err := d.post(ctx, "/v1/commons/persons/apply_read", map[string]any{"where": map[string]any{}, "index": 0, "count": 1}); err != nil {
		return connkit.Ping{}, err
	}
	return connkit.Ping{APIVersion: "v1", Message: "UKG Pro WFM answered"}, nil
}

// post sends a read POST (apply_read, multi_read, hyperfind): marked
// Idempotent so that the transport retries it like a GET.
func (d *wfmDriver) post(ctx context.Context, path string, body any) (*transport.Response, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return nil, errs.Wrap(errs.CodeInternal, err, "encoding a WFM request")
	}
	return d.api.Do(ctx, &transport.Request{Method: http.MethodPost, URL: d.base + path,
		Header: http.Header{"Content-Type": {"application/json"}, "Accept": {"application/json"}}, Body: b, Idempotent: true})
}

func (d *wfmDriver) Plan(ctx context.Context, q connectors.Query, s connectors.EntitySchema) (*connkit.Plan, error) {
	e := findEntity(wfmTable, s.Entity)
	types := e.types()
	plan := &connkit.Plan{Residual: q.Where, Calls: -1, Select: true}
	if !q.Since.IsZero() {
		return nil, &errs.Error{Code: errs.CodeUnsupported, Message: "WFM reads have no change-since filter here; filter on a date field instead"}
	}
	switch e.name {
	case "persons":
		size := d.set.pageSize
		plan.Fetch = pager.PageNumber(0, size, func(ctx context.Context, at pager.At) (pager.Result, error) {
			// index is a page number, not a row offset; totalElements is a
			// string equal to the page's size, so it is no total: a short
			// page ends the read.
			resp, err := d.post(ctx, e.path, map[string]any{"where": map[string]any{}, "index": at.Number, "count": at.Limit})
			if err != nil {
				return pager.Result{}, err
			}
			var body struct {
				TotalElements json.RawMessage  `json:"totalElements"`
				Records       []map[string]any `json:"records"`
			}
			if err := decodeJSON(ProductWFM, "the persons page", resp.Body, &body); err != nil {
				return pager.Result{}, err
			}
			if body.Records == nil && len(body.TotalElements) == 0 {
				return pager.Result{}, &errs.Error{Code: errs.CodeInternal, Message: "the persons page has no records"}
			}
			return pager.Result{Records: typeAll(body.Records, types)}, nil
		})
		plan.Requests = []connectors.PlannedRequest{{Method: http.MethodPost, URL: d.base + e.path,
			Body: `{"where":{},"index":0,"count":` + strconv.Itoa(size) + `}`}}
	case "report_executions":
		plan.Fetch = pager.Tokens(0, func(ctx context.Context, at pager.At) (pager.Result, error) {
			list, err := d.executions(ctx)
			return pager.Result{Records: typeAll(list, types)}, err
		})
	default:
		from, to, err := d.dateRange(e.name, q)
		if err != nil {
			return nil, err
		}
		plan.Fetch = d.batches(e, from, to)
		plan.KeyOf = dottedKey(e.key)
		plan.Notes = []string{"employees from the Hyperfind " + strconv.Quote(d.set.hyperfind) + ", in batches of " + strconv.Itoa(d.set.batch) +
			" (halved on 413)", "date range " + from.String() + " to " + to.String()}
		plan.Requests = []connectors.PlannedRequest{{Method: http.MethodPost, URL: d.base + "/v1/commons/hyperfind/execute"},
			{Method: http.MethodPost, URL: d.base + e.path}}
	}
	return plan, nil
}

// dateRange takes an entity's date range from the query: timecards from
// startDate (lower) and endDate (upper), schedules from startDateTime,
// accruals from AsOf (today when zero). The filter stays residual too: the
// server's range is by day.
func (d *wfmDriver) dateRange(entity string, q connectors.Query) (connectors.Date, connectors.Date, error) {
	if entity == "accruals" {
		day := connectors.DateOf(time.Now().UTC())
		if !q.AsOf.IsZero() {
			day = connectors.DateOf(q.AsOf)
		}
		return day, day, nil
	}
	loField, hiField := "startDateTime", "startDateTime"
	if entity == "timecards" {
		loField, hiField = "startDate", "endDate"
	}
	lo, _ := bound(q.Where, loField, true)
	hi, _ := bound(q.Where, hiField, false)
	if entity == "timecards" && hi.IsZero() {
		hi, _ = bound(q.Where, loField, false)
	}
	if lo.IsZero() || hi.IsZero() || hi.Before(lo) {
		return lo, hi, (&errs.Error{Code: errs.CodeInvalidArgument,
			Message: "WFM " + entity + " need a date range: " + loField + " >= DATE AND " + hiField + " <= DATE"}).WithDetail("field", loField)
	}
	return lo, hi, nil
}

// bound finds a top-level lower (ge, gt, eq) or upper (le, lt, eq) bound on
// field, as a date.
func bound(where connectors.Expr, field string, lower bool) (connectors.Date, bool) {
	var list []connectors.Expr
	switch w := where.(type) {
	case connectors.And:
		list = w
	case nil:
	default:
		list = []connectors.Expr{w}
	}
	for _, e := range list {
		c, ok := e.(connectors.Cmp)
		if !ok || c.Field != field {
			continue
		}
		if lower && c.Op != connectors.OpGe && c.Op != connectors.OpGt && c.Op != connectors.OpEq {
			continue
		}
		if !lower && c.Op != connectors.OpLe && c.Op != connectors.OpLt && c.Op != connectors.OpEq {
			continue
		}
		switch v := c.Value.(type) {
		case connectors.Date:
			return v, true
		case time.Time:
			return connectors.DateOf(v), true
		case string:
			if dd, ok := parseDate(v); ok {
				return dd, true
			}
		}
	}
	return connectors.Date{}, false
}

func dottedKey(key []string) func(connectors.Record) string {
	return func(r connectors.Record) string {
		parts := make([]string, len(key))
		for i, k := range key {
			v, ok := dottedLookup(r, k)
			if !ok || v == nil {
				return ""
			}
			parts[i] = keyString(v)
		}
		return strings.Join(parts, "\x1f")
	}
}

func keyString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func typeAll(raw []map[string]any, types map[string]connectors.FieldType) []connectors.Record {
	out := make([]connectors.Record, 0, len(raw))
	for _, m := range raw {
		if m != nil {
			out = append(out, typeRecord(m, types))
		}
	}
	return out
}

// employeeIDs executes the Hyperfind for the range.
func (d *wfmDriver) employeeIDs(ctx context.Context, from, to connectors.Date) ([]int64, error) {
	resp, err := d.post(ctx, "/v1/commons/hyperfind/execute", map[string]any{"hyperfind": hyperfindRef(d.set.hyperfind),
		"dateRange": map[string]any{"startDate": from.String(), "endDate": to.String()}})
	if err != nil {
		return nil, err
	}
	var body struct {
		Count  json.Number `json:"count"`
		Result *struct {
			Refs []struct {
				ID json.Number `json:"id"`
			} `json:"refs"`
		} `json:"result"`
	}
	if err := decodeJSON(ProductWFM, "the Hyperfind result", resp.Body, &body); err != nil {
		return nil, err
	}
	if body.Result == nil {
		return nil, &errs.Error{Code: errs.CodeInternal, Message: "the Hyperfind result has no result.refs"}
	}
	ids := make([]int64, 0, len(body.Result.Refs))
	for _, r := range body.Result.Refs {
		n, err := r.ID.Int64()
		if err != nil {
			return nil, &errs.Error{Code: errs.CodeInternal, Message: "a Hyperfind ref has no numeric id"}
		}
		ids = append(ids, n)
	}
	return ids, nil
}

// batches reads a multi_read entity employee batch by employee batch: the
// page token is the offset into the Hyperfind's employees. A 413 (service
// limit) halves the batch and sends the same employees again.
func (d *wfmDriver) batches(e *entity, from, to connectors.Date) pager.Fetch {
	var ids []int64
	resolved := false
	batch := d.set.batch
	types := e.types()
	return pager.Tokens(0, func(ctx context.Context, at pager.At) (pager.Result, error) {
		off := 0
		if at.Token != "" {
			n, err := strconv.Atoi(at.Token)
			if err != nil || n < 0 {
				return pager.Result{}, &errs.Error{Code: errs.CodeInvalidArgument, Message: "malformed employee batch token"}
			}
			off = n
		}
		if !resolved || at.Token == "" {
			var err error
			if ids, err = d.employeeIDs(ctx, from, to); err != nil {
				return pager.Result{}, err
			}
			resolved = true
		}
		if off >= len(ids) {
			return pager.Result{}, nil
		}
		for {
			chunk := ids[off:min(off+batch, len(ids))]
			resp, err := d.post(ctx, e.path, wfmBody(e.name, chunk, from, to))
			var te *errs.Error
			if err != nil && errors.As(err, &te) && te.HTTPStatus == http.StatusRequestEntityTooLarge && batch > 1 {
				batch = max(1, batch/2)
				continue
			}
			if err != nil {
				return pager.Result{}, err
			}
			recs, err := wfmRecords(e.name, resp.Body, types)
			if err != nil {
				return pager.Result{}, err
			}
			res := pager.Result{Records: recs}
			if next := off + len(chunk); next < len(ids) {
				res.Next = strconv.Itoa(next)
			}
			return res, nil
		}
	})
}

// wfmBody builds the request body in the shape each endpoint family wants
// (a wrong shape is WFP-90011): timecard/multi_read takes where.employees.ids
// and where.dateRange; scheduling takes where.employees.employeeRefs.ids
// with startDate and endDate beside it; timecard_metrics takes a top-level
// select and where.employeeSet{employees.ids, dateRange} (keboola's notes
// from a live tenant, src/client/resources.py).
func wfmBody(entity string, ids []int64, from, to connectors.Date) map[string]any {
	dr := map[string]any{"startDate": from.String(), "endDate": to.String()}
	switch entity {
	case "timecards":
		return map[string]any{"where": map[string]any{"employees": map[string]any{"ids": ids}, "dateRange": dr}}
	case "schedules":
		return map[string]any{"select": []string{"SHIFTS"}, "where": map[string]any{"employees": map[string]any{
			"employeeRefs": map[string]any{"ids": ids}, "startDate": from.String(), "endDate": to.String()}}}
	default: // accruals
		return map[string]any{"select": []string{"ACCRUAL_SUMMARY"},
			"where": map[string]any{"employeeSet": map[string]any{"employees": map[string]any{"ids": ids}, "dateRange": dr}}}
	}
}

// wfmRecords decodes a multi_read answer: timecards a root list, schedules
// the shifts of a composite object, accruals one record per employee and
// accrual code (accrualSummaryData items, each with its employeeId).
func wfmRecords(entity string, body []byte, types map[string]connectors.FieldType) ([]connectors.Record, error) {
	switch entity {
	case "timecards":
		var list []map[string]any
		if err := decodeJSON(ProductWFM, "the timecards", body, &list); err != nil {
			return nil, err
		}
		return typeAll(list, types), nil
	case "schedules":
		var sched struct {
			Shifts []map[string]any `json:"shifts"`
		}
		if err := decodeJSON(ProductWFM, "the schedules", body, &sched); err != nil {
			return nil, err
		}
		return typeAll(sched.Shifts, types), nil
	}
	var list []struct {
		EmployeeID map[string]any   `json:"employeeId"`
		Summary    []map[string]any `json:"accrualSummaryData"`
	}
	if err := decodeJSON(ProductWFM, "the accruals", body, &list); err != nil {
		return nil, err
	}
	var out []connectors.Record
	for _, emp := range list {
		out = flatten(out, "employeeId", emp.EmployeeID, emp.Summary, types)
	}
	return out, nil
}

// executions lists report executions.
func (d *wfmDriver) executions(ctx context.Context) ([]map[string]any, error) {
	resp, err := d.api.Get(ctx, d.base+"/v1/platform/report_executions", http.Header{"Accept": {"application/json"}})
	if err != nil {
		return nil, err
	}
	var list []map[string]any
	if err := decodeJSON(ProductWFM, "the report executions", resp.Body, &list); err != nil {
		return nil, err
	}
	return list, nil
}

// BulkDriver: report executions (execute, poll, file) as export jobs.

func (d *wfmDriver) StartExport(ctx context.Context, q connectors.Query, s connectors.EntitySchema) (connectors.JobStatus, error) {
	switch s.Entity {
	case "report_executions":
		name := ""
		if c, ok := q.Where.(connectors.Cmp); ok && c.Field == "name" && c.Op == connectors.OpEq {
			name, _ = c.Value.(string)
		}
		if name == "" {
			return connectors.JobStatus{}, &errs.Error{Code: errs.CodeInvalidArgument,
				Message: `a WFM report export is Query{Entity: "report_executions", Where: name = 'REPORT'}`}
		}
		id, err := d.executeReport(ctx, name)
		if err != nil {
			return connectors.JobStatus{}, err
		}
		return connectors.JobStatus{ID: jobReport + id, State: connectors.JobQueued, Entity: s.Entity, CreatedAt: time.Now().UTC()}, nil
	case "persons":
		if q.Where != nil || len(q.Fields) > 0 {
			return connectors.JobStatus{}, &errs.Error{Code: errs.CodeUnsupported,
				Message: "a WFM people export takes no filter or field list; use Get to filter"}
		}
		key, state, err := d.startDownload(ctx, q)
		if err != nil {
			return connectors.JobStatus{}, err
		}
		return connectors.JobStatus{ID: jobDownload + key, State: downloadState(state), VendorState: state, Entity: s.Entity,
			CreatedAt: time.Now().UTC()}, nil
	}
	return connectors.JobStatus{}, &errs.Error{Code: errs.CodeUnsupported,
		Message: "WFM exports are report executions and people Bulk Downloads; read " + s.Entity + " with Get"}
}

// Job ids say which WFM mechanism runs the job.
const (
	jobReport   = "report:"
	jobDownload = "download:"
)

func splitJob(jobID string) (kind, id string, err error) {
	for _, k := range []string{jobReport, jobDownload} {
		if rest, ok := strings.CutPrefix(jobID, k); ok && rest != "" && strings.Trim(rest, "0123456789") == "" {
			return k, rest, nil
		}
	}
	return "", "", (&errs.Error{Code: errs.CodeInvalidArgument, Message: "not a WFM export job id"}).WithDetail("job_id", errs.Bound(jobID))
}

// peopleKeys are the Information Access keys of a people Bulk Download,
// aliased to the apply_read field names (UKG's Information Access keys
// PEOPLE_PERSON_ID, PEOPLE_PERSON_NUMBER, PEOPLE_FIRST_NAME,
// PEOPLE_LAST_NAME).
var peopleKeys = []map[string]string{{"key": "PEOPLE_PERSON_ID", "alias": "personId"}, {"key": "PEOPLE_PERSON_NUMBER", "alias": "personNumber"},
	{"key": "PEOPLE_FIRST_NAME", "alias": "firstName"}, {"key": "PEOPLE_LAST_NAME", "alias": "lastName"}}

// startDownload submits a Bulk Download (POST /v1/commons/exports/async,
// 202 with an executionKey) of the Hyperfind's people as of the query's
// AsOf (today when zero).
func (d *wfmDriver) startDownload(ctx context.Context, q connectors.Query) (string, string, error) {
	day := connectors.DateOf(time.Now().UTC())
	if !q.AsOf.IsZero() {
		day = connectors.DateOf(q.AsOf)
	}
	resp, err := d.post(ctx, "/v1/commons/exports/async", map[string]any{"name": "xlr8-persons-" + day.String(), "type": "DATA",
		"payload": map[string]any{"select": peopleKeys, "from": map[string]any{"view": 0, "employeeSet": map[string]any{
			"hyperfind": hyperfindRef(d.set.hyperfind), "dateRange": map[string]any{"startDate": day.String(), "endDate": day.String()}}}}})
	if err != nil {
		return "", "", err
	}
	return decodeDownload(resp.Body)
}

func decodeDownload(body []byte) (string, string, error) {
	var st struct {
		Status       string      `json:"status"`
		ExecutionKey json.Number `json:"executionKey"`
	}
	if err := decodeJSON(ProductWFM, "the export status", body, &st); err != nil {
		return "", "", err
	}
	if st.ExecutionKey == "" || st.Status == "" {
		return "", "", &errs.Error{Code: errs.CodeInternal, Message: "the export status has no executionKey or status"}
	}
	return st.ExecutionKey.String(), st.Status, nil
}

// downloadState reads a Bulk Download status: PENDING is documented; the
// final words are assumed (COMPLETED or SUCCESSFUL, FAILED or ERROR).
func downloadState(s string) connectors.JobState {
	switch strings.ToUpper(s) {
	case "COMPLETED", "SUCCESSFUL", "SUCCESS":
		return connectors.JobComplete
	case "FAILED", "ERROR":
		return connectors.JobFailed
	case "PENDING", "QUEUED":
		return connectors.JobQueued
	}
	return connectors.JobRunning
}

func hyperfindRef(ref string) map[string]any {
	if n, err := strconv.ParseInt(ref, 10, 64); err == nil {
		return map[string]any{"id": n}
	}
	return map[string]any{"qualifier": ref}
}

func (d *wfmDriver) executeReport(ctx context.Context, name string) (string, error) {
	resp, err := d.post(ctx, "/v1/platform/reports/"+url.PathEscape(name)+"/execute", map[string]any{"parameters": []map[string]any{
		{"name": "DataSource", "value": map[string]any{"hyperfind": map[string]any{"qualifier": d.set.hyperfind}}},
		{"name": "Output Format", "value": map[string]any{"key": "csv", "title": "CSV"}},
	}})
	if err != nil {
		return "", err
	}
	var body struct {
		ID json.Number `json:"id"`
	}
	if err := decodeJSON(ProductWFM, "the report execution", resp.Body, &body); err != nil {
		return "", err
	}
	if body.ID == "" {
		return "", &errs.Error{Code: errs.CodeInternal, Message: "the report execution has no id"}
	}
	return body.ID.String(), nil
}

func (d *wfmDriver) ExportStatus(ctx context.Context, jobID string) (connectors.JobStatus, error) {
	kind, id, err := splitJob(jobID)
	if err != nil {
		return connectors.JobStatus{}, err
	}
	if kind == jobDownload {
		resp, err := d.api.Get(ctx, d.base+"/v1/commons/exports/"+id+"/status", http.Header{"Accept": {"application/json"}})
		if err != nil {
			return connectors.JobStatus{}, err
		}
		_, state, err := decodeDownload(resp.Body)
		if err != nil {
			return connectors.JobStatus{}, err
		}
		st := connectors.JobStatus{ID: jobID, Entity: "persons", State: downloadState(state), VendorState: state}
		if st.State == connectors.JobFailed {
			st.Err = (&errs.Error{Code: errs.CodeInternal, Message: "the WFM Bulk Download failed"}).WithDetail("status", errs.Bound(state))
		}
		return st, nil
	}
	st, err := d.executionStatus(ctx, id)
	st.ID = jobID
	return st, err
}

func (d *wfmDriver) executionStatus(ctx context.Context, jobID string) (connectors.JobStatus, error) {
	list, err := d.executions(ctx)
	if err != nil {
		return connectors.JobStatus{}, err
	}
	for _, ex := range list {
		if keyString(typeNested(ex["id"])) != jobID {
			continue
		}
		st := connectors.JobStatus{ID: jobID, Entity: "report_executions", State: connectors.JobRunning}
		if status, ok := ex["status"].(map[string]any); ok {
			st.VendorState, _ = status["qualifier"].(string)
		}
		switch st.VendorState {
		case "Completed":
			st.State = connectors.JobComplete
		case "Failed":
			st.State = connectors.JobFailed
			e := &errs.Error{Code: errs.CodeInternal, Message: "the WFM report execution failed"}
			if ae, ok := ex["apiOutputError"].(map[string]any); ok {
				if code, _ := ae["errorCode"].(string); code != "" {
					e.VendorCode = code
					if m, ok := wfmCodes[code]; ok {
						e.Code, e.Retryable = m.code, m.retryable
					}
				}
			}
			st.Err = e
		}
		return st, nil
	}
	return connectors.JobStatus{}, (&errs.Error{Code: errs.CodeNotFound, Message: "no report execution " + strconv.Quote(jobID)}).WithDetail("job_id", jobID)
}

// waitExecution polls until the execution is done.
func (d *wfmDriver) waitExecution(ctx context.Context, jobID string) error {
	wait := d.set.poll
	for {
		st, err := d.ExportStatus(ctx, jobID)
		if err != nil {
			return err
		}
		switch st.State {
		case connectors.JobComplete:
			return nil
		case connectors.JobFailed:
			return st.Err
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return errs.Wrap(errs.CodeTimeout, ctx.Err(), "waiting for the WFM report execution")
		case <-t.C:
		}
		wait = min(wait*2, d.set.maxPoll)
	}
}

// openFile streams a finished execution's CSV file.
func (d *wfmDriver) openFile(ctx context.Context, jobID string) (*transport.StreamResponse, error) {
	kind, id, err := splitJob(jobID)
	if err != nil {
		return nil, err
	}
	u := d.base + "/v1/platform/report_executions/" + id + "/file"
	if kind == jobDownload {
		u = d.base + "/v1/commons/exports/" + id + "/file"
	}
	return d.api.Stream(ctx, &transport.Request{Method: http.MethodGet, URL: u, Header: http.Header{"Accept": {"text/csv"}}})
}

func (d *wfmDriver) ExportResults(ctx context.Context, jobID string) iter.Seq2[connectors.Record, error] {
	return func(yield func(connectors.Record, error) bool) {
		if _, _, err := splitJob(jobID); err != nil {
			yield(nil, err)
			return
		}
		if err := d.waitExecution(ctx, jobID); err != nil {
			yield(nil, err)
			return
		}
		sr, err := d.openFile(ctx, jobID)
		if err != nil {
			yield(nil, err)
			return
		}
		defer sr.Body.Close()
		cr, err := newCSVReader(ProductWFM, sr.Body, charsetUTF8, d.set.headers)
		if err != nil {
			yield(nil, err)
			return
		}
		for {
			r, err := cr.Next()
			if err != nil {
				if !errors.Is(err, io.EOF) {
					yield(nil, err)
				}
				return
			}
			if !yield(r, nil) {
				return
			}
		}
	}
}

// Native runs a WFM report by name and reads its file.
func (d *wfmDriver) Native(ctx context.Context, native string) (*connkit.Plan, error) {
	name := strings.TrimSpace(native)
	if name == "" {
		return nil, &errs.Error{Code: errs.CodeInvalidArgument, Message: "a WFM native query is a report name; it is empty"}
	}
	return &connkit.Plan{Entity: "report", Native: name, Calls: -1,
		Fetch: reportFetch(d.set.pageSize, func(ctx context.Context) (*spooled, error) {
			raw, err := d.executeReport(ctx, name)
			if err != nil {
				return nil, err
			}
			id := jobReport + raw
			if err := d.waitExecution(ctx, id); err != nil {
				return nil, err
			}
			sr, err := d.openFile(ctx, id)
			if err != nil {
				return nil, err
			}
			defer sr.Body.Close()
			return spool(ProductWFM, d.set.spoolDir, sr.Body, charsetUTF8, d.set.headers)
		})}, nil
}
