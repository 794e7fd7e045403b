package workdaysim

import (
	"sync"
	"time"

	connectors "github.com/xlr8/connectors"
)

// Clock is the simulated clock. It drives every timestamp the simulator
// writes (submitted_at, approved_at ...), the default as_of_date, the
// transaction ids, which pay statements have been paid, and when pending
// transactions (updates, terminations) take effect.
//
// By default it stands still at Config.Start until Set or Advance moves it,
// so that runs are deterministic. With connectors.WithClock the simulator
// reads the host's clock instead, shifted by whatever Set and Advance add.
type Clock struct {
	mu     sync.RWMutex
	base   func() time.Time // nil: frozen at fixed
	fixed  time.Time
	offset time.Duration
}

func newClock(start time.Time, host func() time.Time) *Clock {
	c := &Clock{base: host, fixed: start.UTC()}
	return c
}

// Now returns the simulated time (UTC).
func (c *Clock) Now() time.Time {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.nowLocked()
}

func (c *Clock) nowLocked() time.Time {
	if c.base != nil {
		return c.base().Add(c.offset).UTC()
	}
	return c.fixed.Add(c.offset)
}

// Today returns the simulated date.
func (c *Clock) Today() connectors.Date { return connectors.DateOf(c.Now()) }

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.base != nil {
		c.offset = t.Sub(c.base())
		return
	}
	c.fixed, c.offset = t.UTC(), 0
}

// Advance moves the clock forward by d (backward for a negative d).
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.offset += d
	c.mu.Unlock()
}

func (c *Clock) reset(start time.Time) {
	c.mu.Lock()
	c.fixed, c.offset = start.UTC(), 0
	c.mu.Unlock()
}
