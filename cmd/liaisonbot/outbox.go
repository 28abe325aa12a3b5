package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
	"github.com/ietf-tools/liaisonbot/storage"
)

const outboxUsage = `Usage:
  liaisonbot outbox              list pending and failed notices, with their last error
  liaisonbot outbox retry [id…]  put failed notices (all, or those ids) back in the queue`

func runOutbox(ctx context.Context, g *globals, args []string) error {
	if len(args) > 0 && args[0] != "retry" {
		fmt.Fprintln(g.env.Stderr, outboxUsage)
		return usageErr("outbox: unknown subcommand %q", args[0])
	}
	db, err := openExistingStore(ctx, g)
	if err != nil {
		return err
	}
	defer db.Close()
	if len(args) > 0 {
		var ids []int64
		for _, a := range args[1:] {
			id, err := strconv.ParseInt(a, 10, 64)
			if err != nil || id <= 0 {
				return usageErr("outbox retry: %q is not a notice id", a)
			}
			ids = append(ids, id)
		}
		// Ids that are not failed notices are named, and make the exit
		// non-zero; the failed ones among them are queued all the same.
		var problems []string
		if len(ids) > 0 {
			status, err := db.OutboxStatuses(ctx, ids)
			if err != nil {
				return err
			}
			var failed []int64
			for _, id := range ids {
				switch st, ok := status[id]; {
				case !ok:
					problems = append(problems, fmt.Sprintf("no notice %d", id))
				case st != "failed":
					problems = append(problems, fmt.Sprintf("notice %d is %s, not failed", id, st))
				default:
					failed = append(failed, id)
				}
			}
			if len(failed) == 0 {
				return fmt.Errorf("outbox retry: %s; nothing queued again", strings.Join(problems, ", "))
			}
			ids = failed
		}
		n, err := db.OutboxRetry(ctx, ids)
		if err != nil {
			return err
		}
		fmt.Fprintf(g.env.Stdout, "%d failed notice(s) queued again\n", n)
		if len(problems) > 0 {
			return fmt.Errorf("outbox retry: %s", strings.Join(problems, ", "))
		}
		return nil
	}
	now := time.Now()
	st, err := db.OutboxStats(ctx, now)
	if err != nil {
		return err
	}
	fmt.Fprintf(g.env.Stdout, "%d pending, %d failed", st.Pending, st.Failed)
	if st.Pending > 0 {
		fmt.Fprintf(g.env.Stdout, "; oldest pending written %s ago", st.OldestAge.Round(time.Second))
	}
	fmt.Fprintln(g.env.Stdout)
	list, err := db.OutboxList(ctx, 1000)
	if err != nil {
		return err
	}
	if len(list) == 0 {
		return nil
	}
	w := tabwriter.NewWriter(g.env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tSTATUS\tSTATEMENT\tKIND\tTARGET\tWRITTEN\tATTEMPTS\tNEXT TRY\tLAST ERROR")
	for _, e := range list {
		next := "-"
		if e.Status == "pending" {
			next = e.NextTry.Format(time.RFC3339)
		}
		about := "-" // a digest is about no one statement
		if e.Statement != 0 {
			about = bot.Ref(e.Statement)
		}
		target := e.Target.String()
		if len(e.Recipients) > 0 {
			target = "email:" + strings.Join(e.Recipients, ",")
		}
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\n", e.ID, e.Status, about, e.Kind, target,
			e.Created.Format(time.RFC3339), e.Attempts, next, e.LastError)
	}
	return w.Flush()
}

const backupUsage = `Usage: liaisonbot backup <file>

Writes a consistent copy of the live database (LIAISONBOT_DB) to <file>, which
must not exist. The bot may keep running meanwhile. On PostgreSQL
(LIAISONBOT_DATABASE_URL) it prints the pg_dump command that does it instead.`

func runBackup(ctx context.Context, g *globals, args []string) error {
	if len(args) != 1 {
		fmt.Fprintln(g.env.Stderr, backupUsage)
		return usageErr("backup: expected one file: liaisonbot backup <file>")
	}
	db, err := openExistingStore(ctx, g)
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	if err := db.Backup(ctx, args[0]); errors.Is(err, storage.ErrBackupWithPgDump) {
		fmt.Fprintf(g.env.Stdout, "The database is PostgreSQL: back it up with pg_dump (the password from PGPASSWORD or ~/.pgpass), e.g.\n\n  %s\n\nand restore it with pg_restore. Nothing was written.\n", db.PgDumpCommand(args[0]))
		return &exitError{code: 1, err: errors.New("backup: use pg_dump for PostgreSQL (the command is above)")}
	} else if err != nil {
		return err
	}
	fmt.Fprintf(g.env.Stdout, "backed up %s to %s in %s\n", g.cfg.DB, args[0], time.Since(start).Round(time.Millisecond))
	return nil
}
