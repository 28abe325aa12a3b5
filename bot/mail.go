package bot

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Email: the messages the bot mails, as the Datatracker mails them (its
// liaisons/mails.py and templates/liaisons/*.txt): the statement itself
// when an outgoing one is posted, the request for approval of a pending
// one, and the reminders for people with no chat account. Each is composed
// here, once, in the transaction of the change that sends it, and kept in
// the outbox as it was composed: a retry sends the same message with the
// same Message-ID.

// PlatformEmail is the outbox's "platform" of emails: a Chat for it sends
// through SMTP.
const PlatformEmail = "email"

// NoticeMail is the outbox kind of an email (NoticeData.Mail), and
// NoticeMailProblem the chat notice that one did not reach some of its
// recipients (NoticeData.MailProblem).
const (
	NoticeMail        = "email"
	NoticeMailProblem = "email-problem"
)

// The kinds of email.
const (
	MailPosted   = "posted"   // the statement, sent to its recipients when posted
	MailApproval = "approval" // a pending outgoing statement, to its approvers
	MailReminder = "reminder" // a reminder, to responsible people with no chat account
)

// Mailbox is one address with its display name.
type Mailbox struct {
	Name  string `json:"name,omitempty"`
	Email string `json:"email"`
}

// String is "Name <email>" (just the address without a name), for people
// to read: the name is not quoted nor encoded.
func (m Mailbox) String() string {
	if m.Name == "" {
		return m.Email
	}
	return m.Name + " <" + m.Email + ">"
}

// Email is one message, composed: everything the SMTP sender needs, and
// what "preview" and the answer to "post" show.
type Email struct {
	Kind string `json:"kind"`
	// MessageID is the Message-ID without its angle brackets. It is fixed
	// when the message is composed: every attempt sends the same one.
	MessageID  string    `json:"message_id"`
	Date       time.Time `json:"date"`
	From       Mailbox   `json:"from"`
	ReplyTo    []Mailbox `json:"reply_to,omitempty"`
	To         []Mailbox `json:"to,omitempty"`
	Cc         []Mailbox `json:"cc,omitempty"`
	Bcc        []Mailbox `json:"bcc,omitempty"`
	Subject    string    `json:"subject"`
	InReplyTo  string    `json:"in_reply_to,omitempty"` // without angle brackets
	References []string  `json:"references,omitempty"`  // without angle brackets
	Body       string    `json:"body"`
	// Envelope, when set, is the recipients this copy goes to (RCPT TO):
	// what is left of Recipients after a server refused some.
	Envelope []string `json:"envelope,omitempty"`
	// NoAddress names the contacts the statement lists without an address:
	// they do not get it.
	NoAddress []string `json:"no_address,omitempty"`
}

// Recipients are the addresses the message goes to: its Envelope if set,
// else To, Cc and Bcc, each address once.
func (m *Email) Recipients() []string {
	if len(m.Envelope) > 0 {
		return append([]string(nil), m.Envelope...)
	}
	var out []string
	seen := map[string]bool{}
	for _, set := range [][]Mailbox{m.To, m.Cc, m.Bcc} {
		for _, b := range set {
			if k := EmailKey(b.Email); k != "" && !seen[k] {
				seen[k] = true
				out = append(out, b.Email)
			}
		}
	}
	return out
}

// Headers are the message's headers as people read them (names and
// subject not encoded), in the order they are sent. Bcc is shown: it is
// never sent.
func (m *Email) Headers() [][2]string {
	var h [][2]string
	add := func(k, v string) {
		if v != "" {
			h = append(h, [2]string{k, v})
		}
	}
	add("From", m.From.String())
	add("Reply-To", joinMailboxes(m.ReplyTo))
	add("To", joinMailboxes(m.To))
	add("Cc", joinMailboxes(m.Cc))
	add("Bcc", joinMailboxes(m.Bcc))
	add("Subject", m.Subject)
	if !m.Date.IsZero() {
		add("Date", m.Date.Format(time.RFC1123Z))
	}
	if m.MessageID != "" {
		add("Message-ID", "<"+m.MessageID+">")
	}
	if m.InReplyTo != "" {
		add("In-Reply-To", "<"+m.InReplyTo+">")
	}
	if len(m.References) > 0 {
		refs := make([]string, len(m.References))
		for i, r := range m.References {
			refs[i] = "<" + r + ">"
		}
		add("References", strings.Join(refs, " "))
	}
	return h
}

// Text is the message as "preview" shows it and as someone sends it by
// hand: the headers, a blank line, the body.
func (m *Email) Text() string {
	var b strings.Builder
	for _, h := range m.Headers() {
		b.WriteString(h[0] + ": " + h[1] + "\n")
	}
	b.WriteString("\n")
	b.WriteString(m.Body)
	return b.String()
}

func joinMailboxes(ms []Mailbox) string {
	s := make([]string, len(ms))
	for i, m := range ms {
		s[i] = m.String()
	}
	return strings.Join(s, ", ")
}

// MailPolicy is how the bot mails (the [mail] configuration). The zero
// value composes messages (for "preview", and for sending by hand) but
// sends none.
type MailPolicy struct {
	// Send is true when an SMTP server is configured: emails are written
	// to the outbox with the change that sends them.
	Send bool
	// From is the sender of every message (LIAISONBOT_MAIL_FROM).
	From Mailbox
	// Bcc is copied, unseen, on every posted statement (an archive:
	// LIAISONBOT_MAIL_BCC).
	Bcc []Mailbox
	// PublicURL is the web board's address: the statement's page there is
	// its URL in the message.
	PublicURL string
	// Location is the time zone of the dates in messages.
	Location *time.Location
}

// DefaultMailFrom is the sender when none is configured: the
// Datatracker's (LIAISON_UNIVERSAL_FROM).
var DefaultMailFrom = Mailbox{Name: "Liaison Statement Management Tool", Email: "statements@ietf.org"}

func (p MailPolicy) from() Mailbox {
	if p.From.Email == "" {
		return DefaultMailFrom
	}
	return p.From
}

func (p MailPolicy) loc() *time.Location {
	if p.Location == nil {
		return time.UTC
	}
	return p.Location
}

// messageID is a Message-ID that names the statement, the kind of message
// and the event that sends it, at the sender's domain: "ls-12.posted.345.
// 1764924000@ietf.org". It is fixed with the message.
func (p MailPolicy) messageID(s *Statement, kind, what string, at time.Time) string {
	domain := "liaisonbot.invalid"
	if _, d, ok := strings.Cut(p.from().Email, "@"); ok && d != "" {
		domain = d
	}
	return strings.ToLower(s.Ref()) + "." + kind + "." + what + "." + strconv.FormatInt(at.Unix(), 10) + "@" + domain
}

// addressBoxes splits an address list into its mailboxes and the names
// that have no address.
func addressBoxes(l AddressList) (boxes []Mailbox, noAddress []string) {
	for _, a := range l {
		if a.HasAddr() {
			boxes = append(boxes, Mailbox{Name: a.Name, Email: a.Addr})
		} else if a.Name != "" {
			noAddress = append(noAddress, a.Name)
		}
	}
	return boxes, noAddress
}

// personBoxes are the people's mailboxes (those with an address).
func personBoxes(ps []Person) []Mailbox {
	var out []Mailbox
	for _, p := range ps {
		if p.Email != "" {
			out = append(out, Mailbox{Name: p.Name, Email: p.Email})
		}
	}
	return out
}

// recipientSets drops from each set the addresses already in an earlier
// one (and repeats within a set): an address gets one copy, in its first
// place.
func recipientSets(sets ...*[]Mailbox) {
	seen := map[string]bool{}
	for _, set := range sets {
		var out []Mailbox
		for _, b := range *set {
			k := EmailKey(b.Email)
			if k == "" || seen[k] {
				continue
			}
			seen[k] = true
			out = append(out, b)
		}
		*set = out
	}
}

// coordinatorsBox is the coordinators' list address.
func coordinatorsBox(d *Directory) Mailbox {
	p := d.CoordinatorsAsPerson()
	return Mailbox{Name: p.Name, Email: p.Email}
}

// PostingRecipients are who a posted statement goes to: To its To contacts
// (the organization's contact point from the directory when it lists
// none with an address); Cc its Cc list, its response and technical
// contacts, and the IAB liaison coordinators; and the contacts it names
// without an address, who do not get it.
func PostingRecipients(s *Statement, org *Organization, d *Directory) (to, cc []Mailbox, noAddress []string) {
	to, noTo := addressBoxes(s.ToContacts)
	if len(to) == 0 && org != nil {
		to = personBoxes(org.Contacts)
	}
	var more []Mailbox
	var missing []string
	for _, list := range []AddressList{s.CC, s.ResponseContacts, s.TechnicalContacts} {
		b, n := addressBoxes(list)
		more = append(more, b...)
		missing = append(missing, n...)
	}
	cc = append(more, coordinatorsBox(d))
	recipientSets(&to, &cc)
	noAddress = appendUnique(append(noTo, missing...))
	return to, cc, noAddress
}

// Approvers are who an approval request goes to: the organization's
// liaison managers and approvers with an address; when there are none,
// the IAB liaison coordinators, so that it always reaches someone.
func Approvers(org *Organization, d *Directory) []Mailbox {
	var out []Mailbox
	if org != nil {
		out = append(personBoxes(d.Managers(org)), personBoxes(org.Approvers)...)
	}
	recipientSets(&out)
	if len(out) == 0 {
		out = []Mailbox{coordinatorsBox(d)}
	}
	return out
}

// replyTo is where answers to the statement go: its response contacts,
// else its submitter.
func replyTo(s *Statement) []Mailbox {
	boxes, _ := addressBoxes(s.ResponseContacts)
	if len(boxes) == 0 && s.SubmitterEmail != "" {
		boxes = []Mailbox{{Name: s.SubmitterName, Email: s.SubmitterEmail}}
	}
	return boxes
}

// statementText is the statement as the Datatracker's liaison_mail.txt
// writes it: title, submission date, URL, deadline, both sides with their
// contacts, purpose, the statement it refers to, the body and the
// attachments.
func statementText(s *Statement, org *Organization, d *Directory, p MailPolicy, related *Statement) string {
	var b strings.Builder
	line := func(k, v string) { b.WriteString(k + ": " + v + "\n") }
	line("Title", strings.Join(strings.Fields(s.Title), " "))
	line("Submission Date", DateOf(s.Submitted.In(p.loc())).String())
	if u := StatementURL(p.PublicURL, s.ID); u != "" {
		line("URL of the IETF Web page", u)
	}
	if !s.Deadline.IsZero() {
		b.WriteString("Please reply by " + s.Deadline.String() + "\n")
	}
	from := s.From
	if who := replyTo(s); s.SubmitterName != "" || len(who) > 0 {
		person := s.SubmitterName
		if len(who) > 0 {
			person = strings.TrimSpace(person + " <" + who[0].Email + ">")
		}
		from += " (" + person + ")"
	}
	line("From", from)
	to := s.To
	if toBoxes, _, _ := PostingRecipients(s, org, d); len(s.ToContacts) > 0 || len(toBoxes) > 0 {
		names := s.ToContacts.String()
		if len(s.ToContacts) == 0 {
			names = joinMailboxes(toBoxes)
		}
		to += " (" + names + ")"
	}
	line("To", to)
	line("Cc", s.CC.String())
	line("Response Contact", s.ResponseContacts.String())
	line("Technical Contact", s.TechnicalContacts.String())
	line("Purpose", s.Purpose.Label())
	if related != nil {
		ref := related.Title
		if ref == "" {
			ref = related.Ref()
		}
		if u := StatementURL(p.PublicURL, related.ID); u != "" {
			ref += " (" + u + ")"
		} else {
			ref += " (" + related.Ref() + ")"
		}
		line("Referenced liaison", ref)
	} else if s.Related != 0 {
		line("Referenced liaison", Ref(s.Related))
	}
	b.WriteString("Body: " + s.Body + "\n")
	b.WriteString("Attachments:\n")
	if len(s.Attachments) == 0 {
		b.WriteString("\nNo document has been attached\n")
	}
	for _, a := range s.Attachments {
		title := a.Title
		if title == "" {
			title = a.URL
		}
		b.WriteString("\n    " + title + "\n")
		if a.URL != "" && a.URL != title {
			b.WriteString("    " + a.URL + "\n")
		}
	}
	return b.String()
}

// PostedEmail is the message that sends a posted outgoing statement, as
// the Datatracker sends it: Subject `New Liaison Statement, "<title>"`,
// to its recipients (see PostingRecipients), Bcc the archive. posted is
// the event that posted it; related is the statement it answers (nil if
// none), and inReplyTo that statement's Message-ID when it was sent from
// here ("" if not).
func PostedEmail(s *Statement, org *Organization, d *Directory, p MailPolicy, posted Event, related *Statement, inReplyTo string) Email {
	to, cc, missing := PostingRecipients(s, org, d)
	bcc := append([]Mailbox(nil), p.Bcc...)
	recipientSets(&to, &cc, &bcc)
	m := Email{
		Kind: MailPosted, MessageID: p.messageID(s, MailPosted, strconv.FormatInt(posted.ID, 10), posted.Time),
		Date: posted.Time, From: p.from(), ReplyTo: replyTo(s), To: to, Cc: cc, Bcc: bcc,
		Subject:   `New Liaison Statement, "` + strings.Join(strings.Fields(s.Title), " ") + `"`,
		Body:      statementText(s, org, d, p, related),
		NoAddress: missing,
	}
	if inReplyTo != "" {
		m.InReplyTo, m.References = inReplyTo, []string{inReplyTo}
	}
	return m
}

// ApprovalEmail asks the approvers of a pending outgoing statement (see
// Approvers) to approve it, as the Datatracker's pending_liaison_mail.txt
// does. ev is the event that made it pending (its submission, or its
// reopening).
func ApprovalEmail(s *Statement, org *Organization, d *Directory, p MailPolicy, ev Event, related *Statement) Email {
	var b strings.Builder
	b.WriteString("The following liaison statement will remain pending (and not publicly available) until you approve it:\n\n")
	b.WriteString(statementText(s, org, d, p, related))
	b.WriteString("\nTo approve it, tell liaisonbot “approve " + s.Ref() + "” (in Slack: /liaison approve " + s.Ref() + ")")
	if u := StatementURL(p.PublicURL, s.ID); u != "" {
		b.WriteString("; the statement is at " + u)
	}
	b.WriteString(".\n")
	return Email{
		Kind: MailApproval, MessageID: p.messageID(s, MailApproval, strconv.FormatInt(ev.ID, 10), ev.Time),
		Date: ev.Time, From: p.from(), ReplyTo: replyTo(s), To: Approvers(org, d),
		Subject: `New Liaison Statement, "` + strings.Join(strings.Fields(s.Title), " ") + `" needs your approval`,
		Body:    b.String(),
	}
}

// Unlinked are the people with an address and no chat account on any
// platform that delivers notices: a reminder reaches them only by email.
func (a Audience) Unlinked(people []Person) []Person {
	var out []Person
	for _, p := range people {
		if p.Email == "" {
			continue
		}
		linked := false
		for _, pl := range a.Platforms {
			linked = linked || p.ChatUser(pl) != ""
		}
		if !linked {
			out = append(out, p)
		}
	}
	return out
}

// ReminderEmail is a reminder mailed to the people it is for who have no
// chat account (to): what is due, the statement, and what to do.
func ReminderEmail(r Reminder, s *Statement, org *Organization, d *Directory, p MailPolicy, to []Person, at time.Time) Email {
	today := Today(at, p.loc())
	var b strings.Builder
	b.WriteString(r.Subject(s.Ref()) + ".\n")
	if !s.Deadline.IsZero() {
		b.WriteString("Deadline: " + DeadlineText(s, today) + "\n")
	}
	if r.Kind == RemindEscalation {
		if resp := Responsible(s, org, d); len(resp) > 0 {
			b.WriteString("Responsible: " + personLabels(resp) + "\n")
		}
	}
	b.WriteString("\n")
	b.WriteString(statementText(s, org, d, p, nil))
	b.WriteString("\n")
	switch r.Kind {
	case RemindApproval:
		b.WriteString("To approve it, tell liaisonbot “approve " + s.Ref() + "”.\n")
	default:
		b.WriteString("When the action is done, tell liaisonbot “taken " + s.Ref() + "”; to pause these reminders, “snooze " + s.Ref() + " 7”.\n")
	}
	if u := StatementURL(p.PublicURL, s.ID); u != "" {
		b.WriteString("The statement: " + u + "\n")
	}
	return Email{
		Kind: MailReminder, MessageID: p.messageID(s, MailReminder, strings.ReplaceAll(r.Key(), ":", "-"), at),
		Date: at, From: p.from(), ReplyTo: replyTo(s), To: personBoxes(to),
		Subject: "[" + r.Subject(s.Ref()) + "] " + strings.Join(strings.Fields(s.Title), " "),
		Body:    b.String(),
	}
}

func personLabels(ps []Person) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.Label()
		if p.Email != "" && p.Name != "" {
			s[i] += " <" + p.Email + ">"
		}
	}
	return strings.Join(s, ", ")
}

