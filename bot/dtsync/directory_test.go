package dtsync

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
	"github.com/ietf-tools/liaisonbot/bot/datatracker"
)

var fetched = time.Date(2026, 11, 26, 8, 30, 0, 0, time.UTC)

func group(id int64, acronym, name string, parent int64) datatracker.Group {
	return datatracker.Group{ID: id, Acronym: acronym, Name: name, ParentID: parent, State: "active", Type: "sdo"}
}

func manager(group int64, name, email string) datatracker.Contact {
	return datatracker.Contact{Role: "liaiman", GroupID: group, Name: name, Email: email}
}

func snapshot(groups []datatracker.Group, managers ...datatracker.Contact) *datatracker.Directory {
	d := &datatracker.Directory{Groups: groups, Managers: map[int64][]datatracker.Contact{}, FetchedAt: fetched}
	for _, m := range managers {
		d.Managers[m.GroupID] = append(d.Managers[m.GroupID], m)
	}
	return d
}

var (
	bundled = bot.Provenance{Source: "bundled file", AsOf: time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)}
	admin   = bot.Provenance{Source: "admin", AsOf: time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC), By: "Pat"}
	dt      = bot.Provenance{Source: SourceDatatracker, AsOf: fetched}
	earlier = bot.Provenance{Source: SourceDatatracker, AsOf: fetched.AddDate(0, 0, -7)}
)

func orgByDT(t *testing.T, d *bot.Directory, id int64) *bot.Organization {
	t.Helper()
	for _, o := range d.Orgs {
		if o.DatatrackerID == id {
			return o
		}
	}
	t.Fatalf("no entry for Datatracker group %d in %v", id, acronyms(d))
	return nil
}

func acronyms(d *bot.Directory) []string {
	var out []string
	for _, o := range d.Orgs {
		out = append(out, o.Acronym)
	}
	return out
}

func emails(ps []bot.Person) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Name+" <"+p.Email+">")
	}
	return out
}

func TestMergeDirectory_NewGroupsAreCreatedFromTheDatatracker(t *testing.T) {
	snap := snapshot([]datatracker.Group{group(56, "3gpp", "3rd Generation Partnership Project", 0), group(2025, "3gpp-tsgsa-sa3", "3GPP SA3", 56)},
		manager(56, "Avery Example", "avery@example.org"))
	got := MergeDirectory(&bot.Directory{}, snap, fetched, nil)
	if !reflect.DeepEqual(acronyms(got), []string{"3GPP", "3GPP-TSGSA-SA3"}) {
		t.Fatalf("acronyms %v", acronyms(got))
	}
	o := orgByDT(t, got, 56)
	if o.Name != "3rd Generation Partnership Project" || !o.InDatatracker || o.Provenance != dt || o.Relationship != bot.RelFormal {
		t.Errorf("3GPP entry: %+v", o)
	}
	if len(o.Managers) != 1 || o.Managers[0].Email != "avery@example.org" || o.Managers[0].Provenance != dt {
		t.Errorf("managers %+v", o.Managers)
	}
	sa3 := orgByDT(t, got, 2025)
	if sa3.Parent != "3GPP" || sa3.Relationship != bot.RelFormal || len(sa3.Managers) != 0 {
		t.Errorf("SA3 entry: parent %q, relationship %q, managers %v (covered by 3GPP's manager)", sa3.Parent, sa3.Relationship, sa3.Managers)
	}
	if got.ManagingOrg(sa3) != o {
		t.Errorf("SA3 is not covered by 3GPP")
	}
}

