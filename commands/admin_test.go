package commands_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/ietf-tools/liaisonbot/bot"
	"github.com/ietf-tools/liaisonbot/bot/console"
	"github.com/ietf-tools/liaisonbot/commands"
	"github.com/ietf-tools/liaisonbot/storage/dirfile"
)

func renderResp(r *bot.Response) string { return console.Render(r.Messages) }

// The admin commands are platform-neutral: these tests run them through the
// console renderer as console users, and TestAdmin_SamePlatformNeutral
// repeats the essentials as Slack and Zulip users. A platform harness can
// reuse them by replacing do().

// adminHarness is the commands harness (admin, link and "orgs history"
// are registered by commands.New).
func adminHarness(t *testing.T) *harness {
	t.Helper()
	return newHarness(t)
}

// history runs "orgs history …".
func (h *harness) history(a bot.Actor, args string) string {
	h.t.Helper()
	return h.do(a, "orgs history "+args)
}

// export is the directory as its file: what an edit changes (chat links,
// which the first command of a user with a directory email makes, are not
// in it).
func (h *harness) export() string {
	h.t.Helper()
	d, err := h.db.Directory(context.Background())
	if err != nil {
		h.t.Fatal(err)
	}
	b, err := dirfile.Format(d)
	if err != nil {
		h.t.Fatal(err)
	}
	return string(b)
}

func (h *harness) org(acronym string) *bot.Organization {
	h.t.Helper()
	d, err := h.db.Directory(context.Background())
	if err != nil {
		h.t.Fatal(err)
	}
	return d.OrgByAcronym(acronym)
}

var admin = as("") // the console's local user, an admin

// mustChange runs an admin command that must work.
func (h *harness) mustChange(a bot.Actor, line string) string {
	h.t.Helper()
	before := h.export()
	resp := h.resp(a, line)
	out := renderResp(resp)
	if resp.Outcome != "" || h.export() == before {
		h.t.Fatalf("%q: outcome %q, directory changed %v:\n%s", line, resp.Outcome, h.export() != before, out)
	}
	return out
}

// mustRefuse runs a command that must change nothing and answer with want.
func (h *harness) mustRefuse(a bot.Actor, line, outcome string, wants ...string) string {
	h.t.Helper()
	before := h.export()
	resp := h.resp(a, line)
	out := renderResp(resp)
	if resp.Outcome != outcome || h.export() != before {
		h.t.Errorf("%q: outcome %q (want %q), directory changed %v:\n%s", line, resp.Outcome, outcome, h.export() != before, out)
	}
	mustContain(h.t, out, wants...)
	return out
}

func TestAdmin_OnlyAdminsAndCoordinatorsEdit(t *testing.T) {
	h := adminHarness(t)
	// Nobody, and a liaison manager who is not a coordinator, are told who can.
	h.mustChange(admin, "admin manager add 3GPP Jane Doe jane@example.org")
	for _, who := range []string{"nobody@example.org", "jane@example.org"} {
		h.mustRefuse(as(who), "admin org add ACME Acme Standards", bot.EFORBIDDEN,
			"Only the IAB liaison coordinators (Suresh Krishnan, Warren Kumari, Yingzhen Qu, Yaroslav Rosomakho) or an admin can change the directory",
			"liaison-coordination@iab.org")
	}
	h.mustRefuse(bot.Actor{Platform: bot.PlatformConsole, UserID: "anon", Name: "anon"}, "admin sync", bot.EFORBIDDEN,
		"“link me <your email>”")
	// A coordinator may.
	h.mustChange(admin, "admin coordinator add Pat Example pat@example.org")
	out := h.mustChange(as("pat@example.org"), "admin org add ACME Acme Standards")
	mustContain(t, out, "Added Acme Standards (ACME) to the directory.")
	if o := h.org("ACME"); o == nil || o.By != "Pat Example" || o.Source != commands.SourceAdmin || !o.AsOf.Equal(fixedNow) {
		t.Errorf("ACME: %+v", o)
	}
	// "admin" alone explains itself to anyone.
	mustContain(t, h.do(as("nobody@example.org"), "admin"), "admin org add|rename|remove|alias")
}