// MailRefusal is a recipient a mail server did not take the message for.
type MailRefusal struct {
	Address string `json:"address"`
	// Answer is the server's reply ("550 5.1.1 no such user").
	Answer string `json:"answer"`
	// Permanent is true for a 5xx answer: retrying cannot help. A 4xx one
	// is retried.
	Permanent bool `json:"permanent,omitempty"`
}

// MailProblem is what the chat notice of a failed email says: which
// message, and who did not get it and why.
type MailProblem struct {
	Kind      string        `json:"kind"`
	Subject   string        `json:"subject"`
	MessageID string        `json:"message_id"`
	Refused   []MailRefusal `json:"refused"`
}

// MailProblem is the chat notice that an email of s did not reach some of
// its recipients: to its submitter (a direct message where the submitter's
// platform delivers notices), else to the liaison channels.
func (a Audience) MailProblem(s *Statement, pr MailProblem) Notice {
	var targets []Target
	if pl, user, ok := strings.Cut(s.SubmitterKey, ":"); ok && user != "" && a.delivers(pl) {
		targets = append(targets, Target{Platform: pl, User: user})
	} else {
		for _, pl := range a.Platforms {
			if a.Liaison[pl] != "" {
				targets = append(targets, Target{Platform: pl, Channel: a.Liaison[pl]})
			}
		}
	}
	return Notice{Kind: NoticeMailProblem, Data: NoticeData{MailProblem: &pr, Subject: Subject(s)}, Targets: targets}
}

