package bot

import (
	"fmt"
	"testing"
	"time"
)

func testAudience() Audience {
	return Audience{Platforms: []string{PlatformSlack, PlatformZulip},
		Liaison: map[string]string{PlatformSlack: "CLIAISON", PlatformZulip: "liaison"}}
}

func TestAudience_ChangeGoesToLiaisonAndSubscribedChannelsOnDeliveringPlatforms(t *testing.T) {
	s := &Statement{ID: 12, Title: "Reply  on\tYANG models"}
	events := []Event{{ID: 7, Type: EventSubmitted}, {ID: 8, Type: EventTagged, Tag: TagActionRequired}}
	subs := []Target{
		{Platform: PlatformSlack, Channel: "C2"},
		{Platform: PlatformSlack, Channel: "CLIAISON"}, // the liaison channel subscribed too: once
		{Platform: "console", Channel: "x"},            // not a delivering platform
		{Platform: PlatformZulip, Channel: "ops"},
	}
	n, ok := testAudience().Change(s, events, subs)
	if !ok {
		t.Fatal("a submission was not announced")
	}
	want := "[slack:#CLIAISON zulip:#liaison slack:#C2 zulip:#ops]"
	if got := fmt.Sprint(n.Targets); got != want || n.Kind != NoticeChange {
		t.Errorf("%s to %s, want change to %s", n.Kind, got, want)
	}
	if fmt.Sprint(n.Data.Events) != "[7 8]" || n.Data.Subject != "LS-12: Reply on YANG models" {
		t.Errorf("data %+v", n.Data)
	}
	// What the channels do not hear about.
	for name, tc := range map[string]struct {
		a      Audience
		events []Event
	}{
		"a comment":    {testAudience(), []Event{{Type: EventComment}}},
		"a snooze":     {testAudience(), []Event{{Type: EventSnoozed}}},
		"a reminder":   {testAudience(), []Event{{Type: EventReminded}}},
		"no platforms": {Audience{}, events},
	} {
		if _, ok := tc.a.Change(s, tc.events, subs); ok {
			t.Errorf("%s was announced", name)
		}
	}
	// A platform without a liaison channel and nobody subscribed: nowhere.
	if _, ok := (Audience{Platforms: []string{PlatformSlack}}).Change(s, events, nil); ok {
		t.Error("announced with no channel to go to")
	}
}

func TestAudience_PeopleByDirectMessageOrInTheLiaisonChannel(t *testing.T) {
	jane := Person{Name: "Jane", Chat: []ChatIdentity{{Platform: PlatformSlack, UserID: "UJANE"}, {Platform: PlatformZulip, UserID: "42"}}}
	bob := Person{Name: "Bob", Chat: []ChatIdentity{{Platform: PlatformSlack, UserID: "UBOB"}}}
	got := testAudience().People([]Person{jane, bob, jane})
	// Slack: both linked, each once; Zulip: Bob is not linked there, so
	// the liaison stream (which names him) too.
	if want := "[slack:@UJANE slack:@UBOB zulip:@42 zulip:#liaison]"; fmt.Sprint(got) != want {
		t.Errorf("targets %v, want %s", got, want)
	}
	if got := (Audience{Platforms: []string{PlatformSlack}}).People([]Person{{Name: "Nobody linked"}}); len(got) != 0 {
		t.Errorf("no liaison channel: %v", got)
	}
}

func TestAudience_RemindersAndNudges(t *testing.T) {
	d, org := workflowDir()
	d.Coordinators.People[0].Chat = []ChatIdentity{{Platform: PlatformSlack, UserID: "UCORA"}}
	s := &Statement{ID: 3, Title: "T", State: StatePosted, ActionRequired: true, Direction: Incoming}
	esc := testAudience().Reminder(Reminder{Kind: RemindEscalation, Days: 3}, s, org, d)
	if esc.Kind != NoticeReminder || esc.Data.Reminder.Kind != RemindEscalation ||
		fmt.Sprint(esc.Targets) != "[slack:@UCORA slack:#CLIAISON zulip:#liaison]" {
		t.Errorf("escalation %+v to %v", esc.Data, esc.Targets)
	}
	due := testAudience().Reminder(Reminder{Kind: RemindBefore, Days: 7}, s, org, d)
	if fmt.Sprint(due.Targets) != "[slack:#CLIAISON zulip:#liaison]" { // the manager is not linked
		t.Errorf("deadline reminder to %v", due.Targets)
	}
	n := testAudience().Nudge(Nudge{By: "Ann", To: []Person{d.Coordinators.People[0]}}, s)
	if n.Kind != NoticeNudge || n.Data.Nudge.By != "Ann" || fmt.Sprint(n.Targets) != "[slack:@UCORA zulip:#liaison]" {
		t.Errorf("nudge %+v to %v", n.Data, n.Targets)
	}
}

