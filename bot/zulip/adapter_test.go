package zulip

import (
	"context"
	"encoding/json"
	"flag"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
	"github.com/ietf-tools/liaisonbot/bot/zulip/zuliptest"
	"github.com/ietf-tools/liaisonbot/commands"
	"github.com/ietf-tools/liaisonbot/storage"
	"github.com/ietf-tools/liaisonbot/storage/storagetest"
)

var updateGolden = flag.Bool("update", false, "rewrite golden files")

// testNow is the tests' clock: deadlines and ages are computed from it.
var testNow = time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)

// botHarness is a whole bot on a fake Zulip: a seeded SQLite database, the
// command router and the adapter, with a client of the fake server.
type botHarness struct {
	t      *testing.T
	srv    *zuliptest.Server
	path   string
	db     *storage.DB
	router *commands.Router
	client *Client
	sleeps *sleeps
	a      *Adapter
	logs   *syncBuffer

	clock *storagetest.Clock

	reqMu sync.Mutex
	reqs  []bot.Request // every request the router got, as the adapter built it

	stopRun func() error
}

func newBotHarness(t *testing.T) *botHarness {
	t.Helper()
	h := &botHarness{t: t, srv: zuliptest.NewServer(t), path: filepath.Join(t.TempDir(), "bot.db"), clock: storagetest.NewClock(testNow), logs: &syncBuffer{}}
	h.client, h.sleeps = newTestClient(t, h.srv)
	h.open()
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("adapter logs:\n%s", h.logs.String())
		}
	})
	return h
}

func (h *botHarness) now() time.Time { return h.clock.Now() }

func (h *botHarness) advance(d time.Duration) { h.clock.Add(d) }

// open opens the database and builds a router and an adapter on it, as a
// (re)started process does.
func (h *botHarness) open() {
	h.t.Helper()
	db := storagetest.Open(h.t, storagetest.Path(h.path), storagetest.Now(func() time.Time { return testNow }))
	logger := slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	router := commands.New(db, logger)
	router.Now = func() time.Time { return testNow }
	record := bot.HandlerFunc(func(ctx context.Context, req *bot.Request) *bot.Response {
		h.reqMu.Lock()
		h.reqs = append(h.reqs, *req)
		h.reqMu.Unlock()
		return router.Handle(ctx, req)
	})
	// WebhookBudget: answers ride on the webhook's response however loaded
	// the machine is (the late-answer tests set a short budget).
	a, err := NewAdapter(AdapterConfig{
		Handler: record, Client: h.client, Store: db, Stream: "liaison", Logger: logger, Now: h.now, WebhookBudget: time.Hour,
	})
	if err != nil {
		h.t.Fatal(err)
	}
	h.db, h.router, h.a = db, router, a
}

// requests returns the requests the router got so far.
func (h *botHarness) requests() []bot.Request {
	h.reqMu.Lock()
	defer h.reqMu.Unlock()
	return slices.Clone(h.reqs)
}

// start runs the adapter's event loop until stop or the end of the test.
func (h *botHarness) start() {
	h.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	a := h.a
	go func() { done <- a.Run(ctx) }()
	var once sync.Once
	var err error
	h.stopRun = func() error {
		once.Do(func() {
			cancel()
			select {
			case err = <-done:
			case <-time.After(10 * time.Second):
				h.t.Fatal("adapter did not stop")
			}
		})
		return err
	}
	h.t.Cleanup(func() { _ = h.stopRun() })
}

// stop stops the event loop and checks that it ended cleanly.
func (h *botHarness) stop() {
	h.t.Helper()
	if err := h.stopRun(); err != nil {
		h.t.Fatalf("Run: %v", err)
	}
}

// restart stops the adapter, closes the database, and starts a new
// router and adapter on the same database.
func (h *botHarness) restart() {
	h.t.Helper()
	h.stop()
	if err := h.db.Close(); err != nil {
		h.t.Fatal(err)
	}
	h.open()
	h.start()
}

// dm sends a DM from the user to the bot and waits for n more messages
// from the bot, which it returns.
func (h *botHarness) dm(from zuliptest.User, text string, n int) []zuliptest.SentMessage {
	h.t.Helper()
	before := len(h.srv.Messages())
	h.srv.PushDM(from.ID, text)
	return h.srv.WaitMessages(before + n)[before:]
}

// say sends a channel message from the user, mentioning the bot (with the
// "mentioned" flag), and waits for n more messages from the bot.
func (h *botHarness) say(from zuliptest.User, channel, topic, text string, n int) []zuliptest.SentMessage {
	h.t.Helper()
	before := len(h.srv.Messages())
	h.srv.PushChannelMessage(from.ID, channel, topic, "@**"+h.srv.Bot.FullName+"** "+text, FlagMentioned)
	return h.srv.WaitMessages(before + n)[before:]
}

