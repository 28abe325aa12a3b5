package dtsync_test

import (
	"context"
	"log/slog"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
	"github.com/ietf-tools/liaisonbot/bot/console"
	"github.com/ietf-tools/liaisonbot/bot/datatracker"
	"github.com/ietf-tools/liaisonbot/bot/datatracker/datatrackertest"
	"github.com/ietf-tools/liaisonbot/bot/dtsync"
	"github.com/ietf-tools/liaisonbot/commands"
	"github.com/ietf-tools/liaisonbot/storage"
	"github.com/ietf-tools/liaisonbot/storage/dirfile"
	"github.com/ietf-tools/liaisonbot/storage/storagetest"
)

var clock = time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)

type fixture struct {
	t      *testing.T
	db     *storage.DB
	srv    *datatrackertest.Server
	syncer *dtsync.Syncer

	mu    sync.Mutex
	waits []time.Duration
}

// newFixture is a store (seeded with the bundled directory when seed is
// set) and a syncer reading the fake Datatracker with small pages, whose
// waits are recorded instead of slept.
func newFixture(t *testing.T, seed bool) *fixture {
	t.Helper()
	opts := []storagetest.Option{storagetest.Now(func() time.Time { return clock })}
	if !seed {
		opts = append(opts, storagetest.Unseeded())
	}
	db := storagetest.Open(t, opts...)
	f := &fixture{t: t, db: db, srv: datatrackertest.NewServer(t)}
	c, err := datatracker.New(f.srv.URL, datatracker.WithPageSize(40), datatracker.WithClock(func() time.Time { return clock }),
		datatracker.WithSleep(func(ctx context.Context, d time.Duration) error {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.waits = append(f.waits, d)
			return ctx.Err()
		}))
	if err != nil {
		t.Fatal(err)
	}
	f.syncer = &dtsync.Syncer{Client: c, Store: db, Now: func() time.Time { return clock }, Logger: slog.New(slog.DiscardHandler)}
	return f
}

func (f *fixture) syncDirectory(dryRun bool) *bot.DirectoryDiff {
	f.t.Helper()
	d, err := f.syncer.SyncDirectory(context.Background(), dryRun)
	if err != nil {
		f.t.Fatal(err)
	}
	return d
}

func (f *fixture) syncStatements() dtsync.Result {
	f.t.Helper()
	r, err := f.syncer.SyncStatements(context.Background())
	if err != nil {
		f.t.Fatal(err)
	}
	return r
}

func (f *fixture) dir() *bot.Directory {
	f.t.Helper()
	d, err := f.db.Directory(context.Background())
	if err != nil {
		f.t.Fatal(err)
	}
	return d
}

// export is the directory as its file, to compare before and after.
func (f *fixture) export() string {
	f.t.Helper()
	b, err := dirfile.Format(f.dir())
	if err != nil {
		f.t.Fatal(err)
	}
	return string(b)
}

func (f *fixture) history() int {
	f.t.Helper()
	h, _, err := f.db.DirectoryHistory(context.Background(), 0, nil, 1, 100000)
	if err != nil {
		f.t.Fatal(err)
	}
	return len(h)
}

func (f *fixture) state(key string) string {
	f.t.Helper()
	v, err := f.db.SyncState(context.Background(), key)
	if err != nil {
		f.t.Fatal(err)
	}
	return v
}

func (f *fixture) org(dtID int64) *bot.Organization {
	f.t.Helper()
	for _, o := range f.dir().Orgs {
		if o.DatatrackerID == dtID {
			return o
		}
	}
	f.t.Fatalf("no organization for Datatracker group %d", dtID)
	return nil
}

func activeSDOs(d *datatrackertest.Data) int {
	n := 0
	for _, g := range d.Groups {
		if (g.Type == "" || g.Type == "sdo") && (g.State == "" || g.State == "active") {
			n++
		}
	}
	return n
}

