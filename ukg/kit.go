package ukg

import (
	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/internal/connkit"
	"github.com/xlr8/connectors/internal/errs"
)

type connkitAction = connkit.Action

// typed is connkit.Typed.
func typed[Req, Resp any](c connectors.Capability, h connkit.TypedHandler[Req, Resp]) connkit.Action {
	return connkit.Typed(c, h)
}

func missingParam(name string) *errs.Error {
	return (&errs.Error{Code: errs.CodeInvalidArgument, Message: name + " is required"}).WithDetail("field", name)
}
