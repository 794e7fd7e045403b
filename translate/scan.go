package translate

import (
	"strings"
	"unicode/utf8"
)

// The scanner shared by the universal, SOQL, OData and Oracle parsers. Each
// language sets a lexConfig; tokens keep their byte offsets for errors.

type tokKind uint8

const (
	tEOF    tokKind = iota
	tIdent          // name or keyword (keywords are matched case-insensitively by the parser)
	tQIdent         // "quoted identifier"
	tString         // 'string'; text is decoded, raw is the source between the quotes
	tNumber         // 42, -1 is unary minus + number; 4.5, 1e3; OData suffixes kept in text
	tDate           // SOQL bare date or datetime literal: 2024-01-31, 2024-01-31T10:00:00Z
	tOp             // ( ) , * = != <> < <= > >=
)

type token struct {
	kind tokKind
	text string
	raw  string
	pos  int
	end  int
}

type lexConfig struct {
	lang         string
	backslash    bool   // strings use backslash escapes (SOQL) instead of '' doubling
	identExtra   string // characters allowed in identifiers besides letters, digits and _
	quotedIdents bool   // "double-quoted identifiers"
	bareDates    bool   // SOQL date and datetime literals
	numSuffix    bool   // OData numeric suffixes (L, M, D, F)
	rawQuotes    bool   // strings in ' or ", without escapes: a string ends at its next quote (WQL)
}

type lexer struct {
	cfg  lexConfig
	src  string
	toks []token
}

func describeTok(t token) string {
	switch t.kind {
	case tEOF:
		return "end of input"
	case tString:
		return "string '" + clip(t.raw) + "'"
	case tQIdent:
		return "identifier \"" + clip(t.text) + "\""
	}
	return "'" + clip(t.text) + "'"
}

func clip(s string) string {
	if len(s) > 40 {
		i := 40
		for i > 0 && !utf8.RuneStart(s[i]) {
			i--
		}
		return s[:i] + "..."
	}
	return s
}

// lex splits src into tokens, ending with tEOF.
func lex(cfg lexConfig, src string) ([]token, error) {
	l := &lexer{cfg: cfg, src: src}
	i := 0
	for {
		for i < len(src) && isSpace(src[i]) {
			i++
		}
		if i >= len(src) {
			l.toks = append(l.toks, token{kind: tEOF, pos: i, end: i})
			return l.toks, nil
		}
		c := src[i]
		start := i
		switch {
		case cfg.rawQuotes && (c == '\'' || c == '"'):
			end := strings.IndexByte(src[i+1:], c)
			if end < 0 {
				return nil, syntaxError(cfg.lang, src, start, "a closing "+string(c), "end of input")
			}
			text := src[i+1 : i+1+end]
			if !utf8.ValidString(text) {
				return nil, syntaxError(cfg.lang, src, start, "valid UTF-8", "invalid UTF-8 in a string")
			}
			i += end + 2
			l.toks = append(l.toks, token{kind: tString, text: text, raw: text, pos: start, end: i})
		case c == '\'':
			text, raw, n, err := l.scanString(i)
			if err != nil {
				return nil, err
			}
			i = n
			l.toks = append(l.toks, token{kind: tString, text: text, raw: raw, pos: start, end: i})
		case c == '"' && cfg.quotedIdents:
			var b strings.Builder
			i++
			for {
				if i >= len(src) {
					return nil, syntaxError(cfg.lang, src, start, "a closing '\"'", "end of input")
				}
				if src[i] == '"' {
					if i+1 < len(src) && src[i+1] == '"' {
						b.WriteByte('"')
						i += 2
						continue
					}
					i++
					break
				}
				b.WriteByte(src[i])
				i++
			}
			if b.Len() == 0 {
				return nil, syntaxError(cfg.lang, src, start, "an identifier", "empty quoted identifier")
			}
			if !utf8.ValidString(b.String()) {
				return nil, syntaxError(cfg.lang, src, start, "valid UTF-8", "invalid UTF-8 in an identifier")
			}
			l.toks = append(l.toks, token{kind: tQIdent, text: b.String(), pos: start, end: i})
		case cfg.bareDates && isDateStart(src[i:]):
			n := scanDate(src, i)
			l.toks = append(l.toks, token{kind: tDate, text: src[i:n], pos: start, end: n})
			i = n
		case isDigit(c) || (c == '.' && i+1 < len(src) && isDigit(src[i+1])) ||
			(c == '-' && i+1 < len(src) && (isDigit(src[i+1]) || src[i+1] == '.')):
			n := i
			if c == '-' {
				n++
			}
			n = scanNumber(src, n)
			if c == '-' && n == i+1 {
				return nil, syntaxError(cfg.lang, src, i, "a number after '-'", "'-'")
			}
			if cfg.numSuffix && n < len(src) && strings.IndexByte("LlMmDdFf", src[n]) >= 0 {
				n++
			}
			if n < len(src) && isIdentByte(src[n], cfg.identExtra) {
				return nil, syntaxError(cfg.lang, src, n, "a separator after the number", "'"+clip(src[start:n+1])+"'")
			}
			l.toks = append(l.toks, token{kind: tNumber, text: src[i:n], pos: start, end: n})
			i = n
		case isIdentStart(c):
			for i < len(src) && isIdentByte(src[i], cfg.identExtra) {
				i++
			}
			l.toks = append(l.toks, token{kind: tIdent, text: src[start:i], pos: start, end: i})
		default:
			op := ""
			switch {
			case strings.HasPrefix(src[i:], "!="), strings.HasPrefix(src[i:], "<>"),
				strings.HasPrefix(src[i:], "<="), strings.HasPrefix(src[i:], ">="):
				op = src[i : i+2]
			case strings.IndexByte("(),*=<>", c) >= 0:
				op = src[i : i+1]
			}
			if op == "" {
				r, _ := utf8.DecodeRuneInString(src[i:])
				return nil, syntaxError(cfg.lang, src, i, "a name, a value or an operator", "'"+string(r)+"'")
			}
			i += len(op)
			l.toks = append(l.toks, token{kind: tOp, text: op, pos: start, end: i})
		}
	}
}

