package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
	"github.com/ietf-tools/liaisonbot/bot/slack"
	"github.com/ietf-tools/liaisonbot/storage/storagetest"
)

// The tests of "liaisonbot serve" run Main in this process, with the
// environment given as a map, a fake of Slack's Web API, and a context the
// test cancels the way SIGTERM does in main.

const testSigningSecret = "8f742231b10e8888abcd99yyyzzz85a5"

// fakeSlack is a fake of Slack's Web API (the methods serve calls, in
// Slack's JSON shapes) that records what the bot posts, plus the
// response_url endpoint (POST /respond/<key>).
type fakeSlack struct {
	srv *httptest.Server

	// authError, when not "", is the error auth.test answers with.
	authError atomic.Value // string
	// postDelay is how long chat.postMessage thinks before it takes a
	// message (a slow Slack); the message counts as posted even if the
	// caller has gone meanwhile.
	postDelay atomic.Int64 // nanoseconds

	ts        atomic.Int64
	mu        sync.Mutex
	posts     []slackPost
	updates   int
	responses []slackResponse
	calls     map[string]int
}

// slackPost is one chat.postMessage.
type slackPost struct {
	Channel, Text, Blocks, ThreadTS, TS string
}

// slackResponse is one POST to a response_url.
type slackResponse struct {
	Key  string // the path after /respond/
	Body string
}

func newFakeSlack(t testing.TB) *fakeSlack {
	f := &fakeSlack{calls: map[string]int{}}
	f.authError.Store("")
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

// apiURL is the value of SLACK_API_URL.
func (f *fakeSlack) apiURL() string { return f.srv.URL + "/api/" }

// responseURL is a response_url that records under key.
func (f *fakeSlack) responseURL(key string) string { return f.srv.URL + "/respond/" + key }

func (f *fakeSlack) serve(w http.ResponseWriter, r *http.Request) {
	if key, ok := strings.CutPrefix(r.URL.Path, "/respond/"); ok {
		b, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.responses = append(f.responses, slackResponse{Key: key, Body: string(b)})
		f.mu.Unlock()
		w.Write([]byte("ok"))
		return
	}
	method, ok := strings.CutPrefix(r.URL.Path, "/api/")
	if !ok {
		http.NotFound(w, r)
		return
	}
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	f.calls[method]++
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	answer := func(v map[string]any) {
		v["ok"] = true
		json.NewEncoder(w).Encode(v)
	}
	switch method {
	case "auth.test":
		if e := f.authError.Load().(string); e != "" {
			fmt.Fprintf(w, `{"ok":false,"error":%q}`, e)
			return
		}
		answer(map[string]any{"url": "https://liaison-test.slack.com/", "team": "Test", "user": "liaisonbot",
			"team_id": "T0TEST", "user_id": "UBOT", "bot_id": "BBOT"})
	case "users.info":
		id := r.Form.Get("user")
		name := "Tester " + id
		answer(map[string]any{"user": map[string]any{"id": id, "team_id": "T0TEST", "name": strings.ToLower(id), "real_name": name,
			"is_email_confirmed": true,
			"profile":            map[string]any{"real_name": name, "display_name": name, "email": strings.ToLower(id) + "@example.org"}}})
	case "chat.postMessage":
		time.Sleep(time.Duration(f.postDelay.Load()))
		ts := fmt.Sprintf("1700000000.%06d", f.ts.Add(1))
		p := slackPost{Channel: r.Form.Get("channel"), Text: r.Form.Get("text"), Blocks: r.Form.Get("blocks"),
			ThreadTS: r.Form.Get("thread_ts"), TS: ts}
		f.mu.Lock()
		f.posts = append(f.posts, p)
		f.mu.Unlock()
		answer(map[string]any{"channel": p.Channel, "ts": ts, "message": map[string]any{"text": p.Text, "ts": ts}})
	case "chat.update":
		f.mu.Lock()
		f.updates++
		f.mu.Unlock()
		answer(map[string]any{"channel": r.Form.Get("channel"), "ts": r.Form.Get("ts"), "text": r.Form.Get("text")})
	case "conversations.open":
		answer(map[string]any{"channel": map[string]any{"id": "D" + strings.TrimPrefix(r.Form.Get("users"), "U")}})
	case "views.open":
		answer(map[string]any{"view": map[string]any{"id": fmt.Sprintf("V%d", f.ts.Add(1))}})
	default:
		fmt.Fprintf(w, `{"ok":false,"error":"unknown_method"}`)
	}
}

// postsTo returns the messages posted to a channel.
func (f *fakeSlack) postsTo(channel string) []slackPost {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []slackPost
	for _, p := range f.posts {
		if p.Channel == channel {
			out = append(out, p)
		}
	}
	return out
}

// allPosts returns every chat.postMessage so far.
func (f *fakeSlack) allPosts() []slackPost {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]slackPost(nil), f.posts...)
}

