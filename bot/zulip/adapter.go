package zulip

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
)

// The Zulip adapter. It receives commands in two ways — from its own event
// queue (Run: needs API credentials, no public URL) or from Zulip's
// outgoing webhook (WebhookHandler: a public URL and the bot's token) —
// turns each into a bot.Request for the command router, and renders the
// neutral bot.Message answers as Zulip Markdown with a zform widget for
// their choices. It also delivers notices (Deliver, the bot.Chat).
// It only translates: every rule lives in the bot and commands packages.
//
// What is a command: a one-to-one DM to the bot, or a message that
// mentions it (in a channel, or in a group DM — a group DM without a
// mention is people talking among themselves). The bot's own messages and
// other bots' are ignored. The mention is stripped from the text.
//
// Where the answer goes: where the command was said (the same channel and
// topic, the same DM or group DM); a message marked Direct (the statement
// form moved out of a channel) goes to the sender's one-to-one DM. The
// form itself runs as a DM conversation (Request.Modal is false; the
// router keeps it in the database, so it survives restarts).

// Store is what the adapter keeps in the database: a cache of Zulip users.
// *storage.DB implements it.
type Store interface {
	// ZulipUser returns the cached user (active is false for a deactivated
	// account), or an error with code ENOTFOUND.
	ZulipUser(ctx context.Context, id int64) (email, deliveryEmail, fullName string, isBot, active bool, fetched time.Time, err error)
	// SaveZulipUser caches a user.
	SaveZulipUser(ctx context.Context, id int64, email, deliveryEmail, fullName string, isBot, active bool, fetched time.Time) error
	// ZulipUserByEmail returns the id of the cached active human (not a
	// bot) with that real or API email, or an error with code ENOTFOUND.
	ZulipUserByEmail(ctx context.Context, email string) (id int64, fetched time.Time, err error)
}

// AdapterConfig is what NewAdapter needs.
type AdapterConfig struct {
	// Handler answers requests (the commands.Router).
	Handler bot.Handler
	// Client talks to Zulip's API. It is required by Run and Deliver; nil
	// means webhook-only mode, where every answer goes in the webhook's
	// response.
	Client *Client
	// Store caches Zulip users; nil keeps them in memory only.
	Store Store
	// Stream is the liaison channel (LIAISONBOT_ZULIP_STREAM): notices
	// whose target names no channel go there.
	Stream string

	Logger *slog.Logger
	// Now is the clock of cache ages (default time.Now).
	Now bot.Clock

	// HandleTimeout bounds the handling of one message: the command and
	// the sending of its answer (default 1 min).
	HandleTimeout time.Duration
	// WebhookBudget is how long the webhook waits for the answer before
	// it lets Zulip go (Zulip waits 10 s; default 7 s).
	WebhookBudget time.Duration
	// UserCacheTTL is how long a user lookup is trusted (default 24 h).
	UserCacheTTL time.Duration
	// LookupTimeout bounds a user lookup made while a command waits
	// (default 2 s).
	LookupTimeout time.Duration
	// OnRegister, if set, is called after every event queue registration
	// by Run; reregistered is false for the first one (a metric of lost
	// queues).
	OnRegister func(reregistered bool)
}

// Defaults of AdapterConfig.
const (
	DefaultHandleTimeout = time.Minute
	DefaultWebhookBudget = 7 * time.Second
	DefaultUserCacheTTL  = 24 * time.Hour
	DefaultLookupTimeout = 2 * time.Second
)

// Adapter is the Zulip adapter. Create it with NewAdapter.
type Adapter struct {
	cfg   AdapterConfig
	log   *slog.Logger
	now   func() time.Time
	users userCache

	// locks serialise the handling of one user's messages (a form
	// conversation's answers must be taken in order); striped by user id.
	locks [64]sync.Mutex
	seed  maphash.Seed

	listener atomic.Pointer[Listener]

	selfMu sync.Mutex
	self   botSelf

	wg sync.WaitGroup // webhook work that outlives its request
}

// botSelf is the bot's own account.
type botSelf struct {
	ID    int64
	Email string
	Name  string
}

