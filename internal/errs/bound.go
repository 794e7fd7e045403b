package errs

import "unicode/utf8"

// Bounds on what an error quotes from a vendor or a caller: a message, a
// vendor code or a detail string longer than MaxQuoted bytes is cut (at a
// UTF-8 boundary, marked), and a detail list keeps MaxQuotedItems entries.
const (
	MaxQuoted      = 2048
	MaxQuotedItems = 64
)

// preBoundMargin is what PreBound keeps past MaxQuoted, so that a secret
// (an access token, a JWT) that crosses the final cut is still whole when
// the text is scrubbed.
const preBoundMargin = 16 << 10

// cutMark ends a cut string.
const cutMark = "… (cut)"

// Bound returns s cut to MaxQuoted bytes, marked when cut.
func Bound(s string) string { return cut(s, MaxQuoted, cutMark) }

// PreBound cuts s to MaxQuoted plus a margin, before an expensive pass
// (scrubbing secrets) over text that Bound will cut afterwards.
func PreBound(s string) string { return cut(s, MaxQuoted+preBoundMargin, "") }

func cut(s string, n int, mark string) string {
	if len(s) <= n {
		return s
	}
	i := n
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + mark
}

// BoundDetail bounds a detail value that quotes outside text: a string, or
// a []string (each string, and the number of them).
func BoundDetail(v any) any {
	switch x := v.(type) {
	case string:
		return Bound(x)
	case []string:
		if len(x) <= MaxQuotedItems {
			long := false
			for _, s := range x {
				if len(s) > MaxQuoted {
					long = true
					break
				}
			}
			if !long {
				return x
			}
		}
		n := min(len(x), MaxQuotedItems)
		out := make([]string, n)
		for i, s := range x[:n] {
			out[i] = Bound(s)
		}
		return out
	}
	return v
}
