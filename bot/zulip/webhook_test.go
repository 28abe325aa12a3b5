package zulip

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
	"github.com/ietf-tools/liaisonbot/bot/zulip/zuliptest"
)

const testWebhookToken = "xvOzfurIutdRRVLzpXrIIHXJvNfaJLJ0"

// webhookPayloadJSON is an outgoing webhook body shaped like Zulip's
// (zulip_outgoing_webhooks_200_response in the OpenAPI document).
func webhookPayloadJSON(token, trigger string, message map[string]any) []byte {
	content, _ := message["content"].(string)
	b, _ := json.Marshal(map[string]any{
		"data": content, "token": token, "trigger": trigger,
		"bot_email": zuliptest.DefaultBotEmail, "bot_full_name": zuliptest.DefaultBotName,
		"message": message,
	})
	return b
}

// channelMessage is a channel message as the webhook carries it.
func channelMessage(sender zuliptest.User, streamID int64, channel, topic, content string) map[string]any {
	return map[string]any{
		"id": 112, "sender_id": sender.ID, "sender_email": sender.Email, "sender_full_name": sender.FullName,
		"sender_realm_str": "zulip", "type": "stream", "stream_id": streamID, "display_recipient": channel,
		"subject": topic, "content": content, "rendered_content": "<p>…</p>", "timestamp": 1527876931,
		"client": "website", "recipient_id": 20, "submessages": []any{}, "topic_links": []any{},
		"reactions": []any{}, "is_me_message": false, "avatar_url": nil,
	}
}

// dmMessage is a DM to the bot as the webhook carries it.
func dmMessage(sender zuliptest.User, content string, others ...zuliptest.User) map[string]any {
	recipients := []any{
		map[string]any{"id": sender.ID, "email": sender.Email, "full_name": sender.FullName, "is_mirror_dummy": false},
		map[string]any{"id": zuliptest.DefaultBotID, "email": zuliptest.DefaultBotEmail, "full_name": zuliptest.DefaultBotName, "is_mirror_dummy": false},
	}
	for _, o := range others {
		recipients = append(recipients, map[string]any{"id": o.ID, "email": o.Email, "full_name": o.FullName, "is_mirror_dummy": false})
	}
	return map[string]any{
		"id": 113, "sender_id": sender.ID, "sender_email": sender.Email, "sender_full_name": sender.FullName,
		"sender_realm_str": "zulip", "type": "private", "display_recipient": recipients, "subject": "",
		"content": content, "timestamp": 1527876931, "client": "website", "recipient_id": 21,
	}
}

// postWebhook POSTs body to the handler and returns the recorder.
func postWebhook(h http.Handler, body []byte) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/zulip/webhook", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	h.ServeHTTP(rec, req)
	return rec
}

// decodeAnswer decodes a 200 webhook answer.
func decodeAnswer(t *testing.T, rec *httptest.ResponseRecorder) webhookAnswer {
	t.Helper()
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d, want 200: %s", rec.Code, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
	var raw map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &raw); err != nil {
		t.Fatalf("answer is not JSON: %s", rec.Body)
	}
	for k := range raw {
		if k != "content" && k != "widget_content" && k != "response_not_required" {
			t.Errorf("unknown key %q in the answer", k)
		}
	}
	var ans webhookAnswer
	_ = json.Unmarshal(rec.Body.Bytes(), &ans)
	return ans
}

func TestWebhook_AnswersAMentionWithContent(t *testing.T) {
	h := newBotHarness(t)
	alice := h.srv.AddUser(zuliptest.User{FullName: "Alice Example", DeliveryEmail: "alice@example.com"})
	wh := h.a.WebhookHandler(testWebhookToken)
	body := webhookPayloadJSON(testWebhookToken, "mention", channelMessage(alice, 5, "liaison", "3GPP", "@**Liaison Bot** contact 3gpp"))
	ans := decodeAnswer(t, postWebhook(wh, body))
	if !strings.HasPrefix(ans.Content, "**3rd Generation Partnership Project (3GPP)**") || ans.ResponseNotRequired {
		t.Fatalf("answer = %+v", ans)
	}
	var w struct {
		ExtraData struct {
			Choices []struct{ Reply string } `json:"choices"`
		} `json:"extra_data"`
	}
	if err := json.Unmarshal([]byte(ans.WidgetContent), &w); err != nil || len(w.ExtraData.Choices) == 0 {
		t.Fatalf("widget_content %q: %v", ans.WidgetContent, err)
	}
	for _, c := range w.ExtraData.Choices {
		if !strings.HasPrefix(c.Reply, "@**Liaison Bot** ") {
			t.Errorf("a channel choice replies %q without mentioning the bot", c.Reply)
		}
	}
	if n := len(h.srv.Messages()); n != 0 {
		t.Errorf("%d messages sent through the API, want none", n)
	}
	reqs := h.requests()
	if len(reqs) != 1 || reqs[0].Text != "contact 3gpp" || reqs[0].Channel != (bot.Channel{ID: "5", Name: "liaison", Topic: "3GPP", Key: "liaison"}) ||
		reqs[0].Actor.Email != "alice@example.com" {
		t.Errorf("requests = %+v", reqs)
	}

	// A DM (trigger direct_message) is answered the same way.
	ans = decodeAnswer(t, postWebhook(wh, webhookPayloadJSON(testWebhookToken, "direct_message", dmMessage(alice, "orgs"))))
	if ans.Content == "" || !h.lastRequest().Channel.DM {
		t.Errorf("DM answer = %+v, request channel %+v", ans, h.lastRequest().Channel)
	}
}

