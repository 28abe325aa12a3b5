package slack

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
)

// envelope is a Socket Mode envelope as Slack sends it.
func envelope(t *testing.T, id, typ string, payload any) string {
	t.Helper()
	b, err := json.Marshal(map[string]any{
		"envelope_id": id, "type": typ, "accepts_response_payload": typ != "events_api", "payload": payload,
	})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// ackFor waits for the acknowledgement of an envelope.
func (f *fakeSlack) ackFor(t *testing.T, id string) json.RawMessage {
	t.Helper()
	deadline := time.After(10 * time.Second) // a guard against hanging
	for {
		select {
		case b := <-f.acks:
			var a struct {
				EnvelopeID string          `json:"envelope_id"`
				Payload    json.RawMessage `json:"payload"`
			}
			if err := json.Unmarshal(b, &a); err != nil {
				t.Fatalf("ack %s: %v", b, err)
			}
			if a.EnvelopeID == id {
				return a.Payload
			}
		case <-deadline:
			t.Fatalf("no acknowledgement of %s", id)
		}
	}
}

func TestSocketMode_SameHandlersAndTheAckCarriesTheAnswer(t *testing.T) {
	e := newTestEnv(t, func(cfg *Config) { cfg.AppToken = "xapp-test"; cfg.SigningSecret = "" })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.adapter.RunSocketMode(ctx) }()
	defer func() {
		cancel()
		<-done
	}()

	// A slash command: the reply rides on the ack.
	e.fake.envelopes <- envelope(t, "E1", "slash_commands", map[string]any{
		"token": "x", "team_id": "T1", "channel_id": "C1", "channel_name": "general", "user_id": "USUB", "user_name": "sam",
		"command": "/liaison", "text": "contact 3gpp", "response_url": e.fake.ResponseURL("sm"), "trigger_id": "T.1",
	})
	reply := e.fake.ackFor(t, "E1")
	if !strings.Contains(string(reply), `"response_type":"ephemeral"`) || !strings.Contains(string(reply), "3rd Generation Partnership Project") {
		t.Fatalf("slash ack payload: %s", reply)
	}

	// A modal submission with an error: the ack carries response_action.
	view := statementModal(&bot.FormState{}, modalMeta{}, nil)
	raw, _ := json.Marshal(view)
	e.fake.envelopes <- envelope(t, "E2", "interactive", viewSubmission(t, raw, "VSM", "USUB", map[string]string{
		bot.FDirection: "outgoing", bot.FOrg: "3GPP", bot.FGroup: "opsawg", bot.FTitle: "T", bot.FPurpose: "action", bot.FBody: "B",
	}))
	if got := string(e.fake.ackFor(t, "E2")); got != `{"response_action":"errors","errors":{"deadline":"required for For Action statements."}}` {
		t.Fatalf("view_submission ack payload: %s", got)
	}

	// Options for the organization picker.
	e.fake.envelopes <- envelope(t, "E3", "interactive", map[string]any{
		"type": "block_suggestion", "block_id": "organization", "action_id": "value", "value": "3gp",
		"user": map[string]any{"id": "USUB"}, "view": map[string]any{"id": "V1"},
	})
	if got := string(e.fake.ackFor(t, "E3")); !strings.Contains(got, `"value":"3GPP"`) {
		t.Fatalf("block_suggestion ack payload: %s", got)
	}

	// An event: acked empty, answered in the thread.
	e.fake.envelopes <- envelope(t, "E4", "events_api", mention("EvSM", "C1", "1700000000.900", "", "<@UBOT> contact 3gpp"))
	if got := e.fake.ackFor(t, "E4"); len(got) != 0 {
		t.Fatalf("event ack payload: %s", got)
	}
	p := e.fake.Wait("chat.postMessage", 1)[0]
	if p.Form.Get("thread_ts") != "1700000000.900" {
		t.Fatalf("event reply thread %q", p.Form.Get("thread_ts"))
	}
}

func TestSocketMode_OversizedAnswerGoesThroughResponseURL(t *testing.T) {
	big := strings.Repeat("long text ", 300)
	e := newTestEnv(t, func(cfg *Config) {
		cfg.AppToken = "xapp-test"
		cfg.Handler = bot.HandlerFunc(func(ctx context.Context, req *bot.Request) *bot.Response {
			var blocks []bot.Block
			for range 20 {
				blocks = append(blocks, bot.Paragraph{Text: bot.Words(big)})
			}
			return &bot.Response{Messages: []bot.Message{bot.Reply(blocks...)}}
		})
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.adapter.RunSocketMode(ctx) }()
	defer func() {
		cancel()
		<-done
	}()
	e.fake.envelopes <- envelope(t, "E1", "slash_commands", map[string]any{
		"channel_id": "C1", "user_id": "USUB", "command": "/liaison", "text": "x", "response_url": e.fake.ResponseURL("big"), "trigger_id": "T.1",
	})
	if got := e.fake.ackFor(t, "E1"); len(got) != 0 {
		t.Fatalf("an ack of %d bytes was sent", len(got))
	}
	if r := e.fake.Wait("response", 1)[0]; len(r.JSON) < maxAckBytes {
		t.Fatalf("response_url got %d bytes", len(r.JSON))
	}
}

func TestSocketMode_NeedsTheAppToken(t *testing.T) {
	e := newTestEnv(t)
	if err := e.adapter.RunSocketMode(context.Background()); err == nil {
		t.Fatal("RunSocketMode without SLACK_APP_TOKEN did not fail")
	}
}
