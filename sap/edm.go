package sap

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"sort"
	"strings"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/internal/errs"
)

// The EDMX document of an OData service's $metadata, read tolerantly: the
// struct tags name local names only, so that every EDM namespace version
// (2006/04 ... 2009/11 for v2, OASIS for v4) and every vendor prefix for the
// annotation attributes (SAP Gateway's http://www.sap.com/Protocols/SAPData,
// SuccessFactors' http://www.successfactors.com/edm/sap and .../edm/sf)
// match, and elements the model does not need (Documentation,
// sap:tagcollection, Annotation, ComplexType, ...) are skipped wherever they
// appear, inside EntitySet and Property included.
type xmlEdmx struct {
	XMLName      xml.Name `xml:"Edmx"`
	Version      string   `xml:"Version,attr"`
	DataServices struct {
		Schemas []xmlSchema `xml:"Schema"`
	} `xml:"DataServices"`
}

type xmlSchema struct {
	Namespace    string           `xml:"Namespace,attr"`
	Alias        string           `xml:"Alias,attr"`
	EntityTypes  []xmlEntityType  `xml:"EntityType"`
	Associations []xmlAssociation `xml:"Association"`
	Containers   []xmlContainer   `xml:"EntityContainer"`
}

type xmlEntityType struct {
	Name  string        `xml:"Name,attr"`
	Label string        `xml:"label,attr"`
	Key   []xmlPropRef  `xml:"Key>PropertyRef"`
	Props []xmlProperty `xml:"Property"`
	Navs  []xmlNav      `xml:"NavigationProperty"`
}

type xmlPropRef struct {
	Name string `xml:"Name,attr"`
}

type xmlProperty struct {
	Name          string          `xml:"Name,attr"`
	Type          string          `xml:"Type,attr"`
	Nullable      string          `xml:"Nullable,attr"`
	Label         string          `xml:"label,attr"`
	Filterable    string          `xml:"filterable,attr"`
	Sortable      string          `xml:"sortable,attr"`
	DisplayFormat string          `xml:"display-format,attr"`
	Annotations   []xmlAnnotation `xml:"Annotation"`
	Summary       string          `xml:"Documentation>Summary"`
}

// xmlAnnotation is an annotation element inside a property, as some
// SuccessFactors tenants write the label: <Annotation Term="sap:label"
// String="..."/>.
type xmlAnnotation struct {
	Term   string `xml:"Term,attr"`
	String string `xml:"String,attr"`
}

type xmlNav struct {
	Name         string `xml:"Name,attr"`
	Relationship string `xml:"Relationship,attr"`
	ToRole       string `xml:"ToRole,attr"`
	Type         string `xml:"Type,attr"` // v4: "Collection(NS.Type)" or "NS.Type"
	Label        string `xml:"label,attr"`
}

type xmlAssociation struct {
	Name string `xml:"Name,attr"`
	Ends []struct {
		Type         string `xml:"Type,attr"`
		Role         string `xml:"Role,attr"`
		Multiplicity string `xml:"Multiplicity,attr"`
	} `xml:"End"`
}

type xmlContainer struct {
	Name      string         `xml:"Name,attr"`
	Sets      []xmlEntitySet `xml:"EntitySet"`
	Functions []xmlFunction  `xml:"FunctionImport"`
}

type xmlEntitySet struct {
	Name       string `xml:"Name,attr"`
	EntityType string `xml:"EntityType,attr"`
	Label      string `xml:"label,attr"`
	Summary    string `xml:"Documentation>Summary"`
}

type xmlFunction struct {
	Name       string `xml:"Name,attr"`
	ReturnType string `xml:"ReturnType,attr"`
	EntitySet  string `xml:"EntitySet,attr"`
	HTTPMethod string `xml:"HttpMethod,attr"`
	Params     []struct {
		Name     string `xml:"Name,attr"`
		Type     string `xml:"Type,attr"`
		Mode     string `xml:"Mode,attr"`
		Nullable string `xml:"Nullable,attr"`
	} `xml:"Parameter"`
}

// service is the model of one OData service, built from its $metadata.
type service struct {
	// Version is the EDMX version: "1.0" (OData v2) or "4.0".
	Version string
	// sets by entity set name, and their names in document order.
	sets  map[string]*entitySet
	names []string
	// functions by function import name.
	functions map[string]*function
	// shapes by qualified entity type name (and alias-qualified name).
	shapes map[string]*shape
}

// entitySet is an entity set: a name over an entity type's shape.
type entitySet struct {
	Name  string
	Label string
	*shape
}

