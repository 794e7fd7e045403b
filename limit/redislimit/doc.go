// Package redislimit is a rate limiter shared by every worker, goroutine,
// process or machine, that paces calls to one tenant, and a book of vendor
// quota usage that all of them read (QuotaBook). The limiter is a GCRA
// (generic cell rate algorithm, the token bucket's equivalent kept as one
// timestamp) in a single Lua script on Redis, keyed by product and
// credential, so that ten workers together send the tenant's rate, not ten
// times it.
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
// # Quota book
//
// A *QuotaBook is a connectors.QuotaBook: connectors record in it the
// vendor quota usage they read from responses (Salesforce's
// Sforce-Limit-Info) and read it before every call, so that every worker
// on every machine sees the latest usage the tenant's vendor reported and
// all of them stop together at the reserve:
//
//	book, err := redislimit.NewQuotaBook(redislimit.QuotaConfig{Client: rdb, Logger: logger})
//	conn, err := connectors.Open(ctx, "salesforce", cred, connectors.WithLimiter(lim),
//		connectors.WithQuotaBook(book), salesforce.WithReserve(0.9))
//
// A report is a hash (used, max, at in microseconds, window in
// milliseconds) under Prefix + "{product:credential}:" + the quota's name,
// each part escaped. One Lua script keeps the newer of the report held and
// the one recorded, by connectors.QuotaUsage.Supersedes's rule: within
// connectors.QuotaSettle of each other the vendor's own numbers decide
// (more calls used is newer), further apart the timestamp does. A kept
// report's key expires the quota's window after it was recorded, so a
// tenant that stops calling leaves nothing behind. The timestamps are the
// workers' clocks: machines must agree within QuotaSettle (NTP does); a
// report stamped further ahead of Redis's clock is kept as stamped at
// Redis's clock plus QuotaSettle, so that one fast clock cannot hold the
// book against the others' reports.
//
// While Redis is unreachable Record and Load answer UNAVAILABLE at once
// (Redis is asked again at most once per RetryEvery; one warning when it
// degrades, one info line when it answers again); connectors then check
// against the reports they received themselves, never against none.
//
// The package is separate so that hosts that do not use Redis do not build
// go-redis.
package redislimit
