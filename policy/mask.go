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
// changes is copied. A record without personal fields costs no allocation.
func (m *masker) mask(rec map[string]any, g grantSet) (map[string]any, []string) {
	return m.maskLazy(rec, func() grantSet { return g })
}

// maskLazy is mask with the grants computed only when a personal field is
// found (most records have none).
func (m *masker) maskLazy(rec map[string]any, grants func() grantSet) (map[string]any, []string) {
	var pathBuf, bareBuf [96]byte
	w := maskWalk{m: m, grants: grants, path: pathBuf[:0], bare: bareBuf[:0]}
	out, _ := w.object(rec)
	if len(w.paths) == 0 {
		return rec, nil
	}
	sort.Strings(w.paths)
	return out, slices.Compact(w.paths)
}

// maskWalk walks one value. path is the dotted path of the value being
// walked, with "[]" after array fields (as reported); bare is the same
// without the "[]" (as the vocabulary names product fields). Both are
// reused buffers: a string is made only for a field that is masked.
type maskWalk struct {
	m      *masker
	grants func() grantSet
	g      grantSet
	gDone  bool
	path   []byte
	bare   []byte
	paths  []string
}

func (w *maskWalk) object(in map[string]any) (map[string]any, bool) {
	var out map[string]any
	pl, bl := len(w.path), len(w.bare)
	for k, v := range in {
		if pl > 0 {
			w.path = append(w.path, '.')
			w.bare = append(w.bare, '.')
		}
		w.path = append(w.path, k...)
		w.bare = append(w.bare, k...)
		cat, personal := w.m.byKey[k]
		if !personal {
			cat, personal = w.m.byPath[string(w.bare)] // no allocation for a map lookup
		}
		var nv any
		changed := false
		if personal && v != nil && !w.allows(cat) {
			nv, changed = Masked, true
			w.paths = append(w.paths, string(w.path))
		} else {
			nv, changed = w.value(v)
		}
		w.path, w.bare = w.path[:pl], w.bare[:bl]
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

func (w *maskWalk) allows(category string) bool {
	if !w.gDone {
		w.g, w.gDone = w.grants(), true
	}
	return w.g.allows(category)
}

func (w *maskWalk) value(v any) (any, bool) {
	switch x := v.(type) {
	case map[string]any:
		return w.object(x)
	case connectors.Record:
		r, ch := w.object(x)
		return connectors.Record(r), ch
	case []any:
		return maskEach(w, x, func(e any) (any, bool) { return w.value(e) })
	case []map[string]any:
		return maskEach(w, x, func(e map[string]any) (map[string]any, bool) { return w.object(e) })
	}
	return v, false
}

// maskEach masks every element of a slice (its path marked "[]"), copying
// the slice only when an element changed.
func maskEach[T any](w *maskWalk, x []T, f func(T) (T, bool)) (any, bool) {
	pl := len(w.path)
	w.path = append(w.path, "[]"...)
	defer func() { w.path = w.path[:pl] }()
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
