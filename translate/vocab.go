package translate

import (
	"bytes"
	_ "embed"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"sync"

	connectors "github.com/xlr8/connectors"
	"go.yaml.in/yaml/v3"
)

//go:embed vocabulary.yaml
var vocabularyYAML []byte

// Dialect names a product family's query language.
type Dialect string

// The dialects.
const (
	DialectSOQL      Dialect = "soql"      // Salesforce
	DialectODataSF   Dialect = "odata_sf"  // SuccessFactors OData v2 (with its in operator)
	DialectODataS4   Dialect = "odata_s4"  // S/4HANA OData v2
	DialectOracle    Dialect = "oracle"    // Oracle Fusion REST q=, fields=, orderBy=, limit
	DialectParams    Dialect = "params"    // Workday REST/RaaS and UKG: query parameters, mostly residual
	DialectUniversal Dialect = "universal" // the universal language itself (the Workday simulator)
)

// CanonicalProduct is the pseudo-product whose names are the canonical
// vocabulary's; Translate accepts it as from or to.
const CanonicalProduct = "canonical"

// Product is one product of DESIGN.md and the dialect it speaks.
type Product struct {
	ID      string  `yaml:"id"`
	Name    string  `yaml:"name"`
	Dialect Dialect `yaml:"dialect"`
}

// Field is a canonical field.
type Field struct {
	Name string `yaml:"name"`
	// Type is the canonical portable type.
	Type connectors.FieldType `yaml:"type"`
	// Values lists the canonical values of an enumerated field (status ...).
	Values []string `yaml:"values,omitempty"`
	// Synonyms are other names people use for the field.
	Synonyms []string `yaml:"synonyms,omitempty"`
	// Personal is the personal-data category of a field that identifies or
	// describes a person beyond their work directory entry (one of
	// PersonalCategories), "" for other fields. Package policy masks such
	// fields unless the caller's role grants the category.
	Personal string `yaml:"personal,omitempty"`
}

// The personal-data categories of Field.Personal.
const (
	PersonalNationalID = "national_id"      // national identifiers (SSN, tax id), or parts of them
	PersonalBirthDate  = "birth_date"       // date of birth
	PersonalContact    = "personal_contact" // personal email, phone, emergency contact
	PersonalAddress    = "address"          // home address
	PersonalPay        = "pay"              // salary, pay rates, pay statement amounts
)

// PersonalCategories lists the personal-data categories, in a fixed order.
func PersonalCategories() []string {
	return []string{PersonalNationalID, PersonalBirthDate, PersonalContact, PersonalAddress, PersonalPay}
}

// FieldMap is one product's name and encoding for a canonical field.
type FieldMap struct {
	// Name is the product's field: dots reach into child objects, "/" is an
	// OData navigation path.
	Name string `yaml:"name"`
	// Type is the product's portable type when it differs from the
	// canonical one (a status held as a boolean, a date as a datetime).
	Type connectors.FieldType `yaml:"type,omitempty"`
	// VendorType is the product's own type name (Edm.Int64 ...).
	VendorType string `yaml:"vendor_type,omitempty"`
	// Values maps canonical values to the product's.
	Values map[string]any `yaml:"values,omitempty"`
	// WQL is the field's Workday Query Language alias when it differs from
	// Name (workerId is employeeID); see Mapping.WQL.
	WQL string `yaml:"wql,omitempty"`
}

// UnmarshalYAML accepts a bare name or the full map.
func (f *FieldMap) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		f.Name = n.Value
		return nil
	}
	type plain FieldMap
	return n.Decode((*plain)(f))
}

// Param is a query parameter a product accepts as a filter (the params
// dialect): Field Op value becomes Name=value.
type Param struct {
	// Field is the product's field the parameter filters.
	Field string `yaml:"field"`
	// Op is the operator the parameter expresses (eq, in, ge, le, gt, lt,
	// starts_with, contains).
	Op connectors.Op `yaml:"op"`
	// Name is the parameter's name.
	Name string `yaml:"name"`
	// Exact false means the server's filter is looser than the predicate
	// (a date range by day, a case-insensitive name search): the predicate
	// is sent and also kept in the residual. Default true.
	Exact *bool `yaml:"exact,omitempty"`
	// MinLen is the shortest text value the server accepts.
	MinLen int `yaml:"min_len,omitempty"`
	// Layout formats date and time values (Go layout); default RFC 3339 for
	// times and 2006-01-02 for dates.
	Layout string `yaml:"layout,omitempty"`
	// Sep joins the values of an in parameter; empty repeats the parameter.
	Sep string `yaml:"sep,omitempty"`
	// Style, when set, renders values in a vendor's own operator syntax
	// (StyleUKGDate).
	Style string `yaml:"style,omitempty"`
}

