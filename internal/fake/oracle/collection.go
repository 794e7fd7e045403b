package oracle

import (
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xlr8/connectors/internal/fake/kit"
)

// Error codes the fake writes in o:errorCode. ADF's JBO codes; which code
// a pod sends for each case is assumed, not documented.
const (
	codeBadQuery    = "JBO-25058" // q=, fields=, orderBy= or finder names what the resource lacks
	codeBadParam    = "JBO-27594" // a malformed parameter value
	codeNotFound    = "JBO-25020" // no such row
	codeBadPayload  = "JBO-27024" // an action or create payload is invalid
	collectionType  = "application/vnd.oracle.adf.resourcecollection+json"
	itemType        = "application/vnd.oracle.adf.resourceitem+json"
	descriptionType = "application/vnd.oracle.adf.description+json"
	openEnded       = "4712-12-31"
	keyPrefix       = "00020000000EACED0005770800"
)

// get serves GET {service}/resources/{version}/{resource}[/describe |
// /{key}].
func (s *Server) get(w http.ResponseWriter, r *http.Request) {
	if v := r.PathValue("version"); v != Version && v != "latest" {
		s.fail(w, r, http.StatusNotFound, codeNotFound, "The requested version "+v+" does not exist.")
		return
	}
	s.mu.Lock()
	s.urls = append(s.urls, r.URL.RequestURI())
	s.mu.Unlock()
	service := strings.SplitN(strings.TrimPrefix(s.Path(r), "/"), "/", 2)[0]
	parts := splitPath(r.PathValue("path"))
	if len(parts) == 0 {
		s.fail(w, r, http.StatusNotFound, codeNotFound, "A resource name is required.")
		return
	}
	res := s.resources[parts[0]]
	if res == nil || res.service != service {
		s.fail(w, r, http.StatusNotFound, codeNotFound, "The requested resource "+parts[0]+" does not exist.")
		return
	}
	switch {
	case len(parts) == 1 && res.name == "erpintegrations":
		s.essFinder(w, r)
	case len(parts) == 1:
		s.count("collection")
		s.collection(w, r, res)
	case len(parts) == 2 && parts[1] == "describe":
		s.count("describe")
		kit.JSON(w, http.StatusOK, descriptionType, map[string]any{"Resources": map[string]any{res.name: s.describe(res, r)}})
	case len(parts) == 2:
		s.count("item")
		s.item(w, r, res, parts[1])
	case len(parts)%3 == 1 && parts[2] == "child":
		s.count("child")
		s.childCollection(w, r, res, parts[1:])
	default:
		s.fail(w, r, http.StatusNotFound, codeNotFound, "The requested path does not exist.")
	}
}

// request is a collection request's parameters, read once.
type request struct {
	res       *resource
	version   int
	onlyData  bool
	links     map[string]bool // the links= relations asked for; nil: all
	asOf      time.Time
	sel       *selection
	where     cond
	finderVar map[string]string
}

// selection says what of an item to render: its attributes (nil: all) and
// its expanded children.
type selection struct {
	attrs    []string
	children map[string]*selection
}