// zformChoices decodes a message's widget_content.
func zformChoices(t *testing.T, m zuliptest.SentMessage) []ZFormChoice {
	t.Helper()
	if m.WidgetContent == "" {
		return nil
	}
	var w struct {
		WidgetType string `json:"widget_type"`
		ExtraData  struct {
			Type    string `json:"type"`
			Choices []struct {
				ShortName string `json:"short_name"`
				LongName  string `json:"long_name"`
				Reply     string `json:"reply"`
			} `json:"choices"`
		} `json:"extra_data"`
	}
	if err := json.Unmarshal([]byte(m.WidgetContent), &w); err != nil {
		t.Fatalf("widget_content: %v", err)
	}
	if w.WidgetType != "zform" || w.ExtraData.Type != "choices" {
		t.Fatalf("widget is %s/%s, want zform/choices", w.WidgetType, w.ExtraData.Type)
	}
	var out []ZFormChoice
	for _, c := range w.ExtraData.Choices {
		out = append(out, ZFormChoice{ShortName: c.ShortName, LongName: c.LongName, Reply: c.Reply})
	}
	return out
}

// choiceReply returns the reply of the choice whose command is cmd.
func choiceReply(t *testing.T, m zuliptest.SentMessage, cmd string) string {
	t.Helper()
	for _, c := range zformChoices(t, m) {
		if c.LongName == cmd {
			return c.Reply
		}
	}
	t.Fatalf("no choice %q in the widget of:\n%s\nwidget: %s", cmd, m.Content, m.WidgetContent)
	return ""
}

// checkGolden compares got with testdata/name.golden (-update rewrites it).
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *updateGolden {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the golden file (go test -update rewrites it)\n--- got:\n%s\n--- want:\n%s", path, got, want)
	}
}

// goldenMessage is a sent message as the golden files show it.
func goldenMessage(m zuliptest.SentMessage) string {
	var b strings.Builder
	b.WriteString(m.Content)
	b.WriteString("\n")
	if m.WidgetContent != "" {
		var v any
		_ = json.Unmarshal([]byte(m.WidgetContent), &v)
		w, _ := json.MarshalIndent(v, "", "  ")
		b.WriteString("\n--- widget_content ---\n")
		b.Write(w)
		b.WriteString("\n")
	}
	return b.String()
}

// assertNoPing fails if content holds a mention Zulip would act on: a
// wildcard, a user or a group mention, silent or not.
func assertNoPing(t *testing.T, content string) {
	t.Helper()
	for i := 0; i < len(content); i++ {
		if content[i] != '@' {
			continue
		}
		if i > 0 && !strings.ContainsRune(" \t\n'\"({[/<", rune(content[i-1])) {
			continue // Zulip only reads a mention after a space or an opening character
		}
		rest := strings.TrimPrefix(content[i+1:], "_")
		if strings.HasPrefix(rest, "*") {
			t.Errorf("pingable mention at byte %d: %q", i, content[i:min(len(content), i+30)])
		}
	}
}

func TestAdapter_FullRun(t *testing.T) {
	h := newBotHarness(t)
	alice := h.srv.AddUser(zuliptest.User{FullName: "Alice Example", DeliveryEmail: "alice@example.com"})
	h.srv.SetHeartbeat(20 * time.Millisecond)
	h.srv.PushHeartbeat()
	h.start()
	h.srv.WaitRegistrations(1)

	// A DM is a command; the answer comes back in the DM.
	got := h.dm(alice, "contact 3gpp", 1)[0]
	if !got.IsDM() || !slices.Equal(got.To, []int64{alice.ID}) {
		t.Fatalf("answer went to %s %v / %s, want a DM to %d", got.Type, got.To, got.Channel, alice.ID)
	}
	checkGolden(t, "contact_3gpp", goldenMessage(got))
	if got.Params.Get("type") != "direct" {
		t.Errorf("DM sent with type %q, want direct (the server is Zulip 11)", got.Params.Get("type"))
	}

	// A channel message mentioning the bot is answered in its topic.
	got = h.say(alice, "liaison", "3GPP questions", "contact 3gpp", 1)[0]
	if got.IsDM() || got.Channel != "liaison" || got.Topic != "3GPP questions" {
		t.Fatalf("answer went to %s %q/%q, want the channel message's topic", got.Type, got.Channel, got.Topic)
	}
	if strings.Contains(got.Content, "Reply: ") || !strings.Contains(got.Content, "Mention me with: ") {
		t.Errorf("in a channel the commands to type must say to mention the bot:\n%s", got.Content)
	}
	for _, c := range zformChoices(t, got) {
		if !strings.HasPrefix(c.Reply, "@**Liaison Bot|100** ") {
			t.Errorf("channel choice reply %q does not mention the bot", c.Reply)
		}
	}

	// Not mentioned, not a command; the bot's own messages (echoed to its
	// queue) and a silent mention neither. The next DM's answer proves they
	// were read and passed over: events are handled in order.
	before := len(h.srv.Messages())
	h.srv.PushChannelMessage(alice.ID, "liaison", "chat", "contact 3gpp, says Alice")
	h.srv.PushChannelMessage(alice.ID, "liaison", "chat", "@_**Liaison Bot|100** contact 3gpp")
	h.srv.PushHeartbeat()
	after := h.dm(alice, "version", 1)
	if n := len(h.srv.Messages()) - before; n != 1 || !strings.Contains(after[0].Content, "liaisonbot") {
		t.Fatalf("%d messages after the ignored ones, want only the answer to version: %+v", n, after)
	}
}

