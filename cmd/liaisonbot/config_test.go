package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ietf-tools/liaisonbot/bot/zulip/zuliptest"
)

// settingLine finds the line of config check's output for the variable.
func settingLine(t *testing.T, out, env string) string {
	t.Helper()
	re := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(env) + ` .*$`)
	l := re.FindString(out)
	if l == "" {
		t.Fatalf("config check has no line for %s:\n%s", env, out)
	}
	return l
}

func writeZuliprc(t *testing.T, site, email, key string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "zuliprc")
	if err := os.WriteFile(p, []byte("[api]\nemail="+email+"\nkey="+key+"\nsite="+site+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestConfigCheck_LabelsValuesFromTheZuliprc(t *testing.T) {
	env := testEnv(t)
	env["ZULIP_CONFIG"] = writeZuliprc(t, "https://zulip.example.org", "liaison-bot@zulip.example.org", "abcdefghijklmnopqrstuvwxyz012345")
	env["ZULIP_EMAIL"] = "other-bot@zulip.example.org" // the environment wins over the file
	code, out, errs := run(t, env, "", "config", "check")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for v, want := range map[string]string{
		"ZULIP_SITE":    "https://zulip.example.org  [zuliprc]",
		"ZULIP_API_KEY": "(set, 32 characters)  [zuliprc]",
		"ZULIP_EMAIL":   "other-bot@zulip.example.org  [env]",
		"ZULIP_CONFIG":  "[env]",
	} {
		if l := settingLine(t, out, v); !strings.HasSuffix(l, want) {
			t.Errorf("%s: %q, want it to end with %q", v, l, want)
		}
	}
	if strings.Contains(out, "abcdefghijklmnopqrstuvwxyz012345") {
		t.Errorf("the API key is shown:\n%s", out)
	}
	if strings.Contains(out, "warning") {
		t.Errorf("warns though Zulip is configured:\n%s", out)
	}
}

func TestConfigCheck_WarnsWhenNoPlatformIsConfigured(t *testing.T) {
	code, out, errs := run(t, testEnv(t), "", "config", "check")
	if code != 0 {
		t.Fatalf("exit %d: %s (the console works without a platform)", code, errs)
	}
	if !strings.Contains(out, "warning: no chat platform is configured") || !strings.Contains(out, "the console works") {
		t.Errorf("no warning about the missing platform:\n%s", out)
	}
	code, out, errs = run(t, testEnv(t), "", "config", "check", "--online")
	if code != 0 || !strings.Contains(out, "nothing to try online") {
		t.Errorf("--online without a platform: exit %d\n%s\n%s", code, out, errs)
	}
}

func TestConfigCheck_OnlineTriesSlackAndZulip(t *testing.T) {
	slackFake := newFakeSlack(t)
	z := zuliptest.NewServer(t)
	env := serveEnv(t, slackFake)
	env["ZULIP_CONFIG"] = writeZuliprc(t, z.URL, z.Bot.Email, z.APIKey)

	code, out, errs := run(t, env, "", "config", "check", "--online")
	if code != 0 {
		t.Fatalf("exit %d:\n%s\n%s", code, out, errs)
	}
	for _, want := range []string{
		"slack  ok  auth.test: bot user liaisonbot (UBOT) in team Test (T0TEST)",
		"zulip  ok  users/me: " + zuliptest.DefaultBotName + " <" + zuliptest.DefaultBotEmail + ">",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if n := slackFake.callCount("auth.test"); n != 1 {
		t.Errorf("auth.test called %d times", n)
	}

	// Slack refuses the token, Zulip the key: each is reported, exit 1.
	slackFake.authError.Store("invalid_auth")
	env["ZULIP_CONFIG"] = writeZuliprc(t, z.URL, z.Bot.Email, "wrongwrongwrongwrongwrongwrong12")
	code, out, errs = run(t, env, "", "config", "check", "--online")
	if code != 1 {
		t.Errorf("exit %d with refused credentials, want 1", code)
	}
	if !regexp.MustCompile(`slack\s+FAILED\s+auth.test .*SLACK_BOT_TOKEN.*invalid_auth`).MatchString(out) {
		t.Errorf("no Slack failure line:\n%s", out)
	}
	if !regexp.MustCompile(`zulip\s+FAILED\s+users/me .* refused ZULIP_EMAIL/ZULIP_API_KEY`).MatchString(out) {
		t.Errorf("no Zulip failure line:\n%s", out)
	}
	if !strings.Contains(errs, "slack, zulip failed") {
		t.Errorf("stderr %q", errs)
	}
	// Without --online nothing is called.
	before := slackFake.callCount("auth.test")
	if code, _, _ := run(t, env, "", "config", "check"); code != 0 || slackFake.callCount("auth.test") != before {
		t.Errorf("config check without --online: exit %d, auth.test calls %d→%d", code, before, slackFake.callCount("auth.test"))
	}
}
