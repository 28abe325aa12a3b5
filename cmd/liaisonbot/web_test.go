package main

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestServe_WebBoardAndLinks: serve mounts the board and the feeds on its
// HTTP address, shows what is public, and the notices and "show" link to
// the statement's page on LIAISONBOT_PUBLIC_URL.
func TestServe_WebBoardAndLinks(t *testing.T) {
	t.Parallel()
	fake := newFakeSlack(t)
	env := serveEnv(t, fake)
	env["LIAISONBOT_PUBLIC_URL"] = "https://liaisons.example.org"
	s := startServe(t, env)
	if !strings.Contains(s.log.String(), "web=/,/statements/,/orgs,/feed.atom,/deadlines.ics") {
		t.Errorf("the start-up line does not say the board runs:\n%s", s.log.String())
	}
	ctx := context.Background()
	code, body, err := postSigned(ctx, http.DefaultClient, s.base+"/slack/commands", testSigningSecret,
		slashBody("UWEB", `submit to=3GPP from=opsawg purpose=info title="On the web" body="b"`, fake.responseURL("w1")))
	if err != nil || code != http.StatusOK || !strings.Contains(body, "Submitted LS-1") {
		t.Fatalf("submit: %d %v %s", code, err, body)
	}
	var posts []slackPost
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline) && len(posts) == 0; time.Sleep(20 * time.Millisecond) {
		posts = fake.postsTo("CLIAISON")
	}
	if len(posts) != 1 || !strings.Contains(posts[0].Blocks, "https://liaisons.example.org/statements/LS-1") {
		t.Errorf("the notice does not link to the board: %+v", posts)
	}
	_, body, _ = postSigned(ctx, http.DefaultClient, s.base+"/slack/commands", testSigningSecret,
		slashBody("UWEB", "show LS-1", fake.responseURL("w2")))
	if !strings.Contains(body, "https://liaisons.example.org/statements/LS-1") {
		t.Errorf("show does not link to the board: %s", body)
	}

	for path, want := range map[string]int{"/": 200, "/orgs": 200, "/feed.atom": 200, "/deadlines.ics": 200,
		"/statements/LS-1": 404 /* pending: not public */} {
		if code, body, _ := s.get(path); code != want {
			t.Errorf("GET %s: %d, want %d\n%.300s", path, code, want, body)
		}
	}
	if _, body, _ := s.get("/"); !strings.Contains(body, `<a href="https://liaisons.example.org/orgs">`) || strings.Contains(body, "On the web") {
		t.Errorf("board: %.2000s", body)
	}
}

func TestServe_BoardShowsPendingWhenAsked(t *testing.T) {
	t.Parallel()
	fake := newFakeSlack(t)
	env := serveEnv(t, fake)
	env["LIAISONBOT_BOARD_SHOW_PENDING"] = "true"
	s := startServe(t, env)
	code, body, err := postSigned(context.Background(), http.DefaultClient, s.base+"/slack/commands", testSigningSecret,
		slashBody("UWEB", `submit to=3GPP from=opsawg purpose=info title="Pending but shown" body="b"`, fake.responseURL("p1")))
	if err != nil || code != http.StatusOK {
		t.Fatalf("submit: %d %v %s", code, err, body)
	}
	if code, body, _ := s.get("/statements/LS-1"); code != 200 || !strings.Contains(body, "Pending but shown") {
		t.Errorf("GET /statements/LS-1: %d", code)
	}
}