func TestSyncDirectory_FirstSyncCreatesTheDirectory(t *testing.T) {
	f := newFixture(t, false)
	diff := f.syncDirectory(false)
	want := activeSDOs(f.srv.Data())
	if len(diff.Added) != want || len(diff.Removed) != 0 {
		t.Fatalf("%d added, %d removed; want %d added (every active SDO group)", len(diff.Added), len(diff.Removed), want)
	}
	d := f.dir()
	if len(d.Orgs) != want {
		t.Fatalf("%d organizations, want %d", len(d.Orgs), want)
	}
	if d.OrgByAcronym("ccamp") != nil || d.OrgByAcronym("ITU-T-FG-CLOUD") != nil {
		t.Errorf("a working group or a concluded SDO group made it into the directory")
	}
	o := f.org(datatrackertest.Group3GPP)
	if o.Acronym != "3GPP" || !o.InDatatracker || o.Source != dtsync.SourceDatatracker || !o.AsOf.Equal(clock) {
		t.Errorf("3GPP: %+v", o)
	}
	if len(o.Managers) != 1 || o.Managers[0].Email != "avery.example@example.org" || o.Managers[0].Source != dtsync.SourceDatatracker {
		t.Errorf("3GPP managers: %+v", o.Managers)
	}
	sg15 := f.org(datatrackertest.GroupITUTSG15)
	if sg15.Parent != "ITU-T" || sg15.Managers[0].Name != "Dana Testperson" {
		t.Errorf("ITU-T-SG-15: parent %q managers %+v", sg15.Parent, sg15.Managers)
	}
	if len(d.Coordinators.People) != 4 || !d.IsCoordinator("warren.kumari@example.org") {
		t.Errorf("coordinators %+v", d.Coordinators.People)
	}
	if n := f.history(); n != len(diff.Added)+len(diff.Changed) {
		t.Errorf("%d history entries, want one per line of the diff (%d)", n, len(diff.Added)+len(diff.Changed))
	}
	if f.state(dtsync.KeyDirectoryAcronyms) == "" {
		t.Errorf("the groups' acronyms were not kept for the next sync")
	}
	// The IETF's own groups are kept for the statement form.
	gs, err := bot.ParseIETFGroups(f.state(dtsync.KeyIETFGroups))
	if err != nil {
		t.Fatal(err)
	}
	var acronyms []string
	for _, g := range gs.List {
		acronyms = append(acronyms, g.Acronym)
	}
	if got := strings.Join(acronyms, ","); got != "ccamp,iab,iesg,ietf,mpls,pwe3,rtg" {
		t.Errorf("IETF groups kept: %s", got)
	}
	// Concluded groups too; chairs and ADs from their roles (a working
	// group's ADs are its area's).
	if g, ok := gs.Resolve("Pseudowire Emulation Edge to Edge"); !ok || !g.Concluded() || g.Area != "rtg" {
		t.Errorf("pwe3: %+v, %v", g, ok)
	}
	ccamp, _ := gs.Resolve("IETF CCAMP WG")
	if len(ccamp.Chairs) != 1 || ccamp.Chairs[0].Name != "Jordan Chairexample" || len(ccamp.ADs) != 1 || ccamp.ADs[0].Name != "Kai Adexample" {
		t.Errorf("ccamp roles: %+v", ccamp)
	}
	if a := gs.Approval("iesg"); len(a.Approvers) != 1 || a.Approvers[0].Name != "Lee Ietfchairexample" {
		t.Errorf("IESG approval: %+v", a)
	}
}

