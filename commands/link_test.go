package commands

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/ietf-tools/liaisonbot/bot"
	"github.com/ietf-tools/liaisonbot/bot/slack"
	"github.com/ietf-tools/liaisonbot/bot/zulip"
	"github.com/ietf-tools/liaisonbot/storage"
	"github.com/ietf-tools/liaisonbot/storage/storagetest"
)

// Exported for the tests of package commands_test (admin_test.go), which
// register these on a router from New until New registers them itself.
var (
	ExportAdminCommand   = adminCommand
	ExportLinkCommand    = linkCommand
	ExportRunOrgsHistory = runOrgsHistory
)

// ParseUser reads "me" and platform:id itself, and hands anything else to
// the platform's own syntax (the adapter's req.ParseUser; slack and zulip
// test theirs), or, where there is none (the console), takes the user id.
func TestParseUser(t *testing.T) {
	slackish := func(s string) (bot.UserRef, error) {
		if s == "<@U0123ABC|jane.doe>" {
			return bot.UserRef{Platform: "slack", ID: "U0123ABC", Name: "jane.doe"}, nil
		}
		return bot.UserRef{}, bot.Errorf(bot.EINVALID, "“%s” is not a Slack user", s)
	}
	slack := &bot.Request{Platform: bot.PlatformSlack, ParseUser: slackish}
	console := &bot.Request{Platform: bot.PlatformConsole}
	tests := []struct {
		req     *bot.Request
		in      string
		want    ChatUserRef
		wantErr string
	}{
		{slack, "me", ChatUserRef{Me: true}, ""},
		{slack, "Myself", ChatUserRef{Me: true}, ""},
		{slack, "<@U0123ABC|jane.doe>", ChatUserRef{UserRef: bot.UserRef{Platform: "slack", ID: "U0123ABC", Name: "jane.doe"}}, ""},
		{slack, "@jane", ChatUserRef{}, "not a Slack user"},
		{slack, "slack:U9", ChatUserRef{UserRef: bot.UserRef{Platform: "slack", ID: "U9"}}, ""},
		{slack, "zulip:42", ChatUserRef{UserRef: bot.UserRef{Platform: "zulip", ID: "42"}}, ""},
		{console, "jane@example.org", ChatUserRef{UserRef: bot.UserRef{Platform: "console", ID: "jane@example.org"}}, ""},
		{console, "@local", ChatUserRef{UserRef: bot.UserRef{Platform: "console", ID: "local"}}, ""},
		{console, "zulip:42", ChatUserRef{UserRef: bot.UserRef{Platform: "zulip", ID: "42"}}, ""},
		{console, "jane doe", ChatUserRef{}, "not a user id"},
		{console, "", ChatUserRef{}, "Whom?"},
	}
	for _, tt := range tests {
		got, err := ParseUser(tt.req, tt.in)
		switch {
		case tt.wantErr != "":
			if err == nil || !strings.Contains(bot.ErrorMessage(err), tt.wantErr) {
				t.Errorf("%s %q: err %v, want %q", tt.req.Platform, tt.in, err, tt.wantErr)
			}
		case err != nil:
			t.Errorf("%s %q: %v", tt.req.Platform, tt.in, err)
		case !reflect.DeepEqual(got, tt.want):
			t.Errorf("%s %q: %+v, want %+v", tt.req.Platform, tt.in, got, tt.want)
		}
	}
}

func TestEmailArg(t *testing.T) {
	for in, want := range map[string]string{
		"jane@example.org":        "jane@example.org",
		"<jane@example.org>":      "jane@example.org",
		"mailto:jane@example.org": "jane@example.org",
		"MAILTO:jane@example.org": "jane@example.org",
		"mailto:":                 "",
		"mailto":                  "mailto",
		" <jane@example.org> ":    "jane@example.org",
	} {
		if got := emailArg(in); got != want {
			t.Errorf("emailArg(%q) = %q, want %q", in, got, want)
		}
	}
}

