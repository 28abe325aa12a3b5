package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

// run runs Main with the given standard input and environment and returns
// its exit code, standard output and standard error.
func run(t *testing.T, env map[string]string, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	no := false
	code := Main(context.Background(), args, &Env{
		Stdin:       strings.NewReader(stdin),
		Stdout:      &out,
		Stderr:      &errb,
		Getenv:      func(k string) string { return env[k] },
		Interactive: &no,
	})
	return code, out.String(), errb.String()
}

func testEnv(t *testing.T) map[string]string {
	return map[string]string{"LIAISONBOT_DB": filepath.Join(t.TempDir(), "bot.db"), "LIAISONBOT_LOG_LEVEL": "warn"}
}

// createDB makes the database of env as the bot's first start does (the
// commands that read an existing one refuse a missing file).
func createDB(t *testing.T, env map[string]string) {
	t.Helper()
	if code, _, errs := run(t, env, "", "console"); code != 0 {
		t.Fatalf("creating the database: exit %d: %s", code, errs)
	}
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (run with -update to accept):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

func TestConsole_NoSubcommandStartsConsole(t *testing.T) {
	code, out, errs := run(t, testEnv(t), "contact 3gpp\n")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "Gonzalo Camarillo") {
		t.Fatalf("no answer from the console:\n%s", out)
	}
}

func TestConsole_ContactGolden(t *testing.T) {
	env := testEnv(t)
	in := strings.Join([]string{
		"contact 3gpp",
		"/liaison who ITU T",
		"find broadband forum",
		"contact cablelab",
		"contact icann",
		"contact acme standards",
		"orgs",
	}, "\n") + "\n"
	code, out, errs := run(t, env, in, "console")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	// Ages depend on today's date; the golden file holds them as they were.
	golden(t, "console_contact.golden", stripAges(out))
}

// stripAges replaces "(about 6 years ago)" and friends, which depend on the
// day the test runs.
func stripAges(s string) string {
	var b strings.Builder
	for _, line := range strings.SplitAfter(s, "\n") {
		for {
			i := strings.Index(line, " (")
			j := strings.Index(line, " ago)")
			if i < 0 || j < 0 || j < i {
				break
			}
			k := strings.LastIndex(line[:j], " (")
			line = line[:k] + " (…)" + line[j+len(" ago)"):]
		}
		b.WriteString(line)
	}
	return b.String()
}

