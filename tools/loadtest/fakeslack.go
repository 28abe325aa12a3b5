package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
)

// fakeSlack is a fake of Slack's Web API (auth.test, users.info,
// chat.postMessage, chat.update, conversations.open, views.open) and of
// response_url (POST /respond/<key>), which checks late answers.
type fakeSlack struct {
	*httptest.Server
	ts atomic.Int64

	mu       sync.Mutex
	expected map[string]string   // response_url key -> text the answer must hold
	answers  map[string][]string // response_url key -> bodies
}

func newFakeSlack() *fakeSlack {
	f := &fakeSlack{expected: map[string]string{}, answers: map[string][]string{}}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	return f
}

func (f *fakeSlack) serve(w http.ResponseWriter, r *http.Request) {
	if key, ok := strings.CutPrefix(r.URL.Path, "/respond/"); ok {
		b, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.answers[key] = append(f.answers[key], string(b))
		f.mu.Unlock()
		w.Write([]byte("ok"))
		return
	}
	r.ParseForm()
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	ok := func(v map[string]any) {
		v["ok"] = true
		json.NewEncoder(w).Encode(v)
	}
	switch strings.TrimPrefix(r.URL.Path, "/api/") {
	case "auth.test":
		ok(map[string]any{"url": "https://load.slack.com/", "team": "Load", "user": "liaisonbot", "team_id": "TLOAD", "user_id": "UBOT", "bot_id": "BBOT"})
	case "users.info":
		id := r.Form.Get("user")
		ok(map[string]any{"user": map[string]any{"id": id, "team_id": "TLOAD", "is_email_confirmed": true, "name": strings.ToLower(id), "real_name": "Load " + id,
			"profile": map[string]any{"real_name": "Load " + id, "email": strings.ToLower(id) + "@load.example.org"}}})
	case "chat.postMessage":
		ts := fmt.Sprintf("1700000000.%06d", f.ts.Add(1))
		ok(map[string]any{"channel": r.Form.Get("channel"), "ts": ts})
	case "chat.update":
		ok(map[string]any{"channel": r.Form.Get("channel"), "ts": r.Form.Get("ts")})
	case "conversations.open":
		ok(map[string]any{"channel": map[string]any{"id": "D" + r.Form.Get("users")}})
	case "views.open":
		ok(map[string]any{"view": map[string]any{"id": fmt.Sprintf("V%d", f.ts.Add(1))}})
	default:
		fmt.Fprint(w, `{"ok":false,"error":"unknown_method"}`)
	}
}

// expect records that a late answer to key must contain want.
func (f *fakeSlack) expect(key, want string) {
	f.mu.Lock()
	f.expected[key] = want
	f.mu.Unlock()
}

// checkLate checks the late answers: problems by kind.
func (f *fakeSlack) checkLate() map[string]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	bad := map[string]int{}
	for key, want := range f.expected {
		bodies := f.answers[key]
		switch {
		case len(bodies) == 0:
			bad["never answered"]++
		case busyText.MatchString(strings.Join(bodies, "\n")):
			bad["SQLITE_BUSY"]++
		case !strings.Contains(strings.Join(bodies, "\n"), want):
			bad[fmt.Sprintf("lacks %q", want)]++
		}
	}
	return bad
}
