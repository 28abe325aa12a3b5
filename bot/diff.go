package bot

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// DirectoryDiff says how one directory differs from another, in lines
// meant for people ("3GPP: manager added: Jane Doe <jane@example.org>").
type DirectoryDiff struct {
	Added   []string
	Changed []string
	Removed []string
	// Lines are all of them in order (additions and changes in the new
	// directory's order, then the coordinators' and the addresses'
	// changes, then removals), each with the organization it is about:
	// what the directory's history records.
	Lines []DiffLine
}

// DiffLine is one line of a directory diff.
type DiffLine struct {
	Kind string        // "added", "changed" or "removed"
	Org  *Organization // the organization (of the new directory, or the removed one); nil for the coordinators and the addresses
	Text string
}

// The kinds of diff line.
const (
	DiffAdded   = "added"
	DiffChanged = "changed"
	DiffRemoved = "removed"
)

func (d *DirectoryDiff) add(kind string, org *Organization, text string) {
	d.Lines = append(d.Lines, DiffLine{Kind: kind, Org: org, Text: text})
	switch kind {
	case DiffAdded:
		d.Added = append(d.Added, text)
	case DiffRemoved:
		d.Removed = append(d.Removed, text)
	default:
		d.Changed = append(d.Changed, text)
	}
}

// Empty reports whether nothing changed.
func (d *DirectoryDiff) Empty() bool {
	return d == nil || len(d.Added)+len(d.Changed)+len(d.Removed) == 0
}

// String renders the diff as lines prefixed with +, ~ and -.
func (d *DirectoryDiff) String() string {
	if d.Empty() {
		return "no changes\n"
	}
	var b strings.Builder
	for _, s := range d.Added {
		fmt.Fprintf(&b, "+ %s\n", s)
	}
	for _, s := range d.Changed {
		fmt.Fprintf(&b, "~ %s\n", s)
	}
	for _, s := range d.Removed {
		fmt.Fprintf(&b, "- %s\n", s)
	}
	return b.String()
}

// OrgKey identifies an organization across directory versions: the
// Datatracker's group id when known (acronyms change), else the
// normalised acronym.
func OrgKey(o *Organization) string {
	if o.DatatrackerID != 0 {
		return fmt.Sprintf("dt:%d", o.DatatrackerID)
	}
	return "acr:" + NormalizeKey(o.Acronym)
}

// DiffDirectories compares two directories, every difference included.
// Organizations are matched by their store id when both have one (an
// entry edited in the store keeps its id, also when renamed: a change, not
// a removal and an addition), then by OrgKey, then by acronym (an entry
// that gains a Datatracker id is a change too). Ids are the store's: the
// two directories are two states of one store, or one of them is a
// file's, which has none.
func DiffDirectories(old, cur *Directory) *DirectoryDiff { return diffDirectories(old, cur, false) }

// DiffFacts is DiffDirectories without the differences of provenance
// alone: a fact confirmed again, by the same or another source, at a later
// date, is no change of fact. The Datatracker sync and the admins' edits
// record these.
func DiffFacts(old, cur *Directory) *DirectoryDiff { return diffDirectories(old, cur, true) }

func diffDirectories(old, cur *Directory, factsOnly bool) *DirectoryDiff {
	d := &DirectoryDiff{}
	oldByID := map[int64]*Organization{}
	oldByKey := map[string]*Organization{}
	oldByAcr := map[string]*Organization{}
	for _, o := range old.Orgs {
		if o.ID != 0 {
			oldByID[o.ID] = o
		}
		oldByKey[OrgKey(o)] = o
		oldByAcr[NormalizeKey(o.Acronym)] = o
	}
	matched := map[*Organization]bool{}
	for _, n := range cur.Orgs {
		var o *Organization
		if n.ID != 0 {
			o = oldByID[n.ID]
		}
		if o == nil || matched[o] {
			o = oldByKey[OrgKey(n)]
		}
		if o == nil || matched[o] {
			o = oldByAcr[NormalizeKey(n.Acronym)]
		}
		if o == nil || matched[o] {
			d.add(DiffAdded, n, describeOrg(n))
			continue
		}
		matched[o] = true
		same := n
		if factsOnly {
			c := *n
			c.Provenance = o.Provenance
			same = &c
		}
		for _, l := range DiffOrg(o, same) {
			d.add(DiffChanged, n, l)
		}
	}
	for _, l := range diffCoordinators(old, cur) {
		d.add(DiffChanged, nil, l)
	}
	for _, o := range old.Orgs {
		if !matched[o] {
			d.add(DiffRemoved, o, describeOrg(o))
		}
	}
	return d
}

func describeOrg(o *Organization) string {
	s := o.Label()
	if len(o.Managers) > 0 {
		s += "; managers: " + peopleString(o.Managers)
	}
	return s
}

