// Package wdwire holds the Workday wire conventions that the real Workday
// connector (package workday) and the simulator's HTTP handler
// (workdaysim.Handler) must agree on: URL layout, the OAuth and REST error
// bodies, the business-process action ids, and the two renderings of a
// capability's result on the wire:
//
//   - REST: camelCase keys, employee references as Workday reference
//     objects {id, descriptor, href}, collections in {total, data};
//   - RaaS: one Report_Entry row whose nested fields are flattened into
//     XML-alias style column names (Name_Legal_First, Manager_Employee_ID),
//     multi-instance fields as arrays of rows.
//
// ToREST and ToRaaS render a result map (as connkit.EncodeMap gives it);
// FromREST and FromRaaS read one back into the shape of a Go type, driven
// by the type's json tags, so the reading never guesses.
package wdwire

import (
	"reflect"
	"strings"
	"unicode"
)

// Paths. Every REST service lives at /ccx/api/{service}/{tenant}; RaaS at
// /ccx/service/customreport2/{tenant}/{owner}/{report}; the token endpoint
// at /ccx/oauth2/{tenant}/token.
const (
	ServiceCommon     = "v1"
	ServiceAbsence    = "absenceManagement/v1"
	ServiceBP         = "businessProcess/v1"
	ServiceStaffing   = "staffing/v6"
	ServiceWQL        = "wql/v1"
	RaaSPrefix        = "/ccx/service/customreport2/"
	APIPrefix         = "/ccx/api/"
	TokenPathPrefix   = "/ccx/oauth2/"
	EmployeeIDPrefix  = "Employee_ID="
	OrganizationRefID = "Organization_Reference_ID="
)

// ActionSubmit is the Workday ID of the business-process action "Submit"
// (verified: Workday's requestTimeOff documentation).
const ActionSubmit = "d9e4223e446c11de98360015c5e6daf6"

// MaxLimit is the largest page a Workday REST collection serves.
const MaxLimit = 100

// The simulator's capability reports, deployed as Advanced custom reports
// owned by the integration user (owner) and shared with it.
const (
	ReportWorkerProfile     = "Worker_Profile"
	ReportWorkerFullProfile = "Worker_Full_Profile"
	ReportManagementChain   = "Management_Chain"
	ReportCompensation      = "Worker_Compensation"
	ReportPayStatement      = "Pay_Statement"
	ReportTimeOffRequests   = "Time_Off_Requests"
	ReportPayStatements     = "Pay_Statements"
)

// Prompts of the capability reports.
const (
	PromptEmployeeID       = "Employee_ID"
	PromptPayStatementWID  = "Pay_Statement!WID"
	PromptWorkerWID        = "Worker!WID"
	PromptEffectiveAsOf    = "Effective_as_of_Date"
	ColumnWorkerStatus     = "Status"
	StatusTerminatedColumn = "TERMINATED"
)

// ErrorBody is Workday's REST error body: a summary and the individual
// errors with the field they concern.
type ErrorBody struct {
	Error  string      `json:"error"`
	Errors []ErrorItem `json:"errors,omitempty"`
}

// ErrorItem is one entry of ErrorBody.Errors.
type ErrorItem struct {
	Error    string `json:"error"`
	Field    string `json:"field,omitempty"`
	Location string `json:"location,omitempty"`
}

// Ref is a Workday reference object.
type Ref struct {
	ID         string `json:"id"`
	Descriptor string `json:"descriptor,omitempty"`
	Href       string `json:"href,omitempty"`
}

// Page is a REST collection page.
type Page[T any] struct {
	Total int64 `json:"total"`
	Data  []T   `json:"data"`
}

// BPParams are the business-process parameters of a write: the action,
// a comment, and the person the integration acts for.
type BPParams struct {
	Action  *Ref   `json:"action,omitempty"`
	Comment string `json:"comment,omitempty"`
	For     *Ref   `json:"for,omitempty"`
}

// ---- names ----

// Camel renders a snake_case json name in camelCase ("start_date" ->
// "startDate", "retirement_401k" -> "retirement401k").
func Camel(s string) string {
	parts := strings.Split(s, "_")
	var b strings.Builder
	for i, p := range parts {
		if p == "" {
			continue
		}
		if i == 0 {
			b.WriteString(p)
			continue
		}
		if p == "id" {
			b.WriteString("ID")
			continue
		}
		r := []rune(p)
		r[0] = unicode.ToUpper(r[0])
		b.WriteString(string(r))
	}
	return b.String()
}

// Alias renders a snake_case path segment list as a RaaS column alias
// ("name", "legal_first" -> "Name_Legal_First"; "id" -> "ID").
func Alias(parts ...string) string {
	var out []string
	for _, p := range parts {
		for _, w := range strings.Split(p, "_") {
			if w == "" {
				continue
			}
			switch w {
			case "id":
				out = append(out, "ID")
				continue
			case "ytd":
				out = append(out, "YTD")
				continue
			}
			r := []rune(w)
			r[0] = unicode.ToUpper(r[0])
			out = append(out, string(r))
		}
	}
	return strings.Join(out, "_")
}

// FieldOfAlias is the inverse of Alias for one flat field name
// ("Employee_ID" -> "employee_id").
func FieldOfAlias(alias string) string { return strings.ToLower(alias) }

