package workday

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"runtime"
	"strconv"
	"strings"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/internal/connkit"
	"github.com/xlr8/connectors/internal/errs"
	"github.com/xlr8/connectors/internal/pager"
	"github.com/xlr8/connectors/internal/transport"
)

// reportURL builds {host}/ccx/service/customreport2/{tenant}/{owner}/{report}?format=...&prompts.
func (c *driver) reportURL(report string, prompts url.Values, format string) (string, error) {
	if c.owner == "" {
		return "", c.noOwner()
	}
	return c.reportURLOf(c.owner, report, prompts, format), nil
}

func (c *driver) reportURLOf(owner, report string, prompts url.Values, format string) string {
	q := url.Values{}
	for k, v := range prompts {
		q[k] = v
	}
	q.Set("format", format)
	return c.host.String() + raasPrefix + url.PathEscape(c.tenant) + "/" + url.PathEscape(owner) + "/" + url.PathEscape(report) + "?" + encodePrompts(q)
}

// encodePrompts encodes query parameters keeping the "!" of WID prompts
// (Worker!WID=...), as Workday documents them.
func encodePrompts(q url.Values) string {
	return strings.ReplaceAll(q.Encode(), "%21", "!")
}

// rowReader reads a report's rows one at a time.
type rowReader interface {
	next() (map[string]any, error) // io.EOF at the end
	close()
}

// openReport starts a report and returns its row reader: JSON decoded
// token by token (the Report_Entry array is never held whole), CSV line by
// line.
func (c *driver) openReport(ctx context.Context, rawURL, format string) (rowReader, error) {
	resp, err := c.client.Stream(ctx, &transport.Request{Method: http.MethodGet, URL: rawURL,
		Header: http.Header{"Accept": {"application/json, text/csv"}}})
	if err != nil {
		return nil, err
	}
	if transport.IsHTML(resp.Header, nil) {
		resp.Body.Close()
		return nil, &errs.Error{Code: errs.CodeInternal, Product: c.product, HTTPStatus: resp.StatusCode, Message: "workday: the report answered with an HTML page"}
	}
	if format == "csv" {
		r := csv.NewReader(resp.Body)
		r.ReuseRecord = true
		r.FieldsPerRecord = -1
		return &csvRows{c: c, body: resp.Body, r: r}, nil
	}
	return &jsonRows{c: c, body: resp.Body, dec: json.NewDecoder(resp.Body)}, nil
}

type jsonRows struct {
	c       *driver
	body    io.ReadCloser
	dec     *json.Decoder
	started bool
	done    bool
}

func (j *jsonRows) close() { j.body.Close() }

func (j *jsonRows) malformed(err error) error {
	var e *errs.Error
	if errors.As(err, &e) {
		return e // a transport failure while reading (a reset, the size cap)
	}
	if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
		return &errs.Error{Code: errs.CodeInternal, Product: j.c.product, Message: "workday: the report's JSON is truncated", Err: err}
	}
	return &errs.Error{Code: errs.CodeInternal, Product: j.c.product, Message: "workday: the report is not the JSON Report_Entry shape", Err: err}
}

