package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/ietf-tools/liaisonbot/bot/slack"
)

type options struct {
	clients  int
	duration time.Duration
	target   string
	secret   string
	bin      string
	pace     time.Duration
	mix      string
	keep     bool
	sample   time.Duration
	env      []string // more environment for the started server
}

// runClients is the clients run: concurrent clients, each sending its next
// command as soon as the last is answered.
func runClients(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var o options
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&o.clients, "clients", 200, "concurrent clients, each sending its next command when the last is answered")
	fs.DurationVar(&o.duration, "duration", 60*time.Second, "how long to send")
	fs.StringVar(&o.target, "url", "", "base `URL` of a running liaisonbot (default: build and start one)")
	fs.StringVar(&o.secret, "secret", os.Getenv("SLACK_SIGNING_SECRET"), "signing `secret` of the -url target (SLACK_SIGNING_SECRET)")
	fs.StringVar(&o.bin, "bin", "", "a liaisonbot `binary` to start (default: go build ./cmd/liaisonbot)")
	fs.DurationVar(&o.pace, "pace", time.Second, "LIAISONBOT_SLACK_PACE of the started server (Slack's real limit is about 1 message/s per channel)")
	fs.StringVar(&o.mix, "mix", "contact=40,list=20,show=25,submit=15", "the command `mix`, as weights")
	fs.BoolVar(&o.keep, "keep", false, "keep the started server's temporary directory (database and log)")
	fs.DurationVar(&o.sample, "sample", 10*time.Second, "how often memory is sampled during the run")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: go run ./tools/loadtest [clients] [flags]\n\nSends signed /liaison slash commands from concurrent clients and reports errors, SQLITE_BUSY, latency and memory.\n(go run ./tools/loadtest rate -h: the fixed-rate run.)")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if o.clients <= 0 || o.duration <= 0 || o.sample <= 0 {
		return errors.New("-clients, -duration and -sample must be positive")
	}
	mix, err := parseMix(o.mix)
	if err != nil {
		return err
	}

	fake := newFakeSlack()
	defer fake.Close()
	var srv *server
	base := strings.TrimRight(o.target, "/")
	if base == "" {
		srv, err = startServer(ctx, o, fake, stderr)
		if err != nil {
			return err
		}
		defer srv.cleanup()
		base, o.secret = srv.base, srv.secret
		fmt.Fprintf(stdout, "started %s serve at %s (pid %d; database and log in %s)\n", srv.bin, base, srv.cmd.Process.Pid, srv.dir)
	} else if o.secret == "" {
		return errors.New("-url needs the target's signing secret (-secret or SLACK_SIGNING_SECRET)")
	}

	l := &loader{base: base, secret: o.secret, fake: fake, mix: mix, window: o.sample,
		client: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
			MaxIdleConns: o.clients, MaxIdleConnsPerHost: o.clients, MaxConnsPerHost: o.clients}}}
	// Statements for show and list to find.
	for i := range 20 {
		r := l.do(ctx, "submit", fmt.Sprintf("UWARM%02d", i), i)
		if r.problem != "" {
			return fmt.Errorf("warm-up submission: %s", r.problem)
		}
	}
	before := memoryOf(base, srv)
	fmt.Fprintf(stdout, "%d clients for %s, mix %s\n", o.clients, o.duration, o.mix)

	var samples []memSample
	samples = append(samples, before.named("before"))
	sctx, stopSampling := context.WithCancel(ctx)
	var sampling sync.WaitGroup
	start := time.Now()
	sampling.Go(func() {
		t := time.NewTicker(o.sample)
		defer t.Stop()
		for {
			select {
			case <-sctx.Done():
				return
			case <-t.C:
				samples = append(samples, memoryOf(base, srv).named(fmt.Sprintf("at %s", time.Since(start).Round(time.Second))))
			}
		}
	})
	elapsed := l.load(ctx, o.clients, o.duration)
	stopSampling()
	sampling.Wait()
	samples = append(samples, memoryOf(base, srv).named("after"))
	// Late answers (an empty acknowledgement, then response_url) may still
	// be on their way.
	time.Sleep(3 * time.Second)
	samples = append(samples, memoryOf(base, srv).named("after, idle 3s"))

	rep := l.report(elapsed)
	if srv != nil {
		srv.stop(stdout)
		rep.scanLog(srv.logPath)
	}
	rep.print(stdout, samples)
	if srv != nil && o.keep {
		srv.keep = true
		fmt.Fprintf(stdout, "kept %s\n", srv.dir)
	}
	return nil
}

// parseMix reads "contact=40,list=20,…".
func parseMix(s string) ([]weighted, error) {
	var out []weighted
	total := 0
	for _, part := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		n, err := strconv.Atoi(v)
		if !ok || err != nil || n < 0 {
			return nil, fmt.Errorf("-mix: %q is not command=weight", part)
		}
		switch k {
		case "contact", "list", "show", "submit":
		default:
			return nil, fmt.Errorf("-mix: unknown command %q (contact, list, show, submit)", k)
		}
		total += n
		out = append(out, weighted{k, total})
	}
	if total == 0 {
		return nil, errors.New("-mix: the weights add up to 0")
	}
	return out, nil
}

