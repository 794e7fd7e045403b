package salesforce

import (
	"time"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/internal/connkit"
)

// DefaultAPIVersion is the REST API version the connector speaks unless
// WithAPIVersion says otherwise.
const DefaultAPIVersion = "62.0"

// settings are the connector's own options.
type settings struct {
	apiVersion   string
	reserve      float64
	quotaRecheck time.Duration
	batchSize    int
	maxURI       int
	bulkChunk    int
	bulkPoll     time.Duration
	bulkPollMax  time.Duration
	queryAll     bool
	describeTTL  time.Duration
}

// option is the type of Salesforce's vendor options: a change to the
// settings (another vendor's option is refused at New).
type option func(*settings)

func vendorOption(f option) connectors.Option { return connectors.VendorOption(f) }

// WithAPIVersion sets the REST API version ("62.0").
func WithAPIVersion(v string) connectors.Option {
	return vendorOption(func(s *settings) { s.apiVersion = v })
}

// WithReserve keeps a share of the org's daily API allocation for the
// customer's other integrations: once calls used reach fraction of the
// allocation (0.9 stops at 90%), the connector refuses further calls with a
// RATE_LIMITED error (vendor code API_RESERVE), as it does when the quota
// itself runs out. 0 (the default) uses the whole allocation. With
// connectors.WithQuotaBook the usage is that of every connector sharing
// the book (see the package documentation, "Limits").
func WithReserve(fraction float64) connectors.Option {
	return vendorOption(func(s *settings) { s.reserve = fraction })
}

// WithQuotaRecheck sets how long a usage report at or past the reserve
// keeps the connector from sending (default 5 minutes): after that the next
// call goes out and its Sforce-Limit-Info is the new report, since usage
// falls as calls roll out of Salesforce's rolling 24 hours. The refusal's
// RetryAfter is the time left of it. d must be positive and at most 24h.
func WithQuotaRecheck(d time.Duration) connectors.Option {
	return vendorOption(func(s *settings) { s.quotaRecheck = d })
}

// WithBatchSize asks for query pages of n records (Salesforce's
// Sforce-Query-Options batchSize: 200 to 2000, a hint the server may
// ignore). The default is the server's, 2000.
func WithBatchSize(n int) connectors.Option {
	return vendorOption(func(s *settings) { s.batchSize = n })
}

// WithMaxURI sets the longest query URL sent; a longer query runs as a Bulk
// API 2.0 job instead, transparently (default 16000 bytes, under
// Salesforce's documented 16,384-byte limit on URI and headers together).
func WithMaxURI(n int) connectors.Option { return vendorOption(func(s *settings) { s.maxURI = n }) }

// WithBulkChunk sets how many records one Bulk API 2.0 results request asks
// for (maxRecords; default 10000). Memory holds one chunk.
func WithBulkChunk(n int) connectors.Option {
	return vendorOption(func(s *settings) { s.bulkChunk = n })
}

// WithBulkPoll sets the first and the longest wait between polls of a bulk
// job's state (default 500ms doubling to 15s).
func WithBulkPoll(first, max time.Duration) connectors.Option {
	return vendorOption(func(s *settings) { s.bulkPoll, s.bulkPollMax = first, max })
}

// WithQueryAll makes Query and Get use queryAll, which also returns deleted
// and archived records (with IsDeleted set).
func WithQueryAll() connectors.Option { return vendorOption(func(s *settings) { s.queryAll = true }) }

// WithDescribeTTL sets how long describe results are cached (default 1h).
func WithDescribeTTL(d time.Duration) connectors.Option {
	return vendorOption(func(s *settings) { s.describeTTL = d })
}

func resolveSettings(o connectors.Options) settings {
	return connkit.VendorSettings(o, settings{apiVersion: DefaultAPIVersion, maxURI: 16000, bulkChunk: 10000,
		bulkPoll: 500 * time.Millisecond, bulkPollMax: 15 * time.Second, describeTTL: time.Hour,
		quotaRecheck: 5 * time.Minute},
		func(f option, s *settings) { f(s) })
}

func (s settings) validate() error {
	switch {
	case !validVersion(s.apiVersion):
		return connectors.Errorf(connectors.CodeInvalidArgument, "salesforce: API version %q is not of the form 62.0", s.apiVersion)
	case s.reserve < 0 || s.reserve >= 1:
		return connectors.Errorf(connectors.CodeInvalidArgument, "salesforce: reserve %v must be in [0, 1)", s.reserve)
	case s.quotaRecheck <= 0 || s.quotaRecheck > quotaWindow:
		return connectors.Errorf(connectors.CodeInvalidArgument, "salesforce: quota recheck %s must be positive and at most 24h", s.quotaRecheck)
	case s.batchSize != 0 && (s.batchSize < 200 || s.batchSize > 2000):
		return connectors.Errorf(connectors.CodeInvalidArgument, "salesforce: batch size %d must be 200 to 2000", s.batchSize)
	case s.maxURI < 512:
		return connectors.Errorf(connectors.CodeInvalidArgument, "salesforce: max URI %d is too small", s.maxURI)
	case s.bulkChunk <= 0:
		return connectors.Errorf(connectors.CodeInvalidArgument, "salesforce: bulk chunk %d must be positive", s.bulkChunk)
	case s.bulkPoll <= 0 || s.bulkPollMax < s.bulkPoll:
		return connectors.Errorf(connectors.CodeInvalidArgument, "salesforce: bulk poll waits must be positive and ordered")
	}
	return nil
}

func validVersion(v string) bool {
	major, minor, ok := cut(v, '.')
	return ok && isDigits(major) && isDigits(minor) && len(major) <= 3 && len(minor) <= 2
}

func cut(s string, sep byte) (string, string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == sep {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
