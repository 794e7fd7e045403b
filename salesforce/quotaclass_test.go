package salesforce

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/xlr8/connectors/internal/errs"
	"github.com/xlr8/connectors/internal/transport"
)

// The daily allocation and the concurrent-request limit share one
// errorCode; they are told apart by the response's Sforce-Limit-Info, never
// by the message's words: swapping the messages changes nothing.
func TestRequestLimitClassifiedByHeaderNotText(t *testing.T) {
	tests := []struct {
		name, message, limitInfo string
		daily                    bool
	}{
		{"spent allocation", "TotalRequests Limit exceeded.", "api-usage=100/100", true},
		{"spent allocation, other words", "ConcurrentPerOrgLongTxn Limit exceeded.", "api-usage=100/100", true},
		{"concurrent limit", "ConcurrentPerOrgLongTxn Limit exceeded.", "api-usage=42/100", false},
		{"concurrent limit, daily words", "TotalRequests Limit exceeded.", "api-usage=42/100", false},
		{"no header", "TotalRequests Limit exceeded.", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := `[{"errorCode":"REQUEST_LIMIT_EXCEEDED","message":"` + tt.message + `"}]`
			h := http.Header{}
			if tt.limitInfo != "" {
				h.Set("Sforce-Limit-Info", tt.limitInfo)
			}
			e := decodeError(&errs.Error{Code: errs.CodePermissionDenied, HTTPStatus: 403}, &transport.Response{StatusCode: 403, Header: h, Body: []byte(body)})
			if e.Retryable == tt.daily || (e.Details["quota"] == "daily") != tt.daily {
				t.Errorf("retryable %v, details %v; want daily=%v", e.Retryable, e.Details, tt.daily)
			}
			retry, decided := shouldRetry(&http.Response{StatusCode: 403, Header: h, Body: io.NopCloser(strings.NewReader(body))})
			if !decided || retry == tt.daily {
				t.Errorf("shouldRetry = %v, %v; want retry=%v", retry, decided, !tt.daily)
			}
		})
	}
}
