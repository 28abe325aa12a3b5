package web_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
	"github.com/ietf-tools/liaisonbot/bot/web"
)

// boardFixture stores statements of every kind: open and overdue, open
// with a later deadline, answered, pending, approved, dead, with another
// organization, incoming to "IAB, IESG".
type boardFixture struct {
	overdue, soon, later, answered, pending, approved, dead, itu int64
}

func (h *harness) boardFixture() boardFixture {
	var f boardFixture
	f.soon = h.put(&bot.Statement{Title: "Reply on YANG models", Purpose: bot.PurposeComment,
		Deadline: bot.Date{Y: 2026, M: 12, D: 10}, State: bot.StatePosted, ActionRequired: true})
	f.overdue = h.put(&bot.Statement{Direction: bot.Incoming, From: "3GPP-TSG-SA-WG3", To: "IAB, IESG", OrgID: h.dir.OrgByAcronym("3GPP").ID, Title: "LS on 5G security",
		Purpose: bot.PurposeAction, Deadline: bot.Date{Y: 2026, M: 11, D: 1}, State: bot.StatePosted, ActionRequired: true})
	f.later = h.put(&bot.Statement{From: "ccamp", To: "ITU-T", Title: "Optical transport", Purpose: bot.PurposeAction,
		Deadline: bot.Date{Y: 2027, M: 3, D: 1}, State: bot.StatePosted, ActionRequired: true})
	f.answered = h.put(&bot.Statement{Title: "Already answered", Purpose: bot.PurposeAction,
		Deadline: bot.Date{Y: 2026, M: 10, D: 1}, State: bot.StatePosted, ActionTaken: true})
	f.pending = h.put(&bot.Statement{Title: "Draft not yet approved", State: bot.StatePending})
	f.approved = h.put(&bot.Statement{Title: "Approved not yet sent", State: bot.StateApproved})
	f.dead = h.put(&bot.Statement{From: "secret-wg", Title: "Killed draft", Purpose: bot.PurposeAction,
		Deadline: bot.Date{Y: 2026, M: 11, D: 2}, State: bot.StateDead, ActionRequired: true})
	f.itu = f.later
	return f
}

func refs(ids ...int64) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = bot.Ref(id)
	}
	return out
}

func TestBoard_OpenPublicStatementsSoonestDeadlineFirst(t *testing.T) {
	h := newHarness(t, web.Config{})
	f := h.boardFixture()
	body := h.page("/")
	if got, want := refsIn(body), refs(f.overdue, f.soon, f.later); !slices.Equal(got, want) {
		t.Errorf("board lists %q, want %q (open, public, soonest deadline first)", got, want)
	}
	// The overdue one is marked, in words, on its own entry only.
	items := strings.Split(body, "<li")
	for _, it := range items {
		marked := strings.Contains(it, `class="badge overdue">Overdue<`)
		if strings.Contains(it, bot.Ref(f.overdue)+":") != marked && strings.Contains(it, "<h3>") {
			t.Errorf("overdue marking wrong on:\n%s", it)
		}
	}
	mustContain(t, body, "<h1>Open statements</h1>", "Deadline 2026-11-01 (25 days overdue)", "Incoming: 3GPP-TSG-SA-WG3 → IAB, IESG")
	mustNotContain(t, body, "Draft not yet approved", "Killed draft", "Already answered")

	// With pending statements shown, the unsent ones are open too.
	hp := newHarness(t, web.Config{ShowPending: true})
	fp := hp.boardFixture()
	if got, want := refsIn(hp.page("/")), refs(fp.overdue, fp.soon, fp.later, fp.approved, fp.pending); !slices.Equal(got, want) {
		t.Errorf("with pending: %q, want %q", got, want)
	}
}

