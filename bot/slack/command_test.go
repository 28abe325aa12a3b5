package slack

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
)

func TestSlash_SlowCommandAcksAtOnceAndAnswersThroughResponseURL(t *testing.T) {
	release := make(chan struct{})
	ctxErr := make(chan error, 1)
	e := newTestEnv(t, func(cfg *Config) {
		cfg.CommandBudget = 10 * time.Millisecond
		cfg.Handler = bot.HandlerFunc(func(ctx context.Context, req *bot.Request) *bot.Response {
			<-release // slower than the budget, whatever the machine
			ctxErr <- ctx.Err()
			return &bot.Response{Messages: []bot.Message{bot.Say(bot.Plain("slow answer"))}}
		})
	})
	body := slashForm("USUB", "C1", "contact 3gpp", e.fake.ResponseURL("slow")).Encode()
	reqCtx, cancel := context.WithCancel(context.Background())
	req := httptest.NewRequest(http.MethodPost, "/slack/commands", strings.NewReader(body)).WithContext(reqCtx)
	req.Header.Set("Content-Type", formType)
	sign(req.Header, testSecret, body, time.Now())
	w := httptest.NewRecorder()
	e.mux.ServeHTTP(w, req)
	cancel() // the request is over: work after it must not depend on it
	if w.Code != 200 || w.Body.Len() != 0 {
		t.Fatalf("slow command answered %d %q, want an empty 200", w.Code, w.Body)
	}
	close(release)
	if err := <-ctxErr; err != nil {
		t.Fatalf("the command's context ended with the request: %v", err)
	}
	got := e.fake.Wait("response", 1)[0]
	var p struct {
		ResponseType string `json:"response_type"`
		Text         string `json:"text"`
	}
	json.Unmarshal(got.JSON, &p)
	if p.ResponseType != "ephemeral" || p.Text != "slow answer" {
		t.Fatalf("response_url got %s", got.JSON)
	}
}

func TestSlash_FormOpensTheModalBeforeAnswering(t *testing.T) {
	e := newTestEnv(t, func(cfg *Config) {
		cfg.Handler = bot.HandlerFunc(func(ctx context.Context, req *bot.Request) *bot.Response {
			if !req.Modal {
				t.Error("a slash command with a trigger_id is not Modal")
			}
			return &bot.Response{Form: &bot.FormState{Values: map[string]string{bot.FOrg: "3GPP", bot.FPurpose: "info"}}}
		})
	})
	w := e.slash("USUB", "C1", "submit 3gpp")
	if n := len(e.fake.Calls("views.open")); n != 1 {
		t.Fatalf("views.open called %d times by the time the answer was written", n)
	}
	if w.Code != 200 || w.Body.Len() != 0 {
		t.Fatalf("answered %d %q, want an empty 200", w.Code, w.Body)
	}
}

func TestSlash_FormThatCannotOpenSaysSo(t *testing.T) {
	e := newTestEnv(t, func(cfg *Config) {
		cfg.Handler = bot.HandlerFunc(func(ctx context.Context, req *bot.Request) *bot.Response {
			return &bot.Response{Form: &bot.FormState{}}
		})
	})
	e.fake.FailNext("views.open", 500) // never retried: the trigger works once
	w := e.slash("USUB", "C1", "submit")
	if !strings.Contains(w.Body.String(), "couldn't open the statement form") {
		t.Fatalf("answer: %s", w.Body)
	}
	if n := len(e.fake.Calls("views.open")); n != 1 {
		t.Fatalf("views.open tried %d times", n)
	}
}

func TestSlash_PublicDirectAndExtraMessages(t *testing.T) {
	e := newTestEnv(t, func(cfg *Config) {
		cfg.Handler = bot.HandlerFunc(func(ctx context.Context, req *bot.Request) *bot.Response {
			pub := bot.Say(bot.Plain("for everyone"))
			pub.Public = true
			dm := bot.Say(bot.Plain("just for you"))
			dm.Direct = true
			return &bot.Response{Messages: []bot.Message{dm, pub, bot.Say(bot.Plain("and one more"))}}
		})
	})
	w := e.slash("USUB", "C1", "whatever")
	var body struct {
		ResponseType string `json:"response_type"`
		Text         string `json:"text"`
	}
	json.Unmarshal(w.Body.Bytes(), &body)
	if body.ResponseType != "in_channel" || body.Text != "for everyone" {
		t.Fatalf("inline answer %s, want the public message in_channel", w.Body)
	}
	dm := e.fake.Wait("chat.postMessage", 1)[0]
	if dm.Form.Get("channel") != "USUB" || dm.Form.Get("text") != "just for you" {
		t.Fatalf("direct message went to %s: %s", dm.Form.Get("channel"), dm.Form.Get("text"))
	}
	extra := e.fake.Wait("response", 1)[0]
	if !strings.Contains(string(extra.JSON), `"response_type":"ephemeral"`) || !strings.Contains(string(extra.JSON), "and one more") {
		t.Fatalf("extra message: %s", extra.JSON)
	}
}

