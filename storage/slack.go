package storage

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/ietf-tools/liaisonbot/bot"
)

// SlackEventRetention is how long a handled Slack event id is remembered.
// Slack retries a delivery within minutes; a day leaves room for restarts.
const SlackEventRetention = 24 * time.Hour

// SeenSlackEvent records that the Slack event with the id is being handled
// and reports whether it had been recorded before (a retry, or a second
// delivery). The check and the record are one atomic statement, so two
// deliveries racing each other, or a retry after a restart, see seen=true
// exactly once. Ids older than SlackEventRetention before at are pruned in
// the same transaction.
func (db *DB) SeenSlackEvent(ctx context.Context, id string, at time.Time) (seen bool, err error) {
	if id == "" {
		return false, bot.Errorf(bot.EINVALID, "An event without an id.")
	}
	err = db.write(ctx, "record slack event", func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO slack_events (event_id, seen_at) VALUES (?, ?) ON CONFLICT (event_id) DO NOTHING`,
			id, at.UnixMilli())
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		seen = n == 0
		_, err = tx.ExecContext(ctx, `DELETE FROM slack_events WHERE seen_at < ?`, at.Add(-SlackEventRetention).UnixMilli())
		return err
	})
	return seen, err
}

// ForgetSlackEvent drops a recorded event id, so that Slack's next retry of
// an event that could not be handled is handled.
func (db *DB) ForgetSlackEvent(ctx context.Context, id string) error {
	return db.write(ctx, "forget slack event", func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM slack_events WHERE event_id = ?`, id)
		return err
	})
}

// SlackUser returns the cached profile of a Slack user and when it was
// fetched, or ENOTFOUND.
func (db *DB) SlackUser(ctx context.Context, id string) (email, name string, fetched time.Time, err error) {
	var ms int64
	err = db.r.QueryRowxContext(ctx, `SELECT email, name, fetched_at FROM slack_users WHERE user_id = ?`, id).Scan(&email, &name, &ms)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", time.Time{}, bot.Errorf(bot.ENOTFOUND, "Slack user %s is not cached.", id)
	}
	if err != nil {
		return "", "", time.Time{}, bot.Internal("read slack user", err)
	}
	return email, name, time.UnixMilli(ms).UTC(), nil
}

// SaveSlackUser caches a Slack user's profile.
func (db *DB) SaveSlackUser(ctx context.Context, id, email, name string, fetched time.Time) error {
	return db.write(ctx, "save slack user", func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO slack_users (user_id, email, name, fetched_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (user_id) DO UPDATE SET email = excluded.email, name = excluded.name, fetched_at = excluded.fetched_at`,
			id, email, name, fetched.UnixMilli())
		return err
	})
}

// SlackUserByEmail returns the cached answer of a users.lookupByEmail: the
// Slack user id ("" when Slack knows nobody with the address) and when it
// was fetched, or ENOTFOUND when the address was never looked up.
func (db *DB) SlackUserByEmail(ctx context.Context, email string) (id string, fetched time.Time, err error) {
	var ms int64
	err = db.r.QueryRowxContext(ctx, `SELECT user_id, fetched_at FROM slack_emails WHERE email = ?`, email).Scan(&id, &ms)
	if errors.Is(err, sql.ErrNoRows) {
		return "", time.Time{}, bot.Errorf(bot.ENOTFOUND, "%s was not looked up on Slack.", email)
	}
	if err != nil {
		return "", time.Time{}, bot.Internal("read slack email", err)
	}
	return id, time.UnixMilli(ms).UTC(), nil
}

// SaveSlackUserByEmail caches the answer of a users.lookupByEmail; id ""
// records that Slack knows nobody with the address.
func (db *DB) SaveSlackUserByEmail(ctx context.Context, email, id string, fetched time.Time) error {
	return db.write(ctx, "save slack email", func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO slack_emails (email, user_id, fetched_at) VALUES (?, ?, ?)
			ON CONFLICT (email) DO UPDATE SET user_id = excluded.user_id, fetched_at = excluded.fetched_at`,
			email, id, fetched.UnixMilli())
		return err
	})
}