type weighted struct {
	kind string
	upTo int // cumulative weight
}

func pick(mix []weighted, r *mrand.Rand) string {
	n := r.IntN(mix[len(mix)-1].upTo)
	for _, w := range mix {
		if n < w.upTo {
			return w.kind
		}
	}
	return mix[len(mix)-1].kind
}

// loader sends the commands.
type loader struct {
	base, secret string
	fake         *fakeSlack
	mix          []weighted
	window       time.Duration // for the latency-over-time table
	client       *http.Client
	maxLS        atomic.Int64
	seq          atomic.Int64

	mu      sync.Mutex
	results []result
}

type result struct {
	kind    string
	at      time.Duration // when it was sent, from the start of the run
	latency time.Duration
	problem string // "" when the answer was right
	busy    bool   // the answer mentions SQLITE_BUSY / database is locked
	late    bool   // acknowledged empty; answered through response_url
}

var (
	orgs         = []string{"3gpp", "itu-t", "w3c", "ieee 802.1", "broadband forum", "etsi", "icann", "cablelabs"}
	submitTo     = []string{"3GPP", "W3C", "BBF", "ITU-T", "IEEE 802.1"}
	submittedRef = regexp.MustCompile(`Submitted LS-(\d+)`)
	busyText     = regexp.MustCompile(`(?i)sqlite_busy|database is locked|database table is locked`)
	errorText    = regexp.MustCompile(`(?i)something went wrong|internal error|panic|sql:`)
)

// load runs the clients until the duration is over.
func (l *loader) load(ctx context.Context, clients int, d time.Duration) time.Duration {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	start := time.Now()
	var wg sync.WaitGroup
	for c := range clients {
		wg.Go(func() {
			r := mrand.New(mrand.NewPCG(uint64(c), uint64(start.UnixNano())))
			user := fmt.Sprintf("ULOAD%04d", c)
			var mine []result
			for ctx.Err() == nil {
				kind := pick(l.mix, r)
				at := time.Since(start)
				res := l.do(context.WithoutCancel(ctx), kind, user, r.IntN(1<<30))
				res.at = at
				mine = append(mine, res)
			}
			l.mu.Lock()
			l.results = append(l.results, mine...)
			l.mu.Unlock()
		})
	}
	wg.Wait()
	return time.Since(start)
}

// do sends one command and checks its answer.
func (l *loader) do(ctx context.Context, kind, user string, n int) result {
	var text, want string
	switch kind {
	case "contact":
		text, want = "contact "+orgs[n%len(orgs)], "Sending to"
	case "list":
		text, want = "list open", "LS-"
	case "show":
		max := l.maxLS.Load()
		if max == 0 {
			max = 1
		}
		id := 1 + int64(n)%max
		text, want = fmt.Sprintf("show LS-%d", id), fmt.Sprintf("LS-%d", id)
	case "submit":
		seq := l.seq.Add(1)
		text = fmt.Sprintf(`submit to=%s from=opsawg purpose=info title="load %d" body="Load test statement %d from %s."`,
			submitTo[n%len(submitTo)], seq, seq, user)
		want = "Submitted LS-"
	}
	key := fmt.Sprintf("%s-%d", kind, l.seq.Add(1))
	body := url.Values{
		"token": {"load"}, "team_id": {"TLOAD"}, "team_domain": {"load"},
		"channel_id": {"CLOAD"}, "channel_name": {"load"},
		"user_id": {user}, "user_name": {strings.ToLower(user)},
		"command": {"/liaison"}, "text": {text},
		"response_url": {l.fake.URL + "/respond/" + key},
		"trigger_id":   {key + ".load"},
		"api_app_id":   {"ALOAD"},
	}.Encode()
	res := result{kind: kind}
	start := time.Now()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, l.base+"/slack/commands", strings.NewReader(body))
	if err != nil {
		res.problem = "request: " + err.Error()
		return res
	}
	req.Header = slack.Sign(l.secret, []byte(body), time.Now())
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := l.client.Do(req)
	if err != nil {
		res.latency, res.problem = time.Since(start), "transport: "+err.Error()
		return res
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	res.latency = time.Since(start)
	reply := string(b)
	switch {
	case resp.StatusCode != http.StatusOK:
		res.problem = fmt.Sprintf("HTTP %d", resp.StatusCode)
	case strings.TrimSpace(reply) == "":
		res.late = true // checked when the response_url post arrives
		l.fake.expect(key, want)
	case busyText.MatchString(reply):
		res.busy, res.problem = true, "SQLITE_BUSY in the reply"
	case errorText.MatchString(reply):
		res.problem = "error text in the reply"
	case !strings.Contains(reply, want):
		res.problem = fmt.Sprintf("reply lacks %q", want)
	}
	if m := submittedRef.FindStringSubmatch(reply); m != nil {
		id, _ := strconv.ParseInt(m[1], 10, 64)
		for {
			cur := l.maxLS.Load()
			if id <= cur || l.maxLS.CompareAndSwap(cur, id) {
				break
			}
		}
	}
	return res
}

