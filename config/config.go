// Package config loads liaisonbot's configuration: built-in defaults, then
// an optional TOML file, then the environment (LIAISONBOT_*, SLACK_*,
// ZULIP_*), with NAME_FILE variants for secrets. It validates the result
// with messages that name the variable. There are no globals: Load returns
// a Config.
package config

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Config is the effective configuration.
type Config struct {
	DB string // SQLite file
	// DatabaseURL, when set, is the PostgreSQL database
	// ("postgres://user:pass@host/db") that replaces the SQLite file:
	// several serve processes may share it.
	DatabaseURL string
	// DBSync is SQLite's synchronous mode: full (default: an answered
	// change survives a power cut), normal (faster; a power cut may drop the
	// last changes) or extra.
	DBSync    string
	Addr      string   // HTTP listen address
	Admins    []string // actor keys: "slack:U123", "zulip:42", "console:local"
	LogFormat string   // text | json
	LogLevel  string   // debug | info | warn | error

	ShutdownTimeout time.Duration // how long in-flight requests may take at shutdown
	// PublicURL is the web board's base URL as people reach it
	// ("https://liaisons.example.org"), used in every link to it: the
	// board's own pages, the feeds, "show" and the notices. "" links
	// relative to the request on the board and nowhere else.
	PublicURL string

	Board Board

	Slack       Slack
	Zulip       Zulip
	Reminders   Reminders
	Digest      Digest
	Datatracker Datatracker
	Outbox      Outbox
	Mail        Mail

	sources map[string]string // env name -> "default" | "file" | "env" | "env file" | "zuliprc"
}

// Slack is the Slack app's settings.
type Slack struct {
	BotToken      string
	SigningSecret string
	AppToken      string // Socket Mode when set
	APIURL        string
	Channel       string // the liaison channel (id or name)
}

// Enabled reports whether Slack is configured.
func (s Slack) Enabled() bool { return s.BotToken != "" }

// SocketMode reports whether Slack runs over Socket Mode.
func (s Slack) SocketMode() bool { return s.AppToken != "" }

// Zulip is the Zulip bot's settings.
type Zulip struct {
	Site         string
	Email        string
	APIKey       string
	RC           string // path of a .zuliprc
	WebhookToken string // outgoing-webhook mode
	Stream       string // the liaison channel
}

// Enabled reports whether Zulip is configured in either mode.
func (z Zulip) Enabled() bool { return z.Queue() || z.WebhookToken != "" }

// Queue reports whether the event-queue mode can run (credentials known).
func (z Zulip) Queue() bool { return z.Site != "" && z.Email != "" && z.APIKey != "" }

// Board is the web board's settings.
type Board struct {
	// ShowPending shows pending and approved statements (not yet sent) on
	// the board and in the feeds; by default only what the Datatracker
	// publishes (posted statements) is shown.
	ShowPending bool
}

// Reminders is the reminder schedule.
type Reminders struct {
	Interval          time.Duration
	DaysBefore        []int
	OverdueDays       int
	EscalateAfterDays int
	ApprovalAfterDays int
	ApprovalEveryDays int
	SendAt            string // "09:00"
	Timezone          string // IANA name
	SkipWeekends      bool
}

