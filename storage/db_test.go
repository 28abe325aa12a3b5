package storage

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
	"github.com/ietf-tools/liaisonbot/storage/dirfile"
)

// MustOpenDB opens a fresh database file in a temporary directory, closed
// when the test ends.
func MustOpenDB(tb testing.TB) *DB {
	tb.Helper()
	return MustOpenDBAt(tb, filepath.Join(tb.TempDir(), "test.db"))
}

// MustOpenDBAt opens the database file at path (tests that reopen one),
// closed when the test ends.
func MustOpenDBAt(tb testing.TB, path string) *DB {
	tb.Helper()
	db, err := Open(context.Background(), storePath(tb, path))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// MustSeed loads the bundled directory.
func MustSeed(tb testing.TB, db *DB) *bot.Directory {
	tb.Helper()
	if _, err := db.Seed(context.Background()); err != nil {
		tb.Fatal(err)
	}
	d, err := db.Directory(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

func TestOpen_MigratesOnceAndRecords(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "m.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	var n1 int
	if err := db.w.GetContext(ctx, &n1, `SELECT COUNT(*) FROM migrations`); err != nil {
		t.Fatal(err)
	}
	if n1 < 2 {
		t.Fatalf("%d migrations recorded, want at least 2", n1)
	}
	db.Close()
	db, err = Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer db.Close()
	var n2 int
	if err := db.w.GetContext(ctx, &n2, `SELECT COUNT(*) FROM migrations`); err != nil {
		t.Fatal(err)
	}
	if n2 != n1 {
		t.Fatalf("reopen recorded %d migrations, want %d (applied twice?)", n2, n1)
	}
	var mode string
	if err := db.r.GetContext(ctx, &mode, `PRAGMA journal_mode`); err != nil {
		t.Fatal(err)
	}
	if mode != "wal" {
		t.Errorf("journal_mode = %q, want wal", mode)
	}
	var fk int
	if err := db.w.GetContext(ctx, &fk, `PRAGMA foreign_keys`); err != nil {
		t.Fatal(err)
	}
	if fk != 1 {
		t.Errorf("foreign_keys = %d, want 1", fk)
	}
}

func TestReaders_CannotWrite(t *testing.T) {
	sqliteOnly(t)
	db := MustOpenDB(t)
	if _, err := db.r.Exec(`INSERT INTO people (name, email) VALUES ('x', 'x@example.org')`); err == nil {
		t.Fatal("a reader connection wrote to the database")
	}
}

func TestSeed_LoadsBundledDirectoryOnce(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	d := MustSeed(t, db)
	if len(d.Orgs) < 20 {
		t.Fatalf("seeded %d organizations, want the bundled directory", len(d.Orgs))
	}
	o := d.OrgByAcronym("3GPP")
	if o == nil || len(o.Managers) == 0 || o.Managers[0].Name != "Gonzalo Camarillo" {
		t.Fatalf("3GPP = %+v, want manager Gonzalo Camarillo", o)
	}
	if o.Source == "" || o.AsOf.IsZero() {
		t.Errorf("3GPP has no provenance: %+v", o.Provenance)
	}
	if d.Coordinators.Email != "liaison-coordination@iab.org" || len(d.Coordinators.People) == 0 {
		t.Errorf("coordinators = %+v", d.Coordinators)
	}
	// Edit, then seed again: the edit stays (seeding happens once).
	d2 := cloneDir(d)
	d2.Orgs = d2.Orgs[1:]
	if _, err := db.ReplaceDirectory(ctx, d2, "test"); err != nil {
		t.Fatal(err)
	}
	if diff, err := db.Seed(ctx); err != nil || !diff.Empty() {
		t.Fatalf("second seed: diff %v, err %v; want nothing", diff, err)
	}
	d3, _ := db.Directory(ctx)
	if len(d3.Orgs) != len(d.Orgs)-1 {
		t.Fatalf("after edit and reseed: %d orgs, want %d", len(d3.Orgs), len(d.Orgs)-1)
	}
}

// cloneDir round-trips a directory through its file form: a deep copy.
func cloneDir(d *bot.Directory) *bot.Directory {
	buf, err := dirfile.Format(d)
	if err != nil {
		panic(err)
	}
	c, err := dirfile.Parse("clone", buf)
	if err != nil {
		panic(err)
	}
	return c
}

func TestReplaceDirectory_DiffAndStableIDs(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	d := MustSeed(t, db)
	id3gpp := d.OrgByAcronym("3GPP").ID

	n := cloneDir(d)
	o := n.OrgByAcronym("3GPP")
	o.Managers = []bot.Person{{Name: "Jane Doe", Email: "jane@example.org", Provenance: o.Provenance}}
	o.Name = "Third Generation Partnership Project"
	n.Orgs = append(n.Orgs, &bot.Organization{Acronym: "NEWSDO", Name: "A New SDO", Relationship: bot.RelNone,
		Provenance: bot.Provenance{Source: "test", AsOf: time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)}})
	var removed string
	for i, x := range n.Orgs {
		if x.Acronym == "W3C" {
			removed = x.Acronym
			n.Orgs = append(n.Orgs[:i], n.Orgs[i+1:]...)
			break
		}
	}
	if removed == "" {
		t.Fatal("bundled directory lacks W3C")
	}
	diff, err := db.ReplaceDirectory(ctx, n, "tester")
	if err != nil {
		t.Fatal(err)
	}
	if len(diff.Added) != 1 || len(diff.Removed) != 1 {
		t.Fatalf("diff = %s", diff)
	}
	wantChanged := map[string]bool{
		`3GPP: name "3rd Generation Partnership Project" → "Third Generation Partnership Project"`: false,
		"3GPP: manager added: Jane Doe <jane@example.org>":                                         false,
		"3GPP: manager removed: Gonzalo Camarillo":                                                 false,
	}
	for _, c := range diff.Changed {
		if _, ok := wantChanged[c]; ok {
			wantChanged[c] = true
		}
	}
	for c, seen := range wantChanged {
		if !seen {
			t.Errorf("diff lacks %q; got %q", c, diff.Changed)
		}
	}
	got, err := db.Directory(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got.OrgByAcronym("3GPP").ID != id3gpp {
		t.Errorf("3GPP changed id")
	}
	if got.OrgByAcronym("W3C") != nil {
		t.Errorf("W3C still listed after removal")
	}
	if got.OrgByAcronym("3GPP").Managers[0].Email != "jane@example.org" {
		t.Errorf("manager not replaced: %+v", got.OrgByAcronym("3GPP").Managers)
	}
	// The same file again changes nothing.
	diff, err = db.ReplaceDirectory(ctx, cloneDir(got), "tester")
	if err != nil || !diff.Empty() {
		t.Fatalf("re-import: diff %s err %v, want no changes", diff, err)
	}
	// Putting W3C back reuses its row.
	back := cloneDir(got)
	back.Orgs = append(back.Orgs, d.OrgByAcronym("W3C"))
	if _, err := db.ReplaceDirectory(ctx, back, "tester"); err != nil {
		t.Fatal(err)
	}
	got, _ = db.Directory(ctx)
	if got.OrgByAcronym("W3C") == nil || got.OrgByAcronym("W3C").ID != d.OrgByAcronym("W3C").ID {
		t.Errorf("W3C came back with a new id")
	}
	var changes int
	if err := db.r.Get(&changes, `SELECT COUNT(*) FROM directory_changes WHERE by = 'tester'`); err != nil || changes == 0 {
		t.Errorf("directory history has %d rows by tester (err %v)", changes, err)
	}
}

func TestDirectory_ExportImportRoundTrip(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	d := MustSeed(t, db)
	buf, err := dirfile.Format(d)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := dirfile.Parse("export.toml", buf)
	if err != nil {
		t.Fatal(err)
	}
	other := MustOpenDB(t)
	if _, err := other.ReplaceDirectory(ctx, parsed, "import"); err != nil {
		t.Fatal(err)
	}
	d2, _ := other.Directory(ctx)
	buf2, err := dirfile.Format(d2)
	if err != nil {
		t.Fatal(err)
	}
	if string(buf) != string(buf2) {
		t.Fatal("export → import → export differs")
	}
	if diff := bot.DiffDirectories(d, d2); !diff.Empty() {
		t.Fatalf("round trip changed the directory: %s", diff)
	}
}

func TestPerson_NotFoundIsAnError(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	MustSeed(t, db)
	p, err := db.PersonByEmail(ctx, "nobody@example.org")
	if p != nil || bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Fatalf("PersonByEmail(unknown) = %v, %v; want nil, ENOTFOUND", p, err)
	}
	p, err = db.PersonByChat(ctx, "slack", "U404")
	if p != nil || bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Fatalf("PersonByChat(unknown) = %v, %v; want nil, ENOTFOUND", p, err)
	}
	s, err := db.Statement(ctx, 42)
	if s != nil || bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Fatalf("Statement(42) = %v, %v; want nil, ENOTFOUND", s, err)
	}
}

