package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/ietf-tools/liaisonbot/bot/console"
)

const consoleUsage = `Usage: liaisonbot console [--as email]

Reads one command per line (with or without a leading /liaison) and prints the replies;
exits at the end of input. Example: printf 'contact 3gpp\n' | liaisonbot console

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
		}
	}
	return c.Run(ctx)
}
