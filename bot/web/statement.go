package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/ietf-tools/liaisonbot/bot"
)

// MaxChain bounds how far up the reply chain the statement page follows.
const MaxChain = 20

// datatrackerLiaisonURL is the Datatracker's page of a statement.
const datatrackerLiaisonURL = "https://datatracker.ietf.org/liaison/%d/"

type statementPage struct {
	page
	S         statementRow
	Fields    []field
	Body      string
	Answers   []chainLink // what it answers, the oldest first
	Replies   []chainLink // what answered it
	History   []historyRow
	OrgURL    string
	BoardURL  string // the board for this statement's organization
	Canonical string
}

type field struct {
	Label string
	Text  string
	Links []fieldLink // when set, shown instead of Text
}

type fieldLink struct{ Label, URL string }

// chainLink is a statement in the reply chain; URL is "" for one that is
// not public (it is named, not shown).
type chainLink struct {
	Ref, URL, Title, State, Submitted string
}

type historyRow struct {
	Time, What, By, Note string
}

// statement is GET /statements/LS-<n>: every field, the reply chain and
// the history of a public statement. Any other statement is "not found",
// whether or not it exists.
func (b *Board) statement(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	ref := r.PathValue("ref")
	id, ok := bot.ParseRef(ref)
	if !ok || !strings.HasPrefix(ref, "LS-") {
		if ok {
			// "ls12", "12": the page lives at LS-12.
			http.Redirect(w, r, b.link(statementPath(id), nil), http.StatusMovedPermanently)
			return
		}
		b.fail(w, r, bot.Errorf(bot.ENOTFOUND, "“%s” is not a statement reference like LS-12.", clip(ref, 40)))
		return
	}
	s, err := b.publicStatement(ctx, id)
	if err != nil {
		b.fail(w, r, err)
		return
	}
	events, err := b.store.Events(ctx, id)
	if err != nil {
		b.fail(w, r, err)
		return
	}
	d, err := b.store.Directory(ctx)
	if err != nil {
		b.fail(w, r, err)
		return
	}
	today := b.today()
	p := statementPage{page: b.page(s.Ref()+": "+s.Title, ""), S: b.row(s, today), Body: s.Body}
	p.Canonical = b.link(statementPath(s.ID), nil)
	org := d.StatementOrg(s)
	if org != nil {
		p.OrgURL = b.link(pathOrgs, nil) + "#" + anchor(org.Acronym)
		p.BoardURL = b.link(pathBoard, url.Values{"org": {org.Acronym}, "state": {bot.BoardAll}})
	}
	p.Fields = b.fields(s, org, today)
	if p.Answers, err = b.answers(ctx, s); err != nil {
		b.fail(w, r, err)
		return
	}
	replies, err := b.store.Replies(ctx, s.ID)
	if err != nil {
		b.fail(w, r, err)
		return
	}
	for _, x := range replies {
		if bot.Public(x, b.showPending) {
			p.Replies = append(p.Replies, b.chainLink(x))
		}
	}
	for _, e := range events {
		if bot.PublicEvent(e) {
			p.History = append(p.History, historyRow{Time: e.Time.UTC().Format("2006-01-02 15:04") + " UTC",
				What: eventWords(e), By: e.By, Note: eventNote(e)})
		}
	}
	b.render(w, r, http.StatusOK, "statement.html", p)
}

// publicStatement reads a statement the web may show; any other is
// ENOTFOUND, like one that does not exist.
func (b *Board) publicStatement(ctx context.Context, id int64) (*bot.Statement, error) {
	s, err := b.store.Statement(ctx, id)
	if err != nil {
		return nil, err
	}
	if !bot.Public(s, b.showPending) {
		return nil, bot.Errorf(bot.ENOTFOUND, "There is no statement %s.", bot.Ref(id))
	}
	return s, nil
}

