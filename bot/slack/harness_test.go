package slack

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
	"github.com/ietf-tools/liaisonbot/commands"
	"github.com/ietf-tools/liaisonbot/storage"
	"github.com/ietf-tools/liaisonbot/storage/storagetest"
)

// update makes the golden tests rewrite their files:
// go test ./bot/slack -update
var update = flag.Bool("update", false, "rewrite golden files")

const testSecret = "8f742231b10e8888abcd99yyyzzz85a5"

// routerNow is the router's fixed clock: directory ages and deadlines in
// the golden files depend on it.
var routerNow = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// testEnv is the real chain: the adapter on the real router, on a real
// SQLite file seeded with the bundled directory, talking to a fake Slack.
type testEnv struct {
	t       testing.TB
	dbPath  string
	db      *storage.DB
	router  *commands.Router
	fake    *fakeSlack
	adapter *Adapter
	mux     *http.ServeMux
}

type envOption func(*Config)

func newTestEnv(t testing.TB, opts ...envOption) *testEnv {
	t.Helper()
	path := filepath.Join(t.TempDir(), "bot.db")
	db := openSeeded(t, path)
	e := &testEnv{t: t, dbPath: path, db: db, fake: newFakeSlack(t)}
	e.router = commands.New(db, quietLogger())
	e.router.Now = func() time.Time { return routerNow }
	e.router.Admins["slack:UADMIN"] = true
	e.fake.SetUser("USUB", "sub@example.org", "Sam Submitter")
	e.fake.SetUser("UADMIN", "admin@example.org", "Ada Admin")
	e.fake.SetUser("UOTHER", "other@example.org", "Oscar Other")
	e.start(opts...)
	return e
}

func openSeeded(t testing.TB, path string) *storage.DB {
	t.Helper()
	return storagetest.Open(t, storagetest.Path(path), storagetest.Logger(quietLogger()))
}

// start creates the adapter (again: a "restart" keeps the database).
func (e *testEnv) start(opts ...envOption) {
	e.t.Helper()
	cfg := Config{
		Handler:       e.router,
		Directory:     e.db,
		Store:         e.db,
		SyncState:     e.db.SyncState,
		Token:         "xoxb-test",
		APIURL:        e.fake.APIURL(),
		SigningSecret: testSecret,
		BotUserID:     "UBOT",
		Logger:        quietLogger(),
		Retry:         Retry{Initial: time.Millisecond, Max: 5 * time.Millisecond},
		// Answers ride on the acknowledgement however loaded the machine
		// is; the tests of late answers set a short budget themselves.
		CommandBudget: time.Hour,
	}
	for _, o := range opts {
		o(&cfg)
	}
	a, err := New(cfg)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { a.Shutdown(context.Background()) })
	e.adapter = a
	e.mux = http.NewServeMux()
	a.Routes(e.mux)
}

// drain waits for all the adapter's work after acknowledgements, then
// starts a fresh adapter on the same database.
func (e *testEnv) drain(opts ...envOption) {
	e.t.Helper()
	if err := e.adapter.Shutdown(context.Background()); err != nil {
		e.t.Fatal(err)
	}
	e.start(opts...)
}

func quietLogger() *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// sign sets the headers Slack sends: X-Slack-Request-Timestamp and
// X-Slack-Signature = v0=hex(HMAC-SHA256(secret, "v0:<ts>:<body>")).
// Written here independently of the adapter's own code.
func sign(h http.Header, secret, body string, at time.Time) {
	ts := strconv.FormatInt(at.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	io.WriteString(mac, "v0:"+ts+":"+body)
	h.Set("X-Slack-Request-Timestamp", ts)
	h.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
}

// post sends a signed request through the HTTP handler chain.
func (e *testEnv) post(path, contentType, body string, hdr ...string) *httptest.ResponseRecorder {
	e.t.Helper()
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	sign(req.Header, testSecret, body, time.Now())
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	e.mux.ServeHTTP(w, req)
	return w
}

const formType = "application/x-www-form-urlencoded"

// slash sends a signed /liaison command.
func (e *testEnv) slash(user, channel, text string) *httptest.ResponseRecorder {
	return e.post("/slack/commands", formType, slashForm(user, channel, text, e.fake.ResponseURL("cmd-"+user)).Encode())
}

func slashForm(user, channel, text, responseURL string) url.Values {
	name := "general"
	if strings.HasPrefix(channel, "D") {
		name = "directmessage"
	}
	return url.Values{
		"token": {"ignored"}, "team_id": {"T1"}, "team_domain": {"ietf"},
		"channel_id": {channel}, "channel_name": {name},
		"user_id": {user}, "user_name": {strings.ToLower(user)},
		"command": {"/liaison"}, "text": {text},
		"response_url": {responseURL},
		"trigger_id":   {"13345224609.738474920.8088930838d88f008e0"},
		"api_app_id":   {"A1"},
	}
}

// interact sends a signed interactivity payload.
func (e *testEnv) interact(payload any) *httptest.ResponseRecorder {
	e.t.Helper()
	b, err := json.Marshal(payload)
	if err != nil {
		e.t.Fatal(err)
	}
	return e.post("/slack/interactivity", formType, url.Values{"payload": {string(b)}}.Encode())
}

// event sends a signed Events API delivery.
func (e *testEnv) event(payload any, hdr ...string) *httptest.ResponseRecorder {
	e.t.Helper()
	b, err := json.Marshal(payload)
	if err != nil {
		e.t.Fatal(err)
	}
	return e.post("/slack/events", "application/json", string(b), hdr...)
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./bot/slack -update to create it)", err)
	}
	if string(want) != string(got) {
		t.Errorf("%s differs from the golden file (go test ./bot/slack -update rewrites it):\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

// indent pretty-prints JSON for golden files.
func indent(t *testing.T, raw []byte) []byte {
	t.Helper()
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, raw)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// countingHandler counts requests and answers "ok".
type countingHandler struct {
	n    chan *bot.Request
	resp func(req *bot.Request) *bot.Response
}

func newCountingHandler() *countingHandler {
	return &countingHandler{n: make(chan *bot.Request, 100)}
}

func (h *countingHandler) Handle(ctx context.Context, req *bot.Request) *bot.Response {
	h.n <- req
	if h.resp != nil {
		return h.resp(req)
	}
	return &bot.Response{Messages: []bot.Message{bot.Say(bot.Plain("ok"))}}
}

func (h *countingHandler) count() int { return len(h.n) }
