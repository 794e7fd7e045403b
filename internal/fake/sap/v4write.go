package sap

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/xlr8/connectors/internal/fake/kit"
)

// OData v4 writes on the v4 service's entity sets, as the OASIS OData v4.0
// protocol (Part 1, sections 11.4.2 create, 11.4.3 update, 11.4.5 delete,
// 8.2.4 If-Match, 8.2.8.7 Prefer return) and JSON format (section 7.1
// primitive values, section 19 errors) specify them, read with this
// package's own parsing:
//
//   - POST {set} creates: 201 with the entity and its @odata.etag, or 204
//     with Location and OData-EntityId under Prefer: return=minimal.
//   - PATCH {set}(key) merges the posted properties, PUT replaces the
//     entity (an absent nullable property becomes null, an absent
//     non-nullable one is a 400), DELETE removes it: 204 (or 200 with the
//     entity under Prefer: return=representation or Config.V4Return).
//   - If-Match must name the entity's current ETag (or be *): otherwise
//     412; a set annotated Core.OptimisticConcurrency answers a change
//     without If-Match with 428.
//   - The body is v4 JSON: no "d" wrapper and no __metadata, Edm.Int64 and
//     Edm.Decimal as JSON numbers, Edm.Date 2006-01-02, Edm.DateTimeOffset
//     RFC 3339 with its offset, Edm.TimeOfDay hh:mm:ss, Guid and String as
//     strings; a v2 value (/Date(ms)/, a number in a string) is a 400 with
//     a v4 error body naming the property in target.
//   - Key predicates are v4 literals: 'text' with ' doubled, numbers, GUIDs,
//     dates and date-times bare (v2's 1L, 1.5M, guid'...', datetime'...'
//     are 400), composite keys as Name=value pairs.
//   - Every write needs the session's CSRF token, as the v2 writes do.

// V4Write is a write the v4 service received past its CSRF check: method,
// escaped path below the service root, the headers a write's meaning
// depends on, and the body as sent.
type V4Write struct {
	Method, Path string
	IfMatch      string
	Prefer       string
	ContentType  string
	Body         []byte
}

// V4Writes lists the v4 writes received, in order.
func (s *Server) V4Writes() []V4Write {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]V4Write(nil), s.v4writes...)
}

// pricingConditionSet is a RAP-style entity set whose key spans every v4
// literal form (text, integers, decimal, GUID, date, date-time, boolean)
// and whose properties span the v4 JSON value forms. It demands If-Match.
func pricingConditionSet() *set {
	nn := func(c column) column { c.NotNull = true; return c }
	return &set{Name: "PricingCondition", Type: "PricingConditionType", Label: "Pricing Condition", Concurrency: true,
		Key: []string{"ConditionRecord", "ConditionSequence", "ConditionCounter", "ConditionScale", "ConditionUUID",
			"ValidFrom", "ValidAt", "IsReleased"},
		Columns: []column{
			col("ConditionRecord", "Edm.String", "Condition Record"), col("ConditionSequence", "Edm.Int32", "Sequence"),
			col("ConditionCounter", "Edm.Int64", "Counter"), col("ConditionScale", "Edm.Decimal", "Scale"),
			col("ConditionUUID", "Edm.Guid", "Condition UUID"), col("ValidFrom", "Edm.Date", "Valid From"),
			col("ValidAt", "Edm.DateTimeOffset", "Valid At"), col("IsReleased", "Edm.Boolean", "Released"),
			nn(col("Amount", "Edm.Decimal", "Amount")), nn(col("Currency", "Edm.String", "Currency")),
			col("Quantity", "Edm.Double", "Quantity"), col("Priority", "Edm.Int16", "Priority"),
			col("StartTime", "Edm.TimeOfDay", "Start Time"), col("Description", "Edm.String", "Description"),
			col("LastChangedAt", "Edm.DateTimeOffset", "Last Changed At"),
		},
		Navs: []navigation{{Name: "_BusinessPartner", Target: "A_BusinessPartner", From: "ConditionRecord", To: "BusinessPartner"}}}
}

