package salesforce

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/internal/connkit"
	"github.com/xlr8/connectors/internal/errs"
	"github.com/xlr8/connectors/internal/pager"
	"github.com/xlr8/connectors/internal/transport"
	"github.com/xlr8/connectors/translate"
)

// bulkJob is a Bulk API 2.0 query job as Salesforce reports it.
type bulkJob struct {
	ID                     string  `json:"id"`
	Operation              string  `json:"operation"`
	Object                 string  `json:"object"`
	State                  string  `json:"state"`
	APIVersion             float64 `json:"apiVersion"`
	NumberRecordsProcessed int64   `json:"numberRecordsProcessed"`
	ErrorMessage           string  `json:"errorMessage"`
	CreatedDate            string  `json:"createdDate"`
}

func (j bulkJob) version() string { return strconv.FormatFloat(j.APIVersion, 'f', 1, 64) }

// status converts the vendor's job into the portable JobStatus.
func (j bulkJob) status() connectors.JobStatus {
	st := connectors.JobStatus{ID: j.ID, VendorState: j.State, Entity: j.Object, RecordsProcessed: j.NumberRecordsProcessed}
	if t, ok := ParseTime(j.CreatedDate); ok {
		st.CreatedAt = t
	}
	switch j.State {
	case "UploadComplete":
		st.State = connectors.JobQueued
	case "InProgress":
		st.State = connectors.JobRunning
	case "JobComplete":
		st.State = connectors.JobComplete
	case "Failed":
		st.State = connectors.JobFailed
		st.Err = j.failure()
	case "Aborted":
		st.State = connectors.JobAborted
		st.Err = &errs.Error{Code: errs.CodeUnavailable, Product: Product, VendorCode: "Aborted",
			Message: fmt.Sprintf("salesforce: bulk job %s was aborted", j.ID)}
	default:
		st.State = connectors.JobRunning
	}
	return st
}

// failure is the error of a Failed job, carrying the job's error message
// ("INVALID_FIELD: No such column ..." gives the code INVALID_FIELD).
func (j bulkJob) failure() *errs.Error {
	e := &errs.Error{Code: errs.CodeUnavailable, Product: Product, VendorCode: "Failed",
		Message: fmt.Sprintf("salesforce: bulk job %s failed: %s", j.ID, j.ErrorMessage)}
	if word, _, ok := strings.Cut(j.ErrorMessage, ":"); ok && isUpperWord(word) {
		e.VendorCode, e.Code = word, codeFor(word, 0)
		if e.Code == errs.CodeInternal {
			e.Code = errs.CodeUnavailable
		}
	}
	return e
}

func isUpperWord(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r == '_') {
			return false
		}
	}
	return true
}

// exportPlan remembers how a job this connector started should be read.
type exportPlan struct {
	describe *cachedDescribe
	residual connectors.Expr
	extra    []string
	q        connectors.Query
}

// StartExport creates a Bulk API 2.0 query job for q (compiled as Get
// compiles it; queryAll when opened WithQueryAll).
func (c *driver) StartExport(ctx context.Context, q connectors.Query, _ connectors.EntitySchema) (connectors.JobStatus, error) {
	p, err := c.compile(ctx, q)
	if err != nil {
		return connectors.JobStatus{}, err
	}
	j, err := c.createJob(ctx, p.soql.Query, c.set.queryAll)
	if err != nil {
		return connectors.JobStatus{}, err
	}
	c.mu.Lock()
	if c.exports == nil {
		c.exports = map[string]*exportPlan{}
	}
	c.exports[j.ID] = &exportPlan{describe: p.describe, residual: p.soql.Residual, extra: p.soql.Extra, q: q}
	c.mu.Unlock()
	return j.status(), nil
}

// ExportStatus polls a job.
func (c *driver) ExportStatus(ctx context.Context, jobID string) (connectors.JobStatus, error) {
	j, err := c.jobInfo(ctx, jobID)
	if err != nil {
		return connectors.JobStatus{}, err
	}
	return j.status(), nil
}

