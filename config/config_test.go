package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestLoad_DefaultsAreValid(t *testing.T) {
	c, err := Load("", env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatalf("defaults invalid: %v", err)
	}
	if c.DB != "liaisonbot.db" || c.Addr != ":8080" || c.Reminders.Interval != 5*time.Minute ||
		len(c.Reminders.DaysBefore) != 7 || c.Datatracker.URL != "https://datatracker.ietf.org" || c.Slack.APIURL != "https://slack.com/api/" {
		t.Fatalf("defaults: %+v", c)
	}
	if c.Source("LIAISONBOT_DB") != "default" {
		t.Errorf("source %q", c.Source("LIAISONBOT_DB"))
	}
}

func TestLoad_FileThenEnvironment(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "c.toml")
	os.WriteFile(f, []byte(`
[storage]
db = "/var/lib/x.db"
[bot]
admins = ["slack:U1", "zulip:2"]
[reminders]
days_before = [10, 1]
timezone = "Europe/Paris"
skip_weekends = true
send_at = "08:30"
`), 0o600)
	c, err := Load(f, env(map[string]string{"LIAISONBOT_DB": "/tmp/env.db", "LIAISONBOT_REMINDER_OVERDUE_DAYS": "5"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.DB != "/tmp/env.db" || c.Source("LIAISONBOT_DB") != "env" {
		t.Errorf("environment does not override the file: %q (%s)", c.DB, c.Source("LIAISONBOT_DB"))
	}
	if !c.IsAdmin("zulip:2") || c.Reminders.OverdueDays != 5 || !c.Reminders.SkipWeekends || len(c.Reminders.DaysBefore) != 2 {
		t.Errorf("loaded %+v", c)
	}
	if h, m := c.Reminders.SendAtClock(); h != 8 || m != 30 || c.Reminders.Location().String() != "Europe/Paris" {
		t.Errorf("send_at %d:%d in %s", h, m, c.Reminders.Location())
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestLoad_SecretFiles(t *testing.T) {
	f := filepath.Join(t.TempDir(), "secret")
	os.WriteFile(f, []byte("xoxb-123\n"), 0o600)
	c, err := Load("", env(map[string]string{"SLACK_BOT_TOKEN_FILE": f}))
	if err != nil || c.Slack.BotToken != "xoxb-123" || c.Source("SLACK_BOT_TOKEN") != "env file" {
		t.Fatalf("token %q (%v)", c.Slack.BotToken, err)
	}
	if _, err := Load("", env(map[string]string{"SLACK_BOT_TOKEN_FILE": f, "SLACK_BOT_TOKEN": "xoxb-2"})); err == nil {
		t.Error("both NAME and NAME_FILE accepted")
	}
	if _, err := Load("", env(map[string]string{"SLACK_BOT_TOKEN_FILE": "/nonexistent"})); err == nil || !strings.Contains(err.Error(), "SLACK_BOT_TOKEN_FILE") {
		t.Errorf("missing secret file: %v", err)
	}
	if s := c.String(); strings.Contains(s, "xoxb-123") {
		t.Errorf("String shows the secret:\n%s", s)
	}
}

func TestValidate_NamesTheVariable(t *testing.T) {
	cases := map[string]map[string]string{
		"LIAISONBOT_REMINDER_INTERVAL":       {"LIAISONBOT_REMINDER_INTERVAL": "0s"},
		"LIAISONBOT_LOG_FORMAT":              {"LIAISONBOT_LOG_FORMAT": "xml"},
		"LIAISONBOT_ADMINS":                  {"LIAISONBOT_ADMINS": "slack"},
		"SLACK_BOT_TOKEN":                    {"SLACK_BOT_TOKEN": "not-a-token", "SLACK_SIGNING_SECRET": "x"},
		"SLACK_SIGNING_SECRET":               {"SLACK_BOT_TOKEN": "xoxb-1"},
		"SLACK_APP_TOKEN":                    {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xoxb-2"},
		"ZULIP_API_KEY":                      {"ZULIP_SITE": "https://z.example.org", "ZULIP_EMAIL": "bot@example.org"},
		"ZULIP_SITE":                         {"ZULIP_SITE": "ftp://x", "ZULIP_EMAIL": "b@e.org", "ZULIP_API_KEY": "k"},
		"LIAISONBOT_REMINDER_SEND_AT":        {"LIAISONBOT_REMINDER_SEND_AT": "9am"},
		"LIAISONBOT_REMINDER_TIMEZONE":       {"LIAISONBOT_REMINDER_TIMEZONE": "Atlantis/Capital"},
		"LIAISONBOT_DATATRACKER_URL":         {"LIAISONBOT_DATATRACKER_URL": "datatracker"},
		"LIAISONBOT_DIRECTORY_SYNC_INTERVAL": {"LIAISONBOT_DIRECTORY_SYNC_INTERVAL": "5s"},
		"LIAISONBOT_REMINDER_DAYS_BEFORE":    {"LIAISONBOT_REMINDER_DAYS_BEFORE": "7,-1"},
	}
	for name, e := range cases {
		c, err := Load("", env(e))
		if err == nil {
			err = c.Validate()
		}
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%v: error %v, want one naming %s", e, err, name)
		}
	}
	if _, err := Load("", env(map[string]string{"LIAISONBOT_REMINDER_OVERDUE_DAYS": "many"})); err == nil || !strings.Contains(err.Error(), "LIAISONBOT_REMINDER_OVERDUE_DAYS") {
		t.Errorf("non-number: %v", err)
	}
}

func TestLoad_BadFile(t *testing.T) {
	f := filepath.Join(t.TempDir(), "c.toml")
	os.WriteFile(f, []byte("[storage\ndb = 1\n"), 0o600)
	if _, err := Load(f, env(nil)); err == nil || !strings.Contains(err.Error(), "line") {
		t.Errorf("syntax error: %v", err)
	}
	os.WriteFile(f, []byte("[reminders]\ninterval = \"fast\"\n"), 0o600)
	if _, err := Load(f, env(nil)); err == nil || !strings.Contains(err.Error(), "reminders.interval") {
		t.Errorf("bad value: %v", err)
	}
}

func TestLoad_DBSynchronousIsFullUnlessLowered(t *testing.T) {
	c, err := Load("", env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.DBSync != "full" {
		t.Errorf("default synchronous %q, want full", c.DBSync)
	}
	f := filepath.Join(t.TempDir(), "c.toml")
	os.WriteFile(f, []byte("[storage]\nsynchronous = \"normal\"\n"), 0o600)
	if c, err = Load(f, env(nil)); err != nil || c.DBSync != "normal" || c.Source("LIAISONBOT_DB_SYNCHRONOUS") != "file" {
		t.Errorf("from the file: %v %q %s", err, c.DBSync, c.Source("LIAISONBOT_DB_SYNCHRONOUS"))
	}
	if c, err = Load(f, env(map[string]string{"LIAISONBOT_DB_SYNCHRONOUS": "EXTRA"})); err != nil || c.DBSync != "EXTRA" || c.Validate() != nil {
		t.Errorf("from the environment: %v %q", err, c.DBSync)
	}
	if !strings.Contains(c.String(), "LIAISONBOT_DB_SYNCHRONOUS") {
		t.Errorf("config check does not show the setting:\n%s", c)
	}
	for _, bad := range []string{"off", "0", "fast"} {
		c, _ := Load("", env(map[string]string{"LIAISONBOT_DB_SYNCHRONOUS": bad}))
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "LIAISONBOT_DB_SYNCHRONOUS") {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func TestLoad_BoardSettings(t *testing.T) {
	f := filepath.Join(t.TempDir(), "c.toml")
	os.WriteFile(f, []byte("[http]\npublic_url = \"https://liaisons.example.org/\"\n[board]\nshow_pending = true\n"), 0o600)
	c, err := Load(f, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.PublicURL != "https://liaisons.example.org/" || !c.Board.ShowPending || c.Validate() != nil {
		t.Errorf("from the file: %q %v %v", c.PublicURL, c.Board.ShowPending, c.Validate())
	}
	c, err = Load(f, env(map[string]string{"LIAISONBOT_PUBLIC_URL": "http://127.0.0.1:8080", "LIAISONBOT_BOARD_SHOW_PENDING": "false"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.PublicURL != "http://127.0.0.1:8080" || c.Board.ShowPending || c.Source("LIAISONBOT_PUBLIC_URL") != "env" {
		t.Errorf("from the environment: %q %v", c.PublicURL, c.Board.ShowPending)
	}
	for _, bad := range []string{"liaisons.example.org", "ftp://x.org", "https://x.org/?a=1", "https://x.org/#top"} {
		c, _ := Load("", env(map[string]string{"LIAISONBOT_PUBLIC_URL": bad}))
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "LIAISONBOT_PUBLIC_URL") {
			t.Errorf("%q: %v", bad, err)
		}
	}
	if _, err := Load("", env(map[string]string{"LIAISONBOT_BOARD_SHOW_PENDING": "sometimes"})); err == nil ||
		!strings.Contains(err.Error(), "LIAISONBOT_BOARD_SHOW_PENDING") {
		t.Errorf("a bad flag: %v", err)
	}
}

func TestLoad_DatabaseURLFromFileEnvOrSecretFile(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "c.toml")
	os.WriteFile(f, []byte("[storage]\nurl = \"postgres://bot@db.example.org/liaisonbot\"\n"), 0o600)
	c, err := Load(f, env(nil))
	if err != nil || c.Database() != "postgres://bot@db.example.org/liaisonbot" || c.DatabaseEnv() != "LIAISONBOT_DATABASE_URL" || c.Validate() != nil {
		t.Fatalf("from the file: %v %q %v", err, c.Database(), c.Validate())
	}
	secret := filepath.Join(dir, "url")
	os.WriteFile(secret, []byte("postgresql://bot:s3cret@db2.example.org:5433/lb?sslmode=verify-full\n"), 0o600)
	c, err = Load(f, env(map[string]string{"LIAISONBOT_DATABASE_URL_FILE": secret}))
	if err != nil || c.Database() != "postgresql://bot:s3cret@db2.example.org:5433/lb?sslmode=verify-full" {
		t.Fatalf("from LIAISONBOT_DATABASE_URL_FILE: %v %q", err, c.Database())
	}
	if strings.Contains(c.String(), "s3cret") {
		t.Errorf("config check shows the database password:\n%s", c)
	}
	c, _ = Load("", env(nil))
	if c.Database() != "liaisonbot.db" || c.DatabaseEnv() != "LIAISONBOT_DB" {
		t.Errorf("without a URL: %q (%s), want the SQLite file", c.Database(), c.DatabaseEnv())
	}
	c, _ = Load("", env(map[string]string{"LIAISONBOT_DATABASE_URL": "mysql://x"}))
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "LIAISONBOT_DATABASE_URL: must be a PostgreSQL URL") {
		t.Errorf("a URL that is not PostgreSQL: %v", err)
	}
}