// linkRouter is a router on a fresh, seeded database, with link registered.
func linkRouter(t *testing.T) (*Router, *storage.DB) {
	t.Helper()
	db := storagetest.Open(t)
	r := New(db, nil)
	if r.Lookup("link") == nil {
		r.Register(linkCommand())
	}
	r.Admins["slack:UADMIN"] = true
	return r, db
}

func run(r *Router, platform string, a bot.Actor, line string) *bot.Response {
	a.Platform = platform
	req := &bot.Request{Platform: platform, Actor: a, Channel: bot.Channel{ID: "C1", Key: "C1"}, Text: line}
	switch platform { // the adapters' own syntax for users
	case bot.PlatformSlack:
		req.ParseUser = slack.ParseUser
	case bot.PlatformZulip:
		req.ParseUser = zulip.ParseUser
	}
	return r.Handle(context.Background(), req)
}

func text(resp *bot.Response) string {
	var b strings.Builder
	for _, m := range resp.Messages {
		for _, blk := range m.Blocks {
			if p, ok := blk.(bot.Paragraph); ok {
				for _, s := range p.Text {
					switch s.Kind {
					case bot.SpanPerson:
						b.WriteString(bot.PersonLine(*s.Person))
					case bot.SpanUser:
						b.WriteString("@" + s.Text)
					default:
						b.WriteString(s.Text)
					}
				}
				b.WriteString("\n")
			}
		}
	}
	return b.String()
}

func TestLink_AdminsLinkAnyone(t *testing.T) {
	r, db := linkRouter(t)
	ctx := context.Background()
	tests := []struct {
		platform, line, user string
	}{
		{bot.PlatformSlack, "link <@U0777|jane> jane@example.org", "Linked @U0777 to jane <jane@example.org>"},
		{bot.PlatformSlack, "link zulip:42 zed@example.org", "Linked zulip:42 to <zed@example.org>"},
	}
	for _, tt := range tests {
		resp := run(r, tt.platform, bot.Actor{UserID: "UADMIN", Name: "Admin"}, tt.line)
		if resp.Outcome != "" {
			t.Fatalf("%s: %s", tt.line, text(resp))
		}
		if !strings.Contains(text(resp), tt.user) {
			t.Errorf("%s: %s", tt.line, text(resp))
		}
	}
	p, err := db.PersonByChat(ctx, "slack", "U0777")
	if err != nil || p.Email != "jane@example.org" || p.Name != "jane" {
		t.Errorf("slack U0777: %+v, %v", p, err)
	}
	if p, err := db.PersonByChat(ctx, "zulip", "42"); err != nil || p.Email != "zed@example.org" {
		t.Errorf("zulip 42: %+v, %v", p, err)
	}
	d, _ := db.Directory(ctx)
	if got := d.LinkedPerson("slack", "U0777"); got == nil || got.Email != "jane@example.org" {
		t.Errorf("the directory does not know the link: %+v", got)
	}
}

