// Package zuliptest is a fake Zulip server for tests: an httptest server
// that speaks the subset of Zulip's REST API liaisonbot uses (register,
// events, messages, users), checks requests the way Zulip does, answers in
// Zulip's documented shapes, and lets a test push events, expire queues,
// inject failures and inspect what was sent.
//
// The fake is written against Zulip's OpenAPI document and server source,
// independently of package zulip, so that it catches encoding mistakes
// instead of sharing them. Where Zulip is lenient in ways a bot should not
// rely on, the fake is stricter and says so in a message starting with
// "zuliptest:" (parameters of a POST in its query string, a parameter given
// twice, a topic or content over the limit that Zulip would silently
// truncate, a zform choice the web app could not render).
//
// A Server is safe for concurrent use.
package zuliptest

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// Defaults of a new Server.
const (
	DefaultBotEmail     = "liaison-bot@zulip.example.org"
	DefaultBotAPIKey    = "lIaIsOnBoTaPiKeY0123456789abcdef" // 32 characters, as Zulip's
	DefaultBotName      = "Liaison Bot"
	DefaultBotID        = 100
	DefaultFeatureLevel = 400 // Zulip 11
	DefaultVersion      = "11.0"
	// DefaultHeartbeat is how long GET /events blocks before it queues and
	// returns a heartbeat (Zulip waits about a minute).
	DefaultHeartbeat = 200 * time.Millisecond
	// waitTimeout bounds the Wait… helpers, a safety net against hangs.
	waitTimeout = 10 * time.Second
)

// User is a user of the fake organization.
type User struct {
	ID       int64
	Email    string // the Zulip API email
	FullName string
	// DeliveryEmail is the real email; empty means Email.
	DeliveryEmail string
	// EmailHidden makes the real email invisible to the bot: it is then
	// reported as null and lookups by it fail, as with restricted email
	// visibility.
	EmailHidden bool
	IsBot       bool
	// Deactivated is a deactivated account: the users endpoints still
	// return it, with is_active false.
	Deactivated bool
}

func (u *User) deliveryEmail() string {
	if u.DeliveryEmail != "" {
		return u.DeliveryEmail
	}
	return u.Email
}

// Request is a request the server received, as received.
type Request struct {
	Method  string
	Path    string // unescaped
	RawPath string // as sent, escaped
	Query   url.Values
	Form    url.Values // the parsed body (nil if it was not a form)
	Body    string
	Header  http.Header
}

// Fault is a scripted answer that replaces the next matching requests'
// normal handling (after authentication, like Zulip's own rate limiter).
type Fault struct {
	Method string // "" matches any method
	Path   string // exact URL path, e.g. "/api/v1/messages"
	Status int
	Header http.Header
	Body   string // sent as is; Content-Type is application/json unless Header says otherwise
}

type fault struct {
	Fault
	left int
}

// Server is a fake Zulip server.
type Server struct {
	// URL is the site URL to give the client, e.g. http://127.0.0.1:1234.
	URL string
	// Bot is the bot account the requests must authenticate as.
	Bot User
	// APIKey is the bot's API key.
	APIKey string

	t    testing.TB
	ts   *httptest.Server
	mux  *http.ServeMux
	done chan struct{}
	once sync.Once

	mu            sync.Mutex
	changed       chan struct{} // closed and replaced on every change
	users         []*User
	channels      map[string]int64 // lower-case name → ID
	channelNames  map[int64]string
	nextUserID    int64
	nextChannelID int64
	nextMessageID int64
	nextQueueID   int64
	featureLevel  int
	maxTopic      int
	maxContent    int
	heartbeat     time.Duration
	echo          bool
	deactivated   bool
	queues        map[string]*queue
	pending       []event
	registrations int
	expired       []string
	deleted       []string
	messages      []*SentMessage
	pushed        map[int64]int64 // message ID → sender ID of pushed messages
	requests      []Request
	faults        []*fault
}

