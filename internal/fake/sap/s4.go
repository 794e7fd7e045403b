package sap

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/xlr8/connectors/internal/fake/kit"
)

// sessionCookie is the name of the S/4 fake's security session cookie
// (SAP_SESSIONID_<SID>_<client>).
const sessionCookie = "SAP_SESSIONID_FAK_100"

// bapiService is a custom Gateway service exposing a BAPI as a function
// import, the way customers publish BAPIs over OData.
const bapiService = "ZBAPI_USER_SRV"

type funcImport struct {
	Name, Method, Complex string
	Params                []struct{ Name, Type string }
	Fields                []string
}

func bapiFunctions() []funcImport {
	return []funcImport{{Name: "GetUserDetail", Method: "GET", Complex: "UserDetail",
		Params: []struct{ Name, Type string }{{"UserName", "Edm.String"}}, Fields: []string{"UserName", "FirstName", "LastName", "Email"}}}
}

// serveS4 serves /sap/opu/odata/sap/{SERVICE}/...
func (s *Server) serveS4(w http.ResponseWriter, r *http.Request) {
	svc, rest, _ := strings.Cut(r.PathValue("rest"), "/")
	sets, ok := s.services[svc]
	if !ok {
		s.odataError(w, http.StatusNotFound, "/IWFND/MED/170", "No service found for namespace '/SAP/', name '"+svc+"', version '0001'")
		return
	}
	if r.Method == http.MethodHead && s.cfg.RefuseHEAD {
		w.WriteHeader(http.StatusMethodNotAllowed)
		return
	}
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		if strings.EqualFold(r.Header.Get("X-CSRF-Token"), "Fetch") {
			s.issueCSRF(w)
		}
	}
	switch {
	case rest == "" && (r.Method == http.MethodGet || r.Method == http.MethodHead):
		if r.Method == http.MethodHead {
			w.WriteHeader(http.StatusOK)
			return
		}
		s.serviceDocument(w, sets)
		return
	case rest == "$metadata" && r.Method == http.MethodGet:
		s.writeXML(w, metadataGateway(svc, sets, s.funcs[svc]))
		return
	case rest == "$batch" && r.Method == http.MethodPost:
		if !s.checkCSRF(w, r) {
			return
		}
		s.serveBatch(w, r, s.v2Batch(svc))
		return
	}
	name, key, hasKey := strings.Cut(rest, "(")
	for _, f := range s.funcs[svc] {
		if f.Name == name && !hasKey {
			s.serveFunction(w, r, f)
			return
		}
	}
	st := s.sets[svc+"/"+name]
	if st == nil {
		s.odataError(w, http.StatusNotFound, "/IWBEP/CM_MGW_RT/020", "Resource not found for segment '"+name+"'")
		return
	}
	switch r.Method {
	case http.MethodGet:
		if strings.HasSuffix(rest, "/$count") && !hasKey {
			s.serveCount(w, r, st)
			return
		}
		s.serveCollection(w, r, st, svc+"/"+name, func(n string) *set { return s.sets[svc+"/"+n] })
	case http.MethodPost:
		if hasKey || !s.checkCSRF(w, r) {
			if hasKey {
				s.odataError(w, http.StatusMethodNotAllowed, "/IWBEP/CM_MGW_RT/011", "POST on an entity is not allowed")
			}
			return
		}
		s.create(w, r, st)
	case http.MethodPut, http.MethodPatch, "MERGE", http.MethodDelete:
		if !hasKey {
			s.odataError(w, http.StatusMethodNotAllowed, "/IWBEP/CM_MGW_RT/011", r.Method+" needs an entity key")
			return
		}
		if !s.checkCSRF(w, r) {
			return
		}
		s.update(w, r, st, strings.TrimSuffix(key, ")"))
	default:
		s.odataError(w, http.StatusMethodNotAllowed, "/IWBEP/CM_MGW_RT/011", "Method "+r.Method+" not allowed")
	}
}

// issueCSRF gives the caller a session (cookie) and its CSRF token.
func (s *Server) issueCSRF(w http.ResponseWriter) {
	sid := fmt.Sprintf("sess%08d", s.next())
	tok := fmt.Sprintf("csrf-%08d==", s.next())
	s.mu.Lock()
	s.sessions[sid] = tok
	s.fetches++
	s.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: sid, Path: "/", HttpOnly: true, Secure: true})
	http.SetCookie(w, &http.Cookie{Name: "sap-usercontext", Value: "sap-client=100", Path: "/"})
	w.Header().Set("X-CSRF-Token", tok)
}

// checkCSRF requires the header token to be the one issued to the session
// the cookie names; otherwise 403 with "x-csrf-token: Required".
func (s *Server) checkCSRF(w http.ResponseWriter, r *http.Request) bool {
	c, err := r.Cookie(sessionCookie)
	tok := r.Header.Get("X-CSRF-Token")
	s.mu.Lock()
	want, ok := "", false
	if err == nil {
		want, ok = s.sessions[c.Value]
	}
	s.mu.Unlock()
	if ok && tok != "" && tok == want {
		return true
	}
	w.Header().Set("x-csrf-token", "Required")
	kit.Text(w, http.StatusForbidden, "CSRF token validation failed")
	return false
}

func (s *Server) serveCount(w http.ResponseWriter, r *http.Request, st *set) {
	rows, err := s.query(st, r.URL.Query())
	if err != nil {
		s.odataError(w, http.StatusBadRequest, s.badRequestCode(), err.Error())
		return
	}
	kit.Text(w, http.StatusOK, strconv.Itoa(len(rows)))
}