// serveV4Write answers POST, PATCH, PUT and DELETE below the v4 root.
func (s *Server) serveV4Write(w http.ResponseWriter, r *http.Request) {
	if !s.checkCSRF(w, r) {
		return
	}
	path := strings.TrimPrefix(r.URL.EscapedPath(), s.Base+"/sap/opu/odata4/"+V4Path+"/")
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		s.odataV4Error(w, http.StatusBadRequest, "/IWBEP/CM_V4_RUNTIME/004", "The request body cannot be read", "")
		return
	}
	s.mu.Lock()
	s.v4writes = append(s.v4writes, V4Write{Method: r.Method, Path: path, IfMatch: r.Header.Get("If-Match"),
		Prefer: r.Header.Get("Prefer"), ContentType: r.Header.Get("Content-Type"), Body: body})
	s.mu.Unlock()
	name, keyText, hasKey := strings.Cut(path, "(")
	st := s.v4Set(name)
	if st == nil {
		s.odataV4Error(w, http.StatusNotFound, "/IWBEP/CM_V4_RUNTIME/020", "Resource not found for segment '"+name+"'", "")
		return
	}
	if r.Method == http.MethodPost {
		if hasKey {
			s.odataV4Error(w, http.StatusMethodNotAllowed, "/IWBEP/CM_V4_RUNTIME/011", "POST is not allowed on an entity", "")
			return
		}
		s.v4Create(w, r, st, body)
		return
	}
	if !hasKey || !strings.HasSuffix(keyText, ")") {
		s.odataV4Error(w, http.StatusMethodNotAllowed, "/IWBEP/CM_V4_RUNTIME/011", r.Method+" needs an entity key", "")
		return
	}
	key, err := parseV4Key(st, strings.TrimSuffix(keyText, ")"))
	if err != nil {
		s.odataV4Error(w, http.StatusBadRequest, "/IWBEP/CM_V4_RUNTIME/025", "Invalid key predicate: "+err.Error(), "")
		return
	}
	s.v4Change(w, r, st, key, body)
}

func (s *Server) v4Create(w http.ResponseWriter, r *http.Request, st *set, body []byte) {
	row, target, err := v4FromWire(st, body)
	if err != nil {
		s.odataV4Error(w, http.StatusBadRequest, "/IWBEP/CM_V4_RUNTIME/004", err.Error(), target)
		return
	}
	for _, c := range st.Columns {
		if _, given := row[c.Name]; !given && (c.NotNull || contains(st.Key, c.Name)) {
			s.odataV4Error(w, http.StatusBadRequest, "/IWBEP/CM_V4_RUNTIME/004", "Property "+c.Name+" is mandatory", c.Name)
			return
		}
	}
	t := s.Store.Table(st.Name)
	if len(t.Find(func(x kit.Record) bool { return sameKey(st, x, row) })) > 0 {
		s.odataV4Error(w, http.StatusConflict, "/IWBEP/CM_V4_RUNTIME/026", "The entity already exists", "")
		return
	}
	t.Append(row)
	s.mu.Lock()
	s.writes++
	s.mu.Unlock()
	loc := s.Origin + s.Base + "/sap/opu/odata4/" + V4Path + "/" + st.Name + "(" + v4KeyPredicate(st, row) + ")"
	w.Header().Set("Location", loc)
	w.Header().Set("ETag", v4ETag(row))
	w.Header().Set("OData-Version", "4.0")
	if s.v4Returns(r, "minimal") {
		w.Header().Set("OData-EntityId", loc)
		w.Header().Set("Preference-Applied", "return=minimal")
		w.WriteHeader(http.StatusNoContent)
		return
	}
	e := v4Entity(st, row, nil)
	e["@odata.context"] = "$metadata#" + st.Name + "/$entity"
	kit.JSON(w, http.StatusCreated, "application/json;odata.metadata=minimal;charset=utf-8", e)
}

