package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/ietf-tools/liaisonbot/bot"
)

// The directory's tables: organizations, their aliases, the roles people
// hold (managers, contacts, approvers, coordinators) and the directory's
// own row.

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
	err := tx.GetContext(ctx, &id, `INSERT INTO organizations (acronym, name, relationship, reference, url, notes, cc, parent,
		datatracker_id, in_datatracker, source, as_of, edited_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, args...)
	return id, err
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

// orgIDByAcronym returns the id of the listed organization with the acronym.
func orgIDByAcronym(ctx context.Context, tx *sqlx.Tx, acronym string) (int64, bool, error) {
	var n int64
	err := tx.GetContext(ctx, &n, `SELECT id FROM organizations WHERE acronym = ? COLLATE NOCASE AND removed = 0`, acronym)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	return n, err == nil, err
}
