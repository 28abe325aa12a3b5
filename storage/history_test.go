package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
	"github.com/ietf-tools/liaisonbot/storage/storagetest/dbdump"
)

// The history tests check, for every kind of change, that the change and
// its history are written together: the expected entries are there after
// it, and when the history cannot be written (a trigger refuses that
// entry) the change is not made either.

var historyNow = time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)

// historyActor is who makes the changes: a liaison manager on Slack (of
// 3GPP: see asManager).
var historyActor = bot.Actor{Platform: bot.PlatformSlack, UserID: "U0JOSE", Name: "José Núñez", Email: "jose.nunez@example.org",
	Person: &bot.Person{Name: "José Núñez", Email: "jose.nunez@example.org"}}

// refuse makes every insert into table whose column matches the LIKE
// pattern fail, as a full disk or a bug would, until the returned function
// drops the trigger.
func refuse(t *testing.T, db *DB, table, column, like string) func() {
	t.Helper()
	if db.Postgres() {
		return refusePostgres(t, db, table, column, like)
	}
	if _, err := db.w.Exec(fmt.Sprintf(`CREATE TRIGGER refuse_history BEFORE INSERT ON %s WHEN NEW.%s LIKE '%s'
		BEGIN SELECT RAISE(ABORT, 'history refused by the test'); END`, table, column, like)); err != nil {
		t.Fatal(err)
	}
	return func() {
		if _, err := db.w.Exec(`DROP TRIGGER refuse_history`); err != nil {
			t.Fatal(err)
		}
	}
}

// asManager returns a copy of org with historyActor among its liaison
// managers.
func asManager(org *bot.Organization) *bot.Organization {
	o := *org
	o.Managers = append(slices.Clone(o.Managers), *historyActor.Person)
	return &o
}

// eventLine is an event as the history test compares it: its type (and
// tag), who, the states and the note.
func eventLine(e bot.Event) string {
	typ := string(e.Type)
	if e.Tag != "" {
		typ += " " + string(e.Tag)
	}
	return fmt.Sprintf("%s %s by %s (%s) %s→%s %q", e.Time.Format(time.RFC3339), typ, e.By, e.ByKey, e.FromState, e.ToState, e.Note)
}

// outboxEvents returns, for each outbox row of the statement, its kind,
// target and the event ids its notice names.
func outboxEvents(t *testing.T, db *DB, id int64) []string {
	t.Helper()
	rows, err := db.r.Query(`SELECT kind, platform, channel, data FROM outbox WHERE statement_id = ? ORDER BY id`, id)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var kind, platform, channel, data string
		if err := rows.Scan(&kind, &platform, &channel, &data); err != nil {
			t.Fatal(err)
		}
		var nd bot.NoticeData
		if err := json.Unmarshal([]byte(data), &nd); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%s %s:%s events %v", kind, platform, channel, nd.Events))
	}
	return out
}

// statementChange is one kind of change to a statement.
type statementChange struct {
	name string
	// prepare brings the statement (nil: none yet) to where the change
	// applies, through the store.
	prepare func(t *testing.T, db *DB, org *bot.Organization) int64
	// change makes the change in the transaction and returns the
	// statement's id.
	change func(tx bot.Tx, id int64, org *bot.Organization) (int64, error)
	// want is the history the change writes, and state the statement's
	// state after it.
	want  []string
	state bot.State
	// notified: the change is one the channels hear about.
	notified bool
}

// atState creates an outgoing For Action statement with a deadline and
// moves it through the moves, one transaction each.
func atState(moves ...bot.Move) func(t *testing.T, db *DB, org *bot.Organization) int64 {
	return func(t *testing.T, db *DB, org *bot.Organization) int64 {
		t.Helper()
		s := mustCreate(t, db, &bot.Statement{Direction: bot.Outgoing, From: "opsawg", To: org.Acronym, OrgID: org.ID,
			Title: "YANG models for 5G transport — review", Purpose: bot.PurposeAction, Deadline: bot.Date{Y: 2027, M: 1, D: 15},
			Body: "Please review the attached models.", ResponseContacts: bot.MustParseAddressList("Benoît Claise <benoit@example.org>")}, historyNow.Add(-48*time.Hour))
		for i, m := range moves {
			err := db.UpdateStatements(context.Background(), func(tx bot.StatementTx) error {
				cur, err := tx.Statement(s.ID)
				if err != nil {
					return err
				}
				n, evs, err := bot.ApplyMove(cur, m, testActor, "setup", historyNow.Add(-time.Duration(47-i)*time.Hour))
				if err != nil {
					return err
				}
				return tx.Save(n, evs...)
			})
			if err != nil {
				t.Fatalf("setup %s: %v", m, err)
			}
		}
		return s.ID
	}
}

