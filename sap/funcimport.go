package sap

import (
	"fmt"
	"math"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/internal/errs"
)

// OData v2 function imports (the route S/4HANA exposes most BAPIs through:
// GET or POST /sap/opu/odata/sap/{SERVICE}/{Function}?Param=literal). The
// parameters are URI literals typed by the function's declaration in
// $metadata, so that a value can never change the request's meaning.

// functionQuery renders the parameters of fn as a query string, checking
// names and types against the declaration: an undeclared parameter, a
// missing non-nullable one, or a value of the wrong type is INVALID_ARGUMENT.
func functionQuery(fn *function, params map[string]any) (string, error) {
	declared := map[string]funcParam{}
	for _, p := range fn.Params {
		declared[p.Name] = p
	}
	for k := range params {
		if _, ok := declared[k]; !ok {
			names := make([]string, 0, len(fn.Params))
			for _, p := range fn.Params {
				names = append(names, p.Name)
			}
			return "", &errs.Error{Code: errs.CodeInvalidArgument,
				Message: fmt.Sprintf("function %s has no parameter %q (it declares %s)", fn.Name, clip(k), strings.Join(names, ", "))}
		}
	}
	var parts []string
	for _, p := range fn.Params {
		v, ok := params[p.Name]
		if !ok || v == nil {
			if !p.Nullable {
				return "", &errs.Error{Code: errs.CodeInvalidArgument, Message: fmt.Sprintf("function %s needs parameter %s", fn.Name, p.Name)}
			}
			continue
		}
		lit, err := uriLiteral(v, p.Type)
		if err != nil {
			return "", &errs.Error{Code: errs.CodeInvalidArgument, Message: fmt.Sprintf("function %s parameter %s: %s", fn.Name, p.Name, err.Error())}
		}
		parts = append(parts, url.QueryEscape(p.Name)+"="+escapeLiteral(lit))
	}
	sort.Strings(parts)
	return strings.Join(parts, "&"), nil
}

// escapeLiteral percent-encodes a literal for a query value (spaces as
// %20, as SAP Gateway expects; quotes kept).
func escapeLiteral(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}

// uriLiteral renders v as an OData v2 URI literal of Edm type edm.
func uriLiteral(v any, edm string) (string, error) {
	switch edm {
	case "Edm.String":
		s, ok := v.(string)
		if !ok || !utf8.ValidString(s) {
			return "", fmt.Errorf("want a string, got %T", v)
		}
		return "'" + strings.ReplaceAll(s, "'", "''") + "'", nil
	case "Edm.Boolean":
		b, ok := v.(bool)
		if !ok {
			return "", fmt.Errorf("want a boolean, got %T", v)
		}
		return strconv.FormatBool(b), nil
	case "Edm.Int16", "Edm.Int32", "Edm.Int64", "Edm.Byte", "Edm.SByte":
		n, ok := intOf(v)
		if !ok {
			return "", fmt.Errorf("want an integer, got %v", v)
		}
		s := strconv.FormatInt(n, 10)
		if edm == "Edm.Int64" {
			s += "L"
		}
		return s, nil
	case "Edm.Decimal", "Edm.Double", "Edm.Single":
		f, ok := floatOf(v)
		if !ok {
			return "", fmt.Errorf("want a number, got %T", v)
		}
		s := strconv.FormatFloat(f, 'f', -1, 64)
		switch edm {
		case "Edm.Decimal":
			return s + "M", nil
		case "Edm.Double":
			return s + "d", nil
		}
		return s + "f", nil
	case "Edm.Guid":
		s, ok := v.(string)
		if !ok || !isGUID(s) {
			return "", fmt.Errorf("want a GUID")
		}
		return "guid'" + s + "'", nil
	case "Edm.DateTime", "Edm.DateTimeOffset":
		t, err := timeOf(v)
		if err != nil {
			return "", err
		}
		u := t.UTC()
		if u.Year() < 1 || u.Year() > 9999 {
			return "", fmt.Errorf("year %d is out of range", u.Year())
		}
		if edm == "Edm.DateTime" {
			return "datetime'" + u.Format("2006-01-02T15:04:05") + "'", nil
		}
		return "datetimeoffset'" + u.Format("2006-01-02T15:04:05Z") + "'", nil
	}
	return "", fmt.Errorf("type %s is not supported for function parameters", edm)
}

func intOf(v any) (int64, bool) {
	switch x := v.(type) {
	case int:
		return int64(x), true
	case int64:
		return x, true
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
			return int64(x), true
		}
	case string:
		n, err := strconv.ParseInt(x, 10, 64)
		return n, err == nil
	}
	return 0, false
}

func floatOf(v any) (float64, bool) {
	switch x := v.(type) {
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case float64:
		return x, !math.IsNaN(x) && !math.IsInf(x, 0)
	case string:
		f, err := strconv.ParseFloat(x, 64)
		return f, err == nil && !math.IsNaN(f) && !math.IsInf(f, 0)
	}
	return 0, false
}

func isGUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, r := range s {
		switch i {
		case 8, 13, 18, 23:
			if r != '-' {
				return false
			}
		default:
			if !strings.ContainsRune("0123456789abcdefABCDEF", r) {
				return false
			}
		}
	}
	return true
}

// timeOf reads a date or time given as time.Time, connectors.Date or ISO
// 8601 text.
func timeOf(v any) (time.Time, error) {
	switch x := v.(type) {
	case time.Time:
		return x, nil
	case connectors.Date:
		return x.Time(), nil
	case string:
		if t, ok := parseISO(x); ok {
			return t, nil
		}
		return time.Time{}, fmt.Errorf("%q is not an ISO 8601 date or time", clip(x))
	}
	return time.Time{}, fmt.Errorf("want a date or time, got %T", v)
}
