package timefmt

import "time"

// Layouts is the fallback chain of [Parse], tried in order with time.Parse
// for a value that is not one of the fixed layouts: Salesforce REST's
// colon-less offset with milliseconds, milliseconds with Z or a colon
// offset, RFC 3339 with any fraction, and a colon-less offset without
// milliseconds.
var Layouts = [...]string{
	"2006-01-02T15:04:05.000-0700",
	"2006-01-02T15:04:05.000Z07:00",
	time.RFC3339Nano,
	"2006-01-02T15:04:05-0700",
}

// Parse parses a timestamp: a fixed layout directly, anything else through
// time.Parse over [Layouts]. ok is false when no layout accepts b.
func Parse(b []byte) (t time.Time, ok bool) {
	if t, ok := parseFixed(b); ok {
		return t, true
	}
	return parseSlow(string(b))
}

// ParseString is [Parse] for a string.
func ParseString(s string) (t time.Time, ok bool) {
	if t, ok := parseFixed(s); ok {
		return t, true
	}
	return parseSlow(s)
}

func parseSlow(s string) (time.Time, bool) {
	// Every layout starts with a four-digit year and a dash, and has a T at
	// index 10: anything shorter or shaped otherwise cannot match one, so it
	// is refused without the cost of time.Parse's error.
	if len(s) < 20 || s[4] != '-' || s[10] != 'T' {
		return time.Time{}, false
	}
	for _, layout := range Layouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// parseFixed reads the fixed layouts; ok false means "not one of them",
// never "invalid": the caller falls back.
func parseFixed[T string | []byte](b T) (time.Time, bool) {
	if len(b) < 20 || b[4] != '-' || b[7] != '-' || b[10] != 'T' || b[13] != ':' || b[16] != ':' {
		return time.Time{}, false
	}
	year, ok1 := digits4(b[0], b[1], b[2], b[3])
	month, ok2 := digits2(b[5], b[6])
	day, ok3 := digits2(b[8], b[9])
	hour, ok4 := digits2(b[11], b[12])
	minute, ok5 := digits2(b[14], b[15])
	sec, ok6 := digits2(b[17], b[18])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || month < 1 || month > 12 || day < 1 ||
		day > daysIn(month, year) || hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	i, nsec := 19, 0
	if b[i] == '.' {
		i++
		start := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			nsec = nsec*10 + int(b[i]-'0')
			i++
		}
		n := i - start
		if n < 1 || n > 9 {
			return time.Time{}, false
		}
		for ; n < 9; n++ {
			nsec *= 10
		}
	}
	offset := 0
	switch rest := b[i:]; {
	case len(rest) == 1 && rest[0] == 'Z':
	case len(rest) == 5 && (rest[0] == '+' || rest[0] == '-'):
		hh, okh := digits2(rest[1], rest[2])
		mm, okm := digits2(rest[3], rest[4])
		if !okh || !okm || hh > 23 || mm > 59 {
			return time.Time{}, false
		}
		offset = sign(rest[0]) * (hh*3600 + mm*60)
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':':
		hh, okh := digits2(rest[1], rest[2])
		mm, okm := digits2(rest[4], rest[5])
		if !okh || !okm || hh > 23 || mm > 59 {
			return time.Time{}, false
		}
		offset = sign(rest[0]) * (hh*3600 + mm*60)
	default:
		return time.Time{}, false
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC)
	if offset != 0 {
		t = t.Add(-time.Duration(offset) * time.Second)
	}
	return t, true
}

// ParseDate parses a plain "2006-01-02" date, accepting exactly what
// time.Parse(time.DateOnly, ...) accepts.
func ParseDate[T string | []byte](b T) (year int, month time.Month, day int, ok bool) {
	if len(b) != 10 || b[4] != '-' || b[7] != '-' {
		return 0, 0, 0, false
	}
	y, ok1 := digits4(b[0], b[1], b[2], b[3])
	m, ok2 := digits2(b[5], b[6])
	d, ok3 := digits2(b[8], b[9])
	if !(ok1 && ok2 && ok3) || m < 1 || m > 12 || d < 1 || d > daysIn(m, y) {
		return 0, 0, 0, false
	}
	return y, time.Month(m), d, true
}

func sign(c byte) int {
	if c == '-' {
		return -1
	}
	return 1
}

func digits2(a, b byte) (int, bool) {
	if a < '0' || a > '9' || b < '0' || b > '9' {
		return 0, false
	}
	return int(a-'0')*10 + int(b-'0'), true
}

func digits4(a, b, c, d byte) (int, bool) {
	hi, ok1 := digits2(a, b)
	lo, ok2 := digits2(c, d)
	return hi*100 + lo, ok1 && ok2
}

func daysIn(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}
