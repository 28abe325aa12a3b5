package datatracker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"time"
)

// Statement event type slugs.
const (
	EventSubmitted      = "submitted"
	EventModified       = "modified"
	EventApproved       = "approved"
	EventPosted         = "posted"
	EventKilled         = "killed"
	EventResurrected    = "resurrected"
	EventMsgIn          = "msgin"
	EventMsgOut         = "msgout"
	EventComment        = "comment"
	EventPrivateComment = "private_comment"
	EventResent         = "resent"
)

// StatementEvent is one event in a statement's history
// (/api/v1/liaisons/liaisonstatementevent/ID/).
type StatementEvent struct {
	ID          int64
	Time        time.Time
	Type        string // slug, see the Event* constants
	ByPersonID  int64  // 0 if null; 1 is "(System)"
	StatementID int64
	Desc        string
}

// eventJSON is the API shape of a statement event.
type eventJSON struct {
	ID        int64   `json:"id"`
	Time      string  `json:"time"`
	Type      string  `json:"type"`
	By        *string `json:"by"`
	Statement string  `json:"statement"`
	Desc      string  `json:"desc"`
}

func decodeEvent(raw json.RawMessage) (StatementEvent, int64, error) {
	var j eventJSON
	if err := json.Unmarshal(raw, &j); err != nil {
		return StatementEvent{}, 0, fmt.Errorf("statement event: %w", err)
	}
	if j.ID <= 0 {
		return StatementEvent{}, 0, errors.New("statement event: missing id")
	}
	e := StatementEvent{ID: j.ID, Desc: j.Desc}
	fail := func(err error) (StatementEvent, int64, error) {
		return StatementEvent{}, 0, fmt.Errorf("statement event %d: %w", j.ID, err)
	}
	var err error
	if e.Time, err = ParseTime(j.Time); err != nil {
		return fail(fmt.Errorf("time: %w", err))
	}
	if e.Type, err = requiredSlug("type", j.Type); err != nil {
		return fail(err)
	}
	if e.ByPersonID, err = optionalID("by", j.By); err != nil {
		return fail(err)
	}
	if e.StatementID, err = requiredID("statement", j.Statement); err != nil {
		return fail(err)
	}
	return e, e.ID, nil
}

// StatementEvents lists statement events matching filter, e.g.
// url.Values{"statement": {"2106"}} or
// url.Values{"time__gte": {"2026-01-01T00:00:00Z"}}. They come in id
// order; sort by Time yourself.
func (c *Client) StatementEvents(ctx context.Context, filter url.Values) ([]StatementEvent, error) {
	return list(ctx, c, pathEvent, filter, decodeEvent)
}
