package workdaysim

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/translate"
)

// The handler serves WQL as Workday does: POST /ccx/api/wql/v1/{tenant}/data
// (or GET with query=), read with translate.ParseWQL, over the allWorkers
// data source and its published aliases, answering {total, data} with each
// row keyed by the aliases selected. What CompileWQL writes for
// workday_hcm (translate.Translate to "workday_hcm") runs here unchanged.

// wqlSource is the one data source the handler serves.
const wqlSource = "allWorkers"

// wqlAlias is one allWorkers alias: its value for an employee, and whether
// a WHERE or ORDER BY may use it (worker is a reference, selected only).
type wqlAlias struct {
	value      func(h *HTTPHandler, e *employee) any
	filterable bool
}

// wqlAliases are allWorkers' aliases as public WQL samples name them (see
// doc.go): workdayID is the worker's WID, worker its reference.
var wqlAliases = map[string]wqlAlias{
	"workdayID":         {func(h *HTTPHandler, e *employee) any { return h.WID("worker", e.EmployeeID) }, true},
	"employeeID":        {func(_ *HTTPHandler, e *employee) any { return e.EmployeeID }, true},
	"fullName":          {func(_ *HTTPHandler, e *employee) any { return e.Name.Display }, true},
	"businessTitle":     {func(_ *HTTPHandler, e *employee) any { return e.Job.Title }, true},
	"email_PrimaryWork": {func(_ *HTTPHandler, e *employee) any { return e.Email }, true},
	"hireDate":          {func(_ *HTTPHandler, e *employee) any { return e.StartDate.String() }, true},
	"workerActive":      {func(_ *HTTPHandler, e *employee) any { return e.Status == StatusActive }, true},
	"worker": {func(h *HTTPHandler, e *employee) any {
		return map[string]any{"id": h.WID("worker", e.EmployeeID), "descriptor": e.Name.Display}
	}, false},
}

// wqlAliasNames lists the aliases, sorted, for error messages.
var wqlAliasNames = func() string {
	names := make([]string, 0, len(wqlAliases))
	for n := range wqlAliases {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}()

// parseWQL reads a WQL query and checks it against allWorkers: the data
// source, every field selected, filtered or sorted a known alias.
func parseWQL(text string) (connectors.Query, error) {
	q, err := translate.ParseWQL(text)
	if err != nil {
		return connectors.Query{}, fmt.Errorf("%s", firstLine(err.Error()))
	}
	if q.Entity != wqlSource {
		return connectors.Query{}, fmt.Errorf("no data source %q (this tenant serves %s)", q.Entity, wqlSource)
	}
	for _, f := range q.Fields {
		if _, ok := wqlAliases[f]; !ok {
			return connectors.Query{}, fmt.Errorf("%s has no field %q (have %s)", wqlSource, f, wqlAliasNames)
		}
	}
	used := connectors.ExprFields(q.Where)
	for _, o := range q.OrderBy {
		used = append(used, o.Field)
	}
	for _, f := range used {
		if a, ok := wqlAliases[f]; !ok || !a.filterable {
			return connectors.Query{}, fmt.Errorf("%s cannot filter or sort on %q (have %s; worker is a reference)", wqlSource, f, wqlAliasNames)
		}
	}
	if q.Where != nil {
		q.Where = connectors.Normalize(q.Where)
	}
	return q, nil
}

// wqlRows evaluates q over the workers hired by its effective date (all
// when it has none): the rows matched, sorted, cut at LIMIT, each holding
// the selected aliases. The read lock is held.
func (h *HTTPHandler) wqlRows(st *store, q connectors.Query) []map[string]any {
	asOf := ""
	if !q.AsOf.IsZero() {
		asOf = connectors.DateOf(q.AsOf).String()
	}
	// Only the aliases the query reads are rendered.
	need := append(append([]string(nil), q.Fields...), connectors.ExprFields(q.Where)...)
	for _, o := range q.OrderBy {
		need = append(need, o.Field)
	}
	var rows []connectors.Record
	for _, id := range st.ids {
		e := st.emps[id]
		if asOf != "" && e.StartDate.String() > asOf {
			continue
		}
		row := make(connectors.Record, len(need))
		for _, name := range need {
			if _, done := row[name]; !done {
				row[name] = wqlAliases[name].value(h, e)
			}
		}
		if match(q.Where, row) {
			rows = append(rows, row)
		}
	}
	if len(q.OrderBy) > 0 {
		sort.SliceStable(rows, func(i, j int) bool {
			for _, o := range q.OrderBy {
				a, b := wqlText(rows[i][o.Field]), wqlText(rows[j][o.Field])
				if a != b {
					return (a < b) != o.Desc
				}
			}
			return false
		})
	}
	if q.Limit > 0 && len(rows) > q.Limit {
		rows = rows[:q.Limit]
	}
	out := make([]map[string]any, len(rows))
	for i, row := range rows {
		m := make(map[string]any, len(q.Fields))
		for _, f := range q.Fields {
			m[f] = row[f]
		}
		out[i] = m
	}
	return out
}

// wqlText is an alias value as text, for ORDER BY.
func wqlText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	}
	return ""
}
