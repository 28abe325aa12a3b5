package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"

	"github.com/jmoiron/sqlx"

	"github.com/ietf-tools/liaisonbot/bot"
)

// CopyCount is one table's rows in the source and, after the copy, in the
// target.
type CopyCount struct {
	Table          string
	Source, Target int64
}

// copyFirst are the tables copied first, in this order, so that every
// reference finds its row; the others follow in name order.
var copyFirst = []string{"organizations", "org_aliases", "people", "roles", "chat_identities", "directory_meta",
	"directory_changes", "statements", "statement_events"}

// copyDerived are rebuilt on the target from the statements, not copied:
// the full-text index (its own format in each dialect) and the groups of
// each statement's IETF side.
var copyDerived = []string{"statements_fts", "statement_groups"}

// Copy moves a deployment from the SQLite file at from to the PostgreSQL
// database at to: every row of every table, in one transaction on the
// target, which it refuses if the target holds statements already (a
// directory alone, as a first start seeds it, is replaced). The source is
// read in one snapshot (and migrated first, as serve would). The search
// index and the statements' groups are rebuilt; identities continue after
// the copied ids. Before committing it compares each table's rows in the
// source and the target, and commits only if they are equal.
func Copy(ctx context.Context, from, to string) ([]CopyCount, error) {
	if IsPostgresURL(from) {
		return nil, errors.New("--from must be a SQLite file")
	}
	if !IsPostgresURL(to) {
		return nil, errors.New("--to must be a PostgreSQL URL (postgres://user:password@host:5432/database)")
	}
	if _, err := os.Stat(from); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("no database at %s", from)
	}
	src, err := Open(ctx, from)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	dst, err := Open(ctx, to)
	if err != nil {
		return nil, err
	}
	defer dst.Close()

	rtx, err := src.r.BeginTxx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer rtx.Rollback()
	tables, err := copyTables(ctx, rtx)
	if err != nil {
		return nil, err
	}
	var counts []CopyCount
	err = dst.write(ctx, "copy", func(tx *sqlx.Tx) error {
		var n int64
		if err := tx.GetContext(ctx, &n, `SELECT COUNT(*) FROM statements`); err != nil {
			return err
		}
		if n > 0 {
			return bot.Errorf(bot.ECONFLICT, "%s already holds %d statements: copy only into a new database (or an empty schema)", dst.Path, n)
		}
		for _, t := range slices.Backward(append(slices.Clone(tables), copyDerived...)) {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+t); err != nil {
				return fmt.Errorf("empty %s: %w", t, err)
			}
		}
		for _, t := range tables {
			if err := copyTable(ctx, rtx, tx, t); err != nil {
				return fmt.Errorf("copy %s: %w", t, err)
			}
		}
		if err := reindex(ctx, dst, tx); err != nil {
			return err
		}
		if err := restartIdentities(ctx, tx, tables); err != nil {
			return err
		}
		counts, err = compareCounts(ctx, rtx, tx, tables)
		return err
	})
	return counts, err
}

