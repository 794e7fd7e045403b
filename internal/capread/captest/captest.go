// Package captest gives tests of value caps a body holding one huge value,
// produced as it is read and never held whole.
package captest

import "io"

// Value returns a reader of head, then n bytes 'x' (n < 0: without end),
// then tail.
func Value(head string, n int64, tail string) io.Reader {
	return &value{head: head, n: n, tail: tail}
}

type value struct {
	head, tail string
	n          int64
}

func (v *value) Read(p []byte) (int, error) {
	switch {
	case len(v.head) > 0:
		c := copy(p, v.head)
		v.head = v.head[c:]
		return c, nil
	case v.n != 0:
		c := len(p)
		if v.n > 0 && int64(c) > v.n {
			c = int(v.n)
		}
		for i := range c {
			p[i] = 'x'
		}
		if v.n > 0 {
			v.n -= int64(c)
		}
		return c, nil
	case len(v.tail) > 0:
		c := copy(p, v.tail)
		v.tail = v.tail[c:]
		return c, nil
	}
	return 0, io.EOF
}