// start reads up to the opening bracket of Report_Entry.
func (j *jsonRows) start() error {
	tok, err := j.dec.Token()
	if err != nil {
		return j.malformed(err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return j.malformed(fmt.Errorf("want an object"))
	}
	for {
		tok, err := j.dec.Token()
		if err != nil {
			return j.malformed(err)
		}
		if d, ok := tok.(json.Delim); ok && d == '}' {
			j.done = true // no Report_Entry: an empty report
			return nil
		}
		key, _ := tok.(string)
		if key != "Report_Entry" {
			var skip json.RawMessage
			if err := j.dec.Decode(&skip); err != nil {
				return j.malformed(err)
			}
			continue
		}
		tok, err = j.dec.Token()
		if err != nil {
			return j.malformed(err)
		}
		if d, ok := tok.(json.Delim); !ok || d != '[' {
			return j.malformed(fmt.Errorf("Report_Entry is not an array"))
		}
		return nil
	}
}

func (j *jsonRows) next() (map[string]any, error) {
	if !j.started {
		j.started = true
		if err := j.start(); err != nil {
			return nil, err
		}
	}
	if j.done || !j.dec.More() {
		if !j.done {
			j.done = true
			if _, err := j.dec.Token(); err != nil { // the closing bracket
				return nil, j.malformed(err)
			}
		}
		return nil, io.EOF
	}
	var row map[string]any
	if err := j.dec.Decode(&row); err != nil {
		return nil, j.malformed(err)
	}
	return row, nil
}

type csvRows struct {
	c      *driver
	body   io.ReadCloser
	r      *csv.Reader
	header []string
}

func (r *csvRows) close() { r.body.Close() }

func (r *csvRows) next() (map[string]any, error) {
	if r.header == nil {
		h, err := r.r.Read()
		if err != nil {
			return nil, r.fail(err)
		}
		r.header = append([]string(nil), h...)
	}
	line, err := r.r.Read()
	if err != nil {
		return nil, r.fail(err)
	}
	row := make(map[string]any, len(r.header))
	for i, h := range r.header {
		if i < len(line) && line[i] != "" {
			row[h] = line[i]
		}
	}
	return row, nil
}

func (r *csvRows) fail(err error) error {
	if err == io.EOF {
		return io.EOF
	}
	var e *errs.Error
	if errors.As(err, &e) {
		return e
	}
	return &errs.Error{Code: errs.CodeInternal, Product: r.c.product, Message: "workday: the report's CSV is malformed", Err: err}
}

// fetchReport reads a report through the walker in chunks of rows: the
// cursor is the number of rows read; a resumed walk runs the report again
// and skips them (RaaS has no paging). The report's body stays open
// between chunks; it is closed at its end, on an error, and, when a caller
// stops early, once the walk is unreachable (runtime.AddCleanup).
func (c *driver) fetchReport(owner, report string, prompts url.Values, format string, toRecord func(map[string]any) connectors.Record) pager.Fetch {
	rawURL := c.reportURLOf(owner, report, prompts, format)
	// holder is reachable while the walk is (the closure uses it); once it
	// is not, the cleanup closes a stream a caller abandoned.
	holder := &struct{ st *reportState }{&reportState{}}
	runtime.AddCleanup(holder, func(s *reportState) { s.close() }, holder.st)
	return func(ctx context.Context, req pager.Request) (pager.Page, error) {
		st := holder.st
		want := 0
		if req.Cursor != "" {
			n, err := strconv.Atoi(req.Cursor)
			if err != nil || n < 0 {
				return pager.Page{}, &errs.Error{Code: errs.CodeInvalidArgument, Product: c.product, Message: "workday: malformed report cursor"}
			}
			want = n
		}
		if st.rows == nil || st.read != want {
			st.close()
			r, err := c.openReport(ctx, rawURL, format)
			if err != nil {
				return pager.Page{}, err
			}
			st.rows, st.read = r, 0
			for st.read < want {
				if _, err := st.rows.next(); err != nil {
					st.close()
					if err == io.EOF {
						return pager.Page{}, &errs.Error{Code: errs.CodeInternal, Product: c.product,
							Message: fmt.Sprintf("workday: the report has fewer rows (%d) than the stream had read (%d): it changed; run it again", st.read, want)}
					}
					return pager.Page{}, err
				}
				st.read++
			}
		}
		page := pager.Page{Records: make([]connectors.Record, 0, c.set.chunk)}
		for len(page.Records) < c.set.chunk {
			row, err := st.rows.next()
			if err == io.EOF {
				st.close()
				return page, nil
			}
			if err != nil {
				st.close()
				return pager.Page{}, err
			}
			st.read++
			page.Records = append(page.Records, toRecord(row))
		}
		page.Next = strconv.Itoa(st.read)
		return page, nil
	}
}

// reportState is a report stream between chunks.
type reportState struct {
	rows rowReader
	read int
}

func (s *reportState) close() {
	if s.rows != nil {
		s.rows.close()
		s.rows = nil
	}
}

// recordOfRow reads an entity report's row: columns are the fields'
// aliases (Employee_ID is employee_id); a column the report left out is
// null; CSV text is typed by the schema.
func recordOfRow(sch connectors.EntitySchema) func(map[string]any) connectors.Record {
	alias := make([]string, len(sch.Fields))
	for i, f := range sch.Fields {
		alias[i] = columnAlias(f.Name)
	}
	return func(row map[string]any) connectors.Record {
		r := make(connectors.Record, len(sch.Fields))
		for i, f := range sch.Fields {
			v := row[alias[i]]
			if s, ok := v.(string); ok && (f.Type == connectors.TypeFloat || f.Type == connectors.TypeInt) {
				if n, err := parseNumber(s); err == nil {
					v = n
				}
			}
			if s, ok := v.(string); ok && s == "" {
				v = nil
			}
			r[f.Name] = v
		}
		return r
	}
}

// Native compiles a native query for Query:
//
//	raas:OWNER/REPORT?Prompt=value&Worker!WID=...&format=csv   a custom report (JSON by default)
//	wql:SELECT fields FROM dataSource WHERE ...                 a WQL query (POST /wql/v1/{tenant}/data)
//	SELECT ...                                                  WQL too
//
// Report rows come with their column aliases as keys; WQL rows as the
// service returns them. Both stream: reports row by row, WQL page by page.
func (c *driver) Native(ctx context.Context, native string) (*connkit.Plan, error) {
	native = strings.TrimSpace(native)
	switch {
	case strings.HasPrefix(native, "raas:"):
		return c.queryRaaS(strings.TrimPrefix(native, "raas:"))
	case strings.HasPrefix(native, "wql:"):
		return c.queryWQL(strings.TrimSpace(strings.TrimPrefix(native, "wql:")))
	case len(native) > 6 && strings.EqualFold(native[:6], "select"):
		return c.queryWQL(native)
	}
	return nil, &errs.Error{Code: errs.CodeInvalidArgument, Product: c.product,
		Message: "workday: a native query is raas:OWNER/REPORT?prompts or wql:SELECT ... (or a bare SELECT)"}
}

func (c *driver) queryRaaS(spec string) (*connkit.Plan, error) {
	path, rawQuery, _ := strings.Cut(spec, "?")
	owner, report, ok := strings.Cut(strings.Trim(path, "/"), "/")
	if !ok || owner == "" || !validReport(report) || strings.Contains(owner, "/") {
		return nil, &errs.Error{Code: errs.CodeInvalidArgument, Product: c.product, Message: fmt.Sprintf("workday: %q is not OWNER/REPORT", path)}
	}
	prompts, err := url.ParseQuery(rawQuery)
	if err != nil {
		return nil, &errs.Error{Code: errs.CodeInvalidArgument, Product: c.product, Message: "workday: malformed report prompts"}
	}
	format := prompts.Get("format")
	prompts.Del("format")
	switch format {
	case "":
		format = "json"
	case "json", "csv":
	default:
		return nil, &errs.Error{Code: errs.CodeInvalidArgument, Product: c.product,
			Message: fmt.Sprintf("workday: report format %q (the connector reads json and csv)", format)}
	}
	return &connkit.Plan{Entity: report, Native: "raas:" + spec,
		Fetch: c.fetchReport(owner, report, prompts, format, func(m map[string]any) connectors.Record { return m })}, nil
}

func (c *driver) queryWQL(text string) (*connkit.Plan, error) {
	if text == "" {
		return nil, &errs.Error{Code: errs.CodeInvalidArgument, Product: c.product, Message: "workday: empty WQL query"}
	}
	return &connkit.Plan{Entity: "wql", Native: text,
		Fetch: pager.OffsetLimit(c.set.pageSize, func(ctx context.Context, at pager.At) (pager.Result, error) {
			q := url.Values{"limit": {strconv.Itoa(at.Limit)}, "offset": {strconv.Itoa(at.Offset)}}
			var page collection[map[string]any]
			if err := c.postJSON(ctx, c.restURL(svcWQL, q, "data"), map[string]string{"query": text}, &page); err != nil {
				return pager.Result{}, err
			}
			if page.Total == nil {
				return pager.Result{}, c.malformed("the collection's total")
			}
			recs := make([]connectors.Record, len(page.Data))
			for i, m := range page.Data {
				recs[i] = m
			}
			return pager.Result{Records: recs, Total: *page.Total, HasTotal: true}, nil
		})}, nil
}

// columnAlias renders a field name as the report column alias Workday
// derives from a field's name (start_date is Start_Date, employee_id is
// Employee_ID).
func columnAlias(field string) string {
	parts := strings.Split(field, "_")
	for i, p := range parts {
		switch {
		case p == "id":
			parts[i] = "ID"
		case p != "":
			parts[i] = strings.ToUpper(p[:1]) + p[1:]
		}
	}
	return strings.Join(parts, "_")
}
