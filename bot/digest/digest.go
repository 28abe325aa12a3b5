// Package digest sends the weekly digest: once a week, at the scheduled
// moment (or, if the bot was down then, as soon as it is back within the
// day),
// each channel that hears about statements gets one message listing the
// open ones it hears about (bot.Audience.Digests), through the
// notification outbox.
package digest

import (
	"context"
	"log/slog"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
)

// Store is what the digest needs.
type Store interface {
	bot.StatementUpdater
	ListStatements(ctx context.Context, q bot.ListQuery) ([]*bot.Statement, bool, error)
}

// maxStatements bounds how many open statements one digest reads.
const maxStatements = 20000

// Sender sends the weekly digest.
type Sender struct {
	Store    Store
	Audience bot.Audience
	Schedule bot.DigestSchedule
	// Interval is how often Run checks whether the digest is due (default
	// 5 minutes: the reminders' sweep interval).
	Interval time.Duration
	Now      func() time.Time
	Logger   *slog.Logger
	// OnSent, if set, counts the digest messages written.
	OnSent func(n int)

	done string // the key of the last digest this process saw written
}

// Run sends the digest when it is due, checking now and then every
// Interval, until ctx is done.
func (s *Sender) Run(ctx context.Context) error {
	if s.Interval <= 0 {
		s.Interval = 5 * time.Minute
	}
	t := time.NewTicker(s.Interval)
	defer t.Stop()
	for {
		if n, err := s.Send(ctx); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			s.logger().Error("digest: sending failed", "err", err)
		} else if n > 0 {
			s.logger().Info("digest: sent", "messages", n)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

func (s *Sender) logger() *slog.Logger {
	if s.Logger == nil {
		return slog.Default()
	}
	return s.Logger
}

// Send writes the digest of the week whose moment has come, once, and
// returns how many messages it wrote (0 when it was written before, or
// nobody has anything to hear). The week's key is claimed in the same
// transaction as its outbox rows, so a restart or a second process never
// sends it twice.
func (s *Sender) Send(ctx context.Context) (int, error) {
	if !s.Audience.Enabled() {
		return 0, nil
	}
	now := time.Now()
	if s.Now != nil {
		now = s.Now()
	}
	at, day := s.Schedule.Latest(now)
	key := bot.DigestKey(day)
	if key == s.done || now.Sub(at) >= bot.DigestValid {
		return 0, nil
	}
	today := bot.Today(now, s.Schedule.Location)
	var open []*bot.Statement
	q := bot.ListQuery{Filter: bot.ListOpen, Today: today, Page: 1, PageSize: 1000}
	for len(open) < maxStatements {
		page, more, err := s.Store.ListStatements(ctx, q)
		if err != nil {
			return 0, err
		}
		open = append(open, page...)
		if !more {
			break
		}
		q.Page++
	}
	written, claimed := 0, false
	err := s.Audience.Update(ctx, s.Store, func(tx bot.Tx) error {
		written, claimed = 0, false
		subs := map[int64][]bot.Target{}
		for _, st := range open {
			if _, ok := subs[st.OrgID]; ok {
				continue
			}
			ts, err := tx.Subscribers(st.OrgID)
			if err != nil {
				return err
			}
			subs[st.OrgID] = ts
		}
		notices := s.Audience.Digests(open, day, today, subs)
		ok, err := tx.SendDigests(key, now, notices)
		if ok {
			written, claimed = len(notices), true
		}
		return err
	})
	if err != nil {
		return 0, err
	}
	switch {
	case !claimed:
		s.logger().Info("digest: already sent (before a restart, or by another process)", "key", key)
	case written == 0:
		s.logger().Info("digest: nothing open, nothing sent", "key", key)
	}
	s.done = key
	if written > 0 && s.OnSent != nil {
		s.OnSent(written)
	}
	return written, nil
}
