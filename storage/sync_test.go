package storage

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
)

func TestSyncState_SetGetOverwrite(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	if v, err := db.SyncState(ctx, "statements.since"); err != nil || v != "" {
		t.Fatalf("unset key: %q, %v", v, err)
	}
	for _, want := range []string{"2026-03-02T10:00:00Z", "2026-03-05T09:00:00Z"} {
		if err := db.SetSyncState(ctx, "statements.since", want); err != nil {
			t.Fatal(err)
		}
		if v, err := db.SyncState(ctx, "statements.since"); err != nil || v != want {
			t.Errorf("got %q, %v; want %q", v, err, want)
		}
	}
}

func TestStatementTx_ByDatatrackerIDAndStateCommitTogether(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	s := newTestStatement(1, MustSeed(t, db).OrgByAcronym("3GPP"))
	s.DatatrackerID = 2106
	created := mustCreate(t, db, s, now)

	err := db.UpdateStatements(ctx, func(tx bot.StatementTx) error {
		st := tx
		got, err := st.ByDatatrackerID(2106)
		if err != nil {
			return err
		}
		if got.ID != created.ID {
			t.Errorf("found LS-%d, want %s", got.ID, created.Ref())
		}
		if _, err := st.ByDatatrackerID(9999); bot.ErrorCode(err) != bot.ENOTFOUND {
			t.Errorf("unknown id: %v, want ENOTFOUND", err)
		}
		ev, err := st.Events(created.ID)
		if err != nil || len(ev) == 0 {
			t.Errorf("events %v, %v", ev, err)
		}
		if err := st.SetSyncState("statements.since", "x"); err != nil {
			return err
		}
		if v, err := st.SyncState("statements.since"); err != nil || v != "x" {
			t.Errorf("in the transaction: %q, %v", v, err)
		}
		return errors.New("roll back")
	})
	if err == nil {
		t.Fatal("the transaction did not fail")
	}
	if v, _ := db.SyncState(ctx, "statements.since"); v != "" {
		t.Errorf("the state of a rolled-back transaction was kept: %q", v)
	}
}

func addOrg(acronym string, by string, at time.Time) func(d *bot.Directory) (*bot.Directory, error) {
	return func(d *bot.Directory) (*bot.Directory, error) {
		d.Orgs = append(d.Orgs, &bot.Organization{Acronym: acronym, Name: acronym + " Org", Relationship: bot.RelNone,
			Provenance: bot.Provenance{Source: "admin", AsOf: at, By: by}})
		return d, nil
	}
}

