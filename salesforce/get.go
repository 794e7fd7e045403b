package salesforce

import (
	"context"
	"errors"
	"iter"
	"net/http"
	"net/url"
	"strconv"

	"fmt"
	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/internal/connkit"
	"github.com/xlr8/connectors/internal/errs"
	"github.com/xlr8/connectors/internal/pager"
	"github.com/xlr8/connectors/internal/redact"
	"github.com/xlr8/connectors/translate"
)

// queryPage is one page of a REST query.
type queryPage struct {
	TotalSize      int              `json:"totalSize"`
	Done           bool             `json:"done"`
	NextRecordsURL string           `json:"nextRecordsUrl"`
	Records        []map[string]any `json:"records"`

	// typed holds the records getQueryPage typed in one pass.
	typed []connectors.Record
}

// plan is a compiled Get.
type plan struct {
	q        connectors.Query // the caller's query (for the pager and Resume)
	soql     translate.SOQL
	describe *cachedDescribe
	byID     bool // ordered by Id alone, so a dead cursor can restart by keyset
	endpoint string
	url      string
	bulk     bool
}

// compile turns a Query into SOQL through translate: fields, Where pushed
// down with values escaped, OrderBy (Id when none, so that a dead cursor can
// be resumed by keyset), Limit, and Since on SystemModstamp.
func (c *driver) compile(ctx context.Context, q connectors.Query) (*plan, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	d, err := c.describeObject(ctx, q.Entity)
	if err != nil {
		return nil, err
	}
	nq := q
	nq.Entity = d.raw.Name
	nq.Resume = ""
	p := &plan{q: q, describe: d}
	if len(nq.OrderBy) == 0 {
		nq.OrderBy = []connectors.Order{connectors.Asc("Id")}
	}
	p.byID = len(nq.OrderBy) == 1 && nq.OrderBy[0].Field == "Id" && !nq.OrderBy[0].Desc
	opts := []translate.Option{translate.WithSchema(d.schema)}
	if !q.Since.IsZero() {
		f := sinceField(d.schema)
		if f == "" {
			return nil, connectors.Errorf(connectors.CodeUnsupported, "salesforce: %s has no SystemModstamp or LastModifiedDate to read changes since", d.raw.Name)
		}
		opts = append(opts, translate.WithSinceField(f))
	}
	if len(nq.Fields) == 0 {
		nq.Fields = defaultFields(d.schema)
	}
	p.soql, err = translate.CompileSOQL(nq, opts...)
	if err != nil {
		return nil, err
	}
	p.endpoint = "query"
	if c.set.queryAll {
		p.endpoint = "queryAll"
	}
	p.url = c.apiURL(p.endpoint, url.Values{"q": {p.soql.Query}})
	p.bulk = len(p.url) > c.set.maxURI
	return p, nil
}

// defaultFields is every field of the describe except the compound ones
// (address, location), which SOQL and Bulk cannot select as a whole.
func defaultFields(s connectors.EntitySchema) []string {
	out := make([]string, 0, len(s.Fields))
	for _, f := range s.Fields {
		if f.Type != connectors.TypeObject {
			out = append(out, f.Name)
		}
	}
	return out
}

func sinceField(s connectors.EntitySchema) string {
	for _, name := range []string{"SystemModstamp", "LastModifiedDate"} {
		if _, ok := s.Field(name); ok {
			return name
		}
	}
	return ""
}

// Plan compiles q to SOQL (see compile): pages follow nextRecordsUrl,
// attributes are stripped and values typed by the describe; the residual is
// matched case-insensitively, as Salesforce compares text; totalSize is the
// advertised total. A query whose URL would exceed the URI limit runs as a
// Bulk API 2.0 job instead. An expired cursor (15 idle minutes, or a Resume
// the next day) is continued by keyset on Id when the query is ordered by Id
// (the default).
func (c *driver) Plan(ctx context.Context, q connectors.Query, _ connectors.EntitySchema) (*connkit.Plan, error) {
	p, err := c.compile(ctx, q)
	if err != nil {
		return nil, err
	}
	return c.pagePlan(p, newTyper(&p.describe.raw)), nil
}

