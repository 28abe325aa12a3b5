package zuliptest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// call sends a raw request to the fake and decodes its JSON answer.
func call(t *testing.T, s *Server, method, path string, form url.Values, auth func(*http.Request)) (int, http.Header, map[string]any) {
	t.Helper()
	var body io.Reader
	target := s.URL + path
	if method == http.MethodGet {
		if len(form) > 0 {
			target += "?" + form.Encode()
		}
	} else {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, target, body)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if auth == nil {
		req.SetBasicAuth(s.Bot.Email, s.APIKey)
	} else {
		auth(req)
	}
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("%s %s: body is not JSON: %v", method, path, err)
	}
	return resp.StatusCode, resp.Header, out
}

// wantError checks an error answer's status, code and message.
func wantError(t *testing.T, status int, body map[string]any, wantStatus int, wantCode, wantMsg string) {
	t.Helper()
	if status != wantStatus || body["result"] != "error" || body["code"] != wantCode {
		t.Fatalf("got HTTP %d %v, want HTTP %d result=error code=%s", status, body, wantStatus, wantCode)
	}
	if msg, _ := body["msg"].(string); !strings.Contains(msg, wantMsg) {
		t.Fatalf("msg = %q, want it to contain %q", msg, wantMsg)
	}
}

func TestServer_Authentication(t *testing.T) {
	s := NewServer(t)
	tests := []struct {
		name     string
		auth     func(*http.Request)
		code     string
		msg      string
		checkWWW bool
	}{
		{"missing", func(*http.Request) {}, "UNAUTHORIZED", "Not logged in", true},
		{"malformed key", func(r *http.Request) { r.SetBasicAuth(s.Bot.Email, "short") }, "INVALID_API_KEY", "Malformed API key", false},
		{"wrong key", func(r *http.Request) { r.SetBasicAuth(s.Bot.Email, strings.Repeat("x", 32)) }, "INVALID_API_KEY", "Invalid API key", false},
		{"wrong email", func(r *http.Request) { r.SetBasicAuth("other@zulip.example.org", s.APIKey) }, "INVALID_API_KEY", "Invalid API key", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, h, body := call(t, s, http.MethodGet, "/api/v1/users/me", nil, tt.auth)
			wantError(t, status, body, http.StatusUnauthorized, tt.code, tt.msg)
			if tt.checkWWW && h.Get("WWW-Authenticate") != `Basic realm="zulip"` {
				t.Errorf("WWW-Authenticate = %q", h.Get("WWW-Authenticate"))
			}
		})
	}
	s.DeactivateBot()
	status, _, body := call(t, s, http.MethodGet, "/api/v1/users/me", nil, nil)
	wantError(t, status, body, http.StatusUnauthorized, "USER_DEACTIVATED", "deactivated")
}

func TestServer_RegisterChecksJSONParameters(t *testing.T) {
	s := NewServer(t)
	tests := []struct {
		name string
		form url.Values
		msg  string
	}{
		{"bare event type", url.Values{"event_types": {"message"}}, "event_types is not valid JSON"},
		{"event types not a list", url.Values{"event_types": {`"message"`}}, "event_types is not a list"},
		{"python boolean", url.Values{"apply_markdown": {"True"}}, "apply_markdown is not valid JSON"},
		{"string boolean", url.Values{"all_public_streams": {`"true"`}}, "all_public_streams is not a boolean"},
		{"narrow of strings", url.Values{"narrow": {`["is","dm"]`}}, "narrow[0] is not a list of length 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, _, body := call(t, s, http.MethodPost, "/api/v1/register", tt.form, nil)
			wantError(t, status, body, http.StatusBadRequest, "BAD_REQUEST", tt.msg)
		})
	}
	if n := s.Registrations(); n != 0 {
		t.Errorf("Registrations() = %d after rejected requests", n)
	}

	status, _, body := call(t, s, http.MethodPost, "/api/v1/register",
		url.Values{"event_types": {`["message"]`}, "narrow": {`[["is","dm"]]`}, "bogus": {"1"}}, nil)
	if status != http.StatusOK || body["result"] != "success" || body["queue_id"] == "" || body["last_event_id"] != -1.0 {
		t.Fatalf("register: HTTP %d %v", status, body)
	}
	if got := body["ignored_parameters_unsupported"]; len(got.([]any)) != 1 || got.([]any)[0] != "bogus" {
		t.Errorf("ignored_parameters_unsupported = %v, want [bogus]", got)
	}
}

