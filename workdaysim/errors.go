package workdaysim

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/workday/wdapi"
)

// Product is the simulator's product id.
const Product = "workday_sim"

// newError builds the simulator's *connectors.Error for a code of the table.
func newError(code, msg string, details map[string]any) *connectors.Error {
	return wdapi.NewError(Product, code, msg, details)
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

// normalize gives every error leaving the simulator a code of the table
// (see wdapi.Normalize, which the Workday connector shares).
func normalize(err error) error { return wdapi.Normalize(Product, err) }

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
