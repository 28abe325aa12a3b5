package main

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// logAttr is one key=value of a text log line (values may be quoted).
var logAttr = regexp.MustCompile(`(?:^| )([A-Za-z_][\w.]*)=("(?:[^"\\]|\\.)*"|\S*)`)

// repeatedKeys returns the keys that appear more than once in a text log
// line.
func repeatedKeys(line string) []string {
	seen := map[string]int{}
	var out []string
	for _, m := range logAttr.FindAllStringSubmatch(line, -1) {
		if seen[m[1]]++; seen[m[1]] == 2 {
			out = append(out, m[1])
		}
	}
	return out
}

func TestServe_LogLinesNameThePlatformOnce(t *testing.T) {
	t.Parallel()
	fake := newFakeSlack(t)
	env := serveEnv(t, fake)
	env["LIAISONBOT_LOG_LEVEL"] = "debug"
	s := startServe(t, env)
	// An unsigned request: the Slack adapter logs its refusal.
	resp, err := http.Post(s.base+"/slack/commands", "application/x-www-form-urlencoded", strings.NewReader("text=help"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("unsigned request: %d, want 401", resp.StatusCode)
	}
	// A signed command.
	if code, body, err := postSigned(t.Context(), http.DefaultClient, s.base+"/slack/commands", testSigningSecret,
		slashBody("ULOG0001", "help", fake.responseURL("log"))); err != nil || code != http.StatusOK {
		t.Fatalf("command: %d %v %s", code, err, body)
	}
	s.stop()
	var slackLines int
	for _, line := range strings.Split(s.log.String(), "\n") {
		if rep := repeatedKeys(line); len(rep) > 0 {
			t.Errorf("log line repeats %v:\n%s", rep, line)
		}
		if strings.Contains(line, "refused an unsigned slack request") {
			slackLines++
			if n := strings.Count(line, "platform=slack"); n != 1 {
				t.Errorf("the refusal says platform=slack %d times:\n%s", n, line)
			}
		}
	}
	if slackLines != 1 {
		t.Errorf("%d refusal lines logged, want 1:\n%s", slackLines, s.log.String())
	}
}
