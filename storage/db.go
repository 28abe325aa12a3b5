// Package storage is liaisonbot's store: it implements the bot package's
// store interfaces with github.com/jmoiron/sqlx on SQLite
// (github.com/mattn/go-sqlite3, the default: one file, one process) or on
// PostgreSQL (github.com/jackc/pgx/v5, for several replicas), applies the
// dialect's embedded migrations at open, and carries the bundled default
// directory. What differs between the dialects is in dialect.go.
package storage

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jmoiron/sqlx"
	"github.com/mattn/go-sqlite3"

	"github.com/ietf-tools/liaisonbot/bot"
)

//go:embed migrations/*.sql migrations_postgres/*.sql
var migrationFiles embed.FS

// DB is the store. It has one writer connection (SQLite allows one writer at
// a time; a single connection turns contention into a queue instead of
// SQLITE_BUSY) and a pool of readers (WAL lets them read while the writer
// writes).
type DB struct {
	Path   string // the SQLite file, or the PostgreSQL URL without its password
	Now    bot.Clock
	Logger *slog.Logger
	// OnNotice, if set, is called after a transaction that wrote outbox
	// rows commits (the dispatcher's Wake).
	OnNotice func()

	w *sqlx.DB // the writer: one connection, BEGIN IMMEDIATE (PostgreSQL: the pool)
	r *sqlx.DB // readers (PostgreSQL: the same pool)

	dialect  dialect
	schema   string // PostgreSQL: the schema the tables are in
	writeKey int64  // PostgreSQL: the advisory lock every writer takes
	pgcfg    *pgx.ConnConfig
	changes  changes

	stmtMu sync.Mutex
	stmts  map[string]*sqlx.Stmt // prepared reader statements of hot paths

	dirMu        sync.Mutex
	dir          *bot.Directory // cached snapshot
	dirCheckedAt time.Time
}

// DB is every store the bot's parts need, checked here at compile time.
var (
	_ bot.DirectoryStore    = (*DB)(nil)
	_ bot.DirectoryEditor   = (*DB)(nil)
	_ bot.DirectoryHistory  = (*DB)(nil)
	_ bot.IdentityStore     = (*DB)(nil)
	_ bot.SubscriptionStore = (*DB)(nil)
	_ bot.SyncStateStore    = (*DB)(nil)
	_ bot.StatementStore    = (*DB)(nil)
	_ bot.ConversationStore = (*DB)(nil)
	_ bot.ReminderStore     = (*DB)(nil)
	_ bot.OutboxStore       = (*DB)(nil)
	_ bot.StatementTx       = (*statementTx)(nil)
)

// DirectoryRecheck is how long a cached directory is trusted before the
// store checks whether another process changed it.
const DirectoryRecheck = time.Second

// Synchronous modes: how hard SQLite works to make a commit survive a
// power cut (https://sqlite.org/pragma.html#pragma_synchronous).
const (
	// SyncFull (the default): with WAL, every commit is synced to disk
	// before it returns, so a statement answered "Submitted" survives a
	// power cut.
	SyncFull = "FULL"
	// SyncNormal syncs only at checkpoints: faster, and still safe against
	// a crash of the process, but a power cut or kernel panic can roll back
	// the last commits.
	SyncNormal = "NORMAL"
	// SyncExtra also syncs the directory after a commit.
	SyncExtra = "EXTRA"
)

// SyncModes are the accepted synchronous settings (OFF is not one: it can
// corrupt the database on a power cut).
var SyncModes = []string{SyncFull, SyncNormal, SyncExtra}

// Option changes how Open opens the database.
type Option func(*options)

type options struct {
	synchronous string
}

// WithSynchronous sets SQLite's synchronous mode (SyncFull, SyncNormal,
// SyncExtra, any case); the default is SyncFull.
func WithSynchronous(mode string) Option {
	return func(o *options) { o.synchronous = strings.ToUpper(strings.TrimSpace(mode)) }
}