// v4Change applies PATCH, PUT or DELETE to the entity with key.
func (s *Server) v4Change(w http.ResponseWriter, r *http.Request, st *set, key kit.Record, body []byte) {
	t := s.Store.Table(st.Name)
	idx := t.Find(func(x kit.Record) bool { return sameKey(st, x, key) })
	if len(idx) == 0 {
		s.odataV4Error(w, http.StatusNotFound, "/IWBEP/CM_V4_RUNTIME/020", "Resource not found for segment '"+st.Name+"'", "")
		return
	}
	row := t.At(idx[0])
	switch m := r.Header.Get("If-Match"); {
	case m == "" && st.Concurrency:
		s.odataV4Error(w, http.StatusPreconditionRequired, "/IWBEP/CM_V4_RUNTIME/051", "The request must be conditional: If-Match is required", "")
		return
	case m != "" && m != "*" && m != v4ETag(row):
		s.odataV4Error(w, http.StatusPreconditionFailed, "/IWBEP/CM_V4_RUNTIME/050", "The entity was changed: its ETag does not match If-Match", "")
		return
	}
	if r.Method == http.MethodDelete {
		if len(bytes.TrimSpace(body)) > 0 {
			s.odataV4Error(w, http.StatusBadRequest, "/IWBEP/CM_V4_RUNTIME/004", "A DELETE has no body", "")
			return
		}
		t.Delete(idx[0])
		s.countWrite()
		w.WriteHeader(http.StatusNoContent)
		return
	}
	patch, target, err := v4FromWire(st, body)
	if err != nil {
		s.odataV4Error(w, http.StatusBadRequest, "/IWBEP/CM_V4_RUNTIME/004", err.Error(), target)
		return
	}
	for _, k := range st.Key {
		if v, given := patch[k]; given && !sameValue(v, row[k]) {
			s.odataV4Error(w, http.StatusBadRequest, "/IWBEP/CM_V4_RUNTIME/004", "Key property "+k+" cannot be changed", k)
			return
		}
	}
	if r.Method == http.MethodPut {
		for _, c := range st.Columns {
			if _, given := patch[c.Name]; given || contains(st.Key, c.Name) {
				continue
			}
			if c.NotNull {
				s.odataV4Error(w, http.StatusBadRequest, "/IWBEP/CM_V4_RUNTIME/004", "PUT replaces the entity: property "+c.Name+" is mandatory", c.Name)
				return
			}
			patch[c.Name] = nil
		}
	}
	s.mu.Lock()
	for k, v := range patch {
		row[k] = v
	}
	n, _ := row[versionField].(int)
	row[versionField] = n + 1
	s.writes++
	s.mu.Unlock()
	w.Header().Set("ETag", v4ETag(row))
	w.Header().Set("OData-Version", "4.0")
	if s.v4Returns(r, "representation") {
		e := v4Entity(st, row, nil)
		e["@odata.context"] = "$metadata#" + st.Name + "/$entity"
		kit.JSON(w, http.StatusOK, "application/json;odata.metadata=minimal;charset=utf-8", e)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) countWrite() {
	s.mu.Lock()
	s.writes++
	s.mu.Unlock()
}

// v4Returns reports whether the answer is to be return=what: the request's
// Prefer return preference, else Config.V4Return.
func (s *Server) v4Returns(r *http.Request, what string) bool {
	for _, h := range r.Header.Values("Prefer") {
		for _, p := range strings.Split(h, ",") {
			if v, ok := strings.CutPrefix(strings.ToLower(strings.TrimSpace(p)), "return="); ok {
				return v == what
			}
		}
	}
	return s.cfg.V4Return == what
}

var (
	v4GUID      = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	v4Decimal   = regexp.MustCompile(`^[+-]?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)
	v4TimeOfDay = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,12})?)?$`)
	intBits     = map[string]int{"Edm.Byte": 8, "Edm.SByte": 8, "Edm.Int16": 16, "Edm.Int32": 32, "Edm.Int64": 64}
)

// v4FromWire reads a v4 JSON body into a row. On an error, target names
// the property at fault.
func v4FromWire(st *set, body []byte) (row kit.Record, target string, err error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil || m == nil {
		return nil, "", fmt.Errorf("the body is not a JSON object")
	}
	if dec.More() {
		return nil, "", fmt.Errorf("the body holds more than one JSON value")
	}
	if _, v2 := m["d"]; v2 {
		return nil, "d", fmt.Errorf(`"d" is OData v2's wrapper: an OData v4 body holds the properties themselves`)
	}
	row = kit.Record{}
	for k, v := range m {
		if strings.HasPrefix(k, "@") || strings.Contains(k, "@") {
			continue // control information and instance annotations
		}
		if k == "__metadata" {
			return nil, k, fmt.Errorf("__metadata is OData v2's")
		}
		c, ok := st.column(k)
		if !ok {
			for _, n := range st.Navs {
				if n.Name == k {
					return nil, k, fmt.Errorf("navigation property %s cannot be written here", k)
				}
			}
			return nil, k, fmt.Errorf("property %s is not part of the entity type %s", k, st.Type)
		}
		if v == nil {
			if c.NotNull || contains(st.Key, c.Name) {
				return nil, k, fmt.Errorf("property %s is not nullable", k)
			}
			row[k] = nil
			continue
		}
		val, err := v4JSONValue(c, v)
		if err != nil {
			return nil, k, fmt.Errorf("property %s: %v", k, err)
		}
		row[k] = val
	}
	return row, "", nil
}

// v4JSONValue checks and converts one JSON value of column c.
func v4JSONValue(c column, v any) (any, error) {
	typ := v4Type(c)
	str, isStr := v.(string)
	num, isNum := v.(json.Number)
	switch typ {
	case "Edm.String":
		if isStr {
			return str, nil
		}
	case "Edm.Guid":
		if isStr && v4GUID.MatchString(str) {
			return str, nil
		}
	case "Edm.Boolean":
		if b, ok := v.(bool); ok {
			return b, nil
		}
	case "Edm.Byte", "Edm.SByte", "Edm.Int16", "Edm.Int32", "Edm.Int64":
		if isNum {
			return parseV4Int(typ, num.String())
		}
		if isStr {
			return nil, fmt.Errorf("%s is a JSON number in OData v4 (IEEE754Compatible was not requested), not the string %q", typ, str)
		}
	case "Edm.Decimal":
		if isNum {
			return json.Number(strings.TrimPrefix(num.String(), "+")), nil
		}
		if isStr {
			return nil, fmt.Errorf("Edm.Decimal is a JSON number in OData v4 (IEEE754Compatible was not requested), not the string %q", str)
		}
	case "Edm.Double", "Edm.Single":
		if isNum {
			return strconv.ParseFloat(num.String(), 64)
		}
	case "Edm.Date":
		if isStr {
			return time.Parse(time.DateOnly, str)
		}
	case "Edm.DateTimeOffset":
		if isStr {
			if strings.HasPrefix(str, "/Date(") {
				return nil, fmt.Errorf("%q is OData v2's date form; v4 writes RFC 3339", str)
			}
			return time.Parse(time.RFC3339Nano, str)
		}
	case "Edm.TimeOfDay":
		if isStr && v4TimeOfDay.MatchString(str) {
			return str, nil
		}
	}
	return nil, fmt.Errorf("a JSON %T is not an %s value", v, typ)
}

func parseV4Int(typ, text string) (int64, error) {
	if typ == "Edm.Byte" {
		n, err := strconv.ParseUint(text, 10, 8)
		return int64(n), err
	}
	return strconv.ParseInt(text, 10, intBits[typ])
}

// parseV4Key reads a key predicate's inside (percent-decoded here): one
// literal for a single key, Name=literal pairs otherwise.
func parseV4Key(st *set, escaped string) (kit.Record, error) {
	text, err := url.PathUnescape(escaped)
	if err != nil {
		return nil, err
	}
	parts, err := splitKey(text)
	if err != nil {
		return nil, err
	}
	key := kit.Record{}
	for _, p := range parts {
		name, lit := "", p
		if i := strings.IndexByte(p, '='); i > 0 && !strings.HasPrefix(p, "'") {
			name, lit = p[:i], p[i+1:]
		} else if len(st.Key) == 1 && len(parts) == 1 {
			name = st.Key[0]
		}
		c, ok := st.column(name)
		if !ok || !contains(st.Key, name) {
			return nil, fmt.Errorf("%q is not a key property of %s", name, st.Type)
		}
		if _, dup := key[name]; dup {
			return nil, fmt.Errorf("key property %s is given twice", name)
		}
		v, err := parseV4Literal(c, lit)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", name, err)
		}
		key[name] = v
	}
	if len(key) != len(st.Key) {
		return nil, fmt.Errorf("the key of %s has %d properties, %d given", st.Type, len(st.Key), len(key))
	}
	return key, nil
}

