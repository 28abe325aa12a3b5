package zulip

import (
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"testing"
	"time"

	"github.com/ietf-tools/liaisonbot/bot/zulip/zuliptest"
)

// openapiEvents is the example response of GET /events in Zulip's
// OpenAPI document, plus a heartbeat and an event type the bot ignores.
const openapiEvents = `{
  "result": "success", "msg": "", "queue_id": "fb67bf8a-c031-47cc-84cf-ed80accacda8",
  "events": [
    {"id": 0, "type": "message", "flags": ["read", "mentioned"], "message": {
      "avatar_url": "https://url/for/othello-bots/avatar", "client": "website",
      "content": "I come not, friends, to steal away your hearts.", "content_type": "text/x-markdown",
      "display_recipient": "Denmark", "id": 12345678, "recipient_id": 12314,
      "sender_email": "othello-bot@example.com", "sender_full_name": "Othello Bot", "sender_id": 13215,
      "sender_realm_str": "example", "stream_id": 5, "subject": "Castle", "topic_links": [],
      "timestamp": 1375978403, "type": "stream"}},
    {"id": 1, "type": "message", "flags": [], "message": {
      "avatar_url": null, "client": "website",
      "content": "With mirth and laughter let old wrinkles come.", "content_type": "text/x-markdown",
      "display_recipient": [
        {"email": "hamlet@example.com", "full_name": "Hamlet of Denmark", "id": 31572, "is_mirror_dummy": false},
        {"email": "othello-bot@example.com", "full_name": "Othello Bot", "id": 13215}],
      "id": 12345679, "recipient_id": 18391, "sender_email": "hamlet@example.com",
      "sender_full_name": "Hamlet of Denmark", "sender_id": 31572, "sender_realm_str": "example",
      "subject": "", "topic_links": [], "timestamp": 1375978404, "type": "private"}},
    {"id": 2, "type": "heartbeat"},
    {"id": 5, "type": "realm_user", "op": "update", "person": {"user_id": 10, "full_name": "New Name"}}
  ]
}`

func TestDecodeEvents_RealShapes(t *testing.T) {
	events, err := decodeEvents([]byte(openapiEvents))
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 4 {
		t.Fatalf("%d events, want 4", len(events))
	}
	ch := events[0]
	if ch.ID != 0 || ch.Type != EventMessage || ch.DecodeErr != nil || !ch.Mentioned() {
		t.Errorf("event 0 = %+v", ch)
	}
	want := &Message{
		ID: 12345678, SenderID: 13215, SenderEmail: "othello-bot@example.com", SenderFullName: "Othello Bot",
		Type: "stream", StreamID: 5, DisplayRecipient: Recipient{Channel: "Denmark"}, Topic: "Castle",
		Content: "I come not, friends, to steal away your hearts.", ContentType: "text/x-markdown",
		Timestamp: 1375978403, Client: "website", RecipientID: 12314,
	}
	if !reflect.DeepEqual(ch.Message, want) {
		t.Errorf("channel message = %+v\nwant %+v", ch.Message, want)
	}
	if ch.Message.IsDM() {
		t.Error("channel message IsDM")
	}

	dm := events[1].Message
	if !dm.IsDM() || dm.Topic != "" || events[1].Mentioned() {
		t.Errorf("DM = %+v", dm)
	}
	wantUsers := []RecipientUser{{31572, "hamlet@example.com", "Hamlet of Denmark"}, {13215, "othello-bot@example.com", "Othello Bot"}}
	if !reflect.DeepEqual(dm.DisplayRecipient.Users, wantUsers) || dm.DisplayRecipient.Channel != "" {
		t.Errorf("DM recipient = %+v", dm.DisplayRecipient)
	}
	if events[2].Type != EventHeartbeat || events[2].Message != nil {
		t.Errorf("heartbeat = %+v", events[2])
	}
	if other := events[3]; other.ID != 5 || other.Type != "realm_user" || other.Message != nil || len(other.Raw) == 0 {
		t.Errorf("other event = %+v", other)
	}
}

