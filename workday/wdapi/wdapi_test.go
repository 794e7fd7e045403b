package wdapi

import (
	"encoding/json"
	"errors"
	"testing"

	connectors "github.com/xlr8/connectors"
)

func TestCapabilitiesComplete(t *testing.T) {
	caps := Capabilities()
	if len(caps) != 16 {
		t.Fatalf("%d capabilities, want 16", len(caps))
	}
	for _, c := range caps {
		in, out, ok := CapabilityTypes(c.Name)
		if !ok || in == nil || out == nil {
			t.Errorf("%s: no types", c.Name)
		}
		for _, s := range []json.RawMessage{c.InputSchema, c.OutputSchema} {
			var v map[string]any
			if err := json.Unmarshal(s, &v); err != nil || v["type"] != "object" {
				t.Errorf("%s: schema %s", c.Name, s)
			}
		}
		if got, ok := Capability(c.Name); !ok || got.Name != c.Name {
			t.Errorf("Capability(%q)", c.Name)
		}
	}
	if _, ok := Capability("workday.hcm.fire_everyone"); ok {
		t.Error("an unknown capability was found")
	}
}

func TestErrorTable(t *testing.T) {
	seen := map[string]bool{}
	for _, ec := range ErrorCodes() {
		if seen[ec.Code] || ec.HTTPStatus < 400 {
			t.Errorf("code %+v", ec)
		}
		seen[ec.Code] = true
		e := NewError("workday_hcm", ec.Code, "m", nil)
		if e.VendorCode != ec.Code || e.Code != ec.Portable || e.Retryable != ec.Retryable || e.Product != "workday_hcm" {
			t.Errorf("NewError(%s) = %#v", ec.Code, e)
		}
	}
	if e := NewError("p", "NOPE", "m", nil); e.VendorCode != "" {
		t.Errorf("unknown code: %v", e)
	}
}

func TestEntities(t *testing.T) {
	for _, n := range EntityNames() {
		s, ok := EntitySchema(n)
		if !ok || s.Entity != n || len(s.Key) == 0 || len(s.Fields) == 0 {
			t.Errorf("%s: %+v", n, s)
		}
		s.Fields[0].Name = "changed"
		if MustEntitySchema(n).Fields[0].Name == "changed" {
			t.Error("EntitySchema shares its fields")
		}
	}
}

func TestNormalize(t *testing.T) {
	ctxErr := connectors.Errorf(connectors.CodeTimeout, "deadline")
	for _, tc := range []struct {
		in             error
		code, vendor   string
		status         int
		sameAsInputPtr bool
	}{
		{connectors.Errorf(connectors.CodeInvalidArgument, "bad"), "INVALID_ARGUMENT", ErrCodeValidation, 400, false},
		{ctxErr, "TIMEOUT", ErrCodeConnectorTimeout, 504, false},
		{connectors.Errorf(connectors.CodeUnsupported, "nope"), "UNSUPPORTED", ErrCodeUnknownAction, 404, false},
		{connectors.Errorf(connectors.CodePermissionDenied, "no"), "PERMISSION_DENIED", ErrCodeNotPermitted, 403, false},
		{NewError("p", ErrCodeEmployeeNotFound, "m", nil), "NOT_FOUND", ErrCodeEmployeeNotFound, 404, true},
		{errors.New("plain"), "INTERNAL", "", 0, false},
	} {
		out := Normalize("p", tc.in)
		var e *connectors.Error
		if !errors.As(out, &e) || e.Code.String() != tc.code || e.VendorCode != tc.vendor || e.HTTPStatus != tc.status || e.Product != "p" {
			t.Errorf("Normalize(%v) = %#v", tc.in, out)
		}
		if (out == tc.in) != tc.sameAsInputPtr {
			t.Errorf("Normalize(%v): returned the input %v, want %v", tc.in, out == tc.in, tc.sameAsInputPtr)
		}
	}
	if Normalize("p", nil) != nil {
		t.Error("nil")
	}
	closed := &connectors.Error{Code: connectors.CodeInvalidArgument, Err: connectors.ErrClosed}
	if e := Normalize("p", closed).(*connectors.Error); e.VendorCode != "" || !errors.Is(e, connectors.ErrClosed) {
		t.Errorf("a closed connector's error: %#v", e)
	}
}
