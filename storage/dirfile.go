package storage

// The directory file: a TOML file, edited by hand by liaison people, that
// holds the whole directory (organizations, their IETF liaison managers and
// contact points, the IAB liaison coordinators). It is what `directory
// import` reads and `directory export` writes, and a copy of it is bundled
// as the default directory (directory.toml).

import (
	_ "embed"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/BurntSushi/toml"

	"github.com/ietf-tools/liaisonbot/bot"
)

//go:embed directory.toml
var defaultDirectoryFile []byte

// DefaultDirectoryFile returns the bundled directory file.
func DefaultDirectoryFile() []byte {
	return append([]byte(nil), defaultDirectoryFile...)
}

// Limits of the directory file.
const (
	dirfileFormat    = 1        // the format this code reads and writes
	dirfileMaxSize   = 10 << 20 // bytes
	dirfileMaxErrors = 20       // problems reported before "and N more"
)

// The file's shape. Optional person provenance is a pointer so that
// "absent" (inherit the organization's) differs from "empty".
type dirfileDoc struct {
	Format          *int64               `toml:"format"`
	StatementsEmail *string              `toml:"statements_email"`
	ManagersEmail   *string              `toml:"managers_email"`
	Coordinators    *dirfileCoordinators `toml:"coordinators"`
	Organizations   []dirfileOrg         `toml:"organization"`
}

type dirfileCoordinators struct {
	Email  string          `toml:"email"`
	People []dirfilePerson `toml:"people"`
	Source string          `toml:"source"`
	AsOf   dirfileDate     `toml:"as_of"`
	By     string          `toml:"by"`
}

type dirfileOrg struct {
	Acronym       string          `toml:"acronym"`
	Name          string          `toml:"name"`
	Aliases       []string        `toml:"aliases"`
	Relationship  string          `toml:"relationship"`
	Reference     string          `toml:"reference"`
	URL           string          `toml:"url"`
	DatatrackerID int64           `toml:"datatracker_id"`
	Parent        string          `toml:"parent"`
	InDatatracker bool            `toml:"in_datatracker"`
	CC            []string        `toml:"cc"`
	Notes         []string        `toml:"notes"`
	Source        string          `toml:"source"`
	AsOf          dirfileDate     `toml:"as_of"`
	By            string          `toml:"by"`
	Managers      []dirfilePerson `toml:"manager"`
	Contacts      []dirfilePerson `toml:"contact"`
	Approvers     []dirfilePerson `toml:"approver"`
}

type dirfilePerson struct {
	Name   string       `toml:"name"`
	Email  string       `toml:"email"`
	Title  string       `toml:"title"`
	Source *string      `toml:"source"`
	AsOf   *dirfileDate `toml:"as_of"`
	By     *string      `toml:"by"`
}

// dirfileDate is an as_of value: a TOML date (2026-03-27, midnight UTC), a
// date-time (offsets are converted to UTC, local date-times taken as UTC),
// a quoted date, or "unknown" for no date. A value that is none of these
// is kept in bad and reported by the validation with its field path.
type dirfileDate struct {
	t   time.Time
	bad string
}

// dirfileUnknownDate is how the file says "no date" where omitting the key
// would inherit one.
const dirfileUnknownDate = "unknown"

func (d *dirfileDate) UnmarshalTOML(v any) error {
	*d = dirfileDate{}
	switch x := v.(type) {
	case time.Time:
		// BurntSushi/toml marks values without an offset with these zones.
		switch x.Location().String() {
		case "date-local", "datetime-local":
			y, m, day := x.Date()
			h, mi, s := x.Clock()
			d.t = time.Date(y, m, day, h, mi, s, x.Nanosecond(), time.UTC)
		case "time-local":
			d.bad = "is a time of day, not a date"
			return nil
		default:
			d.t = x.UTC()
		}
	case string:
		s := strings.TrimSpace(x)
		if s == "" || strings.EqualFold(s, dirfileUnknownDate) {
			return nil
		}
		t, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t, err = time.Parse(time.RFC3339Nano, s)
		}
		if err != nil {
			d.bad = fmt.Sprintf("%q is not a date (write 2026-03-27, or \"unknown\")", x)
			return nil
		}
		d.t = t.UTC()
	default:
		d.bad = fmt.Sprintf("%v is not a date (write 2026-03-27, or \"unknown\")", v)
		return nil
	}
	if y := d.t.Year(); y < 1900 || y > 9999 {
		d.bad = fmt.Sprintf("%s is out of range (years 1900 to 9999)", d.t.Format(time.RFC3339))
		d.t = time.Time{}
	}
	return nil
}

