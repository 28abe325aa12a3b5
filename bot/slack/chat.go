package slack

import (
	"context"
	"errors"
	"strings"

	"github.com/ietf-tools/liaisonbot/bot"
)

// The adapter is the bot.Chat of Slack: the dispatcher hands it notices
// (status changes, reminders, nudges) to deliver.
var _ bot.Chat = (*Adapter)(nil)

// Platform returns "slack".
func (a *Adapter) Platform() string { return bot.PlatformSlack }

// permanentCodes are Slack error codes no retry can fix.
var permanentCodes = map[string]bool{
	"channel_not_found": true, "not_in_channel": true, "is_archived": true,
	"msg_too_long": true, "no_text": true, "too_many_attachments": true,
	"invalid_blocks": true, "invalid_blocks_format": true, "invalid_arguments": true,
	"user_not_found": true, "user_disabled": true, "cannot_dm_bot": true,
	"restricted_action": true, "restricted_action_read_only_channel": true,
	"restricted_action_non_threadable_channel": true, "ekm_access_denied": true,
	"message_not_found": true, "cant_update_message": true, "edit_window_closed": true,
	"missing_scope": true, "not_allowed_token_type": true,
}

// Deliver sends a notice once (the dispatcher owns retries): to the
// user's DM when the target names a user, else to the target's channel
// (the liaison channel when it names none). With d.Thread it replies in
// that thread and, with d.Parent, first brings the thread's parent message
// up to date; without, the message starts a thread (Delivered.Thread is
// its ts). Failures are *bot.DeliveryError: a rate limit with RetryAfter,
// 5xx and network failures retryable, refusals such as channel_not_found
// permanent.
func (a *Adapter) Deliver(ctx context.Context, d bot.Delivery) (bot.Delivered, error) {
	ctx = WithoutRetry(ctx)
	if d.Target.Platform != "" && d.Target.Platform != bot.PlatformSlack {
		return bot.Delivered{}, &bot.DeliveryError{Code: "wrong_platform", Permanent: true,
			Err: errors.New("slack: cannot deliver to " + d.Target.String())}
	}
	if d.Home {
		return a.deliverHome(ctx, d)
	}
	r := renderMessage(d.Message)
	if len(r.Blocks) == 0 && r.Text == "" {
		return bot.Delivered{}, &bot.DeliveryError{Code: "empty", Permanent: true, Err: errors.New("slack: the notice is empty")}
	}
	if u := strings.TrimSpace(d.Target.User); u != "" {
		_, ts, err := a.direct(ctx, u, r)
		if err != nil {
			return bot.Delivered{}, deliveryError(err)
		}
		return bot.Delivered{MessageID: ts}, nil
	}
	channel := strings.TrimSpace(d.Target.Channel)
	if channel == "" {
		channel = a.cfg.Channel
	}
	if channel == "" {
		return bot.Delivered{}, &bot.DeliveryError{Code: "no_channel", Permanent: true,
			Err: errors.New("slack: the notice names no channel and LIAISONBOT_SLACK_CHANNEL is not set")}
	}
	if d.Thread != "" && d.Parent != nil {
		if err := a.update(ctx, channel, d.Thread, renderMessage(*d.Parent)); err != nil {
			// The reply still goes in; an outdated parent is not worth a
			// second notice.
			a.log.Warn("could not update a thread's first message", "channel", channel, "ts", d.Thread, "err", err)
		}
	}
	_, ts, err := a.post(ctx, channel, r, d.Thread)
	if err != nil {
		return bot.Delivered{}, deliveryError(err)
	}
	thread := d.Thread
	if thread == "" {
		thread = ts
	}
	return bot.Delivered{MessageID: ts, Thread: thread}, nil
}

// deliveryError classifies a failed call for the dispatcher.
func deliveryError(err error) *bot.DeliveryError {
	code := errorCode(err)
	de := &bot.DeliveryError{Code: code, Err: err}
	if wait, ok := RetryAfter(err); ok {
		de.Code, de.RetryAfter = "ratelimited", wait
		return de
	}
	de.Permanent = permanentCodes[code]
	return de
}
