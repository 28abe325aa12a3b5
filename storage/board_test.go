package storage

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
)

// putStatement stores s as it is (state, tags, dates), the way a sync or a
// long history leaves statements, and returns its id.
func putStatement(tb testing.TB, db *DB, s *bot.Statement) int64 {
	tb.Helper()
	if s.Submitted.IsZero() {
		s.Submitted = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	}
	if s.Updated.IsZero() {
		s.Updated = s.Submitted
	}
	if s.Purpose == "" {
		s.Purpose = bot.PurposeInfo
	}
	var id int64
	err := db.UpdateStatements(context.Background(), func(tx bot.StatementTx) error {
		var err error
		id, err = tx.Create(s, "", bot.Event{Time: s.Submitted, Type: bot.EventSubmitted, ToState: s.State})
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return id
}

func ids(ss []*bot.Statement) []int64 {
	out := make([]int64, len(ss))
	for i, s := range ss {
		out[i] = s.ID
	}
	return out
}

func TestBoardQuery_FiltersPublicStatements(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	d := MustSeed(t, db)
	gpp, itu := d.OrgByAcronym("3GPP"), d.OrgByAcronym("ITU-T")
	today := bot.Date{Y: 2026, M: 6, D: 1}
	// Open and posted: incoming to "IAB, IESG", deadline past.
	overdue := putStatement(t, db, &bot.Statement{Direction: bot.Incoming, From: "3GPP-TSG-SA-WG3", To: "IAB, IESG", OrgID: gpp.ID,
		Title: "LS on 5G security", Purpose: bot.PurposeAction, Deadline: bot.Date{Y: 2026, M: 5, D: 1}, State: bot.StatePosted, ActionRequired: true})
	// Open and posted, outgoing from opsawg, deadline ahead.
	soon := putStatement(t, db, &bot.Statement{Direction: bot.Outgoing, From: "opsawg", To: "ITU-T-SG-15", OrgID: itu.ID,
		Title: "Reply on YANG models", Purpose: bot.PurposeComment, Deadline: bot.Date{Y: 2026, M: 7, D: 1}, State: bot.StatePosted, ActionRequired: true})
	// Posted, answered: not open.
	done := putStatement(t, db, &bot.Statement{Direction: bot.Outgoing, From: "OPSAWG, rtgwg", To: "3GPP", OrgID: gpp.ID,
		Title: "YANG catalogue", Purpose: bot.PurposeAction, Deadline: bot.Date{Y: 2026, M: 4, D: 1}, State: bot.StatePosted, ActionTaken: true})
	// Pending and approved outgoing: public only with show-pending.
	pending := putStatement(t, db, &bot.Statement{Direction: bot.Outgoing, From: "ccamp", To: "3GPP", OrgID: gpp.ID,
		Title: "Draft reply not yet approved", Purpose: bot.PurposeInfo, State: bot.StatePending})
	approved := putStatement(t, db, &bot.Statement{Direction: bot.Outgoing, From: "ccamp", To: "ITU-T", OrgID: itu.ID,
		Title: "Approved, not sent", Purpose: bot.PurposeInfo, State: bot.StateApproved})
	// Dead: never public.
	putStatement(t, db, &bot.Statement{Direction: bot.Outgoing, From: "secret-wg", To: "3GPP", OrgID: gpp.ID,
		Title: "Killed YANG draft", Purpose: bot.PurposeAction, Deadline: bot.Date{Y: 2026, M: 5, D: 2}, State: bot.StateDead, ActionRequired: true})

	for _, c := range []struct {
		name        string
		f           bot.BoardFilter
		showPending bool
		want        []int64
	}{
		{"open", bot.BoardFilter{}, false, []int64{overdue, soon}},
		{"open with pending", bot.BoardFilter{}, true, []int64{overdue, soon, approved, pending}},
		{"overdue", bot.BoardFilter{State: bot.BoardOverdue}, true, []int64{overdue}},
		{"all", bot.BoardFilter{State: bot.BoardAll}, false, []int64{done, overdue, soon}},
		{"all with pending", bot.BoardFilter{State: bot.BoardAll}, true, []int64{done, overdue, soon, approved, pending}},
		{"pending state", bot.BoardFilter{State: "pending"}, true, []int64{pending}},
		{"org", bot.BoardFilter{State: bot.BoardAll, OrgID: gpp.ID}, true, []int64{done, overdue, pending}},
		{"group, any case", bot.BoardFilter{State: bot.BoardAll, Group: "opsAWG"}, false, []int64{done, soon}},
		{"group on the incoming side", bot.BoardFilter{Group: "IESG"}, false, []int64{overdue}},
		{"group of a hidden statement", bot.BoardFilter{State: bot.BoardAll, Group: "secret-wg"}, true, nil},
		{"purpose", bot.BoardFilter{State: bot.BoardAll, Purpose: bot.PurposeAction}, false, []int64{done, overdue}},
		{"words", bot.BoardFilter{State: bot.BoardAll, Words: "yang"}, true, []int64{done, soon}},
		{"words and org", bot.BoardFilter{State: bot.BoardAll, Words: "yang", OrgID: gpp.ID}, true, []int64{done}},
	} {
		t.Run(c.name, func(t *testing.T) {
			q, err := bot.BoardQuery(c.f, c.showPending, today)
			if err != nil {
				t.Fatal(err)
			}
			got, more, err := db.ListStatements(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ids(got), c.want) || more {
				t.Errorf("got %v (more %v), want %v", ids(got), more, c.want)
			}
		})
	}
	if _, err := bot.BoardQuery(bot.BoardFilter{State: "dead"}, true, today); err == nil {
		t.Error("the dead state is offered")
	}
	if _, err := bot.BoardQuery(bot.BoardFilter{State: "pending"}, false, today); err == nil {
		t.Error("the pending state is offered without show-pending")
	}
	q, _ := bot.BoardQuery(bot.BoardFilter{Words: "!!!"}, false, today)
	if _, _, err := db.ListStatements(ctx, q); bot.ErrorCode(err) != bot.EINVALID {
		t.Errorf("a search without words: %v", err)
	}
}

func TestFeedAndCalendarQueries(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	d := MustSeed(t, db)
	gpp := d.OrgByAcronym("3GPP")
	at := func(day int) time.Time { return time.Date(2026, 3, day, 9, 0, 0, 0, time.UTC) }
	a := putStatement(t, db, &bot.Statement{Direction: bot.Incoming, From: "3GPP", To: "IETF", OrgID: gpp.ID, Title: "A",
		Purpose: bot.PurposeAction, Deadline: bot.Date{Y: 2026, M: 9, D: 1}, State: bot.StatePosted, ActionRequired: true, Submitted: at(1), Updated: at(9)})
	b := putStatement(t, db, &bot.Statement{Direction: bot.Incoming, From: "W3C", To: "IETF", Title: "B",
		Purpose: bot.PurposeInfo, State: bot.StatePosted, Submitted: at(2), Updated: at(3)})
	c := putStatement(t, db, &bot.Statement{Direction: bot.Outgoing, From: "opsawg", To: "3GPP", OrgID: gpp.ID, Title: "C",
		Purpose: bot.PurposeAction, Deadline: bot.Date{Y: 2026, M: 8, D: 1}, State: bot.StatePending, ActionRequired: true, Submitted: at(4), Updated: at(5)})

	list := func(q bot.ListQuery) []int64 {
		t.Helper()
		got, _, err := db.ListStatements(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		return ids(got)
	}
	if got := list(bot.FeedQuery(0, false)); !slices.Equal(got, []int64{a, b}) {
		t.Errorf("feed: %v, want the latest change first %v", got, []int64{a, b})
	}
	if got := list(bot.FeedQuery(0, true)); !slices.Equal(got, []int64{a, c, b}) {
		t.Errorf("feed with pending: %v", got)
	}
	if got := list(bot.FeedQuery(gpp.ID, true)); !slices.Equal(got, []int64{a, c}) {
		t.Errorf("feed for 3GPP: %v", got)
	}
	if got := list(bot.CalendarQuery(0, true)); !slices.Equal(got, []int64{c, a}) {
		t.Errorf("calendar: %v, want the open ones with a deadline, soonest first", got)
	}
	if got := list(bot.CalendarQuery(0, false)); !slices.Equal(got, []int64{a}) {
		t.Errorf("calendar without pending: %v", got)
	}
}

func TestReplies_AnswersOldestFirst(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	orig := putStatement(t, db, &bot.Statement{Direction: bot.Incoming, From: "3GPP", To: "IETF", Title: "Question", State: bot.StatePosted})
	r2 := putStatement(t, db, &bot.Statement{Direction: bot.Outgoing, From: "opsawg", To: "3GPP", Title: "Second answer", Purpose: bot.PurposeResponse,
		Related: orig, State: bot.StatePosted, Submitted: time.Date(2026, 5, 2, 0, 0, 0, 0, time.UTC)})
	r1 := putStatement(t, db, &bot.Statement{Direction: bot.Outgoing, From: "opsawg", To: "3GPP", Title: "First answer", Purpose: bot.PurposeResponse,
		Related: orig, State: bot.StatePosted, Submitted: time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)})
	putStatement(t, db, &bot.Statement{Direction: bot.Outgoing, From: "opsawg", To: "3GPP", Title: "Answer to the answer", Purpose: bot.PurposeResponse,
		Related: r1, State: bot.StatePosted})
	got, err := db.Replies(ctx, orig)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ids(got), []int64{r1, r2}) {
		t.Errorf("replies %v, want %v", ids(got), []int64{r1, r2})
	}
	if got, err := db.Replies(ctx, r2); err != nil || len(got) != 0 {
		t.Errorf("replies to an unanswered statement: %v %v", ids(got), err)
	}
}

func TestIETFGroups_OncePerGroupInPublicStates(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	putStatement(t, db, &bot.Statement{Direction: bot.Incoming, From: "ITU-T-SG-15", To: "IAB, IESG", Title: "a", State: bot.StatePosted})
	putStatement(t, db, &bot.Statement{Direction: bot.Outgoing, From: "iesg, ccamp", To: "ITU-T", Title: "b", State: bot.StatePosted})
	pend := putStatement(t, db, &bot.Statement{Direction: bot.Outgoing, From: "Multiprotocol Label Switching", To: "ITU-T", Title: "c", State: bot.StatePending})
	posted := []bot.State{bot.StatePosted}
	got, err := db.IETFGroups(ctx, posted)
	if err != nil {
		t.Fatal(err)
	}
	norm := func(xs []string) []string {
		out := make([]string, len(xs))
		for i, x := range xs {
			out[i] = strings.ToLower(x)
		}
		return out
	}
	if want := []string{"iab", "ccamp", "iesg"}; !slices.Equal(norm(got), []string{"ccamp", "iab", "iesg"}) {
		t.Errorf("groups %q, want %q once each (the other side's ITU-T-SG-15 is not one)", got, want)
	}
	got, _ = db.IETFGroups(ctx, bot.PublicStates(true))
	if !slices.Contains(got, "Multiprotocol Label Switching") {
		t.Errorf("groups with pending %q", got)
	}
	// Posting it makes its group public; the groups follow the statement.
	err = db.UpdateStatements(ctx, func(tx bot.StatementTx) error {
		s, err := tx.Statement(pend)
		if err != nil {
			return err
		}
		s.State, s.From = bot.StatePosted, "mpls"
		return tx.Save(s)
	})
	if err != nil {
		t.Fatal(err)
	}
	got, _ = db.IETFGroups(ctx, posted)
	if !slices.Contains(got, "mpls") || slices.Contains(got, "Multiprotocol Label Switching") {
		t.Errorf("after the change: %q", got)
	}
}

// TestMigration_StatementGroupsBackfill checks that migration 0009 finds
// the groups of statements stored before it the way the store does for
// new ones.
func TestMigration_StatementGroupsBackfill(t *testing.T) {
	sqliteOnly(t)
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	db := MustOpenDBAt(t, path)
	for i, s := range []*bot.Statement{
		{Direction: bot.Incoming, From: "3GPP", To: " IAB,IESG , iab,", Title: "a", State: bot.StatePosted},
		{Direction: bot.Outgoing, From: "opsawg", To: "ITU-T", Title: "b", State: bot.StatePending},
		{Direction: bot.Outgoing, From: "", To: "ITU-T", Title: "c", State: bot.StateDead},
		{Direction: bot.Incoming, From: "W3C", To: "Pseudowire Emulation Edge to Edge, ÉTS-wg", Title: "d", State: bot.StatePosted},
	} {
		s.Submitted = time.Date(2026, 1, 1+i, 0, 0, 0, 0, time.UTC)
		putStatement(t, db, s)
	}
	want := groupRows(t, db)
	if len(want) != 5 {
		t.Fatalf("the store wrote %q", want)
	}
	// Undo migration 0009 and open again: it runs on the old rows.
	for _, q := range []string{`DROP TABLE statement_groups`, `DROP INDEX statements_changed`, `DROP INDEX statements_org_changed`,
		`DROP INDEX statements_org_all`, `DROP INDEX statements_open_state`, `DROP INDEX statements_org_open_state`, `DROP INDEX statements_due_state`,
		`DROP INDEX statements_purpose`, `DELETE FROM migrations WHERE name = 'migrations/0009_board.sql'`} {
		if _, err := db.w.ExecContext(ctx, q); err != nil {
			t.Fatal(q, err)
		}
	}
	db.Close()
	db = MustOpenDBAt(t, path)
	if got := groupRows(t, db); !slices.Equal(got, want) {
		t.Errorf("migration wrote\n%q\nthe store writes\n%q", got, want)
	}
}

func groupRows(t *testing.T, db *DB) []string {
	t.Helper()
	var rows []string
	if err := db.r.Select(&rows, `SELECT statement_id || '|' || name || '|' || state FROM statement_groups ORDER BY statement_id, name`); err != nil {
		t.Fatal(err)
	}
	return rows
}

// boardQueries are the queries the web board and the feeds run, for the
// plan test and the benchmark.
func boardQueries(org int64) map[string]bot.ListQuery {
	today := bot.Date{Y: 2026, M: 6, D: 1}
	out := map[string]bot.ListQuery{}
	for _, showPending := range []bool{false, true} {
		sp := fmt.Sprintf("pending=%v/", showPending)
		for _, st := range bot.BoardStates(showPending) {
			for _, o := range []int64{0, org} {
				q, err := bot.BoardQuery(bot.BoardFilter{State: st, OrgID: o}, showPending, today)
				if err != nil {
					panic(err)
				}
				out[fmt.Sprintf("%sboard state=%s org=%d", sp, st, o)] = q
			}
		}
		out[sp+"feed"] = bot.FeedQuery(0, showPending)
		out[sp+"feed org"] = bot.FeedQuery(org, showPending)
		out[sp+"calendar"] = bot.CalendarQuery(0, showPending)
		out[sp+"calendar org"] = bot.CalendarQuery(org, showPending)
		for _, f := range []bot.BoardFilter{{Group: "opsawg"}, {Group: "opsawg", State: bot.BoardAll}, {Group: "opsawg", OrgID: org},
			{Words: "yang"}, {Words: "yang", State: bot.BoardAll}, {Purpose: bot.PurposeAction, State: bot.BoardAll}} {
			q, err := bot.BoardQuery(f, showPending, today)
			if err != nil {
				panic(err)
			}
			out[fmt.Sprintf("%sboard group=%q words=%q purpose=%q state=%q org=%v", sp, f.Group, f.Words, f.Purpose, f.State, f.OrgID != 0)] = q
		}
	}
	return out
}

// wantIndex is the index (and its constraints) some board queries must
// use.
var wantIndex = map[string]string{
	"pending=false/board state=open org=0":    "statements_open_state (open=? AND state=?)",
	"pending=false/board state=open org=1":    "statements_org_open_state (org_id=? AND open=? AND state=?)",
	"pending=false/board state=overdue org=0": "statements_due_state (action_required=? AND action_taken=? AND state=? AND sort_deadline<?)",
	"pending=false/calendar":                  "statements_open_state (open=? AND state=? AND sort_deadline<?)",
	"pending=false/feed":                      "statements_changed",
	"pending=true/feed":                       "statements_changed",
	"pending=false/board state=posted org=0":  "statements_state (state=?)",
	"pending=true/board state=all org=0":      "statements_all",
	`pending=false/board group="" words="" purpose="action" state="all" org=false`: "statements_purpose (purpose=?)",
	`pending=true/board group="" words="" purpose="action" state="all" org=false`:  "statements_purpose (purpose=?)",
}

// TestBoardQueries_UseIndexes checks the plans of the board's and the
// feeds' queries, as the database is in production (no ANALYZE) and after
// ANALYZE: none scans the table; those without a group or search read
// their page straight off an index in their order (no sort); a group or a
// search starts from its own index.
func TestBoardQueries_UseIndexes(t *testing.T) {
	db := MustOpenDB(t)
	d := MustSeed(t, db)
	org := d.OrgByAcronym("3GPP")
	for i := 0; i < 200; i++ {
		s := newTestStatement(i, org)
		s.State = []bot.State{bot.StatePosted, bot.StatePending, bot.StatePosted, bot.StateDead}[i%4]
		putStatement(t, db, s)
	}
	for _, analyzed := range []bool{false, true} {
		if analyzed {
			if _, err := db.w.Exec(`ANALYZE`); err != nil {
				t.Fatal(err)
			}
		}
		for name, q := range boardQueries(org.ID) {
			w, args := listWhere(dialectSQLite, q)
			plan := explain(t, db, `SELECT `+statementColumns+` FROM statements`+w+` LIMIT 51`, args...)
			where := fmt.Sprintf("%s (analyzed %v)", name, analyzed)
			if strings.Contains(plan, "SCAN statements\n") {
				t.Errorf("%s scans the table:\n%s", where, plan)
			}
			switch {
			case q.Group != "":
				if !strings.Contains(plan, "statement_groups_name") {
					t.Errorf("%s does not use the groups index:\n%s", where, plan)
				}
			case q.Words != "":
				if !strings.Contains(plan, "VIRTUAL TABLE INDEX") {
					t.Errorf("%s does not use the full-text index:\n%s", where, plan)
				}
			case strings.Contains(plan, "TEMP B-TREE"):
				t.Errorf("%s sorts instead of reading an index in order:\n%s", where, plan)
			}
			// An index on the filter alone would read past every hidden
			// statement before the page: these read only what they show.
			if want, ok := wantIndex[name]; ok && !strings.Contains(plan, want) {
				t.Errorf("%s does not use %s:\n%s", where, want, plan)
			}
		}
		plan := explain(t, db, `SELECT `+statementColumns+` FROM statements WHERE related = ? ORDER BY submitted, id LIMIT ?`, 1, MaxReplies)
		if !strings.Contains(plan, "statements_related") {
			t.Errorf("replies do not use the related index:\n%s", plan)
		}
		plan = explain(t, db, groupsQuery(dialectSQLite, "state IN (?)"), "posted", "posted", MaxGroups)
		if !strings.Contains(plan, "statement_groups_name") || strings.Contains(plan, "SCAN statement_groups\n") {
			t.Errorf("the group list does not walk its index:\n%s", plan)
		}
	}
}

func TestBoardQuery_UnknownStateAndPurpose(t *testing.T) {
	for _, f := range []bot.BoardFilter{{State: "closed"}, {Purpose: "gossip"}} {
		_, err := bot.BoardQuery(f, true, bot.Date{})
		var be *bot.Error
		if !errors.As(err, &be) || be.Code != bot.EINVALID {
			t.Errorf("%+v: %v", f, err)
		}
	}
}
