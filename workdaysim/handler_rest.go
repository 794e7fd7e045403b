package workdaysim

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"

	connectors "github.com/xlr8/connectors"
)

// This file serves the REST services in the shapes of Workday's published
// descriptions (common v1, staffing v6, absenceManagement v1,
// businessProcess v1): see the package documentation, "HTTP handler".

// Workday IDs Workday publishes: the Submit action of business processes
// and the Time Off absence category.
const (
	wdActionSubmit     = "d9e4223e446c11de98360015c5e6daf6"
	wdCategoryTimeOff  = "17bd6531c90c100016d4b06f2b8a07ce"
	wdMaxLimit         = 100
	wdStatusInProgress = "In Progress"
	wdStatusCompleted  = "Successfully Completed"
	wdStatusCanceled   = "Canceled"
	wdStatusDenied     = "Denied"
	wdStatusRescinded  = "Rescinded"
)

type route struct {
	service string
	parts   []string
}

func (h *HTTPHandler) splitAPI(rest string) (route, bool) {
	segs := strings.Split(strings.Trim(rest, "/"), "/")
	n := 2 // service/version
	if len(segs) > 0 && segs[0] == "v1" {
		n = 1
	}
	if len(segs) < n+1 || segs[n] != h.cfg.Tenant {
		return route{}, false
	}
	return route{service: strings.Join(segs[:n], "/"), parts: segs[n+1:]}, true
}

// shape renders path parts with ids replaced by {ID}: workers/{ID}/directReports.
func shape(parts []string) string {
	out := make([]string, len(parts))
	for i, p := range parts {
		if i%2 == 1 {
			out[i] = "{ID}"
		} else {
			out[i] = p
		}
	}
	return strings.Join(out, "/")
}

type apiRoute struct {
	capability string
	write      bool
	serve      func(h *HTTPHandler, w http.ResponseWriter, r *http.Request, rt route)
}

var apiRoutes map[string]apiRoute

