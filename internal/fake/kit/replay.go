package kit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
)

// Replay is a page template for benchmarks that serve precomputed pages:
// records joined with commas, and the byte offset of each record's id value
// so a server can stamp a page number into the ids without re-encoding
// (the page's records then differ page to page at no cost to the server).
type Replay struct {
	Records []byte
	IDAt    []int
	pool    sync.Pool
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

// Write writes one page: head, the template's records with tag copied over
// each id at byte skip of its value (no records when tag is ""), and "]}".
// Its buffers are pooled, so serving a page allocates nothing per record.
func (r *Replay) Write(w http.ResponseWriter, head []byte, tag string, skip int) {
	var data []byte
	bp, _ := r.pool.Get().(*[]byte)
	if bp == nil {
		bp = new([]byte)
	}
	if tag != "" {
		data = append((*bp)[:0], r.Records...)
		for _, at := range r.IDAt {
			copy(data[at+skip:at+skip+len(tag)], tag)
		}
		*bp = data
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(head)+len(data)+2))
	w.Write(head)
	w.Write(data)
	io.WriteString(w, "]}")
	r.pool.Put(bp)
}
