package bot

import (
	"strings"
	"unicode"
)

// SplitWords splits s into words, honouring quotes as a shell does: "two
// words" and 'two words' are one argument, and so are key="two words". A
// quote opens only at the start of a word or right after '=' or ':', so
// apostrophes inside words ("don't") stay as they are. A backslash escapes
// the next character inside double quotes, and \n and \t there are a
// newline and a tab. An unbalanced quote runs to the
// end of the line.
func SplitWords(s string) []string {
	var out []string
	var b strings.Builder
	inWord := false
	var quote, prev rune
	escaped := false
	for _, r := range s {
		switch {
		case escaped:
			switch r {
			case 'n':
				b.WriteRune('\n')
			case 't':
				b.WriteRune('\t')
			default:
				b.WriteRune(r)
			}
			escaped = false
		case quote != 0:
			switch {
			case r == '\\' && quote == '"':
				escaped = true
			case r == quote || (quote == '”' && r == '“'):
				quote = 0
			default:
				b.WriteRune(r)
			}
		case (r == '"' || r == '\'' || r == '“' || r == '”') && (!inWord || prev == '=' || prev == ':'):
			quote = r
			if r == '“' {
				quote = '”'
			}
			inWord = true
		case unicode.IsSpace(r):
			if inWord {
				out = append(out, b.String())
				b.Reset()
				inWord = false
			}
		default:
			b.WriteRune(r)
			inWord = true
		}
		prev = r
	}
	if inWord {
		out = append(out, b.String())
	}
	return out
}
