package zuliptest

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"
)

// event is an event before it gets a queue's ID.
type event struct {
	typ    string
	fields map[string]any // without "id" and "type"
	msg    *msgInfo       // what narrows look at, for message events
}

// msgInfo is what a narrow can select a message by.
type msgInfo struct {
	dm             bool
	channel, topic string
	senderEmail    string
	flags          []string
}

// queue is a registered event queue.
type queue struct {
	id         string
	eventTypes []string // nil: every type
	narrow     [][]string
	allPublic  bool
	events     []map[string]any
	nextID     int64
	wake       chan struct{} // closed and replaced when the queue changes
}

// wants reports whether the queue subscribes to ev.
func (q *queue) wants(ev event) bool {
	if ev.typ == "heartbeat" {
		return true
	}
	if q.eventTypes != nil && !slices.Contains(q.eventTypes, ev.typ) {
		return false
	}
	return ev.msg == nil || matchNarrow(q.narrow, ev.msg)
}

// push appends ev with the queue's next event ID.
func (q *queue) push(ev event) {
	m := maps.Clone(ev.fields)
	if m == nil {
		m = map[string]any{}
	}
	m["id"], m["type"] = q.nextID, ev.typ
	q.nextID++
	q.events = append(q.events, m)
	q.wakeUp()
}

func (q *queue) wakeUp() {
	close(q.wake)
	q.wake = make(chan struct{})
}

// ack drops the events up to last, as last_event_id acknowledges them.
func (q *queue) ack(last int64) {
	q.events = slices.DeleteFunc(q.events, func(m map[string]any) bool { return m["id"].(int64) <= last })
}

// matchNarrow applies a register narrow to a message, for the operators
// a bot uses (is:dm/private/mentioned, channel/stream, topic, sender);
// other operators match everything.
func matchNarrow(narrow [][]string, m *msgInfo) bool {
	for _, term := range narrow {
		op, operand := strings.ToLower(term[0]), term[1]
		ok := true
		switch op {
		case "is":
			switch strings.ToLower(operand) {
			case "dm", "private":
				ok = m.dm
			case "mentioned":
				ok = slices.Contains(m.flags, "mentioned")
			}
		case "channel", "stream":
			ok = !m.dm && strings.EqualFold(m.channel, operand)
		case "topic":
			ok = !m.dm && strings.EqualFold(m.topic, operand)
		case "sender":
			ok = strings.EqualFold(m.senderEmail, operand)
		}
		if !ok {
			return false
		}
	}
	return true
}

// publishLocked delivers ev to every live queue that wants it. With no
// live queue, a test-pushed event (keep) waits for the next registration,
// so that a test need not race the client's register call; Zulip itself
// would drop it. s.mu must be held.
func (s *Server) publishLocked(ev event, keep bool) {
	for _, q := range s.queues {
		if q.wants(ev) {
			q.push(ev)
		}
	}
	if len(s.queues) == 0 && keep {
		s.pending = append(s.pending, ev)
	}
	s.notifyLocked()
}

// PushEvent queues an event of any type; fields must not hold "id".
func (s *Server) PushEvent(typ string, fields map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.publishLocked(event{typ: typ, fields: maps.Clone(fields)}, true)
}

// PushHeartbeat queues a heartbeat event.
func (s *Server) PushHeartbeat() { s.PushEvent("heartbeat", nil) }

// ExpireQueue garbage-collects the queue as Zulip does after 10 idle
// minutes: its pending events are lost, and the next (or pending) GET
// /events on it fails with BAD_EVENT_QUEUE_ID. It reports whether the
// queue existed.
func (s *Server) ExpireQueue(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	q, ok := s.queues[id]
	if !ok {
		return false
	}
	delete(s.queues, id)
	s.expired = append(s.expired, id)
	q.wakeUp()
	s.notifyLocked()
	return true
}

// ExpireQueues expires every live queue and returns their IDs.
func (s *Server) ExpireQueues() []string {
	ids := s.Queues()
	for _, id := range ids {
		s.ExpireQueue(id)
	}
	return ids
}

// Queues returns the IDs of the live queues, sorted.
func (s *Server) Queues() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := slices.Collect(maps.Keys(s.queues))
	sort.Strings(ids)
	return ids
}

// Registrations returns how many queues have been registered.
func (s *Server) Registrations() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.registrations
}

// WaitRegistrations blocks until at least n queues have been registered
// and returns the live queue IDs. Call it from the test goroutine.
func (s *Server) WaitRegistrations(n int) []string {
	s.t.Helper()
	s.waitFor(fmt.Sprintf("%d registrations", n), func() bool { return s.registrations >= n })
	return s.Queues()
}

// Deleted returns the IDs of the queues deleted with DELETE /events.
func (s *Server) Deleted() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.deleted)
}

