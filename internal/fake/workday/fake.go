package workday

import (
	"crypto/md5"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/xlr8/connectors/credentials"
	"github.com/xlr8/connectors/internal/fake/kit"
)

// Tenant and client of the fake.
const (
	Tenant       = "acme"
	ClientID     = "fake-wd-client"
	ClientSecret = "fake-wd-client-secret"
	RefreshToken = "fake-wd-refresh-token"
	ReportOwner  = "ISU_Fake"
	submitAction = "d9e4223e446c11de98360015c5e6daf6"
)

// Worker is one worker of the fake tenant.
type Worker struct {
	EmployeeID string
	Name       string
	Title      string
	Org        string // supervisory organization name
	Email      string
	Hired      string // yyyy-mm-dd
	Manager    string // employee id
	PTOHours   float64
}

// Fake is a fake Workday tenant.
type Fake struct {
	Server *kit.Server
	OAuth  *kit.OAuth

	mu      sync.Mutex
	workers []Worker
	drafts  map[string]*draft
	reqs    []*event
	events  int
	log     []string
}

// event is a Request Time Off business process event.
type event struct {
	id        string
	worker    int
	hours     float64
	from, to  string // the first and last day
	status    string // In Progress, Successfully Completed
	created   string
	completed string
}

type draft struct {
	worker int
	title  string
	date   string
}

// New starts a fake tenant with n generated workers.
func New(n int) *Fake {
	f := &Fake{Server: kit.New(kit.Config{Base: "/", Seed: 11}), drafts: map[string]*draft{}}
	f.OAuth = f.Server.EnableOAuth(kit.OAuthConfig{Path: "/ccx/oauth2/" + Tenant + "/token", Grants: []string{"refresh_token"},
		ClientID: ClientID, ClientSecret: ClientSecret, ClientAuth: kit.ClientAuthEither, RefreshToken: RefreshToken, TTL: time.Hour})
	f.Seed(n)
	f.routes()
	return f
}

// Close stops the server.
func (f *Fake) Close() { f.Server.Close() }

// Seed replaces the workers with n generated ones: 21001, 21002 ... in
// three organizations, the first of each reporting to nobody.
func (f *Fake) Seed(n int) []Worker {
	orgs := []string{"Human Resources", "Engineering", "Finance"}
	ws := make([]Worker, n)
	for i := range ws {
		id := strconv.Itoa(21001 + i)
		w := Worker{EmployeeID: id, Name: fmt.Sprintf("Worker %s", id), Title: "Analyst", Org: orgs[i%3],
			Email: "w" + id + "@example.com", Hired: fmt.Sprintf("20%02d-%02d-%02d", 10+i%15, 1+i%12, 1+i%28), PTOHours: float64(8 * (i%10 + 1))}
		if i >= 3 {
			w.Manager = ws[i%3].EmployeeID
		}
		ws[i] = w
	}
	f.mu.Lock()
	f.workers = ws
	f.mu.Unlock()
	return append([]Worker(nil), ws...)
}

// Workers returns the tenant's workers.
func (f *Fake) Workers() []Worker {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Worker(nil), f.workers...)
}

// Log returns and clears the API requests served, as "METHOD path".
func (f *Fake) Log() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := f.log
	f.log = nil
	return out
}

// Credential is the OAuth credential for the fake.
func (f *Fake) Credential() *credentials.Credential {
	return &credentials.Credential{ID: "fake-workday", ProductID: "workday_hcm", InstanceURL: f.Server.URL, AuthType: credentials.AuthOAuth2,
		Secrets: credentials.Secrets{credentials.KeyClientID: ClientID, credentials.KeyClientSecret: ClientSecret,
			credentials.KeyRefreshToken: RefreshToken, credentials.KeyTenant: Tenant, credentials.KeyTokenURL: f.Server.TokenURL(),
			"report_owner": ReportOwner}}
}

// wid is the Workday ID of a worker, organization or job.
func wid(kind, id string) string {
	s := md5.Sum([]byte(kind + ":" + id))
	return hex.EncodeToString(s[:])
}

func wdError(w http.ResponseWriter, status int, code, msg string) {
	item := map[string]string{"error": msg}
	if code != "" {
		item["code"] = code
	}
	kit.JSON(w, status, "", map[string]any{"error": msg, "errors": []any{item}})
}

func (f *Fake) find(s string) (int, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, w := range f.workers {
		if s == wid("worker", w.EmployeeID) || s == "Employee_ID="+w.EmployeeID {
			return i, true
		}
	}
	return 0, false
}

func (f *Fake) worker(i int) Worker {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.workers[i]
}