func TestSyncDirectory_SecondSyncShowsExactlyTheChanges(t *testing.T) {
	f := newFixture(t, true)
	f.syncDirectory(false)
	if again := f.syncDirectory(false); !again.Empty() {
		t.Fatalf("a sync with nothing changed upstream reports:\n%s", again)
	}

	f.srv.SetManager(datatrackertest.GroupBBF, datatrackertest.Person{ID: 900050, Name: "Robin Newmanager"}, "robin@example.org")
	f.srv.RenameGroup(datatrackertest.GroupCableLabs, "cablelabs-new")
	f.srv.RemoveGroup(1933) // dmtf
	diff := f.syncDirectory(false)
	want := &bot.DirectoryDiff{
		Changed: []string{
			"BBF: manager added: Robin Newmanager <robin@example.org>",
			"BBF: manager removed: Blake Sample <blake.sample@example.org>",
			`CABLELABS-NEW: acronym "CableLabs" → "CABLELABS-NEW"`,
			"CABLELABS-NEW: alias added: CableLabs",
		},
		Removed: []string{"DMTF"},
	}
	if !reflect.DeepEqual([][]string{diff.Added, diff.Changed, diff.Removed}, [][]string{want.Added, want.Changed, want.Removed}) {
		t.Errorf("diff\n%s\nwant\n%s", diff, want)
	}
	cl := f.org(datatrackertest.GroupCableLabs)
	if m := cl.Managers; len(m) != 2 {
		t.Errorf("the renamed organization lost its managers: %+v", m)
	}
	if got := f.dir().Matcher().Match("cablelabs"); got.Org == nil || got.Org.ID != cl.ID {
		t.Errorf("the old acronym no longer finds the organization")
	}
	h, _, err := f.db.DirectoryHistory(context.Background(), cl.ID, []string{cl.Acronym}, 1, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(h) == 0 || h[0].Change != "CABLELABS-NEW: alias added: CableLabs" || h[0].By != dtsync.By {
		t.Errorf("history of the renamed organization: %+v", h)
	}
}

func TestSyncDirectory_WaitsOutRateLimits(t *testing.T) {
	plain := newFixture(t, true)
	want := plain.syncDirectory(false)

	f := newFixture(t, true)
	f.srv.FailRequest(2, datatrackertest.RateLimited("7")) // the second page of groups
	f.srv.FailRequest(5, datatrackertest.RateLimited("0"))
	got := f.syncDirectory(false)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("with 429s the diff is\n%s\nwithout\n%s", got, want)
	}
	if !slices.Contains(f.waits, 7*time.Second) {
		t.Errorf("waits %v: the Retry-After of 7s was not honoured", f.waits)
	}
	if n := f.srv.RequestCount("/api/v1/group/group/"); n < 4 {
		t.Errorf("%d group requests: the rate-limited page was not asked for again", n)
	}
}

func TestSyncDirectory_MalformedPageChangesNothing(t *testing.T) {
	f := newFixture(t, true)
	f.syncDirectory(false)
	f.srv.RenameGroup(datatrackertest.GroupCableLabs, "cablelabs-new")
	f.srv.RemoveGroup(1933)
	before, history, acronyms := f.export(), f.history(), f.state(dtsync.KeyDirectoryAcronyms)

	f.srv.FailRequest(f.srv.RequestCount("")+3, datatrackertest.MalformedJSON())
	_, err := f.syncer.SyncDirectory(context.Background(), false)
	if err == nil {
		t.Fatal("a malformed page did not fail the sync")
	}
	if msg := err.Error(); !strings.Contains(msg, "nothing was changed") || !strings.Contains(msg, "decode error") || !strings.Contains(msg, f.srv.URL) {
		t.Errorf("error %q: want it to say nothing changed, what went wrong and where", msg)
	}
	if after := f.export(); after != before {
		t.Errorf("the directory changed:\n%s", after)
	}
	if f.history() != history || f.state(dtsync.KeyDirectoryAcronyms) != acronyms {
		t.Errorf("the history or the sync state changed")
	}
}

func TestSyncDirectory_DryRunChangesNothing(t *testing.T) {
	f := newFixture(t, true)
	before, history := f.export(), f.history()
	var seen *bot.DirectoryDiff
	f.syncer.OnDiff = func(d *bot.DirectoryDiff) { seen = d }
	dry := f.syncDirectory(true)
	if dry.Empty() || seen != dry {
		t.Fatalf("dry run: diff %v, OnDiff saw %v", dry, seen)
	}
	if f.export() != before || f.history() != history || f.state(dtsync.KeyDirectoryAcronyms) != "" {
		t.Errorf("a dry run changed the store")
	}
	if real := f.syncDirectory(false); !reflect.DeepEqual(real, dry) {
		t.Errorf("the dry run promised\n%s\nthe sync did\n%s", dry, real)
	}
}

func TestSyncDirectory_OnDiffSeesTheDiffBeforeItIsApplied(t *testing.T) {
	f := newFixture(t, false)
	var orgsBefore = -1
	f.syncer.OnDiff = func(d *bot.DirectoryDiff) {
		cur, err := f.db.Directory(context.Background()) // the readers see only committed data
		if err != nil {
			t.Error(err)
			return
		}
		orgsBefore = len(cur.Orgs)
	}
	f.syncDirectory(false)
	if orgsBefore != 0 {
		t.Errorf("OnDiff ran when the store held %d organizations, want 0 (before applying)", orgsBefore)
	}
}

