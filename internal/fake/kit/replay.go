package kit

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Replay is a page template for benchmarks that serve precomputed pages:
// records joined with commas, and the byte offset of each record's id value
// so a server can stamp a page number into the ids without re-encoding
// (the page's records then differ page to page at no cost to the server).
type Replay struct {
	Records []byte
	IDAt    []int
}

// NewReplay joins recs (the records of one page as the vendor wrote them)
// and finds each one's `"<idField>":"` value.
func NewReplay(recs []json.RawMessage, idField string) (*Replay, error) {
	r := &Replay{}
	var joined bytes.Buffer
	marker := []byte(`"` + idField + `":"`)
	for i, rec := range recs {
		if i > 0 {
			joined.WriteByte(',')
		}
		at := bytes.Index(rec, marker)
		if at < 0 {
			return nil, fmt.Errorf("template record %d has no %s", i, idField)
		}
		r.IDAt = append(r.IDAt, joined.Len()+at+len(marker))
		joined.Write(rec)
	}
	r.Records = joined.Bytes()
	return r, nil
}
