package fault

// Conformance injects a conformance-suite fault (a connectortest.Fault,
// passed as its string so that this package stays below connectortest) into
// a fake that wears this injector, for a connectortest.Harness's Inject: the
// HTTP faults map onto this package's kinds (vendor shapes come from
// Respond), and "outage" makes every eligible request a 503 until Clear. It
// reports false for faults the injector cannot produce alone ("short_total"
// needs the fake's own data), which the harness handles itself.
func (f *Injector) Conformance(fault string, n int) bool {
	if fault == "outage" {
		f.SetRate(Unavailable, 1)
		return true
	}
	kind, ok := map[string]Kind{
		"rate_limit": RateLimit, "unavailable": Unavailable, "reset": Reset, "stall": Stall,
		"malformed": Malformed, "truncated": Truncated, "html": HTML, "oversized": Oversized,
		"unauthorized": Unauthorized,
	}[fault]
	if !ok {
		return false
	}
	f.Next(kind, n)
	return true
}