func TestServer_SendMessageChecks(t *testing.T) {
	s := NewServer(t)
	alice := s.AddUser(User{FullName: "Alice"})
	s.AddChannel("liaison")
	long := strings.Repeat("é", 61)
	tests := []struct {
		name   string
		form   url.Values
		status int
		code   string
		msg    string
	}{
		{"missing content", url.Values{"type": {"direct"}, "to": {"[10]"}}, 400, "REQUEST_VARIABLE_MISSING", "Missing 'content' argument"},
		{"bad type", url.Values{"type": {"dm"}, "to": {"[10]"}, "content": {"x"}}, 400, "BAD_REQUEST", "Invalid type"},
		{"DM to a bare int", url.Values{"type": {"direct"}, "to": {"10"}, "content": {"x"}}, 400, "BAD_REQUEST", "Invalid data type for recipients"},
		{"DM to unknown user", url.Values{"type": {"direct"}, "to": {"[99]"}, "content": {"x"}}, 400, "BAD_REQUEST", "Invalid user ID 99"},
		{"DM mixing ids and emails", url.Values{"type": {"direct"}, "to": {`[10,"a@b"]`}, "content": {"x"}}, 400, "BAD_REQUEST", "not both"},
		{"empty content", url.Values{"type": {"direct"}, "to": {"[10]"}, "content": {" \n"}}, 400, "BAD_REQUEST", "Message must not be empty"},
		{"missing topic", url.Values{"type": {"stream"}, "to": {`"liaison"`}, "content": {"x"}}, 400, "BAD_REQUEST", "Missing topic"},
		{"long topic", url.Values{"type": {"stream"}, "to": {`"liaison"`}, "topic": {long}, "content": {"x"}}, 400, "BAD_REQUEST", "zuliptest: topic is 61 characters"},
		{"long content", url.Values{"type": {"direct"}, "to": {"[10]"}, "content": {strings.Repeat("x", 10001)}}, 400, "BAD_REQUEST", "over max_message_length 10000"},
		{"unknown channel", url.Values{"type": {"stream"}, "to": {`"nope"`}, "topic": {"t"}, "content": {"x"}}, 400, "STREAM_DOES_NOT_EXIST", "Channel 'nope' does not exist"},
		{"raw number is a channel ID", url.Values{"type": {"stream"}, "to": {"2024"}, "topic": {"t"}, "content": {"x"}}, 400, "STREAM_DOES_NOT_EXIST", "Channel with ID '2024'"},
		{"widget not JSON", url.Values{"type": {"direct"}, "to": {"[10]"}, "content": {"x"}, "widget_content": {"{"}}, 400, "BAD_REQUEST", "Widgets: API programmer sent invalid JSON content"},
		{"zform choice without reply", url.Values{"type": {"direct"}, "to": {"[10]"}, "content": {"x"},
			"widget_content": {`{"widget_type":"zform","extra_data":{"type":"choices","heading":"h","choices":[{"type":"multiple_choice","short_name":"A","long_name":"a"}]}}`}},
			400, "BAD_REQUEST", `reply key is missing from extra_data["choices"][0]`},
		{"zform choice without type", url.Values{"type": {"direct"}, "to": {"[10]"}, "content": {"x"},
			"widget_content": {`{"widget_type":"zform","extra_data":{"type":"choices","heading":"h","choices":[{"short_name":"A","long_name":"a","reply":"r"}]}}`}},
			400, "BAD_REQUEST", "the web app would not render"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, _, body := call(t, s, http.MethodPost, "/api/v1/messages", tt.form, nil)
			wantError(t, status, body, tt.status, tt.code, tt.msg)
		})
	}
	if status, _, body := call(t, s, http.MethodPost, "/api/v1/messages", url.Values{"type": {"direct"}, "content": {"x"}}, nil); body["var_name"] != "to" {
		t.Errorf("missing to: HTTP %d %v, want var_name to", status, body)
	}
	if n := len(s.Messages()); n != 0 {
		t.Fatalf("%d messages recorded after rejected requests", n)
	}

	// What Zulip accepts: a raw channel name, emails as CSV, a DM to IDs.
	for _, form := range []url.Values{
		{"type": {"stream"}, "to": {"liaison"}, "topic": {"t"}, "content": {"raw name"}},
		{"type": {"private"}, "to": {alice.Email}, "content": {"csv"}},
		{"type": {"direct"}, "to": {"[10]"}, "content": {"ids"}},
	} {
		if status, _, body := call(t, s, http.MethodPost, "/api/v1/messages", form, nil); status != 200 || body["id"] == nil {
			t.Errorf("%v: HTTP %d %v", form, status, body)
		}
	}
	msgs := s.Messages()
	if len(msgs) != 3 || msgs[0].Channel != "liaison" || msgs[1].To[0] != alice.ID || msgs[2].To[0] != alice.ID {
		t.Errorf("Messages() = %+v", msgs)
	}
}