func TestWebhook_RefusesWhatIsNotZulip(t *testing.T) {
	h := newBotHarness(t)
	alice := h.srv.AddUser(zuliptest.User{FullName: "Alice Example"})
	wh := h.a.WebhookHandler(testWebhookToken)
	good := channelMessage(alice, 5, "liaison", "t", "@**Liaison Bot** orgs")
	huge := webhookPayloadJSON(testWebhookToken, "mention", channelMessage(alice, 5, "liaison", "t", strings.Repeat("x", MaxWebhookBody)))
	tests := []struct {
		name string
		h    http.Handler
		body []byte
		want int
	}{
		{"wrong token", wh, webhookPayloadJSON("wrong", "mention", good), http.StatusUnauthorized},
		{"missing token", wh, []byte(`{"data":"orgs","message":{"sender_id":10,"type":"private"}}`), http.StatusUnauthorized},
		{"token not a string", wh, []byte(`{"token":42,"data":"orgs"}`), http.StatusUnauthorized},
		{"no token configured", h.a.WebhookHandler(""), webhookPayloadJSON("", "mention", good), http.StatusUnauthorized},
		{"huge body", wh, huge, http.StatusRequestEntityTooLarge},
		{"not JSON", wh, []byte("token=" + testWebhookToken), http.StatusBadRequest},
		{"JSON but not an object", wh, []byte(`["` + testWebhookToken + `"]`), http.StatusBadRequest},
		{"null", wh, []byte(`null`), http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if rec := postWebhook(tt.h, tt.body); rec.Code != tt.want {
				t.Errorf("status %d, want %d: %s", rec.Code, tt.want, rec.Body)
			}
		})
	}
	rec := httptest.NewRecorder()
	wh.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/zulip/webhook", nil))
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("GET: status %d, want 405", rec.Code)
	}
	if n := len(h.requests()); n != 0 {
		t.Errorf("the router got %d requests from refused calls", n)
	}
}

func TestWebhook_GarbageWithAValidTokenGetsHelpNotFailure(t *testing.T) {
	h := newBotHarness(t)
	wh := h.a.WebhookHandler(testWebhookToken)
	for _, body := range []string{
		`{"token":"` + testWebhookToken + `"}`,
		`{"token":"` + testWebhookToken + `","data":"orgs","message":"hello"}`,
		`{"token":"` + testWebhookToken + `","data":"orgs","message":{"sender_id":0,"type":"stream"}}`,
		`{"token":"` + testWebhookToken + `","data":"orgs","message":{"sender_id":10,"type":"stream","display_recipient":7}}`,
		`{"token":"` + testWebhookToken + `","data":17}`,
	} {
		ans := decodeAnswer(t, postWebhook(wh, []byte(body)))
		if ans.Content != webhookHelp {
			t.Errorf("%s: answer %+v, want the help text", body, ans)
		}
	}
	if n := len(h.requests()); n != 0 {
		t.Errorf("the router got %d requests", n)
	}
}

func TestWebhook_DirectAnswersGoThroughTheAPI(t *testing.T) {
	h := newBotHarness(t)
	alice := h.srv.AddUser(zuliptest.User{FullName: "Alice Example"})
	ch := h.srv.AddChannel("liaison")
	wh := h.a.WebhookHandler(testWebhookToken)
	ans := decodeAnswer(t, postWebhook(wh, webhookPayloadJSON(testWebhookToken, "mention", channelMessage(alice, ch, "liaison", "new", "@**Liaison Bot** submit 3gpp"))))
	if !ans.ResponseNotRequired || ans.Content != "" {
		t.Fatalf("answer = %+v, want response_not_required", ans)
	}
	msgs := h.srv.WaitMessages(2)
	if msgs[0].IsDM() || msgs[0].ChannelID != ch || msgs[0].Topic != "new" || !strings.Contains(msgs[0].Content, "direct message") {
		t.Errorf("note = %+v", msgs[0])
	}
	if !msgs[1].IsDM() || len(msgs[1].To) != 1 || msgs[1].To[0] != alice.ID {
		t.Errorf("form prompt went to %v, want Alice's DM", msgs[1].To)
	}
	wantQuestion(t, msgs[1], "Direction")
	if err := h.a.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}

	// The form goes on through webhook DMs, answered inline.
	ans = decodeAnswer(t, postWebhook(wh, webhookPayloadJSON(testWebhookToken, "direct_message", dmMessage(alice, "outgoing"))))
	if !strings.Contains(ans.Content, "**IETF groups?**") {
		t.Errorf("answer = %+v", ans)
	}
}

