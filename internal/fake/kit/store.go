package kit

import (
	"slices"
	"sync"
)

// Record is one stored record: field name to value, in whatever typed form
// the vendor's fake keeps (strings, float64, bool, time.Time, nil, nested
// records for children).
type Record = map[string]any

// Store is a fake's records, one Table per entity. It is safe for
// concurrent use.
type Store struct {
	mu     sync.Mutex
	tables map[string]*Table
}

// NewStore returns an empty store.
func NewStore() *Store { return &Store{tables: map[string]*Table{}} }

// Table returns the named table, creating it empty.
func (s *Store) Table(name string) *Table {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.tables[name]
	if t == nil {
		t = &Table{deleted: map[int]bool{}}
		s.tables[name] = t
	}
	return t
}

// Lookup returns the named table, or nil.
func (s *Store) Lookup(name string) *Table {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tables[name]
}

// Names lists the tables, sorted.
func (s *Store) Names() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.tables))
	for n := range s.tables {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// Table is an entity's records: stored, or generated on demand (so that a
// benchmark's fake holds none of its million rows). Rows are addressed by
// index; a deleted row keeps its index and is marked, for vendors that
// show soft-deleted rows to some reads. It is safe for concurrent use.
type Table struct {
	mu      sync.RWMutex
	rows    []Record
	gen     func(i int) Record
	n       int
	deleted map[int]bool
}

// Seed replaces the table's rows with recs (kept, not copied).
func (t *Table) Seed(recs []Record) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.rows, t.gen, t.n, t.deleted = recs, nil, len(recs), map[int]bool{}
}

// Generate replaces the table's rows with n rows computed by gen on each
// read.
func (t *Table) Generate(n int, gen func(i int) Record) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.rows, t.gen, t.n, t.deleted = nil, gen, n, map[int]bool{}
}

// Generated reports whether the rows are generated.
func (t *Table) Generated() bool {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.gen != nil
}

// Append adds a row and returns its index. A generated table becomes a
// stored one first (its rows are materialised).
func (t *Table) Append(r Record) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.gen != nil {
		rows := make([]Record, t.n)
		for i := range rows {
			rows[i] = t.gen(i)
		}
		t.rows, t.gen = rows, nil
	}
	t.rows = append(t.rows, r)
	t.n = len(t.rows)
	return t.n - 1
}

// Len is the number of rows, deleted ones included.
func (t *Table) Len() int {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.n
}

// At returns row i (nil when out of range). A stored row is returned as
// kept: do not modify it.
func (t *Table) At(i int) Record {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if i < 0 || i >= t.n {
		return nil
	}
	if t.gen != nil {
		return t.gen(i)
	}
	return t.rows[i]
}

// Delete marks row i deleted.
func (t *Table) Delete(i int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if i >= 0 && i < t.n {
		t.deleted[i] = true
	}
}

// Deleted reports whether row i is marked deleted.
func (t *Table) Deleted(i int) bool {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.deleted[i]
}

// HasDeleted reports whether any row is marked deleted.
func (t *Table) HasDeleted() bool {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return len(t.deleted) > 0
}

// Find returns the indexes of the live (not deleted) rows keep accepts,
// in order; a nil keep accepts every live row.
func (t *Table) Find(keep func(r Record) bool) []int {
	n := t.Len()
	var out []int
	for i := 0; i < n; i++ {
		if t.Deleted(i) {
			continue
		}
		if keep == nil || keep(t.At(i)) {
			out = append(out, i)
		}
	}
	return out
}

// Index returns the first live row whose field equals value.
func (t *Table) Index(field string, value any) (int, bool) {
	n := t.Len()
	for i := 0; i < n; i++ {
		if !t.Deleted(i) && t.At(i)[field] == value {
			return i, true
		}
	}
	return -1, false
}
