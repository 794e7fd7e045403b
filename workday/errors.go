package workday

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"strings"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/internal/errs"
	"github.com/xlr8/connectors/internal/transport"
	"github.com/xlr8/connectors/workday/wdapi"
)

// The vendor codes of the connector's errors: the simulator's (so that a
// caller's error handling does not change when one is swapped for the
// other), derived from Workday's answers by Workday's error codes and HTTP
// statuses (decodeError), never by the text of a message.
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
	// ErrCodeNotFound is a 404 on a resource the capabilities give no
	// meaning (an unknown report, organization or path).
	ErrCodeNotFound = "NOT_FOUND"
)

// workdayCodes maps Workday's published error codes (errors[].code) to the
// vendor codes: absenceManagement v1 Request Time Off's 400 table and
// staffing v6's job change table.
var workdayCodes = map[string]string{
	"A1011": ErrCodeInsufficientBalance, // not a sufficient balance, or not eligible, for [type] as of [date]
	"A178":  ErrCodeAlreadyProcessed,    // the business process has already been initiated
	"A389":  ErrCodeAlreadyProcessed,    // a conflicting in-progress or completed event
	"A421":  ErrCodeAlreadyProcessed,    // a conflicting in-progress event
}

// wireError is Workday's REST error body: VALIDATION_ERROR_MODEL_REFERENCE
// {"error", "errors":[ERROR_MODEL_REFERENCE{"error","code","field","path"}]}
// or ERROR_MODEL_REFERENCE itself; OAuth's {"error","error_description"}.
type wireError struct {
	Error string `json:"error"`
	Code  string `json:"code"`
	Field string `json:"field"`
	Path  string `json:"path"`

	Errors []struct {
		Error string `json:"error"`
		Code  string `json:"code"`
		Field string `json:"field"`
		Path  string `json:"path"`
	} `json:"errors"`
}

// soapFault is a SOAP 1.1 fault (Workday Web Services).
type soapFault struct {
	Body struct {
		Fault *struct {
			Code   string `xml:"faultcode"`
			String string `xml:"faultstring"`
		} `xml:"Fault"`
	} `xml:"Body"`
}

// vendorCodeOf classifies a Workday answer by its HTTP status and
// Workday's error code: the one place the connector interprets Workday's
// errors. A 404 is NOT_FOUND here; the call that knows what it asked for
// names it (asNotFound).
func vendorCodeOf(status int, workdayCode string) string {
	if c, ok := workdayCodes[workdayCode]; ok {
		return c
	}
	switch status {
	case http.StatusNotFound:
		return ErrCodeNotFound
	case http.StatusBadRequest, http.StatusUnprocessableEntity:
		return ErrCodeValidation
	case http.StatusForbidden:
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
// response: the vendor code (vendorCodeOf), its portable code and status
// from the capabilities' error table, Workday's message, code and field
// in Details (workday_code, workday_status, field).
func decodeError(e *errs.Error, resp *transport.Response) *errs.Error {
	msg, wcode, field := "", "", ""
	var body wireError
	var fault soapFault
	switch {
	case json.Unmarshal(resp.Body, &body) == nil:
		msg, wcode, field = body.Error, body.Code, body.Field
		for _, item := range body.Errors {
			if item.Code != "" || msg == "" {
				msg, wcode, field = firstNonEmpty(item.Error, msg), item.Code, firstNonEmpty(item.Field, item.Path)
				break
			}
		}
	case xml.Unmarshal(resp.Body, &fault) == nil && fault.Body.Fault != nil:
		msg, wcode = fault.Body.Fault.String, fault.Body.Fault.Code
	}
	if resp.StatusCode == http.StatusUnauthorized {
		if w := body.Error; w != "" && !strings.ContainsAny(w, " :") {
			e.VendorCode = strings.ToUpper(w)
		}
		return e
	}
	status := resp.StatusCode
	code := vendorCodeOf(status, wcode)
	if fault.Body.Fault != nil && strings.HasSuffix(wcode, "Client.validationError") {
		code = ErrCodeValidation
	}
	if code == "" {
		if msg != "" {
			e.Message += ": " + msg
		}
		return e
	}
	e = classify(e, code)
	if msg != "" {
		e.Message = "workday: " + msg
	}
	e = e.WithDetail("workday_status", status)
	if wcode != "" {
		e = e.WithDetail("workday_code", wcode)
	}
	if field != "" {
		e = e.WithDetail("field", field)
	}
	return e
}

// classify gives e a vendor code with the portable code, status and
// retryability of the capabilities' error table (the transport's
// Retry-After is kept).
func classify(e *errs.Error, code string) *errs.Error {
	e.VendorCode = code
	if ec, ok := wdapi.LookupErrorCode(code); ok {
		e.Code, e.HTTPStatus = ec.Portable, ec.HTTPStatus
		if !ec.Retryable {
			e.Retryable = false
		}
	} else if code == ErrCodeNotFound {
		e.Code = errs.CodeNotFound
	}
	return e
}

// asNotFound names what a 404 (or an empty report) was: the call knows
// the resource it asked for. Other errors pass unchanged.
func (c *driver) asNotFound(err error, code string, details map[string]any) error {
	var e *connectors.Error
	if !errors.As(err, &e) || e.VendorCode != ErrCodeNotFound {
		return err
	}
	out := *e
	out.Details = map[string]any{}
	for k, v := range e.Details {
		out.Details[k] = v
	}
	for k, v := range details {
		out.Details[k] = v
	}
	classify(&out, code)
	return &out
}

// newError builds a client-side error with one of the vendor codes, its
// portable code and the status the simulator's table gives it.
func (c *driver) newError(code, msg string, details map[string]any) *connectors.Error {
	e := &connectors.Error{Code: connectors.CodeInternal, VendorCode: code, Message: msg, Details: details, Product: c.product}
	if ec, ok := wdapi.LookupErrorCode(code); ok {
		e.Code, e.HTTPStatus, e.Retryable = ec.Portable, ec.HTTPStatus, ec.Retryable
	}
	return e
}

func (c *driver) validationError(field, msg string) *connectors.Error {
	if field != "" {
		msg = fmt.Sprintf("field %q: %s", field, msg)
	}
	return c.newError(ErrCodeValidation, msg, map[string]any{"field": field})
}

// unsupported is an UNSUPPORTED error for a part of a capability Workday's
// published services offer no route for (see the package documentation).
func (c *driver) unsupported(msg string) *connectors.Error {
	return &connectors.Error{Code: connectors.CodeUnsupported, VendorCode: "UNSUPPORTED", Product: c.product, Message: "workday: " + msg}
}

// malformed is the error of a Workday answer that lacks what the
// connector reads (a field Workday documents); nothing is guessed.
func (c *driver) malformed(what string) *connectors.Error {
	return &connectors.Error{Code: connectors.CodeInternal, Product: c.product,
		Message: "workday: the answer lacks " + what}
}

func (c *driver) required(field, v string) error {
	if strings.TrimSpace(v) == "" {
		return c.validationError(field, "is required and must not be empty")
	}
	return nil
}

// normalize gives every error Execute returns a vendor code and status as
// the simulator's errors have them: a parameter error is VALIDATION_ERROR
// (400), the action table's UNKNOWN_ACTION and NOT_PERMITTED get their
// statuses.
func (c *driver) normalize(err error) error { return wdapi.Normalize(c.product, err) }

// MapError gives every error the connector returns a code of the
// capabilities' table, as the simulator's have it (wdapi.Normalize: a
// parameter error is VALIDATION_ERROR, the action table's UNKNOWN_ACTION
// and NOT_PERMITTED get their statuses).
func (c *driver) MapError(e *errs.Error) *errs.Error {
	var out *errs.Error
	if errors.As(c.normalize(e), &out) {
		return out
	}
	return e
}
