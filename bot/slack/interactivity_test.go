package slack

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/ietf-tools/liaisonbot/bot"
)

func TestClick_UnknownButtonGetsAShortEphemeralReply(t *testing.T) {
	h := newCountingHandler()
	e := newTestEnv(t, func(cfg *Config) { cfg.Handler = h })
	w := e.interact(buttonClick("USUB", "C1", "1.1", false, "b1", "some-other-app", "approve LS-1", e.fake.ResponseURL("u")))
	if w.Code != 200 {
		t.Fatalf("status %d", w.Code)
	}
	got := e.fake.Wait("response", 1)[0]
	if !strings.Contains(string(got.JSON), "I don't know that button") || !strings.Contains(string(got.JSON), `"response_type":"ephemeral"`) {
		t.Fatalf("reply: %s", got.JSON)
	}
	e.drain()
	if h.count() != 0 {
		t.Fatal("an unknown button ran a command")
	}
}

func TestClick_ReplyAboutAnotherThingKeepsTheOriginal(t *testing.T) {
	e := newTestEnv(t)
	contact := e.slash("USUB", "C1", "contact 3gpp")
	blockID, actionID := button(t, blocksOf(t, contact.Body.Bytes()), "list open org 3GPP")
	e.interact(buttonClick("USUB", "C1", "1.1", true, blockID, actionID, "list open org 3GPP", e.fake.ResponseURL("l")))
	got := e.fake.Wait("response", 1)[0]
	if !strings.Contains(string(got.JSON), `"replace_original":false`) || !strings.Contains(string(got.JSON), "Open statements with 3GPP") {
		t.Fatalf("reply: %s", got.JSON)
	}
	e.drain()
	if n := len(e.fake.Calls("chat.update")); n != 0 {
		t.Fatalf("chat.update called %d times", n)
	}
}

func TestClick_EphemeralMessageAboutTheStatementIsReplaced(t *testing.T) {
	e := newTestEnv(t)
	e.submitInline("USUB", "Models")
	show := e.slash("UADMIN", "C1", "show LS-1")
	blockID, actionID := button(t, blocksOf(t, show.Body.Bytes()), "approve LS-1")
	e.interact(buttonClick("UADMIN", "C1", "1.1", true, blockID, actionID, "approve LS-1", e.fake.ResponseURL("a")))
	got := e.fake.Wait("response", 1)[0]
	if !strings.Contains(string(got.JSON), `"replace_original":true`) || !strings.Contains(string(got.JSON), "approved") {
		t.Fatalf("reply: %s", got.JSON)
	}
	e.drain()
	if n := len(e.fake.Calls("chat.update")); n != 0 {
		t.Fatalf("chat.update called for an ephemeral message")
	}
}

func TestClick_SubmitButtonOpensTheModal(t *testing.T) {
	e := newTestEnv(t)
	contact := e.slash("USUB", "C1", "contact 3gpp")
	blockID, actionID := button(t, blocksOf(t, contact.Body.Bytes()), "submit 3GPP")
	w := e.interact(buttonClick("USUB", "C1", "1.1", true, blockID, actionID, "submit 3GPP", e.fake.ResponseURL("s")))
	if w.Code != 200 || w.Body.Len() != 0 {
		t.Fatalf("answered %d %q", w.Code, w.Body)
	}
	opens := e.fake.Calls("views.open")
	if len(opens) != 1 || !strings.Contains(string(opens[0].JSON), `"trigger_id":"1423.4567.abcdef"`) {
		t.Fatalf("views.open calls: %d", len(opens))
	}
}

func TestOptions_OrganizationPicker(t *testing.T) {
	e := newTestEnv(t)
	suggest := func(q string) []*slack.OptionBlockObject {
		t.Helper()
		b, _ := json.Marshal(map[string]any{
			"type": "block_suggestion", "block_id": "organization", "action_id": "value", "value": q,
			"user": map[string]any{"id": "USUB"}, "view": map[string]any{"id": "V1", "callback_id": statementCallbackID},
		})
		w := e.post("/slack/options", formType, url.Values{"payload": {string(b)}}.Encode())
		if w.Code != 200 {
			t.Fatalf("status %d", w.Code)
		}
		var got optionsBody
		if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
			t.Fatalf("%v: %s", err, w.Body)
		}
		if len(got.Options) > maxOptions || w.Body.Len() >= maxAckBytes {
			t.Fatalf("%d options, %d bytes", len(got.Options), w.Body.Len())
		}
		for _, o := range got.Options {
			if len([]rune(o.Text.Text)) > maxOptionText || len(o.Value) > maxOptionValue {
				t.Fatalf("option over the limits: %+v", o)
			}
		}
		return got.Options
	}
	if o := suggest("3gp"); len(o) == 0 || o[0].Value != "3GPP" {
		t.Fatalf("3gp: first option %v, want 3GPP", o)
	}
	if o := suggest("itu"); len(o) < 2 {
		t.Fatalf("itu: %d options, want the ITU sectors", len(o))
	}
	if o := suggest(""); len(o) < 10 {
		t.Fatalf("empty query: %d options, want a listing", len(o))
	}
	if o := suggest("zzzzqqqq"); len(o) != 0 {
		t.Fatalf("nonsense: %d options", len(o))
	}
}

