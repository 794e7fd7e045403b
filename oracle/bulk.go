package oracle

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"io"
	"iter"
	"net/http"
	"net/url"
	"strings"
	"time"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/internal/transport"
)

// ESS request states (ESSJobStatusRF's RequestStatus) and what they mean
// here. PAUSED is a parent job waiting for its children: still running.
// An empty status is what the finder says of a request it cannot resolve
// (one not submitted through erpintegrations): not an outcome.
var essStates = map[string]connectors.JobState{
	"": connectors.JobQueued, "WAIT": connectors.JobQueued, "READY": connectors.JobQueued, "SCHEDULED": connectors.JobQueued,
	"BLOCKED": connectors.JobQueued, "HOLD": connectors.JobQueued,
	"RUNNING": connectors.JobRunning, "PROCESSING": connectors.JobRunning, "PAUSED": connectors.JobRunning,
	"SUCCEEDED": connectors.JobComplete,
	"ERROR":     connectors.JobFailed, "WARNING": connectors.JobFailed, "EXPIRED": connectors.JobFailed, "VALIDATION_FAILED": connectors.JobFailed,
	"CANCELED": connectors.JobAborted, "CANCELLED": connectors.JobAborted,
}

// erpDriver is the oracle_erp driver: the driver with BulkDriver.
type erpDriver struct{ *driver }

func (d *driver) erpintegrations() string {
	return d.base.JoinPath(fscm, "resources", Version, "erpintegrations").String()
}

// StartExport submits the entity's ESS job (WithExportJob) through
// erpintegrations exportBulkData. Fusion answers HTTP 200 with ReqstId
// "-1" when it rejects the submission: that is an error, not a job. The
// job's filters are its ParameterList, so the query may name only the
// entity.
func (d *erpDriver) StartExport(ctx context.Context, q connectors.Query, _ connectors.EntitySchema) (connectors.JobStatus, error) {
	job, ok := d.set.exports[q.Entity]
	if !ok {
		return connectors.JobStatus{}, connectors.Errorf(connectors.CodeUnsupported,
			"oracle: no ESS export job for %s (set one with WithExportJob)", q.Entity)
	}
	if q.Where != nil || len(q.Fields) > 0 || len(q.OrderBy) > 0 || !q.AsOf.IsZero() || !q.Since.IsZero() || q.Limit > 0 || q.Resume != "" {
		return connectors.JobStatus{}, connectors.Errorf(connectors.CodeInvalidArgument,
			"oracle: an ESS export takes its filters in the job's ParameterList; the query may name only the entity")
	}
	body, _ := json.Marshal(map[string]string{"OperationName": "exportBulkData", "JobName": job.jobName, "ParameterList": job.parameters})
	resp, err := d.client.Do(ctx, &transport.Request{Method: http.MethodPost, URL: d.erpintegrations(), Body: body,
		Header: http.Header{"Content-Type": {"application/vnd.oracle.adf.resourceitem+json"}, "Accept": {"application/json"}}})
	if err != nil {
		return connectors.JobStatus{}, err
	}
	var out struct {
		ReqstID json.RawMessage `json:"ReqstId"`
	}
	if err := resp.DecodeJSON(&out); err != nil {
		return connectors.JobStatus{}, err
	}
	id := strings.Trim(string(out.ReqstID), `"`)
	switch {
	case id == "-1":
		return connectors.JobStatus{}, connectors.Errorf(connectors.CodeInvalidArgument,
			"oracle: Fusion rejected the ESS submission of %s (ReqstId -1: the job or its definition does not exist, or the user may not run it)", job.jobName)
	case id == "" || id == "null":
		return connectors.JobStatus{}, connectors.Errorf(connectors.CodeInternal, "oracle: the exportBulkData response has no ReqstId")
	}
	return connectors.JobStatus{ID: id, State: connectors.JobQueued, Entity: q.Entity, CreatedAt: time.Now().UTC()}, nil
}

// essItem is the erpintegrations finder's item.
type essItem struct {
	RequestStatus   *string `json:"RequestStatus"`
	DocumentContent *string `json:"DocumentContent"`
}

func (d *driver) essFinder(ctx context.Context, finder string) (essItem, error) {
	u := d.erpintegrations() + "?" + url.Values{"finder": {finder}, "onlyData": {"true"}}.Encode()
	var body struct {
		Items []essItem `json:"items"`
	}
	if _, err := d.client.GetJSON(ctx, u, nil, &body); err != nil {
		return essItem{}, err
	}
	if len(body.Items) != 1 {
		return essItem{}, connectors.Errorf(connectors.CodeInternal, "oracle: the %s finder returned %d items, want one", strings.SplitN(finder, ";", 2)[0], len(body.Items))
	}
	return body.Items[0], nil
}

