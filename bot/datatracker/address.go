package datatracker

import (
	"mime"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ietf-tools/liaisonbot/bot"
)

// Address is one parsed contact: a display name (possibly empty) and an
// email address.
type Address struct {
	Name  string `json:"name,omitempty"`
	Email string `json:"email"`
}

// IsZero reports whether a holds no address.
func (a Address) IsZero() bool { return a.Email == "" }

// String formats a as "Name <addr>", quoting the name if needed, or just
// "addr" if there is no name.
func (a Address) String() string {
	if a.Email == "" {
		return ""
	}
	if a.Name == "" {
		return a.Email
	}
	name := a.Name
	if strings.ContainsAny(name, `()<>[]:;@\,."`) {
		name = `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(name) + `"`
	}
	return name + " <" + a.Email + ">"
}

// ParseAddress parses a single mailbox such as "Tao Wan <t.wan@cablelabs.com>"
// or "tsbsg17@itu.int". It returns false if s holds no usable address; if s
// holds several, the first is returned.
func ParseAddress(s string) (Address, bool) {
	as := ParseAddresses(s)
	if len(as) == 0 {
		return Address{}, false
	}
	return as[0], true
}

// ParseAddresses leniently parses a free-text contact field: entries like
// `Name <addr>`, `"Quoted, Name" <addr>`, bare addresses, `addr (Name)`,
// separated by commas, semicolons or newlines (LF or CRLF), with any extra
// whitespace. Separators inside quotes or angle brackets do not split.
// Entries without a valid address are skipped; duplicate addresses
// (compared ignoring ASCII case, bot.SameEmail) are kept once, in first-seen order, taking
// a name from a later duplicate if the first had none. RFC 2047 encoded
// names are decoded.
func ParseAddresses(s string) []Address {
	var out []Address
	index := map[string]int{}
	add := func(a Address) {
		key := bot.EmailKey(a.Email)
		if i, ok := index[key]; ok {
			if out[i].Name == "" {
				out[i].Name = a.Name
			}
			return
		}
		index[key] = len(out)
		out = append(out, a)
	}
	for _, line := range strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' }) {
		parts, ok := splitEntries(line, true)
		if !ok { // unbalanced quotes or brackets: drop quotes, split on every separator
			parts, _ = splitEntries(strings.ReplaceAll(line, `"`, " "), false)
		}
		for _, p := range parts {
			for _, a := range parseEntry(p) {
				add(a)
			}
		}
	}
	return out
}

// splitEntries splits one line on ',' and ';' outside quotes, angle
// brackets and parentheses (when nested is true). It reports false if the
// line ends inside a quote or bracket.
func splitEntries(line string, nested bool) ([]string, bool) {
	var parts []string
	start := 0
	inQuote, escaped := false, false
	angle, paren := 0, 0
	for i, r := range line {
		switch {
		case !nested:
		case escaped:
			escaped = false
			continue
		case inQuote && r == '\\':
			escaped = true
			continue
		case r == '"' && angle == 0:
			inQuote = !inQuote
			continue
		case inQuote:
			continue
		case r == '<':
			angle++
			continue
		case r == '>' && angle > 0:
			angle--
			continue
		case r == '(':
			paren++
			continue
		case r == ')' && paren > 0:
			paren--
			continue
		}
		if (r == ',' || r == ';') && (!nested || angle == 0 && paren == 0) {
			parts = append(parts, line[start:i])
			start = i + 1
		}
	}
	parts = append(parts, line[start:])
	return parts, !nested || !inQuote && angle == 0 && paren == 0
}

// parseEntry parses one entry, which normally holds one address but may
// hold several run together ("A <a@x.org> B <b@y.org>", "a@x.org b@y.org").
func parseEntry(entry string) []Address {
	var out []Address
	pos := 0
	for {
		lt := indexOutsideQuotes(entry[pos:], '<')
		if lt < 0 {
			break
		}
		lt += pos
		gt := strings.IndexByte(entry[lt+1:], '>')
		end := len(entry)
		if gt >= 0 {
			end = lt + 1 + gt
		}
		bare, name := parseBare(entry[pos:lt])
		out = append(out, bare...)
		if addr, ok := cleanEmail(entry[lt+1 : end]); ok {
			out = append(out, Address{Name: cleanName(name, addr), Email: addr})
		}
		pos = min(end+1, len(entry))
	}
	rest, trailing := parseBare(entry[pos:])
	if len(rest) == 0 && trailing != "" && len(out) > 0 && out[len(out)-1].Name == "" {
		// "<addr> (Name)"
		out[len(out)-1].Name = cleanName(trailing, out[len(out)-1].Email)
	}
	return append(out, rest...)
}

