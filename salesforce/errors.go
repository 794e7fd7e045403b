package salesforce

import (
	"encoding/json"
	"net/http"

	"github.com/xlr8/connectors/internal/connkit"
	"github.com/xlr8/connectors/internal/errs"
	"github.com/xlr8/connectors/internal/transport"
)

// apiError is one entry of Salesforce's REST error array.
type apiError struct {
	Message   string   `json:"message"`
	ErrorCode string   `json:"errorCode"`
	Fields    []string `json:"fields"`
}

// errorMap is Salesforce's error map: its errorCode to a portable code
// and whether a retry may succeed, the one place the connector interprets
// Salesforce's words. REQUEST_LIMIT_EXCEEDED is refined by decodeError (the
// daily quota is not retried, the concurrent-request limit is).
var errorMap = func() connkit.ErrorMap {
	m := connkit.ErrorMap{}
	add := func(c errs.Code, retry bool, codes ...string) {
		for _, v := range codes {
			m[v] = connkit.ErrorClass{Code: c, Retryable: retry}
		}
	}
	add(errs.CodeInvalidArgument, false, "MALFORMED_QUERY", "INVALID_FIELD", "INVALID_QUERY_FILTER_OPERATOR", "INVALID_OPERATION",
		"INVALIDJOB", "INVALIDJOBSTATE", "INVALIDLOCATOR", "INVALIDPARAMETER", "JSON_PARSER_ERROR",
		"QUERY_TOO_COMPLICATED", "INVALID_QUERY_LOCATOR", "MALFORMED_ID", "INVALID_ID_FIELD")
	add(errs.CodeNotFound, false, "INVALID_TYPE", "NOT_FOUND", "ENTITY_IS_DELETED")
	add(errs.CodePermissionDenied, false, "INSUFFICIENT_ACCESS", "INSUFFICIENT_ACCESS_OR_READONLY", "API_DISABLED_FOR_ORG",
		"API_CURRENTLY_DISABLED", "FUNCTIONALITY_NOT_ENABLED")
	add(errs.CodeUnauthenticated, false, "INVALID_SESSION_ID", "INVALID_AUTH_HEADER")
	add(errs.CodeRateLimited, false, "REQUEST_LIMIT_EXCEEDED", "API_RESERVE")
	add(errs.CodeUnavailable, true, "SERVER_UNAVAILABLE", "UNABLE_TO_LOCK_ROW")
	add(errs.CodeConflict, false, "API_VERSION_MISMATCH")
	return m
}()

// codeFor maps Salesforce's errorCode to a portable code (errorMap), or
// the HTTP status's code for a word it does not know.
func codeFor(vendor string, status int) errs.Code {
	if c, ok := errorMap[vendor]; ok {
		return c.Code
	}
	return errs.CodeForStatus(status)
}

// dailyQuota reports whether a REQUEST_LIMIT_EXCEEDED response is the daily
// allocation, which lasts until usage rolls off, as opposed to the transient
// concurrent long-running request limit. Both have the same errorCode; the
// response's own Sforce-Limit-Info tells them apart (the allocation is spent
// when USED reaches MAX). The message's English text is never read. A 403
// without the header is taken as the transient limit: it is retried within
// the retry policy's attempts, then returned as RATE_LIMITED.
func dailyQuota(h http.Header) bool {
	used, max, ok := parseLimitInfo(h.Get("Sforce-Limit-Info"))
	return ok && max > 0 && used >= max
}

// decodeError reads Salesforce's error array (or an OAuth error) from a
// failed response and refines the transport's error: vendor code, message,
// the fields named, and the portable code.
func decodeError(e *errs.Error, resp *transport.Response) *errs.Error {
	var list []apiError
	if err := json.Unmarshal(resp.Body, &list); err != nil || len(list) == 0 || list[0].ErrorCode == "" {
		var single apiError
		if json.Unmarshal(resp.Body, &single) == nil && single.ErrorCode != "" {
			list = []apiError{single}
		} else {
			return e
		}
	}
	first := list[0]
	e.VendorCode = first.ErrorCode
	if c, ok := errorMap[first.ErrorCode]; ok {
		e.Code, e.Retryable = c.Code, c.Retryable
	} else {
		e.Code = errs.CodeForStatus(resp.StatusCode)
	}
	e.Message = e.Message + ": " + connkit.Bound(first.Message, 2048)
	if len(first.Fields) > 0 {
		e = e.WithDetail("fields", first.Fields)
	}
	if len(list) > 1 {
		more := make([]string, 0, len(list)-1)
		for _, x := range list[1:] {
			more = append(more, x.ErrorCode)
		}
		e = e.WithDetail("more_errors", more)
	}
	switch first.ErrorCode {
	case "REQUEST_LIMIT_EXCEEDED":
		// The daily quota is not retried within the day; the concurrent
		// request limit clears in seconds.
		e.Retryable = !dailyQuota(resp.Header)
		if !e.Retryable {
			e = e.WithDetail("quota", "daily")
		}
	}
	return e
}

// shouldRetry retries Salesforce's transient limit, the concurrent
// long-running request limit (a 403 REQUEST_LIMIT_EXCEEDED while the daily
// allocation is not spent, dailyQuota), and leaves every other status to the
// transport's default. It peeks at the error array for the errorCode.
func shouldRetry(resp *http.Response) (retry, decided bool) {
	if resp.StatusCode != http.StatusForbidden {
		return false, false
	}
	var list []apiError
	if json.Unmarshal(transport.PeekBody(resp, 4096), &list) != nil || len(list) == 0 {
		return false, true
	}
	return list[0].ErrorCode == "REQUEST_LIMIT_EXCEEDED" && !dailyQuota(resp.Header), true
}
