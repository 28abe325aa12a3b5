package commands_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
	"github.com/ietf-tools/liaisonbot/bot/console"
	"github.com/ietf-tools/liaisonbot/commands"
)

// inSlackChannel runs a command line in a Slack channel, as a Slack user with
// email, and returns the response.
func (h *harness) inSlackChannel(userID, email, line string) *bot.Response {
	h.t.Helper()
	return h.router.Handle(context.Background(), &bot.Request{Platform: bot.PlatformSlack,
		Actor:   bot.Actor{Platform: bot.PlatformSlack, UserID: userID, Name: "Someone", Email: email},
		Channel: bot.Channel{ID: "C1", Key: "C1"}, Text: line})
}

// editOrg changes one organization of the stored directory.
func (h *harness) editOrg(acronym string, edit func(o *bot.Organization)) {
	h.t.Helper()
	_, err := h.db.ApplyDirectory(context.Background(), bot.DirectoryEdit{By: "test", Edit: func(d *bot.Directory) (*bot.Directory, error) {
		edit(d.OrgByAcronym(acronym))
		return d, nil
	}})
	if err != nil {
		h.t.Fatal(err)
	}
}

func TestAnswers_KeptUntilTheDirectoryChanges(t *testing.T) {
	h := newHarness(t)
	first := h.inSlackChannel("U1", "", "contact 3gpp")
	again := h.inSlackChannel("U2", "someone@example.org", "contact 3GPP")
	if len(first.Messages) != 1 || first.Messages[0].Memo == nil {
		t.Fatalf("contact 3gpp is not kept: %+v", first.Messages)
	}
	if again.Messages[0].Memo != first.Messages[0].Memo {
		t.Error("the same question made a new answer")
	}
	if first.Command != "contact" || again.Command != "contact" {
		t.Errorf("commands %q, %q", first.Command, again.Command)
	}
	// The kept answer is the answer made afresh.
	d, _ := h.db.Directory(context.Background())
	fresh := commands.ContactMessage(d, d.OrgByAcronym("3GPP"), fixedNow, "", false)
	if got, want := console.Render(first.Messages), console.Render([]bot.Message{fresh}); got != want {
		t.Errorf("kept answer\n%s\ndiffers from the fresh one\n%s", got, want)
	}

	orgs := h.inSlackChannel("U1", "", "orgs")
	h.editOrg("3GPP", func(o *bot.Organization) {
		o.Managers[0].Name = "Gonzalo Nuevo"
		o.Name = "Third Generation Partnership Project"
	})
	after := h.inSlackChannel("U1", "", "contact 3gpp")
	mustContain(t, console.Render(after.Messages), "Gonzalo Nuevo", "Third Generation Partnership Project (3GPP)")
	if after.Messages[0].Memo == first.Messages[0].Memo {
		t.Error("the answer from the old directory was kept")
	}
	orgsAfter := console.Render(h.inSlackChannel("U1", "", "orgs").Messages)
	mustContain(t, orgsAfter, "Third Generation Partnership Project", "Gonzalo Nuevo")
	if console.Render(orgs.Messages) == orgsAfter {
		t.Error("orgs did not follow the directory")
	}
	// An organization added by hand is found at once.
	_, err := h.db.ApplyDirectory(context.Background(), bot.DirectoryEdit{By: "test", Edit: func(d *bot.Directory) (*bot.Directory, error) {
		d.Orgs = append(d.Orgs, &bot.Organization{Acronym: "ACME", Name: "Acme Standards Organization", Relationship: bot.RelInformal})
		return d, nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, console.Render(h.inSlackChannel("U1", "", "contact acme").Messages), "Acme Standards Organization (ACME)")
	mustContain(t, console.Render(h.inSlackChannel("U1", "", "orgs").Messages), "ACME — Acme Standards Organization")
}

func TestAnswers_AgesFollowTheClock(t *testing.T) {
	h := newHarness(t)
	h.editOrg("3GPP", func(o *bot.Organization) { o.AsOf = fixedNow.Add(-2 * time.Hour) })
	mustContain(t, console.Render(h.inSlackChannel("U1", "", "contact 3gpp").Messages), "as of 2026-11-26 (today)")
	h.now = fixedNow.Add(22*time.Hour - time.Second) // a day less a second since the date
	mustContain(t, console.Render(h.inSlackChannel("U1", "", "contact 3gpp").Messages), "as of 2026-11-26 (today)")
	h.now = fixedNow.Add(22 * time.Hour)
	mustContain(t, console.Render(h.inSlackChannel("U1", "", "contact 3gpp").Messages), "as of 2026-11-26 (yesterday)")
	h.now = fixedNow.Add(3 * 24 * time.Hour)
	mustContain(t, console.Render(h.inSlackChannel("U1", "", "contact 3gpp").Messages), "(3 days ago)")
	// A clock set back is not answered from the future.
	h.now = fixedNow
	mustContain(t, console.Render(h.inSlackChannel("U1", "", "contact 3gpp").Messages), "as of 2026-11-26 (today)")
}

func TestAnswers_FuzzyAndUnknownAreNotKept(t *testing.T) {
	h := newHarness(t)
	for _, line := range []string{"contact 3gp", "contact cablelab", "contact nosuchbody", "orgs history 3GPP"} {
		resp := h.inSlackChannel("U1", "", line)
		for _, m := range resp.Messages {
			if m.Memo != nil {
				t.Errorf("%q: a kept answer (it echoes the question or reads the history)", line)
			}
		}
	}
	mustContain(t, console.Render(h.inSlackChannel("U1", "", "contact 3gp").Messages), "Closest match to “3gp”")
}

func TestAnswers_HelpFollowsTheCommands(t *testing.T) {
	h := newHarness(t)
	mustContain(t, console.Render(h.inSlackChannel("U1", "", "help").Messages), "contact <organization>")
	if h.inSlackChannel("U1", "", "help").Messages[0].Memo == nil || h.inSlackChannel("U1", "", "help contact").Messages[0].Memo == nil {
		t.Error("help is not kept")
	}
	h.router.Register(&commands.Definition{Name: "frobnicate", Usage: "frobnicate", Summary: "frobnicates",
		Run: func(context.Context, *commands.Call) (*bot.Response, error) { return &bot.Response{}, nil }})
	mustContain(t, console.Render(h.inSlackChannel("U1", "", "help").Messages), "frobnicate — frobnicates")
	mustContain(t, console.Render(h.inSlackChannel("U1", "", "help frobnicate").Messages), "frobnicates")
	if out := console.Render(h.inSlackChannel("U1", "", "help nosuch").Messages); !strings.Contains(out, "I don't know the command") {
		t.Errorf("help nosuch: %s", out)
	}
}

func TestQuick_OnlyWhatIsAnsweredFromMemory(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	d, _ := h.db.Directory(ctx)
	var manager string // a directory person's email
	for _, o := range d.Orgs {
		for _, p := range append(o.Managers, o.Contacts...) {
			if manager == "" && p.Email != "" && d.PersonWithEmail(p.Email) != nil {
				manager = p.Email
			}
		}
	}
	if manager == "" {
		t.Fatal("nobody with an email in the bundled directory")
	}
	channel := bot.Channel{ID: "C1", Key: "C1"}
	req := func(line string, mod ...func(r *bot.Request)) *bot.Request {
		r := &bot.Request{Platform: bot.PlatformSlack, Actor: bot.Actor{Platform: bot.PlatformSlack, UserID: "U1"}, Channel: channel, Text: line}
		for _, m := range mod {
			m(r)
		}
		return r
	}
	dm := func(r *bot.Request) { r.Channel = bot.Channel{DM: true} }
	console := func(r *bot.Request) { r.Platform = bot.PlatformConsole }
	stranger := func(r *bot.Request) { r.Actor.Email = "stranger@example.org" }
	// A directory person's first command ties them to their person: a write.
	unlinkedManager := func(r *bot.Request) { r.Actor.Email = manager }
	submit := func(r *bot.Request) { r.Submit = &bot.FormSubmission{} }
	for _, tc := range []struct {
		r    *bot.Request
		want bool
	}{
		{req("contact 3gpp"), true},
		{req("/liaison contact cablelab"), true},
		{req("who ITU-T"), true},
		{req("orgs"), true},
		{req("help"), true},
		{req(""), true},
		{req("help submit"), true},
		{req("contact 3gpp", stranger), true},
		{req("orgs history"), false},
		{req("orgs history 3GPP"), false},
		{req("list open"), false},
		{req("search foo"), false},
		{req("show LS-1"), false},
		{req("submit"), false},
		{req("approve LS-1"), false},
		{req("nosuch"), false},
		{req("contact 3gpp", dm), false},
		{req("contact 3gpp", console), false},
		{req("contact 3gpp", submit), false},
		{req("contact 3gpp", unlinkedManager), false},
		{req(strings.Repeat("x", commands.MaxCommandLength+1)), false},
	} {
		if got := h.router.Quick(ctx, tc.r); got != tc.want {
			t.Errorf("Quick(%.40q, platform %s, dm %t, email %q) = %t, want %t", tc.r.Text, tc.r.Platform, tc.r.Channel.DM, tc.r.Actor.Email, got, tc.want)
		}
	}
	// Once tied, the manager's commands are quick too.
	r := req("contact 3gpp", unlinkedManager)
	h.router.Handle(ctx, r)
	if r.Actor.Person == nil {
		t.Fatal("the manager was not tied to their person")
	}
	if !h.router.Quick(ctx, req("contact 3gpp", unlinkedManager)) {
		t.Error("a linked manager's contact is not quick")
	}
}