func init() {
	apiRoutes = map[string]apiRoute{
		"v1 GET workers":                                                  {"", false, (*HTTPHandler).commonWorkers},
		"v1 GET workers/{ID}":                                             {CapGetEmployee, false, (*HTTPHandler).commonWorker},
		"v1 GET workers/{ID}/directReports":                               {CapListDirectReports, false, (*HTTPHandler).directReports},
		"v1 GET workers/{ID}/paySlips":                                    {CapListPayStatements, false, (*HTTPHandler).paySlips},
		"staffing/v6 GET workers":                                         {"", false, (*HTTPHandler).staffingWorkers},
		"staffing/v6 GET workers/{ID}":                                    {CapGetEmployee, false, (*HTTPHandler).staffingWorker},
		"staffing/v6 GET workers/{ID}/serviceDates":                       {CapGetEmployee, false, (*HTTPHandler).serviceDates},
		"staffing/v6 GET supervisoryOrganizations":                        {"", false, (*HTTPHandler).organizations},
		"staffing/v6 GET supervisoryOrganizations/{ID}":                   {CapGetOrgChart, false, (*HTTPHandler).organization},
		"staffing/v6 POST workers/{ID}/jobChanges":                        {CapUpdateEmployee, true, (*HTTPHandler).startJobChange},
		"staffing/v6 PATCH jobChanges/{ID}/businessTitle/{ID}":            {CapUpdateEmployee, true, (*HTTPHandler).patchJobChange},
		"staffing/v6 PATCH jobChanges/{ID}/location/{ID}":                 {CapUpdateEmployee, true, (*HTTPHandler).patchJobChange},
		"staffing/v6 POST jobChanges/{ID}/submit":                         {CapUpdateEmployee, true, (*HTTPHandler).submitJobChange},
		"absenceManagement/v1 GET balances":                               {CapGetBalance, false, (*HTTPHandler).balances},
		"absenceManagement/v1 POST workers/{ID}/requestTimeOff":           {CapRequestTimeOff, true, (*HTTPHandler).requestTimeOff},
		"businessProcess/v1 GET events":                                   {"", false, (*HTTPHandler).events},
		"businessProcess/v1 GET events/{ID}":                              {CapGetRequest, false, (*HTTPHandler).event},
		"businessProcess/v1 GET events/{ID}/inProgressSteps":              {CapGetRequest, false, (*HTTPHandler).inProgressSteps},
		"businessProcess/v1 POST eventSteps/{ID}/approve":                 {CapApproveTimeOff, true, (*HTTPHandler).approveStep},
		"wql/v1 POST data":                                                {"", false, (*HTTPHandler).wql},
		"wql/v1 GET data":                                                 {"", false, (*HTTPHandler).wql},
		"absenceManagement/v1 GET workers/{ID}/timeOffDetails":            {CapListRequests, false, (*HTTPHandler).timeOffDetails},
		"staffing/v6 GET supervisoryOrganizations/{ID}/members":           {CapGetOrgChart, false, (*HTTPHandler).members},
		"v1 GET workers/{ID}/supervisoryOrganizationsManaged":             {CapGetOrgChart, false, (*HTTPHandler).organizationsManaged},
		"businessProcess/v1 GET events/{ID}/completedSteps":               {CapGetRequest, false, (*HTTPHandler).completedSteps},
		"staffing/v6 GET supervisoryOrganizations/{ID}/orgChart":          {CapGetOrgChart, false, (*HTTPHandler).orgChart},
		"absenceManagement/v1 GET workers/{ID}/eligibleAbsenceTypes":      {CapGetBalance, false, (*HTTPHandler).eligibleAbsenceTypes},
		"staffing/v6 GET workers/{ID}/serviceDates/{ID}":                  {CapGetEmployee, false, (*HTTPHandler).serviceDates},
		"businessProcess/v1 GET events/{ID}/inProgressSteps/{ID}":         {CapGetRequest, false, (*HTTPHandler).inProgressSteps},
		"absenceManagement/v1 GET workers/{ID}/timeOffDetails/{ID}":       {CapListRequests, false, (*HTTPHandler).timeOffDetails},
		"staffing/v6 GET supervisoryOrganizations/{ID}/members/{ID}":      {CapGetOrgChart, false, (*HTTPHandler).members},
		"v1 GET supervisoryOrganizations/{ID}/workers":                    {CapGetOrgChart, false, (*HTTPHandler).members},
		"absenceManagement/v1 GET workers/{ID}/eligibleAbsenceTypes/{ID}": {CapGetBalance, false, (*HTTPHandler).eligibleAbsenceTypes},
	}
}

func (h *HTTPHandler) serveAPI(w http.ResponseWriter, r *http.Request, rest string) {
	rt, ok := h.splitAPI(rest)
	if !ok {
		writeWDError(w, http.StatusNotFound, "", "invalid request: unknown service or tenant")
		return
	}
	hd, ok := apiRoutes[rt.service+" "+r.Method+" "+shape(rt.parts)]
	if !ok {
		writeWDError(w, http.StatusNotFound, "", "invalid request: no such resource "+r.Method+" "+rt.service+"/"+strings.Join(rt.parts, "/"))
		return
	}
	if !h.simulate(w, r, hd.capability, hd.write) {
		return
	}
	hd.serve(h, w, r, rt)
}

// paging reads limit (default 20, at most 100) and offset.
func paging(w http.ResponseWriter, r *http.Request) (limit, offset int, ok bool) {
	q := r.URL.Query()
	limit, offset = 20, 0
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > wdMaxLimit {
			writeWDError(w, http.StatusBadRequest, "", fmt.Sprintf("invalid request: limit %q must be between 1 and %d", s, wdMaxLimit))
			return 0, 0, false
		}
		limit = n
	}
	if s := q.Get("offset"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			writeWDError(w, http.StatusBadRequest, "", fmt.Sprintf("invalid request: offset %q must be a non-negative integer", s))
			return 0, 0, false
		}
		offset = n
	}
	return limit, offset, true
}

// writePage writes a {total, data} page of items[offset:offset+limit].
func (h *HTTPHandler) writePage(w http.ResponseWriter, r *http.Request, items []map[string]any) {
	h.writeWindow(w, r, len(items), func(i int) map[string]any { return items[i] })
}

