// Command slackload is the Slack adapter's load run: it sends signed
// "/liaison contact 3gpp" slash commands at a fixed rate through the real
// HTTP handler chain and reports the latency distribution, the errors and
// the rate achieved.
//
// By default it builds the chain in-process: a real SQLite database in a
// temporary directory seeded with the bundled directory, the real command
// router and the Slack adapter, served on a loopback port, with a small
// fake of Slack's Web API for users.info. With -url it targets a running
// liaisonbot instead (give its signing secret with -secret or
// SLACK_SIGNING_SECRET).
//
//	go run ./tools/slackload [-rate 500] [-duration 20s] [-workers 64] [-url http://host:8080]
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ietf-tools/liaisonbot/bot/slack"
	"github.com/ietf-tools/liaisonbot/commands"
	"github.com/ietf-tools/liaisonbot/storage"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "slackload:", err)
		os.Exit(1)
	}
}

type options struct {
	target   string
	secret   string
	rate     int
	duration time.Duration
	workers  int
	users    int
	text     string
	dbPath   string
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var o options
	fs := flag.NewFlagSet("slackload", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.target, "url", "", "base `URL` of a running liaisonbot (default: build the handler chain in-process)")
	fs.StringVar(&o.secret, "secret", os.Getenv("SLACK_SIGNING_SECRET"), "signing `secret` of the target (SLACK_SIGNING_SECRET)")
	fs.IntVar(&o.rate, "rate", 500, "requests per second")
	fs.DurationVar(&o.duration, "duration", 20*time.Second, "how long to send")
	fs.IntVar(&o.workers, "workers", 64, "concurrent requests at most")
	fs.IntVar(&o.users, "users", 50, "distinct Slack users sending")
	fs.StringVar(&o.text, "text", "contact 3gpp", "the command after /liaison")
	fs.StringVar(&o.dbPath, "db", "", "SQLite `file` for the in-process run (default: a temporary one)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: go run ./tools/slackload [flags]\n\nSends signed /liaison slash commands at a fixed rate and reports latency percentiles.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if o.rate <= 0 || o.duration <= 0 || o.workers <= 0 || o.users <= 0 {
		return errors.New("-rate, -duration, -workers and -users must be positive")
	}
	base := strings.TrimRight(o.target, "/")
	if base == "" {
		srv, secret, cleanup, err := inProcess(ctx, o.dbPath)
		if err != nil {
			return err
		}
		defer cleanup()
		base, o.secret = srv, secret
		fmt.Fprintf(stdout, "in-process handler chain at %s (real router, real SQLite, bundled directory)\n", base)
	} else if o.secret == "" {
		return errors.New("-url needs the target's signing secret (-secret or SLACK_SIGNING_SECRET)")
	}
	res := load(ctx, base+"/slack/commands", o)
	res.print(stdout, o)
	return nil
}

// inProcess serves the real handler chain on a loopback port and returns
// its URL and signing secret.
func inProcess(ctx context.Context, dbPath string) (base, secret string, cleanup func(), err error) {
	var cleanups []func()
	cleanup = func() {
		for i := len(cleanups) - 1; i >= 0; i-- {
			cleanups[i]()
		}
	}
	defer func() {
		if err != nil {
			cleanup()
		}
	}()
	if dbPath == "" {
		dir, err := os.MkdirTemp("", "slackload-")
		if err != nil {
			return "", "", nil, err
		}
		cleanups = append(cleanups, func() { os.RemoveAll(dir) })
		dbPath = filepath.Join(dir, "liaisonbot.db")
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	db, err := storage.Open(ctx, dbPath)
	if err != nil {
		return "", "", nil, err
	}
	cleanups = append(cleanups, func() { db.Close() })
	db.Logger = logger
	if _, err := db.Seed(ctx); err != nil {
		return "", "", nil, err
	}
	api := httptest.NewServer(http.HandlerFunc(fakeWebAPI))
	cleanups = append(cleanups, api.Close)

	secretBytes := make([]byte, 16)
	rand.Read(secretBytes)
	secret = hex.EncodeToString(secretBytes)
	router := commands.New(db, logger)
	adapter, err := slack.New(slack.Config{
		Handler:       router,
		Directory:     db,
		Store:         db,
		Token:         "xoxb-load",
		APIURL:        api.URL + "/",
		SigningSecret: secret,
		Logger:        logger,
	})
	if err != nil {
		return "", "", nil, err
	}
	cleanups = append(cleanups, func() { adapter.Shutdown(context.Background()) })
	mux := http.NewServeMux()
	adapter.Routes(mux)
	srv := httptest.NewServer(mux)
	cleanups = append(cleanups, srv.Close)
	return srv.URL, secret, cleanup, nil
}

// fakeWebAPI answers the Web API calls the adapter makes for a slash
// command (users.info) and acknowledges anything else.
func fakeWebAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	if strings.HasSuffix(r.URL.Path, "/users.info") {
		r.ParseForm()
		id := r.PostForm.Get("user")
		fmt.Fprintf(w, `{"ok":true,"user":{"id":%q,"name":"load","real_name":"Load %s","profile":{"real_name":"Load %s","email":"%s@load.example.org"}}}`,
			id, id, id, strings.ToLower(id))
		return
	}
	fmt.Fprint(w, `{"ok":true}`)
}

