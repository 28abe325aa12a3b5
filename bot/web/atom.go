package web

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
)

// The Atom feed (RFC 4287), written with encoding/xml, which escapes text
// and attributes and replaces characters XML cannot hold.

const atomNS = "http://www.w3.org/2005/Atom"

type atomFeed struct {
	XMLName   xml.Name    `xml:"feed"`
	NS        string      `xml:"xmlns,attr"`
	ID        string      `xml:"id"`
	Title     atomText    `xml:"title"`
	Subtitle  *atomText   `xml:"subtitle,omitempty"`
	Updated   string      `xml:"updated"`
	Links     []atomLink  `xml:"link"`
	Author    atomPerson  `xml:"author"`
	Generator string      `xml:"generator"`
	Entries   []atomEntry `xml:"entry"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Text string `xml:",chardata"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomCategory struct {
	Term  string `xml:"term,attr"`
	Label string `xml:"label,attr,omitempty"`
}

type atomEntry struct {
	ID         string         `xml:"id"`
	Title      atomText       `xml:"title"`
	Updated    string         `xml:"updated"`
	Published  string         `xml:"published"`
	Links      []atomLink     `xml:"link"`
	Authors    []atomPerson   `xml:"author"`
	Categories []atomCategory `xml:"category"`
	Summary    atomText       `xml:"summary"`
	Content    *atomText      `xml:"content,omitempty"`
}

func atomTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// atom is GET /feed.atom[?org=…]: the public statements most recently
// submitted or changed, the latest first. Each statement is one entry
// whose id is its page's address and whose updated time is its last
// change, so a change updates the entry in feed readers.
func (b *Board) atom(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	org, ok := b.feedOrg(w, r)
	if !ok {
		return
	}
	var orgID int64
	title := "Liaison statements"
	selfQ := url.Values{}
	if org != nil {
		orgID, title = org.ID, "Liaison statements with "+org.Acronym
		selfQ.Set("org", org.Acronym)
	}
	list, _, err := b.store.ListStatements(ctx, bot.FeedQuery(orgID, b.showPending))
	if err != nil {
		b.failPlain(w, r, err)
		return
	}
	base := b.absolute(r)
	self := base + pathAtom
	board := base + pathBoard
	if len(selfQ) > 0 {
		self += "?" + selfQ.Encode()
		board += "?" + selfQ.Encode()
	}
	f := atomFeed{
		NS: atomNS, ID: self, Title: atomText{Type: "text", Text: title},
		Subtitle: &atomText{Type: "text", Text: "New and changed IETF liaison statements"},
		Links: []atomLink{{Rel: "self", Type: "application/atom+xml", Href: self},
			{Rel: "alternate", Type: "text/html", Href: board}},
		Author:    atomPerson{Name: "IETF liaison statements (liaisonbot)"},
		Generator: "liaisonbot",
	}
	// The feed changed when its latest entry did; an empty feed has not
	// changed since the epoch.
	updated := time.Unix(0, 0)
	for _, s := range list {
		if s.Updated.After(updated) {
			updated = s.Updated
		}
		f.Entries = append(f.Entries, atomEntryOf(s, base))
	}
	f.Updated = atomTime(updated)
	out, err := xml.MarshalIndent(f, "", "  ")
	if err != nil {
		b.failPlain(w, r, err)
		return
	}
	setHeaders(w, "application/atom+xml; charset=utf-8", 5*time.Minute)
	w.Header().Set("Last-Modified", updated.UTC().Format(http.TimeFormat))
	if r.Method == http.MethodHead {
		return
	}
	w.Write([]byte(xml.Header))
	w.Write(out)
	w.Write([]byte("\n"))
}

func atomEntryOf(s *bot.Statement, base string) atomEntry {
	page := base + statementPath(s.ID)
	summary := bot.DirectionText(s) + " · " + s.Purpose.Label() + " · " + bot.StateText(s)
	if !s.Deadline.IsZero() {
		summary += " · deadline " + s.Deadline.String()
	}
	author := s.SubmitterName
	if strings.TrimSpace(author) == "" {
		author = s.From
	}
	e := atomEntry{
		ID: page, Title: atomText{Type: "text", Text: s.Ref() + ": " + s.Title},
		Updated: atomTime(s.Updated), Published: atomTime(s.Submitted),
		Links:   []atomLink{{Rel: "alternate", Type: "text/html", Href: page}},
		Authors: []atomPerson{{Name: author}},
		Categories: []atomCategory{{Term: string(s.State), Label: "State: " + string(s.State)},
			{Term: string(s.Purpose), Label: s.Purpose.Label()}},
		Summary: atomText{Type: "text", Text: summary},
	}
	if strings.TrimSpace(s.Body) != "" {
		e.Content = &atomText{Type: "text", Text: s.Body}
	}
	return e
}
