package bot

import (
	"context"
	"strings"
	"time"
)

// Audience is the one policy of who hears about what: which channels hear
// about a statement's changes, and where the people a reminder, a nudge or
// an escalation is for get it, on each platform that delivers notices.
// cmd builds it once from the configuration and hands the same value to
// everything that writes notices (the commands, the reminder sweep, the
// Datatracker sync); the store only writes the notices it is given.
type Audience struct {
	// Platforms deliver notices ("slack", "zulip"). Without any, changes
	// write no notices: the console alone has nobody to notify.
	Platforms []string
	// Liaison maps a platform to its liaison channel: it hears about every
	// change, and carries the messages for people who are not linked to a
	// chat user there (naming them).
	Liaison map[string]string
	// Homes are the platforms with a home view per person (Slack's App
	// Home): a change refreshes the home views of the people it concerns
	// (see HomeRefresh), through the outbox.
	Homes []string
	// Directory reads the directory, which says who a change concerns;
	// without it no home view is refreshed.
	Directory func(ctx context.Context) (*Directory, error)
	// Mail is how statements, approval requests and reminders are mailed
	// (see Tx.Mail); its zero value mails nothing.
	Mail MailPolicy
}

// Notice is what a change, a reminder or a nudge leaves in the outbox: one
// row per target, each rendered when it is delivered.
type Notice struct {
	Kind    string // NoticeChange, NoticeReminder or NoticeNudge
	Data    NoticeData
	Targets []Target
}

// Enabled reports whether any platform delivers notices.
func (a Audience) Enabled() bool { return len(a.Platforms) > 0 }

// delivers reports whether the platform delivers notices.
func (a Audience) delivers(platform string) bool {
	for _, p := range a.Platforms {
		if p == platform {
			return true
		}
	}
	return false
}

// IsLiaisonChannel reports whether channel is the platform's liaison
// channel.
func (a Audience) IsLiaisonChannel(platform, channel string) bool {
	return channel != "" && a.Liaison[platform] == channel
}

// Announced reports whether events are a change the channels hear about:
// a submission, a state change or a tag change (also from the Datatracker
// sync). Comments, nudges, snoozes and reminders are not.
func Announced(events []Event) bool {
	for _, e := range events {
		switch e.Type {
		case EventSubmitted, EventApproved, EventPosted, EventKilled, EventResurrected, EventTagged, EventUntagged, EventSynced:
			return true
		}
	}
	return false
}

// Subject is "LS-<n>: <title>", the statement's subject in its notices.
func Subject(s *Statement) string {
	return s.Ref() + ": " + strings.Join(strings.Fields(s.Title), " ")
}

// Change is the notice of a change to s: to the liaison channels and the
// subscribed channels (subscribers: the channels subscribed to s's
// organization or to all), on the platforms that deliver. ok is false
// when nobody hears about it (events announce nothing, or no platform
// delivers).
func (a Audience) Change(s *Statement, events []Event, subscribers []Target) (n Notice, ok bool) {
	if !a.Enabled() || !Announced(events) {
		return Notice{}, false
	}
	var targets []Target
	seen := map[Target]bool{}
	add := func(t Target) {
		if !seen[t] && a.delivers(t.Platform) && (t.Channel != "" || t.User != "") {
			seen[t] = true
			targets = append(targets, t)
		}
	}
	for _, p := range a.Platforms {
		add(Target{Platform: p, Channel: a.Liaison[p]})
	}
	for _, t := range subscribers {
		add(t)
	}
	var ids []int64
	for _, e := range events {
		ids = append(ids, e.ID)
	}
	return Notice{Kind: NoticeChange, Data: NoticeData{Events: ids, Subject: Subject(s)}, Targets: targets}, len(targets) > 0
}

// Reminder is the notice of an automatic reminder: to the people it is
// for (see ReminderRecipients).
func (a Audience) Reminder(r Reminder, s *Statement, org *Organization, d *Directory) Notice {
	return Notice{Kind: NoticeReminder, Data: NoticeData{Reminder: &r, Subject: Subject(s)},
		Targets: a.People(ReminderRecipients(r, s, org, d))}
}

