package durable

import (
	"context"
	"time"

	"go.temporal.io/sdk/activity"

	connectors "github.com/xlr8/connectors"
)

// ExportInput is a bulk export of one entity (GetInput's fields; Key names
// the job in the sink).
type ExportInput = GetInput

// exportBatch is how many records an export writes per batch.
const exportBatch = 1000

// Export is the activity that runs a bulk export (the connector's
// BulkExporter: Salesforce Bulk API 2.0, Oracle ESS jobs ...) into the
// sink. It heartbeats the job id as soon as the job exists, so a retried
// attempt polls the same job instead of starting another, and heartbeats
// the count written after every batch, so a retry skips what was written
// (export results do not change once the job is complete). A connector
// without BulkExporter is UNSUPPORTED (not retried).
func (a *Activities) Export(ctx context.Context, in ExportInput) (GetOutput, error) {
	j, err := a.begin(ctx, in)
	if err != nil || j.p.Done {
		return j.out, err
	}
	conn, q, p, out := j.conn, j.q, j.p, j.out
	bulk, ok := connectors.Find[connectors.BulkExporter](conn)
	if !ok {
		return out, activityError(connectors.Errorf(connectors.CodeUnsupported, "durable: %s has no bulk export", conn.Product()))
	}
	if p.JobID == "" {
		st, err := bulk.StartExport(ctx, q)
		if err != nil {
			return out, activityError(err)
		}
		p.JobID = st.ID
		activity.RecordHeartbeat(ctx, p)
	}
	for {
		st, err := bulk.ExportStatus(ctx, p.JobID)
		if err != nil {
			return out, activityError(err)
		}
		activity.RecordHeartbeat(ctx, p)
		if st.State == connectors.JobComplete {
			break
		}
		if st.State == connectors.JobFailed || st.State == connectors.JobAborted {
			if st.Err != nil {
				return out, activityError(st.Err)
			}
			return out, activityError(connectors.Errorf(connectors.CodeInternal, "durable: export job %s %s", p.JobID, st.State))
		}
		select {
		case <-ctx.Done():
			return out, ctx.Err()
		case <-time.After(a.poll):
		}
	}
	skip := p.Written
	var buf []connectors.Record
	flush := func(done bool) error {
		next := p
		next.Written += int64(len(buf))
		next.Done = done
		if err := a.sink.Write(ctx, Batch{Key: in.Key, Records: buf, Progress: next}); err != nil {
			return err
		}
		p, buf = next, buf[:0]
		activity.RecordHeartbeat(ctx, p)
		return nil
	}
	for rec, err := range bulk.ExportResults(ctx, p.JobID) {
		if err != nil {
			return out, activityError(err)
		}
		if skip > 0 {
			skip--
			continue
		}
		buf = append(buf, rec)
		if len(buf) == exportBatch {
			if err := flush(false); err != nil {
				return out, activityError(err)
			}
		}
	}
	if err := flush(true); err != nil {
		return out, activityError(err)
	}
	out.Written = p.Written
	return out, nil
}
