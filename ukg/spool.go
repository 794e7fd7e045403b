package ukg

import (
	"context"
	"errors"
	"io"
	"os"
	"strconv"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/internal/errs"
	"github.com/xlr8/connectors/internal/pager"
)

// A report (RaaS, a Ready saved or global report, a WFM report execution's
// file) is one response, not pages. To stream it page by page without
// holding a session or a connection open between pages, it is copied to an
// unlinked temporary file as it arrives (the RaaS session is logged off
// right after), and pages are read from there: memory stays one page, the
// file disappears when the stream ends or, for a stream abandoned midway,
// when its file is collected.

// spooled is an open spooled report.
type spooled struct {
	f    *os.File
	cr   *csvReader
	pos  int
	done bool
}

// spool copies src to an unlinked temporary file and opens its CSV.
func spool(product, dir string, src io.Reader, cs charset, mode HeaderMode) (*spooled, error) {
	f, err := os.CreateTemp(dir, "ukg-report-*")
	if err != nil {
		return nil, &errs.Error{Code: errs.CodeInternal, Product: product, Err: err, Message: "cannot create the report spool file"}
	}
	_ = os.Remove(f.Name()) // unlinked: gone once closed
	if _, err := io.Copy(f, src); err != nil {
		_ = f.Close()
		var e *errs.Error
		if errors.As(err, &e) {
			return nil, err
		}
		return nil, &errs.Error{Code: errs.CodeUnavailable, Product: product, Err: err, Retryable: true, Message: "reading the report failed"}
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		_ = f.Close()
		return nil, &errs.Error{Code: errs.CodeInternal, Product: product, Err: err, Message: "cannot read the report spool file"}
	}
	cr, err := newCSVReader(product, f, cs, mode)
	if err != nil {
		_ = f.Close()
		return nil, err
	}
	return &spooled{f: f, cr: cr}, nil
}

// page reads up to n rows.
func (s *spooled) page(n int) ([]connectors.Record, error) {
	var out []connectors.Record
	for len(out) < n {
		r, err := s.cr.Next()
		if err == io.EOF {
			s.close()
			break
		}
		if err != nil {
			s.close()
			return nil, err
		}
		out = append(out, r)
	}
	s.pos += len(out)
	return out, nil
}

func (s *spooled) close() {
	if !s.done {
		s.done = true
		_ = s.f.Close()
	}
}

// reportFetch pages a report: open runs the report and returns its spool.
// The page token is the row offset; a token that is not where the open
// spool stands (a resumed stream) runs the report again and skips to it.
func reportFetch(size int, open func(ctx context.Context) (*spooled, error)) pager.Fetch {
	var cur *spooled
	return pager.Tokens(size, func(ctx context.Context, at pager.At) (pager.Result, error) {
		want := 0
		if at.Token != "" {
			n, err := strconv.Atoi(at.Token)
			if err != nil || n < 0 {
				return pager.Result{}, &errs.Error{Code: errs.CodeInvalidArgument, Message: "malformed report page token"}
			}
			want = n
		}
		if cur == nil || cur.pos != want || (cur.done && want != cur.pos) || at.Token == "" {
			if cur != nil {
				cur.close()
			}
			sp, err := open(ctx)
			if err != nil {
				return pager.Result{}, err
			}
			cur = sp
			for cur.pos < want && !cur.done {
				if _, err := cur.page(min(size, want-cur.pos)); err != nil {
					return pager.Result{}, err
				}
			}
		}
		recs, err := cur.page(size)
		if err != nil {
			return pager.Result{}, err
		}
		res := pager.Result{Records: recs}
		if !cur.done {
			res.Next = strconv.Itoa(cur.pos)
		}
		return res, nil
	})
}
