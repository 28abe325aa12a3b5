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

// Invisible reports whether r is a character that changes how text around
// it is shown without being seen itself: the bidirectional controls
// (U+202A–U+202E, U+2066–U+2069), the directional marks (U+200E, U+200F,
// U+061C) and the zero-width characters (U+200B–U+200D, U+2060, U+FEFF).
// "abc\u202egnp.exe" shows as "abcexe.png".
func Invisible(r rune) bool {
	switch {
	case r >= 0x200B && r <= 0x200F, r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069:
		return true
	case r == 0x2060, r == 0xFEFF, r == 0x061C:
		return true
	}
	return false
}

// StripInvisible removes the Invisible characters from s. Titles, names
// and organization names go through it before they are validated or
// stored, so that what is stored is what everyone sees.
func StripInvisible(s string) string {
	if strings.IndexFunc(s, Invisible) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if Invisible(r) {
			return -1
		}
		return r
	}, s)
}

// stripAll applies StripInvisible to every string of xs, in place.
func stripAll(xs []string) {
	for i := range xs {
		xs[i] = StripInvisible(xs[i])
	}
}
