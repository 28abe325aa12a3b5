package slack

import (
	"encoding/json"
	"strings"
	"testing"
)

// slackEscaped is text as Slack sends it in a slash command: &, < and >
// escaped.
func slackEscaped(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// submitInline creates a statement with a slash command and fails the test
// if it was not created.
func (e *testEnv) submitInline(user, title string) {
	e.t.Helper()
	text := `submit to=3GPP from=opsawg purpose=action deadline=2026-07-15 title="` + title + `" body="Please review the attached YANG models & tell us <what> you think."`
	w := e.slash(user, "C1", slackEscaped(text))
	if w.Code != 200 || !strings.Contains(w.Body.String(), "Submitted") {
		e.t.Fatalf("inline submit answered %d %s", w.Code, w.Body)
	}
}

func TestSlashContact_AnswersInlineEphemeralBlockKit(t *testing.T) {
	e := newTestEnv(t)
	w := e.slash("USUB", "C1", "contact 3gpp")
	if w.Code != 200 {
		t.Fatalf("status %d", w.Code)
	}
	if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type %q", ct)
	}
	var body struct {
		ResponseType string `json:"response_type"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
		t.Fatal(err)
	}
	if body.ResponseType != "ephemeral" {
		t.Errorf("response_type %q, want ephemeral", body.ResponseType)
	}
	for _, want := range []string{"Submit a statement to 3GPP", "Open statements with 3GPP", `"value":"submit 3GPP"`, "Gonzalo Camarillo"} {
		if !strings.Contains(w.Body.String(), want) {
			t.Errorf("contact answer lacks %s", want)
		}
	}
	golden(t, "contact.json", indent(t, w.Body.Bytes()))
}

func TestSlashShowAndList_Golden(t *testing.T) {
	e := newTestEnv(t)
	e.submitInline("USUB", "Liaison statement on YANG models for 5G")
	show := e.slash("USUB", "C1", "show LS-1")
	golden(t, "show.json", indent(t, show.Body.Bytes()))
	for _, want := range []string{`"block_id":"ls-1-1"`, "pending", "2026-07-15", `"value":"approve LS-1"`} {
		if !strings.Contains(show.Body.String(), want) {
			t.Errorf("show lacks %s", want)
		}
	}
	list := e.slash("USUB", "C1", "list all")
	golden(t, "list.json", indent(t, list.Body.Bytes()))
	if !strings.Contains(list.Body.String(), "LS-1") {
		t.Errorf("list lacks LS-1")
	}
}

func TestFormPrompt_Golden(t *testing.T) {
	e := newTestEnv(t)
	// In a DM (no modal) "submit" starts the conversation form.
	e.event(map[string]any{
		"type": "event_callback", "event_id": "EvPrompt",
		"event": map[string]any{"type": "message", "channel_type": "im", "channel": "DSUB", "user": "USUB", "text": "submit 3GPP", "ts": "1700000000.1"},
	})
	posts := e.fake.Wait("chat.postMessage", 1)
	golden(t, "form_prompt.json", indent(t, []byte(posts[0].Blocks())))
}

func TestModal_Golden(t *testing.T) {
	e := newTestEnv(t)
	e.slash("USUB", "C1", "submit 3GPP")
	opens := e.fake.Calls("views.open")
	if len(opens) != 1 {
		t.Fatalf("%d views.open calls", len(opens))
	}
	golden(t, "modal.json", indent(t, opens[0].JSON))
}

func TestRender_InjectionInATitleIsEscaped(t *testing.T) {
	e := newTestEnv(t)
	e.submitInline("USUB", "<!channel> <@U123> <http://evil|click>")
	w := e.slash("USUB", "C1", "show LS-1")
	raw := w.Body.String()
	if !strings.Contains(raw, "&lt;!channel&gt;") {
		t.Errorf("the title is not escaped: %s", raw)
	}
	for _, bad := range []string{"<!channel>", "<@U123>", "<http://evil"} {
		if strings.Contains(raw, bad) {
			t.Errorf("the answer contains live markup %s", bad)
		}
	}
	// The same through the Web API (a list posted in a thread).
	e.event(map[string]any{
		"type": "event_callback", "event_id": "EvInj",
		"event": map[string]any{"type": "app_mention", "channel": "C1", "user": "USUB", "text": "<@UBOT> list all", "ts": "1700000000.2"},
	})
	post := e.fake.Wait("chat.postMessage", 1)[0]
	var blocks []map[string]any
	if err := json.Unmarshal([]byte(post.Blocks()), &blocks); err != nil {
		t.Fatal(err)
	}
	decoded, _ := encodeJSON(blocks)
	for _, bad := range []string{"<!channel>", "<@U123>", "<http://evil"} {
		if strings.Contains(string(decoded), bad) || strings.Contains(post.Form.Get("text"), bad) {
			t.Errorf("the posted list contains live markup %s", bad)
		}
	}
}
