package salesforce

import (
	"math"
	"strconv"
	"strings"
	"time"

	connectors "github.com/xlr8/connectors"
)

// sfDateTime is the REST datetime format: an offset without a colon
// ("2024-03-01T10:22:11.000+0000"), which time.RFC3339 rejects.
const sfDateTime = "2006-01-02T15:04:05.000-0700"

// ParseTime parses a Salesforce datetime: the REST form with a colon-less
// offset, Bulk CSV's UTC form with a Z, or RFC 3339.
func ParseTime(s string) (time.Time, bool) {
	if len(s) < 20 || s[4] != '-' || s[10] != 'T' {
		return time.Time{}, false
	}
	for _, layout := range []string{sfDateTime, "2006-01-02T15:04:05.000Z07:00", time.RFC3339Nano, "2006-01-02T15:04:05-0700"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// typer converts raw values (JSON from REST, text from Bulk CSV) into
// typed record values by the describe: datetimes to time.Time, dates to
// connectors.Date, integers to int64, decimals to float64, booleans to bool.
type typer struct {
	types map[string]string // field -> Salesforce type; nil: convert by shape
}

func newTyper(d *describeResult) typer {
	if d == nil {
		return typer{}
	}
	t := typer{types: make(map[string]string, len(d.Fields))}
	for _, f := range d.Fields {
		t.types[f.Name] = f.Type
	}
	return t
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
		if d, err := connectors.ParseDate(s); err == nil {
			return d
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
