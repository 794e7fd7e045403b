package kit

import "strings"

// Like matches s against a LIKE pattern in which every rune of many stands
// for any run of characters, one for exactly one, and escape (when not 0)
// makes the next rune literal: SOQL is Like(s, p, "%", '_', '\\'), Oracle's
// q= Like(s, p, "%*", '_', 0). Case is the caller's (fold both sides for a
// case-insensitive vendor).
func Like(s, pattern, many string, one, escape rune) bool {
	sr, pr := []rune(s), []rune(pattern)
	var match func(i, j int) bool
	match = func(i, j int) bool {
		for ; j < len(pr); j++ {
			c := pr[j]
			switch {
			case strings.ContainsRune(many, c):
				for k := i; k <= len(sr); k++ {
					if match(k, j+1) {
						return true
					}
				}
				return false
			case c == one:
				if i >= len(sr) {
					return false
				}
			default:
				if escape != 0 && c == escape && j+1 < len(pr) {
					j++
					c = pr[j]
				}
				if i >= len(sr) || sr[i] != c {
					return false
				}
			}
			i++
		}
		return i == len(sr)
	}
	return match(0, 0)
}