func TestLinkChat_TiesUserToPersonAndShowsInDirectory(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	MustSeed(t, db)
	if _, err := db.LinkChat(ctx, "slack", "U1", "not-an-email", "x", "test"); bot.ErrorCode(err) != bot.EINVALID {
		t.Fatalf("bad email: err %v, want EINVALID", err)
	}
	p, err := db.LinkChat(ctx, "slack", "U1", "bbf-liaison@ietf.org", "Dave", "test")
	if err != nil {
		t.Fatal(err)
	}
	if p.ChatUser("slack") != "U1" {
		t.Fatalf("person %+v not linked", p)
	}
	d, _ := db.Directory(ctx)
	m := d.OrgByAcronym("BBF").Managers[0]
	if m.ChatUser("slack") != "U1" {
		t.Fatalf("BBF manager %+v lacks the chat identity", m)
	}
	if m.Name == "Dave" {
		t.Errorf("the chat display name replaced the directory name")
	}
}

// synchronousOf reads PRAGMA synchronous on the writer and on a reader:
// 1 NORMAL, 2 FULL, 3 EXTRA.
func synchronousOf(tb testing.TB, db *DB) (writer, reader int) {
	tb.Helper()
	ctx := context.Background()
	if err := db.w.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&writer); err != nil {
		tb.Fatal(err)
	}
	if err := db.r.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&reader); err != nil {
		tb.Fatal(err)
	}
	return writer, reader
}