func TestAdapter_ReRegistersOnBadQueueWithoutLosingOrDoubling(t *testing.T) {
	h := newBotHarness(t)
	alice := h.srv.AddUser(zuliptest.User{FullName: "Alice Example"})
	h.start()
	first := h.srv.WaitRegistrations(1)
	h.dm(alice, "orgs", 1)

	// Zulip garbage-collects the queue; a message arrives meanwhile.
	h.srv.ExpireQueues()
	h.srv.PushDM(alice.ID, "contact itu-t")
	msgs := h.srv.WaitMessages(2)
	queues := h.srv.WaitRegistrations(2)
	if slices.Equal(first, queues) {
		t.Fatalf("still on queue %v", queues)
	}
	if !strings.Contains(msgs[1].Content, "ITU-T") {
		t.Errorf("second answer is not about ITU-T:\n%s", msgs[1].Content)
	}
	// Nothing answered twice: one more command gets exactly one answer.
	h.dm(alice, "version", 1)
	if n := len(h.srv.Messages()); n != 3 {
		t.Errorf("%d messages sent, want 3", n)
	}
	if n := h.a.Registrations(); n != 2 {
		t.Errorf("Registrations() = %d, want 2", n)
	}
}

func TestAdapter_RateLimitedAnswerWaitsAndIsSent(t *testing.T) {
	h := newBotHarness(t)
	alice := h.srv.AddUser(zuliptest.User{FullName: "Alice Example"})
	h.start()
	h.srv.WaitRegistrations(1)
	h.srv.RateLimitNext("/api/v1/messages", 1, "0.5")
	h.dm(alice, "orgs", 1)
	if !slices.Contains(h.sleeps.all(), 500*time.Millisecond) {
		t.Errorf("waits = %v, want one of 0.5s (the Retry-After)", h.sleeps.all())
	}
	if n := len(h.srv.RequestsTo(http.MethodPost, "/api/v1/messages")); n != 2 {
		t.Errorf("%d POST /messages, want 2 (the 429 and the retry)", n)
	}
}

func TestAdapter_ServerErrorsAreRetried(t *testing.T) {
	h := newBotHarness(t)
	alice := h.srv.AddUser(zuliptest.User{FullName: "Alice Example"})
	h.srv.FailNext("/api/v1/users/me", 1, http.StatusInternalServerError)
	h.srv.FailNext("/api/v1/register", 1, http.StatusInternalServerError)
	h.srv.FailNextHTML("/api/v1/events", 1, http.StatusBadGateway)
	h.start()
	h.dm(alice, "orgs", 1)
	for _, path := range []string{"/api/v1/users/me", "/api/v1/register"} {
		if n := len(h.srv.RequestsTo(http.MethodGet, path)) + len(h.srv.RequestsTo(http.MethodPost, path)); n < 2 {
			t.Errorf("%s: %d requests, want a retry after the 500", path, n)
		}
	}
	if n := h.srv.Registrations(); n != 1 {
		t.Errorf("%d registrations, want 1 (a 5xx is retried on the same queue)", n)
	}
}

