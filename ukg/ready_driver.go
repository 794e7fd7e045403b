package ukg

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/oauth2"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/credentials"
	"github.com/xlr8/connectors/internal/connkit"
	"github.com/xlr8/connectors/internal/errs"
	"github.com/xlr8/connectors/internal/pager"
	"github.com/xlr8/connectors/internal/transport"
)

const readyDefaultPerPage = 100

// readyDriver is UKG Ready.
type readyDriver struct {
	*connkit.Table
	api    *transport.Client
	plain  *transport.Client
	tokens *transport.TokenCache
	base   string
	set    settings
	conn   *connkit.Conn

	company, apiKey, user, password string
}

// NewReady opens UKG Ready. The credential is AuthAPIKey with api_key (the
// company's API key), username, password and company (the company short
// name); the instance URL is the data center host,
// https://secure{N}.saashr.com.
func NewReady(ctx context.Context, cred *credentials.Credential, opts ...connectors.Option) (connectors.Connector, error) {
	o, set, cred, base, err := prologue(ProductReady, (*readyDriver)(nil), readyDefaultPerPage, cred, opts)
	if err != nil {
		return nil, err
	}
	d := &readyDriver{Table: table(ProductReady, readyEntities), base: strings.TrimRight(base.String(), "/"), set: set,
		company: cred.Get(credentials.KeyCompany), apiKey: cred.Get(credentials.KeyAPIKey), user: cred.Get(credentials.KeyUsername),
		password: cred.Get(credentials.KeyPassword)}
	plain, err := connkit.NewClient(ProductReady, cred, o, connkit.ClientConfig{
		DecodeError: func(e *errs.Error, resp *transport.Response) *errs.Error { return decodeReadyError(e, resp.Body) },
		ShouldRetry: readyShouldRetry,
		DefaultRate: 10, DefaultBurst: 10,
	})
	if err != nil {
		return nil, err
	}
	d.plain = plain
	// Calls carry the token as "Authentication: Bearer" (Tools4ever's
	// connector; vendors.md section 12 found Authorization accepted too).
	d.tokens = connkit.TokenAuth(o, plain.Secrets(), d.login, transport.WithApply(func(req *http.Request, tok *oauth2.Token) {
		req.Header.Set("Authentication", "Bearer "+tok.AccessToken)
	}))
	d.api = plain.WithAuth(d.tokens)
	conn, err := connkit.New(d, connkit.Config{Product: ProductReady, Options: o, Explain: true, Actions: d.actions()})
	if err != nil {
		return nil, err
	}
	d.conn = conn
	return conn.Port(), nil
}

// readyShouldRetry retries errors[0].code 100, Ready's rate limit, whatever
// the HTTP status it comes with.
func readyShouldRetry(resp *http.Response) (bool, bool) {
	if resp.StatusCode < 400 {
		return false, false
	}
	if n, ok := readyErrorCode(transport.PeekBody(resp, 4096)); ok && readyCodes[n].code == errs.CodeRateLimited {
		return true, true
	}
	return false, false
}

// login is POST /ta/rest/v1/login with the Api-Key header; the token's ttl
// is in milliseconds.
func (d *readyDriver) login(ctx context.Context) (*oauth2.Token, error) {
	body, err := json.Marshal(map[string]any{"credentials": map[string]string{"username": d.user, "password": d.password, "company": d.company}})
	if err != nil {
		return nil, errs.Wrap(errs.CodeInternal, err, "encoding the login")
	}
	resp, err := d.plain.Do(ctx, &transport.Request{Method: http.MethodPost, URL: d.base + "/ta/rest/v1/login", Body: body,
		Header: http.Header{"Api-Key": {d.apiKey}, "Content-Type": {"application/json"}, "Accept": {"application/json"}},
		NoAuth: true, NoRedirects: true, Idempotent: true})
	if err != nil {
		return nil, err
	}
	var lr struct {
		Token string      `json:"token"`
		TTL   json.Number `json:"ttl"`
		Units string      `json:"units"`
	}
	if err := decodeJSON(ProductReady, "the login answer", resp.Body, &lr); err != nil {
		return nil, err
	}
	if lr.Token == "" {
		return nil, &errs.Error{Code: errs.CodeUnauthenticated, Message: "the login answer has no token"}
	}
	d.plain.Secrets().Add(lr.Token)
	tok := &oauth2.Token{AccessToken: lr.Token, TokenType: "Bearer"}
	if n, err := lr.TTL.Int64(); err == nil && n > 0 {
		unit := time.Millisecond
		if strings.EqualFold(lr.Units, "SECONDS") {
			unit = time.Second
		}
		tok.Expiry = time.Now().Add(time.Duration(n) * unit)
	}
	return tok, nil
}

