package sap

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/xlr8/connectors/internal/fake/kit"
)

// serveSF serves /odata/v2/...: the service document, $metadata (whole or
// per entity set), and entity-set reads.
func (s *Server) serveSF(w http.ResponseWriter, r *http.Request) {
	rest := r.PathValue("rest")
	switch {
	case rest == "":
		s.serviceDocument(w, s.sfSetList())
	case rest == "$metadata":
		s.writeXML(w, metadataSF(s.sfSetList()))
	case strings.HasSuffix(rest, "/$metadata"):
		st := s.sets[strings.TrimSuffix(rest, "/$metadata")]
		if st == nil {
			s.odataError(w, http.StatusNotFound, "COE_ENTITY_NOT_FOUND", "Entity "+strings.TrimSuffix(rest, "/$metadata")+" is not found")
			return
		}
		sets := []*set{st}
		for _, n := range st.Navs {
			if t := s.sets[n.Target]; t != nil && t != st {
				sets = append(sets, t)
			}
		}
		s.writeXML(w, metadataSF(sets))
	default:
		st := s.sets[rest]
		if st == nil {
			s.odataError(w, http.StatusNotFound, "COE_ENTITY_NOT_FOUND", "Entity "+rest+" is not found")
			return
		}
		s.serveCollection(w, r, st, rest, func(name string) *set { return s.sets[name] })
	}
}

func (s *Server) sfSetList() []*set {
	var out []*set
	for _, k := range sortedKeys(s.sets) {
		out = append(out, s.sets[k])
	}
	return out
}

func (s *Server) serviceDocument(w http.ResponseWriter, sets []*set) {
	names := make([]string, len(sets))
	for i, st := range sets {
		names[i] = st.Name
	}
	writeJSON(w, http.StatusOK, map[string]any{"d": map[string]any{"EntitySets": names}})
}

func (s *Server) writeXML(w http.ResponseWriter, doc string) {
	w.Header().Set("Content-Type", "application/xml;charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(doc))
}

// serveCollection answers a read of entity set st: $filter, $select,
// $orderby, $top, $skip, $inlinecount, $expand, effective dating, and
// server paging with __next/$skiptoken at PageSize (customPageSize lowers
// it). Without $format=json (or Accept: application/json) SAP answers in
// Atom XML; the fake sends a minimal feed, which a JSON client must not
// mistake for data.
func (s *Server) serveCollection(w http.ResponseWriter, r *http.Request, st *set, path string, lookup func(string) *set) {
	q := r.URL.Query()
	if q.Get("$format") != "json" && !strings.Contains(r.Header.Get("Accept"), "application/json") {
		w.Header().Set("Content-Type", "application/atom+xml;type=feed;charset=utf-8")
		w.WriteHeader(http.StatusOK)
		_, _ = fmt.Fprintf(w, `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title type="text">%s</title></feed>`, st.Name)
		return
	}
	for k := range q {
		if strings.HasPrefix(k, "$") && !map[string]bool{"$format": true, "$filter": true, "$select": true, "$orderby": true,
			"$top": true, "$skip": true, "$inlinecount": true, "$expand": true, "$skiptoken": true}[k] {
			s.odataError(w, http.StatusBadRequest, s.badRequestCode(), "Unknown system query option "+k)
			return
		}
	}
	if q.Get("paging") == "cursor" && q.Get("$orderby") != "" {
		s.odataError(w, http.StatusBadRequest, s.badRequestCode(), "$orderby is not supported with cursor-based paging")
		return
	}
	rows, err := s.query(st, q)
	if err != nil {
		var nf *notFilterable
		code := s.badRequestCode()
		if errors.As(err, &nf) && s.cfg.Product == SuccessFactors {
			code = "COE_PROPERTY_NOT_FILTERABLE"
		}
		s.odataError(w, http.StatusBadRequest, code, err.Error())
		return
	}
	total := len(rows)
	skip, err := nonNeg(q.Get("$skip"))
	if err != nil {
		s.odataError(w, http.StatusBadRequest, s.badRequestCode(), "Invalid $skip")
		return
	}
	top := -1
	if v := q.Get("$top"); v != "" {
		if top, err = nonNeg(v); err != nil {
			s.odataError(w, http.StatusBadRequest, s.badRequestCode(), "Invalid $top")
			return
		}
	}
	pageSize := s.cfg.PageSize
	if v := q.Get("customPageSize"); v != "" && s.cfg.Product == SuccessFactors {
		n, err := nonNeg(v)
		if err != nil || n == 0 || n > 1000 {
			s.odataError(w, http.StatusBadRequest, s.badRequestCode(), "Invalid customPageSize")
			return
		}
		pageSize = min(n, pageSize)
	}
	// The window: $skip/$top first, then the server page within it.
	start := min(skip, total)
	end := total
	if top >= 0 {
		end = min(start+top, total)
	}
	paging := kit.Opaque{Param: "$skiptoken", Default: max(pageSize, 1)}
	key := st.Name + "\x00" + q.Get("$filter") + "\x00" + q.Get("$orderby") + "\x00" + q.Get("$select") + "\x00" + strconv.Itoa(start) + "\x00" + strconv.Itoa(end)
	var next string
	if pageSize > 0 {
		win, err := paging.Window(q, key, end-start)
		if err != nil {
			s.odataError(w, http.StatusBadRequest, s.badRequestCode(), "Invalid $skiptoken")
			return
		}
		if tok := paging.Next(win, key); tok != "" && !s.cfg.NoServerPaging {
			next = s.Relink(r, kit.Absolute, map[string]string{"$skiptoken": tok})
		}
		start, end = start+win.Start, start+win.End
	}
	sel := selectList(q.Get("$select"))
	expand := selectList(q.Get("$expand"))
	results := make([]any, 0, end-start)
	for _, row := range rows[start:end] {
		results = append(results, s.entity(st, row, sel, expand, lookup, path))
	}
	d := map[string]any{"results": results}
	if q.Get("$inlinecount") == "allpages" {
		d["__count"] = strconv.Itoa(s.Advertise(total))
	}
	if next != "" {
		d["__next"] = next
	}
	if m := s.takeMessage(); m != "" {
		w.Header().Set("sap-message", m)
	}
	writeJSON(w, http.StatusOK, map[string]any{"d": d})
}

func (s *Server) badRequestCode() string {
	if s.cfg.Product == SuccessFactors {
		return "COE_GENERAL_BAD_REQUEST"
	}
	return "/IWBEP/CM_MGW_RT/022"
}

func nonNeg(v string) (int, error) {
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("not a non-negative integer")
	}
	return n, nil
}