func TestAdmin_Organizations(t *testing.T) {
	h := adminHarness(t)
	h.mustChange(admin, "admin org add ACME Acme Standards Organization")
	h.mustChange(admin, `admin org add "ACME Sub" Acme Subcommittee`)
	h.mustChange(admin, "admin org alias ACME Acme Standards, ASO")
	o := h.org("ACME")
	if o == nil || strings.Join(o.Aliases, "|") != "Acme Standards|ASO" {
		t.Fatalf("ACME: %+v", o)
	}
	mustContain(t, h.do(admin, "contact aso"), "Acme Standards Organization (ACME)", "from admin, edited by local user, as of 2026-11-26 (today)")

	// A sub-organization follows its parent's rename.
	if _, err := h.db.ApplyDirectory(context.Background(), bot.DirectoryEdit{By: "test", Edit: func(d *bot.Directory) (*bot.Directory, error) {
		d.OrgByAcronym("ACME Sub").Parent = "ACME"
		return d, nil
	}}); err != nil {
		t.Fatal(err)
	}
	out := h.mustChange(admin, "admin org rename ACME ACME-SO Acme Standards Organisation")
	mustContain(t, out, "Renamed ACME to ACME-SO.", `ACME-SO: acronym "ACME" → "ACME-SO"`, "ACME-SO: alias added: ACME")
	n := h.org("ACME-SO")
	if n == nil || n.ID != o.ID || n.Name != "Acme Standards Organisation" || h.org("ACME Sub").Parent != "ACME-SO" {
		t.Fatalf("after the rename: %+v", n)
	}
	mustContain(t, h.do(admin, "contact acme"), "ACME-SO") // the old acronym still finds it

	out = h.mustChange(admin, `admin org remove "ACME Sub"`)
	mustContain(t, out, "Removed Acme Subcommittee (ACME Sub) from the directory")
	if h.org("ACME Sub") != nil {
		t.Errorf("ACME Sub is still there")
	}
	// A Datatracker group comes back with the next sync: the reply says so.
	out = h.mustChange(admin, "admin org remove CableLabs")
	mustContain(t, out, "the next directory sync adds it back")
}

func TestAdmin_ManagersContactsCoordinators(t *testing.T) {
	h := adminHarness(t)
	out := h.mustChange(admin, "admin manager add 3GPP Jane Q. Doe <jane@example.org>")
	mustContain(t, out, "Added Jane Q. Doe <jane@example.org> as a manager of 3GPP.", "3GPP: manager added: Jane Q. Doe <jane@example.org>",
		"when the Datatracker lists liaison managers for it, the directory sync replaces these")
	// A multi-word organization without quotes.
	h.mustChange(admin, "admin manager add 3GPP CT Kim Lee kim@example.org")
	// A manager makes a relationship formal: an organization added by hand
	// routes to its new manager, not to the coordinators.
	h.mustChange(admin, "admin org add ACME Acme Standards Organization")
	h.mustChange(admin, "admin manager add ACME Ann Acme ann@example.org")
	mustContain(t, h.do(admin, "contact acme"), "formal liaison relationship", "Sending to ACME (outgoing): contact Ann Acme <ann@example.org>")
	if m := h.org("3GPP CT").Managers; len(m) != 1 || m[0].Name != "Kim Lee" {
		t.Errorf("3GPP CT managers %+v", m)
	}
	c := h.do(admin, "contact 3gpp")
	mustContain(t, c, "Jane Q. Doe <jane@example.org>", "Jane Q. Doe: from admin, edited by local user, as of 2026-11-26 (today).")

	h.mustChange(admin, "admin manager remove 3GPP Jane Q. Doe jane@example.org")
	if strings.Contains(h.do(admin, "contact 3gpp"), "jane@example.org") {
		t.Errorf("Jane is still a manager")
	}
	h.mustChange(admin, "admin manager remove 3GPP Gonzalo Camarillo") // no email on record: by name

	out = h.mustChange(admin, "admin contact set CableLabs Liaison Office liaison@cablelabs.example")
	mustContain(t, out, "CableLabs's contact is now Liaison Office <liaison@cablelabs.example>.")
	if ct := h.org("CableLabs").Contacts; len(ct) != 1 || ct[0].Email != "liaison@cablelabs.example" || ct[0].By != "local user" {
		t.Errorf("contacts %+v", ct)
	}
	mustContain(t, h.do(admin, "contact cablelabs"), "CableLabs's liaison contact: Liaison Office <liaison@cablelabs.example>")
	h.mustChange(admin, "admin contact remove CableLabs liaison@cablelabs.example")

	h.mustChange(admin, "admin coordinator add Pat Example pat@example.org")
	d, _ := h.db.Directory(context.Background())
	if !d.IsCoordinator("pat@example.org") {
		t.Errorf("Pat is not a coordinator")
	}
	h.mustChange(admin, "admin coordinator remove pat@example.org")
	d, _ = h.db.Directory(context.Background())
	if d.IsCoordinator("pat@example.org") {
		t.Errorf("Pat is still a coordinator")
	}
}

