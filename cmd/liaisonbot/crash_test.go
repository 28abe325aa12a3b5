package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
	"github.com/ietf-tools/liaisonbot/storage/storagetest"
)

// The crash test: the real binary takes 1,000 statement submissions over
// HTTP at full speed and is killed with SIGKILL at a random moment, while
// another process on the same database delivers notices alongside it; a
// restart of the killed one finishes the work. Nothing answered as
// submitted may be missing, every notice must reach the (fake) Slack, and
// the only duplicates allowed are those of the documented window: a notice
// Slack accepted whose "sent" mark the crash lost. The dispatcher delivers
// one notice at a time per channel, so that window holds at most one notice
// per channel that had rows claimed at the kill.
//
// LIAISONBOT_CRASH_SEED=<n> replays a run. The rows the killed process had
// claimed (their number bounds the duplicates) are taken back at once by the
// restarted process: same host, address and database, so the same
// dispatcher name.

const (
	crashSubmissions = 1000
	crashClients     = 16
	crashUsers       = 25
)

// submission states
const (
	subNotSent  = iota
	subAnswered // the HTTP answer said "Submitted LS-n"
	subAcked    // an empty acknowledgement: the answer goes to response_url
	subUnknown  // sent, then the connection died: it may or may not be in
	subRefused  // the connection was refused: the server never saw it
	subError    // any other answer: a failure
)

type submission struct {
	state int
	ls    int64
	phase int // 1: before the kill, 2: after the restart
	err   string
}

var (
	submittedRef = regexp.MustCompile(`Submitted LS-(\d+)`)
	crashTitle   = regexp.MustCompile(`crash-(\d{4})`)
	lsRef        = regexp.MustCompile(`LS-(\d+)`)
)

func crashTitleOf(i int) string { return fmt.Sprintf("crash-%04d", i) }

