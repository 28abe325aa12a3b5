package slack

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/slack-go/slack/slacktest"
)

// apiCall is one call the fake Slack received.
type apiCall struct {
	Method string     // "chat.postMessage", "views.open", "response" (a response_url)
	Form   url.Values // form-encoded calls
	JSON   []byte     // JSON calls (views.open, response_url)
	TS     string     // the ts the fake answered (chat.postMessage)
}

// Blocks is the call's blocks as JSON text (form field or JSON body).
func (c apiCall) Blocks() string {
	if c.Form != nil {
		return c.Form.Get("blocks")
	}
	return string(c.JSON)
}

// fakeSlack is slacktest's server with the methods the adapter uses,
// recording every call.
type fakeSlack struct {
	t   testing.TB
	srv *slacktest.Server

	mu    sync.Mutex
	calls []apiCall
	cond  *sync.Cond
	users map[string]map[string]any // id -> users.info's user object
	// enterprise is the Enterprise Grid organization auth.test reports
	// ("" for a plain workspace).
	enterprise string
	fail       map[string][]int    // method -> HTTP statuses to answer first
	codes      map[string][]string // method -> Slack error codes to answer first
	seq        int

	// Socket Mode: envelopes to send, acknowledgements received.
	envelopes chan string
	acks      chan []byte
}

func newFakeSlack(t testing.TB) *fakeSlack {
	f := &fakeSlack{t: t, users: map[string]map[string]any{}, fail: map[string][]int{}, codes: map[string][]string{},
		envelopes: make(chan string, 10), acks: make(chan []byte, 10)}
	f.cond = sync.NewCond(&f.mu)
	f.srv = slacktest.NewTestServer(func(c slacktest.Customize) {
		for _, m := range []string{"chat.postMessage", "chat.update", "views.open", "views.publish", "conversations.open", "users.info", "users.lookupByEmail", "auth.test"} {
			c.Handle("/"+m, f.handler(m))
		}
		c.Handle("/response/", f.handler("response"))
		c.Handle("/apps.connections.open", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintf(w, `{"ok":true,"url":"ws://%s/socket"}`, r.Host)
		})
		c.Handle("/socket", f.socket)
	})
	f.srv.Start()
	t.Cleanup(f.srv.Stop)
	return f
}

// APIURL is the Web API base URL.
func (f *fakeSlack) APIURL() string { return f.srv.GetAPIURL() }

// ResponseURL is a response_url the fake accepts.
func (f *fakeSlack) ResponseURL(name string) string { return f.srv.GetAPIURL() + "response/" + name }

// fakeTeam is the workspace of the app (auth.test's team_id) and of the
// users SetUser makes.
const fakeTeam = "T0TEST"

// SetUser makes users.info and users.lookupByEmail know a user: an active
// person of the app's workspace whose email Slack confirmed.
func (f *fakeSlack) SetUser(id, email, name string) {
	f.SetUserFields(id, email, name, nil)
}