func (f *Fake) routes() {
	api := "/ccx/api/"
	t := "/" + Tenant + "/"
	f.Server.Use(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.URL.Path, "/ccx/api/") || strings.HasPrefix(r.URL.Path, "/ccx/service/") {
				if _, ok := f.OAuth.Check(r); !ok {
					kit.JSON(w, http.StatusUnauthorized, "", map[string]string{"error": "invalid_token"})
					return
				}
				f.mu.Lock()
				f.log = append(f.log, r.Method+" "+r.URL.Path)
				f.mu.Unlock()
			}
			next.ServeHTTP(w, r)
		})
	})
	f.Server.HandleFunc("GET "+api+"staffing/v6"+t+"workers", f.listWorkers)
	f.Server.HandleFunc("GET "+api+"staffing/v6"+t+"workers/{id}", f.getWorker)
	f.Server.HandleFunc("GET "+api+"staffing/v6"+t+"workers/{id}/serviceDates", f.serviceDates)
	f.Server.HandleFunc("GET "+api+"v1"+t+"workers/{id}/directReports", f.directReports)
	f.Server.HandleFunc("GET "+api+"absenceManagement/v1"+t+"balances", f.balances)
	f.Server.HandleFunc("POST "+api+"staffing/v6"+t+"workers/{id}/jobChanges", f.startJobChange)
	f.Server.HandleFunc("PATCH "+api+"staffing/v6"+t+"jobChanges/{id}/businessTitle/{sub}", f.patchTitle)
	f.Server.HandleFunc("POST "+api+"staffing/v6"+t+"jobChanges/{id}/submit", f.submit)
	f.Server.HandleFunc("GET /ccx/service/customreport2"+t+ReportOwner+"/{report}", f.report)
	f.Server.HandleFunc("POST "+api+"absenceManagement/v1"+t+"workers/{id}/requestTimeOff", f.requestTimeOff)
	f.Server.HandleFunc("GET "+api+"businessProcess/v1"+t+"events/{id}", f.event)
	f.Server.HandleFunc("GET "+api+"businessProcess/v1"+t+"events/{id}/inProgressSteps", f.steps)
	f.Server.HandleFunc("POST "+api+"businessProcess/v1"+t+"eventSteps/{id}/approve", f.approve)
	f.Server.HandleFunc("POST "+api+"wql/v1"+t+"data", f.wql)
	f.Server.HandleFunc("GET "+api+"wql/v1"+t+"data", f.wql)
}

var paging = kit.Offset{OffsetParam: "offset", LimitParam: "limit", Default: 20, Max: 100, Reject: true}

// page writes a {total, data} collection window.
func (f *Fake) page(w http.ResponseWriter, r *http.Request, items []map[string]any) {
	win, err := paging.Window(r.URL.Query(), len(items))
	if err != nil {
		wdError(w, http.StatusBadRequest, "", "invalid request: "+err.Error())
		return
	}
	kit.JSON(w, http.StatusOK, "", map[string]any{"total": f.Server.Advertise(win.N), "data": items[win.Start:win.End]})
}

func ref(id, descriptor string) map[string]any {
	return map[string]any{"id": id, "descriptor": descriptor}
}

// workerData is staffing v6's WorkerData.
func workerData(x Worker) map[string]any {
	return map[string]any{"id": wid("worker", x.EmployeeID), "descriptor": x.Name, "workerId": x.EmployeeID,
		"workerType": ref(wid("workerType", "Employee"), "Employee"),
		"primaryJob": map[string]any{"id": wid("job", x.EmployeeID), "descriptor": x.Title, "businessTitle": x.Title,
			"supervisoryOrganization": ref(wid("organization", x.Org), x.Org)},
		"person": map[string]any{"id": wid("person", x.EmployeeID), "email": x.Email}}
}

func (f *Fake) listWorkers(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	n := len(f.workers)
	f.mu.Unlock()
	win, err := paging.Window(r.URL.Query(), n)
	if err != nil {
		wdError(w, http.StatusBadRequest, "", "invalid request: "+err.Error())
		return
	}
	items := make([]map[string]any, 0, win.Len())
	for i := win.Start; i < win.End; i++ {
		items = append(items, workerData(f.worker(i)))
	}
	kit.JSON(w, http.StatusOK, "", map[string]any{"total": f.Server.Advertise(win.N), "data": items})
}

func (f *Fake) lookup(w http.ResponseWriter, r *http.Request) (int, bool) {
	i, ok := f.find(r.PathValue("id"))
	if !ok {
		wdError(w, http.StatusNotFound, "", "Invalid ID value. '"+r.PathValue("id")+"' is not a valid ID for Worker")
	}
	return i, ok
}

