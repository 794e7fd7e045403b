package ukg

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/internal/errs"
)

// decodeJSON decodes a response body keeping numbers exact (json.Number),
// so that typeValue can make integers int64 and the rest float64.
func decodeJSON(product, what string, body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return &errs.Error{Code: errs.CodeInternal, Product: product, Err: err,
			Message: what + " is not the JSON the API sends"}
	}
	if dec.More() {
		return &errs.Error{Code: errs.CodeInternal, Product: product, Message: what + " has data after its JSON value"}
	}
	return nil
}

// typeRecord converts a decoded record in place: numbers to int64 or
// float64 (nested too), and the fields the schema types as date or
// datetime from their text to connectors.Date or time.Time. A text the
// layouts do not read is kept as it came rather than guessed at.
func typeRecord(m map[string]any, types map[string]connectors.FieldType) connectors.Record {
	for k, v := range m {
		switch x := v.(type) {
		case json.Number:
			m[k] = number(x)
		case string:
			switch types[k] {
			case connectors.TypeDateTime:
				if t, ok := parseTime(x); ok {
					m[k] = t
				}
			case connectors.TypeDate:
				if d, ok := parseDate(x); ok {
					m[k] = d
				}
			}
		case map[string]any, []any:
			m[k] = typeNested(x)
		}
	}
	return connectors.Record(m)
}

func typeNested(v any) any {
	switch x := v.(type) {
	case json.Number:
		return number(x)
	case map[string]any:
		for k, e := range x {
			x[k] = typeNested(e)
		}
		return x
	case []any:
		for i, e := range x {
			x[i] = typeNested(e)
		}
		return x
	}
	return v
}

func number(n json.Number) any {
	if i, err := strconv.ParseInt(string(n), 10, 64); err == nil {
		return i
	}
	f, err := n.Float64()
	if err != nil {
		return string(n)
	}
	return f
}

// parseTime reads UKG's date-times: RFC 3339 (UKG Pro REST), and the
// zone-less local form WFM and Ready send ("2024-01-02T09:00:00"), taken as
// the tenant's wall time in UTC.
func parseTime(s string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02T15:04"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	if d, ok := parseDate(s); ok {
		return d.Time(), true
	}
	return time.Time{}, false
}

func parseDate(s string) (connectors.Date, bool) {
	if len(s) >= 10 {
		if t, err := time.Parse(time.DateOnly, s[:10]); err == nil && (len(s) == 10 || s[10] == 'T') {
			return connectors.DateOf(t), true
		}
	}
	return connectors.Date{}, false
}

// dottedLookup returns a nested value ("employee.qualifier").
func dottedLookup(m map[string]any, path string) (any, bool) {
	var cur any = m
	for _, p := range strings.Split(path, ".") {
		mm, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		cur, ok = mm[p]
		if !ok {
			return nil, false
		}
	}
	return cur, true
}
