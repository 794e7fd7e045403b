package translate

import (
	"strconv"
	"strings"
	"time"

	connectors "github.com/xlr8/connectors"
)

// Format prints q in the universal language; Parse reads it back to an
// equal Query (Resume, an opaque token, is not part of the language). The
// WHERE clause is q.Where.String(), the root package's printer.
func Format(q connectors.Query) string {
	var b strings.Builder
	b.WriteString("SELECT ")
	if len(q.Fields) == 0 {
		b.WriteString("*")
	}
	for i, f := range q.Fields {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(connectors.FormatIdent(f))
	}
	b.WriteString(" FROM ")
	b.WriteString(connectors.FormatIdent(q.Entity))
	if q.Where != nil {
		b.WriteString(" WHERE ")
		b.WriteString(q.Where.String())
	}
	if !q.AsOf.IsZero() {
		b.WriteString(" AS OF ")
		b.WriteString(formatInstant(q.AsOf))
	}
	if !q.Since.IsZero() {
		b.WriteString(" SINCE ")
		b.WriteString(formatInstant(q.Since))
	}
	for i, o := range q.OrderBy {
		if i == 0 {
			b.WriteString(" ORDER BY ")
		} else {
			b.WriteString(", ")
		}
		b.WriteString(o.String())
	}
	if q.Limit > 0 {
		b.WriteString(" LIMIT ")
		b.WriteString(strconv.Itoa(q.Limit))
	}
	return b.String()
}

// formatInstant prints midnight UTC as a DATE, anything else as a TIMESTAMP.
func formatInstant(t time.Time) string {
	if t.Location() == time.UTC && t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 && t.Nanosecond() == 0 {
		return connectors.FormatValue(connectors.DateOf(t))
	}
	return connectors.FormatValue(t)
}
