package commands

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/ietf-tools/liaisonbot/bot"
)

func submitCommand() *Definition {
	return &Definition{
		Name:    "submit",
		Aliases: []string{"new"},
		Usage:   "submit [organization] [field=value ...]",
		Summary: "open the liaison statement form, or submit at once with every field inline",
		Help: "Without fields, the form asks one question at a time (“back”, “skip”, “cancel” work at every question). " +
			"Fields inline as key=value pairs or “key: value” lines: " + strings.Join(bot.InlineKeys(), ", ") +
			". With every required field given and valid it submits at once; otherwise the form opens with what was given.",
		Examples: []string{
			"submit 3GPP",
			`submit to=3GPP from=opsawg purpose=action deadline=2027-01-15 title="Reply on YANG models" body="..."`,
		},
		Run: runSubmit,
	}
}

func runSubmit(ctx context.Context, c *Call) (*bot.Response, error) {
	in, err := bot.ParseInline(c.Args)
	if err != nil {
		return nil, err
	}
	d, err := c.directory(ctx)
	if err != nil {
		return nil, err
	}
	values := in.Values
	if in.Bare != "" && values[bot.FOrg] == "" {
		values[bot.FOrg] = in.Bare
	}
	bot.InferDirection(values, in.From, in.To, d)
	if len(in.Values) >= 3 { // more than an organization: try to submit at once
		env := c.formEnv(ctx, d)
		_, _, errs := bot.BuildStatement(values, env)
		if errs == nil {
			resp, err := c.r.createStatement(ctx, c.Request, values, "")
			var fe *FormError
			if !errors.As(err, &fe) || fe.Err != nil {
				return resp, err
			}
			errs = fe.Errors
		}
		// Every wrong field at once; the form opens at the first of them.
		resp, err := c.r.openForm(ctx, c.Request, "New liaison statement", values)
		if err != nil {
			return nil, err
		}
		if resp.Form != nil {
			resp.Form.Errors = errs
			return resp, nil
		}
		resp.Messages = append([]bot.Message{inlineErrors(errs)}, resp.Messages...)
		return resp, nil
	}
	return c.r.openForm(ctx, c.Request, "New liaison statement", values)
}

// inlineErrors lists every wrong field of an inline submission.
func inlineErrors(errs bot.FieldErrors) bot.Message {
	var items []bot.Text
	for _, k := range errs.Keys() {
		items = append(items, bot.Line(bot.Bold(bot.FormFieldByKey(k).Label+" ("+k+"): "), bot.Plain(errs[k])))
	}
	head := fmt.Sprintf("Not submitted: %d field(s) need fixing. The form opens at the first; the others are asked in turn.", len(items))
	return bot.Message{Blocks: []bot.Block{bot.Paragraph{Text: bot.Words(head)}, bot.List{Items: items}}, Summary: head}
}

// openForm opens the statement form pre-filled with values: a modal where
// the platform has them, else a conversation (moved to a DM when asked for
// in a channel).
func (r *Router) openForm(ctx context.Context, req *bot.Request, heading string, values map[string]string) (*bot.Response, error) {
	if req.Modal {
		v := map[string]string{bot.FDirection: string(bot.Outgoing)}
		for k, x := range values {
			v[k] = x
		}
		d, err := r.Store.Directory(ctx)
		if err != nil {
			return nil, err
		}
		bot.ContactDefaults(v, nil, d)
		return &bot.Response{Form: &bot.FormState{Heading: heading, Values: v}}, nil
	}
	if err := r.openFormRefusal(ctx, req); err != nil {
		return nil, err
	}
	d, err := r.Store.Directory(ctx)
	if err != nil {
		return nil, err
	}
	c := &Call{Request: req, r: r}
	conv := bot.NewConversation(heading, values, c.formEnv(ctx, d), r.Now())
	if err := r.Store.SaveConversation(ctx, req.Platform, req.Actor.UserID, conv); err != nil {
		return nil, err
	}
	prompt := ConversationPrompt(conv)
	if req.Channel.DM || req.Platform == bot.PlatformConsole {
		return reply(prompt), nil
	}
	prompt.Direct = true
	note := bot.Say(bot.Plain("I've started the statement form in a direct message with you, so the channel isn't flooded with questions."))
	return reply(note, prompt), nil
}

