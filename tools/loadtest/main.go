// Command loadtest is liaisonbot's load tool. It sends signed Slack slash
// commands ("/liaison …", signed with the target's signing secret exactly as
// Slack signs them) and reports what came back. It has two runs:
//
// The default run ("clients") is the bot as an operator runs it under a
// crowd: many concurrent clients send a mix of "/liaison contact <org>",
// "/liaison list open", "/liaison show LS-<n>" and inline "/liaison submit
// …" that submit at once, each client sending its next command as soon as
// the last is answered, for a fixed time. It reports requests, errors,
// SQLITE_BUSY ("database is locked") occurrences, latency percentiles per
// command and over time, and the server's memory (RSS and Go heap) before,
// during and after. By default it builds ./cmd/liaisonbot and runs it with
// "serve" — the real handler chain (signature check, router, SQLite,
// outbox dispatcher, reminder sweep, metrics) — on a temporary database.
//
// The "rate" run sends one command at a fixed rate (open loop: a request's
// latency counts from the moment it was due, so a slow server cannot hide
// its queue) through the Slack adapter's HTTP handler chain, built
// in-process by default: a real SQLite database in a temporary directory
// seeded with the bundled directory, the real command router and the
// Slack adapter on a loopback port.
//
// The "ab" run (ab.go) measures the bot against a bare handler that only
// checks the Slack signature (or the Zulip webhook token) and answers the
// same bytes (bare.go, started as a process of its own): both driven in
// the same run, alternating round by round, it prints the throughput
// ratio per round and the latency percentiles, with keep-alive clients
// (closed loop) and at a fixed rate (open loop).
//
// The runs answer the Web API calls the bot makes (auth.test, users.info,
// chat.postMessage, …) and its late answers (response_url) with the one
// fake of Slack in fakeslack.go. With -url either run targets a running
// liaisonbot instead (give its signing secret with -secret or
// SLACK_SIGNING_SECRET). The submissions are real: never point it at a
// production instance.
//
//	go run ./tools/loadtest [-clients 200] [-duration 60s] [-url http://host:8080]
//	go run ./tools/loadtest rate [-rate 500] [-duration 20s] [-workers 64] [-url http://host:8080]
//	go run ./tools/loadtest ab [-clients 16] [-duration 5s] [-rounds 4] [-rate 500] [-commands "contact 3gpp,orgs,help"]
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

// run starts the run the arguments name: "rate …" or the clients run.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "rate":
			return runRate(ctx, args[1:], stdout, stderr)
		case "ab":
			return runAB(ctx, args[1:], stdout, stderr)
		case "bare": // started by the ab run
			return runBare(args[1:], stdout, stderr)
		}
	}
	if len(args) > 0 && args[0] == "clients" {
		args = args[1:]
	}
	return runClients(ctx, args, stdout, stderr)
}
