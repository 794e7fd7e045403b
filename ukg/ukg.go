package ukg

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/credentials"
	"github.com/xlr8/connectors/internal/connkit"
	"github.com/xlr8/connectors/internal/errs"
	"github.com/xlr8/connectors/internal/transport"
)

// The products this package serves.
const (
	ProductPro   = "ukg_pro"
	ProductWFM   = "ukg_wfm"
	ProductReady = "ukg_ready"
)

func init() {
	connectors.Register(ProductPro, func(ctx context.Context, cred *credentials.Credential, opts ...connectors.Option) (connectors.Connector, error) {
		return NewPro(ctx, cred, opts...)
	})
	connectors.Register(ProductWFM, func(ctx context.Context, cred *credentials.Credential, opts ...connectors.Option) (connectors.Connector, error) {
		return NewWFM(ctx, cred, opts...)
	})
	connectors.Register(ProductReady, func(ctx context.Context, cred *credentials.Credential, opts ...connectors.Option) (connectors.Connector, error) {
		return NewReady(ctx, cred, opts...)
	})
}

// New opens the product the credential names (cred.ProductID).
func New(ctx context.Context, cred *credentials.Credential, opts ...connectors.Option) (connectors.Connector, error) {
	if cred == nil {
		return nil, &errs.Error{Code: errs.CodeInvalidArgument, Message: "ukg: credential is nil"}
	}
	switch cred.ProductID {
	case ProductPro:
		return NewPro(ctx, cred, opts...)
	case ProductWFM:
		return NewWFM(ctx, cred, opts...)
	case ProductReady:
		return NewReady(ctx, cred, opts...)
	}
	return nil, &errs.Error{Code: errs.CodeInvalidArgument,
		Message: fmt.Sprintf("ukg: the credential's product %q is not one of %s, %s, %s", cred.ProductID, ProductPro, ProductWFM, ProductReady)}
}

// settings are the vendor options' values.
type settings struct {
	pageSize   int
	poll       time.Duration
	maxPoll    time.Duration
	hyperfind  string
	batch      int
	headers    HeaderMode
	maxRecords int
	spoolDir   string
}

func defaults() settings {
	return settings{poll: time.Second, maxPoll: 30 * time.Second, hyperfind: "All Home", batch: 500,
		headers: HeadersRaw, maxRecords: 10000}
}

// option is this package's vendor option.
type option func(*settings)

func vendor(f func(*settings)) connectors.Option { return connectors.VendorOption(option(f)) }

// WithPageSize sets the page size asked for: UKG Pro per_Page (default
// 100, the API's documented default), WFM apply_read count (default 1000)
// and Ready per_page (default 100).
func WithPageSize(n int) connectors.Option { return vendor(func(s *settings) { s.pageSize = n }) }

// WithReportPoll sets how often a running report is polled: RaaS
// RetrieveReport while it answers Working, WFM report executions while in
// progress; the wait doubles from initial up to max (defaults 1s and 30s).
func WithReportPoll(initial, max time.Duration) connectors.Option {
	return vendor(func(s *settings) { s.poll, s.maxPoll = initial, max })
}

// WithHyperfind names the WFM Hyperfind query that gives the employee set
// of timecards, schedules, accruals and report executions: a qualifier
// ("All Home", the default) or a numeric id.
func WithHyperfind(ref string) connectors.Option {
	return vendor(func(s *settings) { s.hyperfind = ref })
}

// WithEmployeeBatch sets how many employees one WFM multi_read carries
// (default 500, the documented service limit of most multi_read calls). A
// 413 from the server halves the batch and retries.
func WithEmployeeBatch(n int) connectors.Option { return vendor(func(s *settings) { s.batch = n }) }

// WithReportHeaders says how report column names become record keys
// (default HeadersRaw).
func WithReportHeaders(m HeaderMode) connectors.Option {
	return vendor(func(s *settings) { s.headers = m })
}

// WithMaxActionRecords caps the records an Execute action returns in its
// result map (default 10,000); a result cut short says "truncated": true.
// Streams (Get, Query) have no such cap.
func WithMaxActionRecords(n int) connectors.Option {
	return vendor(func(s *settings) { s.maxRecords = n })
}

// WithSpoolDir sets the directory where a report being read is spooled
// (default os.TempDir()).
func WithSpoolDir(dir string) connectors.Option {
	return vendor(func(s *settings) { s.spoolDir = dir })
}

func (s settings) check(product string, defPage int) (settings, error) {
	if s.pageSize == 0 {
		s.pageSize = defPage
	}
	bad := func(what string) (settings, error) {
		return s, &errs.Error{Code: errs.CodeInvalidArgument, Product: product, Message: what}
	}
	switch {
	case s.pageSize < 1 || s.pageSize > 10000:
		return bad("the page size must be between 1 and 10000")
	case s.poll <= 0 || s.maxPoll < s.poll:
		return bad("report polling needs 0 < initial <= max")
	case s.batch < 1:
		return bad("the employee batch must be at least 1")
	case s.maxRecords < 1:
		return bad("the action record cap must be at least 1")
	case strings.TrimSpace(s.hyperfind) == "":
		return bad("the Hyperfind reference is empty")
	case s.headers != HeadersRaw && s.headers != HeadersNormalized:
		return bad("unknown report header mode")
	}
	return s, nil
}

// validate checks the credential for product with the credentials
// package's per-product declaration (the keys DESIGN's table lists), and
// returns a copy bound to the product.
func validate(product string, cred *credentials.Credential) (*credentials.Credential, error) {
	if cred == nil {
		return nil, &errs.Error{Code: errs.CodeInvalidArgument, Product: product, Message: "credential is nil"}
	}
	if cred.ProductID != "" && cred.ProductID != product {
		return nil, (&errs.Error{Code: errs.CodeInvalidArgument, Product: product,
			Message: fmt.Sprintf("the credential is for %q, not %s", cred.ProductID, product)}).WithDetail("product_id", cred.ProductID)
	}
	c := cred.Clone()
	c.ProductID = product
	if err := c.Validate(); err != nil {
		e := errs.As(err, product)
		return nil, e
	}
	return c, nil
}

// prologue is what each product's New does first, before any I/O: resolve
// the options (refusing other vendors'), fold and check this package's,
// validate the credential for the product and parse its instance URL.
func prologue(product string, owner any, defPage int, cred *credentials.Credential, opts []connectors.Option) (connectors.Options, settings, *credentials.Credential, *url.URL, error) {
	o, err := connkit.ResolveOptions(product, owner, opts...)
	if err != nil {
		return o, settings{}, nil, nil, err
	}
	set, err := connkit.VendorSettings[option](o, defaults(), func(f option, s *settings) { f(s) }).check(product, defPage)
	if err != nil {
		return o, set, nil, nil, err
	}
	if cred, err = validate(product, cred); err != nil {
		return o, set, nil, nil, err
	}
	base, err := transport.ParseBaseURL(cred.InstanceURL, o.AllowInsecureLoopback, product, "instance URL")
	return o, set, cred, base, err
}

// flatten makes one record per child, each carrying its parent's value
// under key (Ready's time entries with their set's employee, WFM's accrual
// summaries with their employeeId).
func flatten(out []connectors.Record, key string, parent any, children []map[string]any, types map[string]connectors.FieldType) []connectors.Record {
	for _, c := range children {
		if c == nil {
			continue
		}
		c[key] = parent
		out = append(out, typeRecord(c, types))
	}
	return out
}
