package salesforce

import (
	"context"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/internal/capread"
	"github.com/xlr8/connectors/internal/jsonpage"
	"github.com/xlr8/connectors/internal/timefmt"
	"github.com/xlr8/connectors/internal/transport"
)

// ParseTime parses a Salesforce datetime: the REST form with a colon-less
// offset ("2024-03-01T10:22:11.000+0000", which time.RFC3339 rejects), Bulk
// CSV's UTC form with a Z, or RFC 3339. The fixed forms are read from the
// bytes; anything else goes through time.Parse (see internal/timefmt).
func ParseTime(s string) (time.Time, bool) { return timefmt.ParseString(s) }

// pageDecoder is the one-pass decoder of REST query pages typed as t types
// them: the describe's int and long fields to int64, datetime to time.Time,
// date to connectors.Date, every other described field as it is, and
// fields the describe does not name (relationships, aggregates, a native
// query without describe) by shape; attributes dropped at every level,
// subquery results unwrapped to their records. What it does not take goes to
// the reference path (encoding/json into queryPage, then fromJSON), so that
// such a body gives what it gave before the decoder.
func (t typer) pageDecoder(maxValue int64) *jsonpage.Decoder {
	fields := make(map[string]jsonpage.Type, len(t.types))
	for name, ft := range t.types {
		switch ft {
		case "int", "long":
			fields[name] = jsonpage.Int
		case "datetime":
			fields[name] = jsonpage.Time
		case "date":
			fields[name] = jsonpage.Date
		default:
			fields[name] = jsonpage.Text
		}
	}
	return jsonpage.NewDecoder(jsonpage.Spec{Product: Product, Envelope: jsonpage.SalesforceREST, Fields: fields,
		Drop: []string{"attributes"}, Unwrap: "records", ShapeTimes: true, MaxValueBytes: maxValue,
		Fallback: t.referencePage})
}

// referencePage decodes a page the way the connector did before the
// one-pass decoder: the reference for every body the decoder does not take.
func (t typer) referencePage(resp *transport.Response) (jsonpage.Page, error) {
	var body queryPage
	if err := resp.DecodeJSON(&body); err != nil {
		return jsonpage.Page{}, err
	}
	var recs []connectors.Record
	if body.Records != nil {
		recs = make([]connectors.Record, len(body.Records))
	}
	for i, m := range body.Records {
		recs[i] = t.fromJSON(m)
	}
	return jsonpage.Page{Records: recs, Total: int64(body.TotalSize), Done: body.Done, Next: body.NextRecordsURL,
		Present: jsonpage.FieldTotal | jsonpage.FieldDone | jsonpage.FieldNext}, nil
}

// typer converts raw values (JSON from REST, text from Bulk CSV) into
// typed record values by the describe: datetimes to time.Time, dates to
// connectors.Date, integers to int64, decimals to float64, booleans to bool.
type typer struct {
	types map[string]string // field -> Salesforce type; nil: convert by shape
	pages *pages            // the one-pass page decoder of these types, built on first use
}

// pages holds a typer's page decoder, built once.
type pages struct {
	once sync.Once
	dec  *jsonpage.Decoder
}

func newTyper(d *describeResult) typer {
	if d == nil {
		return typer{}
	}
	t := typer{types: make(map[string]string, len(d.Fields)), pages: &pages{}}
	for _, f := range d.Fields {
		t.types[f.Name] = f.Type
	}
	return t
}

// untyped is the page decoder of typer{} (no describe: values by shape).
var untyped pages

// decoder returns the typer's page decoder; maxValue caps one value (the
// first call's cap stays: a typer serves one connector).
func (t typer) decoder(maxValue int64) *jsonpage.Decoder {
	p := t.pages
	if p == nil {
		p = &untyped
	}
	p.once.Do(func() { p.dec = t.pageDecoder(maxValue) })
	return p.dec
}