// answers follows the chain up from s: what it answers, what that answers,
// and so on, the oldest first; it stops at a statement that is not public
// (named, not shown), one that is gone, a loop, and after MaxChain steps.
func (b *Board) answers(ctx context.Context, s *bot.Statement) ([]chainLink, error) {
	var out []chainLink
	seen := map[int64]bool{s.ID: true}
	for next := s.Related; next != 0 && !seen[next] && len(out) < MaxChain; {
		seen[next] = true
		x, err := b.store.Statement(ctx, next)
		if bot.ErrorCode(err) == bot.ENOTFOUND {
			out = append(out, chainLink{Ref: bot.Ref(next), Title: "(not in this bot's records)"})
			break
		}
		if err != nil {
			return nil, err
		}
		out = append(out, b.chainLink(x))
		if !bot.Public(x, b.showPending) {
			break
		}
		next = x.Related
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, nil
}

func (b *Board) chainLink(x *bot.Statement) chainLink {
	if !bot.Public(x, b.showPending) {
		return chainLink{Ref: x.Ref(), Title: "(not public)"}
	}
	return chainLink{Ref: x.Ref(), URL: b.link(statementPath(x.ID), nil), Title: x.Title, State: bot.StateText(x),
		Submitted: x.Submitted.UTC().Format("2006-01-02")}
}

func (b *Board) fields(s *bot.Statement, org *bot.Organization, today bot.Date) []field {
	var f []field
	add := func(label, text string) {
		if strings.TrimSpace(text) != "" {
			f = append(f, field{Label: label, Text: text})
		}
	}
	add("State", bot.StateText(s))
	add("Direction", bot.DirectionText(s))
	if org != nil {
		f = append(f, field{Label: "Organization", Links: []fieldLink{{org.Label(), b.link(pathOrgs, nil) + "#" + anchor(org.Acronym)}}})
	}
	add("Purpose", s.Purpose.Label())
	add("Deadline", bot.DeadlineText(s, today))
	sub := s.Submitted.UTC().Format("2006-01-02")
	if s.SubmitterName != "" {
		sub += " by " + s.SubmitterName
	}
	add("Submitted", sub)
	add("Last changed", s.Updated.UTC().Format("2006-01-02 15:04")+" UTC")
	if s.BackDated() {
		add("Recorded", s.Recorded.UTC().Format("2006-01-02"))
	}
	add("Response contacts", s.ResponseContacts.Display())
	add("Technical contacts", s.TechnicalContacts.Display())
	add("Action holder contacts", s.ActionHolders.Display())
	add("To contacts", s.ToContacts.Display())
	add("Cc", s.CC.Display())
	add("Other identifiers", s.Identifiers)
	if len(s.Attachments) > 0 {
		var links []fieldLink
		var plain []string
		for _, a := range s.Attachments {
			switch {
			case a.URL == "":
				plain = append(plain, a.Title)
			case a.Title == "":
				links = append(links, fieldLink{a.URL, a.URL})
			default:
				links = append(links, fieldLink{a.Title, a.URL})
			}
		}
		if len(links) > 0 {
			f = append(f, field{Label: "Attachments", Links: links})
		}
		add("Attachments (documents)", strings.Join(plain, ", "))
	}
	if s.DatatrackerID != 0 {
		u := fmt.Sprintf(datatrackerLiaisonURL, s.DatatrackerID)
		f = append(f, field{Label: "Datatracker", Links: []fieldLink{{u, u}}})
	}
	return f
}

// eventWords says what an event did.
func eventWords(e bot.Event) string {
	switch e.Type {
	case bot.EventTagged:
		return "tagged " + string(e.Tag)
	case bot.EventUntagged:
		return string(e.Tag) + " cleared"
	case bot.EventSynced:
		return "updated from the Datatracker"
	case bot.EventApproved, bot.EventPosted, bot.EventKilled, bot.EventResurrected:
		if e.FromState != "" && e.ToState != "" && e.FromState != e.ToState {
			return string(e.Type) + " (" + string(e.FromState) + " → " + string(e.ToState) + ")"
		}
	}
	return string(e.Type)
}

func eventNote(e bot.Event) string { return e.Note }

// anchor is an organization's fragment id on /orgs.
func anchor(acronym string) string {
	var b strings.Builder
	b.WriteString("org-")
	for _, r := range strings.ToLower(acronym) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	return b.String()
}
