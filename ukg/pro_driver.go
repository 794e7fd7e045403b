package ukg

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/credentials"
	"github.com/xlr8/connectors/internal/connkit"
	"github.com/xlr8/connectors/internal/errs"
	"github.com/xlr8/connectors/internal/pager"
	"github.com/xlr8/connectors/internal/transport"
	"github.com/xlr8/connectors/translate"
)

// proDriver is UKG Pro: the personnel and payroll REST API for Get, RaaS
// for Query and the report actions.
type proDriver struct {
	*connkit.Table
	rest *transport.Client
	raas *raas
	base string
	set  settings
	conn *connkit.Conn
}

// NewPro opens UKG Pro. The credential is AuthRaaS with username and
// password (the web service account; REST sends them as Basic),
// customer_api_key (REST's US-Customer-Api-Key, RaaS's ClientAccessKey) and
// api_key (the user API key, RaaS's UserAccessKey); the instance URL is the
// service host, https://service4.ultipro.com.
func NewPro(ctx context.Context, cred *credentials.Credential, opts ...connectors.Option) (connectors.Connector, error) {
	o, set, cred, base, err := prologue(ProductPro, (*proDriver)(nil), proDefaultPerPage, cred, opts)
	if err != nil {
		return nil, err
	}
	plain, err := connkit.NewClient(ProductPro, cred, o, connkit.ClientConfig{
		Auth:        transport.BasicAuth(cred.Get(credentials.KeyUsername), cred.Get(credentials.KeyPassword)),
		DecodeError: decodeProError,
		ShouldRetry: proShouldRetry,
		DefaultRate: 10, DefaultBurst: 5,
	})
	if err != nil {
		return nil, err
	}
	rest, err := plain.WithSteps(transport.AddSteps(transport.DefaultHeaders("ukg-customer-api-key",
		http.Header{"US-Customer-Api-Key": {cred.Get(credentials.KeyCustomerAPIKey)}, "Accept": {"application/json"}})))
	if err != nil {
		return nil, err
	}
	d := &proDriver{Table: table(ProductPro, proEntities), rest: rest, base: strings.TrimRight(base.String(), "/"), set: set}
	d.raas = &raas{c: plain, base: d.base, user: cred.Get(credentials.KeyUsername), password: cred.Get(credentials.KeyPassword),
		customer: cred.Get(credentials.KeyCustomerAPIKey), userKey: cred.Get(credentials.KeyAPIKey),
		poll: set.poll, maxPoll: set.maxPoll, product: ProductPro, logger: plain.Logger()}
	conn, err := connkit.New(d, connkit.Config{Product: ProductPro, Options: o, Explain: true, Actions: d.actions()})
	if err != nil {
		return nil, err
	}
	d.conn = conn
	return conn.Port(), nil
}

// decodeProError reads a SOAP fault (RaaS) into the error; REST errors are
// classified by their HTTP status (UKG publishes no error code for them).
func decodeProError(e *errs.Error, resp *transport.Response) *errs.Error {
	if strings.Contains(resp.Header.Get("Content-Type"), "soap+xml") {
		if env, err := parseEnvelope(resp.Body); err == nil && env.Body.Fault == nil {
			return e
		} else if f, ok := err.(*errs.Error); ok && f.VendorCode != "" {
			f.HTTPStatus = resp.StatusCode
			f.RetryAfter = e.RetryAfter
			return f
		}
	}
	return e
}

// proShouldRetry retries RaaS's intermittent 405 (puppetlabs-toy-chest
// ultipro-soap-python retries it with backoff); every other status follows
// the transport's rule.
func proShouldRetry(resp *http.Response) (bool, bool) {
	if resp.StatusCode == http.StatusMethodNotAllowed && resp.Request != nil && strings.Contains(resp.Request.URL.Path, "/services/BI") {
		return true, true
	}
	return false, false
}