func TestWebhook_WithoutAClientEverythingGoesInTheContent(t *testing.T) {
	h := newBotHarness(t)
	alice := h.srv.AddUser(zuliptest.User{FullName: "Alice Example", Email: "alice@example.com"})
	var got []bot.Request
	record := bot.HandlerFunc(func(ctx context.Context, req *bot.Request) *bot.Response {
		got = append(got, *req)
		return h.router.Handle(ctx, req)
	})
	a, err := NewAdapter(AdapterConfig{Handler: record, Store: h.db, Logger: h.a.log, WebhookBudget: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	wh := a.WebhookHandler(testWebhookToken)
	ans := decodeAnswer(t, postWebhook(wh, webhookPayloadJSON(testWebhookToken, "mention", channelMessage(alice, 5, "liaison", "new", "@**Liaison Bot** submit 3gpp"))))
	if !strings.Contains(ans.Content, "direct message") || !strings.Contains(ans.Content, "**Direction?**") || ans.WidgetContent == "" {
		t.Errorf("answer = %+v, want the note and the prompt, with the choices", ans)
	}
	if n := len(h.srv.Requests()); n != 0 {
		t.Errorf("%d API requests without a client", n)
	}
	// Without a lookup, an API email that is not a dummy is the actor's.
	if err := a.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Actor.Email != "alice@example.com" || got[0].Actor.UserID != itoa(alice.ID) {
		t.Errorf("requests = %+v", got)
	}
}

func TestWebhook_PanicInTheHandlerIsAnAnswerNotACrash(t *testing.T) {
	a, err := NewAdapter(AdapterConfig{Handler: bot.HandlerFunc(func(context.Context, *bot.Request) *bot.Response { panic("boom") })})
	if err != nil {
		t.Fatal(err)
	}
	ans := a.webhook(context.Background(), webhookPayload{BotFullName: "Liaison Bot", Message: &Message{SenderID: 10, Type: MessageTypePrivate}, Data: "orgs"})
	if !strings.Contains(ans.Content, "something went wrong") {
		t.Errorf("answer = %+v", ans)
	}
}

// blockingHandler answers once released.
type blockingHandler struct {
	release chan struct{}
	started chan struct{}
}

func (b *blockingHandler) Handle(ctx context.Context, req *bot.Request) *bot.Response {
	close(b.started)
	<-b.release
	return &bot.Response{Messages: []bot.Message{bot.Say(bot.Plain("finally: " + req.Text))}}
}

func TestWebhook_SlowAnswerIsSentThroughTheAPI(t *testing.T) {
	h := newBotHarness(t)
	alice := h.srv.AddUser(zuliptest.User{FullName: "Alice Example"})
	slow := &blockingHandler{release: make(chan struct{}), started: make(chan struct{})}
	a, err := NewAdapter(AdapterConfig{Handler: slow, Client: h.client, WebhookBudget: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ans := decodeAnswer(t, postWebhook(a.WebhookHandler(testWebhookToken), webhookPayloadJSON(testWebhookToken, "direct_message", dmMessage(alice, "orgs"))))
	if !ans.ResponseNotRequired {
		t.Fatalf("answer = %+v, want response_not_required", ans)
	}
	<-slow.started
	close(slow.release)
	m := h.srv.WaitMessages(1)[0]
	if !m.IsDM() || m.To[0] != alice.ID || m.Content != "finally: orgs" {
		t.Errorf("late answer = %+v", m)
	}
	if err := a.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}

	// Without a client, the request says so rather than keep Zulip waiting.
	slow = &blockingHandler{release: make(chan struct{}), started: make(chan struct{})}
	a, err = NewAdapter(AdapterConfig{Handler: slow, WebhookBudget: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ans = decodeAnswer(t, postWebhook(a.WebhookHandler(testWebhookToken), webhookPayloadJSON(testWebhookToken, "direct_message", dmMessage(alice, "orgs"))))
	if ans.Content != webhookSlow {
		t.Errorf("answer = %+v, want the slow notice", ans)
	}
	close(slow.release)
	if err := a.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestWebhook_IgnoresItsOwnMessagesAndUnmentionedGroupDMs(t *testing.T) {
	h := newBotHarness(t)
	alice := h.srv.AddUser(zuliptest.User{FullName: "Alice Example"})
	bob := h.srv.AddUser(zuliptest.User{FullName: "Bob Example"})
	wh := h.a.WebhookHandler(testWebhookToken)
	self := zuliptest.User{ID: zuliptest.DefaultBotID, Email: zuliptest.DefaultBotEmail, FullName: zuliptest.DefaultBotName}
	for _, body := range [][]byte{
		webhookPayloadJSON(testWebhookToken, "mention", channelMessage(self, 5, "liaison", "t", "@**Liaison Bot** orgs")),
		webhookPayloadJSON(testWebhookToken, "direct_message", dmMessage(alice, "orgs, Bob?", bob)),
	} {
		if ans := decodeAnswer(t, postWebhook(wh, body)); !ans.ResponseNotRequired {
			t.Errorf("answer = %+v, want response_not_required", ans)
		}
	}
	if n := len(h.requests()); n != 0 {
		t.Errorf("the router got %d requests", n)
	}
	// Mentioned in the group DM, it answers (to the group, inline).
	ans := decodeAnswer(t, postWebhook(wh, webhookPayloadJSON(testWebhookToken, "direct_message", dmMessage(alice, "@**Liaison Bot** orgs", bob))))
	if ans.Content == "" || h.lastRequest().Channel.DM || h.lastRequest().Text != "orgs" {
		t.Errorf("answer = %+v, request = %+v", ans, h.lastRequest())
	}
}

// FuzzWebhookDecode feeds the webhook arbitrary bodies: decoding and
// handling must never panic or hang, and must answer with one of the
// documented statuses.
func FuzzWebhookDecode(f *testing.F) {
	alice := zuliptest.User{ID: 10, Email: "user10@zulip.example.org", FullName: "Alice Example"}
	bobby := zuliptest.User{ID: 11, Email: "bob@example.org", FullName: "Bob"}
	f.Add(webhookPayloadJSON(testWebhookToken, "mention", channelMessage(alice, 5, "liaison", "3GPP", "@**Liaison Bot** contact 3gpp")))
	f.Add(webhookPayloadJSON(testWebhookToken, "direct_message", dmMessage(alice, "submit")))
	f.Add(webhookPayloadJSON(testWebhookToken, "private_message", dmMessage(alice, "@**Liaison Bot|100** help", bobby)))
	f.Add(webhookPayloadJSON("nope", "mention", channelMessage(alice, 5, "x", "y", "z")))
	f.Add([]byte(`{"token":"` + testWebhookToken + `","data":"","message":{"sender_id":1,"type":"stream","display_recipient":"c","subject":"@**all**"}}`))
	f.Add([]byte(`{"token":"` + testWebhookToken + `","message":{"display_recipient":[{"id":"x"}]}}`))
	f.Add([]byte(`{"token":"` + testWebhookToken + `","message":{"sender_id":1e400}}`))
	f.Add([]byte(`{`))
	f.Add([]byte(`null`))
	f.Add([]byte(``))
	echo := bot.HandlerFunc(func(_ context.Context, req *bot.Request) *bot.Response {
		return &bot.Response{Messages: []bot.Message{
			bot.Say(bot.Plain(req.Text), bot.Bold(req.Actor.Name), bot.Code(req.Channel.Topic)),
			{Direct: true, Blocks: []bot.Block{bot.Quote{Text: req.Text}, bot.Actions{Buttons: []bot.Button{{Label: req.Text, Command: req.Text}}}}},
		}}
	})
	a, err := NewAdapter(AdapterConfig{Handler: echo, WebhookBudget: 5 * time.Second})
	if err != nil {
		f.Fatal(err)
	}
	wh := a.WebhookHandler(testWebhookToken)
	f.Fuzz(func(t *testing.T, body []byte) {
		p, bad, err := decodeWebhook(body)
		if err == nil && bad == nil && p.Message == nil {
			t.Fatal("a usable payload without a message")
		}
		rec := postWebhook(wh, body)
		switch rec.Code {
		case http.StatusOK:
			var ans webhookAnswer
			if json.Unmarshal(rec.Body.Bytes(), &ans) != nil {
				t.Fatalf("200 with a body that is not JSON: %q", rec.Body)
			}
			assertNoPing(t, ans.Content)
		case http.StatusBadRequest, http.StatusUnauthorized, http.StatusRequestEntityTooLarge:
		default:
			t.Fatalf("status %d", rec.Code)
		}
	})
}
