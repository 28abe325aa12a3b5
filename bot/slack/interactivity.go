package slack

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/ietf-tools/liaisonbot/bot"
)

// serveInteraction handles POST /slack/interactivity (and /slack/options,
// which receives the same payloads).
func (a *Adapter) serveInteraction(w http.ResponseWriter, r *http.Request, body []byte) {
	ic, err := parseInteractionBody(body)
	if err != nil {
		a.log.Debug("refused a malformed slack interaction", "err", err)
		writeAck(w, badRequest("malformed payload"))
		return
	}
	writeAck(w, a.interaction(ic))
}

// serveOptions handles POST /slack/options: external_select asks it for
// options (block_suggestion).
func (a *Adapter) serveOptions(w http.ResponseWriter, r *http.Request, body []byte) {
	a.serveInteraction(w, r, body)
}

// parseInteractionBody reads the form field "payload" and decodes it.
func parseInteractionBody(body []byte) (*slack.InteractionCallback, error) {
	vals, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, err
	}
	return parseInteraction([]byte(vals.Get("payload")))
}

// parseInteraction decodes an interaction payload.
func parseInteraction(payload []byte) (*slack.InteractionCallback, error) {
	if len(payload) == 0 {
		return nil, errors.New("empty payload")
	}
	var ic slack.InteractionCallback
	if err := json.Unmarshal(payload, &ic); err != nil {
		return nil, err
	}
	if ic.Type == "" {
		return nil, errors.New("payload without a type")
	}
	return &ic, nil
}

// interaction dispatches a decoded interaction.
func (a *Adapter) interaction(ic *slack.InteractionCallback) ack {
	switch ic.Type {
	case slack.InteractionTypeBlockActions:
		return a.blockActions(ic)
	case slack.InteractionTypeViewSubmission:
		return a.viewSubmission(ic)
	case slack.InteractionTypeBlockSuggestion:
		return a.blockSuggestion(ic)
	}
	// view_closed, shortcuts and the like: nothing to do.
	return ack{}
}

// click is a button click, read from a block_actions payload.
type click struct {
	origin
	text      string // the command line the button runs
	known     bool   // the button is one of the adapter's
	statement int64  // the statement the clicked message is about (0: none)
	ephemeral bool   // the clicked message is ephemeral
	messageTS string // the clicked message (for chat.update)
	userName  string
}

// clickOf reads a block_actions payload.
func clickOf(ic *slack.InteractionCallback) click {
	c := click{
		origin: origin{
			userID:      ic.User.ID,
			channelID:   firstNonEmpty(ic.Channel.ID, ic.Container.ChannelID),
			responseURL: ic.ResponseURL,
			triggerID:   ic.TriggerID,
			threadTS:    ic.Container.ThreadTs,
		},
		ephemeral: ic.Container.IsEphemeral,
		messageTS: firstNonEmpty(ic.Container.MessageTs, ic.Message.Timestamp),
		userName:  firstNonEmpty(ic.User.Name, ic.User.Profile.RealName),
	}
	if len(ic.ActionCallback.BlockActions) == 0 {
		return c
	}
	act := ic.ActionCallback.BlockActions[0]
	c.known = strings.HasPrefix(act.ActionID, actionPrefix) && act.Value != "" && len(act.Value) <= maxButtonValue
	c.text = act.Value
	c.statement = statementOfBlock(act.BlockID)
	return c
}

