package web_test

import (
	"bytes"
	"encoding/xml"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/ietf-tools/liaisonbot/bot"
	"github.com/ietf-tools/liaisonbot/bot/web"
)

// The Atom feed as RFC 4287 describes it, decoded strictly in the Atom
// namespace.
type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string      `xml:"http://www.w3.org/2005/Atom id"`
	Title   []atomText  `xml:"http://www.w3.org/2005/Atom title"`
	Updated []string    `xml:"http://www.w3.org/2005/Atom updated"`
	Authors []atomName  `xml:"http://www.w3.org/2005/Atom author"`
	Links   []atomLink  `xml:"http://www.w3.org/2005/Atom link"`
	Entries []atomEntry `xml:"http://www.w3.org/2005/Atom entry"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Text string `xml:",chardata"`
}

type atomName struct {
	Name []string `xml:"http://www.w3.org/2005/Atom name"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr"`
	Href string `xml:"href,attr"`
}

type atomEntry struct {
	ID        []string   `xml:"http://www.w3.org/2005/Atom id"`
	Title     []atomText `xml:"http://www.w3.org/2005/Atom title"`
	Updated   []string   `xml:"http://www.w3.org/2005/Atom updated"`
	Published []string   `xml:"http://www.w3.org/2005/Atom published"`
	Authors   []atomName `xml:"http://www.w3.org/2005/Atom author"`
	Links     []atomLink `xml:"http://www.w3.org/2005/Atom link"`
	Summary   []atomText `xml:"http://www.w3.org/2005/Atom summary"`
	Content   []atomText `xml:"http://www.w3.org/2005/Atom content"`
}

// parseAtom decodes the feed strictly and checks what RFC 4287 requires:
// the feed has exactly one id, title and updated, an author (or every
// entry has one), a self link; every entry exactly one id, title and
// updated, an alternate link (it has no content with src), ids are
// absolute IRIs and unique, dates are RFC 3339 and text constructs are
// "text".
func parseAtom(t *testing.T, body string) atomFeed {
	t.Helper()
	if !strings.HasPrefix(body, `<?xml version="1.0" encoding="UTF-8"?>`) {
		t.Errorf("no XML declaration: %.60q", body)
	}
	dec := xml.NewDecoder(strings.NewReader(body))
	dec.Strict = true
	var f atomFeed
	if err := dec.Decode(&f); err != nil {
		t.Fatalf("not well-formed Atom: %v\n%s", err, body)
	}
	// Every token must decode (a second pass over the whole document).
	dec = xml.NewDecoder(strings.NewReader(body))
	for {
		if _, err := dec.Token(); err != nil {
			if err.Error() != "EOF" {
				t.Fatalf("not well-formed XML: %v", err)
			}
			break
		}
	}
	isTime := func(where, s string) {
		if _, err := time.Parse(time.RFC3339, s); err != nil || !strings.HasSuffix(s, "Z") {
			t.Errorf("%s: %q is not an RFC 3339 date", where, s)
		}
	}
	absolute := regexp.MustCompile(`^https?://[^/]+/`)
	if !absolute.MatchString(f.ID) || len(f.Title) != 1 || len(f.Updated) != 1 || f.Title[0].Type != "text" {
		t.Errorf("feed id %q, title %v, updated %v", f.ID, f.Title, f.Updated)
	} else {
		isTime("feed updated", f.Updated[0])
	}
	self := false
	for _, l := range f.Links {
		self = self || (l.Rel == "self" && l.Href == f.ID)
	}
	if !self {
		t.Errorf("no self link to %q: %+v", f.ID, f.Links)
	}
	feedAuthor := len(f.Authors) == 1 && len(f.Authors[0].Name) == 1 && f.Authors[0].Name[0] != ""
	ids := map[string]bool{}
	for i, e := range f.Entries {
		if len(e.ID) != 1 || len(e.Title) != 1 || len(e.Updated) != 1 || len(e.Published) != 1 {
			t.Errorf("entry %d: id %v title %v updated %v published %v", i, e.ID, e.Title, e.Updated, e.Published)
			continue
		}
		if !absolute.MatchString(e.ID[0]) || ids[e.ID[0]] {
			t.Errorf("entry %d: id %q not an absolute IRI, or not unique", i, e.ID[0])
		}
		ids[e.ID[0]] = true
		isTime("entry updated", e.Updated[0])
		isTime("entry published", e.Published[0])
		alt := false
		for _, l := range e.Links {
			alt = alt || (l.Rel == "alternate" && l.Href == e.ID[0] && l.Type == "text/html")
		}
		if !alt {
			t.Errorf("entry %d has no alternate link: %+v", i, e.Links)
		}
		if !feedAuthor && (len(e.Authors) == 0 || len(e.Authors[0].Name) != 1) {
			t.Errorf("entry %d has no author", i)
		}
		if e.Title[0].Type != "text" || len(e.Summary) != 1 || e.Summary[0].Type != "text" {
			t.Errorf("entry %d text constructs %+v %+v", i, e.Title, e.Summary)
		}
	}
	return f
}

