package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/ietf-tools/liaisonbot/bot"
	"github.com/ietf-tools/liaisonbot/storage/dirfile"
)

const directoryUsage = `Usage:
  liaisonbot directory export [file]     write the directory as a TOML file (standard output without a file)
  liaisonbot directory import <file>     validate a directory file and make the directory equal to it
  liaisonbot directory sync [--dry-run]   bring the directory to the Datatracker's state (prints the changes first)`

func runDirectory(ctx context.Context, g *globals, args []string) error {
	if len(args) == 0 {
		fmt.Fprintln(g.env.Stderr, directoryUsage)
		return usageErr("directory: expected export, import or sync")
	}
	switch args[0] {
	case "export":
		return directoryExport(ctx, g, args[1:])
	case "import":
		return directoryImport(ctx, g, args[1:])
	case "sync":
		return directorySync(ctx, g, args[1:])
	}
	fmt.Fprintln(g.env.Stderr, directoryUsage)
	return usageErr("directory: unknown subcommand %q", args[0])
}

func directoryExport(ctx context.Context, g *globals, args []string) error {
	if len(args) > 1 {
		return usageErr("directory export: at most one file")
	}
	db, err := openExistingStore(ctx, g)
	if err != nil {
		return err
	}
	defer db.Close()
	d, err := db.Directory(ctx)
	if err != nil {
		return err
	}
	buf, err := dirfile.Format(d)
	if err != nil {
		return err
	}
	if len(args) == 0 || args[0] == "-" {
		_, err = g.env.Stdout.Write(buf)
		return err
	}
	if err := writeFileAtomic(args[0], buf); err != nil {
		return err
	}
	fmt.Fprintf(g.env.Stdout, "wrote %d organizations to %s\n", len(d.Orgs), args[0])
	return nil
}

func directoryImport(ctx context.Context, g *globals, args []string) error {
	fs := flag.NewFlagSet("directory import", flag.ContinueOnError)
	fs.SetOutput(g.env.Stderr)
	dry := fs.Bool("dry-run", false, "print what would change, change nothing")
	if err := fs.Parse(args); err != nil {
		return usageErr("directory import: %v", err)
	}
	if fs.NArg() != 1 {
		return usageErr("directory import: expected one file")
	}
	name := fs.Arg(0)
	buf, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	d, err := dirfile.Parse(filepath.Base(name), buf)
	if err != nil {
		return fmt.Errorf("nothing was changed:\n%w", err)
	}
	db, err := openStore(ctx, g)
	if err != nil {
		return err
	}
	defer db.Close()
	if *dry {
		cur, err := db.Directory(ctx)
		if err != nil {
			return err
		}
		fmt.Fprint(g.env.Stdout, bot.DiffDirectories(cur, d).String())
		fmt.Fprintln(g.env.Stdout, "(dry run: nothing was changed)")
		return nil
	}
	diff, err := db.ReplaceDirectory(ctx, d, "import of "+filepath.Base(name))
	if err != nil {
		return err
	}
	fmt.Fprint(g.env.Stdout, diff.String())
	fmt.Fprintf(g.env.Stdout, "%d added, %d changed, %d removed\n", len(diff.Added), len(diff.Changed), len(diff.Removed))
	return nil
}

// writeFileAtomic writes through a temporary file and a rename, so a crash
// never leaves half a file.
func writeFileAtomic(name string, buf []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(buf); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), name)
}