// writeWindow writes a {total, data} page of n items, rendering only the
// window's.
func (h *HTTPHandler) writeWindow(w http.ResponseWriter, r *http.Request, n int, item func(i int) map[string]any) {
	limit, offset, ok := paging(w, r)
	if !ok {
		return
	}
	data := make([]map[string]any, 0, max(0, min(offset+limit, n)-min(offset, n)))
	for i := min(offset, n); i < min(offset+limit, n); i++ {
		data = append(data, item(i))
	}
	writeJSON(w, http.StatusOK, map[string]any{"total": int64(n) + h.inflate.Load(), "data": data})
}

// activeIDs returns the active employees' ids, by id.
func (h *HTTPHandler) activeIDs() []string {
	st := h.sim.be.st.Load()
	var out []string
	st.read(h.sim.be.clock.Today(), func() {
		for _, id := range st.ids {
			if st.emps[id].Status == StatusActive {
				out = append(out, id)
			}
		}
	})
	return out
}

func (h *HTTPHandler) employee(id string) EmployeeRecord {
	st := h.sim.be.st.Load()
	var e EmployeeRecord
	st.read(h.sim.be.clock.Today(), func() { e = st.emps[id].EmployeeRecord })
	return e
}

func (h *HTTPHandler) href(r *http.Request, service string, parts ...string) string {
	scheme := "https"
	if r.TLS == nil {
		scheme = "http"
	}
	return scheme + "://" + r.Host + pathAPI + service + "/" + h.cfg.Tenant + "/" + strings.Join(parts, "/")
}

// ref is an instance reference {id, descriptor, href}; empty parts are
// left out (Workday leaves out what it has not).
func ref(id, descriptor, href string) map[string]any {
	m := map[string]any{"id": id}
	if descriptor != "" {
		m["descriptor"] = descriptor
	}
	if href != "" {
		m["href"] = href
	}
	return m
}

func put(m map[string]any, k, v string) {
	if v != "" {
		m[k] = v
	}
}

func notFound(w http.ResponseWriter, what, id string) {
	writeWDError(w, http.StatusNotFound, "", fmt.Sprintf("Invalid ID value. '%s' is not a valid ID for %s", id, what))
}

// worker resolves a worker path id to an active employee; false means the
// response was written (Workday's collections serve non-terminated
// workers only).
func (h *HTTPHandler) worker(w http.ResponseWriter, s string) (EmployeeRecord, bool) {
	id, ok := h.resolve("worker", s)
	var e EmployeeRecord
	if ok {
		st := h.sim.be.st.Load()
		st.read(h.sim.be.clock.Today(), func() {
			if x, found := st.emps[id]; found && x.Status == StatusActive {
				e = x.EmployeeRecord
			} else {
				ok = false
			}
		})
	}
	if !ok {
		notFound(w, "Worker", s)
	}
	return e, ok
}

// employees returns the active employees by employee id.
func (h *HTTPHandler) employees() []EmployeeRecord {
	st := h.sim.be.st.Load()
	var out []EmployeeRecord
	st.read(h.sim.be.clock.Today(), func() {
		for _, id := range st.ids {
			if e := st.emps[id]; e.Status == StatusActive {
				out = append(out, e.EmployeeRecord)
			}
		}
	})
	return out
}

func (h *HTTPHandler) isManager(id string) bool {
	st := h.sim.be.st.Load()
	found := false
	st.read(h.sim.be.clock.Today(), func() {
		for _, r := range st.reports[id] {
			if st.emps[r].Status == StatusActive {
				found = true
			}
		}
	})
	return found
}

// workerSummary renders common v1's WorkerSummary.
func (h *HTTPHandler) workerSummary(r *http.Request, e EmployeeRecord) map[string]any {
	wid := h.WID("worker", e.EmployeeID)
	m := map[string]any{"id": wid, "descriptor": e.Name.Display, "href": h.href(r, "v1", "workers", wid), "isManager": h.isManager(e.EmployeeID)}
	put(m, "primaryWorkEmail", e.Email)
	put(m, "primaryWorkPhone", e.Phone.Work)
	put(m, "businessTitle", e.Job.Title)
	if e.Job.DepartmentID != "" {
		o := h.WID("organization", e.Job.DepartmentID)
		m["primarySupervisoryOrganization"] = ref(o, e.Job.Department, h.href(r, "v1", "supervisoryOrganizations", o))
	}
	return m
}

