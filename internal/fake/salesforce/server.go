package salesforce

import (
	"crypto/rsa"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/xlr8/connectors/internal/fake/fault"
	"github.com/xlr8/connectors/internal/fake/kit"
)

// Config sets up a fake org. Zero values take the defaults.
type Config struct {
	// Credentials the token endpoint accepts.
	ClientID, ClientSecret, RefreshToken, Username string
	// JWTKey verifies JWT-bearer assertions (RS256).
	JWTKey *rsa.PublicKey
	// Audience a JWT's aud must equal (default "https://login.salesforce.com").
	Audience string
	// RotateRefreshTokens makes the refresh grant return a new refresh token
	// and invalidate the old one.
	RotateRefreshTokens bool
	// PageSize is the largest query page (default 2000).
	PageSize int
	// CursorTTL expires a query cursor after this much inactivity (default
	// 15 minutes).
	CursorTTL time.Duration
	// DailyLimit is the org's daily API allocation (default 100000).
	DailyLimit int
	// MaxURI is the longest request URI accepted (default 16384 bytes).
	MaxURI int
	// BulkPolls is how many status polls a bulk job takes to complete
	// (default 2: UploadComplete, InProgress, then JobComplete).
	BulkPolls int
	// BulkChunk is the default number of records per results chunk
	// (default 10000).
	BulkChunk int
	// Seed seeds the fault injector.
	Seed uint64
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Server is a running fake org, on the fake kit mounted at the host root:
// Salesforce's instance_url is an origin and its nextRecordsUrl a
// host-absolute path, so a base path would not be Salesforce's wire.
type Server struct {
	*kit.Server

	cfg      Config
	mu       sync.Mutex
	objects  map[string]*object
	cursors  *kit.Cursors[*cursor]
	jobs     map[string]*job
	counter  int
	used     int
	calls    map[string]int
	failNext string
	cutRows  int
}

// New starts a fake org on a TLS loopback server. Use Server.Client() as the
// connector's HTTP client; Close it when done.
func New(cfg Config) *Server {
	if cfg.ClientID == "" {
		cfg.ClientID = "3MVG9fake.consumer.key"
	}
	if cfg.ClientSecret == "" {
		cfg.ClientSecret = "fake-consumer-secret-8f2d"
	}
	if cfg.RefreshToken == "" {
		cfg.RefreshToken = "5Aep861fake.refresh.token"
	}
	if cfg.Username == "" {
		cfg.Username = "integration@acme.example"
	}
	if cfg.Audience == "" {
		cfg.Audience = "https://login.salesforce.com"
	}
	if cfg.PageSize <= 0 {
		cfg.PageSize = 2000
	}
	if cfg.CursorTTL <= 0 {
		cfg.CursorTTL = 15 * time.Minute
	}
	if cfg.DailyLimit <= 0 {
		cfg.DailyLimit = 100000
	}
	if cfg.MaxURI <= 0 {
		cfg.MaxURI = 16384
	}
	if cfg.BulkPolls <= 0 {
		cfg.BulkPolls = 2
	}
	if cfg.BulkChunk <= 0 {
		cfg.BulkChunk = 10000
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Server{Server: kit.New(kit.Config{Base: "/", Seed: cfg.Seed, Now: cfg.Now}), cfg: cfg,
		cursors: kit.NewCursors[*cursor](cfg.CursorTTL, cfg.Now), jobs: map[string]*job{}, calls: map[string]int{}}
	s.objects = standardObjects(s.Store)
	s.Faults.Eligible = func(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/services/data/v") }
	// Salesforce has no 429: its transient limit is the concurrent
	// long-running request limit, a 403 with REQUEST_LIMIT_EXCEEDED.
	s.Faults.Respond[fault.RateLimit] = func(w http.ResponseWriter, r *http.Request) {
		writeErrors(w, http.StatusForbidden, "REQUEST_LIMIT_EXCEEDED", "ConcurrentPerOrgLongTxn Limit exceeded.")
	}
	s.Faults.Respond[fault.Unauthorized] = func(w http.ResponseWriter, r *http.Request) {
		writeErrors(w, http.StatusUnauthorized, "INVALID_SESSION_ID", "Session expired or invalid")
	}
	s.Faults.Respond[fault.Unavailable] = func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "0")
		writeErrors(w, http.StatusServiceUnavailable, "SERVER_UNAVAILABLE", "Server is temporarily unavailable")
	}
	s.Use(s.uriLimit)
	s.EnableOAuth(s.oauth())
	for _, m := range []string{"GET", "POST", "PATCH", "DELETE"} {
		s.HandleFunc(m+" /services/data/", s.data)
	}
	return s
}

// Config returns the configuration in force (with defaults).
func (s *Server) Config() Config { return s.cfg }

// ---- test controls ----

// Seed replaces an object's records with n generated ones and returns them
// as the REST API would yield them (JSON values, no attributes). Only
// Account has a generator; other objects take Insert.
func (s *Server) Seed(objName string, n int) []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.objects[objName]
	recs := make([]record, n)
	out := make([]map[string]any, n)
	for i := range recs {
		recs[i] = s.accountRecord(o, i)
		out[i] = toJSON(o, recs[i], nil)
	}
	o.data.Seed(recs)
	o.nextID = n
	return out
}

