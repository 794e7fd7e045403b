package capread

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/xlr8/connectors/internal/capread/captest"
	"github.com/xlr8/connectors/internal/errs"
)

func TestCSV(t *testing.T) {
	tests := []struct {
		name string
		in   string
		max  int64
		fail bool
	}{
		{"fields at the cap", "aaaa,bbbb\ncccc,dddd\n", 4, false},
		{"a field past the cap", "aaaa,bbbbb\n", 4, true},
		{"quoted comma and newline count", "\"a,\nb\",c\n", 4, true},
		{"quoted field at the cap", "\"ab\",c\n", 4, false},
		{"doubled quote stays quoted", "\"a\"\"b,cdef\",x\n", 6, true},
		{"crlf ends a field", "abcd\r\nefgh\r\n", 4, false},
		{"many short fields", strings.Repeat("ab,", 10000) + "\n", 4, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := CSV(strings.NewReader(tt.in), tt.max, ',', "p", "bulk results")
			b, err := io.ReadAll(r)
			if tt.fail {
				var e *errs.Error
				if !errors.As(err, &e) || e.Code != errs.CodeInternal || !errors.Is(err, ErrValueTooLarge) {
					t.Fatalf("err = %v, want INTERNAL ErrValueTooLarge", err)
				}
				return
			}
			if err != nil || string(b) != tt.in {
				t.Fatalf("read %q, %v; want the input back", b, err)
			}
		})
	}
}

func TestJSON(t *testing.T) {
	tests := []struct {
		name string
		in   string
		max  int64
		fail bool
	}{
		{"strings at the cap", `{"abcd":"efgh","x":[1,2,"ijkl"]}`, 4, false},
		{"a string past the cap", `{"a":"abcde"}`, 4, true},
		{"escapes count, escaped quote stays inside", `{"a":"\"\"\""}`, 4, true},
		{"escaped backslash ends the escape", `{"a":"\\"}`, 2, false},
		{"a number past the cap", `[123456]`, 4, true},
		{"literals", `[true,false,null]`, 5, false},
		{"large object of small values", "[" + strings.Repeat(`"ab",`, 10000) + `"ab"]`, 4, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := io.ReadAll(JSON(strings.NewReader(tt.in), tt.max, "p", "report"))
			if tt.fail != (err != nil) || (err != nil && !errors.Is(err, ErrValueTooLarge)) {
				t.Fatalf("err = %v, want failure %v", err, tt.fail)
			}
			if !tt.fail && string(b) != tt.in {
				t.Fatalf("read %q; want the input back", b)
			}
		})
	}
}

// TestCSVStopsEndlessField: encoding/csv over the capped reader fails once
// the field passes the cap instead of buffering it.
func TestCSVStopsEndlessField(t *testing.T) {
	const max = 1 << 20
	cr := csv.NewReader(CSV(captest.Value("Id,Body\n001,\"", -1, ""), max, ',', "p", "bulk"))
	cr.ReuseRecord = true
	if _, err := cr.Read(); err != nil {
		t.Fatal(err)
	}
	_, err := cr.Read()
	if !errors.Is(err, ErrValueTooLarge) {
		t.Fatalf("err = %v, want ErrValueTooLarge", err)
	}
	var e *errs.Error
	if !errors.As(err, &e) || !bytes.Contains([]byte(e.Message), []byte("1048576-byte cap")) {
		t.Fatalf("error %v does not name the cap", err)
	}
}