// NewAdapter checks cfg and returns an adapter.
func NewAdapter(cfg AdapterConfig) (*Adapter, error) {
	if cfg.Handler == nil {
		return nil, errors.New("zulip: adapter needs a Handler")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.HandleTimeout <= 0 {
		cfg.HandleTimeout = DefaultHandleTimeout
	}
	if cfg.WebhookBudget <= 0 {
		cfg.WebhookBudget = DefaultWebhookBudget
	}
	if cfg.UserCacheTTL <= 0 {
		cfg.UserCacheTTL = DefaultUserCacheTTL
	}
	if cfg.LookupTimeout <= 0 {
		cfg.LookupTimeout = DefaultLookupTimeout
	}
	cfg.Stream = strings.TrimSpace(cfg.Stream)
	a := &Adapter{cfg: cfg, log: cfg.Logger, now: cfg.Now, seed: maphash.MakeSeed()}
	if cfg.Client != nil {
		a.self.Email = cfg.Client.Email()
	}
	return a, nil
}

// Registrations returns how many event queues Run has registered (the
// first included); more than one means queues were lost and replaced.
func (a *Adapter) Registrations() int64 {
	if l := a.listener.Load(); l != nil {
		return l.Registrations()
	}
	return 0
}

// Run receives commands from the bot's event queue until ctx is done. It
// first learns the bot's own account (GET /users/me), then registers for
// message events and handles them one at a time, in order. It returns nil
// when ctx is done, and an error only for failures no retry will fix
// (rejected credentials).
func (a *Adapter) Run(ctx context.Context) error {
	c := a.cfg.Client
	if c == nil {
		return errors.New("zulip: Run needs API credentials (ZULIP_SITE, ZULIP_EMAIL, ZULIP_API_KEY or ZULIP_CONFIG)")
	}
	if err := a.learnSelf(ctx); err != nil {
		return err
	}
	if ctx.Err() != nil {
		return nil
	}
	l := &Listener{
		Client: c,
		// "realm" brings the server's topic and content limits.
		Params: RegisterParams{EventTypes: []string{EventMessage}, FetchEventTypes: []string{"realm"}},
		Handle: a.handleEvent,
		OnRegister: func(_ *Queue, reregistered bool) {
			if a.cfg.OnRegister != nil {
				a.cfg.OnRegister(reregistered)
			}
		},
	}
	a.listener.Store(l)
	return l.Run(ctx)
}

// learnSelf fetches the bot's own account, retrying transient failures
// with backoff until ctx is done.
func (a *Adapter) learnSelf(ctx context.Context) error {
	c := a.cfg.Client
	for attempt := 1; ctx.Err() == nil; attempt++ {
		u, err := c.GetOwnUser(ctx)
		if err == nil {
			a.setSelf(botSelf{ID: u.ID, Email: u.Email, Name: u.FullName})
			a.log.Info("zulip: running as", "user", u.ID, "email", u.Email, "name", u.FullName)
			return nil
		}
		if ctx.Err() != nil {
			return nil
		}
		if permanent(err) {
			return fmt.Errorf("zulip: learning the bot's own account: %w", err)
		}
		wait := c.retry.Backoff(attempt)
		a.log.Warn("zulip: could not learn the bot's own account; retrying", "wait", wait, "err", err)
		_ = c.sleep(ctx, wait)
	}
	return nil
}

// ensureSelf learns the bot's account if it is not known yet (webhook
// mode, notices), best effort.
func (a *Adapter) ensureSelf(ctx context.Context) botSelf {
	me := a.getSelf()
	if me.ID != 0 || a.cfg.Client == nil {
		return me
	}
	lctx, cancel := context.WithTimeout(ctx, a.cfg.LookupTimeout)
	defer cancel()
	u, err := a.cfg.Client.GetOwnUser(lctx)
	if err != nil {
		a.log.Warn("zulip: could not learn the bot's own account", "err", err)
		return me
	}
	a.setSelf(botSelf{ID: u.ID, Email: u.Email, Name: u.FullName})
	return a.getSelf()
}

func (a *Adapter) getSelf() botSelf {
	a.selfMu.Lock()
	defer a.selfMu.Unlock()
	return a.self
}

func (a *Adapter) setSelf(s botSelf) {
	a.selfMu.Lock()
	defer a.selfMu.Unlock()
	if s.ID != 0 {
		a.self.ID = s.ID
	}
	if s.Email != "" {
		a.self.Email = s.Email
	}
	if s.Name != "" {
		a.self.Name = s.Name
	}
}

// lockUser serialises the handling of one user's messages.
func (a *Adapter) lockUser(id int64) func() {
	h := maphash.Comparable(a.seed, id)
	mu := &a.locks[h%uint64(len(a.locks))]
	mu.Lock()
	return mu.Unlock
}

// place is where a command was said.
type place int

const (
	placeDM      place = iota // a one-to-one DM with the bot
	placeGroupDM              // a DM with the bot and others
	placeChannel              // a channel message
)

// placeOf classifies m for the bot me.
func placeOf(m *Message, me botSelf) place {
	if !m.IsDM() {
		return placeChannel
	}
	for _, u := range m.DisplayRecipient.Users {
		if u.ID != m.SenderID && u.ID != me.ID && !bot.SameEmail(u.Email, me.Email) {
			return placeGroupDM
		}
	}
	return placeDM
}

// fromSelf reports whether the bot sent m.
func fromSelf(m *Message, me botSelf) bool {
	return (me.ID != 0 && m.SenderID == me.ID) || bot.SameEmail(m.SenderEmail, me.Email)
}

// handleEvent handles one event from the queue: a message that is a
// command is answered, within HandleTimeout, on a context that outlives a
// shutdown long enough to answer.
func (a *Adapter) handleEvent(ctx context.Context, ev Event) {
	if ev.Type != EventMessage || ev.Message == nil {
		return
	}
	m := ev.Message
	me := a.getSelf()
	if fromSelf(m, me) {
		return
	}
	where := placeOf(m, me)
	if where != placeDM && !ev.Mentioned() {
		return
	}
	hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), a.cfg.HandleTimeout)
	defer cancel()
	unlock := a.lockUser(m.SenderID)
	defer unlock()
	in := a.inbound(m, m.Content, where, me)
	resp := a.process(hctx, in)
	if resp == nil {
		return
	}
	if err := a.sendAll(hctx, in, resp); err != nil {
		a.log.Error("zulip: could not send an answer", "message", m.ID, "user", m.SenderID, "err", err)
	}
}