func (f *Fake) getWorker(w http.ResponseWriter, r *http.Request) {
	if i, ok := f.lookup(w, r); ok {
		kit.JSON(w, http.StatusOK, "", workerData(f.worker(i)))
	}
}

func (f *Fake) serviceDates(w http.ResponseWriter, r *http.Request) {
	if i, ok := f.lookup(w, r); ok {
		x := f.worker(i)
		f.page(w, r, []map[string]any{{"id": wid("serviceDates", x.EmployeeID), "hireDate": x.Hired, "continuousServiceDate": x.Hired}})
	}
}

func (f *Fake) directReports(w http.ResponseWriter, r *http.Request) {
	i, ok := f.lookup(w, r)
	if !ok {
		return
	}
	m := f.worker(i)
	items := []map[string]any{}
	for _, x := range f.Workers() {
		if x.Manager == m.EmployeeID {
			id := wid("worker", x.EmployeeID)
			items = append(items, map[string]any{"id": id, "descriptor": x.Name, "businessTitle": x.Title, "primaryWorkEmail": x.Email,
				"href": f.Server.URL + "/ccx/api/v1/" + Tenant + "/workers/" + id, "isManager": false,
				"primarySupervisoryOrganization": ref(wid("organization", x.Org), x.Org)})
		}
	}
	f.page(w, r, items)
}

func (f *Fake) balances(w http.ResponseWriter, r *http.Request) {
	i, ok := f.find(r.URL.Query().Get("worker"))
	if !ok {
		wdError(w, http.StatusNotFound, "", "Invalid ID value for worker")
		return
	}
	x := f.worker(i)
	eff := r.URL.Query().Get("effective")
	f.page(w, r, []map[string]any{{"absencePlan": map[string]any{"id": wid("plan", "PTO"), "descriptor": "Paid Time Off", "timeoffs": "Paid Time Off"},
		"quantity": x.PTOHours, "unit": ref(wid("unit", "Hours"), "Hours"), "effectiveDate": eff,
		"worker": ref(wid("worker", x.EmployeeID), x.Name)}})
}

func (f *Fake) startJobChange(w http.ResponseWriter, r *http.Request) {
	i, ok := f.lookup(w, r)
	if !ok {
		return
	}
	var body struct {
		Date string `json:"date"`
		Job  *struct {
			ID string `json:"id"`
		} `json:"job"`
	}
	x := f.worker(i)
	if json.NewDecoder(r.Body).Decode(&body) != nil || body.Date == "" || body.Job == nil || body.Job.ID != wid("job", x.EmployeeID) {
		wdError(w, http.StatusBadRequest, "A411", "The position entered is not a valid position for the Worker as of the date entered.")
		return
	}
	f.mu.Lock()
	f.events++
	id := wid("jobChange", strconv.Itoa(f.events))
	f.drafts[id] = &draft{worker: i, date: body.Date}
	f.mu.Unlock()
	kit.JSON(w, http.StatusCreated, "", map[string]any{"id": id, "descriptor": "Change Job: " + x.Name, "date": body.Date,
		"job": ref(wid("job", x.EmployeeID), x.Title)})
}

func (f *Fake) patchTitle(w http.ResponseWriter, r *http.Request) {
	var body struct {
		BusinessTitle string `json:"businessTitle"`
	}
	f.mu.Lock()
	d, ok := f.drafts[r.PathValue("id")]
	f.mu.Unlock()
	if !ok || r.PathValue("sub") != r.PathValue("id") {
		wdError(w, http.StatusNotFound, "", "Invalid ID value for Job Change")
		return
	}
	if json.NewDecoder(r.Body).Decode(&body) != nil || body.BusinessTitle == "" {
		wdError(w, http.StatusBadRequest, "", "businessTitle is required")
		return
	}
	f.mu.Lock()
	d.title = body.BusinessTitle
	f.mu.Unlock()
	kit.JSON(w, http.StatusOK, "", map[string]any{"id": r.PathValue("id"), "businessTitle": body.BusinessTitle})
}