func TestDecodeEvents_BadInput(t *testing.T) {
	// Undecodable payloads keep their ID, so the queue can move on.
	events, err := decodeEvents([]byte(`{"result":"success","events":[
		{"id":7,"type":"message","message":"not an object"},
		{"id":8,"type":"message"},
		{"id":9,"type":"message","message":{"id":1,"display_recipient":42}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	for i, ev := range events {
		if ev.ID != int64(7+i) || ev.DecodeErr == nil || ev.Message != nil {
			t.Errorf("event %d = %+v, want ID %d with DecodeErr", i, ev, 7+i)
		}
	}
	for _, body := range []string{
		`<html>`, `{"result":"error","events":[]}`, `{"result":"success","events":[{"type":"heartbeat"}]}`,
		`{"result":"success","events":[{"id":1}]}`, `{"result":"success","events":{}}`,
	} {
		if _, err := decodeEvents([]byte(body)); err == nil {
			t.Errorf("decodeEvents(%s) succeeded", body)
		}
	}
}

func TestEvent_MentionedOnlyByDirectMention(t *testing.T) {
	tests := map[string]struct {
		flags []string
		want  bool
	}{
		"direct":          {[]string{"read", "mentioned"}, true},
		"none":            {nil, false},
		"channel @all":    {[]string{"stream_wildcard_mentioned", "wildcard_mentioned"}, false},
		"topic wildcard":  {[]string{"topic_wildcard_mentioned", "wildcard_mentioned"}, false},
		"alert word only": {[]string{"has_alert_word"}, false},
	}
	for name, tt := range tests {
		if got := (Event{Flags: tt.flags}).Mentioned(); got != tt.want {
			t.Errorf("%s: Mentioned() = %v", name, got)
		}
	}
}

func TestMessage_Reply(t *testing.T) {
	events, err := decodeEvents([]byte(openapiEvents))
	if err != nil {
		t.Fatal(err)
	}
	got := events[0].Message.Reply("ok")
	if want := (OutgoingMessage{Channel: "Denmark", ChannelID: 5, Topic: "Castle", Content: "ok"}); !reflect.DeepEqual(got, want) {
		t.Errorf("channel reply = %+v", got)
	}
	got = events[1].Message.Reply("ok")
	if want := (OutgoingMessage{To: []int64{31572, 13215}, Content: "ok"}); !reflect.DeepEqual(got, want) {
		t.Errorf("DM reply = %+v", got)
	}
}

func TestRecipient_JSONRoundTrip(t *testing.T) {
	for _, in := range []string{`"Denmark"`, `[{"id":1,"email":"a@b","full_name":"A"}]`} {
		var r Recipient
		if err := json.Unmarshal([]byte(in), &r); err != nil {
			t.Fatal(err)
		}
		out, err := json.Marshal(r)
		if err != nil || string(out) != in {
			t.Errorf("round trip of %s = %s, %v", in, out, err)
		}
	}
}

func TestRegister_EncodesParameters(t *testing.T) {
	s := zuliptest.NewServer(t)
	c, _ := newTestClient(t, s)
	q, err := c.Register(context.Background(), RegisterParams{
		Narrow: [][]string{{"is", "dm"}}, AllPublicStreams: true, FetchEventTypes: []string{"realm", "realm_user"},
	})
	if err != nil {
		t.Fatal(err)
	}
	req := s.RequestsTo(http.MethodPost, "/api/v1/register")[0]
	for k, want := range map[string]string{
		"event_types": `["message"]`, "narrow": `[["is","dm"]]`, "all_public_streams": "true",
		"apply_markdown": "false", "fetch_event_types": `["realm","realm_user"]`,
	} {
		if got := req.Form.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	want := Queue{
		ID: s.Queues()[0], LastEventID: -1, FeatureLevel: zuliptest.DefaultFeatureLevel, Version: zuliptest.DefaultVersion,
		MaxTopicLength: 60, MaxMessageLength: 10000, LongpollTimeout: 90 * time.Second,
		UserID: s.Bot.ID, Email: s.Bot.Email, FullName: s.Bot.FullName,
	}
	if *q != want {
		t.Errorf("Register() = %+v\nwant %+v", *q, want)
	}
	if c.FeatureLevel() != zuliptest.DefaultFeatureLevel || c.longpollTimeout() != 90*time.Second {
		t.Errorf("client did not learn the server: level %d, long-poll %v", c.FeatureLevel(), c.longpollTimeout())
	}
}

func TestGetEvents_EncodesQuery(t *testing.T) {
	s := zuliptest.NewServer(t)
	c, _ := newTestClient(t, s)
	ctx := context.Background()
	q, err := c.Register(ctx, RegisterParams{})
	if err != nil {
		t.Fatal(err)
	}
	s.PushHeartbeat()
	events, err := c.GetEvents(ctx, q.ID, q.LastEventID)
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 1 || events[0].Type != EventHeartbeat || events[0].ID != 0 {
		t.Fatalf("events = %+v", events)
	}
	events, err = c.GetEventsNonBlocking(ctx, q.ID, 0)
	if err != nil || len(events) != 0 {
		t.Fatalf("non-blocking: %+v, %v", events, err)
	}
	reqs := s.RequestsTo(http.MethodGet, "/api/v1/events")
	if got := reqs[0].Query; got.Get("queue_id") != q.ID || got.Get("last_event_id") != "-1" || got.Has("dont_block") || reqs[0].Body != "" {
		t.Errorf("blocking query = %v, body %q", got, reqs[0].Body)
	}
	if got := reqs[1].Query; got.Get("last_event_id") != "0" || got.Get("dont_block") != "true" {
		t.Errorf("non-blocking query = %v", got)
	}
}

func TestDeleteQueue(t *testing.T) {
	s := zuliptest.NewServer(t)
	c, _ := newTestClient(t, s)
	ctx := context.Background()
	q, err := c.Register(ctx, RegisterParams{})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteQueue(ctx, q.ID); err != nil {
		t.Fatal(err)
	}
	if got := s.Deleted(); len(got) != 1 || got[0] != q.ID {
		t.Errorf("Deleted() = %v", got)
	}
	if req := s.RequestsTo(http.MethodDelete, "/api/v1/events")[0]; req.Form.Get("queue_id") != q.ID {
		t.Errorf("DELETE form = %v", req.Form)
	}
	if err := c.DeleteQueue(ctx, q.ID); err != nil {
		t.Errorf("deleting a deleted queue: %v", err)
	}
	_, err = c.GetEvents(ctx, q.ID, -1)
	if !IsBadEventQueue(err) || asError(err).QueueID != q.ID {
		t.Errorf("GetEvents on a deleted queue: %v", err)
	}
}
