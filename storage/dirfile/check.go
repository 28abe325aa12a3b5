package dirfile

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/ietf-tools/liaisonbot/bot"
)

// checker collects the problems of one file.
type checker struct {
	name     string
	text     string
	lines    *lineIndex // built on the first problem
	problems []problem
}

type problem struct {
	line int
	msg  string // "where: what"
}

// at returns the line of the field path (or of its closest enclosing
// table), 0 if unknown.
func (c *checker) at(path string) int {
	if c.lines == nil {
		c.lines = scanLines(c.text)
	}
	return c.lines.find(path)
}

// addAt records a problem; path locates the line, where names the field
// for the reader.
func (c *checker) addAt(path, where, format string, args ...any) {
	c.problems = append(c.problems, problem{line: c.at(path), msg: where + ": " + fmt.Sprintf(format, args...)})
}

func (c *checker) report() string {
	sort.SliceStable(c.problems, func(i, j int) bool {
		a, b := c.problems[i].line, c.problems[j].line
		if a == 0 || b == 0 {
			return a != 0 && b == 0
		}
		return a < b
	})
	var out []string
	for i, p := range c.problems {
		if i == maxErrors {
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
func (c *checker) unknownKeys(md toml.MetaData) {
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
			c.lines = scanLines(c.text)
		}
		spots := c.lines.occurrences(strings.Join(k, "."))
		if len(spots) == 0 {
			c.problems = append(c.problems, problem{msg: k.String() + ": " + msg})
		}
		for _, s := range spots {
			c.problems = append(c.problems, problem{line: s.line, msg: s.path + ": " + msg})
		}
	}
}

// build converts the decoded file (values trimmed, dates read) and checks
// it with bot.Directory.Validate, locating each problem in the file.
func (c *checker) build(doc *fileDoc) *bot.Directory {
	d := &bot.Directory{
		StatementsEmail: bot.DefaultStatementsEmail,
		ManagersEmail:   bot.DefaultManagersEmail,
	}
	switch {
	case doc.Format == nil:
		c.addAt("format", "format", "missing; add format = %d at the top", formatVersion)
	case *doc.Format != formatVersion:
		c.addAt("format", "format", "%d is not a format this version of liaisonbot reads (it reads format %d)", *doc.Format, formatVersion)
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
func (c *checker) people(path, where string, in []filePerson, inherit bot.Provenance) []bot.Person {
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

func (c *checker) date(path, where string, d fileDate) time.Time {
	if d.bad != "" {
		c.addAt(path, where, "%s", d.bad)
	}
	return d.t
}
