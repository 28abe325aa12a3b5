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
)

// What the Datatracker syncs and the directory's admin commands need: a
// key/value sync state, statement lookups by Datatracker id inside a
// statement transaction, directory edits that run in one transaction and
// record who changed what, and the directory's history.

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

// ByDatatrackerID reads, inside the transaction, the statement synced from
// the Datatracker's liaison statement id, or fails with ENOTFOUND.
func (t *statementTx) ByDatatrackerID(id int64) (*bot.Statement, error) {
	var r statementRow
	err := t.tx.GetContext(t.ctx, &r, `SELECT `+statementColumns+` FROM statements WHERE datatracker_id = ?`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, bot.Errorf(bot.ENOTFOUND, "No statement here comes from the Datatracker's liaison statement %d.", id)
	}
	if err != nil {
		return nil, err
	}
	return r.statement()
}

// Events reads a statement's history inside the transaction, oldest first.
func (t *statementTx) Events(id int64) ([]bot.Event, error) { return getEvents(t.ctx, t.tx, id) }

// SyncState reads a sync state value inside the transaction ("" if none).
func (t *statementTx) SyncState(key string) (string, error) { return getSyncState(t.ctx, t.tx, key) }

// SetSyncState writes a sync state value inside the transaction, so that it
// commits (or not) with the statements.
func (t *statementTx) SetSyncState(key, value string) error {
	return putSyncState(t.ctx, t.tx, key, value, t.db.now())
}

// EditDirectory changes the directory in one transaction: edit gets a
// private copy of the current directory, changes it and returns it (or
// returns an error, and nothing changes). The changes are recorded in the
// directory's history with by and the time, and returned.
func (db *DB) EditDirectory(ctx context.Context, by string, edit func(cur *bot.Directory) (*bot.Directory, error)) (*bot.DirectoryDiff, error) {
	return db.ApplyDirectory(ctx, by, edit, nil, nil, false)
}