// Open opens the database at path and migrates it: path is a PostgreSQL
// URL (postgres://…, see IsPostgresURL) or a SQLite file, created if needed.
func Open(ctx context.Context, path string, opts ...Option) (*DB, error) {
	if path == "" {
		return nil, errors.New("open database: empty path")
	}
	o := options{synchronous: SyncFull}
	for _, opt := range opts {
		opt(&o)
	}
	if IsPostgresURL(path) {
		return openPostgres(ctx, path)
	}
	if !slices.Contains(SyncModes, o.synchronous) {
		return nil, fmt.Errorf("open database %s: synchronous %q is not one of %s", path, o.synchronous, strings.Join(SyncModes, ", "))
	}
	db := &DB{Path: path, Now: time.Now, Logger: slog.Default(), dialect: dialectSQLite}
	db.changes.db = db
	var err error
	if db.w, err = sqlx.Open("sqlite3", dsn(path, o.synchronous, false)); err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	db.w.SetMaxOpenConns(1)
	db.w.SetMaxIdleConns(1)
	db.w.SetConnMaxLifetime(0)
	db.w.SetConnMaxIdleTime(0)
	if err := db.w.PingContext(ctx); err != nil {
		db.w.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	if err := db.migrate(ctx); err != nil {
		db.w.Close()
		return nil, fmt.Errorf("migrate database %s: %w", path, err)
	}
	if db.r, err = sqlx.Open("sqlite3", dsn(path, o.synchronous, true)); err != nil {
		db.w.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	db.r.SetMaxOpenConns(8)
	db.r.SetMaxIdleConns(8)
	return db, nil
}

// openPostgres opens a pool on the PostgreSQL database at target, migrates
// it (one process at a time: the first replica to start migrates, the
// others wait for it) and starts listening for the other replicas' change
// notices.
func openPostgres(ctx context.Context, target string) (*DB, error) {
	cfg, err := pgConnConfig(target)
	if err != nil {
		return nil, err
	}
	shown := RedactURL(target)
	db := &DB{Path: shown, Now: time.Now, Logger: slog.Default(), dialect: dialectPostgres}
	db.pgcfg = cfg
	db.w = openPostgresPool(cfg)
	db.w.SetMaxOpenConns(PostgresPoolSize)
	db.w.SetMaxIdleConns(PostgresPoolSize)
	db.w.SetConnMaxIdleTime(5 * time.Minute)
	db.r = db.w
	if err := db.w.GetContext(ctx, &db.schema, `SELECT current_schema()`); err != nil {
		db.w.Close()
		return nil, fmt.Errorf("open database %s: %w", shown, err)
	}
	db.writeKey = lockKey(db.schema, "writer")
	if err := db.migrate(ctx); err != nil {
		db.w.Close()
		return nil, fmt.Errorf("migrate database %s: %w", shown, err)
	}
	db.changes.start(db, cfg)
	return db, nil
}

// PostgresPoolSize is how many connections a replica opens to PostgreSQL
// (besides one that listens for change notices and, on the Zulip leader,
// one that holds the leadership).
const PostgresPoolSize = 16

// Postgres reports whether the store is PostgreSQL.
func (db *DB) Postgres() bool { return db.dialect == dialectPostgres }

// dsn puts the per-connection settings in the connection string, so every
// pooled connection has them.
func dsn(path, synchronous string, readOnly bool) string {
	v := url.Values{}
	v.Set("_journal_mode", "WAL")
	v.Set("_busy_timeout", "10000")
	v.Set("_foreign_keys", "on")
	v.Set("_synchronous", synchronous)
	if readOnly {
		v.Set("mode", "ro")
		v.Set("_query_only", "true")
	} else {
		v.Set("_txlock", "immediate")
	}
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + v.Encode()
}

// prepared returns a prepared statement on the reader pool, preparing it
// once: hot read paths skip SQLite's parser.
func (db *DB) prepared(ctx context.Context, query string) (*sqlx.Stmt, error) {
	db.stmtMu.Lock()
	defer db.stmtMu.Unlock()
	if s, ok := db.stmts[query]; ok {
		return s, nil
	}
	s, err := db.r.PreparexContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if db.stmts == nil {
		db.stmts = map[string]*sqlx.Stmt{}
	}
	db.stmts[query] = s
	return s, nil
}

// Close closes both pools.
func (db *DB) Close() error {
	var errs []error
	db.changes.stop()
	db.stmtMu.Lock()
	for _, s := range db.stmts {
		errs = append(errs, s.Close())
	}
	db.stmts = nil
	db.stmtMu.Unlock()
	if db.r != nil && db.r != db.w {
		errs = append(errs, db.r.Close())
	}
	if db.w != nil {
		errs = append(errs, db.w.Close())
	}
	return errors.Join(errs...)
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	return db.r.GetContext(ctx, &one, `SELECT 1`)
}

// now is the store's clock in UTC.
func (db *DB) now() time.Time { return db.Now().UTC() }

// migrate applies the dialect's embedded migrations that are not yet
// recorded, in file-name order, each in its own transaction, on one
// connection (on PostgreSQL, under a session advisory lock: replicas
// starting together migrate one after the other).
func (db *DB) migrate(ctx context.Context) error {
	conn, err := db.w.Connx(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	dir := "migrations"
	if db.Postgres() {
		dir = "migrations_postgres"
		key := lockKey(db.schema, "migrate")
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(?)`, key); err != nil {
			return err
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(?)`, key)
	}
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
		return err
	}
	names, err := fs.Glob(migrationFiles, dir+"/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		if err := db.migrateFile(ctx, conn, name); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}

func (db *DB) migrateFile(ctx context.Context, conn *sqlx.Conn, name string) error {
	tx, err := conn.BeginTxx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var n int
	if err := tx.GetContext(ctx, &n, `SELECT COUNT(*) FROM migrations WHERE name = ?`, name); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	buf, err := fs.ReadFile(migrationFiles, name)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, string(buf)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO migrations (name, applied_at) VALUES (?, ?)`, name, db.now().Format(time.RFC3339)); err != nil {
		return err
	}
	return tx.Commit()
}

// write runs fn in a write transaction and commits it: on SQLite, BEGIN
// IMMEDIATE on the single writer connection; on PostgreSQL, a transaction
// that first takes the writers' advisory lock, so that writers on every
// replica queue as they do on SQLite (every read-then-write of the
// package stays as safe as it is there). The changes fn announced are
// told to this process's subscribers after the commit (and, on
// PostgreSQL, to the other replicas' by NOTIFY, at the commit).
func (db *DB) write(ctx context.Context, op string, fn func(tx *sqlx.Tx) error) error {
	return db.writeTx(ctx, op, true, fn)
}

// writeRows is write without the writers' lock on PostgreSQL: for the
// outbox's claims and leases, which lock the rows they change, so that
// dispatchers on several replicas do not queue behind each other.
func (db *DB) writeRows(ctx context.Context, op string, fn func(tx *sqlx.Tx) error) error {
	return db.writeTx(ctx, op, false, fn)
}

func (db *DB) writeTx(ctx context.Context, op string, serial bool, fn func(tx *sqlx.Tx) error) error {
	tx, err := db.w.BeginTxx(ctx, nil)
	if err != nil {
		return bot.Internal(op, err)
	}
	defer tx.Rollback()
	defer db.changes.forget(tx)
	if serial && db.Postgres() {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(?)`, db.writeKey); err != nil {
			return bot.Internal(op, err)
		}
	}
	if err := fn(tx); err != nil {
		var be *bot.Error
		if errors.As(err, &be) {
			return err
		}
		return bot.Internal(op, err)
	}
	if err := tx.Commit(); err != nil {
		return bot.Internal(op, err)
	}
	db.changes.committed(tx)
	return nil
}

// read runs fn in a read transaction on the reader pool, so that it sees
// one consistent snapshot.
func (db *DB) read(ctx context.Context, op string, fn func(tx *sqlx.Tx) error) error {
	opts := &sql.TxOptions{ReadOnly: true}
	if db.Postgres() {
		opts.Isolation = sql.LevelRepeatableRead // one snapshot, as SQLite's read transaction
	}
	tx, err := db.r.BeginTxx(ctx, opts)
	if err != nil {
		return bot.Internal(op, err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		var be *bot.Error
		if errors.As(err, &be) {
			return err
		}
		return bot.Internal(op, err)
	}
	return nil
}

// IsBusy reports whether err is SQLite's "database is locked" or "busy".
func IsBusy(err error) bool {
	var se sqlite3.Error
	if errors.As(err, &se) {
		return se.Code == sqlite3.ErrBusy || se.Code == sqlite3.ErrLocked
	}
	return err != nil && strings.Contains(err.Error(), "database is locked")
}
