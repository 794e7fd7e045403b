package oracle

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

type reply struct {
	status int
	ctype  string
	raw    []byte
	body   map[string]any
}

func call(t *testing.T, s *Server, method, path, version string, body any) reply {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, s.URL+path, rd)
	req.SetBasicAuth(s.cfg.Username, s.cfg.Password)
	if version != "" {
		req.Header.Set("REST-Framework-Version", version)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/vnd.oracle.adf.resourceitem+json")
	}
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	rep := reply{status: resp.StatusCode, ctype: resp.Header.Get("Content-Type"), raw: raw}
	_ = json.Unmarshal(raw, &rep.body)
	return rep
}

const hcmPath = "/hcmRestApi/resources/11.13.18.05/"

func items(r reply) []map[string]any {
	var out []map[string]any
	list, _ := r.body["items"].([]any)
	for _, it := range list {
		out = append(out, it.(map[string]any))
	}
	return out
}

func TestPagingEnvelope(t *testing.T) {
	s := New(Config{})
	defer s.Close()
	s.Seed("workers", 1200)
	r := call(t, s, "GET", hcmPath+"workers?limit=500&offset=0&totalResults=true&onlyData=true", "4", nil)
	if r.status != 200 || len(items(r)) != 499 || r.body["limit"] != 499.0 || r.body["hasMore"] != true || r.body["totalResults"] != 1200.0 || r.body["count"] != 499.0 {
		t.Fatalf("limit 500: %d items, %v", len(items(r)), r.body["limit"])
	}
	if _, ok := items(r)[0]["links"]; ok {
		t.Error("onlyData kept item links")
	}
	r = call(t, s, "GET", hcmPath+"workers?offset=1190", "4", nil)
	if len(items(r)) != 10 || r.body["hasMore"] != false || r.body["totalResults"] != nil || items(r)[0]["links"] == nil {
		t.Errorf("last page: %d items %v", len(items(r)), r.body)
	}
	if r := call(t, s, "GET", hcmPath+"workers", "4", nil); len(items(r)) != 25 {
		t.Errorf("default limit: %d", len(items(r)))
	}
	s.LieAboutTotal(5)
	if r := call(t, s, "GET", hcmPath+"workers?totalResults=true&limit=1", "4", nil); r.body["totalResults"] != 1205.0 {
		t.Errorf("lie: %v", r.body["totalResults"])
	}
}

func TestQueryAndErrors(t *testing.T) {
	s := New(Config{})
	defer s.Close()
	s.Seed("workers", 50)
	cases := map[string]int{
		"PersonNumber = '100003'":                                                       1,
		"CountryOfBirth = 'US' and PersonNumber >= '100040'":                            2,
		"CountryOfBirth IN ('US', 'GB') or PersonNumber = '100003'":                     21,
		"CountryOfBirth NOT IN ('US')":                                                  40,
		"PersonNumber LIKE '10001%'":                                                    10,
		"PersonNumber LIKE '10001*'":                                                    10,
		"LastUpdateDate > '2024-01-01T00:40:00Z'":                                       9,
		"LastUpdateDate >= '2024-01-01T00:01:00.457+00:00'":                             49,
		"PersonId BETWEEN 300000000000010 AND 300000000000019":                          10,
		"CorrespondenceLanguage IS NOT NULL":                                            50,
		"(CountryOfBirth = 'US' or CountryOfBirth = 'GB') and PersonNumber <> '100001'": 19,
		"PersonNumber = 'O''Brien'":                                                     0,
	}
	for q, n := range cases {
		r := call(t, s, "GET", hcmPath+"workers?limit=100&q="+url.QueryEscape(q), "4", nil)
		if r.status != 200 || len(items(r)) != n {
			t.Errorf("%s: %d, %d items, want %d: %.200s", q, r.status, len(items(r)), n, r.raw)
		}
	}
	for _, q := range []string{"Nope = 'x'", "BloodType = 'A'", "PersonNumber = ", "PersonNumber = 'x", "PersonId LIKE '3%'"} {
		r := call(t, s, "GET", hcmPath+"workers?q="+url.QueryEscape(q), "4", nil)
		details, _ := r.body["o:errorDetails"].([]any)
		if r.status != 400 || r.body["status"] != "400" || r.ctype != "application/vnd.oracle.adf.error+json" || len(details) != 1 {
			t.Errorf("%s: %d %s %s", q, r.status, r.ctype, r.raw)
		}
	}
	r := call(t, s, "GET", hcmPath+"workers?q="+url.QueryEscape("Nope = 'x'"), "", nil)
	if r.status != 400 || !strings.HasPrefix(r.ctype, "text/plain") {
		t.Errorf("framework 1 error: %d %s", r.status, r.ctype)
	}
	if r := call(t, s, "GET", hcmPath+"workers?q=PersonNumber=100003", "", nil); r.status != 200 || len(items(r)) != 1 {
		t.Errorf("framework 1 query by example: %d %d", r.status, len(items(r)))
	}
	if r := call(t, s, "GET", hcmPath+"workers?q="+url.QueryEscape("PersonNumber = '100003'"), "", nil); r.status != 400 {
		t.Errorf("an expression q without the framework header was accepted: %d", r.status)
	}
	if r := call(t, s, "GET", hcmPath+"nope", "4", nil); r.status != 404 {
		t.Errorf("unknown resource: %d", r.status)
	}
	if r := call(t, s, "GET", "/fscmRestApi/resources/11.13.18.05/workers", "4", nil); r.status != 404 {
		t.Errorf("HCM resource under fscmRestApi: %d", r.status)
	}
	req, _ := http.NewRequest("GET", s.Origin+hcmPath+"workers", nil)
	req.SetBasicAuth(s.cfg.Username, s.cfg.Password)
	if resp, err := s.Client().Do(req); err != nil || resp.StatusCode != 404 {
		t.Errorf("without the base path: %v", resp.StatusCode)
	}
}