// NewServer starts a fake Zulip server with a bot account (DefaultBotEmail,
// DefaultBotAPIKey, DefaultBotName, DefaultBotID) and no other user or
// channel. It is closed when the test ends.
func NewServer(t testing.TB) *Server {
	t.Helper()
	s := &Server{
		Bot:           User{ID: DefaultBotID, Email: DefaultBotEmail, FullName: DefaultBotName, IsBot: true},
		APIKey:        DefaultBotAPIKey,
		t:             t,
		done:          make(chan struct{}),
		changed:       make(chan struct{}),
		channels:      map[string]int64{},
		channelNames:  map[int64]string{},
		nextUserID:    10,
		nextChannelID: 1,
		nextMessageID: 1000,
		featureLevel:  DefaultFeatureLevel,
		maxTopic:      60,
		maxContent:    10000,
		heartbeat:     DefaultHeartbeat,
		echo:          true,
		queues:        map[string]*queue{},
		pushed:        map[int64]int64{},
	}
	bot := s.Bot
	s.users = append(s.users, &bot)
	s.mux = http.NewServeMux()
	s.mux.HandleFunc("POST /api/v1/register", s.handleRegister)
	s.mux.HandleFunc("GET /api/v1/events", s.handleGetEvents)
	s.mux.HandleFunc("DELETE /api/v1/events", s.handleDeleteQueue)
	s.mux.HandleFunc("POST /api/v1/messages", s.handleSendMessage)
	s.mux.HandleFunc("PATCH /api/v1/messages/{id}", s.handleUpdateMessage)
	s.mux.HandleFunc("GET /api/v1/users/me", s.handleOwnUser)
	s.mux.HandleFunc("GET /api/v1/users/{email}", s.handleUserByEmail)
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, &apiError{status: http.StatusNotFound, code: "BAD_REQUEST", msg: "zuliptest: no such endpoint: " + r.Method + " " + r.URL.Path})
	})
	s.ts = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.ts.URL
	t.Cleanup(s.Close)
	return s
}

// Close shuts the server down, ending pending long-polls.
func (s *Server) Close() {
	s.once.Do(func() {
		close(s.done)
		s.ts.Close()
	})
}

// Client returns an HTTP client for the server.
func (s *Server) Client() *http.Client { return s.ts.Client() }

// serve records the request, authenticates it, applies faults and
// dispatches it.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		writeError(w, badRequest("zuliptest: reading body: %v", err))
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	req := Request{
		Method: r.Method, Path: r.URL.Path, RawPath: r.URL.EscapedPath(),
		Query: r.URL.Query(), Body: string(body), Header: r.Header.Clone(),
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		req.Form, _ = url.ParseQuery(string(body))
	}
	s.mu.Lock()
	s.requests = append(s.requests, req)
	s.notifyLocked()
	s.mu.Unlock()

	if e := s.authenticate(r); e != nil {
		writeError(w, e)
		return
	}
	if f := s.takeFault(r); f != nil {
		for k, vs := range f.Header {
			w.Header()[k] = vs
		}
		if w.Header().Get("Content-Type") == "" {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(f.Status)
		_, _ = io.WriteString(w, f.Body)
		return
	}
	s.mux.ServeHTTP(w, r)
}

// apiKeyFormat is Zulip's has_api_key_format.
var apiKeyFormat = regexp.MustCompile(`^[a-zA-Z0-9]{32}$`)

// authenticate checks HTTP Basic auth as Zulip does.
func (s *Server) authenticate(r *http.Request) *apiError {
	email, key, ok := r.BasicAuth()
	if !ok {
		return &apiError{
			status: http.StatusUnauthorized, code: "UNAUTHORIZED",
			msg:    "Not logged in: API authentication or user session required",
			header: http.Header{"Www-Authenticate": {`Basic realm="zulip"`}},
		}
	}
	if !apiKeyFormat.MatchString(key) {
		return &apiError{status: http.StatusUnauthorized, code: "INVALID_API_KEY", msg: "Malformed API key"}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if key != s.APIKey || !strings.EqualFold(email, s.Bot.deliveryEmail()) {
		return &apiError{status: http.StatusUnauthorized, code: "INVALID_API_KEY", msg: "Invalid API key"}
	}
	if s.deactivated {
		return &apiError{status: http.StatusUnauthorized, code: "USER_DEACTIVATED", msg: "Account is deactivated"}
	}
	return nil
}

// takeFault returns the first fault matching r, counting it down.
func (s *Server) takeFault(r *http.Request) *fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if f.Path == r.URL.Path && (f.Method == "" || f.Method == r.Method) {
			f.left--
			if f.left <= 0 {
				s.faults = append(s.faults[:i], s.faults[i+1:]...)
			}
			return f
		}
	}
	return nil
}

