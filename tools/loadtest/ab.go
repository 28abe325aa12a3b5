package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/ietf-tools/liaisonbot/bot/slack"
)

// The A/B run: the bot against the bare handlers (bare.go), in the same
// run on the same machine, alternating, so that what else the machine does
// weighs on both. For every command it measures a closed loop (keep-alive
// clients, each sending its next request when the last is answered: the
// throughput and its ratio, round by round) and an open loop (a fixed rate:
// the latency, counted from when each request was due).

type abOptions struct {
	clients  int
	duration time.Duration
	rounds   int
	rate     int
	openFor  time.Duration
	workers  int
	commands string
	zulip    bool
	bin      string
	pace     time.Duration
}

// runAB is the A/B run.
func runAB(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var o abOptions
	fs := flag.NewFlagSet("loadtest ab", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&o.clients, "clients", 16, "keep-alive clients of the closed loop")
	fs.DurationVar(&o.duration, "duration", 5*time.Second, "how long each side is driven in each round of the closed loop")
	fs.IntVar(&o.rounds, "rounds", 4, "rounds of the closed loop (each: the bare handler, then the bot)")
	fs.IntVar(&o.rate, "rate", 500, "requests per second of the open loop (0: no open loop)")
	fs.DurationVar(&o.openFor, "open", 5*time.Second, "how long each side is driven at -rate")
	fs.IntVar(&o.workers, "workers", 64, "concurrent requests at most in the open loop")
	fs.StringVar(&o.commands, "commands", "contact 3gpp,orgs,help", "the slash commands measured, comma-separated")
	fs.BoolVar(&o.zulip, "zulip", true, "measure the Zulip outgoing webhook too (with the first of -commands)")
	fs.StringVar(&o.bin, "bin", "", "a liaisonbot `binary` to start (default: go build ./cmd/liaisonbot)")
	fs.DurationVar(&o.pace, "pace", time.Second, "LIAISONBOT_SLACK_PACE of the started server")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: go run ./tools/loadtest ab [flags]\n\nDrives a bare signature-checking handler and the bot (liaisonbot serve) in turn, with the same signed requests,\nand prints the throughput ratio per round and the latency percentiles, closed loop and open loop.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if o.clients <= 0 || o.duration <= 0 || o.rounds <= 0 || o.rate < 0 || o.workers <= 0 || (o.rate > 0 && o.openFor <= 0) {
		return errors.New("-clients, -duration, -rounds, -workers and -open must be positive, -rate not negative")
	}
	var texts []string
	for _, t := range strings.Split(o.commands, ",") {
		if t = strings.TrimSpace(t); t != "" {
			texts = append(texts, t)
		}
	}
	if len(texts) == 0 {
		return errors.New("-commands: no command")
	}

	fake := newFakeSlack()
	defer fake.Close()
	token := randomHex(16)
	srv, err := startServer(ctx, options{bin: o.bin, pace: o.pace, env: []string{"ZULIP_WEBHOOK_TOKEN=" + token}}, fake, stderr)
	if err != nil {
		return err
	}
	defer srv.cleanup()
	fmt.Fprintf(stdout, "bot: %s serve at %s (pid %d)\n", srv.bin, srv.base, srv.cmd.Process.Pid)

	// The targets, and the bot's answers that the bare handlers send back.
	var targets []*abTarget
	for _, t := range texts {
		targets = append(targets, &abTarget{platform: "slack", text: t, name: commandName(t)})
	}
	if o.zulip {
		targets = append(targets, &abTarget{platform: "zulip", text: texts[0], name: commandName(texts[0])})
	}
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		MaxIdleConns: 4 * max(o.clients, o.workers), MaxIdleConnsPerHost: 2 * max(o.clients, o.workers)}}
	answers := bareAnswers{Slack: map[string]string{}, Zulip: map[string]string{}}
	for _, t := range targets {
		t.bot = endpoint{platform: t.platform, url: srv.base + t.path(""), secret: srv.secret, token: token, text: t.text, fake: fake.URL}
		b, err := t.bot.prepare("UWARM").send(ctx, client)
		if err != nil {
			return fmt.Errorf("%s %q: %w", t.platform, t.text, err)
		}
		t.answer = b
		if t.platform == "slack" {
			answers.Slack[t.name] = string(b)
		} else {
			answers.Zulip[t.name] = string(b)
		}
	}
	bare, err := startBare(ctx, srv.secret, token, answers, srv.dir)
	if err != nil {
		return err
	}
	defer bare.stop()
	fmt.Fprintf(stdout, "bare handler: pid %d at %s (checks the signature or token, answers the bot's own bytes)\n", bare.cmd.Process.Pid, bare.base)
	for _, t := range targets {
		t.bare = t.bot
		t.bare.url = bare.base + t.path(t.name)
	}

	for _, t := range targets {
		if err := ctx.Err(); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "\n%s %q (answer %d bytes)\n", t.platform, t.text, len(t.answer))
		// Every client's user is known to the bot before the clock runs
		// (the first command of a Slack user asks users.info).
		reqs := make([]*prepared, o.clients)
		for i := range reqs {
			reqs[i] = t.bot.prepare(fmt.Sprintf("ULOAD%04d", i))
			if _, err := reqs[i].send(ctx, client); err != nil {
				return fmt.Errorf("warm-up: %w", err)
			}
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintf(tw, "round\tbare req/s\tbot req/s\tratio\tbare p50\tbare p99\tbot p50\tbot p99\terrors\t\n")
		var bareAll, botAll phase
		for round := 1; round <= o.rounds; round++ {
			a := closedLoop(ctx, client, t.bare, t.answer, o.clients, o.duration)
			b := closedLoop(ctx, client, t.bot, t.answer, o.clients, o.duration)
			fmt.Fprintf(tw, "%d\t%.0f\t%.0f\t%.2f\t%s\t%s\t%s\t%s\t%s\t\n", round, a.rps(), b.rps(), b.rps()/a.rps(),
				ms(rankOf(a.lat, 0.5)), ms(rankOf(a.lat, 0.99)), ms(rankOf(b.lat, 0.5)), ms(rankOf(b.lat, 0.99)), errorsText(a, b))
			bareAll.add(a)
			botAll.add(b)
		}
		fmt.Fprintf(tw, "all\t%.0f\t%.0f\t%.2f\t%s\t%s\t%s\t%s\t%s\t\n", bareAll.rps(), botAll.rps(), botAll.rps()/bareAll.rps(),
			ms(rankOf(bareAll.lat, 0.5)), ms(rankOf(bareAll.lat, 0.99)), ms(rankOf(botAll.lat, 0.5)), ms(rankOf(botAll.lat, 0.99)), errorsText(bareAll, botAll))
		tw.Flush()
		if o.rate > 0 {
			tw = tabwriter.NewWriter(stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
			fmt.Fprintf(tw, "open loop %d/s for %s\tsent\tp50\tp90\tp99\tmax\terrors\t\n", o.rate, o.openFor)
			for _, side := range []struct {
				name string
				e    endpoint
			}{{"bare", t.bare}, {"bot", t.bot}} {
				p := openLoop(ctx, client, side.e, t.answer, o.rate, o.workers, o.clients, o.openFor)
				fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t%s\t\n", side.name, len(p.lat), ms(rankOf(p.lat, 0.5)), ms(rankOf(p.lat, 0.9)),
					ms(rankOf(p.lat, 0.99)), ms(rankOf(p.lat, 1)), p.errorText())
			}
			tw.Flush()
		}
	}
	fmt.Fprintln(stdout)
	srv.stop(stdout)
	return nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// commandName is a command's first word, for the bare handler's paths.
