package sap

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/xlr8/connectors/internal/fake/kit"
)

// V4Path is where the S/4 fake serves its OData v4 service (RAP's
// /sap/opu/odata4/{group}/srvd_a2x/sap/{service}/{version}/), over the same
// business partner data as the v2 API_BUSINESS_PARTNER.
const V4Path = "sap/api_business_partner/srvd_a2x/sap/businesspartner/0001"

const v4Namespace = "com.sap.gateway.srvd_a2x.api_business_partner.v0001"

// serveV4 answers $metadata (EDMX 4.0), the service document, entity-set
// reads in OData v4 JSON: {"@odata.context","@odata.count","value":[...]},
// numbers as JSON numbers, Edm.Date as 2006-01-02, Edm.DateTimeOffset as
// RFC 3339, $count, $top, $skip, $filter, $select, $orderby; and writes
// (v4write.go).
func (s *Server) serveV4(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.PathValue("rest"), V4Path+"/")
	if !ok {
		s.odataV4Error(w, http.StatusNotFound, "/IWBEP/CM_V4_RUNTIME/021", "Service not found", "")
		return
	}
	if r.Method == http.MethodHead && s.cfg.RefuseHEAD {
		w.WriteHeader(http.StatusMethodNotAllowed)
		return
	}
	if (r.Method == http.MethodGet || r.Method == http.MethodHead) && strings.EqualFold(r.Header.Get("X-CSRF-Token"), "Fetch") {
		s.issueCSRF(w)
	}
	switch {
	case rest == "" && r.Method == http.MethodHead:
		w.WriteHeader(http.StatusOK)
		return
	case rest == "" && r.Method == http.MethodGet:
		value := make([]any, 0, len(s.v4sets))
		for _, st := range s.v4sets {
			value = append(value, map[string]any{"name": st.Name, "url": st.Name})
		}
		w.Header().Set("OData-Version", "4.0")
		kit.JSON(w, http.StatusOK, "application/json;odata.metadata=minimal;charset=utf-8", map[string]any{"@odata.context": "$metadata", "value": value})
		return
	case rest == "$metadata":
		s.writeXML(w, metadataV4(s.v4sets))
		return
	case rest == "$batch" && r.Method == http.MethodPost:
		if s.checkCSRF(w, r) {
			s.serveBatch(w, r, s.v4Batch())
		}
		return
	case r.Method == http.MethodPost || r.Method == http.MethodPatch || r.Method == http.MethodPut || r.Method == http.MethodDelete:
		s.serveV4Write(w, r)
		return
	case r.Method != http.MethodGet:
		s.odataV4Error(w, http.StatusMethodNotAllowed, "/IWBEP/CM_V4_RUNTIME/011", "Method not allowed", "")
		return
	}
	if name, keyText, hasKey := strings.Cut(rest, "("); hasKey && s.v4Set(name) != nil {
		s.serveV4Entity(w, r, s.v4Set(name), keyText)
		return
	}
	st := s.v4Set(rest)
	if st == nil {
		s.odataV4Error(w, http.StatusNotFound, "/IWBEP/CM_V4_RUNTIME/020", "Resource not found for segment '"+rest+"'", "")
		return
	}
	q := r.URL.Query()
	rows, err := s.query(st, q)
	if err != nil {
		s.odataV4Error(w, http.StatusBadRequest, "/IWBEP/CM_V4_RUNTIME/022", err.Error(), "")
		return
	}
	skip, err1 := nonNeg(q.Get("$skip"))
	top, err2 := nonNeg(q.Get("$top"))
	if err1 != nil || err2 != nil {
		s.odataV4Error(w, http.StatusBadRequest, "/IWBEP/CM_V4_RUNTIME/022", "Invalid $skip or $top", "")
		return
	}
	start := min(skip, len(rows))
	end := len(rows)
	if q.Has("$top") {
		end = min(start+top, end)
	}
	sel := selectList(q.Get("$select"))
	value := make([]any, 0, end-start)
	for _, row := range rows[start:end] {
		value = append(value, v4Entity(st, row, sel))
	}
	body := map[string]any{"@odata.context": "$metadata#" + st.Name, "value": value}
	if q.Get("$count") == "true" {
		body["@odata.count"] = s.Advertise(len(rows))
	}
	w.Header().Set("OData-Version", "4.0")
	kit.JSON(w, http.StatusOK, "application/json;odata.metadata=minimal;charset=utf-8", body)
}

// serveV4Entity answers GET {set}(key): the entity in v4 JSON with its
// @odata.context and ETag, or 404. keyText is the predicate's inside and
// its ")" (PathValue has it percent-decoded: it is escaped again for
// parseV4Key).
func (s *Server) serveV4Entity(w http.ResponseWriter, r *http.Request, st *set, keyText string) {
	inside, ok := strings.CutSuffix(keyText, ")")
	var key kit.Record
	var err error
	if ok {
		key, err = parseV4Key(st, url.PathEscape(inside))
	}
	if !ok || err != nil {
		s.odataV4Error(w, http.StatusBadRequest, "/IWBEP/CM_V4_RUNTIME/025", "Invalid key predicate", "")
		return
	}
	t := s.Store.Table(st.Name)
	idx := t.Find(func(x kit.Record) bool { return sameKey(st, x, key) })
	if len(idx) == 0 {
		s.odataV4Error(w, http.StatusNotFound, "/IWBEP/CM_V4_RUNTIME/020", "The entity "+st.Name+"("+inside+") does not exist", "")
		return
	}
	e := v4Entity(st, t.At(idx[0]), selectList(r.URL.Query().Get("$select")))
	e["@odata.context"] = "$metadata#" + st.Name + "/$entity"
	w.Header().Set("OData-Version", "4.0")
	w.Header().Set("ETag", v4ETag(t.At(idx[0])))
	kit.JSON(w, http.StatusOK, "application/json;odata.metadata=minimal;charset=utf-8", e)
}

