package ukg

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/xlr8/connectors/internal/fake/kit"
)

// proResource is one UKG Pro REST collection: its records as the API's JSON
// and the query parameters it accepts (name -> record field). Parameter
// casing differs per endpoint (companyId on person-details, companyID on
// employee-employment-details), and date parameters take UKG's operators:
// =>MM-DD-YYYY, =<MM-DD-YYYY, =MM-DD-YYYY, ={MM-DD-YYYY,MM-DD-YYYY}.
type proResource struct {
	params  map[string]string
	dates   map[string]string
	records []map[string]any
}

type proState struct {
	res map[string]*proResource
}

// The fake's collections and their parameters, from UKG's OpenAPI
// (konfig-sdks/ukg-java-sdk api/openapi.yaml and its docs/*Api.md).
func (p *proState) init() {
	p.res = map[string]*proResource{
		"/personnel/v1/person-details": {
			params: map[string]string{"companyId": "companyId", "employeeId": "employeeId", "lastName": "lastName",
				"emailAddress": "emailAddress", "addressState": "addressState", "addressCountry": "addressCountry"},
			dates: map[string]string{"dateTimeCreated": "datetimeCreated", "dateTimeChanged": "datetimeChanged"}},
		"/personnel/v1/employee-employment-details": {
			params: map[string]string{"companyID": "companyID", "employeeID": "employeeID", "employeeNumber": "employeeNumber"},
			dates:  map[string]string{"dateTimeChanged": "dateTimeChanged"}},
		"/personnel/v1/employee-job-history-details": {
			params: map[string]string{"companyId": "companyId", "employeeId": "employeeId", "systemId": "systemId"},
			dates:  map[string]string{"jobEffectiveDate": "jobEffectiveDate", "dateTimeCreated": "dateTimeCreated"}},
		"/personnel/v1/compensation-details": {
			params: map[string]string{"companyID": "companyID", "employeeID": "employeeID"}},
		"/payroll/v1/earnings-history-base-elements": {
			params: map[string]string{"companyId": "companyId", "employeeId": "employeeId", "earningCode": "earningCode"},
			dates:  map[string]string{"payDate": "payDate"}},
		// ViewOrCreateOrganizationLevelsApi: getAllOrgLevels' parameters.
		"/configuration/v1/org-levels": {
			params: map[string]string{"levelDescription": "levelDescription", "code": "code", "budgetGroup": "budgetGroup",
				"reportingCategory": "reportingCategory", "isActive": "isActive"}},
	}
}

// SeedPro replaces a UKG Pro REST collection ("person-details",
// "employee-employment-details", "employee-job-history-details",
// "compensation-details", "earnings-history-base-elements", "org-levels")
// with n generated records and returns them as the API sends them.
func (s *Server) SeedPro(resource string, n int) []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	path := proPath(resource)
	r := s.pro.res[path]
	if r == nil {
		panic("fake ukg: unknown UKG Pro resource " + resource)
	}
	r.records = make([]map[string]any, n)
	for i := range n {
		r.records[i] = proRecord(resource, i)
	}
	return cloneAll(r.records)
}

// SetPro replaces a collection with the given records (the API's JSON).
func (s *Server) SetPro(resource string, recs []map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pro.res[proPath(resource)].records = cloneAll(recs)
}

func proPath(resource string) string {
	switch resource {
	case "earnings-history-base-elements":
		return "/payroll/v1/" + resource
	case "org-levels":
		return "/configuration/v1/" + resource
	}
	return "/personnel/v1/" + resource
}

var states = []string{"GA", "FL", "TX", "NY"}

