package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"

	"github.com/jmoiron/sqlx"

	"github.com/ietf-tools/liaisonbot/bot"
)

// Conversation returns the user's form in progress.
func (db *DB) Conversation(ctx context.Context, platform, userID string) (*bot.Conversation, error) {
	var data string
	stmt, err := db.prepared(ctx, `SELECT data FROM form_sessions WHERE platform = ? AND user_id = ?`)
	if err != nil {
		return nil, bot.Internal("read form", err)
	}
	err = stmt.GetContext(ctx, &data, platform, userID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, bot.Errorf(bot.ENOTFOUND, "No form in progress.")
	}
	if err != nil {
		return nil, bot.Internal("read form", err)
	}
	var c bot.Conversation
	if err := json.Unmarshal([]byte(data), &c); err != nil {
		return nil, bot.Internal("read form", err)
	}
	return &c, nil
}

// SaveConversation stores the user's form in progress.
func (db *DB) SaveConversation(ctx context.Context, platform, userID string, c *bot.Conversation) error {
	data, err := json.Marshal(c)
	if err != nil {
		return bot.Internal("save form", err)
	}
	return db.write(ctx, "save form", func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO form_sessions (platform, user_id, data, updated) VALUES (?, ?, ?, ?)
			ON CONFLICT (platform, user_id) DO UPDATE SET data = excluded.data, updated = excluded.updated`,
			platform, userID, string(data), c.Updated.UnixMilli())
		return err
	})
}

// DeleteConversation drops the user's form in progress.
func (db *DB) DeleteConversation(ctx context.Context, platform, userID string) error {
	return db.write(ctx, "drop form", func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM form_sessions WHERE platform = ? AND user_id = ?`, platform, userID)
		return err
	})
}
