// Package pgtest gives tests a real PostgreSQL database to themselves: a
// fresh schema on the server LIAISONBOT_TEST_POSTGRES names, dropped when
// the test ends. Without that variable (a machine with no PostgreSQL) the
// test is skipped with one line naming it.
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
)

// Env is the variable that names the test server.
const Env = "LIAISONBOT_TEST_POSTGRES"

// URL returns the server's URL, or skips the test when Env is not set.
func URL(tb testing.TB) string {
	tb.Helper()
	u := os.Getenv(Env)
	if u == "" {
		tb.Skip(Env + " is not set: skipping the PostgreSQL test")
	}
	return u
}

// Schema creates a schema of its own for the test and returns a URL whose
// connections work in it (search_path); the schema and everything in it
// are dropped when the test ends.
func Schema(tb testing.TB) string {
	tb.Helper()
	base := URL(tb)
	var b [6]byte
	rand.Read(b[:])
	name := "t_" + hex.EncodeToString(b[:])
	db, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatalf("%s: %v", Env, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := db.ExecContext(ctx, `CREATE SCHEMA `+name); err != nil {
		db.Close()
		tb.Fatalf("%s: cannot create a schema: %v", Env, err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := db.ExecContext(ctx, `DROP SCHEMA `+name+` CASCADE`); err != nil {
			tb.Logf("dropping schema %s: %v", name, err)
		}
		db.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("%s: %v", Env, err)
	}
	q := u.Query()
	q.Set("search_path", name)
	q.Set("synchronous_commit", "off") // a test's commits need not survive a power cut
	u.RawQuery = q.Encode()
	return u.String()
}
