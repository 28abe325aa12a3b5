package bot

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// The directory's rules. Validate is the one check of a whole directory:
// the directory file's import reports every problem it finds (with the
// line), and the store refuses a directory with a Fatal one, whoever made
// it (an import, an admin in chat, the Datatracker sync). CheckKey is the
// same rule about names, asked before an admin's edit.

// Problem is one way a directory breaks its rules.
type Problem struct {
	// Path names the field as the directory file does:
	// "coordinators.email", "organization[2].aliases[1]",
	// "organization[2].manager[0].email".
	Path string
	// Where names the field for a reader, with the organization's acronym:
	// `organization[2] "ACME": aliases[1]`.
	Where string
	// Message says what is wrong: `"--" has no letters or digits`.
	Message string
	// Fatal problems are those no stored directory may have: an
	// organization without an acronym, two with the same acronym (ignoring
	// case), two with the same Datatracker id.
	Fatal bool
}

func (p Problem) String() string { return p.Where + ": " + p.Message }

// Problems are a directory's problems, in the order of its fields.
type Problems []Problem

// Error lists the problems, one a line.
func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// Fatal returns the fatal problems.
func (ps Problems) Fatal() Problems {
	var out Problems
	for _, p := range ps {
		if p.Fatal {
			out = append(out, p)
		}
	}
	return out
}

// MaxKeyLength is the longest acronym, name or alias, in characters.
const MaxKeyLength = 100

// Validate checks the directory's rules:
//
//   - the coordinators' address and the directory's own addresses are valid
//     email addresses;
//   - every organization has an acronym; acronyms and aliases have letters
//     or digits, and no two organizations answer to the same one (ignoring
//     case, spaces and punctuation);
//   - relationships are formal, informal or none; URLs are http(s);
//     Datatracker ids are positive and not shared; CC addresses are valid;
//     notes and aliases are not empty;
//   - every person has a name or an email address, a valid one, and one
//     address is one person (the same address never has two names);
//   - parents name an organization of the directory, without loops.
//
// Values are checked as they are: the directory file trims them before.
func (d *Directory) Validate() Problems {
	v := &validation{d: d, emails: map[string]namedAt{}}
	v.email("statements_email", "statements_email", d.StatementsEmail, true)
	v.email("managers_email", "managers_email", d.ManagersEmail, true)
	v.email("coordinators.email", "coordinators.email", d.Coordinators.Email, true)
	v.people("coordinators.people", "coordinators.", "people", d.Coordinators.People)
	keys := map[string]keyHolder{}
	acronyms := map[string]int{} // lower-case acronym -> the first organization with it
	dtIDs := map[int64]int{}
	for i, o := range d.Orgs {
		base := fmt.Sprintf("organization[%d]", i)
		label := orgLabel(i, o)
		add := func(field string, fatal bool, format string, args ...any) {
			v.add(base+"."+field, label+": "+field, fatal, format, args...)
		}
		claim := func(field, value string) {
			k := NormalizeKey(value)
			if k == "" {
				add(field, false, "%q has no letters or digits", value)
				return
			}
			if prev, ok := keys[k]; ok {
				if prev.org != i {
					// Two equal acronyms (ignoring case) cannot be stored.
					first, taken := acronyms[strings.ToLower(value)]
					fatal := field == "acronym" && taken && first != i
					add(field, fatal, "%q is already used by %s (names are compared ignoring case, spaces and punctuation)", value, prev.where)
				}
				return
			}
			keys[k] = keyHolder{org: i, where: fmt.Sprintf("%s (%s)", label, field)}
		}
		if o.Acronym == "" {
			add("acronym", true, "missing; every organization needs an acronym")
		} else {
			claim("acronym", o.Acronym)
			if _, ok := acronyms[strings.ToLower(o.Acronym)]; !ok {
				acronyms[strings.ToLower(o.Acronym)] = i
			}
		}
		for j, a := range o.Aliases {
			field := fmt.Sprintf("aliases[%d]", j)
			if a == "" {
				add(field, false, "empty alias")
				continue
			}
			claim(field, a)
		}
		switch {
		case o.Relationship == "":
			add("relationship", false, "missing; write formal, informal or none")
		case !o.Relationship.Valid():
			add("relationship", false, "%q is not one of formal, informal, none", string(o.Relationship))
		}
		if o.URL != "" && !isWebURL(o.URL) {
			add("url", false, "%q is not an http(s) URL", o.URL)
		}
		if o.DatatrackerID < 0 {
			add("datatracker_id", false, "%d is not a Datatracker group id", o.DatatrackerID)
		} else if o.DatatrackerID > 0 {
			if prev, ok := dtIDs[o.DatatrackerID]; ok {
				add("datatracker_id", true, "%d is also the id of organization[%d] %q", o.DatatrackerID, prev, d.Orgs[prev].Acronym)
			} else {
				dtIDs[o.DatatrackerID] = i
			}
		}
		for j, e := range o.CC {
			v.email(fmt.Sprintf("%s.cc[%d]", base, j), fmt.Sprintf("%s: cc[%d]", label, j), e, true)
		}
		for j, n := range o.Notes {
			if n == "" {
				add(fmt.Sprintf("notes[%d]", j), false, "empty note")
			}
		}
		v.people(base+".manager", label+": ", "manager", o.Managers)
		v.people(base+".contact", label+": ", "contact", o.Contacts)
		v.people(base+".approver", label+": ", "approver", o.Approvers)
	}
	v.parents()
	return v.problems
}