func validRequestID(id string) error {
	if id == "" || strings.Trim(id, "0123456789") != "" {
		return connectors.Errorf(connectors.CodeInvalidArgument, "oracle: %q is not an ESS request id", id)
	}
	return nil
}

// ExportStatus polls ESSJobStatusRF.
func (d *erpDriver) ExportStatus(ctx context.Context, id string) (connectors.JobStatus, error) {
	if err := validRequestID(id); err != nil {
		return connectors.JobStatus{}, err
	}
	it, err := d.essFinder(ctx, "ESSJobStatusRF;requestId="+id)
	if err != nil {
		return connectors.JobStatus{}, err
	}
	if it.RequestStatus == nil {
		return connectors.JobStatus{}, connectors.Errorf(connectors.CodeInternal, "oracle: the ESS status of %s has no RequestStatus", id)
	}
	raw := *it.RequestStatus
	st, known := essStates[strings.ToUpper(raw)]
	if !known {
		st = connectors.JobRunning // an unknown word is not taken for an outcome
	}
	js := connectors.JobStatus{ID: id, State: st, VendorState: raw}
	if st == connectors.JobFailed || st == connectors.JobAborted {
		js.Err = connectors.Errorf(connectors.CodeUnavailable, "oracle: ESS request %s ended %s", id, raw)
	}
	return js, nil
}

// ExportResults waits for the job, then reads its output through
// ESSJobExecutionDetailsRF (fileType=OUT): a base64 zip whose CSV files
// are yielded row by row, values as the CSV carries them (text; an empty
// column is null).
func (d *erpDriver) ExportResults(ctx context.Context, id string) iter.Seq2[connectors.Record, error] {
	return func(yield func(connectors.Record, error) bool) {
		if err := d.wait(ctx, id); err != nil {
			yield(nil, err)
			return
		}
		it, err := d.essFinder(ctx, "ESSJobExecutionDetailsRF;requestId="+id+",fileType=OUT")
		if err != nil {
			yield(nil, err)
			return
		}
		if it.DocumentContent == nil || *it.DocumentContent == "" {
			yield(nil, connectors.Errorf(connectors.CodeInternal, "oracle: ESS request %s succeeded but has no output document", id))
			return
		}
		raw, err := base64.StdEncoding.DecodeString(*it.DocumentContent)
		if err != nil {
			yield(nil, connectors.Errorf(connectors.CodeInternal, "oracle: the output of ESS request %s is not base64", id))
			return
		}
		zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
		if err != nil {
			yield(nil, connectors.Errorf(connectors.CodeInternal, "oracle: the output of ESS request %s is not a zip: %v", id, err))
			return
		}
		for _, f := range zr.File {
			if !strings.HasSuffix(strings.ToLower(f.Name), ".csv") {
				continue
			}
			if !d.yieldCSV(f, yield) {
				return
			}
		}
	}
}

// yieldCSV streams one CSV file of the output, header row first.
func (d *erpDriver) yieldCSV(f *zip.File, yield func(connectors.Record, error) bool) bool {
	rc, err := f.Open()
	if err != nil {
		return yield(nil, connectors.Errorf(connectors.CodeInternal, "oracle: cannot open %s in the ESS output: %v", f.Name, err))
	}
	defer rc.Close()
	cr := csv.NewReader(rc)
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err == io.EOF {
		return true
	}
	if err != nil {
		return yield(nil, connectors.Errorf(connectors.CodeInternal, "oracle: %s in the ESS output is not CSV: %v", f.Name, err))
	}
	cols := append([]string(nil), head...)
	for {
		row, err := cr.Read()
		if err == io.EOF {
			return true
		}
		if err != nil {
			return yield(nil, connectors.Errorf(connectors.CodeInternal, "oracle: %s in the ESS output is not CSV: %v", f.Name, err))
		}
		rec := make(connectors.Record, len(cols))
		for i, c := range cols {
			if i < len(row) && row[i] != "" {
				rec[c] = row[i]
			} else {
				rec[c] = nil
			}
		}
		if !yield(rec, nil) {
			return false
		}
	}
}

// wait polls the job with backoff until it is done.
func (d *erpDriver) wait(ctx context.Context, id string) error {
	delay := 20 * time.Millisecond
	for {
		st, err := d.ExportStatus(ctx, id)
		if err != nil {
			return err
		}
		if st.State.Done() {
			return st.Err
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return connectors.Errorf(connectors.CodeTimeout, "oracle: stopped waiting for ESS request %s: %v", id, ctx.Err())
		case <-t.C:
		}
		delay = min(delay*2, 5*time.Second)
	}
}
