package jsonpage

import connectors "github.com/xlr8/connectors"

// Page is one decoded page: its records and the paging fields its body
// carried (a field that was absent or null is not Present and keeps its
// zero value).
type Page struct {
	Records []connectors.Record
	Next    string
	Total   int64
	Count   int64
	Limit   int64
	Offset  int64
	Done    bool
	More    bool
	// Present holds a Field bit for each paging field the body carried.
	Present Field
}

// Has reports whether the body carried the paging field f.
func (p *Page) Has(f Field) bool { return p.Present&f != 0 }

// setInt stores an integer paging field; false for a field that is not one.
func (p *Page) setInt(f Field, n int64) bool {
	switch f {
	case FieldTotal:
		p.Total = n
	case FieldCount:
		p.Count = n
	case FieldLimit:
		p.Limit = n
	case FieldOffset:
		p.Offset = n
	default:
		return false
	}
	return true
}

// setBool stores a boolean paging field; false for a field that is not one.
func (p *Page) setBool(f Field, b bool) bool {
	switch f {
	case FieldDone:
		p.Done = b
	case FieldMore:
		p.More = b
	default:
		return false
	}
	return true
}