func TestChildrenFieldsAndEffectiveDate(t *testing.T) {
	s := New(Config{})
	defer s.Close()
	s.Seed("workers", 3)
	r := call(t, s, "GET", hcmPath+"workers?onlyData=true&expand=names,workRelationships.assignments&limit=1", "4", nil)
	w := items(r)[0]
	names := w["names"].(map[string]any)
	rel := w["workRelationships"].(map[string]any)["items"].([]any)[0].(map[string]any)
	if names["hasMore"] != false || len(names["items"].([]any)) != 1 || rel["assignments"].(map[string]any)["items"] == nil {
		t.Errorf("v4 children: %v", w)
	}
	r = call(t, s, "GET", hcmPath+"workers?onlyData=true&expand=names&limit=1", "2", nil)
	if _, ok := items(r)[0]["names"].([]any); !ok {
		t.Errorf("v2 children are arrays: %v", items(r)[0]["names"])
	}
	r = call(t, s, "GET", hcmPath+"workers?onlyData=true&fields=PersonNumber;names:FirstName&expand=emails&limit=1", "4", nil)
	w = items(r)[0]
	if len(w) != 2 || w["PersonNumber"] != "100001" || w["emails"] != nil {
		t.Errorf("fields wins over expand: %v", w)
	}
	if n := w["names"].(map[string]any)["items"].([]any)[0].(map[string]any); len(n) != 1 || n["FirstName"] == nil {
		t.Errorf("child fields: %v", n)
	}
	if r := call(t, s, "GET", hcmPath+"workers?fields=Nope", "4", nil); r.status != 400 {
		t.Errorf("unknown field: %d", r.status)
	}
	s.Insert("jobs", map[string]any{"JobId": 1.0, "JobCode": "ENG", "Name": "Engineer", "EffectiveStartDate": "2020-01-01", "EffectiveEndDate": "2023-12-31"})
	s.Insert("jobs", map[string]any{"JobId": 1.0, "JobCode": "ENG", "Name": "Senior Engineer", "EffectiveStartDate": "2024-01-01", "EffectiveEndDate": "4712-12-31"})
	for date, want := range map[string]string{"2022-06-01": "Engineer", "2025-01-01": "Senior Engineer"} {
		r := call(t, s, "GET", hcmPath+"jobs?effectiveDate="+date, "4", nil)
		if len(items(r)) != 1 || items(r)[0]["Name"] != want {
			t.Errorf("as of %s: %v", date, items(r))
		}
	}
	self := items(call(t, s, "GET", hcmPath+"workers?limit=1", "4", nil))[0]["links"].([]any)[0].(map[string]any)["href"].(string)
	u, _ := url.Parse(self)
	if r := call(t, s, "GET", strings.TrimPrefix(u.Path, s.Base), "4", nil); r.status != 200 || r.body["PersonNumber"] != "100001" {
		t.Errorf("item by its self link %s: %d", self, r.status)
	}
	r = call(t, s, "GET", hcmPath+"workers/describe", "4", nil)
	wd := r.body["Resources"].(map[string]any)["workers"].(map[string]any)
	if wd["attributes"] == nil || wd["children"].(map[string]any)["names"] == nil {
		t.Errorf("describe: %.300s", r.raw)
	}
}

