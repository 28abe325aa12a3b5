package bot

import (
	"fmt"
	"strings"
	"time"
)

// The weekly digest: once a week, each channel that hears about statements
// gets one message listing the open ones it hears about — overdue, due
// soon, and the rest — unless there are none.

// NoticeDigest is an outbox row carrying a weekly digest.
const NoticeDigest = "digest"

// DigestSoonDays is how far ahead "due soon" looks.
const DigestSoonDays = 14

// DigestLimit is the most statements one part of a digest lists.
const DigestLimit = 15

// DigestSchedule is when the weekly digest goes out: on Day at Hour:Minute
// in Location.
type DigestSchedule struct {
	Day          time.Weekday
	Hour, Minute int
	Location     *time.Location
}

// DigestValid is how long after its moment a digest may still go out: one
// missed while the bot was down is sent when it is back within a day (as
// the last reminder of a series), else that week has none.
const DigestValid = 24 * time.Hour

// Latest is the latest scheduled moment at or before now, and its day:
// the digest of that week (its key is DigestKey(day)).
func (ds DigestSchedule) Latest(now time.Time) (time.Time, Date) {
	loc := ds.Location
	if loc == nil {
		loc = time.UTC
	}
	local := now.In(loc)
	back := (int(local.Weekday()) - int(ds.Day) + 7) % 7
	y, m, d := local.Date()
	at := time.Date(y, m, d-back, ds.Hour, ds.Minute, 0, 0, loc)
	if at.After(now) {
		at = time.Date(y, m, d-back-7, ds.Hour, ds.Minute, 0, 0, loc)
	}
	return at, DateOf(at)
}

// DigestKey identifies the digest of the week scheduled on day: the store
// keeps it unique, so no digest is sent twice.
func DigestKey(day Date) string { return "digest:" + day.String() }

// Digest is what one channel's digest lists, by statement id, each part in
// the board's order (soonest deadline first).
type Digest struct {
	Day     Date    `json:"day"`               // the scheduled day
	Today   Date    `json:"today"`             // the day it was written
	Overdue []int64 `json:"overdue,omitempty"` // awaiting action past the deadline
	DueSoon []int64 `json:"due_soon,omitempty"`
	Open    []int64 `json:"open,omitempty"` // every other open statement
}

// Empty reports whether the digest has nothing to say.
func (g Digest) Empty() bool { return len(g.Overdue)+len(g.DueSoon)+len(g.Open) == 0 }

// DigestOf sorts open statements (in the order given) into a digest:
// overdue ones, those with a deadline in the next DigestSoonDays days (today
// included) whose action is not taken, and the other open ones.
func DigestOf(open []*Statement, day, today Date) Digest {
	g := Digest{Day: day, Today: today}
	soon := today.AddDays(DigestSoonDays)
	for _, s := range open {
		switch {
		case !s.Open():
		case s.Overdue(today):
			g.Overdue = append(g.Overdue, s.ID)
		case !s.Deadline.IsZero() && !s.ActionTaken && !s.Deadline.Before(today) && !soon.Before(s.Deadline):
			g.DueSoon = append(g.DueSoon, s.ID)
		default:
			g.Open = append(g.Open, s.ID)
		}
	}
	return g
}

// Digests is the week's digest notices: the full digest to each
// platform's liaison channel, and to each other channel subscribed to some
// organizations (or to all) the digest of the statements it hears about
// (subscribers: an organization's id, 0 for statements with none, to the
// channels subscribed to it or to all); none for a channel with nothing
// to say.
func (a Audience) Digests(open []*Statement, day, today Date, subscribers map[int64][]Target) []Notice {
	if !a.Enabled() {
		return nil
	}
	var out []Notice
	add := func(t Target, list []*Statement) {
		if g := DigestOf(list, day, today); !g.Empty() {
			out = append(out, Notice{Kind: NoticeDigest, Data: NoticeData{Digest: &g}, Targets: []Target{t}})
		}
	}
	for _, p := range a.Platforms {
		if ch := a.Liaison[p]; ch != "" {
			add(Target{Platform: p, Channel: ch}, open)
		}
	}
	per := map[Target][]*Statement{}
	var order []Target
	for _, s := range open {
		for _, t := range subscribers[s.OrgID] {
			if !a.delivers(t.Platform) || t.Channel == "" || a.IsLiaisonChannel(t.Platform, t.Channel) {
				continue
			}
			if _, ok := per[t]; !ok {
				order = append(order, t)
			}
			per[t] = append(per[t], s)
		}
	}
	sortTargets(order)
	for _, t := range order {
		add(t, per[t])
	}
	return out
}

// DigestNotice is the digest message: its counts, then each part with its
// statements (at most DigestLimit each, the rest counted with the command
// that lists them), each linked to its page on the board when base (the
// board's address) is set. statements holds the listed statements as they
// are now; one no longer there is left out.
func DigestNotice(g Digest, statements map[int64]*Statement, today Date, base string) Message {
	blocks := []Block{Header{Text: "Weekly liaison digest — week of " + g.Day.String()}}
	var counts []string
	if n := len(g.Overdue); n > 0 {
		counts = append(counts, fmt.Sprintf("%d overdue", n))
	}
	if n := len(g.DueSoon); n > 0 {
		counts = append(counts, fmt.Sprintf("%d due in the next %d days", n, DigestSoonDays))
	}
	if n := len(g.Open); n > 0 {
		counts = append(counts, plural(n, "other open statement"))
	}
	blocks = append(blocks, Paragraph{Text: Words(strings.Join(counts, " · ") + ".")})
	part := func(title string, ids []int64, more string) {
		if len(ids) == 0 {
			return
		}
		var items []Text
		for i, id := range ids {
			if i == DigestLimit {
				break
			}
			if s := statements[id]; s != nil {
				items = append(items, digestItem(s, today, base))
			}
		}
		blocks = append(blocks, Paragraph{Text: Line(Bold(fmt.Sprintf("%s (%d)", title, len(ids))))})
		if len(items) > 0 {
			blocks = append(blocks, List{Items: items})
		}
		if len(ids) > DigestLimit {
			blocks = append(blocks, Context{Text: Line(Plain(fmt.Sprintf("…and %d more: ", len(ids)-DigestLimit)), Code(more))})
		}
	}
	part("Overdue", g.Overdue, "list overdue")
	part(fmt.Sprintf("Due in the next %d days", DigestSoonDays), g.DueSoon, "list open")
	part("Other open statements", g.Open, "list open")
	foot := Line(Plain("Sent every week; "), Code("list open"), Plain(" shows the open statements at any time"))
	if base != "" {
		foot = append(foot, Plain(", and so does "), Link("the board", strings.TrimRight(base, "/")+"/"))
	}
	blocks = append(blocks, Context{Text: append(foot, Plain("."))})
	summary := "Weekly liaison digest: " + strings.Join(counts, ", ")
	return Message{Blocks: blocks, Public: true, Summary: summary}
}

// digestItem is one statement of a digest: its reference (linked to its
// page), its deadline or state, its title and sides.
func digestItem(s *Statement, today Date, base string) Text {
	ref := Bold(s.Ref())
	if u := StatementURL(base, s.ID); u != "" {
		ref = Link(s.Ref(), u)
	}
	t := Line(ref, Plain(" · "+StateText(s)))
	if !s.Deadline.IsZero() {
		t = append(t, Plain(" · due "+DeadlineText(s, today)))
	}
	return append(t, Plain(" · "+strings.Join(strings.Fields(s.Title), " ")+" — "+s.From+" → "+s.To))
}
