package storage

import (
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Full-text search in both dialects. SQLite keeps an FTS4 table with the
// unicode61 tokenizer, and ftsQuery (statement.go) writes its queries.
// PostgreSQL keeps a tsvector with a GIN index; its documents and queries
// are cut into words here, the way unicode61 cuts them (runs of letters
// and digits, lower-cased, diacritics removed), and handed to PostgreSQL
// as tsvector and tsquery literals, so that no text-search configuration
// or dictionary of the server's changes what is found: both stores find
// the same statements for the same words (TestSearch_SameOnBothStores).

// ftsWords cuts text into the words unicode61 would index.
func ftsWords(text string) []string {
	var out []string
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			out = append(out, b.String())
			b.Reset()
		}
	}
	for _, r := range norm.NFD.String(text) {
		switch {
		case unicode.Is(unicode.Mn, r):
			// a diacritic: dropped, the word goes on
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsNumber(r):
			b.WriteRune(unicode.ToLower(r))
		default:
			flush()
		}
	}
	flush()
	return out
}

// maxTSPosition is the largest word position a tsvector keeps.
const maxTSPosition = 16383

// tsDocument is the tsvector literal of the columns' words, each column's
// positions after the previous one's with a gap, so that a phrase does not
// match across two columns.
func tsDocument(columns ...string) string {
	var b strings.Builder
	pos := 0
	for _, c := range columns {
		for _, w := range ftsWords(c) {
			pos++
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(tsLexeme(w))
			b.WriteByte(':')
			b.WriteString(strconv.Itoa(min(pos, maxTSPosition)))
		}
		pos++
	}
	return b.String()
}

// tsLexeme quotes a word for a tsvector or tsquery literal.
func tsLexeme(w string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `''`).Replace(w) + "'"
}

// tsNever is a tsquery that matches nothing: "-" is never a word.
const tsNever = `'-'`

// tsQuery turns user words into a tsquery literal with ftsQuery's meaning:
// every term must match, its last word as a prefix; a term that is
// several words ("a.b@c.org", "sg-15") must match them as a phrase.
func tsQuery(words string) string {
	var terms []string
	for _, t := range ftsTerms(words) {
		ws := ftsWords(t)
		if len(ws) == 0 {
			continue
		}
		parts := make([]string, len(ws))
		for i, w := range ws {
			parts[i] = tsLexeme(w)
		}
		parts[len(parts)-1] += ":*"
		terms = append(terms, "("+strings.Join(parts, " <-> ")+")")
	}
	if len(terms) == 0 {
		return tsNever
	}
	return strings.Join(terms, " & ")
}

// ftsTerms are the user's search terms, as ftsQuery reads them.
func ftsTerms(words string) []string {
	var terms []string
	for _, w := range strings.FieldsFunc(words, func(r rune) bool {
		return !(r == '@' || r == '.' || r == '-' || r == '_' || isWordRune(r))
	}) {
		w = strings.Trim(w, ".-_@")
		if w == "" {
			continue
		}
		terms = append(terms, strings.ReplaceAll(w, `"`, ""))
		if len(terms) == 10 {
			break
		}
	}
	return terms
}

// ftsMatch is the condition, on the full-text table, that its document
// matches the search argument ftsArg(words) gives.
func (d dialect) ftsMatch() string {
	if d == dialectPostgres {
		return "doc @@ ?::tsquery"
	}
	return "statements_fts MATCH ?"
}

// ftsArg is the argument of ftsMatch for the user's words.
func (d dialect) ftsArg(words string) string {
	if d == dialectPostgres {
		return tsQuery(words)
	}
	return ftsQuery(words)
}
