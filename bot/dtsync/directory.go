// Package dtsync keeps liaisonbot in step with the IETF Datatracker: the
// directory sync brings organizations (SDO groups), their IETF liaison
// managers and the IAB liaison coordinators to the Datatracker's state, and
// the statement sync imports the Datatracker's liaison statements with
// their history. The merging and mapping are pure functions; Syncer does
// the fetching, storing and scheduling.
//
// It depends on bot and bot/datatracker only; storage implements its Store.
package dtsync

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
	"github.com/ietf-tools/liaisonbot/bot/datatracker"
)

// SourceDatatracker is the Provenance.Source of facts the sync took from the
// Datatracker.
const SourceDatatracker = "Datatracker"

// Active reports whether a group counts as present in the Datatracker.
// Only active groups do: a concluded (or otherwise inactive) group is no
// longer one the IETF exchanges statements with, and the Datatracker's own
// liaison form does not offer it either. A group without a state is taken
// as active.
func Active(g datatracker.Group) bool { return g.State == "" || g.State == "active" }

// MergeDirectory brings cur to the Datatracker's state in snap and returns
// the result; cur is not changed. asOf is when the snapshot was taken (the
// provenance of every fact it supplies). prev maps group ids to their
// acronyms at the previous sync (nil if unknown); it tells whether a local
// acronym followed the Datatracker's.
//
// The rules:
//
//   - Organizations are keyed on the Datatracker's group id. A local entry
//     without an id is adopted by an active group whose acronym matches the
//     entry's acronym or one of its aliases (ignoring case and punctuation).
//   - Matched entries are marked InDatatracker. An entry the sync created
//     (source "Datatracker") follows the group: acronym (upper case, as the
//     Datatracker's pages show it), name, and a confirmation date. An entry
//     made by hand or imported keeps its acronym, name, notes and
//     provenance; the Datatracker's acronym becomes an alias when it
//     differs. When a group's acronym changes and the entry's acronym was
//     the old one, the entry follows the rename and keeps the old acronym
//     as an alias.
//   - Managers: when the Datatracker lists liaison managers (liaiman) for a
//     group, they replace the entry's managers. When it lists none, the
//     managers the sync once took from it are removed and hand-made ones
//     (another source: the bundled file, an admin) are kept: the
//     Datatracker's silence is not taken as a statement that nobody
//     manages the relationship.
//   - Parents follow the Datatracker when the parent group is in the
//     directory; a parent that is not in the directory is dropped.
//   - Entries with a Datatracker id that is not an active group any more
//     (deleted, concluded) are removed. Entries the Datatracker does not
//     know (no id) are never removed: they stay, marked not in the
//     Datatracker.
//   - The IAB's liaison_coordinator role holders become the coordinators;
//     if the Datatracker lists none, the local ones stay.
//   - Contacts (the other organization's contact points), approvers, notes,
//     CC addresses, URLs and references are local facts and stay.
func MergeDirectory(cur *bot.Directory, snap *datatracker.Directory, asOf time.Time, prev map[int64]string) *bot.Directory {
	out := &bot.Directory{
		Coordinators:    cur.Coordinators,
		ManagersEmail:   cur.ManagersEmail,
		StatementsEmail: cur.StatementsEmail,
		Version:         cur.Version,
		Linked:          cur.Linked,
	}
	out.Coordinators.People = slices.Clone(cur.Coordinators.People)
	dtProv := bot.Provenance{Source: SourceDatatracker, AsOf: asOf}

	active := map[int64]datatracker.Group{}
	byKey := map[string][]int64{} // normalised acronym -> active group ids
	for _, g := range snap.Groups {
		if Active(g) {
			active[g.ID] = g
			k := bot.NormalizeKey(g.Acronym)
			byKey[k] = append(byKey[k], g.ID)
		}
	}

	// Match the local entries to groups: by id, then by acronym or alias.
	byDT := map[int64]*bot.Organization{}
	var orgs []*bot.Organization
	for _, o := range cur.Orgs {
		n := cloneOrg(o)
		if n.DatatrackerID != 0 {
			if _, ok := active[n.DatatrackerID]; !ok || byDT[n.DatatrackerID] != nil {
				continue // gone from the Datatracker (or concluded): removed
			}
			byDT[n.DatatrackerID] = n
		}
		orgs = append(orgs, n)
	}
	adopt := func(n *bot.Organization, key string) bool {
		ids := byKey[bot.NormalizeKey(key)]
		if len(ids) != 1 || byDT[ids[0]] != nil {
			return false
		}
		n.DatatrackerID = ids[0]
		byDT[ids[0]] = n
		return true
	}
	for _, n := range orgs { // acronyms first: they are the better match
		if n.DatatrackerID == 0 {
			adopt(n, n.Acronym)
		}
	}
	for _, n := range orgs {
		for _, a := range n.Aliases {
			if n.DatatrackerID != 0 || adopt(n, a) {
				break
			}
		}
	}

	// Bring each group's entry to the Datatracker's state.
	created := map[*bot.Organization]bool{}
	want := map[*bot.Organization]string{} // entries that follow their group's acronym
	for _, g := range snap.Groups {
		if !Active(g) {
			continue
		}
		n := byDT[g.ID]
		if n == nil {
			n = &bot.Organization{
				Acronym: displayAcronym(g.Acronym, ""), Name: strings.TrimSpace(g.Name),
				Relationship: bot.RelNone, DatatrackerID: g.ID, Provenance: dtProv,
			}
			byDT[g.ID] = n
			orgs = append(orgs, n)
			created[n] = true
		}
		n.InDatatracker = true
		followsGroup := n.Source == SourceDatatracker
		if g.Acronym != "" {
			old := prev[g.ID]
			switch {
			case followsGroup:
				want[n] = displayAcronym(g.Acronym, n.Acronym)
			case !sameKey(n.Acronym, g.Acronym) && old != "" && sameKey(n.Acronym, old):
				want[n] = displayAcronym(g.Acronym, n.Acronym) // renamed upstream: follow
			default:
				addAlias(n, g.Acronym)
			}
		}
		if followsGroup {
			if name := strings.TrimSpace(g.Name); name != "" {
				n.Name = name
			}
			n.Provenance = dtProv // confirmed again
		} else if n.Name == "" {
			n.Name = strings.TrimSpace(g.Name)
		}
		if ms := snap.Managers[g.ID]; len(ms) > 0 {
			n.Managers = make([]bot.Person, 0, len(ms))
			for _, m := range ms {
				n.Managers = appendPerson(n.Managers, contactPerson(m, dtProv))
			}
		} else {
			n.Managers = slices.DeleteFunc(n.Managers, func(p bot.Person) bool { return p.Source == SourceDatatracker })
		}
	}
	for _, n := range orgs {
		if n.DatatrackerID == 0 {
			n.InDatatracker = false
		}
	}

	// Acronyms must stay unique: an entry following its group whose
	// acronym another entry has gets the group id added.
	taken := map[string]*bot.Organization{}
	for _, n := range orgs {
		if _, ok := want[n]; !ok {
			taken[strings.ToLower(n.Acronym)] = n
		}
	}
	renamed := map[string]string{} // lower-case old acronym -> new acronym
	for _, n := range orgs {
		a, ok := want[n]
		if !ok {
			continue
		}
		if taken[strings.ToLower(a)] != nil {
			a = fmt.Sprintf("%s (Datatracker %d)", a, n.DatatrackerID)
		}
		if was := n.Acronym; was != a {
			n.Acronym = a
			if !created[n] {
				renamed[strings.ToLower(was)] = a
				if !strings.HasSuffix(was, fmt.Sprintf("(Datatracker %d)", n.DatatrackerID)) {
					addAlias(n, was) // people still type the old acronym
				}
			}
		}
		taken[strings.ToLower(a)] = n
	}
	for _, n := range orgs {
		if n.Name == "" {
			n.Name = n.Acronym
		}
	}

	// Parents: the Datatracker's where the parent is in the directory, and
	// renames followed everywhere.
	for _, n := range orgs {
		if p, ok := renamed[strings.ToLower(n.Parent)]; ok {
			n.Parent = p
		}
		if g, ok := active[n.DatatrackerID]; ok && g.ParentID != 0 {
			if p := byDT[g.ParentID]; p != nil {
				n.Parent = p.Acronym
			}
		}
		if n.Parent != "" && (taken[strings.ToLower(n.Parent)] == nil || taken[strings.ToLower(n.Parent)] == n) {
			n.Parent = ""
		}
	}
	breakParentLoops(orgs, taken)

	// Aliases must stay unique too: drop an alias another entry uses.
	dropSharedAliases(orgs)

	slices.SortStableFunc(orgs, func(a, b *bot.Organization) int {
		return cmp.Compare(strings.ToLower(a.Acronym), strings.ToLower(b.Acronym))
	})
	out.Orgs = orgs

	// Relationships: an entry with liaison managers (its own or its
	// parent's) has a formal one; an entry the sync created has none
	// otherwise.
	for _, n := range orgs {
		if created[n] || n.Source == SourceDatatracker || n.Relationship == bot.RelNone || n.Relationship == "" {
			if out.ManagingOrg(n) != nil {
				n.Relationship = bot.RelFormal
			} else if created[n] || n.Source == SourceDatatracker {
				n.Relationship = bot.RelNone
			}
		}
	}

	if len(snap.Coordinators) > 0 {
		out.Coordinators.People = nil
		for _, c := range snap.Coordinators {
			out.Coordinators.People = appendPerson(out.Coordinators.People, contactPerson(c, dtProv))
		}
		out.Coordinators.Provenance = dtProv
	}

	// One address is one person: the Datatracker's name wins.
	names := map[string]string{}
	for _, ms := range snap.Managers {
		for _, m := range ms {
			if m.Email != "" && m.Name != "" {
				names[bot.EmailKey(m.Email)] = m.Name
			}
		}
	}
	for _, c := range snap.Coordinators {
		if c.Email != "" && c.Name != "" {
			names[bot.EmailKey(c.Email)] = c.Name
		}
	}
	rename := func(ps []bot.Person) {
		for i := range ps {
			if name, ok := names[bot.EmailKey(ps[i].Email)]; ok && ps[i].Email != "" {
				ps[i].Name = name
			}
		}
	}
	for _, n := range orgs {
		rename(n.Managers)
		rename(n.Contacts)
		rename(n.Approvers)
	}
	rename(out.Coordinators.People)
	return out
}