func TestCrash_SIGKILLDuringSubmissionsLosesNothingAndDoublesOnlyTheWindow(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary; skipped with -short")
	}
	dir := t.TempDir()
	bin := buildBinary(t, dir)

	seed := crashSeed(t)
	rng := rand.New(rand.NewPCG(seed, 0x11a150))
	killAfter := 50 + rng.IntN(850)
	killDelay := time.Duration(rng.IntN(20_000)) * time.Microsecond
	t.Logf("seed %d (LIAISONBOT_CRASH_SEED=%d replays it): SIGKILL %s after answered submission number %d",
		seed, seed, killDelay, killAfter)

	fake := newFakeSlack(t)
	addr := freeAddr(t)
	base := "http://" + addr
	dbPath := filepath.Join(dir, "bot.db")
	env := []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "TMPDIR=" + dir,
		"LIAISONBOT_DB=" + dbPath, "LIAISONBOT_ADDR=" + addr, "LIAISONBOT_LOG_LEVEL=info",
		"SLACK_BOT_TOKEN=xoxb-test", "SLACK_SIGNING_SECRET=" + testSigningSecret, "SLACK_API_URL=" + fake.apiURL(),
		"LIAISONBOT_SLACK_CHANNEL=CLIAISON", "LIAISONBOT_SLACK_PACE=1ms", "LIAISONBOT_ADMINS=slack:UCRASH00",
	}

	subs := make([]submission, crashSubmissions)
	var subsMu sync.Mutex
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: crashClients}}
	submit := func(phase, i int, answered *atomic.Int64) {
		user := fmt.Sprintf("UCRASH%02d", i%crashUsers)
		text := fmt.Sprintf(`submit to=3GPP from=opsawg purpose=info title="%s" body="Crash test statement %d."`, crashTitleOf(i), i)
		code, body, err := postSigned(context.Background(), client, base+"/slack/commands", testSigningSecret,
			slashBody(user, text, fake.responseURL(crashTitleOf(i))))
		s := submission{phase: phase}
		switch m := submittedRef.FindStringSubmatch(body); {
		case err != nil && errors.Is(err, syscall.ECONNREFUSED):
			s.state = subRefused
		case err != nil:
			s.state, s.err = subUnknown, err.Error()
		case code == http.StatusOK && m != nil:
			s.state = subAnswered
			s.ls, _ = strconv.ParseInt(m[1], 10, 64)
			answered.Add(1)
		case code == http.StatusOK && strings.TrimSpace(body) == "":
			s.state = subAcked
		default:
			s.state, s.err = subError, fmt.Sprintf("HTTP %d: %.300s", code, body)
		}
		subsMu.Lock()
		subs[i] = s
		subsMu.Unlock()
	}
	// send runs the clients over the indexes until they are used up or
	// stop is set.
	send := func(phase int, indexes []int, stop *atomic.Bool, answered *atomic.Int64) {
		jobs := make(chan int, len(indexes))
		for _, i := range indexes {
			jobs <- i
		}
		close(jobs)
		var wg sync.WaitGroup
		for range crashClients {
			wg.Go(func() {
				for i := range jobs {
					if stop.Load() {
						return
					}
					submit(phase, i, answered)
				}
			})
		}
		wg.Wait()
	}

	// Run 1: submissions at full speed, SIGKILL at a random moment.
	p1 := startBinary(t, bin, env, filepath.Join(dir, "run1.log"))
	waitHealthy(t, base, p1)
	// A second process on the same database the whole time: its dispatcher
	// competes for the same notices (it takes no submissions).
	addr2 := freeAddr(t)
	env2 := append(slices.Clone(env), "LIAISONBOT_ADDR="+addr2) // the later value wins
	other := startBinary(t, bin, env2, filepath.Join(dir, "other.log"))
	waitHealthy(t, "http://"+addr2, other)
	var killed atomic.Bool
	var answered1 atomic.Int64
	killedAt := make(chan time.Time, 1)
	go func() {
		for answered1.Load() < int64(killAfter) && !killed.Load() {
			time.Sleep(200 * time.Microsecond)
		}
		time.Sleep(killDelay)
		p1.cmd.Process.Kill() // SIGKILL
		killedAt <- time.Now()
		killed.Store(true)
	}()
	all := make([]int, crashSubmissions)
	for i := range all {
		all[i] = i
	}
	phase1Start := time.Now()
	var stopped1 atomic.Bool
	go func() {
		<-p1.exited
		stopped1.Store(true) // the clients stop; what is left goes to run 2
	}()
	send(1, all, &stopped1, &answered1)
	if !killed.Load() {
		killed.Store(true) // every submission went through before the kill moment: kill now
		p1.cmd.Process.Kill()
		t.Logf("all submissions were answered before the kill moment; killed at the end instead")
	}
	<-p1.exited
	kill := <-killedAt
	if p1.cmd.ProcessState.Success() {
		t.Fatalf("the first process exited cleanly instead of being killed")
	}
	t.Logf("run 1: %d submissions answered in %s before the SIGKILL (%s)", answered1.Load(),
		kill.Sub(phase1Start).Round(time.Millisecond), p1.cmd.ProcessState)

	// What the dead process held: rows claimed and not marked sent. Only
	// these can be delivered twice (the other process's claims are its own).
	raw := rawDB(t, dbPath)
	nowMS := time.Now().UnixMilli()
	var claimed, claimedChannels int
	if err := raw.QueryRow(`SELECT COUNT(*), COUNT(DISTINCT platform || '|' || channel || '|' || user_id) FROM outbox
		WHERE status = 'pending' AND claimed_by = ? AND claimed_until > ?`, dispatcherName(t, addr, dbPath), nowMS).
		Scan(&claimed, &claimedChannels); err != nil {
		t.Fatal(err)
	}
	var pendingAtKill int
	raw.QueryRow(`SELECT COUNT(*) FROM outbox WHERE status = 'pending'`).Scan(&pendingAtKill)
	raw.Close()
	t.Logf("at the kill: %d notices pending, %d of them claimed by the dead process (in %d channel(s))",
		pendingAtKill, claimed, claimedChannels)

	// Run 2: same database; the rest of the submissions, then the drain.
	var left []int
	refused := 0
	for i, s := range subs {
		if s.state == subNotSent || s.state == subRefused {
			left = append(left, i)
		}
		if s.state == subRefused {
			refused++
		}
	}
	client.CloseIdleConnections() // connections to the dead process
	restart := time.Now()
	p2 := startBinary(t, bin, env, filepath.Join(dir, "run2.log"))
	waitHealthy(t, base, p2)
	var answered2 atomic.Int64
	var never atomic.Bool
	send(2, left, &never, &answered2)
	// The restart takes back the dead process's claims at once instead of
	// waiting for their one-minute lease to expire: its log says so (a
	// fact, not a race against the clock on a loaded machine).
	if claimed > 0 {
		tookBack := regexp.MustCompile(`took back notices claimed before a restart".* count=(\d+)`)
		var m []string
		for deadline := time.Now().Add(30 * time.Second); m == nil && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			log, _ := os.ReadFile(p2.logPath)
			m = tookBack.FindStringSubmatch(string(log))
		}
		took := -1
		if m != nil {
			took, _ = strconv.Atoi(m[1])
		}
		if took < claimed {
			t.Errorf("the restart took back %d notices, want the %d the dead process held:\n%s", took, claimed, tail(p2.logPath, 20))
		}
	}
	// The drain: the deadline only guards against hanging.
	drainTimeout := 5 * time.Minute
	pending := -1
	for deadline := time.Now().Add(drainTimeout); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if pending = outboxPending(base); pending == 0 {
			break
		}
	}
	drained := time.Since(restart)
	if pending != 0 {
		t.Errorf("the outbox did not drain within %s of the restart: %d pending", drainTimeout, pending)
	}
	stopProc(t, p2)
	stopProc(t, other)

	// Late answers: an empty acknowledgement followed by a response_url post.
	for i := range subs {
		if subs[i].state != subAcked {
			continue
		}
		subs[i].state = subUnknown
		for _, b := range fake.responsesFor(crashTitleOf(i)) {
			if m := submittedRef.FindStringSubmatch(b); m != nil {
				subs[i].state = subAnswered
				subs[i].ls, _ = strconv.ParseInt(m[1], 10, 64)
			}
		}
	}

	// The figures.
	count := map[[2]int]int{}
	for _, s := range subs {
		count[[2]int{s.phase, s.state}]++
	}
	ok1, ok2 := count[[2]int{1, subAnswered}], count[[2]int{2, subAnswered}]
	t.Logf("submissions answered \"Submitted\": %d before the kill, %d after the restart (%d in all); "+
		"%d cut off by the kill (outcome unknown to the client), %d refused during the kill and sent again after the restart, %d errors",
		ok1, ok2, ok1+ok2, count[[2]int{1, subUnknown}]+count[[2]int{2, subUnknown}], refused,
		count[[2]int{1, subError}]+count[[2]int{2, subError}])
	for i, s := range subs {
		if s.state == subError || (s.phase == 2 && s.state != subAnswered) {
			t.Errorf("%s (run %d): %s", crashTitleOf(i), s.phase, s.err)
		}
		if s.phase == 0 {
			t.Errorf("%s was never sent", crashTitleOf(i))
		}
	}

	// The database: every answered submission with its events; one notice
	// per statement, all sent.
	ctx := context.Background()
	db := storagetest.Open(t, storagetest.Path(dbPath), storagetest.Unseeded())
	raw = rawDB(t, dbPath)
	byTitle := map[string]int64{}
	rows, err := raw.Query(`SELECT id, title FROM statements`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		var title string
		rows.Scan(&id, &title)
		if _, dup := byTitle[title]; dup {
			t.Errorf("%s is in the database twice", title)
		}
		byTitle[title] = id
	}
	rows.Close()
	for i, s := range subs {
		if s.state != subAnswered {
			continue
		}
		title := crashTitleOf(i)
		id, ok := byTitle[title]
		if !ok {
			t.Errorf("%s was answered as LS-%d but is not in the database", title, s.ls)
			continue
		}
		if id != s.ls {
			t.Errorf("%s was answered as LS-%d but is LS-%d in the database", title, s.ls, id)
		}
		st, err := db.Statement(ctx, id)
		if err != nil || st.Title != title || st.State != bot.StatePending {
			t.Errorf("LS-%d: %v %+v", id, err, st)
			continue
		}
		events, err := db.Events(ctx, id)
		if err != nil || len(events) == 0 || events[0].Type != bot.EventSubmitted || events[0].ByKey == "" {
			t.Errorf("LS-%d's events: %v %+v", id, err, events)
		}
	}
	statuses := map[string]int{}
	rows, err = raw.Query(`SELECT status, COUNT(*) FROM outbox GROUP BY status`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var st string
		var n int
		rows.Scan(&st, &n)
		statuses[st] = n
	}
	rows.Close()
	if statuses["pending"] != 0 || statuses["failed"] != 0 || statuses["sent"] != len(byTitle) {
		t.Errorf("outbox after the drain: %v; want %d sent (one per statement), nothing else", statuses, len(byTitle))
	}
	var statementsWithoutOneNotice int
	raw.QueryRow(`SELECT COUNT(*) FROM statements s WHERE (SELECT COUNT(*) FROM outbox o WHERE o.statement_id = s.id) != 1`).
		Scan(&statementsWithoutOneNotice)
	if statementsWithoutOneNotice != 0 {
		t.Errorf("%d statements do not have exactly one outbox row", statementsWithoutOneNotice)
	}

	// The fake Slack: every statement's notice in the liaison channel,
	// duplicates only within the window.
	got := map[string]int{}
	for _, p := range fake.postsTo("CLIAISON") {
		m := crashTitle.FindString(p.Text + p.Blocks)
		id, ok := byTitle[m]
		if !ok {
			t.Errorf("a notice for no statement in the database: %.200s", p.Text)
			continue
		}
		if ref := lsRef.FindStringSubmatch(p.Text); ref == nil || ref[1] != strconv.FormatInt(id, 10) {
			t.Errorf("the notice for %s (LS-%d) says %.200s", m, id, p.Text)
		}
		got[m]++
	}
	dups, missing := 0, 0
	for title := range byTitle {
		switch n := got[title]; {
		case n == 0:
			missing++
			if missing <= 10 {
				t.Errorf("the notice for %s (LS-%d) was never delivered", title, byTitle[title])
			}
		case n > 1:
			dups += n - 1
			t.Logf("the notice for %s was delivered %d times", title, n)
		}
	}
	others := len(fake.allPosts()) - len(fake.postsTo("CLIAISON"))
	t.Logf("statements in the database: %d; notices delivered to the liaison channel: %d (%d missing, %d duplicates; "+
		"%d claimed at the kill in %d channel(s)); other posts: %d; drained %s after the restart",
		len(byTitle), len(fake.postsTo("CLIAISON")), missing, dups, claimed, claimedChannels, others, drained.Round(time.Millisecond))
	if bound := min(claimed, claimedChannels); dups > bound {
		t.Errorf("%d duplicate notices; the window allows at most %d (rows claimed at the kill %d, one delivery in flight per channel, %d channel(s))",
			dups, bound, claimed, claimedChannels)
	}
	if others != 0 {
		t.Errorf("%d messages posted outside the liaison channel", others)
	}
	if len(byTitle) < ok1+ok2 {
		t.Errorf("%d statements in the database for %d answered submissions", len(byTitle), ok1+ok2)
	}
	checkLogs(t, p1, p2, other)
	if t.Failed() {
		t.Logf("run 2's log ends:\n%s", tail(p2.logPath, 20))
	}
}

