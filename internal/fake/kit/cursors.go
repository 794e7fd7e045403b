package kit

import (
	"sync"
	"time"
)

// Cursors holds server-side query cursors (Salesforce's query locators,
// a scroll id) that expire after a time without use. It is safe for
// concurrent use.
type Cursors[T any] struct {
	mu  sync.Mutex
	ttl time.Duration
	now func() time.Time
	m   map[string]*entry[T]
}

type entry[T any] struct {
	v    T
	used time.Time
}

// NewCursors returns a cursor table whose cursors expire after ttl idle
// (never when ttl <= 0), by the clock now (time.Now when nil).
func NewCursors[T any](ttl time.Duration, now func() time.Time) *Cursors[T] {
	if now == nil {
		now = time.Now
	}
	return &Cursors[T]{ttl: ttl, now: now, m: map[string]*entry[T]{}}
}

// Put stores a cursor under id.
func (c *Cursors[T]) Put(id string, v T) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m[id] = &entry[T]{v: v, used: c.now()}
}

// Get returns the cursor under id and marks it used; an expired cursor is
// dropped and reported missing.
func (c *Cursors[T]) Get(id string) (T, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.m[id]
	var zero T
	if e == nil {
		return zero, false
	}
	now := c.now()
	if c.ttl > 0 && now.Sub(e.used) > c.ttl {
		delete(c.m, id)
		return zero, false
	}
	e.used = now
	return e.v, true
}

// Expire drops every cursor, as a long idle time would.
func (c *Cursors[T]) Expire() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m = map[string]*entry[T]{}
}

// Len is the number of open cursors.
func (c *Cursors[T]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}
