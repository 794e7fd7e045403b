package jsonpage

import (
	"errors"
	"fmt"
	"io"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/internal/capread"
	"github.com/xlr8/connectors/internal/errs"
)

// Stream decodes a body as it is read (a RaaS report, an export too large
// to buffer): each record goes to yield as soon as it is built, so memory
// holds one record and one value, not the page. yield returning false stops
// the decoding (the error is then nil). The returned Page carries the
// paging fields read (those after the records array too, if the decoding
// got there) and no records. what names the body in errors
// ("report Headcount").
//
// A stream cannot be read twice, so there is no fallback: what the one-pass
// decoder does not take (see the package documentation) is an INTERNAL
// error naming the byte offset; an error of the reader itself (a body cut
// off, a context cancelled) is returned as it is; a value longer than the
// Spec's MaxValueBytes is refused by capread before it is buffered. The
// caller checks the response's Content-Type (an HTML page) before
// streaming.
func (d *Decoder) Stream(r io.Reader, what string, yield func(connectors.Record) bool) (Page, error) {
	rec := &readErr{r: capread.JSON(r, d.max, d.spec.Product, what)}
	s := states.Get().(*state)
	defer s.release()
	s.d, s.page, s.width, s.order, s.emit = d, Page{}, int(d.width.Load()), s.order[:0], yield
	s.dec.Reset(rec, decOpts)
	ok := s.top()
	if s.stopped {
		return s.page, nil
	}
	if ok {
		if _, err := s.dec.ReadToken(); !errors.Is(err, io.EOF) {
			ok = false
		}
	}
	if ok {
		return s.page, nil
	}
	if rec.err != nil {
		return Page{}, rec.err
	}
	return Page{}, &errs.Error{Code: errs.CodeInternal, Product: d.spec.Product,
		Message: fmt.Sprintf("%s: malformed or unexpected JSON near byte %d", what, s.dec.InputOffset())}
}

// readErr remembers the first error of a reader other than io.EOF.
type readErr struct {
	r   io.Reader
	err error
}

func (e *readErr) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && err != io.EOF && e.err == nil {
		e.err = err
	}
	return n, err
}