// statementOfBlock reads the statement id from a block id "ls-12-3".
func statementOfBlock(id string) int64 {
	rest, ok := strings.CutPrefix(id, statementBlockPrefix)
	if !ok {
		return 0
	}
	num, _, _ := strings.Cut(rest, "-")
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n <= 0 {
		return 0
	}
	return n
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// unknownButton answers a click on a button the adapter did not make.
var unknownButton = bot.Say(bot.Plain("I don't know that button (it may come from an older version of me). Type “/liaison help” to see what I can do."))

// blockActions runs the command of a clicked button as the person who
// clicked it.
func (a *Adapter) blockActions(ic *slack.InteractionCallback) ack {
	start := time.Now()
	c := clickOf(ic)
	if c.userID == "" {
		return badRequest("no user")
	}
	if !c.known {
		a.goAsync("unknown button", func(ctx context.Context) { a.answerMessages(ctx, c.origin, []bot.Message{unknownButton}) })
		return ack{}
	}
	prepare := func(ctx context.Context) *bot.Request {
		return &bot.Request{
			Platform:  bot.PlatformSlack,
			Actor:     a.actor(ctx, c.userID, c.userName),
			Channel:   slackChannel(c.channelID, "", c.threadTS),
			Text:      c.text, // the button's own command line, as rendered
			Modal:     c.triggerID != "",
			ParseUser: ParseUser,
		}
	}
	resp := a.race("button", prepare, func(ctx context.Context, resp *bot.Response) {
		msgs := resp.Messages
		if resp.Form != nil {
			if err := a.openForm(ctx, c.origin, resp.Form); err != nil {
				msgs = append([]bot.Message{formFailed(err)}, msgs...)
			}
		}
		a.answerClick(ctx, c, resp.Outcome, msgs)
	})
	if resp == nil {
		return ack{}
	}
	msgs := resp.Messages
	if resp.Form != nil {
		ctx, cancel := context.WithTimeout(a.ctx, viewBudget(start))
		err := a.openForm(ctx, c.origin, resp.Form)
		cancel()
		if err != nil {
			msgs = append([]bot.Message{formFailed(err)}, msgs...)
		}
	}
	if len(msgs) > 0 {
		a.goAsync("button answer", func(ctx context.Context) { a.answerClick(ctx, c, resp.Outcome, msgs) })
	}
	return ack{}
}

// answerClick shows the result of a click. A refusal goes to the clicker
// alone and changes nothing. A reply about the statement the clicked
// message showed replaces that message (chat.update, or response_url for
// an ephemeral one); any other reply is posted ephemerally and the clicked
// message stays.
func (a *Adapter) answerClick(ctx context.Context, c click, outcome string, msgs []bot.Message) {
	if outcome != "" {
		for i := range msgs {
			msgs[i].Public, msgs[i].Direct = false, false
		}
		a.answerMessages(ctx, c.origin, msgs)
		return
	}
	for i, m := range msgs {
		if i == 0 && !m.Direct && c.statement != 0 && m.Statement == c.statement {
			if err := a.replaceClicked(ctx, c, m); err == nil {
				continue
			}
		}
		a.answerMessages(ctx, c.origin, []bot.Message{m})
	}
}

// replaceClicked replaces the clicked message with m.
func (a *Adapter) replaceClicked(ctx context.Context, c click, m bot.Message) error {
	r := renderMessage(m)
	if c.ephemeral || c.messageTS == "" || c.channelID == "" {
		if c.responseURL == "" {
			return errNoTrigger
		}
		return a.respond(ctx, c.responseURL, responsePayload{ReplaceOriginal: true, Text: r.Text, Blocks: r.Blocks})
	}
	return a.update(ctx, c.channelID, c.messageTS, r)
}

// submission is a submitted statement modal.
type submission struct {
	origin
	callbackID string
	key        string
	values     map[string]string
	blockIDs   []string
	userName   string
}

func submissionOf(ic *slack.InteractionCallback) submission {
	meta := decodeMeta(ic.View.PrivateMetadata)
	return submission{
		origin:     origin{userID: ic.User.ID, channelID: meta.Channel},
		callbackID: ic.View.CallbackID,
		key:        ic.View.ID,
		values:     submittedValues(ic.View.State),
		blockIDs:   inputBlockIDs(ic.View),
		userName:   firstNonEmpty(ic.User.Name, ic.User.Profile.RealName),
	}
}

// viewSubmission submits the statement form. Field errors keep the modal
// open with the errors under their fields; success closes it and the
// confirmation goes to the user's DM, after the acknowledgement.
func (a *Adapter) viewSubmission(ic *slack.InteractionCallback) ack {
	s := submissionOf(ic)
	if s.userID == "" {
		return badRequest("no user")
	}
	if s.callbackID != statementCallbackID {
		a.log.Debug("closing an unknown slack view", "callback_id", s.callbackID)
		return ack{}
	}
	prepare := func(ctx context.Context) *bot.Request {
		return &bot.Request{
			Platform:  bot.PlatformSlack,
			Actor:     a.actor(ctx, s.userID, s.userName),
			Channel:   slackChannel(s.channelID, "", ""),
			Modal:     true,
			Submit:    &bot.FormSubmission{Values: s.values, Key: s.key},
			ParseUser: ParseUser,
		}
	}
	resp := a.race("view submission", prepare, func(ctx context.Context, resp *bot.Response) {
		if resp.Form != nil && len(resp.Form.Errors) > 0 {
			a.answerMessages(ctx, s.origin, []bot.Message{notSubmitted(resp.Form.Errors)})
			return
		}
		a.confirm(ctx, s, resp.Messages)
	})
	if resp == nil {
		return ack{} // closes the modal; the answer follows in the DM
	}
	if resp.Form != nil && len(resp.Form.Errors) > 0 {
		return ack{body: slack.NewErrorsViewSubmissionResponse(viewErrors(resp.Form.Errors, s.blockIDs))}
	}
	if resp.Outcome != "" {
		// A failure that is not about a field: keep the modal (and what
		// was typed) open with the message on top.
		var texts []string
		for _, m := range resp.Messages {
			texts = append(texts, plainOf(m))
		}
		msg := strings.TrimSpace(strings.Join(texts, " "))
		if msg == "" {
			msg = "Something went wrong; please try again."
		}
		return ack{body: slack.NewErrorsViewSubmissionResponse(viewErrors(map[string]string{s.blockIDs[0]: msg}, s.blockIDs))}
	}
	msgs := resp.Messages
	a.goAsync("confirmation", func(ctx context.Context) { a.confirm(ctx, s, msgs) })
	return ack{}
}

// confirm sends the answer to a submission once per view, however many
// times it was submitted: public messages to the channel the form was
// opened in, the others to the user's DM.
func (a *Adapter) confirm(ctx context.Context, s submission, msgs []bot.Message) {
	if len(msgs) == 0 {
		return
	}
	if s.key != "" {
		seen, err := a.cfg.Store.SeenSlackEvent(ctx, "view:"+s.key, a.now())
		if err != nil {
			a.log.Warn("could not record a confirmation", "view", s.key, "err", err)
		} else if seen {
			return
		}
	}
	for _, m := range msgs {
		var err error
		if m.Public && s.channelID != "" && !m.Direct {
			_, err = a.Post(ctx, s.channelID, m, "")
		} else {
			_, _, err = a.DirectMessage(ctx, s.userID, m)
		}
		if err != nil {
			a.log.Warn("could not send a confirmation", "user", s.userID, "err", err)
		}
	}
}

// notSubmitted tells, in the DM, why a submission that outlived the budget
// was refused.
func notSubmitted(errs map[string]string) bot.Message {
	var items []bot.Text
	for _, k := range bot.FieldErrors(errs).Keys() {
		items = append(items, bot.Line(bot.Bold(bot.FormFieldByKey(k).Label+":"), bot.Plain(" "+errs[k])))
	}
	return bot.Reply(
		bot.Paragraph{Text: bot.Words("Your statement was not submitted: the form has errors.")},
		bot.List{Items: items},
		bot.Context{Text: bot.Line(bot.Plain("Open the form again with "), bot.Code("/liaison submit"), bot.Plain("."))},
	)
}

// plainOf is a message's text without markup.
func plainOf(m bot.Message) string {
	var parts []string
	for _, b := range m.Blocks {
		switch v := b.(type) {
		case bot.Paragraph:
			parts = append(parts, v.Text.PlainString())
		case bot.Header:
			parts = append(parts, v.Text)
		}
	}
	if len(parts) == 0 {
		return m.Summary
	}
	return strings.Join(parts, " ")
}

// optionsBody answers a block_suggestion.
type optionsBody struct {
	Options []*slack.OptionBlockObject `json:"options"`
}

// blockSuggestion serves the organization and IETF group pickers.
func (a *Adapter) blockSuggestion(ic *slack.InteractionCallback) ack {
	ctx, cancel := context.WithTimeout(a.ctx, 2*time.Second)
	defer cancel()
	if ic.BlockID == bot.FGroup {
		return ack{body: optionsBody{Options: groupOptions(a.ietfGroups(ctx), ic.Value)}}
	}
	if ic.BlockID != bot.FOrg || a.cfg.Directory == nil {
		return ack{body: optionsBody{Options: []*slack.OptionBlockObject{}}}
	}
	d, err := a.cfg.Directory.Directory(ctx)
	if err != nil {
		a.log.Warn("could not read the directory for options", "err", err)
		return ack{body: optionsBody{Options: []*slack.OptionBlockObject{}}}
	}
	return ack{body: optionsBody{Options: orgOptions(d, ic.Value)}}
}

// ietfGroups reads the IETF groups the directory sync kept (none before
// the first sync, or without a SyncState).
func (a *Adapter) ietfGroups(ctx context.Context) *bot.IETFGroups {
	if a.cfg.SyncState == nil {
		return &bot.IETFGroups{}
	}
	raw, err := a.cfg.SyncState(ctx, bot.SyncKeyIETFGroups)
	if err != nil {
		a.log.Warn("could not read the IETF groups for options", "err", err)
		return &bot.IETFGroups{}
	}
	gs, err := bot.ParseIETFGroups(raw)
	if err != nil {
		return &bot.IETFGroups{}
	}
	return gs
}
