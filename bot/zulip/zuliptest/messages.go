package zuliptest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// SentMessage is a message the bot sent through POST /messages.
type SentMessage struct {
	ID        int64
	Type      string // as sent: "stream", "channel", "direct" or "private"
	Channel   string // channel messages: the channel's name
	ChannelID int64
	Topic     string
	To        []int64 // direct messages: the recipients as user IDs
	Content   string  // the current content, after any edit
	// WidgetContent is the widget_content parameter as sent ("" if none).
	WidgetContent string
	Edits         []string   // earlier contents, oldest first
	Params        url.Values // every parameter as received
}

// IsDM reports whether m is a direct message.
func (m SentMessage) IsDM() bool { return m.Type == "direct" || m.Type == "private" }

func (m *SentMessage) clone() SentMessage {
	c := *m
	c.To, c.Edits = slices.Clone(m.To), slices.Clone(m.Edits)
	c.Params = url.Values{}
	for k, v := range m.Params {
		c.Params[k] = slices.Clone(v)
	}
	return c
}

// Messages returns the messages the bot has sent, in order.
func (s *Server) Messages() []SentMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]SentMessage, 0, len(s.messages))
	for _, m := range s.messages {
		out = append(out, m.clone())
	}
	return out
}

// WaitMessages blocks until the bot has sent at least n messages and
// returns them. Call it from the test goroutine.
func (s *Server) WaitMessages(n int) []SentMessage {
	s.t.Helper()
	s.waitFor(fmt.Sprintf("%d sent messages", n), func() bool { return len(s.messages) >= n })
	return s.Messages()
}

// Message is a message that a user sends, for PushMessage.
type Message struct {
	SenderID int64
	Channel  string // a channel message if set (the channel is created if needed)
	Topic    string
	// To are the other participants of a direct message; empty means the
	// bot. The sender and the bot are always participants.
	To      []int64
	Content string
}

// PushMessage queues a "message" event for m with the given flags (e.g.
// "mentioned") and returns the new message's ID. The sender and the
// recipients must be users of the server; on error the test fails and 0
// is returned.
func (s *Server) PushMessage(m Message, flags ...string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	ev, id, err := s.messageEventLocked(m, flags)
	if err != nil {
		s.t.Errorf("zuliptest: PushMessage: %v", err)
		return 0
	}
	s.pushed[id] = m.SenderID
	s.publishLocked(ev, true)
	return id
}

// PushDM queues a direct message from a user to the bot.
func (s *Server) PushDM(fromID int64, content string, flags ...string) int64 {
	return s.PushMessage(Message{SenderID: fromID, Content: content}, flags...)
}

// PushChannelMessage queues a channel message from a user.
func (s *Server) PushChannelMessage(fromID int64, channel, topic, content string, flags ...string) int64 {
	return s.PushMessage(Message{SenderID: fromID, Channel: channel, Topic: topic, Content: content}, flags...)
}

