package storage

import (
	"context"
	"database/sql"
	"encoding/json"
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
	return db.replaceDirectory(ctx, d, BundledDirectoryBy, true)
}

// Directory returns the current directory. The snapshot is cached; it is
// reloaded after this process changes the directory, and at most every
// DirectoryRecheck when another process changed it.
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
// the statements that name them.
func (db *DB) ReplaceDirectory(ctx context.Context, d *bot.Directory, by string) (*bot.DirectoryDiff, error) {
	return db.replaceDirectory(ctx, d, by, false)
}

func (db *DB) replaceDirectory(ctx context.Context, d *bot.Directory, by string, seed bool) (*bot.DirectoryDiff, error) {
	d.Clean()
	var diff *bot.DirectoryDiff
	err := db.write(ctx, "replace directory", func(tx *sqlx.Tx) error {
		old, err := loadDirectory(ctx, tx)
		if err != nil {
			return err
		}
		diff = bot.DiffDirectories(old, d)
		if diff.Empty() && !seed {
			return nil
		}
		if err := writeDirectory(ctx, tx, old, d); err != nil {
			return err
		}
		if seed {
			if _, err := tx.ExecContext(ctx, `UPDATE directory_meta SET seeded = 1 WHERE id = 1`); err != nil {
				return err
			}
		}
		return recordDirectoryChanges(ctx, tx, db.now(), by, diff)
	})
	if err != nil {
		return nil, err
	}
	db.invalidateDirectory()
	return diff, nil
}

