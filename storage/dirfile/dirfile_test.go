package dirfile

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func mustParseBundled(t *testing.T) *bot.Directory {
	t.Helper()
	d, err := Parse("directory.toml", Default())
	if err != nil {
		t.Fatalf("bundled directory: %v", err)
	}
	return d
}

func mustOrg(t *testing.T, d *bot.Directory, acronym string) *bot.Organization {
	t.Helper()
	o := d.OrgByAcronym(acronym)
	if o == nil {
		t.Fatalf("bundled directory has no %s", acronym)
	}
	return o
}

func TestDirectoryFile_BundledFacts(t *testing.T) {
	d := mustParseBundled(t)
	if n := len(d.Orgs); n < 30 || n > 60 {
		t.Errorf("bundled directory has %d organizations, want 30 to 60", n)
	}
	if d.StatementsEmail != "statements@ietf.org" || d.ManagersEmail != "liaison-managers@iab.org" {
		t.Errorf("addresses = %q, %q", d.StatementsEmail, d.ManagersEmail)
	}

	co := d.Coordinators
	if co.Email != "liaison-coordination@iab.org" {
		t.Errorf("coordinators email = %q", co.Email)
	}
	var names []string
	for _, p := range co.People {
		names = append(names, p.Name)
		if p.Email != "" {
			t.Errorf("coordinator %s has an email (%s) that no bundled source gives", p.Name, p.Email)
		}
	}
	if got, want := strings.Join(names, ", "), "Suresh Krishnan, Warren Kumari, Yingzhen Qu, Yaroslav Rosomakho"; got != want {
		t.Errorf("coordinators = %s, want %s", got, want)
	}
	if !strings.Contains(co.Source, "https://www.ietf.org/about/liaisons/") || co.AsOf.IsZero() {
		t.Errorf("coordinators provenance = %+v", co.Provenance)
	}

	g := mustOrg(t, d, "3GPP")
	if len(g.Managers) != 1 || g.Managers[0].Name != "Gonzalo Camarillo" {
		t.Fatalf("3GPP managers = %+v", g.Managers)
	}
	m := g.Managers[0]
	if !strings.HasPrefix(m.Source, "https://www.ietf.org/about/liaisons/") || !m.AsOf.Equal(day("2021-01-01")) {
		t.Errorf("3GPP manager provenance = %q %v", m.Source, m.AsOf)
	}
	if g.Relationship != bot.RelFormal || g.Reference != "RFC 3113" || g.DatatrackerID != 56 {
		t.Errorf("3GPP = %s %q %d", g.Relationship, g.Reference, g.DatatrackerID)
	}
	if !anyContains(g.Notes, "CT chair") {
		t.Errorf("3GPP notes do not say its liaison manager is the CT chair: %q", g.Notes)
	}

	itu := mustOrg(t, d, "ITU-T")
	if len(itu.Managers) != 0 {
		t.Errorf("ITU-T has managers %+v; no bundled source names one", itu.Managers)
	}
	if itu.DatatrackerID != 51 || itu.Parent != "ITU" || !reflect.DeepEqual(itu.CC, []string{"itu-t-liaison@iab.org"}) {
		t.Errorf("ITU-T = id %d parent %q cc %q", itu.DatatrackerID, itu.Parent, itu.CC)
	}
	if w := mustOrg(t, d, "W3C"); w.Relationship != bot.RelInformal || w.DatatrackerID != 54 {
		t.Errorf("W3C = %s id %d", w.Relationship, w.DatatrackerID)
	}
	if b := mustOrg(t, d, "BBF"); len(b.Managers) != 1 || b.Managers[0].Email != "bbf-liaison@ietf.org" {
		t.Errorf("BBF managers = %+v", b.Managers)
	}
	u := mustOrg(t, d, "Unicode")
	if len(u.Managers) != 1 || u.Managers[0].Name != "Patrik Fältström" || u.Managers[0].Email != "paf@netnod.se" ||
		!u.Managers[0].AsOf.Equal(day("2026-03-27")) || !strings.HasPrefix(u.Managers[0].Source, "https://wiki.ietf.org/group/iab/") {
		t.Errorf("Unicode managers = %+v", u.Managers)
	}
	if r := mustOrg(t, d, "ICANN RZERC"); len(r.Managers) != 0 || len(r.Notes) == 0 {
		t.Errorf("ICANN RZERC = managers %+v notes %q", r.Managers, r.Notes)
	}
	cl := mustOrg(t, d, "CableLabs")
	if len(cl.Contacts) == 0 || cl.Contacts[0].Name != "Greg White" || !cl.Contacts[0].AsOf.Equal(day("2026-03-27")) {
		t.Errorf("CableLabs contacts = %+v", cl.Contacts)
	}
	// A 2015 Datatracker contact keeps its own, older provenance.
	if w := mustOrg(t, d, "W3C"); len(w.Contacts) == 0 || w.Contacts[0].AsOf.Year() != 2015 || w.AsOf.Year() != 2026 {
		t.Errorf("W3C contacts = %+v", w.Contacts)
	}
}