// messageEventLocked builds a message event shaped like Zulip's
// (get_events_200_response in the OpenAPI document). s.mu must be held.
func (s *Server) messageEventLocked(m Message, flags []string) (event, int64, error) {
	sender := s.userLocked(m.SenderID)
	if sender == nil {
		return event{}, 0, fmt.Errorf("no user with ID %d", m.SenderID)
	}
	id := s.nextMessageID
	s.nextMessageID++
	msg := map[string]any{
		"id": id, "sender_id": sender.ID, "sender_email": sender.Email, "sender_full_name": sender.FullName,
		"sender_realm_str": "zulip", "content": m.Content, "content_type": "text/x-markdown",
		"timestamp": time.Now().Unix(), "client": "website", "avatar_url": nil, "is_me_message": false,
		"reactions": []any{}, "submessages": []any{}, "topic_links": []any{},
	}
	info := &msgInfo{senderEmail: sender.Email, flags: flags}
	if m.Channel != "" {
		chID := s.addChannelLocked(m.Channel)
		msg["type"], msg["stream_id"], msg["display_recipient"], msg["subject"] = "stream", chID, s.channelNames[chID], m.Topic
		msg["recipient_id"] = 10000 + chID
		info.channel, info.topic = s.channelNames[chID], m.Topic
	} else {
		ids := append([]int64{sender.ID, s.Bot.ID}, m.To...)
		slices.Sort(ids)
		ids = slices.Compact(ids)
		var recipients []any
		for _, uid := range ids {
			u := s.userLocked(uid)
			if u == nil {
				return event{}, 0, fmt.Errorf("no user with ID %d", uid)
			}
			recipients = append(recipients, map[string]any{"id": u.ID, "email": u.Email, "full_name": u.FullName, "is_mirror_dummy": false})
		}
		msg["type"], msg["display_recipient"], msg["subject"] = "private", recipients, ""
		msg["recipient_id"] = 20000 + ids[len(ids)-1]
		info.dm = true
	}
	if flags == nil {
		flags = []string{}
	}
	return event{typ: "message", fields: map[string]any{"message": msg, "flags": slices.Clone(flags)}, msg: info}, id, nil
}

func (s *Server) handleSendMessage(w http.ResponseWriter, r *http.Request) {
	if e := s.sendMessage(w, r); e != nil {
		writeError(w, e)
	}
}

// sendMessage implements POST /messages after Zulip's send_message_backend
// and check_message.
func (s *Server) sendMessage(w http.ResponseWriter, r *http.Request) *apiError {
	f, e := readForm(r)
	if e != nil {
		return e
	}
	typ, ok := f.get("type")
	if !ok {
		return missing("type")
	}
	dm := typ == "direct" || typ == "private"
	if !dm && typ != "stream" && typ != "channel" {
		return badRequest("Invalid type")
	}
	to, ok := f.get("to")
	if !ok {
		return missing("to")
	}
	content, ok := f.get("content")
	if !ok {
		return missing("content")
	}
	topic, hasTopic := f.get("topic")
	if subject, ok := f.get("subject"); ok && !hasTopic {
		topic, hasTopic = subject, true
	}
	f.get("queue_id")
	f.get("local_id")
	if _, _, e := f.jsonBool("read_by_sender"); e != nil {
		return e
	}
	widget, hasWidget := f.get("widget_content")

	s.mu.Lock()
	defer s.mu.Unlock()
	if e := checkContent(content, s.maxContent); e != nil {
		return e
	}
	if hasWidget {
		if e := checkWidget(widget); e != nil {
			return e
		}
	}
	sent := &SentMessage{Type: typ, Content: content, WidgetContent: widget, Params: url.Values{}}
	for k, v := range f.vals {
		sent.Params[k] = slices.Clone(v)
	}
	recipient := Message{SenderID: s.Bot.ID, Content: content}
	if dm {
		ids, e := s.resolveRecipientsLocked(to)
		if e != nil {
			return e
		}
		sent.To, recipient.To = ids, ids
	} else {
		if !hasTopic {
			return badRequest("Missing topic")
		}
		if e := checkTopic(topic, s.maxTopic); e != nil {
			return e
		}
		chID, e := s.resolveChannelLocked(to)
		if e != nil {
			return e
		}
		sent.Topic, sent.ChannelID, sent.Channel = topic, chID, s.channelNames[chID]
		recipient.Channel, recipient.Topic = sent.Channel, topic
	}
	ev, id, err := s.messageEventLocked(recipient, []string{"read"})
	if err != nil {
		return badRequest("zuliptest: %v", err)
	}
	sent.ID = id
	s.messages = append(s.messages, sent)
	if s.echo {
		s.publishLocked(ev, false)
	}
	s.notifyLocked()
	writeSuccess(w, map[string]any{"id": id}, f.ignored())
	return nil
}

