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
	// maxPooledBuf is the largest buffer put back (a page of 2,000
	// Salesforce records of 20 fields is about 4 MiB): a rare huge body is
	// left to the garbage collector rather than pinned in the pool.
	maxPooledBuf = 16 << 20
)

var bufPool sync.Pool // of *[]byte, each of cap firstBufSize..maxPooledBuf

// getBuf returns a pooled buffer, or a new one sized for a body declared
// smaller than firstBufSize (hint < 0: unknown). A declared length only
// ever shrinks the first allocation, never grows it.
func getBuf(hint int64) *[]byte {
	if p, ok := bufPool.Get().(*[]byte); ok {
		return p
	}
	n := int64(firstBufSize)
	if hint >= 0 && hint < n {
		n = hint + 1 // room to see the end without growing
	}
	b := make([]byte, 0, n)
	return &b
}

func putBuf(p *[]byte) {
	if p == nil || cap(*p) > maxPooledBuf || cap(*p) < firstBufSize {
		return
	}
	*p = (*p)[:0]
	bufPool.Put(p)
}

// readPooled reads r to the end into a pooled buffer, failing with an
// oversizeError past limit bytes. On error the buffer is back in the pool.
func readPooled(r io.Reader, limit, hint int64) ([]byte, *[]byte, error) {
	p := getBuf(hint)
	b := (*p)[:0]
	for {
		if len(b) == cap(b) {
			b = grow(b, hint)
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

// grow doubles b's capacity as bytes arrive; a declared length caps the
// growth (so the last step does not overshoot a body that tells its size)
// but never sizes an allocation before the bytes are there.
func grow(b []byte, hint int64) []byte {
	n := 2 * cap(b)
	if n < firstBufSize {
		n = firstBufSize
	}
	if hint > int64(len(b)) && hint+1 < int64(n) {
		n = int(hint + 1)
	}
	nb := make([]byte, len(b), n)
	copy(nb, b)
	return nb
}
