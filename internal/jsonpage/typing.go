package jsonpage

import (
	"bytes"
	"math"
	"strconv"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/internal/timefmt"
)

// typeString converts the JSON string s of a field of type t; ok false
// means the value stays the string. Both decoding paths use it, so that
// they type alike.
func (d *Decoder) typeString(t Type, s []byte) (any, bool) {
	switch t {
	case Auto:
		if d.spec.ShapeTimes && timeShaped(s) {
			if ts, ok := timefmt.Parse(s); ok {
				return ts, true
			}
		}
	case Time:
		if ts, ok := timefmt.Parse(s); ok {
			return ts, true
		}
		if d.spec.SAPDates {
			if ts, ok := timefmt.ParseSAP(s); ok {
				return ts, true
			}
		}
	case Date:
		if y, m, dd, ok := timefmt.ParseDate(s); ok {
			return connectors.Date{Year: y, Month: m, Day: dd}, true
		}
		if d.spec.SAPDates {
			if ts, ok := timefmt.ParseSAP(s); ok {
				return connectors.DateOf(ts), true
			}
		}
	case Int:
		if d.spec.StringNumbers {
			if n, ok := parseInt(s); ok {
				return n, true
			}
		}
	case Float:
		if d.spec.StringNumbers && isJSONNumber(s) {
			if f, err := strconv.ParseFloat(string(s), 64); err == nil {
				return f, true
			}
		}
	case Bool:
		if d.spec.StringNumbers {
			switch string(s) {
			case "true":
				return true, true
			case "false":
				return false, true
			}
		}
	}
	return nil, false
}

// typeNumber converts a JSON number (as encoding/json reads it, a float64)
// of a field of type t.
func typeNumber(t Type, f float64) any {
	if t == Int && f < 1<<53 && f > -(1<<53) && f == math.Trunc(f) {
		return int64(f)
	}
	return f
}

// timeShaped reports a string whose first 'T' is at index 10
// ("2006-01-02T..."): the only strings Auto tries as timestamps.
func timeShaped(s []byte) bool {
	if len(s) < 11 || s[10] != 'T' {
		return false
	}
	for _, c := range s[:10] {
		if c == 'T' {
			return false
		}
	}
	return true
}

// parseInt reads an optional minus and decimal digits into an int64.
func parseInt(s []byte) (int64, bool) {
	digits := s
	if len(digits) > 0 && digits[0] == '-' {
		digits = digits[1:]
	}
	if len(digits) == 0 || len(digits) > 19 {
		return 0, false
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(string(s), 10, 64)
	return n, err == nil
}

// isJSONNumber reports whether s is a number by JSON's grammar.
func isJSONNumber(s []byte) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && s[i] >= '1' && s[i] <= '9':
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	default:
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if i == len(s) || s[i] < '0' || s[i] > '9' {
			return false
		}
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if i == len(s) || s[i] < '0' || s[i] > '9' {
			return false
		}
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	}
	return i == len(s)
}

// parseNumber reads a JSON number literal as encoding/json does into an
// interface: strconv.ParseFloat, failing where it fails (out of range).
// Short integers skip ParseFloat: below 2^53 a float64 holds them exactly.
func parseNumber(raw []byte) (float64, bool) {
	if len(raw) <= 15 {
		neg, b := false, raw
		if b[0] == '-' {
			neg, b = true, b[1:]
		}
		var n int64
		simple := len(b) > 0
		for _, c := range b {
			if c < '0' || c > '9' {
				simple = false
				break
			}
			n = n*10 + int64(c-'0')
		}
		if simple {
			if neg {
				if n == 0 {
					return negZero, true
				}
				return float64(-n), true
			}
			return float64(n), true
		}
	}
	f, err := strconv.ParseFloat(string(raw), 64)
	return f, err == nil
}

var negZero = func() float64 { z := 0.0; return -z }()

// numbersFit reports whether every number in the raw JSON value v parses
// as a float64, as encoding/json requires of every number it decodes into
// an interface (dropped values included: the reference decodes them too).
func numbersFit(v []byte) bool {
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c == '"':
			i = stringEnd(v, i)
		case c == '-' || c >= '0' && c <= '9':
			j := i + 1
			for j < len(v) && (v[j] >= '0' && v[j] <= '9' || v[j] == '.' || v[j] == 'e' || v[j] == 'E' || v[j] == '+' || v[j] == '-') {
				j++
			}
			if _, ok := parseNumber(v[i:j]); !ok {
				return false
			}
			i = j - 1
		}
	}
	return true
}

// stringEnd returns the index of the quote that closes the string opening
// at v[i] (len(v) if none).
func stringEnd(v []byte, i int) int {
	j := i + 1
	for {
		k := bytes.IndexByte(v[j:], '"')
		if k < 0 {
			return len(v)
		}
		j += k
		n := 0
		for p := j - 1; p > i && v[p] == '\\'; p-- {
			n++
		}
		if n%2 == 0 {
			return j
		}
		j++
	}
}