// crashSeed is LIAISONBOT_CRASH_SEED (to replay a run), else a new seed.
func crashSeed(t *testing.T) uint64 {
	t.Helper()
	if s := os.Getenv("LIAISONBOT_CRASH_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("LIAISONBOT_CRASH_SEED: %v", err)
		}
		return n
	}
	return uint64(time.Now().UnixNano())
}

// stopProc stops a serve process with SIGTERM and checks that it exits
// cleanly within 30 s.
func stopProc(t *testing.T, p *proc) {
	t.Helper()
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(30 * time.Second):
		p.cmd.Process.Kill()
		t.Fatalf("%s: the process did not stop within 30s of SIGTERM", filepath.Base(p.logPath))
	}
	if !p.cmd.ProcessState.Success() {
		t.Errorf("%s: the process exited with %s after SIGTERM:\n%s", filepath.Base(p.logPath), p.cmd.ProcessState, tail(p.logPath, 30))
	}
}

// checkLogs fails the test on a panic, a locked database or an error in a
// process's log.
func checkLogs(t *testing.T, procs ...*proc) {
	t.Helper()
	for _, p := range procs {
		log, _ := os.ReadFile(p.logPath)
		for _, bad := range []string{"panic", "database is locked", "SQLITE_BUSY", "level=ERROR"} {
			if strings.Contains(string(log), bad) {
				t.Errorf("%s shows %q:\n%s", filepath.Base(p.logPath), bad, grepLines(string(log), bad))
			}
		}
	}
}

