package oracle

import (
	"context"
	"net/http"
	"net/url"
	"sync"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/credentials"
	"github.com/xlr8/connectors/internal/connkit"
	"github.com/xlr8/connectors/internal/transport"
	"github.com/xlr8/connectors/translate"
)

// The products.
const (
	ProductHCM = "oracle_hcm"
	ProductERP = "oracle_erp"
)

// Version is the REST resource version segment of every path.
const Version = "11.13.18.05"

// FrameworkVersion is the REST-Framework-Version sent on every call: 4,
// the first with JSON error bodies (o:errorCode), after 2's q= expression
// syntax and 3's child collections with hasMore; below 8, so list-valued
// attributes stay comma strings, and below 6, so items carry no @context.
const FrameworkVersion = translate.OracleFrameworkVersion

func init() {
	for _, p := range []string{ProductHCM, ProductERP} {
		product := p
		connectors.Register(product, func(ctx context.Context, cred *credentials.Credential, opts ...connectors.Option) (connectors.Connector, error) {
			return NewProduct(ctx, product, cred, opts...)
		})
	}
}

// driver is the Oracle Fusion driver for one product.
type driver struct {
	product string
	base    *url.URL // the pod URL (the credential's instance URL)
	client  *transport.Client
	tokens  *transport.TokenCache // nil with Basic
	set     settings
	table   *table

	mu      sync.Mutex
	schemas map[string]connectors.EntitySchema
}

// New builds an Oracle HCM connector (product oracle_hcm); see NewProduct.
func New(ctx context.Context, cred *credentials.Credential, opts ...connectors.Option) (connectors.Connector, error) {
	return NewProduct(ctx, ProductHCM, cred, opts...)
}

// NewProduct builds a connector for oracle_hcm or oracle_erp. It checks the
// credential and options without network I/O; Connect (or the first call)
// authenticates.
func NewProduct(_ context.Context, product string, cred *credentials.Credential, opts ...connectors.Option) (connectors.Connector, error) {
	if product != ProductHCM && product != ProductERP {
		return nil, connectors.Errorf(connectors.CodeInvalidArgument, "oracle: unknown product %q (want %s or %s)", product, ProductHCM, ProductERP)
	}
	if cred == nil {
		return nil, connectors.Errorf(connectors.CodeInvalidArgument, "oracle: a credential is required")
	}
	o, err := connkit.ResolveOptions(product, (*driver)(nil), opts...)
	if err != nil {
		return nil, err
	}
	set := connkit.VendorSettings[option](o, defaults(), func(f option, s *settings) { f(s) })
	if err := set.validate(product); err != nil {
		return nil, err
	}
	auth, err := checkCredential(cred)
	if err != nil {
		return nil, err
	}
	base, err := transport.ParseBaseURL(cred.InstanceURL, o.AllowInsecureLoopback, product, "instance URL")
	if err != nil {
		return nil, err
	}
	plain, err := connkit.NewClient(product, cred, o, connkit.ClientConfig{DecodeError: decodeError, DefaultRate: 10, DefaultBurst: 10})
	if err != nil {
		return nil, err
	}
	plain, err = plain.WithSteps(transport.AddSteps(transport.DefaultHeaders("oracle-rest-framework-version",
		http.Header{"REST-Framework-Version": {FrameworkVersion}})))
	if err != nil {
		return nil, err
	}
	d := &driver{product: product, base: base, set: set, table: tables[product], schemas: map[string]connectors.EntitySchema{}}
	if d.client, d.tokens, err = authenticate(plain, cred, auth, o); err != nil {
		return nil, err
	}
	var dr connkit.Driver = d
	if product == ProductERP {
		dr = &erpDriver{d}
	}
	conn, err := connkit.New(dr, connkit.Config{Product: product, Options: o, Explain: true, Actions: d.actions(), Prefixes: []string{"oracle: "}})
	if err != nil {
		return nil, err
	}
	return conn.Port(), nil
}

