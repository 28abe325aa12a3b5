package bot

import (
	"strings"
	"testing"
)

func validDirectory() *Directory {
	return &Directory{
		StatementsEmail: DefaultStatementsEmail, ManagersEmail: DefaultManagersEmail,
		Coordinators: Coordinators{Email: DefaultCoordinatorsEmail, People: []Person{{Name: "Cora Coordinator", Email: "cora@example.org"}}},
		Orgs: []*Organization{
			{Acronym: "ITU-T", Name: "ITU Telecommunication Standardization Sector", Relationship: RelFormal, DatatrackerID: 5,
				Managers: []Person{{Name: "Manny Manager", Email: "manny@example.org"}}},
			{Acronym: "ITU-T SG15", Parent: "itu-t", Relationship: RelFormal, Aliases: []string{"SG15"}, DatatrackerID: 6,
				Contacts: []Person{{Name: "Manny Manager", Email: "MANNY@example.org"}}},
			{Acronym: "W3C", Relationship: RelInformal, URL: "https://www.w3.org/", CC: []string{"team@w3.org"}},
		},
	}
}

func TestValidate_AValidDirectoryHasNoProblems(t *testing.T) {
	if p := validDirectory().Validate(); len(p) != 0 {
		t.Fatalf("problems:\n%v", p)
	}
}

func TestValidate_EachRuleAndWhichAreFatal(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(d *Directory)
		want  string // the problem, as Problem.String
		fatal bool
	}{
		{"no acronym", func(d *Directory) { d.Orgs[2].Acronym = "" },
			`organization[2]: acronym: missing; every organization needs an acronym`, true},
		{"same acronym, other case", func(d *Directory) { d.Orgs[2].Acronym = "itu-t" },
			`organization[2] "itu-t": acronym: "itu-t" is already used by organization[0] "ITU-T" (acronym) (names are compared ignoring case, spaces and punctuation)`, true},
		{"acronym like another's, punctuation aside", func(d *Directory) { d.Orgs[2].Acronym = "ITU T" },
			`organization[2] "ITU T": acronym: "ITU T" is already used by organization[0] "ITU-T" (acronym) (names are compared ignoring case, spaces and punctuation)`, false},
		{"acronym that is another's alias", func(d *Directory) { d.Orgs[2].Acronym = "sg 15" },
			`organization[2] "sg 15": acronym: "sg 15" is already used by organization[1] "ITU-T SG15" (aliases[0]) (names are compared ignoring case, spaces and punctuation)`, false},
		{"alias without letters", func(d *Directory) { d.Orgs[2].Aliases = []string{"--"} },
			`organization[2] "W3C": aliases[0]: "--" has no letters or digits`, false},
		{"same Datatracker id", func(d *Directory) { d.Orgs[2].DatatrackerID = 5 },
			`organization[2] "W3C": datatracker_id: 5 is also the id of organization[0] "ITU-T"`, true},
		{"relationship", func(d *Directory) { d.Orgs[2].Relationship = "friendly" },
			`organization[2] "W3C": relationship: "friendly" is not one of formal, informal, none`, false},
		{"url", func(d *Directory) { d.Orgs[2].URL = "www.w3.org" },
			`organization[2] "W3C": url: "www.w3.org" is not an http(s) URL`, false},
		{"cc", func(d *Directory) { d.Orgs[2].CC = []string{"Team <team@w3.org>"} },
			`organization[2] "W3C": cc[0]: "Team <team@w3.org>" is not a valid email address`, false},
		{"empty note", func(d *Directory) { d.Orgs[2].Notes = []string{"fine", ""} },
			`organization[2] "W3C": notes[1]: empty note`, false},
		{"nobody", func(d *Directory) { d.Orgs[2].Contacts = []Person{{Title: "Liaison Office"}} },
			`organization[2] "W3C": contact[0]: a person needs a name or an email address`, false},
		{"one address, two names", func(d *Directory) { d.Orgs[1].Contacts[0].Name = "M. Manager" },
			`organization[1] "ITU-T SG15": contact[0].name: "M. Manager" has the address MANNY@example.org, which organization[0] "ITU-T": manager[0] gives to "Manny Manager"; one address is one person`, false},
		{"unknown parent", func(d *Directory) { d.Orgs[1].Parent = "ITU" },
			`organization[1] "ITU-T SG15": parent: "ITU" is not the acronym of an organization in this file`, false},
		{"parent loop", func(d *Directory) { d.Orgs[0].Parent = "ITU-T SG15" },
			`organization[0] "ITU-T": parent: "ITU-T SG15" leads back to "ITU-T" (parents form a loop)`, false},
		{"coordinators' address", func(d *Directory) { d.Coordinators.Email = "" },
			`coordinators.email: missing email address`, false},
		{"coordinator's address", func(d *Directory) { d.Coordinators.People[0].Email = "cora at example.org" },
			`coordinators.people[0].email: "cora at example.org" is not a valid email address`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := validDirectory()
			tc.edit(d)
			ps := d.Validate()
			var found *Problem
			for i := range ps {
				if ps[i].String() == tc.want {
					found = &ps[i]
				}
			}
			if found == nil {
				t.Fatalf("problems\n%v\nlack\n%s", ps, tc.want)
			}
			if found.Fatal != tc.fatal {
				t.Errorf("fatal = %v, want %v", found.Fatal, tc.fatal)
			}
			if tc.fatal != (len(ps.Fatal()) > 0) {
				t.Errorf("Fatal() = %v", ps.Fatal())
			}
		})
	}
}

