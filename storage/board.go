package storage

import (
	"context"
	"strings"

	"github.com/jmoiron/sqlx"

	"github.com/ietf-tools/liaisonbot/bot"
)

// The web board's and the feeds' reads: the list filters they add to
// "list" (boardWhere), the replies to a statement, and the IETF groups on
// public statements. Every query is served by an index (see
// TestBoardQueries_UseIndexes).

// MaxReplies bounds the replies Replies returns.
const MaxReplies = 200

// MaxGroups bounds the groups IETFGroups returns.
const MaxGroups = 2000

// boardWhere adds the board's filters of q to a list query's WHERE terms.
func boardWhere(d dialect, q bot.ListQuery) ([]string, []any) {
	var where []string
	var args []any
	// The feed, and a list by purpose, read in the order of their own
	// index: "+state" keeps the planner from picking the state index
	// instead and reading (or sorting) every statement in the state.
	state := "state"
	if d == dialectSQLite && (q.Order == bot.ByChange || (q.Purpose != "" && q.Filter == bot.ListAll)) {
		state = "+state"
	}
	switch {
	case len(q.States) == 0:
	case allButDead(q.States):
		// Not an IN list of three: the board then reads straight off the
		// index of its order instead of sorting every live statement.
		where = append(where, state+" <> 'dead'")
	case len(q.States) == 1:
		where = append(where, state+" = ?")
		args = append(args, string(q.States[0]))
	default:
		where = append(where, state+" IN ("+placeholders(len(q.States))+")")
		for _, s := range q.States {
			args = append(args, string(s))
		}
	}
	if q.Purpose != "" {
		where = append(where, "purpose = ?")
		args = append(args, string(q.Purpose))
	}
	if q.HasDeadline {
		where = append(where, "sort_deadline < '9999-12-31'")
	}
	if g := strings.TrimSpace(q.Group); g != "" {
		where = append(where, "id IN (SELECT statement_id FROM statement_groups WHERE name = ?)")
		args = append(args, g)
	}
	if q.Words != "" {
		where = append(where, "id IN (SELECT docid FROM statements_fts WHERE "+d.ftsMatch()+")")
		args = append(args, d.ftsArg(q.Words))
	}
	return where, args
}

// allButDead reports whether states are every state but dead.
func allButDead(states []bot.State) bool {
	seen := map[bot.State]bool{}
	for _, s := range states {
		seen[s] = true
	}
	return len(seen) == 3 && seen[bot.StatePending] && seen[bot.StateApproved] && seen[bot.StatePosted]
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// indexGroups keeps the statement's IETF groups in step with it.
func (t *statementTx) indexGroups(s *bot.Statement) error {
	if _, err := t.tx.ExecContext(t.ctx, `DELETE FROM statement_groups WHERE statement_id = ?`, s.ID); err != nil {
		return err
	}
	for _, g := range s.IETFGroups() {
		if _, err := t.tx.ExecContext(t.ctx, `INSERT INTO statement_groups (statement_id, name, state) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
			s.ID, g, string(s.State)); err != nil {
			return err
		}
	}
	return nil
}

// Replies returns the statements that answer the statement (their related
// statement is id), oldest first, at most MaxReplies.
func (db *DB) Replies(ctx context.Context, id int64) ([]*bot.Statement, error) {
	var out []*bot.Statement
	err := db.read(ctx, "read replies", func(tx *sqlx.Tx) error {
		var err error
		out, err = selectStatements(ctx, tx, `SELECT `+statementColumns+` FROM statements WHERE related = ?
			ORDER BY submitted, id LIMIT ?`, id, MaxReplies)
		return err
	})
	return out, err
}

// IETFGroups returns the IETF groups named on the IETF side of statements
// in the states, in alphabetical order, each once whatever its case, at
// most MaxGroups. It reads one index entry per group (a loose index scan),
// not one per statement.
func (db *DB) IETFGroups(ctx context.Context, states []bot.State) ([]string, error) {
	if len(states) == 0 {
		return nil, nil
	}
	in := "state IN (" + placeholders(len(states)) + ")"
	var args []any
	for range 2 {
		for _, s := range states {
			args = append(args, string(s))
		}
	}
	args = append(args, MaxGroups)
	var out []string
	err := db.read(ctx, "read IETF groups", func(tx *sqlx.Tx) error {
		return tx.SelectContext(ctx, &out, groupsQuery(db.dialect, in), args...)
	})
	return out, err
}

func groupsQuery(d dialect, in string) string {
	// SQLite bounds the recursion itself; PostgreSQL refuses a LIMIT there,
	// and stops it when the outer query has its rows.
	inner, outer := "LIMIT ?", ""
	if d == dialectPostgres {
		inner, outer = "", " LIMIT ?"
	}
	return `WITH RECURSIVE g (name) AS (
		SELECT (SELECT name FROM statement_groups WHERE ` + in + ` ORDER BY name LIMIT 1)
		UNION ALL
		SELECT (SELECT name FROM statement_groups WHERE name > g.name AND ` + in + ` ORDER BY name LIMIT 1)
		FROM g WHERE g.name IS NOT NULL
		` + inner + `
	) SELECT name FROM g WHERE name IS NOT NULL` + outer
}
