// Package dbdump lets tests look at a liaisonbot database file as it
// is on disk, without going through the store: "nothing changed" is then a
// comparison of two dumps, whatever table a change would have touched.
//
// It imports neither storage nor bot, so storage's own tests can use it.
package dbdump

import (
	"database/sql"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the drivers storage uses
	_ "github.com/mattn/go-sqlite3"
)

// Dump returns every row of every table of the database at path (a SQLite
// file, or a PostgreSQL URL: the tables of its schema)
// (committed data, read through a separate read-only connection), one line
// per row, grouped by table and sorted, so that two dumps compare equal
// exactly when the data is the same. Tables named in skip are left out
// (caches that a read may fill, such as slack_users).
func Dump(tb testing.TB, path string, skip ...string) string {
	tb.Helper()
	pg := strings.HasPrefix(path, "postgres://") || strings.HasPrefix(path, "postgresql://")
	var db *sql.DB
	var err error
	if pg {
		db, err = sql.Open("pgx", path)
	} else {
		db, err = sql.Open("sqlite3", "file:"+(&url.URL{Path: path}).EscapedPath()+"?mode=ro&_query_only=true&_busy_timeout=10000")
	}
	if err != nil {
		tb.Fatalf("dbdump: open %s: %v", path, err)
	}
	defer db.Close()
	list := tableNames
	if pg {
		list = pgTableNames
	}
	tables, err := list(db)
	if err != nil {
		tb.Fatalf("dbdump: list the tables of %s: %v", path, err)
	}
	var b strings.Builder
	for _, t := range tables {
		if slices.Contains(skip, t) {
			continue
		}
		rows, err := tableRows(db, t)
		if err != nil {
			tb.Fatalf("dbdump: read %s of %s: %v", t, path, err)
		}
		fmt.Fprintf(&b, "== %s (%d rows)\n", t, len(rows))
		for _, r := range rows {
			b.WriteString(r)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// tableNames lists the ordinary tables, sorted: virtual tables are left
// out (their shadow tables hold their data).
func tableNames(db *sql.DB) ([]string, error) {
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
		AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// pgTableNames lists the tables of the connection's schema, sorted.
func pgTableNames(db *sql.DB) ([]string, error) {
	var out []string
	rows, err := db.Query(`SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()
		AND table_type = 'BASE TABLE' ORDER BY table_name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// tableRows formats each row of a table as "col=value col=value", sorted.
func tableRows(db *sql.DB, table string) ([]string, error) {
	rows, err := db.Query(`SELECT * FROM "` + strings.ReplaceAll(table, `"`, `""`) + `"`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		parts := make([]string, len(cols))
		for i, c := range cols {
			v := vals[i]
			if b, ok := v.([]byte); ok {
				v = string(b)
			}
			parts[i] = fmt.Sprintf("%s=%q", c, fmt.Sprint(v))
		}
		out = append(out, strings.Join(parts, " "))
	}
	sort.Strings(out)
	return out, rows.Err()
}

// Diff returns the lines of after that are not in before and those of
// before that are not in after ("+ " and "- "), for a test's failure
// message; "" when the dumps are equal.
func Diff(before, after string) string {
	if before == after {
		return ""
	}
	count := func(s string) map[string]int {
		m := map[string]int{}
		for _, l := range strings.Split(s, "\n") {
			m[l]++
		}
		return m
	}
	b := count(before)
	var out []string
	for _, l := range strings.Split(after, "\n") {
		if b[l] > 0 {
			b[l]--
			continue
		}
		out = append(out, "+ "+l)
	}
	a2 := count(after)
	for _, l := range strings.Split(before, "\n") {
		if a2[l] > 0 {
			a2[l]--
			continue
		}
		out = append(out, "- "+l)
	}
	return strings.Join(out, "\n")
}
