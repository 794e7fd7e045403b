package workdaysim

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	connectors "github.com/xlr8/connectors"
)

// Product is the simulator's product id.
const Product = "workday_sim"

// The simulator's error codes (an error's VendorCode). The first ten are the
// spec's error taxonomy; the rest fill its gaps in the same shape.
const (
	ErrCodeEmployeeNotFound     = "EMPLOYEE_NOT_FOUND"
	ErrCodeRequestNotFound      = "REQUEST_NOT_FOUND"
	ErrCodeStatementNotFound    = "STATEMENT_NOT_FOUND"
	ErrCodeInsufficientBalance  = "INSUFFICIENT_BALANCE"
	ErrCodeInvalidDateRange     = "INVALID_DATE_RANGE"
	ErrCodeInvalidApprover      = "INVALID_APPROVER"
	ErrCodeAlreadyProcessed     = "ALREADY_PROCESSED"
	ErrCodeConnectorTimeout     = "CONNECTOR_TIMEOUT"
	ErrCodeConnectorUnavailable = "CONNECTOR_UNAVAILABLE"
	ErrCodeRateLimited          = "RATE_LIMITED"
	ErrCodeEmployeeInactive     = "EMPLOYEE_INACTIVE"
	ErrCodeValidation           = "VALIDATION_ERROR"
	ErrCodeUnknownAction        = "UNKNOWN_ACTION" // as internal/connkit names it
	ErrCodeNotPermitted         = "NOT_PERMITTED"  // as internal/connkit names it
)

// ErrorCode describes one of the simulator's error codes.
type ErrorCode struct {
	// Code is the vendor code: the JSON body's error_code and the
	// *connectors.Error's VendorCode.
	Code string `json:"error_code"`
	// HTTPStatus is the status the simulator's HTTP handler answers with.
	HTTPStatus int `json:"http_status"`
	// Retryable is the body's retry_allowed.
	Retryable bool `json:"retry_allowed"`
	// Portable is the library-wide code callers test with errors.Is.
	Portable connectors.Code `json:"portable_code"`
	// FromSpec reports whether the spec's error table lists the code.
	FromSpec    bool   `json:"from_spec"`
	Description string `json:"description"`
}

var errorCodes = []ErrorCode{
	{ErrCodeEmployeeNotFound, http.StatusNotFound, false, connectors.CodeNotFound, true, "Employee ID does not exist"},
	{ErrCodeRequestNotFound, http.StatusNotFound, false, connectors.CodeNotFound, true, "Time off request not found"},
	{ErrCodeStatementNotFound, http.StatusNotFound, false, connectors.CodeNotFound, true, "Pay statement not found"},
	{ErrCodeInsufficientBalance, http.StatusBadRequest, false, connectors.CodeInvalidArgument, true, "Not enough time off balance"},
	{ErrCodeInvalidDateRange, http.StatusBadRequest, false, connectors.CodeInvalidArgument, true, "Start date after end date"},
	{ErrCodeInvalidApprover, http.StatusForbidden, false, connectors.CodePermissionDenied, true, "Approver not in manager chain"},
	{ErrCodeAlreadyProcessed, http.StatusConflict, false, connectors.CodeConflict, true, "Request already approved/cancelled"},
	{ErrCodeConnectorTimeout, http.StatusGatewayTimeout, true, connectors.CodeTimeout, true, "Workday API timeout"},
	{ErrCodeConnectorUnavailable, http.StatusServiceUnavailable, true, connectors.CodeUnavailable, true, "Workday API down"},
	{ErrCodeRateLimited, http.StatusTooManyRequests, true, connectors.CodeRateLimited, true, "Too many requests"},
	{ErrCodeEmployeeInactive, http.StatusGone, false, connectors.CodeNotFound, false, "Employee is terminated"},
	{ErrCodeValidation, http.StatusBadRequest, false, connectors.CodeInvalidArgument, false, "A parameter is missing, of the wrong type, unknown or malformed"},
	{ErrCodeUnknownAction, http.StatusNotFound, false, connectors.CodeUnsupported, false, "No such capability"},
	{ErrCodeNotPermitted, http.StatusForbidden, false, connectors.CodePermissionDenied, false, "The principal may not do this (type, owner or admin rule)"},
}

var errorCodeIndex = func() map[string]int {
	m := make(map[string]int, len(errorCodes))
	for i, c := range errorCodes {
		m[c.Code] = i
	}
	return m
}()

// ErrorCodes returns the simulator's error table: the spec's ten codes then
// the ones it lacks.
func ErrorCodes() []ErrorCode { return append([]ErrorCode(nil), errorCodes...) }

// LookupErrorCode returns the entry of the error table for a vendor code.
func LookupErrorCode(code string) (ErrorCode, bool) {
	i, ok := errorCodeIndex[code]
	if !ok {
		return ErrorCode{}, false
	}
	return errorCodes[i], true
}

// newError builds the *connectors.Error for a code of the table.
func newError(code, msg string, details map[string]any) *connectors.Error {
	ec, ok := LookupErrorCode(code)
	if !ok {
		// Programming error: every call site uses a constant of the table.
		return &connectors.Error{Code: connectors.CodeInternal, Product: Product, Message: "unknown error code " + code}
	}
	return &connectors.Error{Code: ec.Portable, VendorCode: code, Message: msg, Details: details,
		HTTPStatus: ec.HTTPStatus, Retryable: ec.Retryable, Product: Product}
}

func employeeNotFound(id string) *connectors.Error {
	return newError(ErrCodeEmployeeNotFound, fmt.Sprintf("Employee with ID '%s' not found", id), map[string]any{"employee_id": id})
}

