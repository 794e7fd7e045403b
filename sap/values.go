package sap

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/internal/errs"
)

// OData v2 JSON ("verbose") typing, as SuccessFactors and SAP Gateway write
// it:
//
//   - Edm.DateTime is "/Date(ms)/" (milliseconds since the epoch, UTC) and
//     Edm.DateTimeOffset "/Date(ms+0000)/" with an offset in minutes, which
//     SuccessFactors may leave out (pyodata#231: treat as UTC). Both become
//     time.Time; an Edm.DateTime marked sap:display-format="Date" becomes a
//     connectors.Date. v4 and some v2 services send ISO 8601 text instead,
//     which is accepted too.
//   - Edm.Int64 and Edm.Decimal arrive as JSON strings ("seqNumber":"1",
//     "price":"200.20"); Edm.Int32 as a number; SuccessFactors even sends
//     Edm.Double as a string ("maxValue":"0"). Integer types become int64,
//     Decimal/Double/Single float64, whichever JSON form they came in.
//   - __metadata is dropped, a deferred navigation property
//     ({"__deferred":{"uri":...}}) is dropped (it was not expanded: missing
//     stays missing), an expanded to-many navigation property
//     ({"results":[...]}) becomes a slice of records typed by its target
//     entity type, a to-one one a record.
//
// A value that does not fit its declared type is an INTERNAL error naming
// the property: the server broke its own $metadata.

// typeRecord converts one decoded entity in place and returns it.
func typeRecord(raw map[string]any, sh *shape) (connectors.Record, error) {
	delete(raw, "__metadata")
	for k, v := range raw {
		if strings.HasPrefix(k, "@odata.") || strings.Contains(k, "@odata.") {
			delete(raw, k) // v4 control information (@odata.etag, Nav@odata.navigationLink)
			continue
		}
		nv, keep, err := typeValue(k, v, sh)
		if err != nil {
			return nil, err
		}
		if !keep {
			delete(raw, k)
			continue
		}
		raw[k] = nv
	}
	return connectors.Record(raw), nil
}

// typeValue converts the value of property k.
func typeValue(k string, v any, sh *shape) (any, bool, error) {
	if v == nil {
		return nil, true, nil
	}
	var p property
	var n nav
	var isProp, isNav bool
	if sh != nil {
		p, isProp = sh.prop(k)
		if !isProp {
			n, isNav = sh.navigation(k)
		}
	}
	switch x := v.(type) {
	case map[string]any:
		if _, ok := x["__deferred"]; ok && len(x) == 1 {
			return nil, false, nil
		}
		var target *shape
		if isNav {
			target = n.Target
		}
		if res, ok := x["results"]; ok && (len(x) == 1 || hasOnlyEnvelope(x)) {
			list, ok := res.([]any)
			if !ok {
				return nil, false, badValue(k, "results is not an array")
			}
			return typeList(k, list, target)
		}
		r, err := typeRecord(x, target)
		return map[string]any(r), true, err
	case []any:
		if isNav {
			return typeList(k, x, n.Target)
		}
		for i, e := range x {
			if m, ok := e.(map[string]any); ok {
				r, err := typeRecord(m, nil)
				if err != nil {
					return nil, false, err
				}
				x[i] = map[string]any(r)
			}
		}
		return x, true, nil
	}
	if !isProp {
		// Not declared (a custom field the metadata we hold does not list):
		// only the unmistakable /Date()/ form is converted.
		if s, ok := v.(string); ok && strings.HasPrefix(s, "/Date(") {
			if t, ok := parseDate(s); ok {
				return t, true, nil
			}
		}
		return v, true, nil
	}
	out, err := convert(p, v)
	if err != nil {
		return nil, false, err
	}
	return out, true, nil
}

// hasOnlyEnvelope reports whether an object holding "results" has nothing
// but paging control information beside it (__next, __count of an expanded
// collection).
func hasOnlyEnvelope(x map[string]any) bool {
	for k := range x {
		if k != "results" && k != "__next" && k != "__count" {
			return false
		}
	}
	return true
}

func typeList(k string, list []any, target *shape) (any, bool, error) {
	out := make([]any, 0, len(list))
	for _, e := range list {
		m, ok := e.(map[string]any)
		if !ok {
			out = append(out, e)
			continue
		}
		r, err := typeRecord(m, target)
		if err != nil {
			return nil, false, err
		}
		out = append(out, map[string]any(r))
	}
	return out, true, nil
}