// shape is an entity type: its key, properties and navigation properties.
type shape struct {
	Type  string // qualified name
	Label string
	Key   []string
	Props []property
	Navs  []nav
	// byName indexes Props (>= 0) and Navs (-1-i).
	byName map[string]int
}

type property struct {
	Name       string
	Type       string // Edm type: Edm.String, Edm.Int64 ...
	Nullable   bool
	Label      string
	Filterable bool
	Sortable   bool
	// DateOnly: an Edm.DateTime marked sap:display-format="Date" carries a
	// calendar date at midnight UTC.
	DateOnly bool
}

type nav struct {
	Name   string
	ToMany bool
	Label  string
	// Target is the shape of the related entities, when declared.
	Target *shape
}

type function struct {
	Name       string
	HTTPMethod string // GET or POST (v2 m:HttpMethod; GET when absent)
	ReturnType string
	Params     []funcParam
}

type funcParam struct {
	Name     string
	Type     string
	Nullable bool
}

// parseMetadata reads an EDMX document. A document that is not EDMX, or an
// entity set whose type is missing, is an INTERNAL error (the server sent
// something the connector cannot use); the message quotes no body.
func parseMetadata(body []byte) (*service, error) {
	var doc xmlEdmx
	dec := xml.NewDecoder(bytes.NewReader(body))
	dec.CharsetReader = charsetReader
	if err := dec.Decode(&doc); err != nil {
		what := "malformed XML"
		if err == io.EOF || strings.Contains(err.Error(), "unexpected EOF") {
			what = "truncated XML"
		}
		return nil, &errs.Error{Code: errs.CodeInternal, Message: "$metadata: " + what}
	}
	if len(doc.DataServices.Schemas) == 0 {
		return nil, &errs.Error{Code: errs.CodeInternal, Message: "$metadata has no Schema"}
	}
	svc := &service{Version: doc.Version, sets: map[string]*entitySet{}, functions: map[string]*function{}, shapes: map[string]*shape{}}
	types := map[string]*xmlEntityType{}
	assocs := map[string]*xmlAssociation{}
	for si := range doc.DataServices.Schemas {
		s := &doc.DataServices.Schemas[si]
		for ti := range s.EntityTypes {
			t := &s.EntityTypes[ti]
			types[s.Namespace+"."+t.Name] = t
			if s.Alias != "" {
				types[s.Alias+"."+t.Name] = t
			}
		}
		for ai := range s.Associations {
			a := &s.Associations[ai]
			assocs[s.Namespace+"."+a.Name] = a
			if s.Alias != "" {
				assocs[s.Alias+"."+a.Name] = a
			}
		}
	}
	for name, t := range types {
		svc.shapes[name] = buildShape(name, t)
	}
	for name, t := range types {
		linkNavs(svc.shapes[name], t, assocs, svc.shapes)
	}
	// SuccessFactors puts the EntityContainer in schema "SFODataSet" and the
	// types in schema "SFOData"; Gateway puts both in one schema. Sets refer
	// to their type by qualified name either way.
	for si := range doc.DataServices.Schemas {
		for _, c := range doc.DataServices.Schemas[si].Containers {
			for _, xs := range c.Sets {
				t := svc.shapes[xs.EntityType]
				if t == nil {
					return nil, &errs.Error{Code: errs.CodeInternal,
						Message: fmt.Sprintf("$metadata: entity set %q has an undeclared type %q", xs.Name, xs.EntityType)}
				}
				if _, dup := svc.sets[xs.Name]; dup || xs.Name == "" {
					continue
				}
				svc.sets[xs.Name] = &entitySet{Name: xs.Name, Label: firstNonEmpty(xs.Label, xs.Summary, t.Label), shape: t}
				svc.names = append(svc.names, xs.Name)
			}
			for _, f := range c.Functions {
				fn := &function{Name: f.Name, HTTPMethod: strings.ToUpper(f.HTTPMethod), ReturnType: f.ReturnType}
				if fn.HTTPMethod == "" {
					fn.HTTPMethod = "GET"
				}
				for _, p := range f.Params {
					fn.Params = append(fn.Params, funcParam{Name: p.Name, Type: p.Type, Nullable: p.Nullable != "false"})
				}
				svc.functions[f.Name] = fn
			}
		}
	}
	return svc, nil
}

