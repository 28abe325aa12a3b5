// Command liaisonbot is a chat bot for Slack and Zulip that runs the IETF's
// liaison process: it finds the right liaison contact, takes liaison
// statements through a chat form, follows them through approval, sending and
// response, reminds whoever owes the next step, and announces every change
// in the channels that subscribed.
//
// Usage:
//
//	liaisonbot [--config file] <command> [arguments]
//
// With no command and no platform credentials it starts the console.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	_ "time/tzdata" // reminders.timezone works without the system's zone files

	"github.com/ietf-tools/liaisonbot/config"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3".
var version = ""

// Version returns the program's version: the build-time one, else the
// module version or VCS revision recorded by the Go tool.
func Version() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		if v := bi.Main.Version; v != "" && v != "(devel)" {
			return v
		}
		rev, dirty := "", false
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
		if rev != "" {
			if len(rev) > 12 {
				rev = rev[:12]
			}
			if dirty {
				rev += "-dirty"
			}
			return "devel-" + rev
		}
	}
	return "devel"
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(Main(ctx, os.Args[1:], &Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}))
}

// Env is the program's outside world, so tests can run Main with pipes.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
	// Interactive forces the console's prompt on or off (nil: detect a
	// terminal on standard input).
	Interactive *bool
}

// exitError carries an exit code.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// usageErr is an error in how the program was called (exit code 2).
func usageErr(format string, args ...any) error {
	return &exitError{code: 2, err: fmt.Errorf(format, args...)}
}

// subcommand is one of the program's commands.
type subcommand struct {
	name    string
	summary string
	usage   string // what "liaisonbot <name> --help" prints
	run     func(ctx context.Context, g *globals, args []string) error
}

func subcommands() []subcommand {
	return []subcommand{
		{"serve", "run the bot on the configured platforms (Slack, Zulip) with its HTTP endpoints", serveUsage, runServe},
		{"console", "run the bot's commands in this terminal (or from a pipe)", consoleUsage, runConsole},
		{"directory", "directory import <file> | export [file] | sync [--dry-run]", directoryUsage + "\n\n" + directorySyncUsage, runDirectory},
		{"statements", "statements sync [--full]: import the Datatracker's liaison statements", statementsUsage, runStatements},
		{"outbox", "outbox [retry [id…]]: pending and failed notices; queue failed ones again", outboxUsage, runOutbox},
		{"backup", "backup <file>: a consistent copy of the live database", backupUsage, runBackup},
		{"copy", "copy --from <sqlite file> --to <postgres url>: move a deployment to PostgreSQL", copyUsage, runCopy},
		{"config", "config check [--online]: print the effective configuration, secrets masked; --online tries the credentials", configUsage, runConfig},
		{"version", "print the version", versionUsage, runVersion},
	}
}

// wantsHelp reports whether the arguments ask for help (-h, -help or
// --help before any "--"): the subcommand then prints its usage and does
// nothing else.
func wantsHelp(args []string) bool {
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "-h", "-help", "--help":
			return true
		}
	}
	return false
}

// globals are what every subcommand gets.
type globals struct {
	env        *Env
	configPath string
	logFormat  string
	cfg        *config.Config
	logger     *slog.Logger
}

// Main runs the program and returns its exit code.
func Main(ctx context.Context, args []string, env *Env) int {
	if env.Getenv == nil {
		env.Getenv = func(string) string { return "" }
	}
	g := &globals{env: env}
	fs := flag.NewFlagSet("liaisonbot", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.StringVar(&g.configPath, "config", env.Getenv("LIAISONBOT_CONFIG"), "TOML configuration `file` (LIAISONBOT_CONFIG)")
	fs.StringVar(&g.logFormat, "log-format", "", "log format: text or json (LIAISONBOT_LOG_FORMAT)")
	fs.Usage = func() {} // printed below: help to stdout, a mistake to stderr
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printUsage(env.Stdout, fs)
			return 0
		}
		printUsage(env.Stderr, fs)
		return 2
	}
	args = fs.Args()
	cmdName := ""
	if len(args) > 0 {
		cmdName, args = args[0], args[1:]
	}
	if cmdName == "help" {
		if len(args) > 0 {
			if sc, ok := findSubcommand(args[0]); ok {
				fmt.Fprintln(env.Stdout, sc.usage)
				return 0
			}
			fmt.Fprintf(env.Stderr, "liaisonbot: no help for %q: it is not a command\n", args[0])
			printUsage(env.Stderr, fs)
			return 2
		}
		printUsage(env.Stdout, fs)
		return 0
	}
	if sc, ok := findSubcommand(cmdName); ok && wantsHelp(args) {
		// Before the configuration is read: help works with a broken one,
		// and opens or creates nothing.
		fmt.Fprintln(env.Stdout, sc.usage)
		return 0
	}
	cfg, err := config.Load(g.configPath, env.Getenv)
	if err != nil {
		fmt.Fprintln(env.Stderr, "liaisonbot:", err)
		return 1
	}
	if g.logFormat != "" {
		cfg.LogFormat = g.logFormat
	}
	g.cfg = cfg
	g.logger = newLogger(env.Stderr, cfg)
	if cmdName == "" {
		cmdName = "console"
		if cfg.Slack.Enabled() || cfg.Zulip.Enabled() || cfg.Zulip.RC != "" {
			cmdName = "serve"
		}
	}
	if sc, ok := findSubcommand(cmdName); ok {
		return exitCode(env.Stderr, sc.run(ctx, g, args))
	}
	fmt.Fprintf(env.Stderr, "liaisonbot: unknown command %q\n", cmdName)
	printUsage(env.Stderr, fs)
	return 2
}

func findSubcommand(name string) (subcommand, bool) {
	for _, sc := range subcommands() {
		if sc.name == name {
			return sc, true
		}
	}
	return subcommand{}, false
}

func exitCode(stderr io.Writer, err error) int {
	if err == nil {
		return 0
	}
	fmt.Fprintln(stderr, "liaisonbot:", err)
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return 1
}

func printUsage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintln(w, "Usage: liaisonbot [flags] <command> [arguments]")
	fmt.Fprintln(w, "\nCommands:")
	for _, sc := range subcommands() {
		fmt.Fprintf(w, "  %-10s %s\n", sc.name, sc.summary)
	}
	fmt.Fprintln(w, "\nWith no command and no platform credentials, liaisonbot starts the console.")
	fmt.Fprintln(w, "\"liaisonbot <command> --help\" (or \"liaisonbot help <command>\") describes a command.")
	fmt.Fprintln(w, "\nFlags:")
	fs.SetOutput(w)
	fs.PrintDefaults()
}

func newLogger(w io.Writer, cfg *config.Config) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(strings.ToUpper(cfg.LogLevel)))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

const versionUsage = `Usage: liaisonbot version

Prints the version.`

func runVersion(ctx context.Context, g *globals, args []string) error {
	fmt.Fprintln(g.env.Stdout, "liaisonbot", Version())
	return nil
}