// Nudge is the notice of a manual nudge: to the people it names.
func (a Audience) Nudge(n Nudge, s *Statement) Notice {
	return Notice{Kind: NoticeNudge, Data: NoticeData{Nudge: &n, Subject: Subject(s)}, Targets: a.People(n.To)}
}

// People decides where a message for people goes on each platform that
// delivers: a direct message to each person linked to a chat user there,
// and, when some are not linked, the platform's liaison channel (which the
// message names them in).
func (a Audience) People(people []Person) []Target {
	var out []Target
	for _, pl := range a.Platforms {
		unlinked := false
		seen := map[string]bool{}
		for _, p := range people {
			if u := p.ChatUser(pl); u != "" {
				if !seen[u] {
					seen[u] = true
					out = append(out, Target{Platform: pl, User: u})
				}
			} else {
				unlinked = true
			}
		}
		if unlinked && a.Liaison[pl] != "" {
			out = append(out, Target{Platform: pl, Channel: a.Liaison[pl]})
		}
	}
	return out
}

// ReminderRecipients says who gets a reminder: the people responsible for
// the statement's next step (the approvers for an approval reminder, and
// for an incoming statement waiting to be recorded, those who may record
// it: see Recorders), and the coordinators for an escalation.
func ReminderRecipients(r Reminder, s *Statement, org *Organization, d *Directory) []Person {
	switch {
	case r.Kind == RemindEscalation:
		out := []Person{d.CoordinatorsAsPerson()}
		return append(out, d.Coordinators.People...)
	case r.Kind == RemindApproval && s.Direction == Incoming:
		return Recorders(org, d)
	}
	return Responsible(s, org, d)
}

// Update runs fn in one write transaction of st whose Create and Save
// also write the notices this audience decides (see Tx).
func (a Audience) Update(ctx context.Context, st StatementUpdater, fn func(tx Tx) error) error {
	return st.UpdateStatements(ctx, func(stx StatementTx) error { return fn(Tx{StatementTx: stx, Audience: a, ctx: ctx}) })
}

// Tx is a statement transaction that announces what it changes: Create
// and Save write the change, its events and the notice of the change (see
// Audience.Change) together. It is a StatementTx, so the rules that write
// through one (MarkAnswered) announce too.
type Tx struct {
	StatementTx
	Audience Audience
	ctx      context.Context // Update's, for reading the directory
}

// Create stores a new statement with its events and the notice of its
// submission.
func (t Tx) Create(s *Statement, key string, events ...Event) (int64, error) {
	id, err := t.StatementTx.Create(s, key, events...)
	if err != nil {
		return id, err
	}
	return id, t.announce(s, events)
}

// Save writes a changed statement with its events and the notice of the
// change.
func (t Tx) Save(s *Statement, events ...Event) error {
	if err := t.StatementTx.Save(s, events...); err != nil {
		return err
	}
	return t.announce(s, events)
}

// Remind records a reminder of s with its history event and its notice;
// false means it was recorded before and nothing was written.
func (t Tx) Remind(s *Statement, r Reminder, org *Organization, d *Directory, e Event) (bool, error) {
	ok, err := t.MarkReminded(s.ID, r.Key(), e.Time)
	if err != nil || !ok {
		return false, err
	}
	if err := t.AddEvents(e); err != nil {
		return false, err
	}
	if err := t.Enqueue(s, t.Audience.Reminder(r, s, org, d)); err != nil {
		return false, err
	}
	// The people it is for who have no chat account get it by email.
	if to := t.Audience.Unlinked(ReminderRecipients(r, s, org, d)); len(to) > 0 && t.Audience.Mail.Send {
		m := ReminderEmail(r, s, org, d, t.Audience.Mail, to, e.Time)
		return true, t.enqueueMail(s, m)
	}
	return true, nil
}