// Inject makes the next n requests matching f get f's answer.
func (s *Server) Inject(f Fault, n int) {
	if n <= 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &fault{Fault: f, left: n})
}

// FailNext makes the next n requests to path fail with status and the
// JSON body Zulip sends for an unhandled exception (which has no code).
func (s *Server) FailNext(path string, n, status int) {
	s.Inject(Fault{Path: path, Status: status, Body: `{"result":"error","msg":"Internal server error"}`}, n)
}

// FailNextHTML makes the next n requests to path fail with status and an
// HTML page, as a reverse proxy in front of Zulip would (e.g. 502).
func (s *Server) FailNextHTML(path string, n, status int) {
	body := fmt.Sprintf("<html>\r\n<head><title>%d %s</title></head>\r\n<body>\r\n<center><h1>%[1]d %[2]s</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
		status, http.StatusText(status))
	s.Inject(Fault{Path: path, Status: status, Header: http.Header{"Content-Type": {"text/html"}}, Body: body}, n)
}

// RateLimitNext makes the next n requests to path fail as Zulip's rate
// limiter does: HTTP 429, a Retry-After header of retryAfter seconds (a
// float such as "0.5"; none if empty) and the RATE_LIMIT_HIT body with the
// same "retry-after" value.
func (s *Server) RateLimitNext(path string, n int, retryAfter string) {
	h := http.Header{}
	body := `{"result":"error","msg":"API usage exceeded rate limit","code":"RATE_LIMIT_HIT"}`
	if retryAfter != "" {
		h.Set("Retry-After", retryAfter)
		body = fmt.Sprintf(`{"result":"error","msg":"API usage exceeded rate limit","code":"RATE_LIMIT_HIT","retry-after":%s}`, retryAfter)
	}
	s.Inject(Fault{Path: path, Status: http.StatusTooManyRequests, Header: h, Body: body}, n)
}

// Requests returns every request received so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// RequestsTo returns the requests received with that method and path.
func (s *Server) RequestsTo(method, path string) []Request {
	var out []Request
	for _, r := range s.Requests() {
		if r.Method == method && r.Path == path {
			out = append(out, r)
		}
	}
	return out
}

// WaitRequest blocks until a request satisfying match has been received
// and returns the first one. Call it from the test goroutine.
func (s *Server) WaitRequest(what string, match func(Request) bool) Request {
	s.t.Helper()
	var found Request
	s.waitFor(what, func() bool {
		for _, r := range s.requests {
			if match(r) {
				found = r
				return true
			}
		}
		return false
	})
	return found
}

// SetHeartbeat sets how long GET /events blocks before answering with a
// heartbeat.
func (s *Server) SetHeartbeat(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.heartbeat = d
}

// SetFeatureLevel sets the zulip_feature_level that register reports.
func (s *Server) SetFeatureLevel(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.featureLevel = n
}

// SetLimits sets the server's max_topic_length and max_message_length.
func (s *Server) SetLimits(maxTopic, maxContent int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.maxTopic, s.maxContent = maxTopic, maxContent
}

// SetEcho sets whether the bot's own messages are delivered to its event
// queues, as Zulip does (default true).
func (s *Server) SetEcho(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.echo = on
}

// DeactivateBot makes every further request fail with USER_DEACTIVATED.
func (s *Server) DeactivateBot() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.deactivated = true
}

// notifyLocked wakes the Wait… helpers; s.mu must be held.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// waitFor blocks until cond (called with s.mu held) is true, failing the
// test after a generous timeout. Call it from the test goroutine.
func (s *Server) waitFor(what string, cond func() bool) {
	s.t.Helper()
	timeout := time.NewTimer(waitTimeout)
	defer timeout.Stop()
	for {
		s.mu.Lock()
		ok, changed := cond(), s.changed
		s.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-changed:
		case <-timeout.C:
			s.t.Fatalf("zuliptest: timed out waiting for %s", what)
		}
	}
}
