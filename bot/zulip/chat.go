package zulip

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/ietf-tools/liaisonbot/bot"
)

// The adapter is the bot.Chat of Zulip: the dispatcher hands it notices
// (status changes, reminders, nudges) to deliver.
var _ bot.Chat = (*Adapter)(nil)

// Platform returns "zulip".
func (a *Adapter) Platform() string { return bot.PlatformZulip }

// Deliver sends a notice: to the user's DM when the target names a user
// (a Zulip user id), else to the target's channel (the liaison channel
// when it names none) in the statement's topic (see Topic).
//
// It tries once (the client itself only retries what Zulip certainly did
// not do, such as a rate-limited request) and reports failures as a
// *bot.DeliveryError: a rate limit with its RetryAfter, a server or
// network failure as retryable, a missing channel or user (and any other
// request Zulip refuses) as Permanent. A notice too long for one message
// is sent in several; if a later piece fails, the pieces already sent are
// reported as delivered rather than sent twice on a retry.
func (a *Adapter) Deliver(ctx context.Context, d bot.Delivery) (bot.Delivered, error) {
	c := a.cfg.Client
	if c == nil {
		return bot.Delivered{}, &bot.DeliveryError{Code: "no_client", Permanent: true,
			Err: errors.New("zulip: notices need API credentials (ZULIP_SITE, ZULIP_EMAIL, ZULIP_API_KEY)")}
	}
	if d.Target.Platform != "" && d.Target.Platform != bot.PlatformZulip {
		return bot.Delivered{}, &bot.DeliveryError{Code: "wrong_platform", Permanent: true,
			Err: errors.New("zulip: cannot deliver to " + d.Target.String())}
	}
	var dest OutgoingMessage
	prefix := ""
	if u := strings.TrimSpace(d.Target.User); u != "" {
		id, ok := userID(u)
		if !ok {
			return bot.Delivered{}, &bot.DeliveryError{Code: "invalid_user", Permanent: true,
				Err: errors.New("zulip: " + strconv.Quote(u) + " is not a Zulip user id")}
		}
		dest.To = []int64{id}
	} else {
		stream := strings.TrimSpace(d.Target.Channel)
		if stream == "" {
			stream = a.cfg.Stream
		}
		if stream == "" {
			return bot.Delivered{}, &bot.DeliveryError{Code: "no_channel", Permanent: true,
				Err: errors.New("zulip: the notice names no channel and LIAISONBOT_ZULIP_STREAM is not set")}
		}
		if id, err := strconv.ParseInt(stream, 10, 64); err == nil && id > 0 {
			dest.ChannelID = id
		} else {
			dest.Channel = stream
		}
		dest.Topic = Topic(d, c.Limits().MaxTopicLength)
		prefix = botMention(a.ensureSelf(ctx))
	}
	r := Render(d.Message, RenderOptions{ReplyPrefix: prefix})
	if dest.To == nil && prefix == "" {
		// A click in a channel must mention the bot to reach it; without
		// the bot's name the choices would go nowhere. The text still
		// lists the commands.
		r.Widget = nil
	}
	if strings.TrimSpace(r.Content) == "" {
		r.Content = finish(escapeText(d.Message.Summary, true))
	}
	if r.Content == "" {
		return bot.Delivered{}, &bot.DeliveryError{Code: "empty", Permanent: true, Err: errors.New("zulip: the notice is empty")}
	}
	ids, err := a.send(ctx, dest, r)
	if err != nil && len(ids) == 0 {
		return bot.Delivered{}, deliveryError(err)
	}
	if err != nil {
		a.log.Error("zulip: a long notice was delivered in part", "target", d.Target.String(), "pieces", len(ids), "err", err)
	}
	return bot.Delivered{MessageID: strconv.FormatInt(ids[0], 10)}, nil
}

// Topic is the topic of a notice, Zulip's format of the statement's
// subject: "LS-<n>: <title>" as the notice was written (bot.Subject), cut
// to MaxTopicLength and to the server's limit max; else "LS-<n>" for a
// statement's notice, else "liaison statements".
func Topic(d bot.Delivery, max int) string {
	if max <= 0 || max > MaxTopicLength {
		max = MaxTopicLength
	}
	t := cutTopic(d.Subject, max)
	switch {
	case t != "":
	case d.Message.Statement != 0:
		t = bot.Ref(d.Message.Statement)
	default:
		t = "liaison statements"
	}
	return t
}

// deliveryError classifies a failed send for the dispatcher.
func deliveryError(err error) *bot.DeliveryError {
	de := &bot.DeliveryError{Err: err}
	e := asError(err)
	switch {
	case errors.Is(err, ErrInvalidMessage):
		de.Code, de.Permanent = "invalid_message", true
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		de.Code = "timeout"
	case e == nil:
		de.Code = "network"
	case e.rateLimited():
		de.Code, de.RetryAfter = CodeRateLimitHit, e.RetryAfter
	case e.Code == CodeStreamDoesNotExist:
		de.Code, de.Permanent = e.Code, true
	case IsUnauthorized(err):
		// Wrong credentials: no retry helps until they are fixed, but the
		// notice should survive until then.
		de.Code = "unauthorized"
	case e.HTTPStatus >= 500:
		de.Code = "http_" + strconv.Itoa(e.HTTPStatus)
	case e.HTTPStatus >= 400:
		// BAD_REQUEST: an unknown or deactivated user, a channel the bot
		// may not post to, and the like.
		de.Code, de.Permanent = e.Code, true
		if de.Code == "" {
			de.Code = "http_" + strconv.Itoa(e.HTTPStatus)
		}
	case e.HTTPStatus == http.StatusOK:
		de.Code = "malformed_response"
	default:
		de.Code = "http_" + strconv.Itoa(e.HTTPStatus)
	}
	return de
}
