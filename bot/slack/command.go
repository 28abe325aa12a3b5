package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/ietf-tools/liaisonbot/bot"
)

// ack is how an inbound request is answered: the HTTP response, or the
// Socket Mode acknowledgement's payload.
type ack struct {
	status int // HTTP status; 0 means 200
	body   any // JSON payload; nil (and raw nil) for an empty answer
	// raw, if set, is the payload already encoded (instead of body); it
	// may be shared: never change it.
	raw []byte
	// oversize, if set, delivers the payload another way when it is too
	// large for a Socket Mode acknowledgement.
	oversize func(ctx context.Context)
}

// writeAck writes an ack as an HTTP response.
func writeAck(w http.ResponseWriter, a ack) {
	status := a.status
	if status == 0 {
		status = http.StatusOK
	}
	if a.empty() {
		w.WriteHeader(status)
		return
	}
	b, err := a.encode()
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b)
}

// empty reports whether the ack carries no payload.
func (a ack) empty() bool { return a.body == nil && a.raw == nil }

// encode is the ack's payload as JSON.
func (a ack) encode() ([]byte, error) {
	if a.raw != nil {
		return a.raw, nil
	}
	return encodeJSON(a.body)
}

// encodeJSON encodes v without escaping <, > and & as \u003c…: the
// mrkdwn entities (&lt;) then read as they are.
func encodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// badRequest is the answer to a verified request that makes no sense.
func badRequest(msg string) ack {
	return ack{status: http.StatusBadRequest, body: map[string]string{"error": msg}}
}

// messageBody is a message as an answer to a slash command (HTTP body,
// Socket Mode ack or response_url post).
type messageBody struct {
	ResponseType string        `json:"response_type"`
	Text         string        `json:"text"`
	Blocks       []slack.Block `json:"blocks,omitempty"`
}

func responseType(m bot.Message) string {
	if m.Public {
		return slack.ResponseTypeInChannel
	}
	return slack.ResponseTypeEphemeral
}

func bodyOf(m bot.Message) messageBody {
	r := renderMessage(m)
	return messageBody{ResponseType: responseType(m), Text: r.Text, Blocks: r.Blocks}
}

// origin is where a command came from, for answering it.
type origin struct {
	userID      string
	channelID   string
	responseURL string
	triggerID   string
	threadTS    string
}

// serveCommand handles POST /slack/commands.
func (a *Adapter) serveCommand(w http.ResponseWriter, r *http.Request, body []byte) {
	vals, err := url.ParseQuery(string(body))
	if err != nil {
		writeAck(w, badRequest("malformed form"))
		return
	}
	writeAck(w, a.slashCommand(slashFromForm(vals)))
}

// slashFromForm reads a slash command's form fields.
func slashFromForm(v url.Values) slack.SlashCommand {
	return slack.SlashCommand{
		TeamID:      v.Get("team_id"),
		ChannelID:   v.Get("channel_id"),
		ChannelName: v.Get("channel_name"),
		UserID:      v.Get("user_id"),
		UserName:    v.Get("user_name"),
		Command:     v.Get("command"),
		Text:        v.Get("text"),
		ResponseURL: v.Get("response_url"),
		TriggerID:   v.Get("trigger_id"),
		APIAppID:    v.Get("api_app_id"),
	}
}

// isDM reports whether a channel is a direct conversation with the bot.
func isDM(id, name string) bool { return strings.HasPrefix(id, "D") || name == "directmessage" }

// channelKey is how notices address the channel: its id, or nothing for
// a direct conversation.
func channelKey(id string, dm bool) string {
	if dm {
		return ""
	}
	return id
}

// slackChannel is the neutral channel of a request: notices address a
// Slack channel by its id (its Key), a direct conversation by nothing.
func slackChannel(id, name, thread string) bot.Channel {
	c := bot.Channel{ID: id, Name: name, DM: isDM(id, name), Topic: thread}
	c.Key = channelKey(id, c.DM)
	return c
}

// slashCommand runs a slash command. The answer rides on the
// acknowledgement when the command finishes within the budget; otherwise
// the acknowledgement is empty and the answer goes to response_url.
func (a *Adapter) slashCommand(cmd slack.SlashCommand) ack {
	if cmd.UserID == "" {
		return badRequest("no user_id")
	}
	start := time.Now()
	o := origin{userID: cmd.UserID, channelID: cmd.ChannelID, responseURL: cmd.ResponseURL, triggerID: cmd.TriggerID}
	channel := slackChannel(cmd.ChannelID, cmd.ChannelName, "")
	text := commandText(cmd.Text)
	request := func(actor bot.Actor) *bot.Request {
		return &bot.Request{
			Platform:  bot.PlatformSlack,
			Actor:     actor,
			Channel:   channel,
			Text:      text,
			Modal:     cmd.TriggerID != "",
			ParseUser: ParseUser,
		}
	}
	// What is answered at once is answered here; only what may be slow
	// races the budget on a goroutine of its own.
	if actor, ok := a.cachedActor(cmd.UserID, cmd.UserName); ok {
		if req := request(actor); a.quick(req) {
			return a.answerInTime(o, a.handleNow(req), start)
		}
	}
	prepare := func(ctx context.Context) *bot.Request {
		return request(a.actor(ctx, cmd.UserID, cmd.UserName))
	}
	resp := a.race("slash command", prepare, func(ctx context.Context, resp *bot.Response) {
		a.answerLate(ctx, o, resp)
	})
	if resp == nil {
		return ack{}
	}
	return a.answerInTime(o, resp, start)
}