func TestViewSubmission_SlowSubmissionClosesAndConfirmsInTheDM(t *testing.T) {
	release := make(chan struct{})
	e := newTestEnv(t)
	inner := e.router
	e.drain(func(cfg *Config) {
		cfg.CommandBudget = 10 * time.Millisecond
		cfg.Handler = bot.HandlerFunc(func(ctx context.Context, req *bot.Request) *bot.Response {
			<-release // slower than the budget, whatever the machine
			return inner.Handle(ctx, req)
		})
	})
	view := statementModal(&bot.FormState{}, modalMeta{Channel: "C1"}, nil)
	raw, _ := json.Marshal(view)
	w := e.interact(viewSubmission(t, raw, "VSLOW", "USUB", map[string]string{
		bot.FDirection: "outgoing", bot.FOrg: "3GPP", bot.FGroup: "opsawg", bot.FTitle: "T", bot.FPurpose: "info", bot.FBody: "B",
	}))
	if w.Code != 200 || w.Body.Len() != 0 {
		t.Fatalf("answered %d %q, want an empty 200 (closes the modal)", w.Code, w.Body)
	}
	close(release)
	p := e.fake.Wait("chat.postMessage", 1)[0]
	if p.Form.Get("channel") != "USUB" || !strings.Contains(p.Blocks(), "LS-1") {
		t.Fatalf("confirmation %s: %s", p.Form.Get("channel"), p.Blocks())
	}
}

func TestViewSubmission_SlowSubmissionWithErrorsIsExplainedInTheDM(t *testing.T) {
	release := make(chan struct{})
	e := newTestEnv(t)
	inner := e.router
	e.drain(func(cfg *Config) {
		cfg.CommandBudget = 10 * time.Millisecond
		cfg.Handler = bot.HandlerFunc(func(ctx context.Context, req *bot.Request) *bot.Response {
			<-release
			return inner.Handle(ctx, req)
		})
	})
	view := statementModal(&bot.FormState{}, modalMeta{Channel: "C1"}, nil)
	raw, _ := json.Marshal(view)
	e.interact(viewSubmission(t, raw, "VSLOW2", "USUB", map[string]string{bot.FDirection: "outgoing", bot.FOrg: "3GPP"}))
	close(release)
	p := e.fake.Wait("chat.postMessage", 1)[0]
	if p.Form.Get("channel") != "USUB" || !strings.Contains(p.Blocks(), "not submitted") || !strings.Contains(p.Blocks(), "Title") {
		t.Fatalf("DM %s: %s", p.Form.Get("channel"), p.Blocks())
	}
}

func TestViewSubmission_ErrorsForUnknownFieldsGoToExistingBlocks(t *testing.T) {
	e := newTestEnv(t, func(cfg *Config) {
		cfg.Handler = bot.HandlerFunc(func(ctx context.Context, req *bot.Request) *bot.Response {
			return &bot.Response{Form: &bot.FormState{Values: req.Submit.Values, Errors: map[string]string{
				"to":           "no such organization.",
				"deadline":     "in the past.",
				"wg":           "not a group.",
				"bogus-field!": "something odd.",
			}}, Outcome: bot.EINVALID}
		})
	})
	view := statementModal(&bot.FormState{}, modalMeta{}, nil)
	raw, _ := json.Marshal(view)
	w := e.interact(viewSubmission(t, raw, "V1", "USUB", map[string]string{bot.FTitle: "x"}))
	want := `{"response_action":"errors","errors":{"deadline":"in the past.","direction":"something odd.","group":"not a group.","organization":"no such organization."}}`
	if w.Body.String() != want {
		t.Fatalf("got  %s\nwant %s", w.Body, want)
	}
}

func TestViewSubmission_FailureKeepsTheModalOpen(t *testing.T) {
	e := newTestEnv(t, func(cfg *Config) {
		cfg.Handler = bot.HandlerFunc(func(ctx context.Context, req *bot.Request) *bot.Response {
			return failureResponse("Sorry, something went wrong on our side.")
		})
	})
	view := statementModal(&bot.FormState{}, modalMeta{}, nil)
	raw, _ := json.Marshal(view)
	w := e.interact(viewSubmission(t, raw, "V1", "USUB", nil))
	if w.Body.String() != `{"response_action":"errors","errors":{"direction":"Sorry, something went wrong on our side."}}` {
		t.Fatalf("got %s", w.Body)
	}
}

func TestViewSubmission_OtherViewsAreClosed(t *testing.T) {
	h := newCountingHandler()
	e := newTestEnv(t, func(cfg *Config) { cfg.Handler = h })
	w := e.interact(map[string]any{"type": "view_submission", "user": map[string]any{"id": "USUB"}, "view": map[string]any{"id": "V9", "callback_id": "something-else"}})
	if w.Code != 200 || w.Body.Len() != 0 {
		t.Fatalf("answered %d %q", w.Code, w.Body)
	}
	w = e.interact(map[string]any{"type": "view_closed", "user": map[string]any{"id": "USUB"}, "view": map[string]any{"id": "V9"}})
	if w.Code != 200 {
		t.Fatalf("view_closed answered %d", w.Code)
	}
	e.drain()
	if h.count() != 0 {
		t.Fatal("the handler ran")
	}
}

// blocksOf extracts the blocks of an answer as JSON text.
func blocksOf(t *testing.T, body []byte) string {
	t.Helper()
	var m struct {
		Blocks json.RawMessage `json:"blocks"`
	}
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	return string(m.Blocks)
}
