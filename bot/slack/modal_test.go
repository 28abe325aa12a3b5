package slack

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/ietf-tools/liaisonbot/bot"
)

func TestModal_OneInputPerFieldWithinLimits(t *testing.T) {
	long := strings.Repeat("x", 5000)
	st := &bot.FormState{
		Values: map[string]string{
			bot.FDirection: "incoming", bot.FOrg: "ITU-T SG15", bot.FPurpose: "For Comment",
			bot.FDeadline: "2026-09-30", bot.FBody: long, bot.FApproved: "yes", bot.FTitle: "A <b> & c",
			bot.FRelated: "LS-3",
		},
		Errors: map[string]string{bot.FGroup: "required."},
	}
	v := statementModal(st, modalMeta{Channel: "C1", Heading: "A heading far longer than twenty-four characters"}, nil)
	if n := utf8.RuneCountInString(v.Title.Text); n > maxModalTitle {
		t.Errorf("title of %d characters", n)
	}
	if len(v.Blocks.BlockSet) > maxModalBlocks || len(v.PrivateMetadata) > maxModalMetadata {
		t.Errorf("%d blocks, metadata of %d", len(v.Blocks.BlockSet), len(v.PrivateMetadata))
	}
	if !slack.ValidateUniqueBlockID(v) {
		t.Error("block ids are not unique")
	}
	inputs := map[string]*slack.InputBlock{}
	for _, b := range v.Blocks.BlockSet {
		if in, ok := b.(*slack.InputBlock); ok {
			inputs[in.BlockID] = in
		}
	}
	for _, f := range bot.StatementForm() {
		in := inputs[f.Key]
		if in == nil {
			t.Errorf("no input block for %s", f.Key)
			continue
		}
		if in.Optional == f.Required {
			t.Errorf("%s: optional=%v but required=%v", f.Key, in.Optional, f.Required)
		}
	}
	body := inputs[bot.FBody].Element.(*slack.PlainTextInputBlockElement)
	if !body.Multiline || utf8.RuneCountInString(body.InitialValue) > maxInputText || body.MaxLength > maxInputText {
		t.Errorf("body input: multiline %v, initial %d, max %d", body.Multiline, utf8.RuneCountInString(body.InitialValue), body.MaxLength)
	}
	if p := inputs[bot.FPurpose].Element.(*slack.SelectBlockElement); p.InitialOption == nil || p.InitialOption.Value != "comment" {
		t.Errorf("purpose initial option %+v", p.InitialOption)
	}
	if d := inputs[bot.FDirection].Element.(*slack.SelectBlockElement); d.InitialOption == nil || d.InitialOption.Value != "incoming" {
		t.Errorf("direction initial option %+v", d.InitialOption)
	}
	if o := inputs[bot.FOrg].Element.(*slack.MultiSelectBlockElement); o.Type != "multi_external_select" || len(o.InitialOptions) != 1 || o.InitialOptions[0].Value != "ITU-T SG15" {
		t.Errorf("organization element %+v", o)
	}
	if g := inputs[bot.FGroup].Element.(*slack.MultiSelectBlockElement); g.Type != "multi_external_select" {
		t.Errorf("group element %+v", g)
	}
	if d := inputs[bot.FDeadline].Element.(*slack.DatePickerBlockElement); d.InitialDate != "2026-09-30" {
		t.Errorf("deadline %q", d.InitialDate)
	}
	if r := inputs[bot.FRelated].Element.(*slack.PlainTextInputBlockElement); r.Placeholder.Text != "LS-12" || r.InitialValue != "LS-3" {
		t.Errorf("related %+v", r)
	}
	if c := inputs[bot.FApproved].Element.(*slack.CheckboxGroupsBlockElement); len(c.InitialOptions) != 1 {
		t.Errorf("approved not checked")
	}
	if ti := inputs[bot.FTitle].Element.(*slack.PlainTextInputBlockElement); ti.InitialValue != "A <b> & c" {
		t.Errorf("an input's initial value must stay raw: %q", ti.InitialValue)
	}
	if meta := decodeMeta(v.PrivateMetadata); meta.Channel != "C1" {
		t.Errorf("metadata %+v", meta)
	}
	// The errors known at opening are shown on top.
	if s, ok := v.Blocks.BlockSet[0].(*slack.SectionBlock); !ok || !strings.Contains(s.Text.Text, "IETF group") {
		t.Errorf("first block %#v", v.Blocks.BlockSet[0])
	}
}

