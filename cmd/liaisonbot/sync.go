package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
	"github.com/ietf-tools/liaisonbot/bot/datatracker"
	"github.com/ietf-tools/liaisonbot/bot/dtsync"
	"github.com/ietf-tools/liaisonbot/storage"
)

const directorySyncUsage = `Usage:
  liaisonbot directory sync [--dry-run]
      Bring the directory to the Datatracker's state (LIAISONBOT_DATATRACKER_URL):
      SDO groups, their liaison managers, the IAB liaison coordinators. Prints
      the changes before applying them in one transaction; entries the
      Datatracker does not know are kept, marked "not in the Datatracker".
      --dry-run prints the changes and applies nothing.`

const statementsUsage = `Usage:
  liaisonbot statements sync [--full]
      Import the Datatracker's liaison statements (LIAISONBOT_DATATRACKER_URL)
      changed since the last sync (all of them the first time, quietly).
      Changes are announced in the subscribed channels by "serve".
      --full looks at every statement again (catches tags changed without an
      event on the Datatracker).`

// newDatatrackerClient makes the Datatracker client the syncs use; tests
// replace it to skip the waits.
var newDatatrackerClient = func(g *globals) (*datatracker.Client, error) {
	c, err := datatracker.New(g.cfg.Datatracker.URL, datatracker.WithLogger(g.logger), datatracker.WithVersion(Version()))
	if err != nil {
		return nil, fmt.Errorf("LIAISONBOT_DATATRACKER_URL: %w", err)
	}
	return c, nil
}

// newSyncer is the syncer on the store, reading the configured Datatracker;
// the changes its statement sync brings are announced to aud.
func newSyncer(g *globals, db *storage.DB, aud bot.Audience) (*dtsync.Syncer, error) {
	c, err := newDatatrackerClient(g)
	if err != nil {
		return nil, err
	}
	return &dtsync.Syncer{Client: c, Store: db, Now: time.Now, Logger: g.logger, Audience: aud}, nil
}

// directorySync is "directory sync [--dry-run]".
func directorySync(ctx context.Context, g *globals, args []string) error {
	fs := flag.NewFlagSet("directory sync", flag.ContinueOnError)
	fs.SetOutput(g.env.Stderr)
	fs.Usage = func() { fmt.Fprintln(g.env.Stderr, directorySyncUsage) }
	dry := fs.Bool("dry-run", false, "print what would change, change nothing")
	if err := fs.Parse(args); err != nil {
		return usageErr("directory sync: %v", err)
	}
	if fs.NArg() != 0 {
		fs.Usage()
		return usageErr("directory sync: unexpected %q", fs.Arg(0))
	}
	db, err := openStore(ctx, g)
	if err != nil {
		return err
	}
	defer db.Close()
	s, err := newSyncer(g, db, bot.Audience{}) // the directory sync announces nothing
	if err != nil {
		return err
	}
	out := g.env.Stdout
	fmt.Fprintf(out, "Reading the directory from %s …\n", s.Client.BaseURL())
	p := newProgress(g.env)
	s.Client.OnPage(func(r datatracker.PageRead) { p.show("%s", pageLine(r.Path, r.Page, r.Read, r.Total)) })
	s.OnDiff = func(d *bot.DirectoryDiff) { p.done(); fmt.Fprint(out, d.String()) }
	diff, err := s.SyncDirectory(ctx, *dry)
	p.done()
	if err != nil {
		return err
	}
	summary := fmt.Sprintf("%d added, %d changed, %d removed", len(diff.Added), len(diff.Changed), len(diff.Removed))
	if *dry {
		fmt.Fprintf(out, "%s (dry run: nothing was changed)\n", summary)
		return nil
	}
	fmt.Fprintf(out, "%s; applied\n", summary)
	return nil
}

// runStatements is "statements sync [--full]".
func runStatements(ctx context.Context, g *globals, args []string) error {
	if len(args) == 0 || args[0] != "sync" {
		fmt.Fprintln(g.env.Stderr, statementsUsage)
		if len(args) == 0 {
			return usageErr("statements: expected sync")
		}
		return usageErr("statements: unknown subcommand %q", args[0])
	}
	fs := flag.NewFlagSet("statements sync", flag.ContinueOnError)
	fs.SetOutput(g.env.Stderr)
	fs.Usage = func() { fmt.Fprintln(g.env.Stderr, statementsUsage) }
	full := fs.Bool("full", false, "look at every statement, not only those changed since the last sync")
	if err := fs.Parse(args[1:]); err != nil {
		return usageErr("statements sync: %v", err)
	}
	if fs.NArg() != 0 {
		fs.Usage()
		return usageErr("statements sync: unexpected %q", fs.Arg(0))
	}
	db, err := openStore(ctx, g)
	if err != nil {
		return err
	}
	defer db.Close()
	// Changes are announced as "serve" would: its dispatcher delivers the
	// outbox rows this writes.
	if err := loadZuliprc(g.cfg); err != nil {
		return err
	}
	s, err := newSyncer(g, db, audience(g.cfg, db))
	if err != nil {
		return err
	}
	fmt.Fprintf(g.env.Stdout, "Reading liaison statements from %s …\n", s.Client.BaseURL())
	p := newProgress(g.env)
	s.Client.OnPage(func(r datatracker.PageRead) { p.show("%s", pageLine(r.Path, r.Page, r.Read, r.Total)) })
	s.OnImport = func(done, total int) { p.show("Importing statements: %d of %d", done, total) }
	var res dtsync.Result
	if *full {
		res, err = s.SyncAllStatements(ctx)
	} else {
		res, err = s.SyncStatements(ctx)
	}
	p.done()
	if err != nil {
		return err
	}
	fmt.Fprintln(g.env.Stdout, res.String())
	return nil
}
