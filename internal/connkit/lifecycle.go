package connkit

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/xlr8/connectors/internal/errs"
)

// Lifecycle gives a connector an idempotent Close, a use-after-Close error
// and a Connect that runs once successfully (concurrent callers share it; a
// failed attempt may be retried by the next caller).
type Lifecycle struct {
	Product string

	closed    atomic.Bool
	closeOnce sync.Once
	closeErr  error

	mu        sync.Mutex
	connected bool
}

// Check returns an error wrapping errs.ErrClosed after Close.
func (l *Lifecycle) Check() error {
	if l.closed.Load() {
		return &errs.Error{Code: errs.CodeInvalidArgument, Product: l.Product, Message: "connector is closed", Err: errs.ErrClosed}
	}
	return nil
}

// Closed reports whether Close was called.
func (l *Lifecycle) Closed() bool { return l.closed.Load() }

// Close marks the connector closed and runs fn once; later calls return the
// first call's result.
func (l *Lifecycle) Close(fn func() error) error {
	l.closeOnce.Do(func() {
		l.closed.Store(true)
		if fn != nil {
			l.closeErr = fn()
		}
	})
	return l.closeErr
}

// Connect runs fn unless a previous call succeeded. It fails after Close.
func (l *Lifecycle) Connect(ctx context.Context, fn func(context.Context) error) error {
	if err := l.Check(); err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.connected {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return errs.FromContext(err, l.Product, "connecting")
	}
	if err := fn(ctx); err != nil {
		return errs.As(err, l.Product)
	}
	l.connected = true
	return nil
}

// Connected reports whether Connect has succeeded.
func (l *Lifecycle) Connected() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.connected
}

// Reset forgets a successful Connect (after the credential changed).
func (l *Lifecycle) Reset() {
	l.mu.Lock()
	l.connected = false
	l.mu.Unlock()
}