// ApplyDirectory is EditDirectory for the Datatracker sync: state is stored
// (see SyncState) in the same transaction; review, if set, sees the diff
// before anything is written and can stop the change by returning an
// error; dryRun computes the diff and writes nothing.
//
// The diff leaves out provenance-only differences (a fact confirmed again,
// by the same source, at a later date): the new provenance is written, but
// the history records only changes of facts. The directory is written even
// when the diff is empty, so that confirmations are kept.
func (db *DB) ApplyDirectory(ctx context.Context, by string, edit func(cur *bot.Directory) (*bot.Directory, error),
	state map[string]string, review func(*bot.DirectoryDiff) error, dryRun bool) (*bot.DirectoryDiff, error) {
	var diff *bot.DirectoryDiff
	run := func(tx *sqlx.Tx) error {
		old, err := loadDirectory(ctx, tx)
		if err != nil {
			return err
		}
		cur, err := loadDirectory(ctx, tx) // the private copy edit may change
		if err != nil {
			return err
		}
		next, err := edit(cur)
		if err != nil {
			return err
		}
		if next == nil {
			return errors.New("directory edit returned no directory")
		}
		if err := checkDirectory(next); err != nil {
			return err
		}
		changes := directoryChanges(old, next)
		diff = changes.diff()
		if review != nil {
			if err := review(diff); err != nil {
				return err
			}
		}
		if dryRun {
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
		for k, v := range state {
			if err := putSyncState(ctx, tx, k, v, db.now()); err != nil {
				return err
			}
		}
		return recordChanges(ctx, tx, db.now(), by, changes)
	}
	var err error
	if dryRun {
		err = db.read(ctx, "preview directory change", run)
	} else {
		err = db.write(ctx, "change directory", run)
		db.invalidateDirectory()
	}
	if err != nil {
		return nil, err
	}
	return diff, nil
}

// checkDirectory refuses a directory the tables cannot hold as it is:
// organizations without an acronym, two with the same acronym (ignoring
// case), or two with the same Datatracker id.
func checkDirectory(d *bot.Directory) error {
	acronyms := map[string]bool{}
	dt := map[int64]bool{}
	for _, o := range d.Orgs {
		a := strings.ToLower(strings.TrimSpace(o.Acronym))
		switch {
		case a == "":
			return bot.Errorf(bot.EINVALID, "Every organization needs an acronym.")
		case acronyms[a]:
			return bot.Errorf(bot.EINVALID, "Two organizations would have the acronym %s.", o.Acronym)
		case o.DatatrackerID != 0 && dt[o.DatatrackerID]:
			return bot.Errorf(bot.EINVALID, "Two organizations would have the Datatracker id %d.", o.DatatrackerID)
		}
		acronyms[a] = true
		if o.DatatrackerID != 0 {
			dt[o.DatatrackerID] = true
		}
	}
	return nil
}

// dirChange is one line of a directory diff and the organization it is
// about (nil for the coordinators and the directory's addresses).
type dirChange struct {
	kind string // "added", "changed" or "removed"
	org  *bot.Organization
	line string
}

type dirChanges []dirChange

// directoryChanges is bot.DiffDirectories, line by line with the
// organization each line is about, without provenance-only lines, and
// matching entries by their id first (a renamed hand-made entry is a
// change, not a removal and an addition).
func directoryChanges(old, cur *bot.Directory) dirChanges {
	var out dirChanges
	oldByID := map[int64]*bot.Organization{}
	oldByKey := map[string]*bot.Organization{}
	oldByAcr := map[string]*bot.Organization{}
	for _, o := range old.Orgs {
		oldByID[o.ID] = o
		oldByKey[bot.OrgKey(o)] = o
		oldByAcr[bot.NormalizeKey(o.Acronym)] = o
	}
	matched := map[*bot.Organization]bool{}
	for _, n := range cur.Orgs {
		var o *bot.Organization
		if n.ID != 0 {
			o = oldByID[n.ID] // an edited entry keeps its id, also when renamed
		}
		if o == nil || matched[o] {
			o = oldByKey[bot.OrgKey(n)]
		}
		if o == nil || matched[o] {
			o = oldByAcr[bot.NormalizeKey(n.Acronym)]
		}
		if o == nil || matched[o] {
			for _, l := range bot.DiffDirectories(&bot.Directory{}, &bot.Directory{Orgs: []*bot.Organization{n}}).Added {
				out = append(out, dirChange{"added", n, l})
			}
			continue
		}
		matched[o] = true
		same := *n
		same.Provenance = o.Provenance // the provenance alone is no change of fact
		for _, l := range bot.DiffOrg(o, &same) {
			out = append(out, dirChange{"changed", n, l})
		}
	}
	for _, l := range bot.DiffDirectories(
		&bot.Directory{Coordinators: old.Coordinators, ManagersEmail: old.ManagersEmail, StatementsEmail: old.StatementsEmail},
		&bot.Directory{Coordinators: cur.Coordinators, ManagersEmail: cur.ManagersEmail, StatementsEmail: cur.StatementsEmail},
	).Changed {
		out = append(out, dirChange{"changed", nil, l})
	}
	for _, o := range old.Orgs {
		if !matched[o] {
			for _, l := range bot.DiffDirectories(&bot.Directory{Orgs: []*bot.Organization{o}}, &bot.Directory{}).Removed {
				out = append(out, dirChange{"removed", o, l})
			}
		}
	}
	return out
}

func (cs dirChanges) diff() *bot.DirectoryDiff {
	d := &bot.DirectoryDiff{}
	for _, c := range cs {
		switch c.kind {
		case "added":
			d.Added = append(d.Added, c.line)
		case "removed":
			d.Removed = append(d.Removed, c.line)
		default:
			d.Changed = append(d.Changed, c.line)
		}
	}
	return d
}

// recordChanges writes the changes to the directory's history, each with
// the organization's acronym and id, and bumps the directory's version.
func recordChanges(ctx context.Context, tx *sqlx.Tx, now time.Time, by string, cs dirChanges) error {
	ts := now.Format(time.RFC3339)
	ids := map[*bot.Organization]sql.NullInt64{}
	for _, c := range cs {
		org, id := "", sql.NullInt64{}
		if c.org != nil {
			org = c.org.Acronym
			var ok bool
			if id, ok = ids[c.org]; !ok {
				if c.kind == "removed" {
					id = sql.NullInt64{Int64: c.org.ID, Valid: c.org.ID != 0}
				} else {
					var n int64
					err := tx.GetContext(ctx, &n, `SELECT id FROM organizations WHERE acronym = ? COLLATE NOCASE AND removed = 0`, c.org.Acronym)
					if err != nil && !errors.Is(err, sql.ErrNoRows) {
						return err
					}
					id = sql.NullInt64{Int64: n, Valid: err == nil}
				}
				ids[c.org] = id
			}
		}
		line := c.line
		if c.kind != "changed" {
			line = c.kind + ": " + line
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO directory_changes (time, by, org, change, org_id) VALUES (?, ?, ?, ?, ?)`,
			ts, by, org, line, id); err != nil {
			return err
		}
	}
	_, err := tx.ExecContext(ctx, `UPDATE directory_meta SET version = version + 1, updated_at = ? WHERE id = 1`, ts)
	return err
}

// DirectoryChange is one entry of the directory's history. It is an alias
// of an unnamed struct so that packages that cannot import storage (the
// commands) can name the same type.
type DirectoryChange = struct {
	Time   time.Time
	By     string
	Org    string // the organization's acronym at the time ("" for the coordinators)
	Change string
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
func (db *DB) DirectoryHistory(ctx context.Context, orgID int64, names []string, page, pageSize int) ([]DirectoryChange, bool, error) {
	if pageSize <= 0 {
		pageSize = 20
	}
	if page <= 0 {
		page = 1
	}
	q, args := historyQuery(orgID, names, page, pageSize)
	var out []DirectoryChange
	err := db.read(ctx, "read directory history", func(tx *sqlx.Tx) error {
		rows, err := tx.QueryxContext(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c DirectoryChange
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