func TestAdmin_BadInputChangesNothing(t *testing.T) {
	h := adminHarness(t)
	h.mustChange(admin, "admin manager add 3GPP Jane Doe jane@example.org")
	h.mustChange(admin, "admin coordinator add Pat Example pat@example.org")
	tests := []struct {
		line, outcome string
		wants         []string
	}{
		{"admin manager add 3gp Jane Doe jane@example.org", bot.ENOTFOUND,
			[]string{"No organization is called exactly “3gp”, so nothing was changed. Did you mean:", "Next: admin manager add 3GPP Jane Doe jane@example.org"}},
		{"admin manager add zzzqqq Jane Doe jane@example.org", bot.ENOTFOUND, []string{"No organization in the directory is called “zzzqqq”; nothing was changed."}},
		{"admin manager add 3GPP Jane Doe jane@", bot.EINVALID, []string{"“jane@” is not a valid email address; nothing was changed."}},
		{"admin manager add 3GPP Jane Doe", bot.EINVALID, []string{"“Jane Doe” does not end with an email address"}},
		{"admin manager add 3GPP jane@example.org", bot.EINVALID, []string{"jane@example.org is already a manager of 3GPP"}},
		{"admin manager remove 3GPP Nobody nobody@example.org", bot.ENOTFOUND, []string{"is not a manager of 3GPP (on record: Gonzalo Camarillo, Jane Doe <jane@example.org>)"}},
		{"admin manager add", bot.EINVALID, []string{"Usage: admin manager add|remove <org> <name> <email>"}},
		{"admin contact set 3GPP Someone someone@bad", bot.EINVALID, []string{"“someone@bad” is not a valid email address"}},
		{"admin org add 3gpp Another", bot.ECONFLICT, []string{"“3gpp” already names 3rd Generation Partnership Project (3GPP); nothing was changed."}},
		{"admin org add !!!", bot.EINVALID, []string{"The acronym needs letters or digits"}},
		{"admin org rename 3GPP CableLabs", bot.ECONFLICT, []string{"already names Cable Television Laboratories (CableLabs)"}},
		{"admin org rename 3GPP", bot.EINVALID, []string{"Usage: admin org rename <org> <new acronym> [new name…]"}},
		{"admin org alias 3GPP CableLabs", bot.ECONFLICT, []string{"already names"}},
		{"admin org alias 3GPP Third Generation Partnership Project", bot.EINVALID, []string{"3GPP already answers to"}},
		{"admin org remove zzzqqq", bot.ENOTFOUND, []string{"No organization in the directory is called “zzzqqq”"}},
		{"admin org frobnicate", bot.EINVALID, []string{"Usage: admin org add|rename|remove|alias"}},
		{"admin coordinator add Pat Example pat@example.org", bot.EINVALID, []string{"pat@example.org is already an IAB liaison coordinator"}},
		{"admin coordinator remove nobody@example.org", bot.ENOTFOUND, []string{"is not an IAB liaison coordinator"}},
		{"admin frobnicate", bot.EINVALID, []string{"Usage: admin org add|rename|remove|alias"}},
		{"admin sync", bot.EINVALID, []string{"The Datatracker sync is not set up in this bot"}},
		{"admin sync now please", bot.EINVALID, []string{"Usage: admin sync [dry-run]"}},
	}
	for _, tt := range tests {
		h.mustRefuse(admin, tt.line, tt.outcome, tt.wants...)
	}
}