// Connect authenticates: a token from the identity domain, or, with Basic,
// one cheap call that proves the user and password.
func (d *driver) Connect(ctx context.Context) error {
	if d.tokens != nil {
		_, _, err := d.tokens.Token(ctx)
		return err
	}
	_, err := d.Ping(ctx)
	return err
}

// Ping reads one key of the product's first resource.
func (d *driver) Ping(ctx context.Context) (connkit.Ping, error) {
	e := d.table.ping
	u := d.resourceURL(e, url.Values{"limit": {"1"}, "onlyData": {"true"}, "fields": {e.key}})
	var body struct {
		Items []map[string]any `json:"items"`
	}
	if _, err := d.client.GetJSON(ctx, u, nil, &body); err != nil {
		return connkit.Ping{}, err
	}
	return connkit.Ping{APIVersion: Version + " (REST-Framework-Version " + FrameworkVersion + ")"}, nil
}

// Entities lists the product's resources.
func (d *driver) Entities(context.Context) ([]string, error) { return d.table.names(), nil }

// resourceURL is {pod}/{service}/resources/{version}/{resource}?params.
func (d *driver) resourceURL(e *entity, params url.Values, path ...string) string {
	u := d.base.JoinPath(append([]string{e.service, "resources", Version, e.name}, path...)...)
	u.RawQuery = params.Encode()
	return u.String()
}

// ---- options ----

type settings struct {
	pageSize     int
	maxChildRows int
	expand       map[string][]string
	exports      map[string]exportJob
}

// exportJob is an ESS job that exportBulkData runs for an entity.
type exportJob struct{ jobName, parameters string }

func defaults() settings {
	return settings{pageSize: 499, maxChildRows: defaultMaxChildRows, expand: map[string][]string{}, exports: map[string]exportJob{}}
}

func (s settings) validate(product string) error {
	if s.pageSize < 1 || s.pageSize > 499 {
		return connectors.Errorf(connectors.CodeInvalidArgument, "oracle: page size %d is outside 1..499 (Fusion returns at most 499 rows per call)", s.pageSize)
	}
	if s.maxChildRows < 1 {
		return connectors.Errorf(connectors.CodeInvalidArgument, "oracle: WithMaxChildRows %d is not positive", s.maxChildRows)
	}
	for e := range s.expand {
		if _, ok := tables[product].lookup(e); !ok {
			return connectors.Errorf(connectors.CodeInvalidArgument, "oracle: WithExpand names %q, not a %s resource", e, product)
		}
	}
	for e, j := range s.exports {
		if product != ProductERP {
			return connectors.Errorf(connectors.CodeInvalidArgument, "oracle: WithExportJob is for %s (ERP Integration Service ESS jobs)", ProductERP)
		}
		if _, ok := tables[product].lookup(e); !ok || j.jobName == "" {
			return connectors.Errorf(connectors.CodeInvalidArgument, "oracle: WithExportJob needs a %s resource and a job name", product)
		}
	}
	return nil
}

type option func(*settings)

// WithPageSize sets the rows asked for per call (1..499; default 499,
// Fusion's cap).
func WithPageSize(n int) connectors.Option {
	return connectors.VendorOption(option(func(s *settings) { s.pageSize = n }))
}

// WithExpand makes Get on entity expand the named children (dotted paths
// reach grandchildren: "workRelationships.assignments") when the query
// asks for no fields. A query whose Fields name child attributes gets them
// without it.
func WithExpand(entity string, children ...string) connectors.Option {
	return connectors.VendorOption(option(func(s *settings) {
		s.expand = cloneMap(s.expand)
		s.expand[entity] = append([]string(nil), children...)
	}))
}

// WithExportJob makes StartExport on entity submit the ESS job jobName
// ("<package>,<definition>") with parameters (its ParameterList, "#NULL"
// for none) through exportBulkData (oracle_erp).
func WithExportJob(entity, jobName, parameters string) connectors.Option {
	return connectors.VendorOption(option(func(s *settings) {
		s.exports = cloneMap(s.exports)
		s.exports[entity] = exportJob{jobName: jobName, parameters: parameters}
	}))
}

func cloneMap[V any](m map[string]V) map[string]V {
	out := make(map[string]V, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	return out
}