// Generate makes an Account dataset of n records computed on demand, for
// benchmarks: the fake holds none of them in memory.
func (s *Server) Generate(objName string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.objects[objName]
	o.data.Generate(n, func(i int) record { return s.accountRecord(o, i) })
	o.nextID = n
}

// Insert adds a record (JSON-like values; datetimes as time.Time, dates as
// "YYYY-MM-DD") and returns its id.
func (s *Server) Insert(objName string, values map[string]any) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.objects[objName]
	r := record{}
	for k, v := range values {
		name, ok := o.resolve(k)
		if !ok {
			panic("fake salesforce: no field " + k + " on " + objName)
		}
		r[name] = fromJSON(o.types[name], v)
	}
	id := o.id(o.nextID)
	o.nextID++
	r["Id"] = id
	if _, ok := r["SystemModstamp"]; !ok && o.types["SystemModstamp"] != "" {
		r["SystemModstamp"] = s.cfg.Now().UTC()
	}
	if o.types["IsDeleted"] != "" {
		r["IsDeleted"] = false
	}
	o.data.Append(r)
	return id
}

// Delete soft-deletes a record: query no longer returns it, queryAll does
// (with IsDeleted true).
func (s *Server) Delete(objName, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.objects[objName]
	for i := 0; i < o.data.Len(); i++ {
		if o.data.At(i)["Id"] == id {
			o.data.Delete(i)
		}
	}
}

// ExpireTokens invalidates every access token issued so far.
func (s *Server) ExpireTokens() { s.OAuth.ExpireTokens() }

// ExpireCursors drops every open query cursor (as 15 idle minutes would).
func (s *Server) ExpireCursors() { s.cursors.Expire() }

// UseQuota sets the API calls used today; SetDailyLimit the allocation.
func (s *Server) UseQuota(used int) {
	s.mu.Lock()
	s.used = used
	s.mu.Unlock()
}

// SetDailyLimit changes the daily allocation.
func (s *Server) SetDailyLimit(n int) {
	s.mu.Lock()
	s.cfg.DailyLimit = n
	s.mu.Unlock()
}

// Used returns the API calls counted today.
func (s *Server) Used() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.used
}

// InflateTotal makes query responses advertise k more records than exist.
func (s *Server) InflateTotal(k int) { s.LieAboutTotal(k) }

// TokenRequests counts token requests by grant type ("" for all).
func (s *Server) TokenRequests(grant string) int { return s.OAuth.Requests(grant) }

// Calls counts data requests by kind: "query", "queryMore", "describe",
// "describeGlobal", "record", "limits", "bulkCreate", "bulkPoll",
// "bulkResults", and "quotaRejected" for calls refused by the daily quota.
func (s *Server) Calls(kind string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[kind]
}

// Issued returns every access and refresh token the fake has issued, for
// secret-leak checks.
func (s *Server) Issued() []string { return s.OAuth.Issued() }

// CurrentRefreshToken is the refresh token the token endpoint accepts now.
func (s *Server) CurrentRefreshToken() string { return s.OAuth.RefreshToken() }

// ---- HTTP ----

func writeJSON(w http.ResponseWriter, status int, v any) {
	kit.JSON(w, status, "application/json;charset=UTF-8", v)
}

