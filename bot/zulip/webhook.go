package zulip

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime/debug"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/ietf-tools/liaisonbot/bot"
)

// The outgoing webhook: Zulip POSTs JSON to /zulip/webhook when the bot is
// mentioned or sent a DM, and waits up to 10 s for the answer, which it
// posts in the same conversation.
//
// Answers, by status:
//   - 405: not a POST. 413: a body over MaxWebhookBody. 400: a body that is
//     not a JSON object at all (Zulip never sends one; there is no token to
//     check). 401: a wrong or missing token (compared in constant time).
//   - 200 for everything else, so that Zulip never shows "Failure!" for a
//     user's mistake: {"content": …} (with "widget_content" for choices)
//     when the whole answer is one message for the same conversation;
//     {"response_not_required": true} when the answer is sent through the
//     API instead (several messages, a Direct one, a message over the
//     length limit, or an answer that took longer than WebhookBudget),
//     or when there is nothing to say (a bot's message, a group DM that
//     does not mention the bot). A payload with a valid token but no
//     usable message gets a short help text.
//
// Without an API client (webhook-only mode) everything goes in the
// content, cut to the length limit: Direct messages then appear where the
// command was said, so a client is recommended (an outgoing-webhook bot
// has an API key too).

// MaxWebhookBody bounds a webhook request body.
const MaxWebhookBody = 1 << 20

// webhookHelp answers a payload that carries no usable message.
const webhookHelp = "Sorry, I could not read that message. Mention me with a command, for example `help`."

// webhookSlow answers, without an API client, a command that took too
// long.
const webhookSlow = "That is taking longer than expected. Please try again in a moment."

// webhookPayload is the body of an outgoing webhook request.
type webhookPayload struct {
	Data        string   `json:"data"`
	Token       string   `json:"token"`
	Trigger     string   `json:"trigger"` // "mention" or "direct_message" ("private_message" before Zulip 8)
	BotEmail    string   `json:"bot_email"`
	BotFullName string   `json:"bot_full_name"`
	Message     *Message `json:"message"`
}

// webhookAnswer is the body of the response.
type webhookAnswer struct {
	Content             string `json:"content,omitempty"`
	WidgetContent       string `json:"widget_content,omitempty"`
	ResponseNotRequired bool   `json:"response_not_required,omitempty"`
	// raw, if set, is the answer already encoded; it may be shared: never
	// change it.
	raw []byte
}

var errNotObject = errors.New("zulip: webhook body is not a JSON object")

// decodeWebhook decodes a webhook body in two steps: first the JSON object
// and its token, so that a body that is not JSON is told apart (err) from
// one whose fields have the wrong shape (bad, with the token still read).
func decodeWebhook(body []byte) (p webhookPayload, bad error, err error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil {
		return p, nil, fmt.Errorf("zulip: webhook body: %w", err)
	}
	if fields == nil {
		return p, nil, errNotObject
	}
	if raw, ok := fields["token"]; ok {
		_ = json.Unmarshal(raw, &p.Token) // a token that is not a string is no token
	}
	str := func(key string, dst *string) {
		if raw, ok := fields[key]; ok && bad == nil {
			if e := json.Unmarshal(raw, dst); e != nil {
				bad = fmt.Errorf("%s: %w", key, e)
			}
		}
	}
	str("data", &p.Data)
	str("trigger", &p.Trigger)
	str("bot_email", &p.BotEmail)
	str("bot_full_name", &p.BotFullName)
	if raw, ok := fields["message"]; ok && bad == nil {
		var m Message
		if e := json.Unmarshal(raw, &m); e != nil {
			bad = fmt.Errorf("message: %w", e)
		} else {
			p.Message = &m
		}
	}
	if bad == nil {
		bad = checkWebhookMessage(p.Message)
	}
	return p, bad, nil
}

// checkWebhookMessage checks that m says who sent it and where.
func checkWebhookMessage(m *Message) error {
	switch {
	case m == nil:
		return errors.New("no message")
	case m.SenderID <= 0:
		return errors.New("message has no sender_id")
	case m.IsDM():
		return nil
	case m.Type != MessageTypeStream && m.Type != "channel":
		return fmt.Errorf("message type %q", m.Type)
	case m.StreamID == 0 && m.DisplayRecipient.Channel == "":
		return errors.New("channel message without a channel")
	}
	return nil
}

