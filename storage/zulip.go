package storage

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/ietf-tools/liaisonbot/bot"
)

// ZulipUser returns the cached Zulip user with the id and when it was
// fetched, or ENOTFOUND. email is the Zulip API email (maybe a dummy
// user123@host address), deliveryEmail the real one ("" when the bot may
// not see it); active is false for a deactivated account.
func (db *DB) ZulipUser(ctx context.Context, id int64) (email, deliveryEmail, fullName string, isBot, active bool, fetched time.Time, err error) {
	var ms int64
	err = db.r.QueryRowxContext(ctx, `SELECT email, delivery_email, full_name, is_bot, is_active, fetched_at FROM zulip_users WHERE user_id = ?`, id).
		Scan(&email, &deliveryEmail, &fullName, &isBot, &active, &ms)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", "", false, false, time.Time{}, bot.Errorf(bot.ENOTFOUND, "Zulip user %d is not cached.", id)
	}
	if err != nil {
		return "", "", "", false, false, time.Time{}, bot.Internal("read zulip user", err)
	}
	return email, deliveryEmail, fullName, isBot, active, time.UnixMilli(ms).UTC(), nil
}

// SaveZulipUser caches a Zulip user, replacing what was cached about them.
func (db *DB) SaveZulipUser(ctx context.Context, id int64, email, deliveryEmail, fullName string, isBot, active bool, fetched time.Time) error {
	if id <= 0 {
		return bot.Errorf(bot.EINVALID, "A Zulip user id must be positive, not %d.", id)
	}
	return db.write(ctx, "save zulip user", func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO zulip_users (user_id, email, delivery_email, full_name, is_bot, is_active, fetched_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (user_id) DO UPDATE SET email = excluded.email, delivery_email = excluded.delivery_email,
				full_name = excluded.full_name, is_bot = excluded.is_bot, is_active = excluded.is_active, fetched_at = excluded.fetched_at`,
			id, strings.TrimSpace(email), strings.TrimSpace(deliveryEmail), fullName, isBot, active, fetched.UnixMilli())
		return err
	})
}

// ZulipUserByEmail returns the id of the cached Zulip user whose real or
// API email is the address (ignoring case) and when it was fetched, or
// ENOTFOUND. Only active humans count (a bot or a deactivated account is
// nobody's). A real email wins over an API email, then the freshest entry.
func (db *DB) ZulipUserByEmail(ctx context.Context, email string) (id int64, fetched time.Time, err error) {
	email = strings.TrimSpace(email)
	if email == "" {
		return 0, time.Time{}, bot.Errorf(bot.ENOTFOUND, "No Zulip user has an empty email.")
	}
	var ms int64
	err = db.r.QueryRowxContext(ctx, `SELECT user_id, fetched_at FROM zulip_users
		WHERE (delivery_email = ? COLLATE NOCASE OR email = ? COLLATE NOCASE) AND is_active <> 0 AND is_bot = 0
		ORDER BY (delivery_email = ? COLLATE NOCASE) DESC, fetched_at DESC, user_id LIMIT 1`, email, email, email).Scan(&id, &ms)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, time.Time{}, bot.Errorf(bot.ENOTFOUND, "No cached Zulip user has the email %s.", email)
	}
	if err != nil {
		return 0, time.Time{}, bot.Internal("read zulip user by email", err)
	}
	return id, time.UnixMilli(ms).UTC(), nil
}