// ParseDirectoryFile decodes and validates a directory file. name is used in
// error messages. The error, if any, is a *bot.Error (code EINVALID) whose
// message lists every problem found (up to 20), one per line, each with the
// file name, the line when known and the field.
func ParseDirectoryFile(name string, data []byte) (*bot.Directory, error) {
	if name == "" {
		name = "directory file"
	}
	if len(data) > dirfileMaxSize {
		return nil, dirfileInvalid(fmt.Sprintf("%s: the file is %d bytes; the limit is %d MiB", name, len(data), dirfileMaxSize>>20))
	}
	if !utf8.Valid(data) {
		at := dirfileFirstInvalid(data)
		line := 1 + strings.Count(string(data[:at]), "\n")
		return nil, dirfileInvalid(fmt.Sprintf("%s: line %d: the file is not UTF-8 text (byte 0x%02x); save it as UTF-8", name, line, data[at]))
	}
	// Every value in the file is a one-line text (names, acronyms,
	// addresses, notes): invisible characters have no business there and go
	// before anything is checked, so that the checks see what is stored.
	text := bot.StripInvisible(string(data))
	var doc dirfileDoc
	md, err := toml.Decode(text, &doc)
	if err != nil {
		return nil, dirfileInvalid(dirfileDecodeError(name, err))
	}
	c := &dirfileChecker{name: name, text: text}
	c.unknownKeys(md)
	d := c.build(&doc)
	if len(c.problems) > 0 {
		return nil, dirfileInvalid(c.report())
	}
	return d, nil
}

func dirfileInvalid(msg string) error {
	return &bot.Error{Code: bot.EINVALID, Message: msg}
}

func dirfileFirstInvalid(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return 0
}

// dirfileDecodeErrRE picks apart the errors BurntSushi/toml returns for
// values of the wrong type, which are not ParseErrors.
var dirfileDecodeErrRE = regexp.MustCompile(`^toml: (?:line (\d+) )?\(last key "([^"]*)"\): (.*)$`)

// The two ways BurntSushi/toml says a value has the wrong type.
var (
	dirfileTypeErrRE  = regexp.MustCompile(`^incompatible types: TOML value has type (\S+); destination has type (\S+)$`)
	dirfileMismatchRE = regexp.MustCompile(`^type mismatch for \S+: expected (\S+) but found (\S+)$`)
)

// dirfileTypeName names a TOML or Go type for people who edit the file.
func dirfileTypeName(t string) string {
	switch t {
	case "string":
		return "a string"
	case "int64", "int", "integer":
		return "a whole number"
	case "bool", "boolean":
		return "true or false"
	case "slice", "array", "[]any":
		return "a list [...]"
	case "struct", "map", "map[string]any", "table":
		return "a table"
	case "float64", "float":
		return "a decimal number"
	case "time.Time", "datetime":
		return "a date"
	}
	return t
}