func TestServer_RejectsMisplacedParameters(t *testing.T) {
	s := NewServer(t)
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/api/v1/register?event_types=%5B%22message%22%5D", nil)
	req.SetBasicAuth(s.Bot.Email, s.APIKey)
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("POST with query parameters: HTTP %d, want 400", resp.StatusCode)
	}

	req, _ = http.NewRequest(http.MethodPost, s.URL+"/api/v1/register", strings.NewReader(`{"event_types":["message"]}`))
	req.Header.Set("Content-Type", "application/json")
	req.SetBasicAuth(s.Bot.Email, s.APIKey)
	resp, err = s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("POST with a JSON body: HTTP %d, want 400", resp.StatusCode)
	}
}

func TestServer_EventQueue(t *testing.T) {
	s := NewServer(t)
	alice := s.AddUser(User{FullName: "Alice"})
	s.PushDM(alice.ID, "before registration") // kept until a queue exists
	_, _, body := call(t, s, http.MethodPost, "/api/v1/register", url.Values{"event_types": {`["message"]`}}, nil)
	qid := body["queue_id"].(string)

	_, _, body = call(t, s, http.MethodGet, "/api/v1/events", url.Values{"queue_id": {qid}, "last_event_id": {"-1"}}, nil)
	events := body["events"].([]any)
	if len(events) != 1 {
		t.Fatalf("events = %v", events)
	}
	ev := events[0].(map[string]any)
	msg := ev["message"].(map[string]any)
	if ev["id"] != 0.0 || ev["type"] != "message" || msg["content"] != "before registration" || msg["type"] != "private" {
		t.Errorf("event = %v", ev)
	}
	if rcpt := msg["display_recipient"].([]any); len(rcpt) != 2 {
		t.Errorf("display_recipient = %v, want alice and the bot", rcpt)
	}

	// Nothing new: the long-poll ends with a heartbeat with the next ID.
	_, _, body = call(t, s, http.MethodGet, "/api/v1/events", url.Values{"queue_id": {qid}, "last_event_id": {"0"}}, nil)
	events = body["events"].([]any)
	if len(events) != 1 || events[0].(map[string]any)["type"] != "heartbeat" || events[0].(map[string]any)["id"] != 1.0 {
		t.Errorf("events = %v, want one heartbeat with ID 1", events)
	}

	status, _, body := call(t, s, http.MethodGet, "/api/v1/events", url.Values{"queue_id": {qid}, "last_event_id": {"x"}}, nil)
	wantError(t, status, body, http.StatusBadRequest, "BAD_REQUEST", "last_event_id is not valid JSON")

	s.ExpireQueue(qid)
	status, _, body = call(t, s, http.MethodGet, "/api/v1/events", url.Values{"queue_id": {qid}, "last_event_id": {"1"}}, nil)
	wantError(t, status, body, http.StatusBadRequest, "BAD_EVENT_QUEUE_ID", "Bad event queue ID: "+qid)
	if body["queue_id"] != qid {
		t.Errorf("queue_id = %v, want %s", body["queue_id"], qid)
	}
	status, _, body = call(t, s, http.MethodDelete, "/api/v1/events", url.Values{"queue_id": {qid}}, nil)
	wantError(t, status, body, http.StatusBadRequest, "BAD_EVENT_QUEUE_ID", qid)
}

func TestServer_Faults(t *testing.T) {
	s := NewServer(t)
	s.RateLimitNext("/api/v1/users/me", 1, "0.5")
	status, h, body := call(t, s, http.MethodGet, "/api/v1/users/me", nil, nil)
	wantError(t, status, body, http.StatusTooManyRequests, "RATE_LIMIT_HIT", "API usage exceeded rate limit")
	if h.Get("Retry-After") != "0.5" || body["retry-after"] != 0.5 {
		t.Errorf("Retry-After = %q, retry-after = %v", h.Get("Retry-After"), body["retry-after"])
	}
	if status, _, _ := call(t, s, http.MethodGet, "/api/v1/users/me", nil, nil); status != http.StatusOK {
		t.Errorf("after the fault: HTTP %d, want 200", status)
	}
}

func TestServer_UserByEmail(t *testing.T) {
	s := NewServer(t)
	alice := s.AddUser(User{Email: "user10@zulip.example.org", DeliveryEmail: "alice@example.com", FullName: "Alice"})
	s.AddUser(User{Email: "user11@zulip.example.org", DeliveryEmail: "bob@example.com", EmailHidden: true})
	for _, email := range []string{"alice@example.com", "ALICE@example.com", "user10@zulip.example.org"} {
		status, _, body := call(t, s, http.MethodGet, "/api/v1/users/"+url.PathEscape(email), nil, nil)
		if status != 200 || body["user"].(map[string]any)["user_id"] != float64(alice.ID) {
			t.Errorf("%s: HTTP %d %v", email, status, body)
		}
	}
	status, _, body := call(t, s, http.MethodGet, "/api/v1/users/bob@example.com", nil, nil)
	wantError(t, status, body, http.StatusBadRequest, "BAD_REQUEST", "No such user")
}
