package storage

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
)

// ErrBackupWithPgDump is Backup's answer on PostgreSQL: the server's own
// tool makes the copy (see PgDumpCommand).
var ErrBackupWithPgDump = errors.New("a PostgreSQL database is backed up with pg_dump")

// PgDumpCommand is the pg_dump command line that backs up the PostgreSQL
// database to file (custom format, for pg_restore): the URL without its
// password (pg_dump reads it from PGPASSWORD or ~/.pgpass), and the schema
// when it is not public.
func (db *DB) PgDumpCommand(file string) string {
	u, err := url.Parse(db.Path)
	if err != nil {
		return "pg_dump --format=custom --file=" + shellQuote(file) + " <database URL>"
	}
	if u.User != nil {
		u.User = url.User(u.User.Username())
	}
	q := url.Values{}
	for k, v := range u.Query() {
		switch k { // libpq's parameters; pgx's own (search_path, pool settings) are not pg_dump's
		case "sslmode", "sslrootcert", "sslcert", "sslkey", "connect_timeout", "application_name", "target_session_attrs":
			q[k] = v
		}
	}
	u.RawQuery = q.Encode()
	cmd := "pg_dump --format=custom --file=" + shellQuote(file)
	if db.schema != "" && db.schema != "public" {
		cmd += " --schema=" + shellQuote(db.schema)
	}
	return cmd + " " + shellQuote(u.String())
}

func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// Backup writes a consistent copy of the live database to path with
// VACUUM INTO: one read transaction, so writers go on meanwhile and the copy
// is a snapshot. path must not exist.
func (db *DB) Backup(ctx context.Context, path string) error {
	if db.Postgres() {
		return ErrBackupWithPgDump
	}
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
