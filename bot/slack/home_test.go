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
	"github.com/ietf-tools/liaisonbot/storage"
)

// homeOpened is the app_home_opened event Slack sends when a user opens
// one of the app's tabs.
func homeOpened(id, user, tab string) map[string]any {
	return map[string]any{
		"type": "event_callback", "token": "ignored", "team_id": "T1", "api_app_id": "A1",
		"event_id": id, "event_time": 1700000000,
		"event": map[string]any{"type": "app_home_opened", "user": user, "channel": "D" + user[1:], "tab": tab, "event_ts": "1700000000.000100"},
	}
}

// setManager gives the organization one IETF liaison manager with an
// email, as an admin would.
func setManager(t *testing.T, db *storage.DB, acronym, name, email string) {
	t.Helper()
	_, err := db.ApplyDirectory(context.Background(), bot.DirectoryEdit{By: "test", Edit: func(cur *bot.Directory) (*bot.Directory, error) {
		o := cur.OrgByAcronym(acronym)
		o.Managers = []bot.Person{{Name: name, Email: email}}
		return cur, nil
	}})
	if err != nil {
		t.Fatal(err)
	}
}

// published reads a views.publish call: the user and the view's blocks.
func published(t *testing.T, c apiCall) (user, viewType, blocks string) {
	t.Helper()
	var req struct {
		UserID string `json:"user_id"`
		View   struct {
			Type   string          `json:"type"`
			Blocks json.RawMessage `json:"blocks"`
		} `json:"view"`
	}
	if err := json.Unmarshal(c.JSON, &req); err != nil {
		t.Fatalf("views.publish body: %v\n%s", err, c.JSON)
	}
	return req.UserID, req.View.Type, string(req.View.Blocks)
}

// homeFixture: 3GPP's manager is Gonzalo (UMGR on Slack), and USUB has
// submitted LS-1 to 3GPP, pending, with a title that tries to ping
// everybody.
func homeFixture(t *testing.T, e *testEnv) {
	t.Helper()
	managerOf3GPP(t, e)
	submitLS1(t, e)
}

// managerOf3GPP makes Gonzalo 3GPP's manager, UMGR on Slack.
func managerOf3GPP(t *testing.T, e *testEnv) {
	t.Helper()
	setManager(t, e.db, "3GPP", "Gonzalo Camarillo", "gonzalo@example.org")
	e.fake.SetUser("UMGR", "gonzalo@example.org", "Gonzalo Camarillo")
}

// submitLS1 has USUB submit LS-1 to 3GPP.
func submitLS1(t *testing.T, e *testEnv) {
	t.Helper()
	w := e.slash("USUB", "C1", `submit to=3GPP from=opsawg purpose=action deadline=2026-06-10 title="<!channel> YANG models for 5G" body="Please review."`)
	if w.Code != 200 {
		t.Fatalf("submit answered %d", w.Code)
	}
	e.drain()
	s, err := e.db.Statement(context.Background(), 1)
	if err != nil || s.State != bot.StatePending {
		t.Fatalf("LS-1 = %+v, %v; want it pending", s, err)
	}
}

func TestHome_PublishedWhenOpened(t *testing.T) {
	e := newTestEnv(t)
	homeFixture(t, e)

	// The messages tab is not the home tab: nothing to publish.
	if w := e.event(homeOpened("EvTab", "UMGR", "messages")); w.Code != 200 {
		t.Fatalf("answered %d", w.Code)
	}

	// The manager opens the home tab: LS-1 waits for their approval.
	if w := e.event(homeOpened("EvHome1", "UMGR", "home")); w.Code != 200 || w.Body.Len() != 0 {
		t.Fatalf("answered %d %q, want an empty 200 at once", w.Code, w.Body)
	}
	user, typ, blocks := published(t, e.fake.Wait("views.publish", 1)[0])
	if user != "UMGR" || typ != "home" {
		t.Fatalf("published a %q view for %q", typ, user)
	}
	for _, want := range []string{"Your liaison work", "Waiting for your approval (1)", "LS-1", "YANG models for 5G", "2026-06-10 (in 9 days)",
		"Your action items (0)", "Your submissions (0)"} {
		if !strings.Contains(blocks, want) {
			t.Errorf("the manager's home lacks %q: %s", want, blocks)
		}
	}
	button(t, blocks, "approve LS-1")
	button(t, blocks, "show LS-1")
	if strings.Contains(blocks, "<!channel>") {
		t.Errorf("the title's <!channel> reached Slack unescaped: %s", blocks)
	}

	// The submitter opens theirs: LS-1 is among their submissions, with
	// the withdraw button, and nothing waits for them.
	e.event(homeOpened("EvHome2", "USUB", "home"))
	user, _, blocks = published(t, e.fake.Wait("views.publish", 2)[1])
	if user != "USUB" {
		t.Fatalf("published for %q, want USUB", user)
	}
	for _, want := range []string{"Waiting for your approval (0)", "Your submissions (1)", "LS-1"} {
		if !strings.Contains(blocks, want) {
			t.Errorf("the submitter's home lacks %q: %s", want, blocks)
		}
	}

	// Slack retries the event: it is published once.
	e.event(homeOpened("EvHome2", "USUB", "home"), "X-Slack-Retry-Num", "1")
	e.drain()
	if n := len(e.fake.Calls("views.publish")); n != 2 {
		t.Fatalf("%d views.publish calls, want 2 (the messages tab and the retry publish nothing)", n)
	}
}