// WebhookHandler returns the handler of POST /zulip/webhook, which accepts
// requests carrying token (ZULIP_WEBHOOK_TOKEN, the token in the outgoing
// webhook bot's zuliprc). With an empty token it refuses every request.
func (a *Adapter) WebhookHandler(token string) http.Handler {
	want := []byte(token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		if r.ContentLength > MaxWebhookBody {
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxWebhookBody))
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
				return
			}
			http.Error(w, "could not read the request body", http.StatusBadRequest)
			return
		}
		p, bad, err := decodeWebhook(body)
		if err != nil {
			a.log.Warn("zulip: webhook body is not JSON", "err", err)
			http.Error(w, "the body is not a JSON object", http.StatusBadRequest)
			return
		}
		if len(want) == 0 || subtle.ConstantTimeCompare([]byte(p.Token), want) != 1 {
			if len(want) == 0 {
				a.log.Error("zulip: webhook request refused: no token is configured (ZULIP_WEBHOOK_TOKEN)")
			} else {
				a.log.Warn("zulip: webhook request with a wrong token", "remote", r.RemoteAddr)
			}
			http.Error(w, "wrong token", http.StatusUnauthorized)
			return
		}
		if bad != nil {
			a.log.Warn("zulip: webhook payload without a usable message", "err", bad)
			writeAnswer(w, webhookAnswer{Content: webhookHelp})
			return
		}
		writeAnswer(w, a.webhook(r.Context(), p))
	})
}

// webhook handles a valid payload and returns the answer.
func (a *Adapter) webhook(ctx context.Context, p webhookPayload) webhookAnswer {
	m := p.Message
	a.setSelf(botSelf{Email: p.BotEmail, Name: p.BotFullName})
	me := a.getSelf()
	if fromSelf(m, me) {
		return webhookAnswer{ResponseNotRequired: true}
	}
	text := p.Data
	if text == "" {
		text = m.Content
	}
	where := placeOf(m, me)
	if where == placeGroupDM && !mentions(m.Content, me) && !mentions(p.Data, me) && p.Trigger != "mention" {
		return webhookAnswer{ResponseNotRequired: true}
	}
	in := a.inbound(m, text, where, me)

	// What is answered at once is answered here; only what may be slow
	// runs on a goroutine of its own, raced against the budget.
	if actor, isBot, ok := a.cachedActor(m); ok {
		if isBot {
			return webhookAnswer{ResponseNotRequired: true}
		}
		if req := a.request(in, actor); a.quick(ctx, req) {
			if ans, ok := a.answerNow(ctx, in, req); ok {
				return ans
			}
		}
	}

	// The work runs on its own context: it may outlive the request.
	work, cancel := context.WithTimeout(context.WithoutCancel(ctx), a.cfg.HandleTimeout)
	h := &handoff{done: make(chan struct{})}
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		defer cancel()
		unlock := a.lockUser(m.SenderID)
		defer unlock()
		defer func() {
			if r := recover(); r != nil {
				a.log.Error("zulip: webhook handling panicked", "message", m.ID, "panic", r, "stack", string(debug.Stack()))
				h.give(webhookAnswer{Content: bot.ErrorMessage(errors.New("panic"))})
			}
		}()
		resp := a.process(work, in)
		if resp == nil {
			h.give(webhookAnswer{ResponseNotRequired: true})
			return
		}
		ans, inline := a.inlineAnswer(in, resp)
		if inline {
			if h.give(ans) {
				return
			}
			if a.cfg.Client == nil {
				a.log.Warn("zulip: an answer came too late for the webhook and there is no API client to send it", "message", m.ID)
				return
			}
		} else {
			h.give(webhookAnswer{ResponseNotRequired: true})
		}
		if err := a.sendAll(work, in, resp); err != nil {
			a.log.Error("zulip: could not send an answer", "message", m.ID, "user", m.SenderID, "err", err)
		}
	}()

	timer := time.NewTimer(a.cfg.WebhookBudget)
	defer timer.Stop()
	select {
	case <-h.done:
		return h.answer
	case <-timer.C:
	}
	if ans, ok := h.abandon(); ok {
		return ans
	}
	a.log.Warn("zulip: webhook answer not ready in time", "budget", a.cfg.WebhookBudget, "message", m.ID)
	if a.cfg.Client != nil {
		return webhookAnswer{ResponseNotRequired: true}
	}
	return webhookAnswer{Content: webhookSlow}
}

// quick reports whether the handler answers req at once (bot.QuickHandler).
func (a *Adapter) quick(ctx context.Context, req *bot.Request) bool {
	q, ok := a.cfg.Handler.(bot.QuickHandler)
	return ok && q.Quick(ctx, req)
}

// answerNow runs a request that is answered at once on the webhook's own
// goroutine and returns the answer when it fits in the webhook's response;
// otherwise (ok false) it sends the answer through the API on a goroutine
// of its own and returns that no response is required.
func (a *Adapter) answerNow(ctx context.Context, in inbound, req *bot.Request) (ans webhookAnswer, ok bool) {
	defer func() {
		if r := recover(); r != nil {
			a.log.Error("zulip: webhook handling panicked", "message", in.msg.ID, "panic", r, "stack", string(debug.Stack()))
			ans, ok = webhookAnswer{Content: bot.ErrorMessage(errors.New("panic"))}, true
		}
	}()
	work := context.WithoutCancel(ctx)
	resp := a.run(work, in, req)
	if ans, inline := a.inlineAnswer(in, resp); inline {
		return ans, true
	}
	work, cancel := context.WithTimeout(work, a.cfg.HandleTimeout)
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		defer cancel()
		unlock := a.lockUser(in.msg.SenderID)
		defer unlock()
		if err := a.sendAll(work, in, resp); err != nil {
			a.log.Error("zulip: could not send an answer", "message", in.msg.ID, "user", in.msg.SenderID, "err", err)
		}
	}()
	return webhookAnswer{ResponseNotRequired: true}, true
}

