package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/ietf-tools/liaisonbot/bot"
	"github.com/ietf-tools/liaisonbot/bot/zulip"
	"github.com/ietf-tools/liaisonbot/commands"
	"github.com/ietf-tools/liaisonbot/config"
	"github.com/ietf-tools/liaisonbot/storage"
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
	db, err := storage.Open(ctx, g.cfg.DB, storage.WithSynchronous(g.cfg.DBSync))
	if err != nil {
		return nil, fmt.Errorf("LIAISONBOT_DB: %w", err)
	}
	db.Logger = g.logger
	diff, err := db.Seed(ctx)
	if err != nil {
		db.Close()
		return nil, err
	}
	if !diff.Empty() {
		g.logger.Info("seeded the bundled directory", "db", g.cfg.DB, "organizations", len(diff.Added))
	}
	return db, nil
}

// openExistingStore opens the database of a command that reads one the bot
// already has (backup, outbox, directory export): a missing file is a wrong
// path, so it says so in one line instead of creating an empty database.
func openExistingStore(ctx context.Context, g *globals) (*storage.DB, error) {
	if _, err := os.Stat(g.cfg.DB); errors.Is(err, fs.ErrNotExist) {
		where := g.cfg.DB
		if abs, err := filepath.Abs(where); err == nil && abs != where {
			where += " (" + abs + ")"
		}
		return nil, fmt.Errorf("no database at %s: set LIAISONBOT_DB to the bot's database file", where)
	}
	return openStore(ctx, g)
}

// newRouter builds the command router on the store.
func newRouter(g *globals, db *storage.DB) *commands.Router {
	r := commands.New(db, g.logger)
	r.Version = Version()
	r.Admins = g.cfg.AdminSet()
	r.Location = g.cfg.Reminders.Location()
	r.PublicURL = g.cfg.PublicURL
	return r
}

// noticeConfig is where changes are announced: the configured platforms
// and their liaison channels, as serve sets them up.
func noticeConfig(cfg *config.Config) storage.NoticeConfig {
	var nc storage.NoticeConfig
	if cfg.Slack.Enabled() {
		nc.Platforms = append(nc.Platforms, bot.PlatformSlack)
		if cfg.Slack.Channel != "" {
			nc.LiaisonChannels = append(nc.LiaisonChannels, bot.Target{Platform: bot.PlatformSlack, Channel: cfg.Slack.Channel})
		}
	}
	if cfg.Zulip.Queue() {
		nc.Platforms = append(nc.Platforms, bot.PlatformZulip)
		if cfg.Zulip.Stream != "" {
			nc.LiaisonChannels = append(nc.LiaisonChannels, bot.Target{Platform: bot.PlatformZulip, Channel: cfg.Zulip.Stream})
		}
	}
	return nc
}

// wireNotices makes a change made through the router queue the notices a
// change made in chat queues: the store writes outbox rows for the
// configured platforms and liaison channels (which serve's dispatcher
// delivers, from whichever process wrote them), and nudges and reminders
// know where people's messages go.
func wireNotices(cfg *config.Config, r *commands.Router, db *storage.DB) {
	nc := noticeConfig(cfg)
	liaison := map[string]string{}
	for _, t := range nc.LiaisonChannels {
		liaison[t.Platform] = t.Channel
	}
	r.Platforms, r.Liaison = nc.Platforms, liaison
	db.SetNoticeConfig(nc)
}