func TestFinderPagingAndDeepExpand(t *testing.T) {
	s := New(Config{})
	defer s.Close()
	s.Seed("recruitingCEJobRequisitions", 30)
	r := call(t, s, "GET", hcmPath+"recruitingCEJobRequisitions?offset=20&finder="+url.QueryEscape("findReqs;limit=10,offset=10"), "4", nil)
	if got := items(r); len(got) != 10 || got[0]["RequisitionNumber"] != "RequisitionNumber 11" || r.body["hasMore"] != true {
		t.Errorf("finder paging: %v", r.body)
	}
	s.Seed("workers", 3)
	s.FailDeepExpand(true)
	r = call(t, s, "GET", hcmPath+"workers?expand=workRelationships.assignments", "4", nil)
	if r.status != 200 || json.Valid(r.raw) || !strings.Contains(string(r.raw), "Too many objects match the primary key oracle.jbo.Key") {
		t.Errorf("deep expand: %d %s", r.status, r.raw)
	}
}

func TestESSJob(t *testing.T) {
	s := New(Config{})
	defer s.Close()
	s.Seed("invoices", 4)
	const erp = "/fscmRestApi/resources/11.13.18.05/erpintegrations"
	if r := call(t, s, "POST", erp, "4", map[string]any{"OperationName": "exportBulkData", "JobName": "/x,Nope", "ParameterList": "#NULL"}); r.status != 200 || r.body["ReqstId"] != "-1" {
		t.Errorf("unknown job: %d %v", r.status, r.body)
	}
	r := call(t, s, "POST", erp, "4", map[string]any{"OperationName": "exportBulkData", "JobName": strings.Replace(DefaultExportJob, ",", ";", 1), "ParameterList": "#NULL"})
	id, _ := r.body["ReqstId"].(string)
	if r.status != 201 || id == "" || id == "-1" {
		t.Fatalf("submit: %d %v", r.status, r.body)
	}
	var states []string
	for range 7 {
		r := call(t, s, "GET", erp+"?finder="+url.QueryEscape("ESSJobStatusRF;requestId="+id), "4", nil)
		states = append(states, items(r)[0]["RequestStatus"].(string))
	}
	if strings.Join(states, ",") != "WAIT,READY,RUNNING,PAUSED,RUNNING,SUCCEEDED,SUCCEEDED" {
		t.Errorf("states %v", states)
	}
	if r := call(t, s, "GET", erp+"?finder="+url.QueryEscape("ESSJobStatusRF;requestId=1"), "4", nil); items(r)[0]["RequestStatus"] != "" {
		t.Errorf("a job not submitted here: %v", items(r))
	}
	r = call(t, s, "GET", erp+"?finder="+url.QueryEscape("ESSJobExecutionDetailsRF;requestId="+id+",fileType=OUT"), "4", nil)
	raw, _ := base64.StdEncoding.DecodeString(items(r)[0]["DocumentContent"].(string))
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil || len(zr.File) != 1 {
		t.Fatalf("zip: %v", err)
	}
	f, _ := zr.File[0].Open()
	csvText, _ := io.ReadAll(f)
	if lines := strings.Split(strings.TrimSpace(string(csvText)), "\n"); len(lines) != 5 || !strings.HasPrefix(lines[0], "InvoiceId,") {
		t.Errorf("csv %q", csvText)
	}
	if r := call(t, s, "POST", erp, "4", map[string]any{"OperationName": "downloadESSJobExecutionDetails", "requestId": id, "FileType": "log"}); r.status != 400 {
		t.Errorf("camelCase requestId: %d", r.status)
	}
	if r := call(t, s, "POST", erp, "4", map[string]any{"OperationName": "downloadESSJobExecutionDetails", "ReqstId": id, "FileType": "log"}); r.body["DocumentContent"] == nil {
		t.Errorf("download: %v", r.body)
	}
	s.FailNextJob("ERROR")
	r = call(t, s, "POST", erp, "4", map[string]any{"OperationName": "exportBulkData", "JobName": DefaultExportJob, "ParameterList": "#NULL"})
	id = r.body["ReqstId"].(string)
	last := ""
	for range 6 {
		last = items(call(t, s, "GET", erp+"?finder="+url.QueryEscape("ESSJobStatusRF;requestId="+id), "4", nil))[0]["RequestStatus"].(string)
	}
	if last != "ERROR" {
		t.Errorf("failed job ends %s", last)
	}
}