// pagePlan is the kit's plan for a compiled query: the fetch (REST pages or
// a bulk job), the residual and extra fields, and what Explain reports.
func (c *driver) pagePlan(p *plan, ty typer) *connkit.Plan {
	kp := &connkit.Plan{Pushed: p.soql.Pushed, Residual: p.soql.Residual, Match: []translate.MatchOption{translate.FoldCase()},
		Extra: p.soql.Extra, Native: p.soql.Query, Calls: -1, Bulk: p.bulk,
		KeyOf: func(r connectors.Record) string { s, _ := r["Id"].(string); return s }}
	if p.bulk {
		kp.Fetch = c.bulkFetch(p, ty)
		kp.Requests = []connectors.PlannedRequest{
			{Method: "POST", URL: redact.URL(mustParse(c.apiURL("jobs/query", nil))), Body: p.soql.Query},
		}
		kp.Notes = append(kp.Notes, fmt.Sprintf("the query URL would be %d bytes, over the %d-byte limit: it runs as a Bulk API 2.0 job", len(p.url), c.set.maxURI))
	} else {
		st := &walkState{}
		kp.Fetch = pager.NextLink(mustParse(p.url), c.set.batchSize, func(ctx context.Context, at pager.At) (pager.Result, error) {
			return c.fetchPage(ctx, p, ty, st, at)
		})
		kp.Requests = []connectors.PlannedRequest{{Method: "GET", URL: redact.URL(mustParse(p.url)) + "?q=" + p.soql.Query}}
		if p.q.Limit > 0 && p.soql.Residual == nil {
			kp.Calls = (p.q.Limit + 1999) / 2000
		}
	}
	if p.soql.Residual != nil {
		kp.Notes = append(kp.Notes, "filtered client side: "+p.soql.Residual.String())
	}
	if len(p.q.OrderBy) == 0 && p.byID {
		kp.Notes = append(kp.Notes, "ordered by Id so that a stream cut off after its cursor expired can resume by keyset")
	}
	return kp
}

// walkState follows one walk: the last raw Id (for a keyset restart after a
// cursor dies mid-walk) and the records received before a restart.
type walkState struct {
	lastID   string
	received int64
	base     int64 // added to totalSize after a keyset restart
	started  bool
}

func (c *driver) fetchPage(ctx context.Context, p *plan, ty typer, st *walkState, at pager.At) (pager.Result, error) {
	if err := c.checkReserve(ctx); err != nil {
		return pager.Result{}, err
	}
	req := at.Request
	if !st.started {
		st.started = true
		if req.Resumed != nil {
			st.received = req.Resumed.Received
			st.lastID = req.Resumed.Key
		}
	}
	header := http.Header{}
	if bs := c.batchSize(req.Want); bs > 0 {
		header.Set("Sforce-Query-Options", "batchSize="+strconv.Itoa(bs))
	}
	rawURL := p.url
	if req.Cursor != "" {
		u, err := c.pathURL(req.Cursor)
		if err != nil {
			return pager.Result{}, err
		}
		rawURL = u
	}
	body, err := getQueryPage(ctx, c.client, rawURL, header, ty, c.opts.MaxValueBytes)
	rebased := false
	if err != nil && req.Cursor != "" && isDeadCursor(err) {
		key := st.lastID
		if req.Resumed != nil && req.Page == 0 {
			key = req.Resumed.Key
		}
		if !p.byID || key == "" {
			var e *errs.Error
			errors.As(err, &e)
			e = e.Clone()
			e.Message += "; the query is not ordered by Id alone, so it cannot continue by keyset: run it again"
			return pager.Result{}, e
		}
		body, err = c.keysetPage(ctx, p, key, req.Want, header)
		if err == nil {
			rebased = req.Resumed != nil && req.Page == 0
			st.base = st.received
		}
	}
	if err != nil {
		return pager.Result{}, err
	}
	recs := body.records(ty)
	if n := len(recs); n > 0 {
		if id, ok := recs[n-1]["Id"].(string); ok {
			st.lastID = id
		}
	}
	st.received += int64(len(recs))
	res := pager.Result{Records: recs, Total: st.base + int64(body.TotalSize), HasTotal: true, Rebased: rebased,
		More: !body.Done, MoreKnown: true}
	if !body.Done {
		if body.NextRecordsURL == "" {
			return pager.Result{}, &errs.Error{Code: errs.CodeInternal, Product: Product, Message: "salesforce: a page says it is not done but has no nextRecordsUrl"}
		}
		if _, err := c.pathURL(body.NextRecordsURL); err != nil {
			return pager.Result{}, err
		}
		res.Next = body.NextRecordsURL
	}
	return res, nil
}

