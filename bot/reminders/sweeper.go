// Package reminders runs the reminder sweep: at start-up and then every
// interval it finds the statements with a reminder due (bot.DueReminders)
// and sends each reminder once, through the notification outbox.
package reminders

import (
	"context"
	"log/slog"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
)

// Store is what the sweep needs.
type Store interface {
	bot.ReminderStore
	bot.StatementUpdater
	Directory(ctx context.Context) (*bot.Directory, error)
}

// Sweeper sends the reminders that are due.
type Sweeper struct {
	Store    Store
	Schedule bot.Schedule
	Interval time.Duration
	Now      func() time.Time
	Logger   *slog.Logger
	// Audience decides where each reminder goes.
	Audience bot.Audience
	// OnSent, if set, counts reminders by kind (metrics).
	OnSent func(kind string)
}

// Run sweeps now and then every Interval until ctx is done.
func (s *Sweeper) Run(ctx context.Context) error {
	if s.Interval <= 0 {
		s.Interval = 5 * time.Minute
	}
	t := time.NewTicker(s.Interval)
	defer t.Stop()
	for {
		if n, err := s.Sweep(ctx); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			s.logger().Error("reminders: sweep failed", "err", err)
		} else if n > 0 {
			s.logger().Info("reminders: sent", "count", n)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

func (s *Sweeper) logger() *slog.Logger {
	if s.Logger == nil {
		return slog.Default()
	}
	return s.Logger
}

func (s *Sweeper) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

// Sweep sends every reminder due now, once, and returns how many it sent.
// A reminder is recorded under its unique key in the same transaction as its
// history event and its outbox rows, so a restart, a slow sweep or a second
// process never sends it twice.
func (s *Sweeper) Sweep(ctx context.Context) (int, error) {
	now := s.now()
	sch := s.Schedule
	if sch.Location == nil {
		sch.Location = time.UTC
	}
	today := bot.Today(now, sch.Location)
	maxBefore := 0
	for _, d := range sch.DaysBefore {
		maxBefore = max(maxBefore, d)
	}
	// A weekend shift moves a reminder by up to two days.
	from := today.AddDays(-max(sch.OverdueDays, sch.EscalateAfterDays) - 3)
	to := today.AddDays(maxBefore + 3)
	cands, err := s.Store.ReminderCandidates(ctx, from, to)
	if err != nil || len(cands) == 0 {
		return 0, err
	}
	ids := make([]int64, len(cands))
	for i, c := range cands {
		ids[i] = c.ID
	}
	sent, err := s.Store.RemindersSent(ctx, ids)
	if err != nil {
		return 0, err
	}
	var due []*bot.Statement
	for _, c := range cands {
		if len(bot.DueReminders(c, history(sent[c.ID]), now, sch)) > 0 {
			due = append(due, c)
		}
	}
	if len(due) == 0 {
		return 0, nil
	}
	dir, err := s.Store.Directory(ctx)
	if err != nil {
		return 0, err
	}
	count := 0
	var kinds []string
	// Chunks keep each transaction short.
	for start := 0; start < len(due); start += 200 {
		chunk := due[start:min(start+200, len(due))]
		var chunkKinds []string
		err := s.Audience.Update(ctx, s.Store, func(tx bot.Tx) error {
			chunkKinds = chunkKinds[:0]
			for _, c := range chunk {
				// Decide again on the statement as it is now.
				cur, err := tx.Statement(c.ID)
				if err != nil {
					return err
				}
				var org *bot.Organization
				if cur.OrgID != 0 {
					org = dir.Org(cur.OrgID)
				}
				for _, r := range bot.DueReminders(cur, history(sent[c.ID]), now, sch) {
					ok, err := tx.Remind(cur, r, org, dir, bot.Event{Statement: cur.ID, Time: now, Type: bot.EventReminded,
						FromState: cur.State, ToState: cur.State, Reminder: r.Key(), Note: r.Subject(cur.Ref())})
					if err != nil {
						return err
					}
					if !ok {
						continue // another sweep sent it
					}
					chunkKinds = append(chunkKinds, r.Kind)
				}
			}
			return nil
		})
		if err != nil {
			return count, err
		}
		count += len(chunkKinds)
		kinds = append(kinds, chunkKinds...)
	}
	if s.OnSent != nil {
		for _, k := range kinds {
			s.OnSent(k)
		}
	}
	return count, nil
}

// history turns the keys of sent reminders into the events the policy
// reads.
func history(keys []string) []bot.Event {
	out := make([]bot.Event, len(keys))
	for i, k := range keys {
		out[i] = bot.Event{Type: bot.EventReminded, Reminder: k}
	}
	return out
}