func anyContains(list []string, s string) bool {
	for _, x := range list {
		if strings.Contains(x, s) {
			return true
		}
	}
	return false
}

func TestDirectoryFile_BundledIsConsistent(t *testing.T) {
	d := mustParseBundled(t)
	keys := map[string]string{}
	for i, o := range d.Orgs {
		if o.Source == "" || o.AsOf.IsZero() {
			t.Errorf("%s has no source or as_of", o.Acronym)
		}
		if !o.Relationship.Valid() {
			t.Errorf("%s: relationship %q", o.Acronym, o.Relationship)
		}
		if o.Relationship == bot.RelNone && len(o.Managers) > 0 {
			t.Errorf("%s has managers but no relationship", o.Acronym)
		}
		if o.DatatrackerID != 0 && !o.InDatatracker {
			t.Errorf("%s has a Datatracker id but is not marked in_datatracker", o.Acronym)
		}
		for _, set := range [][]bot.Person{o.Managers, o.Contacts, o.Approvers} {
			for _, p := range set {
				if p.Source == "" || p.AsOf.IsZero() {
					t.Errorf("%s: %s has no source or as_of", o.Acronym, p.Label())
				}
			}
		}
		// Acronyms, names and aliases all lead to one organization.
		for _, s := range append([]string{o.Acronym, o.Name}, o.Aliases...) {
			k := bot.NormalizeKey(s)
			if prev, ok := keys[k]; ok && prev != o.Acronym {
				t.Errorf("%q of %s is also a name of %s", s, o.Acronym, prev)
			}
			keys[k] = o.Acronym
		}
		// The file is kept in the order the store lists organizations.
		if i > 0 && strings.ToLower(d.Orgs[i-1].Acronym) >= strings.ToLower(o.Acronym) {
			t.Errorf("%s comes after %s; keep the file sorted by acronym", o.Acronym, d.Orgs[i-1].Acronym)
		}
	}
}

func TestDirectoryFile_BundledAnswersCommonNames(t *testing.T) {
	d := mustParseBundled(t)
	for q, want := range map[string]string{
		"ITU T":                                 "ITU-T",
		"itu-t":                                 "ITU-T",
		"International Telecommunication Union": "ITU",
		"IEEE802.1":                             "IEEE 802.1",
		"IEEE 802.1":                            "IEEE 802.1",
		"broadband forum":                       "BBF",
		"BBF":                                   "BBF",
		"DSL Forum":                             "BBF",
		"w3c":                                   "W3C",
		"World Wide Web Consortium":             "W3C",
		"cablelabs":                             "CableLabs",
		"M3AAWG":                                "M3AAWG",
		"MAAWG":                                 "M3AAWG",
		"Ecma":                                  "Ecma TC39",
		"TC39":                                  "Ecma TC39",
		"ISO":                                   "ISO",
		"JTC1":                                  "ISO/IEC JTC 1",
		"3gpp":                                  "3GPP",
		"Third Generation Partnership Project":  "3GPP",
		"SA2":                                   "3GPP SA2",
		"unicode consortium":                    "Unicode",
		"RSSAC":                                 "ICANN RSSAC",
	} {
		res := d.Matcher().Match(q)
		if res.Org == nil || !res.Exact || res.Org.Acronym != want {
			got := "nothing"
			if res.Org != nil {
				got = res.Org.Acronym
			}
			t.Errorf("%q matches %s (exact %v), want %s", q, got, res.Exact, want)
		}
	}
}