// DiffOrg lists how n differs from o, one line per difference.
func DiffOrg(o, n *Organization) []string {
	var out []string
	name := n.Acronym
	field := func(what, a, b string) {
		if a != b {
			out = append(out, fmt.Sprintf("%s: %s %q → %q", name, what, a, b))
		}
	}
	field("acronym", o.Acronym, n.Acronym)
	field("name", o.Name, n.Name)
	field("relationship", string(o.Relationship), string(n.Relationship))
	field("reference", o.Reference, n.Reference)
	field("url", o.URL, n.URL)
	field("parent", o.Parent, n.Parent)
	field("source", o.Source, n.Source)
	field("as of", dateString(o.AsOf), dateString(n.AsOf))
	if o.DatatrackerID != n.DatatrackerID {
		out = append(out, fmt.Sprintf("%s: Datatracker id %d → %d", name, o.DatatrackerID, n.DatatrackerID))
	}
	if o.InDatatracker != n.InDatatracker {
		if n.InDatatracker {
			out = append(out, name+": now in the Datatracker")
		} else {
			out = append(out, name+": not in the Datatracker")
		}
	}
	list := func(what string, a, b []string) {
		for _, s := range b {
			if !slices.Contains(a, s) {
				out = append(out, fmt.Sprintf("%s: %s added: %s", name, what, s))
			}
		}
		for _, s := range a {
			if !slices.Contains(b, s) {
				out = append(out, fmt.Sprintf("%s: %s removed: %s", name, what, s))
			}
		}
	}
	list("alias", o.Aliases, n.Aliases)
	list("note", o.Notes, n.Notes)
	list("cc", o.CC, n.CC)
	for _, l := range diffPeople("manager", o.Managers, n.Managers) {
		out = append(out, name+": "+l)
	}
	for _, l := range diffPeople("contact", o.Contacts, n.Contacts) {
		out = append(out, name+": "+l)
	}
	for _, l := range diffPeople("approver", o.Approvers, n.Approvers) {
		out = append(out, name+": "+l)
	}
	return out
}

// diffPeople lists how the people b differ from a: a person in both (the
// same name, or the same email) whose email, name or title changed is one
// change ("manager Suresh Krishnan: email a@x → b@x"), not an addition
// and a removal; the others are added or removed.
func diffPeople(what string, a, b []Person) []string {
	var out []string
	paired := map[int]bool{} // indexes into a
	pair := func(p Person) int {
		for i, q := range a {
			if !paired[i] && PersonLine(q) == PersonLine(p) {
				return i
			}
		}
		for i, q := range a {
			if paired[i] {
				continue
			}
			sameName := p.Name != "" && NormalizeKey(q.Name) == NormalizeKey(p.Name)
			if sameName || (p.Email != "" && SameEmail(q.Email, p.Email)) {
				return i
			}
		}
		return -1
	}
	for _, p := range b {
		i := pair(p)
		if i < 0 {
			out = append(out, fmt.Sprintf("%s added: %s", what, PersonLine(p)))
			continue
		}
		paired[i] = true
		q := a[i]
		who := q.Name
		if who == "" {
			who = q.Email
		}
		var parts []string
		change := func(field, x, y string) {
			if x != y {
				parts = append(parts, fmt.Sprintf("%s %s → %s", field, orNone(x), orNone(y)))
			}
		}
		change("name", q.Name, p.Name)
		change("email", q.Email, p.Email)
		change("title", q.Title, p.Title)
		if len(parts) > 0 {
			out = append(out, fmt.Sprintf("%s %s: %s", what, who, strings.Join(parts, ", ")))
		}
	}
	for i, q := range a {
		if !paired[i] {
			out = append(out, fmt.Sprintf("%s removed: %s", what, PersonLine(q)))
		}
	}
	return out
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func diffCoordinators(old, cur *Directory) []string {
	var out []string
	if old.Coordinators.Email != cur.Coordinators.Email {
		out = append(out, fmt.Sprintf("coordinators: email %q → %q", old.Coordinators.Email, cur.Coordinators.Email))
	}
	out = append(out, diffPeople("coordinator", old.Coordinators.People, cur.Coordinators.People)...)
	if old.ManagersEmail != cur.ManagersEmail {
		out = append(out, fmt.Sprintf("liaison managers' list %q → %q", old.ManagersEmail, cur.ManagersEmail))
	}
	if old.StatementsEmail != cur.StatementsEmail {
		out = append(out, fmt.Sprintf("statements address %q → %q", old.StatementsEmail, cur.StatementsEmail))
	}
	return out
}

// PersonLine is "Name <email> (title)", for diffs and history.
func PersonLine(p Person) string {
	s := p.Name
	if p.Email != "" {
		if s != "" {
			s += " "
		}
		s += "<" + p.Email + ">"
	}
	if p.Title != "" {
		s += " (" + p.Title + ")"
	}
	return s
}

func peopleLines(ps []Person) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = PersonLine(p)
	}
	return out
}

func peopleString(ps []Person) string { return strings.Join(peopleLines(ps), ", ") }

func dateString(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}