func (s *Server) collection(w http.ResponseWriter, r *http.Request, res *resource) {
	q := query(r)
	req, status, code, msg := s.parse(r, res)
	if status != 0 {
		s.fail(w, r, status, code, msg)
		return
	}
	tab := s.Store.Table(res.name)
	var rows []int
	onlyPaging := true
	for k := range req.finderVar {
		onlyPaging = onlyPaging && (k == "limit" || k == "offset")
	}
	if req.where == nil && !res.dateEffective && onlyPaging && !tab.HasDeleted() {
		// Nothing to filter: every row, without generating any (a
		// benchmark's pod computes only the rows a page shows).
		rows = make([]int, tab.Len())
		for i := range rows {
			rows[i] = i
		}
	} else {
		rows = tab.Find(func(row kit.Record) bool {
			return effective(row, req.asOf) && (req.where == nil || req.where.eval(row)) && finderMatch(res, req.finderVar, row)
		})
	}
	if ob := q.Get("orderBy"); ob != "" {
		keys, err := orderKeys(res, ob)
		if err != nil {
			s.fail(w, r, http.StatusBadRequest, codeBadQuery, err.Error())
			return
		}
		slices.SortStableFunc(rows, func(i, j int) int { return compareRows(keys, tab.At(i), tab.At(j)) })
	}
	paging := q
	if res.finderOnly {
		// Finder-based resources page inside the finder and ignore the
		// top-level offset.
		paging = url.Values{"limit": {req.finderVar["limit"]}, "offset": {req.finderVar["offset"]}}
	}
	win, err := kit.Offset{OffsetParam: "offset", LimitParam: "limit", Default: s.cfg.PageSize, Max: s.cfg.MaxPage}.Window(paging, len(rows))
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, codeBadParam, err.Error())
		return
	}
	s.mu.Lock()
	deep := s.deepFail && (q.Get("expand") == "all" || strings.Contains(q.Get("expand"), "."))
	s.mu.Unlock()
	items := make([]any, 0, win.Len())
	for _, i := range rows[win.Start:win.End] {
		items = append(items, s.render(req, res, req.sel, tab.At(i), s.itemHref(res, tab.At(i))))
	}
	body := map[string]any{"items": items, "count": len(items), "hasMore": win.More(), "limit": win.Size, "offset": win.Start,
		"links": req.keep([]any{link("self", s.Link(kit.Absolute, "/"+res.service+"/resources/"+Version+"/"+res.name, nil), res.name, "collection")})}
	if q.Get("totalResults") == "true" {
		body["totalResults"] = s.Advertise(win.N)
	}
	if deep && len(items) > 0 {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		fmt.Fprintf(w, `{"items":[{"%s":%v,"workRelationships":{"items":[{"assignments":`+
			`Too many objects match the primary key oracle.jbo.Key[%v ].`, res.key, tab.At(rows[win.Start])[res.key], tab.At(rows[win.Start])[res.key])
		return
	}
	kit.JSON(w, http.StatusOK, collectionType, body)
}

// parse reads q, finder, fields, expand, onlyData and effectiveDate.
func (s *Server) parse(r *http.Request, res *resource) (*request, int, string, string) {
	q := query(r)
	req := &request{res: res, version: s.framework(r), onlyData: q.Get("onlyData") == "true", asOf: s.cfg.Now().UTC()}
	if l, ok := q["links"]; ok {
		req.links = map[string]bool{}
		for _, rel := range strings.Split(l[0], ",") {
			req.links[rel] = true
		}
	}
	if d := q.Get("effectiveDate"); d != "" {
		t, err := time.Parse(time.DateOnly, d)
		if err != nil {
			return nil, http.StatusBadRequest, codeBadParam, "The effectiveDate " + d + " is not a date in yyyy-MM-dd format."
		}
		req.asOf = t
	}
	if src := q.Get("q"); src != "" {
		var err error
		if req.version < 2 {
			req.where, err = parseQBE(res, src)
		} else {
			req.where, err = parseQ(res, src)
		}
		if err != nil {
			return nil, http.StatusBadRequest, codeBadQuery, "The query parameter q is invalid: " + err.Error()
		}
	}
	if f := q.Get("finder"); f != "" {
		name, vars, _ := strings.Cut(f, ";")
		if name != res.finder {
			return nil, http.StatusBadRequest, codeBadQuery, "The finder " + name + " is not defined on " + res.name + "."
		}
		req.finderVar = map[string]string{}
		for _, kv := range strings.Split(vars, ",") {
			k, v, ok := strings.Cut(kv, "=")
			if !ok || (k != "limit" && k != "offset" && res.attr(k) == nil) {
				return nil, http.StatusBadRequest, codeBadQuery, "The finder variable " + kv + " is not defined on " + name + "."
			}
			req.finderVar[k] = v
		}
	}
	var err error
	if fs, ok := q["fields"]; ok {
		req.sel, err = fieldsSel(res, fs[0])
	} else {
		req.sel, err = expandSel(res, q.Get("expand"))
	}
	if err != nil {
		return nil, http.StatusBadRequest, codeBadQuery, err.Error()
	}
	return req, 0, "", ""
}

// parseQBE reads framework version 1's query-by-example q: Attr=value
// pairs joined by ';', * as a wildcard, values unquoted.
func parseQBE(res *resource, src string) (cond, error) {
	var list andQ
	for _, part := range strings.Split(src, ";") {
		k, v, ok := strings.Cut(part, "=")
		at := res.attr(k)
		if !ok || at == nil {
			return nil, fmt.Errorf("%q is not an attribute of %s", k, res.name)
		}
		if strings.Contains(v, "*") {
			list = append(list, cmpQ{at: at, op: "like", vals: []any{v}})
			continue
		}
		var lit any = v
		if at.typ == "integer" || at.typ == "number" {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return nil, fmt.Errorf("%q is not a number", v)
			}
			lit = f
		}
		list = append(list, cmpQ{at: at, op: "=", vals: []any{lit}})
	}
	return list, nil
}

