package zulip

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"sync/atomic"
	"time"
)

// deleteQueueTimeout bounds the queue deletion at shutdown.
const deleteQueueTimeout = 10 * time.Second

// Listener consumes an event queue. Run registers a queue, long-polls it
// and hands every event but heartbeats to Handle, one at a time and in
// order, acknowledging each (through last_event_id) once Handle returns.
// When the server has dropped the queue (BAD_EVENT_QUEUE_ID) it registers
// a new one and carries on; on other errors it backs off (exponentially,
// with jitter, at most 60 s) and tries again; when ctx is done it deletes
// the queue and returns.
type Listener struct {
	Client *Client
	Params RegisterParams
	// Handle is called for every event but heartbeats. It should honour
	// ctx, which is done when the listener stops. A panic in Handle is
	// logged and the event skipped.
	Handle func(ctx context.Context, ev Event)
	// OnRegister, if set, is called after every successful registration;
	// reregistered is false for the first one.
	OnRegister func(q *Queue, reregistered bool)

	// Resume, if set, is a queue to go on reading from the event after
	// ResumeAfter (one another process registered and left: it stopped or
	// died); if Zulip no longer has it, a new queue is registered.
	Resume      string
	ResumeAfter int64
	// OnProgress, if set, is told the queue and the last event handled:
	// after a registration and after each batch of events.
	OnProgress func(queueID string, lastEventID int64)
	// KeepQueue leaves the queue on Zulip when Run returns, for the next
	// process to Resume (Zulip drops a queue nobody reads after about ten
	// minutes); otherwise Run deletes it.
	KeepQueue bool

	registrations atomic.Int64
}

// Listen runs a Listener with these parameters until ctx is done.
func (c *Client) Listen(ctx context.Context, p RegisterParams, handle func(context.Context, Event)) error {
	l := &Listener{Client: c, Params: p, Handle: handle}
	return l.Run(ctx)
}

// Registrations returns how many queues the listener has registered so far
// (the first one included): a metric of how often queues were lost.
func (l *Listener) Registrations() int64 { return l.registrations.Load() }

// Run listens until ctx is done, then deletes the queue and returns nil.
// It returns an error only for failures no retry will fix: rejected
// credentials, or another 4xx answer (other than 429 and
// BAD_EVENT_QUEUE_ID) to register or to get events.
func (l *Listener) Run(ctx context.Context) error {
	if l.Client == nil || l.Handle == nil {
		return errors.New("zulip: listener needs a Client and a Handle function")
	}
	c := l.Client
	var (
		q        *Queue
		lastID   int64
		failures int
	)
	if l.Resume != "" {
		q, lastID = &Queue{ID: l.Resume}, l.ResumeAfter
		c.logger.LogAttrs(ctx, slog.LevelInfo, "zulip: resuming event queue",
			slog.String(logKeyQueueID, q.ID), slog.Int64(logKeyEventID, lastID))
	}
	progress := func() {
		if l.OnProgress != nil && q != nil {
			l.OnProgress(q.ID, lastID)
		}
	}
	defer func() {
		if q != nil && !l.KeepQueue {
			l.deleteQueue(ctx, q.ID)
		}
	}()
	for ctx.Err() == nil {
		var err error
		if q == nil {
			if q, err = c.Register(ctx, l.Params); err == nil {
				lastID = q.LastEventID
				n := l.registrations.Add(1)
				c.logger.LogAttrs(ctx, slog.LevelInfo, "zulip: registered event queue",
					slog.String(logKeyQueueID, q.ID), slog.Int64("registrations", n))
				if l.OnRegister != nil {
					l.OnRegister(q, n > 1)
				}
				progress()
			}
		} else {
			var events []Event
			if events, err = c.GetEvents(ctx, q.ID, lastID); err == nil {
				before := lastID
				if lastID = l.dispatch(ctx, events, lastID); lastID != before {
					progress()
				}
			} else if IsBadEventQueue(err) {
				c.logger.LogAttrs(ctx, slog.LevelWarn, "zulip: event queue gone, registering again",
					slog.String(logKeyQueueID, q.ID))
				q, err = nil, nil
			}
		}
		switch {
		case err == nil:
			failures = 0
		case ctx.Err() != nil:
		case permanent(err):
			return fmt.Errorf("zulip: listener: %w", err)
		default:
			failures++
			wait := c.retry.Backoff(failures)
			c.logger.LogAttrs(ctx, slog.LevelWarn, "zulip: listener backing off",
				slog.Int(logKeyAttempt, failures), slog.Duration(logKeyWait, wait), slog.Any(logKeyErr, err))
			_ = c.sleep(ctx, wait) // returns early only if ctx is done
		}
	}
	return nil
}

// dispatch hands events to Handle in order and returns the new
// last_event_id.
func (l *Listener) dispatch(ctx context.Context, events []Event, lastID int64) int64 {
	for _, ev := range events {
		if ctx.Err() != nil {
			break
		}
		if ev.ID <= lastID {
			continue // already handled; the server should not repeat it
		}
		lastID = ev.ID
		switch {
		case ev.Type == EventHeartbeat:
		case ev.DecodeErr != nil:
			l.Client.logger.LogAttrs(ctx, slog.LevelWarn, "zulip: skipping undecodable event",
				slog.Int64(logKeyEventID, ev.ID), slog.String("type", ev.Type), slog.Any(logKeyErr, ev.DecodeErr))
		default:
			l.handle(ctx, ev)
		}
	}
	return lastID
}

// handle calls Handle, turning a panic into a log record.
func (l *Listener) handle(ctx context.Context, ev Event) {
	defer func() {
		if r := recover(); r != nil {
			l.Client.logger.LogAttrs(ctx, slog.LevelError, "zulip: event handler panicked",
				slog.Int64(logKeyEventID, ev.ID), slog.Any("panic", r), slog.String("stack", string(debug.Stack())))
		}
	}()
	l.Handle(ctx, ev)
}

// deleteQueue deletes the queue with a fresh context, since ctx is done.
func (l *Listener) deleteQueue(ctx context.Context, queueID string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), deleteQueueTimeout)
	defer cancel()
	if err := l.Client.DeleteQueue(ctx, queueID); err != nil {
		l.Client.logger.LogAttrs(ctx, slog.LevelWarn, "zulip: deleting event queue",
			slog.String(logKeyQueueID, queueID), slog.Any(logKeyErr, err))
	}
}

// permanent reports whether retrying after err is pointless: a 4xx answer
// other than a rate limit or a lost queue.
func permanent(err error) bool {
	e := asError(err)
	return e != nil && e.HTTPStatus >= http.StatusBadRequest && e.HTTPStatus < http.StatusInternalServerError &&
		!e.rateLimited() && e.Code != CodeBadEventQueueID
}
