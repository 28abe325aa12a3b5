package bot

import (
	"fmt"
	"mime"
	"net/mail"
	"strings"
)

// Address is one entry of a contact list: a name, an email address, or
// both. Entries with no address are roles or lists as people write them
// ("The IETF Chair", "IESG") and old records' bare names: they are kept and
// shown, but never used as a destination.
type Address struct {
	Name string `json:",omitempty"`
	Addr string `json:",omitempty"`
}

// HasAddr reports whether the entry has an email address.
func (a Address) HasAddr() bool { return a.Addr != "" }

// String writes the entry as ParseAddressList reads it back: `Name <addr>`,
// a bare address, or the name alone (quoted when it holds a separator).
func (a Address) String() string {
	name := a.Name
	if needsQuotes(name) {
		name = `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(name) + `"`
	}
	switch {
	case a.Addr == "":
		return name
	case a.Name == "":
		return a.Addr
	}
	return name + " <" + a.Addr + ">"
}

// needsQuotes reports whether a name must be quoted to be read back as one
// entry: it holds a separator, a bracket, an @ or a quote, or it would be
// taken for something else.
func needsQuotes(s string) bool {
	return strings.ContainsAny(s, ",;<>\"@()\\\n\r\t")
}

// AddressList is a contact list in the order it was written.
type AddressList []Address

// String writes the list as ParseAddressList reads it back, ", " between
// entries.
func (l AddressList) String() string {
	parts := make([]string, len(l))
	for i, a := range l {
		parts[i] = a.String()
	}
	return strings.Join(parts, ", ")
}

// Mailboxes returns the entries that have an address: the only ones a
// message may be sent to.
func (l AddressList) Mailboxes() AddressList {
	var out AddressList
	for _, a := range l {
		if a.HasAddr() {
			out = append(out, a)
		}
	}
	return out
}

// Addrs returns the addresses of the entries that have one.
func (l AddressList) Addrs() []string {
	var out []string
	for _, a := range l {
		if a.HasAddr() {
			out = append(out, a.Addr)
		}
	}
	return out
}

// Equal reports whether both lists hold the same entries in the same
// order (addresses compared as SameEmail does).
func (l AddressList) Equal(m AddressList) bool {
	if len(l) != len(m) {
		return false
	}
	for i := range l {
		if l[i].Name != m[i].Name || EmailKey(l[i].Addr) != EmailKey(m[i].Addr) {
			return false
		}
	}
	return true
}

// AddressError says which entry of a list is not an address.
type AddressError struct {
	Entry  string // the entry as written
	Reason string
}

func (e *AddressError) Error() string {
	return fmt.Sprintf("“%s” %s", shorten(e.Entry, 60), e.Reason)
}

// ParseAddressList reads a contact list as people and the Datatracker write
// them. Entries are separated by commas, semicolons, newlines, or plain
// spaces between addresses; each is `Name <addr>`, `"Doe, Jane" <addr>`,
// `addr (Name)`, a bare address, `Name addr` (old records), or a name alone
// (a role such as "The IETF Chair", a list such as "IESG"). Names may be
// any Unicode text, and RFC 2047 encoded words are decoded. An entry that
// has an @ but is not a valid address is an *AddressError.
func ParseAddressList(s string) (AddressList, error) {
	s = StripInvisible(s)
	var out AddressList
	for _, seg := range splitTopLevel(s) {
		entries, err := parseSegment(seg)
		if err != nil {
			return nil, err
		}
		out = append(out, entries...)
	}
	return out, nil
}

// MustParseAddressList is ParseAddressList for values known to be valid
// (tests, constants); it panics on an error.
func MustParseAddressList(s string) AddressList {
	l, err := ParseAddressList(s)
	if err != nil {
		panic(err)
	}
	return l
}

// splitTopLevel splits at commas, semicolons and line breaks outside
// quotes, angle brackets and parentheses.
func splitTopLevel(s string) []string {
	var out []string
	var cur strings.Builder
	inQuote, angle, paren := false, 0, 0
	flush := func() {
		if t := strings.TrimSpace(cur.String()); t != "" {
			out = append(out, t)
		}
		cur.Reset()
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case inQuote && c == '\\' && i+1 < len(s):
			cur.WriteByte(c)
			i++
			cur.WriteByte(s[i])
			continue
		case c == '"':
			inQuote = !inQuote
		case inQuote:
		case c == '<':
			angle++
		case c == '>' && angle > 0:
			angle--
		case c == '(':
			paren++
		case c == ')' && paren > 0:
			paren--
		case (c == ',' || c == ';' || c == '\n' || c == '\r') && angle == 0 && paren == 0:
			flush()
			continue
		}
		cur.WriteByte(c)
	}
	flush()
	return out
}

