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
)

const statementColumns = `id, datatracker_id, direction, from_name, to_name, org_id, title, purpose, deadline,
	related, body, attachments, response_contacts, technical_contacts, to_contacts, cc, action_holder_contacts,
	identifiers, prior_approval, state, action_required, action_taken, submitter_key, submitter_name, submitter_email,
	submitted, recorded, updated, snoozed_until, version`

type statementRow struct {
	ID                int64         `db:"id"`
	DatatrackerID     sql.NullInt64 `db:"datatracker_id"`
	Direction         string        `db:"direction"`
	From              string        `db:"from_name"`
	To                string        `db:"to_name"`
	OrgID             sql.NullInt64 `db:"org_id"`
	Title             string        `db:"title"`
	Purpose           string        `db:"purpose"`
	Deadline          string        `db:"deadline"`
	Related           sql.NullInt64 `db:"related"`
	Body              string        `db:"body"`
	Attachments       string        `db:"attachments"`
	ResponseContacts  string        `db:"response_contacts"`
	TechnicalContacts string        `db:"technical_contacts"`
	ToContacts        string        `db:"to_contacts"`
	CC                string        `db:"cc"`
	ActionHolders     string        `db:"action_holder_contacts"`
	Identifiers       string        `db:"identifiers"`
	PriorApproval     bool          `db:"prior_approval"`
	State             string        `db:"state"`
	ActionRequired    bool          `db:"action_required"`
	ActionTaken       bool          `db:"action_taken"`
	SubmitterKey      string        `db:"submitter_key"`
	SubmitterName     string        `db:"submitter_name"`
	SubmitterEmail    string        `db:"submitter_email"`
	Submitted         int64         `db:"submitted"`
	Recorded          int64         `db:"recorded"`
	Updated           int64         `db:"updated"`
	SnoozedUntil      string        `db:"snoozed_until"`
	Version           int64         `db:"version"`
}

func (r *statementRow) statement() (*bot.Statement, error) {
	s := &bot.Statement{
		ID: r.ID, DatatrackerID: r.DatatrackerID.Int64, Direction: bot.Direction(r.Direction),
		From: r.From, To: r.To, OrgID: r.OrgID.Int64, Title: r.Title, Purpose: bot.Purpose(r.Purpose),
		Related: r.Related.Int64, Body: r.Body, Identifiers: r.Identifiers, PriorApproval: r.PriorApproval,
		State: bot.State(r.State), ActionRequired: r.ActionRequired, ActionTaken: r.ActionTaken,
		SubmitterKey: r.SubmitterKey, SubmitterName: r.SubmitterName, SubmitterEmail: r.SubmitterEmail,
		Submitted: time.UnixMilli(r.Submitted).UTC(), Recorded: time.UnixMilli(r.Recorded).UTC(),
		Updated: time.UnixMilli(r.Updated).UTC(), Version: r.Version,
	}
	var err error
	if r.Deadline != "" {
		if s.Deadline, err = bot.ParseDate(r.Deadline); err != nil {
			return nil, fmt.Errorf("statement %d deadline: %w", r.ID, err)
		}
	}
	if r.SnoozedUntil != "" {
		if s.SnoozedUntil, err = bot.ParseDate(r.SnoozedUntil); err != nil {
			return nil, fmt.Errorf("statement %d snoozed_until: %w", r.ID, err)
		}
	}
	if r.Recorded == 0 {
		s.Recorded = s.Submitted
	}
	for _, f := range []struct {
		raw string
		dst *bot.AddressList
	}{{r.ResponseContacts, &s.ResponseContacts}, {r.TechnicalContacts, &s.TechnicalContacts},
		{r.ToContacts, &s.ToContacts}, {r.CC, &s.CC}, {r.ActionHolders, &s.ActionHolders}} {
		var entries []string
		if err := json.Unmarshal([]byte(f.raw), &entries); err != nil {
			return nil, fmt.Errorf("statement %d: %w", r.ID, err)
		}
		for _, e := range entries {
			l, err := bot.ParseAddressList(e)
			if err != nil || len(l) != 1 {
				// Kept as written: never lose what was stored.
				l = bot.AddressList{{Name: e}}
			}
			*f.dst = append(*f.dst, l...)
		}
	}
	if err := json.Unmarshal([]byte(r.Attachments), &s.Attachments); err != nil {
		// Rows written before migration 0011 hold strings.
		var old []string
		if err2 := json.Unmarshal([]byte(r.Attachments), &old); err2 != nil {
			return nil, fmt.Errorf("statement %d attachments: %w", r.ID, err)
		}
		for _, a := range old {
			if strings.HasPrefix(a, "http://") || strings.HasPrefix(a, "https://") {
				s.Attachments = append(s.Attachments, bot.Attachment{URL: a})
			} else {
				s.Attachments = append(s.Attachments, bot.Attachment{Title: a})
			}
		}
	}
	return s, nil
}