// DatatrackerAcronyms maps the snapshot's active groups to their acronyms:
// what MergeDirectory takes as prev at the next sync.
func DatatrackerAcronyms(snap *datatracker.Directory) map[int64]string {
	m := map[int64]string{}
	for _, g := range snap.Groups {
		if Active(g) {
			m[g.ID] = g.Acronym
		}
	}
	return m
}

// contactPerson is a role holder as a directory person.
func contactPerson(c datatracker.Contact, prov bot.Provenance) bot.Person {
	name := strings.TrimSpace(c.Name)
	if name == "" {
		name = strings.TrimSpace(c.ASCII)
	}
	return bot.Person{Name: name, Email: strings.TrimSpace(c.Email), Provenance: prov}
}

// appendPerson adds p unless somebody with the same address (or, without
// one, the same name) is there already.
func appendPerson(ps []bot.Person, p bot.Person) []bot.Person {
	for _, q := range ps {
		if bot.SameEmail(p.Email, q.Email) || p.Email == "" && q.Email == "" && p.Name == q.Name {
			return ps
		}
	}
	return append(ps, p)
}

// displayAcronym is how a Datatracker acronym is shown: in upper case, as
// the Datatracker's pages show non-WG groups, unless the entry's previous
// acronym was written in lower case.
func displayAcronym(dt, was string) string {
	if was != "" && was == strings.ToLower(was) {
		return dt
	}
	return strings.ToUpper(dt)
}