// result is what a run measured.
type result struct {
	latencies []time.Duration
	errors    map[string]int
	sent      int
	elapsed   time.Duration
}

// load sends the requests: one every 1/rate seconds, each handled by one of
// at most `workers` goroutines. A request's latency runs from the moment it
// was due, so time spent waiting for a free worker counts (no coordinated
// omission).
func load(ctx context.Context, endpoint string, o options) *result {
	total := int(o.duration.Seconds() * float64(o.rate))
	interval := time.Second / time.Duration(o.rate)
	client := &http.Client{
		Timeout:   10 * time.Second,
		Transport: &http.Transport{MaxIdleConns: o.workers, MaxIdleConnsPerHost: o.workers, MaxConnsPerHost: o.workers},
	}
	type job struct {
		n   int
		due time.Time
	}
	jobs := make(chan job, total)
	var mu sync.Mutex
	res := &result{errors: map[string]int{}, latencies: make([]time.Duration, 0, total)}
	var inflight atomic.Int64
	var wg sync.WaitGroup
	for range o.workers {
		wg.Go(func() {
			for j := range jobs {
				inflight.Add(1)
				status := send(ctx, client, endpoint, o, j.n)
				lat := time.Since(j.due)
				inflight.Add(-1)
				mu.Lock()
				res.latencies = append(res.latencies, lat)
				if status != "" {
					res.errors[status]++
				}
				mu.Unlock()
			}
		})
	}
	start := time.Now()
	for n := range total {
		due := start.Add(time.Duration(n) * interval)
		if d := time.Until(due); d > 0 {
			time.Sleep(d)
		}
		jobs <- job{n: n, due: due}
	}
	close(jobs)
	wg.Wait()
	res.sent = total
	res.elapsed = time.Since(start)
	return res
}

// send makes one signed slash command and returns "" or what went wrong.
func send(ctx context.Context, client *http.Client, endpoint string, o options, n int) string {
	user := fmt.Sprintf("ULOAD%04d", n%o.users)
	body := url.Values{
		"token": {"load"}, "team_id": {"TLOAD"}, "team_domain": {"load"},
		"channel_id": {"CLOAD"}, "channel_name": {"load"},
		"user_id": {user}, "user_name": {strings.ToLower(user)},
		"command": {"/liaison"}, "text": {o.text},
		"response_url": {"https://hooks.slack.com/commands/TLOAD/1/load"},
		"trigger_id":   {fmt.Sprintf("%d.1.load", n)},
		"api_app_id":   {"ALOAD"},
	}.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(body))
	if err != nil {
		return "request: " + err.Error()
	}
	req.Header = slack.Sign(o.secret, []byte(body), time.Now())
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := client.Do(req)
	if err != nil {
		return "transport error"
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Sprintf("HTTP %d", resp.StatusCode)
	}
	if !strings.Contains(string(b), `"blocks"`) {
		return "200 without the answer"
	}
	return ""
}

func (r *result) print(w io.Writer, o options) {
	slices.Sort(r.latencies)
	pct := func(p float64) time.Duration {
		if len(r.latencies) == 0 {
			return 0
		}
		// Nearest rank: the ceil(p·n)-th smallest.
		i := int(math.Ceil(p*float64(len(r.latencies))-1e-9)) - 1
		return r.latencies[max(0, min(i, len(r.latencies)-1))]
	}
	nerr := 0
	for _, n := range r.errors {
		nerr += n
	}
	fmt.Fprintf(w, "sent %d signed \"/liaison %s\" in %s: %.1f requests/s achieved (target %d/s), %d workers, %d users\n",
		r.sent, o.text, r.elapsed.Round(time.Millisecond), float64(r.sent)/r.elapsed.Seconds(), o.rate, o.workers, o.users)
	fmt.Fprintf(w, "latency  p50 %s  p90 %s  p99 %s  max %s\n",
		fmtDur(pct(0.50)), fmtDur(pct(0.90)), fmtDur(pct(0.99)), fmtDur(pct(1)))
	fmt.Fprintf(w, "errors   %d", nerr)
	if nerr > 0 {
		var kinds []string
		for k, n := range r.errors {
			kinds = append(kinds, fmt.Sprintf("%s: %d", k, n))
		}
		slices.Sort(kinds)
		fmt.Fprintf(w, " (%s)", strings.Join(kinds, ", "))
	}
	fmt.Fprintln(w)
}

func fmtDur(d time.Duration) string {
	return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond))
}