// getQueryPage GETs one REST query page and decodes it in one pass, with
// the records typed as t types them (the page's typed field).
func getQueryPage(ctx context.Context, client *transport.Client, rawURL string, header http.Header, t typer, maxValue int64) (queryPage, error) {
	if header.Get("Accept") == "" {
		header.Set("Accept", "application/json")
	}
	resp, err := client.Get(ctx, rawURL, header)
	if err != nil {
		return queryPage{}, err
	}
	p, err := t.decoder(maxValue).DecodeResponse(resp)
	resp.Release() // the records hold copies: the body's pooled buffer goes back
	if err != nil {
		return queryPage{}, err
	}
	return queryPage{TotalSize: int(p.Total), Done: p.Done, NextRecordsURL: p.Next, typed: p.Records}, nil
}

// records returns a page's typed records: those getQueryPage typed, or the
// maps of a page decoded with encoding/json (a keyset restart) typed now.
func (q queryPage) records(t typer) []connectors.Record {
	if q.typed != nil || q.Records == nil {
		return q.typed
	}
	recs := make([]connectors.Record, len(q.Records))
	for i, m := range q.Records {
		recs[i] = t.fromJSON(m)
	}
	return recs
}

// capCSV caps one field of a Bulk CSV results chunk (internal/capread).
func capCSV(r io.Reader, maxValue int64, jobID string) io.Reader {
	return capread.CSV(r, maxValue, ',', Product, "bulk job "+jobID+" results")
}

// fromJSON converts a REST record in place: strips attributes (also from
// nested relationship records and subquery results) and types the values.
// Only the values that change are written back: storing a string into the
// map again would box it again, an allocation per field.
func (t typer) fromJSON(m map[string]any) connectors.Record {
	delete(m, "attributes")
	for k, v := range m {
		switch x := v.(type) {
		case string:
			ft, known := t.types[k]
			switch {
			case known && ft != "datetime" && ft != "date":
				// text of every other type stays as it is
			case !known && (len(x) < 10 || strings.IndexByte(x, 'T') != 10):
				// no describe: only datetime-shaped text is converted
			default:
				if nv := t.fromString(k, x, false); nv != any(x) {
					m[k] = nv
				}
			}
		case float64:
			if ft := t.types[k]; ft == "int" || ft == "long" {
				if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
					m[k] = int64(x)
				}
			}
		case map[string]any:
			if recs, ok := x["records"].([]any); ok {
				// A parent-to-child subquery: keep its records, typed by shape.
				for _, r := range recs {
					if rm, ok := r.(map[string]any); ok {
						typer{}.fromJSON(rm)
					}
				}
				m[k] = recs
				continue
			}
			typer{}.fromJSON(x)
		}
	}
	return m
}

// fromString types one text value. csv says the value came from Bulk CSV,
// where every value is text and an empty column is null.
func (t typer) fromString(field, s string, csv bool) any {
	ft, known := t.types[field]
	if csv && s == "" {
		return nil
	}
	switch ft {
	case "datetime":
		if ts, ok := ParseTime(s); ok {
			return ts
		}
	case "date":
		if y, m, d, ok := timefmt.ParseDate(s); ok {
			return connectors.Date{Year: y, Month: m, Day: d}
		}
	}
	if csv {
		switch ft {
		case "boolean":
			if b, err := strconv.ParseBool(s); err == nil {
				return b
			}
		case "int", "long":
			if n, err := strconv.ParseInt(s, 10, 64); err == nil {
				return n
			}
			if f, err := strconv.ParseFloat(s, 64); err == nil && f == math.Trunc(f) {
				return int64(f)
			}
		case "double", "currency", "percent":
			if f, err := strconv.ParseFloat(s, 64); err == nil {
				return f
			}
		}
	}
	if !known && strings.IndexByte(s, 'T') == 10 {
		// No describe (a native query): datetimes are recognised by shape.
		if ts, ok := ParseTime(s); ok {
			return ts
		}
	}
	return s
}
