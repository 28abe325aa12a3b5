package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
	"github.com/ietf-tools/liaisonbot/bot/web"
)

func TestStatementPage_FieldsHistoryAndReplyChain(t *testing.T) {
	h := newHarness(t, web.Config{})
	at := func(d int) time.Time { return time.Date(2026, 10, d, 9, 30, 0, 0, time.UTC) }
	question := h.put(&bot.Statement{Direction: bot.Incoming, From: "ITU-T-SG-15", To: "IAB, IESG", Title: "LS on OTN YANG",
		Purpose: bot.PurposeAction, Deadline: bot.Date{Y: 2026, M: 12, D: 1}, State: bot.StatePosted, ActionRequired: true,
		OrgID: h.dir.OrgByAcronym("ITU-T").ID, Submitted: at(1), SubmitterName: "Tsbsg15"})
	answer := h.put(&bot.Statement{From: "ccamp, mpls", To: "ITU-T-SG-15", OrgID: h.dir.OrgByAcronym("ITU-T").ID,
		Title: "Reply on OTN YANG", Purpose: bot.PurposeResponse, Related: question, State: bot.StatePosted, Submitted: at(5),
		Body: "Thank you for your LS.\nWe are working on it.", SubmitterName: "Jane Doe",
		ResponseContacts: bot.MustParseAddressList("Jane Doe <jane@example.org>"), TechnicalContacts: bot.MustParseAddressList("tech@example.org"),
		ToContacts: bot.MustParseAddressList("tsbsg15@itu.int"), CC: bot.MustParseAddressList("The IESG <iesg@ietf.org>"), Identifiers: "SG15-LS123",
		Attachments:   bot.Attachments{{URL: "https://www.ietf.org/lib/dt/documents/LIAISON/file1.pdf"}, {Title: "liaison-2026-10-05-attachment-1"}},
		DatatrackerID: 2106},
		bot.Event{Time: at(5), Type: bot.EventPosted, By: "Jane Doe", FromState: bot.StatePending, ToState: bot.StatePosted},
		bot.Event{Time: at(6), Type: bot.EventNudged, By: "Bob", Note: "internal nudge text"},
		bot.Event{Time: at(6), Type: bot.EventReminded, Note: "k Liaison deadline in one week"},
		bot.Event{Time: at(7), Type: bot.EventComment, By: "Jane Doe", Note: "sent by mail too"})
	followUp := h.put(&bot.Statement{Direction: bot.Incoming, From: "ITU-T-SG-15", To: "ccamp", OrgID: h.dir.OrgByAcronym("ITU-T").ID,
		Title: "Thanks for the reply", Purpose: bot.PurposeResponse, Related: answer, State: bot.StatePosted, Submitted: at(20)})
	hiddenReply := h.put(&bot.Statement{From: "ccamp", To: "ITU-T", Title: "A pending second reply", Purpose: bot.PurposeResponse,
		Related: answer, State: bot.StatePending})

	body := h.page("/statements/" + bot.Ref(answer))
	mustContain(t, body,
		"<h1>"+bot.Ref(answer)+": Reply on OTN YANG</h1>",
		"<dt>State</dt>\n<dd>posted</dd>", "Outgoing: ccamp, mpls → ITU-T-SG-15", "<dt>Purpose</dt>\n<dd>In Response</dd>",
		"2026-10-05 by Jane Doe", "Jane Doe &lt;jane@example.org&gt;", "tech@example.org", "tsbsg15@itu.int",
		"The IESG &lt;iesg@ietf.org&gt;", "SG15-LS123",
		`<a href="https://www.ietf.org/lib/dt/documents/LIAISON/file1.pdf">`, "liaison-2026-10-05-attachment-1",
		`<a href="https://datatracker.ietf.org/liaison/2106/">`,
		`<div class="body">Thank you for your LS.`+"\nWe are working on it.</div>",
		// The chain: what it answers, and what answered it.
		"<h3>In response to</h3>", `<a href="/statements/`+bot.Ref(question)+`">`+bot.Ref(question)+`: LS on OTN YANG</a>`,
		"<h3>Answered by</h3>", `<a href="/statements/`+bot.Ref(followUp)+`">`+bot.Ref(followUp)+`: Thanks for the reply</a>`,
		// The history, without the bot's own reminders and nudges.
		"<td>2026-10-05 09:30 UTC</td><td>posted (pending → posted)</td><td>Jane Doe</td>", "<td>comment</td><td>Jane Doe</td><td>sent by mail too</td>",
	)
	mustNotContain(t, body, "internal nudge text", "Liaison deadline in one week", "A pending second reply", bot.Ref(hiddenReply))

	// Following the chain from the follow-up leads up to the question.
	top := h.page("/statements/" + bot.Ref(followUp))
	if i, j := strings.Index(top, bot.Ref(question)+": LS on OTN YANG"), strings.Index(top, bot.Ref(answer)+": Reply on OTN YANG"); i < 0 || j < 0 || i > j {
		t.Errorf("the chain of %s is not question then answer:\n%s", bot.Ref(followUp), top)
	}
	q := h.page("/statements/" + bot.Ref(question))
	mustContain(t, q, "Incoming: ITU-T-SG-15 → IAB, IESG", "2026-12-01 (in 5 days)", `href="/orgs#org-itu-t"`)
	mustNotContain(t, q, "<h3>In response to</h3>")
}