// Mail composes the emails that events of s made here send, and, when
// the audience sends email, writes them to the outbox in the transaction:
// an outgoing statement posted goes to its recipients (PostedEmail), one
// submitted or reopened pending to its approvers (ApprovalEmail). Only
// the commands that change statements here call it; what the Datatracker
// sync records was mailed by the Datatracker. It returns the messages,
// sent or not, for the answer to show.
func (t Tx) Mail(s *Statement, events []Event, org *Organization, d *Directory) ([]Email, error) {
	if s.Direction != Outgoing {
		return nil, nil
	}
	var related *Statement
	if s.Related != 0 {
		r, err := t.Statement(s.Related)
		switch {
		case err == nil:
			related = r
		case ErrorCode(err) != ENOTFOUND:
			return nil, err
		}
	}
	var out []Email
	for _, e := range events {
		switch {
		case e.Type == EventPosted && s.State == StatePosted:
			inReplyTo := ""
			if related != nil {
				id, err := t.MailMessageID(related.ID, MailPosted)
				if err != nil {
					return nil, err
				}
				inReplyTo = id
			}
			out = append(out, PostedEmail(s, org, d, t.Audience.Mail, e, related, inReplyTo))
		case (e.Type == EventSubmitted || e.Type == EventResurrected) && s.State == StatePending:
			out = append(out, ApprovalEmail(s, org, d, t.Audience.Mail, e, related))
		}
	}
	if !t.Audience.Mail.Send {
		return out, nil
	}
	for _, m := range out {
		if err := t.enqueueMail(s, m); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// enqueueMail writes an email to the outbox: its "channel" is its
// Message-ID, so that each message is paced and ordered on its own.
func (t Tx) enqueueMail(s *Statement, m Email) error {
	if len(m.Recipients()) == 0 {
		return nil
	}
	return t.Enqueue(s, Notice{Kind: NoticeMail, Data: NoticeData{Mail: &m, Subject: Subject(s)},
		Targets: []Target{{Platform: PlatformEmail, Channel: m.MessageID}}})
}

// SendDigests records the week's digest under key (DigestKey) with its
// notices (Audience.Digests); false means it was recorded before (by
// another process, or before a restart) and nothing was written.
func (t Tx) SendDigests(key string, at time.Time, notices []Notice) (bool, error) {
	ok, err := t.MarkDigest(key, at)
	if err != nil || !ok {
		return false, err
	}
	for _, n := range notices {
		if err := t.Enqueue(nil, n); err != nil {
			return false, err
		}
	}
	return true, nil
}

// Nudge records a nudge of s with its history event and its notice.
func (t Tx) Nudge(s *Statement, n Nudge, e Event) error {
	if err := t.AddEvents(e); err != nil {
		return err
	}
	return t.Enqueue(s, t.Audience.Nudge(n, s))
}

// announce writes the notice of a change, if anybody hears about it, and
// refreshes the home views of the people it concerns.
func (t Tx) announce(s *Statement, events []Event) error {
	if !t.Audience.Enabled() || !Announced(events) {
		return nil
	}
	subs, err := t.Subscribers(s.OrgID)
	if err != nil {
		return err
	}
	if n, ok := t.Audience.Change(s, events, subs); ok {
		if err := t.Enqueue(s, n); err != nil {
			return err
		}
	}
	return t.refreshHomes(s, events)
}

// refreshHomes writes the notice that refreshes the home views a change
// concerns (see Audience.HomeRefresh).
func (t Tx) refreshHomes(s *Statement, events []Event) error {
	if len(t.Audience.Homes) == 0 || t.Audience.Directory == nil {
		return nil
	}
	ctx := t.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	d, err := t.Audience.Directory(ctx)
	if err != nil {
		return err
	}
	if n, ok := t.Audience.HomeRefresh(s, events, d.StatementOrg(s), d); ok {
		return t.Enqueue(s, n)
	}
	return nil
}