func TestSlash_RequestCarriesTheSlackUser(t *testing.T) {
	h := newCountingHandler()
	e := newTestEnv(t, func(cfg *Config) { cfg.Handler = h })
	e.slash("USUB", "DSUB", "contact 3gpp &amp; more")
	req := <-h.n
	if req.Platform != bot.PlatformSlack || req.Actor.Key() != "slack:USUB" || req.Actor.Email != "sub@example.org" || req.Actor.Name != "Sam Submitter" {
		t.Fatalf("actor %+v", req.Actor)
	}
	if !req.Channel.DM || req.Channel.ID != "DSUB" || !req.Modal || req.Text != "contact 3gpp & more" {
		t.Fatalf("request %+v", req)
	}
}

func TestIdentity_LookupFailureStillRunsTheCommand(t *testing.T) {
	h := newCountingHandler()
	e := newTestEnv(t, func(cfg *Config) { cfg.Handler = h })
	e.fake.FailNext("users.info", 500)
	w := e.slash("UNKNOWN1", "C1", "help")
	if w.Code != 200 || !strings.Contains(w.Body.String(), "ok") {
		t.Fatalf("answered %d %s", w.Code, w.Body)
	}
	req := <-h.n
	if req.Actor.Email != "" || req.Actor.UserID != "UNKNOWN1" || req.Actor.Name != "unknown1" {
		t.Fatalf("actor %+v, want the payload's name and no email", req.Actor)
	}
}

func TestIdentity_UsersAreCachedInTheDatabase(t *testing.T) {
	h := newCountingHandler()
	opt := func(cfg *Config) { cfg.Handler = h }
	e := newTestEnv(t, opt)
	e.slash("USUB", "C1", "help")
	e.slash("USUB", "C1", "help")
	if n := len(e.fake.Calls("users.info")); n != 1 {
		t.Fatalf("users.info called %d times for two commands, want 1", n)
	}
	e.drain(opt) // restart: the memory cache is gone, the database's is not
	e.slash("USUB", "C1", "help")
	if n := len(e.fake.Calls("users.info")); n != 1 {
		t.Fatalf("users.info called again after a restart (%d calls)", n)
	}
	for range 3 {
		if r := <-h.n; r.Actor.Email != "sub@example.org" {
			t.Fatalf("actor %+v", r.Actor)
		}
	}
	email, name, _, err := e.db.SlackUser(context.Background(), "USUB")
	if err != nil || email != "sub@example.org" || name != "Sam Submitter" {
		t.Fatalf("cached %q %q %v", email, name, err)
	}
}

func TestIdentity_TheRouterLinksTheSlackUserByEmail(t *testing.T) {
	// Georg Mayer is 3GPP's contact in the bundled directory; his Slack
	// account reports his address, so his first command ties him to it.
	e := newTestEnv(t)
	const email = "georg.mayer.huawei@gmx.com"
	e.fake.SetUser("UGEORG", email, "Georg Mayer")
	e.slash("UGEORG", "C1", "help")
	p, err := e.db.PersonByChat(context.Background(), bot.PlatformSlack, "UGEORG")
	if err != nil || !strings.EqualFold(p.Email, email) {
		t.Fatalf("not linked: %v %+v", err, p)
	}
	// Now the contact answer mentions him instead of naming him.
	w := e.slash("USUB", "C1", "contact 3gpp")
	if !strings.Contains(w.Body.String(), "<@UGEORG>") || strings.Contains(w.Body.String(), "Georg Mayer &lt;") {
		t.Fatalf("the contact answer does not mention the linked contact: %s", w.Body)
	}
}

// The adapter hands the router neutral values: the channel's key and the
// reading of Slack's user mentions, so that "subscribe" and "link" work
// from a real, signed slash command (a DM is no channel).
func TestSlash_ChannelKeyAndMentionsAreTheAdapters(t *testing.T) {
	ctx := context.Background()
	h := newCountingHandler()
	e := newTestEnv(t, func(cfg *Config) { cfg.Handler = h })
	e.slash("USUB", "C0BBF", "subscriptions")
	if req := <-h.n; req.Channel.Key != "C0BBF" || req.ParseUser == nil {
		t.Fatalf("channel %+v, ParseUser set %v", req.Channel, req.ParseUser != nil)
	}
	e.slash("USUB", "DSUB", "subscriptions")
	if req := <-h.n; req.Channel.Key != "" {
		t.Fatalf("a DM has the channel key %q", req.Channel.Key)
	}

	e = newTestEnv(t)
	if w := e.slash("UADMIN", "C0BBF", "subscribe all"); !strings.Contains(w.Body.String(), "This channel now gets a notice") {
		t.Fatalf("subscribe: %s", w.Body)
	}
	if ids, err := e.db.Subscriptions(ctx, bot.PlatformSlack, "C0BBF"); err != nil || len(ids) != 1 || ids[0] != 0 {
		t.Errorf("subscriptions of C0BBF: %v, %v", ids, err)
	}
	if w := e.slash("UADMIN", "C0BBF", "link <@U0777|jane> jane@example.org"); !strings.Contains(w.Body.String(), "jane@example.org") {
		t.Fatalf("link: %s", w.Body)
	}
	if p, err := e.db.PersonByChat(ctx, bot.PlatformSlack, "U0777"); err != nil || p.Email != "jane@example.org" {
		t.Errorf("U0777 is %+v, %v", p, err)
	}
}