// writeErrors writes Salesforce's REST error array.
func writeErrors(w http.ResponseWriter, status int, code, msg string, fields ...string) {
	e := map[string]any{"message": msg, "errorCode": code}
	if len(fields) > 0 {
		e["fields"] = fields
	}
	writeJSON(w, status, []any{e})
}

func (s *Server) uriLimit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(r.RequestURI) > s.cfg.MaxURI {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusRequestURITooLong)
			_, _ = w.Write([]byte("<html><body><h1>414 Request-URI Too Large</h1></body></html>"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

var versions = []string{"58.0", "59.0", "60.0", "61.0", "62.0"}

func (s *Server) data(w http.ResponseWriter, r *http.Request) {
	rest := strings.TrimPrefix(r.URL.Path, "/services/data/")
	if rest == "" {
		out := []map[string]string{}
		for _, v := range versions {
			out = append(out, map[string]string{"label": "Release " + v, "url": "/services/data/v" + v, "version": v})
		}
		writeJSON(w, 200, out)
		return
	}
	version, path, _ := strings.Cut(rest, "/")
	if !strings.HasPrefix(version, "v") || !knownVersion(version[1:]) {
		writeErrors(w, 404, "NOT_FOUND", "The requested resource does not exist")
		return
	}
	version = version[1:]
	if !s.authorized(r) {
		writeErrors(w, 401, "INVALID_SESSION_ID", "Session expired or invalid")
		return
	}
	s.mu.Lock()
	if s.used >= s.cfg.DailyLimit {
		s.calls["quotaRejected"]++
		s.mu.Unlock()
		s.limitHeader(w)
		writeErrors(w, 403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.")
		return
	}
	s.used++
	s.mu.Unlock()
	s.limitHeader(w)
	parts := strings.Split(strings.Trim(path, "/"), "/")
	switch {
	case path == "" || path == "/":
		writeJSON(w, 200, map[string]string{"sobjects": "/services/data/v" + version + "/sobjects", "query": "/services/data/v" + version + "/query",
			"queryAll": "/services/data/v" + version + "/queryAll", "limits": "/services/data/v" + version + "/limits", "jobs": "/services/data/v" + version + "/jobs"})
	case parts[0] == "limits" && r.Method == http.MethodGet:
		s.count("limits")
		s.limits(w)
	case (parts[0] == "query" || parts[0] == "queryAll") && len(parts) == 1 && r.Method == http.MethodGet:
		s.count("query")
		s.query(w, r, version, parts[0] == "queryAll")
	case (parts[0] == "query" || parts[0] == "queryAll") && len(parts) == 2 && r.Method == http.MethodGet:
		s.count("queryMore")
		s.queryMore(w, version, parts[1])
	case parts[0] == "sobjects" && len(parts) == 1 && r.Method == http.MethodGet:
		s.count("describeGlobal")
		s.describeGlobal(w, version)
	case parts[0] == "sobjects" && len(parts) == 3 && parts[2] == "describe" && r.Method == http.MethodGet:
		s.count("describe")
		s.describe(w, version, parts[1])
	case parts[0] == "sobjects" && len(parts) == 3 && r.Method == http.MethodGet:
		s.count("record")
		s.record(w, r, version, parts[1], parts[2])
	case parts[0] == "jobs" && len(parts) >= 2 && parts[1] == "query":
		s.bulk(w, r, version, parts[2:])
	default:
		writeErrors(w, 404, "NOT_FOUND", "The requested resource does not exist")
	}
}

func knownVersion(v string) bool {
	for _, k := range versions {
		if k == v {
			return true
		}
	}
	return false
}

func (s *Server) count(kind string) {
	s.mu.Lock()
	s.calls[kind]++
	s.mu.Unlock()
}

func (s *Server) limitHeader(w http.ResponseWriter) {
	s.mu.Lock()
	defer s.mu.Unlock()
	w.Header().Set("Sforce-Limit-Info", fmt.Sprintf("api-usage=%d/%d", s.used, s.cfg.DailyLimit))
}

func (s *Server) authorized(r *http.Request) bool {
	_, ok := s.OAuth.Check(r)
	return ok
}

func (s *Server) limits(w http.ResponseWriter) {
	s.mu.Lock()
	max, used := s.cfg.DailyLimit, s.used
	s.mu.Unlock()
	writeJSON(w, 200, map[string]any{
		"DailyApiRequests":              map[string]int{"Max": max, "Remaining": max - used},
		"DailyBulkV2QueryJobs":          map[string]int{"Max": 10000, "Remaining": 10000 - len(s.jobs)},
		"DailyBulkV2QueryFileStorageMB": map[string]int{"Max": 1048576, "Remaining": 1048576},
		"DailyAsyncApexExecutions":      map[string]int{"Max": 250000, "Remaining": 250000},
	})
}

func (s *Server) describeGlobal(w http.ResponseWriter, version string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var list []map[string]any
	for _, name := range []string{"Account", "Contact", "Opportunity", "User"} {
		o := s.objects[name]
		list = append(list, map[string]any{"name": o.name, "label": o.label, "labelPlural": o.label + "s", "keyPrefix": o.keyPrefix,
			"queryable": true, "custom": false, "urls": map[string]string{"sobject": "/services/data/v" + version + "/sobjects/" + o.name,
				"describe": "/services/data/v" + version + "/sobjects/" + o.name + "/describe"}})
	}
	writeJSON(w, 200, map[string]any{"encoding": "UTF-8", "maxBatchSize": 200, "sobjects": list})
}

func (s *Server) describe(w http.ResponseWriter, version, name string) {
	s.mu.Lock()
	o := s.objectCI(name)
	s.mu.Unlock()
	if o == nil {
		writeErrors(w, 404, "NOT_FOUND", "The requested resource does not exist")
		return
	}
	writeJSON(w, 200, map[string]any{"name": o.name, "label": o.label, "labelPlural": o.label + "s", "keyPrefix": o.keyPrefix,
		"queryable": true, "custom": false, "fields": o.fields, "childRelationships": []any{},
		"urls": map[string]string{"sobject": "/services/data/v" + version + "/sobjects/" + o.name}})
}

func (s *Server) objectCI(name string) *object {
	for n, o := range s.objects {
		if strings.EqualFold(n, name) {
			return o
		}
	}
	return nil
}

func (s *Server) record(w http.ResponseWriter, r *http.Request, version, objName, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.objectCI(objName)
	if o == nil {
		writeErrors(w, 404, "NOT_FOUND", "The requested resource does not exist")
		return
	}
	var fields []string
	if fs := r.URL.Query().Get("fields"); fs != "" {
		for _, f := range strings.Split(fs, ",") {
			name, ok := o.resolve(strings.TrimSpace(f))
			if !ok {
				writeErrors(w, 400, "INVALID_FIELD", fmt.Sprintf("No such column '%s' on sobject of type %s", f, o.name), f)
				return
			}
			fields = append(fields, name)
		}
	}
	for i := 0; i < o.data.Len(); i++ {
		rec := o.data.At(i)
		if rec["Id"] == id && !o.data.Deleted(i) {
			out := toJSON(o, rec, fields)
			out["attributes"] = map[string]string{"type": o.name, "url": "/services/data/v" + version + "/sobjects/" + o.name + "/" + id}
			writeJSON(w, 200, out)
			return
		}
	}
	writeErrors(w, 404, "NOT_FOUND", "Provided external ID field does not exist or is not accessible: "+id)
}

// ---- values ----

// sfTime is Salesforce's REST datetime format: offset without a colon.
const sfTime = "2006-01-02T15:04:05.000-0700"

func toJSON(o *object, r record, fields []string) map[string]any {
	if fields == nil {
		fields = make([]string, 0, len(o.fields))
		for _, f := range o.fields {
			fields = append(fields, f.Name)
		}
	}
	out := make(map[string]any, len(fields)+1)
	for _, f := range fields {
		out[f] = jsonValue(r[f])
	}
	return out
}

func jsonValue(v any) any {
	switch x := v.(type) {
	case time.Time:
		return x.UTC().Format(sfTime)
	case soqlDate:
		return x.t.Format(time.DateOnly)
	}
	return v
}

func fromJSON(typ string, v any) any {
	switch typ {
	case "date":
		if s, ok := v.(string); ok {
			if t, err := time.Parse(time.DateOnly, s); err == nil {
				return soqlDate{t}
			}
		}
	case "datetime":
		switch x := v.(type) {
		case time.Time:
			return x.UTC()
		case string:
			if t, err := time.Parse(time.RFC3339Nano, x); err == nil {
				return t.UTC()
			}
		}
	case "int", "double", "currency", "percent":
		switch x := v.(type) {
		case int:
			return float64(x)
		case int64:
			return float64(x)
		}
	}
	return v
}

// ---- query ----

type cursor struct {
	id      string
	obj     *object
	fields  []string
	rows    []int // indexes into obj.data; nil with all=true means 0..n-1
	all     bool
	n       int
	total   int
	version string
	page    int
}

func (s *Server) query(w http.ResponseWriter, r *http.Request, version string, all bool) {
	soql := r.URL.Query().Get("q")
	if soql == "" {
		writeErrors(w, 400, "MALFORMED_QUERY", "A query string has to be specified")
		return
	}
	c, status, code, msg := s.run(soql, version, all)
	if c == nil {
		writeErrors(w, status, code, msg)
		return
	}
	page := s.cfg.PageSize
	if opt := r.Header.Get("Sforce-Query-Options"); opt != "" {
		if v, ok := strings.CutPrefix(opt, "batchSize="); ok {
			if n, err := strconv.Atoi(v); err == nil && n >= 200 && n < page {
				page = n
			}
		}
	}
	c.page = page
	s.writePage(w, c, 0)
}

// run evaluates a query into a cursor.
func (s *Server) run(soql, version string, all bool) (*cursor, int, string, string) {
	q, err := parseSOQL(soql)
	if err != nil {
		return nil, 400, "MALFORMED_QUERY", err.Error()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.objectCI(q.object)
	if o == nil {
		return nil, 400, "INVALID_TYPE", fmt.Sprintf("sObject type '%s' is not supported.", q.object)
	}
	fields := make([]string, len(q.fields))
	for i, f := range q.fields {
		name, ok := o.resolve(f)
		if !ok {
			return nil, 400, "INVALID_FIELD", fmt.Sprintf("No such column '%s' on entity '%s'.", f, o.name)
		}
		fields[i] = name
	}
	where, err := resolveCond(o, q.where)
	if err != nil {
		return nil, 400, "INVALID_FIELD", err.Error()
	}
	for i := range q.orderBy {
		name, ok := o.resolve(q.orderBy[i].field)
		if !ok {
			return nil, 400, "INVALID_FIELD", fmt.Sprintf("No such column '%s' on entity '%s'.", q.orderBy[i].field, o.name)
		}
		q.orderBy[i].field = name
	}
	if len(q.orderBy) == 1 && q.orderBy[0].field == "Id" && !q.orderBy[0].desc {
		// Ids rise with the record index (generated and inserted alike), so
		// ORDER BY Id is storage order: no sort, and a generated dataset
		// stays lazy.
		q.orderBy = nil
	}
	c := &cursor{obj: o, fields: fields, version: version}
	n := o.data.Len()
	if where == nil && len(q.orderBy) == 0 && !o.data.HasDeleted() {
		c.all, c.n = true, n
	} else {
		var rows []int
		for i := 0; i < n; i++ {
			deleted := o.data.Deleted(i)
			if deleted && !all {
				continue
			}
			rec := o.data.At(i)
			if deleted {
				rec = copyRec(rec)
				rec["IsDeleted"] = true
			}
			if where == nil || where.eval(rec) {
				rows = append(rows, i)
			}
		}
		sortRows(rows, o.data.At, q.orderBy)
		c.rows, c.n = rows, len(rows)
	}
	start, end := q.offset, c.n
	if q.limit >= 0 && start+q.limit < end {
		end = start + q.limit
	}
	if start > end {
		start = end
	}
	if c.all {
		c.rows = nil
		c.n = end - start
		if start > 0 {
			c.all = false
			c.rows = make([]int, 0, end-start)
			for i := start; i < end; i++ {
				c.rows = append(c.rows, i)
			}
		}
	} else {
		c.rows = c.rows[start:end]
		c.n = len(c.rows)
	}
	c.total = s.Advertise(c.n)
	s.counter++
	c.id = fmt.Sprintf("01g%012dAAA", s.counter)
	s.cursors.Put(c.id, c)
	return c, 0, "", ""
}

func copyRec(r record) record {
	out := make(record, len(r))
	for k, v := range r {
		out[k] = v
	}
	return out
}

// resolveCond rewrites a condition's field names to the object's, and
// checks each literal against the field's type as Salesforce does (a date
// field takes an unquoted date literal, never a string).
func resolveCond(o *object, c cond) (cond, error) {
	switch x := c.(type) {
	case nil:
		return nil, nil
	case andCond:
		out := make(andCond, len(x))
		for i, e := range x {
			r, err := resolveCond(o, e)
			if err != nil {
				return nil, err
			}
			out[i] = r
		}
		return out, nil
	case orCond:
		out := make(orCond, len(x))
		for i, e := range x {
			r, err := resolveCond(o, e)
			if err != nil {
				return nil, err
			}
			out[i] = r
		}
		return out, nil
	case notCond:
		r, err := resolveCond(o, x.c)
		return notCond{r}, err
	case cmpCond:
		name, ok := o.resolve(x.field)
		if !ok {
			return nil, &soqlErr{fmt.Sprintf("No such column '%s' on entity '%s'.", x.field, o.name)}
		}
		x.field = name
		typ := o.types[name]
		vals := x.list
		if x.op != "in" && x.op != "notin" {
			vals = []any{x.val}
		}
		for _, v := range vals {
			if err := checkLiteral(name, typ, x.op, v); err != nil {
				return nil, err
			}
		}
		return x, nil
	}
	return nil, fmt.Errorf("unsupported condition")
}

func checkLiteral(field, typ, op string, v any) error {
	if v == nil {
		if op == "=" || op == "!=" {
			return nil
		}
		return fmt.Errorf("invalid use of null with operator %s on field '%s'", op, field)
	}
	want := ""
	switch typ {
	case "date":
		if _, ok := v.(soqlDate); !ok {
			want = "date and should not be enclosed in quotes"
		}
	case "datetime":
		if _, ok := v.(time.Time); !ok {
			want = "dateTime and should not be enclosed in quotes"
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			want = "boolean and should not be enclosed in quotes"
		}
	case "int", "double", "currency", "percent":
		if _, ok := v.(float64); !ok {
			want = "number and should not be enclosed in quotes"
		}
	default:
		if _, ok := v.(string); !ok {
			want = "string and should be enclosed in quotes"
		}
	}
	if want != "" {
		return fmt.Errorf("value of filter criterion for field '%s' must be of type %s", field, want)
	}
	if op == "like" && typ != "string" && typ != "textarea" && typ != "picklist" && typ != "email" && typ != "phone" && typ != "url" && typ != "id" && typ != "reference" {
		return fmt.Errorf("invalid operator on field '%s': LIKE needs a text field", field)
	}
	return nil
}

func (s *Server) queryMore(w http.ResponseWriter, version, locator string) {
	id, offs, ok := strings.Cut(locator, "-")
	off, err := strconv.Atoi(offs)
	c, live := s.cursors.Get(id)
	if !ok || err != nil || !live || off < 0 || off > c.n {
		writeErrors(w, 400, "INVALID_QUERY_LOCATOR", "invalid query locator")
		return
	}
	if c.version != version {
		writeErrors(w, 400, "INVALID_QUERY_LOCATOR", "invalid query locator")
		return
	}
	s.writePage(w, c, off)
}

func (s *Server) writePage(w http.ResponseWriter, c *cursor, off int) {
	end := min(off+c.page, c.n)
	recs := make([]map[string]any, 0, end-off)
	for i := off; i < end; i++ {
		idx := i
		if !c.all {
			idx = c.rows[i]
		}
		rec := c.obj.data.At(idx)
		out := toJSON(c.obj, rec, c.fields)
		if c.obj.data.Deleted(idx) {
			if _, ok := out["IsDeleted"]; ok {
				out["IsDeleted"] = true
			}
		}
		out["attributes"] = map[string]string{"type": c.obj.name, "url": "/services/data/v" + c.version + "/sobjects/" + c.obj.name + "/" + rec["Id"].(string)}
		recs = append(recs, out)
	}
	body := map[string]any{"totalSize": c.total, "done": end >= c.n, "records": recs}
	if end < c.n {
		body["nextRecordsUrl"] = fmt.Sprintf("/services/data/v%s/query/%s-%d", c.version, c.id, end)
	}
	writeJSON(w, 200, body)
}
