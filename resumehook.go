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

type checkpointKey struct{}

// WithCheckpointHook returns a context under which a stream reports, each
// time it has yielded every record of a page and before it fetches the
// next, the Resume token of what follows: fn runs on the consumer's
// goroutine, between the last record of one page and the first of the next.
// A consumer that writes records somewhere durable commits them in fn and
// keeps the token, so that after a crash the same Query with Resume set to
// the last committed token yields the rest, each record once (a Temporal
// activity heartbeats it). Memory stays bounded by a page.
//
// Streams built on the library's pager honour it.
func WithCheckpointHook(ctx context.Context, fn func(resume string)) context.Context {
	return context.WithValue(ctx, checkpointKey{}, fn)
}

// CheckpointHook returns the function given to WithCheckpointHook, or nil.
func CheckpointHook(ctx context.Context) func(resume string) {
	fn, _ := ctx.Value(checkpointKey{}).(func(string))
	return fn
}
