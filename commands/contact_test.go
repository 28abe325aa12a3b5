package commands_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/ietf-tools/liaisonbot/bot"
	"github.com/ietf-tools/liaisonbot/bot/console"
	"github.com/ietf-tools/liaisonbot/commands"
)

func TestContact_BundledDirectoryQueries(t *testing.T) {
	h := newHarness(t)
	cases := map[string]string{
		"3gpp":            "3rd Generation Partnership Project (3GPP)",
		"3gp":             "(3GPP)",
		"ITU T":           "(ITU-T)",
		"itu-t":           "(ITU-T)",
		"IEEE802.1":       "(IEEE 802.1)",
		"broadband forum": "Broadband Forum (BBF)",
		"BBF":             "Broadband Forum (BBF)",
		"w3c":             "(W3C)",
		"cablelab":        "(CableLabs)",
		"DSL Forum":       "Broadband Forum (BBF)",
		"unicode":         "(Unicode)",
		"jtc1":            "(ISO/IEC JTC 1)",
	}
	for q, want := range cases {
		out := h.do(as(""), "contact "+q)
		if !strings.Contains(out, want) {
			t.Errorf("contact %q: lacks %q:\n%s", q, want, out)
		}
	}
}

func TestContact_AnswersEveryQuestion(t *testing.T) {
	h := newHarness(t)
	out := h.do(as(""), "contact 3gpp")
	mustContain(t, out,
		"3rd Generation Partnership Project (3GPP)",   // name and acronym
		"formal liaison relationship (RFC 3113)",      // relationship
		"Gonzalo Camarillo",                           // manager
		"3GPPLiaison@etsi.org",                        // their contact point
		"Sending to 3GPP (outgoing): contact Gonzalo", // outgoing routing
		"Receiving from 3GPP (incoming): contact 3GPPLiaison@etsi.org",
		"liaison-coordination@iab.org",                               // coordinators
		"Directory entry: from https://www.ietf.org/about/liaisons/", // where from
		"as of 2021-01-01 (about 6 years ago)",                       // how old
	)
	// No manager on record: the coordinators, and it says so.
	out = h.do(as(""), "contact ITU-T")
	mustContain(t, out, "IETF liaison manager:    not on record",
		"Sending to ITU-T (outgoing): contact the IAB liaison coordinators at liaison-coordination@iab.org — no IETF liaison manager is on record")
}

func TestContact_AmbiguousAndUnknown(t *testing.T) {
	h := newHarness(t)
	out := h.do(as(""), "contact ieee 802.")
	if strings.Contains(out, "Several") {
		// "ieee 802." normalises to "ieee802": exact.
		t.Errorf("exact query treated as ambiguous:\n%s", out)
	}
	out = h.do(as(""), "contact sg1")
	mustContain(t, out, "Several organizations match", "contact ITU-T SG11", "contact ITU-T SG15")
	out = h.do(as(""), "contact Acme Standards Body")
	mustContain(t, out, "No organization in the directory matches “Acme Standards Body”",
		"liaison-coordination@iab.org", "no formal relationship")
}

func TestContact_BadInput(t *testing.T) {
	h := newHarness(t)
	for _, q := range []string{"", "   ", strings.Repeat("é", 10000), "\x00\x07", "<!channel> @**all**", "1; DELETE FROM people"} {
		resp := h.resp(as(""), "contact "+q)
		out := console.Render(resp.Messages)
		if out == "" || strings.Contains(out, "Sorry, something went wrong") {
			t.Errorf("contact %.20q: unhelpful reply %q", q, out)
		}
		if len(out) > 2000 {
			t.Errorf("contact %.20q: reply of %d bytes echoes the query", q, len(out))
		}
	}
	d, _ := h.db.Directory(context.Background())
	if d.OrgByAcronym("3GPP") == nil || len(d.Coordinators.People) == 0 {
		t.Fatal("bad input changed the directory")
	}
}

// BenchmarkContact measures lookup + rendering on the bundled directory
// plus 1,000 generated organizations.
func BenchmarkContact(b *testing.B) {
	h := newHarness(b)
	ctx := context.Background()
	d, err := h.db.Directory(ctx)
	if err != nil {
		b.Fatal(err)
	}
	big := &bot.Directory{Coordinators: d.Coordinators, ManagersEmail: d.ManagersEmail, StatementsEmail: d.StatementsEmail}
	big.Orgs = append(big.Orgs, d.Orgs...)
	for i := 0; i < 1000; i++ {
		big.Orgs = append(big.Orgs, &bot.Organization{
			Acronym: fmt.Sprintf("SDO%04d", i), Name: fmt.Sprintf("Standards Body Number %d", i),
			Aliases: []string{fmt.Sprintf("sdo-%d", i)}, Relationship: bot.RelFormal,
			Managers:   []bot.Person{{Name: fmt.Sprintf("Manager %d", i), Email: fmt.Sprintf("m%d@example.org", i)}},
			Provenance: d.Orgs[0].Provenance,
		})
	}
	if _, err := h.db.ReplaceDirectory(ctx, big, "bench"); err != nil {
		b.Fatal(err)
	}
	req := func() *bot.Request {
		return &bot.Request{Platform: bot.PlatformConsole, Actor: as(""), Channel: bot.Channel{DM: true}, Text: "contact 3gpp"}
	}
	if out := console.Render(h.router.Handle(ctx, req()).Messages); !strings.Contains(out, "Gonzalo") {
		b.Fatalf("unexpected answer: %s", out)
	}
	b.Run("exact", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			console.Render(h.router.Handle(ctx, req()).Messages)
		}
	})
	b.Run("typo", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			r := req()
			r.Text = "contact cablelab"
			console.Render(h.router.Handle(ctx, r).Messages)
		}
	})
	b.Run("lookup-only", func(b *testing.B) {
		b.ReportAllocs()
		d, _ := h.db.Directory(ctx)
		for b.Loop() {
			m := d.Matcher().Match("3gpp")
			_ = commands.ContactMessage(d, m.Org, fixedNow, "3gpp", false)
		}
	})
}

// A sub-body the directory does not list is its parent's: the answer says
// so and gives the parent's contacts. Datatracker spellings resolve.
func TestContact_SubBodiesAsTheDatatrackerWritesThem(t *testing.T) {
	h := newHarness(t)
	out := h.do(as(""), "contact ITU-T-SG-5")
	mustContain(t, out, "ITU-T SG5 is not in the directory: it is handled through ITU-T's liaison", "ITU Telecommunication Standardization Sector (ITU-T)")
	for q, want := range map[string]string{
		"3GPP-TSG-SA-WG3": "(3GPP SA3)", "3GPP-TSGCT-CT4": "(3GPP CT4)", "3GPP-TSG-SA": "(3GPP SA)", "3GPP TSG SA": "(3GPP SA)",
		"ITU-T-SG-15": "(ITU-T SG15)", "IEEE-802-1": "(IEEE 802.1)", "BROADBAND-FORUM": "(BBF)",
		"ITU-T SG15 Question 6": "(ITU-T SG15)", "ITU-T Study Group 15 (Q14/15)": "(ITU-T SG15)", "ITU-T-FG-IMT-2020": "(ITU-T)",
	} {
		out := h.do(as(""), "contact "+q)
		mustContain(t, out, want)
		if strings.Contains(out, "Several organizations") || strings.Contains(out, "Closest match") {
			t.Errorf("contact %s: not resolved by rule:\n%s", q, out)
		}
	}
}
