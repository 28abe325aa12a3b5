package zulip

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"
)

// Event types and message flags the bot cares about.
const (
	EventMessage   = "message"
	EventHeartbeat = "heartbeat"

	// FlagMentioned is set when the message mentions the user directly or
	// through a user group.
	FlagMentioned = "mentioned"
)

// Message types as they appear in events.
const (
	MessageTypeStream  = "stream"
	MessageTypePrivate = "private"
)

// errNoQueue is returned when a queue ID is needed and none was given.
var errNoQueue = errors.New("zulip: empty queue ID")

// Event is one event from an event queue. Message and Flags are set for
// "message" events; Raw holds the event's JSON for every type.
type Event struct {
	ID      int64
	Type    string
	Message *Message
	Flags   []string
	Raw     json.RawMessage
	// DecodeErr is set when the event's payload could not be decoded; ID
	// and Type are still valid, so the queue can move past it.
	DecodeErr error
}

// Mentioned reports whether the bot was mentioned directly (or through a
// user group it belongs to): the "mentioned" flag. Wildcard mentions
// (@**all**, @**channel**, @**topic**: flags stream_wildcard_mentioned,
// topic_wildcard_mentioned and the deprecated wildcard_mentioned) do not
// count: they address everybody, and a bot answering every one of them
// would spam the channel.
func (e Event) Mentioned() bool { return slices.Contains(e.Flags, FlagMentioned) }

// Message is a message as delivered in a "message" event (raw Markdown
// content unless the queue was registered with ApplyMarkdown).
type Message struct {
	ID               int64     `json:"id"`
	SenderID         int64     `json:"sender_id"`
	SenderEmail      string    `json:"sender_email"`
	SenderFullName   string    `json:"sender_full_name"`
	Type             string    `json:"type"`                // MessageTypeStream or MessageTypePrivate
	StreamID         int64     `json:"stream_id,omitempty"` // channel messages only
	DisplayRecipient Recipient `json:"display_recipient"`
	Topic            string    `json:"subject"` // Zulip still calls it "subject" here
	Content          string    `json:"content"`
	ContentType      string    `json:"content_type,omitempty"`
	Timestamp        int64     `json:"timestamp"` // Unix seconds
	Client           string    `json:"client,omitempty"`
	RecipientID      int64     `json:"recipient_id,omitempty"`
}

// IsDM reports whether m is a direct (one-to-one or group) message.
func (m *Message) IsDM() bool { return m.Type == MessageTypePrivate || m.Type == "direct" }

// Reply returns a message answering m where it was said: in the same
// channel and topic, or to the same direct-message participants.
func (m *Message) Reply(content string) OutgoingMessage {
	if !m.IsDM() {
		return OutgoingMessage{Channel: m.DisplayRecipient.Channel, ChannelID: m.StreamID, Topic: m.Topic, Content: content}
	}
	to := make([]int64, 0, len(m.DisplayRecipient.Users))
	for _, u := range m.DisplayRecipient.Users {
		to = append(to, u.ID)
	}
	if len(to) == 0 {
		to = append(to, m.SenderID)
	}
	return OutgoingMessage{To: to, Content: content}
}

// Recipient is a message's display_recipient: a channel name for channel
// messages, the list of participants (the bot included) for direct ones.
type Recipient struct {
	Channel string
	Users   []RecipientUser
}

// RecipientUser is a participant of a direct message.
type RecipientUser struct {
	ID       int64  `json:"id"`
	Email    string `json:"email"`
	FullName string `json:"full_name"`
}

// UnmarshalJSON decodes either shape of display_recipient.
func (r *Recipient) UnmarshalJSON(b []byte) error {
	*r = Recipient{}
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || bytes.Equal(b, []byte("null")):
		return nil
	case b[0] == '"':
		return json.Unmarshal(b, &r.Channel)
	case b[0] == '[':
		return json.Unmarshal(b, &r.Users)
	}
	return fmt.Errorf("zulip: display_recipient is neither a string nor a list: %.40s", b)
}

// MarshalJSON encodes r in the shape Zulip uses.
func (r Recipient) MarshalJSON() ([]byte, error) {
	if r.Users != nil {
		return json.Marshal(r.Users)
	}
	return json.Marshal(r.Channel)
}