func TestSyncDirectory_HandMadeEntriesSurvive(t *testing.T) {
	f := newFixture(t, true)
	ctx := context.Background()
	_, err := f.db.ApplyDirectory(ctx, bot.DirectoryEdit{By: "admin", Edit: func(d *bot.Directory) (*bot.Directory, error) {
		d.Orgs = append(d.Orgs, &bot.Organization{Acronym: "ACME", Name: "Acme Standards", Relationship: bot.RelNone, InDatatracker: true,
			Provenance: bot.Provenance{Source: "admin", AsOf: clock, By: "Pat"}})
		return d, nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	icann := f.dir().OrgByAcronym("ICANN Board")
	if icann == nil || len(icann.Managers) == 0 || icann.DatatrackerID == 0 {
		t.Fatalf("the bundled ICANN Board entry changed: %+v", icann)
	}
	diff := f.syncDirectory(false)
	if !slices.Contains(diff.Changed, "ACME: not in the Datatracker") {
		t.Errorf("diff does not mark ACME:\n%s", diff)
	}
	for range 2 {
		acme := f.dir().OrgByAcronym("ACME")
		if acme == nil || acme.InDatatracker || acme.Provenance.By != "Pat" {
			t.Fatalf("ACME after a sync: %+v", acme)
		}
		if got := f.dir().OrgByAcronym("ICANN Board"); !reflect.DeepEqual(got.Managers, icann.Managers) {
			t.Errorf("the hand-made manager of a group without one in the Datatracker went: %+v", got.Managers)
		}
		f.srv.RemoveRoles(datatrackertest.Group3GPP, "liaiman")
		f.syncDirectory(false)
	}
}

// Statements.

func (f *fixture) statementByDT(id int64) *bot.Statement {
	f.t.Helper()
	list, _, err := f.db.ListStatements(context.Background(), bot.ListQuery{Filter: bot.ListAll, PageSize: 1000})
	if err != nil {
		f.t.Fatal(err)
	}
	for _, s := range list {
		if s.DatatrackerID == id {
			return s
		}
	}
	f.t.Fatalf("statement %d was not imported", id)
	return nil
}

func (f *fixture) events(id int64) []bot.Event {
	f.t.Helper()
	ev, err := f.db.Events(context.Background(), id)
	if err != nil {
		f.t.Fatal(err)
	}
	return ev
}

func (f *fixture) outbox() []storage.OutboxEntry {
	f.t.Helper()
	list, err := f.db.OutboxList(context.Background(), 1000)
	if err != nil {
		f.t.Fatal(err)
	}
	return list
}

// counts is every statement's version and number of events.
func (f *fixture) counts() map[int64][2]int64 {
	f.t.Helper()
	list, _, err := f.db.ListStatements(context.Background(), bot.ListQuery{Filter: bot.ListAll, PageSize: 1000})
	if err != nil {
		f.t.Fatal(err)
	}
	out := map[int64][2]int64{}
	for _, s := range list {
		out[s.ID] = [2]int64{s.Version, int64(len(f.events(s.ID)))}
	}
	return out
}

// withNotices makes the syncer announce changes on Slack: in the liaison
// channel and in a channel subscribed to everything.
func (f *fixture) withNotices() {
	f.syncer.Audience = bot.Audience{Platforms: []string{"slack"}, Liaison: map[string]string{"slack": "CLIAISON"}}
	if _, err := f.db.Subscribe(context.Background(), "slack", "CSUB", 0, "test"); err != nil {
		f.t.Fatal(err)
	}
}

func TestSyncStatements_Imports(t *testing.T) {
	f := newFixture(t, true)
	f.withNotices()
	f.syncDirectory(false)
	res := f.syncStatements()
	if res.Created != 5 || res.Skipped != 0 || !res.Full {
		t.Fatalf("result %+v", res)
	}
	if got := f.state(dtsync.KeyStatementsSince); got != "2026-03-02T10:00:00Z" {
		t.Errorf("since %q, want the newest event's time", got)
	}
	if n := len(f.outbox()); n != 0 {
		t.Errorf("the first import announced %d notices; old statements are not news", n)
	}

	old := f.statementByDT(datatrackertest.StatementOld)
	if old.Direction != bot.Incoming || old.From != "ITU-T SG15" || old.To != "ccamp" || old.State != bot.StatePosted {
		t.Errorf("1935: %+v", old)
	}
	if want := time.Date(2019, 5, 10, 16, 30, 0, 0, time.UTC); !old.Submitted.Equal(want) {
		t.Errorf("1935 submitted %v, want %v (naive US/Pacific)", old.Submitted, want)
	}
	if old.SubmitterEmail != "sg15-rapporteur@example.org" {
		t.Errorf("1935 submitter %q (from_contact as an email URI)", old.SubmitterEmail)
	}
	reply := f.statementByDT(datatrackertest.Statement2006)
	if reply.Related != old.ID || !reply.ActionTaken || reply.ActionRequired || len(reply.Attachments) != 1 {
		t.Errorf("2006: related %d (want %d), taken %v, required %v, attachments %v", reply.Related, old.ID,
			reply.ActionTaken, reply.ActionRequired, reply.Attachments)
	}
	ai := f.statementByDT(datatrackertest.Statement2106)
	if ai.Deadline != (bot.Date{Y: 2026, M: 3, D: 9}) || ai.Purpose != bot.PurposeAction || !ai.ActionTaken || ai.To != "IAB, IESG" ||
		ai.SubmitterEmail != "tsbsg17@itu.int" || ai.From != "ITU-T SG17" {
		t.Errorf("2106: %+v", ai)
	}
	docsis := f.statementByDT(datatrackertest.Statement2162)
	if docsis.SubmitterName != "Pat Example" || docsis.OrgID == 0 {
		t.Errorf("2162: submitter %q org %d", docsis.SubmitterName, docsis.OrgID)
	}
	var trail []string
	for _, e := range f.events(docsis.ID) {
		trail = append(trail, string(e.Type))
	}
	if got := strings.Join(trail, " "); got != "submitted posted killed resurrected posted" {
		t.Errorf("2162 history %q", got)
	}
	out := f.statementByDT(datatrackertest.Statement2200)
	if out.Direction != bot.Outgoing || out.State != bot.StateApproved || !out.ActionRequired || out.From != "ccamp" || out.To != "3GPP" ||
		out.OrgID != f.org(datatrackertest.Group3GPP).ID || out.Deadline != (bot.Date{Y: 2026, M: 4, D: 15}) {
		t.Errorf("2200: %+v", out)
	}

	// Shown as LS-<n>, with the Datatracker's page.
	r := commands.New(f.db, nil)
	resp := r.Handle(context.Background(), &bot.Request{Platform: bot.PlatformConsole, Actor: console.LocalActor(), Text: "show " + ai.Ref()})
	if txt := console.Render(resp.Messages); !strings.Contains(txt, ai.Ref()+": LS on the progress") ||
		!strings.Contains(txt, "https://datatracker.ietf.org/liaison/2106/") {
		t.Errorf("show %s:\n%s", ai.Ref(), txt)
	}
}

func TestSyncStatements_RunningAgainChangesNothing(t *testing.T) {
	f := newFixture(t, true)
	f.withNotices()
	f.syncDirectory(false)
	f.syncStatements()
	before := f.counts()
	res := f.syncStatements()
	if res.Created != 0 || res.Updated != 0 || res.Fetched == 0 || res.Unchanged != res.Fetched {
		t.Errorf("second run: %+v", res)
	}
	if after := f.counts(); !reflect.DeepEqual(after, before) {
		t.Errorf("versions and event counts changed: %v → %v", before, after)
	}
	if n := len(f.outbox()); n != 0 {
		t.Errorf("%d outbox rows", n)
	}
}

func TestSyncStatements_ActionTakenUpstreamNotifiesOnce(t *testing.T) {
	f := newFixture(t, true)
	f.withNotices()
	f.syncDirectory(false)
	f.syncStatements()

	st := f.srv.Data()
	for _, s := range st.Statements {
		if s.ID == datatrackertest.Statement2200 {
			s.Tags, s.State = []string{"taken"}, "posted"
			f.srv.AddStatement(s)
		}
	}
	f.srv.AddEvent(datatrackertest.Event{Time: "2026-03-05T09:00:00Z", Type: "posted", By: datatrackertest.PersonAvery,
		StatementID: datatrackertest.Statement2200, Desc: "Statement Posted"})

	events := 0
	for run := 1; run <= 2; run++ {
		res := f.syncStatements()
		s := f.statementByDT(datatrackertest.Statement2200)
		if s.State != bot.StatePosted || !s.ActionTaken || s.ActionRequired {
			t.Fatalf("run %d: %s is %s, taken %v", run, s.Ref(), s.State, s.ActionTaken)
		}
		notices := f.outbox()
		if len(notices) != 2 {
			t.Fatalf("run %d: %d outbox rows, want 2 (the liaison channel and the subscribed one): %+v", run, len(notices), notices)
		}
		for _, n := range notices {
			if n.Statement != s.ID || n.Kind != bot.NoticeChange {
				t.Errorf("notice %+v", n)
			}
		}
		ev := f.events(s.ID)
		last := ev[len(ev)-1]
		if last.Type != bot.EventSynced || last.Note != "state approved → posted; action-taken set on the Datatracker" ||
			last.FromState != bot.StateApproved || last.ToState != bot.StatePosted {
			t.Errorf("run %d: last event %+v", run, last)
		}
		if run == 1 && (res.Updated != 1 || len(ev) != 4) {
			t.Errorf("run 1: %+v, %d events (want submitted, approved, posted, synced)", res, len(ev))
		}
		if run == 2 && (res.Updated != 0 || len(ev) != events) {
			t.Errorf("run 2: %+v, %d events, want %d", res, len(ev), events)
		}
		events = len(ev)
	}
}

func TestSyncStatements_NewStatementUpstreamIsAnnounced(t *testing.T) {
	f := newFixture(t, true)
	f.withNotices()
	f.syncDirectory(false)
	f.syncStatements()
	id := f.srv.AddStatement(datatrackertest.Statement{Title: "New LS from BBF", FromGroups: []int64{datatrackertest.GroupBBF},
		ToGroups: []int64{datatrackertest.GroupIAB}, FromContact: "BBF Officer <officer@example.org>", Purpose: "info", State: "posted"})
	f.srv.AddEvent(datatrackertest.Event{Time: "2026-11-20T10:00:00Z", Type: "submitted", By: datatrackertest.PersonBlake, StatementID: id})
	f.srv.AddEvent(datatrackertest.Event{Time: "2026-11-20T10:00:01Z", Type: "posted", By: datatrackertest.PersonBlake, StatementID: id})
	res := f.syncStatements()
	if res.Created != 1 || res.Full {
		t.Errorf("result %+v", res)
	}
	s := f.statementByDT(id)
	if s.From != "BBF" || s.OrgID != f.org(datatrackertest.GroupBBF).ID || s.SubmitterName != "BBF Officer" {
		t.Errorf("new statement %+v", s)
	}
	if n := len(f.outbox()); n != 2 {
		t.Errorf("%d outbox rows, want 2", n)
	}
	if got := f.state(dtsync.KeyStatementsSince); got != "2026-11-20T10:00:01Z" {
		t.Errorf("since %q", got)
	}
}

func TestSyncStatements_FailureChangesNothing(t *testing.T) {
	f := newFixture(t, true)
	f.syncDirectory(false)
	f.srv.FailRequest(f.srv.RequestCount("")+2, datatrackertest.MalformedJSON())
	if _, err := f.syncer.SyncStatements(context.Background()); err == nil || !strings.Contains(err.Error(), "nothing was changed") {
		t.Fatalf("err = %v", err)
	}
	if n := len(f.counts()); n != 0 || f.state(dtsync.KeyStatementsSince) != "" {
		t.Errorf("%d statements, since %q after a failed sync", n, f.state(dtsync.KeyStatementsSince))
	}
	if res := f.syncStatements(); res.Created != 5 {
		t.Errorf("the next sync: %+v", res)
	}
}

func TestRun(t *testing.T) {
	f := newFixture(t, true)
	if err := f.syncer.Run(context.Background(), 0, 0); err != nil {
		t.Fatalf("both syncs off: %v", err)
	}
	if f.srv.RequestCount("") != 0 {
		t.Errorf("with both syncs off, Run asked the Datatracker")
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.syncer.Run(ctx, time.Hour, time.Hour) }()
	deadline := time.After(30 * time.Second)
	for f.state(dtsync.KeyStatementsSince) == "" || f.state(dtsync.KeyDirectorySynced) == "" {
		select {
		case <-deadline:
			t.Fatal("Run did not sync at the start")
		case <-time.After(10 * time.Millisecond):
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run: %v", err)
	}
}