// fakeSyncer is a DirectorySyncer with a canned answer.
type fakeSyncer struct {
	diff  *bot.DirectoryDiff
	err   error
	calls []bool
}

func (f *fakeSyncer) SyncDirectory(ctx context.Context, dryRun bool) (*bot.DirectoryDiff, error) {
	f.calls = append(f.calls, dryRun)
	return f.diff, f.err
}

func TestAdmin_Sync(t *testing.T) {
	h := newHarness(t)
	h.router.Logger = slog.New(slog.DiscardHandler)
	fake := &fakeSyncer{diff: &bot.DirectoryDiff{Added: []string{"DMTF"}, Changed: []string{"BBF: manager added: Robin <robin@example.org>"}}}
	// Registered under its own name, whatever New registers as "admin".
	def := *commands.ExportAdminCommand(fake)
	def.Name, def.Aliases = "admin-with-sync", nil
	h.router.Register(&def)

	out := h.do(admin, "admin-with-sync sync")
	mustContain(t, out, "Synced the directory with the Datatracker: 1 added, 1 changed, 0 removed.", "added: DMTF", "BBF: manager added: Robin <robin@example.org>")
	out = h.do(admin, "admin-with-sync sync dry-run")
	mustContain(t, out, "Dry run, nothing was changed.")
	if fmt.Sprint(fake.calls) != "[false true]" {
		t.Errorf("calls %v, want a sync then a dry run", fake.calls)
	}
	fake.err = errors.New("datatracker: decode error for http://x/: boom")
	resp := h.resp(admin, "admin-with-sync sync")
	if out := renderResp(resp); resp.Outcome != bot.EINTERNAL || !strings.Contains(out, "The Datatracker sync failed and nothing was changed") || strings.Contains(out, "boom") {
		t.Errorf("a failed sync: outcome %q:\n%s", resp.Outcome, out)
	}
	h.mustRefuse(as("nobody@example.org"), "admin-with-sync sync", bot.EFORBIDDEN, "Only the IAB liaison coordinators")
	if len(fake.calls) != 3 {
		t.Errorf("someone who may not edit ran a sync")
	}

	// A router wired to a syncer that is not there (yet).
	none := *commands.ExportAdminCommand(commands.SyncerFunc(func(context.Context, bool) (*bot.DirectoryDiff, error) {
		return nil, commands.ErrNoSyncer
	}))
	none.Name, none.Aliases = "admin-without-sync", nil
	h.router.Register(&none)
	h.mustRefuse(admin, "admin-without-sync sync", bot.EINVALID, "The Datatracker sync is not set up in this bot")
}