func (s *Server) handleRegister(w http.ResponseWriter, r *http.Request) {
	f, e := readForm(r)
	if e != nil {
		writeError(w, e)
		return
	}
	eventTypes, hasEventTypes, e := f.jsonStrings("event_types")
	if e != nil {
		writeError(w, e)
		return
	}
	fetchTypes, hasFetchTypes, e := f.jsonStrings("fetch_event_types")
	if e != nil {
		writeError(w, e)
		return
	}
	narrow, e := f.narrow()
	if e != nil {
		writeError(w, e)
		return
	}
	allPublic, _, e := f.jsonBool("all_public_streams")
	for _, name := range []string{"apply_markdown", "client_gravatar", "slim_presence"} {
		if e == nil {
			_, _, e = f.jsonBool(name)
		}
	}
	if e == nil {
		e = checkCapabilities(f)
	}
	if e == nil {
		if v, ok := f.get("include_subscribers"); ok && v != "true" && v != "false" && v != "partial" {
			e = badRequest("Invalid include_subscribers")
		}
	}
	if e != nil {
		writeError(w, e)
		return
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextQueueID++
	id := fmt.Sprintf("%d:%d", 1700000000+s.nextQueueID, s.nextQueueID)
	q := &queue{id: id, narrow: narrow, allPublic: allPublic, wake: make(chan struct{})}
	if hasEventTypes {
		q.eventTypes = eventTypes
	}
	s.queues[id] = q
	for _, ev := range s.pending {
		if q.wants(ev) {
			q.push(ev)
		}
	}
	s.pending = nil
	s.registrations++
	s.notifyLocked()

	fetch := func(typ string) bool {
		switch {
		case hasFetchTypes:
			return slices.Contains(fetchTypes, typ)
		case hasEventTypes:
			return slices.Contains(eventTypes, typ)
		}
		return true
	}
	fields := map[string]any{
		"queue_id": id, "last_event_id": -1,
		"zulip_feature_level": s.featureLevel, "zulip_version": DefaultVersion, "zulip_merge_base": DefaultVersion,
	}
	if fetch("message") {
		fields["max_message_id"] = s.nextMessageID - 1
	}
	if fetch("realm") {
		fields["max_topic_length"] = s.maxTopic
		fields["max_message_length"] = s.maxContent
		fields["event_queue_longpoll_timeout_seconds"] = 90
	}
	if fetch("realm_user") {
		bot := userJSON(s.userLocked(s.Bot.ID))
		for _, k := range []string{"user_id", "email", "delivery_email", "full_name"} {
			fields[k] = bot[k]
		}
	}
	writeSuccess(w, fields, f.ignored())
}

// checkCapabilities checks client_capabilities, a JSON object.
func checkCapabilities(f *form) *apiError {
	raw, ok := f.get("client_capabilities")
	if !ok {
		return nil
	}
	v, e := decodeJSON("client_capabilities", raw)
	if e != nil {
		return e
	}
	if _, ok := v.(map[string]any); !ok {
		return badRequest("client_capabilities is not a dict")
	}
	return nil
}

func (s *Server) handleGetEvents(w http.ResponseWriter, r *http.Request) {
	f, e := readForm(r)
	if e != nil {
		writeError(w, e)
		return
	}
	id, ok := f.get("queue_id")
	if !ok {
		writeError(w, missing("queue_id"))
		return
	}
	last, hasLast, e := f.jsonInt("last_event_id")
	if e == nil && !hasLast {
		last = -1
	}
	dontBlock, _, e2 := f.jsonBool("dont_block")
	if e == nil {
		e = e2
	}
	if e != nil {
		writeError(w, e)
		return
	}
	s.mu.Lock()
	heartbeat := s.heartbeat
	s.mu.Unlock()
	timer := time.NewTimer(heartbeat)
	defer timer.Stop()
	for {
		s.mu.Lock()
		q := s.queues[id]
		if q == nil {
			s.mu.Unlock()
			writeError(w, badQueue(id))
			return
		}
		q.ack(last)
		if len(q.events) > 0 || dontBlock {
			events := slices.Clone(q.events)
			s.mu.Unlock()
			writeSuccess(w, map[string]any{"events": events, "queue_id": id}, f.ignored())
			return
		}
		wake := q.wake
		s.mu.Unlock()
		select {
		case <-wake:
		case <-timer.C:
			s.mu.Lock()
			if q := s.queues[id]; q != nil {
				q.push(event{typ: "heartbeat"})
			}
			s.mu.Unlock()
		case <-r.Context().Done():
			return
		case <-s.done:
			writeError(w, &apiError{status: http.StatusServiceUnavailable, code: "BAD_REQUEST", msg: "zuliptest: server closing"})
			return
		}
	}
}

func (s *Server) handleDeleteQueue(w http.ResponseWriter, r *http.Request) {
	f, e := readForm(r)
	if e != nil {
		writeError(w, e)
		return
	}
	id, ok := f.get("queue_id")
	if !ok {
		writeError(w, missing("queue_id"))
		return
	}
	s.mu.Lock()
	q := s.queues[id]
	if q != nil {
		delete(s.queues, id)
		s.deleted = append(s.deleted, id)
		q.wakeUp()
		s.notifyLocked()
	}
	s.mu.Unlock()
	if q == nil {
		writeError(w, badQueue(id))
		return
	}
	writeSuccess(w, nil, f.ignored())
}