func commandName(text string) string {
	w, _, _ := strings.Cut(text, " ")
	return url.PathEscape(strings.ToLower(w))
}

// abTarget is one command on one platform, on both sides.
type abTarget struct {
	platform, text, name string
	bot, bare            endpoint
	answer               []byte // the bot's answer, which both must send
}

// path is the endpoint's path on the bot (name "") or on the bare handler.
func (t *abTarget) path(name string) string {
	p := "/slack/commands"
	if t.platform == "zulip" {
		p = "/zulip/webhook"
	}
	if name != "" {
		p += "/" + name
	}
	return p
}

// endpoint is where one side takes one command.
type endpoint struct {
	platform, url, secret, token, text, fake string
}

// prepared is a request ready to send again and again: its body, and its
// headers (signed once; the signature stays valid for 5 minutes, longer
// than a phase).
type prepared struct {
	url    string
	body   []byte
	header http.Header
}

// prepare builds user's request.
func (e endpoint) prepare(user string) *prepared {
	p := &prepared{url: e.url}
	switch e.platform {
	case "slack":
		p.body = []byte(url.Values{
			"token": {"load"}, "team_id": {"TLOAD"}, "team_domain": {"load"},
			"channel_id": {"CLOAD"}, "channel_name": {"load"},
			"user_id": {user}, "user_name": {strings.ToLower(user)},
			"command": {"/liaison"}, "text": {e.text},
			"response_url": {e.fake + "/respond/ab-" + user},
			"trigger_id":   {"1.1.ab"}, "api_app_id": {"ALOAD"},
		}.Encode())
		p.header = slack.Sign(e.secret, p.body, time.Now())
		p.header.Set("Content-Type", "application/x-www-form-urlencoded")
	case "zulip":
		id := 1000 + int64(len(user))*7 + int64(user[len(user)-1])
		p.body, _ = json.Marshal(map[string]any{
			"data": "@**liaisonbot** " + e.text, "token": e.token, "trigger": "mention",
			"bot_email": "liaisonbot-bot@zulip.load.example.org", "bot_full_name": "liaisonbot",
			"message": map[string]any{
				"id": 112, "sender_id": id, "sender_email": strings.ToLower(user) + "@load.example.org", "sender_full_name": "Load " + user,
				"sender_realm_str": "load", "type": "stream", "stream_id": 7, "display_recipient": "liaison",
				"subject": "load", "content": "@**liaisonbot** " + e.text, "timestamp": time.Now().Unix(),
				"client": "website", "recipient_id": 20,
			},
		})
		p.header = http.Header{"Content-Type": {"application/json"}}
	}
	return p
}