// jsonAddresses stores a contact list as a JSON list of its entries, each
// as bot.Address writes it.
func jsonAddresses(l bot.AddressList) string {
	xs := make([]string, len(l))
	for i, a := range l {
		xs[i] = a.String()
	}
	b, _ := json.Marshal(xs)
	return string(b)
}

func jsonAttachments(as bot.Attachments) string {
	if as == nil {
		as = bot.Attachments{}
	}
	b, _ := json.Marshal(as)
	return string(b)
}

// recorded is when the statement was recorded: Submitted when not set.
func recorded(s *bot.Statement) int64 {
	if s.Recorded.IsZero() {
		return s.Submitted.UnixMilli()
	}
	return s.Recorded.UnixMilli()
}

func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }

func sortDeadline(d bot.Date) string {
	if d.IsZero() {
		return "9999-12-31"
	}
	return d.String()
}

// statementArgs are the column values of s, in the order of the INSERT and
// UPDATE below.
func statementArgs(s *bot.Statement) []any {
	snoozed := ""
	if !s.SnoozedUntil.IsZero() {
		snoozed = s.SnoozedUntil.String()
	}
	return []any{
		nullID(s.DatatrackerID), string(s.Direction), s.From, s.To, nullID(s.OrgID), s.Title, string(s.Purpose),
		s.Deadline.String(), sortDeadline(s.Deadline), nullID(s.Related), s.Body, jsonAttachments(s.Attachments),
		jsonAddresses(s.ResponseContacts), jsonAddresses(s.TechnicalContacts), jsonAddresses(s.ToContacts), jsonAddresses(s.CC),
		jsonAddresses(s.ActionHolders), s.Identifiers, s.PriorApproval, string(s.State), s.ActionRequired, s.ActionTaken, s.Open(),
		s.SubmitterKey, s.SubmitterName, s.SubmitterEmail, s.Submitted.UnixMilli(), recorded(s), s.Updated.UnixMilli(), snoozed,
	}
}

// Statement returns one statement.
func (db *DB) Statement(ctx context.Context, id int64) (*bot.Statement, error) {
	var s *bot.Statement
	err := db.read(ctx, "read statement", func(tx *sqlx.Tx) error {
		var err error
		s, err = getStatement(ctx, tx, id)
		return err
	})
	return s, err
}

func getStatement(ctx context.Context, tx *sqlx.Tx, id int64) (*bot.Statement, error) {
	var r statementRow
	err := tx.GetContext(ctx, &r, `SELECT `+statementColumns+` FROM statements WHERE id = ?`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, bot.Errorf(bot.ENOTFOUND, "There is no statement %s.", bot.Ref(id))
	}
	if err != nil {
		return nil, err
	}
	return r.statement()
}

// Events returns a statement's history, oldest first.
func (db *DB) Events(ctx context.Context, id int64) ([]bot.Event, error) {
	var out []bot.Event
	err := db.read(ctx, "read history", func(tx *sqlx.Tx) error {
		var err error
		out, err = getEvents(ctx, tx, id)
		return err
	})
	return out, err
}