func (f *Fake) submit(w http.ResponseWriter, r *http.Request) {
	var body struct {
		BP *struct {
			Action *struct {
				ID string `json:"id"`
			} `json:"action"`
		} `json:"businessProcessParameters"`
	}
	f.mu.Lock()
	d, ok := f.drafts[r.PathValue("id")]
	delete(f.drafts, r.PathValue("id"))
	f.mu.Unlock()
	if !ok {
		wdError(w, http.StatusNotFound, "", "Invalid ID value for Job Change")
		return
	}
	if json.NewDecoder(r.Body).Decode(&body) != nil || body.BP == nil || body.BP.Action == nil || body.BP.Action.ID != submitAction {
		wdError(w, http.StatusBadRequest, "A219", "The business process action isn't valid.")
		return
	}
	f.mu.Lock()
	if d.title != "" {
		f.workers[d.worker].Title = d.title
	}
	f.mu.Unlock()
	kit.JSON(w, http.StatusCreated, "", map[string]any{"id": wid("event", r.PathValue("id")), "descriptor": "Change Job",
		"status":                    ref(wid("status", "Successfully Completed"), "Successfully Completed"),
		"businessProcessParameters": map[string]any{"action": ref(submitAction, "Submit"), "overallStatus": "Successfully Completed"}})
}

// report serves the custom reports, values as text.
func (f *Fake) report(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	i, found := f.find("Employee_ID=" + q.Get("Employee_ID"))
	rows := []map[string]string{}
	switch r.PathValue("report") {
	case "Worker_Profile":
		if found {
			x := f.worker(i)
			first, last, _ := strings.Cut(x.Name, " ")
			rows = append(rows, map[string]string{"Employee_ID": x.EmployeeID, "First_Name": first, "Last_Name": last, "Display_Name": x.Name,
				"Email": x.Email, "Business_Title": x.Title, "Supervisory_Organization": x.Org, "Worker_Status": "Active", "Hire_Date": x.Hired})
			if x.Manager != "" {
				m, _ := f.find("Employee_ID=" + x.Manager)
				rows[0]["Manager_Employee_ID"], rows[0]["Manager_Name"] = x.Manager, f.worker(m).Name
			}
		}
	case "Time_Off_Balances":
		if found {
			x := f.worker(i)
			rows = append(rows, map[string]string{"Employee_ID": x.EmployeeID, "Time_Off_Type": "PTO", "Time_Off_Plan": "Paid Time Off",
				"Available_Hours": strconv.FormatFloat(x.PTOHours, 'f', -1, 64), "Used_Hours": "0", "Pending_Hours": "0",
				"Accrual_Rate_Per_Period": "6.67", "Max_Carryover": "40"})
		}
	case "Time_Off_Requests":
		// Prompts Employee_ID, Start_Date and End_Date: requests
		// overlapping the dates.
		from, to := q.Get("Start_Date"), q.Get("End_Date")
		f.mu.Lock()
		for _, ev := range f.reqs {
			x := f.workers[ev.worker]
			if (q.Get("Employee_ID") != "" && x.EmployeeID != q.Get("Employee_ID")) || (to != "" && ev.from > to) || (from != "" && ev.to < from) {
				continue
			}
			row := map[string]string{"Request_ID": ev.id, "Employee_ID": x.EmployeeID, "Type": "PTO",
				"Status":     map[string]string{"In Progress": "PENDING", "Successfully Completed": "APPROVED"}[ev.status],
				"Start_Date": ev.from, "End_Date": ev.to, "Hours": strconv.FormatFloat(ev.hours, 'f', -1, 64), "Submitted_At": ev.created}
			if ev.completed != "" {
				row["Approved_At"] = ev.completed
				row["Approved_By"] = x.Manager
			}
			rows = append(rows, row)
		}
		f.mu.Unlock()
	default:
		wdError(w, http.StatusNotFound, "", "Report not found or not shared with this account")
		return
	}
	if q.Get("format") == "csv" {
		w.Header().Set("Content-Type", "text/csv")
		cw := csv.NewWriter(w)
		var cols []string
		if len(rows) > 0 {
			for k := range rows[0] {
				cols = append(cols, k)
			}
		}
		sort.Strings(cols)
		_ = cw.Write(cols)
		for _, row := range rows {
			line := make([]string, len(cols))
			for j, c := range cols {
				line[j] = row[c]
			}
			_ = cw.Write(line)
		}
		cw.Flush()
		return
	}
	kit.JSON(w, http.StatusOK, "", map[string]any{"Report_Entry": rows})
}

// now is the fake's clock as Workday writes moments.
func (f *Fake) now() string { return f.Server.Now().UTC().Format(time.RFC3339) }