// Register registers an event queue (POST /register).
func (c *Client) Register(ctx context.Context, p RegisterParams) (*Queue, error) {
	const op = "register"
	v := params{}
	eventTypes := p.EventTypes
	if eventTypes == nil {
		eventTypes = []string{EventMessage}
	}
	if err := v.json("event_types", eventTypes); err != nil {
		return nil, fmt.Errorf("zulip: %s: %w", op, err)
	}
	if p.Narrow != nil {
		if err := v.json("narrow", p.Narrow); err != nil {
			return nil, fmt.Errorf("zulip: %s: %w", op, err)
		}
	}
	if p.FetchEventTypes != nil {
		if err := v.json("fetch_event_types", p.FetchEventTypes); err != nil {
			return nil, fmt.Errorf("zulip: %s: %w", op, err)
		}
	}
	if p.AllPublicStreams {
		v.bool("all_public_streams", true)
	}
	v.bool("apply_markdown", p.ApplyMarkdown)

	var resp struct {
		QueueID          *string `json:"queue_id"`
		LastEventID      int64   `json:"last_event_id"`
		FeatureLevel     int     `json:"zulip_feature_level"`
		Version          string  `json:"zulip_version"`
		MaxTopicLength   int     `json:"max_topic_length"`
		MaxMessageLength int     `json:"max_message_length"`
		LongpollSeconds  int     `json:"event_queue_longpoll_timeout_seconds"`
		UserID           int64   `json:"user_id"`
		Email            string  `json:"email"`
		FullName         string  `json:"full_name"`
	}
	// A retried register at worst leaves an unused queue, which the server
	// garbage-collects after 10 minutes.
	err := c.do(ctx, call{op: op, method: http.MethodPost, path: "register", params: v.values(), retry: retrySafe}, &resp)
	if err != nil {
		return nil, err
	}
	if resp.QueueID == nil || *resp.QueueID == "" {
		return nil, fmt.Errorf("zulip: %s: response has no queue_id", op)
	}
	q := &Queue{
		ID:               *resp.QueueID,
		LastEventID:      resp.LastEventID,
		FeatureLevel:     resp.FeatureLevel,
		Version:          resp.Version,
		MaxTopicLength:   resp.MaxTopicLength,
		MaxMessageLength: resp.MaxMessageLength,
		LongpollTimeout:  time.Duration(resp.LongpollSeconds) * time.Second,
		UserID:           resp.UserID,
		Email:            resp.Email,
		FullName:         resp.FullName,
	}
	c.learn(q)
	return q, nil
}

// GetEvents long-polls the queue (GET /events) for events newer than
// lastEventID, which also acknowledges the events up to it. It blocks
// until an event arrives; heartbeats arrive about once a minute.
func (c *Client) GetEvents(ctx context.Context, queueID string, lastEventID int64) ([]Event, error) {
	return c.getEvents(ctx, queueID, lastEventID, false)
}

// GetEventsNonBlocking is GetEvents with dont_block=true: it returns at
// once, possibly with no event.
func (c *Client) GetEventsNonBlocking(ctx context.Context, queueID string, lastEventID int64) ([]Event, error) {
	return c.getEvents(ctx, queueID, lastEventID, true)
}

func (c *Client) getEvents(ctx context.Context, queueID string, lastEventID int64, dontBlock bool) ([]Event, error) {
	const op = "get events"
	if queueID == "" {
		return nil, errNoQueue
	}
	v := params{}
	v.str("queue_id", queueID)
	v.int("last_event_id", lastEventID)
	timeout := c.longpollTimeout()
	if dontBlock {
		v.bool("dont_block", true)
		timeout = c.timeout
	}
	var body rawBody
	err := c.do(ctx, call{op: op, method: http.MethodGet, path: "events", params: v.values(), timeout: timeout, retry: retrySafe}, &body)
	if err != nil {
		return nil, err
	}
	events, err := decodeEvents(body)
	if err != nil {
		return nil, fmt.Errorf("zulip: %s: %w", op, err)
	}
	return events, nil
}

// DeleteQueue deletes the queue (DELETE /events). A queue that is already
// gone (BAD_EVENT_QUEUE_ID) counts as deleted.
func (c *Client) DeleteQueue(ctx context.Context, queueID string) error {
	if queueID == "" {
		return errNoQueue
	}
	v := params{}
	v.str("queue_id", queueID)
	err := c.do(ctx, call{op: "delete queue", method: http.MethodDelete, path: "events", params: v.values(), retry: retrySafe}, nil)
	if IsBadEventQueue(err) {
		return nil
	}
	return err
}

// rawBody keeps a success body for a second, specialised decoding.
type rawBody []byte

// UnmarshalJSON implements json.Unmarshaler.
func (r *rawBody) UnmarshalJSON(b []byte) error {
	*r = append((*r)[:0], b...)
	return nil
}

// decodeEvents decodes the body of a GET /events success response. Only
// a body that is not an events response at all, or an event without an ID
// and type, is an error: an event whose payload cannot be decoded is
// returned with DecodeErr set, so that the caller can move past it rather
// than fetch it again forever.
func decodeEvents(body []byte) ([]Event, error) {
	var resp struct {
		Result string            `json:"result"`
		Events []json.RawMessage `json:"events"`
	}
	if err := json.Unmarshal(body, &resp); err != nil {
		return nil, fmt.Errorf("decoding events: %w", err)
	}
	if resp.Result != "success" {
		return nil, fmt.Errorf("decoding events: result is %q", resp.Result)
	}
	events := make([]Event, 0, len(resp.Events))
	for i, raw := range resp.Events {
		var head struct {
			ID   *int64 `json:"id"`
			Type string `json:"type"`
		}
		if err := json.Unmarshal(raw, &head); err != nil {
			return nil, fmt.Errorf("decoding event %d: %w", i, err)
		}
		if head.ID == nil || head.Type == "" {
			return nil, fmt.Errorf("decoding event %d: no id or type", i)
		}
		ev := Event{ID: *head.ID, Type: head.Type, Raw: raw}
		if ev.Type == EventMessage {
			ev.DecodeErr = decodeMessageEvent(raw, &ev)
		}
		events = append(events, ev)
	}
	return events, nil
}

// decodeMessageEvent fills ev.Message and ev.Flags from a message event.
func decodeMessageEvent(raw json.RawMessage, ev *Event) error {
	var body struct {
		Message *Message `json:"message"`
		Flags   []string `json:"flags"`
	}
	if err := json.Unmarshal(raw, &body); err != nil {
		return err
	}
	if body.Message == nil {
		return errors.New("message event without a message")
	}
	ev.Message, ev.Flags = body.Message, body.Flags
	return nil
}
