package oracle

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/xlr8/connectors/internal/fake/kit"
)

// DefaultExportJob is the ESS export job a new pod knows: it extracts
// invoices as CSV. Its package and definition names are the fake's own.
const DefaultExportJob = "/oracle/apps/ess/financials/payables/invoices/transactions,InvoiceExport"

// export is an ESS job exportBulkData can run: the resource it extracts
// and the CSV columns.
type export struct {
	resource string
	columns  []string
}

// essJob is one submitted ESS request.
type essJob struct {
	id, jobName, jobDef string
	exp                 export
	step                int
	final               string
}

// DefineExport registers an ESS job name ("<package>,<definition>" or
// "<package>;<definition>") that exportBulkData accepts.
func (s *Server) DefineExport(jobName, resource string, columns []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.exports[jobDef(jobName)] = export{resource: resource, columns: columns}
}

// FailNextJob makes the next submitted job end in state (ERROR, WARNING,
// CANCELED, EXPIRED ...) instead of SUCCEEDED.
func (s *Server) FailNextJob(state string) {
	s.mu.Lock()
	s.failNext = state
	s.mu.Unlock()
}

// jobDef is the definition part of a job name; both separators occur.
func jobDef(name string) string {
	if i := strings.LastIndexAny(name, ",;"); i >= 0 {
		return name[i+1:]
	}
	return name
}

var essAttrs = map[string]map[string]bool{
	"exportBulkData":                 {"OperationName": true, "JobName": true, "ParameterList": true, "JobOptions": true, "CallbackURL": true, "NotificationCode": true},
	"downloadESSJobExecutionDetails": {"OperationName": true, "ReqstId": true, "FileType": true},
}

// erpintegrations serves POST .../erpintegrations: exportBulkData submits
// an ESS job (HTTP 200 with ReqstId "-1" when the job is unknown: a
// rejected submission looks like a success but for the id), and
// downloadESSJobExecutionDetails returns a job's output as a base64 zip.
// Attribute names are PascalCase; any other is a 400.
func (s *Server) erpintegrations(w http.ResponseWriter, r *http.Request) {
	var body map[string]any
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		s.fail(w, r, http.StatusBadRequest, codeBadPayload, "The request payload is not valid JSON.")
		return
	}
	op, _ := body["OperationName"].(string)
	allowed := essAttrs[op]
	if allowed == nil {
		s.fail(w, r, http.StatusBadRequest, codeBadPayload, fmt.Sprintf("The operation %q is not supported.", op))
		return
	}
	for k := range body {
		if !allowed[k] {
			s.fail(w, r, http.StatusBadRequest, codeBadPayload, fmt.Sprintf("Invalid attribute %q in the payload", k))
			return
		}
	}
	out := map[string]any{}
	for k, v := range body {
		out[k] = v
	}
	switch op {
	case "exportBulkData":
		s.count("essSubmit")
		name, _ := body["JobName"].(string)
		s.mu.Lock()
		exp, ok := s.exports[jobDef(name)]
		id := "-1"
		if ok {
			s.nextReq++
			id = strconv.Itoa(s.nextReq)
			s.jobs[id] = &essJob{id: id, jobName: name, jobDef: jobDef(name), exp: exp, final: s.failNext}
			s.failNext = ""
		}
		s.mu.Unlock()
		out["ReqstId"] = id
		status := http.StatusCreated
		if !ok {
			status = http.StatusOK
		}
		kit.JSON(w, status, itemType, out)
	case "downloadESSJobExecutionDetails":
		s.count("essOutput")
		id, _ := body["ReqstId"].(string)
		ft, _ := body["FileType"].(string)
		out["DocumentContent"] = s.output(id, ft)
		kit.JSON(w, http.StatusCreated, itemType, out)
	}
}