// token is a piece of a segment: a quoted string, an <address>, a
// (comment), or a word.
type token struct {
	kind byte // 'q' quoted, 'a' angle, 'c' comment, 'w' word
	text string
}

func tokenize(seg string) ([]token, error) {
	var toks []token
	i := 0
	for i < len(seg) {
		c := seg[i]
		switch {
		case c == ' ' || c == '\t':
			i++
		case c == '"':
			var b strings.Builder
			j := i + 1
			for ; j < len(seg) && seg[j] != '"'; j++ {
				if seg[j] == '\\' && j+1 < len(seg) {
					j++
				}
				b.WriteByte(seg[j])
			}
			if j >= len(seg) {
				return nil, &AddressError{Entry: seg, Reason: "has a quote that is not closed"}
			}
			toks = append(toks, token{'q', b.String()})
			i = j + 1
		case c == '<':
			j := strings.IndexByte(seg[i:], '>')
			if j < 0 {
				return nil, &AddressError{Entry: seg, Reason: "has a < without its >"}
			}
			toks = append(toks, token{'a', strings.TrimSpace(seg[i+1 : i+j])})
			i += j + 1
		case c == '(':
			depth, j := 0, i
			for ; j < len(seg); j++ {
				if seg[j] == '(' {
					depth++
				} else if seg[j] == ')' {
					depth--
					if depth == 0 {
						break
					}
				}
			}
			if j >= len(seg) {
				return nil, &AddressError{Entry: seg, Reason: "has a ( without its )"}
			}
			toks = append(toks, token{'c', strings.TrimSpace(seg[i+1 : j])})
			i = j + 1
		default:
			j := i
			for j < len(seg) && !strings.ContainsRune(" \t\"<(", rune(seg[j])) {
				j++
			}
			toks = append(toks, token{'w', seg[i:j]})
			i = j
		}
	}
	return toks, nil
}

// parseSegment reads the entries of one comma-free piece: usually one,
// several when addresses are separated by spaces only.
func parseSegment(seg string) (AddressList, error) {
	// The one well-formed entry: let net/mail read it (it decodes encoded
	// words and knows the RFC 5322 corners).
	if a, err := mail.ParseAddress(seg); err == nil && validAddr(a.Address) && strings.Count(seg, "@") == 1 {
		return AddressList{{Name: cleanName(decodeWords(a.Name)), Addr: a.Address}}, nil
	}
	toks, err := tokenize(seg)
	if err != nil {
		return nil, err
	}
	var out AddressList
	var name []string
	emit := func(addr string) {
		// An entry of punctuation alone ("…" where a list was cut) holds
		// nothing.
		if a := (Address{Name: cleanName(decodeWords(strings.Join(name, " "))), Addr: addr}); a.Addr != "" || NormalizeKey(a.Name) != "" {
			out = append(out, a)
		}
		name = name[:0]
	}
	for k := 0; k < len(toks); k++ {
		t := toks[k]
		switch t.kind {
		case 'a':
			addr := strings.TrimPrefix(strings.TrimPrefix(t.text, "mailto:"), "MAILTO:")
			if !validAddr(addr) {
				return nil, &AddressError{Entry: seg, Reason: "is not a valid email address"}
			}
			emit(addr)
		case 'c':
			// "addr (Name)": the comment names the address just read.
			if n := len(out); n > 0 && len(name) == 0 && out[n-1].Name == "" {
				out[n-1].Name = cleanName(t.text)
				continue
			}
			name = append(name, "("+t.text+")")
		case 'q':
			name = append(name, t.text)
		case 'w':
			w := strings.TrimPrefix(t.text, "mailto:")
			if strings.Contains(w, "@") {
				if !validAddr(w) {
					return nil, &AddressError{Entry: seg, Reason: "is not a valid email address"}
				}
				emit(w)
				continue
			}
			name = append(name, t.text)
		}
	}
	if len(name) > 0 {
		emit("")
	}
	return out, nil
}

// validAddr is ValidEmail, with the domain's dot required.
func validAddr(s string) bool { return ValidEmail(s) }

func cleanName(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// decodeWords decodes RFC 2047 encoded words ("=?UTF-8?Q?...?="), leaving
// other text as it is.
func decodeWords(s string) string {
	if !strings.Contains(s, "=?") {
		return s
	}
	if out, err := new(mime.WordDecoder).DecodeHeader(s); err == nil {
		return out
	}
	return s
}

// Display is the list for reading: entries as String writes them, a name
// without an address marked "(no address)".
func (l AddressList) Display() string {
	parts := make([]string, len(l))
	for i, a := range l {
		parts[i] = a.String()
		if !a.HasAddr() {
			parts[i] += " (no address)"
		}
	}
	return strings.Join(parts, ", ")
}
