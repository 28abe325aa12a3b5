package slack

import (
	"strings"
	"testing"

	"github.com/ietf-tools/liaisonbot/bot"
)

func mention(id, channel, ts, threadTS, text string) map[string]any {
	ev := map[string]any{"type": "app_mention", "channel": channel, "user": "USUB", "text": text, "ts": ts, "event_ts": ts}
	if threadTS != "" {
		ev["thread_ts"] = threadTS
	}
	return map[string]any{
		"type": "event_callback", "token": "ignored", "team_id": "T1", "api_app_id": "A1",
		"event_id": id, "event_time": 1700000000, "event": ev,
		"authorizations": []any{map[string]any{"team_id": "T1", "user_id": "UBOT", "is_bot": true}},
	}
}

func directMessage(id, user, text string, extra map[string]any) map[string]any {
	ev := map[string]any{"type": "message", "channel_type": "im", "channel": "D" + user[1:], "user": user, "text": text, "ts": "1700000000.5"}
	for k, v := range extra {
		ev[k] = v
	}
	return map[string]any{"type": "event_callback", "event_id": id, "event": ev}
}

func TestEvents_URLVerificationEchoesTheChallenge(t *testing.T) {
	e := newTestEnv(t)
	w := e.event(map[string]any{"type": "url_verification", "token": "x", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"})
	if w.Code != 200 || w.Body.String() != `{"challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}` {
		t.Fatalf("answered %d %s", w.Code, w.Body)
	}
}

func TestEvents_MentionInAChannelRepliesInTheThread(t *testing.T) {
	e := newTestEnv(t)
	if w := e.event(mention("Ev1", "C1", "1700000000.100", "", "<@UBOT> contact 3gpp")); w.Code != 200 || w.Body.Len() != 0 {
		t.Fatalf("answered %d %q, want an empty 200 at once", w.Code, w.Body)
	}
	p := e.fake.Wait("chat.postMessage", 1)[0]
	if p.Form.Get("channel") != "C1" || p.Form.Get("thread_ts") != "1700000000.100" {
		t.Fatalf("reply went to %s thread %q", p.Form.Get("channel"), p.Form.Get("thread_ts"))
	}
	if !strings.Contains(p.Blocks(), "3rd Generation Partnership Project") {
		t.Fatalf("the reply is not the contact answer: %s", p.Blocks())
	}
	// In a thread: the reply stays in it.
	e.event(mention("Ev2", "C1", "1700000000.200", "1600000000.001", "<@UBOT|liaisonbot> help"))
	p = e.fake.Wait("chat.postMessage", 2)[1]
	if p.Form.Get("thread_ts") != "1600000000.001" {
		t.Fatalf("reply in thread %q, want the original thread", p.Form.Get("thread_ts"))
	}
}

func TestEvents_DirectMessageRepliesInTheDM(t *testing.T) {
	e := newTestEnv(t)
	e.event(directMessage("EvDM", "USUB", "contact 3gpp", nil))
	p := e.fake.Wait("chat.postMessage", 1)[0]
	if p.Form.Get("channel") != "DSUB" || p.Form.Get("thread_ts") != "" {
		t.Fatalf("reply went to %s thread %q, want the DM without a thread", p.Form.Get("channel"), p.Form.Get("thread_ts"))
	}
	if !strings.Contains(p.Blocks(), "3GPP") {
		t.Fatalf("reply: %s", p.Blocks())
	}
}

func TestEvents_IgnoresTheBotItselfOtherBotsAndEdits(t *testing.T) {
	h := newCountingHandler()
	e := newTestEnv(t, func(cfg *Config) { cfg.Handler = h })
	for i, ev := range []map[string]any{
		directMessage("EvOwn", "UBOT", "contact 3gpp", nil),
		directMessage("EvBotID", "UXYZ", "contact 3gpp", map[string]any{"bot_id": "B999"}),
		directMessage("EvBotMsg", "UXYZ", "contact 3gpp", map[string]any{"subtype": "bot_message"}),
		directMessage("EvEdit", "USUB", "contact 3gpp", map[string]any{"subtype": "message_changed"}),
		directMessage("EvJoin", "USUB", "contact 3gpp", map[string]any{"subtype": "channel_join"}),
		// a channel message that is not a mention
		{"type": "event_callback", "event_id": "EvChan", "event": map[string]any{"type": "message", "channel_type": "channel", "channel": "C1", "user": "USUB", "text": "contact 3gpp", "ts": "1.1"}},
		// an event type the bot does not handle
		{"type": "event_callback", "event_id": "EvReact", "event": map[string]any{"type": "reaction_added", "user": "USUB"}},
	} {
		if w := e.event(ev); w.Code != 200 {
			t.Errorf("event %d answered %d", i, w.Code)
		}
	}
	e.drain()
	if h.count() != 0 {
		t.Fatalf("the handler ran %d times for events it should ignore", h.count())
	}
	if n := len(e.fake.Calls("chat.postMessage")); n != 0 {
		t.Fatalf("%d replies to ignored events", n)
	}
}

func TestEvents_RetriesAreDroppedAlsoAfterARestart(t *testing.T) {
	h := newCountingHandler()
	opt := func(cfg *Config) { cfg.Handler = h }
	e := newTestEnv(t, opt)
	ev := mention("EvRetry", "C1", "1700000000.300", "", "<@UBOT> help")
	if w := e.event(ev); w.Code != 200 {
		t.Fatalf("first delivery answered %d", w.Code)
	}
	for _, n := range []string{"1", "2"} {
		if w := e.event(ev, "X-Slack-Retry-Num", n, "X-Slack-Retry-Reason", "http_timeout"); w.Code != 200 || w.Body.Len() != 0 {
			t.Fatalf("retry %s answered %d %q, want an empty 200", n, w.Code, w.Body)
		}
	}
	e.drain(opt) // a new adapter on the same database file
	if w := e.event(ev, "X-Slack-Retry-Num", "3"); w.Code != 200 {
		t.Fatalf("retry after restart answered %d", w.Code)
	}
	e.drain(opt)
	if h.count() != 1 {
		t.Fatalf("the command ran %d times for one event, want 1", h.count())
	}
	if n := len(e.fake.Calls("chat.postMessage")); n != 1 {
		t.Fatalf("%d replies for one event, want 1", n)
	}
}

func TestEvents_MentionStrippedAndSlackMarkupUndone(t *testing.T) {
	h := newCountingHandler()
	e := newTestEnv(t, func(cfg *Config) { cfg.Handler = h })
	e.event(mention("EvText", "C1", "1.1", "", "<@UBOT> submit title=\"R&amp;D &lt;5G&gt;\" url=<https://example.org/a?b=1&amp;c=2|example.org/a> cc=<mailto:a@example.org|a@example.org>"))
	req := <-h.n
	want := `submit title="R&D <5G>" url=https://example.org/a?b=1&c=2 cc=a@example.org`
	if req.Text != want {
		t.Fatalf("text %q\nwant %q", req.Text, want)
	}
	if req.Channel.DM || req.Channel.ID != "C1" || req.Modal {
		t.Fatalf("channel %+v modal %v", req.Channel, req.Modal)
	}
	if req.Actor.Platform != bot.PlatformSlack || req.Actor.UserID != "USUB" || req.Actor.Email != "sub@example.org" || req.Actor.Name != "Sam Submitter" {
		t.Fatalf("actor %+v", req.Actor)
	}
}

func TestStripMention(t *testing.T) {
	for _, c := range []struct{ in, bot, want string }{
		{"<@UBOT> contact 3gpp", "UBOT", "contact 3gpp"},
		{"<@UBOT|liaisonbot>: contact 3gpp", "UBOT", "contact 3gpp"},
		{"  <@UBOT>   help", "UBOT", "help"},
		{"hey <@UBOT> help", "UBOT", "hey help"},
		{"<@UOTHER> help", "UBOT", "<@UOTHER> help"},
		{"<@UOTHER> help", "", "help"},
		{"help", "UBOT", "help"},
	} {
		if got := stripMention(c.in, c.bot); got != c.want {
			t.Errorf("stripMention(%q, %q) = %q, want %q", c.in, c.bot, got, c.want)
		}
	}
}

func TestCommandText_UndoesSlackFormatting(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"link &lt;@U123|ann&gt; ann@example.org", "link <@U123|ann> ann@example.org"},
		{"link <@U123|ann> <mailto:ann@example.org|ann@example.org>", "link <@U123> ann@example.org"},
		{"<mailto:jane@example.org|jane@example.org>", "jane@example.org"},
		{"admin manager add 3GPP Jane <mailto:jane@example.org|Jane>", "admin manager add 3GPP Jane jane@example.org"},
		{"<|jane@example.org>", ""}, // no target: not the label
		{"subscribe <#C123|liaison>", "subscribe #liaison"},
		{"nudge LS-1 <!here> please", "nudge LS-1 @here please"},
		{"submit url=<https://x.example/a.pdf>", "submit url=https://x.example/a.pdf"},
		{"a &amp;lt; b", "a &lt; b"},
	} {
		if got := commandText(c.in); got != c.want {
			t.Errorf("commandText(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