func (h *HTTPHandler) commonWorkers(w http.ResponseWriter, r *http.Request, rt route) {
	search := strings.ToLower(strings.TrimSpace(r.URL.Query().Get("search")))
	var ids []string
	for _, id := range h.activeIDs() {
		if search == "" || nameMatches(h.employee(id).Name.Display, search) {
			ids = append(ids, id)
		}
	}
	h.writeWindow(w, r, len(ids), func(i int) map[string]any { return h.workerSummary(r, h.employee(ids[i])) })
}

// nameMatches is the workers search: case-insensitive, a word of the name
// starting with one of the space-separated search strings.
func nameMatches(name, search string) bool {
	for _, word := range strings.Fields(strings.ToLower(name)) {
		for _, s := range strings.Fields(search) {
			if strings.HasPrefix(word, s) {
				return true
			}
		}
	}
	return false
}

// commonWorker serves common v1's WorkerProfile.
func (h *HTTPHandler) commonWorker(w http.ResponseWriter, r *http.Request, rt route) {
	e, ok := h.worker(w, rt.parts[1])
	if !ok {
		return
	}
	m := h.workerSummary(r, e)
	if e.Job.Location != "" {
		m["location"] = ref(h.WID("location", e.Job.Location), e.Job.Location, "")
	}
	if today := h.sim.be.clock.Today(); !e.StartDate.IsZero() {
		years := today.Year - e.StartDate.Year
		if today.Month < e.StartDate.Month || today.Month == e.StartDate.Month && today.Day < e.StartDate.Day {
			years--
		}
		m["yearsOfService"] = max(years, 0)
	}
	writeJSON(w, http.StatusOK, m)
}

func (h *HTTPHandler) directReports(w http.ResponseWriter, r *http.Request, rt route) {
	e, ok := h.worker(w, rt.parts[1])
	if !ok {
		return
	}
	out, err := call(h, connectors.Principal{}, ListDirectReportsRequest{ManagerID: e.EmployeeID}, (*store).listDirectReports)
	if err != nil {
		writeSimError(w, err)
		return
	}
	items := []map[string]any{}
	st := h.sim.be.st.Load()
	for _, d := range out.DirectReports {
		var rec EmployeeRecord
		st.read(h.sim.be.clock.Today(), func() { rec = st.emps[d.EmployeeID].EmployeeRecord })
		items = append(items, h.workerSummary(r, rec))
	}
	h.writePage(w, r, items)
}

// workerData renders staffing v6's WorkerData.
func (h *HTTPHandler) workerData(r *http.Request, e EmployeeRecord) map[string]any {
	wid := h.WID("worker", e.EmployeeID)
	m := map[string]any{"id": wid, "descriptor": e.Name.Display, "workerId": e.EmployeeID}
	if e.Job.EmployeeType != "" {
		m["workerType"] = ref(h.WID("workerType", e.Job.EmployeeType), e.Job.EmployeeType, "")
	}
	job := map[string]any{"id": h.WID("job", e.EmployeeID), "descriptor": e.Job.Title}
	put(job, "businessTitle", e.Job.Title)
	if e.Job.DepartmentID != "" {
		o := h.WID("organization", e.Job.DepartmentID)
		job["supervisoryOrganization"] = ref(o, e.Job.Department, "")
	}
	if e.Job.Location != "" {
		job["location"] = ref(h.WID("location", e.Job.Location), e.Job.Location, "")
	}
	m["primaryJob"] = job
	person := map[string]any{"id": h.WID("person", e.EmployeeID)}
	put(person, "email", e.Email)
	put(person, "phone", e.Phone.Work)
	m["person"] = person
	return m
}

func (h *HTTPHandler) staffingWorkers(w http.ResponseWriter, r *http.Request, rt route) {
	ids := h.activeIDs()
	h.writeWindow(w, r, len(ids), func(i int) map[string]any { return h.workerData(r, h.employee(ids[i])) })
}

func (h *HTTPHandler) staffingWorker(w http.ResponseWriter, r *http.Request, rt route) {
	if e, ok := h.worker(w, rt.parts[1]); ok {
		writeJSON(w, http.StatusOK, h.workerData(r, e))
	}
}

