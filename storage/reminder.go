package storage

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/ietf-tools/liaisonbot/bot"
)

// The queries ReminderCandidates runs: statements awaiting action with a
// deadline between two dates, and pending ones (outgoing ones await
// approval, incoming ones their recording).
const (
	dueQuery = `SELECT ` + statementColumns + ` FROM statements
		WHERE action_required = 1 AND action_taken = 0 AND state <> 'dead' AND sort_deadline BETWEEN ? AND ?`
	awaitingApprovalQuery = `SELECT ` + statementColumns + ` FROM statements
		WHERE state = 'pending'`
)

// remindersSentQuery is RemindersSent's query, before sqlx.In expands the
// ids.
const remindersSentQuery = `SELECT statement_id, key FROM reminders_sent WHERE statement_id IN (?)`

// ReminderCandidates returns the statements that may have a reminder due
// around today: awaiting action with a deadline between from and to, and
// pending statements (outgoing ones await approval, incoming ones their
// recording). Both queries are served by indexes (see
// TestReminderCandidates_UseIndexes).
func (db *DB) ReminderCandidates(ctx context.Context, from, to bot.Date) ([]*bot.Statement, error) {
	var out []*bot.Statement
	err := db.read(ctx, "reminder candidates", func(tx *sqlx.Tx) error {
		a, err := selectStatements(ctx, tx, dueQuery, from.String(), to.String())
		if err != nil {
			return err
		}
		b, err := selectStatements(ctx, tx, awaitingApprovalQuery)
		if err != nil {
			return err
		}
		seen := make(map[int64]bool, len(a))
		for _, s := range a {
			seen[s.ID] = true
		}
		out = a
		for _, s := range b {
			if !seen[s.ID] {
				out = append(out, s)
			}
		}
		return nil
	})
	return out, err
}

// RemindersSent returns, per statement, the keys of the reminders already
// sent.
func (db *DB) RemindersSent(ctx context.Context, ids []int64) (map[int64][]string, error) {
	out := map[int64][]string{}
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		q, args, err := sqlx.In(remindersSentQuery, chunk)
		if err != nil {
			return nil, err
		}
		rows, err := db.r.QueryxContext(ctx, q, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			var key string
			if err := rows.Scan(&id, &key); err != nil {
				rows.Close()
				return nil, err
			}
			out[id] = append(out[id], key)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// MarkReminded records that the reminder with the key is being sent for
// the statement; false means it was recorded before (by this or another
// process), and must not be sent again.
func (t *statementTx) MarkReminded(statement int64, key string, at time.Time) (bool, error) {
	res, err := t.tx.ExecContext(t.ctx, `INSERT INTO reminders_sent (statement_id, key, sent_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
		statement, key, at.UnixMilli())
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
