package config

import (
	"bytes"
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

// setting is one configuration value: its environment name, its TOML key
// ("table.key"), and how to read and write it as a string.
type setting struct {
	env    string
	key    string
	secret bool
	get    func() string
	set    func(string) error
}

func settings(c *Config) []setting {
	str := func(env, key string, p *string, secret bool) setting {
		return setting{env: env, key: key, secret: secret,
			get: func() string { return *p },
			set: func(v string) error { *p = strings.TrimSpace(v); return nil }}
	}
	dur := func(env, key string, p *time.Duration) setting {
		return setting{env: env, key: key,
			get: func() string { return p.String() },
			set: func(v string) error {
				d, err := time.ParseDuration(strings.TrimSpace(v))
				if err != nil {
					return fmt.Errorf("%q is not a duration (examples: 30s, 5m, 1h)", v)
				}
				if d < 0 {
					return fmt.Errorf("%q is negative", v)
				}
				*p = d
				return nil
			}}
	}
	num := func(env, key string, p *int) setting {
		return setting{env: env, key: key,
			get: func() string { return strconv.Itoa(*p) },
			set: func(v string) error {
				n, err := strconv.Atoi(strings.TrimSpace(v))
				if err != nil {
					return fmt.Errorf("%q is not a whole number", v)
				}
				*p = n
				return nil
			}}
	}
	list := func(env, key string, p *[]string) setting {
		return setting{env: env, key: key,
			get: func() string { return strings.Join(*p, ",") },
			set: func(v string) error { *p = splitList(v); return nil }}
	}
	ints := func(env, key string, p *[]int) setting {
		return setting{env: env, key: key,
			get: func() string {
				s := make([]string, len(*p))
				for i, n := range *p {
					s[i] = strconv.Itoa(n)
				}
				return strings.Join(s, ",")
			},
			set: func(v string) error {
				var out []int
				for _, f := range splitList(v) {
					n, err := strconv.Atoi(f)
					if err != nil {
						return fmt.Errorf("%q is not a list of whole numbers", v)
					}
					out = append(out, n)
				}
				*p = out
				return nil
			}}
	}
	flag := func(env, key string, p *bool) setting {
		return setting{env: env, key: key,
			get: func() string { return strconv.FormatBool(*p) },
			set: func(v string) error {
				b, err := strconv.ParseBool(strings.TrimSpace(v))
				if err != nil {
					return fmt.Errorf("%q is not true or false", v)
				}
				*p = b
				return nil
			}}
	}
	r := &c.Reminders
	return []setting{
		str("LIAISONBOT_DB", "storage.db", &c.DB, false),
		str("LIAISONBOT_DATABASE_URL", "storage.url", &c.DatabaseURL, true),
		str("LIAISONBOT_DB_SYNCHRONOUS", "storage.synchronous", &c.DBSync, false),
		str("LIAISONBOT_ADDR", "http.addr", &c.Addr, false),
		dur("LIAISONBOT_SHUTDOWN_TIMEOUT", "http.shutdown_timeout", &c.ShutdownTimeout),
		str("LIAISONBOT_PUBLIC_URL", "http.public_url", &c.PublicURL, false),
		flag("LIAISONBOT_BOARD_SHOW_PENDING", "board.show_pending", &c.Board.ShowPending),
		list("LIAISONBOT_ADMINS", "bot.admins", &c.Admins),
		str("LIAISONBOT_LOG_FORMAT", "log.format", &c.LogFormat, false),
		str("LIAISONBOT_LOG_LEVEL", "log.level", &c.LogLevel, false),
		str("SLACK_BOT_TOKEN", "slack.bot_token", &c.Slack.BotToken, true),
		str("SLACK_SIGNING_SECRET", "slack.signing_secret", &c.Slack.SigningSecret, true),
		str("SLACK_APP_TOKEN", "slack.app_token", &c.Slack.AppToken, true),
		str("SLACK_API_URL", "slack.api_url", &c.Slack.APIURL, false),
		str("LIAISONBOT_SLACK_CHANNEL", "slack.channel", &c.Slack.Channel, false),
		str("ZULIP_SITE", "zulip.site", &c.Zulip.Site, false),
		str("ZULIP_EMAIL", "zulip.email", &c.Zulip.Email, false),
		str("ZULIP_API_KEY", "zulip.api_key", &c.Zulip.APIKey, true),
		str("ZULIP_CONFIG", "zulip.config", &c.Zulip.RC, false),
		str("ZULIP_WEBHOOK_TOKEN", "zulip.webhook_token", &c.Zulip.WebhookToken, true),
		str("LIAISONBOT_ZULIP_STREAM", "zulip.stream", &c.Zulip.Stream, false),
		dur("LIAISONBOT_REMINDER_INTERVAL", "reminders.interval", &r.Interval),
		ints("LIAISONBOT_REMINDER_DAYS_BEFORE", "reminders.days_before", &r.DaysBefore),
		num("LIAISONBOT_REMINDER_OVERDUE_DAYS", "reminders.overdue_days", &r.OverdueDays),
		num("LIAISONBOT_REMINDER_ESCALATE_AFTER_DAYS", "reminders.escalate_after_days", &r.EscalateAfterDays),
		num("LIAISONBOT_REMINDER_APPROVAL_AFTER_DAYS", "reminders.approval_after_days", &r.ApprovalAfterDays),
		num("LIAISONBOT_REMINDER_APPROVAL_EVERY_DAYS", "reminders.approval_every_days", &r.ApprovalEveryDays),
		str("LIAISONBOT_REMINDER_SEND_AT", "reminders.send_at", &r.SendAt, false),
		str("LIAISONBOT_REMINDER_TIMEZONE", "reminders.timezone", &r.Timezone, false),
		flag("LIAISONBOT_REMINDER_SKIP_WEEKENDS", "reminders.skip_weekends", &r.SkipWeekends),
		flag("LIAISONBOT_DIGEST_ENABLED", "digest.enabled", &c.Digest.Enabled),
		str("LIAISONBOT_DIGEST_DAY", "digest.day", &c.Digest.Day, false),
		str("LIAISONBOT_DIGEST_SEND_AT", "digest.send_at", &c.Digest.SendAt, false),
		str("LIAISONBOT_DIGEST_TIMEZONE", "digest.timezone", &c.Digest.Timezone, false),
		str("LIAISONBOT_DATATRACKER_URL", "datatracker.url", &c.Datatracker.URL, false),
		dur("LIAISONBOT_DIRECTORY_SYNC_INTERVAL", "datatracker.directory_sync_interval", &c.Datatracker.DirectoryInterval),
		dur("LIAISONBOT_STATEMENTS_SYNC_INTERVAL", "datatracker.statements_sync_interval", &c.Datatracker.StatementsInterval),
		dur("LIAISONBOT_SLACK_PACE", "outbox.slack_pace", &c.Outbox.SlackPace),
		dur("LIAISONBOT_OUTBOX_GIVE_UP", "outbox.give_up", &c.Outbox.GiveUp),
		dur("LIAISONBOT_OUTBOX_LEASE", "outbox.lease", &c.Outbox.Lease),
		str("LIAISONBOT_SMTP_URL", "mail.smtp_url", &c.Mail.SMTPURL, true),
		str("LIAISONBOT_MAIL_FROM", "mail.from", &c.Mail.From, false),
		str("LIAISONBOT_MAIL_BCC", "mail.bcc", &c.Mail.Bcc, false),
	}
}

func splitList(v string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\t' }) {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// Load builds the configuration: defaults, then the TOML file at path (if
// path is not ""), then the environment given by getenv (os.Getenv when
// nil). It does not validate; call Validate.
func Load(path string, getenv func(string) string) (*Config, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	c := Default()
	c.sources = map[string]string{}
	all := settings(c)
	if path != "" {
		if err := c.loadFile(path, all); err != nil {
			return nil, err
		}
	}
	for _, s := range all {
		v, src := getenv(s.env), "env"
		if f := getenv(s.env + "_FILE"); f != "" {
			if v != "" {
				return nil, fmt.Errorf("%s and %s_FILE are both set: use one", s.env, s.env)
			}
			buf, err := os.ReadFile(f)
			if err != nil {
				return nil, fmt.Errorf("%s_FILE: %w", s.env, err)
			}
			v, src = strings.TrimRight(string(buf), "\r\n"), "env file"
		}
		if v == "" {
			continue
		}
		if err := s.set(v); err != nil {
			return nil, fmt.Errorf("%s: %w", s.env, err)
		}
		c.sources[s.env] = src
	}
	return c, nil
}

// loadFile applies the TOML file's keys.
func (c *Config) loadFile(path string, all []setting) error {
	buf, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("config file: %w", err)
	}
	var raw map[string]any
	md, err := toml.NewDecoder(bytes.NewReader(buf)).Decode(&raw)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return fmt.Errorf("config file %s: line %d: %s", path, pe.Position.Line, pe.Message)
		}
		return fmt.Errorf("config file %s: %w", path, err)
	}
	byKey := map[string]setting{}
	for _, s := range all {
		byKey[s.key] = s
	}
	var unknown []string
	for _, k := range md.Keys() {
		if len(k) != 2 {
			if len(k) == 1 {
				if _, isTable := raw[k[0]].(map[string]any); isTable {
					continue
				}
			}
			unknown = append(unknown, k.String())
			continue
		}
		s, ok := byKey[k.String()]
		if !ok {
			unknown = append(unknown, k.String())
			continue
		}
		v := raw[k[0]].(map[string]any)[k[1]]
		if err := s.set(tomlString(v)); err != nil {
			return fmt.Errorf("config file %s: %s (%s): %w", path, s.key, s.env, err)
		}
		c.sources[s.env] = "file"
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return fmt.Errorf("config file %s: unknown key(s) %s", path, strings.Join(unknown, ", "))
	}
	return nil
}