// The bundled file is kept in the exporter's form, so that an export of a
// fresh database differs from it only by what was changed.
func TestDirectoryFile_BundledIsCanonical(t *testing.T) {
	d := mustParseBundled(t)
	out, err := Format(d)
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile("directory.toml", out, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if !bytes.Equal(out, Default()) {
		t.Errorf("directory.toml is not in the exporter's form; run go test ./storage/dirfile/ -run BundledIsCanonical -update\n%s",
			firstDiff(Default(), out))
	}
}

func firstDiff(a, b []byte) string {
	al, bl := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := 0; i < len(al) || i < len(bl); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return fmt.Sprintf("line %d:\n  have %q\n  want %q", i+1, x, y)
		}
	}
	return "no difference"
}

func TestDirectoryFile_RoundTrip(t *testing.T) {
	d := mustParseBundled(t)
	out, err := Format(d)
	if err != nil {
		t.Fatal(err)
	}
	d2, err := Parse("export.toml", out)
	if err != nil {
		t.Fatalf("parse the export: %v", err)
	}
	if !reflect.DeepEqual(d, d2) {
		t.Errorf("parse → format → parse changed the directory")
	}
	out2, err := Format(d2)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out, out2) {
		t.Errorf("export → parse → export is not byte-identical:\n%s", firstDiff(out, out2))
	}
}

// smallDirectory is a small directory that uses every feature of the format.
func smallDirectory() *bot.Directory {
	table := bot.Provenance{Source: "https://www.ietf.org/about/liaisons/", AsOf: day("2021-01-01")}
	return &bot.Directory{
		StatementsEmail: "statements@ietf.org",
		ManagersEmail:   "liaison-managers@iab.org",
		Coordinators: bot.Coordinators{
			Email:      "liaison-coordination@iab.org",
			Provenance: bot.Provenance{Source: "https://www.ietf.org/about/liaisons/", AsOf: day("2026-03-27")},
			People: []bot.Person{
				{Name: "Suresh Krishnan", Provenance: bot.Provenance{Source: "https://www.ietf.org/about/liaisons/", AsOf: day("2026-03-27")}},
				{Name: "Jane Doe", Email: "jane@example.org", Title: "coordinator",
					Provenance: bot.Provenance{Source: "admin", AsOf: time.Date(2026, 4, 1, 9, 30, 0, 0, time.UTC), By: "slack:U123"}},
			},
		},
		Orgs: []*bot.Organization{
			{
				Acronym: "3GPP", Name: "3rd Generation Partnership Project",
				Aliases:      []string{"Third Generation Partnership Project", "3G PP", "3rd-gen", "three gee pee pee"},
				Relationship: bot.RelFormal, Reference: "RFC 3113", URL: "https://wiki.ietf.org/group/iab/3gpp_liaison_relationship",
				DatatrackerID: 56, InDatatracker: true,
				Notes: []string{
					"The liaison manager from 3GPP to the IETF is always the 3GPP CT chair (IAB wiki, 2026-03-18).",
					`A note with "quotes", a backslash \ and a tab	in it.`,
				},
				Provenance: table,
				Managers:   []bot.Person{{Name: "Gonzalo Camarillo", Provenance: table}},
				Contacts: []bot.Person{
					{Email: "3GPPLiaison@etsi.org", Provenance: bot.Provenance{Source: "Datatracker 2015", AsOf: day("2015-01-01")}},
					{Name: "Nobody Known", Title: "CT chair", Provenance: bot.Provenance{Source: "", AsOf: time.Time{}, By: ""}},
				},
				Approvers: []bot.Person{{Name: "Ann Approver", Email: "ann@example.org", Provenance: bot.Provenance{
					Source: table.Source, AsOf: table.AsOf, By: "zulip:42"}}},
			},
			{
				Acronym: "3GPP SA2", Name: "3GPP TSG SA WG2", Relationship: bot.RelFormal, Parent: "3GPP",
				DatatrackerID: 2024, InDatatracker: true,
			},
			{
				Acronym: "ITU-T", Name: "ITU Telecommunication Standardization Sector", Relationship: bot.RelFormal,
				CC:         []string{"itu-t-liaison@iab.org"},
				Provenance: bot.Provenance{Source: "admin", AsOf: time.Date(2026, 5, 2, 23, 59, 59, 500, time.UTC), By: "console:local"},
			},
			{
				Acronym: "Unicode", Name: "Unicode Consortium", Relationship: bot.RelFormal,
				Managers: []bot.Person{{Name: "Patrik Fältström", Email: "paf@netnod.se"}},
			},
			{Acronym: "W3C", Relationship: bot.RelInformal},
		},
	}
}

