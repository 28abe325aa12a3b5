package bot

import (
	"encoding/json"
	"fmt"
	"strings"
)

// IETFGroup is one of the IETF's own groups as the directory sync reads it
// from the Datatracker: a working or research group, an area, or one of
// IETF, IAB, IESG, IRTF.
type IETFGroup struct {
	Acronym string // lower case for working groups and areas ("opsawg", "ops"), as the Datatracker writes them
	Name    string `json:",omitempty"` // "Operations and Management Area Working Group"
	Type    string `json:",omitempty"` // the Datatracker's group type: wg, rg, area, ietf, iab, iesg, ...
	State   string `json:",omitempty"` // active, bof, proposed, conclude, ...
	Area    string `json:",omitempty"` // a working group's area (its parent's acronym)
	// Chairs and ADs are the people in the group's chair and ad roles; a
	// working group's ADs are its area's.
	Chairs []RoleHolder `json:",omitempty"`
	ADs    []RoleHolder `json:",omitempty"`
}

// RoleHolder is a person in a Datatracker role, with the role's address.
type RoleHolder struct {
	Name  string
	Email string `json:",omitempty"`
}

func rolePeople(rs []RoleHolder) []Person {
	var out []Person
	for _, r := range rs {
		out = append(out, Person{Name: r.Name, Email: r.Email})
	}
	return out
}

// Concluded reports whether the group has concluded (or was abandoned or
// replaced): it may appear on old records, not on a new outgoing one.
func (g IETFGroup) Concluded() bool {
	switch g.State {
	case "", "active", "bof", "proposed", "bof-conc":
		return g.State == "bof-conc"
	}
	return true
}

// Display is how statements name the group: upper case for IETF, IAB,
// IESG and IRTF, the acronym as the Datatracker writes it otherwise.
func (g IETFGroup) Display() string {
	if u, ok := specialGroups[strings.ToLower(g.Acronym)]; ok {
		return u
	}
	return g.Acronym
}

// IETFGroups are the IETF's groups the directory sync last read (active
// and concluded). The zero value knows only IETF, IAB, IESG and IRTF, and
// takes any acronym of the right shape (before the first sync).
type IETFGroups struct {
	List []IETFGroup
}

// ParseIETFGroups reads what the directory sync stores under
// SyncKeyIETFGroups: a JSON list of groups, or (before issue 14) a list of
// the active groups' acronyms.
func ParseIETFGroups(raw string) (*IETFGroups, error) {
	gs := &IETFGroups{}
	if strings.TrimSpace(raw) == "" {
		return gs, nil
	}
	if err := json.Unmarshal([]byte(raw), &gs.List); err == nil {
		return gs, nil
	}
	gs.List = nil
	var acronyms []string
	if err := json.Unmarshal([]byte(raw), &acronyms); err != nil {
		return nil, fmt.Errorf("IETF groups: %w", err)
	}
	for _, a := range acronyms {
		gs.List = append(gs.List, IETFGroup{Acronym: strings.ToLower(a), State: "active"})
	}
	return gs, nil
}

// Listed reports whether the sync has read the groups at all.
func (gs *IETFGroups) Listed() bool { return gs != nil && len(gs.List) > 0 }

// Group returns the group with the acronym (any case).
func (gs *IETFGroups) Group(acronym string) (IETFGroup, bool) {
	if gs != nil {
		for _, g := range gs.List {
			if strings.EqualFold(g.Acronym, acronym) {
				return g, true
			}
		}
	}
	if u, ok := specialGroups[strings.ToLower(acronym)]; ok {
		return IETFGroup{Acronym: strings.ToLower(u), Type: strings.ToLower(u), State: "active"}, true
	}
	return IETFGroup{}, false
}