// continueForm feeds a line of a direct conversation to the user's form in
// progress. handled is false when there is none.
func (r *Router) continueForm(ctx context.Context, req *bot.Request) (resp *bot.Response, handled bool, err error) {
	conv, err := r.Store.Conversation(ctx, req.Platform, req.Actor.UserID)
	if bot.ErrorCode(err) == bot.ENOTFOUND {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	now := r.Now()
	if conv.Expired(now) {
		if err := r.Store.DeleteConversation(ctx, req.Platform, req.Actor.UserID); err != nil {
			return nil, false, err
		}
		note := bot.Say(bot.Plain(fmt.Sprintf("Your unfinished statement form (“%s”, last answered %s) was dropped after 24 hours without an answer. “submit” starts a new one.",
			conv.Heading, conv.Updated.UTC().Format("2006-01-02 15:04 UTC"))))
		// The line itself is then handled as a command.
		again := *req
		again.Submit = nil
		resp := r.Handle(ctx, &again)
		resp.Messages = append([]bot.Message{note}, resp.Messages...)
		return resp, true, nil
	}
	d, err := r.Store.Directory(ctx)
	if err != nil {
		return nil, true, err
	}
	c := &Call{Request: req, r: r}
	env := c.formEnv(ctx, d)
	switch conv.Answer(req.Text, env, now) {
	case bot.Cancelled:
		if err := r.Store.DeleteConversation(ctx, req.Platform, req.Actor.UserID); err != nil {
			return nil, true, err
		}
		return reply(bot.Say(bot.Plain("Cancelled: nothing was submitted."))), true, nil
	case bot.Submit:
		resp, err := r.createStatement(ctx, req, conv.Values, "")
		if err != nil {
			if fe, ok := err.(*FormError); ok {
				// Somebody changed the world under the form (a related
				// statement vanished): ask that field again.
				k := fe.Errors.Keys()[0]
				conv.Field, conv.Error = k, fe.Errors[k]
				delete(conv.Done, k)
				if err := r.Store.SaveConversation(ctx, req.Platform, req.Actor.UserID, conv); err != nil {
					return nil, true, err
				}
				return reply(ConversationPrompt(conv)), true, nil
			}
			return nil, true, err
		}
		if err := r.Store.DeleteConversation(ctx, req.Platform, req.Actor.UserID); err != nil {
			return nil, true, err
		}
		return resp, true, nil
	}
	if err := r.Store.SaveConversation(ctx, req.Platform, req.Actor.UserID, conv); err != nil {
		return nil, true, err
	}
	out := reply(ConversationPrompt(conv))
	if conv.Error != "" {
		out.Outcome = bot.EINVALID
	}
	return out, true, nil
}

// FormError is a form that did not validate. Err, if set, is the refusal
// behind it, which a command line shows as it is.
type FormError struct {
	Values map[string]string
	Errors bot.FieldErrors
	Err    error
}

func (e *FormError) Error() string { return "the statement form has errors:\n" + e.Errors.Error() }

// Unwrap returns the refusal behind the errors, if any.
func (e *FormError) Unwrap() error { return e.Err }

// createStatement validates the values and stores the new statement with its
// events (and, for a posted In Response, marks the statement it answers
// action-taken) in one transaction. key makes it idempotent.
func (r *Router) createStatement(ctx context.Context, req *bot.Request, values map[string]string, key string) (*bot.Response, error) {
	d, err := r.Store.Directory(ctx)
	if err != nil {
		return nil, err
	}
	c := &Call{Request: req, r: r}
	s, norm, errs := bot.BuildStatement(values, c.formEnv(ctx, d))
	if errs != nil {
		return nil, &FormError{Values: norm, Errors: errs}
	}
	now := r.Now()
	if !s.Submitted.IsZero() && bot.DateOf(s.Submitted).Before(bot.Today(now, r.Location)) {
		if err := bot.MayBackDate(req.Actor, d.StatementOrg(s), d); err != nil {
			return nil, &FormError{Values: norm, Errors: bot.FieldErrors{bot.FSubmitted: bot.ErrorMessage(err)}, Err: err}
		}
	}
	ns, events, err := bot.NewStatement(s, req.Actor, d.StatementOrg(s), d, now)
	if err != nil {
		// A refused claim of prior approval: the form asks that question
		// again, with the refusal; a command line gets the refusal itself.
		return nil, &FormError{Values: norm, Errors: bot.FieldErrors{bot.FApproved: bot.ErrorMessage(err)}, Err: err}
	}
	var answered *bot.Statement
	var mails []bot.Email
	duplicate := false
	err = r.Audience.Update(ctx, r.Store, func(tx bot.Tx) error {
		id, err := tx.Create(ns, key, events...)
		if bot.ErrorCode(err) == bot.ECONFLICT && key != "" {
			duplicate = true
			ns.ID = id
			return nil
		}
		if err != nil {
			return err
		}
		// A pending outgoing statement asks its approvers by email; one
		// approved before submission is posted, and mailed, at once.
		if mails, err = tx.Mail(ns, events, d.StatementOrg(ns), d); err != nil {
			return err
		}
		answered, err = bot.MarkAnswered(tx, ns, req.Actor, now)
		return err
	})
	if err != nil {
		return nil, err
	}
	if duplicate {
		existing, err := r.Store.Statement(ctx, ns.ID)
		if err != nil {
			return nil, err
		}
		ns = existing
	}
	m := submittedMessage(ns, d.StatementOrg(ns), d, answered)
	if w := bot.FormWarnings(norm, c.formEnv(ctx, d)); len(w) > 0 && !duplicate {
		m.Blocks = append(m.Blocks[:1:1], append([]bot.Block{bot.Context{Text: bot.Words("⚠ " + strings.Join(w, " "))}}, m.Blocks[1:]...)...)
	}
	if extra := mailBlocks(mails, r.Audience.Mail.Send); len(extra) > 0 {
		// Before the buttons.
		last := len(m.Blocks) - 1
		if _, ok := m.Blocks[last].(bot.Actions); ok {
			m.Blocks = append(append(append([]bot.Block(nil), m.Blocks[:last]...), extra...), m.Blocks[last])
		} else {
			m.Blocks = append(m.Blocks, extra...)
		}
	}
	return reply(m), nil
}

// submittedMessage confirms a submission: LS-n, its state, and who is now
// responsible.
func submittedMessage(s *bot.Statement, org *bot.Organization, d *bot.Directory, answered *bot.Statement) bot.Message {
	head := bot.Line(bot.Plain("Submitted "), bot.Bold(s.Ref()), bot.Plain(" “"+s.Title+"” ("+bot.DirectionText(s)+"). State: "+bot.StateText(s)+"."))
	blocks := []bot.Block{bot.Paragraph{Text: head}}
	if resp := bot.Responsible(s, org, d); len(resp) > 0 {
		what := "Now responsible"
		if s.State == bot.StatePending {
			what = "Waiting for approval by"
		}
		blocks = append(blocks, bot.Paragraph{Text: append(bot.Line(bot.Plain(what+": ")), peopleList(resp)...)})
	}
	if s.State == bot.StatePending && s.Direction == bot.Incoming {
		blocks = append(blocks, bot.Context{Text: bot.Words("An incoming statement is recorded as posted when one of its liaison managers or contacts, " +
			"the IAB liaison coordinators or an admin submits or approves it (“approve " + s.Ref() + "”).")})
	}
	if answered != nil {
		blocks = append(blocks, bot.Context{Text: bot.Words(answered.Ref() + " is now marked action taken: this statement answers it.")})
	}
	if b := bot.NextMoves(s, false); len(b) > 0 {
		blocks = append(blocks, bot.Actions{Buttons: append([]bot.Button{{Label: "Show", Command: "show " + s.Ref()}}, b...)})
	}
	return bot.Message{Blocks: blocks, Statement: s.ID, Summary: "Submitted " + s.Ref() + ": " + s.Title}
}