func (l *lexer) scanString(i int) (text, raw string, next int, err error) {
	src, start := l.src, i
	i++
	var b strings.Builder
	for {
		if i >= len(src) {
			return "", "", 0, syntaxError(l.cfg.lang, src, start, "a closing quote", "end of input")
		}
		c := src[i]
		if c == '\'' {
			if !l.cfg.backslash && i+1 < len(src) && src[i+1] == '\'' {
				b.WriteByte('\'')
				i += 2
				continue
			}
			i++
			break
		}
		if c == '\\' && l.cfg.backslash {
			if i+1 >= len(src) {
				return "", "", 0, syntaxError(l.cfg.lang, src, i, "an escape sequence", "end of input")
			}
			d := src[i+1]
			switch d {
			case 'n', 'N':
				b.WriteByte('\n')
			case 'r', 'R':
				b.WriteByte('\r')
			case 't', 'T':
				b.WriteByte('\t')
			case 'b', 'B':
				b.WriteByte('\b')
			case 'f', 'F':
				b.WriteByte('\f')
			case '"', '\'', '\\':
				b.WriteByte(d)
			case '%', '_':
				// LIKE escapes: the decoded text keeps the character, the raw
				// text keeps the escape for the LIKE decoder.
				b.WriteByte(d)
			case 'u', 'U':
				if i+6 > len(src) || !isHex4(src[i+2:i+6]) {
					return "", "", 0, syntaxError(l.cfg.lang, src, i, `\uXXXX with four hex digits`, "'"+clip(src[i:min(len(src), i+6)])+"'")
				}
				r := rune(hexVal(src[i+2 : i+6]))
				if !utf8.ValidRune(r) {
					return "", "", 0, syntaxError(l.cfg.lang, src, i, "a valid code point", "'"+src[i:i+6]+"'")
				}
				b.WriteRune(r)
				i += 6
				continue
			default:
				return "", "", 0, syntaxError(l.cfg.lang, src, i, `an escape sequence (\n \r \t \b \f \" \' \\ \% \_ \uXXXX)`, "'\\"+string(d)+"'")
			}
			i += 2
			continue
		}
		b.WriteByte(c)
		i++
	}
	s := b.String()
	if !utf8.ValidString(s) {
		return "", "", 0, syntaxError(l.cfg.lang, src, start, "valid UTF-8", "invalid UTF-8 in a string")
	}
	return s, src[start+1 : i-1], i, nil
}

func isHex4(s string) bool {
	for i := 0; i < 4; i++ {
		if !isHexDigit(s[i]) {
			return false
		}
	}
	return true
}

func isHexDigit(c byte) bool {
	return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func hexVal(s string) int {
	v := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isDigit(c):
			v = v*16 + int(c-'0')
		case c >= 'a' && c <= 'f':
			v = v*16 + int(c-'a'+10)
		default:
			v = v*16 + int(c-'A'+10)
		}
	}
	return v
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isIdentStart(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}
func isIdentByte(c byte, extra string) bool {
	return isIdentStart(c) || isDigit(c) || (extra != "" && strings.IndexByte(extra, c) >= 0)
}

func scanNumber(src string, i int) int {
	for i < len(src) && isDigit(src[i]) {
		i++
	}
	if i < len(src) && src[i] == '.' {
		i++
		for i < len(src) && isDigit(src[i]) {
			i++
		}
	}
	if i < len(src) && (src[i] == 'e' || src[i] == 'E') {
		j := i + 1
		if j < len(src) && (src[j] == '+' || src[j] == '-') {
			j++
		}
		if j < len(src) && isDigit(src[j]) {
			for j < len(src) && isDigit(src[j]) {
				j++
			}
			i = j
		}
	}
	return i
}

// isDateStart reports a YYYY-MM-DD prefix.
func isDateStart(s string) bool {
	return len(s) >= 10 && isDigit(s[0]) && isDigit(s[1]) && isDigit(s[2]) && isDigit(s[3]) && s[4] == '-' &&
		isDigit(s[5]) && isDigit(s[6]) && s[7] == '-' && isDigit(s[8]) && isDigit(s[9])
}

// scanDate consumes a SOQL date or datetime literal starting at i: the date,
// then optionally T, a time with optional fraction, and Z or an offset.
func scanDate(src string, i int) int {
	n := i + 10
	if n < len(src) && src[n] == 'T' {
		j := n + 1
		for j < len(src) && (isDigit(src[j]) || src[j] == ':' || src[j] == '.') {
			j++
		}
		if j < len(src) && src[j] == 'Z' {
			j++
		} else if j < len(src) && (src[j] == '+' || src[j] == '-') {
			j++
			for j < len(src) && (isDigit(src[j]) || src[j] == ':') {
				j++
			}
		}
		n = j
	}
	return n
}
