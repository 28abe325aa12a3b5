// Package permissiontest holds the permission matrix: every move and every
// command that changes something, for every kind of actor, with who may
// run it. The commands' tests run it through the router, and each platform
// adapter's tests through the adapter (as the platform delivers commands),
// so that a check missing anywhere on the way fails a test.
//
// The expectations are in the table (Cases): a rule that changes is one
// line to edit. The rules themselves are bot's (permission.go).
//
// It wires the router to a real store as cmd does, so it lives outside
// the layers it drives (commands imports no storage); only tests import it.
package permissiontest

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
	"github.com/ietf-tools/liaisonbot/commands"
	"github.com/ietf-tools/liaisonbot/storage"
)

// Kind is a kind of actor.
type Kind string

// The kinds of actor, for statements with 3GPP.
const (
	Stranger     Kind = "stranger"      // a chat user the directory does not know
	Submitter    Kind = "submitter"     // submitted the statements, holds no role
	OtherManager Kind = "other-manager" // the liaison manager for CableLabs
	Manager      Kind = "manager"       // the liaison manager for 3GPP
	Approver     Kind = "approver"      // an extra approver for 3GPP
	Coordinator  Kind = "coordinator"   // an IAB liaison coordinator
	Admin        Kind = "admin"         // a configured admin
	Contact      Kind = "contact"       // a liaison contact of 3GPP: records incoming statements
)

// Actor is a Slack user of a kind: the router sees them as the Slack
// adapter presents them (platform, id, name and the email users.info
// reports).
type Actor struct {
	Kind   Kind
	UserID string
	Name   string
	Email  string
}

// BotActor is the actor as a request carries it.
func (a Actor) BotActor() bot.Actor {
	return bot.Actor{Platform: bot.PlatformSlack, UserID: a.UserID, Name: a.Name, Email: a.Email}
}

// Actors are the kinds, with Datatracker-style names.
var Actors = []Actor{
	{Stranger, "U0STRANGER", "Pat Stranger", "pat.stranger@example.net"},
	{Submitter, "U0SUBMIT", "Sam O’Neil", "sam.oneil@example.com"},
	{OtherManager, "U0OTHER", "Jason Weil", "jason.weil@example.org"},
	{Manager, "U0MANAGER", "Åsa Lindqvist", "asa.lindqvist@example.org"},
	{Approver, "U0APPROVER", "Benoît Claise", "benoit.claise@example.org"},
	{Coordinator, "U0COORD", "Suresh Krishnan", "suresh.krishnan@example.org"},
	{Admin, "U0ADMIN", "Ada Admin", "ada.admin@example.org"},
	{Contact, "U0CONTACT", "Georg Mayer", "georg.mayer.huawei@gmx.com"},
}

// ActorOf returns the actor of a kind.
func ActorOf(k Kind) Actor {
	for _, a := range Actors {
		if a.Kind == k {
			return a
		}
	}
	panic("permissiontest: no actor of kind " + string(k))
}

// Channel is the Slack channel the commands are run in.
const Channel = "C0GENERAL"

// Now is the clock of the fixture and of the routers.
var Now = time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)

// Case is one command and who may run it.
type Case struct {
	Name    string
	Line    string // the command line, as typed
	Allowed []Kind // who may; everyone else is refused and nothing changes
	Done    string // a phrase of the answer when it is done
	Refused string // a phrase of the refusal
}

// May reports whether the kind may run the case.
func (c Case) May(k Kind) bool { return slices.Contains(c.Allowed, k) }

var (
	// statementAuthority may move statements with 3GPP.
	statementAuthority = []Kind{Manager, Approver, Coordinator, Admin}
	// recorders may record (approve or post) a pending incoming statement
	// from 3GPP: not its approvers, who approve outgoing ones only.
	recorders = []Kind{Contact, Manager, Coordinator, Admin}
	// directoryEditors may change the directory.
	directoryEditors = []Kind{Coordinator, Admin}
	// subscribers may change what a channel is notified about: any IETF
	// liaison manager, the coordinators and the admins.
	subscribers = []Kind{OtherManager, Manager, Coordinator, Admin}
)

const (
	editRefused      = "or an admin can change the directory"
	subscribeRefused = "or an IETF liaison manager can change what this channel is notified about"
)

