package zulip

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"
)

// SendMessage sends m (POST /messages) and returns the new message's ID.
//
// Encoding: type "stream" for channel messages (accepted by every server
// version; "channel" needs Zulip 9), and "direct" for direct messages when
// the last Register reported Zulip 7+ (feature level 174), else the
// deprecated but universal "private". A channel name is sent JSON-encoded
// (to="liaison"): Zulip JSON-decodes `to` first, so a raw name such as
// "2024" would be read as channel ID 2024. A channel ID and DM recipients
// are JSON too (to=12, to=[9,10]).
//
// Retry policy: SendMessage is retried only when the server certainly did
// not act: after a 429 (Zulip rate-limits before creating the message) and
// when the connection failed before the request was written. After a 5xx,
// a timeout or a connection lost mid-exchange the message may or may not
// exist, and Zulip's released API offers no idempotency key for messages:
// its queue_id/local_id pair only tags the copy of the message delivered
// to the sender's own event queue (for "local echo"), it does not
// deduplicate. So SendMessage returns the error rather than risk posting
// twice; the caller decides whether to try again.
//
// m is checked first, without any request, against Limits(): a topic or
// content over the limit (which Zulip would silently truncate), an empty
// content or a missing recipient yield an error wrapping ErrInvalidMessage.
func (c *Client) SendMessage(ctx context.Context, m OutgoingMessage) (int64, error) {
	const op = "send message"
	if err := c.checkMessage(m); err != nil {
		return 0, fmt.Errorf("zulip: %s: %w", op, err)
	}
	v := params{}
	var err error
	switch {
	case m.IsDM():
		typ := MessageTypePrivate
		if c.FeatureLevel() >= featureLevelDirect {
			typ = "direct"
		}
		v.str("type", typ)
		err = v.json("to", m.To)
	case m.ChannelID != 0:
		v.str("type", MessageTypeStream)
		v.int("to", m.ChannelID)
		v.str("topic", m.Topic)
	default:
		v.str("type", MessageTypeStream)
		err = v.json("to", m.Channel)
		v.str("topic", m.Topic)
	}
	if err == nil && m.Widget != nil {
		err = v.json("widget_content", m.Widget)
	}
	if err != nil {
		return 0, fmt.Errorf("zulip: %s: %w", op, err)
	}
	v.str("content", m.Content)

	var resp struct {
		ID int64 `json:"id"`
	}
	err = c.do(ctx, call{op: op, method: http.MethodPost, path: "messages", params: v.values(), retry: retryUnsent}, &resp)
	if err != nil {
		return 0, err
	}
	return resp.ID, nil
}

// UpdateMessage replaces the content of one of the bot's messages
// (PATCH /messages/{id}). It is retried like a read: applying the same
// content twice leaves the same message.
func (c *Client) UpdateMessage(ctx context.Context, messageID int64, content string) error {
	const op = "update message"
	if err := c.checkContent(content); err != nil {
		return fmt.Errorf("zulip: %s: %w", op, err)
	}
	v := params{}
	v.str("content", content)
	path := "messages/" + strconv.FormatInt(messageID, 10)
	return c.do(ctx, call{op: op, method: http.MethodPatch, path: path, params: v.values(), retry: retrySafe}, nil)
}

// checkMessage rejects what Zulip would reject or silently mangle.
func (c *Client) checkMessage(m OutgoingMessage) error {
	toChannel := m.Channel != "" || m.ChannelID != 0
	switch {
	case m.IsDM() && toChannel:
		return fmt.Errorf("%w: both a channel and DM recipients", ErrInvalidMessage)
	case !m.IsDM() && !toChannel:
		return fmt.Errorf("%w: no recipient", ErrInvalidMessage)
	}
	if toChannel {
		max := c.Limits().MaxTopicLength
		switch n := utf8.RuneCountInString(m.Topic); {
		case strings.TrimSpace(m.Topic) == "":
			return fmt.Errorf("%w: empty topic", ErrInvalidMessage)
		case n > max:
			return fmt.Errorf("%w: topic is %d characters long, the limit is %d", ErrInvalidMessage, n, max)
		case strings.ContainsRune(m.Topic, 0):
			return fmt.Errorf("%w: topic contains a NUL character", ErrInvalidMessage)
		}
	}
	return c.checkContent(m.Content)
}

// checkContent rejects an empty or over-long content.
func (c *Client) checkContent(content string) error {
	max := c.Limits().MaxMessageLength
	switch n := utf8.RuneCountInString(content); {
	case strings.TrimSpace(content) == "":
		return fmt.Errorf("%w: empty content", ErrInvalidMessage)
	case n > max:
		return fmt.Errorf("%w: content is %d characters long, the limit is %d", ErrInvalidMessage, n, max)
	case strings.ContainsRune(content, 0):
		return fmt.Errorf("%w: content contains a NUL character", ErrInvalidMessage)
	}
	return nil
}