// noticeTx records what a Tx writes.
type noticeTx struct {
	fakeTx
	nextID   int64
	subs     []Target
	enqueued []Notice
	reminded map[string]bool
	added    []Event
}

func (f *noticeTx) Create(s *Statement, key string, events ...Event) (int64, error) {
	s.ID = 5
	for i := range events {
		f.nextID++
		events[i].ID = f.nextID
	}
	return s.ID, nil
}
func (f *noticeTx) Save(s *Statement, events ...Event) error {
	for i := range events {
		f.nextID++
		events[i].ID = f.nextID
	}
	return nil
}
func (f *noticeTx) Subscribers(int64) ([]Target, error) { return f.subs, nil }
func (f *noticeTx) Enqueue(s *Statement, n Notice) error {
	f.enqueued = append(f.enqueued, n)
	return nil
}
func (f *noticeTx) AddEvents(events ...Event) error { f.added = append(f.added, events...); return nil }
func (f *noticeTx) MarkReminded(id int64, key string, at time.Time) (bool, error) {
	if f.reminded[key] {
		return false, nil
	}
	f.reminded[key] = true
	return true, nil
}

func TestTx_AnnouncesChangesWithTheirEventsAndNothingElse(t *testing.T) {
	f := &noticeTx{subs: []Target{{Platform: PlatformSlack, Channel: "C2"}}, reminded: map[string]bool{}}
	tx := Tx{StatementTx: f, Audience: testAudience()}
	s := &Statement{Title: "T", State: StatePending}
	if _, err := tx.Create(s, "", Event{Type: EventSubmitted}, Event{Type: EventTagged, Tag: TagActionRequired}); err != nil {
		t.Fatal(err)
	}
	if len(f.enqueued) != 1 || fmt.Sprint(f.enqueued[0].Data.Events) != "[1 2]" || len(f.enqueued[0].Targets) != 3 {
		t.Fatalf("after Create: %+v", f.enqueued)
	}
	if err := tx.Save(s, Event{Type: EventSnoozed}); err != nil || len(f.enqueued) != 1 {
		t.Errorf("a snooze was announced: %v %+v", err, f.enqueued)
	}
	if err := tx.Save(s, Event{Type: EventApproved}); err != nil || len(f.enqueued) != 2 || fmt.Sprint(f.enqueued[1].Data.Events) != "[4]" {
		t.Errorf("an approval: %v %+v", err, f.enqueued)
	}
	// MarkAnswered writes through the Tx: its move is announced too.
	f.byID = map[int64]*Statement{4: {ID: 4, State: StatePosted, ActionRequired: true}}
	reply := &Statement{ID: 9, Purpose: PurposeResponse, Related: 4, State: StatePosted}
	if _, err := MarkAnswered(tx, reply, Actor{Admin: true}, time.Now()); err != nil || len(f.enqueued) != 3 {
		t.Errorf("the answered statement's change was not announced: %v, %d notices", err, len(f.enqueued))
	}
	// A reminder once; a nudge with its event.
	r := Reminder{Kind: RemindBefore, Days: 1}
	d, org := workflowDir()
	for range 2 {
		if _, err := tx.Remind(s, r, org, d, Event{Type: EventReminded, Reminder: r.Key()}); err != nil {
			t.Fatal(err)
		}
	}
	if len(f.enqueued) != 4 || f.enqueued[3].Kind != NoticeReminder || len(f.added) != 1 {
		t.Errorf("reminders: %d notices, %d events", len(f.enqueued), len(f.added))
	}
	if err := tx.Nudge(s, Nudge{By: "Ann", To: []Person{{Name: "X"}}}, Event{Type: EventNudged}); err != nil ||
		len(f.enqueued) != 5 || f.enqueued[4].Kind != NoticeNudge || len(f.added) != 2 {
		t.Errorf("nudge: %v, %d notices", err, len(f.enqueued))
	}
	// No platform: nothing announced, nothing read.
	quiet := &noticeTx{}
	if err := (Tx{StatementTx: quiet}).Save(s, Event{Type: EventApproved}); err != nil || len(quiet.enqueued) != 0 {
		t.Errorf("announced without platforms: %+v", quiet.enqueued)
	}
}