func TestStatementPage_OnlyPublicStatements(t *testing.T) {
	h := newHarness(t, web.Config{})
	f := h.boardFixture()
	for _, path := range []string{"/statements/" + bot.Ref(f.pending), "/statements/" + bot.Ref(f.dead), "/statements/LS-9999"} {
		status, _, body := h.get(path)
		if status != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", path, status)
		}
		mustContain(t, body, "There is no statement")
		mustNotContain(t, body, "Draft not yet approved", "Killed draft")
	}
	if status, _, body := h.get("/statements/bogus"); status != http.StatusNotFound || !strings.Contains(body, "is not a statement reference like LS-12") {
		t.Errorf("bogus: %d %s", status, body)
	}
	// Other spellings of the reference lead to the page.
	req, _ := http.NewRequest(http.MethodGet, h.srv.URL+"/statements/ls"+bot.Ref(f.soon)[3:], nil)
	resp, err := (&http.Transport{}).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != "/statements/"+bot.Ref(f.soon) {
		t.Errorf("ls<n>: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}

	hp := newHarness(t, web.Config{ShowPending: true})
	fp := hp.boardFixture()
	mustContain(t, hp.page("/statements/"+bot.Ref(fp.pending)), "Draft not yet approved")
	if status, _, _ := hp.get("/statements/" + bot.Ref(fp.dead)); status != http.StatusNotFound {
		t.Errorf("a dead statement is shown: %d", status)
	}
}

func TestOrgsPage_TheDirectoryAsATable(t *testing.T) {
	h := newHarness(t, web.Config{})
	body := h.page("/orgs")
	mustContain(t, body, "<h1>Liaison relationships</h1>", "<caption id=\"orgs-caption\">Organizations in the liaison directory (",
		`<th scope="col">IETF liaison managers</th>`, `<th scope="col">Sending to them (outgoing)</th>`)
	// One row per organization, each with its anchor and a row header.
	if n, want := strings.Count(body, `<th scope="row">`), len(h.dir.Orgs); n != want {
		t.Errorf("%d rows, want %d", n, want)
	}
	gpp := h.dir.OrgByAcronym("3GPP")
	row := rowOf(t, body, "org-3gpp")
	mustContain(t, row, gpp.Managers[0].Name, bot.ReasonManager, "liaison-coordination@iab.org", "from ", " ago)")
	// An organization without a manager routes outgoing statements to the
	// coordinators, and says why.
	for _, o := range h.dir.Orgs {
		if len(h.dir.Managers(o)) == 0 && o.Relationship == bot.RelFormal {
			mustContain(t, rowOf(t, body, "org-"+strings.ToLower(o.Acronym)), "IAB liaison coordinators", bot.ReasonNoManager)
			break
		}
	}
}

func rowOf(t *testing.T, body, id string) string {
	t.Helper()
	_, rest, ok := strings.Cut(body, `<tr id="`+id+`">`)
	if !ok {
		t.Fatalf("no row %s", id)
	}
	row, _, _ := strings.Cut(rest, "</tr>")
	return row
}