// checkContent checks a message content as check_message does, but
// rejects what Zulip would truncate.
func checkContent(content string, max int) *apiError {
	switch n := utf8.RuneCountInString(content); {
	case strings.TrimSpace(content) == "":
		return badRequest("Message must not be empty")
	case strings.ContainsRune(content, 0):
		return badRequest("Message must not contain null bytes")
	case n > max:
		return badRequest("zuliptest: content is %d characters long, over max_message_length %d (Zulip would truncate it)", n, max)
	}
	return nil
}

// checkTopic checks a channel message's topic, rejecting what Zulip would
// truncate.
func checkTopic(topic string, max int) *apiError {
	switch n := utf8.RuneCountInString(topic); {
	case strings.TrimSpace(topic) == "":
		return badRequest("Topic can't be empty!")
	case strings.ContainsRune(topic, 0):
		return badRequest("Invalid character in topic, at position %d!", strings.IndexRune(topic, 0)+1)
	case n > max:
		return badRequest("zuliptest: topic is %d characters long, over max_topic_length %d (Zulip would truncate it)", n, max)
	}
	return nil
}

// resolveChannelLocked reads a channel message's "to" as Zulip's
// extract_stream_indicator does: JSON if it parses (a name, an ID, or a
// one-element list), else the raw string as a name.
func (s *Server) resolveChannelLocked(to string) (int64, *apiError) {
	dec := json.NewDecoder(bytes.NewReader([]byte(to)))
	dec.UseNumber()
	var data any
	if err := dec.Decode(&data); err != nil || dec.More() {
		data = to
	}
	if list, ok := data.([]any); ok {
		if len(list) != 1 {
			return 0, badRequest("Expected exactly one channel")
		}
		data = list[0]
	}
	switch v := data.(type) {
	case string:
		if id, ok := s.channels[strings.ToLower(v)]; ok {
			return id, nil
		}
		return 0, &apiError{status: http.StatusBadRequest, code: "STREAM_DOES_NOT_EXIST",
			msg: fmt.Sprintf("Channel '%s' does not exist", v), extra: map[string]any{"stream": v}}
	case json.Number:
		id, err := v.Int64()
		if err != nil {
			break
		}
		if _, ok := s.channelNames[id]; ok {
			return id, nil
		}
		return 0, &apiError{status: http.StatusBadRequest, code: "STREAM_DOES_NOT_EXIST",
			msg: fmt.Sprintf("Channel with ID '%d' does not exist", id), extra: map[string]any{"stream_id": id}}
	}
	return 0, badRequest("Invalid data type for channel")
}

// resolveRecipientsLocked reads a direct message's "to" as Zulip's
// extract_private_recipients does: a JSON list of user IDs or of emails,
// or a comma-separated list of emails.
func (s *Server) resolveRecipientsLocked(to string) ([]int64, *apiError) {
	dec := json.NewDecoder(bytes.NewReader([]byte(to)))
	dec.UseNumber()
	var data any
	if err := dec.Decode(&data); err != nil || dec.More() {
		data = to
	}
	if str, ok := data.(string); ok {
		var list []any
		for _, part := range strings.Split(str, ",") {
			if part = strings.TrimSpace(part); part != "" {
				list = append(list, part)
			}
		}
		data = list
	}
	list, ok := data.([]any)
	if !ok {
		return nil, badRequest("Invalid data type for recipients")
	}
	if len(list) == 0 {
		return nil, badRequest("Message must have recipients")
	}
	if ids, ok := allInts(list); ok {
		for _, id := range ids {
			if s.userLocked(id) == nil {
				return nil, badRequest("Invalid user ID %d", id)
			}
		}
		return ids, nil
	}
	emails, ok := allStrings(list)
	if !ok {
		return nil, badRequest("Recipient lists may contain emails or user IDs, but not both.")
	}
	var ids []int64
	for _, email := range emails {
		u := s.userByEmailLocked(email)
		if u == nil {
			return nil, badRequest("Invalid email '%s'", email)
		}
		ids = append(ids, u.ID)
	}
	return ids, nil
}

