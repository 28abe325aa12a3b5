package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
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

	"github.com/ietf-tools/liaisonbot/bot/zulip/zuliptest"
	"github.com/ietf-tools/liaisonbot/internal/pgtest"
)

// The replicas' crash test: three serve processes (the built binary) on
// one PostgreSQL database, behind a "load balancer" (the clients spread
// signed slash commands over them, and send again to a survivor what a
// dead replica refused), with Slack and Zulip (the fakes) configured. The
// Zulip event queue's leader is SIGKILLed mid-load. Then:
//   - every submission answered "Submitted" is in the database, once;
//   - every outbox row (each statement's notice, and each reminder: the
//     submissions have a deadline a week away, so every replica's sweep,
//     running every second, finds a reminder due) is delivered, to Slack
//     and to Zulip; a delivery happens twice only within the documented
//     window: a row the dead replica had claimed;
//   - each reminder is recorded once, whichever replica swept;
//   - the Zulip lead moves to a survivor, which answers a message once.
func TestReplicas_SIGKILLTheZulipLeaderMidLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary three times; skipped with -short")
	}
	dbURL := pgtest.Schema(t)
	dir := t.TempDir()
	bin := buildBinary(t, dir)
	fake := newFakeSlack(t)
	z := zuliptest.NewServer(t)
	z.AddChannel("liaison")
	asker := z.AddUser(zuliptest.User{FullName: "Ada Asker"})

	const replicas, submissions, clients = 3, 240, 8
	deadline := time.Now().UTC().AddDate(0, 0, 7).Format("2006-01-02")
	addrs := make([]string, replicas)
	procs := make([]*proc, replicas)
	envOf := func(i int) []string {
		return []string{
			"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "TMPDIR=" + dir,
			"LIAISONBOT_DATABASE_URL=" + dbURL, "LIAISONBOT_ADDR=" + addrs[i], "LIAISONBOT_LOG_LEVEL=info",
			"SLACK_BOT_TOKEN=xoxb-test", "SLACK_SIGNING_SECRET=" + testSigningSecret, "SLACK_API_URL=" + fake.apiURL(),
			"LIAISONBOT_SLACK_CHANNEL=CLIAISON", "LIAISONBOT_SLACK_PACE=1ms", "LIAISONBOT_ADMINS=slack:UREPL00",
			"ZULIP_SITE=" + z.URL, "ZULIP_EMAIL=" + z.Bot.Email, "ZULIP_API_KEY=" + z.APIKey, "LIAISONBOT_ZULIP_STREAM=liaison",
			"LIAISONBOT_REMINDER_INTERVAL=1s", "LIAISONBOT_REMINDER_SEND_AT=00:00", "LIAISONBOT_REMINDER_DAYS_BEFORE=7",
		}
	}
	for i := range replicas {
		addrs[i] = freeAddr(t)
		procs[i] = startBinary(t, bin, envOf(i), filepath.Join(dir, fmt.Sprintf("replica%d.log", i)))
	}
	for i := range replicas {
		waitHealthy(t, "http://"+addrs[i], procs[i])
	}
	leaderOf := func() []int {
		var out []int
		for i := range replicas {
			select {
			case <-procs[i].exited:
				continue
			default:
			}
			if metricValue("http://"+addrs[i], "liaisonbot_zulip_queue_leader") == 1 {
				out = append(out, i)
			}
		}
		return out
	}
	waitUntil(t, "one Zulip leader among the replicas", 60*time.Second, func() bool { return len(leaderOf()) == 1 })
	leader := leaderOf()[0]
	t.Logf("replica %d consumes the Zulip event queue", leader)

	// The load: signed slash commands over the replicas; the leader is
	// killed once a third of them are answered.
	type result struct {
		state int
		ls    int64
	}
	results := make([]result, submissions)
	var answered atomic.Int64
	var dead atomic.Int32
	dead.Store(-1)
	client := &http.Client{Timeout: 30 * time.Second}
	killedAt := make(chan time.Time, 1)
	go func() {
		for answered.Load() < submissions/3 {
			time.Sleep(time.Millisecond)
		}
		procs[leader].cmd.Process.Kill() // SIGKILL
		dead.Store(int32(leader))
		killedAt <- time.Now()
	}()
	jobs := make(chan int, submissions)
	for i := range submissions {
		jobs <- i
	}
	close(jobs)
	var wg sync.WaitGroup
	for c := range clients {
		wg.Go(func() {
			for i := range jobs {
				title := fmt.Sprintf("replica-crash-%04d", i)
				text := fmt.Sprintf(`submit to=3GPP from=opsawg purpose=action deadline=%s title="%s" body="Replica test %d."`, deadline, title, i)
				for attempt := 0; ; attempt++ {
					r := (i + c + attempt) % replicas
					if int(dead.Load()) == r {
						continue // the load balancer took it out
					}
					code, body, err := postSigned(context.Background(), client, "http://"+addrs[r]+"/slack/commands", testSigningSecret,
						slashBody(fmt.Sprintf("UREPL%02d", i%20), text, fake.responseURL(title)))
					m := submittedRef.FindStringSubmatch(body)
					switch {
					case err != nil && errors.Is(err, syscall.ECONNREFUSED) && attempt < 10:
						continue // never reached the replica: send it to another
					case err != nil:
						results[i].state = subUnknown // cut off by the kill: it may or may not be in
					case code == http.StatusOK && m != nil:
						results[i].state = subAnswered
						results[i].ls, _ = strconv.ParseInt(m[1], 10, 64)
						answered.Add(1)
					case code == http.StatusOK && strings.TrimSpace(body) == "":
						results[i].state = subAcked
					default:
						results[i].state = subError
						t.Errorf("%s: HTTP %d %.200s", title, code, body)
					}
					break
				}
			}
		})
	}
	wg.Wait()
	kill := <-killedAt
	<-procs[leader].exited
	t.Logf("%d of %d submissions answered; replica %d SIGKILLed at %s", answered.Load(), submissions, leader, kill.Format(time.TimeOnly))

	// What the dead replica held: claimed rows, the only ones that may go
	// out twice.
	raw, err := sql.Open("pgx", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	deadOwner := regexp.MustCompile(`\|` + regexp.QuoteMeta(addrs[leader]) + `\|`)
	var owners []string
	rows, err := raw.Query(`SELECT DISTINCT claimed_by FROM outbox WHERE status = 'pending' AND claimed_until > $1`, kill.UnixMilli())
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var o string
		rows.Scan(&o)
		owners = append(owners, o)
	}
	rows.Close()
	window := 0
	for _, o := range owners {
		if deadOwner.MatchString(o) {
			raw.QueryRow(`SELECT COUNT(*) FROM outbox WHERE status = 'pending' AND claimed_by = $1`, o).Scan(&window)
		}
	}

	// The lead moves to a survivor, which answers a Zulip message once.
	waitUntil(t, "a survivor takes the Zulip lead", 60*time.Second, func() bool {
		l := leaderOf()
		return len(l) == 1 && l[0] != leader
	})
	t.Logf("replica %d leads now (%s after the kill)", leaderOf()[0], time.Since(kill).Round(100*time.Millisecond))
	before := len(z.Messages())
	z.PushDM(asker.ID, "help")
	waitUntil(t, "the answer on Zulip", 60*time.Second, func() bool { return len(dmsTo(z.Messages()[before:], asker.ID)) >= 1 })

	// The drain.
	survivor := (leader + 1) % replicas
	waitUntil(t, "the outbox drains", 5*time.Minute, func() bool { return outboxPending("http://"+addrs[survivor]) == 0 })
	time.Sleep(3 * time.Second) // a reminder sweep or a doubled answer would show by now
	if n := len(dmsTo(z.Messages()[before:], asker.ID)); n != 1 {
		t.Errorf("the Zulip message was answered %d times, want once", n)
	}
	for i := range replicas {
		if i != leader {
			stopProc(t, procs[i])
		}
	}

	// The database: every answered submission, once, with its notice and
	// its reminder recorded once.
	byTitle := map[string]int64{}
	rows, err = raw.Query(`SELECT id, title FROM statements`)
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
	lost := 0
	for i, r := range results {
		title := fmt.Sprintf("replica-crash-%04d", i)
		if r.state == subAnswered {
			if id, ok := byTitle[title]; !ok || id != r.ls {
				lost++
				t.Errorf("%s was answered as LS-%d; in the database: %d (%v)", title, r.ls, id, ok)
			}
		}
	}
	var reminded, remindedKeys, remindersSent int
	raw.QueryRow(`SELECT COUNT(*), COUNT(DISTINCT (statement_id, reminder)) FROM statement_events WHERE type = 'reminded'`).Scan(&reminded, &remindedKeys)
	raw.QueryRow(`SELECT COUNT(*) FROM reminders_sent`).Scan(&remindersSent)
	if reminded != remindedKeys || reminded != remindersSent {
		t.Errorf("reminders: %d events for %d (statement, reminder) keys, %d recorded: one each expected", reminded, remindedKeys, remindersSent)
	}
	if reminded < len(byTitle)*9/10 {
		t.Errorf("only %d reminders for %d statements with a deadline a week away", reminded, len(byTitle))
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
	if statuses["pending"] != 0 || statuses["failed"] != 0 {
		t.Errorf("outbox after the drain: %v", statuses)
	}
	// Each outbox row, delivered: per statement, as many posts on each
	// platform as it has rows there; more only within the window.
	wantSlack, wantZulip := map[string]int{}, map[string]int{}
	rows, err = raw.Query(`SELECT s.title, o.platform, COUNT(*) FROM outbox o JOIN statements s ON s.id = o.statement_id GROUP BY s.title, o.platform`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var title, platform string
		var n int
		rows.Scan(&title, &platform, &n)
		if platform == "slack" {
			wantSlack[title] = n
		} else {
			wantZulip[title] = n
		}
	}
	rows.Close()
	title := regexp.MustCompile(`replica-crash-\d{4}`)
	gotSlack, gotZulip := map[string]int{}, map[string]int{}
	for _, p := range fake.postsTo("CLIAISON") {
		gotSlack[title.FindString(p.Text+p.Blocks)]++
	}
	for _, m := range z.Messages() {
		if m.Channel == "liaison" {
			gotZulip[title.FindString(m.Topic+" "+m.Content)]++
		}
	}
	dups, missing := 0, 0
	for _, c := range []struct {
		name      string
		want, got map[string]int
	}{{"Slack", wantSlack, gotSlack}, {"Zulip", wantZulip, gotZulip}} {
		for t2, n := range c.want {
			switch g := c.got[t2]; {
			case g < n:
				missing += n - g
				t.Errorf("%s: %s got %d posts for %d outbox rows", c.name, t2, g, n)
			case g > n:
				dups += g - n
			}
		}
	}
	t.Logf("statements %d (answered %d, lost %d); outbox %v; reminders %d, each once; posts: Slack %d, Zulip %d; "+
		"%d missing, %d doubled (window: %d rows claimed by the dead replica)",
		len(byTitle), answered.Load(), lost, statuses, reminded, len(fake.postsTo("CLIAISON")), len(z.Messages()), missing, dups, window)
	if dups > window {
		t.Errorf("%d deliveries doubled; the window allows %d", dups, window)
	}
	var live []*proc
	for i := range replicas {
		if i != leader {
			live = append(live, procs[i])
		}
	}
	checkLogs(t, live...)
}

// metricValue reads one unlabelled metric from /metrics (-1 when it
// cannot).
func metricValue(base, name string) float64 {
	c := &http.Client{Timeout: 2 * time.Second}
	resp, err := c.Get(base + "/metrics")
	if err != nil {
		return -1
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	l := metricLine(string(b), name+" ")
	v, err := strconv.ParseFloat(strings.TrimPrefix(l, name+" "), 64)
	if l == "" || err != nil {
		return -1
	}
	return v
}

// waitUntil polls cond until it holds; the limit only guards against
// hanging.
func waitUntil(t *testing.T, what string, limit time.Duration, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(limit); !cond(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatalf("gave up waiting %s: %s", limit, what)
		}
	}
}

// dmsTo are the direct messages among ms that reach user.
func dmsTo(ms []zuliptest.SentMessage, user int64) []zuliptest.SentMessage {
	var out []zuliptest.SentMessage
	for _, m := range ms {
		if m.IsDM() && slices.Contains(m.To, user) {
			out = append(out, m)
		}
	}
	return out
}