// report is what a run measured.
type report struct {
	elapsed    time.Duration
	window     time.Duration
	all        []result
	byKind     map[string][]result
	problems   map[string]int
	busy       int
	late       int
	lateBad    map[string]int
	logScanned bool
	logErrors  int
	logWarns   int
	logBusy    int
	logSample  []string
}

func (l *loader) report(elapsed time.Duration) *report {
	r := &report{elapsed: elapsed, byKind: map[string][]result{}, problems: map[string]int{}, all: l.results, window: l.window}
	for _, res := range l.results {
		r.byKind[res.kind] = append(r.byKind[res.kind], res)
		if res.problem != "" {
			r.problems[res.kind+": "+res.problem]++
		}
		if res.busy {
			r.busy++
		}
		if res.late {
			r.late++
		}
	}
	r.lateBad = l.fake.checkLate()
	for k, n := range r.lateBad {
		r.problems["late answer: "+k] += n
		if strings.Contains(k, "SQLITE_BUSY") {
			r.busy += n
		}
	}
	return r
}

// scanLog counts the server log's errors, warnings and SQLITE_BUSY lines.
func (r *report) scanLog(path string) {
	b, err := os.ReadFile(path)
	if err != nil {
		return
	}
	r.logScanned = true
	for _, line := range strings.Split(string(b), "\n") {
		bad := false
		if busyText.MatchString(line) {
			r.logBusy++
			bad = true
		}
		if strings.Contains(line, "level=ERROR") {
			r.logErrors++
			bad = true
		}
		if strings.Contains(line, "level=WARN") {
			r.logWarns++
			bad = true
		}
		if bad && len(r.logSample) < 5 {
			r.logSample = append(r.logSample, line)
		}
	}
}

func (r *report) print(w io.Writer, mem []memSample) {
	var all []time.Duration
	total, errs := 0, 0
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "command\trequests\terrors\tp50\tp90\tp99\tmax\t")
	for _, kind := range []string{"contact", "list", "show", "submit"} {
		rs := r.byKind[kind]
		if len(rs) == 0 {
			continue
		}
		lat := make([]time.Duration, len(rs))
		e := 0
		for i, x := range rs {
			lat[i] = x.latency
			if x.problem != "" {
				e++
			}
		}
		all = append(all, lat...)
		total += len(rs)
		errs += e
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\n", kind, len(rs), e, percentiles(lat))
	}
	for _, n := range r.lateBad {
		errs += n
	}
	fmt.Fprintf(tw, "all\t%d\t%d\t%s\n", total, errs, percentiles(all))
	tw.Flush()
	fmt.Fprintf(w, "%d requests in %s: %.0f requests/s; %d errors; SQLITE_BUSY/locked: %d in replies, %s in the server log; %d late answers (empty ack, then response_url)\n",
		total, r.elapsed.Round(time.Millisecond), float64(total)/r.elapsed.Seconds(), errs, r.busy, logCount(r.logScanned, r.logBusy), r.late)
	if len(r.problems) > 0 {
		var kinds []string
		for k, n := range r.problems {
			kinds = append(kinds, fmt.Sprintf("  %s: %d", k, n))
		}
		slices.Sort(kinds)
		fmt.Fprintf(w, "errors:\n%s\n", strings.Join(kinds, "\n"))
	}
	switch {
	case !r.logScanned:
		fmt.Fprintln(w, "server log: not read (-url: check the server's own log)")
	case r.logErrors+r.logWarns > 0:
		fmt.Fprintf(w, "server log: %d errors, %d warnings, e.g.:\n  %s\n", r.logErrors, r.logWarns, strings.Join(r.logSample, "\n  "))
	default:
		fmt.Fprintln(w, "server log: no errors or warnings")
	}
	r.printWindows(w)
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "memory\tRSS\theap in use\tgoroutines\toutbox pending\t")
	for _, m := range mem {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t\n", m.when, mib(m.rss), mib(m.heapInuse), num(m.goroutines), num(m.outbox))
	}
	tw.Flush()
}

// printWindows shows latency over time: a run that slows down as its
// database grows shows it here.
func (r *report) printWindows(w io.Writer) {
	if r.window <= 0 || len(r.all) == 0 {
		return
	}
	// Requests are sent during the run's -duration only; the last window
	// takes the stragglers.
	n := max(1, int((r.elapsed+r.window/2)/r.window))
	lat := make([][]time.Duration, n)
	for _, x := range r.all {
		i := min(int(x.at/r.window), n-1)
		lat[i] = append(lat[i], x.latency)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "sent in\trequests\trequests/s\tp50\tp90\tp99\tmax\t")
	for i, l := range lat {
		if len(l) == 0 {
			continue
		}
		from, to := time.Duration(i)*r.window, time.Duration(i+1)*r.window
		if i == n-1 {
			to = r.elapsed
		}
		fmt.Fprintf(tw, "%s–%s\t%d\t%.0f\t%s\n", from.Round(time.Second), to.Round(time.Second), len(l),
			float64(len(l))/(to-from).Seconds(), percentiles(l))
	}
	tw.Flush()
}