// send posts the request and returns the answer's body when it is a 200.
func (p *prepared) send(ctx context.Context, c *http.Client) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.url, bytes.NewReader(p.body))
	if err != nil {
		return nil, err
	}
	req.Header = p.header
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("HTTP %d: %.200s", resp.StatusCode, b)
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, errors.New("an empty answer (acknowledged, answered later)")
	}
	return b, nil
}

// phase is what one side did in one phase.
type phase struct {
	lat     []time.Duration
	elapsed time.Duration
	errors  map[string]int
}

func (p *phase) rps() float64 {
	if p.elapsed <= 0 {
		return 0
	}
	return float64(len(p.lat)) / p.elapsed.Seconds()
}

func (p *phase) add(q phase) {
	p.lat = append(p.lat, q.lat...)
	p.elapsed += q.elapsed
	for k, n := range q.errors {
		if p.errors == nil {
			p.errors = map[string]int{}
		}
		p.errors[k] += n
	}
}

func (p *phase) errorText() string {
	if len(p.errors) == 0 {
		return "0"
	}
	var out []string
	for k, n := range p.errors {
		out = append(out, fmt.Sprintf("%s: %d", k, n))
	}
	slices.Sort(out)
	return strings.Join(out, "; ")
}

func errorsText(a, b phase) string {
	if len(a.errors)+len(b.errors) == 0 {
		return "0"
	}
	return "bare " + a.errorText() + ", bot " + b.errorText()
}

// check says what is wrong with an answer ("" when it is the expected one).
func check(got []byte, err error, want []byte) string {
	switch {
	case err != nil:
		s := err.Error()
		if i := strings.Index(s, ":"); i > 0 && strings.HasPrefix(s, "HTTP") {
			s = s[:i]
		}
		if len(s) > 60 {
			s = s[:60]
		}
		return s
	case !bytes.Equal(got, want):
		return "a different answer"
	}
	return ""
}

