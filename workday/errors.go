package workday

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/internal/errs"
	"github.com/xlr8/connectors/internal/transport"
	"github.com/xlr8/connectors/internal/wdwire"
	"github.com/xlr8/connectors/workday/wdapi"
)

// The vendor codes of the connector's errors: the simulator's (so that a
// caller's error handling does not change when one is swapped for the
// other), derived from Workday's error responses in decodeError.
const (
	ErrCodeEmployeeNotFound     = wdapi.ErrCodeEmployeeNotFound
	ErrCodeRequestNotFound      = wdapi.ErrCodeRequestNotFound
	ErrCodeStatementNotFound    = wdapi.ErrCodeStatementNotFound
	ErrCodeInsufficientBalance  = wdapi.ErrCodeInsufficientBalance
	ErrCodeInvalidDateRange     = wdapi.ErrCodeInvalidDateRange
	ErrCodeInvalidApprover      = wdapi.ErrCodeInvalidApprover
	ErrCodeAlreadyProcessed     = wdapi.ErrCodeAlreadyProcessed
	ErrCodeConnectorTimeout     = wdapi.ErrCodeConnectorTimeout
	ErrCodeConnectorUnavailable = wdapi.ErrCodeConnectorUnavailable
	ErrCodeRateLimited          = wdapi.ErrCodeRateLimited
	ErrCodeEmployeeInactive     = wdapi.ErrCodeEmployeeInactive
	ErrCodeValidation           = wdapi.ErrCodeValidation
	ErrCodeNotPermitted         = wdapi.ErrCodeNotPermitted
	// ErrCodeNotFound is a 404 naming nothing the capabilities know (an
	// unknown report, organization or path).
	ErrCodeNotFound = "NOT_FOUND"
)

// vendorCode derives the vendor code from Workday's answer: the HTTP
// status, the field the first error concerns (errors[].field), its text,
// and the resource path. This is the one place the connector interprets
// Workday's errors.
func vendorCode(status int, field, msg, path string) string {
	lower := strings.ToLower(msg)
	switch status {
	case http.StatusNotFound:
		switch {
		case field == "worker" || field == "Employee_ID" || (field == "" && strings.Contains(path, "/workers/")):
			return ErrCodeEmployeeNotFound
		case field == "event" || (field == "" && (strings.Contains(path, "/events/") || strings.Contains(path, "/eventSteps/"))):
			return ErrCodeRequestNotFound
		case field == "paySlip" || field == "Pay_Statement":
			return ErrCodeStatementNotFound
		}
		return ErrCodeNotFound
	case http.StatusGone:
		return ErrCodeEmployeeInactive
	case http.StatusBadRequest, http.StatusUnprocessableEntity:
		switch {
		case strings.Contains(lower, "hours available") || strings.Contains(lower, "insufficient balance"):
			return ErrCodeInsufficientBalance
		case strings.Contains(lower, "is after end date"):
			return ErrCodeInvalidDateRange
		case strings.Contains(lower, "is terminated"):
			return ErrCodeEmployeeInactive
		}
		return ErrCodeValidation
	case http.StatusForbidden:
		if strings.Contains(lower, "not in the manager chain") {
			return ErrCodeInvalidApprover
		}
		return ErrCodeNotPermitted
	case http.StatusConflict:
		return ErrCodeAlreadyProcessed
	case http.StatusTooManyRequests:
		return ErrCodeRateLimited
	case http.StatusServiceUnavailable, http.StatusBadGateway:
		return ErrCodeConnectorUnavailable
	case http.StatusGatewayTimeout:
		return ErrCodeConnectorTimeout
	}
	return ""
}

// decodeError refines the transport's error for a failed Workday
// response: Workday's error body ({"error", "errors":[{"error","field",
// "location"}]}) or an OAuth error, the vendor code, the portable code of
// that vendor code, and the field in Details.
func decodeError(e *errs.Error, resp *transport.Response) *errs.Error {
	var body wdwire.ErrorBody
	if json.Unmarshal(resp.Body, &body) != nil {
		body = wdwire.ErrorBody{}
	}
	msg, field := body.Error, ""
	if len(body.Errors) > 0 {
		if body.Errors[0].Error != "" {
			msg = body.Errors[0].Error
		}
		field = body.Errors[0].Field
	}
	path := ""
	if resp.URL != nil {
		path = resp.URL.Path
	}
	if resp.StatusCode == http.StatusUnauthorized {
		if w := body.Error; w != "" && !strings.ContainsAny(w, " :") {
			e.VendorCode = strings.ToUpper(w)
		}
		if msg != "" {
			e.Message += ": " + msg
		}
		return e
	}
	code := vendorCode(resp.StatusCode, field, msg, path)
	if code == "" {
		if msg != "" {
			e.Message += ": " + msg
		}
		return e
	}
	e.VendorCode = code
	if ec, ok := wdapi.LookupErrorCode(code); ok {
		e.Code = ec.Portable
		if !ec.Retryable {
			e.Retryable = false
		}
	} else if code == ErrCodeNotFound {
		e.Code = errs.CodeNotFound
	}
	if msg != "" {
		e.Message = msg
	}
	if field != "" {
		e = e.WithDetail("field", field)
	}
	return e
}

// newError builds a client-side error with one of the vendor codes, its
// portable code and the status the simulator's table gives it.
func (c *Connector) newError(code, msg string, details map[string]any) *connectors.Error {
	e := &connectors.Error{Code: connectors.CodeInternal, VendorCode: code, Message: msg, Details: details, Product: c.product}
	if ec, ok := wdapi.LookupErrorCode(code); ok {
		e.Code, e.HTTPStatus, e.Retryable = ec.Portable, ec.HTTPStatus, ec.Retryable
	}
	return e
}

func (c *Connector) validationError(field, msg string) *connectors.Error {
	if field != "" {
		msg = fmt.Sprintf("field %q: %s", field, msg)
	}
	return c.newError(ErrCodeValidation, msg, map[string]any{"field": field})
}

func (c *Connector) required(field, v string) error {
	if strings.TrimSpace(v) == "" {
		return c.validationError(field, "is required and must not be empty")
	}
	return nil
}

// normalize gives every error Execute returns a vendor code and status as
// the simulator's errors have them: a parameter error is VALIDATION_ERROR
// (400), the action table's UNKNOWN_ACTION and NOT_PERMITTED get their
// statuses.
func (c *Connector) normalize(err error) error { return wdapi.Normalize(c.product, err) }

// httpStatusOf returns the status of a Workday error, or 0.
func httpStatusOf(err error) (int, string) {
	var e *connectors.Error
	if errors.As(err, &e) {
		f, _ := e.Details["field"].(string)
		return e.HTTPStatus, f
	}
	return 0, ""
}