// requestTimeOff runs Request Time Off: the Submit action, days of the
// PTO type, A1011 when the balance does not cover them.
func (f *Fake) requestTimeOff(w http.ResponseWriter, r *http.Request) {
	i, ok := f.lookup(w, r)
	if !ok {
		return
	}
	var body struct {
		Days []struct {
			Date          string   `json:"date"`
			DailyQuantity *float64 `json:"dailyQuantity"`
			TimeOffType   *struct {
				ID string `json:"id"`
			} `json:"timeOffType"`
		} `json:"days"`
		BP *struct {
			Action *struct {
				ID string `json:"id"`
			} `json:"action"`
		} `json:"businessProcessParameters"`
	}
	if json.NewDecoder(r.Body).Decode(&body) != nil || body.BP == nil || body.BP.Action == nil || body.BP.Action.ID != submitAction {
		wdError(w, http.StatusBadRequest, "A219", "The business process action isn't valid.")
		return
	}
	var hours float64
	from, to := "", ""
	for _, d := range body.Days {
		if from == "" || d.Date < from {
			from = d.Date
		}
		if d.Date > to {
			to = d.Date
		}
		if d.TimeOffType == nil || d.TimeOffType.ID != "Time_Off_Type_ID=PTO" {
			wdError(w, http.StatusBadRequest, "A1041", "Worker Not Eligible for Time Off Type")
			return
		}
		if d.DailyQuantity == nil || d.Date == "" {
			wdError(w, http.StatusBadRequest, "A1017", "Daily Quantity is required and must have a value.")
			return
		}
		hours += *d.DailyQuantity
	}
	f.mu.Lock()
	if len(body.Days) == 0 || hours > f.workers[i].PTOHours {
		f.mu.Unlock()
		wdError(w, http.StatusBadRequest, "A1011", "You don't have a sufficient balance or aren't eligible to satisfy the request.")
		return
	}
	f.workers[i].PTOHours -= hours
	f.events++
	ev := &event{id: wid("event", strconv.Itoa(f.events)), worker: i, hours: hours, from: from, to: to, status: "In Progress", created: f.now()}
	f.reqs = append(f.reqs, ev)
	f.mu.Unlock()
	kit.JSON(w, http.StatusCreated, "", map[string]any{"businessProcessParameters": map[string]any{
		"action": ref(submitAction, "Submit"), "overallBusinessProcess": ref(ev.id, "Request Time Off"), "overallStatus": ev.status}})
}

func (f *Fake) findEvent(w http.ResponseWriter, id string) (*event, Worker, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, ev := range f.reqs {
		if ev.id == id {
			return ev, f.workers[ev.worker], true
		}
	}
	wdError(w, http.StatusNotFound, "", "Invalid ID value. '"+id+"' is not a valid ID for Event")
	return nil, Worker{}, false
}

// event serves EventDetails: "for" is the worker the event is about.
func (f *Fake) event(w http.ResponseWriter, r *http.Request) {
	ev, x, ok := f.findEvent(w, r.PathValue("id"))
	if !ok {
		return
	}
	f.mu.Lock()
	m := map[string]any{"id": ev.id, "descriptor": "Request Time Off: " + x.Name, "status": ref(wid("status", ev.status), ev.status),
		"for": ref(wid("worker", x.EmployeeID), x.Name), "initiator": ref(wid("worker", x.EmployeeID), x.Name),
		"creationDate": ev.created, "overallBusinessProcess": ref(wid("bpType", "Request Time Off"), "Request Time Off")}
	if ev.completed != "" {
		m["completedDate"] = ev.completed
	}
	f.mu.Unlock()
	kit.JSON(w, http.StatusOK, "", m)
}

// steps serves the step in progress: it awaits the worker's manager.
func (f *Fake) steps(w http.ResponseWriter, r *http.Request) {
	ev, x, ok := f.findEvent(w, r.PathValue("id"))
	if !ok {
		return
	}
	items := []map[string]any{}
	f.mu.Lock()
	inProgress := ev.status == "In Progress"
	f.mu.Unlock()
	if m, found := f.find("Employee_ID=" + x.Manager); inProgress && found {
		mgr := f.worker(m)
		items = append(items, map[string]any{"id": wid("step", ev.id), "descriptor": "Review Time Off Request",
			"status":          ref(wid("stepStatus", "Awaiting Action"), "Awaiting Action"),
			"awaitingPersons": []any{ref(wid("worker", mgr.EmployeeID), mgr.Name)}})
	}
	f.page(w, r, items)
}

func (f *Fake) approve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	var ev *event
	for _, e := range f.reqs {
		if wid("step", e.id) == r.PathValue("id") && e.status == "In Progress" {
			ev = e
		}
	}
	if ev != nil {
		ev.status, ev.completed = "Successfully Completed", f.now()
	}
	f.mu.Unlock()
	if ev == nil {
		wdError(w, http.StatusNotFound, "", "Invalid ID value for Event Step")
		return
	}
	kit.JSON(w, http.StatusCreated, "", map[string]any{"id": r.PathValue("id"), "eventStatus": ref(wid("status", "Successfully Completed"), "Successfully Completed")})
}
