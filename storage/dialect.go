package storage

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"hash/fnv"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/jmoiron/sqlx"
)

// The differences between the two dialects live here, and only here: the
// rest of the package writes its SQL once, with ? placeholders, in the
// subset both SQLite and PostgreSQL understand (ON CONFLICT, RETURNING,
// COLLATE NOCASE, integers for times and flags). What differs:
//
//   - placeholders: PostgreSQL's driver is wrapped so that every query is
//     rebound (sqlx.Rebind, ? to $n) and Go bools are sent as 0/1;
//   - COLLATE NOCASE, which folds ASCII letters only (so that a look-alike
//     such as the Kelvin sign is not "k"): on PostgreSQL, "x = ? COLLATE
//     NOCASE" and "x COLLATE NOCASE" are rewritten to compare
//     nocase_ascii(x), an ASCII-only fold the migrations define and index
//     (the columns declared COLLATE nocase, caches and group names, use a
//     case-insensitive ICU collation of that name);
//   - the one scalar function of two arguments that differs (greatest);
//   - full-text search (fts.go): FTS4 on SQLite, a tsvector with a GIN
//     index on PostgreSQL;
//   - transactions: SQLite's writer is one connection opening BEGIN
//     IMMEDIATE; on PostgreSQL a write transaction takes a transaction
//     advisory lock, so writers queue as they do on SQLite, across every
//     replica, except the outbox's claims, which lock rows (FOR UPDATE SKIP
//     LOCKED) so that dispatchers on several replicas share the work;
//   - change notices (changes.go): NOTIFY on PostgreSQL, in-process on
//     SQLite.

// dialect names the SQL the store speaks.
type dialect string

const (
	dialectSQLite   dialect = "sqlite"
	dialectPostgres dialect = "postgres"
)

// IsPostgresURL reports whether target names a PostgreSQL database
// (postgres:// or postgresql://) rather than a SQLite file.
func IsPostgresURL(target string) bool {
	t := strings.ToLower(strings.TrimSpace(target))
	return strings.HasPrefix(t, "postgres://") || strings.HasPrefix(t, "postgresql://")
}

// RedactURL returns a database URL without its password, for logs and
// messages.
func RedactURL(target string) string {
	if !IsPostgresURL(target) {
		return target
	}
	u, err := url.Parse(target)
	if err != nil {
		return "postgres://…"
	}
	return u.Redacted()
}

// greatest is the larger of two values (SQLite's scalar MAX).
func (d dialect) greatest(a, b string) string {
	if d == dialectPostgres {
		return "GREATEST(" + a + ", " + b + ")"
	}
	return "MAX(" + a + ", " + b + ")"
}

// lockKey turns a name into an advisory lock key, distinct per schema so
// that deployments (and tests) sharing one database do not share locks.
func lockKey(schema, name string) int64 {
	h := fnv.New64a()
	h.Write([]byte("liaisonbot\x00" + schema + "\x00" + name))
	return int64(h.Sum64())
}

// pgConnConfig parses a PostgreSQL URL.
func pgConnConfig(target string) (*pgx.ConnConfig, error) {
	cfg, err := pgx.ParseConfig(target)
	if err != nil {
		// pgx's parse errors may quote the whole string, password included.
		return nil, fmt.Errorf("cannot parse the PostgreSQL URL %s", RedactURL(target))
	}
	return cfg, nil
}

// openPostgresPool opens a database/sql pool on PostgreSQL whose
// connections speak the package's SQL: ? placeholders, bools as integers.
func openPostgresPool(cfg *pgx.ConnConfig) *sqlx.DB {
	return sqlx.NewDb(sql.OpenDB(rebindConnector{stdlib.GetConnector(*cfg)}), "pgx")
}

// rebindConnector hands out rebinding connections.
type rebindConnector struct{ driver.Connector }

func (c rebindConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	sc, ok := conn.(*stdlib.Conn)
	if !ok {
		conn.Close()
		return nil, fmt.Errorf("unexpected PostgreSQL driver connection %T", conn)
	}
	return &rebindConn{sc}, nil
}

// rebindConn is pgx's database/sql connection with the package's
// placeholders rebound. It forwards every optional interface database/sql
// looks for on pgx's connection.
type rebindConn struct{ c *stdlib.Conn }

var (
	_ driver.Conn               = (*rebindConn)(nil)
	_ driver.ConnPrepareContext = (*rebindConn)(nil)
	_ driver.ConnBeginTx        = (*rebindConn)(nil)
	_ driver.ExecerContext      = (*rebindConn)(nil)
	_ driver.QueryerContext     = (*rebindConn)(nil)
	_ driver.Pinger             = (*rebindConn)(nil)
	_ driver.NamedValueChecker  = (*rebindConn)(nil)
	_ driver.SessionResetter    = (*rebindConn)(nil)
)

// rebind turns a query of the package into PostgreSQL's: $n placeholders
// (when it has arguments: a migration's ? in a comment stays), and the
// ASCII-only COLLATE NOCASE. The result is remembered: the package's
// queries are few.
func rebind(query string, n int) string {
	if q, ok := rebound.Load(query); ok {
		return q.(string)
	}
	q := query
	if strings.Contains(q, "COLLATE NOCASE") {
		q = nocaseEq.ReplaceAllString(q, "nocase_ascii($1) = nocase_ascii(?)")
		q = nocaseExpr.ReplaceAllString(q, "nocase_ascii($1)")
	}
	if n > 0 {
		q = sqlx.Rebind(sqlx.DOLLAR, q)
	}
	if n > 0 && rebindCount.Add(1) < 10_000 { // queries built with IN lists vary: bound the memory
		rebound.Store(query, q)
	}
	return q
}

var (
	rebound     sync.Map
	rebindCount atomic.Int64
	nocaseEq    = regexp.MustCompile(`([A-Za-z_][A-Za-z_0-9.]*) = \? COLLATE NOCASE`)
	nocaseExpr  = regexp.MustCompile(`([A-Za-z_][A-Za-z_0-9.]*) COLLATE NOCASE`)
)

func (r *rebindConn) Prepare(query string) (driver.Stmt, error) {
	return r.c.Prepare(rebind(query, 1))
}
func (r *rebindConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return r.c.PrepareContext(ctx, rebind(query, 1))
}
func (r *rebindConn) Close() error { return r.c.Close() }
func (r *rebindConn) Begin() (driver.Tx, error) {
	return r.c.BeginTx(context.Background(), driver.TxOptions{})
}
func (r *rebindConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return r.c.BeginTx(ctx, opts)
}
func (r *rebindConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	return r.c.ExecContext(ctx, rebind(query, len(args)), args)
}
func (r *rebindConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	return r.c.QueryContext(ctx, rebind(query, len(args)), args)
}
func (r *rebindConn) Ping(ctx context.Context) error              { return r.c.Ping(ctx) }
func (r *rebindConn) ResetSession(ctx context.Context) error      { return r.c.ResetSession(ctx) }
func (r *rebindConn) IsValid() bool                               { return !r.c.Conn().IsClosed() }
func (r *rebindConn) CheckNamedValue(nv *driver.NamedValue) error { return checkNamedValue(nv) }

// checkNamedValue sends Go bools as the integers the schema keeps flags in
// (as SQLite's driver does), and leaves the rest to pgx.
func checkNamedValue(nv *driver.NamedValue) error {
	if b, ok := nv.Value.(bool); ok {
		if b {
			nv.Value = int64(1)
		} else {
			nv.Value = int64(0)
		}
	}
	return nil
}

// IsUniqueViolation reports whether err is a unique constraint's refusal,
// in either dialect.
func IsUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23505"
	}
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}