// ExportResults waits for the job (polling with backoff) and streams its
// CSV results chunk by chunk, following Sforce-Locator until "null", with
// the API version the job was created with. Values are typed by the
// object's describe. A Failed or Aborted job is an error with the job's
// message. Ranging again downloads the results again (Salesforce keeps them
// while the job exists).
func (c *driver) ExportResults(ctx context.Context, jobID string) iter.Seq2[connectors.Record, error] {
	if !validJobID(jobID) {
		return connectors.Errored(connectors.Errorf(connectors.CodeInvalidArgument, "salesforce: %q is not a bulk job id", connkit.Bound(jobID, 64)))
	}
	var entity string
	c.mu.Lock()
	ep := c.exports[jobID]
	c.mu.Unlock()
	if ep != nil {
		entity = ep.q.Entity
	}
	return c.conn.Stream(ctx, connectors.Query{Entity: entity}, func(ctx context.Context) (*connkit.Plan, connectors.EntitySchema, error) {
		j, err := c.waitJob(ctx, jobID)
		if err != nil {
			return nil, connectors.EntitySchema{}, err
		}
		var ty typer
		kp := &connkit.Plan{Entity: j.Object, Match: []translate.MatchOption{translate.FoldCase()}}
		if ep != nil {
			ty = newTyper(&ep.describe.raw)
			kp.Residual, kp.Extra = ep.residual, ep.extra
		} else if d, err := c.describeObject(ctx, j.Object); err == nil {
			ty = newTyper(&d.raw)
		}
		kp.Fetch = pager.Tokens(c.set.bulkChunk, func(ctx context.Context, at pager.At) (pager.Result, error) {
			return c.resultsChunk(ctx, j, ty, at.Token)
		})
		return kp, connectors.EntitySchema{}, nil
	})
}

func validJobID(id string) bool { return len(id) >= 15 && len(id) <= 18 && validName("x"+id) }

func (c *driver) createJob(ctx context.Context, soql string, all bool) (bulkJob, error) {
	if err := c.checkReserve(ctx); err != nil {
		return bulkJob{}, err
	}
	op := "query"
	if all {
		op = "queryAll"
	}
	body, _ := json.Marshal(map[string]string{"operation": op, "query": soql, "contentType": "CSV",
		"columnDelimiter": "COMMA", "lineEnding": "LF"})
	resp, err := c.client.Do(ctx, &transport.Request{Method: http.MethodPost, URL: c.apiURL("jobs/query", nil), Body: body,
		Header: http.Header{"Content-Type": {"application/json"}, "Accept": {"application/json"}}})
	if err != nil {
		return bulkJob{}, err
	}
	var j bulkJob
	if err := resp.DecodeJSON(&j); err != nil {
		return bulkJob{}, err
	}
	if !validJobID(j.ID) {
		return bulkJob{}, &errs.Error{Code: errs.CodeInternal, Product: Product, Message: "salesforce: bulk job created without a usable id"}
	}
	return j, nil
}

func (c *driver) jobInfo(ctx context.Context, id string) (bulkJob, error) {
	if !validJobID(id) {
		return bulkJob{}, connectors.Errorf(connectors.CodeInvalidArgument, "salesforce: %q is not a bulk job id", id)
	}
	var j bulkJob
	_, err := c.getJSON(ctx, c.apiURL("jobs/query/"+id, nil), nil, &j)
	return j, err
}

// waitJob polls a job with exponential backoff until it is complete, and
// turns Failed and Aborted into errors.
func (c *driver) waitJob(ctx context.Context, id string) (bulkJob, error) {
	wait := c.set.bulkPoll
	for {
		j, err := c.jobInfo(ctx, id)
		if err != nil {
			return j, err
		}
		st := j.status()
		if c.opts.Progress != nil {
			c.opts.Progress(connectors.Progress{Entity: j.Object, Records: 0, Total: -1})
		}
		switch st.State {
		case connectors.JobComplete:
			return j, nil
		case connectors.JobFailed, connectors.JobAborted:
			return j, st.Err
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return j, errs.FromContext(ctx.Err(), Product, "waiting for bulk job "+id)
		case <-t.C:
		}
		wait = min(wait*2, c.set.bulkPollMax)
	}
}

