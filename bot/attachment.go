package bot

import (
	"strings"
)

// Attachments is a statement's documents, in order.
type Attachments []Attachment

// String writes the list as ParseAttachments reads it back.
func (as Attachments) String() string {
	parts := make([]string, len(as))
	for i, a := range as {
		parts[i] = a.String()
	}
	return strings.Join(parts, ", ")
}

// ParseAttachments reads the attachments field: entries `Title <URL>` or a
// bare URL, separated by commas, semicolons or line breaks (the address
// form of the contacts: `LS on X (Word document) <https://…/x.doc>,
// https://…/y.pdf`). A title may hold commas; quote it when it would end
// in one. An entry without an http(s) URL is an *AddressError.
func ParseAttachments(s string) ([]Attachment, error) {
	s = StripInvisible(s)
	var out []Attachment
	for _, line := range strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' }) {
		toks, err := tokenize(line)
		if err != nil {
			return nil, err
		}
		var title []string
		emit := func(u string) error {
			t := strings.Trim(strings.Join(title, " "), " ,;")
			title = title[:0]
			if !validURL(u) {
				return &AddressError{Entry: u, Reason: "is not an http(s) URL"}
			}
			out = append(out, Attachment{Title: cleanName(t), URL: u})
			return nil
		}
		for _, t := range toks {
			switch t.kind {
			case 'a':
				if err := emit(t.text); err != nil {
					return nil, err
				}
			case 'q':
				title = append(title, t.text)
			case 'c':
				title = append(title, "("+t.text+")")
			case 'w':
				w := strings.TrimRight(t.text, ",;")
				if strings.HasPrefix(w, "http://") || strings.HasPrefix(w, "https://") {
					if err := emit(w); err != nil {
						return nil, err
					}
					continue
				}
				if len(title) == 0 {
					t.text = strings.TrimLeft(t.text, ",;")
				}
				if t.text != "" {
					title = append(title, t.text)
				}
			}
		}
		if rest := strings.Trim(strings.Join(title, " "), " ,;"); rest != "" {
			return nil, &AddressError{Entry: rest, Reason: "is not an http(s) URL: write each attachment as Title <https://…> or the URL alone"}
		}
	}
	return out, nil
}