func (d *proDriver) Connect(context.Context) error { return nil } // Basic: nothing to fetch; Ping checks it

func (d *proDriver) Ping(ctx context.Context) (connkit.Ping, error) {
	e := findEntity(proEntities, "person-details")
	if _, err := d.rest.Get(ctx, proFirstURL(d.base, e, nil, 1), nil); err != nil {
		return connkit.Ping{}, err
	}
	return connkit.Ping{APIVersion: "personnel/v1", Message: "UKG Pro REST answered"}, nil
}

func (d *proDriver) Plan(ctx context.Context, q connectors.Query, s connectors.EntitySchema) (*connkit.Plan, error) {
	e := findEntity(proEntities, s.Entity)
	opts := []translate.Option{translate.WithSchema(s)}
	if e.since != "" {
		opts = append(opts, translate.WithSinceField(e.since))
	}
	c, err := translate.CompileParams(q, e.translateParams(), opts...)
	if err != nil {
		return nil, err
	}
	first := proFirstURL(d.base, e, c.Values, d.set.pageSize)
	u, err := url.Parse(first)
	if err != nil {
		return nil, errs.Wrap(errs.CodeInternal, err, "building the first page's URL")
	}
	per := d.set.pageSize
	return &connkit.Plan{Pushed: c.Pushed, Residual: c.Residual, Select: true,
		Fetch: pager.NextLink(u, per, func(ctx context.Context, at pager.At) (pager.Result, error) {
			resp, err := d.rest.Get(ctx, at.URL.String(), nil)
			if err != nil {
				return pager.Result{}, err
			}
			recs, next, err := proPage(ProductPro, e, resp, per)
			return pager.Result{Records: recs, Next: next}, err
		}),
		Requests: []connectors.PlannedRequest{{Method: http.MethodGet, URL: first}}, Calls: -1,
		Notes: []string{"pages by page and per_Page, following the Link header's rel=\"next\""}}, nil
}

// Native runs a RaaS report by its path (a Cognos path or storeID("...")).
func (d *proDriver) Native(ctx context.Context, native string) (*connkit.Plan, error) {
	path := strings.TrimSpace(native)
	if path == "" {
		return nil, &errs.Error{Code: errs.CodeInvalidArgument, Message: "a UKG Pro native query is a RaaS report path; it is empty"}
	}
	return &connkit.Plan{Entity: "report", Calls: -1, Native: path,
		Fetch: reportFetch(d.set.pageSize, func(ctx context.Context) (*spooled, error) {
			return d.openReport(ctx, path, nil)
		}),
		Requests: []connectors.PlannedRequest{{Method: http.MethodPost, URL: d.raas.dataURL()}},
		Notes:    []string{"RaaS: LogOn, ExecuteReport, RetrieveReport until not Working, LogOff"}}, nil
}

// openReport runs a report in a RaaS session and spools its CSV; the
// session is logged off once the report is spooled.
func (d *proDriver) openReport(ctx context.Context, path string, params map[string]string) (*spooled, error) {
	var sp *spooled
	err := d.raas.session(ctx, func(dc dataContext) error {
		key, uri, err := d.raas.execute(ctx, dc, path, params)
		if err != nil {
			return err
		}
		s, closer, err := d.raas.retrieve(ctx, key, uri)
		if err != nil {
			return err
		}
		defer closer.Close()
		sp, err = spool(ProductPro, d.set.spoolDir, &finishing{r: s.Report(), s: s}, charsetWindows1252, d.set.headers)
		return err
	})
	if err != nil && sp != nil {
		sp.close()
		sp = nil
	}
	return sp, err
}

// finishing reads the report's bytes and, at their end, checks that the
// envelope closes properly: a body cut short is an error, not a short report.
type finishing struct {
	r io.Reader
	s *reportStream
}

func (f *finishing) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if err == io.EOF {
		if ferr := f.s.finish(); ferr != nil {
			return n, ferr
		}
	}
	return n, err
}