// Location is the reminders' time zone (UTC if it cannot be loaded, which
// Validate reports).
func (r Reminders) Location() *time.Location {
	loc, err := time.LoadLocation(r.Timezone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// SendAtClock returns the hour and minute of SendAt.
func (r Reminders) SendAtClock() (hour, minute int) {
	t, err := time.Parse("15:04", r.SendAt)
	if err != nil {
		return 9, 0
	}
	return t.Hour(), t.Minute()
}

// Digest is the weekly digest's schedule.
type Digest struct {
	Enabled  bool   // on by default
	Day      string // "monday" (or "mon")
	SendAt   string // "" : the reminders' send_at
	Timezone string // "" : the reminders' timezone
}

// Weekday is the digest's day (Monday if it cannot be read, which Validate
// reports).
func (d Digest) Weekday() time.Weekday {
	w, ok := ParseWeekday(d.Day)
	if !ok {
		return time.Monday
	}
	return w
}

// ParseWeekday reads a day of the week: "monday", "Mon".
func ParseWeekday(s string) (time.Weekday, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if len(s) < 3 {
		return 0, false
	}
	for w := time.Sunday; w <= time.Saturday; w++ {
		if name := strings.ToLower(w.String()); strings.HasPrefix(name, s) {
			return w, true
		}
	}
	return 0, false
}

// DigestSchedule is when the digest goes out: its day, at its send_at
// (else the reminders') in its time zone (else the reminders').
func (c *Config) DigestSchedule() (day time.Weekday, hour, minute int, loc *time.Location) {
	r := c.Reminders
	if c.Digest.SendAt != "" {
		r.SendAt = c.Digest.SendAt
	}
	if c.Digest.Timezone != "" {
		r.Timezone = c.Digest.Timezone
	}
	hour, minute = r.SendAtClock()
	return c.Digest.Weekday(), hour, minute, r.Location()
}

// Datatracker is where the syncs read from, and how often they run.
type Datatracker struct {
	URL                string
	DirectoryInterval  time.Duration // 0: no scheduled directory sync
	StatementsInterval time.Duration // 0: no scheduled statement sync
}

// Outbox tunes notification delivery.
type Outbox struct {
	SlackPace time.Duration // per-channel gap between Slack messages
	GiveUp    time.Duration // a notice still failing after this is parked
	// Lease is how long a dispatcher's claim on a notice lasts; another
	// process takes over a dead one's claims when it runs out.
	Lease time.Duration
}

// Mail is how the bot sends email (the [mail] table).
type Mail struct {
	// SMTPURL is the submission server: smtp+starttls://user:pass@host:587
	// (STARTTLS required), smtps://user:pass@host:465 (TLS from the
	// start), or smtp://host:25 (no TLS, for a relay on the same host or
	// network; no password over it). "" sends no email.
	SMTPURL string
	From    string // the sender: "Name <addr>" or an address
	Bcc     string // addresses copied, unseen, on every posted statement
}

// Enabled reports whether an SMTP server is configured.
func (m Mail) Enabled() bool { return m.SMTPURL != "" }

// SMTP is the parsed LIAISONBOT_SMTP_URL.
type SMTP struct {
	// Security is "starttls", "tls" (implicit, smtps) or "none".
	Security string
	Host     string
	Port     int
	Username string
	Password string
}

// Addr is host:port.
func (s SMTP) Addr() string { return net.JoinHostPort(s.Host, strconv.Itoa(s.Port)) }

// String is the URL with the password masked.
func (s SMTP) String() string {
	scheme := map[string]string{"starttls": "smtp+starttls", "tls": "smtps", "none": "smtp"}[s.Security]
	u := url.URL{Scheme: scheme, Host: s.Addr()}
	if s.Username != "" {
		u.User = url.User(s.Username)
	}
	return u.String()
}

// Server parses the SMTP URL. A password over smtp:// (no TLS) is refused:
// it would cross the network in the clear.
func (m Mail) Server() (SMTP, error) {
	u, err := url.Parse(m.SMTPURL)
	if err != nil || u.Host == "" || u.Hostname() == "" {
		return SMTP{}, fmt.Errorf("%q is not a URL like smtp+starttls://user:pass@host:587, smtps://user:pass@host:465 or smtp://host:25", redactURL(m.SMTPURL))
	}
	var s SMTP
	switch strings.ToLower(u.Scheme) {
	case "smtp+starttls", "submission":
		s.Security, s.Port = "starttls", 587
	case "smtps":
		s.Security, s.Port = "tls", 465
	case "smtp":
		s.Security, s.Port = "none", 25
	default:
		return SMTP{}, fmt.Errorf("scheme %q is not smtp+starttls, smtps or smtp", u.Scheme)
	}
	s.Host = u.Hostname()
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n <= 0 || n > 65535 {
			return SMTP{}, fmt.Errorf("port %q is not a port number", p)
		}
		s.Port = n
	}
	if u.User != nil {
		s.Username = u.User.Username()
		s.Password, _ = u.User.Password()
	}
	if s.Security == "none" && s.Password != "" {
		return SMTP{}, fmt.Errorf("smtp:// has no TLS, and a password is never sent without it: use smtp+starttls:// or smtps://")
	}
	if u.Path != "" && u.Path != "/" || u.RawQuery != "" {
		return SMTP{}, fmt.Errorf("give just the server, with no path or query (%s)", redactURL(m.SMTPURL))
	}
	return s, nil
}

// redactURL hides a URL's password.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		if i := strings.LastIndex(s, "@"); i >= 0 {
			return "…" + s[i:]
		}
		return s
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// Default returns the built-in defaults.
func Default() *Config {
	return &Config{
		DB:              "liaisonbot.db",
		DBSync:          "full",
		Addr:            ":8080",
		LogFormat:       "text",
		LogLevel:        "info",
		ShutdownTimeout: 15 * time.Second,
		Slack:           Slack{APIURL: "https://slack.com/api/"},
		Reminders: Reminders{
			Interval:          5 * time.Minute,
			DaysBefore:        []int{14, 7, 4, 3, 2, 1, 0},
			OverdueDays:       14,
			EscalateAfterDays: 3,
			ApprovalAfterDays: 3,
			ApprovalEveryDays: 3,
			SendAt:            "09:00",
			Timezone:          "UTC",
		},
		Digest:      Digest{Enabled: true, Day: "monday"},
		Datatracker: Datatracker{URL: "https://datatracker.ietf.org"},
		Outbox:      Outbox{SlackPace: time.Second, GiveUp: 48 * time.Hour, Lease: time.Minute},
	}
}

