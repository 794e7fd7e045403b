package connkit

import (
	"context"
	"fmt"
	"sort"
	"strings"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/internal/errs"
)

// Entity is one row of a static entity table: the entity's name, the path
// the vendor serves it under (for the driver's own use), and its schema.
type Entity struct {
	Name   string
	Path   string
	Schema connectors.EntitySchema
}

// Table is a static entity table. It implements Driver's Entities and
// Schema: a driver with a fixed set of entities embeds one.
type Table struct {
	byName map[string]*Entity
	names  []string
}

// NewTable builds a table; a duplicate or empty name panics (tables are
// literals built at init). A schema without Entity gets the entity's name.
func NewTable(entities ...Entity) *Table {
	t := &Table{byName: make(map[string]*Entity, len(entities))}
	for i := range entities {
		e := entities[i]
		if e.Name == "" {
			panic(fmt.Sprintf("connkit: entity %d has no name", i))
		}
		if _, dup := t.byName[e.Name]; dup {
			panic("connkit: duplicate entity " + e.Name)
		}
		if e.Schema.Entity == "" {
			e.Schema.Entity = e.Name
		}
		t.byName[e.Name] = &e
		t.names = append(t.names, e.Name)
	}
	sort.Strings(t.names)
	return t
}

// Lookup returns the named entity.
func (t *Table) Lookup(name string) (*Entity, bool) {
	e, ok := t.byName[name]
	return e, ok
}

// Names lists the entity names, sorted.
func (t *Table) Names() []string { return append([]string(nil), t.names...) }

// Entities lists the entity names, sorted.
func (t *Table) Entities(context.Context) ([]string, error) { return t.Names(), nil }

// Schema returns a copy of the entity's schema; an unknown entity is
// NOT_FOUND (UnknownEntity).
func (t *Table) Schema(_ context.Context, name string) (connectors.EntitySchema, error) {
	e, ok := t.byName[name]
	if !ok {
		return connectors.EntitySchema{}, t.UnknownEntity(name)
	}
	s := e.Schema
	s.Key = append([]string(nil), s.Key...)
	s.Fields = append([]connectors.Field(nil), s.Fields...)
	return s, nil
}

// UnknownEntity is the NOT_FOUND error for a name not in the table, naming
// the known ones (Details["entity"], Details["known"]).
func (t *Table) UnknownEntity(name string) *errs.Error {
	return (&errs.Error{Code: errs.CodeNotFound,
		Message: fmt.Sprintf("no entity %q (known: %s)", Bound(name, 128), strings.Join(t.names, ", "))}).
		WithDetail("entity", Bound(name, 128)).WithDetail("known", t.Names())
}