func dirfileDecodeError(name string, err error) string {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		msg := "syntax error: " + pe.Message
		if pe.LastKey != "" {
			msg = fmt.Sprintf("%s (after key %s)", msg, pe.LastKey)
		}
		if pe.Position.Line > 0 {
			return fmt.Sprintf("%s: line %d: %s", name, pe.Position.Line, msg)
		}
		return fmt.Sprintf("%s: %s", name, msg)
	}
	if m := dirfileDecodeErrRE.FindStringSubmatch(err.Error()); m != nil {
		msg := m[3]
		if t := dirfileTypeErrRE.FindStringSubmatch(msg); t != nil {
			msg = fmt.Sprintf("is %s, but should be %s", dirfileTypeName(t[1]), dirfileTypeName(t[2]))
		} else if t := dirfileMismatchRE.FindStringSubmatch(msg); t != nil {
			msg = fmt.Sprintf("is %s, but should be %s", dirfileTypeName(t[2]), dirfileTypeName(t[1]))
		}
		if m[1] != "" {
			return fmt.Sprintf("%s: line %s: %s: %s", name, m[1], m[2], msg)
		}
		return fmt.Sprintf("%s: %s: %s", name, m[2], msg)
	}
	return fmt.Sprintf("%s: %s", name, strings.TrimPrefix(err.Error(), "toml: "))
}

// dirfileChecker collects the problems of one file.
type dirfileChecker struct {
	name     string
	text     string
	lines    *dirfileLines // built on the first problem
	problems []dirfileProblem
}

type dirfileProblem struct {
	line int
	msg  string // "where: what"
}

// at returns the line of the field path (or of its closest enclosing
// table), 0 if unknown.
func (c *dirfileChecker) at(path string) int {
	if c.lines == nil {
		c.lines = dirfileScan(c.text)
	}
	return c.lines.find(path)
}

// addAt records a problem; path locates the line, where names the field
// for the reader.
func (c *dirfileChecker) addAt(path, where, format string, args ...any) {
	c.problems = append(c.problems, dirfileProblem{line: c.at(path), msg: where + ": " + fmt.Sprintf(format, args...)})
}

func (c *dirfileChecker) report() string {
	sort.SliceStable(c.problems, func(i, j int) bool {
		a, b := c.problems[i].line, c.problems[j].line
		if a == 0 || b == 0 {
			return a != 0 && b == 0
		}
		return a < b
	})
	var out []string
	for i, p := range c.problems {
		if i == dirfileMaxErrors {
			out = append(out, fmt.Sprintf("%s: … and %d more problems", c.name, len(c.problems)-i))
			break
		}
		if p.line > 0 {
			out = append(out, fmt.Sprintf("%s: line %d: %s", c.name, p.line, p.msg))
		} else {
			out = append(out, fmt.Sprintf("%s: %s", c.name, p.msg))
		}
	}
	return strings.Join(out, "\n")
}

// unknownKeys reports keys the format does not have, and keys in the wrong
// case (the decoder would accept "Acronym" for "acronym").
func (c *dirfileChecker) unknownKeys(md toml.MetaData) {
	undecoded := map[string]bool{}
	var keys []toml.Key
	for _, k := range md.Undecoded() {
		s := k.String()
		if !undecoded[s] {
			undecoded[s] = true
			keys = append(keys, k)
		}
	}
	for _, k := range md.Keys() {
		s := k.String()
		if !undecoded[s] && s != strings.ToLower(s) {
			undecoded[s] = true
			keys = append(keys, k)
		}
	}
	for _, k := range keys {
		parentUnknown := false
		for n := 1; n < len(k); n++ {
			if undecoded[k[:n].String()] {
				parentUnknown = true
				break
			}
		}
		if parentUnknown {
			continue
		}
		last := k[len(k)-1]
		msg := fmt.Sprintf("unknown key %q", last)
		if low := strings.ToLower(last); low != last {
			msg += fmt.Sprintf(" (keys are lower case: %q)", low)
		}
		if c.lines == nil {
			c.lines = dirfileScan(c.text)
		}
		spots := c.lines.occurrences(strings.Join(k, "."))
		if len(spots) == 0 {
			c.problems = append(c.problems, dirfileProblem{msg: k.String() + ": " + msg})
		}
		for _, s := range spots {
			c.problems = append(c.problems, dirfileProblem{line: s.line, msg: s.path + ": " + msg})
		}
	}
}

