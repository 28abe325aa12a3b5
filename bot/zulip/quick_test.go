package zulip

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
	"github.com/ietf-tools/liaisonbot/bot/zulip/zuliptest"
	"github.com/ietf-tools/liaisonbot/commands"
)

func TestWebhook_QuickCommandsAnswerAtOnceFromKeptAnswers(t *testing.T) {
	h := newBotHarness(t)
	alice := h.srv.AddUser(zuliptest.User{FullName: "Alice Example", DeliveryEmail: "alice@example.com"})
	bob := h.srv.AddUser(zuliptest.User{FullName: "Bob Example", DeliveryEmail: "bob@example.com"})
	for _, client := range []*Client{h.client, nil} { // with an API client, and webhook-only
		// The router itself (a bot.QuickHandler), as cmd wires it, and a
		// budget no command can meet: whatever races it is not answered
		// in the webhook's response; what is answered at once does not
		// race.
		a, err := NewAdapter(AdapterConfig{Handler: h.router, Client: client, Store: h.db, Stream: "liaison",
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: h.now, WebhookBudget: time.Nanosecond})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { a.Shutdown(context.Background()) })
		wh := a.WebhookHandler(testWebhookToken)
		post := func(u zuliptest.User, text string) string {
			t.Helper()
			rec := postWebhook(wh, webhookPayloadJSON(testWebhookToken, "mention", channelMessage(u, 5, "liaison", "t", "@**Liaison Bot** "+text)))
			if rec.Code != 200 {
				t.Fatalf("%q: status %d", text, rec.Code)
			}
			return rec.Body.String()
		}
		// Each user's first message: who they are is looked up (or read
		// from the store) first; afterwards it is known.
		post(alice, "help")
		post(bob, "help")
		a.Shutdown(context.Background()) // their answers may have gone through the API
		first, again := post(alice, "contact 3gpp"), post(bob, "contact 3GPP")
		if first != again {
			t.Errorf("client %t: the same question, two answers:\n%s\n%s", client != nil, first, again)
		}
		var ans webhookAnswer
		if err := json.Unmarshal([]byte(first), &ans); err != nil || !strings.HasPrefix(ans.Content, "**3rd Generation Partnership Project (3GPP)**") {
			t.Fatalf("client %t: answer %s (%v)", client != nil, first, err)
		}
		// The kept answer is the one made afresh.
		d, _ := h.db.Directory(context.Background())
		resp := &bot.Response{Messages: []bot.Message{commands.ContactMessage(d, d.OrgByAcronym("3GPP"), testNow, "", false)}}
		in := a.inbound(&Message{}, "", placeChannel, a.getSelf())
		fresh, ok := a.renderInline(in, resp, replyPrefix(placeChannel, a.getSelf()), MaxMessageLength)
		if client != nil {
			fresh, ok = a.renderInline(in, resp, replyPrefix(placeChannel, a.getSelf()), client.Limits().MaxMessageLength)
		}
		if !ok || fresh.Content != ans.Content || fresh.WidgetContent != ans.WidgetContent {
			t.Errorf("client %t: kept answer differs from the fresh one:\n%s\n%+v", client != nil, first, fresh)
		}
		for _, text := range []string{"orgs", "help", "help submit", "who cablelab"} {
			var ans webhookAnswer
			if err := json.Unmarshal([]byte(post(alice, text)), &ans); err != nil || ans.Content == "" {
				t.Errorf("client %t: %q answered %+v, want the answer in the response", client != nil, text, ans)
			}
		}
	}
}