// StyleUKGDate is UKG Pro's date parameter syntax: the operator travels in
// the value, after the "=" of the query string, and dates are MM-DD-YYYY:
// dateTimeChanged=>01-31-2024 (ge and gt), =<01-31-2024 (le and lt),
// =01-31-2024 (eq), and ={01-01-2024,01-31-2024} when a lower and an upper
// bound meet on one parameter. The server compares by day and UKG does not
// say whether > and < include the day, so bounds are widened by a day and
// the parameter is never exact: its predicates stay in the residual too.
const StyleUKGDate = "ukg_date"

func (p Param) exact() bool { return p.Style != StyleUKGDate && (p.Exact == nil || *p.Exact) }

// Mapping is one product's names for a canonical entity.
type Mapping struct {
	Product string `yaml:"-"`
	// Canonical is the canonical entity's name.
	Canonical string `yaml:"-"`
	// Entity is the product's entity (sObject, entity set, resource ...).
	Entity string `yaml:"entity"`
	// Service is the OData service holding the entity set, when there is one.
	Service string `yaml:"service,omitempty"`
	// Fields maps canonical field names to the product's.
	Fields map[string]FieldMap `yaml:"fields"`
	// Params are the entity's filter parameters (params dialect).
	Params []Param `yaml:"params,omitempty"`
	// WQL is the Workday Query Language data source holding the entity
	// (allWorkers): Render then writes WQL, each field by its WQL alias
	// (FieldMap.WQL, else Name when Name is a plain alias).
	WQL string `yaml:"wql,omitempty"`

	byNative map[string]string
}

// Entity is a canonical entity and its products' names for it.
type Entity struct {
	Name     string   `yaml:"name"`
	Label    string   `yaml:"label"`
	Synonyms []string `yaml:"synonyms"`
	Key      []string `yaml:"key"`
	Fields   []Field  `yaml:"fields"`
	// Products maps product ids to their names for the entity.
	Products map[string]*Mapping `yaml:"products"`
	// Configuration marks entities that describe how a system is set up
	// (organizations, codes, plans, picklists) rather than what happens in
	// it: they change rarely, and package gather caches them.
	Configuration bool `yaml:"configuration,omitempty"`

	fieldIndex map[string]int
}

// Field returns the canonical field named name (or one of its synonyms).
func (e *Entity) Field(name string) (Field, error) {
	if i, ok := e.fieldIndex[name]; ok {
		return e.Fields[i], nil
	}
	if i, ok := e.fieldIndex[normWord(name)]; ok {
		return e.Fields[i], nil
	}
	return Field{}, unknownName("field", name, "on "+e.Name, e.FieldNames())
}

// FieldNames lists the canonical fields in declaration order.
func (e *Entity) FieldNames() []string {
	out := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		out[i] = f.Name
	}
	return out
}