func TestConsole_BadInputIsAnsweredAndChangesNothing(t *testing.T) {
	env := testEnv(t)
	createDB(t, env)
	// Export the directory before and after: bad input must change nothing.
	_, before, _ := run(t, env, "", "directory", "export")
	inputs := []string{
		"contact",
		"contact " + strings.Repeat("x", 10000),
		"contact \x01\x02\x1b[31m3gpp",
		"contact '; DROP TABLE organizations; --",
		"contact \xff\xfe\xfd",
		"frobnicate",
		"\x00\x00",
		"show LS-abc",
		"show LS-999",
		"approve",
		"list sideways",
		"search",
	}
	code, out, errs := run(t, env, strings.Join(inputs, "\n")+"\n", "console")
	// A script learns that lines failed: exit 1, one line saying how many.
	if code != 1 || !strings.Contains(errs, "console: 7 of 12 lines failed") {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, bad := range []string{"panic", "goroutine", "sql:", "SQL logic", "internal"} {
		if strings.Contains(out, bad) {
			t.Errorf("output shows %q:\n%s", bad, out)
		}
	}
	for _, want := range []string{
		"Which organization? Usage: contact <organization>",
		"No organization in the directory matches",
		"I don't know the command “frobnicate”",
		"There is no statement LS-999.",
		"is not a statement reference like LS-12",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\x1b") || strings.Contains(out, "\x01") {
		t.Errorf("control characters echoed back")
	}
	_, after, _ := run(t, env, "", "directory", "export")
	if before != after {
		t.Errorf("bad input changed the directory")
	}
}

func TestVersion(t *testing.T) {
	code, out, _ := run(t, testEnv(t), "", "version")
	if code != 0 || !strings.HasPrefix(out, "liaisonbot ") {
		t.Fatalf("version: exit %d, %q", code, out)
	}
}

func TestConfigCheck_MasksSecretsAndNamesBadVariable(t *testing.T) {
	env := testEnv(t)
	env["SLACK_BOT_TOKEN"] = "xoxb-secret-token-value"
	env["SLACK_SIGNING_SECRET"] = "abcdef0123456789"
	code, out, errs := run(t, env, "", "config", "check")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if strings.Contains(out, "secret-token-value") || strings.Contains(out, "abcdef0123456789") {
		t.Fatalf("config check shows a secret:\n%s", out)
	}
	if !strings.Contains(out, "SLACK_BOT_TOKEN") || !strings.Contains(out, "set, 23 characters") {
		t.Errorf("config check does not show the token as set:\n%s", out)
	}
	env["LIAISONBOT_REMINDER_INTERVAL"] = "5 minutes"
	code, _, errs = run(t, env, "", "config", "check")
	if code == 0 || !strings.Contains(errs, "LIAISONBOT_REMINDER_INTERVAL") {
		t.Fatalf("bad interval: exit %d, stderr %q; want non-zero naming the variable", code, errs)
	}
	delete(env, "LIAISONBOT_REMINDER_INTERVAL")
	env["LIAISONBOT_REMINDER_TIMEZONE"] = "Mars/Olympus"
	code, out, errs = run(t, env, "", "config", "check")
	if code == 0 || !strings.Contains(errs, "LIAISONBOT_REMINDER_TIMEZONE") {
		t.Fatalf("bad time zone: exit %d, stderr %q", code, errs)
	}
}

func TestConfigCheck_FileAndSecretFile(t *testing.T) {
	dir := t.TempDir()
	cfgFile := filepath.Join(dir, "bot.toml")
	os.WriteFile(cfgFile, []byte("[reminders]\ninterval = \"10m\"\nskip_weekends = true\n[slack]\nchannel = \"C123\"\n"), 0o600)
	secret := filepath.Join(dir, "token")
	os.WriteFile(secret, []byte("xoxb-from-a-file\n"), 0o600)
	env := testEnv(t)
	env["SLACK_BOT_TOKEN_FILE"] = secret
	env["SLACK_SIGNING_SECRET"] = "s3cr3t"
	code, out, errs := run(t, env, "", "--config", cfgFile, "config", "check")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"10m0s", "[file]", "C123", "[env file]"} {
		if !strings.Contains(out, want) {
			t.Errorf("config check lacks %q:\n%s", want, out)
		}
	}
	os.WriteFile(cfgFile, []byte("[reminders]\nintervall = \"10m\"\n"), 0o600)
	code, _, errs = run(t, env, "", "--config", cfgFile, "config", "check")
	if code == 0 || !strings.Contains(errs, "reminders.intervall") {
		t.Fatalf("unknown key: exit %d, %q", code, errs)
	}
}

func TestDirectory_ExportImportRoundTripAndBadFile(t *testing.T) {
	env := testEnv(t)
	createDB(t, env)
	dir := t.TempDir()
	file := filepath.Join(dir, "dir.toml")
	code, out, errs := run(t, env, "", "directory", "export", file)
	if code != 0 {
		t.Fatalf("export: exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "wrote") {
		t.Errorf("export said %q", out)
	}
	code, out, errs = run(t, env, "", "directory", "import", file)
	if code != 0 {
		t.Fatalf("import: exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "0 added, 0 changed, 0 removed") {
		t.Errorf("round trip changed something:\n%s", out)
	}
	// Change a manager's email, add nothing: the import says exactly that.
	buf, _ := os.ReadFile(file)
	edited := strings.Replace(string(buf), `email = "bbf-liaison@ietf.org"`, `email = "new-bbf@example.org"`, 1)
	if edited == string(buf) {
		t.Fatal("export lacks the BBF alias")
	}
	os.WriteFile(file, []byte(edited), 0o644)
	code, out, _ = run(t, env, "", "directory", "import", file)
	if code != 0 || !strings.Contains(out, "new-bbf@example.org") || !strings.Contains(out, "0 added") {
		t.Fatalf("edit import: exit %d:\n%s", code, out)
	}
	// A bad email: an error naming the field, and nothing changes.
	_, before, _ := run(t, env, "", "directory", "export")
	bad := strings.Replace(edited, `email = "new-bbf@example.org"`, `email = "not an email"`, 1)
	os.WriteFile(file, []byte(bad), 0o644)
	code, _, errs = run(t, env, "", "directory", "import", file)
	if code == 0 || !strings.Contains(errs, "email") || !strings.Contains(errs, "line") || !strings.Contains(errs, "nothing was changed") {
		t.Fatalf("bad import: exit %d, stderr %q", code, errs)
	}
	_, after, _ := run(t, env, "", "directory", "export")
	if before != after {
		t.Fatal("a bad import changed the directory")
	}
}
