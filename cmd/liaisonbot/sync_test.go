package main

import (
	"bytes"
	"context"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
	"github.com/ietf-tools/liaisonbot/bot/datatracker"
	"github.com/ietf-tools/liaisonbot/bot/datatracker/datatrackertest"
	"github.com/ietf-tools/liaisonbot/storage/storagetest"
)

// fakeDatatracker serves the fake Datatracker to the syncs, with small
// pages and the client's waits recorded instead of slept.
type fakeDatatracker struct {
	*datatrackertest.Server
	mu    sync.Mutex
	waits []time.Duration
}

func newFakeDatatracker(t *testing.T) *fakeDatatracker {
	f := &fakeDatatracker{Server: datatrackertest.NewServer(t)}
	old := newDatatrackerClient
	t.Cleanup(func() { newDatatrackerClient = old })
	newDatatrackerClient = func(g *globals) (*datatracker.Client, error) {
		return datatracker.New(g.cfg.Datatracker.URL, datatracker.WithPageSize(50),
			datatracker.WithSleep(func(ctx context.Context, d time.Duration) error {
				f.mu.Lock()
				defer f.mu.Unlock()
				f.waits = append(f.waits, d)
				return ctx.Err()
			}))
	}
	return f
}

func syncEnv(t *testing.T, f *fakeDatatracker) map[string]string {
	env := testEnv(t)
	env["LIAISONBOT_DATATRACKER_URL"] = f.URL
	return env
}

// cli runs liaisonbot through Main.
func cli(t *testing.T, env map[string]string, stdin string, args ...string) (int, string, string) {
	t.Helper()
	return run(t, env, stdin, args...)
}

func mustRun(t *testing.T, env map[string]string, stdin string, args ...string) string {
	t.Helper()
	code, out, errs := cli(t, env, stdin, args...)
	if code != 0 {
		t.Fatalf("liaisonbot %s: exit %d\n%s\n%s", strings.Join(args, " "), code, out, errs)
	}
	return out
}

func TestDirectorySync_DryRunThenApply(t *testing.T) {
	f := newFakeDatatracker(t)
	env := syncEnv(t, f)
	createDB(t, env)
	before := mustRun(t, env, "", "directory", "export")

	out := mustRun(t, env, "", "directory", "sync", "--dry-run")
	for _, want := range []string{"Reading the directory from " + f.URL, "+ DMTF", "~ 3GPP: manager added: Avery Example <avery.example@example.org>",
		"~ ETSI: not in the Datatracker", "(dry run: nothing was changed)",
		// A person whose address the Datatracker adds is one change.
		"~ coordinator Suresh Krishnan: email (none) → suresh.krishnan@example.org"} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "coordinator added: Suresh") || strings.Contains(out, "coordinator removed: Suresh") {
		t.Errorf("a changed person shows as an addition and a removal:\n%s", out)
	}
	if after := mustRun(t, env, "", "directory", "export"); after != before {
		t.Errorf("--dry-run changed the directory")
	}

	out = mustRun(t, env, "", "directory", "sync")
	if !strings.Contains(out, "+ DMTF") || !strings.Contains(out, "; applied") {
		t.Errorf("sync output:\n%s", out)
	}
	if after := mustRun(t, env, "", "directory", "export"); after == before || !strings.Contains(after, `acronym = "DMTF"`) {
		t.Errorf("the sync did not change the directory")
	}
	// Every contact answer says where each fact comes from: the bundled
	// file for the entry, the Datatracker (with the sync's date) for the
	// manager.
	contact := mustRun(t, env, "contact 3gpp\n", "console")
	today := time.Now().UTC().Format(time.DateOnly)
	for _, want := range []string{"Avery Example <avery.example@example.org>", "Directory entry: from https://www.ietf.org/about/liaisons/",
		"Avery Example: from Datatracker, as of " + today} {
		if !strings.Contains(contact, want) {
			t.Errorf("contact 3gpp lacks %q:\n%s", want, contact)
		}
	}
	if out := mustRun(t, env, "", "directory", "sync"); !strings.Contains(out, "no changes") || !strings.Contains(out, "0 added, 0 changed, 0 removed") {
		t.Errorf("a second sync:\n%s", out)
	}
}

func TestDirectorySync_FailuresChangeNothing(t *testing.T) {
	f := newFakeDatatracker(t)
	env := syncEnv(t, f)
	createDB(t, env)
	before := mustRun(t, env, "", "directory", "export")

	f.FailRequest(f.RequestCount("")+2, datatrackertest.MalformedJSON())
	code, out, errs := cli(t, env, "", "directory", "sync")
	if code != 1 || !strings.Contains(errs, "nothing was changed") || !strings.Contains(errs, "decode error") {
		t.Errorf("malformed page: exit %d\n%s\n%s", code, out, errs)
	}
	if after := mustRun(t, env, "", "directory", "export"); after != before {
		t.Errorf("a failed sync changed the directory")
	}

	f.FailRequest(f.RequestCount("")+2, datatrackertest.RateLimited("3"))
	mustRun(t, env, "", "directory", "sync")
	if !slices.Contains(f.waits, 3*time.Second) {
		t.Errorf("waits %v: Retry-After 3 was not waited out", f.waits)
	}

	for _, args := range [][]string{{"directory", "sync", "--bogus"}, {"directory", "sync", "now"}, {"statements"}, {"statements", "pull"}, {"statements", "sync", "extra"}} {
		if code, _, errs := cli(t, env, "", args...); code != 2 {
			t.Errorf("liaisonbot %s: exit %d, want 2\n%s", strings.Join(args, " "), code, errs)
		}
	}
}