func TestMergeDirectory_AdoptsLocalEntriesAndKeepsTheirWording(t *testing.T) {
	cur := &bot.Directory{Orgs: []*bot.Organization{
		{ID: 1, Acronym: "BBF", Name: "Broadband Forum", Aliases: []string{"Broadband-Forum"}, Relationship: bot.RelFormal,
			Notes: []string{"a note"}, Provenance: bundled,
			Contacts: []bot.Person{{Name: "BBF Liaison Officer", Email: "officer@example.org", Provenance: bundled}}},
		{ID: 2, Acronym: "ITU-T", Name: "ITU Telecommunication Standardization Sector", Relationship: bot.RelFormal, Provenance: bundled},
	}}
	snap := snapshot([]datatracker.Group{group(67, "broadband-forum", "Broadband Forum", 0), group(51, "itu-t", "ITU-T", 0)},
		manager(67, "Blake Sample", "blake@example.org"))
	got := MergeDirectory(cur, snap, fetched, nil)

	bbf := orgByDT(t, got, 67)
	if bbf.ID != 1 || bbf.Acronym != "BBF" || bbf.Name != "Broadband Forum" || bbf.Provenance != bundled || !bbf.InDatatracker {
		t.Errorf("BBF adopted by alias: %+v", bbf)
	}
	if !reflect.DeepEqual(bbf.Aliases, []string{"Broadband-Forum"}) || !reflect.DeepEqual(bbf.Notes, []string{"a note"}) {
		t.Errorf("BBF aliases %v notes %v", bbf.Aliases, bbf.Notes)
	}
	if len(bbf.Contacts) != 1 || bbf.Contacts[0].Email != "officer@example.org" {
		t.Errorf("the contacts are local and stay: %v", bbf.Contacts)
	}
	if !reflect.DeepEqual(emails(bbf.Managers), []string{"Blake Sample <blake@example.org>"}) {
		t.Errorf("BBF managers %v", emails(bbf.Managers))
	}
	itu := orgByDT(t, got, 51)
	if itu.ID != 2 || itu.Acronym != "ITU-T" || len(itu.Aliases) != 0 {
		t.Errorf("ITU-T adopted by acronym, no alias needed: %+v", itu)
	}
	if cur.Orgs[0].DatatrackerID != 0 || cur.Orgs[0].InDatatracker || len(cur.Orgs[0].Managers) != 0 {
		t.Errorf("MergeDirectory changed its input: %+v", cur.Orgs[0])
	}
}

func TestMergeDirectory_Renames(t *testing.T) {
	tests := []struct {
		name        string
		org         bot.Organization
		prev        map[int64]string
		wantAcronym string
		wantAliases []string
	}{
		{
			name:        "an entry the sync made follows the rename and keeps the old acronym as an alias",
			org:         bot.Organization{Acronym: "CABLELABS", Name: "CableLabs", DatatrackerID: 66, InDatatracker: true, Provenance: earlier},
			wantAcronym: "CABLELABS-NEW", wantAliases: []string{"CABLELABS"},
		},
		{
			name:        "a hand-made acronym that was the Datatracker's follows it",
			org:         bot.Organization{Acronym: "CableLabs", DatatrackerID: 66, InDatatracker: true, Provenance: bundled},
			prev:        map[int64]string{66: "cablelabs"},
			wantAcronym: "CABLELABS-NEW", wantAliases: []string{"CableLabs"},
		},
		{
			name:        "a lower-case acronym stays in lower case",
			org:         bot.Organization{Acronym: "cablelabs", DatatrackerID: 66, InDatatracker: true, Provenance: bundled},
			prev:        map[int64]string{66: "cablelabs"},
			wantAcronym: "cablelabs-new", wantAliases: []string{"cablelabs"},
		},
		{
			name:        "a hand-made acronym of its own stays; the new Datatracker acronym becomes an alias",
			org:         bot.Organization{Acronym: "CL", Aliases: []string{"cablelabs"}, DatatrackerID: 66, InDatatracker: true, Provenance: bundled},
			prev:        map[int64]string{66: "cablelabs"},
			wantAcronym: "CL", wantAliases: []string{"cablelabs", "cablelabs-new"},
		},
		{
			name:        "without the previous acronym a hand-made entry keeps its acronym",
			org:         bot.Organization{Acronym: "CableLabs", DatatrackerID: 66, InDatatracker: true, Provenance: bundled},
			wantAcronym: "CableLabs", wantAliases: []string{"cablelabs-new"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := tt.org
			o.ID = 7
			child := &bot.Organization{ID: 8, Acronym: "CL Child", Parent: o.Acronym, Provenance: admin}
			cur := &bot.Directory{Orgs: []*bot.Organization{&o, child}}
			got := MergeDirectory(cur, snapshot([]datatracker.Group{group(66, "cablelabs-new", "CableLabs", 0)}), fetched, tt.prev)
			n := orgByDT(t, got, 66)
			if n.ID != 7 || n.Acronym != tt.wantAcronym || !reflect.DeepEqual(n.Aliases, tt.wantAliases) {
				t.Errorf("got %q aliases %q, want %q aliases %q", n.Acronym, n.Aliases, tt.wantAcronym, tt.wantAliases)
			}
			for _, c := range got.Orgs {
				if c.ID == 8 && c.Parent != n.Acronym {
					t.Errorf("the hand-made child's parent is %q, want %q", c.Parent, n.Acronym)
				}
			}
		})
	}
}

