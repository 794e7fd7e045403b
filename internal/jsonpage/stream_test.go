package jsonpage

import (
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/internal/capread"
	"github.com/xlr8/connectors/internal/capread/captest"
	"github.com/xlr8/connectors/internal/errs"
)

// checkStream: Stream takes exactly the bodies the one-pass decoder takes,
// with the same records and paging fields, read a byte at a time; the rest
// are INTERNAL errors.
func checkStream(t *testing.T, name string, d *Decoder, body string) {
	t.Helper()
	want, ok := d.OnePass([]byte(body))
	var got []connectors.Record
	p, err := d.Stream(iotest.OneByteReader(strings.NewReader(body)), "report", func(r connectors.Record) bool {
		got = append(got, r)
		return true
	})
	if !ok {
		var e *errs.Error
		if !errors.As(err, &e) || e.Code != errs.CodeInternal {
			t.Fatalf("%s: %q: the one pass refuses it; Stream: %v", name, body, err)
		}
		return
	}
	if err != nil {
		t.Fatalf("%s: %q: %v", name, body, err)
	}
	p.Records = got
	if len(want.Records) == 0 && len(got) == 0 {
		p.Records, want.Records = nil, nil
	}
	if diff := cmp.Diff(want, p); diff != "" {
		t.Fatalf("%s: %q: (-one pass +stream):\n%s", name, body, diff)
	}
}

func TestStreamMatchesOnePass(t *testing.T) {
	for name, d := range allDecoders() {
		for _, body := range seeds {
			checkStream(t, name, d, body)
		}
	}
}

func FuzzStream(f *testing.F) {
	for _, s := range seeds {
		f.Add(s)
	}
	decoders := allDecoders()
	f.Fuzz(func(t *testing.T, body string) {
		for name, d := range decoders {
			checkStream(t, name, d, body)
		}
	})
}

func TestStreamStops(t *testing.T) {
	d := NewDecoder(Spec{Envelope: Keyed("Report_Entry")})
	n := 0
	_, err := d.Stream(strings.NewReader(`{"Report_Entry":[{"a":1},{"a":2},{"a":3}]}`), "report", func(connectors.Record) bool {
		n++
		return n < 2
	})
	if err != nil || n != 2 {
		t.Fatalf("%d records, %v; want 2, nil", n, err)
	}
}

// failing returns its body, then a transport-like error.
type failing struct {
	r   io.Reader
	err error
}

func (f *failing) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if err == io.EOF {
		return n, f.err
	}
	return n, err
}

func TestStreamReaderErrorAsIs(t *testing.T) {
	cut := &errs.Error{Code: errs.CodeUnavailable, Retryable: true, Message: "GET x: body cut off after 20 bytes"}
	d := NewDecoder(Spec{Envelope: Keyed("Report_Entry")})
	_, err := d.Stream(&failing{r: strings.NewReader(`{"Report_Entry":[{"a":1},`), err: cut}, "report", func(connectors.Record) bool { return true })
	if err != error(cut) {
		t.Fatalf("err = %v, want the reader's own error", err)
	}
}

// TestStreamPerValueCap: a value past the cap ends the stream with an
// INTERNAL error wrapping capread.ErrValueTooLarge before the tokenizer
// buffers it (issue 11.5, the RaaS JSON case).
func TestStreamPerValueCap(t *testing.T) {
	d := NewDecoder(Spec{Product: "workday", Envelope: Keyed("Report_Entry"), MaxValueBytes: 1 << 20})
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	n := 0
	_, err := d.Stream(captest.Value(`{"Report_Entry":[{"Worker":"a"},{"Worker":"`, -1, ""), "report Headcount",
		func(connectors.Record) bool { n++; return true })
	runtime.ReadMemStats(&after)
	if !errors.Is(err, capread.ErrValueTooLarge) || n != 1 {
		t.Fatalf("%d records, %v; want 1 and ErrValueTooLarge", n, err)
	}
	if grown := after.TotalAlloc - before.TotalAlloc; grown > 16<<20 {
		t.Fatalf("%d MiB allocated for a 1 MiB cap", grown>>20)
	}
}
