// Package redislimit is a rate limiter shared by every worker, goroutine,
// process or machine, that paces calls to one tenant: a GCRA (generic cell
// rate algorithm, the token bucket's equivalent kept as one timestamp) in a
// single Lua script on Redis, keyed by product and credential, so that ten
// workers together send the tenant's rate, not ten times it.
//
// A *Limiter is a connectors.Limiter (Wait(ctx) error), which every attempt
// of a connector's calls waits on:
//
//	rdb := redis.NewClient(&redis.Options{Addr: "redis.internal:6379"})
//	lim, err := redislimit.New(redislimit.Config{Client: rdb, Product: "salesforce",
//		Credential: cred.ID, Rate: 20, Burst: 5, Logger: logger})
//	conn, err := connectors.Open(ctx, "salesforce", cred, connectors.WithLimiter(lim))
//
// # Semantics
//
// Wait reserves the next slot in the shared schedule and sleeps until it,
// like rate.Limiter.Wait: it returns nil at the slot, the context's error
// when the context ends first, and an error at once when the slot lies past
// the context's deadline (nothing is reserved then). The clock is Redis's
// (TIME inside the script), so machines with skewed clocks share one
// schedule. A reservation abandoned by a cancelled context is not given
// back: the shared rate errs on the slow side, never the fast one.
//
// # Outage
//
// When Redis cannot be reached (or answers with an error), Wait degrades to
// a local limiter at the configured rate (or Config.Fallback), logs one
// warning when it degrades and one info line when Redis answers again, and
// retries Redis at most once per RetryEvery. It never degrades to no
// limit. While degraded, N processes may together send up to N times the
// rate: give Config.Fallback a share of it where that matters.
//
// The package is separate so that hosts that do not use Redis do not build
// go-redis.
package redislimit