// create stores a posted entity (OData v2 JSON, in its wire forms).
func (s *Server) create(w http.ResponseWriter, r *http.Request, st *set) {
	var body map[string]any
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&body); err != nil {
		s.odataError(w, http.StatusBadRequest, "/IWBEP/CM_MGW_RT/004", "Malformed request body")
		return
	}
	row, err := fromWire(st, body)
	if err != nil {
		s.odataError(w, http.StatusBadRequest, "/IWBEP/CM_MGW_RT/004", err.Error())
		return
	}
	for _, k := range st.Key {
		if row[k] == nil {
			s.odataError(w, http.StatusBadRequest, "BP/001", "Key property "+k+" is missing")
			return
		}
	}
	t := s.Store.Table(st.Name)
	if len(st.Key) == 1 {
		if _, dup := t.Index(st.Key[0], row[st.Key[0]]); dup {
			s.odataError(w, http.StatusConflict, "BP/002", "The entity already exists")
			return
		}
	}
	t.Append(row)
	s.mu.Lock()
	s.writes++
	s.mu.Unlock()
	w.Header().Set("Location", s.entityPath(st, "API_BUSINESS_PARTNER/"+st.Name)+"("+s.keyPredicate(st, row)+")")
	writeJSON(w, http.StatusCreated, map[string]any{"d": s.entity(st, row, nil, nil, func(string) *set { return nil }, "API_BUSINESS_PARTNER/"+st.Name)})
}

// update applies PUT/PATCH/MERGE (the posted properties) or DELETE to the
// entity with a single-property key.
func (s *Server) update(w http.ResponseWriter, r *http.Request, st *set, key string) {
	k := key // the router has percent-decoded the path once, as the server does
	if len(st.Key) != 1 || !strings.HasPrefix(k, "'") || !strings.HasSuffix(k, "'") || len(k) < 2 {
		s.odataError(w, http.StatusBadRequest, "/IWBEP/CM_MGW_RT/020", "Invalid key predicate")
		return
	}
	id := strings.ReplaceAll(k[1:len(k)-1], "''", "'")
	t := s.Store.Table(st.Name)
	i, ok := t.Index(st.Key[0], id)
	if !ok {
		s.odataError(w, http.StatusNotFound, "/IWBEP/CM_MGW_RT/020", "Resource not found for segment '"+st.Name+"'")
		return
	}
	if r.Method == http.MethodDelete {
		t.Delete(i)
	} else {
		var body map[string]any
		if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&body); err != nil {
			s.odataError(w, http.StatusBadRequest, "/IWBEP/CM_MGW_RT/004", "Malformed request body")
			return
		}
		patch, err := fromWire(st, body)
		if err != nil {
			s.odataError(w, http.StatusBadRequest, "/IWBEP/CM_MGW_RT/004", err.Error())
			return
		}
		row := t.At(i)
		for k, v := range patch {
			row[k] = v
		}
	}
	s.mu.Lock()
	s.writes++
	s.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

// fromWire reads posted properties in their OData v2 JSON forms.
func fromWire(st *set, body map[string]any) (kit.Record, error) {
	row := kit.Record{}
	for k, v := range body {
		if k == "__metadata" {
			continue
		}
		c, ok := st.column(k)
		if !ok {
			return nil, fmt.Errorf("property %s is not part of the entity type", k)
		}
		if v == nil {
			row[k] = nil
			continue
		}
		switch c.Type {
		case "Edm.String", "Edm.Guid":
			sv, ok := v.(string)
			if !ok {
				return nil, fmt.Errorf("property %s expects a string", k)
			}
			row[k] = sv
		case "Edm.Boolean":
			b, ok := v.(bool)
			if !ok {
				return nil, fmt.Errorf("property %s expects a boolean", k)
			}
			row[k] = b
		case "Edm.Decimal", "Edm.Int64":
			sv, ok := v.(string)
			if !ok {
				return nil, fmt.Errorf("property %s expects its number as a string", k)
			}
			f, err := strconv.ParseFloat(sv, 64)
			if err != nil {
				return nil, fmt.Errorf("property %s: %q is not a number", k, sv)
			}
			if c.Type == "Edm.Int64" {
				row[k] = int64(f)
			} else {
				row[k] = f
			}
		case "Edm.DateTime", "Edm.DateTimeOffset":
			sv, _ := v.(string)
			var ms int64
			if _, err := fmt.Sscanf(sv, "/Date(%d", &ms); err != nil {
				return nil, fmt.Errorf("property %s expects /Date(ms)/", k)
			}
			row[k] = time.UnixMilli(ms).UTC()
		default:
			row[k] = v
		}
	}
	return row, nil
}

// serveFunction answers a function import: GetUserDetail returns the
// complex type wrapped in the function's name, as Gateway does.
func (s *Server) serveFunction(w http.ResponseWriter, r *http.Request, f funcImport) {
	if r.Method != f.Method {
		s.odataError(w, http.StatusMethodNotAllowed, "/IWBEP/CM_MGW_RT/011", "Function "+f.Name+" needs HTTP method "+f.Method)
		return
	}
	raw := r.URL.Query().Get("UserName")
	if len(raw) < 2 || raw[0] != '\'' || raw[len(raw)-1] != '\'' {
		s.odataError(w, http.StatusBadRequest, "/IWBEP/CM_MGW_RT/021", "Parameter UserName must be an Edm.String literal")
		return
	}
	user := strings.ReplaceAll(raw[1:len(raw)-1], "''", "'")
	u, ok := s.users[user]
	if !ok {
		s.odataError(w, http.StatusBadRequest, "01/124", "User "+user+" does not exist")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"d": map[string]any{f.Name: map[string]any{
		"__metadata": map[string]any{"type": bapiService + "." + f.Complex},
		"UserName":   user, "FirstName": u["FIRSTNAME"], "LastName": u["LASTNAME"], "Email": u["E_MAIL"]}}})
}
