package commands_test

import (
	"context"
	"strings"
	"testing"

	"github.com/ietf-tools/liaisonbot/bot"
)

func TestAdmin_EdgesOfEachEdit(t *testing.T) {
	h := adminHarness(t)
	// An organization may be added without a name, and renamed in name
	// only; a hand-made one gets no Datatracker note.
	out := h.mustChange(admin, "admin org add ACME")
	mustContain(t, out, "Added ACME to the directory.")
	out = h.mustChange(admin, "admin org rename ACME ACME Acme Standards Organization")
	mustContain(t, out, `ACME: name "" → "Acme Standards Organization"`)
	if strings.Contains(out, "Datatracker") {
		t.Errorf("a hand-made organization's rename mentions the Datatracker:\n%s", out)
	}
	h.mustRefuse(admin, "admin org rename ACME ACME Acme Standards Organization", bot.EINVALID, "ACME is already called that")
	// One address is one person: a manager added with a contact's address
	// renames the contact; one added without a name renames nobody.
	h.mustChange(admin, "admin contact set CableLabs Liaison Office liaison@cablelabs.example")
	h.mustChange(admin, "admin manager add 3GPP Jane Roe liaison@cablelabs.example")
	if c := h.org("CableLabs").Contacts; len(c) != 1 || c[0].Name != "Jane Roe" {
		t.Errorf("CableLabs contacts %+v, want renamed Jane Roe", c)
	}
	h.mustChange(admin, "admin manager add ACME <liaison@cablelabs.example>")
	if c := h.org("CableLabs").Contacts; c[0].Name != "Jane Roe" {
		t.Errorf("a manager added without a name renamed the contact: %+v", c)
	}
	// An edit that changes nothing says so, without a list of changes.
	h.mustRefuse(admin, "admin org alias ACME acme", bot.EINVALID, "ACME already answers to")
}

func TestAdmin_RefusalNamesTheCoordinatorsWhenThereAreAny(t *testing.T) {
	h := adminHarness(t)
	out := h.mustRefuse(as("nobody@example.org"), "admin org add ACME", bot.EFORBIDDEN, "Only the IAB liaison coordinators (Suresh Krishnan,")
	mustContain(t, out, "write to liaison-coordination@iab.org")
	if _, err := h.db.ApplyDirectory(context.Background(), bot.DirectoryEdit{By: "test", Edit: func(d *bot.Directory) (*bot.Directory, error) {
		d.Coordinators.People, d.Coordinators.Email = nil, "iab-liaisons@example.org"
		return d, nil
	}}); err != nil {
		t.Fatal(err)
	}
	out = h.mustRefuse(as("nobody@example.org"), "admin org add ACME", bot.EFORBIDDEN,
		"Only the IAB liaison coordinators or an admin can change the directory; write to iab-liaisons@example.org")
	if strings.Contains(out, "()") {
		t.Errorf("an empty list of coordinators is named:\n%s", out)
	}
}

func TestContact_AddressesOnRecordOrTheDefaults(t *testing.T) {
	h := newHarness(t)
	if _, err := h.db.ApplyDirectory(context.Background(), bot.DirectoryEdit{By: "test", Edit: func(d *bot.Directory) (*bot.Directory, error) {
		d.Coordinators.Email, d.ManagersEmail = "iab-liaisons@example.org", "managers@example.org"
		return d, nil
	}}); err != nil {
		t.Fatal(err)
	}
	out := h.do(admin, "contact 3gpp")
	mustContain(t, out, "Gonzalo Camarillo — email not on record; reach them through managers@example.org",
		"copy iab-liaisons@example.org", "Talk to the IAB liaison coordinators first: iab-liaisons@example.org")
	// A query is quoted back whole up to 60 characters, then cut.
	sixty := strings.Repeat("Ünternehmen ", 5) // 60 characters with the spaces
	sixty = sixty[:len(sixty)-1] + "X"
	mustContain(t, h.do(admin, "contact "+sixty), "“"+sixty+"”")
	mustContain(t, h.do(admin, "contact "+sixty+"Y"), "“"+sixty+"…”")
}
