package main

import (
	"context"
	"flag"
	"fmt"
)

const configUsage = `Usage: liaisonbot config check

Prints the effective configuration (defaults, then the file, then the environment),
secrets masked, each value with where it came from, and checks it.`

func runConfig(ctx context.Context, g *globals, args []string) error {
	fs := flag.NewFlagSet("config", flag.ContinueOnError)
	fs.SetOutput(g.env.Stderr)
	fs.Usage = func() { fmt.Fprintln(g.env.Stderr, configUsage) }
	if err := fs.Parse(args); err != nil {
		return usageErr("config: %v", err)
	}
	if fs.NArg() != 1 || fs.Arg(0) != "check" {
		fs.Usage()
		return usageErr("config: expected “config check”")
	}
	if err := loadZuliprc(g.cfg); err != nil {
		return err
	}
	fmt.Fprint(g.env.Stdout, g.cfg.String())
	if err := g.cfg.Validate(); err != nil {
		return fmt.Errorf("configuration is invalid:\n%w", err)
	}
	fmt.Fprintln(g.env.Stdout, "configuration OK")
	return nil
}