func TestEditDirectory_RecordsWhoWhenWhat(t *testing.T) {
	db := MustOpenDB(t)
	MustSeed(t, db)
	ctx := context.Background()
	at := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return at }
	v0 := MustSeed(t, db).Version

	diff, err := db.ApplyDirectory(ctx, bot.DirectoryEdit{By: "Pat (slack:U1)", Edit: addOrg("ACME", "Pat", at)})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(diff.Added, []string{"ACME Org (ACME)"}) || len(diff.Changed)+len(diff.Removed) != 0 {
		t.Fatalf("diff %+v", diff)
	}
	d, _ := db.Directory(ctx)
	acme := d.OrgByAcronym("ACME")
	if acme == nil || d.Version == v0 {
		t.Fatalf("ACME not stored (version %d → %d)", v0, d.Version)
	}

	// A manager, then a rename: the history follows the organization.
	at = at.Add(time.Hour)
	if _, err := db.ApplyDirectory(ctx, bot.DirectoryEdit{By: "Pat (slack:U1)", Edit: func(d *bot.Directory) (*bot.Directory, error) {
		o := d.OrgByAcronym("ACME")
		o.Managers = append(o.Managers, bot.Person{Name: "Jo Manager", Email: "jo@example.org", Provenance: bot.Provenance{Source: "admin", AsOf: at, By: "Pat"}})
		return d, nil
	}}); err != nil {
		t.Fatal(err)
	}
	at = at.Add(time.Hour)
	if _, err := db.ApplyDirectory(ctx, bot.DirectoryEdit{By: "Sam (zulip:42)", Edit: func(d *bot.Directory) (*bot.Directory, error) {
		o := d.OrgByAcronym("ACME")
		o.Acronym, o.Aliases = "ACME2", []string{"ACME"}
		o.Provenance = bot.Provenance{Source: "admin", AsOf: at, By: "Sam"}
		return d, nil
	}}); err != nil {
		t.Fatal(err)
	}
	d, _ = db.Directory(ctx)
	o := d.OrgByAcronym("ACME2")
	if o == nil || o.ID != acme.ID || o.Managers[0].By != "Pat" || o.By != "Sam" {
		t.Fatalf("ACME2 (ACME was %d): %+v", acme.ID, o)
	}
	h, more, err := db.DirectoryHistory(ctx, o.ID, []string{o.Acronym}, 1, 10)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, c := range h {
		lines = append(lines, c.Time.Format(time.RFC3339)+" "+c.By+" "+c.Org+" "+c.Change)
	}
	want := []string{
		`2026-11-26T12:00:00Z Sam (zulip:42) ACME2 ACME2: alias added: ACME`,
		`2026-11-26T12:00:00Z Sam (zulip:42) ACME2 ACME2: acronym "ACME" → "ACME2"`,
		`2026-11-26T11:00:00Z Pat (slack:U1) ACME ACME: manager added: Jo Manager <jo@example.org>`,
		`2026-11-26T10:00:00Z Pat (slack:U1) ACME added: ACME Org (ACME)`,
	}
	if !reflect.DeepEqual(lines, want) || more {
		t.Errorf("history (more %v):\n%s\nwant\n%s", more, strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	p1, more, err := db.DirectoryHistory(ctx, o.ID, nil, 1, 3)
	if err != nil || len(p1) != 3 || !more {
		t.Errorf("page 1 of 3: %d entries, more %v, %v", len(p1), more, err)
	}
	p2, more, err := db.DirectoryHistory(ctx, o.ID, nil, 2, 3)
	if err != nil || len(p2) != 1 || more || p2[0].Change != "added: ACME Org (ACME)" {
		t.Errorf("page 2: %+v, more %v, %v", p2, more, err)
	}
	all, _, err := db.DirectoryHistory(ctx, 0, nil, 1, 100000)
	if err != nil || len(all) <= len(h) {
		t.Errorf("the whole history has %d entries (%v)", len(all), err)
	}
}

func TestEditDirectory_FailedEditChangesNothing(t *testing.T) {
	db := MustOpenDB(t)
	MustSeed(t, db)
	ctx := context.Background()
	before, _ := db.Directory(ctx)
	hBefore, _, _ := db.DirectoryHistory(ctx, 0, nil, 1, 100000)
	refused := bot.Errorf(bot.EINVALID, "no")
	if _, err := db.ApplyDirectory(ctx, bot.DirectoryEdit{By: "x", Edit: func(d *bot.Directory) (*bot.Directory, error) {
		d.Orgs = d.Orgs[1:]
		return nil, refused
	}}); !errors.Is(err, refused) {
		t.Errorf("err = %v, want the edit's error", err)
	}
	if _, err := db.ApplyDirectory(ctx, bot.DirectoryEdit{By: "x", Edit: func(d *bot.Directory) (*bot.Directory, error) {
		d.Orgs = append(d.Orgs, &bot.Organization{Acronym: strings.ToLower(d.Orgs[0].Acronym), Relationship: bot.RelNone})
		return d, nil
	}}); bot.ErrorCode(err) != bot.EINVALID {
		t.Errorf("a duplicate acronym: %v, want EINVALID", err)
	}
	after, _ := db.Directory(ctx)
	hAfter, _, _ := db.DirectoryHistory(ctx, 0, nil, 1, 100000)
	if after.Version != before.Version || len(after.Orgs) != len(before.Orgs) || len(hAfter) != len(hBefore) {
		t.Errorf("a failed edit changed the directory or its history")
	}
}

func TestApplyDirectory_ProvenanceOnlyIsWrittenNotRecorded(t *testing.T) {
	db := MustOpenDB(t)
	MustSeed(t, db)
	ctx := context.Background()
	hBefore, _, _ := db.DirectoryHistory(ctx, 0, nil, 1, 100000)
	confirmed := time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC)
	diff, err := db.ApplyDirectory(ctx, bot.DirectoryEdit{By: "Datatracker sync", Edit: func(d *bot.Directory) (*bot.Directory, error) {
		o := d.OrgByAcronym("3GPP")
		o.Provenance = bot.Provenance{Source: "Datatracker", AsOf: confirmed}
		return d, nil
	}, State: map[string]string{"directory.synced_at": "now"}})
	if err != nil {
		t.Fatal(err)
	}
	if !diff.Empty() {
		t.Errorf("diff %v: a new source or date is not a change of fact", diff)
	}
	d, _ := db.Directory(ctx)
	if o := d.OrgByAcronym("3GPP"); o.Source != "Datatracker" || !o.AsOf.Equal(confirmed) {
		t.Errorf("the new provenance was not written: %+v", o.Provenance)
	}
	if v, _ := db.SyncState(ctx, "directory.synced_at"); v != "now" {
		t.Errorf("state %q", v)
	}
	hAfter, _, _ := db.DirectoryHistory(ctx, 0, nil, 1, 100000)
	if len(hAfter) != len(hBefore) {
		t.Errorf("%d history entries for a confirmation", len(hAfter)-len(hBefore))
	}
}

