package sap

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	connectors "github.com/xlr8/connectors"
)

// OData v4 values as a write sends them, by the property's Edm type: key
// literals in the resource path (OData v4.0 Part 2, URL Conventions,
// section 4.3.1 and its ABNF primitiveLiteral) and property values in the
// JSON body (OData v4.0 JSON Format, section 7.1). Neither carries v2's
// typed prefixes and suffixes (guid'...', datetime'...', 1L, 1.5M).

var (
	// decimalRE is a JSON number: the text of an Edm.Decimal, kept exact.
	decimalRE = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)
	// timeOfDayRE is the ABNF timeOfDayValue: hh:mm[:ss[.fffffffffff]].
	timeOfDayRE = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,12})?)?$`)
)

// v4Value is the JSON value of a non-nil property value of Edm type
// p.Type: Int64 and Decimal as JSON numbers with their exact text
// (IEEE754Compatible is not asked for), Edm.Date as YYYY-MM-DD,
// Edm.DateTimeOffset as RFC 3339 with its offset, Edm.TimeOfDay as
// hh:mm:ss, Guid and String as strings, Boolean as a boolean.
func v4Value(p property, v any) (any, error) {
	switch p.Type {
	case "Edm.String":
		s, ok := v.(string)
		if !ok || !utf8.ValidString(s) {
			return nil, fmt.Errorf("want a string, got %T", v)
		}
		return s, nil
	case "Edm.Boolean":
		return v, checkBool(v)
	case "Edm.Double", "Edm.Single":
		if n, ok := v.(json.Number); ok {
			v = n.String()
		}
		f, ok := floatOf(v)
		if !ok {
			return nil, fmt.Errorf("want a finite number, got %T", v)
		}
		return f, nil
	}
	lit, err := v4Literal(p.Type, v)
	if err != nil {
		return nil, err
	}
	switch p.Type {
	case "Edm.Int16", "Edm.Int32", "Edm.Int64", "Edm.Byte", "Edm.SByte", "Edm.Decimal":
		return json.Number(lit), nil
	}
	return lit, nil // Guid, Date, DateTimeOffset, TimeOfDay: JSON strings
}

// v4KeyLiteral is the URL literal of a key value: a string quoted with '
// doubled, everything else bare.
func v4KeyLiteral(v any, p property) (string, error) {
	if p.Type == "Edm.String" {
		s, err := v4Value(p, v)
		if err != nil {
			return "", err
		}
		return "'" + strings.ReplaceAll(s.(string), "'", "''") + "'", nil
	}
	return v4Literal(p.Type, v)
}

func checkBool(v any) error {
	if _, ok := v.(bool); !ok {
		return fmt.Errorf("want a boolean, got %T", v)
	}
	return nil
}

// intRange is the value range of each v4 integer type.
var intRange = map[string][2]int64{
	"Edm.Byte": {0, math.MaxUint8}, "Edm.SByte": {math.MinInt8, math.MaxInt8},
	"Edm.Int16": {math.MinInt16, math.MaxInt16}, "Edm.Int32": {math.MinInt32, math.MaxInt32},
	"Edm.Int64": {math.MinInt64, math.MaxInt64},
}

// v4Literal renders the bare text both forms share for booleans, numbers,
// GUIDs, dates and times; a value of the wrong type is an error.
func v4Literal(edm string, v any) (string, error) {
	switch edm {
	case "Edm.Boolean":
		if err := checkBool(v); err != nil {
			return "", err
		}
		return strconv.FormatBool(v.(bool)), nil
	case "Edm.Int16", "Edm.Int32", "Edm.Int64", "Edm.Byte", "Edm.SByte":
		if n, ok := v.(json.Number); ok {
			v = n.String()
		}
		n, ok := intOf(v)
		if r := intRange[edm]; !ok || n < r[0] || n > r[1] {
			return "", fmt.Errorf("want an %s, got %v", edm, clip(fmt.Sprint(v)))
		}
		return strconv.FormatInt(n, 10), nil
	case "Edm.Decimal":
		return decimalText(v)
	case "Edm.Double", "Edm.Single":
		if n, ok := v.(json.Number); ok {
			v = n.String()
		}
		f, ok := floatOf(v)
		if !ok {
			return "", fmt.Errorf("want a finite number, got %T", v)
		}
		return strconv.FormatFloat(f, 'g', -1, 64), nil
	case "Edm.Guid":
		s, ok := v.(string)
		if !ok || !isGUID(s) {
			return "", fmt.Errorf("want a GUID")
		}
		return s, nil
	case "Edm.Date":
		d, err := dateOf(v)
		if err != nil {
			return "", err
		}
		return d.String(), nil
	case "Edm.DateTimeOffset":
		var t time.Time
		switch x := v.(type) {
		case time.Time:
			t = x
		case string:
			var err error
			if t, err = time.Parse(time.RFC3339Nano, x); err != nil {
				return "", fmt.Errorf("%q is not an RFC 3339 date and time with an offset", clip(x))
			}
		default:
			return "", fmt.Errorf("want a date and time with an offset, got %T", v)
		}
		if t.Year() < 1 || t.Year() > 9999 {
			return "", fmt.Errorf("year %d is out of range", t.Year())
		}
		return t.Format(time.RFC3339Nano), nil
	case "Edm.TimeOfDay":
		switch x := v.(type) {
		case string:
			if timeOfDayRE.MatchString(x) {
				return x, nil
			}
			return "", fmt.Errorf("%q is not a time of day (hh:mm:ss)", clip(x))
		case time.Time:
			return x.Format("15:04:05.999999999"), nil
		}
		return "", fmt.Errorf("want a time of day (hh:mm:ss), got %T", v)
	}
	return "", fmt.Errorf("type %s is not supported in OData v4 writes", edm)
}

// decimalText is the exact decimal text of v: a json.Number or a string
// as given (checked to be a JSON number), an integer in full, a float64 in
// its shortest exact form.
func decimalText(v any) (string, error) {
	switch x := v.(type) {
	case json.Number:
		v = x.String()
	case int:
		return strconv.Itoa(x), nil
	case int64:
		return strconv.FormatInt(x, 10), nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return "", fmt.Errorf("want a finite decimal")
		}
		return strconv.FormatFloat(x, 'f', -1, 64), nil
	}
	s, ok := v.(string)
	if !ok || !decimalRE.MatchString(s) {
		return "", fmt.Errorf("want a decimal number, got %v", clip(fmt.Sprint(v)))
	}
	return s, nil
}

// dateOf reads a calendar date: connectors.Date, a time.Time (its date in
// its own zone) or YYYY-MM-DD.
func dateOf(v any) (connectors.Date, error) {
	switch x := v.(type) {
	case connectors.Date:
		return x, nil
	case time.Time:
		return connectors.DateOf(x), nil
	case string:
		if d, err := connectors.ParseDate(x); err == nil {
			return d, nil
		}
		return connectors.Date{}, fmt.Errorf("%q is not a date (YYYY-MM-DD)", clip(x))
	}
	return connectors.Date{}, fmt.Errorf("want a date, got %T", v)
}
