package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ietf-tools/liaisonbot/bot"
)

// The deadline calendar (RFC 5545), written by hand: no library served here
// writes iCalendar right (lines end in CRLF, are folded at 75 octets
// without splitting a character, and TEXT values escape backslash,
// semicolon, comma and newlines).

// calendar is GET /deadlines.ics[?org=…]: one all-day event on the deadline
// of each open public statement. An event's UID is stable
// ("LS-42@<host>"), its SEQUENCE grows with every change of the statement
// (its version), and its DTSTAMP is the statement's last change, so a
// calendar updates the event when the deadline or the state changes, and
// drops it when the statement is no longer open.
func (b *Board) calendar(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	org, ok := b.feedOrg(w, r)
	if !ok {
		return
	}
	var orgID int64
	name := "Liaison statement deadlines"
	if org != nil {
		orgID, name = org.ID, "Liaison statement deadlines: "+org.Acronym
	}
	list, more, err := b.store.ListStatements(ctx, bot.CalendarQuery(orgID, b.showPending))
	if err != nil {
		b.failPlain(w, r, err)
		return
	}
	if more {
		b.log.Warn("web: the deadline calendar is cut", "events", len(list))
	}
	base := b.absolute(r)
	host := "liaisonbot"
	if u, err := url.Parse(base); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	var c icalWriter
	c.line("BEGIN:VCALENDAR")
	c.line("VERSION:2.0")
	c.line("PRODID:-//IETF//liaisonbot//EN")
	c.line("CALSCALE:GREGORIAN")
	c.prop("X-WR-CALNAME", name)
	c.prop("X-WR-CALDESC", "Deadlines of open IETF liaison statements")
	c.line("REFRESH-INTERVAL;VALUE=DURATION:PT1H")
	c.line("X-PUBLISHED-TTL:PT1H")
	for _, s := range list {
		page := base + statementPath(s.ID)
		c.line("BEGIN:VEVENT")
		c.prop("UID", s.Ref()+"@"+host)
		// No METHOD: DTSTAMP is then when the event's information last
		// changed (RFC 5545 §3.8.7.2).
		c.line("DTSTAMP:" + icalTime(s.Updated))
		c.line("LAST-MODIFIED:" + icalTime(s.Updated))
		c.line("CREATED:" + icalTime(s.Submitted))
		c.line("SEQUENCE:" + strconv.FormatInt(max(s.Version-1, 0), 10))
		c.line("DTSTART;VALUE=DATE:" + icalDate(s.Deadline))
		c.line("DTEND;VALUE=DATE:" + icalDate(s.Deadline.AddDays(1)))
		c.prop("SUMMARY", "Deadline "+s.Ref()+": "+s.Title)
		c.prop("DESCRIPTION", bot.DirectionText(s)+"\n"+s.Purpose.Label()+"\nState: "+bot.StateText(s)+"\n"+page)
		c.line("URL:" + page)
		c.line("STATUS:CONFIRMED")
		c.line("TRANSP:TRANSPARENT")
		c.line("END:VEVENT")
	}
	c.line("END:VCALENDAR")
	setHeaders(w, "text/calendar; charset=utf-8", 5*time.Minute)
	w.Header().Set("Content-Disposition", `inline; filename="deadlines.ics"`)
	if r.Method == http.MethodHead {
		return
	}
	w.Write([]byte(c.String()))
}

func icalTime(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

func icalDate(d bot.Date) string { return strings.ReplaceAll(d.String(), "-", "") }

// icalWriter writes content lines: CRLF line ends, folded at 75 octets.
type icalWriter struct{ b strings.Builder }

func (c *icalWriter) String() string { return c.b.String() }

// line writes one content line, folded.
func (c *icalWriter) line(s string) { c.b.WriteString(icalFold(s)) }

// prop writes a property with a TEXT value, escaped.
func (c *icalWriter) prop(name, text string) { c.line(name + ":" + icalEscape(text)) }

// icalEscape escapes a TEXT value (RFC 5545 §3.3.11): backslash, semicolon
// and comma are escaped, any line break becomes \n, and the other control
// characters (which TEXT cannot hold) are dropped.
func icalEscape(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == ';':
			b.WriteString(`\;`)
		case r == ',':
			b.WriteString(`\,`)
		case r == '\n' || r == '\r':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
		default: // including U+FFFD for bytes that are not UTF-8
			b.WriteRune(r)
		}
	}
	return b.String()
}

// icalFold folds a content line (RFC 5545 §3.1): no line is longer than 75
// octets before its CRLF, a continuation line starts with one space, and a
// multi-octet character is never split.
func icalFold(s string) string {
	var b strings.Builder
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		b.WriteString(s[:cut])
		b.WriteString("\r\n ")
		s = s[cut:]
		limit = 74 // the leading space counts
	}
	b.WriteString(s)
	b.WriteString("\r\n")
	return b.String()
}