// tomlString turns a decoded TOML value into the string form the setters
// take.
func tomlString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []any:
		s := make([]string, len(x))
		for i, e := range x {
			s[i] = tomlString(e)
		}
		return strings.Join(s, ",")
	case time.Duration:
		return x.String()
	}
	return fmt.Sprint(v)
}

// Validate checks the configuration and names the variable of the first
// problems found.
func (c *Config) Validate() error {
	var errs []error
	bad := func(env, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", env, fmt.Sprintf(format, args...)))
	}
	if c.DB == "" {
		bad("LIAISONBOT_DB", "must not be empty")
	}
	if u := strings.ToLower(c.DatabaseURL); u != "" && !strings.HasPrefix(u, "postgres://") && !strings.HasPrefix(u, "postgresql://") {
		bad("LIAISONBOT_DATABASE_URL", "must be a PostgreSQL URL (postgres://user:password@host:5432/database); leave it unset for the SQLite file LIAISONBOT_DB")
	}
	switch strings.ToLower(c.DBSync) {
	case "full", "normal", "extra":
	default:
		bad("LIAISONBOT_DB_SYNCHRONOUS", "%q is not full, normal or extra", c.DBSync)
	}
	if c.Addr == "" {
		bad("LIAISONBOT_ADDR", "must not be empty")
	}
	switch c.LogFormat {
	case "text", "json":
	default:
		bad("LIAISONBOT_LOG_FORMAT", "%q is not text or json", c.LogFormat)
	}
	switch strings.ToLower(c.LogLevel) {
	case "debug", "info", "warn", "error":
	default:
		bad("LIAISONBOT_LOG_LEVEL", "%q is not debug, info, warn or error", c.LogLevel)
	}
	for _, a := range c.Admins {
		p, id, ok := strings.Cut(a, ":")
		if !ok || id == "" || (p != "slack" && p != "zulip" && p != "console") {
			bad("LIAISONBOT_ADMINS", "%q is not platform:user (slack:U123, zulip:42, console:local)", a)
		}
	}
	if c.Slack.BotToken != "" && !strings.HasPrefix(c.Slack.BotToken, "xoxb-") {
		bad("SLACK_BOT_TOKEN", "a bot token starts with xoxb-")
	}
	if c.Slack.AppToken != "" && !strings.HasPrefix(c.Slack.AppToken, "xapp-") {
		bad("SLACK_APP_TOKEN", "an app-level token starts with xapp-")
	}
	if c.Slack.BotToken != "" && c.Slack.AppToken == "" && c.Slack.SigningSecret == "" {
		bad("SLACK_SIGNING_SECRET", "required for Slack over HTTP (or set SLACK_APP_TOKEN for Socket Mode)")
	}
	if c.Slack.BotToken == "" && (c.Slack.AppToken != "" || c.Slack.SigningSecret != "") {
		bad("SLACK_BOT_TOKEN", "required when SLACK_APP_TOKEN or SLACK_SIGNING_SECRET is set")
	}
	if err := checkURL(c.Slack.APIURL); err != nil {
		bad("SLACK_API_URL", "%v", err)
	}
	z := c.Zulip
	if z.Site != "" || z.Email != "" || z.APIKey != "" {
		if z.Site == "" {
			bad("ZULIP_SITE", "required with ZULIP_EMAIL and ZULIP_API_KEY")
		} else if err := checkURL(z.Site); err != nil {
			bad("ZULIP_SITE", "%v", err)
		}
		if z.Email == "" {
			bad("ZULIP_EMAIL", "required with ZULIP_SITE and ZULIP_API_KEY")
		}
		if z.APIKey == "" {
			bad("ZULIP_API_KEY", "required with ZULIP_SITE and ZULIP_EMAIL")
		}
	}
	r := c.Reminders
	if r.Interval < time.Second {
		bad("LIAISONBOT_REMINDER_INTERVAL", "%s is too short (at least 1s)", r.Interval)
	}
	for _, d := range r.DaysBefore {
		if d < 0 || d > 365 {
			bad("LIAISONBOT_REMINDER_DAYS_BEFORE", "%d is not between 0 and 365", d)
		}
	}
	if r.OverdueDays < 0 || r.OverdueDays > 365 {
		bad("LIAISONBOT_REMINDER_OVERDUE_DAYS", "%d is not between 0 and 365", r.OverdueDays)
	}
	if r.EscalateAfterDays < 0 {
		bad("LIAISONBOT_REMINDER_ESCALATE_AFTER_DAYS", "%d is negative", r.EscalateAfterDays)
	}
	if r.ApprovalAfterDays < 0 {
		bad("LIAISONBOT_REMINDER_APPROVAL_AFTER_DAYS", "%d is negative", r.ApprovalAfterDays)
	}
	if r.ApprovalEveryDays < 1 {
		bad("LIAISONBOT_REMINDER_APPROVAL_EVERY_DAYS", "%d must be at least 1", r.ApprovalEveryDays)
	}
	if _, err := time.Parse("15:04", r.SendAt); err != nil {
		bad("LIAISONBOT_REMINDER_SEND_AT", "%q is not a time of day like 09:00", r.SendAt)
	}
	if _, err := time.LoadLocation(r.Timezone); err != nil {
		bad("LIAISONBOT_REMINDER_TIMEZONE", "%q is not a time zone (use an IANA name like Europe/Paris)", r.Timezone)
	}
	if _, ok := ParseWeekday(c.Digest.Day); !ok {
		bad("LIAISONBOT_DIGEST_DAY", "%q is not a day of the week like monday", c.Digest.Day)
	}
	if c.Digest.SendAt != "" {
		if _, err := time.Parse("15:04", c.Digest.SendAt); err != nil {
			bad("LIAISONBOT_DIGEST_SEND_AT", "%q is not a time of day like 09:00", c.Digest.SendAt)
		}
	}
	if c.Digest.Timezone != "" {
		if _, err := time.LoadLocation(c.Digest.Timezone); err != nil {
			bad("LIAISONBOT_DIGEST_TIMEZONE", "%q is not a time zone (use an IANA name like Europe/Paris)", c.Digest.Timezone)
		}
	}
	if c.PublicURL != "" {
		if err := checkBaseURL(c.PublicURL); err != nil {
			bad("LIAISONBOT_PUBLIC_URL", "%v", err)
		}
	}
	if err := checkURL(c.Datatracker.URL); err != nil {
		bad("LIAISONBOT_DATATRACKER_URL", "%v", err)
	}
	if c.Datatracker.DirectoryInterval != 0 && c.Datatracker.DirectoryInterval < time.Minute {
		bad("LIAISONBOT_DIRECTORY_SYNC_INTERVAL", "%s is too short (0 turns it off; else at least 1m)", c.Datatracker.DirectoryInterval)
	}
	if c.Datatracker.StatementsInterval != 0 && c.Datatracker.StatementsInterval < time.Minute {
		bad("LIAISONBOT_STATEMENTS_SYNC_INTERVAL", "%s is too short (0 turns it off; else at least 1m)", c.Datatracker.StatementsInterval)
	}
	if c.Outbox.GiveUp < time.Minute {
		bad("LIAISONBOT_OUTBOX_GIVE_UP", "%s is too short", c.Outbox.GiveUp)
	}
	if c.Outbox.Lease < time.Second {
		bad("LIAISONBOT_OUTBOX_LEASE", "%s is too short (at least 1s; a delivery may take a third of it)", c.Outbox.Lease)
	}
	if c.Mail.Enabled() {
		if _, err := c.Mail.Server(); err != nil {
			bad("LIAISONBOT_SMTP_URL", "%v", err)
		}
		if c.Mail.From == "" {
			bad("LIAISONBOT_MAIL_FROM", "required with LIAISONBOT_SMTP_URL: the address the bot sends from, like \"Liaison Statements <liaisons@example.org>\"")
		}
	}
	if c.Mail.From != "" {
		if a, err := mail.ParseAddressList(c.Mail.From); err != nil || len(a) != 1 {
			bad("LIAISONBOT_MAIL_FROM", "%q is not one address (like \"Liaison Statements <liaisons@example.org>\")", c.Mail.From)
		}
	}
	if c.Mail.Bcc != "" {
		if _, err := mail.ParseAddressList(c.Mail.Bcc); err != nil {
			bad("LIAISONBOT_MAIL_BCC", "%q is not a list of addresses: %v", c.Mail.Bcc, err)
		}
	}
	return errors.Join(errs...)
}

func checkURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not an http(s) URL", s)
	}
	return nil
}

// checkBaseURL checks a base URL that paths are appended to: http(s), a
// host, no query or fragment.
func checkBaseURL(s string) error {
	if err := checkURL(s); err != nil {
		return fmt.Errorf("%w (the board's address as people reach it, like https://liaisons.example.org)", err)
	}
	u, _ := url.Parse(s)
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return fmt.Errorf("%q has a query, a fragment or a user: give just the address, like https://liaisons.example.org", s)
	}
	return nil
}
