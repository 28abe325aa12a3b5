package commands

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/ietf-tools/liaisonbot/bot"
)

// ResumePause is how long a form may wait before its user counts as
// coming back: their next line first gets a reminder of where they stand.
const ResumePause = 30 * time.Minute

// A line in a conversation with a form open is, in this order:
//
//  1. with the command prefix ("/liaison …", a Slack slash command, a
//     mention of the bot on Zulip): a command, never an answer (a prefixed
//     form word such as "/liaison cancel", or a line that is no command
//     but answers a choice, as the form's buttons send on Slack, goes to
//     the form);
//  2. a form word (cancel, back, skip, keep, edit <field>, help, form):
//     the form's;
//  3. from a user coming back (a new console session, a line after
//     ResumePause): a command when it is one, else the answer; either way
//     the reply starts with one line saying where the form stands;
//  4. at a free-text question (title, body, identifiers): the answer;
//  5. at any other question: the answer when valid; else a command, when
//     it is one with valid arguments, whose reply ends with one line saying
//     that the form is still open; else the answer, refused.
func (r *Router) converse(ctx context.Context, req *bot.Request, command *string) (*bot.Response, bool, error) {
	conv, err := r.Store.Conversation(ctx, req.Platform, req.Actor.UserID)
	if bot.ErrorCode(err) == bot.ENOTFOUND {
		if req.Returning && strings.TrimSpace(req.Text) == "" {
			*command = "form"
			return &bot.Response{}, true, nil
		}
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	now := r.Now()
	if conv.Expired(now) {
		*command = "form"
		return r.continueForm(ctx, req)
	}
	text, prefixed := req.Text, req.Prefixed
	if t, ok := cutPrefix(text); ok {
		text, prefixed = t, true
	}
	line := strings.TrimSpace(text)
	returning := req.Returning || now.Sub(conv.Updated) >= ResumePause
	if returning {
		// Told once: the next line within the pause is no return.
		seen := *conv
		seen.Updated = now
		if err := r.Store.SaveConversation(ctx, req.Platform, req.Actor.UserID, &seen); err != nil {
			return nil, true, err
		}
	}
	if line == "" {
		*command = "form"
		if req.Returning {
			return reply(resumeLine(conv, now, false)), true, nil
		}
		return reply(ConversationPrompt(conv)), true, nil
	}
	d, err := r.Store.Directory(ctx)
	if err != nil {
		return nil, true, err
	}
	env := (&Call{Request: req, r: r}).formEnv(ctx, d)
	word, _ := SplitCommand(line)
	def := r.index[word]
	lower := strings.ToLower(line)
	formWord := bot.IsFormWord(line)
	// A command word is a command at a free-text question (for a returning
	// user), where it is no valid answer, and at the group question unless
	// the Datatracker lists a group of that name.
	command1 := def != nil && (conv.FreeText() || !conv.Accepts(line, env) ||
		(conv.Field == bot.FGroup && !groupListed(env, word)))
	answer := func() (*bot.Response, bool, error) {
		*command = "form"
		again := *req
		again.Text = text
		return r.continueForm(ctx, &again)
	}
	switch {
	case prefixed && def != nil && word != WordCancelCommand && word != bot.WordForm &&
		!(conv.Field == "" && conv.Accepts(line, env)): // the summary's Submit button

		return r.commandAtForm(ctx, req, text, command, conv), true, nil
	case prefixed && def == nil && !formWord && (conv.FreeText() || !conv.Accepts(line, env)):
		return r.commandAtForm(ctx, req, text, command, conv), true, nil
	case lower == bot.WordHelp || lower == "?":
		*command = "form"
		return reply(formHelp(conv, !conv.FreeText()), ConversationPrompt(conv)), true, nil
	case lower == bot.WordForm:
		*command = "form"
		return reply(ConversationPrompt(conv)), true, nil
	case prefixed || formWord:
		return answer()
	case returning:
		lead := resumeLine(conv, now, false)
		if command1 {
			if out := r.tryCommand(ctx, req, text, command); out != nil {
				out.Messages = append([]bot.Message{lead}, out.Messages...)
				return out, true, nil
			}
		}
		out, handled, err := answer()
		if out != nil {
			out.Messages = append([]bot.Message{lead}, out.Messages...)
		}
		return out, handled, err
	case conv.FreeText():
		return answer()
	case command1:
		if out := r.tryCommand(ctx, req, text, command); out != nil {
			out.Messages = append(out.Messages, stillOpenLine(conv))
			return out, true, nil
		}
		return answer()
	}
	return answer()
}

// WordCancelCommand is the cancel command's word ("/liaison cancel").
const WordCancelCommand = bot.WordCancel

// tryCommand runs the line as a command and returns its answer, or nil
// when it was not a command with valid arguments (a usage error): the
// line is then an answer to the form.
func (r *Router) tryCommand(ctx context.Context, req *bot.Request, text string, command *string) *bot.Response {
	again := *req
	again.Text = text
	name := ""
	out := r.dispatch(ctx, &again, &name)
	if out.Outcome == bot.EINVALID {
		return nil
	}
	*command = name
	return out
}

// commandAtForm runs a prefixed line as a command; the reply ends with a
// line saying that the form is still open (unless the command closed it or
// showed it).
func (r *Router) commandAtForm(ctx context.Context, req *bot.Request, text string, command *string, conv *bot.Conversation) *bot.Response {
	again := *req
	again.Text = text
	out := r.dispatch(ctx, &again, command)
	if *command == bot.WordForm || *command == WordCancelCommand {
		return out
	}
	if now, err := r.Store.Conversation(ctx, req.Platform, req.Actor.UserID); err == nil && now.Started.Equal(conv.Started) {
		out.Messages = append(out.Messages, stillOpenLine(now))
	}
	return out
}

// cutPrefix drops a leading "/liaison" (the slash command's word typed
// into a conversation); ok reports whether there was one.
func cutPrefix(line string) (string, bool) {
	t := strings.TrimLeftFunc(line, unicode.IsSpace)
	const p = "/liaison"
	if len(t) < len(p) || !strings.EqualFold(t[:len(p)], p) {
		return line, false
	}
	rest := t[len(p):]
	if rest != "" && !unicode.IsSpace(rune(rest[0])) {
		return line, false
	}
	return strings.TrimSpace(rest), true
}

// groupListed reports whether the Datatracker's list of IETF groups (once
// a directory sync read it) has this one.
func groupListed(env bot.FormEnv, g string) bool {
	if env.IETFGroup == nil {
		return false
	}
	known, listed := env.IETFGroup(g)
	return listed && known
}

// where says where the form stands: "question 6 of 14" or "the summary".
func where(conv *bot.Conversation) string {
	if conv.Field == "" {
		return "the summary"
	}
	n, of := conv.Position()
	return fmt.Sprintf("question %d of %d", n, of)
}

// resumeLine is the one line a returning user gets first: "You have an
// unfinished statement to 3GPP (question 6 of 14, started 2 hours ago):
// answer it, `form` to see it, or `cancel`." elsewhere is true outside the
// conversation (a Slack slash command in a channel): the commands then
// need the prefix.
func resumeLine(conv *bot.Conversation, now time.Time, elsewhere bool) bot.Message {
	at := where(conv)
	if conv.Field == "" {
		at = "at the summary"
	}
	head := fmt.Sprintf("You have an unfinished %s (%s, started %s)", conv.Subject(), at, bot.Ago(conv.Started, now))
	how := "answer it"
	if conv.Field == "" {
		how = "submit it"
	}
	form, cancel := bot.WordForm, bot.WordCancel
	if elsewhere {
		head += " in our direct messages"
		how += " there"
		form, cancel = "/liaison "+form, "/liaison "+cancel
	}
	return bot.Say(bot.Plain(head + ": " + how + ", “" + form + "” to see it, or “" + cancel + "”."))
}

// stillOpenLine ends the answer to a command run during a form.
func stillOpenLine(conv *bot.Conversation) bot.Message {
	what := "The statement form is still open at " + where(conv)
	if f := bot.FormFieldByKey(conv.Field); f != nil {
		what += " (" + f.Label + ")"
	}
	how := "answer it"
	if conv.Field == "" {
		how = "“submit” it"
	}
	return bot.Say(bot.Plain(what + ": " + how + ", “form” to see it again, or “cancel”."))
}

// formHelp explains, during a form, the current question, the form words
// and how to run a command without leaving the form. bare says whether a
// command works without the prefix at this question.
func formHelp(conv *bot.Conversation, bare bool) bot.Message {
	blocks := []bot.Block{bot.Header{Text: "Help: " + conv.Heading}}
	if f := bot.FormFieldByKey(conv.Field); f != nil {
		q := fmt.Sprintf("You are at %s, %s: %s", where(conv), f.Label, f.Help)
		if conv.Skippable() {
			q += " It may be left empty (“skip”)."
		} else {
			q += " An answer is required."
		}
		blocks = append(blocks, bot.Paragraph{Text: bot.Words(q)})
	} else {
		blocks = append(blocks, bot.Paragraph{Text: bot.Words("Every question is answered: check the summary and “submit” it, or change a field first.")})
	}
	var names []string
	for _, f := range bot.StatementForm() {
		names = append(names, f.Key)
	}
	blocks = append(blocks, bot.List{Items: []bot.Text{
		bot.Line(bot.Code("back"), bot.Plain(" — the previous question")),
		bot.Line(bot.Code("skip"), bot.Plain(" — leave an optional field empty")),
		bot.Line(bot.Code("keep"), bot.Plain(" — keep the current value")),
		bot.Line(bot.Code("edit <field>"), bot.Plain(" — go to a field ("+strings.Join(names, ", ")+")")),
		bot.Line(bot.Code("form"), bot.Plain(" — show the form where it stands")),
		bot.Line(bot.Code("cancel"), bot.Plain(" — drop the form; nothing is submitted")),
	}})
	run := bot.Line(bot.Plain("To run a command without leaving the form, start the line with "), bot.Code("/liaison"),
		bot.Plain(", for example "), bot.Code("/liaison contact 3gpp"), bot.Plain("; the form then waits where it is."))
	if bare {
		run = append(run, bot.Plain(" At this question a command also works on its own, when the line is not an answer."))
	} else {
		run = append(run, bot.Plain(" At this question any other line is taken as the answer."))
	}
	blocks = append(blocks, bot.Paragraph{Text: run})
	return bot.Message{Blocks: blocks, Summary: "Help: " + conv.Heading}
}

// formOpen reports whether the user has a form waiting in a conversation.
func (r *Router) formOpen(ctx context.Context, req *bot.Request) bool {
	conv, err := r.Store.Conversation(ctx, req.Platform, req.Actor.UserID)
	return err == nil && !conv.Expired(r.Now())
}

// remindOfForm puts the returning-user line first in an answer given
// outside the conversation while the user's form waits in it.
func (r *Router) remindOfForm(ctx context.Context, req *bot.Request, out *bot.Response) {
	conv, err := r.Store.Conversation(ctx, req.Platform, req.Actor.UserID)
	if err != nil || conv.Expired(r.Now()) {
		return
	}
	out.Messages = append([]bot.Message{resumeLine(conv, r.Now(), true)}, out.Messages...)
}

// openFormRefusal is the answer to a command that would open a form in a
// conversation while another waits there: the one waiting is not thrown
// away unasked.
func (r *Router) openFormRefusal(ctx context.Context, req *bot.Request) error {
	conv, err := r.Store.Conversation(ctx, req.Platform, req.Actor.UserID)
	if err != nil || conv.Expired(r.Now()) {
		return nil
	}
	return bot.Errorf(bot.ECONFLICT, "You have an unfinished %s (%s, started %s): finish it, or “cancel” it before starting another.",
		conv.Subject(), where(conv), bot.Ago(conv.Started, r.Now()))
}

func formCommand() *Definition {
	return &Definition{
		Name:    "form",
		Usage:   "form",
		Summary: "your unfinished statement form, where it stands (in a conversation)",
		Help: "Shows the question your statement form waits at. During a form, “back”, “skip”, “keep”, “edit <field>”, “help” and “cancel” work at every question, " +
			"and a line starting with /liaison runs as a command without leaving it.",
		Run: func(ctx context.Context, c *Call) (*bot.Response, error) {
			conv, err := c.r.Store.Conversation(ctx, c.Platform, c.Actor.UserID)
			if bot.ErrorCode(err) == bot.ENOTFOUND || (err == nil && conv.Expired(c.now())) {
				return reply(bot.Say(bot.Plain("You have no unfinished statement form. "), bot.Code("submit"), bot.Plain(" starts one."))), nil
			}
			if err != nil {
				return nil, err
			}
			m := ConversationPrompt(conv)
			if !c.Channel.DM && c.Platform != bot.PlatformConsole {
				m.Direct = true
				return reply(bot.Say(bot.Plain("Your statement form waits in our direct messages; I've shown it there.")), m), nil
			}
			return reply(m), nil
		},
	}
}

func cancelCommand() *Definition {
	return &Definition{
		Name:    "cancel",
		Usage:   "cancel",
		Summary: "drop your unfinished statement form (nothing is submitted)",
		Run: func(ctx context.Context, c *Call) (*bot.Response, error) {
			_, err := c.r.Store.Conversation(ctx, c.Platform, c.Actor.UserID)
			if bot.ErrorCode(err) == bot.ENOTFOUND {
				return nil, bot.Errorf(bot.ENOTFOUND, "You have no unfinished statement form to cancel.")
			}
			if err != nil {
				return nil, err
			}
			if err := c.r.Store.DeleteConversation(ctx, c.Platform, c.Actor.UserID); err != nil {
				return nil, err
			}
			return reply(bot.Say(bot.Plain("Cancelled: nothing was submitted."))), nil
		},
	}
}
