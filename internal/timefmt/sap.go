package timefmt

import "time"

// ParseSAP parses OData v2's JSON date, "/Date(1700000000000)/" or
// "/Date(1700000000000+0060)/": milliseconds since the Unix epoch in UTC
// (negative before it), then an optional offset of four digits in minutes,
// which Edm.DateTimeOffset carries for information and which does not move
// the instant. A value without the offset is UTC. The result is in UTC.
func ParseSAP[T string | []byte](b T) (time.Time, bool) {
	const prefix, suffix = "/Date(", ")/"
	if len(b) < len(prefix)+1+len(suffix) || string(b[:len(prefix)]) != prefix || string(b[len(b)-2:]) != suffix {
		return time.Time{}, false
	}
	body := b[len(prefix) : len(b)-len(suffix)]
	neg := false
	if len(body) > 0 && body[0] == '-' {
		neg, body = true, body[1:]
	}
	n := 0
	for n < len(body) && body[n] >= '0' && body[n] <= '9' {
		n++
	}
	// 16 digits of milliseconds reach past year 300,000: enough, and no
	// overflow of int64 arithmetic below.
	if n == 0 || n > 16 {
		return time.Time{}, false
	}
	var ms int64
	for i := 0; i < n; i++ {
		ms = ms*10 + int64(body[i]-'0')
	}
	switch rest := body[n:]; {
	case len(rest) == 0:
	case len(rest) == 5 && (rest[0] == '+' || rest[0] == '-'):
		for i := 1; i < 5; i++ {
			if rest[i] < '0' || rest[i] > '9' {
				return time.Time{}, false
			}
		}
	default:
		return time.Time{}, false
	}
	if neg {
		ms = -ms
	}
	return time.UnixMilli(ms).UTC(), true
}
