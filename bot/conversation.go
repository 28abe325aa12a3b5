package bot

import (
	"fmt"
	"strings"
	"time"
)

// Conversation is the statement form filled in one question at a time: the
// console's guided form and the Zulip DM form. It is plain data (stored as
// JSON between messages, so it survives a restart); Answer moves it on.
type Conversation struct {
	Values  map[string]string `json:"values"`
	Done    map[string]bool   `json:"done"`    // fields answered (or accepted as pre-filled)
	Field   string            `json:"field"`   // the field being asked; "" at the summary
	Trail   []string          `json:"trail"`   // fields answered, in order, for "back"
	Error   string            `json:"error"`   // the last error about Field
	Choices []Choice          `json:"choices"` // offered after an ambiguous answer
	Started time.Time         `json:"started"`
	Updated time.Time         `json:"updated"`
	// Heading names the form ("New liaison statement", "Reply to LS-12").
	Heading string `json:"heading"`
}

// ConversationIdle is how long a conversation waits for an answer before
// it is dropped.
const ConversationIdle = 24 * time.Hour

// Words a conversation understands at any question.
const (
	WordCancel = "cancel"
	WordBack   = "back"
	WordSkip   = "skip"
	WordKeep   = "keep"
	WordSubmit = "submit"
	WordEdit   = "edit"
	WordHelp   = "help"
	WordForm   = "form"
)

// NewConversation starts a form with pre-filled values: valid pre-filled
// fields are taken as answered; the first question is the first field that
// applies and is not answered.
func NewConversation(heading string, prefill map[string]string, env FormEnv, now time.Time) *Conversation {
	c := &Conversation{Values: map[string]string{}, Done: map[string]bool{}, Heading: heading, Started: now, Updated: now}
	if _, ok := prefill[FDirection]; !ok {
		c.Values[FDirection] = string(Outgoing)
	}
	for k, v := range prefill {
		c.Values[k] = v
	}
	errs := map[string]string{}
	choices := map[string][]Choice{}
	for _, f := range StatementForm() {
		if strings.TrimSpace(c.Values[f.Key]) == "" {
			continue
		}
		if _, has := prefill[f.Key]; !has {
			continue // a default, not an answer: ask it
		}
		norm, msg, ch := ValidateField(f.Key, c.Values, env)
		if msg == "" {
			c.Values[f.Key] = norm
			c.Done[f.Key] = true
		} else {
			errs[f.Key], choices[f.Key] = msg, ch
		}
	}
	c.advance(env)
	c.Error, c.Choices = errs[c.Field], choices[c.Field]
	return c
}

// Expired reports whether the conversation has been idle too long.
func (c *Conversation) Expired(now time.Time) bool { return now.Sub(c.Updated) > ConversationIdle }

// Outcome is what an answer did.
type Outcome int

// The outcomes.
const (
	Continue  Outcome = iota // ask the next question (or the same again)
	Cancelled                // the user gave up
	Submit                   // the user confirmed: submit Values
)

// Answer takes the user's reply to the current question.
func (c *Conversation) Answer(text string, env FormEnv, now time.Time) Outcome {
	c.Updated = now
	t := strings.TrimSpace(text)
	word := strings.ToLower(t)
	c.Error = ""
	switch word {
	case WordCancel, "stop", "quit", "abort":
		return Cancelled
	case WordBack:
		c.back()
		return Continue
	case WordHelp, "?":
		c.Error = "" // the prompt carries the help
		return Continue
	}
	if c.Field == "" {
		return c.answerSummary(word, t, env)
	}
	// "edit <field>" goes to that field from any question.
	if k := editField(t); k != "" {
		c.Choices = nil
		c.Field = k
		delete(c.Done, k)
		return Continue
	}
	f := FormFieldByKey(c.Field)
	switch word {
	case WordSkip:
		c.Choices = nil
		old := c.Values[c.Field]
		delete(c.Values, c.Field)
		if msg := c.skipRefused(c.Field); msg != "" {
			if old != "" {
				c.Values[c.Field] = old
			}
			c.Error = f.Label + " cannot be skipped: " + msg
			return Continue
		}
		c.accept(env)
		return Continue
	case WordKeep, ".":
		if c.Values[c.Field] == "" {
			c.Error = "there is no current value to keep: answer the question" + orSkip(c.skipRefused(c.Field) == "") + "."
			return Continue
		}
		t = c.Values[c.Field]
	}
	// A number picks one of the offered choices.
	if n, ok := choiceNumber(word, c.choices(f)); ok {
		t = n
	}
	// A wrong answer leaves the current value as it was: "keep" still
	// keeps it.
	norm, msg, ch := c.check(t, env)
	if msg != "" {
		c.Error = msg
		c.Choices = ch
		return Continue
	}
	c.Choices = nil
	if norm == "" {
		delete(c.Values, c.Field)
	} else {
		c.Values[c.Field] = norm
	}
	c.accept(env)
	return Continue
}