// serviceDates serves staffing v6's serviceDates (hireDate,
// continuousServiceDate): one instance per worker.
func (h *HTTPHandler) serviceDates(w http.ResponseWriter, r *http.Request, rt route) {
	e, ok := h.worker(w, rt.parts[1])
	if !ok {
		return
	}
	m := map[string]any{"id": h.WID("serviceDates", e.EmployeeID), "descriptor": e.Name.Display}
	if !e.StartDate.IsZero() {
		m["hireDate"] = e.StartDate.String()
		m["continuousServiceDate"] = e.StartDate.String()
	}
	if len(rt.parts) == 4 {
		writeJSON(w, http.StatusOK, m)
		return
	}
	h.writePage(w, r, []map[string]any{m})
}

// organizationView renders staffing v6's SupervisoryOrganizationView.
func (h *HTTPHandler) organizationView(o OrganizationRecord) map[string]any {
	m := map[string]any{"id": h.WID("organization", o.OrganizationID), "descriptor": o.Name, "name": o.Name,
		"code": o.OrganizationID, "inactive": false}
	st := h.sim.be.st.Load()
	st.read(h.sim.be.clock.Today(), func() {
		if e, ok := st.emps[o.HeadID]; ok && e.Status == StatusActive {
			m["managers"] = []any{ref(h.WID("worker", o.HeadID), e.Name.Display, "")}
		}
	})
	return m
}

func (h *HTTPHandler) orgList() []OrganizationRecord {
	st := h.sim.be.st.Load()
	var out []OrganizationRecord
	st.read(h.sim.be.clock.Today(), func() { out = append(out, st.orgs...) })
	return out
}

func (h *HTTPHandler) organizations(w http.ResponseWriter, r *http.Request, rt route) {
	var items []map[string]any
	for _, o := range h.orgList() {
		items = append(items, h.organizationView(o))
	}
	h.writePage(w, r, items)
}

func (h *HTTPHandler) org(w http.ResponseWriter, s string) (OrganizationRecord, bool) {
	if id, ok := h.resolve("organization", s); ok {
		for _, o := range h.orgList() {
			if o.OrganizationID == id {
				return o, true
			}
		}
	}
	notFound(w, "Supervisory Organization", s)
	return OrganizationRecord{}, false
}

func (h *HTTPHandler) organization(w http.ResponseWriter, r *http.Request, rt route) {
	if o, ok := h.org(w, rt.parts[1]); ok {
		writeJSON(w, http.StatusOK, h.organizationView(o))
	}
}

// members serves an organization's members (staffing v6 JobData) or
// workers (common v1 WorkerSummary).
func (h *HTTPHandler) members(w http.ResponseWriter, r *http.Request, rt route) {
	o, ok := h.org(w, rt.parts[1])
	if !ok {
		return
	}
	var items []map[string]any
	for _, e := range h.employees() {
		if e.Job.DepartmentID != o.OrganizationID {
			continue
		}
		if rt.service == "v1" {
			items = append(items, h.workerSummary(r, e))
			continue
		}
		job := map[string]any{"id": h.WID("job", e.EmployeeID), "descriptor": e.Job.Title,
			"worker":                  ref(h.WID("worker", e.EmployeeID), e.Name.Display, ""),
			"supervisoryOrganization": ref(h.WID("organization", o.OrganizationID), o.Name, "")}
		put(job, "businessTitle", e.Job.Title)
		items = append(items, job)
	}
	h.writePage(w, r, items)
}

// orgChart serves staffing v6's orgChart: the organization with its
// superior and subordinate organizations.
func (h *HTTPHandler) orgChart(w http.ResponseWriter, r *http.Request, rt route) {
	o, ok := h.org(w, rt.parts[1])
	if !ok {
		return
	}
	m := map[string]any{"id": h.WID("organization", o.OrganizationID), "descriptor": o.Name}
	subs := []any{}
	for _, x := range h.orgList() {
		if x.ParentID == o.OrganizationID {
			subs = append(subs, h.organizationView(x))
		}
		if x.OrganizationID == o.ParentID {
			m["superior"] = ref(h.WID("organization", x.OrganizationID), x.Name, "")
		}
	}
	m["subordinates"] = subs
	h.writePage(w, r, []map[string]any{m})
}