func TestFormat_Golden(t *testing.T) {
	golden := filepath.Join("testdata", "small.golden.toml")
	out, err := Format(smallDirectory())
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(golden, out, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out, want) {
		t.Errorf("Format differs from %s (go test -update rewrites it):\n%s", golden, firstDiff(want, out))
	}
	d, err := Parse("small.golden.toml", want)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(d, smallDirectory()) {
		t.Errorf("parsing the golden file does not give back the directory")
		for i := range d.Orgs {
			if i < len(smallDirectory().Orgs) && !reflect.DeepEqual(d.Orgs[i], smallDirectory().Orgs[i]) {
				t.Errorf("organization %d:\n got %+v\nwant %+v", i, d.Orgs[i], smallDirectory().Orgs[i])
			}
		}
	}
}

func TestFormat_OmitsInheritedProvenance(t *testing.T) {
	out, err := Format(smallDirectory())
	if err != nil {
		t.Fatal(err)
	}
	s := string(out)
	// Gonzalo Camarillo's provenance is 3GPP's: nothing of it is written.
	i := strings.Index(s, `name = "Gonzalo Camarillo"`)
	if i < 0 {
		t.Fatalf("no manager in\n%s", s)
	}
	if next := s[i:]; strings.Contains(next[:strings.Index(next, "\n\n")], "source") {
		t.Errorf("inherited source written for the manager:\n%s", next[:strings.Index(next, "\n\n")])
	}
	// A person with no source and no date under an organization that has
	// both says so explicitly.
	for _, want := range []string{"  source = \"\"\n", "  as_of = \"unknown\"\n", "  by = \"zulip:42\"\n",
		"as_of = 2026-05-02T23:59:59.0000005Z\n"} {
		if !strings.Contains(s, want) {
			t.Errorf("export lacks %q", want)
		}
	}
}

func TestFormat_Rejects(t *testing.T) {
	if _, err := Format(nil); err == nil {
		t.Error("nil directory: no error")
	}
	d := smallDirectory()
	d.Orgs[0].Name = "bad \xff name"
	if _, err := Format(d); err == nil || !strings.Contains(err.Error(), "UTF-8") {
		t.Errorf("non-UTF-8 name: %v", err)
	}
	d = smallDirectory()
	d.Orgs = append(d.Orgs, nil)
	if _, err := Format(d); err == nil {
		t.Error("nil organization: no error")
	}
}

func TestFormat_KeepsOrderAndIgnoresIDs(t *testing.T) {
	d := smallDirectory()
	d.Orgs[0], d.Orgs[4] = d.Orgs[4], d.Orgs[0]
	d.Orgs[0].ID = 919191
	d.Orgs[3].Managers[0].ID = 929292
	d.Orgs[3].Managers[0].Chat = []bot.ChatIdentity{{Platform: "chatplatform", UserID: "UCHATID77"}}
	d.Version = 424242
	out, err := Format(d)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Index(string(out), `"W3C"`) > strings.Index(string(out), `"3GPP"`) {
		t.Error("organizations were reordered")
	}
	for _, s := range []string{"919191", "929292", "UCHATID77", "chatplatform", "424242"} {
		if strings.Contains(string(out), s) {
			t.Errorf("export contains %q (ids and chat identities are not part of the file)", s)
		}
	}
	got, err := Parse("x.toml", out)
	if err != nil {
		t.Fatal(err)
	}
	if got.Orgs[0].ID != 0 || got.Orgs[3].Managers[0].ID != 0 || got.Orgs[3].Managers[0].Chat != nil || got.Version != 0 {
		t.Error("parse set ids or chat identities")
	}
}

