package bot

import (
	"regexp"
	"sort"
	"strings"
)

// Inline is what "submit" was given on its command line.
type Inline struct {
	Values map[string]string // form keys -> raw values
	From   string            // from= as typed (mapped by direction later)
	To     string            // to= as typed
	Bare   string            // words that are not key=value: the organization
}

// Empty reports whether nothing was given.
func (in *Inline) Empty() bool {
	return len(in.Values) == 0 && in.From == "" && in.To == "" && in.Bare == ""
}

var lineKey = regexp.MustCompile(`^([A-Za-z][A-Za-z-]*)\s*:\s?(.*)$`)

// ParseInline reads inline statement fields, either as key=value pairs
// (values may be quoted: title="Reply on YANG models") or as "key: value"
// lines (a line that does not start with a known key continues the
// previous value, so a body can span lines). Unknown keys are an EINVALID
// error naming the key and listing the known ones.
func ParseInline(s string) (*Inline, error) {
	in := &Inline{Values: map[string]string{}}
	s = strings.TrimSpace(s)
	if s == "" {
		return in, nil
	}
	set := func(key, val string) error {
		k := strings.ToLower(strings.TrimSpace(key))
		// Lists (groups, contacts, attachments) accumulate over repeated
		// keys; a repeated single-value key is an error naming it.
		switch k {
		case "from":
			in.From = joinList(in.From, strings.TrimSpace(val), ", ")
			return nil
		case "to":
			in.To = joinList(in.To, strings.TrimSpace(val), ", ")
			return nil
		}
		fk, ok := FieldAliases[k]
		if !ok {
			return Errorf(EINVALID, "Unknown field “%s”. Fields: %s.", shorten(key, 30), strings.Join(InlineKeys(), ", "))
		}
		if prev, dup := in.Values[fk]; dup {
			switch FormFieldByKey(fk).Kind {
			case KindEmails, KindURLs:
				val = joinList(prev, val, "\n")
			case KindGroups, KindOrg:
				val = joinList(prev, val, ", ")
			default:
				return Errorf(EINVALID, "“%s” is given twice; a statement has one %s. Give it once.", shorten(key, 30), strings.ToLower(FormFieldByKey(fk).Label))
			}
		}
		in.Values[fk] = val
		return nil
	}
	if first := firstLine(s); strings.Contains(s, "\n") && isKeyLine(first) {
		var key string
		var val strings.Builder
		flush := func() error {
			if key == "" {
				return nil
			}
			return set(key, strings.TrimRight(val.String(), "\n"))
		}
		for _, line := range strings.Split(s, "\n") {
			if m := lineKey.FindStringSubmatch(line); m != nil && isKnownKey(m[1]) {
				if err := flush(); err != nil {
					return nil, err
				}
				key = m[1]
				val.Reset()
				val.WriteString(m[2])
				continue
			}
			if key == "" {
				continue
			}
			val.WriteString("\n" + line)
		}
		if err := flush(); err != nil {
			return nil, err
		}
		return in, nil
	}
	var bare []string
	for _, tok := range SplitWords(s) {
		k, v, ok := strings.Cut(tok, "=")
		if !ok || k == "" || strings.ContainsAny(k, " \t") {
			bare = append(bare, tok)
			continue
		}
		if err := set(k, v); err != nil {
			return nil, err
		}
	}
	in.Bare = strings.Join(bare, " ")
	return in, nil
}

// joinList appends x to a list value.
func joinList(prev, x, sep string) string {
	switch {
	case strings.TrimSpace(prev) == "":
		return x
	case strings.TrimSpace(x) == "":
		return prev
	}
	return prev + sep + x
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func isKeyLine(l string) bool {
	m := lineKey.FindStringSubmatch(l)
	return m != nil && isKnownKey(m[1])
}

func isKnownKey(k string) bool {
	k = strings.ToLower(k)
	if k == "from" || k == "to" {
		return true
	}
	_, ok := FieldAliases[k]
	return ok
}

// InlineKeys lists the documented inline keys.
func InlineKeys() []string {
	keys := []string{"from", "to", "direction", "title", "purpose", "deadline", "body", "attachments",
		"response-contact", "technical-contact", "action-holder-contact", "to-contact", "cc", "related", "identifiers",
		"approved", "submitted"}
	sort.Strings(keys)
	return keys
}