// FillZulipFromRC sets the Zulip credentials read from the zuliprc
// (ZULIP_CONFIG) where neither the file nor the environment gave them, and
// records the zuliprc as their source.
func (c *Config) FillZulipFromRC(site, email, apiKey string) {
	fill := func(env string, p *string, v string) {
		if *p == "" && v != "" {
			*p = v
			if c.sources == nil {
				c.sources = map[string]string{}
			}
			c.sources[env] = "zuliprc"
		}
	}
	fill("ZULIP_SITE", &c.Zulip.Site, site)
	fill("ZULIP_EMAIL", &c.Zulip.Email, email)
	fill("ZULIP_API_KEY", &c.Zulip.APIKey, apiKey)
}

// Platforms reports whether any chat platform is configured (Slack, or
// Zulip in either mode): without one, serve answers only its health and
// metrics endpoints and only the console is of use.
// Database is what the store opens: the PostgreSQL URL when one is set,
// else the SQLite file.
func (c *Config) Database() string {
	if c.DatabaseURL != "" {
		return c.DatabaseURL
	}
	return c.DB
}

// DatabaseEnv names the variable that chose the database, for messages.
func (c *Config) DatabaseEnv() string {
	if c.DatabaseURL != "" {
		return "LIAISONBOT_DATABASE_URL"
	}
	return "LIAISONBOT_DB"
}

func (c *Config) Platforms() bool { return c.Slack.Enabled() || c.Zulip.Enabled() }

// IsAdmin reports whether the actor key is a configured admin.
func (c *Config) IsAdmin(key string) bool {
	for _, a := range c.Admins {
		if a == key {
			return true
		}
	}
	return false
}

// AdminSet returns the admins as a set.
func (c *Config) AdminSet() map[string]bool {
	m := make(map[string]bool, len(c.Admins))
	for _, a := range c.Admins {
		m[a] = true
	}
	return m
}

// Source says where the setting with the environment name came from:
// "default", "file", "env", "env file" or "zuliprc".
func (c *Config) Source(env string) string {
	if s, ok := c.sources[env]; ok {
		return s
	}
	return "default"
}

// String prints the effective configuration, one setting a line, secrets
// masked.
func (c *Config) String() string {
	var b strings.Builder
	for _, s := range settings(c) {
		v := s.get()
		if s.secret && v != "" {
			v = mask(v)
		}
		if v == "" {
			v = "(not set)"
		}
		fmt.Fprintf(&b, "%-34s %-28s %s  [%s]\n", s.env, s.key, v, c.Source(s.env))
	}
	return b.String()
}

// mask shows that a secret is set without showing it.
func mask(v string) string {
	return fmt.Sprintf("******** (set, %d characters)", len(v))
}