func TestOpen_SynchronousIsFullUnlessLowered(t *testing.T) {
	sqliteOnly(t)
	db := MustOpenDB(t)
	if w, r := synchronousOf(t, db); w != 2 || r != 2 {
		t.Errorf("default synchronous: writer %d, reader %d; want 2 (FULL): an answered submission must survive a power cut", w, r)
	}
	for mode, want := range map[string]int{"normal": 1, " NORMAL ": 1, "Full": 2, "extra": 3} {
		db, err := Open(context.Background(), filepath.Join(t.TempDir(), "bot.db"), WithSynchronous(mode))
		if err != nil {
			t.Fatalf("%q: %v", mode, err)
		}
		if w, r := synchronousOf(t, db); w != want || r != want {
			t.Errorf("synchronous %q: writer %d, reader %d; want %d", mode, w, r, want)
		}
		db.Close()
	}
	for _, mode := range []string{"off", "0", "fast", ""} {
		path := filepath.Join(t.TempDir(), "bot.db")
		if db, err := Open(context.Background(), path, WithSynchronous(mode)); err == nil {
			db.Close()
			t.Errorf("synchronous %q accepted", mode)
		} else if !strings.Contains(err.Error(), "FULL, NORMAL, EXTRA") {
			t.Errorf("synchronous %q: %v; want the accepted modes named", mode, err)
		}
	}
}