// Cases are the moves on the fixture's statements (each in the state the
// move applies to, so that only the permission decides) and the commands
// that change the directory, chat links, reminders and subscriptions.
// LS-1 to LS-7 are outgoing, LS-8 is incoming from 3GPP and pending (its
// submitter's word does not record it).
func Cases() []Case {
	return []Case{
		{"approve", "approve LS-1 fine by the IAB", statementAuthority, "pending → approved", "can approve LS-1."},
		{"post", "post LS-2 sent to 3GPP", statementAuthority, "approved → posted", "can post LS-2."},
		{"taken", "taken LS-3 answered by 3GPP", statementAuthority, "is marked action taken", "can taken LS-3."},
		{"kill pending (withdraw)", "kill LS-4 withdrawn by its author", append([]Kind{Submitter}, statementAuthority...), "pending → dead", "(or its submitter, to withdraw it) can kill LS-4."},
		{"kill approved", "kill LS-5 superseded by LS-4", statementAuthority, "approved → dead", "can kill LS-5."},
		{"reopen", "reopen LS-6 killed by mistake", statementAuthority, "dead → pending", "can reopen LS-6."},
		{"snooze", "snooze LS-7 7", statementAuthority, "are paused until 2026-12-03", "can snooze its reminders."},
		{"approve incoming (record)", "approve LS-8 seen by the WG", recorders, "pending → posted", "can approve LS-8, an incoming statement waiting to be recorded."},
		{"post incoming (record)", "post LS-8", recorders, "pending → posted", "can approve LS-8, an incoming statement waiting to be recorded."},

		{"org add", "admin org add ACME Acme Standards Organization", directoryEditors, "Added Acme Standards Organization (ACME) to the directory.", editRefused},
		{"org rename", "admin org rename ATIS ATIS-NA", directoryEditors, "Renamed ATIS to ATIS-NA.", editRefused},
		{"org remove", "admin org remove MEF", directoryEditors, "Removed MEF from the directory", editRefused},
		{"org alias", "admin org alias ETSI European Telecoms Standards", directoryEditors, "ETSI now also answers to European Telecoms Standards.", editRefused},
		{"manager add", "admin manager add 3GPP Jane Doe jane.doe@example.org", directoryEditors, "Added Jane Doe <jane.doe@example.org> as a manager of 3GPP.", editRefused},
		{"manager remove", "admin manager remove 3GPP asa.lindqvist@example.org", directoryEditors, "Removed asa.lindqvist@example.org as a manager of 3GPP.", editRefused},
		{"contact set", "admin contact set CableLabs Liaison Office liaison@cablelabs.example", directoryEditors, "CableLabs's contact is now Liaison Office <liaison@cablelabs.example>.", editRefused},
		{"coordinator add", "admin coordinator add Pat Example pat@example.org", directoryEditors, "Added Pat Example <pat@example.org> to the IAB liaison coordinators.", editRefused},
		{"coordinator remove", "admin coordinator remove Warren Kumari", directoryEditors, "Removed Warren Kumari from the IAB liaison coordinators.", editRefused},
		{"sync", "admin sync", directoryEditors, "Synced the directory with the Datatracker: 1 added, 0 changed, 0 removed.", editRefused},

		{"link another user", "link slack:U0NEWBIE newbie@example.org", []Kind{Admin}, "Linked", "Only an admin can link another user."},

		{"subscribe", "subscribe 3GPP", subscribers, "This channel now gets a notice", subscribeRefused},
		{"unsubscribe", "unsubscribe CableLabs", subscribers, "This channel no longer gets notices", subscribeRefused},
	}
}

// SyncedOrg is what the fixture's Datatracker sync adds.
const SyncedOrg = "DMTF"

var (
	fixtureOnce sync.Once
	fixture     []byte
	fixtureErr  error
)