// inbound is one command message.
type inbound struct {
	msg   *Message
	text  string // without the bot's mention
	where place
	me    botSelf
}

// inbound builds the command from a message whose raw text is text.
func (a *Adapter) inbound(m *Message, text string, where place, me botSelf) inbound {
	return inbound{msg: m, text: stripMention(text, me), where: where, me: me}
}

// process runs the command; nil means the message is to be ignored (its
// sender is a bot).
func (a *Adapter) process(ctx context.Context, in inbound) *bot.Response {
	m := in.msg
	actor, isBot := a.actor(ctx, m)
	if isBot {
		a.log.Debug("zulip: ignoring a bot's message", "user", m.SenderID)
		return nil
	}
	return a.run(ctx, in, a.request(in, actor))
}

// run runs a request of in.
func (a *Adapter) run(ctx context.Context, in inbound, req *bot.Request) *bot.Response {
	resp := a.cfg.Handler.Handle(ctx, req)
	if resp == nil {
		resp = &bot.Response{}
	}
	a.log.Debug("zulip: handled", "command", resp.Command, "outcome", resp.Outcome, "user", in.msg.SenderID, "message", in.msg.ID)
	return resp
}

// request is the neutral request of in, from actor.
func (a *Adapter) request(in inbound, actor bot.Actor) *bot.Request {
	m := in.msg
	req := &bot.Request{Platform: bot.PlatformZulip, Actor: actor, Text: in.text, ParseUser: ParseUser}
	switch in.where {
	case placeChannel:
		// Notices address a stream by its name.
		req.Channel = bot.Channel{Name: m.DisplayRecipient.Channel, Topic: m.Topic, Key: m.DisplayRecipient.Channel}
		if m.StreamID != 0 {
			req.Channel.ID = strconv.FormatInt(m.StreamID, 10)
		}
	case placeDM:
		req.Channel = bot.Channel{DM: true}
	case placeGroupDM:
		// Like a channel: the form moves to the sender's own DM.
	}
	return req
}

