package sap

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"net/url"
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
		s.serveBatch(w, r, svc)
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

// serveBatch runs a multipart/mixed $batch: reads one by one, change sets
// atomically (a failing write rolls the set back and the set is answered
// by that one error part), 202 with the multipart answer.
func (s *Server) serveBatch(w http.ResponseWriter, r *http.Request, svc string) {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/mixed" || params["boundary"] == "" {
		s.odataError(w, http.StatusBadRequest, "/IWBEP/CM_MGW_RT/050", "$batch needs multipart/mixed with a boundary")
		return
	}
	mr := multipart.NewReader(io.LimitReader(r.Body, 4<<20), params["boundary"])
	var out bytes.Buffer
	boundary := fmt.Sprintf("ejjeeffe%d", s.next())
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			s.odataError(w, http.StatusBadRequest, "/IWBEP/CM_MGW_RT/050", "Malformed $batch body")
			return
		}
		pt, pp, _ := mime.ParseMediaType(part.Header.Get("Content-Type"))
		fmt.Fprintf(&out, "--%s\r\n", boundary)
		switch pt {
		case "application/http":
			rec, err := s.runEmbedded(r, svc, part, false)
			if err != nil {
				s.odataError(w, http.StatusBadRequest, "/IWBEP/CM_MGW_RT/050", err.Error())
				return
			}
			writeEmbedded(&out, rec)
		case "multipart/mixed":
			snapshot := s.snapshot(svc)
			inner := multipart.NewReader(part, pp["boundary"])
			var recs []*httptest.ResponseRecorder
			var failed *httptest.ResponseRecorder
			for {
				ip, err := inner.NextPart()
				if err == io.EOF {
					break
				}
				if err != nil {
					s.odataError(w, http.StatusBadRequest, "/IWBEP/CM_MGW_RT/050", "Malformed change set")
					return
				}
				rec, err := s.runEmbedded(r, svc, ip, true)
				if err != nil {
					s.odataError(w, http.StatusBadRequest, "/IWBEP/CM_MGW_RT/050", err.Error())
					return
				}
				if rec.Code >= 400 {
					failed = rec
					break
				}
				recs = append(recs, rec)
			}
			if failed != nil {
				s.restore(svc, snapshot)
				writeEmbedded(&out, failed)
				continue
			}
			cs := fmt.Sprintf("changeset_%d", s.next())
			fmt.Fprintf(&out, "Content-Type: multipart/mixed; boundary=%s\r\n\r\n", cs)
			for _, rec := range recs {
				fmt.Fprintf(&out, "--%s\r\n", cs)
				writeEmbedded(&out, rec)
			}
			fmt.Fprintf(&out, "--%s--\r\n\r\n", cs)
		default:
			s.odataError(w, http.StatusBadRequest, "/IWBEP/CM_MGW_RT/050", "Unexpected part type "+pt)
			return
		}
	}
	fmt.Fprintf(&out, "--%s--\r\n", boundary)
	w.Header().Set("Content-Type", "multipart/mixed; boundary="+boundary)
	w.WriteHeader(http.StatusAccepted)
	_, _ = w.Write(out.Bytes())
}

// runEmbedded runs one embedded request ("GET A_BusinessPartner HTTP/1.1")
// against the service, with the outer request's credentials and session.
func (s *Server) runEmbedded(outer *http.Request, svc string, part io.Reader, write bool) (*httptest.ResponseRecorder, error) {
	// The request line's URI is relative to the service ("GET
	// A_BusinessPartner HTTP/1.1"), which http.ReadRequest refuses: read it
	// by hand.
	br := bufio.NewReader(part)
	tp := textproto.NewReader(br)
	line, err := tp.ReadLine()
	if err != nil {
		return nil, fmt.Errorf("malformed embedded request")
	}
	f := strings.Fields(line)
	if len(f) != 3 || !strings.HasPrefix(f[2], "HTTP/1.") {
		return nil, fmt.Errorf("malformed embedded request line")
	}
	hdr, err := tp.ReadMIMEHeader()
	if err != nil && err != io.EOF {
		return nil, fmt.Errorf("malformed embedded headers")
	}
	req := &http.Request{Method: f[0], RequestURI: f[1], Header: http.Header(hdr), Body: io.NopCloser(br)}
	if write == (req.Method == http.MethodGet) {
		return nil, fmt.Errorf("a %s cannot be in this part of a $batch", req.Method)
	}
	u, err := url.Parse(req.RequestURI)
	if err != nil || u.IsAbs() || strings.HasPrefix(u.Path, "/") {
		return nil, fmt.Errorf("embedded request URI must be relative to the service")
	}
	body, _ := io.ReadAll(io.LimitReader(req.Body, 1<<20))
	inner := httptest.NewRequest(req.Method, s.Base+"/sap/opu/odata/sap/"+svc+"/"+u.Path+"?"+u.RawQuery, bytes.NewReader(body))
	inner.SetPathValue("rest", svc+"/"+u.Path)
	for k, v := range req.Header {
		inner.Header[k] = v
	}
	inner.Header.Set("Accept", "application/json")
	for _, c := range outer.Cookies() {
		inner.AddCookie(c)
	}
	inner.Header.Set("X-CSRF-Token", outer.Header.Get("X-CSRF-Token"))
	rec := httptest.NewRecorder()
	s.serveS4(rec, inner)
	return rec, nil
}

func writeEmbedded(out *bytes.Buffer, rec *httptest.ResponseRecorder) {
	out.WriteString("Content-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n")
	fmt.Fprintf(out, "HTTP/1.1 %d %s\r\n", rec.Code, http.StatusText(rec.Code))
	for _, k := range sortedKeys(rec.Header()) {
		if k == "Set-Cookie" {
			continue
		}
		fmt.Fprintf(out, "%s: %s\r\n", k, rec.Header().Get(k))
	}
	fmt.Fprintf(out, "Content-Length: %d\r\n\r\n", rec.Body.Len())
	out.Write(rec.Body.Bytes())
	out.WriteString("\r\n")
}

func (s *Server) snapshot(svc string) map[string][]kit.Record {
	snap := map[string][]kit.Record{}
	for _, st := range s.services[svc] {
		t := s.Store.Table(st.Name)
		var rows []kit.Record
		for _, i := range t.Find(func(kit.Record) bool { return true }) {
			cp := kit.Record{}
			for k, v := range t.At(i) {
				cp[k] = v
			}
			rows = append(rows, cp)
		}
		snap[st.Name] = rows
	}
	s.mu.Lock()
	snap["\x00writes"] = make([]kit.Record, s.writes)
	s.mu.Unlock()
	return snap
}

func (s *Server) restore(svc string, snap map[string][]kit.Record) {
	for _, st := range s.services[svc] {
		s.Store.Table(st.Name).Seed(snap[st.Name])
	}
	s.mu.Lock()
	s.writes = len(snap["\x00writes"])
	s.mu.Unlock()
}
