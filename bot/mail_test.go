package bot

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func mailPolicy() MailPolicy {
	return MailPolicy{Send: true, From: Mailbox{Name: "Liaison Tool", Email: "liaisons@example.org"},
		Bcc: []Mailbox{{Email: "archive@example.org"}}, PublicURL: "https://liaisons.example.org", Location: time.UTC}
}

func mailStatement() *Statement {
	return &Statement{ID: 12, Direction: Outgoing, From: "opsawg, netmod", To: "3GPP", OrgID: 1,
		Title: "Réponse  sur les modèles YANG", Purpose: PurposeAction, Deadline: Date{2027, 1, 15},
		Body: "Dear colleagues,\n\nplease see attached.", Related: 9,
		Attachments:       Attachments{{Title: "LS text", URL: "https://example.org/ls.pdf"}, {URL: "https://example.org/annex.docx"}},
		ToContacts:        MustParseAddressList("Håkon Ødegård <hakon@3gpp.example>, The 3GPP CT chair"),
		CC:                MustParseAddressList("Coord <coord@example.org>, hakon@3gpp.example"),
		ResponseContacts:  MustParseAddressList("Jürgen Schönwälder <js@example.org>"),
		TechnicalContacts: MustParseAddressList("tech@example.org, IESG"),
		State:             StatePosted, SubmitterKey: "slack:UJANE", SubmitterName: "Jane Doe", SubmitterEmail: "jane@example.org",
		Submitted: time.Date(2026, 12, 3, 23, 30, 0, 0, time.UTC)}
}

func names(ms []Mailbox) string {
	s := make([]string, len(ms))
	for i, m := range ms {
		s[i] = m.String()
	}
	return strings.Join(s, " | ")
}

func TestPostedEmail_RecipientsHeadersAndBodyAsTheDatatrackerSends(t *testing.T) {
	d, org := workflowDir()
	s := mailStatement()
	related := &Statement{ID: 9, Title: "LS on YANG"}
	posted := Event{ID: 345, Type: EventPosted, Time: time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)}
	m := PostedEmail(s, org, d, mailPolicy(), posted, related, "ls-9.posted.20.1764000000@example.org")

	if got, want := names(m.To), "Håkon Ødegård <hakon@3gpp.example>"; got != want {
		t.Errorf("To %q, want %q", got, want)
	}
	// Cc: the Cc list (hakon is already in To), the response and technical
	// contacts, and the coordinators' list last.
	if got, want := names(m.Cc), "Coord <coord@example.org> | Jürgen Schönwälder <js@example.org> | tech@example.org | IAB liaison coordinators <liaison-coordination@iab.org>"; got != want {
		t.Errorf("Cc %q\nwant %q", got, want)
	}
	if names(m.Bcc) != "archive@example.org" || names(m.ReplyTo) != "Jürgen Schönwälder <js@example.org>" {
		t.Errorf("Bcc %q Reply-To %q", names(m.Bcc), names(m.ReplyTo))
	}
	if fmt.Sprint(m.NoAddress) != "[The 3GPP CT chair IESG]" {
		t.Errorf("no address: %q", m.NoAddress)
	}
	if m.Subject != `New Liaison Statement, "Réponse sur les modèles YANG"` || m.From.Email != "liaisons@example.org" {
		t.Errorf("Subject %q From %v", m.Subject, m.From)
	}
	if m.MessageID != "ls-12.posted.345.1796464800@example.org" || m.InReplyTo != "ls-9.posted.20.1764000000@example.org" ||
		fmt.Sprint(m.References) != "[ls-9.posted.20.1764000000@example.org]" || !m.Date.Equal(posted.Time) {
		t.Errorf("ids: %q %q %q %v", m.MessageID, m.InReplyTo, m.References, m.Date)
	}
	if got := fmt.Sprint(m.Recipients()); got != "[hakon@3gpp.example coord@example.org js@example.org tech@example.org liaison-coordination@iab.org archive@example.org]" {
		t.Errorf("recipients %s", got)
	}
	want := `Title: Réponse sur les modèles YANG
Submission Date: 2026-12-03
URL of the IETF Web page: https://liaisons.example.org/statements/LS-12
Please reply by 2027-01-15
From: opsawg, netmod (Jane Doe <js@example.org>)
To: 3GPP (Håkon Ødegård <hakon@3gpp.example>, The 3GPP CT chair)
Cc: Coord <coord@example.org>, hakon@3gpp.example
Response Contact: Jürgen Schönwälder <js@example.org>
Technical Contact: tech@example.org, IESG
Purpose: For Action
Referenced liaison: LS on YANG (https://liaisons.example.org/statements/LS-9)
Body: Dear colleagues,

please see attached.
Attachments:

    LS text
    https://example.org/ls.pdf

    https://example.org/annex.docx
`
	if m.Body != want {
		t.Errorf("body:\n%s\nwant:\n%s", m.Body, want)
	}
	if !strings.HasPrefix(m.Text(), "From: Liaison Tool <liaisons@example.org>\nReply-To: ") || !strings.Contains(m.Text(), "\nBcc: archive@example.org\n") ||
		!strings.Contains(m.Text(), "\nMessage-ID: <ls-12.posted.345.1796464800@example.org>\n") || !strings.HasSuffix(m.Text(), "\n\n"+want) {
		t.Errorf("text:\n%s", m.Text())
	}
}