func employeeInactive(id string, terminated connectors.Date) *connectors.Error {
	return newError(ErrCodeEmployeeInactive, fmt.Sprintf("Employee with ID '%s' is terminated", id),
		map[string]any{"employee_id": id, "termination_date": terminated.String()})
}

func requestNotFound(id string) *connectors.Error {
	return newError(ErrCodeRequestNotFound, fmt.Sprintf("Time off request with ID '%s' not found", id), map[string]any{"request_id": id})
}

func statementNotFound(employeeID, id string) *connectors.Error {
	return newError(ErrCodeStatementNotFound, fmt.Sprintf("Pay statement '%s' not found for employee '%s'", id, employeeID),
		map[string]any{"employee_id": employeeID, "statement_id": id})
}

func invalidDateRange(field string, start, end connectors.Date) *connectors.Error {
	return newError(ErrCodeInvalidDateRange, fmt.Sprintf("%s: start date %s is after end date %s", field, start, end),
		map[string]any{"field": field, "start": start.String(), "end": end.String()})
}

func alreadyProcessed(id, status string) *connectors.Error {
	return newError(ErrCodeAlreadyProcessed, fmt.Sprintf("Time off request '%s' is already %s", id, status),
		map[string]any{"request_id": id, "status": status})
}

func validationError(field, msg string) *connectors.Error {
	if field != "" {
		msg = fmt.Sprintf("field %q: %s", field, msg)
	}
	return newError(ErrCodeValidation, msg, map[string]any{"field": field})
}

func notPermitted(msg string, details map[string]any) *connectors.Error {
	return newError(ErrCodeNotPermitted, msg, details)
}

// normalize gives every error leaving the simulator a code of the table:
// connkit's and the foundation's errors get their HTTP status and, when they
// have none, a vendor code (INVALID_ARGUMENT is VALIDATION_ERROR, a context
// deadline CONNECTOR_TIMEOUT). It returns a copy; the cause is kept.
func normalize(err error) error {
	if err == nil {
		return nil
	}
	var e *connectors.Error
	if !errors.As(err, &e) {
		return &connectors.Error{Code: connectors.CodeInternal, Product: Product, Message: "unexpected failure", Err: err}
	}
	if e.Product == Product && e.HTTPStatus != 0 && e.VendorCode != "" {
		return e
	}
	c := e.Clone()
	c.Product = Product
	if c.VendorCode == "" && !errors.Is(c, connectors.ErrClosed) {
		switch c.Code {
		case connectors.CodeInvalidArgument:
			c.VendorCode = ErrCodeValidation
		case connectors.CodeTimeout:
			c.VendorCode = ErrCodeConnectorTimeout
		case connectors.CodeUnsupported:
			c.VendorCode = ErrCodeUnknownAction
		case connectors.CodePermissionDenied:
			c.VendorCode = ErrCodeNotPermitted
		}
	}
	if ec, ok := LookupErrorCode(c.VendorCode); ok && c.HTTPStatus == 0 {
		c.HTTPStatus = ec.HTTPStatus
	}
	return c
}

// ErrorBody is the spec's JSON error shape.
type ErrorBody struct {
	ErrorCode    string         `json:"error_code"`
	Message      string         `json:"message"`
	Details      map[string]any `json:"details"`
	RetryAllowed bool           `json:"retry_allowed"`
}

// RenderError renders err in the spec's JSON shape
// {"error_code","message","details","retry_allowed"} with the HTTP status
// the simulator's handler answers with. An error that is not one of the
// simulator's is rendered with its portable code as error_code (a closed
// connector: INVALID_ARGUMENT) and an unrecognized one as INTERNAL (500).
// The message never holds a secret (the simulator has none).
func RenderError(err error) (status int, body ErrorBody) {
	if err == nil {
		return http.StatusOK, ErrorBody{}
	}
	var e *connectors.Error
	if !errors.As(normalize(err), &e) {
		return http.StatusInternalServerError, ErrorBody{ErrorCode: "INTERNAL", Message: "unexpected failure", Details: map[string]any{}}
	}
	body = ErrorBody{ErrorCode: e.VendorCode, Message: e.Message, Details: e.Details, RetryAllowed: e.Retryable}
	if body.ErrorCode == "" {
		body.ErrorCode = e.Code.String()
	}
	if body.Details == nil {
		body.Details = map[string]any{}
	}
	status = e.HTTPStatus
	if status == 0 {
		status = http.StatusInternalServerError
		if e.Code == connectors.CodeInvalidArgument {
			status = http.StatusBadRequest
		}
	}
	return status, body
}

// ParseError is RenderError's inverse, for a client of the HTTP handler: it
// rebuilds the *connectors.Error from a status and a decoded body.
func ParseError(status int, body ErrorBody) *connectors.Error {
	e := &connectors.Error{Code: connectors.CodeInternal, VendorCode: body.ErrorCode, Message: body.Message,
		Details: body.Details, HTTPStatus: status, Retryable: body.RetryAllowed, Product: Product}
	if ec, ok := LookupErrorCode(body.ErrorCode); ok {
		e.Code = ec.Portable
	} else if c, ok := parsePortable(body.ErrorCode); ok {
		e.Code = c
		e.VendorCode = ""
	}
	if body.ErrorCode == ErrCodeRateLimited {
		if s, ok := body.Details["retry_after_seconds"].(float64); ok && s > 0 {
			e.RetryAfter = time.Duration(s * float64(time.Second))
		}
	}
	return e
}

func parsePortable(s string) (connectors.Code, bool) {
	var c connectors.Code
	if err := c.UnmarshalText([]byte(s)); err != nil {
		return 0, false
	}
	return c, true
}