func sameKey(a, b string) bool { return bot.NormalizeKey(a) == bot.NormalizeKey(b) }

// addAlias adds a unless the entry already answers to it.
func addAlias(o *bot.Organization, a string) {
	if a = strings.TrimSpace(a); a == "" || sameKey(a, o.Acronym) {
		return
	}
	for _, x := range o.Aliases {
		if sameKey(x, a) {
			return
		}
	}
	o.Aliases = append(o.Aliases, a)
}

// dropSharedAliases removes aliases that are another entry's acronym or
// alias (the directory file requires them unique); the first holder keeps
// an alias.
func dropSharedAliases(orgs []*bot.Organization) {
	owner := map[string]*bot.Organization{}
	for _, o := range orgs {
		owner[bot.NormalizeKey(o.Acronym)] = o
	}
	for _, o := range orgs {
		o.Aliases = slices.DeleteFunc(o.Aliases, func(a string) bool {
			k := bot.NormalizeKey(a)
			if k == "" {
				return true
			}
			if w, ok := owner[k]; ok && w != o {
				return true
			}
			owner[k] = o
			return false
		})
	}
}

// breakParentLoops clears the parent of an entry whose parents lead back
// to it.
func breakParentLoops(orgs []*bot.Organization, byAcronym map[string]*bot.Organization) {
	for _, o := range orgs {
		seen := map[*bot.Organization]bool{o: true}
		for p := byAcronym[strings.ToLower(o.Parent)]; p != nil && o.Parent != ""; p = byAcronym[strings.ToLower(p.Parent)] {
			if seen[p] {
				o.Parent = ""
				break
			}
			seen[p] = true
		}
	}
}

// cloneOrg is a deep copy of o.
func cloneOrg(o *bot.Organization) *bot.Organization {
	n := *o
	n.Aliases = slices.Clone(o.Aliases)
	n.Notes = slices.Clone(o.Notes)
	n.CC = slices.Clone(o.CC)
	n.Managers = clonePeople(o.Managers)
	n.Contacts = clonePeople(o.Contacts)
	n.Approvers = clonePeople(o.Approvers)
	return &n
}

func clonePeople(ps []bot.Person) []bot.Person {
	if ps == nil {
		return nil
	}
	out := make([]bot.Person, len(ps))
	for i, p := range ps {
		p.Chat = slices.Clone(p.Chat)
		out[i] = p
	}
	return out
}
