package slack

import (
	"encoding/json"
	"sort"
	"strings"

	"github.com/slack-go/slack"

	"github.com/ietf-tools/liaisonbot/bot"
)

// The statement modal's ids: every input block's block_id is the form
// field's key, and every input element's action_id is inputActionID.
const (
	statementCallbackID = "liaison-statement"
	inputActionID       = "value"
	yesValue            = "yes"
)

// modalMeta travels in the modal's private_metadata.
type modalMeta struct {
	// Channel is where the form was opened: public answers go there.
	Channel string `json:"c,omitempty"`
	Heading string `json:"h,omitempty"`
}

func (m modalMeta) encode() string {
	b, err := json.Marshal(m)
	if err != nil || len(b) > maxModalMetadata {
		return ""
	}
	return string(b)
}

func decodeMeta(s string) modalMeta {
	var m modalMeta
	if s == "" || len(s) > maxModalMetadata || json.Unmarshal([]byte(s), &m) != nil {
		return modalMeta{}
	}
	return m
}

// formHeading names the form: a reply when the values say so.
func formHeading(v map[string]string) string {
	if v[bot.FPurpose] == string(bot.PurposeResponse) && v[bot.FRelated] != "" {
		if id, ok := bot.ParseRef(v[bot.FRelated]); ok {
			return "Reply to " + bot.Ref(id)
		}
	}
	return "New liaison statement"
}

// statementModal builds the modal for the statement form: one input block
// per field of bot.StatementForm, pre-filled from the form state. d (may be
// nil) names the pre-selected organization.
func statementModal(st *bot.FormState, meta modalMeta, d *bot.Directory) slack.ModalViewRequest {
	values := map[string]string{}
	if st != nil && st.Values != nil {
		values = st.Values
	}
	if meta.Heading == "" {
		meta.Heading = formHeading(values)
	}
	var blocks []slack.Block
	if st != nil && len(st.Errors) > 0 {
		var lines []string
		for _, k := range bot.FieldErrors(st.Errors).Keys() {
			f := bot.FormFieldByKey(k)
			lines = append(lines, "• *"+escape(f.Label)+"*: "+escape(st.Errors[k]))
		}
		if len(lines) > 0 {
			blocks = append(blocks, slack.NewSectionBlock(mrkdwnObject(truncate("⚠ Please check:\n"+strings.Join(lines, "\n"), maxSectionText)), nil, nil))
		}
	}
	for _, f := range bot.StatementForm() {
		blocks = append(blocks, inputBlock(f, values[f.Key], d))
	}
	if len(blocks) > maxModalBlocks {
		blocks = blocks[:maxModalBlocks]
	}
	return slack.ModalViewRequest{
		Type:            slack.VTModal,
		CallbackID:      statementCallbackID,
		Title:           plainObject(truncate(escape(meta.Heading), maxModalTitle)),
		Submit:          plainObject("Submit"),
		Close:           plainObject("Cancel"),
		Blocks:          slack.Blocks{BlockSet: blocks},
		PrivateMetadata: meta.encode(),
	}
}

// inputBlock is one field of the form.
func inputBlock(f bot.FormField, value string, d *bot.Directory) *slack.InputBlock {
	var el slack.BlockElement
	switch f.Kind {
	case bot.KindChoice:
		var opts []*slack.OptionBlockObject
		var initial *slack.OptionBlockObject
		want := choiceValue(f.Key, value)
		for _, c := range f.Choices {
			o := option(c.Value, c.Label)
			opts = append(opts, o)
			if c.Value == want {
				initial = o
			}
		}
		s := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plainObject("Choose"), inputActionID, opts...)
		s.InitialOption = initial
		el = s
	case bot.KindOrg, bot.KindGroups:
		// Several bodies or groups, the first the main one: a multi-select
		// whose options /slack/options serves (blockSuggestion).
		placeholder := "Type an acronym or a name"
		if f.Kind == bot.KindGroups {
			placeholder = "Type a group: acronym or name (opsawg, IAB)"
		}
		s := slack.NewOptionsMultiSelectBlockElement(slack.MultiOptTypeExternal, plainObject(placeholder), inputActionID)
		zero := 0
		s.MinQueryLength = &zero
		for _, v := range bot.SplitGroups(value) {
			label := v
			if d != nil && f.Kind == bot.KindOrg {
				if o := d.OrgByAcronym(v); o != nil {
					label = o.Label()
				}
			}
			if len(v) <= maxOptionValue {
				s.InitialOptions = append(s.InitialOptions, option(v, label))
			}
		}
		el = s
	case bot.KindDate:
		p := slack.NewDatePickerBlockElement(inputActionID)
		p.Placeholder = plainObject("Pick a date")
		if dt, err := bot.ParseDate(value); err == nil {
			p.InitialDate = dt.String()
		}
		el = p
	case bot.KindYesNo:
		o := option(yesValue, "Yes")
		c := slack.NewCheckboxGroupsBlockElement(inputActionID, o)
		if v := bot.NormalizeKey(value); v == "yes" || v == "y" || v == "true" || v == "1" || v == "on" {
			c.InitialOptions = []*slack.OptionBlockObject{o}
		}
		el = c
	default:
		in := slack.NewPlainTextInputBlockElement(nil, inputActionID)
		max := maxInputText
		if f.MaxLen > 0 && f.MaxLen < max {
			max = f.MaxLen
		}
		in.MaxLength = max
		switch f.Kind {
		case bot.KindLongText, bot.KindURLs:
			in.Multiline = true
		case bot.KindStatement:
			in.Placeholder = plainObject("LS-12")
		case bot.KindEmails:
			in.Placeholder = plainObject("name@example.org, other@example.org")
		}
		if r := []rune(value); len(r) > max {
			value = string(r[:max]) // Slack refuses a longer initial value
		}
		in.InitialValue = value
		el = in
	}
	help := f.Help
	if f.Kind == bot.KindLongText {
		help += " (At most 3000 characters here: put a longer text in an attachment.)"
	}
	b := slack.NewInputBlock(f.Key, plainObject(truncate(escape(f.Label), maxPlainText)), plainObject(truncate(escape(help), maxPlainText)), el)
	b.Optional = !f.Required
	return b
}

