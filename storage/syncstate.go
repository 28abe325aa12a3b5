package storage

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/jmoiron/sqlx"
)

// The sync state: small named values the Datatracker syncs keep (where the
// last one stopped, what it saw).

// SyncState returns the value stored under key, or "" when there is none.
func (db *DB) SyncState(ctx context.Context, key string) (string, error) {
	var v string
	err := db.read(ctx, "read sync state", func(tx *sqlx.Tx) error {
		var err error
		v, err = getSyncState(ctx, tx, key)
		return err
	})
	return v, err
}

// SetSyncState stores value under key.
func (db *DB) SetSyncState(ctx context.Context, key, value string) error {
	return db.write(ctx, "write sync state", func(tx *sqlx.Tx) error {
		return putSyncState(ctx, tx, key, value, db.now())
	})
}

func getSyncState(ctx context.Context, tx *sqlx.Tx, key string) (string, error) {
	var v string
	err := tx.GetContext(ctx, &v, `SELECT value FROM sync_state WHERE key = ?`, key)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, err
}

func putSyncState(ctx context.Context, tx *sqlx.Tx, key, value string, now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO sync_state (key, value, updated) VALUES (?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated = excluded.updated`,
		key, value, now.Format(time.RFC3339))
	return err
}

// SyncState reads a sync state value inside the transaction ("" if none).
func (t *statementTx) SyncState(key string) (string, error) { return getSyncState(t.ctx, t.tx, key) }

// SetSyncState writes a sync state value inside the transaction, so that it
// commits (or not) with the statements.
func (t *statementTx) SetSyncState(key, value string) error {
	return putSyncState(t.ctx, t.tx, key, value, t.db.now())
}
