package transport

import (
	"context"
	"net"
	"time"
)

// DefaultConnIdleTimeout bounds, on the transport New builds itself (no base
// client given), how long a connection may go without receiving a byte:
// with no AttemptTimeout set, it is what ends a stalled attempt (before
// the headers or in the body) without a timer per attempt.
const DefaultConnIdleTimeout = 2 * time.Minute

// connIdleTimeout is DefaultConnIdleTimeout, shortened by tests.
var connIdleTimeout = DefaultConnIdleTimeout

// idleDialer wraps a dial function so that every read on its connections
// must make progress within d: each Read moves the connection's read
// deadline (no allocation, no timer per call). A read that times out is a
// net.Error with Timeout() true, which the stack reports as TIMEOUT and
// retries like any timeout.
func idleDialer(dial func(ctx context.Context, network, addr string) (net.Conn, error), d time.Duration) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return &idleConn{Conn: c, d: d}, nil
	}
}

type idleConn struct {
	net.Conn
	d time.Duration
}

func (c *idleConn) Read(p []byte) (int, error) {
	if err := c.Conn.SetReadDeadline(time.Now().Add(c.d)); err != nil {
		return 0, err
	}
	return c.Conn.Read(p)
}