// essFinder serves GET erpintegrations?finder=ESSJobStatusRF;requestId=N
// (each poll moves the job one state on; a request not submitted through
// erpintegrations has an empty RequestStatus) and
// ?finder=ESSJobExecutionDetailsRF;requestId=N,fileType=OUT|LOG|ALL.
func (s *Server) essFinder(w http.ResponseWriter, r *http.Request) {
	name, vars, _ := strings.Cut(query(r).Get("finder"), ";")
	v := map[string]string{}
	for _, kv := range strings.Split(vars, ",") {
		k, val, _ := strings.Cut(kv, "=")
		v[k] = val
	}
	item := map[string]any{"OperationName": nil, "ReqstId": v["requestId"], "DocumentContent": nil, "JobName": nil}
	switch name {
	case "ESSJobStatusRF":
		s.count("essStatus")
		s.mu.Lock()
		status := ""
		if j := s.jobs[v["requestId"]]; j != nil {
			status = s.state(j)
			if j.step < len(s.cfg.ESSStates)-1 {
				j.step++
			}
			item["JobName"] = j.jobName
		}
		s.mu.Unlock()
		item["RequestStatus"] = status
	case "ESSJobExecutionDetailsRF":
		s.count("essOutput")
		item["FileType"] = v["fileType"]
		item["DocumentContent"] = s.output(v["requestId"], v["fileType"])
	default:
		s.fail(w, r, http.StatusBadRequest, codeBadQuery, "The finder "+name+" is not defined on erpintegrations.")
		return
	}
	kit.JSON(w, http.StatusOK, collectionType, map[string]any{"items": []any{item}, "count": 1, "hasMore": false, "limit": s.cfg.PageSize, "offset": 0,
		"links": []any{link("self", s.Link(kit.Absolute, "/"+fscm+"/resources/"+Version+"/erpintegrations", nil), "erpintegrations", "collection")}})
}

// state is a job's status now; s.mu is held.
func (s *Server) state(j *essJob) string {
	st := s.cfg.ESSStates[j.step]
	if j.step == len(s.cfg.ESSStates)-1 && j.final != "" {
		return j.final
	}
	return st
}

// output is a finished job's files as a base64 zip (nil while it runs):
// OUT the CSV extract, LOG the log, ALL both.
func (s *Server) output(id, fileType string) any {
	s.mu.Lock()
	j := s.jobs[id]
	done := j != nil && j.step == len(s.cfg.ESSStates)-1
	s.mu.Unlock()
	if !done {
		return nil
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	ft := strings.ToUpper(fileType)
	if ft == "OUT" || ft == "ALL" || ft == "" {
		f, _ := zw.Create(j.jobDef + "_" + j.id + ".csv")
		cw := csv.NewWriter(f)
		_ = cw.Write(j.exp.columns)
		tab := s.Store.Table(j.exp.resource)
		for _, i := range tab.Find(nil) {
			rec := tab.At(i)
			line := make([]string, len(j.exp.columns))
			for k, c := range j.exp.columns {
				if v := rec[c]; v != nil {
					line[k] = csvText(v)
				}
			}
			_ = cw.Write(line)
		}
		cw.Flush()
	}
	if ft == "LOG" || ft == "ALL" {
		f, _ := zw.Create("ESS_L_" + j.id + ".log")
		fmt.Fprintf(f, "Request %s (%s) completed.\n", j.id, j.jobName)
	}
	_ = zw.Close()
	return base64.StdEncoding.EncodeToString(buf.Bytes())
}

func csvText(v any) string {
	if f, ok := v.(float64); ok {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

// submitFlow serves POST flowPatterns/{FlowId}/action/submitFlow, the HCM
// flow (and HCM Extract) submission: an ADF action whose body names a
// flow instance unique per pod; the result is the action's outcome.
func (s *Server) submitFlow(w http.ResponseWriter, r *http.Request) {
	s.count("submitFlow")
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/vnd.oracle.adf.action+json") {
		s.fail(w, r, http.StatusUnsupportedMediaType, codeBadPayload, "An action takes application/vnd.oracle.adf.action+json, not "+ct+".")
		return
	}
	id, err := strconv.ParseFloat(r.PathValue("id"), 64)
	tab := s.Store.Table("flowPatterns")
	if _, found := tab.Index("FlowId", id); err != nil || !found {
		s.fail(w, r, http.StatusNotFound, codeNotFound, "The flow pattern "+r.PathValue("id")+" does not exist.")
		return
	}
	var body struct {
		FlowInstanceName  string         `json:"flowInstanceName"`
		ParameterIDValues map[string]any `json:"parameterIdValues"`
	}
	if json.NewDecoder(r.Body).Decode(&body) != nil || body.FlowInstanceName == "" {
		s.fail(w, r, http.StatusBadRequest, codeBadPayload, "The action payload needs a flowInstanceName.")
		return
	}
	s.mu.Lock()
	dup := s.flows[body.FlowInstanceName]
	s.flows[body.FlowInstanceName] = true
	s.mu.Unlock()
	if dup {
		s.fail(w, r, http.StatusBadRequest, codeBadPayload, "The flow instance name "+body.FlowInstanceName+" is already in use.")
		return
	}
	kit.JSON(w, http.StatusOK, "application/vnd.oracle.adf.actionresult+json", map[string]any{"result": "SUCCESS"})
}