// checkWidget checks widget_content as Zulip's check_widget_content does,
// plus the web app's requirement of a string "type" in every zform choice.
func checkWidget(raw string) *apiError {
	var v any
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		return badRequest("Widgets: API programmer sent invalid JSON content")
	}
	wc, ok := v.(map[string]any)
	if !ok {
		return badRequest("Widgets: widget_content is not a dict")
	}
	wt, ok := wc["widget_type"]
	if !ok {
		return badRequest("Widgets: widget_type is not in widget_content")
	}
	ed, ok := wc["extra_data"]
	if !ok {
		return badRequest("Widgets: extra_data is not in widget_content")
	}
	extra, ok := ed.(map[string]any)
	if !ok {
		return badRequest("Widgets: extra_data is not a dict")
	}
	if wt != "zform" {
		return badRequest("Widgets: unknown widget type: %v", wt)
	}
	typ, ok := extra["type"]
	if !ok {
		return badRequest("Widgets: zform is missing type field")
	}
	if typ != "choices" {
		return badRequest("Widgets: unknown zform type: %v", typ)
	}
	if _, ok := extra["heading"].(string); !ok {
		return badRequest(`Widgets: extra_data["heading"] is not a string`)
	}
	choices, ok := extra["choices"].([]any)
	if !ok {
		return badRequest(`Widgets: extra_data["choices"] is not a list`)
	}
	for i, c := range choices {
		choice, ok := c.(map[string]any)
		if !ok {
			return badRequest(`Widgets: extra_data["choices"][%d] is not a dict`, i)
		}
		for _, k := range []string{"short_name", "long_name", "reply"} {
			if _, ok := choice[k]; !ok {
				return badRequest(`Widgets: %s key is missing from extra_data["choices"][%d]`, k, i)
			}
			if _, ok := choice[k].(string); !ok {
				return badRequest(`Widgets: extra_data["choices"][%d]["%s"] is not a string`, i, k)
			}
		}
		if _, ok := choice["type"].(string); !ok {
			return badRequest(`zuliptest: extra_data["choices"][%d] has no string "type"; the web app would not render the form`, i)
		}
	}
	return nil
}

func (s *Server) handleUpdateMessage(w http.ResponseWriter, r *http.Request) {
	if e := s.updateMessage(w, r); e != nil {
		writeError(w, e)
	}
}

// updateMessage implements PATCH /messages/{id} for content edits.
func (s *Server) updateMessage(w http.ResponseWriter, r *http.Request) *apiError {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 0 {
		return &apiError{status: http.StatusNotFound, code: "BAD_REQUEST", msg: "zuliptest: no such endpoint: " + r.URL.Path}
	}
	f, e := readForm(r)
	if e != nil {
		return e
	}
	content, hasContent := f.get("content")
	_, hasTopic := f.get("topic")
	_, hasChannel, e := f.jsonInt("stream_id")
	if e != nil {
		return e
	}
	if v, ok := f.get("propagate_mode"); ok && v != "change_one" && v != "change_later" && v != "change_all" {
		return badRequest("Invalid propagate_mode")
	}
	for _, name := range []string{"send_notification_to_old_thread", "send_notification_to_new_thread"} {
		if _, _, e := f.jsonBool(name); e != nil {
			return e
		}
	}
	f.get("prev_content_sha256")
	if !hasContent && !hasTopic && !hasChannel {
		return badRequest("Nothing to change")
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	var m *SentMessage
	for _, sm := range s.messages {
		if sm.ID == id {
			m = sm
		}
	}
	if m == nil {
		if _, ok := s.pushed[id]; ok {
			return badRequest("You don't have permission to edit this message")
		}
		return badRequest("Invalid message(s)")
	}
	if hasContent {
		if strings.TrimSpace(content) == "" {
			content = "(deleted)" // what Zulip stores for an emptied message
		}
		if e := checkContent(content, s.maxContent); e != nil {
			return e
		}
		m.Edits = append(m.Edits, m.Content)
		m.Content = content
	}
	s.notifyLocked()
	writeSuccess(w, map[string]any{"detached_uploads": []any{}}, f.ignored())
	return nil
}
