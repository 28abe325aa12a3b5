package storage

import (
	"context"
	"strings"
	"testing"

	"github.com/ietf-tools/liaisonbot/bot"
	"github.com/ietf-tools/liaisonbot/storage/dirfile"
)

// Whatever hands the store a directory (an import, an admin's edit), what
// is stored has no bidi controls or zero-width characters.
func TestDirectory_InvisibleCharactersRemoved(t *testing.T) {
	d, err := dirfile.Parse("d.toml", []byte("format = 1\n[coordinators]\nemail = \"liaison-coordination@iab.org\"\n"+
		"[[organization]]\nacronym = \"BBF\"\nname = \"Broadband Forum\"\nrelationship = \"formal\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	db := MustOpenDB(t)
	ctx := context.Background()
	d.Orgs = append(d.Orgs, &bot.Organization{Acronym: "\u2066ETSI\u2069", Name: "European Telecommunications\u200b Standards Institute",
		Relationship: bot.RelFormal, Contacts: []bot.Person{{Name: "ETSI\u202e Secretariat", Email: "liaison@etsi.org"}}})
	if _, err := db.ReplaceDirectory(ctx, d, "test"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ApplyDirectory(ctx, bot.DirectoryEdit{By: "test", Edit: func(cur *bot.Directory) (*bot.Directory, error) {
		cur.Coordinators.People = append(cur.Coordinators.People, bot.Person{Name: "Warren\u200b Kumari", Email: "warren@kumari.net"})
		return cur, nil
	}}); err != nil {
		t.Fatal(err)
	}
	stored, err := db.Directory(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out, err := dirfile.Format(stored)
	if err != nil {
		t.Fatal(err)
	}
	if i := strings.IndexFunc(string(out), bot.Invisible); i >= 0 {
		t.Fatalf("stored directory holds an invisible character near %q", string(out)[max(0, i-40):i])
	}
	if stored.OrgByAcronym("ETSI") == nil || !stored.IsCoordinator("warren@kumari.net") || stored.Coordinators.People[0].Name != "Warren Kumari" {
		t.Errorf("stored: ETSI %v, coordinators %+v", stored.OrgByAcronym("ETSI"), stored.Coordinators.People)
	}
}

// SQLite's COLLATE NOCASE folds ASCII letters only, as bot.SameEmail does:
// the lookups by address find a person in any ASCII case and never through
// a look-alike (the Kelvin sign U+212A is not "k").
func TestPersonByEmail_ASCIICaseOnly(t *testing.T) {
	db := MustOpenDB(t)
	MustSeed(t, db)
	ctx := context.Background()
	if _, err := db.ApplyDirectory(ctx, bot.DirectoryEdit{By: "test", Edit: func(cur *bot.Directory) (*bot.Directory, error) {
		cur.Coordinators.People = append(cur.Coordinators.People, bot.Person{Name: "Warren Kumari", Email: "warren@kumari.net"})
		return cur, nil
	}}); err != nil {
		t.Fatal(err)
	}
	if p, err := db.PersonByEmail(ctx, "Warren@KUMARI.NET"); err != nil || p.Name != "Warren Kumari" {
		t.Fatalf("in capitals: %+v %v", p, err)
	}
	if p, err := db.PersonByEmail(ctx, "warren@\u212Aumari.net"); bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Fatalf("look-alike found %+v (%v)", p, err)
	}
	// Linking a chat user to the look-alike makes somebody else, not Warren.
	p, err := db.LinkChat(ctx, bot.PlatformConsole, "warren@\u212Aumari.net", "warren@\u212Aumari.net", "Mallory", "test")
	if err != nil {
		t.Fatal(err)
	}
	d, err := db.Directory(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if p.Name == "Warren Kumari" || d.IsCoordinator(p.Email) || d.PersonWithEmail("warren@kumari.net").Name != "Warren Kumari" {
		t.Errorf("the look-alike became %+v", p)
	}
}