func convert(p property, v any) (any, error) {
	switch p.Type {
	case "Edm.Int16", "Edm.Int32", "Edm.Int64", "Edm.Byte", "Edm.SByte":
		switch x := v.(type) {
		case string:
			n, err := strconv.ParseInt(strings.TrimSuffix(x, "L"), 10, 64)
			if err != nil {
				return nil, badValue(p.Name, fmt.Sprintf("%q is not an %s", clip(x), p.Type))
			}
			return n, nil
		case float64:
			if x != math.Trunc(x) || math.Abs(x) > 1<<63 {
				return nil, badValue(p.Name, fmt.Sprintf("%v is not an %s", x, p.Type))
			}
			return int64(x), nil
		case json.Number:
			n, err := x.Int64()
			if err != nil {
				return nil, badValue(p.Name, fmt.Sprintf("%s is not an %s", clip(x.String()), p.Type))
			}
			return n, nil
		}
	case "Edm.Decimal", "Edm.Double", "Edm.Single":
		switch x := v.(type) {
		case string:
			f, err := strconv.ParseFloat(strings.TrimRight(x, "MmDdFf"), 64)
			if err != nil {
				return nil, badValue(p.Name, fmt.Sprintf("%q is not an %s", clip(x), p.Type))
			}
			return f, nil
		case float64:
			return x, nil
		case json.Number:
			f, err := x.Float64()
			if err != nil {
				return nil, badValue(p.Name, fmt.Sprintf("%s is not an %s", clip(x.String()), p.Type))
			}
			return f, nil
		}
	case "Edm.Boolean":
		switch x := v.(type) {
		case bool:
			return x, nil
		case string:
			if b, err := strconv.ParseBool(x); err == nil {
				return b, nil
			}
			return nil, badValue(p.Name, fmt.Sprintf("%q is not an Edm.Boolean", clip(x)))
		}
	case "Edm.DateTime", "Edm.DateTimeOffset", "Edm.Date":
		s, ok := v.(string)
		if !ok {
			break
		}
		t, ok := parseDate(s)
		if !ok {
			t, ok = parseISO(s)
		}
		if !ok {
			return nil, badValue(p.Name, fmt.Sprintf("%q is not an %s", clip(s), p.Type))
		}
		if p.DateOnly || p.Type == "Edm.Date" {
			return connectors.DateOf(t.UTC()), nil
		}
		return t, nil
	default:
		return v, nil // Edm.String, Edm.Guid, Edm.Time (an ISO duration), binary ...
	}
	return nil, badValue(p.Name, fmt.Sprintf("a JSON %T is not an %s", v, p.Type))
}

func badValue(name, why string) error {
	return &errs.Error{Code: errs.CodeInternal, Message: fmt.Sprintf("property %s: %s", name, why)}
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

// parseDate reads "/Date(ms)/" and "/Date(ms+hhmm)/" or "/Date(ms-mm)/"
// (the offset is in minutes in OData v2; SuccessFactors writes +0000). The
// milliseconds are UTC either way; the offset only sets the zone the
// instant is presented in.
func parseDate(s string) (time.Time, bool) {
	if !strings.HasPrefix(s, "/Date(") || !strings.HasSuffix(s, ")/") {
		return time.Time{}, false
	}
	body := s[len("/Date(") : len(s)-2]
	offset := ""
	if i := strings.LastIndexAny(body, "+-"); i > 0 {
		body, offset = body[:i], body[i:]
	}
	ms, err := strconv.ParseInt(body, 10, 64)
	if err != nil || body == "" || body[0] == '+' {
		return time.Time{}, false
	}
	if ms < -62135596800000 || ms > 253402300799999 { // years 1 to 9999
		return time.Time{}, false
	}
	t := time.UnixMilli(ms).UTC()
	if offset != "" {
		mins, err := strconv.Atoi(offset[1:])
		if err != nil || len(offset) < 2 || mins > 24*60 {
			return time.Time{}, false
		}
		if offset[0] == '-' {
			mins = -mins
		}
		if mins != 0 {
			t = t.In(time.FixedZone("", mins*60))
		}
	}
	return t, true
}

// parseISO reads the ISO 8601 forms OData v4 (and some v2 services) use.
func parseISO(s string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.9999999", "2006-01-02T15:04", time.DateOnly} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
