package storage

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/ietf-tools/liaisonbot/internal/pgtest"
)

// The storage tests run against both stores: as they are, on SQLite; and
// once more, every one of them, on PostgreSQL, by TestEveryCaseOnPostgres,
// which runs this package's test binary again with storeEnv set, so that
// MustOpenDB and MustOpenDBAt open a schema of their own on the server
// LIAISONBOT_TEST_POSTGRES names. A test about SQLite alone (its pragmas,
// its query plans, its files) says so with sqliteOnly.

const storeEnv = "LIAISONBOT_TEST_STORE"

func onPostgres() bool { return os.Getenv(storeEnv) == "postgres" }

// sqliteOnly skips the test in the PostgreSQL run.
func sqliteOnly(tb testing.TB) {
	tb.Helper()
	if onPostgres() {
		tb.Skip("about SQLite only")
	}
}

var (
	schemasMu sync.Mutex
	schemas   = map[string]string{} // MustOpenDBAt's path -> its schema's URL
)

// storePath is where a test's store at path is: the SQLite file, or in
// the PostgreSQL run the schema standing for it.
func storePath(tb testing.TB, path string) string {
	if onPostgres() {
		return postgresFor(tb, path)
	}
	return path
}

// postgresFor is the schema standing for the SQLite file at path: the same
// path reopens the same schema, as a restarted process reopens its file.
func postgresFor(tb testing.TB, path string) string {
	schemasMu.Lock()
	defer schemasMu.Unlock()
	if u, ok := schemas[path]; ok {
		return u
	}
	u := pgtest.Schema(tb)
	schemas[path] = u
	tb.Cleanup(func() {
		schemasMu.Lock()
		delete(schemas, path)
		schemasMu.Unlock()
	})
	return u
}

// mustOpenReplicas opens n stores on one new PostgreSQL schema, as n
// replicas on one database (skipping the test without
// LIAISONBOT_TEST_POSTGRES), closed when the test ends.
func mustOpenReplicas(tb testing.TB, n int) []*DB {
	tb.Helper()
	u := pgtest.Schema(tb)
	out := make([]*DB, n)
	for i := range out {
		db, err := Open(context.Background(), u)
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { db.Close() })
		out[i] = db
	}
	return out
}

func TestEveryCaseOnPostgres(t *testing.T) {
	if onPostgres() {
		t.Skip("this is the PostgreSQL run")
	}
	pgtest.URL(t)
	args := []string{"-test.count=1", "-test.skip=^TestEveryCaseOnPostgres$"}
	if testing.Short() {
		args = append(args, "-test.short")
	}
	if testing.Verbose() {
		args = append(args, "-test.v")
	}
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), storeEnv+"=postgres")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("the storage tests fail on PostgreSQL (%v):\n%s", err, out.String())
	}
	if testing.Verbose() {
		t.Log(out.String())
	}
	if !regexp.MustCompile(`(?m)^(PASS|ok)`).Match(out.Bytes()) {
		t.Fatalf("the PostgreSQL run did not pass:\n%s", out.String())
	}
}

// refusePostgres is refuse's trigger on PostgreSQL.
func refusePostgres(t *testing.T, db *DB, table, column, like string) func() {
	t.Helper()
	if _, err := db.w.Exec(fmt.Sprintf(`CREATE FUNCTION refuse_history() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			IF NEW.%s::text LIKE '%s' THEN RAISE EXCEPTION 'history refused by the test'; END IF;
			RETURN NEW;
		END $$;
		CREATE TRIGGER refuse_history BEFORE INSERT ON %s FOR EACH ROW EXECUTE FUNCTION refuse_history()`, column, like, table)); err != nil {
		t.Fatal(err)
	}
	return func() {
		if _, err := db.w.Exec(`DROP TRIGGER refuse_history ON ` + table + `; DROP FUNCTION refuse_history()`); err != nil {
			t.Fatal(err)
		}
	}
}

// Every SQLite migration has its PostgreSQL twin of the same number (the
// first ten are all in migrations_postgres/0001_schema.sql): a migration
// added to one set alone would leave the other store's tests failing on a
// missing column, far from the cause.
func TestMigrations_EachHasAPostgresTwin(t *testing.T) {
	lite, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		t.Fatal(err)
	}
	pg, err := fs.Glob(migrationFiles, "migrations_postgres/*.sql")
	if err != nil {
		t.Fatal(err)
	}
	number := func(p string) string { return strings.SplitN(path.Base(p), "_", 2)[0] }
	have := map[string]bool{}
	for _, p := range pg {
		have[number(p)] = true
	}
	for _, p := range lite {
		if n := number(p); n > "0010" && !have[n] {
			t.Errorf("%s has no PostgreSQL twin: add migrations_postgres/%s_….sql doing the same in PostgreSQL's SQL", p, n)
		}
	}
	for _, p := range pg {
		if n := number(p); n > "0001" && !slices.ContainsFunc(lite, func(l string) bool { return number(l) == n }) {
			t.Errorf("%s has no SQLite migration of its number", p)
		}
	}
}
