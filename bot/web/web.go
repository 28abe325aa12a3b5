// Package web is liaisonbot's read-only web side: the board of open
// statements (GET /), a page per statement with its history and reply
// chain (GET /statements/LS-<n>), the directory as a table (GET /orgs), an
// Atom feed of new and changed statements (GET /feed.atom) and an
// iCalendar feed of deadlines (GET /deadlines.ics), both filterable by
// organization (?org=3GPP).
//
// It is an adapter like bot/slack and bot/zulip: it imports bot and the
// standard library only, reads through the Store interface below, and holds
// no rules of its own — what is public (bot.Public), the board's filters
// (bot.BoardQuery) and the routing shown on /orgs (bot.Routing) come from
// bot. No page changes anything, and every page works without JavaScript.
package web

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
)

// Store is what the web side reads.
type Store interface {
	// Directory returns the current directory snapshot.
	Directory(ctx context.Context) (*bot.Directory, error)
	// Statement returns one statement, or ENOTFOUND.
	Statement(ctx context.Context, id int64) (*bot.Statement, error)
	// Events returns a statement's history, oldest first.
	Events(ctx context.Context, id int64) ([]bot.Event, error)
	// ListStatements returns one page of statements matching q, and
	// whether there are more.
	ListStatements(ctx context.Context, q bot.ListQuery) ([]*bot.Statement, bool, error)
	// Replies returns the statements that answer the statement, oldest
	// first.
	Replies(ctx context.Context, id int64) ([]*bot.Statement, error)
	// IETFGroups returns the IETF groups named on statements in the states,
	// alphabetically, each once.
	IETFGroups(ctx context.Context, states []bot.State) ([]string, error)
}

// Board serves the web side. Create it with New.
type Board struct {
	store       Store
	now         bot.Clock
	loc         *time.Location
	base        string // the public URL without its trailing slash, or ""
	showPending bool
	timeout     time.Duration
	log         *slog.Logger
	pages       *template.Template
}

// Config is what New needs.
type Config struct {
	Store Store
	// Now is the clock (time.Now when nil).
	Now bot.Clock
	// Location is the time zone of calendar days ("today", overdue); UTC
	// when nil.
	Location *time.Location
	// PublicURL is the board's address as people reach it
	// (LIAISONBOT_PUBLIC_URL); every link is built on it. When "", pages
	// link relative to the site and the feeds to the host of the request.
	PublicURL string
	// ShowPending shows statements not yet sent (pending, approved)
	// (LIAISONBOT_BOARD_SHOW_PENDING).
	ShowPending bool
	// Timeout bounds the reads of one request (RequestTimeout when 0).
	Timeout time.Duration
	Logger  *slog.Logger
}

//go:embed templates/*.html templates/style.css
var files embed.FS

// css is the style sheet, inlined in every page; styleHash lets the
// Content-Security-Policy allow exactly it.
var css, styleHash = func() (string, string) {
	b, err := files.ReadFile("templates/style.css")
	if err != nil {
		panic(err)
	}
	sum := sha256.Sum256(b)
	return string(b), "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}()

// New returns the web side.
func New(c Config) *Board {
	b := &Board{store: c.Store, now: c.Now, loc: c.Location, base: strings.TrimRight(c.PublicURL, "/"),
		showPending: c.ShowPending, timeout: c.Timeout, log: c.Logger}
	if b.timeout <= 0 {
		b.timeout = RequestTimeout
	}
	if b.now == nil {
		b.now = time.Now
	}
	if b.loc == nil {
		b.loc = time.UTC
	}
	if b.log == nil {
		b.log = slog.Default()
	}
	b.pages = template.Must(template.New("").Funcs(template.FuncMap{
		"css": func() template.CSS { return template.CSS(css) },
	}).ParseFS(files, "templates/*.html"))
	return b
}

// Routes mounts the pages and feeds on mux (GET and HEAD only: nothing
// here changes anything, and the mux answers other methods with 405).
func (b *Board) Routes(mux *http.ServeMux) {
	mux.Handle("GET /{$}", b.bounded(b.board))
	mux.Handle("GET /statements/{ref}", b.bounded(b.statement))
	mux.Handle("GET /orgs", b.bounded(b.orgs))
	mux.Handle("GET /feed.atom", b.bounded(b.atom))
	mux.Handle("GET /deadlines.ics", b.bounded(b.calendar))
}

// RequestTimeout is the default bound on the reads of one request (a
// search for a very common prefix is the slow case); past it the visitor
// is told to narrow the request down.
const RequestTimeout = 5 * time.Second

func (b *Board) bounded(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), b.timeout)
		defer cancel()
		h(w, r.WithContext(ctx))
	})
}

// Paths, for links.
const (
	pathBoard    = "/"
	pathOrgs     = "/orgs"
	pathAtom     = "/feed.atom"
	pathCalendar = "/deadlines.ics"
)

