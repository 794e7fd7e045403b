package connectors_test

import (
	"errors"
	"fmt"

	connectors "github.com/xlr8/connectors"
)

// A filter map from the seed API becomes an expression; expressions print in
// the universal query language that package translate parses.
func ExampleFilters() {
	where := connectors.Filters(map[string]any{"department": "Engineering", "status": []string{"ACTIVE", "LEAVE"}})
	fmt.Println(where)
	q := connectors.Query{Entity: "worker", Where: where, Limit: 50}
	fmt.Println(q.Validate() == nil)
	// Output:
	// department = 'Engineering' AND status IN ('ACTIVE', 'LEAVE')
	// true
}

// Expressions compose; Validate explains what is wrong with one.
func ExampleQuery_Validate() {
	q := connectors.Query{
		Entity: "worker",
		Where: connectors.And{
			connectors.Ge("hire_date", connectors.Date{Year: 2024, Month: 1, Day: 1}),
			connectors.Or{connectors.StartsWith("last_name", "O'B"), connectors.Not{X: connectors.IsNull("manager_id")}},
		},
		OrderBy: []connectors.Order{connectors.Desc("hire_date")},
	}
	fmt.Println(q.Where)
	fmt.Println(q.Validate())

	bad := connectors.Query{Entity: "worker", Where: connectors.In("status")}
	err := bad.Validate()
	fmt.Println(errors.Is(err, connectors.ErrInvalidArgument), err)
	// Output:
	// hire_date >= DATE '2024-01-01' AND (last_name LIKE 'O''B%' OR manager_id IS NOT NULL)
	// <nil>
	// true INVALID_ARGUMENT: where: in on field "status" has an empty list
}

// Callers test an error's code with errors.Is, and read the vendor's word
// and the retry hint from the *Error.
func ExampleError() {
	err := fmt.Errorf("loading: %w", &connectors.Error{
		Code: connectors.CodeRateLimited, VendorCode: "REQUEST_LIMIT_EXCEEDED", Product: "salesforce",
		Message: "TotalRequests Limit exceeded", HTTPStatus: 403,
	})
	var e *connectors.Error
	if errors.Is(err, connectors.ErrRateLimited) && errors.As(err, &e) {
		fmt.Println(e.VendorCode, e.HTTPStatus, e.Retryable)
	}
	fmt.Println(err)
	// Output:
	// REQUEST_LIMIT_EXCEEDED 403 false
	// loading: salesforce: RATE_LIMITED (REQUEST_LIMIT_EXCEEDED): TotalRequests Limit exceeded
}

// The caller's identity travels in Execute's params; connectors take it out.
func ExampleSplitPrincipal() {
	params := connectors.WithPrincipal(map[string]any{"employee_id": "EMP001"},
		connectors.Principal{ID: "EMP042", Groups: []string{"managers"}, Type: connectors.PrincipalHuman})
	p, rest, err := connectors.SplitPrincipal(params)
	fmt.Println(p.ID, p.Type, p.Groups, rest, err)
	// Output:
	// EMP042 HUMAN [managers] map[employee_id:EMP001] <nil>
}
