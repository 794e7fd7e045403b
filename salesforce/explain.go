package salesforce

import (
	"context"
	"fmt"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/internal/redact"
)

// Explain says how Get will run q: the SOQL, the first request, which
// predicates Salesforce evaluates and which the connector filters client
// side, whether it runs as a bulk job, and the calls it expects (one per
// 2000 records; unknown without a count, so -1 unless Limit bounds it). It
// spends one describe call when the describe is not cached.
func (c *Connector) Explain(ctx context.Context, q connectors.Query) (connectors.Plan, error) {
	if err := c.life.Check(); err != nil {
		return connectors.Plan{}, err
	}
	if err := c.Connect(ctx); err != nil {
		return connectors.Plan{}, err
	}
	p, err := c.compile(ctx, q)
	if err != nil {
		return connectors.Plan{}, err
	}
	plan := connectors.Plan{Product: Product, Entity: p.describe.raw.Name, Native: p.soql.Query,
		Pushed: p.soql.Pushed, Residual: p.soql.Residual, Calls: -1, Bulk: p.bulk}
	u := redact.URL(mustParse(p.url))
	if p.bulk {
		plan.Requests = []connectors.PlannedRequest{
			{Method: "POST", URL: redact.URL(mustParse(c.apiURL("jobs/query", nil))), Body: p.soql.Query},
		}
		plan.Notes = append(plan.Notes, fmt.Sprintf("the query URL would be %d bytes, over the %d-byte limit: it runs as a Bulk API 2.0 job", len(p.url), c.set.maxURI))
	} else {
		plan.Requests = []connectors.PlannedRequest{{Method: "GET", URL: u + "?q=" + p.soql.Query}}
		if q.Limit > 0 && p.soql.Residual == nil {
			plan.Calls = (q.Limit + 1999) / 2000
		}
	}
	if p.soql.Residual != nil {
		plan.Notes = append(plan.Notes, "filtered client side: "+p.soql.Residual.String())
	}
	if len(q.OrderBy) == 0 {
		plan.Notes = append(plan.Notes, "ordered by Id so that a stream cut off after its cursor expired can resume by keyset")
	}
	return plan, nil
}
