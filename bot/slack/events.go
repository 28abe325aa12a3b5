package slack

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
)

// eventEnvelope is an Events API delivery.
type eventEnvelope struct {
	Type           string     `json:"type"`
	Challenge      string     `json:"challenge"`
	EventID        string     `json:"event_id"`
	Event          innerEvent `json:"event"`
	Authorizations []struct {
		UserID string `json:"user_id"`
		IsBot  bool   `json:"is_bot"`
	} `json:"authorizations"`
}

// innerEvent is the part of an app_mention or message event the bot reads.
type innerEvent struct {
	Type        string `json:"type"`
	Subtype     string `json:"subtype"`
	User        string `json:"user"`
	BotID       string `json:"bot_id"`
	Text        string `json:"text"`
	TS          string `json:"ts"`
	ThreadTS    string `json:"thread_ts"`
	Channel     string `json:"channel"`
	ChannelType string `json:"channel_type"`
	Tab         string `json:"tab"` // app_home_opened: "home" or "messages"
}

// eventJob is a command to run from an event.
type eventJob struct {
	id   string
	ev   innerEvent
	home bool // publish the user's home tab
}

// serveEvent handles POST /slack/events.
func (a *Adapter) serveEvent(w http.ResponseWriter, r *http.Request, body []byte) {
	writeAck(w, a.event(body, r.Header.Get("X-Slack-Retry-Num")))
}

// event answers an Events API delivery at once; the command it carries runs
// on the worker pool. Deliveries are deduplicated by event_id in the
// database, so Slack's retries (X-Slack-Retry-Num), also after a restart,
// run nothing twice.
func (a *Adapter) event(body []byte, retryNum string) ack {
	var env eventEnvelope
	if err := json.Unmarshal(body, &env); err != nil {
		return badRequest("malformed event")
	}
	switch env.Type {
	case "url_verification":
		return ack{body: map[string]string{"challenge": env.Challenge}}
	case "event_callback":
	default:
		return ack{}
	}
	if env.EventID == "" {
		return badRequest("no event_id")
	}
	for _, au := range env.Authorizations {
		if au.IsBot && au.UserID != "" {
			if id, _ := a.botUser.Load().(string); id == "" {
				a.botUser.Store(au.UserID)
			}
			break
		}
	}
	home := a.wantedHome(env.Event)
	if !home && !a.wanted(env.Event) {
		return ack{}
	}
	ctx, cancel := context.WithTimeout(a.ctx, 2*time.Second)
	defer cancel()
	seen, err := a.cfg.Store.SeenSlackEvent(ctx, env.EventID, a.now())
	if err != nil {
		a.log.Error("could not record a slack event; Slack will retry it", "event", env.EventID, "err", err)
		return ack{status: http.StatusInternalServerError}
	}
	if seen {
		a.log.Debug("dropped a repeated slack event", "event", env.EventID, "retry", retryNum)
		return ack{}
	}
	if !a.enqueue(eventJob{id: env.EventID, ev: env.Event, home: home}) {
		if err := a.cfg.Store.ForgetSlackEvent(ctx, env.EventID); err != nil {
			a.log.Error("could not forget a dropped slack event", "event", env.EventID, "err", err)
		}
		a.log.Warn("event queue full; Slack will retry", "event", env.EventID)
		return ack{status: http.StatusServiceUnavailable}
	}
	return ack{}
}

// wanted reports whether an event is a command for the bot: a mention in a
// channel, or a message in a DM, from a person (not the bot, not another
// bot, not an edit or a join).
func (a *Adapter) wanted(ev innerEvent) bool {
	if ev.User == "" || ev.BotID != "" || ev.Subtype != "" || ev.Channel == "" {
		return false
	}
	if id, _ := a.botUser.Load().(string); id != "" && ev.User == id {
		return false
	}
	im := ev.ChannelType == "im" || strings.HasPrefix(ev.Channel, "D")
	switch ev.Type {
	case "app_mention":
		return !im // a DM arrives as message.im too
	case "message":
		return im
	}
	return false
}

// wantedHome reports whether an event is a person opening the app's home
// tab, which the adapter then publishes.
func (a *Adapter) wantedHome(ev innerEvent) bool {
	return ev.Type == "app_home_opened" && ev.Tab == "home" && validUserID(ev.User) && a.cfg.Home != nil
}

// enqueue hands a job to the workers without waiting; false when the queue
// is full or shut.
func (a *Adapter) enqueue(j eventJob) bool {
	a.eventsMu.RLock()
	defer a.eventsMu.RUnlock()
	if a.closed {
		return false
	}
	select {
	case a.events <- j:
		return true
	default:
		return false
	}
}

// eventWorker runs queued event commands until Shutdown.
func (a *Adapter) eventWorker() {
	for j := range a.events {
		if j.home {
			a.runHome(j)
			continue
		}
		a.runEvent(j)
	}
}

// leadingMention is a user mention at the start of a message.
var leadingMention = regexp.MustCompile(`^\s*<@([A-Z0-9]+)(\|[^>]*)?>[\s:,]*`)

// runEvent runs the command of a mention or DM and replies in the thread
// (channel) or in the DM.
func (a *Adapter) runEvent(j eventJob) {
	ctx, cancel := context.WithTimeout(a.ctx, a.cfg.WorkTimeout)
	defer cancel()
	defer a.recoverPanic("event " + j.id)
	ev := j.ev
	im := ev.ChannelType == "im" || strings.HasPrefix(ev.Channel, "D")
	text := ev.Text
	if ev.Type == "app_mention" {
		text = stripMention(text, a.botUserID(ctx))
	}
	thread := ev.ThreadTS
	if !im && thread == "" {
		thread = ev.TS
	}
	resp := a.handle(ctx, func(ctx context.Context) *bot.Request {
		return &bot.Request{
			Platform:  bot.PlatformSlack,
			Actor:     a.actor(ctx, ev.User, ""),
			Channel:   bot.Channel{ID: ev.Channel, DM: im, Topic: ev.ThreadTS, Key: channelKey(ev.Channel, im)},
			Text:      commandText(text),
			ParseUser: ParseUser,
		}
	})
	for _, m := range resp.Messages {
		var err error
		if m.Direct && !im {
			_, _, err = a.DirectMessage(ctx, ev.User, m)
		} else {
			_, err = a.Post(ctx, ev.Channel, m, thread)
		}
		if err != nil {
			a.log.Warn("could not reply to a slack event", "event", j.id, "err", err)
		}
	}
}

// stripMention drops the bot's mention from the start of a message (or,
// when it is not at the start, its first occurrence). Without the bot's id,
// a leading mention is dropped.
func stripMention(text, botID string) string {
	if m := leadingMention.FindStringSubmatch(text); m != nil && (botID == "" || m[1] == botID) {
		return strings.TrimSpace(text[len(m[0]):])
	}
	if botID != "" {
		for _, tok := range []string{"<@" + botID + ">", "<@" + botID + "|"} {
			if i := strings.Index(text, tok); i >= 0 {
				end := strings.IndexByte(text[i:], '>')
				if end < 0 {
					break
				}
				return strings.TrimSpace(strings.TrimRight(text[:i], " ") + " " + strings.TrimLeft(text[i+end+1:], " "))
			}
		}
	}
	return strings.TrimSpace(text)
}
