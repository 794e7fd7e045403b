package oracle

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/xlr8/connectors/internal/connkit"
	"github.com/xlr8/connectors/internal/errs"
	"github.com/xlr8/connectors/internal/transport"
)

// errorTable is the one place an Oracle failure gets its code: by HTTP
// status, as Fusion documents them (400 bad q= or payload, 401, 403 missing
// role, 404, 412 ETag mismatch, 429, 500), since the REST framework
// publishes no list of o:errorCode values to key on. The code itself is
// kept as VendorCode.
var errorTable = map[int]connkit.ErrorClass{
	http.StatusBadRequest:            {Code: errs.CodeInvalidArgument},
	http.StatusUnauthorized:          {Code: errs.CodeUnauthenticated},
	http.StatusForbidden:             {Code: errs.CodePermissionDenied},
	http.StatusNotFound:              {Code: errs.CodeNotFound},
	http.StatusNotAcceptable:         {Code: errs.CodeInvalidArgument},
	http.StatusConflict:              {Code: errs.CodeConflict},
	http.StatusPreconditionFailed:    {Code: errs.CodeConflict},
	http.StatusUnsupportedMediaType:  {Code: errs.CodeInvalidArgument},
	http.StatusTooManyRequests:       {Code: errs.CodeRateLimited, Retryable: true},
	http.StatusInternalServerError:   {Code: errs.CodeUnavailable, Retryable: true},
	http.StatusBadGateway:            {Code: errs.CodeUnavailable, Retryable: true},
	http.StatusServiceUnavailable:    {Code: errs.CodeUnavailable, Retryable: true},
	http.StatusGatewayTimeout:        {Code: errs.CodeTimeout, Retryable: true},
	http.StatusRequestEntityTooLarge: {Code: errs.CodeInvalidArgument},
}

// adfError is the framework's error body from REST-Framework-Version 4
// (application/vnd.oracle.adf.error+json): status may be a string or a
// number, the detail and code at the top or under o:errorDetails.
type adfError struct {
	Title   string          `json:"title"`
	Status  json.RawMessage `json:"status"`
	Detail  string          `json:"detail"`
	Code    string          `json:"o:errorCode"`
	Details []struct {
		Detail string `json:"detail"`
		Code   string `json:"o:errorCode"`
		Path   string `json:"o:errorPath"`
	} `json:"o:errorDetails"`
}

// decodeError reads an error response: ADF's JSON body, or the plain-text
// body of framework versions before 4.
func decodeError(e *errs.Error, resp *transport.Response) *errs.Error {
	if c, ok := errorTable[resp.StatusCode]; ok {
		e.Code, e.Retryable = c.Code, c.Retryable
	}
	var body adfError
	switch {
	case json.Unmarshal(resp.Body, &body) == nil && (body.Title != "" || len(body.Details) > 0 || body.Code != ""):
		e.VendorCode, e.Message = body.Code, body.Detail
		for _, d := range body.Details {
			if e.VendorCode == "" {
				e.VendorCode = d.Code
			}
			if d.Detail != "" {
				e.Message = strings.TrimSpace(e.Message + " " + d.Detail)
			}
			if d.Path != "" {
				e = e.WithDetail("path", connkit.Bound(d.Path, 256))
			}
		}
		if e.Message == "" {
			e.Message = body.Title
		}
		e.Message = "oracle: " + connkit.Bound(e.Message, 512)
	case strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") && len(resp.Body) > 0:
		e.Message = "oracle: " + connkit.Bound(strings.TrimSpace(string(resp.Body)), 512)
	}
	return e
}