func TestAdapter_RunNeedsCredentialsThatWork(t *testing.T) {
	h := newBotHarness(t)
	h.srv.DeactivateBot()
	if err := h.a.Run(context.Background()); err == nil || !IsUnauthorized(err) {
		t.Fatalf("Run with a deactivated bot: %v, want an unauthorized error", err)
	}
	a, err := NewAdapter(AdapterConfig{Handler: bot.HandlerFunc(func(context.Context, *bot.Request) *bot.Response { return nil })})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Run(context.Background()); err == nil {
		t.Fatal("Run without a client: no error")
	}
	if _, err := NewAdapter(AdapterConfig{}); err == nil {
		t.Fatal("NewAdapter without a Handler: no error")
	}
}

func TestAdapter_GroupDMNeedsAMentionAndIsAnsweredToTheGroup(t *testing.T) {
	h := newBotHarness(t)
	alice := h.srv.AddUser(zuliptest.User{FullName: "Alice Example"})
	bob := h.srv.AddUser(zuliptest.User{FullName: "Bob Example"})
	h.start()
	h.srv.WaitRegistrations(1)
	h.srv.PushMessage(zuliptest.Message{SenderID: alice.ID, To: []int64{bob.ID}, Content: "orgs is a bot command"})
	h.srv.PushMessage(zuliptest.Message{SenderID: alice.ID, To: []int64{bob.ID}, Content: "@**Liaison Bot** orgs"}, FlagMentioned)
	got := h.srv.WaitMessages(1)[0]
	want := []int64{alice.ID, h.srv.Bot.ID, bob.ID}
	slices.Sort(want)
	to := slices.Clone(got.To)
	slices.Sort(to)
	if !got.IsDM() || !slices.Equal(to, want) {
		t.Fatalf("answer went to %v, want the group %v", got.To, want)
	}
	h.dm(alice, "version", 1)
	if n := len(h.srv.Messages()); n != 2 {
		t.Errorf("%d messages, want 2: the unmentioned group DM must be ignored", n)
	}
}

func TestAdapter_IgnoresOtherBots(t *testing.T) {
	h := newBotHarness(t)
	other := h.srv.AddUser(zuliptest.User{FullName: "Other Bot", IsBot: true})
	alice := h.srv.AddUser(zuliptest.User{FullName: "Alice Example"})
	h.start()
	h.srv.WaitRegistrations(1)
	h.srv.PushDM(other.ID, "orgs")
	h.dm(alice, "version", 1)
	if n := len(h.srv.Messages()); n != 1 {
		t.Errorf("%d messages, want 1: another bot's DM must be ignored", n)
	}
}