func selectList(v string) []string {
	if v == "" {
		return nil
	}
	return strings.Split(v, ",")
}

// query filters, dates and sorts the rows of st.
func (s *Server) query(st *set, q url.Values) ([]kit.Record, error) {
	t := s.Store.Table(st.Name)
	var keep expr
	if f := q.Get("$filter"); f != "" {
		e, err := parseFilter(f, st.column)
		if err != nil {
			return nil, err
		}
		keep = e
	}
	from, to, err := s.effectiveRange(st, q)
	if err != nil {
		return nil, err
	}
	var ferr error
	idx := t.Find(func(r kit.Record) bool {
		if st.Effective {
			sd, _ := r["startDate"].(time.Time)
			ed, ok := r["endDate"].(time.Time)
			if !ok {
				ed = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
			}
			if sd.After(to) || ed.Before(from) {
				return false
			}
		}
		if keep == nil {
			return true
		}
		ok, err := truth(keep, func(k string) (any, bool) { v, ok := r[k]; return v, ok })
		if err != nil {
			ferr = err
			return false
		}
		return ok
	})
	if ferr != nil {
		return nil, ferr
	}
	rows := make([]kit.Record, len(idx))
	for i, j := range idx {
		rows[i] = t.At(j)
	}
	if ob := q.Get("$orderby"); ob != "" {
		var keys []struct {
			name string
			desc bool
		}
		for _, part := range strings.Split(ob, ",") {
			f := strings.Fields(part)
			if len(f) == 0 || len(f) > 2 {
				return nil, fmt.Errorf("bad $orderby")
			}
			if _, ok := st.column(f[0]); !ok {
				return nil, fmt.Errorf("property %s not found", f[0])
			}
			keys = append(keys, struct {
				name string
				desc bool
			}{f[0], len(f) == 2 && f[1] == "desc"})
		}
		sort.SliceStable(rows, func(i, j int) bool {
			for _, k := range keys {
				a, b := rows[i][k.name], rows[j][k.name]
				if a == nil || b == nil {
					continue
				}
				c, _ := cmpValues(a, b)
				if c != 0 {
					return (c < 0) != k.desc
				}
			}
			return false
		})
	}
	return rows, nil
}