// v4Set is the v4 service's entity set of that name, or nil.
func (s *Server) v4Set(name string) *set {
	for _, st := range s.v4sets {
		if st.Name == name {
			return st
		}
	}
	return nil
}

// v4Entity writes a stored row in OData v4 JSON, its ETag as @odata.etag.
func v4Entity(st *set, row kit.Record, sel []string) map[string]any {
	e := map[string]any{"@odata.etag": v4ETag(row)}
	for _, c := range st.Columns {
		if len(sel) > 0 && !contains(sel, c.Name) {
			continue
		}
		e[c.Name] = wireV4(c, row[c.Name])
	}
	return e
}

// v4ETag is a row's weak ETag, from its version (a write raises it).
func v4ETag(row kit.Record) string {
	n, _ := row[versionField].(int)
	return fmt.Sprintf(`W/"%d"`, n+1)
}

// versionField is where a row keeps its version, beside its columns.
const versionField = "__version"

// v4Type is a column's type in the v4 service: v2's Edm.DateTime becomes
// Edm.Date (a date-only one) or Edm.DateTimeOffset.
func v4Type(c column) string {
	switch {
	case c.DateOnly:
		return "Edm.Date"
	case c.Type == "Edm.DateTime":
		return "Edm.DateTimeOffset"
	}
	return c.Type
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func wireV4(c column, v any) any {
	switch x := v.(type) {
	case time.Time:
		if v4Type(c) == "Edm.Date" {
			return x.UTC().Format(time.DateOnly)
		}
		return x.UTC().Format(time.RFC3339Nano)
	case int64, float64:
		return x
	}
	return v
}

// odataV4Error writes the OData v4 JSON error body (OData v4.0 JSON Format
// section 19): code, message (a plain string), target, details.
func (s *Server) odataV4Error(w http.ResponseWriter, status int, code, msg, target string) {
	w.Header().Set("OData-Version", "4.0")
	kit.JSON(w, status, "application/json;charset=utf-8", map[string]any{"error": map[string]any{
		"code": code, "message": msg, "target": target,
		"details": []any{map[string]any{"code": code, "message": msg, "target": target, "@Core.severity": "error"}}}})
}

// metadataV4 writes an EDMX 4.0 document for sets: key and non-nullable
// properties with Nullable="false", navigation properties typed by their
// target, and Core.OptimisticConcurrency on the sets that demand If-Match.
func metadataV4(sets []*set) string {
	types := map[string]string{}
	for _, st := range sets {
		types[st.Name] = st.Type
	}
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?><edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">`)
	b.WriteString(`<edmx:Reference Uri="https://oasis-tcs.github.io/odata-vocabularies/vocabularies/Org.OData.Core.V1.xml"><edmx:Include Namespace="Org.OData.Core.V1" Alias="Core"/></edmx:Reference>`)
	b.WriteString(`<edmx:DataServices>`)
	fmt.Fprintf(&b, `<Schema Namespace="%s" Alias="SAP__self" xmlns="http://docs.oasis-open.org/odata/ns/edm">`, v4Namespace)
	for _, st := range sets {
		fmt.Fprintf(&b, `<EntityType Name="%s"><Key>`, st.Type)
		for _, k := range st.Key {
			fmt.Fprintf(&b, `<PropertyRef Name="%s"/>`, k)
		}
		b.WriteString(`</Key>`)
		for _, c := range st.Columns {
			nullable := ""
			if c.NotNull || contains(st.Key, c.Name) {
				nullable = ` Nullable="false"`
			}
			fmt.Fprintf(&b, `<Property Name="%s" Type="%s"%s><Annotation Term="SAP__common.Label" String="%s"/></Property>`, c.Name, v4Type(c), nullable, c.Label)
		}
		for _, n := range st.Navs {
			typ := "SAP__self." + types[n.Target]
			if n.ToMany {
				typ = "Collection(" + typ + ")"
			}
			fmt.Fprintf(&b, `<NavigationProperty Name="%s" Type="%s"/>`, n.Name, typ)
		}
		b.WriteString(`</EntityType>`)
	}
	b.WriteString(`<EntityContainer Name="Container">`)
	for _, st := range sets {
		fmt.Fprintf(&b, `<EntitySet Name="%s" EntityType="SAP__self.%s">`, st.Name, st.Type)
		if st.Concurrency {
			b.WriteString(`<Annotation Term="Core.OptimisticConcurrency"><Collection/></Annotation>`)
		}
		b.WriteString(`</EntitySet>`)
	}
	b.WriteString(`</EntityContainer></Schema></edmx:DataServices></edmx:Edmx>`)
	return b.String()
}
