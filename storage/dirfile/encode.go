package dirfile

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ietf-tools/liaisonbot/bot"
)

// Format writes d as a readable directory file (the export).
// Organizations keep their order. Database ids and chat identities are not
// written. A person's source, as_of and by are written only where they
// differ from their organization's (or the coordinators').
func Format(d *bot.Directory) ([]byte, error) {
	if d == nil {
		return nil, errors.New("format directory file: no directory")
	}
	w := &writer{}
	w.b.WriteString(fileHeader)
	w.b.WriteString("\n")
	fmt.Fprintf(&w.b, "format = %d\n", formatVersion)
	w.str("", "statements_email", d.StatementsEmail)
	w.str("", "managers_email", d.ManagersEmail)

	w.b.WriteString("\n[coordinators]\n")
	co := d.Coordinators
	w.str("", "email", co.Email)
	w.provenance("", co.Provenance)
	if len(co.People) > 0 {
		w.b.WriteString("people = [\n")
		for _, p := range co.People {
			var parts []string
			add := func(k, v string) { parts = append(parts, k+" = "+v) }
			if p.Name != "" {
				add("name", w.quote(p.Name))
			}
			if p.Email != "" {
				add("email", w.quote(p.Email))
			}
			if p.Title != "" {
				add("title", w.quote(p.Title))
			}
			if p.Source != co.Source {
				add("source", w.quote(p.Source))
			}
			if !p.AsOf.Equal(co.AsOf) {
				add("as_of", formatDate(p.AsOf))
			}
			if p.By != co.By {
				add("by", w.quote(p.By))
			}
			fmt.Fprintf(&w.b, "  { %s },\n", strings.Join(parts, ", "))
		}
		w.b.WriteString("]\n")
	}

	for i, o := range d.Orgs {
		if o == nil {
			return nil, fmt.Errorf("format directory file: organization %d is nil", i)
		}
		w.b.WriteString("\n[[organization]]\n")
		w.b.WriteString("acronym = " + w.quote(o.Acronym) + "\n")
		w.str("", "name", o.Name)
		w.list("", "aliases", o.Aliases, false)
		w.b.WriteString("relationship = " + w.quote(string(o.Relationship)) + "\n")
		w.str("", "reference", o.Reference)
		w.str("", "url", o.URL)
		if o.DatatrackerID != 0 {
			fmt.Fprintf(&w.b, "datatracker_id = %d\n", o.DatatrackerID)
		}
		w.str("", "parent", o.Parent)
		if o.InDatatracker {
			w.b.WriteString("in_datatracker = true\n")
		}
		w.list("", "cc", o.CC, false)
		w.list("", "notes", o.Notes, true)
		w.provenance("", o.Provenance)
		for _, set := range []struct {
			key    string
			people []bot.Person
		}{{"manager", o.Managers}, {"contact", o.Contacts}, {"approver", o.Approvers}} {
			for _, p := range set.people {
				const in = "  "
				fmt.Fprintf(&w.b, "\n%s[[organization.%s]]\n", in, set.key)
				w.str(in, "name", p.Name)
				w.str(in, "email", p.Email)
				w.str(in, "title", p.Title)
				if p.Source != o.Source {
					w.b.WriteString(in + "source = " + w.quote(p.Source) + "\n")
				}
				if !p.AsOf.Equal(o.AsOf) {
					w.b.WriteString(in + "as_of = " + formatDate(p.AsOf) + "\n")
				}
				if p.By != o.By {
					w.b.WriteString(in + "by = " + w.quote(p.By) + "\n")
				}
			}
		}
	}
	if w.err != nil {
		return nil, w.err
	}
	return []byte(w.b.String()), nil
}

