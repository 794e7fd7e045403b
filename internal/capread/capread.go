package capread

import (
	"errors"
	"fmt"
	"io"

	"github.com/xlr8/connectors/internal/errs"
)

// DefaultMaxValueBytes is the cap on one value when none is configured.
const DefaultMaxValueBytes int64 = 8 << 20

// ErrValueTooLarge is the cause of the error a capped reader returns; test
// for it with errors.Is.
var ErrValueTooLarge = errors.New("a single value exceeds the per-value cap")

// TooLarge returns the error for a value longer than max bytes.
func TooLarge(product, what string, max int64) *errs.Error {
	return &errs.Error{Code: errs.CodeInternal, Product: product, Err: ErrValueTooLarge,
		Message: fmt.Sprintf("%s: a single value exceeds the %d-byte cap", what, max)}
}

// CSV returns r with a cap of max bytes on one field (max <= 0 means
// [DefaultMaxValueBytes]); comma is the field delimiter. product and what
// name the stream in the error.
func CSV(r io.Reader, max int64, comma byte, product, what string) io.Reader {
	return &reader{r: r, max: limit(max), csv: true, comma: comma, product: product, what: what}
}

// JSON returns r with a cap of max bytes on one JSON string or scalar
// (max <= 0 means [DefaultMaxValueBytes]).
func JSON(r io.Reader, max int64, product, what string) io.Reader {
	return &reader{r: r, max: limit(max), product: product, what: what}
}

func limit(max int64) int64 {
	if max <= 0 {
		return DefaultMaxValueBytes
	}
	return max
}

type reader struct {
	r       io.Reader
	max     int64
	n       int64 // bytes of the value being read so far
	csv     bool
	comma   byte
	quoted  bool // CSV: inside quotes; JSON: inside a string
	escaped bool // JSON: the previous byte was a backslash in a string
	product string
	what    string
	err     error
}

func (c *reader) Read(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.r.Read(p)
	var i int
	if c.csv {
		i = c.scanCSV(p[:n])
	} else {
		i = c.scanJSON(p[:n])
	}
	if i >= 0 {
		c.err = TooLarge(c.product, c.what, c.max)
		return i, c.err
	}
	return n, err
}

// scanCSV advances the field count over b and returns the index of the byte
// that passes the cap, or -1.
func (c *reader) scanCSV(b []byte) int {
	n, quoted := c.n, c.quoted
	for i, ch := range b {
		switch {
		case ch == '"':
			quoted = !quoted
		case !quoted && (ch == c.comma || ch == '\n' || ch == '\r'):
			n = 0
			continue
		}
		if n++; n > c.max {
			return i
		}
	}
	c.n, c.quoted = n, quoted
	return -1
}

// scanJSON advances the value count over b and returns the index of the byte
// that passes the cap, or -1.
func (c *reader) scanJSON(b []byte) int {
	n, inString, escaped := c.n, c.quoted, c.escaped
	for i, ch := range b {
		if inString {
			switch {
			case escaped:
				escaped = false
			case ch == '\\':
				escaped = true
			case ch == '"':
				inString, n = false, 0
				continue
			}
		} else {
			switch ch {
			case '"':
				inString, n = true, 0
				continue
			case '{', '}', '[', ']', ',', ':', ' ', '\t', '\n', '\r':
				n = 0
				continue
			}
		}
		if n++; n > c.max {
			return i
		}
	}
	c.n, c.quoted, c.escaped = n, inString, escaped
	return -1
}

// Exceeds reports whether a buffered JSON body holds a string or scalar of
// more than max bytes (max <= 0 means [DefaultMaxValueBytes]), counted as
// [JSON] counts them.
func Exceeds(body []byte, max int64) bool {
	c := reader{max: limit(max)}
	return c.scanJSON(body) >= 0
}
