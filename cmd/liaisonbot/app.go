package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/mail"
	"os"
	"path/filepath"

	"github.com/ietf-tools/liaisonbot/bot"
	"github.com/ietf-tools/liaisonbot/bot/dtsync"
	"github.com/ietf-tools/liaisonbot/bot/email"
	"github.com/ietf-tools/liaisonbot/bot/outbox"
	"github.com/ietf-tools/liaisonbot/bot/reminders"
	"github.com/ietf-tools/liaisonbot/bot/slack"
	"github.com/ietf-tools/liaisonbot/bot/web"
	"github.com/ietf-tools/liaisonbot/bot/zulip"
	"github.com/ietf-tools/liaisonbot/commands"
	"github.com/ietf-tools/liaisonbot/config"
	"github.com/ietf-tools/liaisonbot/storage"
)

// The database is every store the parts need, checked at compile time: a
// second store (issue 17's PostgreSQL) must offer all of it.
var (
	_ commands.Store  = (*storage.DB)(nil)
	_ reminders.Store = (*storage.DB)(nil)
	_ outbox.Store    = (*storage.DB)(nil)
	_ dtsync.Store    = (*storage.DB)(nil)
	_ slack.Store     = (*storage.DB)(nil)
	_ zulip.Store     = (*storage.DB)(nil)
	_ web.Store       = (*storage.DB)(nil)
)

// loadZuliprc fills the Zulip credentials from ZULIP_CONFIG where the
// environment did not give them.
func loadZuliprc(cfg *config.Config) error {
	if cfg.Zulip.RC == "" {
		return nil
	}
	site, email, key, err := zulip.LoadZuliprc(cfg.Zulip.RC)
	if err != nil {
		return fmt.Errorf("ZULIP_CONFIG: %w", err)
	}
	cfg.FillZulipFromRC(site, email, key)
	return nil
}

// openStore opens and migrates the database and seeds the bundled
// directory on first start.
func openStore(ctx context.Context, g *globals) (*storage.DB, error) {
	db, err := storage.Open(ctx, g.cfg.Database(), storage.WithSynchronous(g.cfg.DBSync))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", g.cfg.DatabaseEnv(), err)
	}
	db.Logger = g.logger
	diff, err := db.Seed(ctx)
	if err != nil {
		db.Close()
		return nil, err
	}
	if !diff.Empty() {
		g.logger.Info("seeded the bundled directory", "db", db.Path, "organizations", len(diff.Added))
	}
	return db, nil
}

// openExistingStore opens the database of a command that reads one the bot
// already has (backup, outbox, directory export): a missing file is a wrong
// path, so it says so in one line instead of creating an empty database.
func openExistingStore(ctx context.Context, g *globals) (*storage.DB, error) {
	if g.cfg.DatabaseURL != "" {
		return openStore(ctx, g)
	}
	if _, err := os.Stat(g.cfg.DB); errors.Is(err, fs.ErrNotExist) {
		where := g.cfg.DB
		if abs, err := filepath.Abs(where); err == nil && abs != where {
			where += " (" + abs + ")"
		}
		return nil, fmt.Errorf("no database at %s: set LIAISONBOT_DB to the bot's database file", where)
	}
	return openStore(ctx, g)
}

// newRouter builds the command router on the store; changes made through
// it are announced to aud.
func newRouter(g *globals, db *storage.DB, aud bot.Audience) *commands.Router {
	r := commands.New(db, g.logger)
	r.Version = Version()
	r.Admins = g.cfg.AdminSet()
	r.Location = g.cfg.Reminders.Location()
	r.Audience = aud
	r.PublicURL = g.cfg.PublicURL
	return r
}

// audience is who hears about what, as every process writing to the
// database must see it: the platforms that deliver notices (Slack; Zulip
// when its API is set up, for the webhook alone cannot send) and their
// liaison channels; and the platforms with a home view per person
// (Slack's App Home), refreshed after the changes that concern them, for
// which it reads db's directory. serve's dispatcher delivers the notices,
// from whichever process wrote them (serve, console, statements sync).
func audience(cfg *config.Config, db *storage.DB) bot.Audience {
	a := bot.Audience{Liaison: map[string]string{}}
	if db != nil {
		a.Directory = db.Directory
	}
	if cfg.Slack.Enabled() {
		a.Platforms = append(a.Platforms, bot.PlatformSlack)
		a.Homes = append(a.Homes, bot.PlatformSlack)
		if cfg.Slack.Channel != "" {
			a.Liaison[bot.PlatformSlack] = cfg.Slack.Channel
		}
	}
	if cfg.Zulip.Queue() {
		a.Platforms = append(a.Platforms, bot.PlatformZulip)
		if cfg.Zulip.Stream != "" {
			a.Liaison[bot.PlatformZulip] = cfg.Zulip.Stream
		}
	}
	a.Mail = mailPolicy(cfg)
	return a
}

// mailPolicy is how statements are mailed: with an SMTP server (serve's
// dispatcher sends what any process wrote), or only composed, for
// "preview" and for sending by hand.
func mailPolicy(cfg *config.Config) bot.MailPolicy {
	p := bot.MailPolicy{Send: cfg.Mail.Enabled(), PublicURL: cfg.PublicURL, Location: cfg.Reminders.Location()}
	if a, err := mail.ParseAddress(cfg.Mail.From); err == nil {
		p.From = bot.Mailbox{Name: a.Name, Email: a.Address}
	}
	if list, err := mail.ParseAddressList(cfg.Mail.Bcc); err == nil {
		for _, a := range list {
			p.Bcc = append(p.Bcc, bot.Mailbox{Name: a.Name, Email: a.Address})
		}
	}
	return p
}

// mailSender is the SMTP sender of the configuration (nil without one).
func mailSender(cfg *config.Config) (*email.Sender, error) {
	if !cfg.Mail.Enabled() {
		return nil, nil
	}
	srv, err := cfg.Mail.Server()
	if err != nil {
		return nil, fmt.Errorf("LIAISONBOT_SMTP_URL: %w", err)
	}
	return &email.Sender{Host: srv.Host, Port: srv.Port, Security: srv.Security, Username: srv.Username, Password: srv.Password}, nil
}
