package zulip

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ietf-tools/liaisonbot/bot/zulip/zuliptest"
)

// sleeps records the waits of a client instead of sleeping.
type sleeps struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.waits = append(s.waits, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleeps) all() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.waits...)
}

// testRetry is a fast retry policy for tests.
var testRetry = RetryPolicy{MaxAttempts: 4, BaseBackoff: time.Millisecond, MaxBackoff: 8 * time.Millisecond}

// newTestClient returns a client of s as its bot, with recorded sleeps.
func newTestClient(t *testing.T, s *zuliptest.Server, opts ...Option) (*Client, *sleeps) {
	t.Helper()
	sl := &sleeps{}
	base := []Option{WithHTTPClient(s.Client()), WithRetry(testRetry), WithSleep(sl.sleep)}
	c, err := New(s.URL, s.Bot.Email, s.APIKey, append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c, sl
}

func TestNew_ValidatesSite(t *testing.T) {
	tests := []struct {
		site, want string // want "" means an error
	}{
		{"https://zulip.example.org", "https://zulip.example.org"},
		{"https://zulip.example.org/", "https://zulip.example.org"},
		{"https://zulip.example.org/api/v1/", "https://zulip.example.org"},
		{"https://example.org/chat/api", "https://example.org/chat"},
		{"http://localhost:9991", "http://localhost:9991"},
		{"zulip.example.org", ""},
		{"ftp://zulip.example.org", ""},
		{"https://", ""},
		{"https://bot:key@zulip.example.org", ""},
		{"https://zulip.example.org/?x=1", ""},
		{"", ""},
	}
	for _, tt := range tests {
		c, err := New(tt.site, "bot@example.org", "key")
		switch {
		case tt.want == "" && err == nil:
			t.Errorf("New(%q) succeeded, want an error", tt.site)
		case tt.want != "" && err != nil:
			t.Errorf("New(%q): %v", tt.site, err)
		case tt.want != "" && c.Site() != tt.want:
			t.Errorf("New(%q).Site() = %q, want %q", tt.site, c.Site(), tt.want)
		}
	}
	if _, err := New("https://z.example.org", "", "key"); err == nil {
		t.Error("New with an empty email succeeded")
	}
	if _, err := New("https://z.example.org", "bot@example.org", ""); err == nil {
		t.Error("New with an empty API key succeeded")
	}
}

func TestClient_SendsBasicAuthAndUserAgent(t *testing.T) {
	s := zuliptest.NewServer(t)
	c, _ := newTestClient(t, s)
	u, err := c.GetOwnUser(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if u.ID != s.Bot.ID || u.Email != s.Bot.Email || !u.IsBot {
		t.Errorf("GetOwnUser() = %+v", u)
	}
	req := s.Requests()[0]
	wantAuth := "Basic " + base64.StdEncoding.EncodeToString([]byte(s.Bot.Email+":"+s.APIKey))
	if got := req.Header.Get("Authorization"); got != wantAuth {
		t.Errorf("Authorization = %q, want %q", got, wantAuth)
	}
	ua := req.Header.Get("User-Agent")
	if !strings.HasPrefix(ua, "liaisonbot/") || !strings.HasSuffix(ua, " (+https://github.com/ietf-tools/liaisonbot)") {
		t.Errorf("User-Agent = %q", ua)
	}

	c, _ = newTestClient(t, s, WithUserAgent("liaisonbot-test/1.2"))
	if _, err := c.GetOwnUser(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := s.Requests()[1].Header.Get("User-Agent"); got != "liaisonbot-test/1.2" {
		t.Errorf("User-Agent = %q, want the configured one", got)
	}
}

func TestClient_WrongKeyIsUnauthorizedAndNotRetried(t *testing.T) {
	s := zuliptest.NewServer(t)
	sl := &sleeps{}
	c, err := New(s.URL, s.Bot.Email, strings.Repeat("k", 32), WithHTTPClient(s.Client()), WithSleep(sl.sleep))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetOwnUser(context.Background())
	var e *Error
	if !errors.As(err, &e) || e.HTTPStatus != http.StatusUnauthorized || e.Code != CodeInvalidAPIKey || e.Op != "get own user" {
		t.Fatalf("err = %#v, want a 401 INVALID_API_KEY *Error", err)
	}
	if !IsUnauthorized(err) || IsRateLimited(err) || IsBadEventQueue(err) {
		t.Errorf("helpers disagree on %v", err)
	}
	if n := len(s.Requests()); n != 1 || len(sl.all()) != 0 {
		t.Errorf("%d requests, %d waits; want 1 request and no retry", n, len(sl.all()))
	}

	s.DeactivateBot()
	c, _ = newTestClient(t, s)
	if _, err := c.GetOwnUser(context.Background()); ErrorCode(err) != CodeUserDeactivated || !IsUnauthorized(err) {
		t.Errorf("deactivated bot: err = %v", err)
	}
}

func TestSendMessage_EncodesChannelMessageAndWidget(t *testing.T) {
	s := zuliptest.NewServer(t)
	s.AddChannel("liaison statements")
	c, _ := newTestClient(t, s)
	form := &ZForm{Heading: "LS-12: what now?", Choices: []ZFormChoice{
		{ShortName: "A", LongName: "Approve", Reply: "approve LS-12"},
		{ShortName: "R", LongName: "Reject <& say why>", Reply: "reject LS-12"},
	}}
	id, err := c.SendMessage(context.Background(), OutgoingMessage{
		Channel: "liaison statements", Topic: "LS-12: Réponse", Content: "**New** statement", Widget: form,
	})
	if err != nil {
		t.Fatal(err)
	}
	req := s.RequestsTo(http.MethodPost, "/api/v1/messages")[0]
	if ct := req.Header.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
		t.Errorf("Content-Type = %q", ct)
	}
	if len(req.Query) != 0 {
		t.Errorf("query = %v, want parameters in the body only", req.Query)
	}
	for k, want := range map[string]string{
		"type": "stream", "to": `"liaison statements"`, "topic": "LS-12: Réponse", "content": "**New** statement",
	} {
		if got := req.Form.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	var widget, want any
	if err := json.Unmarshal([]byte(req.Form.Get("widget_content")), &widget); err != nil {
		t.Fatalf("widget_content is not JSON: %v", err)
	}
	_ = json.Unmarshal([]byte(`{"widget_type":"zform","extra_data":{"type":"choices","heading":"LS-12: what now?","choices":[
		{"type":"multiple_choice","short_name":"A","long_name":"Approve","reply":"approve LS-12"},
		{"type":"multiple_choice","short_name":"R","long_name":"Reject <& say why>","reply":"reject LS-12"}]}}`), &want)
	if !reflect.DeepEqual(widget, want) {
		t.Errorf("widget_content = %v\nwant %v", widget, want)
	}
	m := s.Messages()[0]
	if m.ID != id || m.Channel != "liaison statements" || m.Topic != "LS-12: Réponse" || m.WidgetContent == "" {
		t.Errorf("recorded %+v (id %d)", m, id)
	}
}

func TestSendMessage_ChannelNameLookingLikeJSON(t *testing.T) {
	s := zuliptest.NewServer(t)
	s.AddChannel("2024") // sent raw, Zulip would read this as channel ID 2024
	c, _ := newTestClient(t, s)
	if _, err := c.SendMessage(context.Background(), OutgoingMessage{Channel: "2024", Topic: "t", Content: "x"}); err != nil {
		t.Fatal(err)
	}
	if m := s.Messages()[0]; m.Channel != "2024" {
		t.Errorf("sent to %q", m.Channel)
	}
}

func TestSendMessage_ChannelID(t *testing.T) {
	s := zuliptest.NewServer(t)
	id := s.AddChannel("liaison")
	c, _ := newTestClient(t, s)
	if _, err := c.SendMessage(context.Background(), OutgoingMessage{ChannelID: id, Channel: "ignored", Topic: "t", Content: "x"}); err != nil {
		t.Fatal(err)
	}
	req := s.RequestsTo(http.MethodPost, "/api/v1/messages")[0]
	if req.Form.Get("to") != "1" || req.Form.Get("type") != "stream" {
		t.Errorf("form = %v", req.Form)
	}
}

func TestSendMessage_DMTypeFollowsFeatureLevel(t *testing.T) {
	tests := []struct {
		name     string
		register bool
		level    int
		wantType string
	}{
		{"unknown server", false, 0, "private"},
		{"Zulip 11", true, 400, "direct"},
		{"Zulip 6", true, 150, "private"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := zuliptest.NewServer(t)
			alice := s.AddUser(zuliptest.User{FullName: "Alice"})
			bob := s.AddUser(zuliptest.User{FullName: "Bob"})
			s.SetFeatureLevel(tt.level)
			c, _ := newTestClient(t, s)
			if tt.register {
				if _, err := c.Register(context.Background(), RegisterParams{}); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := c.SendMessage(context.Background(), OutgoingMessage{To: []int64{alice.ID, bob.ID}, Content: "hi"}); err != nil {
				t.Fatal(err)
			}
			req := s.RequestsTo(http.MethodPost, "/api/v1/messages")[0]
			if req.Form.Get("type") != tt.wantType || req.Form.Get("to") != "[10,11]" || req.Form.Has("topic") {
				t.Errorf("form = %v, want type %s and to [10,11]", req.Form, tt.wantType)
			}
			if m := s.Messages()[0]; !reflect.DeepEqual(m.To, []int64{alice.ID, bob.ID}) {
				t.Errorf("recorded To = %v", m.To)
			}
		})
	}
}

func TestSendMessage_RejectsInvalidMessageWithoutRequest(t *testing.T) {
	s := zuliptest.NewServer(t)
	c, _ := newTestClient(t, s)
	tests := map[string]OutgoingMessage{
		"no recipient":     {Content: "x"},
		"two recipients":   {Channel: "c", Topic: "t", To: []int64{1}, Content: "x"},
		"empty content":    {To: []int64{1}, Content: " \n\t"},
		"empty topic":      {Channel: "c", Topic: " ", Content: "x"},
		"long topic":       {Channel: "c", Topic: strings.Repeat("é", MaxTopicLength+1), Content: "x"},
		"long content":     {To: []int64{1}, Content: strings.Repeat("é", MaxMessageLength+1)},
		"NUL in content":   {To: []int64{1}, Content: "a\x00b"},
		"NUL in the topic": {Channel: "c", Topic: "a\x00b", Content: "x"},
	}
	for name, m := range tests {
		if _, err := c.SendMessage(context.Background(), m); !errors.Is(err, ErrInvalidMessage) {
			t.Errorf("%s: err = %v, want ErrInvalidMessage", name, err)
		}
	}
	// At the limits exactly, counted in code points.
	s.AddChannel("c")
	if _, err := c.SendMessage(context.Background(), OutgoingMessage{
		Channel: "c", Topic: strings.Repeat("é", MaxTopicLength), Content: strings.Repeat("é", MaxMessageLength),
	}); err != nil {
		t.Errorf("message at the limits: %v", err)
	}
	if n := len(s.Requests()); n != 1 {
		t.Errorf("%d requests, want only the valid message's", n)
	}
}

func TestSendMessage_UsesServerLimits(t *testing.T) {
	s := zuliptest.NewServer(t)
	s.AddChannel("c")
	s.SetLimits(20, 100)
	c, _ := newTestClient(t, s)
	if _, err := c.Register(context.Background(), RegisterParams{FetchEventTypes: []string{"realm"}}); err != nil {
		t.Fatal(err)
	}
	if got := c.Limits(); got != (Limits{MaxTopicLength: 20, MaxMessageLength: 100}) {
		t.Fatalf("Limits() = %+v", got)
	}
	_, err := c.SendMessage(context.Background(), OutgoingMessage{Channel: "c", Topic: strings.Repeat("t", 21), Content: "x"})
	if !errors.Is(err, ErrInvalidMessage) {
		t.Errorf("21-character topic: err = %v, want ErrInvalidMessage", err)
	}
}

func TestUpdateMessage(t *testing.T) {
	s := zuliptest.NewServer(t)
	alice := s.AddUser(zuliptest.User{FullName: "Alice"})
	c, _ := newTestClient(t, s)
	ctx := context.Background()
	id, err := c.SendMessage(ctx, OutgoingMessage{To: []int64{alice.ID}, Content: "draft"})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.UpdateMessage(ctx, id, "final"); err != nil {
		t.Fatal(err)
	}
	m := s.Messages()[0]
	if m.Content != "final" || !reflect.DeepEqual(m.Edits, []string{"draft"}) {
		t.Errorf("recorded %+v", m)
	}
	reqs := s.RequestsTo(http.MethodPatch, "/api/v1/messages/1000")
	if len(reqs) != 1 || reqs[0].Form.Get("content") != "final" {
		t.Errorf("PATCH requests = %+v", reqs)
	}

	theirs := s.PushDM(alice.ID, "hello")
	err = c.UpdateMessage(ctx, theirs, "hijacked")
	if ErrorCode(err) != CodeBadRequest || asError(err).HTTPStatus != http.StatusBadRequest {
		t.Errorf("editing another user's message: err = %v", err)
	}
	if err := c.UpdateMessage(ctx, id, ""); !errors.Is(err, ErrInvalidMessage) {
		t.Errorf("empty content: err = %v", err)
	}
}

func TestGetUserByEmail(t *testing.T) {
	s := zuliptest.NewServer(t)
	alice := s.AddUser(zuliptest.User{Email: "user10@zulip.example.org", DeliveryEmail: "first.last+liaison@example.com", FullName: "Alice"})
	s.AddUser(zuliptest.User{DeliveryEmail: "hidden@example.com", EmailHidden: true})
	c, _ := newTestClient(t, s)
	ctx := context.Background()

	u, err := c.GetUserByEmail(ctx, "first.last+liaison@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if u.ID != alice.ID || u.FullName != "Alice" || u.DeliveryEmail != "first.last+liaison@example.com" {
		t.Errorf("GetUserByEmail() = %+v", u)
	}
	if got := s.Requests()[0].Path; got != "/api/v1/users/first.last+liaison@example.com" {
		t.Errorf("path = %q", got)
	}

	for _, email := range []string{"nobody@example.com", "hidden@example.com", "a/b@example.com"} {
		_, err := c.GetUserByEmail(ctx, email)
		if !errors.Is(err, ErrNotFound) {
			t.Errorf("%s: err = %v, want ErrNotFound", email, err)
		}
	}
	_, err = c.GetUserByEmail(ctx, "nobody@example.com")
	if ErrorCode(err) != CodeBadRequest {
		t.Errorf("not found should still carry the *Error: %v", err)
	}
	if got := s.Requests()[len(s.Requests())-2].RawPath; got != "/api/v1/users/a%2Fb@example.com" {
		t.Errorf("a slash in the email must be escaped: raw path %q", got)
	}

	s.FailNext("/api/v1/users/x@example.com", 10, http.StatusInternalServerError)
	if _, err := c.GetUserByEmail(ctx, "x@example.com"); errors.Is(err, ErrNotFound) {
		t.Errorf("a server error is not a not-found: %v", err)
	}
}