func TestHome_UnsignedEventPublishesNothing(t *testing.T) {
	e := newTestEnv(t)
	b, _ := json.Marshal(homeOpened("EvBad", "USUB", "home"))
	for _, secret := range []string{"", "another-secret"} {
		req := httptest.NewRequest(http.MethodPost, "/slack/events", strings.NewReader(string(b)))
		req.Header.Set("Content-Type", "application/json")
		if secret != "" {
			sign(req.Header, secret, string(b), time.Now())
		}
		w := httptest.NewRecorder()
		e.mux.ServeHTTP(w, req)
		if w.Code != 401 {
			t.Fatalf("an app_home_opened signed with %q answered %d, want 401", secret, w.Code)
		}
	}
	e.drain()
	if n := len(e.fake.Calls("views.publish")); n != 0 {
		t.Fatalf("an unsigned event published %d views", n)
	}
}

func TestHome_RefreshedAfterAChangeThatConcernsYou(t *testing.T) {
	e := newNotifyEnv(t)
	e.aud.Homes = []string{bot.PlatformSlack}
	e.aud.Directory = e.db.Directory
	e.router.Audience = e.aud
	managerOf3GPP(t, e.testEnv)
	// The submitter and the admin are tied to directory people (a home
	// view is refreshed for those only).
	for user, email := range map[string]string{"USUB": "sub@example.org", "UADMIN": "admin@example.org"} {
		if _, err := e.db.LinkChat(context.Background(), "slack", user, email, user, "test"); err != nil {
			t.Fatal(err)
		}
	}
	// The manager's Slack account is tied to them the first time they use
	// the app: here, by opening its home tab.
	e.event(homeOpened("EvFirst", "UMGR", "home"))
	e.fake.Wait("views.publish", 1)
	submitLS1(t, e.testEnv)
	d := e.dispatcher()
	e.drain(d)
	// The submission concerned the manager (it waits for them) and the
	// submitter: both home tabs were brought up to date through the
	// outbox.
	pubs := e.fake.Calls("views.publish")[1:]
	got := map[string]string{}
	for _, c := range pubs {
		u, _, b := published(t, c)
		got[u] = b
	}
	if len(pubs) != 2 || !strings.Contains(got["UMGR"], "Waiting for your approval (1)") || !strings.Contains(got["USUB"], "Your submissions (1)") {
		t.Fatalf("after the submission %d views were published: %v", len(pubs), got)
	}

	// The manager approves LS-1 with the button of their home tab (a click
	// in a view: no channel, no response_url).
	blockID, actionID := button(t, got["UMGR"], "approve LS-1")
	click := buttonClick("UMGR", "", "", false, blockID, actionID, "approve LS-1", "")
	click["container"] = map[string]any{"type": "view", "view_id": "VH1"}
	delete(click, "channel")
	if w := e.interact(click); w.Code != 200 {
		t.Fatalf("the click answered %d", w.Code)
	}
	e.testEnv.drain()
	if s, _ := e.db.Statement(context.Background(), 1); s.State != bot.StateApproved {
		t.Fatalf("after the click LS-1 is %s", s.State)
	}
	e.drain(d)
	pubs = e.fake.Calls("views.publish")[3:]
	got = map[string]string{}
	for _, c := range pubs {
		u, _, b := published(t, c)
		got[u] = b
	}
	if len(pubs) != 2 {
		t.Fatalf("after the approval %d views were published, want the manager's and the submitter's", len(pubs))
	}
	// Approved, LS-1 is now the manager's to post.
	if !strings.Contains(got["UMGR"], "Waiting for your approval (0)") || !strings.Contains(got["UMGR"], "Your action items (1)") {
		t.Errorf("the manager's home after approving: %s", got["UMGR"])
	}
	if !strings.Contains(got["USUB"], "approved") {
		t.Errorf("the submitter's home does not show LS-1 approved: %s", got["USUB"])
	}
	// Somebody the change does not concern gets nothing.
	if _, ok := got["UOTHER"]; ok {
		t.Errorf("UOTHER's home was refreshed")
	}

	// A refresh that fails for a while is retried, not lost.
	e.fake.FailNext("views.publish", 503)
	e.move(1, bot.MovePost)
	e.drain(d)
	var last []string
	for _, c := range e.fake.Calls("views.publish")[5:] {
		u, _, _ := published(t, c)
		last = append(last, u)
	}
	// Four calls: the manager's, the submitter's and the admin's who
	// posted it, and the one Slack refused with a 503 again (retried by
	// the dispatcher).
	users := map[string]int{}
	for _, u := range last {
		users[u]++
	}
	if len(last) != 4 || len(users) != 3 || users["UMGR"] == 0 || users["USUB"] == 0 || users["UADMIN"] == 0 {
		t.Fatalf("after posting, views.publish calls for %v; want UMGR, USUB and UADMIN, the refused one retried", last)
	}
}