func TestStripMention(t *testing.T) {
	me := botSelf{ID: 100, Name: "Liaison Bot"}
	tests := []struct{ in, want string }{
		{"@**Liaison Bot** contact 3gpp", "contact 3gpp"},
		{"@**liaison bot**\ncontact 3gpp", "contact 3gpp"},
		{"@**Liaison Bot|100** show LS-1", "show LS-1"},
		{"@_**Liaison Bot|100** show LS-1", "show LS-1"},
		{"@**|100** help", "help"},
		{"show LS-1 @**Liaison Bot**", "show LS-1"},
		{"@**Liaison Bot|101** help", "@**Liaison Bot|101** help"}, // another user of the same name
		{"@**Alice** help", "@**Alice** help"},
		{"  contact 3gpp  ", "contact 3gpp"},
	}
	for _, tt := range tests {
		if got := stripMention(tt.in, me); got != tt.want {
			t.Errorf("stripMention(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	// Without the id (webhook mode), any id after the name is the bot's.
	if got := stripMention("@**Liaison Bot|7** help", botSelf{Name: "Liaison Bot"}); got != "help" {
		t.Errorf("by name only: %q", got)
	}
	if got := stripMention("@**Liaison Bot** help", botSelf{}); got != "@**Liaison Bot** help" {
		t.Errorf("unknown bot: %q", got)
	}
}

// lastPrompt asserts that m is a form question about label and returns it.
func wantQuestion(t *testing.T, m zuliptest.SentMessage, label string) zuliptest.SentMessage {
	t.Helper()
	if !strings.Contains(m.Content, "**"+label+"?**") {
		t.Fatalf("want the question %q, got:\n%s", label, m.Content)
	}
	return m
}

func TestAdapter_SubmitConversationInADMCreatesTheStatement(t *testing.T) {
	h := newBotHarness(t)
	alice := h.srv.AddUser(zuliptest.User{FullName: "Alice Example", Email: "user10@zulip.example.org", DeliveryEmail: "alice@example.com"})
	h.start()
	ask := func(text, label string) zuliptest.SentMessage {
		t.Helper()
		m := h.dm(alice, text, 1)[0]
		if !m.IsDM() || !slices.Equal(m.To, []int64{alice.ID}) {
			t.Fatalf("prompt went to %v, want Alice's DM", m.To)
		}
		return wantQuestion(t, m, label)
	}

	m := ask("submit 3gpp", "Direction")
	// A click on the zform choice sends its reply text, exactly.
	m = ask(choiceReply(t, m, "outgoing"), "IETF groups")
	m = ask("opsawg", "Title")
	m = ask("Reply on YANG models", "Purpose")
	m = ask(choiceReply(t, m, "action"), "Deadline")
	m = ask("2020-01-01", "Deadline") // in the past: asked again, with the error
	if !strings.Contains(m.Content, "in the past") {
		t.Fatalf("no error about the past deadline:\n%s", m.Content)
	}
	m = ask("2027-01-15", "Body")
	m = ask(choiceReply(t, m, "back"), "Deadline")
	if !strings.Contains(m.Content, "`2027-01-15`") {
		t.Errorf("back does not show the current deadline:\n%s", m.Content)
	}
	m = ask("2027-02-01", "Body")
	m = ask("We would like your comments\non the attached YANG models.", "Attachments")
	m = ask(choiceReply(t, m, "skip"), "Response contacts")
	m = ask("skip", "Technical contacts")
	m = ask("skip", "Action holder contacts")
	m = ask("skip", "To contacts")
	m = ask("skip", "Cc")
	m = ask("skip", "Other identifiers")
	m = ask("skip", "Prior approval obtained")
	sum := h.dm(alice, "skip", 1)[0]
	if !strings.Contains(sum.Content, "check and submit") || !strings.Contains(sum.Content, "**Deadline:** 2027-02-01") {
		t.Fatalf("no summary with the corrected deadline:\n%s", sum.Content)
	}
	done := h.dm(alice, choiceReply(t, sum, "submit"), 1)[0]
	if !strings.Contains(done.Content, "Submitted **LS-1**") {
		t.Fatalf("not submitted:\n%s", done.Content)
	}

	s, err := h.db.Statement(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if s.State != bot.StatePending || s.Direction != bot.Outgoing || s.From != "opsawg" || s.To != "3GPP" ||
		s.Title != "Reply on YANG models" || s.Purpose != bot.PurposeAction || s.Deadline.String() != "2027-02-01" ||
		s.Body != "We would like your comments\non the attached YANG models." {
		t.Errorf("statement = %+v", s)
	}
	if s.SubmitterKey != "zulip:"+itoa(alice.ID) || s.SubmitterEmail != "alice@example.com" || s.SubmitterName != "Alice Example" {
		t.Errorf("submitter = %q %q %q, want Alice's Zulip id, real email and name", s.SubmitterKey, s.SubmitterEmail, s.SubmitterName)
	}
}

func TestAdapter_SubmitInAChannelMovesToADM(t *testing.T) {
	h := newBotHarness(t)
	alice := h.srv.AddUser(zuliptest.User{FullName: "Alice Example"})
	h.start()
	got := h.say(alice, "liaison", "new statements", "submit 3gpp", 2)
	note, prompt := got[0], got[1]
	if note.IsDM() || note.Channel != "liaison" || note.Topic != "new statements" || !strings.Contains(note.Content, "direct message") {
		t.Errorf("the note should say, in the channel's topic, that the form moved to a DM: %s %q/%q\n%s", note.Type, note.Channel, note.Topic, note.Content)
	}
	if !prompt.IsDM() || !slices.Equal(prompt.To, []int64{alice.ID}) {
		t.Fatalf("the form went to %s %v, want Alice's DM", prompt.Type, prompt.To)
	}
	wantQuestion(t, prompt, "Direction")
	if r := choiceReply(t, prompt, "incoming"); r != "incoming" {
		t.Errorf("a DM choice replies %q, want the bare command", r)
	}
	// The conversation goes on in the DM.
	wantQuestion(t, h.dm(alice, "incoming", 1)[0], "IETF groups")
}

func TestAdapter_RestartInTheMiddleOfAFormResumesIt(t *testing.T) {
	h := newBotHarness(t)
	alice := h.srv.AddUser(zuliptest.User{FullName: "Alice Example"})
	h.start()
	wantQuestion(t, h.dm(alice, "submit 3gpp", 1)[0], "Direction")
	wantQuestion(t, h.dm(alice, "outgoing", 1)[0], "IETF groups")

	h.restart()
	wantQuestion(t, h.dm(alice, "opsawg", 1)[0], "Title")
	m := wantQuestion(t, h.dm(alice, "back", 1)[0], "IETF groups")
	if !strings.Contains(m.Content, "`opsawg`") {
		t.Errorf("the answer given before the restart is lost:\n%s", m.Content)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