func buildShape(name string, t *xmlEntityType) *shape {
	sh := &shape{Type: name, Label: t.Label, byName: map[string]int{}}
	for _, k := range t.Key {
		sh.Key = append(sh.Key, k.Name)
	}
	for _, p := range t.Props {
		label := p.Label
		if label == "" {
			for _, a := range p.Annotations {
				if a.Term == "label" || strings.HasSuffix(a.Term, ":label") || strings.HasSuffix(a.Term, ".label") ||
					strings.HasSuffix(a.Term, ".Label") {
					label = a.String
					break
				}
			}
		}
		if label == "" {
			label = strings.TrimSpace(p.Summary)
		}
		sh.byName[p.Name] = len(sh.Props)
		sh.Props = append(sh.Props, property{
			Name: p.Name, Type: p.Type, Nullable: p.Nullable != "false", Label: label,
			Filterable: p.Filterable != "false", Sortable: p.Sortable != "false",
			DateOnly: p.Type == "Edm.DateTime" && strings.EqualFold(p.DisplayFormat, "Date"),
		})
	}
	return sh
}

// linkNavs adds the navigation properties, with their multiplicity (v2:
// the association end of ToRole; v4: a Collection type) and target shape.
func linkNavs(sh *shape, t *xmlEntityType, assocs map[string]*xmlAssociation, shapes map[string]*shape) {
	for _, n := range t.Navs {
		toMany := strings.HasPrefix(n.Type, "Collection(")
		target := strings.TrimSuffix(strings.TrimPrefix(n.Type, "Collection("), ")")
		if a := assocs[n.Relationship]; a != nil {
			for _, e := range a.Ends {
				if e.Role == n.ToRole {
					toMany = e.Multiplicity == "*"
					target = e.Type
				}
			}
		}
		sh.byName[n.Name] = -1 - len(sh.Navs)
		sh.Navs = append(sh.Navs, nav{Name: n.Name, ToMany: toMany, Label: n.Label, Target: shapes[target]})
	}
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x = strings.TrimSpace(x); x != "" {
			return x
		}
	}
	return ""
}

// charsetReader accepts the encodings an EDMX declaration names in
// practice: UTF-8 (any spelling) and US-ASCII, a subset of it.
func charsetReader(label string, r io.Reader) (io.Reader, error) {
	switch strings.ToLower(strings.ReplaceAll(label, "_", "-")) {
	case "utf-8", "utf8", "us-ascii", "ascii":
		return r, nil
	}
	return nil, fmt.Errorf("unsupported charset %q", label)
}

// prop returns the named property.
func (es *shape) prop(name string) (property, bool) {
	i, ok := es.byName[name]
	if !ok || i < 0 {
		return property{}, false
	}
	return es.Props[i], true
}

// navigation returns the named navigation property.
func (es *shape) navigation(name string) (nav, bool) {
	i, ok := es.byName[name]
	if !ok || i >= 0 {
		return nav{}, false
	}
	return es.Navs[-1-i], true
}

// entitySets returns the set names, sorted.
func (s *service) entitySets() []string {
	out := append([]string(nil), s.names...)
	sort.Strings(out)
	return out
}

// fieldType maps an Edm type to the portable type.
func fieldType(p property) connectors.FieldType {
	switch p.Type {
	case "Edm.String", "Edm.Guid", "Edm.Time", "Edm.TimeOfDay", "Edm.Duration":
		return connectors.TypeString
	case "Edm.Int16", "Edm.Int32", "Edm.Int64", "Edm.Byte", "Edm.SByte":
		return connectors.TypeInt
	case "Edm.Decimal", "Edm.Double", "Edm.Single":
		return connectors.TypeFloat
	case "Edm.Boolean":
		return connectors.TypeBool
	case "Edm.DateTime":
		if p.DateOnly {
			return connectors.TypeDate
		}
		return connectors.TypeDateTime
	case "Edm.DateTimeOffset":
		return connectors.TypeDateTime
	case "Edm.Date":
		return connectors.TypeDate
	case "Edm.Binary", "Edm.Stream":
		return connectors.TypeBinary
	}
	return connectors.TypeObject // complex types and anything unknown
}

// schema renders the entity set as a portable schema (navigation
// properties last, as object or array fields).
func (es *entitySet) schema() connectors.EntitySchema {
	s := connectors.EntitySchema{Entity: es.Name, Label: es.Label, Key: append([]string(nil), es.Key...)}
	if es.shape == nil {
		return s
	}
	for _, p := range es.Props {
		s.Fields = append(s.Fields, connectors.Field{Name: p.Name, Type: fieldType(p), VendorType: p.Type,
			Nullable: p.Nullable, Label: p.Label, Filterable: p.Filterable, Sortable: p.Sortable})
	}
	for _, n := range es.Navs {
		t := connectors.TypeObject
		if n.ToMany {
			t = connectors.TypeArray
		}
		s.Fields = append(s.Fields, connectors.Field{Name: n.Name, Type: t, VendorType: "Navigation", Nullable: true, Label: n.Label})
	}
	return s
}
