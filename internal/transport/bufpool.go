package transport

import (
	"io"
	"sync"
)

// Buffered bodies are read into pooled buffers that grow as bytes arrive:
// a declared Content-Length is never allocated up front (a server that
// declares 60 MiB and stalls costs what it sent, not 60 MiB per attempt).
const (
	firstBufSize = 4 << 10
	// maxPooledBuf is the largest buffer put back: a rare huge page is left
	// to the garbage collector rather than pinned in the pool.
	maxPooledBuf = 4 << 20
)

var bufPool = sync.Pool{New: func() any {
	b := make([]byte, 0, firstBufSize)
	return &b
}}

func getBuf() *[]byte { return bufPool.Get().(*[]byte) }

func putBuf(p *[]byte) {
	if p == nil || cap(*p) > maxPooledBuf {
		return
	}
	*p = (*p)[:0]
	bufPool.Put(p)
}

// readPooled reads r to the end into a pooled buffer, failing with an
// oversizeError past limit bytes. On error the buffer is back in the pool.
func readPooled(r io.Reader, limit int64) ([]byte, *[]byte, error) {
	p := getBuf()
	b := (*p)[:0]
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)] // grow (amortized doubling) as bytes arrive
		}
		room := b[len(b):cap(b)]
		if over := int64(len(b)) + int64(len(room)) - (limit + 1); over > 0 {
			room = room[:int64(len(room))-over]
		}
		n, err := r.Read(room)
		b = b[:len(b)+n]
		if int64(len(b)) > limit {
			*p = b
			putBuf(p)
			return nil, nil, &oversizeError{limit: limit}
		}
		if err == io.EOF {
			*p = b
			return b, p, nil
		}
		if err != nil {
			*p = b
			putBuf(p)
			return nil, nil, err
		}
	}
}
