package workday

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/internal/errs"
	"github.com/xlr8/connectors/internal/pager"
	"github.com/xlr8/connectors/internal/transport"
)

// reportURL builds {host}/ccx/service/customreport2/{tenant}/{owner}/{report}?format=...&prompts.
func (c *Connector) reportURL(report string, prompts url.Values, format string) (string, error) {
	if c.owner == "" {
		return "", c.noOwner()
	}
	return c.reportURLOf(c.owner, report, prompts, format), nil
}

func (c *Connector) reportURLOf(owner, report string, prompts url.Values, format string) string {
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
func (c *Connector) openReport(ctx context.Context, rawURL, format string) (rowReader, error) {
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
	c       *Connector
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
	c      *Connector
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

// walkReport streams a report through the pager in chunks of rows: the
// cursor is the number of rows read; a resumed walk runs the report again
// and skips them (RaaS has no paging).
func (c *Connector) walkReport(ctx context.Context, cfg pager.Config, owner, report string, prompts url.Values, format string, toRecord func(map[string]any) connectors.Record) iter.Seq2[connectors.Record, error] {
	rawURL := c.reportURLOf(owner, report, prompts, format)
	return func(yield func(connectors.Record, error) bool) {
		var rows rowReader
		read := 0
		defer func() {
			if rows != nil {
				rows.close()
			}
		}()
		walk := pager.Walk(ctx, cfg, func(ctx context.Context, req pager.Request) (pager.Page, error) {
			want := 0
			if req.Cursor != "" {
				n, err := strconv.Atoi(req.Cursor)
				if err != nil || n < 0 {
					return pager.Page{}, &errs.Error{Code: errs.CodeInvalidArgument, Product: c.product, Message: "workday: malformed report cursor"}
				}
				want = n
			}
			if rows == nil || read != want {
				if rows != nil {
					rows.close()
				}
				r, err := c.openReport(ctx, rawURL, format)
				if err != nil {
					return pager.Page{}, err
				}
				rows, read = r, 0
				for read < want {
					if _, err := rows.next(); err != nil {
						if err == io.EOF {
							return pager.Page{}, &errs.Error{Code: errs.CodeInternal, Product: c.product,
								Message: fmt.Sprintf("workday: the report has fewer rows (%d) than the stream had read (%d): it changed; run it again", read, want)}
						}
						return pager.Page{}, err
					}
					read++
				}
			}
			page := pager.Page{Records: make([]connectors.Record, 0, c.set.chunk)}
			for len(page.Records) < c.set.chunk {
				row, err := rows.next()
				if err == io.EOF {
					return page, nil
				}
				if err != nil {
					return pager.Page{}, err
				}
				read++
				page.Records = append(page.Records, toRecord(row))
			}
			page.Next = strconv.Itoa(read)
			return page, nil
		})
		for r, err := range walk {
			if !yield(r, err) {
				return
			}
		}
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

// Query runs a native query:
//
//	raas:OWNER/REPORT?Prompt=value&Worker!WID=...&format=csv   a custom report (JSON by default)
//	wql:SELECT fields FROM dataSource WHERE ...                 a WQL query (POST /wql/v1/{tenant}/data)
//	SELECT ...                                                  WQL too
//
// Report rows come with their column aliases as keys; WQL rows as the
// service returns them. Both stream: reports row by row, WQL page by page.
func (c *Connector) Query(ctx context.Context, native string) iter.Seq2[connectors.Record, error] {
	if err := c.life.Check(); err != nil {
		return connectors.Errored(err)
	}
	native = strings.TrimSpace(native)
	switch {
	case strings.HasPrefix(native, "raas:"):
		return c.queryRaaS(ctx, strings.TrimPrefix(native, "raas:"))
	case strings.HasPrefix(native, "wql:"):
		return c.queryWQL(ctx, strings.TrimSpace(strings.TrimPrefix(native, "wql:")))
	case len(native) > 6 && strings.EqualFold(native[:6], "select"):
		return c.queryWQL(ctx, native)
	}
	return connectors.Errored(&errs.Error{Code: errs.CodeInvalidArgument, Product: c.product,
		Message: "workday: a native query is raas:OWNER/REPORT?prompts or wql:SELECT ... (or a bare SELECT)"})
}

func (c *Connector) queryRaaS(ctx context.Context, spec string) iter.Seq2[connectors.Record, error] {
	path, rawQuery, _ := strings.Cut(spec, "?")
	owner, report, ok := strings.Cut(strings.Trim(path, "/"), "/")
	if !ok || owner == "" || !validReport(report) || strings.Contains(owner, "/") {
		return connectors.Errored(&errs.Error{Code: errs.CodeInvalidArgument, Product: c.product,
			Message: fmt.Sprintf("workday: %q is not OWNER/REPORT", path)})
	}
	prompts, err := url.ParseQuery(rawQuery)
	if err != nil {
		return connectors.Errored(&errs.Error{Code: errs.CodeInvalidArgument, Product: c.product, Message: "workday: malformed report prompts"})
	}
	format := prompts.Get("format")
	prompts.Del("format")
	switch format {
	case "":
		format = "json"
	case "json", "csv":
	default:
		return connectors.Errored(&errs.Error{Code: errs.CodeInvalidArgument, Product: c.product,
			Message: fmt.Sprintf("workday: report format %q (the connector reads json and csv)", format)})
	}
	cfg := pager.Config{Product: c.product, Query: connectors.Query{Entity: report}, Progress: c.opts.Progress}
	return func(yield func(connectors.Record, error) bool) {
		if err := c.Connect(ctx); err != nil {
			yield(nil, err)
			return
		}
		for r, err := range c.walkReport(ctx, cfg, owner, report, prompts, format, func(m map[string]any) connectors.Record { return m }) {
			if !yield(r, err) {
				return
			}
		}
	}
}

func (c *Connector) queryWQL(ctx context.Context, text string) iter.Seq2[connectors.Record, error] {
	if text == "" {
		return connectors.Errored(&errs.Error{Code: errs.CodeInvalidArgument, Product: c.product, Message: "workday: empty WQL query"})
	}
	cfg := pager.Config{Product: c.product, Query: connectors.Query{Entity: "wql"}, Progress: c.opts.Progress}
	return func(yield func(connectors.Record, error) bool) {
		if err := c.Connect(ctx); err != nil {
			yield(nil, err)
			return
		}
		walk := pager.Walk(ctx, cfg, func(ctx context.Context, req pager.Request) (pager.Page, error) {
			offset, _ := strconv.Atoi(req.Cursor)
			q := url.Values{"limit": {strconv.Itoa(c.set.pageSize)}, "offset": {strconv.Itoa(offset)}}
			var page collection[map[string]any]
			if err := c.postJSON(ctx, c.restURL(svcWQL, q, "data"), map[string]string{"query": text}, &page); err != nil {
				return pager.Page{}, err
			}
			if page.Total == nil {
				return pager.Page{}, c.malformed("the collection's total")
			}
			recs := make([]connectors.Record, len(page.Data))
			for i, m := range page.Data {
				recs[i] = m
			}
			p := pager.Page{Records: recs, Total: *page.Total, HasTotal: true}
			if next := offset + len(recs); len(recs) > 0 && int64(next) < *page.Total {
				p.Next = strconv.Itoa(next)
			}
			return p, nil
		})
		for r, err := range walk {
			if !yield(r, err) {
				return
			}
		}
	}
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
