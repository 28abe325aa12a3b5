package storage

import (
	"context"
	"fmt"
	"os"
)

// Backup writes a consistent copy of the live database to path with
// VACUUM INTO: one read transaction, so writers go on meanwhile and the copy
// is a snapshot. path must not exist.
func (db *DB) Backup(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("backup: %s exists; choose a new file", path)
	}
	conn, err := db.r.Conn(ctx)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		// Read-only connections may refuse; the writer can always do it.
		if _, err2 := db.w.ExecContext(ctx, `VACUUM INTO ?`, path); err2 != nil {
			return fmt.Errorf("backup to %s: %w", path, err2)
		}
	}
	return nil
}
