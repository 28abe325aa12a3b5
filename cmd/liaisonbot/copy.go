package main

import (
	"context"
	"flag"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/ietf-tools/liaisonbot/storage"
)

const copyUsage = `Usage: liaisonbot copy --from <sqlite file> --to <postgres url>

Moves a deployment from its SQLite file to PostgreSQL: every row of every
table, in one transaction on the target, with the row counts of each table
compared before it commits. It refuses a target that already holds
statements. Stop the bot first (or copy a backup made with "liaisonbot
backup"); then set LIAISONBOT_DATABASE_URL to the target and start it.`

func runCopy(ctx context.Context, g *globals, args []string) error {
	fs := flag.NewFlagSet("copy", flag.ContinueOnError)
	fs.SetOutput(g.env.Stderr)
	fs.Usage = func() { fmt.Fprintln(g.env.Stderr, copyUsage) }
	from := fs.String("from", "", "the SQLite file")
	to := fs.String("to", "", "the PostgreSQL URL")
	if err := fs.Parse(args); err != nil {
		return usageErr("copy: %v", err)
	}
	if fs.NArg() > 0 || *from == "" || *to == "" {
		fs.Usage()
		return usageErr("copy: expected --from <sqlite file> --to <postgres url>")
	}
	start := time.Now()
	counts, err := storage.Copy(ctx, *from, *to)
	if err != nil {
		return fmt.Errorf("copy: %w", err)
	}
	w := tabwriter.NewWriter(g.env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "TABLE\tSOURCE\tCOPIED")
	for _, c := range counts {
		fmt.Fprintf(w, "%s\t%d\t%d\n", c.Table, c.Source, c.Target)
	}
	w.Flush()
	fmt.Fprintf(g.env.Stdout, "copied %s to %s in %s; every count matches\n", *from, storage.RedactURL(*to), time.Since(start).Round(time.Millisecond))
	return nil
}