const eventColumns = `id, statement_id, time, type, by_key, by_name, from_state, to_state, tag, reminder, note`

func getEvents(ctx context.Context, tx *sqlx.Tx, id int64) ([]bot.Event, error) {
	return queryEvents(ctx, tx, `SELECT `+eventColumns+` FROM statement_events WHERE statement_id = ? ORDER BY id`, id)
}

// queryEvents runs a query selecting eventColumns.
func queryEvents(ctx context.Context, q sqlx.QueryerContext, query string, args ...any) ([]bot.Event, error) {
	rows, err := q.QueryxContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []bot.Event
	for rows.Next() {
		var e bot.Event
		var t int64
		if err := rows.Scan(&e.ID, &e.Statement, &t, &e.Type, &e.ByKey, &e.By, &e.FromState, &e.ToState, &e.Tag, &e.Reminder, &e.Note); err != nil {
			return nil, err
		}
		e.Time = time.UnixMilli(t).UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}

// UpdateStatements runs fn in one write transaction.
func (db *DB) UpdateStatements(ctx context.Context, fn func(tx bot.StatementTx) error) error {
	var st *statementTx
	err := db.write(ctx, "update statements", func(tx *sqlx.Tx) error {
		st = &statementTx{ctx: ctx, tx: tx, db: db}
		return fn(st)
	})
	return err
}

// statementTx implements bot.StatementTx on a write transaction.
type statementTx struct {
	ctx      context.Context
	tx       *sqlx.Tx
	db       *DB
	enqueued bool // outbox rows were written
}

func (t *statementTx) Statement(id int64) (*bot.Statement, error) {
	return getStatement(t.ctx, t.tx, id)
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

func (t *statementTx) Create(s *bot.Statement, key string, events ...bot.Event) (int64, error) {
	if key != "" {
		var id int64
		err := t.tx.GetContext(t.ctx, &id, `SELECT id FROM statements WHERE submission_key = ?`, key)
		if err == nil {
			return id, bot.Errorf(bot.ECONFLICT, "This was already submitted as %s.", bot.Ref(id))
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return 0, err
		}
	}
	args := append([]any{nullString(key)}, statementArgs(s)...)
	var id int64
	if err := t.tx.GetContext(t.ctx, &id, `INSERT INTO statements (submission_key, datatracker_id, direction, from_name,
		to_name, org_id, title, purpose, deadline, sort_deadline, related, body, attachments, response_contacts,
		technical_contacts, to_contacts, cc, action_holder_contacts, identifiers, prior_approval, state, action_required,
		action_taken, open, submitter_key, submitter_name, submitter_email, submitted, recorded, updated, snoozed_until)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, args...); err != nil {
		return 0, err
	}
	s.ID, s.Version = id, 1
	if err := t.db.changed(t.tx, ChangeStatements); err != nil {
		return 0, err
	}
	if err := t.index(s); err != nil {
		return 0, err
	}
	for i := range events {
		events[i].Statement = id
	}
	return id, t.AddEvents(events...)
}

func nullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

func (t *statementTx) Save(s *bot.Statement, events ...bot.Event) error {
	args := append(statementArgs(s), s.ID, s.Version)
	res, err := t.tx.ExecContext(t.ctx, `UPDATE statements SET datatracker_id = ?, direction = ?, from_name = ?,
		to_name = ?, org_id = ?, title = ?, purpose = ?, deadline = ?, sort_deadline = ?, related = ?, body = ?,
		attachments = ?, response_contacts = ?, technical_contacts = ?, to_contacts = ?, cc = ?,
		action_holder_contacts = ?, identifiers = ?, prior_approval = ?, state = ?, action_required = ?,
		action_taken = ?, open = ?, submitter_key = ?, submitter_name = ?, submitter_email = ?, submitted = ?,
		recorded = ?, updated = ?, snoozed_until = ?, version = version + 1
		WHERE id = ? AND version = ?`, args...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return bot.Errorf(bot.ECONFLICT, "%s changed while you were working on it; look at it again (show %s).", s.Ref(), s.Ref())
	}
	s.Version++
	if err := t.db.changed(t.tx, ChangeStatements); err != nil {
		return err
	}
	if err := t.index(s); err != nil {
		return err
	}
	for i := range events {
		events[i].Statement = s.ID
	}
	return t.AddEvents(events...)
}

// AddEvents records events, setting their ids.
func (t *statementTx) AddEvents(events ...bot.Event) error {
	for i, e := range events {
		if e.Statement == 0 {
			return errors.New("event without a statement")
		}
		var id int64
		if err := t.tx.GetContext(t.ctx, &id, `INSERT INTO statement_events (statement_id, time, type, by_key, by_name,
			from_state, to_state, tag, reminder, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			e.Statement, e.Time.UnixMilli(), string(e.Type), e.ByKey, e.By, string(e.FromState), string(e.ToState),
			string(e.Tag), e.Reminder, e.Note); err != nil {
			return err
		}
		events[i].ID = id
	}
	if len(events) > 0 {
		return t.db.changed(t.tx, ChangeStatements)
	}
	return nil
}

// index keeps the full-text index in step with the statement.
func (t *statementTx) index(s *bot.Statement) error {
	words := []string{s.SubmitterName, s.SubmitterEmail, s.From, s.To}
	for _, l := range []bot.AddressList{s.ResponseContacts, s.TechnicalContacts, s.ToContacts, s.CC, s.ActionHolders} {
		for _, a := range l {
			words = append(words, a.Name, a.Addr)
		}
	}
	for _, a := range s.Attachments {
		words = append(words, a.Title, a.URL)
	}
	contacts := strings.Join(words, " ")
	if _, err := t.tx.ExecContext(t.ctx, `DELETE FROM statements_fts WHERE docid = ?`, s.ID); err != nil {
		return err
	}
	if t.db.Postgres() {
		if _, err := t.tx.ExecContext(t.ctx, `INSERT INTO statements_fts (docid, doc) VALUES (?, ?::tsvector)`,
			s.ID, tsDocument(s.Title, s.Body, contacts, s.Identifiers)); err != nil {
			return err
		}
	} else if _, err := t.tx.ExecContext(t.ctx, `INSERT INTO statements_fts (docid, title, body, contacts, identifiers) VALUES (?, ?, ?, ?, ?)`,
		s.ID, s.Title, s.Body, contacts, s.Identifiers); err != nil {
		return err
	}
	return t.indexGroups(s)
}

// listWhere builds the WHERE clause and ORDER BY of a list query; every
// filter is served by an index (see TestListStatements_UseIndexes).
func listWhere(d dialect, q bot.ListQuery) (string, []any) {
	var where []string
	var args []any
	switch q.Filter {
	case bot.ListOpen:
		where = append(where, "open = 1")
	case bot.ListPending:
		where = append(where, "state = 'pending'")
	case bot.ListOverdue:
		where = append(where, "action_required = 1 AND action_taken = 0 AND state <> 'dead' AND sort_deadline < ?")
		args = append(args, q.Today.String())
	case bot.ListMine:
		mine := []string{"submitter_key = ?"}
		args = append(args, q.MineKey)
		if q.MineMail != "" {
			mine = append(mine, "(submitter_email = ? COLLATE NOCASE AND submitter_email <> '')")
			args = append(args, q.MineMail)
		}
		if len(q.MineOrgs) > 0 {
			ph := strings.TrimSuffix(strings.Repeat("?, ", len(q.MineOrgs)), ", ")
			mine = append(mine, "org_id IN ("+ph+")")
			for _, id := range q.MineOrgs {
				args = append(args, id)
			}
		}
		where = append(where, "("+strings.Join(mine, " OR ")+")", "open = 1")
	}
	if q.OrgID != 0 {
		where = append(where, "org_id = ?")
		args = append(args, q.OrgID)
	}
	bw, bargs := boardWhere(d, q)
	where, args = append(where, bw...), append(args, bargs...)
	w := ""
	if len(where) > 0 {
		w = " WHERE " + strings.Join(where, " AND ")
	}
	if q.Order == bot.ByChange {
		return w + " ORDER BY updated DESC, id DESC", args
	}
	return w + " ORDER BY sort_deadline, submitted DESC, id DESC", args
}

// ListStatements returns one page of statements matching q, sorted by
// deadline (none last), then newest first.
func (db *DB) ListStatements(ctx context.Context, q bot.ListQuery) ([]*bot.Statement, bool, error) {
	if q.PageSize <= 0 {
		q.PageSize = 10
	}
	if q.Page <= 0 {
		q.Page = 1
	}
	if q.Words != "" && ftsQuery(q.Words) == "" {
		return nil, false, bot.Errorf(bot.EINVALID, "Search for some words (letters or digits).")
	}
	query, args := listQuery(db.dialect, q)
	var out []*bot.Statement
	err := db.read(ctx, "list statements", func(tx *sqlx.Tx) error {
		var err error
		out, err = selectStatements(ctx, tx, query, args...)
		return err
	})
	if err != nil {
		return nil, false, err
	}
	more := len(out) > q.PageSize
	if more {
		out = out[:q.PageSize]
	}
	return out, more, nil
}

// listQuery is the query ListStatements runs for q (its page and page
// size set): one row more than a page, to tell whether there are more.
func listQuery(d dialect, q bot.ListQuery) (string, []any) {
	w, args := listWhere(d, q)
	return `SELECT ` + statementColumns + ` FROM statements` + w + ` LIMIT ? OFFSET ?`, append(args, q.PageSize+1, (q.Page-1)*q.PageSize)
}

func selectStatements(ctx context.Context, tx *sqlx.Tx, query string, args ...any) ([]*bot.Statement, error) {
	rows, err := tx.QueryxContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*bot.Statement
	for rows.Next() {
		var r statementRow
		if err := rows.StructScan(&r); err != nil {
			return nil, err
		}
		s, err := r.statement()
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// ftsQuery turns user words into an FTS4 query: every word must match, as a
// prefix, and no FTS syntax from the user gets through.
func ftsQuery(words string) string {
	var terms []string
	for _, w := range ftsTerms(words) {
		// Tokens like "a.b@c.org" or "sg-15" are split by the tokenizer too:
		// quote them as a phrase.
		terms = append(terms, `"`+w+`*"`)
	}
	return strings.Join(terms, " ")
}

func isWordRune(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r > 127
}

// searchQuery is the query SearchStatements runs: the full-text index
// picks one page of ids, newest first (arguments: the dialect's ftsArg,
// the limit and the offset).
func searchQuery(d dialect) string {
	return `SELECT ` + statementColumns + ` FROM statements WHERE id IN (
	SELECT docid FROM statements_fts WHERE ` + d.ftsMatch() + ` ORDER BY docid DESC LIMIT ? OFFSET ?)
	ORDER BY id DESC`
}

// SearchStatements finds statements by words in their title, body,
// contacts and identifiers, newest first.
func (db *DB) SearchStatements(ctx context.Context, words string, page, pageSize int) ([]*bot.Statement, bool, error) {
	q := ftsQuery(words)
	if q == "" {
		return nil, false, bot.Errorf(bot.EINVALID, "Search for some words: “search YANG models”.")
	}
	if pageSize <= 0 {
		pageSize = 10
	}
	if page <= 0 {
		page = 1
	}
	var out []*bot.Statement
	err := db.read(ctx, "search statements", func(tx *sqlx.Tx) error {
		var err error
		out, err = selectStatements(ctx, tx, searchQuery(db.dialect), db.dialect.ftsArg(words), pageSize+1, (page-1)*pageSize)
		return err
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