func TestOrgsHistory(t *testing.T) {
	h := adminHarness(t)
	h.mustChange(admin, "admin org add ACME Acme Standards")
	h.now = h.now.Add(90 * 60e9)
	h.mustChange(as(""), "admin manager add ACME Jane Doe jane@example.org")
	h.now = h.now.Add(60e9)
	h.mustChange(admin, "admin org rename ACME ACME-SO")

	out := h.history(as("nobody@example.org"), "acme-so") // anyone may read it
	mustContain(t, out, "Directory history of ACME-SO",
		`2026-11-26 11:31 UTC — local user (console:local): ACME-SO: acronym "ACME" → "ACME-SO"`,
		"2026-11-26 11:30 UTC — local user (console:local): ACME: manager added: Jane Doe <jane@example.org>",
		"2026-11-26 10:00 UTC — local user (console:local): added: Acme Standards (ACME)", "Newest first.")
	if i, j := strings.Index(out, "acronym"), strings.Index(out, "added: Acme"); i < 0 || j < i {
		t.Errorf("not newest first:\n%s", out)
	}
	mustContain(t, h.history(admin, ""), "Directory history", "ACME-SO: alias added: ACME", "added: ")

	// Paging.
	for i := range commands.HistoryPageSize {
		h.mustChange(admin, fmt.Sprintf("admin org alias ACME-SO Alias Number %d", i))
	}
	page1 := h.history(admin, "ACME-SO")
	mustContain(t, page1, "Alias Number 19", "Next: orgs history ACME-SO page 2")
	if strings.Contains(page1, "manager added") {
		t.Errorf("page 1 holds more than a page:\n%s", page1)
	}
	page2 := h.history(admin, "ACME-SO page 2")
	mustContain(t, page2, "(page 2)", "manager added: Jane Doe", "added: Acme Standards (ACME)")
	if strings.Contains(page2, "Alias Number 19") || strings.Contains(page2, "page 3") {
		t.Errorf("page 2:\n%s", page2)
	}

	// A removed organization's history is still there, by its acronym.
	h.mustChange(admin, "admin org remove ACME-SO")
	mustContain(t, h.history(admin, "ACME-SO"), "removed: Acme Standards (ACME-SO)")
	resp := h.resp(admin, "orgs history zzzqqq")
	if resp.Outcome != bot.ENOTFOUND {
		t.Errorf("unknown organization: outcome %q", resp.Outcome)
	}
	if resp := h.resp(admin, "orgs history 3GPP page x"); resp.Outcome != bot.EINVALID {
		t.Errorf("bad page: outcome %q", resp.Outcome)
	}
}

func TestAdmin_SamePlatformNeutral(t *testing.T) {
	h := adminHarness(t)
	h.router.Admins["slack:UADMIN"] = true
	slackAdmin := bot.Actor{Platform: bot.PlatformSlack, UserID: "UADMIN", Name: "Ada Admin"}
	resp := h.router.Handle(context.Background(), &bot.Request{Platform: bot.PlatformSlack, Actor: slackAdmin,
		// The address as the Slack adapter hands it on (it turns Slack's
		// <mailto:…|…> links into addresses: its TestCommandText_UndoesSlackFormatting).
		Channel: bot.Channel{ID: "C1", Key: "C1"}, Text: "admin manager add 3GPP Jane Doe jane@example.org"})
	if resp.Outcome != "" {
		t.Fatalf("slack admin: %s", renderResp(resp))
	}
	if m := h.org("3GPP").Managers; m[len(m)-1].Email != "jane@example.org" || m[len(m)-1].By != "Ada Admin" {
		t.Errorf("managers %+v", m)
	}
	mustContain(t, h.history(admin, "3GPP"), "Ada Admin (slack:UADMIN): 3GPP: manager added: Jane Doe <jane@example.org>")
	zulipUser := bot.Actor{Platform: bot.PlatformZulip, UserID: "42", Name: "Zed", Email: "zed@example.org"}
	resp = h.router.Handle(context.Background(), &bot.Request{Platform: bot.PlatformZulip, Actor: zulipUser,
		Channel: bot.Channel{Name: "liaison"}, Text: "admin manager remove 3GPP jane@example.org"})
	if resp.Outcome != bot.EFORBIDDEN {
		t.Errorf("zulip non-admin: outcome %q", resp.Outcome)
	}
}

func TestSubmit_IETFGroupCheckedAgainstTheDatatrackersGroups(t *testing.T) {
	h := newHarness(t)
	sub := `submit from=%s to=3GPP purpose=info title="T" body=x`
	// Before any directory sync: any acronym of the right shape.
	mustContain(t, h.do(as(""), fmt.Sprintf(sub, "nosuchwg")), "Submitted LS-1")
	if err := h.db.SetSyncState(context.Background(), bot.SyncKeyIETFGroups, `["ccamp","opsawg","ops"]`); err != nil {
		t.Fatal(err)
	}
	out := h.do(as(""), fmt.Sprintf(sub, "nosuchwg"))
	mustContain(t, out, "“nosuchwg” is not an IETF group the Datatracker lists")
	h.do(as(""), "cancel")
	mustContain(t, h.do(as(""), fmt.Sprintf(sub, "opsawg")), "Submitted LS-2")
	mustContain(t, h.do(as(""), fmt.Sprintf(sub, "IAB")), "Submitted LS-3")
}
