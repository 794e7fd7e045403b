package jsonpage

import (
	"strings"
	"testing"
)

// TestNestingLimitAgrees: a dropped value is skipped, not built, so its
// depth is the tokenizer's to check; the bodies around encoding/json's
// limit (10,000 levels in all) must give what the reference gives.
func TestNestingLimitAgrees(t *testing.T) {
	d := NewDecoder(specs["salesforce"])
	for _, depth := range []int{9995, 9996, 9997, 9998, 9999, 10000, 10001} {
		// {"records":[{"attributes": <depth-3 levels>}]}: the envelope, the
		// array and the record make three.
		inner := strings.Repeat("[", depth-3) + strings.Repeat("]", depth-3)
		checkAgree(t, "salesforce", d, `{"records":[{"attributes":`+inner+`}]}`)
	}
}