func (d *readyDriver) Connect(ctx context.Context) error {
	_, _, err := d.tokens.Token(ctx)
	return err
}

func (d *readyDriver) companyURL(path string) string {
	// The company is its short name after "!", sent as is (not %21).
	return d.base + "/ta/rest/v2/companies/!" + url.PathEscape(d.company) + path
}

func (d *readyDriver) Ping(ctx context.Context) (connkit.Ping, error) {
	if _, err := d.api.Get(ctx, d.companyURL("/config/cost-centers")+"?tree_index=0&page=1&per_page=1", http.Header{"Accept": {"application/json"}}); err != nil {
		return connkit.Ping{}, err
	}
	return connkit.Ping{APIVersion: "v2", Message: "UKG Ready answered"}, nil
}

func (d *readyDriver) Plan(ctx context.Context, q connectors.Query, s connectors.EntitySchema) (*connkit.Plan, error) {
	if !q.Since.IsZero() {
		return nil, &errs.Error{Code: errs.CodeUnsupported, Message: "UKG Ready reads have no change-since filter here"}
	}
	e := findEntity(readyEntities, s.Entity)
	extra := url.Values{}
	switch e.name {
	case "time_entries":
		lo, okLo := bound(q.Where, "date", true)
		hi, okHi := bound(q.Where, "date", false)
		if !okLo || !okHi || hi.Before(lo) {
			return nil, (&errs.Error{Code: errs.CodeInvalidArgument,
				Message: "UKG Ready time entries need a date range: date >= DATE AND date <= DATE"}).WithDetail("field", "date")
		}
		extra.Set("start_date", lo.String())
		extra.Set("end_date", hi.String())
	case "cost_centers":
		extra.Set("tree_index", "0")
	}
	size := d.set.pageSize
	types := e.types()
	keyOf := connkit.KeyOf(e.key)
	var firstKey string
	first := d.companyURL(e.path)
	return &connkit.Plan{Residual: q.Where, Calls: -1, Select: true,
		Requests: []connectors.PlannedRequest{{Method: http.MethodGet, URL: first + "?" + withPage(extra, 1, size)}},
		Notes:    []string{"pages by page and per_page (assumed: the reviewed clients read whole lists); a list sent whole is read as one page"},
		Fetch: pager.PageNumber(1, size, func(ctx context.Context, at pager.At) (pager.Result, error) {
			resp, err := d.api.Get(ctx, first+"?"+withPage(extra, at.Number, at.Limit), http.Header{"Accept": {"application/json"}})
			if err != nil {
				return pager.Result{}, err
			}
			recs, err := readyRecords(e, resp.Body, types)
			if err != nil {
				return pager.Result{}, err
			}
			// A server that ignores the page parameters sends the whole
			// list every time: more rows than asked, or page 2 starting
			// where page 1 did. Either ends the read after the whole list.
			if len(recs) > at.Limit {
				return pager.Result{Records: recs, MoreKnown: true}, nil
			}
			if len(recs) > 0 && keyOf != nil {
				k := keyOf(recs[0])
				if at.Number == 1 {
					firstKey = k
				} else if k != "" && k == firstKey {
					return pager.Result{MoreKnown: true}, nil
				}
			}
			return pager.Result{Records: recs}, nil
		})}, nil
}

func withPage(v url.Values, page, per int) string {
	q := url.Values{}
	for k, vs := range v {
		q[k] = vs
	}
	q.Set("page", strconv.Itoa(page))
	q.Set("per_page", strconv.Itoa(per))
	return q.Encode()
}