func proRecord(resource string, i int) map[string]any {
	ee := fmt.Sprintf("EE%05d", i+1)
	changed := time.Date(2024, 1, 1, 9, 30, 0, 0, time.UTC).AddDate(0, 0, i%60).Format("2006-01-02T15:04:05Z")
	switch resource {
	case "person-details":
		return map[string]any{"employeeId": ee, "companyId": "J9A6Y", "personId": fmt.Sprintf("6f1c0d2e-0000-4000-8000-%012d", i+1),
			"firstName": fmt.Sprintf("First%d", i+1), "lastName": fmt.Sprintf("Last%d", i+1), "middleName": nil,
			"emailAddress": fmt.Sprintf("person%d@example.com", i+1), "addressState": states[i%len(states)], "addressCountry": "USA",
			"dateOfBirth": "1985-03-14T00:00:00Z", "datetimeCreated": "2019-06-03T00:00:00Z", "datetimeChanged": changed}
	case "employee-employment-details":
		status := []string{"A", "A", "L", "T"}[i%4]
		var term any
		if status == "T" {
			term = "2024-05-31T00:00:00Z"
		}
		return map[string]any{"employeeID": ee, "companyID": "J9A6Y", "employeeNumber": fmt.Sprintf("%06d", 27600+i),
			"jobTitle": "Accountant", "primaryJobCode": "ACCT1", "employeeStatusCode": status, "employeeTypeCode": "FTC",
			"fullTimeOrPartTimeCode": []string{"F", "P"}[i%2], "orgLevel1Code": "100", "primaryWorkLocationCode": "ATL",
			"supervisorID": "EE00001", "originalHireDate": "2015-02-01T00:00:00Z", "lastHireDate": "2016-02-01T00:00:00Z",
			"dateOfTermination": term, "scheduledWorkHrs": 80.0, "dateTimeChanged": changed}
	case "employee-job-history-details":
		return map[string]any{"systemId": fmt.Sprintf("JH%06d", i+1), "employeeId": ee, "companyId": "J9A6Y", "jobCode": "ACCT1",
			"jobTitle": "Accountant", "jobEffectiveDate": "2023-01-01T00:00:00Z", "isPromotion": i%3 == 0, "annualSalary": 50000.0 + float64(i),
			"reasonCode": "MERIT", "dateTimeCreated": changed}
	case "compensation-details":
		return map[string]any{"employeeID": ee, "companyID": "J9A6Y", "annualSalary": 50000.0 + float64(i*100), "hourlyPayRate": 24.04,
			"currencyCode": "USD", "jobSalaryGrade": "G7", "payGroupCode": "BIWKLY", "salaryOrHourlyCode": "S",
			"dateOfLastSalaryReview": "2023-12-01T00:00:00Z"}
	case "earnings-history-base-elements":
		return map[string]any{"employeeId": ee, "companyId": "J9A6Y", "earningCode": []string{"REG", "OT"}[i%2],
			"payDate":       time.Date(2024, 1, 5, 0, 0, 0, 0, time.UTC).AddDate(0, 0, 14*(i%6)).Format("2006-01-02T15:04:05Z"),
			"currentAmount": 1923.08, "currentHours": 80.0, "payGroup": "BIWKLY", "genNumber": strconv.Itoa(1000 + i)}
	case "org-levels":
		// OrgLevels: level is a number (the model's Double), four levels.
		level := i%4 + 1
		return map[string]any{"level": float64(level), "code": fmt.Sprintf("%d%02d", level, i/4), "description": fmt.Sprintf("Unit %d", i+1),
			"levelDescription": []string{"Company", "Division", "Department", "Team"}[level-1], "budgetGroup": "BG1", "glSegment": "GL-100",
			"reportingCategory": "RC", "isActive": i%5 != 4, "currentYearBudgetFTE": 12.5, "currentYearBudgetSalary": 650000.0,
			"lastYearBudgetFTE": 11.0, "lastYearBudgetSalary": 600000.0}
	}
	panic("fake ukg: no generator for " + resource)
}

func (s *Server) routePro() {
	for path := range s.pro.res {
		s.HandleFunc("GET "+path, s.proList)
	}
}

func (s *Server) proAuthorized(r *http.Request) bool {
	u, p, ok := r.BasicAuth()
	return ok && u == s.cfg.ProUser && p == s.cfg.ProPassword && r.Header.Get("US-Customer-Api-Key") == s.cfg.CustomerAPIKey
}