func TestBoard_Filters(t *testing.T) {
	h := newHarness(t, web.Config{})
	f := h.boardFixture()
	for _, c := range []struct {
		query string
		want  []int64
	}{
		{"?org=3GPP", []int64{f.overdue, f.soon}},
		{"?org=3gpp&state=all", []int64{f.answered, f.overdue, f.soon}},
		{"?org=ITU-T", []int64{f.itu}},
		{"?group=IESG", []int64{f.overdue}},
		{"?group=opsawg&state=all", []int64{f.answered, f.soon}},
		{"?state=overdue", []int64{f.overdue}},
		{"?state=posted", []int64{f.answered, f.overdue, f.soon, f.later}},
		{"?purpose=action&state=all", []int64{f.answered, f.overdue, f.later}},
		{"?q=yang", []int64{f.soon}},
		{"?q=5G+security&org=3GPP&state=all", []int64{f.overdue}},
		{"?q=nothing-matches-this", nil},
	} {
		body := h.page("/" + c.query)
		if got := refsIn(body); !slices.Equal(got, refs(c.want...)) {
			t.Errorf("%s: %q, want %q", c.query, got, refs(c.want...))
		}
		if len(c.want) == 0 {
			mustContain(t, body, "No statements match.")
		}
	}
	// The form keeps what was chosen.
	body := h.page("/?org=3GPP&group=IESG&state=all&purpose=action&q=5G")
	mustContain(t, body, `<option value="3GPP" selected>`, `<option value="IESG" selected>`, `<option value="all" selected>`,
		`<option value="action" selected>`, `name="q" value="5G"`,
		`<h1>Statements with 3GPP · IETF group IESG · For Action · matching “5G”</h1>`)
	// Groups offered are those of public statements only.
	mustNotContain(t, body, `value="secret-wg"`)
	// The feeds follow the organization.
	mustContain(t, body, `href="/feed.atom?org=3GPP"`, `href="/deadlines.ics?org=3GPP"`)
}

func TestBoard_BadFiltersAnswerClearlyAndListNothing(t *testing.T) {
	h := newHarness(t, web.Config{})
	h.boardFixture()
	for _, c := range []struct {
		query  string
		status int
		says   string
	}{
		{"?state=dead", http.StatusBadRequest, "“dead” is not a state the board shows."},
		{"?state=pending", http.StatusBadRequest, "“pending” is not a state the board shows."},
		{"?purpose=gossip", http.StatusBadRequest, "“gossip” is not a purpose."},
		{"?org=Nowhere+Consortium", http.StatusNotFound, "No organization “Nowhere Consortium” in the directory"},
		{"?page=abc", http.StatusBadRequest, "“abc” is not a page number."},
		{"?page=0", http.StatusBadRequest, "“0” is not a page number."},
		{"?q=%21%21%21", http.StatusBadRequest, "Search for some words"},
	} {
		status, _, body := h.get("/" + c.query)
		if status != c.status {
			t.Errorf("%s: status %d, want %d", c.query, status, c.status)
		}
		mustContain(t, body, `<p class="error" role="alert">`, c.says, `<form class="filters"`)
		if got := refsIn(body); len(got) != 0 {
			t.Errorf("%s lists %q", c.query, got)
		}
	}
}

func TestBoard_Pages(t *testing.T) {
	h := newHarness(t, web.Config{})
	for i := 0; i < bot.BoardPageSize*2+7; i++ {
		h.put(&bot.Statement{Title: fmt.Sprintf("Statement %03d", i), Purpose: bot.PurposeAction,
			Deadline: bot.Date{Y: 2027, M: 1 + i/28%12, D: 1 + i%28}, State: bot.StatePosted, ActionRequired: true})
	}
	p1 := h.page("/?org=3GPP")
	if n := len(refsIn(p1)); n != bot.BoardPageSize {
		t.Errorf("page 1 lists %d", n)
	}
	mustContain(t, p1, `<a href="/?org=3GPP&amp;page=2" rel="next">Next page</a>`)
	mustNotContain(t, p1, `rel="prev"`)
	p3 := h.page("/?org=3GPP&page=3")
	if n := len(refsIn(p3)); n != 7 {
		t.Errorf("page 3 lists %d", n)
	}
	mustContain(t, p3, `<a href="/?org=3GPP&amp;page=2" rel="prev">Previous page</a>`, "· page 3</h1>")
	mustNotContain(t, p3, `rel="next"`)
	seen := map[string]bool{}
	for _, p := range []string{p1, h.page("/?org=3GPP&page=2"), p3} {
		for _, r := range refsIn(p) {
			if seen[r] {
				t.Errorf("%s on two pages", r)
			}
			seen[r] = true
		}
	}
	if len(seen) != bot.BoardPageSize*2+7 {
		t.Errorf("%d statements over the pages", len(seen))
	}
	mustContain(t, h.page("/?page=9"), "No statements on this page.")
}