// buildBinary builds liaisonbot into dir.
func buildBinary(t testing.TB, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "liaisonbot")
	start := time.Now()
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	t.Logf("built the binary in %s", time.Since(start).Round(time.Millisecond))
	return bin
}

// dispatcherName is the outbox lease holder's name of a serve process
// (serve.go: host, listen address, database).
func dispatcherName(t *testing.T, addr, db string) string {
	t.Helper()
	host, err := os.Hostname()
	if err != nil {
		t.Fatal(err)
	}
	return host + "|" + addr + "|" + db
}

// The scenario of issue 12 with real processes: Slack takes 100 ms a call
// and the lease is 1.2 s (the 5 s and the minute of production, both cut by
// 50, with Slack's pace too), 20 notices, two serve processes on one
// database; one of them is killed with SIGKILL in the middle of the
// deliveries and not restarted. The other delivers everything; the only
// duplicate allowed is the notice the killed process had in flight (Slack
// took it, the "sent" mark died with the process), one at most: a
// process delivers one notice at a time per channel.
//
// LIAISONBOT_CRASH_SEED=<n> replays a run.
func TestCrash_TwoProcessesOnASlowSlackDeliverEachNoticeOnceAcrossASIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary; skipped with -short")
	}
	dir := t.TempDir()
	bin := buildBinary(t, dir)
	seed := crashSeed(t)
	rng := rand.New(rand.NewPCG(seed, 0x510))
	const notices = 20
	killAfter := 2 + rng.IntN(10) // posts Slack took before the kill
	t.Logf("seed %d (LIAISONBOT_CRASH_SEED=%d replays it): SIGKILL after Slack took %d posts", seed, seed, killAfter)

	fake := newFakeSlack(t)
	fake.postDelay.Store(int64(100 * time.Millisecond))
	dbPath := filepath.Join(dir, "bot.db")
	addr1, addr2 := freeAddr(t), freeAddr(t)
	envFor := func(addr string) []string {
		return []string{
			"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "TMPDIR=" + dir,
			"LIAISONBOT_DB=" + dbPath, "LIAISONBOT_ADDR=" + addr, "LIAISONBOT_LOG_LEVEL=info",
			"SLACK_BOT_TOKEN=xoxb-test", "SLACK_SIGNING_SECRET=" + testSigningSecret, "SLACK_API_URL=" + fake.apiURL(),
			"LIAISONBOT_SLACK_CHANNEL=CLIAISON", "LIAISONBOT_SLACK_PACE=20ms", "LIAISONBOT_OUTBOX_LEASE=1200ms",
			"LIAISONBOT_ADMINS=slack:USLOW00",
		}
	}
	p1 := startBinary(t, bin, envFor(addr1), filepath.Join(dir, "p1.log"))
	waitHealthy(t, "http://"+addr1, p1)
	p2 := startBinary(t, bin, envFor(addr2), filepath.Join(dir, "p2.log"))
	waitHealthy(t, "http://"+addr2, p2)

	// 20 statements, half through each process: 20 notices for the liaison
	// channel, which both dispatchers go after.
	client := &http.Client{Timeout: 30 * time.Second}
	titles := map[string]bool{}
	for i := range notices {
		base := "http://" + addr1
		if i%2 == 1 {
			base = "http://" + addr2
		}
		title := fmt.Sprintf("slow-%04d", i)
		titles[title] = true
		text := fmt.Sprintf(`submit to=3GPP from=opsawg purpose=info title="%s" body="Slow Slack statement %d."`, title, i)
		code, body, err := postSigned(context.Background(), client, base+"/slack/commands", testSigningSecret,
			slashBody(fmt.Sprintf("USLOW%02d", i%5), text, fake.responseURL(title)))
		if err != nil || code != http.StatusOK || !submittedRef.MatchString(body) {
			t.Fatalf("submission %d: %d %v %.200s", i, code, err, body)
		}
	}

	// The kill, in the middle of the deliveries.
	for deadline := time.Now().Add(60 * time.Second); len(fake.postsTo("CLIAISON")) < killAfter; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("Slack took %d posts in a minute", len(fake.postsTo("CLIAISON")))
		}
	}
	p1.cmd.Process.Kill() // SIGKILL
	<-p1.exited
	raw := rawDB(t, dbPath)
	owner1 := dispatcherName(t, addr1, dbPath)
	heldByDead := map[string]bool{}
	rows, err := raw.Query(`SELECT s.title FROM outbox o JOIN statements s ON s.id = o.statement_id
		WHERE o.status = 'pending' AND o.claimed_by = ? AND o.claimed_until > ?`, owner1, time.Now().UnixMilli())
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var title string
		rows.Scan(&title)
		heldByDead[title] = true
	}
	rows.Close()
	t.Logf("killed the first process after %d posts; it held %d notice(s)", len(fake.postsTo("CLIAISON")), len(heldByDead))

	// The survivor takes the dead one's claims when their lease runs out.
	pending := -1
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if err := raw.QueryRow(`SELECT COUNT(*) FROM outbox WHERE status <> 'sent'`).Scan(&pending); err != nil {
			t.Fatal(err)
		}
		if pending == 0 {
			break
		}
	}
	if pending != 0 {
		t.Errorf("%d notices not sent a minute after the kill", pending)
	}
	stopProc(t, p2)

	got := map[string]int{}
	for _, p := range fake.postsTo("CLIAISON") {
		got[regexp.MustCompile(`slow-\d{4}`).FindString(p.Text+p.Blocks)]++
	}
	dups := 0
	for title := range titles {
		switch n := got[title]; {
		case n == 0:
			t.Errorf("the notice for %s was never delivered", title)
		case n > 1:
			dups += n - 1
			t.Logf("the notice for %s was delivered %d times", title, n)
			if !heldByDead[title] {
				t.Errorf("the notice for %s was delivered twice though the dead process did not hold it", title)
			}
		}
	}
	if len(got) != len(titles) {
		t.Errorf("notices for %d titles, want %d: %v", len(got), len(titles), got)
	}
	if bound := min(len(heldByDead), 1); dups > bound {
		t.Errorf("%d duplicates; the window allows %d (the dead process's delivery in flight)", dups, bound)
	}
	checkLogs(t, p1, p2)
	if t.Failed() {
		t.Logf("the survivor's log ends:\n%s", tail(p2.logPath, 30))
	}
}

