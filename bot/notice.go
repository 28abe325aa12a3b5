package bot

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Notice kinds: what an outbox row announces.
const (
	NoticeChange   = "change"   // a submission, state change or tag change
	NoticeReminder = "reminder" // an automatic reminder
	NoticeNudge    = "nudge"    // a manual nudge
)

// Target is where a notice goes: a channel (Slack channel id, Zulip stream)
// or a person's direct messages (User set).
type Target struct {
	Platform string
	Channel  string
	User     string
}

// String is "slack:#C123" or "zulip:@42".
func (t Target) String() string {
	if t.User != "" {
		return t.Platform + ":@" + t.User
	}
	return t.Platform + ":#" + t.Channel
}

// ChannelKey names the conversation the target is in, for pacing and
// batching: "slack|C123", or "zulip|@42" for a person's direct messages.
func (t Target) ChannelKey() string {
	if t.User != "" {
		return t.Platform + "|@" + t.User
	}
	return t.Platform + "|" + t.Channel
}

// Delivery is one message for a Chat to deliver.
type Delivery struct {
	Target  Target
	Message Message
	// Subject is the statement's "LS-12: title" as it was when the notice
	// was written: a platform that threads by subject (Zulip's topics)
	// uses it.
	Subject string
	// Thread is the platform's id of the statement's thread in this channel
	// (Slack: the parent message's ts); "" to start one.
	Thread string
	// Parent, with Thread set, is the thread's first message brought up to
	// date (Slack updates the parent to the current state).
	Parent *Message
	// Home, with Target.User set, asks for the person's home view (Slack's
	// App Home) to be published as it is now; Message is unused.
	Home bool
	// Mail is the email to send (PlatformEmail), as it was composed.
	Mail *Email
}

// Delivered is what a Chat reports after delivering.
type Delivered struct {
	MessageID string
	// Thread is the thread the message started or joined ("" where the
	// platform has none).
	Thread string
	// Refused lists the recipients of an email that its server did not
	// take it for, while it took it for the others (or for none, when
	// some were refused for good): the dispatcher parks each recipient
	// refused for good, and tries those deferred again later.
	Refused []MailRefusal
}

// Chat delivers notices to one platform. The dispatcher owns retries: a
// Chat tries once and reports.
type Chat interface {
	Platform() string
	Deliver(ctx context.Context, d Delivery) (Delivered, error)
}

// DeliveryError is a failed delivery: RetryAfter is set when the platform
// asked to wait (HTTP 429), Permanent when retrying cannot help (a channel
// that does not exist, a bot not in it).
type DeliveryError struct {
	Code       string // the platform's error code ("ratelimited", "RATE_LIMIT_HIT", "channel_not_found", "http_500")
	RetryAfter time.Duration
	Permanent  bool
	Err        error
}

func (e *DeliveryError) Error() string {
	s := e.Code
	if e.RetryAfter > 0 {
		s += fmt.Sprintf(" (retry after %s)", e.RetryAfter)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *DeliveryError) Unwrap() error { return e.Err }

// AsDeliveryError returns err's DeliveryError, or a retryable one wrapping
// it.
func AsDeliveryError(err error) *DeliveryError {
	var de *DeliveryError
	if errors.As(err, &de) {
		return de
	}
	return &DeliveryError{Code: "error", Err: err}
}

// NoticeData is what an outbox row keeps to render its notice when it is
// delivered.
type NoticeData struct {
	Events   []int64   `json:"events,omitempty"`   // the change's events
	Reminder *Reminder `json:"reminder,omitempty"` // a reminder's details
	Nudge    *Nudge    `json:"nudge,omitempty"`    // a nudge's details
	Digest   *Digest   `json:"digest,omitempty"`   // a weekly digest's statements
	// Subject is the statement's "LS-<n>: <title>" when the notice was
	// written (bot.Subject). Rows keep it under "topic", its name before
	// the platforms chose their own format from it.
	Subject string `json:"topic,omitempty"`
	// Mail is an email, as composed (NoticeMail).
	Mail *Email `json:"mail,omitempty"`
	// MailProblem is what a NoticeMailProblem reports.
	MailProblem *MailProblem `json:"mail_problem,omitempty"`
}

// Nudge is a manual reminder.
type Nudge struct {
	By      string   `json:"by"`
	Message string   `json:"message,omitempty"`
	To      []Person `json:"to,omitempty"`
}

// OutboxItem is a notice claimed for delivery.
type OutboxItem struct {
	ID        int64
	Statement int64
	Kind      string
	Data      NoticeData
	Target    Target
	Created   time.Time
	Attempts  int
}

// ClaimLimits bound one claim of outbox rows, a dispatcher's batch, so
// that it is delivered well within the claim's lease.
type ClaimLimits struct {
	// Rows is the most rows in all.
	Rows int
	// Channels is the most distinct channels (a person's direct messages
	// count as one channel).
	Channels int
	// PerChannel is the most rows of one channel, by platform; a platform
	// not in the map gets one.
	PerChannel map[string]int
}

// ChannelLimit is the most rows of one channel of the platform.
func (l ClaimLimits) ChannelLimit(platform string) int {
	if n := l.PerChannel[platform]; n > 0 {
		return n
	}
	return 1
}
