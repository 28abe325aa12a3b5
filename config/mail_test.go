package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMail_SMTPURLs(t *testing.T) {
	for url, want := range map[string]SMTP{
		"smtp+starttls://bot:p%40ss@mail.example.org:587": {Security: "starttls", Host: "mail.example.org", Port: 587, Username: "bot", Password: "p@ss"},
		"smtp+starttls://bot:pw@mail.example.org":         {Security: "starttls", Host: "mail.example.org", Port: 587, Username: "bot", Password: "pw"},
		"smtps://bot:pw@mail.example.org:465":             {Security: "tls", Host: "mail.example.org", Port: 465, Username: "bot", Password: "pw"},
		"smtps://mail.example.org":                        {Security: "tls", Host: "mail.example.org", Port: 465},
		"smtp://localhost:25":                             {Security: "none", Host: "localhost", Port: 25},
		"smtp://relay.internal":                           {Security: "none", Host: "relay.internal", Port: 25},
		"smtp://[::1]:2525":                               {Security: "none", Host: "::1", Port: 2525},
	} {
		got, err := Mail{SMTPURL: url}.Server()
		if err != nil || got != want {
			t.Errorf("%s: %+v %v, want %+v", url, got, err, want)
		}
	}
	if s, _ := (Mail{SMTPURL: "smtp+starttls://bot:secret@mail.example.org:587"}).Server(); s.String() != "smtp+starttls://bot@mail.example.org:587" {
		t.Errorf("String shows %q", s.String())
	}
	for url, why := range map[string]string{
		"smtp://bot:secret@relay.example.org:25": "never sent without",
		"http://mail.example.org":                "not smtp+starttls",
		"mail.example.org:587":                   "smtp+starttls",
		"smtps://mail.example.org:99999":         "not a port",
		"smtps://mail.example.org/x":             "no path",
		"smtp+starttls://":                       "is not a URL",
	} {
		_, err := Mail{SMTPURL: url}.Server()
		if err == nil || !strings.Contains(err.Error(), why) {
			t.Errorf("%s: %v, want %q", url, err, why)
		}
		if err != nil && strings.Contains(err.Error(), "secret") {
			t.Errorf("%s: the error shows the password: %v", url, err)
		}
	}
}

func TestValidate_Mail(t *testing.T) {
	check := func(e map[string]string) error {
		c, err := Load("", env(e))
		if err != nil {
			return err
		}
		return c.Validate()
	}
	if err := check(map[string]string{"LIAISONBOT_SMTP_URL": "smtp+starttls://bot:pw@mail.example.org", "LIAISONBOT_MAIL_FROM": "IETF Liaisons <liaisons@example.org>",
		"LIAISONBOT_MAIL_BCC": "archive@example.org, Other <o@example.org>"}); err != nil {
		t.Errorf("good mail settings: %v", err)
	}
	for name, e := range map[string]map[string]string{
		"LIAISONBOT_SMTP_URL":  {"LIAISONBOT_SMTP_URL": "smtp://bot:pw@relay", "LIAISONBOT_MAIL_FROM": "a@example.org"},
		"LIAISONBOT_MAIL_FROM": {"LIAISONBOT_SMTP_URL": "smtps://mail.example.org"},
		"LIAISONBOT_MAIL_BCC":  {"LIAISONBOT_MAIL_BCC": "not an address"},
	} {
		if err := check(e); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%v: %v, want an error naming %s", e, err, name)
		}
	}
	if err := check(map[string]string{"LIAISONBOT_MAIL_FROM": "a@example.org, b@example.org"}); err == nil || !strings.Contains(err.Error(), "LIAISONBOT_MAIL_FROM") {
		t.Errorf("two senders: %v", err)
	}
}

func TestLoad_MailFromTheFileAndTheURLFromASecretFile(t *testing.T) {
	dir := t.TempDir()
	secret := filepath.Join(dir, "smtp-url")
	if err := os.WriteFile(secret, []byte("smtps://bot:pw@mail.example.org:465\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "liaisonbot.toml")
	if err := os.WriteFile(file, []byte("[mail]\nsmtp_url = \"smtp://relay:25\"\nfrom = \"Liaisons <l@example.org>\"\nbcc = \"archive@example.org\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(file, env(map[string]string{"LIAISONBOT_SMTP_URL_FILE": secret}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Mail.SMTPURL != "smtps://bot:pw@mail.example.org:465" || c.Mail.From != "Liaisons <l@example.org>" || c.Mail.Bcc != "archive@example.org" {
		t.Errorf("%+v", c.Mail)
	}
	if c.Source("LIAISONBOT_SMTP_URL") != "env file" || c.Source("LIAISONBOT_MAIL_FROM") != "file" {
		t.Errorf("sources %s %s", c.Source("LIAISONBOT_SMTP_URL"), c.Source("LIAISONBOT_MAIL_FROM"))
	}
	if strings.Contains(c.String(), "pw@") {
		t.Errorf("the password is shown:\n%s", c.String())
	}
	if err := c.Validate(); err != nil {
		t.Error(err)
	}
}
