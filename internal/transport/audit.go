package transport

import (
	"context"
	"log/slog"
	"net/url"
	"time"

	"github.com/xlr8/connectors/internal/errs"
)

type principalKey struct{}

// WithPrincipal records the principal on whose behalf calls made with ctx
// run, for the audit event. It costs one allocation (context.WithValue
// costs two: the context and the boxed string).
func WithPrincipal(ctx context.Context, principal string) context.Context {
	if principal == "" {
		return ctx
	}
	return &principalCtx{Context: ctx, principal: principal}
}

// PrincipalFrom returns the principal recorded by WithPrincipal.
func PrincipalFrom(ctx context.Context) string {
	if pc, ok := ctx.Value(principalKey{}).(*principalCtx); ok {
		return pc.principal
	}
	return ""
}

// principalCtx carries the principal; its Value answers principalKey with
// itself, so that neither recording nor reading boxes the string.
type principalCtx struct {
	context.Context
	principal string
}

func (c *principalCtx) Value(key any) any {
	if _, ok := key.(principalKey); ok {
		return c
	}
	return c.Context.Value(key)
}

// AuditMessage is the message of the audit event logged for every API call.
const AuditMessage = "connectors: api call"

// audit logs one event for a finished call: product, method, host, path (no
// query), egress route, status, attempts, duration, bytes, principal, and
// the error code.
func (c *Client) audit(ctx context.Context, method string, u *url.URL, status int, st *callState, start time.Time, err error) {
	if !c.logger.Enabled(ctx, slog.LevelInfo) {
		return
	}
	attrs := make([]slog.Attr, 0, 12)
	attrs = append(attrs, slog.String("product", c.product), slog.String("method", method))
	if u != nil {
		attrs = append(attrs, slog.String("host", u.Host), slog.String("path", u.EscapedPath()),
			slog.String("egress", c.egress.describe(u)))
	}
	attrs = append(attrs,
		slog.Int("status", status),
		slog.Int("attempts", st.attempts),
		slog.Duration("duration", time.Since(start)),
		slog.Int64("bytes", st.bytes),
	)
	if p := PrincipalFrom(ctx); p != "" {
		attrs = append(attrs, slog.String("principal", p))
	}
	level := slog.LevelInfo
	if err != nil {
		level = slog.LevelWarn
		attrs = append(attrs, slog.String("error_code", errs.CodeOf(err).String()))
	}
	c.logger.LogAttrs(ctx, level, AuditMessage, attrs...)
}
