package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
	"github.com/ietf-tools/liaisonbot/bot/web"
	"github.com/ietf-tools/liaisonbot/storage"
)

// fixedNow is the tests' clock.
var fixedNow = time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)

type harness struct {
	t   testing.TB
	db  *storage.DB
	dir *bot.Directory
	srv *httptest.Server
	cfg web.Config
}

// newHarness opens a real SQLite database with the bundled directory and
// serves the board on it (mounted on a mux as serve mounts it).
func newHarness(tb testing.TB, cfg web.Config) *harness {
	tb.Helper()
	ctx := context.Background()
	db, err := storage.Open(ctx, filepath.Join(tb.TempDir(), "bot.db"), storage.WithSynchronous(storage.SyncNormal))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	db.Now = func() time.Time { return fixedNow }
	if _, err := db.Seed(ctx); err != nil {
		tb.Fatal(err)
	}
	d, err := db.Directory(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	cfg.Store = db
	cfg.Now = func() time.Time { return fixedNow }
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	mux := http.NewServeMux()
	web.New(cfg).Routes(mux)
	srv := httptest.NewServer(mux)
	tb.Cleanup(srv.Close)
	return &harness{t: tb, db: db, dir: d, srv: srv, cfg: cfg}
}

// put stores s as given (its state, tags and dates) with a submitted event
// and the events given, and returns its id.
func (h *harness) put(s *bot.Statement, events ...bot.Event) int64 {
	h.t.Helper()
	if s.Submitted.IsZero() {
		s.Submitted = fixedNow.Add(-48 * time.Hour)
	}
	if s.Updated.IsZero() {
		s.Updated = s.Submitted
	}
	if s.Purpose == "" {
		s.Purpose = bot.PurposeInfo
	}
	if s.Direction == "" {
		s.Direction = bot.Outgoing
	}
	if s.To == "" {
		s.To = "3GPP"
	}
	if s.From == "" {
		s.From = "opsawg"
	}
	if s.OrgID == 0 {
		other := s.To
		if s.Direction == bot.Incoming {
			other = s.From
		}
		if o := h.dir.OrgByAcronym(other); o != nil {
			s.OrgID = o.ID
		}
	}
	var id int64
	err := h.db.UpdateStatements(context.Background(), func(tx bot.StatementTx) error {
		evs := append([]bot.Event{{Time: s.Submitted, Type: bot.EventSubmitted, By: s.SubmitterName, ToState: s.State}}, events...)
		var err error
		id, err = tx.Create(s, "", evs...)
		return err
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return id
}

// change edits a stored statement as the workflow would (one more version).
func (h *harness) change(id int64, at time.Time, fn func(s *bot.Statement)) {
	h.t.Helper()
	err := h.db.UpdateStatements(context.Background(), func(tx bot.StatementTx) error {
		s, err := tx.Statement(id)
		if err != nil {
			return err
		}
		fn(s)
		s.Updated = at
		return tx.Save(s, bot.Event{Time: at, Type: bot.EventModified})
	})
	if err != nil {
		h.t.Fatal(err)
	}
}

// get fetches path and returns the status, the headers and the body.
func (h *harness) get(path string) (int, http.Header, string) {
	h.t.Helper()
	return h.do(http.MethodGet, path)
}

func (h *harness) do(method, path string) (int, http.Header, string) {
	h.t.Helper()
	req, err := http.NewRequest(method, h.srv.URL+path, nil)
	if err != nil {
		h.t.Fatal(err)
	}
	resp, err := h.srv.Client().Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, string(b)
}

// page fetches an HTML page that must answer 200.
func (h *harness) page(path string) string {
	h.t.Helper()
	status, hdr, body := h.get(path)
	if status != http.StatusOK {
		h.t.Fatalf("GET %s: %d\n%s", path, status, body)
	}
	if ct := hdr.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		h.t.Errorf("GET %s: Content-Type %q", path, ct)
	}
	return body
}

func mustContain(t testing.TB, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("page lacks %q", w)
		}
	}
}

func mustNotContain(t testing.TB, got string, nots ...string) {
	t.Helper()
	for _, w := range nots {
		if strings.Contains(got, w) {
			t.Errorf("page has %q", w)
		}
	}
}

// refsIn lists the statement references linked on a board page, in order.
func refsIn(body string) []string {
	var out []string
	for _, part := range strings.Split(body, `<h3><a href="`)[1:] {
		_, rest, _ := strings.Cut(part, `">`)
		ref, _, _ := strings.Cut(rest, ":")
		out = append(out, ref)
	}
	return out
}