func TestAuthAndFlows(t *testing.T) {
	s := New(Config{TokenTTL: time.Minute})
	defer s.Close()
	form := url.Values{"grant_type": {"client_credentials"}, "scope": {s.cfg.Scope}}
	req, _ := http.NewRequest("POST", s.TokenURL(), strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(s.cfg.ClientID, s.cfg.ClientSecret)
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	if resp.StatusCode != 200 || tok.ExpiresIn != 60 {
		t.Fatalf("token: %d %+v", resp.StatusCode, tok)
	}
	get, _ := http.NewRequest("GET", s.URL+hcmPath+"workers", nil)
	get.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	if resp, _ := s.Client().Do(get); resp.StatusCode != 200 {
		t.Errorf("bearer: %d", resp.StatusCode)
	}
	get.Header.Set("Authorization", "Bearer nope")
	if resp, _ := s.Client().Do(get); resp.StatusCode != 401 {
		t.Errorf("bad bearer: %d", resp.StatusCode)
	}
	post := url.Values{"grant_type": {"client_credentials"}, "client_id": {s.cfg.ClientID}, "client_secret": {s.cfg.ClientSecret}}
	if resp, _ := s.Client().PostForm(s.TokenURL(), post); resp.StatusCode == 200 {
		t.Error("the token endpoint took form client credentials")
	}
	s.Insert("flowPatterns", map[string]any{"FlowId": 300100.0, "FlowName": "Worker Extract", "FlowType": "EXTRACT"})
	submit := func(name string) int {
		req, _ := http.NewRequest("POST", s.URL+hcmPath+"flowPatterns/300100/action/submitFlow", strings.NewReader(`{"flowInstanceName":"`+name+`"}`))
		req.SetBasicAuth(s.cfg.Username, s.cfg.Password)
		req.Header.Set("Content-Type", "application/vnd.oracle.adf.action+json")
		resp, err := s.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if a, b := submit("EXT_1"), submit("EXT_1"); a != 200 || b != 400 {
		t.Errorf("submitFlow: %d then a duplicate %d", a, b)
	}
}

// Without onlyData, items carry self links and an expanded child
// collection its own self link; that link pages the child by limit and
// offset with hasMore; links= keeps only the relations named.
func TestChildCollectionLinksAndPaging(t *testing.T) {
	s := New(Config{ChildPageSize: 2})
	defer s.Close()
	emails := make([]any, 5)
	for i := range emails {
		emails[i] = map[string]any{"EmailAddressId": float64(10 + i), "EmailType": "W1", "EmailAddress": "e" + string(rune('a'+i)) + "@acme.example"}
	}
	s.Insert("workers", map[string]any{"PersonId": 1.0, "PersonNumber": "1", "emails": emails})
	r := call(t, s, "GET", hcmPath+"workers?expand=emails&links=self", "4", nil)
	it := items(r)
	if r.status != 200 || len(it) != 1 {
		t.Fatalf("%d %s", r.status, r.raw)
	}
	links := it[0]["links"].([]any)
	coll := it[0]["emails"].(map[string]any)
	clinks := coll["links"].([]any)
	if len(links) != 1 || links[0].(map[string]any)["rel"] != "self" || coll["hasMore"] != true || coll["count"] != 2.0 || len(clinks) != 1 {
		t.Fatalf("item links %v, child collection %v", links, coll)
	}
	href := clinks[0].(map[string]any)["href"].(string)
	if !strings.HasPrefix(href, links[0].(map[string]any)["href"].(string)+"/child/emails") {
		t.Errorf("child link %s", href)
	}
	u, _ := url.Parse(href)
	page := call(t, s, "GET", strings.TrimPrefix(u.Path, s.Base)+"?limit=2&offset=2&links=self", "4", nil)
	got := items(page)
	if page.status != 200 || len(got) != 2 || got[0]["EmailAddressId"] != 12.0 || page.body["hasMore"] != true || page.body["offset"] != 2.0 {
		t.Fatalf("child page %d %s", page.status, page.raw)
	}
	last := call(t, s, "GET", strings.TrimPrefix(u.Path, s.Base)+"?limit=2&offset=4&onlyData=true", "4", nil)
	if got := items(last); len(got) != 1 || got[0]["links"] != nil || last.body["hasMore"] != false {
		t.Errorf("last child page %s", last.raw)
	}
	if only := call(t, s, "GET", hcmPath+"workers?expand=emails&onlyData=true", "4", nil); items(only)[0]["links"] != nil ||
		items(only)[0]["emails"].(map[string]any)["links"] != nil {
		t.Errorf("onlyData kept links: %s", only.raw)
	}
}