// SetUserFields is SetUser with fields of Slack's user object set or
// replaced ("team_id", "is_stranger", "deleted", "is_bot",
// "is_email_confirmed", "enterprise_user", …).
func (f *fakeSlack) SetUserFields(id, email, name string, fields map[string]any) {
	u := map[string]any{
		"id": id, "team_id": fakeTeam, "name": strings.ToLower(strings.Fields(name + " x")[0]), "real_name": name,
		"deleted": false, "is_bot": false, "is_stranger": false, "is_email_confirmed": true,
		"profile": map[string]any{"email": email, "real_name": name},
	}
	for k, v := range fields {
		u[k] = v
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.users[id] = u
}

// SetEnterprise makes the app's workspace part of an Enterprise Grid
// organization (auth.test's enterprise_id).
func (f *fakeSlack) SetEnterprise(id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.enterprise = id
}

// RefuseNext makes the next calls of a method answer ok:false with these
// error codes.
func (f *fakeSlack) RefuseNext(method string, codes ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.codes[method] = append(f.codes[method], codes...)
}

// FailNext makes the next calls of a method answer these HTTP statuses.
func (f *fakeSlack) FailNext(method string, statuses ...int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fail[method] = append(f.fail[method], statuses...)
}

func (f *fakeSlack) handler(method string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		c := apiCall{Method: method}
		if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
			c.JSON = body
		} else {
			c.Form, _ = url.ParseQuery(string(body))
		}
		f.mu.Lock()
		f.seq++
		seq := f.seq
		c.TS = fmt.Sprintf("1700000000.%06d", seq)
		f.calls = append(f.calls, c)
		var status int
		if q := f.fail[method]; len(q) > 0 {
			status, f.fail[method] = q[0], q[1:]
		}
		var code string
		if q := f.codes[method]; len(q) > 0 && status == 0 {
			code, f.codes[method] = q[0], q[1:]
		}
		users := maps.Clone(f.users)
		enterprise := f.enterprise
		f.cond.Broadcast()
		f.mu.Unlock()
		if status != 0 {
			if status == http.StatusTooManyRequests {
				w.Header().Set("Retry-After", "1")
			}
			w.WriteHeader(status)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		if code != "" {
			fmt.Fprintf(w, `{"ok":false,"error":%q}`, code)
			return
		}
		ts := c.TS
		switch method {
		case "chat.postMessage":
			ch := c.Form.Get("channel")
			if strings.HasPrefix(ch, "U") || strings.HasPrefix(ch, "W") {
				ch = "D" + ch[1:]
			}
			json.NewEncoder(w).Encode(map[string]any{"ok": true, "channel": ch, "ts": ts})
		case "chat.update":
			json.NewEncoder(w).Encode(map[string]any{"ok": true, "channel": c.Form.Get("channel"), "ts": c.Form.Get("ts")})
		case "views.open":
			var req struct {
				View json.RawMessage `json:"view"`
			}
			json.Unmarshal(c.JSON, &req)
			fmt.Fprintf(w, `{"ok":true,"view":{"id":"V%d","type":"modal"}}`, seq)
		case "views.publish":
			// What Slack checks: a user, a home view, at most 100 blocks.
			var req struct {
				UserID string `json:"user_id"`
				View   struct {
					Type   string            `json:"type"`
					Blocks []json.RawMessage `json:"blocks"`
				} `json:"view"`
			}
			switch err := json.Unmarshal(c.JSON, &req); {
			case err != nil || req.UserID == "":
				fmt.Fprint(w, `{"ok":false,"error":"invalid_arguments"}`)
			case req.View.Type != "home":
				fmt.Fprint(w, `{"ok":false,"error":"invalid_arguments"}`)
			case len(req.View.Blocks) > 100:
				fmt.Fprint(w, `{"ok":false,"error":"invalid_blocks"}`)
			default:
				fmt.Fprintf(w, `{"ok":true,"view":{"id":"VH%d","type":"home"}}`, seq)
			}
		case "conversations.open":
			json.NewEncoder(w).Encode(map[string]any{"ok": true, "channel": map[string]any{"id": "D" + strings.TrimPrefix(c.Form.Get("users"), "U")}})
		case "users.info":
			id := c.Form.Get("user")
			u, ok := users[id]
			if !ok {
				fmt.Fprint(w, `{"ok":false,"error":"user_not_found"}`)
				return
			}
			json.NewEncoder(w).Encode(map[string]any{"ok": true, "user": u})
		case "users.lookupByEmail":
			email := c.Form.Get("email")
			for _, u := range users {
				if strings.EqualFold(u["profile"].(map[string]any)["email"].(string), email) {
					json.NewEncoder(w).Encode(map[string]any{"ok": true, "user": u})
					return
				}
			}
			fmt.Fprint(w, `{"ok":false,"error":"users_not_found"}`)
		case "auth.test":
			a := map[string]any{"ok": true, "url": "https://liaison-test.slack.com/", "team": "Test", "user": "liaisonbot",
				"team_id": fakeTeam, "user_id": "UBOT", "bot_id": "BBOT"}
			if enterprise != "" {
				a["enterprise_id"] = enterprise
			}
			json.NewEncoder(w).Encode(a)
		default:
			fmt.Fprint(w, `{"ok":true}`)
		}
	}
}

// socket is a Socket Mode connection: hello, then the queued envelopes;
// every message the client writes is an acknowledgement.
func (f *fakeSlack) socket(w http.ResponseWriter, r *http.Request) {
	c, err := (&websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}).Upgrade(w, r, nil)
	if err != nil {
		return
	}
	defer c.Close()
	c.WriteJSON(map[string]any{"type": "hello", "num_connections": 1,
		"debug_info": map[string]any{"host": "fake"}, "connection_info": map[string]any{"app_id": "A1"}})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			_, msg, err := c.ReadMessage()
			if err != nil {
				return
			}
			f.acks <- msg
		}
	}()
	for {
		select {
		case env := <-f.envelopes:
			if err := c.WriteMessage(websocket.TextMessage, []byte(env)); err != nil {
				return
			}
		case <-done:
			return
		}
	}
}

// Calls returns the calls of a method so far ("" for all).
func (f *fakeSlack) Calls(method string) []apiCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []apiCall
	for _, c := range f.calls {
		if method == "" || c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

// Wait waits until n calls of the method have arrived and returns them; it
// fails the test if they do not come within a generous deadline (this is a
// guard against hanging, not a timing assertion).
func (f *fakeSlack) Wait(method string, n int) []apiCall {
	f.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	stop := time.AfterFunc(10*time.Second, func() {
		f.mu.Lock()
		f.cond.Broadcast()
		f.mu.Unlock()
	})
	defer stop.Stop()
	f.mu.Lock()
	defer f.mu.Unlock()
	for {
		var out []apiCall
		for _, c := range f.calls {
			if c.Method == method {
				out = append(out, c)
			}
		}
		if len(out) >= n {
			return out
		}
		if time.Now().After(deadline) {
			f.t.Fatalf("waited for %d %s calls, got %d", n, method, len(out))
		}
		f.cond.Wait()
	}
}