// choiceValue maps a pre-filled value onto a choice's value.
func choiceValue(key, value string) string {
	switch key {
	case bot.FPurpose:
		if p, ok := bot.ParsePurpose(value); ok {
			return string(p)
		}
	case bot.FDirection:
		switch bot.NormalizeKey(value) {
		case "outgoing", "out":
			return string(bot.Outgoing)
		case "incoming", "in":
			return string(bot.Incoming)
		}
	}
	return value
}

// option is a select option within Slack's limits.
func option(value, label string) *slack.OptionBlockObject {
	if len(value) > maxOptionValue {
		value = value[:maxOptionValue]
	}
	return slack.NewOptionBlockObject(value, plainObject(truncate(escape(label), maxOptionText)), nil)
}

// submittedValues reads a submitted modal's state into form values keyed by
// field key. Unknown blocks and empty answers are left out.
func submittedValues(state *slack.ViewState) map[string]string {
	out := map[string]string{}
	if state == nil {
		return out
	}
	for blockID, actions := range state.Values {
		if bot.FormFieldByKey(blockID) == nil {
			continue
		}
		a, ok := actions[inputActionID]
		if !ok {
			for _, x := range actions { // an element with another action id
				a, ok = x, true
				break
			}
		}
		if !ok {
			continue
		}
		var v string
		switch a.Type {
		case "plain_text_input":
			v = a.Value
		case "static_select", "external_select", "radio_buttons":
			v = a.SelectedOption.Value
		case "multi_static_select", "multi_external_select":
			var vs []string
			for _, o := range a.SelectedOptions {
				vs = append(vs, o.Value)
			}
			v = bot.JoinGroups(vs)
		case "datepicker":
			v = a.SelectedDate
		case "checkboxes":
			for _, o := range a.SelectedOptions {
				if o.Value == yesValue {
					v = yesValue
				}
			}
		default:
			switch {
			case a.Value != "":
				v = a.Value
			case a.SelectedOption.Value != "":
				v = a.SelectedOption.Value
			case a.SelectedDate != "":
				v = a.SelectedDate
			}
		}
		if strings.TrimSpace(v) != "" {
			out[blockID] = v
		}
	}
	return out
}

// inputBlockIDs lists the block ids of a view's input blocks, in order;
// when the view's blocks are unknown, the form's keys.
func inputBlockIDs(v slack.View) []string {
	var ids []string
	for _, b := range v.Blocks.BlockSet {
		if in, ok := b.(*slack.InputBlock); ok && in.BlockID != "" {
			ids = append(ids, in.BlockID)
		}
	}
	if len(ids) == 0 {
		for _, f := range bot.StatementForm() {
			ids = append(ids, f.Key)
		}
	}
	return ids
}

// viewErrors keys the form's errors by the view's input block ids: Slack
// refuses any other key. An error for a field the view does not show goes
// to the block of the field it is an alias of, else to the first input
// block.
func viewErrors(errs map[string]string, ids []string) map[string]string {
	out := map[string]string{}
	if len(ids) == 0 {
		return out
	}
	exists := map[string]bool{}
	for _, id := range ids {
		exists[id] = true
	}
	keys := make([]string, 0, len(errs))
	for k := range errs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		msg := strings.TrimSpace(errs[k])
		if msg == "" {
			continue
		}
		target := k
		if !exists[target] {
			target = bot.FieldAliases[strings.ToLower(k)]
			if k == "from" || k == "to" {
				target = bot.FOrg
			}
			if !exists[target] {
				target = ids[0]
				if f := bot.FormFieldByKey(k); f != nil {
					msg = f.Label + ": " + msg
				}
			}
		}
		if prev, ok := out[target]; ok {
			msg = prev + " " + msg
		}
		out[target] = truncate(msg, maxErrorText)
	}
	return out
}