func TestModal_ReplyHeading(t *testing.T) {
	v := statementModal(&bot.FormState{Values: map[string]string{bot.FPurpose: "response", bot.FRelated: "LS-12"}}, modalMeta{}, nil)
	if v.Title.Text != "Reply to LS-12" {
		t.Fatalf("title %q", v.Title.Text)
	}
}

func TestSubmittedValues_ReadsEveryElementType(t *testing.T) {
	raw := `{"values":{
		"direction":{"value":{"type":"static_select","selected_option":{"text":{"type":"plain_text","text":"Outgoing"},"value":"outgoing"}}},
		"organization":{"value":{"type":"external_select","selected_option":{"text":{"type":"plain_text","text":"3GPP"},"value":"3GPP"}}},
		"group":{"value":{"type":"multi_external_select","selected_options":[{"text":{"type":"plain_text","text":"IAB"},"value":"IAB"},{"text":{"type":"plain_text","text":"IESG"},"value":"IESG"}]}},
		"deadline":{"value":{"type":"datepicker","selected_date":"2026-07-15"}},
		"approved":{"value":{"type":"checkboxes","selected_options":[{"text":{"type":"plain_text","text":"Yes"},"value":"yes"}]}},
		"title":{"value":{"type":"plain_text_input","value":"A <title>"}},
		"body":{"value":{"type":"plain_text_input","value":null}},
		"related":{"other":{"type":"plain_text_input","value":"LS-2"}},
		"not-a-field":{"value":{"type":"plain_text_input","value":"x"}}
	}}`
	var st slack.ViewState
	if err := json.Unmarshal([]byte(raw), &st); err != nil {
		t.Fatal(err)
	}
	got := submittedValues(&st)
	want := map[string]string{"direction": "outgoing", "organization": "3GPP", "group": "IAB, IESG", "deadline": "2026-07-15", "approved": "yes", "title": "A <title>", "related": "LS-2"}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
}

func TestViewErrors_OnlyExistingBlockIDs(t *testing.T) {
	ids := []string{"direction", "organization", "title"}
	got := viewErrors(map[string]string{
		"title": "too long.", "org": "unknown.", "deadline": "required.", "x": "odd.", "empty": " ",
	}, ids)
	want := map[string]string{"title": "too long.", "organization": "unknown.", "direction": "Deadline: required. odd."}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
}

func TestGroupOptions_NamesAcronymsAndConcluded(t *testing.T) {
	gs, err := bot.ParseIETFGroups(`[{"Acronym":"mpls","Name":"Multiprotocol Label Switching","Type":"wg","State":"active"},
		{"Acronym":"pwe3","Name":"Pseudowire Emulation Edge to Edge","Type":"wg","State":"conclude"},
		{"Acronym":"opsawg","Name":"Operations and Management Area Working Group","Type":"wg","State":"active"}]`)
	if err != nil {
		t.Fatal(err)
	}
	opts := groupOptions(gs, "Multiprotocol Label Switching")
	if len(opts) == 0 || opts[0].Value != "mpls" {
		t.Fatalf("full name: %+v", opts)
	}
	opts = groupOptions(gs, "pw")
	if len(opts) != 1 || opts[0].Value != "pwe3" || !strings.Contains(opts[0].Text.Text, "(concluded)") {
		t.Fatalf("prefix: %+v", opts)
	}
	if opts := groupOptions(gs, ""); len(opts) != 6 || opts[0].Value != "IETF" {
		t.Fatalf("empty query: %d options, first %+v", len(opts), opts[0])
	}
	d := &bot.Directory{Orgs: []*bot.Organization{{ID: 1, Acronym: "ITU-T", Name: "ITU Telecommunication Standardization Sector"}}}
	if opts := orgOptions(d, "ITU-T-SG-5"); len(opts) == 0 || opts[0].Value != "ITU-T SG5" || opts[0].Text.Text != "ITU-T SG5 (through ITU-T)" {
		t.Fatalf("sub-body option: %+v", opts)
	}
}
