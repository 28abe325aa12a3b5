package commands

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxCommandLength bounds a command line; longer input is refused before
// any parsing (a statement body of 1 MB still fits).
const MaxCommandLength = 2 << 20

// Sanitize makes user input safe to parse and echo: invalid UTF-8 is
// replaced, control characters other than newline and tab are dropped, and
// CRLF becomes LF.
func Sanitize(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	clean := true
	for _, r := range s {
		if r != '\n' && r != '\t' && (unicode.IsControl(r) || r == '\u2028' || r == '\u2029') {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i, r := range s {
		switch {
		case r == '\r':
			if i+1 < len(s) && s[i+1] == '\n' {
				continue
			}
			b.WriteByte('\n')
		case r == '\n' || r == '\t':
			b.WriteRune(r)
		case unicode.IsControl(r), r == '\u2028', r == '\u2029':
			// dropped
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// SplitCommand returns the command word (lower case) and the rest of the
// line, after dropping a leading "/liaison" or "liaison" and surrounding
// space.
func SplitCommand(line string) (word, rest string) {
	line = strings.TrimSpace(line)
	for _, p := range []string{"/liaison", "liaison"} {
		if len(line) > len(p) && strings.EqualFold(line[:len(p)], p) && unicode.IsSpace(rune(line[len(p)])) {
			line = strings.TrimSpace(line[len(p):])
			break
		} else if strings.EqualFold(line, p) {
			line = ""
		}
	}
	i := strings.IndexFunc(line, unicode.IsSpace)
	if i < 0 {
		return strings.ToLower(line), ""
	}
	return strings.ToLower(line[:i]), strings.TrimSpace(line[i:])
}
