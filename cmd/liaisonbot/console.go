package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/ietf-tools/liaisonbot/bot/console"
)

const consoleUsage = `Usage: liaisonbot console [--as email]

Reads one command per line (with or without a leading /liaison) and prints the replies;
exits at the end of input. Example: printf 'contact 3gpp\n' | liaisonbot console
Reading a pipe, it exits 1 when a line failed or the input ended with the statement form
still open. On a terminal, lines can be edited and Up recalls earlier ones (kept in
$LIAISONBOT_HISTORY, by default ~/.liaisonbot_history).

  --as email   act as the directory person with this email (default: the local admin)`

func runConsole(ctx context.Context, g *globals, args []string) error {
	fs := flag.NewFlagSet("console", flag.ContinueOnError)
	fs.SetOutput(g.env.Stderr)
	as := fs.String("as", "", "act as the directory person with this `email` (default: the local admin)")
	fs.Usage = func() { fmt.Fprintln(g.env.Stderr, consoleUsage) }
	if err := fs.Parse(args); err != nil {
		return usageErr("console: %v", err)
	}
	if fs.NArg() > 0 {
		return usageErr("console: unexpected argument %q (commands come on standard input)", fs.Arg(0))
	}
	if err := loadZuliprc(g.cfg); err != nil {
		return err
	}
	if err := g.cfg.Validate(); err != nil {
		return fmt.Errorf("configuration is invalid:\n%w", err)
	}
	db, err := openStore(ctx, g)
	if err != nil {
		return err
	}
	defer db.Close()
	// A change made here is announced as one made in chat: the outbox rows
	// it writes wait for a running serve's dispatcher.
	router := newRouter(g, db, audience(g.cfg, db))
	c := &console.Console{
		Handler: router,
		In:      g.env.Stdin,
		Out:     g.env.Stdout,
		Actor:   console.LocalActor(),
	}
	if *as != "" {
		c.Actor = console.ActorFor(*as)
	}
	if g.env.Interactive != nil {
		c.Interactive = *g.env.Interactive
	} else if f, ok := g.env.Stdin.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			c.Interactive = true
			// A person at a terminal: line editing and history.
			t, err := console.NewTerminal(console.TerminalConfig{In: f, Out: g.env.Stdout, HistoryFile: historyFile()})
			if err != nil {
				return fmt.Errorf("console: %w", err)
			}
			defer t.Close()
			c.Lines = t
		}
	}
	return c.Run(ctx)
}

// historyFile is where the interactive console keeps the lines typed:
// $LIAISONBOT_HISTORY, else ~/.liaisonbot_history ("" when there is no
// home directory: history for the session only).
func historyFile() string {
	if f, ok := os.LookupEnv("LIAISONBOT_HISTORY"); ok {
		return f
	}
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		return ""
	}
	return filepath.Join(home, ".liaisonbot_history")
}