func TestStatementsSync(t *testing.T) {
	f := newFakeDatatracker(t)
	env := syncEnv(t, f)
	env["SLACK_BOT_TOKEN"], env["SLACK_SIGNING_SECRET"], env["LIAISONBOT_SLACK_CHANNEL"] = "xoxb-test", "secret", "CLIAISON"
	mustRun(t, env, "", "directory", "sync")

	out := mustRun(t, env, "", "statements", "sync")
	if !strings.Contains(out, "5 statements fetched: 5 new, 0 updated, 0 unchanged") {
		t.Errorf("first sync:\n%s", out)
	}
	out = mustRun(t, env, "", "statements", "sync")
	if !strings.Contains(out, "0 new, 0 updated") {
		t.Errorf("second sync:\n%s", out)
	}
	if out := mustRun(t, env, "", "outbox"); !strings.HasPrefix(out, "0 pending, 0 failed") {
		t.Errorf("the syncs so far announced something:\n%s", out)
	}

	db := storagetest.Open(t, storagetest.Path(env["LIAISONBOT_DB"]), storagetest.Unseeded())
	var ref string
	err := db.UpdateStatements(context.Background(), func(tx bot.StatementTx) error {
		s, err := tx.ByDatatrackerID(datatrackertest.Statement2200)
		if err == nil {
			ref = s.Ref()
		}
		return err
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	show := mustRun(t, env, "show "+ref+"\n", "console")
	for _, want := range []string{ref + ": Placeholder outgoing LS to 3GPP", "https://datatracker.ietf.org/liaison/2200/", "approved"} {
		if !strings.Contains(show, want) {
			t.Errorf("show %s lacks %q:\n%s", ref, want, show)
		}
	}

	// Taken upstream: one notice, in the liaison channel.
	for _, s := range f.Data().Statements {
		if s.ID == datatrackertest.Statement2200 {
			s.Tags, s.State = []string{"taken"}, "posted"
			f.AddStatement(s)
		}
	}
	f.AddEvent(datatrackertest.Event{Time: "2026-03-05T09:00:00Z", Type: "posted", By: datatrackertest.PersonAvery,
		StatementID: datatrackertest.Statement2200})
	out = mustRun(t, env, "", "statements", "sync")
	if !strings.Contains(out, "1 updated") {
		t.Errorf("sync after the change:\n%s", out)
	}
	mustRun(t, env, "", "statements", "sync", "--full")
	if out := mustRun(t, env, "", "outbox"); strings.Count(out, "slack:#CLIAISON") != 1 {
		t.Errorf("outbox after the change, want one notice for the liaison channel:\n%s", out)
	}
}

// With the Datatracker unreachable, the syncs fail at once with one line
// naming the URL and the cause, with no retries to wait through.
func TestSyncs_UnreachableDatatrackerFailsAtOnce(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + l.Addr().String()
	l.Close()
	env := testEnv(t)
	env["LIAISONBOT_DATATRACKER_URL"] = base
	createDB(t, env)
	for _, args := range [][]string{{"directory", "sync", "--dry-run"}, {"statements", "sync"}} {
		code, _, errs := cli(t, env, "", args...)
		lines := strings.Split(strings.TrimSpace(errs), "\n")
		if code != 1 || len(lines) != 1 || !strings.Contains(errs, base+"/api/v1/") || !strings.Contains(errs, "connection refused") {
			t.Errorf("liaisonbot %s: exit %d, stderr:\n%s", strings.Join(args, " "), code, errs)
		}
	}
}

// On a terminal the syncs show the pages read and the statements
// imported; either way they log one summary line.
func TestSyncs_ShowProgressAndLogASummary(t *testing.T) {
	f := newFakeDatatracker(t)
	env := syncEnv(t, f)
	env["LIAISONBOT_LOG_LEVEL"] = "info"
	createDB(t, env)
	for _, tc := range []struct {
		args          []string
		progress, log []string
	}{
		{[]string{"directory", "sync", "--dry-run"}, []string{"Reading groups: page 1, 50 of ", "Reading groups: page 2", "Reading roles: page 1"},
			[]string{"dtsync: directory compared (dry run, nothing changed)", "added=", "organizations="}},
		{[]string{"statements", "sync"}, []string{"Reading statements: page 1", "Reading statement events: page 1", "Importing statements: "},
			[]string{"dtsync: statements synced", "fetched="}},
	} {
		var out, errb, prog bytes.Buffer
		no := false
		code := Main(context.Background(), tc.args, &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
			Getenv: func(k string) string { return env[k] }, Interactive: &no, Progress: &prog})
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", tc.args, code, errb.String())
		}
		for _, w := range tc.progress {
			if !strings.Contains(prog.String(), w) {
				t.Errorf("%v: progress lacks %q: %q", tc.args, w, prog.String())
			}
		}
		if !strings.HasSuffix(prog.String(), "\r\x1b[K") {
			t.Errorf("%v: the progress line is not cleared at the end: %q", tc.args, prog.String())
		}
		if strings.Contains(out.String(), "\r") {
			t.Errorf("%v: progress went to standard output", tc.args)
		}
		for _, w := range tc.log {
			if !strings.Contains(errb.String(), w) {
				t.Errorf("%v: log lacks %q:\n%s", tc.args, w, errb.String())
			}
		}
	}
}