// finderMatch applies a finder's variables other than its paging ones:
// each names an attribute that must equal it.
func finderMatch(res *resource, vars map[string]string, row kit.Record) bool {
	for k, v := range vars {
		if k == "limit" || k == "offset" {
			continue
		}
		if fmt.Sprint(row[k]) != v {
			return false
		}
	}
	return true
}

// effective reports whether a date-effective row is in force on day d.
func effective(row kit.Record, d time.Time) bool {
	start, ok1 := row["EffectiveStartDate"].(string)
	end, ok2 := row["EffectiveEndDate"].(string)
	if !ok1 || !ok2 {
		return true
	}
	day := d.Format(time.DateOnly)
	return start <= day && day <= end
}

type orderKey struct {
	at   *attr
	desc bool
}

func orderKeys(res *resource, src string) ([]orderKey, error) {
	var keys []orderKey
	for _, item := range strings.Split(src, ",") {
		name, dir, _ := strings.Cut(item, ":")
		at := res.attr(name)
		if at == nil {
			return nil, wireErrorf("The orderBy attribute %s is not defined on %s.", name, res.name)
		}
		if dir != "" && dir != "asc" && dir != "desc" {
			return nil, wireErrorf("The orderBy direction %s is not asc or desc.", dir)
		}
		keys = append(keys, orderKey{at: at, desc: dir == "desc"})
	}
	return keys, nil
}

func compareRows(keys []orderKey, a, b kit.Record) int {
	for _, k := range keys {
		va, vb := a[k.at.name], b[k.at.name]
		c := 0
		switch {
		case va == nil && vb == nil:
		case va == nil:
			c = 1 // nulls last ascending
		case vb == nil:
			c = -1
		default:
			c, _ = compareQ(k.at.typ, va, vb)
		}
		if k.desc {
			c = -c
		}
		if c != 0 {
			return c
		}
	}
	return 0
}

// fieldsSel reads fields=A,B;child:X,Y;child.grand:Z. Children named get
// rendered with their listed attributes.
func fieldsSel(res *resource, src string) (*selection, error) {
	root := &selection{attrs: []string{}, children: map[string]*selection{}}
	for i, group := range strings.Split(src, ";") {
		path, attrs := "", group
		if c, list, ok := strings.Cut(group, ":"); ok {
			path, attrs = c, list
		} else if i > 0 && group != "" {
			return nil, wireErrorf("The fields group %q names no child.", group)
		}
		sel, r, err := descend(res, root, path)
		if err != nil {
			return nil, err
		}
		sel.attrs = []string{}
		for _, a := range strings.Split(attrs, ",") {
			if a == "" {
				continue
			}
			if r.attr(a) == nil {
				return nil, wireErrorf("The field %s is not defined on %s.", a, r.name)
			}
			sel.attrs = append(sel.attrs, a)
		}
	}
	return root, nil
}

// expandSel reads expand=child,child.grand or expand=all.
func expandSel(res *resource, src string) (*selection, error) {
	root := &selection{children: map[string]*selection{}}
	if src == "" {
		return root, nil
	}
	if src == "all" {
		var all func(r *resource, s *selection)
		all = func(r *resource, s *selection) {
			for _, c := range r.children {
				cs := &selection{children: map[string]*selection{}}
				s.children[c.name] = cs
				all(c, cs)
			}
		}
		all(res, root)
		return root, nil
	}
	for _, path := range strings.Split(src, ",") {
		if _, _, err := descend(res, root, path); err != nil {
			return nil, err
		}
	}
	return root, nil
}

// descend walks (creating) the selection for a dotted child path.
func descend(res *resource, root *selection, path string) (*selection, *resource, error) {
	sel, r := root, res
	if path == "" {
		return sel, r, nil
	}
	for _, name := range strings.Split(path, ".") {
		c := r.child(name)
		if c == nil {
			return nil, nil, wireErrorf("The child %s is not defined on %s.", name, r.name)
		}
		next := sel.children[name]
		if next == nil {
			next = &selection{children: map[string]*selection{}}
			sel.children[name] = next
		}
		sel, r = next, c
	}
	return sel, r, nil
}