// effectiveRange is the date range an effective-dated read covers:
// asOfDate (default today), or fromDate/toDate.
func (s *Server) effectiveRange(st *set, q url.Values) (time.Time, time.Time, error) {
	parse := func(k string) (time.Time, bool, error) {
		v := q.Get(k)
		if v == "" {
			return time.Time{}, false, nil
		}
		t, err := time.Parse(time.DateOnly, v)
		if err != nil {
			return time.Time{}, false, fmt.Errorf("invalid %s %q", k, v)
		}
		return t, true, nil
	}
	asOf, hasAsOf, err := parse("asOfDate")
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	from, hasFrom, err := parse("fromDate")
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	to, hasTo, err := parse("toDate")
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	switch {
	case hasAsOf && (hasFrom || hasTo):
		return time.Time{}, time.Time{}, fmt.Errorf("asOfDate cannot be combined with fromDate/toDate")
	case hasFrom || hasTo:
		if !hasFrom {
			from = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
		}
		if !hasTo {
			to = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
		}
		return from, to, nil
	case hasAsOf:
		return asOf, asOf, nil
	}
	today := s.Today()
	return today, today, nil
}

// entity writes one stored row in OData v2 JSON: __metadata first, then
// the selected properties in their wire form, then navigation properties
// (expanded: {"results":[...]} or an object; otherwise __deferred).
func (s *Server) entity(st *set, row kit.Record, sel, expand []string, lookup func(string) *set, path string) map[string]any {
	uri := s.Origin + s.Base + s.entityPath(st, path) + "(" + s.keyPredicate(st, row) + ")"
	out := map[string]any{"__metadata": map[string]any{"uri": uri, "type": s.typeName(st)}}
	if s.cfg.Product == S4HANA {
		out["__metadata"].(map[string]any)["id"] = uri
	}
	want := func(name string) bool {
		if len(sel) == 0 {
			return true
		}
		for _, x := range sel {
			if x == name || strings.HasPrefix(x, name+"/") {
				return true
			}
		}
		return false
	}
	for _, c := range st.Columns {
		if !want(c.Name) {
			continue
		}
		v, ok := row[c.Name]
		if !ok {
			v = nil
		}
		out[c.Name] = wireValue(c, v, s.cfg.NoOffset)
	}
	for _, n := range st.Navs {
		if !want(n.Name) && len(sel) > 0 {
			continue
		}
		expanded := false
		for _, e := range expand {
			if e == n.Name {
				expanded = true
			}
		}
		if !expanded {
			out[n.Name] = map[string]any{"__deferred": map[string]any{"uri": uri + "/" + n.Name}}
			continue
		}
		target := lookup(n.Target)
		if target == nil {
			continue
		}
		var sub []string
		for _, x := range sel {
			if rest, ok := strings.CutPrefix(x, n.Name+"/"); ok {
				sub = append(sub, rest)
			}
		}
		var related []any
		t := s.Store.Table(target.Name)
		for _, i := range t.Find(func(r kit.Record) bool { return r[n.To] != nil && r[n.To] == row[n.From] }) {
			related = append(related, s.entity(target, t.At(i), sub, nil, lookup, strings.Replace(path, st.Name, target.Name, 1)))
		}
		if n.ToMany {
			if related == nil {
				related = []any{}
			}
			out[n.Name] = map[string]any{"results": related}
		} else if len(related) > 0 {
			out[n.Name] = related[0]
		} else {
			out[n.Name] = nil
		}
	}
	return out
}

func (s *Server) entityPath(st *set, path string) string {
	if s.cfg.Product == SuccessFactors {
		return "/odata/v2/" + st.Name
	}
	svc, _, _ := strings.Cut(path, "/")
	return "/sap/opu/odata/sap/" + svc + "/" + st.Name
}

func (s *Server) typeName(st *set) string {
	if s.cfg.Product == SuccessFactors {
		return "SFOData." + st.Type
	}
	return "API_BUSINESS_PARTNER." + st.Type
}

func (s *Server) keyPredicate(st *set, row kit.Record) string {
	var parts []string
	for _, k := range st.Key {
		c, _ := st.column(k)
		lit := ""
		switch v := row[k].(type) {
		case string:
			lit = "'" + strings.ReplaceAll(v, "'", "''") + "'"
		case int64:
			lit = strconv.FormatInt(v, 10)
			if c.Type == "Edm.Int64" {
				lit += "L"
			}
		case time.Time:
			lit = "datetime'" + v.UTC().Format("2006-01-02T15:04:05") + "'"
		default:
			lit = fmt.Sprint(v)
		}
		if len(st.Key) == 1 {
			return lit
		}
		parts = append(parts, k+"="+lit)
	}
	return strings.Join(parts, ",")
}
