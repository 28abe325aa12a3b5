package slack

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/ietf-tools/liaisonbot/bot"
)

// stateValues is a modal's state.values as Slack sends it for these
// answers (every field of the form present, empty ones as Slack leaves
// them).
func stateValues(v map[string]string) map[string]any {
	out := map[string]any{}
	for _, f := range bot.StatementForm() {
		x, set := v[f.Key]
		var el map[string]any
		switch f.Kind {
		case bot.KindChoice:
			el = map[string]any{"type": "static_select", "selected_option": nil}
			if set {
				el["selected_option"] = map[string]any{"text": map[string]any{"type": "plain_text", "text": x}, "value": x}
			}
		case bot.KindOrg, bot.KindGroups:
			// A multi_external_select: one selected option per name.
			opts := []any{}
			for _, n := range bot.SplitGroups(x) {
				opts = append(opts, map[string]any{"text": map[string]any{"type": "plain_text", "text": n}, "value": n})
			}
			el = map[string]any{"type": "multi_external_select", "selected_options": opts}
		case bot.KindDate:
			el = map[string]any{"type": "datepicker", "selected_date": nil}
			if set {
				el["selected_date"] = x
			}
		case bot.KindYesNo:
			el = map[string]any{"type": "checkboxes", "selected_options": []any{}}
			if set {
				el["selected_options"] = []any{map[string]any{"text": map[string]any{"type": "plain_text", "text": "Yes"}, "value": x}}
			}
		default:
			el = map[string]any{"type": "plain_text_input", "value": nil}
			if set {
				el["value"] = x
			}
		}
		out[f.Key] = map[string]any{"value": el}
	}
	return out
}

// viewSubmission is the payload of a submitted modal: the view as opened
// (views.open's view), with its id and state.
func viewSubmission(t *testing.T, opened json.RawMessage, viewID, user string, values map[string]string) map[string]any {
	t.Helper()
	var view map[string]any
	if err := json.Unmarshal(opened, &view); err != nil {
		t.Fatal(err)
	}
	view["id"] = viewID
	view["team_id"] = "T1"
	view["hash"] = "156772938.1827394"
	view["state"] = map[string]any{"values": stateValues(values)}
	return map[string]any{
		"type":       "view_submission",
		"team":       map[string]any{"id": "T1", "domain": "ietf"},
		"user":       map[string]any{"id": user, "username": strings.ToLower(user), "name": strings.ToLower(user), "team_id": "T1"},
		"api_app_id": "A1",
		"token":      "ignored",
		"trigger_id": "12466734323.1395872398",
		"view":       view,
	}
}

// buttonClick is the payload of a click on a button of a posted message.
func buttonClick(user, channel, ts string, ephemeral bool, blockID, actionID, value, responseURL string) map[string]any {
	return map[string]any{
		"type":         "block_actions",
		"team":         map[string]any{"id": "T1", "domain": "ietf"},
		"user":         map[string]any{"id": user, "username": strings.ToLower(user), "name": strings.ToLower(user), "team_id": "T1"},
		"api_app_id":   "A1",
		"token":        "ignored",
		"trigger_id":   "1423.4567.abcdef",
		"response_url": responseURL,
		"container":    map[string]any{"type": "message", "message_ts": ts, "channel_id": channel, "is_ephemeral": ephemeral},
		"channel":      map[string]any{"id": channel, "name": "x"},
		"actions": []any{map[string]any{
			"type": "button", "action_id": actionID, "block_id": blockID, "value": value,
			"text": map[string]any{"type": "plain_text", "text": "x"}, "action_ts": "1700000001.000001",
		}},
	}
}

// button finds the button that runs command in Block Kit JSON.
func button(t *testing.T, blocksJSON, command string) (blockID, actionID string) {
	t.Helper()
	var blocks []struct {
		Type     string `json:"type"`
		BlockID  string `json:"block_id"`
		Elements []struct {
			Type     string `json:"type"`
			ActionID string `json:"action_id"`
			Value    string `json:"value"`
		} `json:"elements"`
	}
	if err := json.Unmarshal([]byte(blocksJSON), &blocks); err != nil {
		t.Fatalf("blocks: %v\n%s", err, blocksJSON)
	}
	for _, b := range blocks {
		for _, e := range b.Elements {
			if e.Type == "button" && e.Value == command {
				return b.BlockID, e.ActionID
			}
		}
	}
	t.Fatalf("no button runs %q in %s", command, blocksJSON)
	return "", ""
}