// recordDirectoryChanges writes the diff to the directory's history and
// bumps its version.
func recordDirectoryChanges(ctx context.Context, tx *sqlx.Tx, now time.Time, by string, diff *bot.DirectoryDiff) error {
	ts := now.Format(time.RFC3339)
	add := func(prefix string, lines []string) error {
		for _, l := range lines {
			org := ""
			if i := strings.Index(l, ":"); i > 0 && !strings.ContainsAny(l[:i], " ") {
				org = l[:i]
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO directory_changes (time, by, org, change) VALUES (?, ?, ?, ?)`, ts, by, org, prefix+l); err != nil {
				return err
			}
		}
		return nil
	}
	if err := add("added: ", diff.Added); err != nil {
		return err
	}
	if err := add("", diff.Changed); err != nil {
		return err
	}
	if err := add("removed: ", diff.Removed); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `UPDATE directory_meta SET version = version + 1, updated_at = ? WHERE id = 1`, ts)
	return err
}

type orgRow struct {
	ID            int64         `db:"id"`
	Acronym       string        `db:"acronym"`
	Name          string        `db:"name"`
	Relationship  string        `db:"relationship"`
	Reference     string        `db:"reference"`
	URL           string        `db:"url"`
	Notes         string        `db:"notes"`
	CC            string        `db:"cc"`
	Parent        string        `db:"parent"`
	DatatrackerID sql.NullInt64 `db:"datatracker_id"`
	InDatatracker bool          `db:"in_datatracker"`
	Source        string        `db:"source"`
	AsOf          string        `db:"as_of"`
	EditedBy      string        `db:"edited_by"`
}

type roleRow struct {
	OrgID    sql.NullInt64 `db:"org_id"`
	PersonID int64         `db:"person_id"`
	Role     string        `db:"role"`
	Title    string        `db:"title"`
	Source   string        `db:"source"`
	AsOf     string        `db:"as_of"`
	EditedBy string        `db:"edited_by"`
	Name     string        `db:"name"`
	Email    string        `db:"email"`
}

type metaRow struct {
	Version            int64  `db:"version"`
	CoordinatorsEmail  string `db:"coordinators_email"`
	CoordinatorsSource string `db:"coordinators_source"`
	CoordinatorsAsOf   string `db:"coordinators_as_of"`
	CoordinatorsBy     string `db:"coordinators_by"`
	ManagersEmail      string `db:"managers_email"`
	StatementsEmail    string `db:"statements_email"`
}

func loadDirectory(ctx context.Context, tx *sqlx.Tx) (*bot.Directory, error) {
	var meta metaRow
	if err := tx.GetContext(ctx, &meta, `SELECT version, coordinators_email, coordinators_source, coordinators_as_of,
		coordinators_by, managers_email, statements_email FROM directory_meta WHERE id = 1`); err != nil {
		return nil, err
	}
	d := &bot.Directory{
		Version:         meta.Version,
		ManagersEmail:   meta.ManagersEmail,
		StatementsEmail: meta.StatementsEmail,
		Coordinators: bot.Coordinators{
			Email:      meta.CoordinatorsEmail,
			Provenance: bot.Provenance{Source: meta.CoordinatorsSource, AsOf: parseAsOf(meta.CoordinatorsAsOf), By: meta.CoordinatorsBy},
		},
	}
	var orgs []orgRow
	if err := tx.SelectContext(ctx, &orgs, `SELECT id, acronym, name, relationship, reference, url, notes, cc, parent,
		datatracker_id, in_datatracker, source, as_of, edited_by
		FROM organizations WHERE removed = 0 ORDER BY acronym COLLATE NOCASE, id`); err != nil {
		return nil, err
	}
	byID := make(map[int64]*bot.Organization, len(orgs))
	for _, r := range orgs {
		o := &bot.Organization{
			ID: r.ID, Acronym: r.Acronym, Name: r.Name, Relationship: bot.Relationship(r.Relationship),
			Reference: r.Reference, URL: r.URL, Parent: r.Parent, DatatrackerID: r.DatatrackerID.Int64,
			InDatatracker: r.InDatatracker,
			Provenance:    bot.Provenance{Source: r.Source, AsOf: parseAsOf(r.AsOf), By: r.EditedBy},
		}
		if err := json.Unmarshal([]byte(r.Notes), &o.Notes); err != nil {
			return nil, fmt.Errorf("organization %s notes: %w", r.Acronym, err)
		}
		if err := json.Unmarshal([]byte(r.CC), &o.CC); err != nil {
			return nil, fmt.Errorf("organization %s cc: %w", r.Acronym, err)
		}
		d.Orgs = append(d.Orgs, o)
		byID[o.ID] = o
	}
	rows, err := tx.QueryxContext(ctx, `SELECT org_id, alias FROM org_aliases ORDER BY org_id, position`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		var alias string
		if err := rows.Scan(&id, &alias); err != nil {
			rows.Close()
			return nil, err
		}
		if o := byID[id]; o != nil {
			o.Aliases = append(o.Aliases, alias)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}

	chats := map[int64][]bot.ChatIdentity{}
	type linked struct {
		id          int64
		name, email string
	}
	var people []linked
	crows, err := tx.QueryxContext(ctx, `SELECT c.person_id, c.platform, c.user_id, p.name, p.email
		FROM chat_identities c JOIN people p ON p.id = c.person_id ORDER BY c.person_id, c.platform, c.user_id`)
	if err != nil {
		return nil, err
	}
	for crows.Next() {
		var l linked
		var c bot.ChatIdentity
		if err := crows.Scan(&l.id, &c.Platform, &c.UserID, &l.name, &l.email); err != nil {
			crows.Close()
			return nil, err
		}
		if len(chats[l.id]) == 0 {
			people = append(people, l)
		}
		chats[l.id] = append(chats[l.id], c)
	}
	crows.Close()
	if err := crows.Err(); err != nil {
		return nil, err
	}
	d.Linked = make(map[string]*bot.Person, len(people))
	for _, l := range people {
		p := &bot.Person{ID: l.id, Name: l.name, Email: l.email, Chat: chats[l.id]}
		for _, c := range p.Chat {
			d.Linked[c.Platform+":"+c.UserID] = p
		}
	}

	var roles []roleRow
	if err := tx.SelectContext(ctx, &roles, `SELECT r.org_id, r.person_id, r.role, r.title, r.source, r.as_of, r.edited_by, p.name, p.email
		FROM roles r JOIN people p ON p.id = r.person_id ORDER BY r.org_id, r.role, r.position, r.id`); err != nil {
		return nil, err
	}
	for _, r := range roles {
		p := bot.Person{
			ID: r.PersonID, Name: r.Name, Email: r.Email, Title: r.Title,
			Provenance: bot.Provenance{Source: r.Source, AsOf: parseAsOf(r.AsOf), By: r.EditedBy},
			Chat:       chats[r.PersonID],
		}
		if !r.OrgID.Valid {
			if bot.Role(r.Role) == bot.RoleCoordinator {
				d.Coordinators.People = append(d.Coordinators.People, p)
			}
			continue
		}
		o := byID[r.OrgID.Int64]
		if o == nil {
			continue // a removed organization
		}
		switch bot.Role(r.Role) {
		case bot.RoleManager:
			o.Managers = append(o.Managers, p)
		case bot.RoleContact:
			o.Contacts = append(o.Contacts, p)
		case bot.RoleApprover:
			o.Approvers = append(o.Approvers, p)
		}
	}
	return d, nil
}

// writeDirectory makes the tables hold d; old is what they hold now.
func writeDirectory(ctx context.Context, tx *sqlx.Tx, old, d *bot.Directory) error {
	if _, err := tx.ExecContext(ctx, `UPDATE directory_meta SET coordinators_email = ?, coordinators_source = ?,
		coordinators_as_of = ?, coordinators_by = ?, managers_email = ?, statements_email = ? WHERE id = 1`,
		d.Coordinators.Email, d.Coordinators.Source, formatAsOf(d.Coordinators.AsOf), d.Coordinators.By,
		d.ManagersEmail, d.StatementsEmail); err != nil {
		return err
	}
	// Roles and aliases are rewritten whole; organizations keep their ids.
	if _, err := tx.ExecContext(ctx, `DELETE FROM roles`); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM org_aliases`); err != nil {
		return err
	}
	oldByKey := map[string]int64{}
	for _, o := range old.Orgs {
		oldByKey[bot.OrgKey(o)] = o.ID
	}
	kept := map[int64]bool{}
	for _, o := range d.Orgs {
		id, err := upsertOrg(ctx, tx, o, oldByKey[bot.OrgKey(o)], kept)
		if err != nil {
			return fmt.Errorf("organization %s: %w", o.Acronym, err)
		}
		kept[id] = true
		for i, a := range o.Aliases {
			if _, err := tx.ExecContext(ctx, `INSERT INTO org_aliases (org_id, position, alias) VALUES (?, ?, ?)`, id, i, a); err != nil {
				return err
			}
		}
		for _, set := range []struct {
			role   bot.Role
			people []bot.Person
		}{{bot.RoleManager, o.Managers}, {bot.RoleContact, o.Contacts}, {bot.RoleApprover, o.Approvers}} {
			for i, p := range set.people {
				if err := insertRole(ctx, tx, sql.NullInt64{Int64: id, Valid: true}, set.role, i, p); err != nil {
					return err
				}
			}
		}
	}
	for i, p := range d.Coordinators.People {
		if err := insertRole(ctx, tx, sql.NullInt64{}, bot.RoleCoordinator, i, p); err != nil {
			return err
		}
	}
	for _, o := range old.Orgs {
		if !kept[o.ID] {
			if _, err := tx.ExecContext(ctx, `UPDATE organizations SET removed = 1, datatracker_id = NULL WHERE id = ?`, o.ID); err != nil {
				return err
			}
		}
	}
	return nil
}

// upsertOrg updates the row with id (or, failing that, the row with the same
// Datatracker id or acronym, removed or not) or inserts a new one.
func upsertOrg(ctx context.Context, tx *sqlx.Tx, o *bot.Organization, id int64, taken map[int64]bool) (int64, error) {
	if id == 0 || taken[id] {
		id = 0
		var found int64
		err := tx.GetContext(ctx, &found, `SELECT id FROM organizations WHERE acronym = ? COLLATE NOCASE`, o.Acronym)
		if err == nil && !taken[found] {
			id = found
		} else if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return 0, err
		}
	}
	// Free the acronym and Datatracker id if another row holds them.
	if _, err := tx.ExecContext(ctx, `UPDATE organizations SET acronym = acronym || '~' || id
		WHERE acronym = ? COLLATE NOCASE AND id <> ?`, o.Acronym, id); err != nil {
		return 0, err
	}
	dt := sql.NullInt64{Int64: o.DatatrackerID, Valid: o.DatatrackerID != 0}
	if dt.Valid {
		if _, err := tx.ExecContext(ctx, `UPDATE organizations SET datatracker_id = NULL WHERE datatracker_id = ? AND id <> ?`, dt, id); err != nil {
			return 0, err
		}
	}
	notes, _ := json.Marshal(nonNil(o.Notes))
	cc, _ := json.Marshal(nonNil(o.CC))
	args := []any{o.Acronym, o.Name, string(o.Relationship), o.Reference, o.URL, string(notes), string(cc), o.Parent,
		dt, o.InDatatracker, o.Source, formatAsOf(o.AsOf), o.By}
	if id != 0 {
		_, err := tx.ExecContext(ctx, `UPDATE organizations SET acronym = ?, name = ?, relationship = ?, reference = ?, url = ?,
			notes = ?, cc = ?, parent = ?, datatracker_id = ?, in_datatracker = ?, source = ?, as_of = ?, edited_by = ?, removed = 0
			WHERE id = ?`, append(args, id)...)
		return id, err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO organizations (acronym, name, relationship, reference, url, notes, cc, parent,
		datatracker_id, in_datatracker, source, as_of, edited_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, args...)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

func insertRole(ctx context.Context, tx *sqlx.Tx, org sql.NullInt64, role bot.Role, pos int, p bot.Person) error {
	pid, err := upsertPerson(ctx, tx, p.Name, p.Email)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO roles (org_id, person_id, role, position, title, source, as_of, edited_by)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, org, pid, string(role), pos, p.Title, p.Source, formatAsOf(p.AsOf), p.By)
	return err
}

// upsertPerson finds the person by email (or, without one, by name among
// people without an email) and updates their name, or inserts them.
func upsertPerson(ctx context.Context, tx *sqlx.Tx, name, email string) (int64, error) {
	var id int64
	var err error
	if email != "" {
		err = tx.GetContext(ctx, &id, `SELECT id FROM people WHERE email = ? COLLATE NOCASE`, email)
	} else {
		err = tx.GetContext(ctx, &id, `SELECT id FROM people WHERE email = '' AND name = ? ORDER BY id LIMIT 1`, name)
	}
	switch {
	case err == nil:
		if name != "" {
			_, err = tx.ExecContext(ctx, `UPDATE people SET name = ? WHERE id = ? AND name <> ?`, name, id, name)
		}
		return id, err
	case errors.Is(err, sql.ErrNoRows):
		res, err := tx.ExecContext(ctx, `INSERT INTO people (name, email) VALUES (?, ?)`, name, email)
		if err != nil {
			return 0, err
		}
		return res.LastInsertId()
	}
	return 0, err
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// formatAsOf stores a date as YYYY-MM-DD when it is one, else RFC 3339.
func formatAsOf(t time.Time) string {
	switch {
	case t.IsZero():
		return ""
	case t.Equal(t.Truncate(24 * time.Hour)):
		return t.UTC().Format(time.DateOnly)
	}
	return t.UTC().Format(time.RFC3339)
}

func parseAsOf(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t
	}
	t, _ := time.Parse(time.RFC3339, s)
	return t
}

// PersonByEmail returns the directory person with the email.
func (db *DB) PersonByEmail(ctx context.Context, email string) (*bot.Person, error) {
	var p *bot.Person
	err := db.read(ctx, "find person", func(tx *sqlx.Tx) error {
		var err error
		p, err = personWhere(ctx, tx, `email = ? COLLATE NOCASE AND email <> ''`, email)
		return err
	})
	return p, err
}

// PersonByChat returns the person tied to the chat user.
func (db *DB) PersonByChat(ctx context.Context, platform, userID string) (*bot.Person, error) {
	var p *bot.Person
	err := db.read(ctx, "find chat user", func(tx *sqlx.Tx) error {
		var err error
		p, err = personWhere(ctx, tx, `id = (SELECT person_id FROM chat_identities WHERE platform = ? AND user_id = ?)`, platform, userID)
		return err
	})
	return p, err
}

func personWhere(ctx context.Context, tx *sqlx.Tx, where string, args ...any) (*bot.Person, error) {
	var p bot.Person
	err := tx.QueryRowxContext(ctx, `SELECT id, name, email FROM people WHERE `+where, args...).Scan(&p.ID, &p.Name, &p.Email)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, bot.Errorf(bot.ENOTFOUND, "Nobody with that address is in the directory.")
	}
	if err != nil {
		return nil, err
	}
	rows, err := tx.QueryxContext(ctx, `SELECT platform, user_id FROM chat_identities WHERE person_id = ? ORDER BY platform, user_id`, p.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var c bot.ChatIdentity
		if err := rows.Scan(&c.Platform, &c.UserID); err != nil {
			return nil, err
		}
		p.Chat = append(p.Chat, c)
	}
	return &p, rows.Err()
}

// LinkChat ties a chat user to the directory person with the email,
// creating the person if the directory does not know them yet. by names who
// made the link.
func (db *DB) LinkChat(ctx context.Context, platform, userID, email, name, by string) (*bot.Person, error) {
	if !bot.ValidEmail(email) {
		return nil, bot.Errorf(bot.EINVALID, "%q is not a valid email address.", email)
	}
	name = bot.StripInvisible(name)
	err := db.write(ctx, "link chat user", func(tx *sqlx.Tx) error {
		pid, err := upsertPersonKeepName(ctx, tx, name, email)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO chat_identities (platform, user_id, person_id, linked_by, linked_at)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT (platform, user_id) DO UPDATE SET person_id = excluded.person_id,
			linked_by = excluded.linked_by, linked_at = excluded.linked_at`,
			platform, userID, pid, by, db.now().Format(time.RFC3339))
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE directory_meta SET version = version + 1 WHERE id = 1`)
		return err
	})
	if err != nil {
		return nil, err
	}
	db.invalidateDirectory()
	return db.PersonByChat(ctx, platform, userID)
}

// upsertPersonKeepName is upsertPerson for links: an existing person's name
// (from the directory) wins over the chat display name.
func upsertPersonKeepName(ctx context.Context, tx *sqlx.Tx, name, email string) (int64, error) {
	var id int64
	err := tx.GetContext(ctx, &id, `SELECT id FROM people WHERE email = ? COLLATE NOCASE`, email)
	if err == nil {
		return id, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return 0, err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO people (name, email) VALUES (?, ?)`, name, email)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}