func TestApplyDirectory_DryRunAndReview(t *testing.T) {
	db := MustOpenDB(t)
	MustSeed(t, db)
	ctx := context.Background()
	before, _ := db.Directory(ctx)
	var reviewed *bot.DirectoryDiff
	diff, err := db.ApplyDirectory(ctx, bot.DirectoryEdit{By: "x", Edit: addOrg("ACME", "", time.Time{}), State: map[string]string{"k": "v"}, Review: func(d *bot.DirectoryDiff) error { reviewed = d; return nil }, DryRun: true})
	if err != nil || len(diff.Added) != 1 || reviewed != diff {
		t.Fatalf("dry run: %v, %v, reviewed %v", diff, err, reviewed)
	}
	stop := errors.New("not today")
	if _, err := db.ApplyDirectory(ctx, bot.DirectoryEdit{By: "x", Edit: addOrg("ACME", "", time.Time{}), State: map[string]string{"k": "v"}, Review: func(*bot.DirectoryDiff) error { return stop }}); !errors.Is(err, stop) {
		t.Errorf("review's error: %v", err)
	}
	after, _ := db.Directory(ctx)
	if after.Version != before.Version || after.OrgByAcronym("ACME") != nil {
		t.Errorf("a dry run or a stopped change wrote")
	}
	if v, _ := db.SyncState(ctx, "k"); v != "" {
		t.Errorf("state %q written", v)
	}
}

func TestDirectoryHistory_FindsImportedChangesByName(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	d := MustSeed(t, db)
	n := *d.OrgByAcronym("CableLabs")
	n.Notes = append(slices.Clone(n.Notes), "a new note")
	next := &bot.Directory{Coordinators: d.Coordinators, ManagersEmail: d.ManagersEmail, StatementsEmail: d.StatementsEmail}
	for _, o := range d.Orgs {
		if o.ID == n.ID {
			o = &n
		}
		next.Orgs = append(next.Orgs, o)
	}
	if _, err := db.ReplaceDirectory(ctx, next, "import of x.toml"); err != nil {
		t.Fatal(err)
	}
	h, _, err := db.DirectoryHistory(ctx, n.ID, []string{"CableLabs"}, 1, 10)
	if err != nil || len(h) == 0 || h[0].Change != "CableLabs: note added: a new note" || h[0].By != "import of x.toml" {
		t.Errorf("history %+v, %v", h, err)
	}
}

// An import and an edit are written the same way: an import's history
// lines carry the organization's id too, so that the history of an
// organization renamed since finds what the import did to it.
func TestReplaceDirectory_HistoryFollowsTheOrganizationLikeAnEdit(t *testing.T) {
	db := MustOpenDB(t)
	d := MustSeed(t, db)
	ctx := context.Background()
	next := cloneDir(d)
	next.Orgs = append(next.Orgs, &bot.Organization{Acronym: "ACME", Name: "Acme Standards", Relationship: bot.RelNone,
		Provenance: bot.Provenance{Source: "acme.toml"}})
	if _, err := db.ReplaceDirectory(ctx, next, "import of acme.toml"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ApplyDirectory(ctx, bot.DirectoryEdit{By: "Pat", Edit: func(d *bot.Directory) (*bot.Directory, error) {
		d.OrgByAcronym("ACME").Acronym = "ACME-SO"
		return d, nil
	}}); err != nil {
		t.Fatal(err)
	}
	cur, _ := db.Directory(ctx)
	o := cur.OrgByAcronym("ACME-SO")
	h, _, err := db.DirectoryHistory(ctx, o.ID, nil, 1, 10)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, c := range h {
		lines = append(lines, c.By+" | "+c.Org+" | "+c.Change)
	}
	want := []string{
		`Pat | ACME-SO | ACME-SO: acronym "ACME" → "ACME-SO"`,
		`import of acme.toml | ACME | added: Acme Standards (ACME)`,
	}
	if !reflect.DeepEqual(lines, want) {
		t.Errorf("history of ACME-SO by id:\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
}

func TestDirectoryHistory_QueriesNeverSortTheWholeHistory(t *testing.T) {
	db := MustOpenDB(t)
	d := MustSeed(t, db)
	// Years of edits: every organization changed a hundred times.
	tx := db.w.MustBegin()
	for i := range 100 {
		for _, o := range d.Orgs {
			tx.MustExec(`INSERT INTO directory_changes (time, by, org, change, org_id) VALUES (?, 'test', ?, ?, ?)`,
				historyNow.Add(time.Duration(i)*time.Hour).Format(time.RFC3339), o.Acronym, fmt.Sprintf("%s: note added: %d", o.Acronym, i), o.ID)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if _, err := db.w.Exec(`ANALYZE`); err != nil {
		t.Fatal(err)
	}
	// The three shapes "orgs history" asks for: an organization (its id,
	// acronym and aliases), a removed one (its acronym), everything. Each
	// reads the newest changes first and stops at the page: no sort of
	// the whole history.
	for _, q := range []struct {
		org   int64
		names []string
		index string // the index it must use ("" for none)
	}{
		{7, []string{"ACME-SO", "ACME"}, ""},
		{0, []string{"ACME"}, "directory_changes_org"},
		{0, nil, ""},
	} {
		query, args := historyQuery(q.org, q.names, 2, 20)
		plan := explain(t, db, query, args...)
		if strings.Contains(plan, "TEMP B-TREE") || (q.index != "" && !strings.Contains(plan, q.index)) {
			t.Errorf("history of %d %v (want index %q):\n%s", q.org, q.names, q.index, plan)
		}
	}
}