func TestEndToEnd_SubmitThroughTheModalThenApproveWithAButton(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()

	// /liaison submit 3GPP opens the modal before answering.
	w := e.slash("USUB", "C1", "submit 3GPP")
	if w.Code != 200 || w.Body.Len() != 0 {
		t.Fatalf("submit answered %d %q, want an empty 200", w.Code, w.Body)
	}
	opens := e.fake.Calls("views.open")
	if len(opens) != 1 {
		t.Fatalf("views.open called %d times before the answer, want 1", len(opens))
	}
	var open struct {
		TriggerID string          `json:"trigger_id"`
		View      json.RawMessage `json:"view"`
	}
	if err := json.Unmarshal(opens[0].JSON, &open); err != nil {
		t.Fatal(err)
	}
	if open.TriggerID != "13345224609.738474920.8088930838d88f008e0" {
		t.Errorf("views.open used trigger %q", open.TriggerID)
	}
	if !strings.Contains(string(open.View), `"initial_options":[{"text":{"type":"plain_text","text":"3rd Generation Partnership Project (3GPP)"},"value":"3GPP"}]`) {
		t.Errorf("the organization is not pre-selected: %s", open.View)
	}

	answers := map[string]string{
		bot.FDirection: "outgoing",
		bot.FOrg:       "3GPP",
		bot.FGroup:     "opsawg",
		bot.FTitle:     "YANG models for 5G",
		bot.FPurpose:   "action",
		bot.FBody:      "Please review the attached models.",
	}

	// For Action without a deadline: the error under the deadline field.
	w = e.interact(viewSubmission(t, open.View, "VMODAL1", "USUB", answers))
	if got, want := w.Body.String(), `{"response_action":"errors","errors":{"deadline":"required for For Action statements."}}`; w.Code != 200 || got != want {
		t.Fatalf("missing deadline answered %d\n%s\nwant\n%s", w.Code, got, want)
	}
	if _, err := e.db.Statement(ctx, 1); bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Fatalf("a statement was created from a form with errors (err=%v)", err)
	}

	// Corrected: the modal closes and the statement exists.
	answers[bot.FDeadline] = "2026-07-15"
	sub := viewSubmission(t, open.View, "VMODAL1", "USUB", answers)
	w = e.interact(sub)
	if w.Code != 200 || w.Body.Len() != 0 {
		t.Fatalf("good submission answered %d %q, want an empty 200 (closes the modal)", w.Code, w.Body)
	}
	s, err := e.db.Statement(ctx, 1)
	if err != nil {
		t.Fatalf("LS-1 was not created: %v", err)
	}
	if s.State != bot.StatePending || s.Title != "YANG models for 5G" || s.Deadline.String() != "2026-07-15" || s.SubmitterKey != "slack:USUB" {
		t.Fatalf("LS-1 = %+v", s)
	}

	// The confirmation goes to the submitter's DM.
	posts := e.fake.Wait("chat.postMessage", 1)
	conf := posts[0]
	if conf.Form.Get("channel") != "USUB" {
		t.Fatalf("confirmation posted to %q, want the user USUB", conf.Form.Get("channel"))
	}
	for _, want := range []string{"LS-1", "pending", "Gonzalo Camarillo"} {
		if !strings.Contains(conf.Blocks(), want) {
			t.Errorf("confirmation lacks %q: %s", want, conf.Blocks())
		}
	}

	// The same submission again (a double click): nothing new.
	w = e.interact(sub)
	if w.Code != 200 || w.Body.Len() != 0 {
		t.Fatalf("second submission answered %d %q", w.Code, w.Body)
	}
	e.drain()
	if _, err := e.db.Statement(ctx, 2); bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Fatalf("the doubled submission created LS-2 (err=%v)", err)
	}
	if n := len(e.fake.Calls("chat.postMessage")); n != 1 {
		t.Fatalf("%d confirmations for one statement, want 1", n)
	}

	// The confirmation's Approve button.
	blockID, actionID := button(t, conf.Blocks(), "approve LS-1")
	confTS := conf.TS
	if id := statementOfBlock(blockID); id != 1 {
		t.Fatalf("the confirmation's block ids do not name LS-1: %s", blockID)
	}

	// Clicked by somebody who may not approve: an ephemeral refusal, nothing
	// changes.
	w = e.interact(buttonClick("UOTHER", "DSUB", confTS, false, blockID, actionID, "approve LS-1", e.fake.ResponseURL("click-other")))
	if w.Code != 200 {
		t.Fatalf("click answered %d", w.Code)
	}
	refusals := e.fake.Wait("response", 1)
	var refusal struct {
		ResponseType    string `json:"response_type"`
		ReplaceOriginal bool   `json:"replace_original"`
		Text            string `json:"text"`
		Blocks          json.RawMessage
	}
	if err := json.Unmarshal(refusals[0].JSON, &refusal); err != nil {
		t.Fatal(err)
	}
	if refusal.ResponseType != "ephemeral" || refusal.ReplaceOriginal || !strings.Contains(string(refusal.Blocks), "Only ") || !strings.Contains(string(refusal.Blocks), "approve LS-1") {
		t.Fatalf("refusal = %s", refusals[0].JSON)
	}
	e.drain()
	if n := len(e.fake.Calls("chat.update")); n != 0 {
		t.Fatalf("a refused click updated the message")
	}
	if s, _ := e.db.Statement(ctx, 1); s.State != bot.StatePending {
		t.Fatalf("after a refused click LS-1 is %s", s.State)
	}

	// Clicked by an admin: approved, and the message shows it in place.
	w = e.interact(buttonClick("UADMIN", "DSUB", confTS, false, blockID, actionID, "approve LS-1", e.fake.ResponseURL("click-admin")))
	if w.Code != 200 {
		t.Fatalf("click answered %d", w.Code)
	}
	updates := e.fake.Wait("chat.update", 1)
	if updates[0].Form.Get("channel") != "DSUB" || updates[0].Form.Get("ts") != confTS {
		t.Fatalf("chat.update on %s/%s, want DSUB/%s", updates[0].Form.Get("channel"), updates[0].Form.Get("ts"), confTS)
	}
	if !strings.Contains(updates[0].Blocks(), "approved") {
		t.Fatalf("the updated message does not say approved: %s", updates[0].Blocks())
	}
	if s, _ := e.db.Statement(ctx, 1); s.State != bot.StateApproved {
		t.Fatalf("after the admin's click LS-1 is %s", s.State)
	}
	if n := len(e.fake.Calls("response")); n != 1 {
		t.Errorf("the admin's click also posted %d response_url messages", n-1)
	}
}
