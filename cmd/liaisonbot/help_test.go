package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// emptyDir makes the test run in an empty directory and returns a check
// that it is still empty.
func emptyDir(t *testing.T) func(what string) {
	dir := t.TempDir()
	t.Chdir(dir)
	return func(what string) {
		t.Helper()
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
			os.RemoveAll(filepath.Join(dir, e.Name())) // the next case starts empty again
		}
		if len(names) > 0 {
			t.Errorf("%s created %v", what, names)
		}
	}
}

func TestHelp_EveryCommandPrintsUsageToStdoutExitsZeroAndCreatesNothing(t *testing.T) {
	checkEmpty := emptyDir(t)
	// No LIAISONBOT_DB: the default, liaisonbot.db, would land in the
	// directory.
	env := map[string]string{"LIAISONBOT_LOG_LEVEL": "warn"}
	var calls [][]string
	for _, h := range []string{"--help", "-h", "-help"} {
		calls = append(calls, []string{h}, []string{"--config", "missing.toml", h})
		for _, sc := range subcommands() {
			calls = append(calls, []string{sc.name, h})
		}
		calls = append(calls,
			[]string{"directory", "export", h}, []string{"directory", "import", h}, []string{"directory", "sync", h},
			[]string{"directory", "import", "--dry-run", h},
			[]string{"statements", "sync", h}, []string{"outbox", "retry", h}, []string{"config", "check", h},
			[]string{"backup", h}, []string{"console", "--as", "kim@example.org", h},
		)
	}
	calls = append(calls, []string{"help"})
	for _, sc := range subcommands() {
		calls = append(calls, []string{"help", sc.name})
	}
	for _, args := range calls {
		what := "liaisonbot " + strings.Join(args, " ")
		code, out, errs := run(t, env, "", args...)
		if code != 0 {
			t.Errorf("%s: exit %d, want 0", what, code)
		}
		if !strings.HasPrefix(out, "Usage:") {
			t.Errorf("%s: standard output does not start with the usage:\n%s", what, out)
		}
		if errs != "" {
			t.Errorf("%s: wrote to standard error:\n%s", what, errs)
		}
		if len(args) >= 2 && (args[0] != "--config" && args[0] != "help") {
			if !strings.Contains(out, "liaisonbot "+args[0]) {
				t.Errorf("%s: the usage is not that of %s:\n%s", what, args[0], out)
			}
		}
		checkEmpty(what)
	}
}

func TestHelp_MistakesStillGoToStderrWithExitTwo(t *testing.T) {
	checkEmpty := emptyDir(t)
	env := map[string]string{"LIAISONBOT_LOG_LEVEL": "warn"}
	for _, args := range [][]string{
		{"--no-such-flag"}, {"frobnicate"}, {"help", "frobnicate"}, {"directory"}, {"directory", "frobnicate"},
		{"outbox", "frobnicate"}, {"backup"}, {"statements"}, {"config"}, {"serve", "extra"},
	} {
		what := "liaisonbot " + strings.Join(args, " ")
		code, out, errs := run(t, env, "", args...)
		if code != 2 || errs == "" || out != "" {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want exit 2 and the complaint on stderr", what, code, out, errs)
		}
		checkEmpty(what)
	}
}

func TestExistingDatabaseCommands_RefuseAMissingFileInOneLine(t *testing.T) {
	checkEmpty := emptyDir(t)
	elsewhere := filepath.Join(t.TempDir(), "wrong", "bot.db")
	for _, env := range []map[string]string{
		{"LIAISONBOT_LOG_LEVEL": "warn"}, // the default, liaisonbot.db, here
		{"LIAISONBOT_LOG_LEVEL": "warn", "LIAISONBOT_DB": elsewhere},
	} {
		path := env["LIAISONBOT_DB"]
		if path == "" {
			path = "liaisonbot.db"
		}
		for _, args := range [][]string{
			{"backup", "copy.db"}, {"outbox"}, {"outbox", "retry"}, {"outbox", "retry", "3"},
			{"directory", "export"}, {"directory", "export", "dir.toml"},
		} {
			what := "liaisonbot " + strings.Join(args, " ") + " (" + path + ")"
			code, out, errs := run(t, env, "", args...)
			if code != 1 || out != "" {
				t.Errorf("%s: exit %d, stdout %.200q; want exit 1, nothing on stdout", what, code, out)
			}
			if strings.Count(errs, "\n") != 1 || !strings.Contains(errs, path) || !strings.Contains(errs, "LIAISONBOT_DB") {
				t.Errorf("%s: stderr %q; want one line naming %s and LIAISONBOT_DB", what, errs, path)
			}
			checkEmpty(what)
			if _, err := os.Stat(filepath.Dir(elsewhere)); err == nil {
				t.Errorf("%s: created %s", what, filepath.Dir(elsewhere))
			}
		}
	}
}