// render writes one item: its selected attributes, its expanded children
// (bare arrays before framework version 3, collections from it), and its
// links unless onlyData.
func (s *Server) render(req *request, res *resource, sel *selection, row kit.Record, href string) map[string]any {
	out := make(map[string]any, len(res.attrs)+2)
	if sel.attrs == nil {
		for _, at := range res.attrs {
			out[at.name] = row[at.name]
		}
	} else {
		for _, a := range sel.attrs {
			out[a] = row[a]
		}
	}
	var links []any
	if !req.onlyData {
		links = append(links, link("self", href, res.name, "item"), link("canonical", href, res.name, "item"))
	}
	for _, c := range res.children {
		chref := href + "/child/" + c.name
		cs := sel.children[c.name]
		if cs == nil {
			if !req.onlyData {
				links = append(links, link("child", chref, c.name, "collection"))
			}
			continue
		}
		rows, _ := row[c.name].([]any)
		items := []any{}
		for _, cr := range rows {
			m, ok := cr.(map[string]any)
			if !ok || !effective(m, req.asOf) {
				continue
			}
			items = append(items, s.render(req, c, cs, m, chref+"/"+itemKey(m[c.key])))
		}
		if req.version < 3 {
			out[c.name] = items
			continue
		}
		// From version 3 an expanded child is a collection paged like any
		// other: its first page, hasMore, and (unless onlyData) its own
		// self link, where the rest is read with limit and offset.
		size := s.cfg.ChildPageSize
		more := len(items) > size
		if more {
			items = items[:size]
		}
		coll := map[string]any{"items": items, "count": len(items), "hasMore": more, "limit": size, "offset": 0}
		if !req.onlyData {
			coll["links"] = req.keep([]any{link("self", s.childLink(chref), c.name, "collection")})
		}
		out[c.name] = coll
	}
	if !req.onlyData {
		out["links"] = req.keep(links)
	}
	return out
}

// keep filters links to the relations links= asked for.
func (req *request) keep(links []any) []any {
	if req.links == nil {
		return links
	}
	out := []any{}
	for _, l := range links {
		if req.links[l.(map[string]any)["rel"].(string)] {
			out = append(out, l)
		}
	}
	return out
}

// childLink is an expanded child collection's self link, moved to another
// host when LinkChildrenTo says so.
func (s *Server) childLink(href string) string {
	s.mu.Lock()
	host := s.childHost
	s.mu.Unlock()
	if host == "" {
		return href
	}
	u, err := url.Parse(href)
	if err != nil {
		return href
	}
	u.Host = host
	return u.String()
}

// childCollection serves GET {resource}/{key}/child/{name}[/{key}/child/{name}...]:
// a child collection addressed under its parent's item key (taken from
// the parent's links), paged by limit and offset like any collection,
// with expand, fields, onlyData, links and effectiveDate.
func (s *Server) childCollection(w http.ResponseWriter, r *http.Request, top *resource, path []string) {
	q := query(r)
	asOf := s.cfg.Now().UTC()
	if d := q.Get("effectiveDate"); d != "" {
		t, err := time.Parse(time.DateOnly, d)
		if err != nil {
			s.fail(w, r, http.StatusBadRequest, codeBadParam, "The effectiveDate "+d+" is not a date in yyyy-MM-dd format.")
			return
		}
		asOf = t
	}
	tab := s.Store.Table(top.name)
	var row kit.Record
	for _, i := range tab.Find(func(rw kit.Record) bool { return itemKey(rw[top.key]) == path[0] && effective(rw, asOf) }) {
		row = tab.At(i)
		break
	}
	if row == nil {
		s.fail(w, r, http.StatusNotFound, codeNotFound, "The requested resource item does not exist.")
		return
	}
	res := top
	href := s.itemHref(top, row)
	var rows []map[string]any
	for i := 0; i+2 < len(path); i += 3 {
		if i > 0 {
			var found map[string]any
			for _, m := range rows {
				if itemKey(m[res.key]) == path[i] {
					found = m
					break
				}
			}
			if found == nil {
				s.fail(w, r, http.StatusNotFound, codeNotFound, "The requested resource item does not exist.")
				return
			}
			row = found
			href += "/" + path[i]
		}
		if path[i+1] != "child" {
			s.fail(w, r, http.StatusNotFound, codeNotFound, "The requested path does not exist.")
			return
		}
		c := res.child(path[i+2])
		if c == nil {
			s.fail(w, r, http.StatusNotFound, codeNotFound, "The child "+path[i+2]+" is not defined on "+res.name+".")
			return
		}
		res, href = c, href+"/child/"+c.name
		rows = rows[:0]
		list, _ := row[c.name].([]any)
		for _, x := range list {
			if m, ok := x.(map[string]any); ok && effective(m, asOf) {
				rows = append(rows, m)
			}
		}
	}
	req, status, code, msg := s.parse(r, res)
	if status != 0 {
		s.fail(w, r, status, code, msg)
		return
	}
	req.asOf = asOf
	win, err := kit.Offset{OffsetParam: "offset", LimitParam: "limit", Default: s.cfg.PageSize, Max: s.cfg.MaxPage}.Window(q, len(rows))
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, codeBadParam, err.Error())
		return
	}
	s.mu.Lock()
	fault := s.childBad
	s.mu.Unlock()
	start, end := win.Start, win.End
	if fault == ChildRepeat {
		start, end = 0, win.End-win.Start
	}
	items := make([]any, 0, end-start)
	for _, m := range rows[start:end] {
		items = append(items, s.render(req, res, req.sel, m, href+"/"+itemKey(m[res.key])))
	}
	body := map[string]any{"items": items, "count": len(items), "hasMore": win.More(), "limit": win.Size, "offset": win.Start}
	if !req.onlyData {
		body["links"] = req.keep([]any{link("self", href, res.name, "collection")})
	}
	switch fault {
	case ChildNoHasMore:
		delete(body, "hasMore")
	case ChildNotJSON:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		fmt.Fprint(w, `{"items":[{"AssignmentNumber":"E1"`)
		return
	}
	kit.JSON(w, http.StatusOK, collectionType, body)
}

