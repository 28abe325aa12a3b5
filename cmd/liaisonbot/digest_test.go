package main

import (
	"strings"
	"testing"
	"time"
)

// The weekly digest from the configuration to the liaison channel: a
// statement recorded on the console, then serve, configured to send the
// digest today at midnight (UTC), posts it once, and a restart does not
// post it again.
func TestServe_WeeklyDigestOnceToTheLiaisonChannel(t *testing.T) {
	fake := newFakeSlack(t)
	env := serveEnv(t, fake)
	day := strings.ToLower(time.Now().UTC().Weekday().String())
	env["LIAISONBOT_DIGEST_DAY"] = day
	env["LIAISONBOT_DIGEST_SEND_AT"] = "00:00"
	if code, out, errs := run(t, env, `submit to=3GPP from=opsawg purpose=info title="Digest me" body="x"`+"\n", "console"); code != 0 ||
		!strings.Contains(out, "LS-1") {
		t.Fatalf("console submit: exit %d\n%s\n%s", code, out, errs)
	}
	s := startServe(t, env)
	if !strings.Contains(s.log.String(), "digest="+day+" 00:00 UTC") {
		t.Errorf("the start-up line does not give the digest's schedule:\n%s", grepLines(s.log.String(), "liaisonbot serving"))
	}
	digests := func() []slackPost {
		var out []slackPost
		for _, p := range fake.postsTo("CLIAISON") {
			if strings.Contains(p.Text, "Weekly liaison digest") {
				out = append(out, p)
			}
		}
		return out
	}
	// A guard against hanging, not a timing assertion.
	for deadline := time.Now().Add(20 * time.Second); len(digests()) == 0 && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
	}
	got := digests()
	if len(got) != 1 {
		t.Fatalf("%d digests in the liaison channel, want 1:\n%s", len(got), s.log.String())
	}
	if !strings.Contains(got[0].Blocks, "Digest me") || !strings.Contains(got[0].Blocks, "LS-1") || got[0].ThreadTS != "" {
		t.Errorf("the digest: %+v", got[0])
	}
	if code := s.stop(); code != 0 {
		t.Fatalf("exit %d", code)
	}
	// A restart the same day: the digest was sent (a guard against
	// hanging while the digest looks, not a timing assertion).
	s = startServe(t, env)
	for deadline := time.Now().Add(20 * time.Second); !strings.Contains(s.log.String(), "digest: already sent") && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
	}
	if !strings.Contains(s.log.String(), "digest: already sent") {
		t.Errorf("after the restart the digest did not find the week's sent:\n%s", s.log.String())
	}
	s.stop()
	if n := len(digests()); n != 1 {
		t.Errorf("%d digests after a restart, want 1", n)
	}
}
