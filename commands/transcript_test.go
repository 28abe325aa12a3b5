package commands_test

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ietf-tools/liaisonbot/bot"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestTranscript_AnswersAsTheyRead runs a session through the router on
// the bundled directory (with a titled manager and an approver added) and
// compares every answer, as the console renders it, with
// testdata/transcript.txt (go test ./commands -update rewrites it; review
// the diff).
func TestTranscript_AnswersAsTheyRead(t *testing.T) {
	h := newHarness(t)
	if _, err := h.db.ApplyDirectory(context.Background(), bot.DirectoryEdit{By: "test", Edit: func(d *bot.Directory) (*bot.Directory, error) {
		o := d.OrgByAcronym("3GPP")
		o.Managers = append(o.Managers, bot.Person{Name: "Åsa Lindqvist", Email: "asa.lindqvist@example.org", Title: "CT chair", Provenance: o.Provenance})
		o.Approvers = []bot.Person{{Name: "Benoît Claise", Email: "benoit.claise@example.org", Provenance: o.Provenance}}
		return d, nil
	}}); err != nil {
		t.Fatal(err)
	}
	asa := as("asa.lindqvist@example.org")
	script := []step{
		{admin, "contact 3gpp"},
		{admin, "contact 3GPP SA2"},
		{admin, "contact ieee 802.1"},
		{admin, "contact icann rzerc"},
		{admin, "contact sg1"}, {admin, "contact ITU-T-SG-5"},
		{admin, "contact Acme Standards Body"},
		{admin, "contact"},
		{admin, `submit to=3GPP from=opsawg purpose=action deadline=2027-01-15 title="LS on YANG models for 5G transport" body="Please review the attached models." response-contact=benoit.claise@example.org`},
		{asa, "show LS-1"},
		{asa, "approve LS-1 fine by the IAB"},
		{asa, "post LS-1"},
		{admin, "list open"},
		{admin, "search yang"},
		{admin, "nudge LS-1 the plenary is next week"},
		{as("nobody@example.org"), "nudge LS-1 again"},
		{asa, "snooze LS-1 7"},
		{asa, "snooze LS-1 0"},
		{asa, "taken LS-1 answered"},
		{admin, "admin org rename 3GPP 3GPP-X Third Generation Partnership Project"},
		{admin, "admin org rename 3GPP-X 3GPP-X"},
		{admin, "admin manager add 3GPP-X Kim Lee kim.lee@example.org"},
		{admin, "admin org remove 3GPP SA2"},
		{admin, "admin coordinator add Pat Example"},
		{admin, "admin coordinator remove"},
		{admin, "admin contact remove 3GPP-X 3GPPLiaison@etsi.org"},
		{admin, "admin sync dry-run"},
		{admin, "orgs history 3GPP-X"},
		{admin, "orgs history 3GPP-X page 100000"},
		{admin, "orgs history 3GPP-X page 100001"},
		{admin, "orgs history 3GPP-X page 0"},
		{admin, "show LS-99"},
		{admin, "show"},
		{admin, "search"},
		{admin, "search yang page 2"},
		{admin, "kill LS-1"},
		{admin, "approve LS-1"},
		{admin, "version"},
		{admin, "reply LS-1"},
		{admin, "cancel"},
	}
	checkTranscript(t, h, "transcript.txt", script)
	// The whole history, paged (the seed's entries carry the real time of
	// the seeding, so this one is not in the golden file).
	mustContain(t, h.do(admin, "orgs history page 2"), "Directory history (page 2)", "bundled directory: added: ", "Next: orgs history page 3")
}

type step = struct {
	who  bot.Actor
	line string
}

// checkTranscript runs the script and compares the answers with
// testdata/name.
func checkTranscript(t *testing.T, h *harness, name string, script []step) {
	t.Helper()
	var b strings.Builder
	for _, s := range script {
		b.WriteString("> " + s.line + "   (" + s.who.Key() + ")\n")
		b.WriteString(h.do(s.who, s.line))
		b.WriteString("\n")
	}
	golden := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (go test ./commands -update writes it)", err)
	}
	if b.String() != string(want) {
		t.Errorf("the transcript differs from %s (go test ./commands -update rewrites it):\n%s", golden, b.String())
	}
}

// TestTranscript_TheFormAndHelp walks the statement form on the console
// (wrong answers, a choice, back, keep, skip, the summary) and asks for
// help, compared with testdata/form.txt.
func TestTranscript_TheFormAndHelp(t *testing.T) {
	h := newHarness(t)
	jo := as("jo.example@example.org")
	var script []step
	for _, line := range []string{
		"submit", "sideways", "outgoing", "sg1", "2", "back", "keep", "opsawg",
		"Réponse: YANG models for optical transport\u00a0networks", "action", "2026-11-25", "2027-01-15",
		"Please review the attached models.\nThanks.", "ftp://example.org/x.zip", "https://www.ietf.org/x.pdf",
		"Benoît Claise <benoit@example.org>", "benoit@example.org", "skip", "skip", "skip", "skip", "no",
		"cancel",
		"help", "help post", "help admin", "help nosuch", "hepl",
	} {
		script = append(script, step{jo, line})
	}
	checkTranscript(t, h, "form.txt", script)
}