func TestParse_BadFiles(t *testing.T) {
	for _, tc := range []struct {
		file string
		want []string // each must appear in the error
	}{
		{"bad_syntax.toml", []string{"bad_syntax.toml: line 7: syntax error"}},
		{"bad_unknown_key.toml", []string{`bad_unknown_key.toml: line 12: organization[0].manager[0].emial: unknown key "emial"`}},
		{"bad_email.toml", []string{`bad_email.toml: line 27: organization[3] "3GPP": manager[0].email: "gonzalo@" is not a valid email address`}},
		{"bad_duplicate_alias.toml", []string{`line 13: organization[1] "DSL Forum": aliases[1]: "b.b.f." is already used by organization[0] "BBF" (acronym)`}},
		{"bad_missing_acronym.toml", []string{"bad_missing_acronym.toml: line 10: organization[1]: acronym: missing"}},
		{"bad_relationship.toml", []string{`line 8: organization[0] "W3C": relationship: "friendly" is not one of formal, informal, none`}},
		{"bad_parent.toml", []string{`line 9: organization[0] "ITU-T SG15": parent: "ITU-T" is not the acronym of an organization`}},
		{"bad_format.toml", []string{"bad_format.toml: line 1: format: 2 is not a format"}},
		{"bad_utf8.toml", []string{"bad_utf8.toml: line 5: the file is not UTF-8"}},
		{"bad_coordinators.toml", []string{
			`line 4: coordinators.email: "liaison-coordination at iab.org" is not a valid email address`,
			"line 7: coordinators.people[1]: a person needs a name or an email address",
		}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			d, err := Parse(tc.file, data)
			if err == nil {
				t.Fatalf("no error; got %d organizations", len(d.Orgs))
			}
			var be *bot.Error
			if !errors.As(err, &be) || be.Code != bot.EINVALID {
				t.Errorf("error %T code %q, want *bot.Error %s", err, bot.ErrorCode(err), bot.EINVALID)
			}
			if bot.ErrorMessage(err) != err.Error() {
				t.Errorf("the user-safe message hides the problems: %q", bot.ErrorMessage(err))
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error\n%v\nlacks %q", err, w)
				}
			}
		})
	}
}

func minimalFile(orgs string) []byte {
	return []byte("format = 1\n[coordinators]\nemail = \"liaison-coordination@iab.org\"\n" + orgs)
}

