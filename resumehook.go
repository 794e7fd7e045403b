package connectors

import "context"

type resumeHookKey struct{}

// WithResumeHook returns a context under which a stream that its consumer
// stops early (the range loop breaks) reports where it stopped: fn receives
// the Resume token of the first record not yet yielded, so that the same
// Query with Resume set to it yields the rest, each record once. fn is not
// called when the stream ends by itself, fails (the error carries the
// token), or stops at Query.Limit. This is how a caller pages through a big
// result in bounded slices (an MCP tool's cursor, a web page's "next").
//
// Streams built on the library's pager honour it; a connector that cannot
// resume does not call fn.
func WithResumeHook(ctx context.Context, fn func(resume string)) context.Context {
	return context.WithValue(ctx, resumeHookKey{}, fn)
}

// ResumeHook returns the function given to WithResumeHook, or nil.
func ResumeHook(ctx context.Context) func(resume string) {
	fn, _ := ctx.Value(resumeHookKey{}).(func(string))
	return fn
}