// responsesFor returns the bodies posted to a response_url key.
func (f *fakeSlack) responsesFor(key string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, r := range f.responses {
		if r.Key == key {
			out = append(out, r.Body)
		}
	}
	return out
}

// slashBody is a slash command's form, as Slack sends it.
// callCount is how many times the method was called.
func (f *fakeSlack) callCount(method string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[method]
}

func slashBody(user, text, responseURL string) string {
	return url.Values{
		"token": {"unused-verification-token"}, "team_id": {"T0TEST"}, "team_domain": {"liaison-test"},
		"channel_id": {"CGENERAL"}, "channel_name": {"general"},
		"user_id": {user}, "user_name": {strings.ToLower(user)},
		"command": {"/liaison"}, "text": {text},
		"response_url": {responseURL},
		"trigger_id":   {fmt.Sprintf("%d.42.%s", time.Now().UnixNano(), user)},
		"api_app_id":   {"A0LIAISON"},
	}.Encode()
}

// postSigned POSTs body to url signed with secret as Slack signs requests:
// v0=hex(HMAC-SHA256("v0:<ts>:<body>")).
func postSigned(ctx context.Context, c *http.Client, url, secret, body string) (int, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	if secret != "" {
		req.Header = slack.Sign(secret, []byte(body), time.Now())
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

// slashAnswer is a slash command's answer: on the acknowledgement (body)
// or, when the bot missed Slack's budget on a loaded machine, posted to its
// response_url (key), which it waits for; the deadline only guards against
// hanging.
func slashAnswer(t *testing.T, fake *fakeSlack, key, body string) string {
	t.Helper()
	if strings.TrimSpace(body) != "" {
		return body
	}
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if r := fake.responsesFor(key); len(r) > 0 {
			return strings.Join(r, "\n")
		}
	}
	t.Fatalf("no answer to %s, neither acknowledged nor posted to its response_url", key)
	return ""
}

// syncBuffer is a bytes.Buffer safe for a logger writing from many
// goroutines while the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// served is a "liaisonbot serve" running in this process.
type served struct {
	t      *testing.T
	cancel context.CancelFunc
	done   chan int // Main's exit code
	log    *syncBuffer
	base   string // http://addr
	db     string
	code   int
	exited bool
}

// serveEnv is the environment of a Slack-over-HTTP bot talking to fake.
func serveEnv(t *testing.T, fake *fakeSlack) map[string]string {
	return map[string]string{
		"LIAISONBOT_DB":            filepath.Join(t.TempDir(), "bot.db"),
		"LIAISONBOT_ADDR":          "127.0.0.1:0",
		"LIAISONBOT_LOG_LEVEL":     "info",
		"SLACK_BOT_TOKEN":          "xoxb-test",
		"SLACK_SIGNING_SECRET":     testSigningSecret,
		"SLACK_API_URL":            fake.apiURL(),
		"LIAISONBOT_SLACK_CHANNEL": "CLIAISON",
		"LIAISONBOT_SLACK_PACE":    "1ms",
	}
}

var serveAddr = regexp.MustCompile(`msg="liaisonbot serving".* addr=(\S+)`)

// startServe runs "liaisonbot serve" with env and waits until it listens
// (its start-up line gives the address). It fails the test if Main returns
// first.
func startServe(t *testing.T, env map[string]string) *served {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &served{t: t, cancel: cancel, done: make(chan int, 1), log: &syncBuffer{}, db: env["LIAISONBOT_DB"]}
	go func() {
		s.done <- Main(ctx, []string{"serve"}, &Env{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: s.log,
			Getenv: func(k string) string { return env[k] }})
	}()
	t.Cleanup(func() { s.stop() })
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if m := serveAddr.FindStringSubmatch(s.log.String()); m != nil {
			s.base = "http://" + m[1]
			return s
		}
		select {
		case code := <-s.done:
			s.code, s.exited = code, true
			t.Fatalf("serve exited with %d before listening:\n%s", code, s.log.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	t.Fatalf("serve did not log its start-up line in 30s:\n%s", s.log.String())
	return nil
}

// stop cancels the context (what SIGTERM does) and returns Main's exit code.
func (s *served) stop() int {
	s.t.Helper()
	if s.exited {
		return s.code
	}
	s.cancel()
	select {
	case s.code = <-s.done:
		s.exited = true
	case <-time.After(30 * time.Second):
		s.t.Fatalf("serve did not stop within 30s of its context ending:\n%s", s.log.String())
	}
	return s.code
}

// get fetches a path.
func (s *served) get(path string) (int, string, http.Header) {
	s.t.Helper()
	resp, err := http.Get(s.base + path)
	if err != nil {
		s.t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

// runServeOnce runs serve expecting it to stop by itself (a bad
// configuration) and returns its exit code and log.
func runServeOnce(t *testing.T, env map[string]string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var log syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, []string{"serve"}, &Env{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: &log,
			Getenv: func(k string) string { return env[k] }})
	}()
	select {
	case code := <-done:
		return code, log.String()
	case <-time.After(20 * time.Second):
		cancel()
		<-done
		t.Fatalf("serve kept running with a bad configuration:\n%s", log.String())
	}
	return 0, ""
}

func TestServe_StartupLineSaysWhatRunsAndWhere(t *testing.T) {
	t.Parallel()
	fake := newFakeSlack(t)
	env := serveEnv(t, fake)
	s := startServe(t, env)
	var lines []string
	for _, l := range strings.Split(s.log.String(), "\n") {
		if strings.Contains(l, `msg="liaisonbot serving"`) {
			lines = append(lines, l)
		}
	}
	if len(lines) != 1 {
		t.Fatalf("want one start-up line, got %d:\n%s", len(lines), s.log.String())
	}
	line := lines[0]
	t.Log(line)
	for _, want := range []string{
		"addr=" + strings.TrimPrefix(s.base, "http://"),
		"db=" + env["LIAISONBOT_DB"],
		"slack=http(/slack/commands,/slack/interactivity,/slack/events,/slack/options)",
		"outbox=on",
		"reminders=every 5m0s",
		"version=",
	} {
		if !strings.Contains(line, want) {
			t.Errorf("start-up line lacks %q:\n%s", want, line)
		}
	}
	if strings.Contains(line, "zulip") {
		t.Errorf("start-up line mentions Zulip, which is not configured:\n%s", line)
	}
	if code := s.stop(); code != 0 {
		t.Fatalf("exit %d after a clean stop:\n%s", code, s.log.String())
	}
	if !strings.Contains(s.log.String(), `msg=stopped`) {
		t.Errorf("no \"stopped\" line:\n%s", s.log.String())
	}
}

func TestServe_NoPlatformServesHealthAndSaysSo(t *testing.T) {
	t.Parallel()
	env := map[string]string{
		"LIAISONBOT_DB":   filepath.Join(t.TempDir(), "bot.db"),
		"LIAISONBOT_ADDR": "127.0.0.1:0",
	}
	s := startServe(t, env)
	log := s.log.String()
	if !strings.Contains(log, "no chat platform is configured") || !strings.Contains(log, "SLACK_BOT_TOKEN") {
		t.Errorf("no warning naming what to set:\n%s", log)
	}
	if code, body, _ := s.get("/healthz"); code != http.StatusOK || !strings.Contains(body, `"database":"ok"`) {
		t.Errorf("/healthz: %d %s", code, body)
	}
	if code, _, _ := s.get("/slack/commands"); code != http.StatusNotFound && code != http.StatusMethodNotAllowed {
		t.Errorf("/slack/commands without Slack: %d, want 404/405", code)
	}
}

func TestServe_MisconfigurationStopsAtStartNamingTheVariable(t *testing.T) {
	t.Parallel()
	rejecting := newFakeSlack(t)
	rejecting.authError.Store("invalid_auth")
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	ok := newFakeSlack(t)

	cases := []struct {
		name  string
		edit  func(env map[string]string)
		wants []string
	}{
		{"token without xoxb-", func(e map[string]string) { e["SLACK_BOT_TOKEN"] = "xoxp-user-token" }, []string{"SLACK_BOT_TOKEN", "xoxb-"}},
		{"interval not a duration", func(e map[string]string) { e["LIAISONBOT_REMINDER_INTERVAL"] = "5 minutes" }, []string{"LIAISONBOT_REMINDER_INTERVAL"}},
		{"interval too short", func(e map[string]string) { e["LIAISONBOT_REMINDER_INTERVAL"] = "10ms" }, []string{"LIAISONBOT_REMINDER_INTERVAL", "too short"}},
		{"zulip site without key", func(e map[string]string) {
			e["ZULIP_SITE"] = "https://zulip.example.org"
			e["ZULIP_EMAIL"] = "liaison-bot@zulip.example.org"
		}, []string{"ZULIP_API_KEY"}},
		{"no signing secret", func(e map[string]string) { delete(e, "SLACK_SIGNING_SECRET") }, []string{"SLACK_SIGNING_SECRET"}},
		{"token Slack rejects", func(e map[string]string) { e["SLACK_API_URL"] = rejecting.apiURL() }, []string{"SLACK_BOT_TOKEN", "invalid_auth"}},
		{"address in use", func(e map[string]string) { e["LIAISONBOT_ADDR"] = busy.Addr().String() }, []string{"LIAISONBOT_ADDR"}},
		{"bad api url", func(e map[string]string) { e["SLACK_API_URL"] = "slack.com/api" }, []string{"SLACK_API_URL"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := serveEnv(t, ok)
			c.edit(env)
			code, log := runServeOnce(t, env)
			t.Logf("exit %d: %s", code, strings.TrimSpace(log))
			if code == 0 {
				t.Fatalf("exit 0, want non-zero:\n%s", log)
			}
			for _, w := range c.wants {
				if !strings.Contains(log, w) {
					t.Errorf("message lacks %q:\n%s", w, log)
				}
			}
			if strings.Contains(log, `msg="liaisonbot serving"`) {
				t.Errorf("it started serving before stopping:\n%s", log)
			}
		})
	}
}

// healthBody is /healthz's JSON.
type healthBody struct {
	Status string            `json:"status"`
	Checks map[string]string `json:"checks"`
}

func TestServe_HealthzOKWhenDatabaseAndSlackAnswer(t *testing.T) {
	t.Parallel()
	fake := newFakeSlack(t)
	s := startServe(t, serveEnv(t, fake))
	code, body, h := s.get("/healthz")
	if code != http.StatusOK {
		t.Fatalf("/healthz: %d %s", code, body)
	}
	if ct := h.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type %q", ct)
	}
	var hb healthBody
	if err := json.Unmarshal([]byte(body), &hb); err != nil {
		t.Fatalf("not JSON: %v: %s", err, body)
	}
	if hb.Status != "ok" || hb.Checks["database"] != "ok" || hb.Checks["slack"] != "ok" {
		t.Errorf("/healthz body %s", body)
	}
}

func TestServe_Healthz503NamesSlackWhenAuthTestFails(t *testing.T) {
	t.Parallel()
	fake := newFakeSlack(t)
	s := startServe(t, serveEnv(t, fake))
	// Slack accepted the token at start; now it refuses it.
	fake.authError.Store("token_revoked")
	code, body, _ := s.get("/healthz")
	if code != http.StatusServiceUnavailable {
		t.Fatalf("/healthz: %d %s, want 503", code, body)
	}
	var hb healthBody
	if err := json.Unmarshal([]byte(body), &hb); err != nil {
		t.Fatalf("not JSON: %v: %s", err, body)
	}
	if hb.Status != "unhealthy" || hb.Checks["database"] != "ok" ||
		!strings.HasPrefix(hb.Checks["slack"], "unhealthy") || !strings.Contains(hb.Checks["slack"], "token_revoked") {
		t.Errorf("/healthz body does not name the unhealthy part: %s", body)
	}
}

// metricLine finds a sample line of /metrics that starts with prefix.
func metricLine(metrics, prefix string) string {
	for _, l := range strings.Split(metrics, "\n") {
		if strings.HasPrefix(l, prefix) {
			return l
		}
	}
	return ""
}

func TestServe_MetricsAfterCommands(t *testing.T) {
	t.Parallel()
	fake := newFakeSlack(t)
	s := startServe(t, serveEnv(t, fake))
	code, m, _ := s.get("/metrics")
	if code != http.StatusOK {
		t.Fatalf("/metrics: %d", code)
	}
	for _, want := range []string{"liaisonbot_outbox_pending 0", "liaisonbot_outbox_failed 0", "liaisonbot_outbox_oldest_age_seconds 0",
		"go_goroutines", "process_resident_memory_bytes"} {
		if metricLine(m, want) == "" {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if strings.Contains(m, "liaisonbot_command_duration_seconds_bucket") {
		t.Errorf("a command latency before any command")
	}

	ctx := context.Background()
	code, body, err := postSigned(ctx, http.DefaultClient, s.base+"/slack/commands", testSigningSecret,
		slashBody("UMETRIC", "contact 3gpp", fake.responseURL("m1")))
	if err != nil || code != http.StatusOK || !strings.Contains(slashAnswer(t, fake, "m1", body), "Camarillo") {
		t.Fatalf("contact: %d %v %s", code, err, body)
	}
	code, body, err = postSigned(ctx, http.DefaultClient, s.base+"/slack/commands", testSigningSecret,
		slashBody("UMETRIC", `submit to=3GPP from=opsawg purpose=info title="metrics" body="b"`, fake.responseURL("m2")))
	if err != nil || code != http.StatusOK || !strings.Contains(slashAnswer(t, fake, "m2", body), "Submitted LS-1") {
		t.Fatalf("submit: %d %v %s", code, err, body)
	}
	code, _, err = postSigned(ctx, http.DefaultClient, s.base+"/slack/commands", "not-the-secret",
		slashBody("UMETRIC", "contact 3gpp", fake.responseURL("m3")))
	if err != nil || code != http.StatusUnauthorized {
		t.Fatalf("badly signed: %d %v, want 401", code, err)
	}
	// The notice goes out through the dispatcher, which counts it after
	// recording it as sent.
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if _, m, _ = s.get("/metrics"); metricLine(m, `liaisonbot_deliveries_total{platform="slack"} 1`) != "" {
			break
		}
	}
	if n := len(fake.postsTo("CLIAISON")); n != 1 {
		t.Errorf("%d notices in the liaison channel, want 1", n)
	}
	for _, want := range []string{
		`liaisonbot_command_duration_seconds_bucket{command="contact",platform="slack",le="+Inf"} 1`,
		`liaisonbot_command_duration_seconds_count{command="submit",platform="slack"} 1`,
		`liaisonbot_commands_total{command="contact",outcome="ok",platform="slack"} 1`,
		`liaisonbot_slack_signature_rejections_total{reason="signature"} 1`,
		`liaisonbot_deliveries_total{platform="slack"} 1`,
		`liaisonbot_outbox_pending 0`,
	} {
		if metricLine(m, want) == "" {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("/metrics:\n%s", grepLines(m, "liaisonbot_"))
	}
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// heldRequest is a signed slash command whose body is not sent yet: its
// headers ask "Expect: 100-continue", and Go's server answers "100
// Continue" only when the handler starts reading the body. Once that line
// is in, the request is past the shutdown guard and in flight, and it
// stays so, with no timer involved, until send delivers the body.
type heldRequest struct {
	conn net.Conn
	br   *bufio.Reader
	body string
}

func holdSlashCommand(t *testing.T, base, body string) *heldRequest {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	var head strings.Builder
	fmt.Fprintf(&head, "POST /slack/commands HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\n", u.Host)
	fmt.Fprintf(&head, "Content-Length: %d\r\nExpect: 100-continue\r\n", len(body))
	for k, vs := range slack.Sign(testSigningSecret, []byte(body), time.Now()) {
		fmt.Fprintf(&head, "%s: %s\r\n", k, vs[0])
	}
	head.WriteString("\r\n")
	if _, err := io.WriteString(conn, head.String()); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil || resp.StatusCode != http.StatusContinue {
		t.Fatalf("the held request got %v, %v; want 100 Continue (its handler reading the body)", resp, err)
	}
	return &heldRequest{conn: conn, br: br, body: body}
}

// send delivers the body and returns the answer.
func (h *heldRequest) send() (int, string, error) {
	if _, err := io.WriteString(h.conn, h.body); err != nil {
		return 0, "", err
	}
	resp, err := http.ReadResponse(h.br, nil)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

func TestServe_ShutdownFinishesInFlightRefusesNewAndClosesTheDatabase(t *testing.T) {
	t.Parallel()
	fake := newFakeSlack(t)
	env := serveEnv(t, fake)
	s := startServe(t, env)

	// A submission that is being handled when the signal comes: held,
	// by explicit synchronisation, until new requests are refused.
	held := holdSlashCommand(t, s.base,
		slashBody("USLOW", `submit to=3GPP from=opsawg purpose=info title="in flight at shutdown" body="b"`, fake.responseURL("slow")))
	s.cancel() // what SIGTERM does

	// New requests are refused while the held one is in flight. (The
	// deadline only guards against hanging.)
	fresh := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	refused := false
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		code, _, err := postSigned(context.Background(), fresh, s.base+"/slack/commands", testSigningSecret,
			slashBody("UNEW", "contact 3gpp", fake.responseURL("new")))
		if err != nil || code == http.StatusServiceUnavailable {
			refused = true
			break
		}
	}
	if !refused {
		t.Fatal("new requests still served after shutdown began")
	}

	// The held request finishes and is answered: on the acknowledgement,
	// or, if the machine is slow enough to miss Slack's budget, through
	// its response_url (shutdown waits for that too).
	code, body, err := held.send()
	if err != nil || code != http.StatusOK {
		t.Fatalf("in-flight submission: %d %v %s", code, err, body)
	}
	if code := s.stop(); code != 0 {
		t.Fatalf("exit %d:\n%s", code, s.log.String())
	}
	if answer := body + strings.Join(fake.responsesFor("slow"), ""); !strings.Contains(answer, "Submitted LS-1") {
		t.Errorf("the in-flight submission was not answered: %q", answer)
	}
	log := s.log.String()
	if i, j := strings.Index(log, `msg="shutting down"`), strings.Index(log, "msg=stopped"); i < 0 || j < i {
		t.Errorf("log lacks \"shutting down\" then \"stopped\":\n%s", log)
	}
	if strings.Contains(log, "closing the database") {
		t.Errorf("the database did not close cleanly:\n%s", log)
	}
	// SQLite removes the WAL file when the last connection closes cleanly.
	if _, err := os.Stat(env["LIAISONBOT_DB"] + "-wal"); err == nil {
		t.Errorf("%s-wal is still there: the database was not closed", env["LIAISONBOT_DB"])
	}

	db := storagetest.Open(t, storagetest.Path(env["LIAISONBOT_DB"]), storagetest.Unseeded())
	st, err := db.Statement(context.Background(), 1)
	if err != nil {
		t.Fatalf("LS-1 after shutdown: %v", err)
	}
	if st.Title != "in flight at shutdown" || st.State != bot.StatePending {
		t.Errorf("LS-1 is %q in %s", st.Title, st.State)
	}
	events, err := db.Events(context.Background(), 1)
	if err != nil || len(events) == 0 || events[0].Type != bot.EventSubmitted {
		t.Errorf("LS-1's events: %v %+v", err, events)
	}
	var rows int
	if err := rawDB(t, env["LIAISONBOT_DB"]).QueryRow(`SELECT COUNT(*) FROM outbox WHERE statement_id = 1`).Scan(&rows); err != nil || rows != 1 {
		t.Errorf("LS-1 has %d outbox rows (%v), want 1", rows, err)
	}
}
