package dtsync

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
	"github.com/ietf-tools/liaisonbot/bot/datatracker"
)

func ts(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func lookupFixture() Lookup {
	return Lookup{
		Groups: map[int64]datatracker.Group{
			76:   {ID: 76, Acronym: "itu-t-sg-17", Type: "sdo"},
			56:   {ID: 56, Acronym: "3gpp", Type: "sdo"},
			7:    {ID: 7, Acronym: "iab", Type: "iab"},
			2:    {ID: 2, Acronym: "iesg", Type: "iesg"},
			9001: {ID: 9001, Acronym: "ccamp", Type: "wg"},
		},
		Persons: map[int64]string{900001: "Avery Example"},
		Dir: &bot.Directory{Orgs: []*bot.Organization{
			{ID: 11, Acronym: "3GPP", DatatrackerID: 56},
			{ID: 12, Acronym: "ITU-T SG17", Aliases: []string{"itu-t-sg-17"}},
		}},
		Local: func(id int64) (int64, error) {
			if id == 1935 {
				return 3, nil
			}
			return 0, nil
		},
	}
}

func TestStatementFromRecord(t *testing.T) {
	deadline := datatracker.Date{Year: 2026, Month: 3, Day: 9}
	incoming := datatracker.StatementRecord{
		Statement: datatracker.Statement{
			ID: 2106, Title: " LS on AI security ", FromGroups: []int64{76}, ToGroups: []int64{7, 2},
			FromContact: datatracker.Address{Email: "tsbsg17@itu.int"}, FromContactRaw: "tsbsg17@itu.int",
			ToContacts:        "The IESG <iesg@ietf.org>, The IAB Chair <iab-chair@iab.org>",
			ResponseContacts:  "a@example.org; b@example.net; …",
			TechnicalContacts: "a@example.org",
			CCContacts:        "The IESG <iesg@ietf.org>\r\nThe IETF Chair <chair@ietf.org>\r\n…",
			Purpose:           "action", Deadline: &deadline, OtherIdentifiers: "SG17-LS-1", Body: "Body.",
			Tags: []string{"taken"}, State: "posted",
		},
		Events: []datatracker.StatementEvent{
			{ID: 1, Time: ts("2026-01-30T13:55:00Z"), Type: "submitted", ByPersonID: 1, StatementID: 2106, Desc: "Statement Submitted"},
			{ID: 2, Time: ts("2026-01-30T14:02:11Z"), Type: "posted", ByPersonID: 900001, StatementID: 2106, Desc: "Statement Posted"},
			{ID: 3, Time: ts("2026-02-01T10:00:00Z"), Type: "private_comment", ByPersonID: 900001, StatementID: 2106, Desc: "secret"},
			{ID: 4, Time: ts("2026-02-02T10:00:00Z"), Type: "comment", ByPersonID: 900002, StatementID: 2106, Desc: "Reply sent"},
		},
		Related:     []datatracker.RelatedStatement{{ID: 9, SourceID: 2106, TargetID: 1935}, {ID: 10, SourceID: 2200, TargetID: 2106}},
		Attachments: []datatracker.StatementAttachment{{ID: 804, StatementID: 2106, DocumentName: "liaison-att-1"}},
		Submitted:   ts("2026-01-30T13:55:00Z"),
		Posted:      ts("2026-01-30T14:02:11Z"),
	}
	s, events, err := StatementFromRecord(incoming, lookupFixture())
	if err != nil {
		t.Fatal(err)
	}
	want := &bot.Statement{
		DatatrackerID: 2106, Direction: bot.Incoming, From: "ITU-T SG17", To: "IAB, IESG", OrgID: 12,
		Title: "LS on AI security", Purpose: bot.PurposeAction, Deadline: bot.Date{Y: 2026, M: 3, D: 9}, Related: 3,
		Body: "Body.", Attachments: bot.Attachments{{Title: "liaison-att-1", URL: "https://datatracker.ietf.org/doc/liaison-att-1/"}},
		ResponseContacts:  bot.MustParseAddressList("a@example.org, b@example.net"),
		TechnicalContacts: bot.MustParseAddressList("a@example.org"),
		ToContacts:        bot.MustParseAddressList("The IESG <iesg@ietf.org>, The IAB Chair <iab-chair@iab.org>"),
		CC:                bot.MustParseAddressList("The IESG <iesg@ietf.org>, The IETF Chair <chair@ietf.org>"),
		Identifiers:       "SG17-LS-1", State: bot.StatePosted, ActionTaken: true, SubmitterEmail: "tsbsg17@itu.int",
		Submitted: ts("2026-01-30T13:55:00Z"), Updated: ts("2026-02-02T10:00:00Z"),
	}
	if !reflect.DeepEqual(s, want) {
		t.Errorf("statement\n got %+v\nwant %+v", s, want)
	}
	wantEvents := []bot.Event{
		{Time: ts("2026-01-30T13:55:00Z"), Type: bot.EventSubmitted, ByKey: "datatracker:1", By: "Datatracker", ToState: bot.StatePending},
		{Time: ts("2026-01-30T14:02:11Z"), Type: bot.EventPosted, ByKey: "datatracker:900001", By: "Avery Example", FromState: bot.StatePending, ToState: bot.StatePosted},
		{Time: ts("2026-02-02T10:00:00Z"), Type: bot.EventComment, ByKey: "datatracker:900002", By: "Datatracker person 900002", FromState: bot.StatePosted, ToState: bot.StatePosted, Note: "Reply sent"},
	}
	if !reflect.DeepEqual(events, wantEvents) {
		t.Errorf("events\n got %+v\nwant %+v", events, wantEvents)
	}
}

func TestStatementFromRecord_Cases(t *testing.T) {
	base := func() datatracker.StatementRecord {
		return datatracker.StatementRecord{Statement: datatracker.Statement{ID: 2200, Title: "T", FromGroups: []int64{9001},
			ToGroups: []int64{56}, Purpose: "comment", State: "approved"}}
	}
	tests := []struct {
		name  string
		edit  func(r *datatracker.StatementRecord)
		check func(t *testing.T, s *bot.Statement)
	}{
		{"outgoing to an SDO", func(r *datatracker.StatementRecord) {}, func(t *testing.T, s *bot.Statement) {
			if s.Direction != bot.Outgoing || s.From != "ccamp" || s.To != "3GPP" || s.OrgID != 11 || s.State != bot.StateApproved {
				t.Errorf("%+v", s)
			}
		}},
		{"the required tag: action required", func(r *datatracker.StatementRecord) { r.Statement.Tags = []string{"required"} },
			func(t *testing.T, s *bot.Statement) {
				if !s.ActionRequired || s.ActionTaken {
					t.Errorf("required %v taken %v", s.ActionRequired, s.ActionTaken)
				}
			}},
		{"a deadline without the taken tag: action required", func(r *datatracker.StatementRecord) {
			r.Statement.Deadline = &datatracker.Date{Year: 2026, Month: 4, Day: 15}
		}, func(t *testing.T, s *bot.Statement) {
			if !s.ActionRequired || s.Deadline != (bot.Date{Y: 2026, M: 4, D: 15}) {
				t.Errorf("required %v deadline %v", s.ActionRequired, s.Deadline)
			}
		}},
		{"from_contact as an email URI (before 2025)", func(r *datatracker.StatementRecord) {
			r.Statement.FromContact = datatracker.Address{Email: "sg15-rapporteur@example.org"}
			r.Statement.FromContactRaw = "/api/v1/person/email/sg15-rapporteur@example.org/"
		}, func(t *testing.T, s *bot.Statement) {
			if s.SubmitterEmail != "sg15-rapporteur@example.org" {
				t.Errorf("submitter %q", s.SubmitterEmail)
			}
		}},
		{"from_contact as a mailbox (since 2025)", func(r *datatracker.StatementRecord) {
			r.Statement.FromContactRaw = "Tao Wan <t.wan@cablelabs.com>"
		}, func(t *testing.T, s *bot.Statement) {
			if s.SubmitterName != "Tao Wan" || s.SubmitterEmail != "t.wan@cablelabs.com" {
				t.Errorf("submitter %q %q", s.SubmitterName, s.SubmitterEmail)
			}
		}},
		{"no from_contact: whoever submitted", func(r *datatracker.StatementRecord) {
			r.Events = []datatracker.StatementEvent{{ID: 1, Time: ts("2026-03-01T10:00:00Z"), Type: "submitted", ByPersonID: 900001}}
		}, func(t *testing.T, s *bot.Statement) {
			if s.SubmitterName != "Avery Example" || !s.Submitted.Equal(ts("2026-03-01T10:00:00Z")) {
				t.Errorf("submitter %q submitted %v", s.SubmitterName, s.Submitted)
			}
		}},
		{"an unknown purpose is For Information; the 4053bis words work", func(r *datatracker.StatementRecord) { r.Statement.Purpose = "whatever" },
			func(t *testing.T, s *bot.Statement) {
				if s.Purpose != bot.PurposeInfo {
					t.Errorf("purpose %q", s.Purpose)
				}
			}},
		{"killed and resurrected: the history follows the states", func(r *datatracker.StatementRecord) {
			for i, typ := range []string{"submitted", "posted", "killed", "resurrected", "posted"} {
				r.Events = append(r.Events, datatracker.StatementEvent{ID: int64(i + 1), Time: ts("2026-02-10T10:00:00Z").Add(time.Duration(i) * time.Hour), Type: typ})
			}
		}, func(t *testing.T, s *bot.Statement) {}},
		{"groups the Datatracker does not have", func(r *datatracker.StatementRecord) {
			r.Statement.FromGroups, r.Statement.ToGroups = []int64{4242}, nil
		}, func(t *testing.T, s *bot.Statement) {
			if s.From != "group 4242" || s.To != "(unknown)" || s.Direction != bot.Incoming {
				t.Errorf("from %q to %q direction %q", s.From, s.To, s.Direction)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := base()
			tt.edit(&r)
			s, events, err := StatementFromRecord(r, lookupFixture())
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, s)
			var trail []string
			for _, e := range events {
				trail = append(trail, string(e.FromState)+">"+string(e.ToState))
			}
			if strings.HasPrefix(tt.name, "killed") {
				if got := strings.Join(trail, " "); got != ">pending pending>posted posted>dead dead>pending pending>posted" {
					t.Errorf("state trail %q", got)
				}
			}
		})
	}
}

func TestStatementFromRecord_UnknownStateFails(t *testing.T) {
	r := datatracker.StatementRecord{Statement: datatracker.Statement{ID: 1, State: "archived"}}
	if _, _, err := StatementFromRecord(r, lookupFixture()); err == nil || !strings.Contains(err.Error(), "archived") {
		t.Errorf("err = %v, want an unknown-state error", err)
	}
	l := lookupFixture()
	l.Local = func(int64) (int64, error) { return 0, errors.New("disk on fire") }
	r = datatracker.StatementRecord{Statement: datatracker.Statement{ID: 2, State: "posted"},
		Related: []datatracker.RelatedStatement{{ID: 1, SourceID: 2, TargetID: 1}}}
	if _, _, err := StatementFromRecord(r, l); err == nil {
		t.Errorf("a failed lookup of the related statement must fail the mapping")
	}
}

func TestStatementChanges(t *testing.T) {
	base := bot.Statement{ID: 5, State: bot.StatePosted, Purpose: bot.PurposeAction, Title: "T", Body: "B",
		Deadline: bot.Date{Y: 2026, M: 3, D: 9}, ActionRequired: true, Attachments: bot.Attachments{{URL: "https://example.org/a1"}}, ToContacts: bot.MustParseAddressList("x@example.org")}
	tests := []struct {
		name string
		edit func(s *bot.Statement)
		want []string
	}{
		{"nothing", func(s *bot.Statement) {}, nil},
		{"killed", func(s *bot.Statement) { s.State = bot.StateDead }, []string{"state posted → dead"}},
		{"taken", func(s *bot.Statement) { s.ActionTaken, s.ActionRequired = true, false }, []string{"action-taken set on the Datatracker"}},
		{"deadline moved", func(s *bot.Statement) { s.Deadline = bot.Date{Y: 2026, M: 4, D: 1} }, []string{"deadline 2026-03-09 → 2026-04-01"}},
		{"deadline removed", func(s *bot.Statement) { s.Deadline, s.ActionRequired = bot.Date{}, false }, []string{"deadline 2026-03-09 removed"}},
		{"required cleared", func(s *bot.Statement) { s.ActionRequired = false }, []string{"action-required cleared on the Datatracker"}},
		{"retitled", func(s *bot.Statement) { s.Title = "New" }, []string{"title changed to “New”"}},
		{"purpose", func(s *bot.Statement) { s.Purpose = bot.PurposeInfo }, []string{"purpose For Action → For Information"}},
		{"attachments", func(s *bot.Statement) { s.Attachments = bot.Attachments{{Title: "A2", URL: "https://example.org/a2"}} },
			[]string{"attachment added: A2 <https://example.org/a2>", "attachment removed: https://example.org/a1"}},
		{"related", func(s *bot.Statement) { s.Related = 3 }, []string{"refers to LS-3"}},
		{"contacts", func(s *bot.Statement) { s.CC = bot.MustParseAddressList("y@example.org") }, []string{"contacts changed"}},
		{"action holders", func(s *bot.Statement) { s.ActionHolders = bot.MustParseAddressList("Jane <j@example.org>") }, []string{"contacts changed"}},
		{"body and identifiers", func(s *bot.Statement) { s.Body, s.Identifiers = "C", "ID-1" }, []string{"body changed", "other identifiers changed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := base
			tt.edit(&n)
			if got := StatementChanges(&base, &n); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestMergeStatement_KeepsLocalFacts(t *testing.T) {
	local := &bot.Statement{ID: 5, Version: 4, State: bot.StatePosted, ActionTaken: true, SnoozedUntil: bot.Date{Y: 2026, M: 12, D: 1},
		OrgID: 11, From: "ITU-T SG17", Submitted: ts("2026-01-30T13:55:00Z"), Updated: ts("2026-03-01T00:00:00Z")}
	up := &bot.Statement{DatatrackerID: 2106, State: bot.StatePosted, ActionRequired: true, From: "ITU-T SG17",
		Updated: ts("2026-02-01T00:00:00Z")}
	got, notes, silent := MergeStatement(local, up)
	if got.ID != 5 || got.Version != 4 || got.SnoozedUntil != local.SnoozedUntil || !got.ActionTaken || got.ActionRequired {
		t.Errorf("merged %+v: want the local id, version, snooze and action taken", got)
	}
	if got.OrgID != 11 || !got.Submitted.Equal(local.Submitted) || !got.Updated.Equal(local.Updated) {
		t.Errorf("merged %+v: want the local org, submission and update times when the Datatracker has none", got)
	}
	if notes != nil || silent {
		t.Errorf("notes %q silent %v: nothing changed", notes, silent)
	}
	up.From = "ITU-T-SG-17"
	if _, notes, silent := MergeStatement(local, up); notes != nil || !silent {
		t.Errorf("a renamed group is a silent change: notes %q silent %v", notes, silent)
	}
}

func TestNewEvents(t *testing.T) {
	a := bot.Event{Time: ts("2026-01-30T13:55:00Z"), Type: bot.EventSubmitted, ByKey: "datatracker:1"}
	b := bot.Event{Time: ts("2026-01-30T14:02:11Z"), Type: bot.EventPosted, ByKey: "datatracker:1", By: "renamed person"}
	c := bot.Event{Time: ts("2026-02-02T10:00:00Z"), Type: bot.EventComment, ByKey: "datatracker:2", Note: "hi"}
	stored := []bot.Event{a, {ID: 9, Time: b.Time, Type: b.Type, ByKey: b.ByKey, By: "old name"}, {Type: bot.EventSynced}}
	if got := NewEvents(stored, []bot.Event{a, b, c, c}); !reflect.DeepEqual(got, []bot.Event{c}) {
		t.Errorf("got %+v, want only the comment, once", got)
	}
}
