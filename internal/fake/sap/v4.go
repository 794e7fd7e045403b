package sap

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/xlr8/connectors/internal/fake/kit"
)

// V4Path is where the S/4 fake serves its OData v4 service (RAP's
// /sap/opu/odata4/{group}/srvd_a2x/sap/{service}/{version}/), over the same
// business partner data as the v2 API_BUSINESS_PARTNER.
const V4Path = "sap/api_business_partner/srvd_a2x/sap/businesspartner/0001"

const v4Namespace = "com.sap.gateway.srvd_a2x.api_business_partner.v0001"

// serveV4 answers $metadata (EDMX 4.0) and entity-set reads in OData v4
// JSON: {"@odata.context","@odata.count","value":[...]}, numbers as JSON
// numbers, Edm.Date as 2006-01-02, Edm.DateTimeOffset as RFC 3339, $count,
// $top, $skip, $filter, $select, $orderby.
func (s *Server) serveV4(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.PathValue("rest"), V4Path+"/")
	if !ok {
		s.odataV4Error(w, http.StatusNotFound, "/IWBEP/CM_V4_RUNTIME/021", "Service not found")
		return
	}
	sets := s.services["API_BUSINESS_PARTNER"]
	if (r.Method == http.MethodGet || r.Method == http.MethodHead) && strings.EqualFold(r.Header.Get("X-CSRF-Token"), "Fetch") {
		s.issueCSRF(w)
	}
	switch {
	case rest == "" && r.Method == http.MethodHead:
		w.WriteHeader(http.StatusOK)
		return
	case rest == "$metadata":
		s.writeXML(w, metadataV4(sets[:2]))
		return
	case r.Method != http.MethodGet:
		s.odataV4Error(w, http.StatusMethodNotAllowed, "/IWBEP/CM_V4_RUNTIME/011", "Method not allowed")
		return
	}
	st := s.sets["API_BUSINESS_PARTNER/"+rest]
	if st == nil || (rest != "A_BusinessPartner" && rest != "A_BusinessPartnerAddress") {
		s.odataV4Error(w, http.StatusNotFound, "/IWBEP/CM_V4_RUNTIME/020", "Resource not found for segment '"+rest+"'")
		return
	}
	q := r.URL.Query()
	rows, err := s.query(st, q)
	if err != nil {
		s.odataV4Error(w, http.StatusBadRequest, "/IWBEP/CM_V4_RUNTIME/022", err.Error())
		return
	}
	skip, err1 := nonNeg(q.Get("$skip"))
	top, err2 := nonNeg(q.Get("$top"))
	if err1 != nil || err2 != nil {
		s.odataV4Error(w, http.StatusBadRequest, "/IWBEP/CM_V4_RUNTIME/022", "Invalid $skip or $top")
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
		e := map[string]any{"@odata.etag": fmt.Sprintf(`W/"%d"`, len(row))}
		for _, c := range st.Columns {
			if len(sel) > 0 && !contains(sel, c.Name) {
				continue
			}
			e[c.Name] = wireV4(c, row[c.Name])
		}
		value = append(value, e)
	}
	body := map[string]any{"@odata.context": "$metadata#" + st.Name, "value": value}
	if q.Get("$count") == "true" {
		body["@odata.count"] = s.Advertise(len(rows))
	}
	w.Header().Set("OData-Version", "4.0")
	kit.JSON(w, http.StatusOK, "application/json;odata.metadata=minimal;charset=utf-8", body)
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
		if c.DateOnly {
			return x.UTC().Format(time.DateOnly)
		}
		return x.UTC().Format(time.RFC3339Nano)
	case int64, float64:
		return x
	}
	return v
}

func (s *Server) odataV4Error(w http.ResponseWriter, status int, code, msg string) {
	kit.JSON(w, status, "application/json;charset=utf-8", map[string]any{"error": map[string]any{
		"code": code, "message": msg, "details": []any{map[string]any{"code": code, "message": msg, "target": "", "@Core.severity": "error"}}}})
}

// metadataV4 writes an EDMX 4.0 document for sets.
func metadataV4(sets []*set) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?><edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices>`)
	fmt.Fprintf(&b, `<Schema Namespace="%s" Alias="SAP__self" xmlns="http://docs.oasis-open.org/odata/ns/edm">`, v4Namespace)
	for _, st := range sets {
		fmt.Fprintf(&b, `<EntityType Name="%s"><Key>`, st.Type)
		for _, k := range st.Key {
			fmt.Fprintf(&b, `<PropertyRef Name="%s"/>`, k)
		}
		b.WriteString(`</Key>`)
		for _, c := range st.Columns {
			typ := c.Type
			switch {
			case c.DateOnly:
				typ = "Edm.Date"
			case typ == "Edm.DateTime":
				typ = "Edm.DateTimeOffset"
			}
			fmt.Fprintf(&b, `<Property Name="%s" Type="%s"><Annotation Term="SAP__common.Label" String="%s"/></Property>`, c.Name, typ, c.Label)
		}
		for _, n := range st.Navs {
			fmt.Fprintf(&b, `<NavigationProperty Name="%s" Type="Collection(SAP__self.%s)"/>`, n.Name, "A_BusinessPartnerAddressType")
		}
		b.WriteString(`</EntityType>`)
	}
	b.WriteString(`<EntityContainer Name="Container">`)
	for _, st := range sets {
		fmt.Fprintf(&b, `<EntitySet Name="%s" EntityType="SAP__self.%s"/>`, st.Name, st.Type)
	}
	b.WriteString(`</EntityContainer></Schema></edmx:DataServices></edmx:Edmx>`)
	return b.String()
}