func TestBoard_ReadOnly(t *testing.T) {
	h := newHarness(t, web.Config{ShowPending: true})
	f := h.boardFixture()
	before, _ := h.db.Statement(t.Context(), f.pending)
	for _, path := range []string{"/", "/statements/" + bot.Ref(f.pending), "/orgs", "/feed.atom", "/deadlines.ics"} {
		for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch} {
			if status, _, _ := h.do(m, path); status != http.StatusMethodNotAllowed {
				t.Errorf("%s %s: %d, want 405", m, path, status)
			}
		}
		if status, _, body := h.do(http.MethodHead, path); status != http.StatusOK || body != "" {
			t.Errorf("HEAD %s: %d with %d bytes", path, status, len(body))
		}
	}
	// Query strings that look like commands change nothing either.
	h.page("/?q=approve+" + bot.Ref(f.pending) + "&state=pending")
	after, _ := h.db.Statement(t.Context(), f.pending)
	if after.Version != before.Version || after.State != before.State {
		t.Errorf("a page changed %s: %+v", bot.Ref(f.pending), after)
	}
}

// hrefs lists the link targets of a page.
var hrefRE = regexp.MustCompile(`(?:href|action)="([^"]*)"`)

func TestLinks_BuiltOnThePublicURL(t *testing.T) {
	h := newHarness(t, web.Config{PublicURL: "https://liaisons.example.org/"})
	f := h.boardFixture()
	reply := h.put(&bot.Statement{Direction: bot.Incoming, From: "3GPP", To: "IETF", Title: "Answer", Purpose: bot.PurposeResponse,
		Related: f.soon, State: bot.StatePosted, DatatrackerID: 2106, Attachments: bot.Attachments{{URL: "https://www.3gpp.org/ls.zip"}}})
	for _, path := range []string{"/", "/?org=3GPP&page=1", "/statements/" + bot.Ref(f.soon), "/statements/" + bot.Ref(reply), "/orgs"} {
		body := h.page(path)
		for _, m := range hrefRE.FindAllStringSubmatch(body, -1) {
			u := m[1]
			switch {
			case strings.HasPrefix(u, "https://liaisons.example.org/"), strings.HasPrefix(u, "mailto:"), u == "#main":
			case strings.HasPrefix(u, "https://datatracker.ietf.org/liaison/"), u == "https://www.3gpp.org/ls.zip":
			case strings.HasPrefix(path, "/orgs") && strings.HasPrefix(u, "http"): // the organizations' own pages
			default:
				t.Errorf("%s links %q, not on the public URL", path, u)
			}
		}
	}
	_, _, atom := h.get("/feed.atom")
	mustContain(t, atom, `<id>https://liaisons.example.org/statements/`+bot.Ref(f.soon)+`</id>`)
	_, _, ics := h.get("/deadlines.ics")
	mustContain(t, ics, "UID:"+bot.Ref(f.soon)+"@liaisons.example.org\r\n", "URL:https://liaisons.example.org/statements/"+bot.Ref(f.soon)+"\r\n")

	// Without one, pages link within the site and the feeds to the host
	// asked.
	h2 := newHarness(t, web.Config{})
	g := h2.boardFixture()
	mustContain(t, h2.page("/"), `href="/statements/`+bot.Ref(g.soon)+`"`)
	_, _, atom = h2.get("/feed.atom")
	mustContain(t, atom, "<id>"+h2.srv.URL+"/statements/"+bot.Ref(g.soon)+"</id>")
}

func TestPages_SecurityHeaders(t *testing.T) {
	h := newHarness(t, web.Config{})
	_, hdr, body := h.get("/")
	csp := hdr.Get("Content-Security-Policy")
	if !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "script-src") || !strings.Contains(csp, "style-src 'sha256-") {
		t.Errorf("CSP %q", csp)
	}
	if hdr.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("headers %v", hdr)
	}
	mustNotContain(t, body, "<script")
}

// slowStore is the real store whose list waits for the request's deadline
// (a search that takes too long).
type slowStore struct{ web.Store }

func (s slowStore) ListStatements(ctx context.Context, q bot.ListQuery) ([]*bot.Statement, bool, error) {
	<-ctx.Done()
	return nil, false, bot.Internal("list statements", ctx.Err())
}

func TestBoard_TooSlowSaysSoAndNothingMore(t *testing.T) {
	h := newHarness(t, web.Config{})
	mux := http.NewServeMux()
	web.New(web.Config{Store: slowStore{h.db}, Timeout: 20 * time.Millisecond, Logger: slog.New(slog.DiscardHandler)}).Routes(mux)
	for _, path := range []string{"/?q=a", "/feed.atom"} {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "That took too long: narrow it down") ||
			strings.Contains(rec.Body.String(), "deadline exceeded") {
			t.Errorf("%s: %d %s", path, rec.Code, rec.Body.String())
		}
	}
}