func TestPostingRecipients_ToFallsBackToTheContactPointAndCoordinatorsAlwaysCopied(t *testing.T) {
	d, org := workflowDir()
	s := &Statement{ID: 3, Direction: Outgoing, ToContacts: MustParseAddressList("The CT chair")}
	to, cc, missing := PostingRecipients(s, org, d)
	if names(to) != "Carl Contact <contact@example.org>" || names(cc) != "IAB liaison coordinators <liaison-coordination@iab.org>" ||
		fmt.Sprint(missing) != "[The CT chair]" {
		t.Errorf("to %q cc %q missing %q", names(to), names(cc), missing)
	}
	// Nobody at all on record: the coordinators still get it.
	to, cc, _ = PostingRecipients(&Statement{ID: 4}, nil, &Directory{})
	if len(to) != 0 || names(cc) != "IAB liaison coordinators <liaison-coordination@iab.org>" {
		t.Errorf("to %q cc %q", names(to), names(cc))
	}
}

func TestApprovers_AlwaysSomeone(t *testing.T) {
	d, org := workflowDir()
	if got := names(Approvers(org, d)); got != "Manny Manager <manager@example.org> | Ada Approver <approver@example.org>" {
		t.Errorf("approvers %q", got)
	}
	// Datatracker #9457: an approval request that reached nobody. No
	// manager or approver with an address: the coordinators.
	bare := &Organization{ID: 2, Acronym: "X", Managers: []Person{{Name: "No Address"}}}
	d.Orgs = append(d.Orgs, bare)
	if got := names(Approvers(bare, d)); got != "IAB liaison coordinators <liaison-coordination@iab.org>" {
		t.Errorf("approvers %q", got)
	}
	if got := names(Approvers(nil, d)); got != "IAB liaison coordinators <liaison-coordination@iab.org>" {
		t.Errorf("approvers of no organization %q", got)
	}
}

// mailTx is a transaction that remembers the Message-IDs of emails.
type mailTx struct {
	noticeTx
	sent map[int64]string
}

func (f *mailTx) MailMessageID(id int64, kind string) (string, error) { return f.sent[id], nil }

