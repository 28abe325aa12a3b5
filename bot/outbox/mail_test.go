package outbox_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
	"github.com/ietf-tools/liaisonbot/bot/email"
	"github.com/ietf-tools/liaisonbot/bot/email/smtptest"
	"github.com/ietf-tools/liaisonbot/bot/outbox"
	"github.com/ietf-tools/liaisonbot/bot/reminders"
	"github.com/ietf-tools/liaisonbot/storage"
	"github.com/ietf-tools/liaisonbot/storage/storagetest"
)

// mailEnv is a real SQLite file, a real SMTP server and a fake Slack.
type mailEnv struct {
	*env
	srv   *smtptest.Server
	slack *fakeChat
	path  string
}

var submitter = bot.Actor{Platform: "slack", UserID: "UJANE", Name: "Jane Doe", Email: "jane@example.org", Admin: true}

func newMailEnv(t *testing.T) *mailEnv {
	ctx := context.Background()
	c := storagetest.NewClock(time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC))
	path := filepath.Join(t.TempDir(), "bot.db")
	db := storagetest.Open(t, storagetest.Now(c.Now), storagetest.Path(path))
	aud := bot.Audience{Platforms: []string{"slack"}, Liaison: map[string]string{"slack": "CLIAISON"},
		Mail: bot.MailPolicy{Send: true, From: bot.Mailbox{Name: "Liaison Tool", Email: "liaisons@example.org"},
			Bcc: []bot.Mailbox{{Email: "archive@example.org"}}, PublicURL: "https://liaisons.example.org", Location: time.UTC}}
	d, _ := db.Directory(ctx)
	return &mailEnv{env: &env{t: t, db: db, aud: aud, clock: c, org: d.OrgByAcronym("3GPP")},
		srv: smtptest.Start(t, smtptest.Auth("bot", "pw")), slack: &fakeChat{platform: "slack"}, path: path}
}

func (e *mailEnv) mailer() *email.Sender {
	return &email.Sender{Host: e.srv.Host, Port: e.srv.Port, Security: email.StartTLS, Username: "bot", Password: "pw",
		HELO: "bot.example.org", TLSConfig: e.srv.ClientTLS(), Timeout: 10 * time.Second}
}

func (e *mailEnv) mailDispatcher(db *storage.DB) *outbox.Dispatcher {
	return &outbox.Dispatcher{Store: db, Chats: map[string]bot.Chat{"slack": e.slack, bot.PlatformEmail: e.mailer()},
		Now: e.clock.Now, BackoffBase: time.Second, BackoffMax: 4 * time.Second, Audience: e.aud,
		Logger: slog.New(slog.DiscardHandler)}
}