func TestMergeDirectory_Managers(t *testing.T) {
	handMade := bot.Person{Name: "Hand Made", Email: "hand@example.org", Provenance: admin}
	synced := bot.Person{Name: "Synced Before", Email: "synced@example.org", Provenance: earlier}
	tests := []struct {
		name     string
		managers []bot.Person
		dt       []datatracker.Contact
		want     []string
	}{
		{"the Datatracker's managers replace the local ones", []bot.Person{handMade, synced},
			[]datatracker.Contact{manager(56, "New One", "new@example.org"), manager(56, "New Two", "two@example.org")},
			[]string{"New One <new@example.org>", "New Two <two@example.org>"}},
		{"none in the Datatracker: the synced ones go, the hand-made ones stay", []bot.Person{handMade, synced}, nil,
			[]string{"Hand Made <hand@example.org>"}},
		{"a manager listed twice is kept once", nil,
			[]datatracker.Contact{manager(56, "New One", "new@example.org"), manager(56, "New One", "NEW@example.org")},
			[]string{"New One <new@example.org>"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cur := &bot.Directory{Orgs: []*bot.Organization{{ID: 1, Acronym: "3GPP", DatatrackerID: 56, Managers: tt.managers, Provenance: bundled}}}
			got := MergeDirectory(cur, snapshot([]datatracker.Group{group(56, "3gpp", "3GPP", 0)}, tt.dt...), fetched, nil)
			if m := emails(orgByDT(t, got, 56).Managers); !reflect.DeepEqual(m, tt.want) {
				t.Errorf("managers %v, want %v", m, tt.want)
			}
		})
	}
}

func TestMergeDirectory_RemovesGoneGroupsAndKeepsHandMadeEntries(t *testing.T) {
	cur := &bot.Directory{Orgs: []*bot.Organization{
		{ID: 1, Acronym: "GONE", DatatrackerID: 900, InDatatracker: true, Provenance: earlier},
		{ID: 2, Acronym: "FG-CLOUD", DatatrackerID: 2063, InDatatracker: true, Provenance: bundled},
		{ID: 3, Acronym: "ACME", Name: "Acme Standards", InDatatracker: true, Provenance: admin,
			Managers: []bot.Person{{Name: "Hand Made", Email: "hand@example.org", Provenance: admin}}},
		{ID: 4, Acronym: "KEPT", DatatrackerID: 56, Provenance: bundled},
		{ID: 5, Acronym: "Child of gone", Parent: "GONE", Provenance: admin},
	}}
	concluded := group(2063, "itu-t-fg-cloud", "FG Cloud", 0)
	concluded.State = "conclude"
	got := MergeDirectory(cur, snapshot([]datatracker.Group{group(56, "kept", "Kept", 0), concluded}), fetched, nil)
	if a := acronyms(got); !reflect.DeepEqual(a, []string{"ACME", "Child of gone", "KEPT"}) {
		t.Fatalf("acronyms %v: want the gone and the concluded group removed, the hand-made ones kept", a)
	}
	for _, o := range got.Orgs {
		switch o.Acronym {
		case "ACME":
			if o.InDatatracker || len(o.Managers) != 1 || o.Provenance != admin {
				t.Errorf("hand-made entry: %+v", o)
			}
		case "Child of gone":
			if o.Parent != "" {
				t.Errorf("a parent no longer in the directory is dropped, got %q", o.Parent)
			}
		case "KEPT":
			if !o.InDatatracker {
				t.Errorf("KEPT is in the Datatracker")
			}
		}
	}
}