func TestTx_MailOnlyForOutgoingPostedOrPendingAndOnlyWhenSending(t *testing.T) {
	d, org := workflowDir()
	f := &mailTx{noticeTx: noticeTx{reminded: map[string]bool{}}, sent: map[int64]string{9: "ls-9.posted.1.2@example.org"}}
	f.byID = map[int64]*Statement{9: {ID: 9, Title: "Earlier"}}
	tx := Tx{StatementTx: f, Audience: Audience{Mail: mailPolicy()}}
	now := time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)

	s := mailStatement()
	ms, err := tx.Mail(s, []Event{{ID: 1, Type: EventSubmitted, Time: now}, {ID: 2, Type: EventPosted, Time: now}, {ID: 3, Type: EventTagged}}, org, d)
	if err != nil || len(ms) != 1 || ms[0].Kind != MailPosted || ms[0].InReplyTo != "ls-9.posted.1.2@example.org" {
		t.Fatalf("posted with prior approval: %v %+v", err, ms)
	}
	if len(f.enqueued) != 1 || f.enqueued[0].Kind != NoticeMail || fmt.Sprint(f.enqueued[0].Targets) != "[email:#"+ms[0].MessageID+"]" ||
		f.enqueued[0].Data.Mail.Subject != ms[0].Subject {
		t.Fatalf("enqueued %+v", f.enqueued)
	}

	pending := mailStatement()
	pending.State, pending.Related = StatePending, 0
	ms, err = tx.Mail(pending, []Event{{ID: 4, Type: EventSubmitted, Time: now}}, org, d)
	if err != nil || len(ms) != 1 || ms[0].Kind != MailApproval || names(ms[0].To) != "Manny Manager <manager@example.org> | Ada Approver <approver@example.org>" ||
		ms[0].Subject != `New Liaison Statement, "Réponse sur les modèles YANG" needs your approval` || ms[0].InReplyTo != "" {
		t.Fatalf("approval request: %v %+v", err, ms)
	}
	if !strings.HasPrefix(ms[0].Body, "The following liaison statement will remain pending") || !strings.Contains(ms[0].Body, "approve LS-12") {
		t.Errorf("approval body:\n%s", ms[0].Body)
	}

	// What sends nothing: an approval, an incoming statement, a tag.
	before := len(f.enqueued)
	for name, tc := range map[string]struct {
		s      *Statement
		events []Event
	}{
		"approved":  {&Statement{ID: 5, Direction: Outgoing, State: StateApproved}, []Event{{Type: EventApproved}}},
		"incoming":  {&Statement{ID: 6, Direction: Incoming, State: StatePosted}, []Event{{Type: EventPosted}}},
		"tag":       {&Statement{ID: 7, Direction: Outgoing, State: StatePosted}, []Event{{Type: EventTagged}}},
		"dead":      {&Statement{ID: 8, Direction: Outgoing, State: StateDead}, []Event{{Type: EventKilled}}},
		"comment":   {&Statement{ID: 9, Direction: Outgoing, State: StatePending}, []Event{{Type: EventComment}}},
		"no events": {&Statement{ID: 10, Direction: Outgoing, State: StatePosted}, nil},
	} {
		if ms, err := tx.Mail(tc.s, tc.events, org, d); err != nil || len(ms) != 0 {
			t.Errorf("%s: %v %+v", name, err, ms)
		}
	}
	if len(f.enqueued) != before {
		t.Errorf("wrote %d more", len(f.enqueued)-before)
	}

	// Without SMTP: composed (for the answer), not written.
	quiet := Tx{StatementTx: f, Audience: Audience{Mail: MailPolicy{From: mailPolicy().From}}}
	ms, err = quiet.Mail(s, []Event{{ID: 9, Type: EventPosted, Time: now}}, org, d)
	if err != nil || len(ms) != 1 || len(f.enqueued) != before {
		t.Errorf("without SMTP: %v %d composed, %d written", err, len(ms), len(f.enqueued)-before)
	}
}

func TestTx_RemindMailsOnlyThePeopleWithoutAChatAccount(t *testing.T) {
	d, org := workflowDir()
	// The manager is on Slack; the approver and the coordinators' list are not.
	org.Managers[0].Chat = []ChatIdentity{{Platform: PlatformSlack, UserID: "UMANNY"}}
	f := &mailTx{noticeTx: noticeTx{reminded: map[string]bool{}}}
	aud := testAudience()
	aud.Mail = mailPolicy()
	tx := Tx{StatementTx: f, Audience: aud}
	s := mailStatement()
	s.State, s.Related = StatePending, 0
	at := time.Date(2026, 12, 8, 9, 0, 0, 0, time.UTC)
	r := Reminder{Kind: RemindApproval, Due: Date{2026, 12, 8}, Days: 3}
	if ok, err := tx.Remind(s, r, org, d, Event{Type: EventReminded, Time: at, Reminder: r.Key()}); !ok || err != nil {
		t.Fatal(ok, err)
	}
	if len(f.enqueued) != 2 || f.enqueued[0].Kind != NoticeReminder || f.enqueued[1].Kind != NoticeMail {
		t.Fatalf("%+v", f.enqueued)
	}
	m := f.enqueued[1].Data.Mail
	if got := names(m.To); got != "Ada Approver <approver@example.org> | IAB liaison coordinators <liaison-coordination@iab.org>" {
		t.Errorf("to %q", got)
	}
	if m.Subject != "[LS-12 has waited 3 days for approval] Réponse sur les modèles YANG" || m.MessageID != "ls-12.reminder.approval-2026-12-08.1796720400@example.org" {
		t.Errorf("subject %q id %q", m.Subject, m.MessageID)
	}
	if !strings.HasPrefix(m.Body, "LS-12 has waited 3 days for approval.\nDeadline: 2027-01-15 (in 38 days)\n\nTitle: ") ||
		!strings.Contains(m.Body, "approve LS-12") {
		t.Errorf("body:\n%s", m.Body)
	}
	// Once: a second sweep writes nothing.
	if ok, _ := tx.Remind(s, r, org, d, Event{Type: EventReminded, Time: at, Reminder: r.Key()}); ok || len(f.enqueued) != 2 {
		t.Errorf("reminded twice")
	}
	// Everyone linked: no email.
	org.Approvers[0].Chat = []ChatIdentity{{Platform: PlatformZulip, UserID: "7"}}
	d.Coordinators.Email = ""
	esc := Reminder{Kind: RemindBefore, Due: Date{2027, 1, 8}, Days: 7}
	s.State = StatePosted
	s.ActionRequired = true
	if ok, err := tx.Remind(s, esc, org, d, Event{Type: EventReminded, Time: at, Reminder: esc.Key()}); !ok || err != nil || len(f.enqueued) != 3 {
		t.Errorf("linked manager: %v %v %d", ok, err, len(f.enqueued))
	}
}