// orgLabel names the i-th organization: `organization[2] "ACME"`.
func orgLabel(i int, o *Organization) string {
	if o.Acronym == "" {
		return fmt.Sprintf("organization[%d]", i)
	}
	return fmt.Sprintf("organization[%d] %q", i, o.Acronym)
}

// keyHolder is who answers to a name first.
type keyHolder struct {
	org   int
	where string
}

// namedAt remembers who an email address was first given to.
type namedAt struct {
	name  string
	where string
}

type validation struct {
	d        *Directory
	emails   map[string]namedAt // email key -> first name seen
	problems Problems
}

func (v *validation) add(path, where string, fatal bool, format string, args ...any) {
	v.problems = append(v.problems, Problem{Path: path, Where: where, Message: fmt.Sprintf(format, args...), Fatal: fatal})
}

// email checks an address; required says whether empty is a problem.
func (v *validation) email(path, where, s string, required bool) {
	switch {
	case s == "":
		if required {
			v.add(path, where, false, "missing email address")
		}
	case !ValidEmail(s):
		v.add(path, where, false, "%q is not a valid email address", s)
	}
}

// people checks a list of people: each has a name or an address, a valid
// one, and an address has one name.
func (v *validation) people(path, prefix, field string, ps []Person) {
	for j, p := range ps {
		ppath := fmt.Sprintf("%s[%d]", path, j)
		where := fmt.Sprintf("%s%s[%d]", prefix, field, j)
		v.email(ppath+".email", where+".email", p.Email, false)
		if p.Name == "" && p.Email == "" {
			v.add(ppath, where, false, "a person needs a name or an email address")
		}
		if p.Email != "" && p.Name != "" {
			k := EmailKey(p.Email)
			if prev, ok := v.emails[k]; !ok {
				v.emails[k] = namedAt{p.Name, where}
			} else if prev.name != p.Name {
				v.add(ppath+".name", where+".name", false, "%q has the address %s, which %s gives to %q; one address is one person", p.Name, p.Email, prev.where, prev.name)
			}
		}
	}
}