// keysetPage runs the query again for the records after key (Id > key),
// when the cursor that held them has expired.
func (c *driver) keysetPage(ctx context.Context, p *plan, key string, want int, header http.Header) (queryPage, error) {
	nq := p.q
	nq.Entity = p.describe.raw.Name
	nq.Resume = ""
	nq.Where = connectors.Conjoin(nq.Where, connectors.Gt("Id", key))
	nq.OrderBy = []connectors.Order{connectors.Asc("Id")}
	nq.Limit = want
	if len(nq.Fields) == 0 {
		nq.Fields = defaultFields(p.describe.schema)
	}
	opts := []translate.Option{translate.WithSchema(p.describe.schema)}
	if !nq.Since.IsZero() {
		opts = append(opts, translate.WithSinceField(sinceField(p.describe.schema)))
	}
	soql, err := translate.CompileSOQL(nq, opts...)
	if err != nil {
		return queryPage{}, err
	}
	var body queryPage
	_, err = c.client.GetJSON(ctx, c.apiURL(p.endpoint, url.Values{"q": {soql.Query}}), header, &body)
	return body, err
}

// isDeadCursor reports an expired or unknown query locator.
func isDeadCursor(err error) bool {
	var e *errs.Error
	return errors.As(err, &e) && e.VendorCode == "INVALID_QUERY_LOCATOR"
}

// batchSize picks the Sforce-Query-Options batch size: the configured one,
// or smaller when the caller wants fewer records (never under 200).
func (c *driver) batchSize(want int) int {
	bs := c.set.batchSize
	if want > 0 && want < 2000 && (bs == 0 || want < bs) {
		bs = max(want, 200)
	}
	return bs
}

// Native compiles native SOQL for Query (queryAll when the connector was
// opened WithQueryAll). Values are typed by the describe of the FROM object
// when translate can read the statement, else by shape. Native queries
// cannot be resumed: an error ends the stream.
func (c *driver) Native(ctx context.Context, native string) (*connkit.Plan, error) {
	endpoint := "query"
	if c.set.queryAll {
		endpoint = "queryAll"
	}
	return c.nativePlan(ctx, endpoint, native)
}

// QueryAll runs native SOQL through queryAll, which also returns deleted
// and archived records.
func (c *Connector) QueryAll(ctx context.Context, native string) iter.Seq2[connectors.Record, error] {
	return c.d.queryAll(ctx, native)
}

func (c *driver) queryAll(ctx context.Context, native string) iter.Seq2[connectors.Record, error] {
	if err := c.conn.Check(); err != nil {
		return connectors.Errored(c.conn.Wrap(err))
	}
	return c.conn.Stream(ctx, connectors.Query{Entity: "query"}, func(ctx context.Context) (*connkit.Plan, connectors.EntitySchema, error) {
		p, err := c.nativePlan(ctx, "queryAll", native)
		return p, connectors.EntitySchema{}, err
	})
}

func (c *driver) nativePlan(ctx context.Context, endpoint, soql string) (*connkit.Plan, error) {
	if len(soql) > 100000 {
		return nil, connectors.Errorf(connectors.CodeInvalidArgument, "salesforce: SOQL of %d characters exceeds Salesforce's 100,000", len(soql))
	}
	var ty typer
	entity := "query"
	if pq, err := translate.ParseSOQL(soql); err == nil {
		entity = pq.Entity
		if d, err := c.describeObject(ctx, pq.Entity); err == nil {
			ty = newTyper(&d.raw)
		}
	}
	p := &plan{q: connectors.Query{Entity: entity}, endpoint: endpoint, url: c.apiURL(endpoint, url.Values{"q": {soql}})}
	p.soql.Query = soql
	p.bulk = len(p.url) > c.set.maxURI
	p.describe = &cachedDescribe{raw: describeResult{Name: entity}}
	kp := c.pagePlan(p, ty)
	kp.KeyOf, kp.Entity, kp.Match = nil, entity, nil
	return kp, nil
}