// copyTables lists the source's tables in the order they are copied.
func copyTables(ctx context.Context, tx *sqlx.Tx) ([]string, error) {
	var names []string
	if err := tx.SelectContext(ctx, &names, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
		ORDER BY name`); err != nil {
		return nil, err
	}
	var out []string
	for _, t := range copyFirst {
		if slices.Contains(names, t) {
			out = append(out, t)
		}
	}
	for _, t := range names {
		if t == "migrations" || slices.Contains(copyFirst, t) || slices.ContainsFunc(copyDerived, func(d string) bool { return strings.HasPrefix(t, d) }) {
			continue
		}
		out = append(out, t)
	}
	return out, nil
}

// copyTable copies the rows of one table in batches of multi-row INSERTs.
// A statement's related statement is set once all statements are in.
func copyTable(ctx context.Context, from, to *sqlx.Tx, table string) error {
	rows, err := from.QueryxContext(ctx, `SELECT * FROM `+table+` ORDER BY rowid`)
	if err != nil {
		// WITHOUT ROWID tables have none.
		rows, err = from.QueryxContext(ctx, `SELECT * FROM `+table)
		if err != nil {
			return err
		}
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	related := -1
	if table == "statements" {
		related = slices.Index(cols, "related")
	}
	type link struct{ id, related any }
	var links []link
	batch := max(1, 10000/len(cols))
	var args []any
	n := 0
	flush := func() error {
		if n == 0 {
			return nil
		}
		row := "(" + placeholders(len(cols)) + ")"
		q := `INSERT INTO ` + table + ` (` + strings.Join(cols, ", ") + `) VALUES ` + strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
		if _, err := to.ExecContext(ctx, q, args...); err != nil {
			return err
		}
		args, n = args[:0], 0
		return nil
	}
	for rows.Next() {
		vals, err := rows.SliceScan()
		if err != nil {
			return err
		}
		for i, v := range vals {
			if b, ok := v.([]byte); ok {
				vals[i] = string(b)
			}
		}
		if related >= 0 && vals[related] != nil {
			links = append(links, link{vals[0], vals[related]})
			vals[related] = nil
		}
		args = append(args, vals...)
		if n++; n == batch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if err := flush(); err != nil {
		return err
	}
	for _, l := range links {
		if _, err := to.ExecContext(ctx, `UPDATE statements SET related = ? WHERE id = ?`, l.related, l.id); err != nil {
			return err
		}
	}
	return nil
}

// reindex rebuilds the search index and the groups of every statement, as
// the store writes them.
func reindex(ctx context.Context, db *DB, tx *sqlx.Tx) error {
	ss, err := selectStatements(ctx, tx, `SELECT `+statementColumns+` FROM statements ORDER BY id`)
	if err != nil {
		return err
	}
	t := &statementTx{ctx: ctx, tx: tx, db: db}
	for _, s := range ss {
		if err := t.index(s); err != nil {
			return fmt.Errorf("index %s: %w", s.Ref(), err)
		}
	}
	return nil
}

// restartIdentities makes the target's generated ids continue after the
// copied ones.
func restartIdentities(ctx context.Context, tx *sqlx.Tx, tables []string) error {
	for _, t := range tables {
		var seqs []sql.NullString
		if err := tx.SelectContext(ctx, &seqs, `SELECT pg_get_serial_sequence(table_name, 'id') FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name = ? AND column_name = 'id'`, t); err != nil {
			return err
		}
		if len(seqs) == 0 || !seqs[0].Valid {
			continue // no generated id
		}
		seq := &seqs[0].String
		if _, err := tx.ExecContext(ctx, `SELECT setval(?, COALESCE((SELECT MAX(id) FROM `+t+`), 0) + 1, false)`, *seq); err != nil {
			return fmt.Errorf("restart the ids of %s: %w", t, err)
		}
	}
	return nil
}

// compareCounts counts each table's rows in both, and fails on a
// difference (the transaction is then rolled back).
func compareCounts(ctx context.Context, from, to *sqlx.Tx, tables []string) ([]CopyCount, error) {
	var out []CopyCount
	var bad []string
	for _, t := range append(slices.Clone(tables), copyDerived...) {
		c := CopyCount{Table: t}
		if err := from.GetContext(ctx, &c.Source, `SELECT COUNT(*) FROM `+t); err != nil {
			return nil, err
		}
		if err := to.GetContext(ctx, &c.Target, `SELECT COUNT(*) FROM `+t); err != nil {
			return nil, err
		}
		if c.Source != c.Target {
			bad = append(bad, fmt.Sprintf("%s: %d rows in the source, %d copied", t, c.Source, c.Target))
		}
		out = append(out, c)
	}
	if len(bad) > 0 {
		return out, fmt.Errorf("the counts differ, nothing was copied: %s", strings.Join(bad, "; "))
	}
	return out, nil
}