// build converts the decoded file (values trimmed, dates read) and checks
// it with bot.Directory.Validate, locating each problem in the file.
func (c *dirfileChecker) build(doc *dirfileDoc) *bot.Directory {
	d := &bot.Directory{
		StatementsEmail: bot.DefaultStatementsEmail,
		ManagersEmail:   bot.DefaultManagersEmail,
	}
	switch {
	case doc.Format == nil:
		c.addAt("format", "format", "missing; add format = %d at the top", dirfileFormat)
	case *doc.Format != dirfileFormat:
		c.addAt("format", "format", "%d is not a format this version of liaisonbot reads (it reads format %d)", *doc.Format, dirfileFormat)
	}
	if doc.StatementsEmail != nil {
		d.StatementsEmail = strings.TrimSpace(*doc.StatementsEmail)
	}
	if doc.ManagersEmail != nil {
		d.ManagersEmail = strings.TrimSpace(*doc.ManagersEmail)
	}
	if doc.Coordinators == nil {
		c.addAt("coordinators", "coordinators", "missing; add a [coordinators] table with their email")
	} else {
		dc := doc.Coordinators
		d.Coordinators.Email = strings.TrimSpace(dc.Email)
		d.Coordinators.Provenance = bot.Provenance{
			Source: strings.TrimSpace(dc.Source),
			AsOf:   c.date("coordinators.as_of", "coordinators.as_of", dc.AsOf),
			By:     strings.TrimSpace(dc.By),
		}
		d.Coordinators.People = c.people("coordinators.people", "coordinators.people", dc.People, d.Coordinators.Provenance)
	}
	for i := range doc.Organizations {
		f := &doc.Organizations[i]
		o := &bot.Organization{
			Acronym:       strings.TrimSpace(f.Acronym),
			Name:          strings.TrimSpace(f.Name),
			Relationship:  bot.Relationship(strings.ToLower(strings.TrimSpace(f.Relationship))),
			Reference:     strings.TrimSpace(f.Reference),
			URL:           strings.TrimSpace(f.URL),
			Parent:        strings.TrimSpace(f.Parent),
			DatatrackerID: f.DatatrackerID,
			InDatatracker: f.InDatatracker,
			Aliases:       trimAll(f.Aliases),
			CC:            trimAll(f.CC),
			Notes:         trimAll(f.Notes),
		}
		base := fmt.Sprintf("organization[%d]", i)
		label := base
		if o.Acronym != "" {
			label = fmt.Sprintf("%s %q", base, o.Acronym)
		}
		o.Provenance = bot.Provenance{
			Source: strings.TrimSpace(f.Source),
			AsOf:   c.date(base+".as_of", label+": as_of", f.AsOf),
			By:     strings.TrimSpace(f.By),
		}
		o.Managers = c.people(base+".manager", label+": manager", f.Managers, o.Provenance)
		o.Contacts = c.people(base+".contact", label+": contact", f.Contacts, o.Provenance)
		o.Approvers = c.people(base+".approver", label+": approver", f.Approvers, o.Provenance)
		d.Orgs = append(d.Orgs, o)
	}
	for _, p := range d.Validate() {
		if doc.Coordinators == nil && strings.HasPrefix(p.Path, "coordinators.") {
			continue // the missing table says it
		}
		c.addAt(p.Path, p.Where, "%s", p.Message)
	}
	return d
}

// trimAll trims every value of a list, keeping the empty ones (Validate
// reports them by their place in the list).
func trimAll(in []string) []string {
	var out []string
	for _, s := range in {
		out = append(out, strings.TrimSpace(s))
	}
	return out
}

// people converts a list of people, inheriting the provenance fields they
// leave out from inherit.
func (c *dirfileChecker) people(path, where string, in []dirfilePerson, inherit bot.Provenance) []bot.Person {
	var out []bot.Person
	for j, f := range in {
		p := bot.Person{
			Name:       strings.TrimSpace(f.Name),
			Email:      strings.TrimSpace(f.Email),
			Title:      strings.TrimSpace(f.Title),
			Provenance: inherit,
		}
		if f.Source != nil {
			p.Source = strings.TrimSpace(*f.Source)
		}
		if f.AsOf != nil {
			p.AsOf = c.date(fmt.Sprintf("%s[%d].as_of", path, j), fmt.Sprintf("%s[%d].as_of", where, j), *f.AsOf)
		}
		if f.By != nil {
			p.By = strings.TrimSpace(*f.By)
		}
		out = append(out, p)
	}
	return out
}

