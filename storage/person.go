package storage

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/ietf-tools/liaisonbot/bot"
)

// People and the chat accounts tied to them.

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
		err := tx.GetContext(ctx, &id, `INSERT INTO people (name, email) VALUES (?, ?) RETURNING id`, name, email)
		return id, err
	}
	return 0, err
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
		if _, err = tx.ExecContext(ctx, `UPDATE directory_meta SET version = version + 1 WHERE id = 1`); err != nil {
			return err
		}
		return db.changed(tx, ChangeDirectory)
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
	err = tx.GetContext(ctx, &id, `INSERT INTO people (name, email) VALUES (?, ?) RETURNING id`, name, email)
	return id, err
}