func link(rel, href, name, kind string) map[string]any {
	return map[string]any{"rel": rel, "href": href, "name": name, "kind": kind}
}

// itemKey is the opaque key in an item's URL (Fusion's hashed
// ...UniqID form: clients take it from links, never build it).
func itemKey(v any) string { return keyPrefix + hex.EncodeToString([]byte(fmt.Sprint(v))) }

func (s *Server) itemHref(res *resource, row kit.Record) string {
	return s.Link(kit.Absolute, "/"+res.service+"/resources/"+Version+"/"+res.name+"/"+itemKey(row[res.key]), nil)
}

// item serves one row by the key its links carry.
func (s *Server) item(w http.ResponseWriter, r *http.Request, res *resource, key string) {
	raw, err := hex.DecodeString(strings.TrimPrefix(key, keyPrefix))
	if err != nil || !strings.HasPrefix(key, keyPrefix) {
		s.fail(w, r, http.StatusNotFound, codeNotFound, "The requested resource item does not exist.")
		return
	}
	req, status, code, msg := s.parse(r, res)
	if status != 0 {
		s.fail(w, r, status, code, msg)
		return
	}
	tab := s.Store.Table(res.name)
	for _, i := range tab.Find(func(row kit.Record) bool { return fmt.Sprint(row[res.key]) == string(raw) && effective(row, req.asOf) }) {
		kit.JSON(w, http.StatusOK, itemType, s.render(req, res, req.sel, tab.At(i), s.itemHref(res, tab.At(i))))
		return
	}
	s.fail(w, r, http.StatusNotFound, codeNotFound, "The requested resource item does not exist.")
}

// describe is a resource's metadata: attributes with their types and
// whether q= may filter on them, the finders, and the children.
func (s *Server) describe(res *resource, r *http.Request) map[string]any {
	attrs := make([]any, 0, len(res.attrs))
	for _, at := range res.attrs {
		attrs = append(attrs, map[string]any{"name": at.name, "type": at.typ, "updatable": false, "mandatory": at.name == res.key,
			"queryable": at.queryable, "allowChanges": "never", "title": at.name})
	}
	finders := []any{map[string]any{"name": "PrimaryKey", "attributes": []any{map[string]any{"name": res.key, "type": res.attr(res.key).typ}}}}
	if res.finder != "" {
		finders = append(finders, map[string]any{"name": res.finder, "attributes": []any{}})
	}
	children := map[string]any{}
	for _, c := range res.children {
		children[c.name] = s.describe(c, r)
	}
	path := "/" + res.service + "/resources/" + Version + "/" + res.name
	return map[string]any{"discrColumnType": false, "title": res.title, "titlePlural": res.title, "attributes": attrs,
		"collection": map[string]any{"rangeSize": s.cfg.PageSize, "finders": finders,
			"actions": []any{map[string]any{"name": "get", "method": "GET", "responseType": []string{"application/json", collectionType}}}},
		"item":     map[string]any{"actions": []any{map[string]any{"name": "get", "method": "GET", "responseType": []string{"application/json", itemType}}}},
		"children": children,
		"links":    []any{link("describe", s.Link(kit.Absolute, path+"/describe", nil), res.name, "describe")}}
}