func TestAtom_NewAndChangedStatementsPerRFC4287(t *testing.T) {
	h := newHarness(t, web.Config{PublicURL: "https://liaisons.example.org"})
	f := h.boardFixture()
	// The answered one changes last: it leads the feed.
	h.change(f.answered, fixedNow.Add(-time.Hour), func(s *bot.Statement) { s.Title = "Already answered (revised)" })
	status, hdr, body := h.get("/feed.atom")
	if status != http.StatusOK || hdr.Get("Content-Type") != "application/atom+xml; charset=utf-8" {
		t.Fatalf("%d %q", status, hdr.Get("Content-Type"))
	}
	feed := parseAtom(t, body)
	var titles []string
	for _, e := range feed.Entries {
		titles = append(titles, e.Title[0].Text)
	}
	want := []string{bot.Ref(f.answered) + ": Already answered (revised)"}
	if len(titles) != 4 || titles[0] != want[0] {
		t.Errorf("entries %q, want 4 public ones led by %q", titles, want[0])
	}
	if feed.Updated[0] != fixedNow.Add(-time.Hour).UTC().Format(time.RFC3339) {
		t.Errorf("feed updated %q", feed.Updated[0])
	}
	if feed.Entries[0].ID[0] != "https://liaisons.example.org/statements/"+bot.Ref(f.answered) {
		t.Errorf("entry id %q", feed.Entries[0].ID[0])
	}
	mustNotContain(t, body, "Draft not yet approved", "Killed draft", "Approved not yet sent")

	// ?org= filters, by acronym in any case.
	org := parseAtom(t, mustGet(t, h, "/feed.atom?org=itu-t"))
	if len(org.Entries) != 1 || org.ID != "https://liaisons.example.org/feed.atom?org=ITU-T" {
		t.Errorf("ITU-T feed %q with %d entries", org.ID, len(org.Entries))
	}
	if status, _, body := h.get("/feed.atom?org=Nowhere"); status != http.StatusNotFound || !strings.Contains(body, "No organization “Nowhere”") {
		t.Errorf("unknown org: %d %q", status, body)
	}
	// An empty feed is still a valid feed.
	empty := newHarness(t, web.Config{})
	if e := parseAtom(t, mustGet(t, empty, "/feed.atom")); len(e.Entries) != 0 {
		t.Errorf("entries in an empty feed")
	}
}

func mustGet(t *testing.T, h *harness, path string) string {
	t.Helper()
	status, _, body := h.get(path)
	if status != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, status, body)
	}
	return body
}

// icalLines checks the physical lines of an iCalendar object (RFC 5545
// §3.1: CRLF after every line, none longer than 75 octets, continuation
// lines start with a space, no character split) and returns the unfolded
// content lines.
func icalLines(t *testing.T, body string) []string {
	t.Helper()
	if !strings.HasSuffix(body, "\r\n") {
		t.Errorf("the last line has no CRLF")
	}
	if strings.Count(body, "\n") != strings.Count(body, "\r\n") || strings.Count(body, "\r") != strings.Count(body, "\r\n") {
		t.Errorf("a line ends otherwise than in CRLF")
	}
	var out []string
	for i, l := range strings.Split(strings.TrimSuffix(body, "\r\n"), "\r\n") {
		if len(l) > 75 {
			t.Errorf("line %d has %d octets: %q", i+1, len(l), l)
		}
		if !utf8.ValidString(l) {
			t.Errorf("line %d splits a character: %q", i+1, l)
		}
		if strings.HasPrefix(l, " ") {
			if len(out) == 0 {
				t.Fatalf("the first line is a continuation")
			}
			out[len(out)-1] += l[1:]
			continue
		}
		if l == "" {
			t.Errorf("line %d is empty", i+1)
		}
		out = append(out, l)
	}
	return out
}

