package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/ietf-tools/liaisonbot/bot"
)

// Enqueue writes the notice's outbox rows for s (nil for a notice about
// no one statement: a digest), one per target, in the transaction: who
// hears about what is the bot.Audience's to decide.
func (t *statementTx) Enqueue(s *bot.Statement, n bot.Notice) error {
	var id int64
	if s != nil {
		id = s.ID
	}
	wrote, err := t.db.enqueue(t.ctx, t.tx, id, n, t.db.now())
	t.enqueued = t.enqueued || wrote
	return err
}

// enqueue writes the notice's rows about the statement with the id (0 for
// a notice about no one statement: a digest, which has a stream of its own
// per target and no statement), and tells the dispatchers, on every
// replica, after the commit.
func (db *DB) enqueue(ctx context.Context, tx *sqlx.Tx, id int64, n bot.Notice, at time.Time) (bool, error) {
	buf, err := json.Marshal(n.Data)
	if err != nil {
		return false, err
	}
	now := at.UnixMilli()
	var statement any
	about := "digest"
	if id != 0 {
		statement, about = id, strconv.FormatInt(id, 10)
	}
	wrote := false
	for _, x := range n.Targets {
		stream := x.Platform + "|" + x.Channel + "|" + x.User + "|" + about
		if n.Kind == bot.NoticeHome {
			// A home view is rendered when it is delivered: one refresh
			// waiting (not yet claimed) for the person is enough.
			stream = x.Platform + "|" + x.Channel + "|" + x.User + "|home"
			var waiting int
			if err := tx.GetContext(ctx, &waiting, `SELECT COUNT(*) FROM outbox WHERE stream = ? AND status = 'pending'
				AND claimed_until <= ? AND attempts = 0`, stream, now); err != nil {
				return wrote, err
			}
			if waiting > 0 {
				continue
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO outbox (statement_id, kind, data, platform, channel, user_id, stream,
			created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			statement, n.Kind, string(buf), x.Platform, x.Channel, x.User, stream, now, now); err != nil {
			return wrote, err
		}
		wrote = true
	}
	if wrote {
		return wrote, db.changed(tx, ChangeOutbox)
	}
	return wrote, nil
}

// MailMessageID returns the Message-ID of the latest email of the kind
// written for the statement, or "". The emails' data is read and decoded
// here (the same SQL on both dialects).
func (t *statementTx) MailMessageID(statement int64, kind string) (string, error) {
	var rows []string
	if err := t.tx.SelectContext(t.ctx, &rows, `SELECT data FROM outbox WHERE statement_id = ? AND platform = ? AND kind = ?
		ORDER BY id DESC`, statement, bot.PlatformEmail, bot.NoticeMail); err != nil {
		return "", err
	}
	for _, r := range rows {
		var d bot.NoticeData
		if err := json.Unmarshal([]byte(r), &d); err != nil {
			return "", fmt.Errorf("outbox email of %s: %w", bot.Ref(statement), err)
		}
		if d.Mail != nil && d.Mail.Kind == kind {
			return d.Mail.MessageID, nil
		}
	}
	return "", nil
}

type outboxRow struct {
	ID        int64  `db:"id"`
	Statement int64  `db:"statement_id"`
	Kind      string `db:"kind"`
	Data      string `db:"data"`
	Platform  string `db:"platform"`
	Channel   string `db:"channel"`
	User      string `db:"user_id"`
	Created   int64  `db:"created_at"`
	Attempts  int    `db:"attempts"`
}

// ClaimNotices leases deliverable rows to owner until now+lease: pending,
// due, not leased by anyone else, the oldest pending row of their stream
// (so one statement's notices go in order), and not for a channel in skip
// ("platform|channel", channels pacing themselves); at most lim.Rows rows,
// from at most lim.Channels channels, lim.ChannelLimit(platform) rows a
// channel, the most overdue first.
func (db *DB) ClaimNotices(ctx context.Context, owner string, now time.Time, lease time.Duration, lim bot.ClaimLimits, skip []string) ([]bot.OutboxItem, error) {
	var out []bot.OutboxItem
	err := db.writeRows(ctx, "claim notices", func(tx *sqlx.Tx) error {
		q, args := claimQuery(now, lim, skip)
		var rows []outboxRow
		if err := tx.SelectContext(ctx, &rows, q, args...); err != nil {
			return err
		}
		rows, err := db.lockClaimable(ctx, tx, rows, now)
		if err != nil {
			return err
		}
		channels := map[string]bool{}
		for _, r := range rows {
			key := bot.Target{Platform: r.Platform, Channel: r.Channel, User: r.User}.ChannelKey()
			if !channels[key] {
				if len(channels) >= lim.Channels {
					continue
				}
				channels[key] = true
			}
			if _, err := tx.ExecContext(ctx, `UPDATE outbox SET claimed_by = ?, claimed_until = ? WHERE id = ?`,
				owner, now.Add(lease).UnixMilli(), r.ID); err != nil {
				return err
			}
			it := bot.OutboxItem{ID: r.ID, Statement: r.Statement, Kind: r.Kind, Created: time.UnixMilli(r.Created).UTC(), Attempts: r.Attempts,
				Target: bot.Target{Platform: r.Platform, Channel: r.Channel, User: r.User}}
			if err := json.Unmarshal([]byte(r.Data), &it.Data); err != nil {
				return fmt.Errorf("outbox row %d: %w", r.ID, err)
			}
			out = append(out, it)
		}
		return nil
	})
	return out, err
}

// lockClaimable keeps the rows this transaction could lock. On SQLite the
// single writer is alone, and keeps them all. On PostgreSQL, dispatchers on
// other replicas claim at the same time: each row is locked FOR UPDATE
// SKIP LOCKED (a row another claimer holds is left to it, not waited for)
// and checked again once locked (one claimed and committed meanwhile is
// leased, and dropped).
func (db *DB) lockClaimable(ctx context.Context, tx *sqlx.Tx, rows []outboxRow, now time.Time) ([]outboxRow, error) {
	if !db.Postgres() || len(rows) == 0 {
		return rows, nil
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	q, args, err := sqlx.In(`SELECT id FROM outbox WHERE id IN (?) AND status = 'pending' AND claimed_until <= ?
		FOR UPDATE SKIP LOCKED`, ids, now.UnixMilli())
	if err != nil {
		return nil, err
	}
	var locked []int64
	if err := tx.SelectContext(ctx, &locked, q, args...); err != nil {
		return nil, err
	}
	keep := make(map[int64]bool, len(locked))
	for _, id := range locked {
		keep[id] = true
	}
	out := rows[:0]
	for _, r := range rows {
		if keep[r.ID] {
			out = append(out, r)
		}
	}
	return out, nil
}

// claimQuery selects the claimable rows, numbered within their channel, and
// keeps at most the platform's limit of each channel.
func claimQuery(now time.Time, lim bot.ClaimLimits, skip []string) (string, []any) {
	q := `SELECT id, statement_id, kind, data, platform, channel, user_id, created_at, attempts FROM (
		SELECT id, COALESCE(statement_id, 0) AS statement_id, kind, data, platform, channel, user_id, created_at, attempts, next_attempt_at,
			ROW_NUMBER() OVER (PARTITION BY platform, CASE WHEN user_id <> '' THEN '@' || user_id ELSE channel END
				ORDER BY next_attempt_at, id) AS nth
		FROM outbox o
		WHERE status = 'pending' AND next_attempt_at <= ? AND claimed_until <= ?
		AND id = (SELECT MIN(id) FROM outbox p WHERE p.stream = o.stream AND p.status = 'pending')`
	args := []any{now.UnixMilli(), now.UnixMilli()}
	if len(skip) > 0 {
		q += ` AND (platform || '|' || channel) NOT IN (` + strings.TrimSuffix(strings.Repeat("?, ", len(skip)), ", ") + `)`
		for _, s := range skip {
			args = append(args, s)
		}
	}
	platforms := make([]string, 0, len(lim.PerChannel))
	for p := range lim.PerChannel {
		platforms = append(platforms, p)
	}
	sort.Strings(platforms)
	perChannel := "1"
	if len(platforms) > 0 {
		perChannel = "CASE platform"
		for _, p := range platforms {
			perChannel += ` WHEN ? THEN ?`
			args = append(args, p, lim.ChannelLimit(p))
		}
		perChannel += " ELSE 1 END"
	}
	q += `) claimable WHERE nth <= ` + perChannel + ` ORDER BY next_attempt_at, id LIMIT ?`
	args = append(args, lim.Rows)
	return q, args
}

// RenewClaim extends owner's lease on the row to now+lease, if owner still
// holds it and the lease has not run out: a dispatcher calls it right
// before each delivery, so that no delivery starts on an expired claim
// (another dispatcher may have taken the row since). It reports whether
// the lease was renewed.
func (db *DB) RenewClaim(ctx context.Context, id int64, owner string, now time.Time, lease time.Duration) (bool, error) {
	var held bool
	err := db.writeRows(ctx, "renew notice claim", func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE outbox SET claimed_until = ?
			WHERE id = ? AND claimed_by = ? AND status = 'pending' AND claimed_until > ?`,
			now.Add(lease).UnixMilli(), id, owner, now.UnixMilli())
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		held = n == 1
		return err
	})
	return held, err
}

// errLeaseLost says another dispatcher holds the row now.
var errLeaseLost = errors.New("outbox row no longer leased to this dispatcher")

// MarkSent records a delivery: the row is sent, with the platform's message
// id, and the thread it started is remembered for the statement's later
// notices in that channel.
func (db *DB) MarkSent(ctx context.Context, id int64, owner string, d bot.Delivered, now time.Time) error {
	return db.writeRows(ctx, "mark notice sent", func(tx *sqlx.Tx) error {
		var it outboxRow
		if err := tx.GetContext(ctx, &it, `SELECT id, COALESCE(statement_id, 0) AS statement_id, kind, data, platform, channel, user_id, created_at, attempts
			FROM outbox WHERE id = ? AND claimed_by = ? AND status = 'pending'`, id, owner); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return errLeaseLost
			}
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE outbox SET status = 'sent', sent_at = ?, message_id = ?, attempts = attempts + 1,
			claimed_until = 0, last_error = '' WHERE id = ?`, now.UnixMilli(), d.MessageID, id); err != nil {
			return err
		}
		if d.Thread != "" && it.Channel != "" && it.Statement != 0 {
			_, err := tx.ExecContext(ctx, `INSERT INTO threads (statement_id, platform, channel, thread_id) VALUES (?, ?, ?, ?)
				ON CONFLICT DO NOTHING`, it.Statement, it.Platform, it.Channel, d.Thread)
			return err
		}
		return nil
	})
}

// MarkRetry puts the row back for another attempt at next.
func (db *DB) MarkRetry(ctx context.Context, id int64, owner string, next time.Time, lastErr string) error {
	return db.writeRows(ctx, "mark notice for retry", func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE outbox SET next_attempt_at = ?, attempts = attempts + 1, last_error = ?,
			claimed_until = 0 WHERE id = ? AND claimed_by = ? AND status = 'pending'`, next.UnixMilli(), truncate(lastErr, 500), id, owner)
		return leaseCheck(res, err)
	})
}

// Release gives a claimed row back undelivered, not before next (a channel
// that must wait): no attempt is counted.
func (db *DB) Release(ctx context.Context, id int64, owner string, next time.Time) error {
	return db.writeRows(ctx, "release notice", func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE outbox SET next_attempt_at = `+db.dialect.greatest("next_attempt_at", "?")+`, claimed_until = 0
			WHERE id = ? AND claimed_by = ? AND status = 'pending'`, next.UnixMilli(), id, owner)
		return leaseCheck(res, err)
	})
}