// parseBare parses text without angle brackets: words containing a valid
// address become addresses, named by the words before them. It returns
// the addresses and the words left after the last one. A single address
// followed by words ("addr (Name)") takes those words as its name.
func parseBare(text string) ([]Address, string) {
	var out []Address
	var name []string
	for _, w := range splitWords(text) {
		if !w.quoted && strings.Contains(w.text, "@") {
			if addr, ok := cleanEmail(w.text); ok {
				out = append(out, Address{Name: cleanName(strings.Join(name, " "), addr), Email: addr})
				name = nil
				continue
			}
		}
		name = append(name, w.text)
	}
	trailing := strings.Join(name, " ")
	if len(out) == 1 && out[0].Name == "" && trailing != "" {
		out[0].Name = cleanName(trailing, out[0].Email)
		trailing = ""
	}
	return out, trailing
}

// word is a whitespace-separated word, or a quoted string (unescaped).
type word struct {
	text   string
	quoted bool
}

// splitWords splits on whitespace outside double quotes.
func splitWords(s string) []word {
	var out []word
	var b strings.Builder
	inQuote, escaped, quoted := false, false, false
	flush := func() {
		if b.Len() > 0 || quoted {
			out = append(out, word{text: b.String(), quoted: quoted})
		}
		b.Reset()
		quoted = false
	}
	for _, r := range s {
		switch {
		case escaped:
			b.WriteRune(r)
			escaped = false
		case inQuote && r == '\\':
			escaped = true
		case r == '"':
			inQuote = !inQuote
			quoted = true
		case !inQuote && unicode.IsSpace(r):
			flush()
		default:
			b.WriteRune(r)
		}
	}
	flush()
	return out
}

// indexOutsideQuotes returns the byte index of the first c outside double
// quotes, or -1.
func indexOutsideQuotes(s string, c byte) int {
	inQuote, escaped := false, false
	for i := 0; i < len(s); i++ {
		switch {
		case escaped:
			escaped = false
		case inQuote && s[i] == '\\':
			escaped = true
		case s[i] == '"':
			inQuote = !inQuote
		case !inQuote && s[i] == c:
			return i
		}
	}
	return -1
}

// cleanEmail trims decoration from a candidate address ("mailto:",
// brackets, quotes, trailing punctuation) and validates it.
func cleanEmail(s string) (string, bool) {
	const decoration = " \t<>()[]\"',;:."
	s = strings.Trim(s, decoration)
	if len(s) >= 7 && strings.EqualFold(s[:7], "mailto:") {
		s = strings.Trim(s[7:], decoration)
	}
	if !validEmail(s) {
		return "", false
	}
	return s, true
}

// validEmail checks the shape local@domain.tld with no spaces or
// specials; it is deliberately simple.
func validEmail(s string) bool {
	if !utf8.ValidString(s) || len(s) > 254 {
		return false
	}
	at := strings.IndexByte(s, '@')
	if at <= 0 || at != strings.LastIndexByte(s, '@') || at == len(s)-1 {
		return false
	}
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) || strings.ContainsRune(`<>()[],;:"\`, r) {
			return false
		}
	}
	local, domain := s[:at], s[at+1:]
	if strings.HasPrefix(local, ".") || strings.HasSuffix(local, ".") || strings.Contains(local, "..") {
		return false
	}
	if !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasPrefix(domain, "-") ||
		strings.HasSuffix(domain, ".") || strings.Contains(domain, "..") {
		return false
	}
	return true
}

// cleanName tidies a display name: decodes RFC 2047 words, strips
// surrounding parentheses and quotes, collapses whitespace, and drops a
// name that is just the address again.
func cleanName(name, addr string) string {
	name = strings.Join(strings.Fields(name), " ")
	if strings.Contains(name, "=?") {
		if dec, err := new(mime.WordDecoder).DecodeHeader(name); err == nil {
			name = dec
		}
	}
	for {
		n := len(name)
		if n >= 2 && (name[0] == '(' && name[n-1] == ')' || name[0] == '\'' && name[n-1] == '\'' || name[0] == '"' && name[n-1] == '"') {
			name = strings.TrimSpace(name[1 : n-1])
			continue
		}
		break
	}
	name = strings.Join(strings.Fields(name), " ")
	if bot.SameEmail(strings.Trim(name, "<>"), addr) {
		return ""
	}
	return name
}
