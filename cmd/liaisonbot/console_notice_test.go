package main

import (
	"strings"
	"testing"
	"time"
)

// The report: "post LS-2" in the console wrote no outbox row, so a
// running serve never announced it. A change made in the console queues
// the notices a change made in chat queues, and the serve running on the
// same database delivers them.
func TestConsole_ChangesAreAnnouncedByARunningServe(t *testing.T) {
	t.Parallel()
	fake := newFakeSlack(t)
	env := serveEnv(t, fake)
	startServe(t, env)

	// An operator, in the console on the same database (the same
	// configuration file, so the same platforms and liaison channel).
	code, out, errs := run(t, env, strings.Join([]string{
		`submit to=3GPP from=opsawg purpose=action deadline=2027-03-01 title="Reply on 5G network slicing management" body="Please find our reply attached."`,
		"approve LS-1 agreed at the interim",
		"post LS-1 sent to 3GPPLiaison@etsi.org",
	}, "\n")+"\n", "console")
	if code != 0 {
		t.Fatalf("console exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "approved → posted") {
		t.Fatalf("console output:\n%s", out)
	}
	// Submitted, approved, posted: three notices in the liaison channel's
	// thread for LS-1, in order, each once.
	var posts []slackPost
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if posts = fake.postsTo("CLIAISON"); len(posts) >= 3 {
			break
		}
	}
	if len(posts) != 3 {
		t.Fatalf("%d notices reached the liaison channel, want 3:\n%+v", len(posts), posts)
	}
	for i, want := range []string{"submitted", "approved", "posted"} {
		if !strings.Contains(posts[i].Text+posts[i].Blocks, "LS-1") || !strings.Contains(strings.ToLower(posts[i].Text+posts[i].Blocks), want) {
			t.Errorf("notice %d does not say LS-1 was %s: %s", i, want, posts[i].Text)
		}
	}
	if posts[1].ThreadTS != posts[0].TS || posts[2].ThreadTS != posts[0].TS {
		t.Errorf("the notices are not one thread: %+v", posts)
	}
}