// replyPrefix is what a typed or clicked command needs where it is said:
// the bot's mention, except in a one-to-one DM.
func replyPrefix(where place, me botSelf) string {
	if where == placeDM {
		return ""
	}
	return botMention(me)
}

// botMention is the bot's mention, by id when known.
func botMention(me botSelf) string {
	name := strings.Map(func(r rune) rune {
		if r == '*' || r == '|' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, strings.TrimSpace(me.Name))
	switch {
	case me.ID != 0:
		return "@**" + name + "|" + strconv.FormatInt(me.ID, 10) + "** "
	case name != "":
		return "@**" + name + "** "
	}
	return ""
}

// destination is where an answer goes.
func (in inbound) destination(direct bool, limits Limits) (OutgoingMessage, string) {
	m := in.msg
	switch {
	case direct || in.where == placeDM:
		return OutgoingMessage{To: []int64{m.SenderID}}, ""
	case in.where == placeGroupDM:
		out := m.Reply("")
		out.Content = ""
		return out, replyPrefix(in.where, in.me)
	}
	topic := cutTopic(m.Topic, limits.MaxTopicLength)
	if topic == "" {
		topic = "(no topic)"
	}
	out := OutgoingMessage{ChannelID: m.StreamID, Topic: topic}
	if m.StreamID == 0 {
		out.Channel = m.DisplayRecipient.Channel
	}
	return out, replyPrefix(in.where, in.me)
}

// sendAll sends every message of resp through the API, in order.
func (a *Adapter) sendAll(ctx context.Context, in inbound, resp *bot.Response) error {
	c := a.cfg.Client
	if c == nil {
		return errors.New("zulip: no API client to send the answer with")
	}
	var errs []error
	for _, m := range resp.Messages {
		dest, prefix := in.destination(m.Direct, c.Limits())
		r := Render(m, RenderOptions{ReplyPrefix: prefix})
		if _, err := a.send(ctx, dest, r); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// send sends a rendered message to dest, in as many pieces as the
// server's limit needs, the widget on the last. It returns the ids of
// the messages sent; on an error, those sent before it.
func (a *Adapter) send(ctx context.Context, dest OutgoingMessage, r Rendered) ([]int64, error) {
	c := a.cfg.Client
	content := r.Content
	if strings.TrimSpace(content) == "" {
		return nil, nil
	}
	chunks := SplitContent(content, c.Limits().MaxMessageLength)
	var ids []int64
	for i, chunk := range chunks {
		om := dest
		om.Content = chunk
		if i == len(chunks)-1 {
			om.Widget = r.Widget
		}
		id, err := c.SendMessage(ctx, om)
		if err != nil {
			return ids, err
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// stripMention removes the bot's mentions from text: @**Name**,
// @**Name|id**, @**|id** and their silent @_ forms.
func stripMention(text string, me botSelf) string {
	var alts []string
	id := `\d+`
	if me.ID != 0 {
		id = strconv.FormatInt(me.ID, 10)
		alts = append(alts, `\|`+id)
	}
	if name := strings.TrimSpace(me.Name); name != "" {
		alts = append(alts, `(?i:`+regexp.QuoteMeta(name)+`)(?:\|`+id+`)?`)
	}
	if len(alts) == 0 {
		return strings.TrimSpace(text)
	}
	re, err := regexp.Compile(`@_?\*\*(?:` + strings.Join(alts, "|") + `)\*\*`)
	if err != nil {
		return strings.TrimSpace(text)
	}
	return strings.TrimSpace(re.ReplaceAllString(text, ""))
}