// ProductIDs lists the products holding the entity, sorted.
func (e *Entity) ProductIDs() []string {
	out := make([]string, 0, len(e.Products))
	for id := range e.Products {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// Vocabulary is the canonical vocabulary: entities, fields, products and
// the names each product gives them. It is immutable once loaded and safe
// for concurrent use.
type Vocabulary struct {
	products  []Product
	entities  []*Entity
	byProduct map[string]int
	byEntity  map[string]*Entity
	synonyms  map[string]string // normalized word -> entity
}

type vocabFile struct {
	Products []Product `yaml:"products"`
	Entities []*Entity `yaml:"entities"`
}

var defaultVocab = sync.OnceValues(func() (*Vocabulary, error) { return Load(bytes.NewReader(vocabularyYAML)) })

// Default returns the vocabulary embedded in the package. The embedded data
// is checked by the package's tests; should it ever fail to load, Default
// panics with the load error (a build defect, not bad input).
func Default() *Vocabulary {
	v, err := defaultVocab()
	if err != nil {
		panic("translate: embedded vocabulary: " + err.Error())
	}
	return v
}

// Load reads a vocabulary in the embedded file's YAML shape and checks it:
// known dialects and types, unique names, every mapping naming a canonical
// field that exists, value maps over declared values, parameters on mapped
// fields. Errors are INVALID_ARGUMENT.
func Load(r io.Reader) (*Vocabulary, error) {
	var f vocabFile
	dec := yaml.NewDecoder(r)
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, invalidf("vocabulary: %v", err)
	}
	v := &Vocabulary{byProduct: map[string]int{}, byEntity: map[string]*Entity{}, synonyms: map[string]string{}}
	for i, p := range f.Products {
		if p.ID == "" {
			return nil, invalidf("vocabulary: product %d has no id", i)
		}
		switch p.Dialect {
		case DialectSOQL, DialectODataSF, DialectODataS4, DialectOracle, DialectParams, DialectUniversal:
		default:
			return nil, invalidf("vocabulary: product %q has unknown dialect %q", p.ID, p.Dialect)
		}
		if _, dup := v.byProduct[p.ID]; dup || p.ID == CanonicalProduct {
			return nil, invalidf("vocabulary: product %q declared twice or reserved", p.ID)
		}
		v.byProduct[p.ID] = len(v.products)
		v.products = append(v.products, p)
	}
	for _, e := range f.Entities {
		if err := v.addEntity(e); err != nil {
			return nil, err
		}
	}
	return v, nil
}

func (v *Vocabulary) addEntity(e *Entity) error {
	if e == nil || e.Name == "" {
		return invalidf("vocabulary: an entity has no name")
	}
	if _, dup := v.byEntity[e.Name]; dup {
		return invalidf("vocabulary: entity %q declared twice", e.Name)
	}
	e.fieldIndex = map[string]int{}
	for i, f := range e.Fields {
		if f.Name == "" {
			return invalidf("vocabulary: %s: field %d has no name", e.Name, i)
		}
		switch f.Type {
		case connectors.TypeString, connectors.TypeInt, connectors.TypeFloat, connectors.TypeBool,
			connectors.TypeDate, connectors.TypeDateTime:
		default:
			return invalidf("vocabulary: %s.%s has unknown type %q", e.Name, f.Name, f.Type)
		}
		if _, dup := e.fieldIndex[f.Name]; dup {
			return invalidf("vocabulary: %s.%s declared twice", e.Name, f.Name)
		}
		if f.Personal != "" && !slices.Contains(PersonalCategories(), f.Personal) {
			return invalidf("vocabulary: %s.%s has unknown personal category %q (want one of %v)", e.Name, f.Name, f.Personal, PersonalCategories())
		}
		e.fieldIndex[f.Name] = i
	}
	// Synonyms resolve only where they do not shadow a field name.
	for i, f := range e.Fields {
		for _, s := range f.Synonyms {
			if _, taken := e.fieldIndex[normWord(s)]; !taken {
				e.fieldIndex[normWord(s)] = i
			}
		}
	}
	for _, k := range e.Key {
		if _, ok := e.fieldIndex[k]; !ok {
			return invalidf("vocabulary: %s key %q is not a field", e.Name, k)
		}
	}
	for pid, m := range e.Products {
		if _, ok := v.byProduct[pid]; !ok {
			return invalidf("vocabulary: %s maps unknown product %q", e.Name, pid)
		}
		if m == nil || m.Entity == "" {
			return invalidf("vocabulary: %s on %s has no product entity", e.Name, pid)
		}
		m.Product, m.Canonical = pid, e.Name
		m.byNative = map[string]string{}
		for cf, fm := range m.Fields {
			fi, ok := e.fieldIndex[cf]
			if !ok || e.Fields[fi].Name != cf {
				return invalidf("vocabulary: %s on %s maps %q, which is not a canonical field of %s", e.Name, pid, cf, e.Name)
			}
			if fm.Name == "" {
				return invalidf("vocabulary: %s.%s on %s has no product name", e.Name, cf, pid)
			}
			if prev, dup := m.byNative[fm.Name]; dup {
				return invalidf("vocabulary: %s on %s maps %q and %q to the same field %q", e.Name, pid, prev, cf, fm.Name)
			}
			m.byNative[fm.Name] = cf
			cfield := e.Fields[fi]
			for cv := range fm.Values {
				if len(cfield.Values) > 0 && !slices.Contains(cfield.Values, cv) {
					return invalidf("vocabulary: %s.%s on %s maps value %q, which is not one of %v", e.Name, cf, pid, cv, cfield.Values)
				}
			}
			if len(fm.Values) > 0 {
				seen := map[string]string{}
				for cv, nv := range fm.Values {
					k := valueKey(nv)
					if prev, dup := seen[k]; dup {
						return invalidf("vocabulary: %s.%s on %s maps %q and %q to the same value", e.Name, cf, pid, prev, cv)
					}
					seen[k] = cv
				}
			}
		}
		for _, p := range m.Params {
			if _, ok := m.byNative[p.Field]; !ok {
				return invalidf("vocabulary: %s on %s has parameter %q on unmapped field %q", e.Name, pid, p.Name, p.Field)
			}
			if !p.Op.Valid() || p.Op == connectors.OpIsNull || p.Name == "" {
				return invalidf("vocabulary: %s on %s has a bad parameter %+v", e.Name, pid, p)
			}
		}
	}
	v.byEntity[e.Name] = e
	v.entities = append(v.entities, e)
	for _, w := range append([]string{e.Name, e.Label}, e.Synonyms...) {
		k := normWord(w)
		if other, dup := v.synonyms[k]; dup && other != e.Name {
			return invalidf("vocabulary: synonym %q names both %s and %s", w, other, e.Name)
		}
		v.synonyms[k] = e.Name
	}
	return nil
}

func valueKey(v any) string { return fmt.Sprintf("%T:%v", v, v) }

// normWord folds case and separators: "Time Off" and "time_off" agree.
func normWord(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '.' {
			return '_'
		}
		return r
	}, s)
}

