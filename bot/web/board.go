package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/ietf-tools/liaisonbot/bot"
)

// boardPage is the data of the board.
type boardPage struct {
	page
	Filter     filterForm
	Statements []statementRow
	Heading    string
	Empty      string // said when there is nothing to list
	Prev, Next string // page links, "" when none
	PageNo     int
	AtomURL    string // the feeds, for this organization when one is chosen
	ICalURL    string
}

// filterForm is the board's filter form: its choices and what is chosen.
type filterForm struct {
	Action   string
	Orgs     []option
	Groups   []option
	States   []option
	Purposes []option
	Words    string
}

type option struct {
	Value, Label string
	Selected     bool
}

// statementRow is one statement on the board.
type statementRow struct {
	Ref, URL, Title string
	From, To        string
	Direction       string
	Purpose         string
	State           string
	Deadline        string // "2027-01-15 (in 50 days)", "" when none
	Overdue         bool
}

func (b *Board) row(s *bot.Statement, today bot.Date) statementRow {
	dir := "Outgoing"
	if s.Direction == bot.Incoming {
		dir = "Incoming"
	}
	return statementRow{
		Ref: s.Ref(), URL: b.link(statementPath(s.ID), nil), Title: s.Title, From: s.From, To: s.To,
		Direction: dir, Purpose: s.Purpose.Label(), State: bot.StateText(s),
		Deadline: bot.DeadlineText(s, today), Overdue: s.Overdue(today),
	}
}

// stateLabels are the words of the board's state choices.
var stateLabels = map[string]string{
	bot.BoardOpen:             "Open (waiting for an answer or for sending)",
	bot.BoardOverdue:          "Overdue",
	bot.BoardAll:              "Any state",
	string(bot.StatePending):  "Pending approval",
	string(bot.StateApproved): "Approved, not yet sent",
	string(bot.StatePosted):   "Posted",
}

// board is GET /: public statements, soonest deadline first, filtered by
// organization, IETF group, state, purpose and words.
func (b *Board) board(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	d, err := b.store.Directory(ctx)
	if err != nil {
		b.fail(w, r, err)
		return
	}
	f := bot.BoardFilter{
		Group: clip(q.Get("group"), 200), State: strings.TrimSpace(q.Get("state")),
		Purpose: bot.Purpose(strings.TrimSpace(q.Get("purpose"))), Words: clip(q.Get("q"), 300), Page: 1,
	}
	p := boardPage{page: b.page("Liaison statements", "board")}
	status := http.StatusOK
	problem := func(err error) {
		var msg string
		status, msg = failure(err)
		if status == http.StatusInternalServerError {
			b.log.Error("web: board", "err", err)
		}
		p.Error = msg
	}
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100000 {
			problem(bot.Errorf(bot.EINVALID, "“%s” is not a page number.", clip(v, 20)))
		} else {
			f.Page = n
		}
	}
	org, err := orgParam(d, q.Get("org"))
	if err != nil {
		problem(err)
	} else if org != nil {
		f.OrgID = org.ID
	}
	groups, err := b.store.IETFGroups(ctx, bot.PublicStates(b.showPending))
	if err != nil {
		problem(err)
	}
	p.Filter = b.filterForm(d, org, groups, f)
	p.Heading = boardHeading(f, org)
	p.PageNo = f.Page
	feedQ := url.Values{}
	if org != nil {
		feedQ.Set("org", org.Acronym)
	}
	p.AtomURL, p.ICalURL = b.link(pathAtom, feedQ), b.link(pathCalendar, feedQ)
	if p.Error == "" {
		lq, err := bot.BoardQuery(f, b.showPending, b.today())
		if err != nil {
			problem(err)
		} else {
			list, more, err := b.store.ListStatements(ctx, lq)
			if err != nil {
				problem(err)
			}
			today := b.today()
			for _, s := range list {
				p.Statements = append(p.Statements, b.row(s, today))
			}
			if f.Page > 1 {
				p.Prev = b.pageLink(q, f.Page-1)
			}
			if more {
				p.Next = b.pageLink(q, f.Page+1)
			}
		}
	}
	if len(p.Statements) == 0 && p.Error == "" {
		p.Empty = "No statements match."
		if f.Page > 1 {
			p.Empty = "No statements on this page."
		}
	}
	b.render(w, r, status, "board.html", p)
}

// pageLink is the board's link to page n with the same filters.
func (b *Board) pageLink(q url.Values, n int) string {
	v := url.Values{}
	for _, k := range []string{"org", "group", "state", "purpose", "q"} {
		if x := strings.TrimSpace(q.Get(k)); x != "" {
			v.Set(k, x)
		}
	}
	if n > 1 {
		v.Set("page", strconv.Itoa(n))
	}
	return b.link(pathBoard, v)
}

func (b *Board) filterForm(d *bot.Directory, org *bot.Organization, groups []string, f bot.BoardFilter) filterForm {
	ff := filterForm{Action: b.link(pathBoard, nil), Words: f.Words}
	ff.Orgs = append(ff.Orgs, option{Value: "", Label: "Any organization", Selected: org == nil})
	for _, o := range d.Orgs {
		ff.Orgs = append(ff.Orgs, option{Value: o.Acronym, Label: o.Label(), Selected: org != nil && o.ID == org.ID})
	}
	ff.Groups = append(ff.Groups, option{Value: "", Label: "Any IETF group", Selected: f.Group == ""})
	found := f.Group == ""
	for _, g := range groups {
		sel := strings.EqualFold(g, f.Group)
		found = found || sel
		ff.Groups = append(ff.Groups, option{Value: g, Label: g, Selected: sel})
	}
	if !found {
		// A group typed into the address: keep it chosen.
		ff.Groups = append(ff.Groups, option{Value: f.Group, Label: f.Group, Selected: true})
	}
	state := f.State
	if state == "" {
		state = bot.BoardOpen
	}
	for _, s := range bot.BoardStates(b.showPending) {
		ff.States = append(ff.States, option{Value: s, Label: stateLabels[s], Selected: s == state})
	}
	ff.Purposes = append(ff.Purposes, option{Value: "", Label: "Any purpose", Selected: f.Purpose == ""})
	for _, p := range bot.Purposes {
		ff.Purposes = append(ff.Purposes, option{Value: string(p), Label: p.Label(), Selected: p == f.Purpose})
	}
	return ff
}

// boardHeading says what the list shows.
func boardHeading(f bot.BoardFilter, org *bot.Organization) string {
	h := "Open statements"
	switch f.State {
	case "", bot.BoardOpen:
	case bot.BoardOverdue:
		h = "Overdue statements"
	case bot.BoardAll:
		h = "Statements"
	default:
		h = "Statements · " + strings.ToLower(stateLabels[f.State])
	}
	if org != nil {
		h += " with " + org.Acronym
	}
	if f.Group != "" {
		h += " · IETF group " + f.Group
	}
	if f.Purpose != "" {
		h += " · " + f.Purpose.Label()
	}
	if f.Words != "" {
		h += " · matching “" + f.Words + "”"
	}
	if f.Page > 1 {
		h += " · page " + strconv.Itoa(f.Page)
	}
	return h
}

// clip trims s and cuts it to n bytes (on a character boundary).
func clip(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) <= n {
		return s
	}
	for n > 0 && !isRuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }
