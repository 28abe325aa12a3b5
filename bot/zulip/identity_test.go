package zulip

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
	"github.com/ietf-tools/liaisonbot/bot/zulip/zuliptest"
)

// lastRequest returns the last request the router got.
func (h *botHarness) lastRequest() bot.Request {
	h.t.Helper()
	reqs := h.requests()
	if len(reqs) == 0 {
		h.t.Fatal("the router got no request")
	}
	return reqs[len(reqs)-1]
}

// userLookups counts GET /users/{email} requests.
func (h *botHarness) userLookups() int {
	n := 0
	for _, r := range h.srv.Requests() {
		if r.Method == http.MethodGet && strings.HasPrefix(r.Path, "/api/v1/users/") && r.Path != "/api/v1/users/me" {
			n++
		}
	}
	return n
}

func TestIdentity_ActorCarriesTheRealEmailWhenVisible(t *testing.T) {
	h := newBotHarness(t)
	visible := h.srv.AddUser(zuliptest.User{FullName: "Alice Example", DeliveryEmail: "alice@example.com"}) // API email user10@…, a dummy
	hidden := h.srv.AddUser(zuliptest.User{FullName: "Bob Hidden", DeliveryEmail: "bob@example.com", EmailHidden: true})
	open := h.srv.AddUser(zuliptest.User{FullName: "Carol Open", Email: "carol@example.com"}) // visibility "everyone"
	h.start()

	tests := []struct {
		user zuliptest.User
		want string
	}{
		{visible, "alice@example.com"},
		{hidden, ""},
		{open, "carol@example.com"},
	}
	for _, tt := range tests {
		h.dm(tt.user, "version", 1)
		req := h.lastRequest()
		want := bot.Actor{Platform: bot.PlatformZulip, UserID: itoa(tt.user.ID), Name: tt.user.FullName, Email: tt.want}
		got := req.Actor
		got.Person, got.Admin = nil, false
		if got != want {
			t.Errorf("actor = %+v, want %+v", got, want)
		}
		if req.Platform != bot.PlatformZulip || !req.Channel.DM || req.Modal {
			t.Errorf("request = platform %q channel %+v modal %v", req.Platform, req.Channel, req.Modal)
		}
	}

	h.say(visible, "liaison", "a topic", "version", 1)
	req := h.lastRequest()
	wantCh := bot.Channel{ID: itoa(h.srv.AddChannel("liaison")), Name: "liaison", Topic: "a topic", Key: "liaison"}
	if req.Channel != wantCh || req.Text != "version" {
		t.Errorf("channel request = %+v %q, want %+v \"version\"", req.Channel, req.Text, wantCh)
	}
}

func TestIdentity_LookupsAreCachedForADayAcrossRestarts(t *testing.T) {
	h := newBotHarness(t)
	alice := h.srv.AddUser(zuliptest.User{FullName: "Alice Example", DeliveryEmail: "alice@example.com"})
	h.start()
	h.dm(alice, "version", 1)
	h.dm(alice, "version", 1)
	if n := h.userLookups(); n != 1 {
		t.Fatalf("%d user lookups for two messages, want 1", n)
	}
	h.restart() // the memory cache is gone; SQLite's is not
	h.dm(alice, "version", 1)
	if n := h.userLookups(); n != 1 {
		t.Fatalf("%d user lookups after a restart, want still 1", n)
	}
	h.advance(25 * time.Hour)
	h.dm(alice, "version", 1)
	if n := h.userLookups(); n != 2 {
		t.Fatalf("%d user lookups a day later, want 2", n)
	}
	if got := h.lastRequest().Actor.Email; got != "alice@example.com" {
		t.Errorf("email = %q", got)
	}
}

func TestIdentity_FailedLookupStillRunsTheCommand(t *testing.T) {
	h := newBotHarness(t)
	alice := h.srv.AddUser(zuliptest.User{FullName: "Alice Example", DeliveryEmail: "alice@example.com"})
	h.start()
	h.srv.WaitRegistrations(1)
	h.srv.FailNext("/api/v1/users/user10@zulip.example.org", 10, http.StatusInternalServerError)
	h.dm(alice, "version", 1)
	if got := h.lastRequest().Actor; got.Email != "" || got.Name != "Alice Example" {
		t.Errorf("actor = %+v, want Alice without an email", got)
	}
}