// splitKey splits at the commas outside quoted strings.
func splitKey(s string) ([]string, error) {
	var parts []string
	start, quoted := 0, false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\'':
			quoted = !quoted // a doubled quote toggles twice
		case ',':
			if !quoted {
				parts = append(parts, s[start:i])
				start = i + 1
			}
		}
	}
	if quoted {
		return nil, fmt.Errorf("an unterminated string literal")
	}
	return append(parts, s[start:]), nil
}

// parseV4Literal reads a v4 primitive literal of column c's type.
func parseV4Literal(c column, lit string) (any, error) {
	typ := v4Type(c)
	bad := func() (any, error) { return nil, fmt.Errorf("%q is not an %s literal", lit, typ) }
	switch typ {
	case "Edm.String":
		if len(lit) < 2 || lit[0] != '\'' || lit[len(lit)-1] != '\'' {
			return bad()
		}
		inner := lit[1 : len(lit)-1]
		if strings.Contains(strings.ReplaceAll(inner, "''", ""), "'") {
			return bad()
		}
		return strings.ReplaceAll(inner, "''", "'"), nil
	case "Edm.Byte", "Edm.SByte", "Edm.Int16", "Edm.Int32", "Edm.Int64":
		n, err := parseV4Int(typ, lit)
		if err != nil {
			return bad()
		}
		return n, nil
	case "Edm.Decimal":
		if !v4Decimal.MatchString(lit) {
			return bad()
		}
		return json.Number(strings.TrimPrefix(lit, "+")), nil
	case "Edm.Guid":
		if !v4GUID.MatchString(lit) {
			return bad()
		}
		return lit, nil
	case "Edm.Date":
		t, err := time.Parse(time.DateOnly, lit)
		if err != nil {
			return bad()
		}
		return t, nil
	case "Edm.DateTimeOffset":
		t, err := time.Parse(time.RFC3339Nano, lit)
		if err != nil {
			return bad()
		}
		return t, nil
	case "Edm.Boolean":
		switch lit {
		case "true":
			return true, nil
		case "false":
			return false, nil
		}
	}
	return bad()
}