// handoff passes the answer from the work to the waiting request, unless
// the request stopped waiting.
type handoff struct {
	mu        sync.Mutex
	done      chan struct{}
	answer    webhookAnswer
	given     bool
	abandoned bool
}

// give hands ans over and reports whether the request took it.
func (h *handoff) give(ans webhookAnswer) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.abandoned || h.given {
		return false
	}
	h.answer, h.given = ans, true
	close(h.done)
	return true
}

// abandon stops waiting; if the answer arrived meanwhile it is returned.
func (h *handoff) abandon() (webhookAnswer, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.given {
		return h.answer, true
	}
	h.abandoned = true
	return webhookAnswer{}, false
}

// inlineAnswer returns the webhook response that carries the whole of
// resp, if there is one: a single message for the same conversation that
// fits in one Zulip message — or, without an API client, every message
// at once, cut to the limit.
func (a *Adapter) inlineAnswer(in inbound, resp *bot.Response) (webhookAnswer, bool) {
	prefix := replyPrefix(in.where, in.me)
	max := MaxMessageLength
	if a.cfg.Client != nil {
		max = a.cfg.Client.Limits().MaxMessageLength
	}
	if len(resp.Messages) == 1 && resp.Messages[0].Memo != nil {
		// A kept message: rendered and encoded once for each way of
		// answering it.
		key := fmt.Sprintf("zulip:webhook\x00%s\x00%d\x00%t\x00%t", prefix, max, a.cfg.Client == nil, in.where == placeDM)
		v, err := resp.Messages[0].Memo.Remember(key, func() (any, error) {
			ans, ok := a.renderInline(in, resp, prefix, max)
			if ok {
				b, err := json.Marshal(ans)
				if err != nil {
					return nil, err
				}
				ans.raw = b
			}
			return inlined{ans, ok}, nil
		})
		if err == nil {
			in := v.(inlined)
			return in.ans, in.ok
		}
	}
	return a.renderInline(in, resp, prefix, max)
}

// inlined is a kept answer of inlineAnswer.
type inlined struct {
	ans webhookAnswer
	ok  bool
}

// renderInline is inlineAnswer, rendered.
func (a *Adapter) renderInline(in inbound, resp *bot.Response, prefix string, max int) (webhookAnswer, bool) {
	var msgs []bot.Message
	for _, m := range resp.Messages {
		if len(m.Blocks) > 0 {
			msgs = append(msgs, m)
		}
	}
	var r Rendered
	switch {
	case len(msgs) == 0:
		return webhookAnswer{ResponseNotRequired: true}, true
	case a.cfg.Client == nil:
		r = RenderAll(msgs, RenderOptions{ReplyPrefix: prefix})
		if utf8.RuneCountInString(r.Content) > max {
			const cut = "\n\n*(cut: the answer is too long for one message)*"
			r.Content = SplitContent(r.Content, max-utf8.RuneCountInString(cut))[0] + cut
		}
	case len(msgs) == 1 && !msgs[0].Direct:
		r = Render(msgs[0], RenderOptions{ReplyPrefix: prefix})
		if utf8.RuneCountInString(r.Content) > max {
			return webhookAnswer{}, false
		}
	default:
		return webhookAnswer{}, false
	}
	if strings.TrimSpace(r.Content) == "" {
		return webhookAnswer{ResponseNotRequired: true}, true
	}
	ans := webhookAnswer{Content: r.Content}
	if r.Widget != nil && (prefix != "" || in.where == placeDM) {
		if s, err := jsonString(r.Widget); err == nil {
			ans.WidgetContent = s
		}
	}
	return ans, true
}

// mentions reports whether text mentions the bot.
func mentions(text string, me botSelf) bool {
	return text != "" && stripMention(text, me) != strings.TrimSpace(text)
}

// writeAnswer writes a 200 JSON answer.
func writeAnswer(w http.ResponseWriter, ans webhookAnswer) {
	if ans.Content == "" && ans.WidgetContent == "" {
		ans = webhookAnswer{ResponseNotRequired: true}
	}
	b, err := ans.raw, error(nil)
	if b == nil {
		b, err = json.Marshal(ans)
	}
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

// Shutdown waits until the webhook work that outlived its requests (answers
// sent through the API) is done, or ctx is.
func (a *Adapter) Shutdown(ctx context.Context) error {
	done := make(chan struct{})
	go func() {
		a.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