// closedLoop runs clients that each send their next request as soon as the
// last is answered, for d.
func closedLoop(ctx context.Context, c *http.Client, e endpoint, want []byte, clients int, d time.Duration) phase {
	reqs := make([]*prepared, clients)
	for i := range reqs {
		reqs[i] = e.prepare(fmt.Sprintf("ULOAD%04d", i))
	}
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var mu sync.Mutex
	out := phase{errors: map[string]int{}}
	var wg sync.WaitGroup
	start := time.Now()
	for _, p := range reqs {
		wg.Go(func() {
			lat := make([]time.Duration, 0, 4096)
			errs := map[string]int{}
			for ctx.Err() == nil {
				t0 := time.Now()
				b, err := p.send(context.WithoutCancel(ctx), c)
				lat = append(lat, time.Since(t0))
				if s := check(b, err, want); s != "" {
					errs[s]++
				}
			}
			mu.Lock()
			out.lat = append(out.lat, lat...)
			for k, n := range errs {
				out.errors[k] += n
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	out.elapsed = time.Since(start)
	return out
}

// openLoop sends rate requests a second for d, each by one of at most
// workers goroutines; a request's latency runs from when it was due.
func openLoop(ctx context.Context, c *http.Client, e endpoint, want []byte, rate, workers, users int, d time.Duration) phase {
	reqs := make([]*prepared, users)
	for i := range reqs {
		reqs[i] = e.prepare(fmt.Sprintf("ULOAD%04d", i))
	}
	total := int(d.Seconds() * float64(rate))
	interval := time.Second / time.Duration(rate)
	type job struct {
		n   int
		due time.Time
	}
	jobs := make(chan job, total)
	var mu sync.Mutex
	out := phase{errors: map[string]int{}, lat: make([]time.Duration, 0, total)}
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for j := range jobs {
				b, err := reqs[j.n%len(reqs)].send(ctx, c)
				lat := time.Since(j.due)
				s := check(b, err, want)
				mu.Lock()
				out.lat = append(out.lat, lat)
				if s != "" {
					out.errors[s]++
				}
				mu.Unlock()
			}
		})
	}
	start := time.Now()
	for n := range total {
		due := start.Add(time.Duration(n) * interval)
		if w := time.Until(due); w > 0 {
			time.Sleep(w)
		}
		jobs <- job{n: n, due: due}
	}
	close(jobs)
	wg.Wait()
	out.elapsed = time.Since(start)
	return out
}

// rankOf sorts lat (in place) and returns its q-quantile.
func rankOf(lat []time.Duration, q float64) time.Duration {
	if !slices.IsSorted(lat) {
		slices.Sort(lat)
	}
	return rank(lat, q)
}

// bareServer is the bare handlers' process.
type bareServer struct {
	cmd  *exec.Cmd
	base string
	done chan struct{}
}

// startBare starts this program again as "loadtest bare" with the answers.
func startBare(ctx context.Context, secret, token string, answers bareAnswers, dir string) (*bareServer, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	path := filepath.Join(dir, "bare-answers.json")
	b, _ := json.Marshal(answers)
	if err := os.WriteFile(path, b, 0o600); err != nil {
		return nil, err
	}
	cmd := exec.Command(self, "bare", "-answers", path)
	cmd.Env = append(os.Environ(), "SLACK_SIGNING_SECRET="+secret, "ZULIP_WEBHOOK_TOKEN="+token)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &bareServer{cmd: cmd, done: make(chan struct{})}
	line := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		if sc.Scan() {
			line <- sc.Text()
		}
		close(line)
		io.Copy(io.Discard, out)
	}()
	go func() {
		cmd.Wait()
		close(s.done)
	}()
	select {
	case addr, ok := <-line:
		if !ok {
			s.stop()
			return nil, errors.New("the bare handler exited at start")
		}
		s.base = "http://" + addr
	case <-time.After(30 * time.Second):
		s.stop()
		return nil, errors.New("the bare handler did not start within 30s")
	case <-ctx.Done():
		s.stop()
		return nil, ctx.Err()
	}
	return s, nil
}

func (s *bareServer) stop() {
	s.cmd.Process.Kill()
	<-s.done
}
