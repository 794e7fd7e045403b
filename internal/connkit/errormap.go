package connkit

import "github.com/xlr8/connectors/internal/errs"

// ErrorMap is a vendor's error map: its codes (the VendorCode its
// DecodeError read from the body) to a portable code and whether a retry
// may succeed. Codes not in the map keep the code the HTTP status gave.
type ErrorMap map[string]ErrorClass

// ErrorClass is what a vendor code means.
type ErrorClass struct {
	Code      errs.Code
	Retryable bool
}

// Apply gives e the code and retryability its VendorCode maps to. It
// returns e itself when nothing changes, else a copy.
func (m ErrorMap) Apply(e *errs.Error) *errs.Error {
	if e == nil || e.VendorCode == "" {
		return e
	}
	c, ok := m[e.VendorCode]
	if !ok || (e.Code == c.Code && e.Retryable == c.Retryable) {
		return e
	}
	e = e.Clone()
	e.Code, e.Retryable = c.Code, c.Retryable
	return e
}