func orSkip(skippable bool) string {
	if skippable {
		return ", or “skip” it"
	}
	return ""
}

// check validates text as the answer to the current question, without
// changing the form.
func (c *Conversation) check(text string, env FormEnv) (norm, msg string, choices []Choice) {
	probe := make(map[string]string, len(c.Values)+1)
	for k, v := range c.Values {
		probe[k] = v
	}
	probe[c.Field] = text
	return ValidateField(c.Field, probe, env)
}

// skipRefused says why the current field may not be left empty, or "".
// The body may be skipped while the attachments are still to be asked:
// a statement may be its attachments alone, and the attachments question
// then needs an answer.
func (c *Conversation) skipRefused(key string) string {
	msg := requiredMessage(key, c.Values)
	if msg == "" {
		if key == FAttachments && strings.TrimSpace(c.Values[FBody]) == "" {
			return "a body or at least one attachment is required (“back” to write the body)."
		}
		return ""
	}
	if key == FBody && !c.Done[FAttachments] {
		return ""
	}
	return msg
}

// Skippable reports whether the current question may be skipped.
func (c *Conversation) Skippable() bool {
	if c.Field == "" {
		return false
	}
	probe := *c
	probe.Values = make(map[string]string, len(c.Values))
	for k, v := range c.Values {
		if k != c.Field {
			probe.Values[k] = v
		}
	}
	return probe.skipRefused(c.Field) == ""
}

// Accepts reports whether text is a valid answer to the current question
// (a form word, a choice's number, or a value that validates), without
// changing the form.
func (c *Conversation) Accepts(text string, env FormEnv) bool {
	t := strings.TrimSpace(text)
	if IsFormWord(t) {
		return true
	}
	if c.Field == "" {
		return isSubmitWord(strings.ToLower(t))
	}
	if _, ok := choiceNumber(strings.ToLower(t), c.CurrentChoices()); ok {
		return true
	}
	_, msg, _ := c.check(t, env)
	return msg == ""
}

// FreeText reports whether the current question takes any text as its
// answer (a title, a body, identifiers), rather than a choice, an
// organization, a group, a date, a statement or addresses.
func (c *Conversation) FreeText() bool {
	f := FormFieldByKey(c.Field)
	if f == nil {
		return false
	}
	switch f.Key {
	case FTitle, FBody, FIdentifiers:
		return true
	}
	return f.Kind == KindLongText
}

// IsFormWord reports whether a line is one of the words a form
// understands at every question (cancel, back, skip, keep, help, edit
// <field>, submit, form), rather than an answer or a command.
func IsFormWord(line string) bool {
	w := strings.ToLower(strings.TrimSpace(line))
	switch w {
	case WordCancel, "stop", "quit", "abort", WordBack, WordSkip, WordKeep, ".", WordHelp, "?", WordForm:
		return true
	}
	return editField(w) != ""
}

// editField is the field an "edit <field>" (or "change <field>") line
// names, or "".
func editField(line string) string {
	w := strings.ToLower(strings.TrimSpace(line))
	for _, p := range []string{WordEdit + " ", "change "} {
		if strings.HasPrefix(w, p) {
			return fieldByName(w[len(p):])
		}
	}
	return ""
}