// ReleaseOwner gives back every row still leased to owner: a dispatcher
// starting under the name of one that died (a restart) takes over its
// claims at once instead of waiting for their leases to run out.
func (db *DB) ReleaseOwner(ctx context.Context, owner string) (int, error) {
	var n int64
	err := db.writeRows(ctx, "release claims", func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE outbox SET claimed_until = 0 WHERE claimed_by = ? AND status = 'pending' AND claimed_until > 0`, owner)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}

// MarkFailed parks the row as failed with its last error; later rows of its
// stream go on.
func (db *DB) MarkFailed(ctx context.Context, id int64, owner string, lastErr string) error {
	return db.writeRows(ctx, "park notice", func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = ?,
			claimed_until = 0 WHERE id = ? AND claimed_by = ? AND status = 'pending'`, truncate(lastErr, 500), id, owner)
		return leaseCheck(res, err)
	})
}

// Settle records a delivery that reached some of an email's recipients
// and not others: the row becomes parts[0] (sent, pending again, or
// failed, with the recipients of that outcome), every further part a new
// row of the same notice, and the notices (a word to the submitter in
// chat) are written with them, in one transaction.
func (db *DB) Settle(ctx context.Context, id int64, owner string, parts []bot.OutboxPart, notices []bot.Notice, now time.Time) error {
	if len(parts) == 0 {
		return fmt.Errorf("settle notice %d: no outcome", id)
	}
	return db.writeRows(ctx, "settle notice", func(tx *sqlx.Tx) error {
		var row struct {
			outboxRow
			Stream string `db:"stream"`
		}
		if err := tx.GetContext(ctx, &row, `SELECT id, statement_id, kind, data, platform, channel, user_id, created_at, attempts, stream
			FROM outbox WHERE id = ? AND claimed_by = ? AND status = 'pending'`, id, owner); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return errLeaseLost
			}
			return err
		}
		for i, p := range parts {
			buf, err := json.Marshal(p.Data)
			if err != nil {
				return err
			}
			sentAt, next := int64(0), p.Next.UnixMilli()
			if p.Status == bot.OutboxSent {
				sentAt = now.UnixMilli()
			}
			if p.Status != bot.OutboxPending {
				next = now.UnixMilli()
			}
			if i == 0 {
				res, err := tx.ExecContext(ctx, `UPDATE outbox SET status = ?, data = ?, next_attempt_at = ?, attempts = attempts + 1,
					last_error = ?, claimed_until = 0, sent_at = ?, message_id = ? WHERE id = ? AND claimed_by = ? AND status = 'pending'`,
					p.Status, string(buf), next, truncate(p.LastError, 500), sentAt, p.MessageID, id, owner)
				if err := leaseCheck(res, err); err != nil {
					return err
				}
				continue
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO outbox (statement_id, kind, data, platform, channel, user_id, stream,
				status, created_at, next_attempt_at, attempts, last_error, sent_at, message_id)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				row.Statement, row.Kind, string(buf), row.Platform, row.Channel, row.User, row.Stream,
				p.Status, row.Created, next, row.Attempts+1, truncate(p.LastError, 500), sentAt, p.MessageID); err != nil {
				return err
			}
			if p.Status == bot.OutboxPending {
				// A row to deliver: the dispatchers hear of it.
				if err := db.changed(tx, ChangeOutbox); err != nil {
					return err
				}
			}
		}
		for _, n := range notices {
			if _, err := db.enqueue(ctx, tx, row.Statement, n, now); err != nil {
				return err
			}
		}
		return nil
	})
}