// move is the change a move makes, as the commands make it.
func move(m bot.Move, note string) func(tx bot.Tx, id int64, org *bot.Organization) (int64, error) {
	return func(tx bot.Tx, id int64, org *bot.Organization) (int64, error) {
		cur, err := tx.Statement(id)
		if err != nil {
			return 0, err
		}
		n, evs, err := bot.ApplyMove(cur, m, historyActor, note, historyNow)
		if err != nil {
			return 0, err
		}
		return id, tx.Save(n, evs...)
	}
}

// edit saves a changed statement with one event of the type.
func edit(typ bot.EventType, note string, change func(s *bot.Statement)) func(tx bot.Tx, id int64, org *bot.Organization) (int64, error) {
	return func(tx bot.Tx, id int64, org *bot.Organization) (int64, error) {
		cur, err := tx.Statement(id)
		if err != nil {
			return 0, err
		}
		n := *cur
		change(&n)
		n.Updated = historyNow
		return id, tx.Save(&n, bot.Event{Time: historyNow, Type: typ, ByKey: historyActor.Key(), By: historyActor.Label(),
			FromState: cur.State, ToState: n.State, Note: note})
	}
}

const by = "José Núñez (slack:U0JOSE)"

func TestHistory_EveryStatementChangeWritesItsEventsInItsTransaction(t *testing.T) {
	at := historyNow.Format(time.RFC3339)
	line := func(typ, from, to, note string) string {
		return fmt.Sprintf("%s %s by José Núñez (slack:U0JOSE) %s→%s %q", at, typ, from, to, note)
	}
	submit := func(prior bool) func(tx bot.Tx, id int64, org *bot.Organization) (int64, error) {
		return func(tx bot.Tx, _ int64, org *bot.Organization) (int64, error) {
			n, evs, err := bot.NewStatement(&bot.Statement{Direction: bot.Outgoing, From: "ccamp", To: org.Acronym, OrgID: org.ID,
				Title: "Réponse: GMPLS for optical networks", Purpose: bot.PurposeAction, Deadline: bot.Date{Y: 2027, M: 2, D: 1},
				Body: "x", PriorApproval: prior}, historyActor, asManager(org), nil, historyNow)
			if err != nil {
				return 0, err
			}
			return tx.Create(n, "", evs...)
		}
	}
	cases := []statementChange{
		{name: "submitted", change: submit(false), state: bot.StatePending, notified: true,
			want: []string{line("submitted", "", "pending", ""), line("tagged action-required", "pending", "pending", "")}},
		{name: "submitted with prior approval", change: submit(true), state: bot.StatePosted, notified: true,
			want: []string{line("submitted", "", "pending", ""), line("posted", "pending", "posted", "prior approval obtained"),
				line("tagged action-required", "posted", "posted", "")}},
		{name: "modified", prepare: atState(), state: bot.StatePending,
			change: edit(bot.EventModified, `title: "YANG models for 5G transport — review" → "YANG models, v2"`, func(s *bot.Statement) { s.Title = "YANG models, v2" }),
			want:   []string{line("modified", "pending", "pending", `title: "YANG models for 5G transport — review" → "YANG models, v2"`)}},
		{name: "approved", prepare: atState(), change: move(bot.MoveApprove, "ok for the IESG"), state: bot.StateApproved, notified: true,
			want: []string{line("approved", "pending", "approved", "ok for the IESG")}},
		{name: "posted", prepare: atState(bot.MoveApprove), change: move(bot.MovePost, ""), state: bot.StatePosted, notified: true,
			want: []string{line("posted", "approved", "posted", "")}},
		{name: "killed", prepare: atState(bot.MoveApprove), change: move(bot.MoveKill, "superseded by LS-14"), state: bot.StateDead, notified: true,
			want: []string{line("killed", "approved", "dead", "superseded by LS-14")}},
		{name: "resurrected", prepare: atState(bot.MoveKill), change: move(bot.MoveReopen, "sent by mistake"), state: bot.StatePending, notified: true,
			want: []string{line("resurrected", "dead", "pending", "sent by mistake")}},
		{name: "tags", prepare: atState(bot.MovePost), change: move(bot.MoveTaken, "answered in LS-20"), state: bot.StatePosted, notified: true,
			want: []string{line("tagged action-taken", "posted", "posted", "answered in LS-20"), line("untagged action-required", "posted", "posted", "")}},
		{name: "synced", prepare: atState(bot.MoveApprove), state: bot.StatePosted, notified: true,
			change: edit(bot.EventSynced, "posted in the Datatracker", func(s *bot.Statement) { s.State = bot.StatePosted; s.DatatrackerID = 2106 }),
			want:   []string{line("synced", "approved", "posted", "posted in the Datatracker")}},
		{name: "snoozed", prepare: atState(), state: bot.StatePending,
			change: edit(bot.EventSnoozed, "until 2026-12-03", func(s *bot.Statement) { s.SnoozedUntil = bot.Date{Y: 2026, M: 12, D: 3} }),
			want:   []string{line("snoozed", "pending", "pending", "until 2026-12-03")}},
		{name: "comment", prepare: atState(), state: bot.StatePending,
			change: func(tx bot.Tx, id int64, _ *bot.Organization) (int64, error) {
				return id, tx.AddEvents(bot.Event{Statement: id, Time: historyNow, Type: bot.EventComment, ByKey: historyActor.Key(),
					By: historyActor.Label(), FromState: bot.StatePending, ToState: bot.StatePending, Note: "Discussed at IETF 125; «ok» from the WG"})
			},
			want: []string{line("comment", "pending", "pending", "Discussed at IETF 125; «ok» from the WG")}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := MustOpenDB(t)
			org := MustSeed(t, db).OrgByAcronym("3GPP")
			aud := bot.Audience{Platforms: []string{bot.PlatformSlack}, Liaison: map[string]string{bot.PlatformSlack: "CLIAISON"}}
			if _, err := db.Subscribe(ctx, bot.PlatformSlack, "C3GPP", org.ID, "test"); err != nil {
				t.Fatal(err)
			}
			var id int64
			if tc.prepare != nil {
				id = tc.prepare(t, db, org)
			}
			var before []bot.Event
			var version int64
			if id != 0 {
				before, _ = db.Events(ctx, id)
				s, _ := db.Statement(ctx, id)
				version = s.Version
			}
			outboxBefore := outboxEvents(t, db, id)
			dump := dbdump.Dump(t, db.Path)

			// The history cannot be written: neither is the change.
			typ := strings.Fields(tc.want[len(tc.want)-1])[1]
			undo := refuse(t, db, "statement_events", "type", typ)
			err := aud.Update(ctx, db, func(tx bot.Tx) error {
				_, err := tc.change(tx, id, org)
				return err
			})
			undo()
			if err == nil {
				t.Fatalf("the change went through although its %s event could not be written", typ)
			}
			if diff := dbdump.Diff(dump, dbdump.Dump(t, db.Path)); diff != "" {
				t.Fatalf("a change whose history failed left:\n%s", diff)
			}

			// It can: the change and its history, together.
			err = aud.Update(ctx, db, func(tx bot.Tx) error {
				var err error
				id, err = tc.change(tx, id, org)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			all, err := db.Events(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if len(all) < len(before) || (len(before) > 0 && !reflect.DeepEqual(all[:len(before)], before)) {
				t.Fatalf("the earlier history changed:\n%v\nwas\n%v", all, before)
			}
			var got []string
			var ids []int64
			for _, e := range all[len(before):] {
				if e.Statement != id || e.ID == 0 {
					t.Errorf("event %+v is not LS-%d's", e, id)
				}
				got = append(got, eventLine(e))
				ids = append(ids, e.ID)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("history written:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
			s, err := db.Statement(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if s.State != tc.state {
				t.Errorf("LS-%d is %s, want %s", id, s.State, tc.state)
			}
			if tc.name != "comment" && !strings.HasPrefix(tc.name, "submitted") && s.Version != version+1 {
				t.Errorf("version %d → %d, want one more", version, s.Version)
			}
			// The notice names the events, for the liaison channel and the
			// subscriber, in the same transaction.
			var want []string
			if tc.notified {
				for _, ch := range []string{"CLIAISON", "C3GPP"} {
					want = append(want, fmt.Sprintf("%s slack:%s events %v", bot.NoticeChange, ch, ids))
				}
			}
			if got := outboxEvents(t, db, id); !slices.Equal(got[len(outboxBefore):], want) {
				t.Errorf("outbox rows %v, want %v", got[len(outboxBefore):], want)
			}
		})
	}
}

// directoryChange is one kind of change to the directory.
type directoryChange struct {
	name  string
	apply func(db *DB) error
	// want is the history written: "org|change".
	want []string
	// state is a sync state written with the change ("" for none).
	state string
}

func TestHistory_EveryDirectoryChangeIsRecordedWithItsRemovals(t *testing.T) {
	ctx := context.Background()
	// without returns the directory without CableLabs, with ACME added and
	// 3GPP's manager replaced.
	without := func(d *bot.Directory) *bot.Directory {
		d.Orgs = slices.DeleteFunc(d.Orgs, func(o *bot.Organization) bool { return o.Acronym == "CableLabs" })
		o := d.OrgByAcronym("3GPP")
		o.Managers = []bot.Person{{Name: "Sébastien Ünal", Email: "seb@example.org", Provenance: o.Provenance}}
		d.Orgs = append(d.Orgs, &bot.Organization{Acronym: "ACME", Name: "Acme Standards Organization", Relationship: bot.RelNone,
			Provenance: bot.Provenance{Source: "admin", AsOf: historyNow, By: "José Núñez"}})
		d.Coordinators.People = d.Coordinators.People[1:]
		return d
	}
	want := []string{
		"ACME|added: Acme Standards Organization (ACME)",
		"3GPP|3GPP: manager added: Sébastien Ünal <seb@example.org>",
		"3GPP|3GPP: manager removed: Gonzalo Camarillo",
		"|coordinator removed: Suresh Krishnan",
		"CableLabs|removed: Cable Television Laboratories (CableLabs); managers: Jason Weil",
	}
	// An import records its lines as an edit does: its additions and
	// removals name their organization too.
	cases := []directoryChange{
		{name: "import", want: want, apply: func(db *DB) error {
			d, err := db.Directory(ctx)
			if err != nil {
				return err
			}
			_, err = db.ReplaceDirectory(ctx, without(cloneDir(d)), by)
			return err
		}},
		{name: "edit", want: want, apply: func(db *DB) error {
			_, err := db.ApplyDirectory(ctx, bot.DirectoryEdit{By: by, Edit: func(d *bot.Directory) (*bot.Directory, error) { return without(d), nil }})
			return err
		}},
		{name: "sync", want: want, state: "2026-11-26T10:00:00Z", apply: func(db *DB) error {
			_, err := db.ApplyDirectory(ctx, bot.DirectoryEdit{By: by, Edit: func(d *bot.Directory) (*bot.Directory, error) { return without(d), nil },
				State: map[string]string{"directory.synced_at": "2026-11-26T10:00:00Z"}})
			return err
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			db := MustOpenDB(t)
			MustSeed(t, db)
			db.Now = func() time.Time { return historyNow }
			history := func() []string {
				var out []string
				rows, err := db.r.Query(`SELECT time, by, org, change FROM directory_changes WHERE time = ? ORDER BY id`, historyNow.Format(time.RFC3339))
				if err != nil {
					t.Fatal(err)
				}
				defer rows.Close()
				for rows.Next() {
					var at, who, org, change string
					if err := rows.Scan(&at, &who, &org, &change); err != nil {
						t.Fatal(err)
					}
					if who != by {
						t.Errorf("%q recorded as by %q", change, who)
					}
					out = append(out, org+"|"+change)
				}
				return out
			}
			v0, _ := db.Directory(ctx)
			dump := dbdump.Dump(t, db.Path)

			// A removal that cannot be recorded is not made, nor anything
			// else of the change.
			undo := refuse(t, db, "directory_changes", "change", "%removed: Cable Television Laboratories%")
			if err := tc.apply(db); err == nil {
				t.Fatal("the change went through although its history could not be written")
			}
			undo()
			db.invalidateDirectory()
			if diff := dbdump.Diff(dump, dbdump.Dump(t, db.Path)); diff != "" {
				t.Fatalf("a change whose history failed left:\n%s", diff)
			}

			if err := tc.apply(db); err != nil {
				t.Fatal(err)
			}
			got := history()
			slices.Sort(got)
			w := slices.Clone(tc.want)
			slices.Sort(w)
			if !slices.Equal(got, w) {
				t.Errorf("history:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(w, "\n"))
			}
			d, _ := db.Directory(ctx)
			if d.Version != v0.Version+1 || d.OrgByAcronym("CableLabs") != nil || d.OrgByAcronym("ACME") == nil {
				t.Errorf("directory version %d → %d, CableLabs %v, ACME %v", v0.Version, d.Version, d.OrgByAcronym("CableLabs"), d.OrgByAcronym("ACME"))
			}
			if v, _ := db.SyncState(ctx, "directory.synced_at"); v != tc.state {
				t.Errorf("sync state %q, want %q", v, tc.state)
			}
		})
	}
}
