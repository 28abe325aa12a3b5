package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/ietf-tools/liaisonbot/bot"
	"github.com/ietf-tools/liaisonbot/storage/dirfile"
)

// BundledDirectoryBy is the "by" recorded for the seeding of the bundled
// directory.
const BundledDirectoryBy = "bundled directory"

// The directory: organizations, the people behind them, the coordinators.
// Every write goes through applyDirectory, in one transaction with its
// history; the tables' SQL is in organization.go and person.go.

// Seed loads the bundled directory into an empty database. It does nothing
// when the database was seeded before (even if the directory was edited or
// emptied since).
func (db *DB) Seed(ctx context.Context) (*bot.DirectoryDiff, error) {
	var seeded bool
	if err := db.w.GetContext(ctx, &seeded, `SELECT seeded FROM directory_meta WHERE id = 1`); err != nil {
		return nil, bot.Internal("seed directory", err)
	}
	if seeded {
		return &bot.DirectoryDiff{}, nil
	}
	d, err := dirfile.Parse("bundled directory.toml", dirfile.Default())
	if err != nil {
		return nil, bot.Internal("seed directory", err)
	}
	return db.applyDirectory(ctx, replaceWith(d, BundledDirectoryBy), true)
}

// Directory returns the current directory. The snapshot is cached; it is
// reloaded after this process changes the directory, as soon as another
// replica's change is heard (PostgreSQL's NOTIFY, see OnChange), and in any
// case at most every DirectoryRecheck when another process changed it.
func (db *DB) Directory(ctx context.Context) (*bot.Directory, error) {
	db.dirMu.Lock()
	defer db.dirMu.Unlock()
	now := time.Now()
	if db.dir != nil && now.Sub(db.dirCheckedAt) < DirectoryRecheck {
		return db.dir, nil
	}
	if db.dir != nil {
		var v int64
		if err := db.r.GetContext(ctx, &v, `SELECT version FROM directory_meta WHERE id = 1`); err != nil {
			return nil, bot.Internal("load directory", err)
		}
		if v == db.dir.Version {
			db.dirCheckedAt = now
			return db.dir, nil
		}
	}
	var d *bot.Directory
	err := db.read(ctx, "load directory", func(tx *sqlx.Tx) error {
		var err error
		d, err = loadDirectory(ctx, tx)
		return err
	})
	if err != nil {
		return nil, err
	}
	d.Matcher() // build it now, outside any request's critical path
	db.dir, db.dirCheckedAt = d, now
	return d, nil
}

// invalidateDirectory drops the cached snapshot.
func (db *DB) invalidateDirectory() {
	db.dirMu.Lock()
	db.dir = nil
	db.dirMu.Unlock()
}

// ReplaceDirectory makes the stored directory equal to d (the import) in one
// transaction and returns what changed. Organizations keep their ids when
// they match by Datatracker id or acronym; removed ones are kept, hidden, for
// the statements that name them. Unlike an edit's, an import's diff counts
// a new source or date of an organization as a change.
func (db *DB) ReplaceDirectory(ctx context.Context, d *bot.Directory, by string) (*bot.DirectoryDiff, error) {
	return db.applyDirectory(ctx, replaceWith(d, by), false)
}

// replaceWith is the edit that replaces the directory with d.
func replaceWith(d *bot.Directory, by string) directoryEdit {
	return directoryEdit{DirectoryEdit: bot.DirectoryEdit{By: by, Edit: func(*bot.Directory) (*bot.Directory, error) { return d, nil }}, provenance: true}
}

// ApplyDirectory applies one edit of the directory in one transaction (see
// bot.DirectoryEdit): the admins' edits in chat and the Datatracker sync.
// Its diff leaves out differences of provenance alone (bot.DiffFacts: a
// fact confirmed again, by the same source, at a later date): the new
// provenance is written, but the history records only changes of facts.
func (db *DB) ApplyDirectory(ctx context.Context, e bot.DirectoryEdit) (*bot.DirectoryDiff, error) {
	return db.applyDirectory(ctx, directoryEdit{DirectoryEdit: e}, false)
}

// directoryEdit is an edit as applyDirectory runs it: provenance says
// whether differences of provenance alone count (an import's diff).
type directoryEdit struct {
	bot.DirectoryEdit
	provenance bool
}