// readyRecords reads a v2 list from its envelope key; time entries come as
// time_entry_sets (one per employee) and are flattened to one record per
// entry carrying the set's employee.
func readyRecords(e *entity, body []byte, types map[string]connectors.FieldType) ([]connectors.Record, error) {
	var env map[string]json.RawMessage
	if err := decodeJSON(ProductReady, "the "+e.name+" list", body, &env); err != nil {
		return nil, err
	}
	raw, ok := env[e.envelope]
	if !ok {
		return nil, (&errs.Error{Code: errs.CodeInternal, Message: "the " + e.name + " list has no " + strconv.Quote(e.envelope) + " key"}).
			WithDetail("envelope", e.envelope)
	}
	if e.name != "time_entries" {
		var list []map[string]any
		if err := decodeJSON(ProductReady, "the "+e.name+" list", raw, &list); err != nil {
			return nil, err
		}
		for _, m := range list {
			delete(m, "_links") // envelope noise, not data
		}
		return typeAll(list, types), nil
	}
	var sets []struct {
		Employee map[string]any   `json:"employee"`
		Entries  []map[string]any `json:"time_entries"`
	}
	if err := decodeJSON(ProductReady, "the time entry sets", raw, &sets); err != nil {
		return nil, err
	}
	var out []connectors.Record
	for _, s := range sets {
		out = flatten(out, "employee", s.Employee, s.Entries, types)
	}
	return out, nil
}

// ReadySelector is a global report's selector.
type ReadySelector struct {
	Name       string            `json:"name"`
	Parameters map[string]string `json:"parameters,omitempty"`
}

// openReport fetches a saved ("saved", settings id) or global ("global",
// system id) report as CSV and spools it.
func (d *readyDriver) openReport(ctx context.Context, kind, id string, selectors []ReadySelector) (*spooled, error) {
	req := &transport.Request{Method: http.MethodGet, Header: http.Header{"Accept": {"text/csv"}}}
	switch kind {
	case "saved":
		req.URL = d.base + "/ta/rest/v1/report/saved/" + url.PathEscape(id) + "?" + url.Values{"company": {d.company}}.Encode()
	case "global":
		if selectors == nil {
			selectors = []ReadySelector{}
		}
		b, err := json.Marshal(map[string]any{"company": map[string]string{"short_name": d.company}, "selectors": selectors})
		if err != nil {
			return nil, errs.Wrap(errs.CodeInternal, err, "encoding the report request")
		}
		req.Method, req.URL, req.Body, req.Idempotent = http.MethodPost, d.base+"/ta/rest/v1/report/global/"+url.PathEscape(id), b, true
		req.Header.Set("Content-Type", "application/json")
	default:
		return nil, (&errs.Error{Code: errs.CodeInvalidArgument, Message: `a UKG Ready report is "saved/ID" or "global/ID"`}).WithDetail("kind", errs.Bound(kind))
	}
	if strings.TrimSpace(id) == "" {
		return nil, missingParam("report id")
	}
	sr, err := d.api.Stream(ctx, req)
	if err != nil {
		return nil, err
	}
	defer sr.Body.Close()
	return spool(ProductReady, d.set.spoolDir, sr.Body, charsetUTF8, d.set.headers)
}

// Native runs a report: "saved/ID" or "global/ID".
func (d *readyDriver) Native(ctx context.Context, native string) (*connkit.Plan, error) {
	kind, id, ok := strings.Cut(strings.TrimSpace(native), "/")
	if !ok || (kind != "saved" && kind != "global") || strings.TrimSpace(id) == "" {
		return nil, &errs.Error{Code: errs.CodeInvalidArgument, Message: `a UKG Ready native query is "saved/ID" or "global/ID"`}
	}
	return &connkit.Plan{Entity: "report", Native: native, Calls: 1,
		Fetch: reportFetch(d.set.pageSize, func(ctx context.Context) (*spooled, error) {
			return d.openReport(ctx, kind, id, nil)
		})}, nil
}

// RunReportRequest runs a saved or global report.
type RunReportRequest struct {
	// Kind is "saved" (a saved report's settings id) or "global" (a system id).
	Kind      string          `json:"kind"`
	ID        string          `json:"id"`
	Selectors []ReadySelector `json:"selectors,omitempty"`
}

func (d *readyDriver) actions() []connkitAction {
	return []connkitAction{
		typed(readCapability("ukg.ready.run_report", "Run a UKG Ready saved or global report and return its rows with its columns (raw headers kept)."),
			func(ctx context.Context, _ connectors.Principal, req RunReportRequest) (*RecordsResult, error) {
				sp, err := d.openReport(ctx, req.Kind, req.ID, req.Selectors)
				if err != nil {
					return nil, err
				}
				return collectSpool(sp, d.set.maxRecords)
			}),
	}
}