// answerInTime answers a command that finished within the budget: the
// form first (its trigger expires), then the first message on the
// acknowledgement and the others after it.
func (a *Adapter) answerInTime(o origin, resp *bot.Response, start time.Time) ack {
	msgs := resp.Messages
	if resp.Form != nil {
		ctx, cancel := context.WithTimeout(a.ctx, viewBudget(start))
		err := a.openForm(ctx, o, resp.Form)
		cancel()
		if err != nil {
			msgs = append([]bot.Message{formFailed(err)}, msgs...)
		}
	}
	inline := -1
	for i, m := range msgs {
		if !m.Direct {
			inline = i
			break
		}
	}
	var rest []bot.Message
	for i, m := range msgs {
		if i != inline {
			rest = append(rest, m)
		}
	}
	if len(rest) > 0 {
		a.goAsync("command follow-up", func(ctx context.Context) { a.answerMessages(ctx, o, rest) })
	}
	if inline < 0 {
		return ack{}
	}
	m := msgs[inline]
	k := ack{oversize: func(ctx context.Context) { a.answerMessages(ctx, o, []bot.Message{m}) }}
	if b, ok := memoBody(m); ok {
		k.raw = b
		return k
	}
	k.body = bodyOf(m)
	return k
}

// memoBody is the JSON of a kept message as an answer (bodyOf), rendered
// and encoded once (bot.Memo): false for a message that is not kept.
func memoBody(m bot.Message) ([]byte, bool) {
	if m.Memo == nil {
		return nil, false
	}
	v, err := m.Memo.Remember("slack:answer", func() (any, error) { return encodeJSON(bodyOf(m)) })
	if err != nil {
		return nil, false
	}
	return v.([]byte), true
}

// answerLate answers a command that outlived the budget.
func (a *Adapter) answerLate(ctx context.Context, o origin, resp *bot.Response) {
	msgs := resp.Messages
	if resp.Form != nil {
		if err := a.openForm(ctx, o, resp.Form); err != nil {
			msgs = append([]bot.Message{formFailed(err)}, msgs...)
		}
	}
	a.answerMessages(ctx, o, msgs)
}

// answerMessages sends messages to the person who asked: direct ones to
// their DM, the others through response_url (in the channel when public,
// else ephemeral), or, without a response_url, as a DM.
func (a *Adapter) answerMessages(ctx context.Context, o origin, msgs []bot.Message) {
	for _, m := range msgs {
		var err error
		switch {
		case m.Direct || o.responseURL == "":
			_, _, err = a.DirectMessage(ctx, o.userID, m)
		default:
			r := renderMessage(m)
			err = a.respond(ctx, o.responseURL, responsePayload{ResponseType: responseType(m), Text: r.Text, Blocks: r.Blocks})
		}
		if err != nil {
			a.log.Warn("could not deliver an answer", "user", o.userID, "err", err)
		}
	}
}

// openForm opens the statement modal for the form state.
func (a *Adapter) openForm(ctx context.Context, o origin, st *bot.FormState) error {
	if o.triggerID == "" {
		return &APIError{Method: "views.open", Code: "no_trigger", Err: errNoTrigger}
	}
	var d *bot.Directory
	if a.cfg.Directory != nil {
		var err error
		if d, err = a.cfg.Directory.Directory(ctx); err != nil {
			a.log.Warn("could not read the directory for the form", "err", err)
		}
	}
	return a.openView(ctx, o.triggerID, statementModal(st, modalMeta{Channel: o.channelID}, d))
}

// viewBudget is how long views.open may take: what is left of Slack's 3
// seconds since the request arrived (at least half a second).
func viewBudget(start time.Time) time.Duration {
	return max(2900*time.Millisecond-time.Since(start), 500*time.Millisecond)
}

type constError string

func (e constError) Error() string { return string(e) }

const errNoTrigger = constError("no trigger_id to open a modal with")

// formFailed tells the user the form could not be opened.
func formFailed(err error) bot.Message {
	msg := "I couldn't open the statement form in time. Please try again"
	if errorCode(err) == "no_trigger" {
		msg = "I can't open the statement form from here. Use “/liaison submit”"
	}
	return bot.Say(bot.Plain(msg + ", or give the fields inline: “submit to=3GPP from=opsawg purpose=info title=\"…\" body=\"…\"”."))
}

// slackToken is one <…> token of Slack's message format.
var slackToken = regexp.MustCompile(`<([^<>]*)>`)

// commandText turns Slack's message format back into what the user typed:
// links become their URL, emails their address, channels their name; user
// mentions stay <@U…>; &amp; &lt; &gt; become & < >.
func commandText(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return s // most commands: nothing to undo
	}
	s = slackToken.ReplaceAllStringFunc(s, func(tok string) string {
		inner := tok[1 : len(tok)-1]
		target, label, _ := strings.Cut(inner, "|")
		switch {
		case strings.HasPrefix(target, "@"):
			return "<" + target + ">"
		case strings.HasPrefix(target, "#"):
			if label != "" {
				return "#" + label
			}
			return target
		case strings.HasPrefix(target, "!"):
			if label != "" {
				return label
			}
			return "@" + strings.TrimPrefix(target, "!")
		case strings.HasPrefix(target, "mailto:"):
			return strings.TrimPrefix(target, "mailto:")
		}
		return target
	})
	return slackEntities.Replace(s)
}

// slackEntities are the three entities Slack escapes.
var slackEntities = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&")