// applyDirectory is the one way the directory is written: the edit's
// result is cleaned, refused with a fatal problem (bot.Directory.Validate),
// diffed, reviewed, written (even when the diff is empty, so that
// confirmations are kept), and every line of the diff recorded in the
// history with the organization's id, together with the edit's sync state,
// in one transaction. seed marks the database seeded.
func (db *DB) applyDirectory(ctx context.Context, e directoryEdit, seed bool) (*bot.DirectoryDiff, error) {
	var diff *bot.DirectoryDiff
	run := func(tx *sqlx.Tx) error {
		old, err := loadDirectory(ctx, tx)
		if err != nil {
			return err
		}
		cur, err := loadDirectory(ctx, tx) // the private copy the edit may change
		if err != nil {
			return err
		}
		next, err := e.Edit(cur)
		if err != nil {
			return err
		}
		if next == nil {
			return errors.New("directory edit returned no directory")
		}
		next.Clean()
		if p := next.Validate().Fatal(); len(p) > 0 {
			return bot.Errorf(bot.EINVALID, "The directory cannot be stored: %s", p.Error())
		}
		if e.provenance {
			diff = bot.DiffDirectories(old, next)
		} else {
			diff = bot.DiffFacts(old, next)
		}
		if e.Review != nil {
			if err := e.Review(diff); err != nil {
				return err
			}
		}
		if e.DryRun {
			return nil
		}
		// writeDirectory finds an entry's row by its key (Datatracker id or
		// acronym): give a renamed entry's old self the new key, so that
		// the row, and its id that statements and subscriptions use, stay.
		byID := map[int64]*bot.Organization{}
		for _, o := range old.Orgs {
			byID[o.ID] = o
		}
		for _, n := range next.Orgs {
			if o := byID[n.ID]; n.ID != 0 && o != nil && bot.OrgKey(o) != bot.OrgKey(n) {
				o.Acronym, o.DatatrackerID = n.Acronym, n.DatatrackerID
			}
		}
		if err := writeDirectory(ctx, tx, old, next); err != nil {
			return err
		}
		if seed {
			if _, err := tx.ExecContext(ctx, `UPDATE directory_meta SET seeded = 1 WHERE id = 1`); err != nil {
				return err
			}
		}
		for k, v := range e.State {
			if err := putSyncState(ctx, tx, k, v, db.now()); err != nil {
				return err
			}
		}
		return recordChanges(ctx, tx, db.now(), e.By, diff)
	}
	var err error
	if e.DryRun {
		err = db.read(ctx, "preview directory change", run)
	} else {
		err = db.write(ctx, "change directory", func(tx *sqlx.Tx) error {
			if err := run(tx); err != nil {
				return err
			}
			return db.changed(tx, ChangeDirectory)
		})
		db.invalidateDirectory()
	}
	if err != nil {
		return nil, err
	}
	return diff, nil
}

// recordChanges writes the diff's lines to the directory's history, each
// with the organization's acronym and id, and bumps the directory's
// version.
func recordChanges(ctx context.Context, tx *sqlx.Tx, now time.Time, by string, diff *bot.DirectoryDiff) error {
	ts := now.Format(time.RFC3339)
	ids := map[*bot.Organization]sql.NullInt64{}
	for _, c := range diff.Lines {
		org, id := "", sql.NullInt64{}
		if c.Org != nil {
			org = c.Org.Acronym
			var ok bool
			if id, ok = ids[c.Org]; !ok {
				if c.Kind == bot.DiffRemoved {
					id = sql.NullInt64{Int64: c.Org.ID, Valid: c.Org.ID != 0}
				} else {
					n, found, err := orgIDByAcronym(ctx, tx, c.Org.Acronym)
					if err != nil {
						return err
					}
					id = sql.NullInt64{Int64: n, Valid: found}
				}
				ids[c.Org] = id
			}
		}
		line := c.Text
		if c.Kind != bot.DiffChanged {
			line = c.Kind + ": " + line
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO directory_changes (time, by, org, change, org_id) VALUES (?, ?, ?, ?, ?)`,
			ts, by, org, line, id); err != nil {
			return err
		}
	}
	_, err := tx.ExecContext(ctx, `UPDATE directory_meta SET version = version + 1, updated_at = ? WHERE id = 1`, ts)
	return err
}

// historyQuery is the query DirectoryHistory runs: one row more than a
// page, to tell whether there are more.
func historyQuery(orgID int64, names []string, page, pageSize int) (string, []any) {
	var where []string
	var args []any
	if orgID != 0 {
		where = append(where, "org_id = ?")
		args = append(args, orgID)
	}
	for _, n := range names {
		if n = strings.TrimSpace(n); n != "" {
			where = append(where, "org = ? COLLATE NOCASE")
			args = append(args, n)
		}
	}
	q := `SELECT time, by, org, change FROM directory_changes`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " OR ")
	}
	return q + ` ORDER BY id DESC LIMIT ? OFFSET ?`, append(args, pageSize+1, (page-1)*pageSize)
}

// DirectoryHistory returns one page of the directory's history, newest
// first, and whether there are more: the changes to the organization with
// orgID or, for older entries, with one of the names (its acronym and
// aliases); every change when orgID is 0 and there are no names.
func (db *DB) DirectoryHistory(ctx context.Context, orgID int64, names []string, page, pageSize int) ([]bot.DirectoryChange, bool, error) {
	if pageSize <= 0 {
		pageSize = 20
	}
	if page <= 0 {
		page = 1
	}
	q, args := historyQuery(orgID, names, page, pageSize)
	var out []bot.DirectoryChange
	err := db.read(ctx, "read directory history", func(tx *sqlx.Tx) error {
		rows, err := tx.QueryxContext(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c bot.DirectoryChange
			var ts string
			if err := rows.Scan(&ts, &c.By, &c.Org, &c.Change); err != nil {
				return err
			}
			if c.Time, err = time.Parse(time.RFC3339, ts); err != nil {
				return fmt.Errorf("directory change time %q: %w", ts, err)
			}
			out = append(out, c)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, false, err
	}
	more := len(out) > pageSize
	if more {
		out = out[:pageSize]
	}
	return out, more, nil
}
