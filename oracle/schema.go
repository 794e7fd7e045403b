package oracle

import (
	"context"
	"net/url"
	"sort"

	connectors "github.com/xlr8/connectors"
)

// describe is the part of a resource's describe the connector reads.
type describe struct {
	Title      string `json:"title"`
	Attributes []struct {
		Name      string `json:"name"`
		Type      string `json:"type"`
		Queryable bool   `json:"queryable"`
		Mandatory bool   `json:"mandatory"`
	} `json:"attributes"`
	Children map[string]describe `json:"children"`
}

// Schema reads the resource's describe (once per connector): its
// attributes with their types and whether q= may filter on them, and its
// children's attributes as child.Attr paths (filtered client side).
func (d *driver) Schema(ctx context.Context, name string) (connectors.EntitySchema, error) {
	e, ok := d.table.lookup(name)
	if !ok {
		return connectors.EntitySchema{}, connectors.Errorf(connectors.CodeNotFound, "oracle: no entity %q (known: %v)", name, d.table.names())
	}
	d.mu.Lock()
	s, ok := d.schemas[name]
	d.mu.Unlock()
	if ok {
		return s, nil
	}
	var body struct {
		Resources map[string]describe `json:"Resources"`
	}
	if _, err := d.client.GetJSON(ctx, d.resourceURL(e, url.Values{}, "describe"), nil, &body); err != nil {
		return connectors.EntitySchema{}, err
	}
	desc, ok := body.Resources[name]
	if !ok || len(desc.Attributes) == 0 {
		return connectors.EntitySchema{}, connectors.Errorf(connectors.CodeInternal, "oracle: the describe of %s has no attributes", name)
	}
	s = connectors.EntitySchema{Entity: name, Label: desc.Title, Key: []string{e.key}}
	addFields(&s, "", desc, true)
	d.mu.Lock()
	d.schemas[name] = s
	d.mu.Unlock()
	return s, nil
}

func addFields(s *connectors.EntitySchema, prefix string, desc describe, top bool) {
	for _, a := range desc.Attributes {
		s.Fields = append(s.Fields, connectors.Field{Name: prefix + a.Name, Type: fieldType(a.Type), VendorType: a.Type,
			Nullable: !a.Mandatory, Label: a.Name, Filterable: top && a.Queryable, Sortable: top && a.Queryable})
	}
	names := make([]string, 0, len(desc.Children))
	for name := range desc.Children {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		c := desc.Children[name]
		s.Fields = append(s.Fields, connectors.Field{Name: prefix + name, Type: connectors.TypeArray, VendorType: "collection", Nullable: true})
		addFields(s, prefix+name+".", c, false)
	}
}

// fieldType maps a describe type to a portable one.
func fieldType(t string) connectors.FieldType {
	switch t {
	case "integer":
		return connectors.TypeInt
	case "number":
		return connectors.TypeFloat
	case "boolean":
		return connectors.TypeBool
	case "date":
		return connectors.TypeDate
	case "datetime", "timestamp":
		return connectors.TypeDateTime
	}
	return connectors.TypeString
}