func TestLink_UsersLinkThemselvesWithTheirPlatformEmail(t *testing.T) {
	r, db := linkRouter(t)
	ctx := context.Background()
	// Zulip reports the delivery email; nobody in the directory has it yet.
	me := bot.Actor{UserID: "42", Name: "Jane Doe", Email: "jane@example.org"}
	if resp := run(r, bot.PlatformZulip, me, "link me jane@example.org"); resp.Outcome != "" {
		t.Fatalf("link me: %s", text(resp))
	}
	if p, err := db.PersonByChat(ctx, "zulip", "42"); err != nil || p.Email != "jane@example.org" || p.Name != "Jane Doe" {
		t.Errorf("linked %+v, %v", p, err)
	}
	// Another address, or another user: refused, nothing linked.
	refusals := []struct {
		actor bot.Actor
		line  string
		want  string
	}{
		{bot.Actor{UserID: "43", Name: "Sam", Email: "sam@example.org"}, "link me other@example.org", "only to the address your chat platform reports for you (sam@example.org)"},
		{bot.Actor{UserID: "43", Name: "Sam", Email: "sam@example.org"}, "link @**Pat|44** sam@example.org", "Only an admin can link another user"},
		{bot.Actor{UserID: "45", Name: "Noemail"}, "link me noemail@example.org", "does not tell me your email"},
		{bot.Actor{UserID: "43", Name: "Sam", Email: "sam@example.org"}, "link me not-an-address", "not a valid email address"},
		{bot.Actor{UserID: "43", Name: "Sam", Email: "sam@example.org"}, "link sam@example.org", "Whom, and which email address?"},
	}
	for _, tt := range refusals {
		resp := run(r, bot.PlatformZulip, tt.actor, tt.line)
		if resp.Outcome == "" || !strings.Contains(text(resp), tt.want) {
			t.Errorf("%q: outcome %q, %s; want %q", tt.line, resp.Outcome, text(resp), tt.want)
		}
	}
	for _, id := range []string{"43", "44", "45"} {
		if _, err := db.PersonByChat(ctx, "zulip", id); bot.ErrorCode(err) != bot.ENOTFOUND {
			t.Errorf("zulip %s got linked: %v", id, err)
		}
	}
}

func TestLink_NamesTheRolesOfALinkedManager(t *testing.T) {
	r, _ := linkRouter(t)
	if r.Lookup("admin") == nil {
		r.Register(adminCommand(nil))
	}
	if resp := run(r, bot.PlatformSlack, bot.Actor{UserID: "UADMIN"}, "admin manager add 3GPP Jane Doe jane@example.org"); resp.Outcome != "" {
		t.Fatalf("admin: %s", text(resp))
	}
	resp := run(r, bot.PlatformSlack, bot.Actor{UserID: "UADMIN"}, "link <@U0777|jane> jane@example.org")
	if got := text(resp); !strings.Contains(got, "Linked @U0777 to Jane Doe <jane@example.org>") ||
		!strings.Contains(got, "IETF liaison manager for 3GPP") {
		t.Errorf("reply:\n%s", got)
	}
}

func TestLink_NamesEveryRoleAndSelfByID(t *testing.T) {
	r, db := linkRouter(t)
	if r.Lookup("admin") == nil {
		r.Register(adminCommand(nil))
	}
	for _, line := range []string{"admin manager add 3GPP Jane Doe jane@example.org", "admin contact set CableLabs Jane Doe jane@example.org",
		"admin coordinator add Jane Doe jane@example.org"} {
		if resp := run(r, bot.PlatformSlack, bot.Actor{UserID: "UADMIN"}, line); resp.Outcome != "" {
			t.Fatalf("%s: %s", line, text(resp))
		}
	}
	got := text(run(r, bot.PlatformSlack, bot.Actor{UserID: "UADMIN"}, "link slack:U0777 jane@example.org"))
	if !strings.Contains(got, "In the directory: IETF liaison manager for 3GPP; liaison contact of CableLabs; IAB liaison coordinator.") {
		t.Errorf("roles:\n%s", got)
	}
	// Only a contact: no manager part.
	run(r, bot.PlatformSlack, bot.Actor{UserID: "UADMIN"}, "admin contact set MEF Liaison Office liaison@mef.example")
	got = text(run(r, bot.PlatformSlack, bot.Actor{UserID: "UADMIN"}, "link slack:U0888 liaison@mef.example"))
	if !strings.Contains(got, "In the directory: liaison contact of MEF.") || strings.Contains(got, "manager") {
		t.Errorf("a contact's roles:\n%s", got)
	}
	// An admin linking their own id keeps their chat name.
	run(r, bot.PlatformSlack, bot.Actor{UserID: "UADMIN", Name: "Ada Admin"}, "link slack:UADMIN ada@example.org")
	if p, err := db.PersonByChat(context.Background(), "slack", "UADMIN"); err != nil || p.Name != "Ada Admin" {
		t.Errorf("self-link by id: %+v, %v", p, err)
	}
}