// v4KeyPredicate writes a row's key the way the service names it in
// Location: a single literal, or Name=literal pairs.
func v4KeyPredicate(st *set, row kit.Record) string {
	parts := make([]string, 0, len(st.Key))
	for _, k := range st.Key {
		c, _ := st.column(k)
		lit := fmt.Sprint(wireV4(c, row[k]))
		switch v4Type(c) {
		case "Edm.String":
			lit = "'" + strings.ReplaceAll(lit, "'", "''") + "'"
		case "Edm.DateTimeOffset":
			lit = row[k].(time.Time).Format(time.RFC3339Nano)
		}
		lit = url.PathEscape(lit)
		if len(st.Key) == 1 {
			return lit
		}
		parts = append(parts, k+"="+lit)
	}
	return strings.Join(parts, ",")
}

// sameKey reports whether rows a and b have the same key.
func sameKey(st *set, a, b kit.Record) bool {
	for _, k := range st.Key {
		if !sameValue(a[k], b[k]) {
			return false
		}
	}
	return true
}

// sameValue compares stored values: instants by time, decimals by value.
func sameValue(a, b any) bool {
	switch x := a.(type) {
	case time.Time:
		y, ok := b.(time.Time)
		return ok && x.Equal(y)
	case json.Number:
		y, ok := b.(json.Number)
		if !ok {
			return false
		}
		rx, okx := new(big.Rat).SetString(x.String())
		ry, oky := new(big.Rat).SetString(y.String())
		return okx && oky && rx.Cmp(ry) == 0
	}
	return a == b
}
