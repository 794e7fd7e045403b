package oracle

import (
	"net/http"
	"testing"
	"time"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/internal/errs"
	"github.com/xlr8/connectors/internal/transport"
)

func TestDecodeError(t *testing.T) {
	cases := []struct {
		name   string
		status int
		ctype  string
		body   string
		code   errs.Code
		vendor string
		msg    string
		retry  bool
	}{
		{"v4 status as a string", 400, "application/vnd.oracle.adf.error+json",
			`{"title":"Bad Request","status":"400","o:errorDetails":[{"detail":"The query parameter q is invalid.","o:errorCode":"JBO-25058","o:errorPath":"q"}]}`,
			errs.CodeInvalidArgument, "JBO-25058", "oracle: The query parameter q is invalid.", false},
		{"v4 status as a number, detail on top", 404, "application/json",
			`{"title":"Not Found","status":404,"detail":"The requested resource item does not exist.","o:errorCode":"JBO-25020"}`,
			errs.CodeNotFound, "JBO-25020", "oracle: The requested resource item does not exist.", false},
		{"ETag mismatch", 412, "application/vnd.oracle.adf.error+json", `{"title":"Precondition Failed","status":"412"}`,
			errs.CodeConflict, "", "oracle: Precondition Failed", false},
		{"missing role", 403, "text/plain", "You don't have the required privileges.", errs.CodePermissionDenied, "", "oracle: You don't have the required privileges.", false},
		{"throttled without Retry-After", 429, "text/plain", "Too Many Requests", errs.CodeRateLimited, "", "oracle: Too Many Requests", true},
		{"plain text before v4", 400, "text/plain; charset=utf-8", "Invalid operation create for the specified resource.",
			errs.CodeInvalidArgument, "", "oracle: Invalid operation create for the specified resource.", false},
		{"an HTML page keeps the transport's message", 500, "text/html", "<html><body>down</body></html>", errs.CodeUnavailable, "", "original", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp := &transport.Response{StatusCode: tc.status, Header: http.Header{"Content-Type": {tc.ctype}}, Body: []byte(tc.body)}
			e := decodeError(&errs.Error{Code: errs.CodeInternal, Message: "original", HTTPStatus: tc.status}, resp)
			if e.Code != tc.code || e.VendorCode != tc.vendor || e.Message != tc.msg || e.Retryable != tc.retry {
				t.Errorf("got %v %q %q retry=%v", e.Code, e.VendorCode, e.Message, e.Retryable)
			}
		})
	}
}

func TestESSStates(t *testing.T) {
	for raw, want := range map[string]connectors.JobState{
		"WAIT": connectors.JobQueued, "READY": connectors.JobQueued, "RUNNING": connectors.JobRunning, "PAUSED": connectors.JobRunning,
		"SUCCEEDED": connectors.JobComplete, "WARNING": connectors.JobFailed, "ERROR": connectors.JobFailed, "EXPIRED": connectors.JobFailed,
		"CANCELED": connectors.JobAborted, "": connectors.JobQueued,
	} {
		if got := essStates[raw]; got != want {
			t.Errorf("%q: %s, want %s", raw, got, want)
		}
	}
}

func TestTimestampForms(t *testing.T) {
	want := time.Date(2019, 4, 23, 10, 25, 44, 457e6, time.UTC)
	for _, s := range []string{"2019-04-23T10:25:44.457+00:00", "2019-04-23T03:25:44.457-07:00", "2019-04-23T10:25:44.457Z"} {
		v, err := typed(connectors.EntitySchema{}, "LastUpdateDate", connectors.TypeDateTime, s)
		if tm, ok := v.(time.Time); err != nil || !ok || !tm.Equal(want) {
			t.Errorf("%s: %v %v", s, v, err)
		}
	}
	if v, err := typed(connectors.EntitySchema{}, "LastUpdateDate", connectors.TypeDateTime, "2019-04-23T10:25:40+00:00"); err != nil || !v.(time.Time).Equal(want.Truncate(time.Second).Add(-4*time.Second)) {
		t.Errorf("without milliseconds: %v %v", v, err)
	}
	if _, err := typed(connectors.EntitySchema{}, "LastUpdateDate", connectors.TypeDateTime, "23/04/2019"); err == nil {
		t.Error("a malformed timestamp was accepted")
	}
	if _, err := typed(connectors.EntitySchema{}, "PersonId", connectors.TypeInt, 1.5); err == nil {
		t.Error("a fraction was taken for an integer")
	}
}