func statementPath(id int64) string { return "/statements/" + bot.Ref(id) }

// link is a page's link to path (with its query): on the public URL when
// one is configured, else relative to the site.
func (b *Board) link(path string, q url.Values) string {
	s := b.base + path
	if len(q) > 0 {
		s += "?" + q.Encode()
	}
	return s
}

// absolute is the base for the feeds, which need absolute links: the public
// URL, else the request's own scheme and host.
func (b *Board) absolute(r *http.Request) string {
	if b.base != "" {
		return b.base
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func (b *Board) today() bot.Date { return bot.Today(b.now(), b.loc) }

// setHeaders are the headers of every answer: no scripts, no frames, only
// the inline style sheet.
func setHeaders(w http.ResponseWriter, contentType string, maxAge time.Duration) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src "+styleHash+"; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
	h.Set("Cache-Control", "public, max-age="+strconv.Itoa(int(maxAge.Seconds())))
}

// render writes a page.
func (b *Board) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	var buf strings.Builder
	if err := b.pages.ExecuteTemplate(&buf, name, data); err != nil {
		b.log.Error("web: rendering a page", "page", name, "path", r.URL.Path, "err", err)
		http.Error(w, "Something went wrong; try again later.", http.StatusInternalServerError)
		return
	}
	setHeaders(w, "text/html; charset=utf-8", time.Minute)
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write([]byte(stripControls(buf.String())))
	}
}

// stripControls drops the control characters HTML does not allow in a
// document (C0 but tab, line feed and carriage return; DEL; C1), which
// html/template passes through from user text. The templates hold none.
func stripControls(s string) string {
	return strings.Map(func(r rune) rune {
		if (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || (r >= 0x7f && r <= 0x9f) {
			return -1
		}
		return r
	}, s)
}

// page is what every page's layout needs.
type page struct {
	Title   string
	Nav     nav
	Current string // the nav entry of this page
	Error   string // a message for the visitor, shown at the top
}

type nav struct {
	Board, Orgs, Atom, Calendar string
}

func (b *Board) page(title, current string) page {
	return page{Title: title, Current: current, Nav: nav{
		Board: b.link(pathBoard, nil), Orgs: b.link(pathOrgs, nil),
		Atom: b.link(pathAtom, nil), Calendar: b.link(pathCalendar, nil),
	}}
}

// fail answers a failed request: the safe message of a bot.Error with its
// status (400, 404), or a 500 that says nothing of the cause, which is
// logged.
func (b *Board) fail(w http.ResponseWriter, r *http.Request, err error) {
	status, msg := failure(err)
	if status == http.StatusInternalServerError {
		b.log.Error("web: request failed", "path", r.URL.Path, "err", err)
	}
	p := b.page("Liaison statements", "")
	p.Error = msg
	b.render(w, r, status, "message.html", p)
}

// failPlain is fail for the feeds: plain text.
func (b *Board) failPlain(w http.ResponseWriter, r *http.Request, err error) {
	status, msg := failure(err)
	if status == http.StatusInternalServerError {
		b.log.Error("web: feed failed", "path", r.URL.Path, "err", err)
	}
	setHeaders(w, "text/plain; charset=utf-8", 0)
	w.WriteHeader(status)
	w.Write([]byte(msg + "\n"))
}

func failure(err error) (int, string) {
	if errors.Is(err, context.DeadlineExceeded) {
		return http.StatusServiceUnavailable, "That took too long: narrow it down (longer search words, an organization, a state)."
	}
	var be *bot.Error
	if errors.As(err, &be) {
		switch be.Code {
		case bot.EINVALID:
			return http.StatusBadRequest, bot.ErrorMessage(err)
		case bot.ENOTFOUND:
			return http.StatusNotFound, bot.ErrorMessage(err)
		}
	}
	return http.StatusInternalServerError, "Something went wrong; try again later."
}

// feedOrg reads a feed's ?org=; on a bad one it answers and reports false.
func (b *Board) feedOrg(w http.ResponseWriter, r *http.Request) (*bot.Organization, bool) {
	d, err := b.store.Directory(r.Context())
	if err == nil {
		var org *bot.Organization
		if org, err = orgParam(d, r.URL.Query().Get("org")); err == nil {
			return org, true
		}
	}
	b.failPlain(w, r, err)
	return nil, false
}

// orgParam resolves ?org= (an acronym, or a name the directory matches
// exactly); "" is every organization.
func orgParam(d *bot.Directory, v string) (*bot.Organization, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil, nil
	}
	if len(v) > 200 {
		return nil, bot.Errorf(bot.EINVALID, "That organization name is too long.")
	}
	if o := d.OrgByAcronym(v); o != nil {
		return o, nil
	}
	if m := d.Matcher().Match(v); m.Org != nil && m.Exact {
		return m.Org, nil
	}
	return nil, bot.Errorf(bot.ENOTFOUND, "No organization “%s” in the directory; /orgs lists them.", v)
}
