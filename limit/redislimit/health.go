package redislimit

import (
	"log/slog"
	"sync"
	"time"

	"github.com/xlr8/connectors/internal/errs"
)

// health is what one user of Redis (a Limiter, a QuotaBook) knows of it:
// after a failure Redis is not asked again for retryEvery, the first
// failure is logged as a warning and the first success after it as info.
type health struct {
	key              string
	logger           *slog.Logger
	retryEvery       time.Duration
	downMsg, backMsg string

	mu        sync.Mutex
	degraded  bool
	nextProbe time.Time
}

func newHealth(key string, logger *slog.Logger, retryEvery time.Duration, downMsg, backMsg string) *health {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if retryEvery <= 0 {
		retryEvery = time.Second
	}
	return &health{key: key, logger: logger, retryEvery: retryEvery, downMsg: downMsg, backMsg: backMsg}
}

// try reports whether Redis should be asked now: always while it answers,
// once per retryEvery after a failure.
func (h *health) try() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.degraded {
		return true
	}
	if time.Now().Before(h.nextProbe) {
		return false
	}
	h.nextProbe = time.Now().Add(h.retryEvery)
	return true
}

// failed records a failure of Redis.
func (h *health) failed(err error) {
	h.mu.Lock()
	was := h.degraded
	h.degraded = true
	h.nextProbe = time.Now().Add(h.retryEvery)
	h.mu.Unlock()
	if !was {
		h.logger.Warn(h.downMsg, slog.String("key", h.key), slog.String("error", errs.As(err, "").Error()))
	}
}

// answered records that Redis answered.
func (h *health) answered() {
	h.mu.Lock()
	was := h.degraded
	h.degraded = false
	h.mu.Unlock()
	if was {
		h.logger.Info(h.backMsg, slog.String("key", h.key))
	}
}
