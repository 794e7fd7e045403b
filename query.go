package connectors

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// Query asks a connector for the records of one entity.
type Query struct {
	// Entity is the product's entity name (an sObject, an OData entity set,
	// "workers" ...). translate maps canonical names onto it.
	Entity string
	// Fields selects fields; empty means the connector's default set.
	Fields []string
	// Where filters records; nil means all. Connectors push down what the
	// vendor can evaluate and filter the rest client side (see Explainer).
	Where Expr
	// OrderBy sorts; empty means the vendor's order.
	OrderBy []Order
	// Limit caps the number of records; 0 means no limit.
	Limit int
	// AsOf is the effective date for effective-dated HR data
	// (SuccessFactors asOfDate, Oracle effective-of, Workday as-of); zero
	// means today.
	AsOf time.Time
	// Since asks for records changed at or after this instant (incremental
	// reads on SystemModstamp, lastModifiedDateTime, LastUpdateDate ...);
	// zero means all.
	Since time.Time
	// Resume continues a stream that stopped: set it to the Resume token of
	// the *Error that ended the stream (with the query otherwise unchanged)
	// to get the records not yet yielded, each once.
	Resume string
}

// Order sorts by one field.
type Order struct {
	Field string
	Desc  bool
}

// Asc sorts ascending by field.
func Asc(field string) Order { return Order{Field: field} }

// Desc sorts descending by field.
func Desc(field string) Order { return Order{Field: field, Desc: true} }

// String renders "field ASC" or "field DESC".
func (o Order) String() string {
	if o.Desc {
		return FormatIdent(o.Field) + " DESC"
	}
	return FormatIdent(o.Field) + " ASC"
}

// Validate checks the query: an entity, non-empty field names, a valid
// Where, order fields, a non-negative limit. The error is INVALID_ARGUMENT.
func (q Query) Validate() error {
	if strings.TrimSpace(q.Entity) == "" {
		return Errorf(CodeInvalidArgument, "query has no entity").WithDetail("path", "entity")
	}
	seen := make(map[string]bool, len(q.Fields))
	for i, f := range q.Fields {
		if strings.TrimSpace(f) == "" {
			return Errorf(CodeInvalidArgument, "query field %d is empty", i).WithDetail("path", fmt.Sprintf("fields[%d]", i))
		}
		if seen[f] {
			return Errorf(CodeInvalidArgument, "query selects field %q twice", f).WithDetail("path", fmt.Sprintf("fields[%d]", i))
		}
		seen[f] = true
	}
	if q.Where != nil {
		if err := ValidateExpr(q.Where); err != nil {
			return err
		}
	}
	for i, o := range q.OrderBy {
		if strings.TrimSpace(o.Field) == "" {
			return Errorf(CodeInvalidArgument, "order by %d has no field", i).WithDetail("path", fmt.Sprintf("order_by[%d]", i))
		}
	}
	if q.Limit < 0 {
		return Errorf(CodeInvalidArgument, "query limit %d is negative", q.Limit).WithDetail("path", "limit")
	}
	return nil
}

// Fingerprint identifies the query's shape (everything but Resume), so that
// a Resume token can refuse to continue a different query.
func (q Query) Fingerprint() string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00", q.Entity, strings.Join(q.Fields, "\x01"))
	if q.Where != nil {
		fmt.Fprintf(h, "%s", q.Where.String())
	}
	h.Write([]byte{0})
	for _, o := range q.OrderBy {
		fmt.Fprintf(h, "%s\x01", o.String())
	}
	fmt.Fprintf(h, "\x00%d\x00%s\x00%s", q.Limit, q.AsOf.UTC().Format(time.RFC3339Nano), q.Since.UTC().Format(time.RFC3339Nano))
	return hex.EncodeToString(h.Sum(nil)[:12])
}

// Date is a calendar date without a time or zone (hire dates, effective
// dates). It encodes as "2006-01-02".
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the date of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{Year: y, Month: m, Day: d}
}

// ParseDate parses "2006-01-02".
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, Errorf(CodeInvalidArgument, "%q is not a date (want YYYY-MM-DD)", s)
	}
	return DateOf(t), nil
}

// String renders "2006-01-02".
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day) }

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// Time returns midnight UTC of d.
func (d Date) Time() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// Before reports whether d is before o.
func (d Date) Before(o Date) bool { return d.Compare(o) < 0 }

// After reports whether d is after o.
func (d Date) After(o Date) bool { return d.Compare(o) > 0 }

// Compare returns -1, 0 or +1.
func (d Date) Compare(o Date) int {
	switch {
	case d.Year != o.Year:
		return cmpInt(d.Year, o.Year)
	case d.Month != o.Month:
		return cmpInt(int(d.Month), int(o.Month))
	}
	return cmpInt(d.Day, o.Day)
}

// AddDays returns d plus n days.
func (d Date) AddDays(n int) Date { return DateOf(d.Time().AddDate(0, 0, n)) }

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// MarshalText encodes "2006-01-02".
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText decodes "2006-01-02".
func (d *Date) UnmarshalText(b []byte) error {
	p, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = p
	return nil
}