func TestIdentity_RouterLinksTheDirectoryPersonByEmail(t *testing.T) {
	h := newBotHarness(t)
	georg := h.srv.AddUser(zuliptest.User{FullName: "Georg Mayer", DeliveryEmail: "georg.mayer.huawei@gmx.com"})
	h.start()
	h.dm(georg, "version", 1)
	d, err := h.db.Directory(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	p := d.LinkedPerson(bot.PlatformZulip, itoa(georg.ID))
	if p == nil || !strings.EqualFold(p.Email, "georg.mayer.huawei@gmx.com") {
		t.Fatalf("linked person = %+v, want Georg Mayer", p)
	}
	// Linked, he is mentioned (silently: a reply pings nobody) rather than named.
	got := h.dm(georg, "contact 3gpp", 1)[0]
	if !strings.Contains(got.Content, "@_**Georg Mayer|"+itoa(georg.ID)+"**") {
		t.Errorf("no mention of Georg:\n%s", got.Content)
	}
}

func TestIdentity_UserIDByEmail(t *testing.T) {
	h := newBotHarness(t)
	alice := h.srv.AddUser(zuliptest.User{FullName: "Alice Example", DeliveryEmail: "alice@example.com"})
	h.srv.AddUser(zuliptest.User{FullName: "Bob Hidden", DeliveryEmail: "bob@example.com", EmailHidden: true})
	ctx := context.Background()
	id, err := h.a.UserIDByEmail(ctx, "alice@example.com")
	if err != nil || id != itoa(alice.ID) {
		t.Fatalf("alice: %q %v", id, err)
	}
	if _, err := h.a.UserIDByEmail(ctx, "ALICE@example.com"); err != nil {
		t.Fatal(err)
	}
	if n := h.userLookups(); n != 1 {
		t.Errorf("%d lookups, want 1 (the second from the cache)", n)
	}
	if _, err := h.a.UserIDByEmail(ctx, "bob@example.com"); bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Errorf("hidden email: err = %v, want ENOTFOUND", err)
	}
}

func TestIsDummyEmail(t *testing.T) {
	if !isDummyEmail("user123@zulip.example.org", 123) || !isDummyEmail("USER123@chat.example", 123) {
		t.Error("dummy not recognised")
	}
	if isDummyEmail("user123@zulip.example.org", 124) || isDummyEmail("jane@example.org", 123) || isDummyEmail("user123", 123) {
		t.Error("real email taken for a dummy")
	}
}

// Georg Mayer is in the bundled directory (a 3GPP contact).
const georgEmail = "georg.mayer.huawei@gmx.com"

func TestIdentity_DeactivatedAccountsAndBotsAreNeverLinked(t *testing.T) {
	h := newBotHarness(t)
	// A deactivated account whose message arrives (sent just before the
	// deactivation), with the real address visible, and one whose API
	// email is the address (visibility "everyone").
	gone := h.srv.AddUser(zuliptest.User{FullName: "Georg Mayer", DeliveryEmail: georgEmail, Deactivated: true})
	goneOpen := h.srv.AddUser(zuliptest.User{FullName: "Patrik Fältström", Email: "PAF@netnod.se", Deactivated: true})
	h.start()
	for _, u := range []zuliptest.User{gone, goneOpen} {
		h.dm(u, "contact 3gpp", 1)
		if got := h.lastRequest().Actor; got.Email != "" {
			t.Errorf("deactivated %d: actor email %q, want none", u.ID, got.Email)
		}
	}
	d, err := h.db.Directory(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []zuliptest.User{gone, goneOpen} {
		if p := d.LinkedPerson(bot.PlatformZulip, itoa(u.ID)); p != nil {
			t.Errorf("deactivated account %d linked to %s <%s>", u.ID, p.Name, p.Email)
		}
	}
	// After a restart, from the database's cache: still nobody's.
	h.restart()
	h.dm(gone, "version", 1)
	if got := h.lastRequest().Actor; got.Email != "" {
		t.Errorf("after a restart: actor email %q, want none", got.Email)
	}
}

func TestIdentity_UserIDByEmailFindsNoBotOrDeactivatedAccount(t *testing.T) {
	ctx := context.Background()
	for _, u := range []zuliptest.User{
		{FullName: "Georg Mayer", DeliveryEmail: georgEmail, Deactivated: true},
		{FullName: "Georg Mayer", Email: georgEmail, Deactivated: true},
		{FullName: "Georg's bot", Email: "georg-bot@zulip.example.org", DeliveryEmail: georgEmail, IsBot: true},
	} {
		h := newBotHarness(t)
		u = h.srv.AddUser(u)
		for range 2 { // from Zulip, then from the cache
			if id, err := h.a.UserIDByEmail(ctx, georgEmail); bot.ErrorCode(err) != bot.ENOTFOUND {
				t.Errorf("%+v: got %q, %v; want ENOTFOUND", u, id, err)
			}
		}
	}
}

// In the event queue a bot's message arrives too: when the lookup that
// would tell fails, the sender's address vouches for nothing.
func TestIdentity_FailedLookupVouchesForNoAddress(t *testing.T) {
	h := newBotHarness(t)
	open := h.srv.AddUser(zuliptest.User{FullName: "Georg Mayer", Email: georgEmail}) // visibility "everyone"
	h.start()
	h.srv.WaitRegistrations(1)
	h.srv.FailNext("/api/v1/users/"+georgEmail, 10, http.StatusInternalServerError)
	h.dm(open, "version", 1)
	if got := h.lastRequest().Actor; got.Email != "" {
		t.Errorf("actor email %q after a failed lookup, want none", got.Email)
	}
}