// ---- REST rendering ----

// isRef reports whether a result object is an employee reference
// ({employee_id, display_name}).
func isRef(m map[string]any) bool {
	if len(m) != 2 {
		return false
	}
	_, a := m["employee_id"]
	_, b := m["display_name"]
	return a && b
}

// ToREST renders a result map with camelCase keys; employee references
// become reference objects with an href under base (".../workers/{id}").
func ToREST(m map[string]any, base string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[Camel(k)] = restValue(v, base)
	}
	return out
}

func restValue(v any, base string) any {
	switch x := v.(type) {
	case map[string]any:
		if isRef(x) {
			id, _ := x["employee_id"].(string)
			return map[string]any{"id": id, "descriptor": x["display_name"], "href": base + "/workers/" + id}
		}
		return ToREST(x, base)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = restValue(e, base)
		}
		return out
	}
	return v
}

// FromREST reads a REST body rendered by ToREST back into the json names
// of type t (a struct type, or a pointer to one).
func FromREST(w map[string]any, t reflect.Type) map[string]any {
	t = deref(t)
	out := map[string]any{}
	if isRefType(t) {
		out["employee_id"] = w["id"]
		out["display_name"] = w["descriptor"]
		return out
	}
	for _, f := range jsonFields(t) {
		v, ok := w[Camel(f.name)]
		if !ok {
			continue
		}
		out[f.name] = restBack(v, f.typ)
	}
	return out
}

func restBack(v any, t reflect.Type) any {
	t = deref(t)
	switch x := v.(type) {
	case map[string]any:
		if t.Kind() == reflect.Struct && !isTextType(t) {
			return FromREST(x, t)
		}
	case []any:
		if t.Kind() == reflect.Slice {
			out := make([]any, len(x))
			for i, e := range x {
				out[i] = restBack(e, t.Elem())
			}
			return out
		}
	}
	return v
}

// ---- RaaS rendering ----

// ToRaaS flattens a result map into one Report_Entry row: nested objects
// become prefixed columns, arrays become arrays of flattened rows, null
// fields are left out (RaaS omits empty columns).
func ToRaaS(m map[string]any) map[string]any {
	row := map[string]any{}
	flatten(row, nil, m)
	return row
}

func flatten(row map[string]any, prefix []string, m map[string]any) {
	for k, v := range m {
		path := append(append([]string(nil), prefix...), k)
		switch x := v.(type) {
		case nil:
		case map[string]any:
			flatten(row, path, x)
		case []any:
			rows := make([]any, len(x))
			for i, e := range x {
				if em, ok := e.(map[string]any); ok {
					rows[i] = ToRaaS(em)
				} else {
					rows[i] = e
				}
			}
			row[Alias(path...)] = rows
		default:
			row[Alias(path...)] = v
		}
	}
}

// FromRaaS reads a row flattened by ToRaaS back into the json names of
// type t. A nested object none of whose columns is present is null.
func FromRaaS(row map[string]any, t reflect.Type) map[string]any {
	out, _ := unflatten(row, nil, deref(t))
	return out
}

func unflatten(row map[string]any, prefix []string, t reflect.Type) (map[string]any, bool) {
	out := map[string]any{}
	found := false
	for _, f := range jsonFields(t) {
		path := append(append([]string(nil), prefix...), f.name)
		ft := deref(f.typ)
		switch {
		case ft.Kind() == reflect.Struct && !isTextType(ft):
			if sub, ok := unflatten(row, path, ft); ok {
				out[f.name] = sub
				found = true
			} else if f.typ.Kind() == reflect.Pointer {
				out[f.name] = nil
			}
		case ft.Kind() == reflect.Slice && deref(ft.Elem()).Kind() == reflect.Struct && !isTextType(deref(ft.Elem())):
			v, ok := row[Alias(path...)]
			if !ok {
				continue
			}
			list, _ := v.([]any)
			rows := make([]any, 0, len(list))
			for _, e := range list {
				if em, ok := e.(map[string]any); ok {
					sub, _ := unflatten(em, nil, deref(ft.Elem()))
					rows = append(rows, sub)
				}
			}
			out[f.name] = rows
			found = true
		default:
			if v, ok := row[Alias(path...)]; ok {
				out[f.name] = v
				found = true
			}
		}
	}
	return out, found
}

// ---- reflection helpers ----

type jsonField struct {
	name string
	typ  reflect.Type
}

func jsonFields(t reflect.Type) []jsonField {
	if t.Kind() != reflect.Struct {
		return nil
	}
	out := make([]jsonField, 0, t.NumField())
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if name == "" {
			name = f.Name
		}
		out = append(out, jsonField{name: name, typ: f.Type})
	}
	return out
}

func deref(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

var textMarshaler = reflect.TypeFor[interface{ MarshalText() ([]byte, error) }]()

// isTextType reports a struct that encodes as text (a Date).
func isTextType(t reflect.Type) bool {
	return t.Implements(textMarshaler) || reflect.PointerTo(t).Implements(textMarshaler)
}

func isRefType(t reflect.Type) bool {
	fs := jsonFields(t)
	return len(fs) == 2 && fs[0].name == "employee_id" && fs[1].name == "display_name"
}