// proc is a running liaisonbot binary.
type proc struct {
	cmd     *exec.Cmd
	exited  chan struct{}
	logPath string
}

// startBinary starts "liaisonbot serve" with env, its log in logPath.
func startBinary(t testing.TB, bin string, env []string, logPath string) *proc {
	t.Helper()
	logf, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "serve")
	cmd.Env, cmd.Stdout, cmd.Stderr = env, logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &proc{cmd: cmd, exited: make(chan struct{}), logPath: logPath}
	go func() {
		cmd.Wait()
		logf.Close()
		close(p.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-p.exited:
		default:
			cmd.Process.Kill()
			<-p.exited
		}
	})
	return p
}

// waitHealthy waits until /healthz answers 200.
func waitHealthy(t testing.TB, base string, p *proc) {
	t.Helper()
	c := &http.Client{Timeout: time.Second}
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		select {
		case <-p.exited:
			t.Fatalf("liaisonbot exited at start (%s):\n%s", p.cmd.ProcessState, tail(p.logPath, 30))
		default:
		}
		resp, err := c.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
	}
	t.Fatalf("liaisonbot not healthy after 30s:\n%s", tail(p.logPath, 30))
}

// outboxPending reads liaisonbot_outbox_pending from /metrics (-1 when it
// cannot).
func outboxPending(base string) int {
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		return -1
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return -1
	}
	l := metricLine(string(b), "liaisonbot_outbox_pending ")
	n, err := strconv.ParseFloat(strings.TrimPrefix(l, "liaisonbot_outbox_pending "), 64)
	if l == "" || err != nil {
		return -1
	}
	return int(n)
}

// freeAddr returns a loopback address with a port nobody listens on.
func freeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// rawDB opens the SQLite file for checks the store has no method for.
func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=10000&_journal_mode=WAL")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	return db
}

// tail returns the last n lines of a file.
func tail(path string, n int) string {
	b, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