// Products lists the products.
func (v *Vocabulary) Products() []Product { return slices.Clone(v.products) }

// Product returns a product by id.
func (v *Vocabulary) Product(id string) (Product, error) {
	if i, ok := v.byProduct[id]; ok {
		return v.products[i], nil
	}
	known := make([]string, len(v.products))
	for i, p := range v.products {
		known[i] = p.ID
	}
	return Product{}, unknownName("product", id, "", known)
}

// Entities lists the canonical entity names in declaration order.
func (v *Vocabulary) Entities() []string {
	out := make([]string, len(v.entities))
	for i, e := range v.entities {
		out[i] = e.Name
	}
	return out
}

// Entity returns a canonical entity by name or synonym ("employees" gives
// worker).
func (v *Vocabulary) Entity(name string) (*Entity, error) {
	if e, ok := v.byEntity[name]; ok {
		return e, nil
	}
	if n, ok := v.synonyms[normWord(name)]; ok {
		return v.byEntity[n], nil
	}
	return nil, unknownName("entity", name, "", v.Entities())
}

// Resolve maps a word people use to a canonical entity ("staff", "PTO",
// "deals"); ok is false when it names none.
func (v *Vocabulary) Resolve(word string) (entity string, ok bool) {
	entity, ok = v.synonyms[normWord(word)]
	return entity, ok
}

// Detect finds the canonical entities a free-text question mentions,
// through names and synonyms, in order of first mention: "workers hired
// since January in Engineering" gives [worker]. Longer phrases win over
// the words inside them.
func (v *Vocabulary) Detect(text string) []string {
	var out []string
	for _, d := range v.DetectTerms(text) {
		out = append(out, d.Entity)
	}
	return out
}

// Detection is one entity a text mentions, and the words that named it.
type Detection struct {
	Entity string `json:"entity"`
	Term   string `json:"term"`
}

// DetectTerms is Detect with the words that matched each entity (the first
// mention of each), for explaining why an entity was chosen.
func (v *Vocabulary) DetectTerms(text string) []Detection {
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r > 127)
	})
	var out []Detection
	seen := map[string]bool{}
	for i := 0; i < len(words); {
		matched := 0
		for n := min(4, len(words)-i); n >= 1; n-- {
			if e, ok := v.synonyms[strings.Join(words[i:i+n], "_")]; ok {
				if !seen[e] {
					seen[e] = true
					out = append(out, Detection{Entity: e, Term: strings.Join(words[i:i+n], " ")})
				}
				matched = n
				break
			}
		}
		i += max(1, matched)
	}
	return out
}

// Mapping returns a product's names for a canonical entity. A product that
// does not hold the entity gives an UNSUPPORTED error naming both.
func (v *Vocabulary) Mapping(product, entity string) (*Mapping, error) {
	if _, err := v.Product(product); err != nil {
		return nil, err
	}
	e, err := v.Entity(entity)
	if err != nil {
		return nil, err
	}
	m, ok := e.Products[product]
	if !ok {
		return nil, unsupportedf("%s holds no %s (the canonical entity %q is mapped for: %s)",
			product, e.Name, e.Name, strings.Join(e.ProductIDs(), ", ")).
			WithDetail("product", product).WithDetail("entity", e.Name)
	}
	return m, nil
}

