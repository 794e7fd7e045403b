package credentials_test

// A tiny connector for the examples: registered as "example_crm", it
// "authenticates" without a network (basic credentials are checked for
// presence; OAuth ones obtain a token from the host's token source).

import (
	"context"
	"iter"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/credentials"
)

func init() {
	connectors.Register("example_crm", func(_ context.Context, cred *credentials.Credential, opts ...connectors.Option) (connectors.Connector, error) {
		return &exampleConn{cred: cred, opts: connectors.ApplyOptions(opts...)}, nil
	})
}

type exampleConn struct {
	cred      *credentials.Credential
	opts      connectors.Options
	connected bool
}

func (c *exampleConn) Product() string { return "example_crm" }

func (c *exampleConn) Connect(ctx context.Context) error {
	if ts := c.opts.TokenSource; ts != nil {
		tok, err := ts.Token()
		if err != nil {
			return err
		}
		c.connected = tok.AccessToken != ""
		return nil
	}
	c.connected = c.cred.Get(credentials.KeyUsername) != "" && c.cred.Get(credentials.KeyPassword) != ""
	if !c.connected {
		return connectors.Errorf(connectors.CodeUnauthenticated, "example_crm: no username or password")
	}
	return nil
}

func (c *exampleConn) Close() error { return nil }

func (c *exampleConn) Test(ctx context.Context) (connectors.Status, error) {
	return connectors.Status{Product: c.Product(), Reachable: true, Authenticated: c.connected}, nil
}

func (c *exampleConn) Entities(context.Context) ([]string, error) { return []string{}, nil }

func (c *exampleConn) Schema(_ context.Context, entity string) (connectors.EntitySchema, error) {
	return connectors.EntitySchema{}, connectors.Errorf(connectors.CodeNotFound, "example_crm: no entity %q", entity)
}

func (c *exampleConn) Get(context.Context, connectors.Query) iter.Seq2[connectors.Record, error] {
	return connectors.Errored(connectors.Errorf(connectors.CodeUnsupported, "example_crm serves no records"))
}

func (c *exampleConn) Query(context.Context, string) iter.Seq2[connectors.Record, error] {
	return connectors.Errored(connectors.Errorf(connectors.CodeUnsupported, "example_crm has no query language"))
}

func (c *exampleConn) Capabilities() []connectors.Capability { return nil }

func (c *exampleConn) Execute(_ context.Context, action string, _ map[string]any) (map[string]any, error) {
	return nil, connectors.Errorf(connectors.CodeUnsupported, "example_crm: unknown action %q", action)
}
