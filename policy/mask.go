package policy

import (
	"slices"
	"sort"
	"strings"
	"sync"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/translate"
)

// Masked replaces the value of a personal field the principal may not see.
const Masked = "[masked]"

// MaskedKey is the key Enforce adds to an Execute result that had fields
// masked: the sorted paths of those fields ("address", "reports[].birth_date"),
// never their values.
const MaskedKey = "__masked__"

// masker knows which record keys hold personal data, and of which category.
type masker struct {
	// byKey maps a key, wherever it stands, to its category: the canonical
	// names and synonyms of the vocabulary's personal fields.
	byKey map[string]string
	// byPath maps a product's dotted field paths (from the record root) to
	// their category: the product's own names for the personal fields.
	byPath map[string]string
}

var maskers sync.Map // product -> *masker

// maskerFor builds (once per product) the masker from the vocabulary: every
// field marked personal, under its canonical name, its synonyms, and the
// product's name for it.
func maskerFor(product string) *masker {
	if m, ok := maskers.Load(product); ok {
		return m.(*masker)
	}
	v := translate.Default()
	m := &masker{byKey: map[string]string{}, byPath: map[string]string{}}
	for _, name := range v.Entities() {
		e, err := v.Entity(name)
		if err != nil {
			continue
		}
		for _, f := range e.Fields {
			if f.Personal == "" {
				continue
			}
			m.byKey[f.Name] = f.Personal
			for _, s := range f.Synonyms {
				if strings.ContainsAny(s, " ") {
					continue
				}
				m.byKey[s] = f.Personal
			}
			if mp, ok := e.Products[product]; ok {
				if fm, ok := mp.Fields[f.Name]; ok {
					m.byPath[strings.ReplaceAll(fm.Name, "/", ".")] = f.Personal
				}
			}
		}
	}
	actual, _ := maskers.LoadOrStore(product, m)
	return actual.(*masker)
}

// grantSet is the categories a principal sees unmasked.
type grantSet []string

func (g grantSet) allows(category string) bool {
	return slices.Contains(g, "*") || slices.Contains(g, category)
}

// mask returns rec with the personal fields the grants do not cover replaced
// by Masked, and the paths it masked. rec itself is never modified: what
// changes is copied.
func (m *masker) mask(rec map[string]any, g grantSet) (map[string]any, []string) {
	if g.allows("*") {
		return rec, nil
	}
	var paths []string
	out, _ := m.maskMap(rec, "", g, &paths)
	if len(paths) == 0 {
		return rec, nil
	}
	sort.Strings(paths)
	return out, slices.Compact(paths)
}

func (m *masker) maskMap(in map[string]any, prefix string, g grantSet, paths *[]string) (map[string]any, bool) {
	var out map[string]any
	for k, v := range in {
		path := k
		if prefix != "" {
			path = prefix + "." + k
		}
		cat, personal := m.byKey[k]
		if !personal {
			cat, personal = m.byPath[stripArrays(path)]
		}
		var nv any
		changed := false
		if personal && v != nil && !g.allows(cat) {
			nv, changed = Masked, true
			*paths = append(*paths, path)
		} else {
			nv, changed = m.maskValue(v, path, g, paths)
		}
		if changed {
			if out == nil {
				out = make(map[string]any, len(in))
				for k2, v2 := range in {
					out[k2] = v2
				}
			}
			out[k] = nv
		}
	}
	if out == nil {
		return in, false
	}
	return out, true
}

func (m *masker) maskValue(v any, path string, g grantSet, paths *[]string) (any, bool) {
	switch x := v.(type) {
	case map[string]any:
		return m.maskMap(x, path, g, paths)
	case connectors.Record:
		r, ch := m.maskMap(x, path, g, paths)
		return connectors.Record(r), ch
	case []any:
		return maskEach(x, func(e any) (any, bool) { return m.maskValue(e, path+"[]", g, paths) })
	case []map[string]any:
		return maskEach(x, func(e map[string]any) (map[string]any, bool) { return m.maskMap(e, path+"[]", g, paths) })
	}
	return v, false
}

// maskEach masks every element of a slice, copying the slice only when an
// element changed.
func maskEach[T any](x []T, f func(T) (T, bool)) (any, bool) {
	var out []T
	for i, e := range x {
		if ne, ch := f(e); ch {
			if out == nil {
				out = slices.Clone(x)
			}
			out[i] = ne
		}
	}
	if out == nil {
		return x, false
	}
	return out, true
}

func stripArrays(path string) string {
	if !strings.Contains(path, "[]") {
		return path
	}
	return strings.ReplaceAll(path, "[]", "")
}