// Resolve finds the group people mean: an acronym ("opsawg", "OPSAWG"),
// the full name ("Multiprotocol Label Switching"), "X WG" or "IETF X WG"
// ("IETF CCAMP WG"), an area ("ops", "Operations and Management Area"),
// or IETF, IAB, IESG, IRTF. Before the first sync (no list) any name of
// an acronym's shape is taken as written.
func (gs *IETFGroups) Resolve(name string) (IETFGroup, bool) {
	name = strings.Join(strings.Fields(StripInvisible(name)), " ")
	if name == "" {
		return IETFGroup{}, false
	}
	if g, ok := gs.Group(name); ok {
		return g, true
	}
	words := strings.Fields(name)
	trim := func(ws []string) []string {
		if len(ws) > 1 && strings.EqualFold(ws[0], "ietf") {
			ws = ws[1:]
		}
		if n := len(ws); n > 1 {
			last := strings.ToLower(ws[n-1])
			switch {
			case last == "wg" || last == "rg" || last == "bof" || last == "area":
				ws = ws[:n-1]
			case n > 2 && strings.EqualFold(ws[n-2], "working") && last == "group":
				ws = ws[:n-2]
			case n > 2 && strings.EqualFold(ws[n-2], "research") && last == "group":
				ws = ws[:n-2]
			}
		}
		return ws
	}
	short := trim(words)
	if len(short) == 1 {
		if g, ok := gs.Group(short[0]); ok {
			return g, true
		}
	}
	if gs.Listed() {
		// The full name as written first, then without "IETF" and "WG".
		for _, k := range []string{NormalizeKey(name), NormalizeKey(strings.Join(short, " "))} {
			for _, g := range gs.List {
				if nk := NormalizeKey(g.Name); nk != "" && (k == nk || k+"workinggroup" == nk || k+"area" == nk || k+"researchgroup" == nk) {
					return g, true
				}
			}
		}
		return IETFGroup{}, false
	}
	if len(short) == 1 {
		if a, ok := NormalizeGroup(short[0]); ok {
			return IETFGroup{Acronym: a, State: "active"}, true
		}
	}
	return IETFGroup{}, false
}

// Approval is who approves a statement from an IETF group, and why.
type Approval struct {
	Approvers []Person // who approves
	Copied    []Person // who is copied (a working group's ADs)
	// Source says where that comes from: "RFC 4052 §4: the chairs of
	// opsawg (Datatracker roles)".
	Source string
}

// Approval follows RFC 4052 §4: a working group's statement is approved by
// its chairs (its ADs copied); an area's by its ADs; the IETF's and the
// IESG's by the IETF Chair; the IAB's by the IAB Chair. The people are the
// Datatracker's chair and ad roles, as the directory sync read them.
func (gs *IETFGroups) Approval(group string) Approval {
	g, ok := gs.Resolve(group)
	if !ok {
		return Approval{Source: fmt.Sprintf("%s is not an IETF group the Datatracker lists", group)}
	}
	chairOf := func(acr string) []Person {
		x, _ := gs.Group(acr)
		return rolePeople(x.Chairs)
	}
	var a Approval
	switch strings.ToLower(g.Acronym) {
	case "ietf", "iesg":
		a.Approvers = chairOf("ietf")
		if len(a.Approvers) == 0 {
			a.Approvers = chairOf("iesg")
		}
		a.Source = "RFC 4052 §4: the IETF Chair"
	case "iab":
		a.Approvers = chairOf("iab")
		a.Source = "RFC 4052 §4: the IAB Chair"
	default:
		switch g.Type {
		case "area":
			a.Approvers = rolePeople(g.ADs)
			a.Source = fmt.Sprintf("RFC 4052 §4: the Area Directors of %s", g.Acronym)
		default:
			a.Approvers, a.Copied = rolePeople(g.Chairs), rolePeople(g.ADs)
			a.Source = fmt.Sprintf("RFC 4052 §4: the chairs of %s, its Area Directors copied", g.Acronym)
		}
	}
	if len(a.Approvers) == 0 {
		a.Source += "; none on record from the Datatracker"
	} else {
		a.Source += ", from the Datatracker's roles"
	}
	return a
}
