package workdaysim

import (
	"fmt"
	"strings"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/translate"
)

// parseWQL reads the handler's WQL: the universal language of package
// translate (SELECT f1, f2 FROM allWorkers WHERE department = 'Sales'),
// with WQL's data sources (allWorkers, allOrganizations,
// allTimeOffRequests, allTimeOffBalances, allPayStatements) or the entity
// names. Fields must exist; * selects all.
func parseWQL(text string) (connectors.Query, error) {
	q, err := translate.Parse(text)
	if err != nil {
		return connectors.Query{}, fmt.Errorf("%s", firstLine(err.Error()))
	}
	name := q.Entity
	if e, ok := wqlSources[strings.ToLower(name)]; ok {
		name = e
	}
	ent, ok := entities[name]
	if !ok {
		return connectors.Query{}, fmt.Errorf("no data source %q (have allWorkers, allOrganizations, allTimeOffRequests, allTimeOffBalances, allPayStatements)", q.Entity)
	}
	q.Entity = name
	if err := checkQuery(ent, connectors.Query{Entity: name, Fields: q.Fields, Where: q.Where}); err != nil {
		return connectors.Query{}, fmt.Errorf("%s", strings.TrimPrefix(err.Error(), Product+": "))
	}
	if q.Where != nil {
		q.Where = connectors.Normalize(q.Where)
	}
	return q, nil
}