// MailProblemNotice says which recipients an email did not reach, with
// each server's answer.
func MailProblemNotice(pr MailProblem, s *Statement) Message {
	what := "The email"
	switch pr.Kind {
	case MailPosted:
		what = "The email sending " + s.Ref()
	case MailApproval:
		what = "The approval request for " + s.Ref()
	case MailReminder:
		what = "A reminder email about " + s.Ref()
	}
	blocks := []Block{Paragraph{Text: Line(Bold("⚠️ " + what + " did not reach everyone"))}}
	items := make([]Text, len(pr.Refused))
	for i, r := range pr.Refused {
		items[i] = Line(Mail(r.Address), Plain(": "+r.Answer))
	}
	blocks = append(blocks, Paragraph{Text: Words("“" + pr.Subject + "” was refused for:")}, List{Items: items})
	blocks = append(blocks, Context{Text: Words("The other recipients got it. Send it to these by hand, or correct the address and ask an admin to retry it (liaisonbot outbox).")})
	return Message{Blocks: blocks, Statement: s.ID, Summary: what + " did not reach " + fmt.Sprint(len(pr.Refused)) + " recipient(s)"}
}

// ContactDefaults fills in the form of an outgoing statement whose
// organization is known the To contacts with the organization's liaison
// contact point and the Cc with its IETF liaison managers, where the form
// has none yet (done lists the fields the submitter answered, even
// empty): defaults the submitter may change, as the Datatracker's form
// offers them.
func ContactDefaults(v map[string]string, done map[string]bool, d *Directory) {
	if d == nil || strings.TrimSpace(v[FOrg]) == "" {
		return
	}
	if dir := Direction(NormalizeKey(v[FDirection])); dir != Outgoing && dir != "" {
		return
	}
	m := d.Matcher().Match(v[FOrg])
	if m.Org == nil || !m.Exact {
		return
	}
	fill := func(key string, ps []Person) {
		if done[key] || strings.TrimSpace(v[key]) != "" {
			return
		}
		var l AddressList
		for _, b := range personBoxes(ps) {
			l = append(l, Address{Name: b.Name, Addr: b.Email})
		}
		if len(l) > 0 {
			v[key] = l.String()
		}
	}
	fill(FToContacts, m.Org.Contacts)
	fill(FCC, d.Managers(m.Org))
}