func (s *Server) proList(w http.ResponseWriter, r *http.Request) {
	if !s.proAuthorized(r) {
		w.Header().Set("WWW-Authenticate", `Basic realm="UKG"`)
		writeJSON(w, http.StatusUnauthorized, map[string]any{"message": "Authorization has been denied for this request."})
		return
	}
	s.mu.Lock()
	res := s.pro.res[s.Path(r)]
	recs := res.records // never changed in place: SeedPro and SetPro replace the slice
	s.mu.Unlock()
	q := r.URL.Query()
	if q.Get("per_Page") == "" && q.Get("per_page") != "" {
		q.Set("per_Page", q.Get("per_page")) // clients send both casings
	}
	for name, vals := range q {
		v := vals[0]
		switch {
		case name == "page" || name == "per_Page" || name == "per_page":
		case res.params[name] != "":
			recs = filterEq(recs, res.params[name], v)
		case res.dates[name] != "":
			var err error
			if recs, err = filterUKGDate(recs, res.dates[name], v); err != nil {
				writeJSON(w, http.StatusBadRequest, map[string]any{"message": err.Error()})
				return
			}
		default:
			// The fake is strict where the API may not be: a parameter in the
			// wrong casing for this endpoint fails the test that sent it.
			writeJSON(w, http.StatusBadRequest, map[string]any{"message": "unknown query parameter " + name})
			return
		}
	}
	// page is 1-based; per_Page above the maximum is silently capped.
	win, err := kit.PageNumber{PageParam: "page", SizeParam: "per_Page", First: 1, Default: s.cfg.PageSize, Max: s.cfg.PageSize}.Window(q, len(recs))
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"message": err.Error()})
		return
	}
	last := max(1, (win.N+win.Size-1)/win.Size)
	link := func(page int, rel string) string {
		return "<" + s.Relink(r, kit.Absolute, map[string]string{"page": strconv.Itoa(page), "per_Page": strconv.Itoa(win.Size)}) + `>; rel="` + rel + `"`
	}
	// Link rels first/prev/next/last, as brianfreytag/ultipro-sdk-php reads them.
	links := []string{link(1, "first"), link(last, "last")}
	if win.Page > 1 {
		links = append(links, link(win.Page-1, "prev"))
	}
	if win.More() {
		links = append(links, link(win.Page+1, "next"))
	}
	w.Header().Set("Link", strings.Join(links, ", "))
	writeJSON(w, http.StatusOK, recs[win.Start:win.End])
}

func filterEq(recs []map[string]any, field, v string) []map[string]any {
	out := recs[:0:0]
	for _, rec := range recs {
		if fmt.Sprint(rec[field]) == v {
			out = append(out, rec)
		}
	}
	return out
}

// filterUKGDate applies one of UKG's date operators to a date-time field,
// by calendar day, both bounds inclusive.
func filterUKGDate(recs []map[string]any, field, v string) ([]map[string]any, error) {
	var lo, hi time.Time
	parse := func(s string) (time.Time, error) {
		t, err := time.Parse("01-02-2006", strings.TrimSpace(s))
		if err != nil {
			return t, fmt.Errorf("the date %q is not MM-DD-YYYY", s)
		}
		return t, nil
	}
	var err error
	switch {
	case strings.HasPrefix(v, ">"):
		lo, err = parse(v[1:])
	case strings.HasPrefix(v, "<"):
		hi, err = parse(v[1:])
	case strings.HasPrefix(v, "{") && strings.HasSuffix(v, "}"):
		a, b, ok := strings.Cut(v[1:len(v)-1], ",")
		if !ok {
			return nil, fmt.Errorf("a date range needs two dates: %q", v)
		}
		if lo, err = parse(a); err == nil {
			hi, err = parse(b)
		}
	default:
		if lo, err = parse(v); err == nil {
			hi = lo
		}
	}
	if err != nil {
		return nil, err
	}
	out := recs[:0:0]
	for _, rec := range recs {
		s, _ := rec[field].(string)
		t, perr := time.Parse(time.RFC3339, s)
		if perr != nil {
			continue
		}
		day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
		if (!lo.IsZero() && day.Before(lo)) || (!hi.IsZero() && day.After(hi)) {
			continue
		}
		out = append(out, rec)
	}
	return out, nil
}

func cloneAll(recs []map[string]any) []map[string]any {
	out := make([]map[string]any, len(recs))
	for i, r := range recs {
		c := make(map[string]any, len(r))
		for k, v := range r {
			c[k] = v
		}
		out[i] = c
	}
	return out
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