// resultsChunk downloads one CSV chunk and decodes it as it streams in.
func (c *driver) resultsChunk(ctx context.Context, j bulkJob, ty typer, locator string) (pager.Result, error) {
	if err := c.checkReserve(ctx); err != nil {
		return pager.Result{}, err
	}
	q := url.Values{"maxRecords": {strconv.Itoa(c.set.bulkChunk)}}
	if locator != "" {
		q.Set("locator", locator)
	}
	u := c.base().JoinPath("/services/data/v"+j.version(), "jobs/query", j.ID, "results")
	u.RawQuery = q.Encode()
	sr, err := c.client.Stream(ctx, &transport.Request{Method: http.MethodGet, URL: u.String(), Header: http.Header{"Accept": {"text/csv"}}})
	if err != nil {
		return pager.Result{}, err
	}
	defer sr.Body.Close()
	n, hasCount := -1, false
	if h := sr.Header.Get("Sforce-NumberOfRecords"); h != "" {
		if v, err := strconv.Atoi(h); err == nil && v >= 0 {
			n, hasCount = v, true
		}
	}
	recs, err := decodeCSV(capCSV(sr.Body, c.opts.MaxValueBytes, j.ID), ty, n)
	if err != nil {
		return pager.Result{}, err
	}
	if hasCount && len(recs) != n {
		// A chunk cut at a row boundary parses cleanly: the header is the
		// only witness.
		return pager.Result{}, &errs.Error{Code: errs.CodeUnavailable, Product: Product, Retryable: true, Err: errs.ErrIncomplete,
			Message: fmt.Sprintf("salesforce: bulk job %s results chunk has %d records, Sforce-NumberOfRecords says %d", j.ID, len(recs), n)}
	}
	page := pager.Result{Records: recs, Total: j.NumberRecordsProcessed, HasTotal: true}
	next := sr.Header.Get("Sforce-Locator")
	switch {
	case next == "null":
	case next == "":
		return pager.Result{}, &errs.Error{Code: errs.CodeInternal, Product: Product, Message: "salesforce: a bulk results chunk has no Sforce-Locator header"}
	default:
		page.Next = next
	}
	return page, nil
}

// decodeCSV reads a Bulk CSV chunk: a header row, then one record per row,
// empty columns as null.
func decodeCSV(r io.Reader, ty typer, sizeHint int) ([]connectors.Record, error) {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		return nil, nil
	}
	if err != nil {
		return nil, csvError(err)
	}
	cols := append([]string(nil), header...)
	if sizeHint < 0 || sizeHint > 1<<20 {
		sizeHint = 0
	}
	out := make([]connectors.Record, 0, sizeHint)
	for {
		row, err := cr.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, csvError(err)
		}
		if len(row) != len(cols) {
			return nil, &errs.Error{Code: errs.CodeInternal, Product: Product, Message: fmt.Sprintf("salesforce: a bulk CSV row has %d columns, the header %d", len(row), len(cols))}
		}
		rec := make(connectors.Record, len(cols))
		for i, col := range cols {
			rec[col] = ty.fromString(col, row[i], true)
		}
		out = append(out, rec)
	}
}

func csvError(err error) error {
	var e *errs.Error
	if errors.As(err, &e) {
		return e // the stream's own error: a reset or a cap
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &errs.Error{Code: errs.CodeInternal, Product: Product, Message: fmt.Sprintf("salesforce: malformed bulk CSV at line %d", pe.Line)}
	}
	return &errs.Error{Code: errs.CodeInternal, Product: Product, Message: "salesforce: reading bulk CSV failed", Err: err}
}

// bulkFetch runs a compiled Get as a Bulk API 2.0 job (for queries too long
// for a URL). The token is "jobID|locator", so a Resume continues in the
// same job while Salesforce keeps it.
func (c *driver) bulkFetch(p *plan, ty typer) pager.Fetch {
	var job bulkJob
	return pager.Tokens(c.set.bulkChunk, func(ctx context.Context, at pager.At) (pager.Result, error) {
		jobID, locator, _ := strings.Cut(at.Token, "|")
		if job.ID == "" || (jobID != "" && jobID != job.ID) {
			var err error
			if jobID == "" {
				j, cerr := c.createJob(ctx, p.soql.Query, p.endpoint == "queryAll")
				if cerr != nil {
					return pager.Result{}, cerr
				}
				jobID = j.ID
			}
			job, err = c.waitJob(ctx, jobID)
			if err != nil {
				return pager.Result{}, err
			}
		}
		res, err := c.resultsChunk(ctx, job, ty, locator)
		if err != nil {
			return pager.Result{}, err
		}
		if res.Next != "" {
			res.Next = job.ID + "|" + res.Next
		}
		return res, nil
	})
}
