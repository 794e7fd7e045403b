package connectortest_test

// The toy vendor as a driver on internal/connkit: what is left of a
// connector once the kit owns lifecycle, validation, paging, filtering,
// errors, actions and Explain. It runs over the same toy server as the
// hand-written toy connector and passes the whole suite.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/connectortest"
	"github.com/xlr8/connectors/credentials"
	"github.com/xlr8/connectors/internal/connkit"
	"github.com/xlr8/connectors/internal/errs"
	"github.com/xlr8/connectors/internal/pager"
	"github.com/xlr8/connectors/internal/transport"
)

type toyDriver struct {
	*connkit.Table
	client *transport.Client
	tokens *transport.TokenCache
	base   *url.URL
}

var toyTable = connkit.NewTable(connkit.Entity{Name: "items", Path: "/api/items", Schema: toySchema})

// ToyPingRequest and ToyPingResponse are the toy.ping action's types.
type (
	ToyPingRequest  struct{}
	ToyPingResponse struct {
		Version string `json:"version"`
	}
)

func openToyDriver(ctx context.Context, cred *credentials.Credential, opts ...connectors.Option) (connectors.Connector, error) {
	o, err := connkit.ResolveOptions("toy", (*toyDriver)(nil), opts...)
	if err != nil {
		return nil, err
	}
	base, err := transport.ParseBaseURL(cred.InstanceURL, o.AllowInsecureLoopback, "toy", "instance URL")
	if err != nil {
		return nil, err
	}
	plain, err := connkit.NewClient("toy", cred, o, connkit.ClientConfig{
		DecodeError: func(e *errs.Error, resp *transport.Response) *errs.Error {
			var body struct {
				Error string `json:"error"`
			}
			if json.Unmarshal(resp.Body, &body) == nil && body.Error != "" {
				e.VendorCode = body.Error
			}
			return e
		},
		Errors: connkit.ErrorMap{"invalid_token": {Code: errs.CodeUnauthenticated}},
	})
	if err != nil {
		return nil, err
	}
	tokens := connkit.TokenAuth(o, plain.Secrets(), func(ctx context.Context) (*oauthToken, error) {
		return plain.FetchToken(ctx, cred.Get(credentials.KeyTokenURL), url.Values{
			"grant_type": {"refresh_token"}, "refresh_token": {cred.Get(credentials.KeyRefreshToken)},
			"client_id": {cred.Get(credentials.KeyClientID)}, "client_secret": {cred.Get(credentials.KeyClientSecret)},
		}, nil)
	})
	d := &toyDriver{Table: toyTable, client: plain.WithAuth(tokens), tokens: tokens, base: base}
	conn, err := connkit.New(d, connkit.Config{Product: "toy", Options: o, Explain: true, Actions: []connkit.Action{
		connkit.Typed(connectors.Capability{Name: "toy.ping", Description: "Ping the toy server.", PrincipalTypes: connectors.PrincipalTypes()},
			func(ctx context.Context, _ connectors.Principal, _ ToyPingRequest) (*ToyPingResponse, error) {
				var v ToyPingResponse
				_, err := d.client.GetJSON(ctx, d.base.JoinPath("/api/ping").String(), nil, &v)
				return &v, err
			}),
	}})
	if err != nil {
		return nil, err
	}
	return conn.Port(), nil
}

func (d *toyDriver) Connect(ctx context.Context) error {
	_, _, err := d.tokens.Token(ctx)
	return err
}

func (d *toyDriver) Ping(ctx context.Context) (connkit.Ping, error) {
	var v ToyPingResponse
	_, err := d.client.GetJSON(ctx, d.base.JoinPath("/api/ping").String(), nil, &v)
	return connkit.Ping{APIVersion: v.Version}, err
}

// Plan pushes group = x to the server and leaves the rest to the kit.
func (d *toyDriver) Plan(ctx context.Context, q connectors.Query, s connectors.EntitySchema) (*connkit.Plan, error) {
	pushed, residual := connkit.Split(q.Where, func(c connectors.Cmp) bool {
		_, isString := c.Value.(string)
		return c.Field == "group" && c.Op == connectors.OpEq && isString
	})
	params := url.Values{}
	if pushed != nil {
		params.Set("group", pushed.(connectors.Cmp).Value.(string))
	}
	fields, extra := connkit.Select(q.Fields, residual)
	if len(fields) > 0 {
		params.Set("fields", strings.Join(fields, ","))
	}
	ent, _ := d.Lookup(q.Entity)
	first := d.base.JoinPath(ent.Path)
	first.RawQuery = params.Encode()
	return &connkit.Plan{Pushed: pushed, Residual: residual, Extra: extra, Calls: -1,
		Requests: []connectors.PlannedRequest{{Method: "GET", URL: first.String()}},
		Fetch: pager.OffsetLimit(0, func(ctx context.Context, at pager.At) (pager.Result, error) {
			u := *first
			p := u.Query()
			p.Set("offset", fmt.Sprint(at.Offset))
			if at.Limit > 0 {
				p.Set("limit", fmt.Sprint(at.Limit))
			}
			u.RawQuery = p.Encode()
			var body struct {
				Total int              `json:"total"`
				Items []map[string]any `json:"items"`
			}
			if _, err := d.client.GetJSON(ctx, u.String(), nil, &body); err != nil {
				return pager.Result{}, err
			}
			recs := make([]connectors.Record, len(body.Items))
			for i, it := range body.Items {
				recs[i] = it
			}
			return pager.Result{Records: recs, Total: int64(body.Total), HasTotal: true}, nil
		})}, nil
}

// ParseNative takes a group name: Query("g1") is Get(items where group = g1).
func (d *toyDriver) ParseNative(native string) (connectors.Query, error) {
	return connectors.Query{Entity: "items", Where: connectors.Eq("group", native)}, nil
}

// TestToyDriverConformance runs the whole suite on the toy driver.
func TestToyDriverConformance(t *testing.T) {
	connectortest.Run(t, func(ctx context.Context, t *testing.T) (connectortest.Harness, error) {
		return &toyDriverHarness{toyHarness{srv: newToyServer(t)}}, nil
	})
}

type toyDriverHarness struct{ toyHarness }

func (h *toyDriverHarness) ActionSamples() map[string]map[string]any {
	return map[string]map[string]any{"toy.ping": {}}
}

func (h *toyDriverHarness) Open(ctx context.Context, opts ...connectors.Option) (connectors.Connector, error) {
	all := append([]connectors.Option{connectors.WithHTTPClient(h.srv.srv.Client())}, opts...)
	return openToyDriver(ctx, h.cred(), all...)
}