// Open returns a fresh copy of the fixture database in a temporary
// directory.
func Open(tb testing.TB) *storage.DB {
	tb.Helper()
	fixtureOnce.Do(func() { fixture, fixtureErr = build() })
	if fixtureErr != nil {
		tb.Fatalf("permissiontest: building the fixture: %v", fixtureErr)
	}
	path := filepath.Join(tb.TempDir(), "bot.db")
	if err := os.WriteFile(path, fixture, 0o600); err != nil {
		tb.Fatal(err)
	}
	db, err := storage.Open(context.Background(), path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	db.Now = func() time.Time { return Now }
	return db
}

// Router returns the router on db as serve wires it: the admin configured,
// the fixture's clock, notices on for Slack (so that outbox rows are part
// of what a change writes), and a Datatracker sync that adds SyncedOrg.
func Router(db *storage.DB) *commands.Router {
	r := commands.New(db, nil)
	r.Now = func() time.Time { return Now }
	r.Admins["slack:"+ActorOf(Admin).UserID] = true
	r.Audience = bot.Audience{Platforms: []string{bot.PlatformSlack}, Liaison: map[string]string{bot.PlatformSlack: "C0LIAISON"}}
	r.Syncer = commands.SyncerFunc(func(ctx context.Context, dry bool) (*bot.DirectoryDiff, error) {
		return db.ApplyDirectory(ctx, bot.DirectoryEdit{By: "Datatracker sync", DryRun: dry, Edit: func(d *bot.Directory) (*bot.Directory, error) {
			d.Orgs = append(d.Orgs, &bot.Organization{Acronym: SyncedOrg, Name: "Distributed Management Task Force", Relationship: bot.RelNone,
				InDatatracker: true, DatatrackerID: 9001, Provenance: bot.Provenance{Source: "Datatracker", AsOf: Now}})
			return d, nil
		}})
	})
	return r
}

// Request is the request a command line of the actor makes, in Channel.
func Request(a Actor, line string) *bot.Request {
	return &bot.Request{Platform: bot.PlatformSlack, Actor: a.BotActor(), Channel: bot.Channel{ID: Channel, Name: "general", Key: Channel}, Text: line}
}

// build makes the fixture: the bundled directory with the actors in their
// roles, seven outgoing statements to 3GPP and one incoming from it,
// submitted by the submitter and brought to the states the cases need, a subscription of Channel to CableLabs, and
// every actor's chat account tied to their directory entry where there is
// one (their first command does that).
func build() ([]byte, error) {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "permissiontest")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "fixture.db")
	db, err := storage.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	db.Now = func() time.Time { return Now }
	if _, err := db.Seed(ctx); err != nil {
		return nil, err
	}
	person := func(k Kind) bot.Person {
		a := ActorOf(k)
		return bot.Person{Name: a.Name, Email: a.Email, Provenance: bot.Provenance{Source: "permissiontest", AsOf: Now}}
	}
	if _, err := db.ApplyDirectory(ctx, bot.DirectoryEdit{By: "permissiontest", Edit: func(d *bot.Directory) (*bot.Directory, error) {
		o := d.OrgByAcronym("3GPP")
		o.Managers = []bot.Person{person(Manager)}
		o.Approvers = []bot.Person{person(Approver)}
		o.Contacts = []bot.Person{person(Contact)}
		d.OrgByAcronym("CableLabs").Managers = []bot.Person{person(OtherManager)}
		for i, p := range d.Coordinators.People {
			if p.Name == ActorOf(Coordinator).Name {
				d.Coordinators.People[i].Email = ActorOf(Coordinator).Email
			}
		}
		return d, nil
	}}); err != nil {
		return nil, err
	}
	r := Router(db)
	run := func(k Kind, line string) error {
		resp := r.Handle(ctx, Request(ActorOf(k), line))
		if resp.Outcome != "" {
			return bot.Errorf(bot.EINTERNAL, "fixture: %q as %s: %s", line, k, resp.Outcome)
		}
		return nil
	}
	for _, title := range []string{"YANG models for 5G transport", "Request for review of TS 23.501", "Lawful intercept — comments",
		"GTP-U over IPv6", "Network slicing, revised", "QUIC in 3GPP ATSSS", "DNS over HTTPS in 5GC"} {
		line := `submit to=3GPP from=opsawg purpose=action deadline=2027-01-15 title="` + title + `" body="Please review the attached document."`
		if err := run(Submitter, line); err != nil {
			return nil, err
		}
	}
	if err := run(Submitter, `submit from=3GPP to=opsawg purpose=info title="LS on 5G timing, for information" body="3GPP CT4 informs the IETF."`); err != nil {
		return nil, err
	}
	for _, line := range []string{"approve LS-2", "approve LS-3", "post LS-3", "approve LS-5", "kill LS-6 sent to the wrong group",
		"subscribe CableLabs"} {
		if err := run(Admin, line); err != nil {
			return nil, err
		}
	}
	for _, a := range Actors {
		if err := run(a.Kind, "version"); err != nil {
			return nil, err
		}
	}
	// Closing checkpoints the WAL: the file is the whole database.
	if err := db.Close(); err != nil {
		return nil, err
	}
	return os.ReadFile(path)
}
