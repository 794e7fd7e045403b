package jsonpage

import (
	"errors"
	"strings"
	"testing"

	"github.com/xlr8/connectors/internal/capread"
	"github.com/xlr8/connectors/internal/errs"
)

// TestMaxValueBytes: a string or number past the cap is an INTERNAL error
// wrapping capread.ErrValueTooLarge, whichever path decodes the body; a
// value at the cap decodes.
func TestMaxValueBytes(t *testing.T) {
	spec := Spec{Product: "p", Envelope: WorkdayREST, MaxValueBytes: 16}
	d := NewDecoder(spec)
	tests := []struct {
		name, body string
		fail       bool
	}{
		{"string at the cap", `{"data":[{"a":"` + strings.Repeat("x", 16) + `"}]}`, false},
		{"string past the cap", `{"data":[{"a":"` + strings.Repeat("x", 17) + `"}]}`, true},
		{"number past the cap", `{"data":[{"a":` + strings.Repeat("1", 17) + `}]}`, true},
		{"nested string past the cap", `{"data":[{"a":{"b":["` + strings.Repeat("x", 17) + `"]}}]}`, true},
		{"past the cap in a body the one pass refuses", "{\"data\":[{\"a\":\"\xff" + strings.Repeat("x", 17) + `"}]}`, true},
		{"envelope noise past the cap", `{"note":"` + strings.Repeat("x", 17) + `","data":[]}`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := d.Decode([]byte(tt.body))
			if !tt.fail {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var e *errs.Error
			if !errors.As(err, &e) || e.Code != errs.CodeInternal || !errors.Is(err, capread.ErrValueTooLarge) || e.Product != "p" {
				t.Fatalf("err = %v, want INTERNAL wrapping ErrValueTooLarge", err)
			}
		})
	}
}
