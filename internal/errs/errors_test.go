package errs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCodeWords(t *testing.T) {
	want := []string{"INTERNAL", "NOT_FOUND", "INVALID_ARGUMENT", "CONFLICT", "PERMISSION_DENIED", "UNAUTHENTICATED",
		"RATE_LIMITED", "UNAVAILABLE", "TIMEOUT", "UNSUPPORTED"}
	for i, c := range Codes() {
		if c.String() != want[i] {
			t.Errorf("code %d is %q, want %q", i, c, want[i])
		}
		b, err := c.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var back Code
		if err := back.UnmarshalText(b); err != nil || back != c {
			t.Errorf("round trip of %s gave %s, %v", c, back, err)
		}
	}
	var c Code
	if err := c.UnmarshalText([]byte("NOPE")); err == nil {
		t.Error("unknown word accepted")
	}
	if Code(200).String() != "Code(200)" {
		t.Error(Code(200).String())
	}
}

func TestCodeForStatus(t *testing.T) {
	for status, code := range map[int]Code{
		400: CodeInvalidArgument, 401: CodeUnauthenticated, 403: CodePermissionDenied, 404: CodeNotFound,
		409: CodeConflict, 422: CodeInvalidArgument, 429: CodeRateLimited, 500: CodeUnavailable, 502: CodeUnavailable,
		503: CodeUnavailable, 504: CodeTimeout, 414: CodeInvalidArgument, 431: CodeInvalidArgument, 599: CodeUnavailable,
		418: CodeInvalidArgument, 200: CodeInternal,
	} {
		if got := CodeForStatus(status); got != code {
			t.Errorf("CodeForStatus(%d) = %s, want %s", status, got, code)
		}
	}
}

func TestIsMatchesByCode(t *testing.T) {
	e := &Error{Code: CodeNotFound, VendorCode: "EMPLOYEE_NOT_FOUND", Message: "no EMP999", Product: "workday_sim"}
	wrapped := fmt.Errorf("looking up: %w", e)
	if !errors.Is(wrapped, ErrNotFound) {
		t.Error("errors.Is(wrapped, ErrNotFound) is false")
	}
	if errors.Is(wrapped, ErrConflict) {
		t.Error("errors.Is(wrapped, ErrConflict) is true")
	}
	other := &Error{Code: CodeNotFound, Message: "another"}
	if errors.Is(e, other) {
		t.Error("two distinct non-sentinel errors match")
	}
	if CodeOf(wrapped) != CodeNotFound || CodeOf(context.DeadlineExceeded) != CodeTimeout ||
		CodeOf(context.Canceled) != CodeUnavailable || CodeOf(io.EOF) != CodeInternal {
		t.Error("CodeOf")
	}
	var as *Error
	if !errors.As(wrapped, &as) || as.VendorCode != "EMPLOYEE_NOT_FOUND" {
		t.Error("errors.As")
	}
}

func TestErrorTextNeverQuotesUnsafeCauses(t *testing.T) {
	leaky := &url.Error{Op: "Get", URL: "https://x.example/api?access_token=SECRET123", Err: io.ErrUnexpectedEOF}
	e := Wrap(CodeUnavailable, leaky, "GET x.example/api: connection failed")
	e.Product = "p"
	for _, s := range []string{e.Error(), fmt.Sprintf("%v", e), fmt.Sprintf("%+v", e), fmt.Sprintf("%#v", e), fmt.Sprintf("%s", e), fmt.Sprintf("%q", e)} {
		if strings.Contains(s, "SECRET123") {
			t.Errorf("rendering leaks the URL: %s", s)
		}
	}
	if want := "p: UNAVAILABLE: GET x.example/api: connection failed: *url.Error"; e.Error() != want {
		t.Errorf("Error() = %q, want %q", e.Error(), want)
	}
	if !errors.Is(e, io.ErrUnexpectedEOF) {
		t.Error("the cause is not reachable with errors.Is")
	}
	// Safe causes are printed.
	for cause, text := range map[error]string{
		io.ErrUnexpectedEOF: "unexpected EOF", context.Canceled: "context canceled",
		ErrIncomplete: "fewer records", New(CodeTimeout, "inner"): "TIMEOUT: inner",
		fmt.Errorf("wrapped %s: %w", "https://x?token=S", io.EOF): "*fmt.wrapError",
	} {
		if s := Wrap(CodeInternal, cause, "outer").Error(); !strings.Contains(s, text) {
			t.Errorf("cause %T printed as %q, want it to contain %q", cause, s, text)
		}
	}
	if (*Error)(nil).Error() != "<nil>" {
		t.Error("nil receiver")
	}
}

func TestFromContextAndAs(t *testing.T) {
	if FromContext(nil, "p", "x") != nil || As(nil, "p") != nil {
		t.Error("nil in, non-nil out")
	}
	e := FromContext(context.DeadlineExceeded, "p", "reading")
	if e.Code != CodeTimeout || !errors.Is(e, context.DeadlineExceeded) || e.Retryable {
		t.Errorf("%#v", e)
	}
	if a := As(io.EOF, "p"); a.Code != CodeInternal || a.Product != "p" || !errors.Is(a, io.EOF) {
		t.Errorf("As(io.EOF) = %v", a)
	}
	orig := New(CodeConflict, "x")
	if As(fmt.Errorf("w: %w", orig), "p") != orig {
		t.Error("As does not return the *Error in the chain")
	}
}

func TestCloneAndDetail(t *testing.T) {
	e := New(CodeInvalidArgument, "bad").WithDetail("field", "a")
	c := e.Clone()
	c.Details["field"] = "b"
	if e.Details["field"] != "a" {
		t.Error("Clone shares Details")
	}
}

func TestHardening11_8_ErrorBounds(t *testing.T) {
	huge := strings.Repeat("é", 5<<20) // 10 MiB of two-byte runes: the cut must keep UTF-8 whole
	e := (&Error{Code: CodeInvalidArgument, VendorCode: huge, Message: "unknown employee_id " + huge}).
		WithDetail("employee_id", huge).WithDetail("ids", []string{huge, huge})
	s := e.Error()
	if len(s) > 3*MaxQuoted || !utf8.ValidString(s) {
		t.Errorf("Error() is %d bytes (valid UTF-8: %v)", len(s), utf8.ValidString(s))
	}
	if d := e.Details["employee_id"].(string); len(d) > MaxQuoted+16 || !utf8.ValidString(d) {
		t.Errorf("detail is %d bytes", len(d))
	}
	if ids := e.Details["ids"].([]string); len(ids[0]) > MaxQuoted+16 {
		t.Errorf("detail list entry is %d bytes", len(ids[0]))
	}
	if got := Bound("short"); got != "short" {
		t.Errorf("Bound changed a short string: %q", got)
	}
}