func TestAudience_MailProblemToTheSubmitter(t *testing.T) {
	s := mailStatement()
	pr := MailProblem{Kind: MailPosted, Subject: "New Liaison Statement, \"x\"", Refused: []MailRefusal{{Address: "ct@3gpp.example", Answer: "550 5.1.1 no such user", Permanent: true}}}
	n := testAudience().MailProblem(s, pr)
	if fmt.Sprint(n.Targets) != "[slack:@UJANE]" || n.Kind != NoticeMailProblem || n.Data.MailProblem.Refused[0].Address != "ct@3gpp.example" {
		t.Errorf("%+v", n)
	}
	// Submitted on the console: the liaison channels.
	s.SubmitterKey = "console:local"
	if n := testAudience().MailProblem(s, pr); fmt.Sprint(n.Targets) != "[slack:#CLIAISON zulip:#liaison]" {
		t.Errorf("%v", n.Targets)
	}
	msg := MailProblemNotice(pr, s)
	if !strings.Contains(msg.Summary, "did not reach 1 recipient") || len(msg.Blocks) != 4 {
		t.Errorf("%+v", msg)
	}
}

func TestContactDefaults_ToTheContactPointCcTheManagersUnlessGiven(t *testing.T) {
	d, _ := workflowDir()
	v := map[string]string{FOrg: "3GPP", FDirection: "outgoing"}
	ContactDefaults(v, nil, d)
	if v[FToContacts] != "Carl Contact <contact@example.org>" || v[FCC] != "Manny Manager <manager@example.org>" {
		t.Errorf("defaults %q %q", v[FToContacts], v[FCC])
	}
	// Given, or answered empty: kept.
	v = map[string]string{FOrg: "3GPP", FToContacts: "x@example.org"}
	ContactDefaults(v, map[string]bool{FCC: true}, d)
	if v[FToContacts] != "x@example.org" || v[FCC] != "" {
		t.Errorf("kept %q %q", v[FToContacts], v[FCC])
	}
	// Incoming, or an organization that is not known: nothing.
	for _, v := range []map[string]string{{FOrg: "3GPP", FDirection: "incoming"}, {FOrg: "Nowhere"}, {}} {
		ContactDefaults(v, nil, d)
		if v[FToContacts] != "" || v[FCC] != "" {
			t.Errorf("%v filled", v)
		}
	}
}

func TestConversation_OffersTheContactDefaultsOnceTheOrganizationIsKnown(t *testing.T) {
	d, _ := workflowDir()
	env := FormEnv{Today: Date{2026, 12, 1}, Dir: d}
	c := NewConversation("New", map[string]string{FOrg: "3GPP"}, env, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	if c.Values[FToContacts] != "Carl Contact <contact@example.org>" || c.Done[FToContacts] {
		t.Errorf("To contacts %q done %v: a default to keep or change", c.Values[FToContacts], c.Done[FToContacts])
	}
}

func TestReminderEmail_EscalationToTheCoordinatorsNamesWhoIsResponsible(t *testing.T) {
	d, org := workflowDir()
	s := mailStatement()
	s.ActionRequired = true
	r := Reminder{Kind: RemindEscalation, Due: Date{2027, 1, 18}, Days: 3, Deadline: s.Deadline}
	aud := Audience{Platforms: []string{PlatformSlack}, Mail: mailPolicy()}
	to := aud.Unlinked(ReminderRecipients(r, s, org, d))
	m := ReminderEmail(r, s, org, d, mailPolicy(), to, time.Date(2027, 1, 18, 9, 0, 0, 0, time.UTC))
	if got := names(m.To); got != "IAB liaison coordinators <liaison-coordination@iab.org> | Cora Coordinator <coord@example.org>" {
		t.Errorf("to %q", got)
	}
	if m.Subject != "[LS-12 is 3 days overdue: escalated to the IAB liaison coordinators] Réponse sur les modèles YANG" {
		t.Errorf("subject %q", m.Subject)
	}
	if !strings.Contains(m.Body, "Responsible: Manny Manager <manager@example.org>") || !strings.Contains(m.Body, "taken LS-12") {
		t.Errorf("body:\n%s", m.Body)
	}
}
