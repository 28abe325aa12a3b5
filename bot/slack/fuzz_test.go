package slack

import (
	"net/url"
	"testing"
)

// FuzzParseInteraction feeds interactivity bodies (the form field
// "payload") to the parsing path: decoding, then reading a click, a
// submission and its errors. Nothing may panic or hang.
func FuzzParseInteraction(f *testing.F) {
	for _, p := range []string{
		`{"type":"block_actions","user":{"id":"U1","name":"sam"},"trigger_id":"1.2.3","response_url":"https://hooks.slack.com/actions/T1/1/x",` +
			`"container":{"type":"message","message_ts":"1700000000.000100","channel_id":"C1","is_ephemeral":true},"channel":{"id":"C1"},` +
			`"actions":[{"type":"button","action_id":"cmd-1","block_id":"ls-12-3","value":"approve LS-12","text":{"type":"plain_text","text":"Approve"},"action_ts":"1.1"}]}`,
		`{"type":"view_submission","user":{"id":"U1"},"view":{"id":"V1","callback_id":"liaison-statement","private_metadata":"{\"c\":\"C1\"}",` +
			`"blocks":[{"type":"input","block_id":"deadline","label":{"type":"plain_text","text":"Deadline"},"element":{"type":"datepicker","action_id":"value"}}],` +
			`"state":{"values":{"deadline":{"value":{"type":"datepicker","selected_date":"2026-07-15"}},"title":{"value":{"type":"plain_text_input","value":"T"}},` +
			`"organization":{"value":{"type":"external_select","selected_option":{"text":{"type":"plain_text","text":"3GPP"},"value":"3GPP"}}},` +
			`"approved":{"value":{"type":"checkboxes","selected_options":[{"value":"yes"}]}}}}}}`,
		`{"type":"block_suggestion","block_id":"organization","action_id":"value","value":"3gp","user":{"id":"U1"},"view":{"id":"V1"}}`,
		`{"type":"view_closed","view":{"id":"V1"}}`,
		`{"type":"block_actions","actions":[{"block_id":"ls-99999999999999999999-1"}]}`,
		`{"type":"view_submission","view":{"state":{"values":{"x":{}}}}}`,
		`{}`, `[]`, `null`, `{"type":1}`,
	} {
		f.Add("payload=" + url.QueryEscape(p))
	}
	f.Add("payload=%zz")
	f.Add("")
	f.Fuzz(func(t *testing.T, body string) {
		ic, err := parseInteractionBody([]byte(body))
		if err != nil {
			return
		}
		c := clickOf(ic)
		_ = commandText(c.text)
		s := submissionOf(ic)
		if len(s.blockIDs) == 0 {
			t.Fatal("a submission without block ids to put errors on")
		}
		errs := viewErrors(map[string]string{"title": "x", "nonsense": "y"}, s.blockIDs)
		for k := range errs {
			found := false
			for _, id := range s.blockIDs {
				found = found || id == k
			}
			if !found {
				t.Fatalf("error keyed by %q, not a block of the view", k)
			}
		}
	})
}