func TestParse_Problems(t *testing.T) {
	for _, tc := range []struct {
		name, orgs string
		want       []string
	}{
		{"type", "[[organization]]\nacronym = \"X\"\nrelationship = \"none\"\naliases = \"Y\"\n",
			[]string{"line 7: organization.aliases: is a string, but should be a list"}},
		{"upper-case key", "[[organization]]\nAcronym = \"X\"\nrelationship = \"none\"\n",
			[]string{`line 5: organization[0].Acronym: unknown key "Acronym" (keys are lower case: "acronym")`}},
		{"unknown table", "[[organization]]\nacronym = \"X\"\nrelationship = \"none\"\n[[organization.managers]]\nname = \"A\"\n",
			[]string{`line 7: organization[0].managers[0]: unknown key "managers"`}},
		{"missing relationship", "[[organization]]\nacronym = \"X\"\n",
			[]string{`line 4: organization[0] "X": relationship: missing`}},
		{"duplicate acronym", "[[organization]]\nacronym = \"ITU-T\"\nrelationship = \"none\"\n[[organization]]\nacronym = \"itu t\"\nrelationship = \"none\"\n",
			[]string{`line 8: organization[1] "itu t": acronym: "itu t" is already used by organization[0] "ITU-T" (acronym)`}},
		{"alias without letters", "[[organization]]\nacronym = \"X\"\nrelationship = \"none\"\naliases = [\"ok\", \"--\"]\n",
			[]string{`line 7: organization[0] "X": aliases[1]: "--" has no letters or digits`}},
		{"duplicate Datatracker id", "[[organization]]\nacronym = \"X\"\nrelationship = \"none\"\ndatatracker_id = 5\n[[organization]]\nacronym = \"Y\"\nrelationship = \"none\"\ndatatracker_id = 5\n",
			[]string{`line 11: organization[1] "Y": datatracker_id: 5 is also the id of organization[0] "X"`}},
		{"parent loop", "[[organization]]\nacronym = \"X\"\nrelationship = \"none\"\nparent = \"Y\"\n[[organization]]\nacronym = \"Y\"\nrelationship = \"none\"\nparent = \"x\"\n",
			[]string{`line 7: organization[0] "X": parent: "Y" leads back to "X"`, `line 11: organization[1] "Y": parent: "x" leads back`}},
		{"own parent", "[[organization]]\nacronym = \"X\"\nrelationship = \"none\"\nparent = \"X\"\n",
			[]string{`organization[0] "X": parent: an organization cannot be its own parent`}},
		{"bad cc", "[[organization]]\nacronym = \"X\"\nrelationship = \"none\"\ncc = [\"a@b.org\",\n  \"Bad <b@c.org>\"]\n",
			[]string{`line 8: organization[0] "X": cc[1]: "Bad <b@c.org>" is not a valid email address`}},
		{"empty note", "[[organization]]\nacronym = \"X\"\nrelationship = \"none\"\nnotes = [\n  \"fine\",\n  \"  \",\n]\n",
			[]string{`line 9: organization[0] "X": notes[1]: empty note`}},
		{"bad url", "[[organization]]\nacronym = \"X\"\nrelationship = \"none\"\nurl = \"www.example.org\"\n",
			[]string{`line 7: organization[0] "X": url: "www.example.org" is not an http(s) URL`}},
		{"bad date", "[[organization]]\nacronym = \"X\"\nrelationship = \"none\"\nas_of = \"last week\"\n",
			[]string{`line 7: organization[0] "X": as_of: "last week" is not a date`}},
		{"time of day", "[[organization]]\nacronym = \"X\"\nrelationship = \"none\"\nas_of = 10:00:00\n",
			[]string{`line 7: organization[0] "X": as_of: is a time of day`}},
		{"ancient date", "[[organization]]\nacronym = \"X\"\nrelationship = \"none\"\nas_of = 0001-01-01\n",
			[]string{`line 7: organization[0] "X": as_of: 0001-01-01T00:00:00Z is out of range`}},
		{"person without name or email", "[[organization]]\nacronym = \"X\"\nrelationship = \"none\"\n[[organization.contact]]\ntitle = \"T\"\n",
			[]string{`line 7: organization[0] "X": contact[0]: a person needs a name or an email address`}},
		{"one address, two names", "[[organization]]\nacronym = \"X\"\nrelationship = \"formal\"\n[[organization.manager]]\nname = \"A\"\nemail = \"a@example.org\"\n[[organization]]\nacronym = \"Y\"\nrelationship = \"formal\"\n[[organization.manager]]\nname = \"B\"\nemail = \"A@example.org\"\n",
			[]string{`line 14: organization[1] "Y": manager[0].name: "B" has the address A@example.org, which organization[0] "X": manager[0] gives to "A"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("d.toml", minimalFile(tc.orgs))
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error\n%v\nlacks %q", err, w)
				}
			}
		})
	}
}

func TestParse_TopLevelAddresses(t *testing.T) {
	_, err := Parse("d.toml", []byte("format = 1\nstatements_email = \"nope\"\nmanagers_email = \"\"\n[coordinators]\nemail = \"a@b.org\"\n"))
	for _, w := range []string{`d.toml: line 2: statements_email: "nope" is not a valid email address`, "d.toml: line 3: managers_email: missing email address"} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("error\n%v\nlacks %q", err, w)
		}
	}
}

func TestParse_MissingEverything(t *testing.T) {
	_, err := Parse("empty.toml", nil)
	if err == nil {
		t.Fatal("an empty file parsed")
	}
	for _, w := range []string{"empty.toml: format: missing", "empty.toml: coordinators: missing"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error\n%v\nlacks %q", err, w)
		}
	}
}

func TestParse_ReportsAllProblemsUpToALimit(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 25; i++ {
		fmt.Fprintf(&b, "[[organization]]\nacronym = \"O%d\"\nrelationship = \"bad\"\n", i)
	}
	_, err := Parse("many.toml", minimalFile(b.String()))
	if err == nil {
		t.Fatal("no error")
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != 21 || !strings.Contains(lines[20], "and 5 more problems") {
		t.Errorf("got %d lines, last %q", len(lines), lines[len(lines)-1])
	}
	// Sorted by line.
	if !strings.Contains(lines[0], `"O0"`) || !strings.Contains(lines[19], `"O19"`) {
		t.Errorf("problems out of order:\n%v", err)
	}
	_, err = Parse("two.toml", minimalFile("[[organization]]\nrelationship = \"bad\"\nfoo = 1\n"))
	if err == nil || strings.Count(err.Error(), "\n") != 2 {
		t.Errorf("want three problems (acronym, relationship, foo), got\n%v", err)
	}
}

func TestParse_TooLarge(t *testing.T) {
	data := append(minimalFile(""), bytes.Repeat([]byte("# padding\n"), (10<<20)/10+1)...)
	_, err := Parse("big.toml", data)
	if err == nil || !strings.Contains(err.Error(), "big.toml: the file is") || !strings.Contains(err.Error(), "10 MiB") {
		t.Errorf("err = %v", err)
	}
	if bot.ErrorCode(err) != bot.EINVALID {
		t.Errorf("code %q", bot.ErrorCode(err))
	}
}

func TestParse_InheritsProvenanceAndDefaults(t *testing.T) {
	d, err := Parse("d.toml", minimalFile(`
[[organization]]
acronym = " X "
relationship = "Formal"
source = "src"
as_of = 2020-02-03
by = "admin"

  [[organization.manager]]
  name = "Inherits"

  [[organization.manager]]
  name = "Own"
  source = ""
  as_of = "unknown"
  by = ""

  [[organization.contact]]
  email = "c@example.org"
  as_of = 2020-02-03T10:00:00+02:00

  [[organization.approver]]
  name = "Local time"
  as_of = 2020-02-03T10:00:00
`))
	if err != nil {
		t.Fatal(err)
	}
	if d.StatementsEmail != bot.DefaultStatementsEmail || d.ManagersEmail != bot.DefaultManagersEmail {
		t.Errorf("defaults: %q %q", d.StatementsEmail, d.ManagersEmail)
	}
	o := d.Orgs[0]
	if o.Acronym != "X" || o.Relationship != bot.RelFormal {
		t.Errorf("acronym %q relationship %q: values are trimmed and relationships lower-cased", o.Acronym, o.Relationship)
	}
	want := bot.Provenance{Source: "src", AsOf: day("2020-02-03"), By: "admin"}
	if o.Managers[0].Provenance != want {
		t.Errorf("inherited provenance = %+v, want %+v", o.Managers[0].Provenance, want)
	}
	if o.Managers[1].Provenance != (bot.Provenance{}) {
		t.Errorf("explicitly empty provenance = %+v", o.Managers[1].Provenance)
	}
	if at := o.Contacts[0].AsOf; at != time.Date(2020, 2, 3, 8, 0, 0, 0, time.UTC) || o.Contacts[0].Source != "src" {
		t.Errorf("offset date-time = %v (%s)", at, at.Location())
	}
	if at := o.Approvers[0].AsOf; at != time.Date(2020, 2, 3, 10, 0, 0, 0, time.UTC) {
		t.Errorf("local date-time = %v (%s)", at, at.Location())
	}
	if o.AsOf.Location() != time.UTC {
		t.Errorf("date location = %s", o.AsOf.Location())
	}
}

func TestParse_AcceptsBOMAndQuotedDates(t *testing.T) {
	data := append([]byte("\xef\xbb\xbf"), minimalFile("as_of = \"2026-03-27\"\n")...)
	d, err := Parse("bom.toml", data)
	if err != nil {
		t.Fatal(err)
	}
	if !d.Coordinators.AsOf.Equal(day("2026-03-27")) {
		t.Errorf("as_of = %v", d.Coordinators.AsOf)
	}
}

func TestDefault_ReturnsACopy(t *testing.T) {
	a := Default()
	a[0] ^= 0xff
	if b := Default(); b[0] == a[0] {
		t.Error("Default returned the embedded bytes themselves")
	}
}

func TestDirfileScan_Lines(t *testing.T) {
	text := `format = 1 # comment with [brackets]
[coordinators]
email = "x@y.org"
people = [
  { name = "A", email = "a@b.org" },
  { name = """multi
line""" },
  { name = 'B' },
]

[[organization]]
acronym = "one"
aliases = ["a", "b]", 'c']

  [[organization.manager]]
  name = "M"

[[organization]]
"acronym" = "two"

  [[organization.manager]]
  name = "M0"

  [[organization.manager]]
  name = "M1"
  email = "m1@example.org"
[organization.extra]
key = 1
`
	l := scanLines(text)
	for path, want := range map[string]int{
		"format":                           1,
		"coordinators":                     2,
		"coordinators.email":               3,
		"coordinators.people[0].email":     5,
		"coordinators.people[1].name":      6,
		"coordinators.people[2]":           8,
		"coordinators.people[2].name":      8,
		"organization[0]":                  11,
		"organization[0].aliases[1]":       13,
		"organization[0].aliases[2]":       13,
		"organization[0].manager[0].name":  16,
		"organization[1].acronym":          19,
		"organization[1].manager[1]":       24,
		"organization[1].manager[1].email": 26,
		"organization[1].manager[1].title": 24, // absent: the table's line
		"organization[1].extra.key":        28,
		"organization[7].acronym":          0,
	} {
		if got := l.find(path); got != want {
			t.Errorf("%s: line %d, want %d", path, got, want)
		}
	}
	if n := len(l.occurrences("organization.manager.name")); n != 3 {
		t.Errorf("%d occurrences of organization.manager.name, want 3", n)
	}
}

func FuzzParseDirectoryFile(f *testing.F) {
	f.Add(Default())
	files, _ := filepath.Glob(filepath.Join("testdata", "*.toml"))
	for _, name := range files {
		if data, err := os.ReadFile(name); err == nil {
			f.Add(data)
		}
	}
	f.Add(minimalFile("[[organization]]\nacronym = \"X\"\nrelationship = \"none\"\nas_of = 2026-01-01T10:00:00-05:00\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		scanLines(string(data)) // never panics
		d, err := Parse("fuzz.toml", data)
		if err != nil {
			if bot.ErrorCode(err) != bot.EINVALID || !strings.HasPrefix(err.Error(), "fuzz.toml: ") {
				t.Fatalf("error %q (code %s)", err, bot.ErrorCode(err))
			}
			return
		}
		out, err := Format(d)
		if err != nil {
			t.Fatalf("format a parsed directory: %v", err)
		}
		d2, err := Parse("export.toml", out)
		if err != nil {
			t.Fatalf("parse the export: %v\n%s", err, out)
		}
		if !reflect.DeepEqual(d, d2) {
			t.Fatalf("parse → format → parse changed the directory:\n%s", out)
		}
		out2, err := Format(d2)
		if err != nil || !bytes.Equal(out, out2) {
			t.Fatalf("export not stable: %v", err)
		}
	})
}

// A directory file's names lose their bidi controls and zero-width
// characters before they are checked (the store cleans whatever else hands
// it a directory: storage's TestDirectory_InvisibleCharactersRemoved).
func TestParse_InvisibleCharactersRemoved(t *testing.T) {
	file := minimalFile("[[organization]]\nacronym = \"BBF\u200b\"\nname = \"Broadband\u202e Forum\"\nrelationship = \"formal\"\n" +
		"aliases = [\"DSL\u2060 Forum\"]\n" +
		"[[organization.manager]]\nname = \"David\u200d Sinicrope\"\nemail = \"bbf-liaison\u200b@ietf.org\"\n")
	d, err := Parse("d.toml", file)
	if err != nil {
		t.Fatal(err)
	}
	o := d.OrgByAcronym("BBF")
	if o == nil || o.Name != "Broadband Forum" || o.Aliases[0] != "DSL Forum" || o.Managers[0].Name != "David Sinicrope" || o.Managers[0].Email != "bbf-liaison@ietf.org" {
		t.Fatalf("parsed: %+v", o)
	}
	// A name of nothing but invisible characters is no name.
	_, err = Parse("d.toml", minimalFile("[[organization]]\nacronym = \"X\"\nrelationship = \"none\"\n[[organization.contact]]\nname = \"\u200b\u202e\"\n"))
	if err == nil || !strings.Contains(err.Error(), "a person needs a name or an email address") {
		t.Fatalf("invisible-only name: %v", err)
	}
}
