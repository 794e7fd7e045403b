package pager

// recentCursors is how many of the latest cursors a walk compares each new
// cursor with exactly.
const recentCursors = 16

// cursorLoop tells when a vendor's cursors come back on themselves, in
// constant memory however long the walk: a walk over a billion records
// must not keep a cursor per page. A cycle of up to recentCursors pages is
// caught at its first repeat; a longer one by Brent's method: a mark,
// moved to the current cursor whenever the steps since the last move reach
// a power of two, that the cycle's cursors must come back to. A cycle of
// length λ entered after μ pages is caught within about 2·max(μ, λ) + λ
// pages, so a looping server costs a bounded number of extra pages, never
// an endless stream.
type cursorLoop struct {
	recent [recentCursors]string
	n      int // cursors recorded; the mark is set once n > 0
	mark   string
	power  int // steps between moves of the mark
	steps  int // since the mark last moved
}

// repeats records c and reports whether the walk has seen it before (in
// the recent cursors or as the mark).
func (l *cursorLoop) repeats(c string) bool {
	for i := range min(l.n, recentCursors) {
		if l.recent[i] == c {
			return true
		}
	}
	if l.n > 0 && l.mark == c {
		return true
	}
	l.recent[l.n%recentCursors] = c
	l.n++
	if l.steps++; l.steps >= l.power {
		l.mark, l.power, l.steps = c, max(1, 2*l.power), 0
	}
	return false
}