func TestMergeDirectory_Coordinators(t *testing.T) {
	local := bot.Coordinators{Email: "liaison-coordination@iab.org", People: []bot.Person{{Name: "Suresh Krishnan"}}, Provenance: bundled}
	snap := snapshot(nil)
	snap.Coordinators = []datatracker.Contact{
		{Role: "liaison_coordinator", Name: "Suresh Krishnan", Email: "suresh@example.org"},
		{Role: "liaison_coordinator", Name: "Warren Kumari", Email: "warren@example.org"},
	}
	got := MergeDirectory(&bot.Directory{Coordinators: local}, snap, fetched, nil)
	if got.Coordinators.Email != "liaison-coordination@iab.org" || got.Coordinators.Provenance != dt {
		t.Errorf("coordinators %+v", got.Coordinators)
	}
	if e := emails(got.Coordinators.People); !reflect.DeepEqual(e, []string{"Suresh Krishnan <suresh@example.org>", "Warren Kumari <warren@example.org>"}) {
		t.Errorf("coordinators %v", e)
	}
	if !got.IsCoordinator("warren@example.org") {
		t.Errorf("Warren is a coordinator")
	}
	kept := MergeDirectory(&bot.Directory{Coordinators: local}, snapshot(nil), fetched, nil)
	if !reflect.DeepEqual(kept.Coordinators, local) {
		t.Errorf("with no coordinators in the Datatracker the local ones stay, got %+v", kept.Coordinators)
	}
}

func TestMergeDirectory_KeepsAcronymsAndAliasesUnique(t *testing.T) {
	cur := &bot.Directory{Orgs: []*bot.Organization{
		{ID: 1, Acronym: "OMA", Aliases: []string{"open-mobile-alliance"}, DatatrackerID: 2121, Provenance: bundled},
	}}
	snap := snapshot([]datatracker.Group{group(2121, "open-mobile-alliance", "Open Mobile Alliance", 0), group(2122, "oma", "OMA", 0)})
	for i := range 2 {
		got := MergeDirectory(cur, snap, fetched, DatatrackerAcronyms(snap))
		if a := acronyms(got); !reflect.DeepEqual(a, []string{"OMA", "OMA (Datatracker 2122)"}) {
			t.Fatalf("sync %d: acronyms %v", i+1, a)
		}
		cur = got
	}
	// The hand-made OMA goes: the synced one takes its acronym.
	cur.Orgs = slices.DeleteFunc(cur.Orgs, func(o *bot.Organization) bool { return o.ID == 1 })
	got := MergeDirectory(cur, snap, fetched, DatatrackerAcronyms(snap))
	o := orgByDT(t, got, 2122)
	if o.Acronym != "OMA" || len(o.Aliases) != 0 {
		t.Errorf("got %q aliases %v", o.Acronym, o.Aliases)
	}
	seen := map[string]bool{}
	for _, o := range got.Orgs {
		for _, k := range append([]string{o.Acronym}, o.Aliases...) {
			k = strings.ToLower(bot.NormalizeKey(k))
			if seen[k] {
				t.Errorf("%q used twice", k)
			}
			seen[k] = true
		}
	}
}

func TestMergeDirectory_OneAddressIsOnePerson(t *testing.T) {
	cur := &bot.Directory{Orgs: []*bot.Organization{
		{ID: 1, Acronym: "X", Provenance: admin, Contacts: []bot.Person{{Name: "Old Spelling", Email: "dana@example.org", Provenance: admin}}},
	}}
	got := MergeDirectory(cur, snapshot([]datatracker.Group{group(56, "3gpp", "3GPP", 0)}, manager(56, "Dana Testperson", "Dana@example.org")), fetched, nil)
	for _, o := range got.Orgs {
		if o.Acronym == "X" && o.Contacts[0].Name != "Dana Testperson" {
			t.Errorf("contact %v: the Datatracker's name for the address wins", o.Contacts[0])
		}
	}
}