// Subject names the form for a returning user: "statement to 3GPP",
// "statement from ITU-T SG15", "reply to LS-12".
func (c *Conversation) Subject() string {
	org := c.Values[FOrg]
	if !c.Done[FOrg] {
		org = ""
	}
	what := "statement"
	if strings.HasPrefix(c.Heading, "Reply to ") {
		what = "reply to " + strings.TrimPrefix(c.Heading, "Reply to ")
		if org == "" {
			return what
		}
		what = "reply"
	}
	switch {
	case org == "":
		return what
	case c.Values[FDirection] == string(Incoming):
		return what + " from " + org
	}
	return what + " to " + org
}

func isSubmitWord(w string) bool {
	switch w {
	case WordSubmit, "yes", "y", "confirm", "send", "ok":
		return true
	}
	return false
}

func (c *Conversation) answerSummary(word, t string, env FormEnv) Outcome {
	switch {
	case isSubmitWord(word):
		v, errs, choices := ValidateForm(c.Values, env)
		if errs == nil {
			c.Values = v
			return Submit
		}
		k := errs.Keys()[0]
		c.Field, c.Error, c.Choices = k, errs[k], choices[k]
		delete(c.Done, k)
		return Continue
	case strings.HasPrefix(word, WordEdit+" ") || strings.HasPrefix(word, "change "):
		_, name, _ := strings.Cut(t, " ")
		k := fieldByName(name)
		if k == "" {
			c.Error = fmt.Sprintf("There is no field “%s”. Fields: %s.", shorten(name, 30), strings.Join(formKeys(), ", "))
			return Continue
		}
		c.Field = k
		delete(c.Done, k)
		return Continue
	}
	c.Error = "Answer “submit” to submit it, “edit <field>” to change a field, “back” or “cancel”."
	return Continue
}

// accept marks the current field answered and moves to the next question.
func (c *Conversation) accept(env FormEnv) {
	c.Done[c.Field] = true
	c.Trail = append(c.Trail, c.Field)
	c.advance(env)
}

// advance picks the next field that applies and is not answered; "" means
// every field is answered and the summary is next.
func (c *Conversation) advance(env FormEnv) {
	ContactDefaults(c.Values, c.Done, env.Dir)
	c.Field = ""
	for _, f := range StatementForm() {
		if f.Applies != nil && !f.Applies(c.Values) {
			continue
		}
		if !c.Done[f.Key] {
			c.Field = f.Key
			return
		}
	}
}

// back returns to the previously answered field.
func (c *Conversation) back() {
	c.Choices = nil
	if len(c.Trail) == 0 {
		c.Error = "This is the first question."
		return
	}
	k := c.Trail[len(c.Trail)-1]
	c.Trail = c.Trail[:len(c.Trail)-1]
	delete(c.Done, k)
	c.Field = k
}

// choices returns the options offered for the field: the field's own, or
// those of an ambiguous answer.
func (c *Conversation) choices(f *FormField) []Choice {
	if len(c.Choices) > 0 {
		return c.Choices
	}
	if f != nil {
		return f.Choices
	}
	return nil
}

// CurrentChoices returns the options to offer for the current question.
func (c *Conversation) CurrentChoices() []Choice { return c.choices(FormFieldByKey(c.Field)) }

func choiceNumber(word string, choices []Choice) (string, bool) {
	if len(choices) == 0 || len(word) > 2 {
		return "", false
	}
	var n int
	if _, err := fmt.Sscanf(word, "%d", &n); err != nil || n < 1 || n > len(choices) {
		return "", false
	}
	return choices[n-1].Value, true
}

// fieldByName finds a field by key, alias or label.
func fieldByName(name string) string {
	n := strings.ToLower(strings.TrimSpace(name))
	if k, ok := FieldAliases[n]; ok {
		return k
	}
	for _, f := range StatementForm() {
		if NormalizeKey(f.Label) == NormalizeKey(n) {
			return f.Key
		}
	}
	return ""
}

func formKeys() []string {
	var out []string
	for _, f := range StatementForm() {
		out = append(out, f.Key)
	}
	return out
}

// Position returns the current question's number and the number of
// questions that apply.
func (c *Conversation) Position() (n, of int) {
	for _, f := range StatementForm() {
		if f.Applies != nil && !f.Applies(c.Values) {
			continue
		}
		of++
		if f.Key == c.Field {
			n = of
		}
	}
	return n, of
}