func (h *HTTPHandler) organizationsManaged(w http.ResponseWriter, r *http.Request, rt route) {
	e, ok := h.worker(w, rt.parts[1])
	if !ok {
		return
	}
	var items []map[string]any
	for _, o := range h.orgList() {
		if o.HeadID == e.EmployeeID {
			wid := h.WID("organization", o.OrganizationID)
			items = append(items, map[string]any{"id": wid, "descriptor": o.Name, "name": o.Name, "code": o.OrganizationID,
				"href": h.href(r, "v1", "supervisoryOrganizations", wid), "manager": ref(h.WID("worker", e.EmployeeID), e.Name.Display, "")})
		}
	}
	h.writePage(w, r, items)
}

// paySlips serves common v1's PaySlipSummary collection: the worker's
// pay statements the simulator shows (its pay_statements entity), by pay
// date; the resource takes no date filter.
func (h *HTTPHandler) paySlips(w http.ResponseWriter, r *http.Request, rt route) {
	id, ok := h.resolve("worker", rt.parts[1])
	st := h.sim.be.st.Load()
	today := h.sim.be.clock.Today()
	items := []map[string]any{}
	st.read(today, func() {
		if _, found := st.emps[id]; !found {
			ok = false
			return
		}
		ent := entities[EntityPayStatements]
		for pos := 0; pos < ent.size(st); pos++ {
			rec, has := ent.record(st, pos, today)
			if !has || rec["employee_id"] != id {
				continue
			}
			items = append(items, map[string]any{"id": rec["statement_id"], "descriptor": "Pay Slip " + txt(rec["pay_date"]),
				"date": rec["pay_date"], "gross": rec["gross"], "net": rec["net_pay"], "status": ref(h.WID("payStatus", "Complete"), "Complete", "")})
		}
	})
	if !ok {
		notFound(w, "Worker", rt.parts[1])
		return
	}
	sort.SliceStable(items, func(i, j int) bool { return txt(items[i]["date"]) < txt(items[j]["date"]) })
	h.writePage(w, r, items)
}

// balances serves absenceManagement v1's AbsenceBalanceView collection:
// one worker's (worker=, effective=) or, without a worker, everyone's.
func (h *HTTPHandler) balances(w http.ResponseWriter, r *http.Request, rt route) {
	q := r.URL.Query()
	var ids []string
	if s := q.Get("worker"); s != "" {
		id, ok := h.resolve("worker", s)
		if !ok {
			notFound(w, "Worker", s)
			return
		}
		ids = []string{id}
	} else {
		for _, e := range h.employees() {
			ids = append(ids, e.EmployeeID)
		}
	}
	var eff *Date
	if s := q.Get("effective"); s != "" {
		d, err := connectors.ParseDate(s)
		if err != nil {
			writeWDError(w, http.StatusBadRequest, "", "invalid request: effective "+strconv.Quote(s)+" is not a yyyy-mm-dd date")
			return
		}
		eff = &d
	}
	items := []map[string]any{}
	st := h.sim.be.st.Load()
	for _, id := range ids {
		out, err := call(h, connectors.Principal{}, GetBalanceRequest{EmployeeID: id, AsOfDate: eff}, (*store).getBalance)
		if err != nil {
			writeSimError(w, err)
			return
		}
		var name string
		st.read(h.sim.be.clock.Today(), func() { name = st.emps[id].Name.Display })
		for _, b := range out.Balances {
			items = append(items, map[string]any{
				"absencePlan":   map[string]any{"id": h.WID("plan", b.Type), "descriptor": b.TypeName, "timeoffs": b.TypeName},
				"quantity":      b.AvailableHours,
				"unit":          ref(h.WID("unit", "Hours"), "Hours", ""),
				"effectiveDate": out.AsOfDate.String(),
				"category":      ref(wdCategoryTimeOff, "Time Off", ""),
				"worker":        ref(h.WID("worker", id), name, ""),
			})
		}
	}
	h.writePage(w, r, items)
}

