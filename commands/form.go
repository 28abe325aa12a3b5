package commands

import (
	"context"
	"fmt"
	"strings"

	"github.com/ietf-tools/liaisonbot/bot"
)

// ConversationPrompt is the message that asks the conversation's current
// question, or shows the summary to confirm.
func ConversationPrompt(c *bot.Conversation) bot.Message {
	if c.Field == "" {
		return conversationSummary(c)
	}
	f := bot.FormFieldByKey(c.Field)
	n, of := c.Position()
	blocks := []bot.Block{bot.Context{Text: bot.Words(fmt.Sprintf("%s — question %d of %d", c.Heading, n, of))}}
	if c.Error != "" {
		blocks = append(blocks, bot.Paragraph{Text: bot.Line(bot.Bold("⚠ "+f.Label+": "), bot.Plain(c.Error))})
	}
	required := requiredNow(f.Key, c.Values)
	skippable := c.Skippable()
	q := bot.Line(bot.Bold(f.Label + "?"))
	switch {
	case required && skippable:
		q = append(q, bot.Plain(" (required unless the statement is its attachments alone: “skip” to give only attachments)"))
	case required || !skippable:
		q = append(q, bot.Plain(" (required)"))
		required = true
	default:
		q = append(q, bot.Plain(" (optional: “skip” leaves it empty)"))
	}
	blocks = append(blocks, bot.Paragraph{Text: q}, bot.Context{Text: bot.Words(f.Help)})
	// The current value stays after a wrong answer: "keep" keeps it.
	if cur := c.Values[f.Key]; cur != "" {
		blocks = append(blocks, bot.Paragraph{Text: bot.Line(bot.Plain("Current: "), bot.Code(shortValue(cur)), bot.Plain(" — “keep” keeps it."))})
	}
	choices := c.CurrentChoices()
	var buttons []bot.Button
	if len(choices) > 0 {
		var items []bot.Text
		for i, ch := range choices {
			items = append(items, bot.Line(bot.Plain(fmt.Sprintf("%d. %s", i+1, ch.Label))))
			buttons = append(buttons, bot.Button{Label: ch.Label, Command: ch.Value})
		}
		blocks = append(blocks, bot.List{Items: items})
	}
	if skippable {
		buttons = append(buttons, bot.Button{Label: "Skip", Command: bot.WordSkip})
	}
	if len(c.Trail) > 0 {
		buttons = append(buttons, bot.Button{Label: "Back", Command: bot.WordBack})
	}
	buttons = append(buttons, bot.Button{Label: "Cancel", Command: bot.WordCancel, Style: bot.StyleDanger})
	blocks = append(blocks, bot.Actions{Buttons: buttons})
	return bot.Message{Blocks: blocks, Summary: c.Heading + ": " + f.Label + "?"}
}

// requiredNow says whether the field must be filled, given the others.
func requiredNow(key string, v map[string]string) bool {
	probe := map[string]string{}
	for k, x := range v {
		probe[k] = x
	}
	delete(probe, key)
	_, msg, _ := bot.ValidateField(key, probe, bot.FormEnv{})
	return msg != ""
}

func shortValue(s string) string {
	s = strings.ReplaceAll(s, "\n", " ⏎ ")
	if r := []rune(s); len(r) > 120 {
		return string(r[:120]) + "…"
	}
	return s
}

func conversationSummary(c *bot.Conversation) bot.Message {
	blocks := []bot.Block{bot.Header{Text: c.Heading + ": check and submit"}}
	if c.Error != "" {
		blocks = append(blocks, bot.Paragraph{Text: bot.Line(bot.Bold("⚠ "), bot.Plain(c.Error))})
	}
	var fields []bot.Field
	for _, f := range bot.StatementForm() {
		if f.Applies != nil && !f.Applies(c.Values) {
			continue
		}
		v := c.Values[f.Key]
		if v == "" {
			continue
		}
		switch f.Key {
		case bot.FPurpose:
			v = bot.Purpose(v).Label()
		case bot.FBody:
			v = shortValue(v)
		}
		fields = append(fields, bot.Field{Label: f.Label, Value: bot.Words(v)})
	}
	blocks = append(blocks, bot.Fields{Fields: fields})
	blocks = append(blocks, bot.Context{Text: bot.Line(bot.Plain("“edit <field>” changes one field, for example "), bot.Code("edit deadline"), bot.Plain("."))})
	blocks = append(blocks, bot.Actions{Buttons: []bot.Button{
		{Label: "Submit", Command: bot.WordSubmit, Style: bot.StylePrimary},
		{Label: "Back", Command: bot.WordBack},
		{Label: "Cancel", Command: bot.WordCancel, Style: bot.StyleDanger},
	}})
	return bot.Message{Blocks: blocks, Summary: c.Heading + ": check and submit"}
}

// submitForm handles a filled-in modal: it creates the statement, or
// answers the field errors so the modal can show them next to the fields.
func (r *Router) submitForm(ctx context.Context, req *bot.Request) (*bot.Response, error) {
	resp, err := r.createStatement(ctx, req, req.Submit.Values, req.Submit.Key)
	if fe, ok := err.(*FormError); ok {
		errs := map[string]string{}
		for k, v := range fe.Errors {
			errs[k] = v
		}
		return &bot.Response{Form: &bot.FormState{Values: req.Submit.Values, Errors: errs}, Outcome: bot.EINVALID}, nil
	}
	return resp, err
}