func leaseCheck(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return errLeaseLost
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// Thread returns the statement's thread in the channel, or "".
func (db *DB) Thread(ctx context.Context, statement int64, platform, channel string) (string, error) {
	var id string
	err := db.r.GetContext(ctx, &id, `SELECT thread_id FROM threads WHERE statement_id = ? AND platform = ? AND channel = ?`,
		statement, platform, channel)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return id, err
}

// EventsByID returns the events with the ids, oldest first.
func (db *DB) EventsByID(ctx context.Context, ids []int64) ([]bot.Event, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	q, args, err := sqlx.In(`SELECT `+eventColumns+` FROM statement_events WHERE id IN (?) ORDER BY id`, ids)
	if err != nil {
		return nil, err
	}
	return queryEvents(ctx, db.r, q, args...)
}

// OutboxStats is the outbox at a glance.
type OutboxStats struct {
	Pending      int
	Failed       int
	OldestAge    time.Duration // age of the oldest pending row
	SentLastHour int
}

// OutboxStats counts pending and failed rows.
func (db *DB) OutboxStats(ctx context.Context, now time.Time) (OutboxStats, error) {
	var st OutboxStats
	var oldest sql.NullInt64
	err := db.r.QueryRowxContext(ctx, `SELECT
		(SELECT COUNT(*) FROM outbox WHERE status = 'pending'),
		(SELECT COUNT(*) FROM outbox WHERE status = 'failed'),
		(SELECT MIN(created_at) FROM outbox WHERE status = 'pending')`).Scan(&st.Pending, &st.Failed, &oldest)
	if err != nil {
		return st, err
	}
	if oldest.Valid {
		st.OldestAge = now.Sub(time.UnixMilli(oldest.Int64))
	}
	return st, nil
}

// OutboxEntry is a row as admins see it.
type OutboxEntry struct {
	ID        int64
	Statement int64
	Kind      string
	Target    bot.Target
	Status    string
	Created   time.Time
	NextTry   time.Time
	Attempts  int
	LastError string
	// Recipients are an email's addresses (its envelope).
	Recipients []string
}

// OutboxList lists pending and failed rows, oldest first.
func (db *DB) OutboxList(ctx context.Context, limit int) ([]OutboxEntry, error) {
	rows, err := db.r.QueryxContext(ctx, `SELECT id, COALESCE(statement_id, 0), kind, platform, channel, user_id, status, created_at,
		next_attempt_at, attempts, last_error, data FROM outbox WHERE status IN ('pending', 'failed') ORDER BY id LIMIT ?`, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []OutboxEntry
	for rows.Next() {
		var e OutboxEntry
		var created, next int64
		var data string
		if err := rows.Scan(&e.ID, &e.Statement, &e.Kind, &e.Target.Platform, &e.Target.Channel, &e.Target.User, &e.Status,
			&created, &next, &e.Attempts, &e.LastError, &data); err != nil {
			return nil, err
		}
		if e.Kind == bot.NoticeMail {
			var nd bot.NoticeData
			if err := json.Unmarshal([]byte(data), &nd); err == nil && nd.Mail != nil {
				e.Recipients = nd.Mail.Recipients()
			}
		}
		e.Created, e.NextTry = time.UnixMilli(created).UTC(), time.UnixMilli(next).UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}

// OutboxRetry puts failed rows (all of them, or those with the ids) back in
// the queue, due now. It returns how many.
func (db *DB) OutboxRetry(ctx context.Context, ids []int64) (int, error) {
	var n int64
	err := db.write(ctx, "retry notices", func(tx *sqlx.Tx) error {
		now := db.now().UnixMilli()
		var res sql.Result
		var err error
		if len(ids) == 0 {
			res, err = tx.ExecContext(ctx, `UPDATE outbox SET status = 'pending', next_attempt_at = ?, attempts = 0,
				claimed_until = 0, created_at = ? WHERE status = 'failed'`, now, now)
		} else {
			q, args, e := sqlx.In(`UPDATE outbox SET status = 'pending', next_attempt_at = ?, attempts = 0, claimed_until = 0,
				created_at = ? WHERE status = 'failed' AND id IN (?)`, now, now, ids)
			if e != nil {
				return e
			}
			res, err = tx.ExecContext(ctx, q, args...)
		}
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}

// MarkDigest records the digest with the key as sent; false means it was
// recorded before and must not be sent again.
func (t *statementTx) MarkDigest(key string, at time.Time) (bool, error) {
	res, err := t.tx.ExecContext(t.ctx, `INSERT INTO digests_sent (key, sent_at) VALUES (?, ?) ON CONFLICT DO NOTHING`, key, at.UnixMilli())
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// OutboxStatuses returns the status ("pending", "failed", "sent") of each
// notice among ids that exists; the ids missing from the map are unknown.
func (db *DB) OutboxStatuses(ctx context.Context, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	if len(ids) == 0 {
		return out, nil
	}
	q, args, err := sqlx.In(`SELECT id, status FROM outbox WHERE id IN (?)`, ids)
	if err != nil {
		return nil, err
	}
	rows, err := db.r.QueryxContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var status string
		if err := rows.Scan(&id, &status); err != nil {
			return nil, err
		}
		out[id] = status
	}
	return out, rows.Err()
}