// icalUnescape reverses TEXT escaping (RFC 5545 §3.3.11).
func icalUnescape(s string) string {
	r := strings.NewReplacer(`\\`, `\`, `\;`, `;`, `\,`, `,`, `\n`, "\n", `\N`, "\n")
	return r.Replace(s)
}

// vevents parses the content lines into events: property name (without
// parameters) -> value, plus the raw lines with parameters.
func vevents(t *testing.T, lines []string) []map[string]string {
	t.Helper()
	if lines[0] != "BEGIN:VCALENDAR" || lines[len(lines)-1] != "END:VCALENDAR" {
		t.Errorf("not one VCALENDAR: %q … %q", lines[0], lines[len(lines)-1])
	}
	var out []map[string]string
	var cur map[string]string
	seenVersion, seenProdID := false, false
	for _, l := range lines {
		name, value, ok := strings.Cut(l, ":")
		if !ok {
			t.Errorf("content line without a colon: %q", l)
			continue
		}
		key, _, _ := strings.Cut(name, ";")
		switch {
		case l == "BEGIN:VEVENT":
			cur = map[string]string{}
		case l == "END:VEVENT":
			out = append(out, cur)
			cur = nil
		case cur != nil:
			if _, dup := cur[key]; dup {
				t.Errorf("%s twice in an event", key)
			}
			cur[key] = value
			cur[key+"+params"] = name
		case l == "VERSION:2.0":
			seenVersion = true
		case key == "PRODID":
			seenProdID = value != ""
		}
	}
	if !seenVersion || !seenProdID {
		t.Errorf("VERSION or PRODID missing")
	}
	return out
}

func TestCalendar_RFC5545(t *testing.T) {
	h := newHarness(t, web.Config{PublicURL: "https://liaisons.example.org"})
	f := h.boardFixture()
	long := h.put(&bot.Statement{Title: "Ünïcödé everywhere: 規格の連絡文書について、詳細な説明とお願い; with commas, semicolons; a \\ backslash and\nanother line — " + strings.Repeat("é", 40),
		Purpose: bot.PurposeAction, Deadline: bot.Date{Y: 2027, M: 2, D: 28}, State: bot.StatePosted, ActionRequired: true})
	status, hdr, body := h.get("/deadlines.ics")
	if status != http.StatusOK || hdr.Get("Content-Type") != "text/calendar; charset=utf-8" {
		t.Fatalf("%d %q", status, hdr.Get("Content-Type"))
	}
	evs := vevents(t, icalLines(t, body))
	byUID := map[string]map[string]string{}
	for _, e := range evs {
		for _, p := range []string{"UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "SEQUENCE"} {
			if e[p] == "" {
				t.Errorf("event without %s: %v", p, e)
			}
		}
		if !regexp.MustCompile(`^\d{8}T\d{6}Z$`).MatchString(e["DTSTAMP"]) {
			t.Errorf("DTSTAMP %q is not UTC date-time", e["DTSTAMP"])
		}
		if e["DTSTART+params"] != "DTSTART;VALUE=DATE" || !regexp.MustCompile(`^\d{8}$`).MatchString(e["DTSTART"]) {
			t.Errorf("DTSTART %q %q", e["DTSTART+params"], e["DTSTART"])
		}
		byUID[e["UID"]] = e
	}
	// One event per open public statement with a deadline.
	if len(evs) != 4 {
		t.Errorf("%d events, want 4", len(evs))
	}
	soon := byUID[bot.Ref(f.soon)+"@liaisons.example.org"]
	if soon == nil || soon["DTSTART"] != "20261210" || soon["DTEND"] != "20261211" || soon["SEQUENCE"] != "0" ||
		soon["URL"] != "https://liaisons.example.org/statements/"+bot.Ref(f.soon) {
		t.Errorf("event of %s: %v", bot.Ref(f.soon), soon)
	}
	if _, ok := byUID[bot.Ref(f.dead)+"@liaisons.example.org"]; ok {
		t.Errorf("a dead statement is in the calendar")
	}
	// Text escaped, and unescaping gives the title back exactly.
	le := byUID[bot.Ref(long)+"@liaisons.example.org"]
	wantTitle := "Deadline " + bot.Ref(long) + ": Ünïcödé everywhere: 規格の連絡文書について、詳細な説明とお願い; with commas, semicolons; a \\ backslash and\nanother line — " + strings.Repeat("é", 40)
	if got := icalUnescape(le["SUMMARY"]); got != wantTitle {
		t.Errorf("SUMMARY unescapes to\n%q, want\n%q", got, wantTitle)
	}
	if strings.ContainsAny(strings.NewReplacer(`\;`, "", `\,`, "", `\\`, "").Replace(le["SUMMARY"]), ";,") {
		t.Errorf("SUMMARY has unescaped separators: %q", le["SUMMARY"])
	}

	// The deadline moves: same UID, later SEQUENCE and DTSTAMP, new date.
	h.change(f.soon, fixedNow, func(s *bot.Statement) { s.Deadline = bot.Date{Y: 2026, M: 12, D: 20} })
	moved := eventsByUID(t, h)[bot.Ref(f.soon)+"@liaisons.example.org"]
	if moved == nil || moved["DTSTART"] != "20261220" || moved["DTSTAMP"] != "20261126T100000Z" || atoi(moved["SEQUENCE"]) <= atoi(soon["SEQUENCE"]) {
		t.Errorf("after the deadline moved: %v (before %v)", moved, soon)
	}
	// The state changes (action taken): the event is gone.
	h.change(f.soon, fixedNow.Add(time.Minute), func(s *bot.Statement) { s.ActionTaken, s.ActionRequired = true, false })
	if _, ok := eventsByUID(t, h)[bot.Ref(f.soon)+"@liaisons.example.org"]; ok {
		t.Errorf("an answered statement stays in the calendar")
	}
	// ?org= filters.
	lines := icalLines(t, mustGet(t, h, "/deadlines.ics?org=ITU-T"))
	if evs := vevents(t, lines); len(evs) != 1 || !strings.HasPrefix(evs[0]["UID"], bot.Ref(f.itu)+"@") {
		t.Errorf("ITU-T calendar: %v", evs)
	}
	if status, _, _ := h.get("/deadlines.ics?org=Nowhere"); status != http.StatusNotFound {
		t.Errorf("unknown org: %d", status)
	}
}

func eventsByUID(t *testing.T, h *harness) map[string]map[string]string {
	t.Helper()
	out := map[string]map[string]string{}
	for _, e := range vevents(t, icalLines(t, mustGet(t, h, "/deadlines.ics"))) {
		out[e["UID"]] = e
	}
	return out
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return -1
	}
	return n
}

// TestUserText_EscapedEverywhere stores statements and a directory entry
// whose every text is hostile, and checks every page and feed.
func TestUserText_EscapedEverywhere(t *testing.T) {
	h := newHarness(t, web.Config{})
	evil := `<script>alert("x")</script><img src=x onerror=alert(1)>"'&amp;` + "\x01\x7f"
	ctx := t.Context()
	d, _ := h.db.Directory(ctx)
	nd := &bot.Directory{Coordinators: d.Coordinators, ManagersEmail: d.ManagersEmail, StatementsEmail: d.StatementsEmail,
		Orgs: append([]*bot.Organization(nil), d.Orgs...)}
	o := *d.OrgByAcronym("W3C")
	o.Name = "W3C " + evil
	o.Notes = []string{"note " + evil}
	o.URL = "javascript:alert(1)"
	for i, x := range nd.Orgs {
		if x.ID == o.ID {
			nd.Orgs[i] = &o
		}
	}
	if _, err := h.db.ReplaceDirectory(ctx, nd, "test"); err != nil {
		t.Fatal(err)
	}
	id := h.put(&bot.Statement{From: "opsawg " + evil, To: "W3C", Title: "Title " + evil, Body: "Body " + evil,
		Purpose: bot.PurposeAction, Deadline: bot.Date{Y: 2027, M: 1, D: 1}, State: bot.StatePosted, ActionRequired: true,
		ResponseContacts: bot.AddressList{{Name: evil}}, Identifiers: evil, SubmitterName: "Sub " + evil, Attachments: bot.Attachments{{Title: "javascript:alert(1)"}, {Title: evil, URL: "https://x.example/" + evil}}},
		bot.Event{Time: fixedNow, Type: bot.EventComment, By: evil, Note: evil})
	for _, path := range []string{"/", "/?q=" + "alert", "/?group=" + "opsawg+%3Cscript%3E", "/statements/" + bot.Ref(id), "/orgs"} {
		body := h.page(path)
		mustNotContain(t, body, "<script", "<img", "\x01", "\x7f", `href="javascript:`)
		if !strings.Contains(body, "&lt;script&gt;") {
			t.Errorf("%s does not show the text escaped", path)
		}
	}
	feed := parseAtom(t, mustGet(t, h, "/feed.atom"))
	if got := feed.Entries[0].Title[0].Text; !strings.HasPrefix(got, bot.Ref(id)+": Title <script>alert(\"x\")</script>") {
		t.Errorf("Atom title %q", got)
	}
	raw := mustGet(t, h, "/feed.atom")
	mustNotContain(t, raw, "<script", "\x01")
	ics := mustGet(t, h, "/deadlines.ics")
	if bytes.ContainsAny([]byte(ics), "\x01\x7f") {
		t.Errorf("control characters in the calendar")
	}
	evs := vevents(t, icalLines(t, ics))
	if len(evs) != 1 || !strings.Contains(icalUnescape(evs[0]["SUMMARY"]), `Title <script>alert("x")</script>`) {
		t.Errorf("calendar %v", evs)
	}
}
