package connectors

import "iter"

// Record is one record: field name to value. Values are JSON-like: string,
// bool, int64, float64, time.Time, Date, nil, []any and map[string]any.
type Record map[string]any

// Clone returns a shallow copy.
func (r Record) Clone() Record {
	out := make(Record, len(r))
	for k, v := range r {
		out[k] = v
	}
	return out
}

// Select returns a copy holding only the named fields (all of them when
// fields is empty). A dotted name ("manager.employee_id") reaches into
// nested maps and is kept under the dotted name.
func (r Record) Select(fields []string) Record {
	if len(fields) == 0 {
		return r
	}
	out := make(Record, len(fields))
	for _, f := range fields {
		if v, ok := r.Lookup(f); ok {
			out[f] = v
		}
	}
	return out
}

// Lookup returns a field's value, following dots into nested maps when the
// dotted name is not itself a key.
func (r Record) Lookup(field string) (any, bool) {
	if v, ok := r[field]; ok {
		return v, true
	}
	var cur any = map[string]any(r)
	start := 0
	for i := 0; i <= len(field); i++ {
		if i < len(field) && field[i] != '.' {
			continue
		}
		m, ok := asMap(cur)
		if !ok {
			return nil, false
		}
		cur, ok = m[field[start:i]]
		if !ok {
			return nil, false
		}
		start = i + 1
	}
	return cur, true
}

func asMap(v any) (map[string]any, bool) {
	switch m := v.(type) {
	case map[string]any:
		return m, true
	case Record:
		return m, true
	}
	return nil, false
}

// Collect gathers a stream into a slice. It stops at the first error and
// returns the records gathered so far with it. Use it for small results; a
// stream of millions wants a range loop.
func Collect(seq iter.Seq2[Record, error]) ([]Record, error) {
	var out []Record
	for r, err := range seq {
		if err != nil {
			return out, err
		}
		out = append(out, r)
	}
	return out, nil
}

// Count drains a stream and returns the number of records.
func Count(seq iter.Seq2[Record, error]) (int, error) {
	n := 0
	for _, err := range seq {
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// Errored returns a stream that yields err once.
func Errored(err error) iter.Seq2[Record, error] {
	return func(yield func(Record, error) bool) { yield(nil, err) }
}

// FromSlice returns a stream over records.
func FromSlice(records []Record) iter.Seq2[Record, error] {
	return func(yield func(Record, error) bool) {
		for _, r := range records {
			if !yield(r, nil) {
				return
			}
		}
	}
}
