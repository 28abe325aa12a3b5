package bot

import (
	"fmt"
	"strings"
	"testing"
	"time"
	_ "time/tzdata"
)

func TestDigestSchedule_LatestMoment(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err) // the zone data is embedded (time/tzdata)
	}
	ds := DigestSchedule{Day: time.Monday, Hour: 9, Location: paris}
	for _, tc := range []struct {
		now  time.Time
		want string
	}{
		// Monday 2026-12-07 09:00 in Paris is 08:00 UTC.
		{time.Date(2026, 12, 7, 7, 59, 0, 0, time.UTC), "2026-11-30 09:00 CET"}, // a minute early: last week's
		{time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC), "2026-12-07 09:00 CET"},
		{time.Date(2026, 12, 13, 22, 0, 0, 0, time.UTC), "2026-12-07 09:00 CET"},  // Sunday evening
		{time.Date(2026, 12, 13, 23, 30, 0, 0, time.UTC), "2026-12-07 09:00 CET"}, // Monday 00:30 in Paris, before 09:00
		{time.Date(2027, 3, 29, 7, 0, 0, 0, time.UTC), "2027-03-29 09:00 CEST"},   // the Monday after the clocks changed
	} {
		at, day := ds.Latest(tc.now)
		if got := at.In(paris).Format("2006-01-02 15:04 MST"); got != tc.want || day.String() != tc.want[:10] {
			t.Errorf("at %s: %s (day %s), want %s", tc.now, got, day, tc.want)
		}
	}
	if k := DigestKey(Date{2026, 12, 7}); k != "digest:2026-12-07" {
		t.Errorf("key %q", k)
	}
}

func digestFixture() []*Statement {
	today := Date{2026, 12, 7}
	return []*Statement{
		{ID: 1, OrgID: 1, State: StatePosted, ActionRequired: true, Deadline: today.AddDays(-3), Title: "Late"},
		{ID: 2, OrgID: 2, State: StatePosted, ActionRequired: true, Deadline: today, Title: "Due today"},
		{ID: 3, OrgID: 1, State: StatePending, Deadline: today.AddDays(14), Title: "Pending, due in two weeks"},
		{ID: 4, OrgID: 2, State: StatePosted, ActionRequired: true, Deadline: today.AddDays(15), Title: "Later"},
		{ID: 5, OrgID: 0, State: StateApproved, Title: "No organization, no deadline"},
		{ID: 6, OrgID: 1, State: StatePosted, ActionTaken: true, Deadline: today.AddDays(-1), Title: "Done"},
		{ID: 7, OrgID: 1, State: StateDead, Title: "Dead"},
	}
}

func TestDigestOf_OverdueDueSoonAndOpen(t *testing.T) {
	g := DigestOf(digestFixture(), Date{2026, 12, 7}, Date{2026, 12, 7})
	if got := fmt.Sprint(g.Overdue, g.DueSoon, g.Open); got != "[1] [2 3] [4 5]" {
		t.Errorf("overdue, due soon, open = %s, want [1] [2 3] [4 5]", got)
	}
	if DigestOf(digestFixture()[5:], Date{}, Date{2026, 12, 7}).Empty() != true {
		t.Error("done and dead statements made a digest")
	}
}

func TestAudience_DigestsPerChannel(t *testing.T) {
	a := testAudience()
	subs := map[int64][]Target{
		1: {{Platform: PlatformSlack, Channel: "C3GPP"}, {Platform: PlatformSlack, Channel: "CALL"}, {Platform: PlatformSlack, Channel: "CLIAISON"}},
		2: {{Platform: PlatformSlack, Channel: "CALL"}, {Platform: "console", Channel: "x"}},
		0: {{Platform: PlatformSlack, Channel: "CALL"}},
	}
	day := Date{2026, 12, 7}
	var got []string
	for _, n := range a.Digests(digestFixture(), day, day, subs) {
		g := n.Data.Digest
		got = append(got, fmt.Sprint(n.Targets, g.Overdue, g.DueSoon, g.Open))
		if n.Kind != NoticeDigest || g.Day != day {
			t.Errorf("notice %+v", n)
		}
	}
	// The liaison channels get everything (the Slack one once, though it
	// also subscribed); the channel of organization 1 its statements; the
	// channel of all every statement; the console delivers nothing.
	want := []string{
		"[slack:#CLIAISON] [1] [2 3] [4 5]",
		"[zulip:#liaison] [1] [2 3] [4 5]",
		"[slack:#C3GPP] [1] [3] []",
		"[slack:#CALL] [1] [2 3] [4 5]",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("digests:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// Nothing open: nothing to say, to anybody.
	if n := a.Digests(digestFixture()[5:], day, day, subs); len(n) != 0 {
		t.Errorf("%d digests with nothing open", len(n))
	}
	if n := (Audience{}).Digests(digestFixture(), day, day, subs); len(n) != 0 {
		t.Errorf("%d digests without a platform", len(n))
	}
}

func TestDigestNotice_CountsPartsLinksAndLimits(t *testing.T) {
	today := Date{2026, 12, 7}
	statements := map[int64]*Statement{}
	g := Digest{Day: today, Today: today}
	for i := int64(1); i <= 20; i++ {
		statements[i] = &Statement{ID: i, State: StatePosted, ActionRequired: true, Deadline: today.AddDays(-1), Title: "T <!channel>", From: "3GPP", To: "IETF"}
		g.Overdue = append(g.Overdue, i)
	}
	g.Open = []int64{99} // gone since it was written
	m := DigestNotice(g, statements, today, "https://liaisons.example.org/")
	var items int
	var text []string
	for _, b := range m.Blocks {
		switch v := b.(type) {
		case List:
			items += len(v.Items)
			for _, it := range v.Items {
				text = append(text, it.PlainString())
			}
			if v.Items[0][0].Kind != SpanLink || v.Items[0][0].URL != "https://liaisons.example.org/statements/LS-1" {
				t.Errorf("the first item does not link to its page: %+v", v.Items[0][0])
			}
		case Paragraph:
			text = append(text, v.Text.PlainString())
		case Context:
			text = append(text, v.Text.PlainString())
		case Header:
			text = append(text, v.Text)
		}
	}
	all := strings.Join(text, "\n")
	for _, want := range []string{"Weekly liaison digest — week of 2026-12-07", "20 overdue · 1 other open statement.", "Overdue (20)",
		"…and 5 more: list overdue", "LS-1 · posted · action required · due 2026-12-06 (1 day overdue) · T <!channel> — 3GPP → IETF"} {
		if !strings.Contains(all, want) {
			t.Errorf("the digest lacks %q:\n%s", want, all)
		}
	}
	if items != DigestLimit {
		t.Errorf("%d items, want %d (the one gone is left out)", items, DigestLimit)
	}
	if !m.Public || m.Mentions {
		t.Errorf("public %v mentions %v: a digest is a channel message that pings nobody", m.Public, m.Mentions)
	}
}