// fileHeader starts every exported file.
const fileHeader = `# liaisonbot directory file, format 1.
#
# Who to contact about liaison relationships with other organizations. Edit
# it by hand and load it with "liaisonbot directory import"; "liaisonbot
# directory export" writes the directory in this form (comments other than
# this header are not kept).
#
# Top level:
#   format            always 1
#   statements_email  the intake address for liaison statements
#   managers_email    the list that reaches all IETF liaison managers
#   [coordinators]    the IAB liaison coordinators: email (required), people
#                     (name, email, title), source, as_of, by
#
# One [[organization]] table per organization:
#   acronym         required; acronyms and aliases must be unique, compared
#                   ignoring case, spaces and punctuation ("ITU-T" = "itu t")
#   name            the full name
#   aliases         other names people type
#   relationship    formal   - an IETF liaison manager is appointed (RFC 4052)
#                   informal - the organizations cooperate without one
#                   none     - no relationship on record
#   reference       the RFC or agreement behind the relationship
#   url             the relationship's or the organization's page
#   datatracker_id  the Datatracker's group id (/api/v1/group/group/ID/)
#   parent          the acronym of the parent organization (in this file)
#   in_datatracker  true when the Datatracker knows the group
#   cc              addresses to copy on statements to or from it
#   notes           short facts worth telling whoever asks
#   source          where the entry comes from (a URL or a document)
#   as_of           when that source said it: a date such as 2026-03-27, or
#                   "unknown"
#   by              who made the last admin edit
# and, under it, one table per person:
#   [[organization.manager]]   an IETF liaison manager for the organization
#   [[organization.contact]]   the organization's own liaison contact point
#   [[organization.approver]]  an extra approver of outgoing statements
#     name and/or email, title; source, as_of and by are the
#     organization's unless given.
`

// writer builds the file; the first string that cannot be written
// (not UTF-8) is kept in err.
type writer struct {
	b   strings.Builder
	err error
}

// str writes key = "value", leaving out empty values.
func (w *writer) str(indent, key, v string) {
	if v != "" {
		w.b.WriteString(indent + key + " = " + w.quote(v) + "\n")
	}
}

func (w *writer) provenance(indent string, p bot.Provenance) {
	w.str(indent, "source", p.Source)
	if !p.AsOf.IsZero() {
		w.b.WriteString(indent + "as_of = " + formatDate(p.AsOf) + "\n")
	}
	w.str(indent, "by", p.By)
}

// list writes a list of strings on one line when it is short, else one
// element per line; long always writes one per line (for notes).
func (w *writer) list(indent, key string, vals []string, long bool) {
	if len(vals) == 0 {
		return
	}
	q := make([]string, len(vals))
	for i, v := range vals {
		q[i] = w.quote(v)
	}
	one := indent + key + " = [" + strings.Join(q, ", ") + "]"
	if !long && utf8.RuneCountInString(one) <= 80 {
		w.b.WriteString(one + "\n")
		return
	}
	w.b.WriteString(indent + key + " = [\n")
	for _, s := range q {
		w.b.WriteString(indent + "  " + s + ",\n")
	}
	w.b.WriteString(indent + "]\n")
}

// quote writes s as a TOML basic string.
func (w *writer) quote(s string) string {
	if !utf8.ValidString(s) {
		if w.err == nil {
			w.err = fmt.Errorf("format directory file: %q is not UTF-8 text", s)
		}
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\b':
			b.WriteString(`\b`)
		case '\t':
			b.WriteString(`\t`)
		case '\n':
			b.WriteString(`\n`)
		case '\f':
			b.WriteString(`\f`)
		case '\r':
			b.WriteString(`\r`)
		default:
			if r < 0x20 || r == 0x7f {
				fmt.Fprintf(&b, `\u%04X`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

// formatDate writes a date as a TOML local date when it is midnight
// UTC, else as a UTC date-time; the zero time is "unknown".
func formatDate(t time.Time) string {
	if t.IsZero() {
		return strconv.Quote(unknownDate)
	}
	t = t.UTC()
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 && t.Nanosecond() == 0 {
		return t.Format(time.DateOnly)
	}
	return t.Format(time.RFC3339Nano)
}