// eligibleAbsenceTypes serves absenceManagement v1's eligible absence
// types of a worker: the time off types of its balances.
func (h *HTTPHandler) eligibleAbsenceTypes(w http.ResponseWriter, r *http.Request, rt route) {
	e, ok := h.worker(w, rt.parts[1])
	if !ok {
		return
	}
	out, err := call(h, connectors.Principal{}, GetBalanceRequest{EmployeeID: e.EmployeeID}, (*store).getBalance)
	if err != nil {
		writeSimError(w, err)
		return
	}
	items := []map[string]any{}
	for _, b := range out.Balances {
		items = append(items, map[string]any{"id": h.WID("timeOffType", b.Type), "descriptor": b.TypeName,
			"unitOfTime": ref(h.WID("unit", "Hours"), "Hours", ""), "category": ref(wdCategoryTimeOff, "Time Off", "")})
	}
	h.writePage(w, r, items)
}

// timeOffDetails serves absenceManagement v1's TimeOffDetailsView: one
// entry per day of each request, from fromDate to toDate. Canceled and
// denied entries are not returned (as Workday documents).
func (h *HTTPHandler) timeOffDetails(w http.ResponseWriter, r *http.Request, rt route) {
	id, ok := h.resolve("worker", rt.parts[1])
	if !ok {
		notFound(w, "Worker", rt.parts[1])
		return
	}
	q := r.URL.Query()
	var from, to Date
	for k, d := range map[string]*Date{"fromDate": &from, "toDate": &to} {
		if s := q.Get(k); s != "" {
			x, err := connectors.ParseDate(s)
			if err != nil {
				writeWDError(w, http.StatusBadRequest, "", "invalid request: "+k+" "+strconv.Quote(s)+" is not a yyyy-mm-dd date")
				return
			}
			*d = x
		}
	}
	st := h.sim.be.st.Load()
	var reqs []RequestRecord
	var name string
	st.read(h.sim.be.clock.Today(), func() {
		e, found := st.emps[id]
		if !found {
			ok = false
			return
		}
		name = e.Name.Display
		for _, rid := range st.reqByEmp[id] {
			reqs = append(reqs, *st.requests[rid])
		}
	})
	if !ok {
		notFound(w, "Worker", rt.parts[1])
		return
	}
	items := []map[string]any{}
	for _, rq := range reqs {
		status := map[string]string{RequestPending: "Submitted", RequestApproved: "Approved"}[rq.Status]
		if status == "" {
			continue
		}
		days := requestDays(rq.StartDate, rq.EndDate, rq.Hours)
		for _, d := range days {
			if (!from.IsZero() && d.date.Before(from)) || (!to.IsZero() && d.date.After(to)) {
				continue
			}
			m := map[string]any{"date": d.date.String(), "quantity": d.hours, "unit": ref(h.WID("unit", "Hours"), "Hours", ""),
				"timeOffType": ref(h.WID("timeOffType", rq.Type), rq.Type, ""), "status": ref(h.WID("timeOffStatus", status), status, ""),
				"worker": ref(h.WID("worker", id), name, "")}
			put(m, "comment", rq.Notes)
			items = append(items, m)
		}
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i]["date"].(string) < items[j]["date"].(string) })
	h.writePage(w, r, items)
}

type dayQuantity struct {
	date  Date
	hours float64
}

// requestDays spreads a request's hours over its weekdays (every day when
// it has none), in hundredths, the remainder on the last day.
func requestDays(start, end Date, hours float64) []dayQuantity {
	var all, wd []Date
	for d := start; !d.After(end); d = d.AddDays(1) {
		all = append(all, d)
		if x := d.Time().Weekday(); x != 0 && x != 6 {
			wd = append(wd, d)
		}
	}
	if len(wd) == 0 {
		wd = all
	}
	if len(wd) == 0 {
		return nil
	}
	c := int64(hours*100 + 0.5)
	per := c / int64(len(wd))
	out := make([]dayQuantity, len(wd))
	for i, d := range wd {
		out[i] = dayQuantity{d, float64(per) / 100}
	}
	out[len(wd)-1].hours = float64(c-per*int64(len(wd)-1)) / 100
	return out
}
