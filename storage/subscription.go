package storage

import (
	"context"

	"github.com/jmoiron/sqlx"

	"github.com/ietf-tools/liaisonbot/bot"
)

// Subscribe makes the channel receive notices for the organization (0:
// every organization).
func (db *DB) Subscribe(ctx context.Context, platform, channel string, orgID int64, by string) (bool, error) {
	var added bool
	err := db.write(ctx, "subscribe", func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO subscriptions (platform, channel, org_id, created_by, created_at)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`, platform, channel, orgID, by, db.now().UnixMilli())
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		added = n > 0
		return err
	})
	return added, err
}

// Unsubscribe stops the channel's notices for the organization (0: the
// "all" subscription).
func (db *DB) Unsubscribe(ctx context.Context, platform, channel string, orgID int64) (bool, error) {
	var removed bool
	err := db.write(ctx, "unsubscribe", func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM subscriptions WHERE platform = ? AND channel = ? AND org_id = ?`, platform, channel, orgID)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		removed = n > 0
		return err
	})
	return removed, err
}

// Subscriptions lists the organizations the channel follows (0: all).
func (db *DB) Subscriptions(ctx context.Context, platform, channel string) ([]int64, error) {
	var ids []int64
	err := db.r.SelectContext(ctx, &ids, `SELECT org_id FROM subscriptions WHERE platform = ? AND channel = ? ORDER BY org_id`, platform, channel)
	return ids, err
}

// Subscribers lists, in the transaction, the channels subscribed to the
// organization's statements or to all, ordered by platform and channel.
func (t *statementTx) Subscribers(orgID int64) ([]bot.Target, error) {
	rows, err := t.tx.QueryxContext(t.ctx, `SELECT platform, channel FROM subscriptions WHERE org_id = 0 OR org_id = ? ORDER BY platform, channel`, orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []bot.Target
	for rows.Next() {
		var t bot.Target
		if err := rows.Scan(&t.Platform, &t.Channel); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}