// parents checks that parents name an organization of the directory,
// without loops.
func (v *validation) parents() {
	orgs := v.d.Orgs
	byAcronym := map[string]int{} // lower-case acronym -> the first organization
	for i, o := range orgs {
		if _, ok := byAcronym[strings.ToLower(o.Acronym)]; o.Acronym != "" && !ok {
			byAcronym[strings.ToLower(o.Acronym)] = i
		}
	}
	parent := make([]int, len(orgs)) // index of the parent, -1 for none
	for i, o := range orgs {
		parent[i] = -1
		if o.Parent == "" {
			continue
		}
		path, where := fmt.Sprintf("organization[%d].parent", i), orgLabel(i, o)+": parent"
		p, ok := byAcronym[strings.ToLower(o.Parent)]
		switch {
		case !ok:
			v.add(path, where, false, "%q is not the acronym of an organization in this file", o.Parent)
		case p == i:
			v.add(path, where, false, "an organization cannot be its own parent")
		default:
			parent[i] = p
		}
	}
	// Walk each chain once: 1 = on the current walk, 2 = known to end.
	state := make([]int8, len(orgs))
	for i := range orgs {
		var walk []int
		cur := i
		for cur >= 0 && state[cur] == 0 {
			state[cur] = 1
			walk = append(walk, cur)
			cur = parent[cur]
		}
		if cur >= 0 && state[cur] == 1 { // a loop: from cur to the end of walk
			inLoop := false
			for _, j := range walk {
				inLoop = inLoop || j == cur
				if inLoop {
					o := orgs[j]
					v.add(fmt.Sprintf("organization[%d].parent", j), fmt.Sprintf("organization[%d] %q: parent", j, o.Acronym), false,
						"%q leads back to %q (parents form a loop)", o.Parent, o.Acronym)
				}
			}
		}
		for _, j := range walk {
			state[j] = 2
		}
	}
}

// isWebURL reports whether s is an http(s) URL without spaces or quotes.
func isWebURL(s string) bool {
	return (strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://")) &&
		!strings.ContainsAny(s, " \t\r\n\"<>")
}

// AddManager appoints an IETF liaison manager of o. An appointed manager
// is what makes a relationship formal (RFC 4052): an organization with
// none on record becomes formal.
func (o *Organization) AddManager(p Person) {
	o.Managers = append(o.Managers, p)
	if o.Relationship == RelNone {
		o.Relationship = RelFormal
	}
}

// NamePerson gives everyone in the directory with p's address p's name:
// one address is one person (see Validate).
func (d *Directory) NamePerson(p Person) {
	if p.Email == "" || p.Name == "" {
		return
	}
	fix := func(ps []Person) {
		for i := range ps {
			if SameEmail(ps[i].Email, p.Email) {
				ps[i].Name = p.Name
			}
		}
	}
	for _, o := range d.Orgs {
		fix(o.Managers)
		fix(o.Contacts)
		fix(o.Approvers)
	}
	fix(d.Coordinators.People)
}

// KeyOwner returns the organization other than self that answers to key
// (its acronym, name or one of its aliases, ignoring case, spaces and
// punctuation), or nil.
func (d *Directory) KeyOwner(key string, self *Organization) *Organization {
	k := NormalizeKey(key)
	for _, o := range d.Orgs {
		if self != nil && o.ID == self.ID {
			continue
		}
		if NormalizeKey(o.Acronym) == k || NormalizeKey(o.Name) == k {
			return o
		}
		for _, al := range o.Aliases {
			if NormalizeKey(al) == k {
				return o
			}
		}
	}
	return nil
}

// CheckKey refuses an acronym, name or alias (what) for self (nil: a new
// organization) that has no letters or digits, is longer than
// MaxKeyLength, or is another organization's acronym, name or alias.
func (d *Directory) CheckKey(what, key string, self *Organization) error {
	switch {
	case NormalizeKey(key) == "":
		return Errorf(EINVALID, "The %s needs letters or digits; nothing was changed.", what)
	case utf8.RuneCountInString(key) > MaxKeyLength:
		return Errorf(EINVALID, "That %s is too long (at most %d characters); nothing was changed.", what, MaxKeyLength)
	}
	if o := d.KeyOwner(key, self); o != nil {
		return Errorf(ECONFLICT, "“%s” already names %s; nothing was changed.", Echo(key), o.Label())
	}
	return nil
}

// Echo shortens user text for quoting it back: spaces folded, at most 60
// characters.
func Echo(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 60 {
		s = string(r[:60]) + "…"
	}
	return s
}