func TestCheckKey_NamesAcronymsAndAliasesAreOneNamespace(t *testing.T) {
	d := validDirectory()
	for i, o := range d.Orgs {
		o.ID = int64(i + 1)
	}
	itu := d.Orgs[0]
	for _, tc := range []struct {
		key  string
		self *Organization
		code string
		want string
	}{
		{"ACME", nil, "", ""},
		{"itu telecommunication standardization sector", nil, ECONFLICT, "already names ITU Telecommunication Standardization Sector (ITU-T)"},
		{"sg-15", nil, ECONFLICT, "“sg-15” already names ITU-T SG15"},
		{"ITU-T", itu, "", ""}, // its own name
		{"!!!", nil, EINVALID, "needs letters or digits"},
		{strings.Repeat("x", MaxKeyLength+1), nil, EINVALID, "at most 100 characters"},
	} {
		err := d.CheckKey("acronym", tc.key, tc.self)
		if ErrorCode(err) != tc.code || (tc.want != "" && !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("CheckKey(%.20q): %v, want %s %q", tc.key, err, tc.code, tc.want)
		}
	}
}

func TestDiff_FactsLeaveOutProvenanceAndStoreIdsFollowRenames(t *testing.T) {
	old := validDirectory()
	for i, o := range old.Orgs {
		o.ID = int64(i + 1)
	}
	cur := validDirectory()
	for i, o := range cur.Orgs {
		o.ID = int64(i + 1)
	}
	cur.Orgs[0].Provenance = Provenance{Source: "Datatracker"} // confirmed again
	cur.Orgs[2].Acronym = "W3C-X"                              // renamed, no Datatracker id: found by its id
	all, facts := DiffDirectories(old, cur), DiffFacts(old, cur)
	if len(all.Added)+len(all.Removed) != 0 || len(facts.Added)+len(facts.Removed) != 0 {
		t.Fatalf("a rename became an addition and a removal: %s", all)
	}
	if got := strings.Join(facts.Changed, "\n"); got != `W3C-X: acronym "W3C" → "W3C-X"` {
		t.Errorf("facts: %q", got)
	}
	if !strings.Contains(strings.Join(all.Changed, "\n"), `ITU-T: source "" → "Datatracker"`) {
		t.Errorf("every difference: %q", all.Changed)
	}
	for _, l := range facts.Lines {
		if l.Org != cur.Orgs[2] || l.Kind != DiffChanged {
			t.Errorf("line %+v is not about the renamed organization", l)
		}
	}
	// A file's directory has no ids: matched by acronym.
	file := validDirectory()
	file.Orgs = file.Orgs[1:]
	d := DiffDirectories(old, file)
	if len(d.Removed) != 1 || d.Lines[len(d.Lines)-1].Org != old.Orgs[0] || d.Lines[len(d.Lines)-1].Kind != DiffRemoved {
		t.Errorf("removal: %+v", d.Lines)
	}
}

func TestDirectoryEdits_AManagerMakesItFormalAndAnAddressHasOneName(t *testing.T) {
	d := validDirectory()
	w3c := d.Orgs[2]
	w3c.Relationship = RelNone
	w3c.AddManager(Person{Name: "Manny M.", Email: "manny@EXAMPLE.org"})
	if w3c.Relationship != RelFormal || len(w3c.Managers) != 1 {
		t.Errorf("after AddManager: %s, %+v", w3c.Relationship, w3c.Managers)
	}
	d.Orgs[1].Relationship = RelInformal
	d.Orgs[1].AddManager(Person{Name: "X"})
	if d.Orgs[1].Relationship != RelInformal {
		t.Errorf("an informal relationship became %s", d.Orgs[1].Relationship)
	}
	d.NamePerson(Person{Name: "Manny M.", Email: "manny@EXAMPLE.org"})
	for _, p := range []Person{d.Orgs[0].Managers[0], d.Orgs[1].Contacts[0], w3c.Managers[0]} {
		if p.Name != "Manny M." {
			t.Errorf("%s kept the name %q", p.Email, p.Name)
		}
	}
	if p := d.Validate(); len(p) != 0 {
		t.Errorf("problems after the edits:\n%v", p)
	}
}
