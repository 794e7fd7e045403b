package ukg

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"unicode"

	"golang.org/x/text/encoding/charmap"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/internal/errs"
)

// Charset is the encoding of a report's bytes.
type charset int

const (
	// charsetWindows1252: UKG Pro RaaS reports are Windows-1252 (a superset
	// of Latin-1) with CRLF line ends and no BOM.
	charsetWindows1252 charset = iota
	// charsetUTF8: UKG Ready and WFM report files.
	charsetUTF8
)

// HeaderMode says how report column names become record keys.
type HeaderMode int

const (
	// HeadersRaw keeps each column name exactly as the report sends it,
	// non-breaking spaces and leading spaces included (UKG Ready sends
	// "Counter\u00a0Quantity" and " Cost Center Full Path").
	HeadersRaw HeaderMode = iota
	// HeadersNormalized trims the name, turns every Unicode space (NBSP
	// included) into one ASCII space and collapses runs; the raw name stays
	// available in the report's columns (Column.Raw).
	HeadersNormalized
)

// Column is one report column: Name is the record key, Raw the header as sent.
type Column struct {
	Name string `json:"name"`
	Raw  string `json:"raw"`
}

// csvReader streams a CSV report as records. Memory is one row.
type csvReader struct {
	r       *csv.Reader
	columns []Column
	product string
}

// newCSVReader decodes the header. An empty report (no bytes) has no columns
// and no rows. A UTF-8 BOM overrides the declared charset.
func newCSVReader(product string, src io.Reader, cs charset, mode HeaderMode) (*csvReader, error) {
	br := bufio.NewReaderSize(src, 32<<10)
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte{0xEF, 0xBB, 0xBF}) {
		_, _ = br.Discard(3)
		cs = charsetUTF8
	}
	var in io.Reader = br
	if cs == charsetWindows1252 {
		in = charmap.Windows1252.NewDecoder().Reader(br)
	}
	cr := csv.NewReader(in)
	cr.ReuseRecord = true
	c := &csvReader{r: cr, product: product}
	head, err := cr.Read()
	if err == io.EOF {
		return c, nil
	}
	if err != nil {
		return nil, c.csvError(err)
	}
	seen := make(map[string]bool, len(head))
	for _, h := range head {
		name := h
		if mode == HeadersNormalized {
			name = normalizeHeader(h)
		}
		if seen[name] {
			return nil, &errs.Error{Code: errs.CodeInternal, Product: product,
				Message: "the report has two columns named alike", Details: map[string]any{"column": name}}
		}
		seen[name] = true
		c.columns = append(c.columns, Column{Name: name, Raw: h})
	}
	return c, nil
}

// Columns returns the report's columns.
func (c *csvReader) Columns() []Column { return c.columns }

// Next returns the next row, or io.EOF after the last. An empty cell is
// absent data and becomes nil.
func (c *csvReader) Next() (connectors.Record, error) {
	if len(c.columns) == 0 {
		return nil, io.EOF
	}
	row, err := c.r.Read()
	if err == io.EOF {
		return nil, io.EOF
	}
	if err != nil {
		return nil, c.csvError(err)
	}
	rec := make(connectors.Record, len(c.columns))
	for i, col := range c.columns {
		if row[i] == "" {
			rec[col.Name] = nil
			continue
		}
		rec[col.Name] = row[i]
	}
	return rec, nil
}

func (c *csvReader) csvError(err error) error {
	var e *errs.Error
	if errors.As(err, &e) {
		return err // the transport's own (a cut connection, a size cap)
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &errs.Error{Code: errs.CodeInternal, Product: c.product, Err: err,
			Message: "the report is not well-formed CSV", Details: map[string]any{"line": pe.Line, "column": pe.Column}}
	}
	return &errs.Error{Code: errs.CodeUnavailable, Product: c.product, Err: err, Retryable: true,
		Message: "reading the report failed"}
}

// normalizeHeader trims a header and folds every run of Unicode spaces
// (NBSP, tabs ...) into one ASCII space.
func normalizeHeader(h string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.TrimFunc(h, unicode.IsSpace) {
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}