// ProductEntity finds the canonical entity a product's entity name maps,
// ignoring case when there is no exact match.
func (v *Vocabulary) ProductEntity(product, native string) (*Mapping, error) {
	if _, err := v.Product(product); err != nil {
		return nil, err
	}
	var known []string
	var fold *Mapping
	for _, e := range v.entities {
		if m, ok := e.Products[product]; ok {
			if m.Entity == native {
				return m, nil
			}
			if strings.EqualFold(m.Entity, native) {
				fold = m
			}
			known = append(known, m.Entity)
		}
	}
	if fold != nil {
		return fold, nil
	}
	if held := v.heldElsewhere(native); held != "" {
		return nil, unsupportedf("%s has no entity %q in the vocabulary (%q is %s's name for the canonical %s)",
			product, native, native, v.mappingOwner(native), held).WithDetail("product", product).WithDetail("entity", native)
	}
	return nil, unknownName("entity", native, "of "+product, known)
}

func (v *Vocabulary) heldElsewhere(native string) string {
	for _, e := range v.entities {
		for _, m := range e.Products {
			if strings.EqualFold(m.Entity, native) {
				return e.Name
			}
		}
	}
	return ""
}

func (v *Vocabulary) mappingOwner(native string) string {
	var owners []string
	for _, e := range v.entities {
		for pid, m := range e.Products {
			if strings.EqualFold(m.Entity, native) {
				owners = append(owners, pid)
			}
		}
	}
	sort.Strings(owners)
	return strings.Join(owners, "/")
}

// Field returns the product's mapping of a canonical field (by name or
// synonym). An unmapped field is UNSUPPORTED, an unknown one
// INVALID_ARGUMENT with a suggestion.
func (m *Mapping) field(e *Entity, name string) (Field, FieldMap, error) {
	f, err := e.Field(name)
	if err != nil {
		return Field{}, FieldMap{}, err
	}
	fm, ok := m.Fields[f.Name]
	if !ok {
		return f, FieldMap{}, unsupportedf("%s has no field for %s.%s on %s (mapped: %s)",
			m.Product, e.Name, f.Name, m.Entity, strings.Join(m.CanonicalFields(), ", ")).
			WithDetail("product", m.Product).WithDetail("field", e.Name+"."+f.Name)
	}
	return f, fm, nil
}

// CanonicalFields lists the canonical fields the product maps, sorted.
func (m *Mapping) CanonicalFields() []string {
	out := make([]string, 0, len(m.Fields))
	for k := range m.Fields {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// NativeFields lists the product's field names the mapping knows, sorted.
func (m *Mapping) NativeFields() []string {
	out := make([]string, 0, len(m.byNative))
	for k := range m.byNative {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Canonical returns the canonical field a product field maps, if any.
func (m *Mapping) CanonicalOf(native string) (string, bool) {
	c, ok := m.byNative[native]
	return c, ok
}

// Schema describes a product's entity from the vocabulary: the product's
// field names with their portable types (the product's where it differs),
// vendor types and canonical names. Vendors that describe entities live
// (Salesforce describe, $metadata) should prefer that; this is the
// fallback and what Translate uses.
func (v *Vocabulary) Schema(product, entity string) (connectors.EntitySchema, error) {
	m, err := v.Mapping(product, entity)
	if err != nil {
		return connectors.EntitySchema{}, err
	}
	e := v.byEntity[m.Canonical]
	s := connectors.EntitySchema{Entity: m.Entity, Canonical: e.Name, Label: e.Label}
	for _, k := range e.Key {
		if fm, ok := m.Fields[k]; ok {
			s.Key = append(s.Key, fm.Name)
		}
	}
	for _, f := range e.Fields {
		fm, ok := m.Fields[f.Name]
		if !ok {
			continue
		}
		t := f.Type
		if fm.Type != "" {
			t = fm.Type
		}
		s.Fields = append(s.Fields, connectors.Field{
			Name: fm.Name, Type: t, VendorType: fm.VendorType, Canonical: f.Name,
			Nullable: true, Label: f.Name, Filterable: true, Sortable: true,
		})
	}
	return s, nil
}

// CanonicalSchema describes a canonical entity in canonical names.
func (v *Vocabulary) CanonicalSchema(entity string) (connectors.EntitySchema, error) {
	e, err := v.Entity(entity)
	if err != nil {
		return connectors.EntitySchema{}, err
	}
	s := connectors.EntitySchema{Entity: e.Name, Canonical: e.Name, Label: e.Label, Key: slices.Clone(e.Key)}
	for _, f := range e.Fields {
		s.Fields = append(s.Fields, connectors.Field{Name: f.Name, Type: f.Type, Canonical: f.Name,
			Nullable: true, Label: f.Name, Filterable: true, Sortable: true})
	}
	return s, nil
}