func (c *dirfileChecker) date(path, where string, d dirfileDate) time.Time {
	if d.bad != "" {
		c.addAt(path, where, "%s", d.bad)
	}
	return d.t
}

// FormatDirectoryFile writes d as a readable directory file (the export).
// Organizations keep their order. Database ids and chat identities are not
// written. A person's source, as_of and by are written only where they
// differ from their organization's (or the coordinators').
func FormatDirectoryFile(d *bot.Directory) ([]byte, error) {
	if d == nil {
		return nil, errors.New("format directory file: no directory")
	}
	w := &dirfileWriter{}
	w.b.WriteString(dirfileHeader)
	w.b.WriteString("\n")
	fmt.Fprintf(&w.b, "format = %d\n", dirfileFormat)
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
				add("as_of", dirfileFormatDate(p.AsOf))
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
					w.b.WriteString(in + "as_of = " + dirfileFormatDate(p.AsOf) + "\n")
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

// dirfileHeader starts every exported file.
const dirfileHeader = `# liaisonbot directory file, format 1.
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

// dirfileWriter builds the file; the first string that cannot be written
// (not UTF-8) is kept in err.
type dirfileWriter struct {
	b   strings.Builder
	err error
}

// str writes key = "value", leaving out empty values.
func (w *dirfileWriter) str(indent, key, v string) {
	if v != "" {
		w.b.WriteString(indent + key + " = " + w.quote(v) + "\n")
	}
}

func (w *dirfileWriter) provenance(indent string, p bot.Provenance) {
	w.str(indent, "source", p.Source)
	if !p.AsOf.IsZero() {
		w.b.WriteString(indent + "as_of = " + dirfileFormatDate(p.AsOf) + "\n")
	}
	w.str(indent, "by", p.By)
}

// list writes a list of strings on one line when it is short, else one
// element per line; long always writes one per line (for notes).
func (w *dirfileWriter) list(indent, key string, vals []string, long bool) {
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
func (w *dirfileWriter) quote(s string) string {
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

// dirfileFormatDate writes a date as a TOML local date when it is midnight
// UTC, else as a UTC date-time; the zero time is "unknown".
func dirfileFormatDate(t time.Time) string {
	if t.IsZero() {
		return strconv.Quote(dirfileUnknownDate)
	}
	t = t.UTC()
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 && t.Nanosecond() == 0 {
		return t.Format(time.DateOnly)
	}
	return t.Format(time.RFC3339Nano)
}

// dirfileLines maps field paths of a TOML text to the lines they are on:
// "organization[3]" is the line of the fourth [[organization]] header,
// "organization[3].manager[0].email" the line of that key,
// "organization[3].aliases[2]" the line of the third alias. It is a small
// best-effort scanner, used only to point at problems; it never fails.
type dirfileLines struct {
	spots []dirfileSpot            // in file order
	at    map[string]int           // path -> first line
	byKey map[string][]dirfileSpot // path without indexes -> spots, built on use
}

type dirfileSpot struct {
	path string
	line int
}

// find returns the line of path, or of its closest enclosing element, or 0.
func (l *dirfileLines) find(path string) int {
	for path != "" {
		if n, ok := l.at[path]; ok {
			return n
		}
		cut := strings.LastIndexAny(path, ".[")
		if cut < 0 {
			break
		}
		path = path[:cut]
	}
	return 0
}

// occurrences returns every spot whose path, without its [n] indexes, is
// the dotted key.
func (l *dirfileLines) occurrences(key string) []dirfileSpot {
	if l.byKey == nil {
		l.byKey = map[string][]dirfileSpot{}
		for _, s := range l.spots {
			k := dirfileStripIndexes(s.path)
			l.byKey[k] = append(l.byKey[k], s)
		}
	}
	return l.byKey[key]
}

func dirfileStripIndexes(p string) string {
	if !strings.Contains(p, "[") {
		return p
	}
	var b strings.Builder
	depth := 0
	for i := 0; i < len(p); i++ {
		switch c := p[i]; {
		case c == '[':
			depth++
		case c == ']' && depth > 0:
			depth--
		case depth == 0:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func dirfileScan(text string) *dirfileLines {
	sc := &dirfileScanner{
		s:      strings.TrimPrefix(text, "\xef\xbb\xbf"),
		line:   1,
		out:    &dirfileLines{at: map[string]int{}},
		counts: map[string]int{},
		cur:    map[string]string{},
	}
	sc.run()
	return sc.out
}

// dirfileScanner walks a TOML text, tracking table headers and keys.
type dirfileScanner struct {
	s      string
	i      int
	line   int
	out    *dirfileLines
	counts map[string]int    // array-of-tables path -> elements seen
	cur    map[string]string // dotted table name -> path of its current element
}

const dirfileScanMaxDepth = 100

func (sc *dirfileScanner) record(path string, line int) {
	if path == "" {
		return
	}
	sc.out.spots = append(sc.out.spots, dirfileSpot{path, line})
	if _, ok := sc.out.at[path]; !ok {
		sc.out.at[path] = line
	}
}

func (sc *dirfileScanner) peek(off int) byte {
	if sc.i+off < len(sc.s) {
		return sc.s[sc.i+off]
	}
	return 0
}

func (sc *dirfileScanner) eof() bool { return sc.i >= len(sc.s) }

// next consumes one byte, counting lines.
func (sc *dirfileScanner) next() {
	if sc.i < len(sc.s) {
		if sc.s[sc.i] == '\n' {
			sc.line++
		}
		sc.i++
	}
}

func (sc *dirfileScanner) skipBlanks() {
	for c := sc.peek(0); !sc.eof() && (c == ' ' || c == '\t'); c = sc.peek(0) {
		sc.next()
	}
}

// skipLine consumes up to (not including) the end of the line.
func (sc *dirfileScanner) skipLine() {
	for !sc.eof() && sc.peek(0) != '\n' {
		sc.next()
	}
}

// skipSpace consumes blanks, newlines and comments.
func (sc *dirfileScanner) skipSpace() {
	for !sc.eof() {
		switch sc.peek(0) {
		case ' ', '\t', '\r', '\n':
			sc.next()
		case '#':
			sc.skipLine()
		default:
			return
		}
	}
}

func (sc *dirfileScanner) run() {
	table := ""
	for !sc.eof() {
		sc.skipSpace()
		if sc.eof() {
			return
		}
		start := sc.i
		if sc.peek(0) == '[' {
			table = sc.header()
		} else {
			sc.keyValue(table)
		}
		sc.skipLine()
		if sc.i == start {
			sc.next()
		}
	}
}

// key reads a possibly dotted, possibly quoted key.
func (sc *dirfileScanner) key() []string {
	var parts []string
	for {
		sc.skipBlanks()
		var b strings.Builder
		switch c := sc.peek(0); c {
		case '"', '\'':
			sc.next()
			for !sc.eof() && sc.peek(0) != c && sc.peek(0) != '\n' {
				if c == '"' && sc.peek(0) == '\\' {
					sc.next()
				}
				b.WriteByte(sc.peek(0))
				sc.next()
			}
			if sc.peek(0) == c {
				sc.next()
			}
		default:
			for c := sc.peek(0); c == '_' || c == '-' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'; c = sc.peek(0) {
				b.WriteByte(c)
				sc.next()
			}
		}
		if b.Len() == 0 {
			return parts
		}
		parts = append(parts, b.String())
		sc.skipBlanks()
		if sc.peek(0) != '.' {
			return parts
		}
		sc.next()
	}
}

// header reads [table] or [[array.of.tables]] and returns the path of the
// table it opens.
func (sc *dirfileScanner) header() string {
	line := sc.line
	array := sc.peek(1) == '['
	sc.next()
	if array {
		sc.next()
	}
	parts := sc.key()
	if len(parts) == 0 {
		return ""
	}
	parent := sc.resolve(parts[:len(parts)-1])
	base := parts[len(parts)-1]
	if parent != "" {
		base = parent + "." + base
	}
	self := base
	if array {
		n := sc.counts[base]
		sc.counts[base] = n + 1
		self = fmt.Sprintf("%s[%d]", base, n)
	}
	plain := strings.Join(parts, ".")
	for k := range sc.cur {
		if strings.HasPrefix(k, plain+".") {
			delete(sc.cur, k)
		}
	}
	sc.cur[plain] = self
	sc.record(self, line)
	return self
}

// resolve turns a dotted table name into the path of its current element.
func (sc *dirfileScanner) resolve(parts []string) string {
	path := ""
	for n := range parts {
		if p, ok := sc.cur[strings.Join(parts[:n+1], ".")]; ok {
			path = p
		} else if path == "" {
			path = parts[n]
		} else {
			path += "." + parts[n]
		}
	}
	return path
}

func (sc *dirfileScanner) keyValue(table string) {
	line := sc.line
	parts := sc.key()
	if len(parts) == 0 {
		return
	}
	path := strings.Join(parts, ".")
	if table != "" {
		path = table + "." + path
	}
	sc.record(path, line)
	sc.skipBlanks()
	if sc.peek(0) != '=' {
		return
	}
	sc.next()
	sc.skipBlanks()
	sc.value(path, 0)
}

// value reads one value; arrays and inline tables record their elements.
func (sc *dirfileScanner) value(path string, depth int) {
	switch c := sc.peek(0); {
	case c == '"' || c == '\'':
		sc.str(c)
	case (c == '[' || c == '{') && depth < dirfileScanMaxDepth:
		sc.next()
		n := 0
		for !sc.eof() {
			sc.skipSpace()
			start := sc.i
			switch d := sc.peek(0); {
			case d == ']' || d == '}':
				sc.next()
				return
			case d == ',':
				sc.next()
			case c == '[':
				elem := fmt.Sprintf("%s[%d]", path, n)
				n++
				sc.record(elem, sc.line)
				sc.value(elem, depth+1)
			default:
				line := sc.line
				parts := sc.key()
				if len(parts) > 0 {
					k := path + "." + strings.Join(parts, ".")
					sc.record(k, line)
					sc.skipBlanks()
					if sc.peek(0) == '=' {
						sc.next()
						sc.skipBlanks()
						sc.value(k, depth+1)
					}
				}
			}
			if sc.i == start {
				sc.next()
			}
		}
	default:
		for !sc.eof() {
			switch sc.peek(0) {
			case ',', ']', '}', '#', '\n':
				return
			}
			sc.next()
		}
	}
}

// str reads a basic or literal string, single- or multi-line.
func (sc *dirfileScanner) str(q byte) {
	multi := sc.peek(1) == q && sc.peek(2) == q
	if multi {
		sc.next()
		sc.next()
		sc.next()
		for !sc.eof() {
			if q == '"' && sc.peek(0) == '\\' {
				sc.next()
				sc.next()
				continue
			}
			if sc.peek(0) == q && sc.peek(1) == q && sc.peek(2) == q {
				sc.next()
				sc.next()
				sc.next()
				for sc.peek(0) == q { // up to two quotes may end the content
					sc.next()
				}
				return
			}
			sc.next()
		}
		return
	}
	sc.next()
	for !sc.eof() && sc.peek(0) != '\n' {
		c := sc.peek(0)
		if q == '"' && c == '\\' {
			sc.next()
			if sc.peek(0) != '\n' {
				sc.next()
			}
			continue
		}
		sc.next()
		if c == q {
			return
		}
	}
}
