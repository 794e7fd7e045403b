package wdapi

import (
	"errors"
	"net/http"

	connectors "github.com/xlr8/connectors"
)

// The error codes of the workday.* capabilities (an error's VendorCode), the
// same from the simulator and from the Workday connector. The first ten are
// the simulator spec's error taxonomy; the rest fill its gaps in the same
// shape.
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

// ErrorCode describes one error code.
type ErrorCode struct {
	// Code is the vendor code: the JSON body's error_code and the
	// *connectors.Error's VendorCode.
	Code string `json:"error_code"`
	// HTTPStatus is the status the simulator's HTTP handler answers with and
	// the Workday connector reports.
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

// ErrorCodes returns the error table: the spec's ten codes then
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

// NewError builds the *connectors.Error for a code of the table, for
// product (workday_sim, workday_hcm ...). An unknown code gives an INTERNAL
// error: every caller passes one of the constants.
func NewError(product, code, msg string, details map[string]any) *connectors.Error {
	ec, ok := LookupErrorCode(code)
	if !ok {
		return &connectors.Error{Code: connectors.CodeInternal, Product: product, Message: "unknown error code " + code}
	}
	return &connectors.Error{Code: ec.Portable, VendorCode: code, Message: msg, Details: details,
		HTTPStatus: ec.HTTPStatus, Retryable: ec.Retryable, Product: product}
}

// Normalize gives an error leaving the simulator or the Workday connector a
// code of the table, the same way on both sides (the parity between them
// depends on it): the foundation's and connkit's errors get a vendor code
// when they have none (INVALID_ARGUMENT is VALIDATION_ERROR, a deadline
// CONNECTOR_TIMEOUT, UNSUPPORTED UNKNOWN_ACTION, PERMISSION_DENIED
// NOT_PERMITTED) and the table's HTTP status, and carry product. It returns
// a copy (err itself when it is already normalized for product); the cause
// is kept. A non-*connectors.Error becomes INTERNAL.
func Normalize(product string, err error) error {
	if err == nil {
		return nil
	}
	var e *connectors.Error
	if !errors.As(err, &e) {
		return &connectors.Error{Code: connectors.CodeInternal, Product: product, Message: "unexpected failure", Err: err}
	}
	if e.Product == product && e.HTTPStatus != 0 && e.VendorCode != "" {
		return e
	}
	c := e.Clone()
	c.Product = product
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