// write runs a change through the audience as the commands do: the
// statement, its events, its notices and its emails in one transaction.
func (e *mailEnv) write(fn func(tx bot.Tx, d *bot.Directory) error) {
	e.t.Helper()
	d, err := e.db.Directory(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	if err := e.aud.Update(context.Background(), e.db, func(tx bot.Tx) error { return fn(tx, d) }); err != nil {
		e.t.Fatal(err)
	}
}

// submit stores a pending outgoing statement to 3GPP (its approval
// request is mailed).
func (e *mailEnv) submit(title string, mod func(*bot.Statement)) *bot.Statement {
	s := &bot.Statement{Direction: bot.Outgoing, From: "opsawg", To: "3GPP", OrgID: e.org.ID, Title: title, Purpose: bot.PurposeAction,
		Deadline: bot.Date{Y: 2027, M: 1, D: 15}, Body: "Please review.",
		ToContacts: bot.MustParseAddressList("Håkon Ødegård <hakon@3gpp.example>, The CT chair"), CC: bot.MustParseAddressList("cc@example.org"),
		ResponseContacts: bot.MustParseAddressList("resp@example.org")}
	if mod != nil {
		mod(s)
	}
	n, events, err := bot.NewStatement(s, submitter, nil, nil, e.clock.Now())
	if err != nil {
		e.t.Fatal(err)
	}
	e.write(func(tx bot.Tx, d *bot.Directory) error {
		if _, err := tx.Create(n, "", events...); err != nil {
			return err
		}
		_, err := tx.Mail(n, events, d.StatementOrg(n), d)
		return err
	})
	return n
}

// post posts it (approved, then posted: the statement is mailed).
func (e *mailEnv) post(id int64) {
	for _, m := range []bot.Move{bot.MoveApprove, bot.MovePost} {
		e.write(func(tx bot.Tx, d *bot.Directory) error {
			s, err := tx.Statement(id)
			if err != nil {
				return err
			}
			n, evs, err := bot.ApplyMove(s, m, submitter, "", e.clock.Now())
			if err != nil {
				return err
			}
			if err := tx.Save(n, evs...); err != nil {
				return err
			}
			_, err = tx.Mail(n, evs, d.StatementOrg(n), d)
			return err
		})
	}
}

// subjects are the messages' subjects, decoded.
func subjects(ms []smtptest.Message) []string {
	var out []string
	for _, m := range ms {
		out = append(out, decodeSubject(m))
	}
	return out
}

func decodeSubject(m smtptest.Message) string {
	h := m.Header()
	sub, err := new(mime.WordDecoder).DecodeHeader(h.Get("Subject"))
	if err != nil {
		return h.Get("Subject")
	}
	return sub
}

// decodeQP is the message's body, decoded.
func decodeQP(t *testing.T, m smtptest.Message) string {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
	if err != nil {
		t.Fatal(err)
	}
	return strings.ReplaceAll(string(b), "\r\n", "\n")
}

func TestMail_ApprovalRequestThenPostedStatementExactlyOnce(t *testing.T) {
	e := newMailEnv(t)
	s := e.submit("Réponse sur les modèles YANG", nil)
	e.post(s.ID)
	e.drain(e.mailDispatcher(e.db), 100)

	msgs := e.srv.Messages()
	if len(msgs) != 2 {
		t.Fatalf("%d messages: %q", len(msgs), subjects(msgs))
	}
	if strings.Contains(msgs[0].Header().Get("Message-Id"), ".posted.") {
		msgs[0], msgs[1] = msgs[1], msgs[0] // two messages, sent side by side
	}
	// The approval request: 3GPP's manager has no address on record, so
	// the coordinators (#9457: it must reach someone).
	ap := msgs[0]
	if got := decodeSubject(ap); got != `New Liaison Statement, "Réponse sur les modèles YANG" needs your approval` {
		t.Errorf("approval subject %q", got)
	}
	if !reflect.DeepEqual(ap.To, []string{"liaison-coordination@iab.org"}) || !ap.TLS || ap.User != "bot" {
		t.Errorf("approval envelope %v TLS %v user %q", ap.To, ap.TLS, ap.User)
	}
	// The statement: To its contact, Cc its Cc, response contact and the
	// coordinators, Bcc the archive.
	p := msgs[1]
	want := []string{"hakon@3gpp.example", "cc@example.org", "resp@example.org", "liaison-coordination@iab.org", "archive@example.org"}
	if !reflect.DeepEqual(p.To, want) || p.From != "liaisons@example.org" {
		t.Errorf("posted envelope from %q to %v, want %v", p.From, p.To, want)
	}
	h := p.Header()
	if got := decodeSubject(p); got != `New Liaison Statement, "Réponse sur les modèles YANG"` {
		t.Errorf("subject %q", got)
	}
	if !strings.HasPrefix(h.Get("Message-Id"), "<ls-1.posted.") || strings.Contains(string(p.Data), "archive@") {
		t.Errorf("Message-ID %q / Bcc shown:\n%s", h.Get("Message-Id"), p.Data)
	}
	body := decodeQP(t, p)
	for _, line := range []string{"Title: Réponse sur les modèles YANG\n", "Submission Date: 2026-11-26\n",
		"URL of the IETF Web page: https://liaisons.example.org/statements/LS-1\n", "Please reply by 2027-01-15\n",
		"From: opsawg (Jane Doe <resp@example.org>)\n", "To: 3GPP (Håkon Ødegård <hakon@3gpp.example>, The CT chair)\n",
		"Purpose: For Action\n", "Body: Please review.\n", "No document has been attached\n"} {
		if !strings.Contains(body, line) {
			t.Errorf("body lacks %q:\n%s", line, body)
		}
	}
	// Nothing left, nothing failed; running again sends nothing more.
	if st, _ := e.db.OutboxStats(context.Background(), e.clock.Now()); st.Pending != 0 || st.Failed != 0 {
		t.Fatalf("outbox %+v", st)
	}
	if _, err := e.mailDispatcher(e.db).RunOnce(context.Background()); err != nil || len(e.srv.Messages()) != 2 {
		t.Fatalf("sent again: %v %d", err, len(e.srv.Messages()))
	}
}

func TestMail_ReplyCarriesInReplyToOfTheStatementItAnswers(t *testing.T) {
	e := newMailEnv(t)
	first := e.submit("LS on YANG", nil)
	e.post(first.ID)
	reply := e.submit("Reply on YANG", func(s *bot.Statement) { s.Purpose, s.Deadline, s.Related = bot.PurposeResponse, bot.Date{}, first.ID })
	e.post(reply.ID)
	e.drain(e.mailDispatcher(e.db), 100)
	posted := make([]smtptest.Message, 2)
	for _, m := range e.srv.Messages() {
		for i, prefix := range []string{"<ls-1.posted.", "<ls-2.posted."} {
			if strings.HasPrefix(m.Header().Get("Message-Id"), prefix) {
				posted[i] = m
			}
		}
	}
	id := posted[0].Header().Get("Message-Id")
	h := posted[1].Header()
	if h.Get("In-Reply-To") != id || h.Get("References") != id {
		t.Errorf("In-Reply-To %q References %q, want %q", h.Get("In-Reply-To"), h.Get("References"), id)
	}
	if body := decodeQP(t, posted[1]); !strings.Contains(body, "Referenced liaison: LS on YANG (https://liaisons.example.org/statements/LS-1)\n") {
		t.Errorf("body:\n%s", body)
	}
}

func TestMail_DeferredRecipientRetriedWithBackoffSameMessageID(t *testing.T) {
	e := newMailEnv(t)
	e.srv.RefuseRcpt("cc@example.org", 451, "greylisted, try again later", 2)
	s := e.submit("Greylisted", nil)
	e.post(s.ID)
	d := e.mailDispatcher(e.db)
	e.drain(d, 200)
	var posted []smtptest.Message
	for _, m := range e.srv.Messages() {
		if strings.HasPrefix(m.Header().Get("Message-Id"), "<ls-1.posted.") {
			posted = append(posted, m)
		}
	}
	if len(posted) != 2 {
		t.Fatalf("%d copies of the posted statement", len(posted))
	}
	if got := posted[1].To; !reflect.DeepEqual(got, []string{"cc@example.org"}) {
		t.Errorf("the retry went to %v", got)
	}
	for _, m := range posted[0].To {
		if m == "cc@example.org" {
			t.Error("the deferred recipient got the first copy")
		}
	}
	if posted[0].Header().Get("Message-Id") != posted[1].Header().Get("Message-Id") || string(posted[0].Data) != string(posted[1].Data) {
		t.Error("the retry is not the same message")
	}
	if st, _ := e.db.OutboxStats(context.Background(), e.clock.Now()); st.Pending != 0 || st.Failed != 0 {
		t.Fatalf("outbox %+v", st)
	}
	// Nobody was told anything went wrong: a 4xx is not a failure.
	for _, del := range e.slack.deliveries() {
		if del.Target.User != "" {
			t.Errorf("a direct message: %s", del.Message.Summary)
		}
	}
}

func TestMail_RefusedRecipientParkedOthersGetItSubmitterTold(t *testing.T) {
	e := newMailEnv(t)
	e.srv.RefuseRcpt("hakon@3gpp.example", 550, "5.1.1 no such user", 1)
	s := e.submit("Bounced", nil)
	e.post(s.ID)
	e.drain(e.mailDispatcher(e.db), 200)

	var posted *smtptest.Message
	for _, m := range e.srv.Messages() {
		if strings.HasPrefix(m.Header().Get("Message-Id"), "<ls-1.posted.") {
			m := m
			posted = &m
		}
	}
	if posted == nil || !reflect.DeepEqual(posted.To, []string{"cc@example.org", "resp@example.org", "liaison-coordination@iab.org", "archive@example.org"}) {
		t.Fatalf("posted: %+v", posted)
	}
	// The refused recipient is parked with the server's answer.
	list, err := e.db.OutboxList(context.Background(), 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].Status != "failed" || list[0].Kind != bot.NoticeMail ||
		!reflect.DeepEqual(list[0].Recipients, []string{"hakon@3gpp.example"}) || !strings.Contains(list[0].LastError, "550") ||
		!strings.Contains(list[0].LastError, "no such user") {
		t.Fatalf("outbox: %+v", list)
	}
	// The submitter is told in a direct message.
	var told []string
	for _, del := range e.slack.deliveries() {
		if del.Target.User == "UJANE" {
			told = append(told, del.Message.Summary)
			txt := fmt.Sprint(del.Message.Blocks)
			if !strings.Contains(txt, "hakon@3gpp.example") || !strings.Contains(txt, "550") {
				t.Errorf("the notice: %s", txt)
			}
		}
	}
	if len(told) != 1 || !strings.Contains(told[0], "did not reach 1 recipient") {
		t.Fatalf("the submitter was told %q", told)
	}
	// Once the address works, "outbox retry" sends it to that recipient
	// alone, the same message.
	if n, err := e.db.OutboxRetry(context.Background(), []int64{list[0].ID}); err != nil || n != 1 {
		t.Fatalf("retry: %d %v", n, err)
	}
	before := len(e.srv.Messages())
	e.drain(e.mailDispatcher(e.db), 100)
	again := e.srv.Messages()[before:]
	if len(again) != 1 || !reflect.DeepEqual(again[0].To, []string{"hakon@3gpp.example"}) || string(again[0].Data) != string(posted.Data) {
		t.Fatalf("the retry: %+v", again)
	}
}

func TestMail_ExactlyOnceAcrossARestartAndWithTwoProcesses(t *testing.T) {
	e := newMailEnv(t)
	for i := range 6 {
		s := e.submit(fmt.Sprintf("Statement %d", i), nil)
		e.post(s.ID)
	}
	// 6 approval requests and 6 statements. A first dispatcher sends a
	// few and stops; its successor (a restart) and a second process on
	// the same file share the rest.
	first := e.mailDispatcher(e.db)
	first.Batch = 1
	for i := 0; i < 50 && len(e.srv.Messages()) < 2; i++ {
		if _, err := first.RunOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(e.srv.Messages()); n == 0 || n >= 12 {
		t.Fatalf("the first run sent %d", n)
	}
	other := storagetest.Open(t, storagetest.Now(e.clock.Now), storagetest.Path(e.path), storagetest.Unseeded())
	var wg sync.WaitGroup
	for i, db := range []*storage.DB{e.db, other} {
		d := e.mailDispatcher(db)
		d.Owner, d.Batch = fmt.Sprintf("process-%d", i), 3
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 300 {
				if _, err := d.RunOnce(context.Background()); err != nil {
					t.Error(err)
					return
				}
				if st, _ := db.OutboxStats(context.Background(), e.clock.Now()); st.Pending == 0 {
					return
				}
			}
		}()
	}
	wg.Wait()
	ids := map[string]int{}
	for _, m := range e.srv.Messages() {
		ids[m.Header().Get("Message-Id")]++
	}
	if len(ids) != 12 {
		t.Errorf("%d distinct messages, want 12", len(ids))
	}
	var twice []string
	for id, n := range ids {
		if n != 1 {
			twice = append(twice, id)
		}
	}
	sort.Strings(twice)
	if len(twice) > 0 {
		t.Errorf("sent more than once: %v", twice)
	}
}

func TestMail_ReminderToApproversWithoutAChatAccount(t *testing.T) {
	e := newMailEnv(t)
	s := e.submit("Waiting", nil)
	e.drain(e.mailDispatcher(e.db), 100) // the approval request
	before := len(e.srv.Messages())
	// Three days later the approval reminder is due.
	e.clock.Set(time.Date(2026, 11, 29, 9, 30, 0, 0, time.UTC))
	sw := &reminders.Sweeper{Store: e.db, Schedule: bot.DefaultSchedule(), Now: e.clock.Now, Audience: e.aud, Logger: slog.New(slog.DiscardHandler)}
	if n, err := sw.Sweep(context.Background()); err != nil || n != 1 {
		t.Fatalf("sweep: %d %v", n, err)
	}
	e.drain(e.mailDispatcher(e.db), 100)
	msgs := e.srv.Messages()[before:]
	if len(msgs) != 1 {
		t.Fatalf("%d reminder emails", len(msgs))
	}
	m := msgs[0]
	if got := decodeSubject(m); got != "[LS-1 has waited 3 days for approval] Waiting" {
		t.Errorf("subject %q", got)
	}
	if !reflect.DeepEqual(m.To, []string{"liaison-coordination@iab.org"}) {
		t.Errorf("to %v", m.To)
	}
	if body := decodeQP(t, m); !strings.Contains(body, "approve LS-1") || !strings.Contains(body, "Title: Waiting\n") {
		t.Errorf("body:\n%s", body)
	}
	// A second sweep sends nothing more.
	if n, _ := sw.Sweep(context.Background()); n != 0 {
		t.Errorf("swept %d again", n)
	}
	_ = s
}

func TestMail_MessageRefusedWholeParksEveryRecipientOnce(t *testing.T) {
	e := newMailEnv(t)
	s := e.submit("Spam?", nil)
	e.drain(e.mailDispatcher(e.db), 100) // the approval request goes
	e.srv.RefuseData(554, "5.7.1 rejected as spam", 1)
	e.post(s.ID)
	e.drain(e.mailDispatcher(e.db), 100)
	list, err := e.db.OutboxList(context.Background(), 100)
	if err != nil {
		t.Fatal(err)
	}
	var parked []string
	for _, x := range list {
		if x.Status != "failed" || x.Kind != bot.NoticeMail || len(x.Recipients) != 1 || !strings.Contains(x.LastError, "554") {
			t.Errorf("row %+v", x)
			continue
		}
		parked = append(parked, x.Recipients[0])
	}
	if want := "[hakon@3gpp.example cc@example.org resp@example.org liaison-coordination@iab.org archive@example.org]"; fmt.Sprint(parked) != want {
		t.Errorf("parked %v, want %s", parked, want)
	}
	told := 0
	for _, del := range e.slack.deliveries() {
		if del.Target.User == "UJANE" {
			told++
		}
	}
	if told != 1 {
		t.Errorf("the submitter was told %d times", told)
	}
}
