package salesforce

import (
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// job is a Bulk API 2.0 query job.
type job struct {
	id        string
	op        string
	soql      string
	object    string
	version   string
	state     string
	polls     int
	created   time.Time
	cur       *cursor
	fail      string
	processed int
}

// CutBulkRows makes results chunks omit their last n rows while still
// announcing the full count in Sforce-NumberOfRecords.
func (s *Server) CutBulkRows(n int) {
	s.mu.Lock()
	s.cutRows = n
	s.mu.Unlock()
}

// FailNextJob makes the next bulk job end in state Failed with msg.
func (s *Server) FailNextJob(msg string) {
	s.mu.Lock()
	s.failNext = msg
	s.mu.Unlock()
}

func (s *Server) jobInfo(j *job) map[string]any {
	v, _ := strconv.ParseFloat(j.version, 64)
	info := map[string]any{
		"id": j.id, "operation": j.op, "object": j.object, "createdById": "005000000000001AAA",
		"createdDate": j.created.UTC().Format(sfTime), "systemModstamp": s.cfg.Now().UTC().Format(sfTime),
		"state": j.state, "concurrencyMode": "Parallel", "contentType": "CSV", "apiVersion": v, "jobType": "V2Query",
		"lineEnding": "LF", "columnDelimiter": "COMMA", "numberRecordsProcessed": j.processed, "retries": 0,
		"totalProcessingTime": 0,
	}
	if j.state == "Failed" {
		info["errorMessage"] = j.fail
	}
	return info
}

// bulk serves /services/data/vXX.X/jobs/query[/{id}[/results]].
func (s *Server) bulk(w http.ResponseWriter, r *http.Request, version string, rest []string) {
	switch {
	case len(rest) == 0 && r.Method == http.MethodPost:
		s.count("bulkCreate")
		s.bulkCreate(w, r, version)
	case len(rest) == 1 && r.Method == http.MethodGet:
		s.count("bulkPoll")
		s.mu.Lock()
		j := s.jobs[rest[0]]
		if j != nil && j.state != "JobComplete" && j.state != "Failed" && j.state != "Aborted" {
			j.polls++
			switch {
			case j.polls >= s.cfg.BulkPolls && j.fail != "":
				j.state = "Failed"
			case j.polls >= s.cfg.BulkPolls:
				j.state, j.processed = "JobComplete", j.cur.n
			default:
				j.state = "InProgress"
			}
		}
		s.mu.Unlock()
		if j == nil {
			writeErrors(w, 404, "NOT_FOUND", "The requested resource does not exist")
			return
		}
		s.mu.Lock()
		info := s.jobInfo(j)
		s.mu.Unlock()
		writeJSON(w, 200, info)
	case len(rest) == 1 && r.Method == http.MethodPatch:
		var body struct {
			State string `json:"state"`
		}
		s.mu.Lock()
		j := s.jobs[rest[0]]
		s.mu.Unlock()
		if j == nil {
			writeErrors(w, 404, "NOT_FOUND", "The requested resource does not exist")
			return
		}
		if json.NewDecoder(r.Body).Decode(&body) != nil || body.State != "Aborted" {
			writeErrors(w, 400, "INVALIDJOBSTATE", "a query job can only be aborted")
			return
		}
		s.mu.Lock()
		j.state = "Aborted"
		info := s.jobInfo(j)
		s.mu.Unlock()
		writeJSON(w, 200, info)
	case len(rest) == 1 && r.Method == http.MethodDelete:
		s.mu.Lock()
		delete(s.jobs, rest[0])
		s.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	case len(rest) == 2 && rest[1] == "results" && r.Method == http.MethodGet:
		s.count("bulkResults")
		s.bulkResults(w, r, version, rest[0])
	default:
		writeErrors(w, 404, "NOT_FOUND", "The requested resource does not exist")
	}
}

func (s *Server) bulkCreate(w http.ResponseWriter, r *http.Request, version string) {
	var body struct {
		Operation       string `json:"operation"`
		Query           string `json:"query"`
		ContentType     string `json:"contentType"`
		ColumnDelimiter string `json:"columnDelimiter"`
		LineEnding      string `json:"lineEnding"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		writeErrors(w, 400, "JSON_PARSER_ERROR", "malformed JSON body")
		return
	}
	if body.Operation != "query" && body.Operation != "queryAll" {
		writeErrors(w, 400, "INVALIDJOB", "operation must be query or queryAll")
		return
	}
	if (body.ContentType != "" && body.ContentType != "CSV") || (body.ColumnDelimiter != "" && body.ColumnDelimiter != "COMMA") ||
		(body.LineEnding != "" && body.LineEnding != "LF") {
		writeErrors(w, 400, "INVALIDJOB", "the fake supports CSV, COMMA and LF only")
		return
	}
	cur, status, code, msg := s.run(body.Query, version, body.Operation == "queryAll")
	if cur == nil {
		writeErrors(w, status, code, msg)
		return
	}
	s.mu.Lock()
	s.counter++
	j := &job{id: fmt.Sprintf("750%012dAAA", s.counter), op: body.Operation, soql: body.Query, object: cur.obj.name,
		version: version, state: "UploadComplete", created: s.cfg.Now(), cur: cur, fail: s.failNext}
	s.failNext = ""
	s.jobs[j.id] = j
	info := s.jobInfo(j)
	s.mu.Unlock()
	writeJSON(w, 200, info)
}

// bulkResults streams a chunk of a completed job's results as CSV, with
// Sforce-Locator (the literal "null" on the last chunk) and
// Sforce-NumberOfRecords.
func (s *Server) bulkResults(w http.ResponseWriter, r *http.Request, version, id string) {
	s.mu.Lock()
	j := s.jobs[id]
	s.mu.Unlock()
	if j == nil {
		writeErrors(w, 404, "NOT_FOUND", "The requested resource does not exist")
		return
	}
	if j.version != version {
		// Unverified vendor word; the documented part is the 409.
		writeErrors(w, 409, "API_VERSION_MISMATCH", "results must be requested with the API version that created the job")
		return
	}
	if j.state != "JobComplete" {
		writeErrors(w, 400, "INVALIDJOBSTATE", "the job is not complete: "+j.state)
		return
	}
	off := 0
	if loc := r.URL.Query().Get("locator"); loc != "" {
		b, err := base64.RawStdEncoding.DecodeString(loc)
		n, err2 := strconv.Atoi(string(b))
		if err != nil || err2 != nil || n < 0 || n > j.cur.n {
			writeErrors(w, 400, "INVALIDLOCATOR", "invalid locator")
			return
		}
		off = n
	}
	max := s.cfg.BulkChunk
	if m := r.URL.Query().Get("maxRecords"); m != "" {
		n, err := strconv.Atoi(m)
		if err != nil || n <= 0 {
			writeErrors(w, 400, "INVALIDPARAMETER", "maxRecords must be a positive integer")
			return
		}
		max = n
	}
	end := min(off+max, j.cur.n)
	next := "null"
	if end < j.cur.n {
		next = base64.RawStdEncoding.EncodeToString([]byte(strconv.Itoa(end)))
	}
	w.Header().Set("Content-Type", "text/csv")
	w.Header().Set("Sforce-Locator", next)
	w.Header().Set("Sforce-NumberOfRecords", strconv.Itoa(end-off))
	w.WriteHeader(200)
	cw := csv.NewWriter(w)
	_ = cw.Write(j.cur.fields)
	row := make([]string, len(j.cur.fields))
	s.mu.Lock()
	last := end - s.cutRows
	s.mu.Unlock()
	for i := off; i < end && i < last; i++ {
		idx := i
		if !j.cur.all {
			idx = j.cur.rows[i]
		}
		rec := j.cur.obj.data.At(idx)
		for k, f := range j.cur.fields {
			row[k] = csvValue(rec[f])
		}
		if j.cur.obj.data.Deleted(idx) {
			for k, f := range j.cur.fields {
				if f == "IsDeleted" {
					row[k] = "true"
				}
			}
		}
		_ = cw.Write(row)
	}
	cw.Flush()
}

// csvValue renders a value as Bulk API 2.0 CSV does: null as an empty
// column, datetimes in UTC with a Z.
func csvValue(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case time.Time:
		return x.UTC().Format("2006-01-02T15:04:05.000Z")
	case soqlDate:
		return x.t.Format(time.DateOnly)
	}
	return fmt.Sprint(v)
}
