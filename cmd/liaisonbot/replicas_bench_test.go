package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ietf-tools/liaisonbot/internal/pgtest"
)

// BenchmarkSlashCommand: signed /liaison commands (contact and list, and
// one submission in ten) through the built binary, spread over 1 or 3
// serve replicas as a load balancer would, on SQLite (one replica) and on
// PostgreSQL (LIAISONBOT_TEST_POSTGRES). It reports commands/s and the
// latency percentiles. On one machine the replicas share its cores with
// PostgreSQL and the clients: the figure shows the cost of the shared
// database, not what several machines would serve.
//
//	go test -run '^$' -bench SlashCommand -benchtime 2000x ./cmd/liaisonbot
func BenchmarkSlashCommand(b *testing.B) {
	dir := b.TempDir()
	bin := buildBinary(b, dir)
	for _, c := range []struct {
		name     string
		replicas int
		pg       bool
	}{{"sqlite/replicas=1", 1, false}, {"postgres/replicas=1", 1, true}, {"postgres/replicas=3", 3, true}} {
		b.Run(c.name, func(b *testing.B) {
			db := "LIAISONBOT_DB=" + filepath.Join(b.TempDir(), "bot.db")
			if c.pg {
				db = "LIAISONBOT_DATABASE_URL=" + pgtest.Schema(b)
			}
			fake := newFakeSlack(b)
			var bases []string
			for i := range c.replicas {
				addr := freeAddr(b)
				env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "TMPDIR=" + dir, db, "LIAISONBOT_ADDR=" + addr,
					"LIAISONBOT_LOG_LEVEL=warn", "SLACK_BOT_TOKEN=xoxb-test", "SLACK_SIGNING_SECRET=" + testSigningSecret,
					"SLACK_API_URL=" + fake.apiURL(), "LIAISONBOT_SLACK_CHANNEL=CLIAISON", "LIAISONBOT_SLACK_PACE=1ms"}
				p := startBinary(b, bin, env, filepath.Join(dir, fmt.Sprintf("%s-%d.log", filepath.Base(c.name), i)))
				waitHealthy(b, "http://"+addr, p)
				bases = append(bases, "http://"+addr)
			}
			client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
			var n atomic.Int64
			var mu sync.Mutex
			var lat []time.Duration
			b.SetParallelism(4) // 4 clients per core
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				var mine []time.Duration
				for pb.Next() {
					i := n.Add(1)
					text := "contact 3GPP"
					switch i % 10 {
					case 3, 6:
						text = "list open"
					case 9:
						text = fmt.Sprintf(`submit to=3GPP from=opsawg purpose=info title="Bench %d" body="b"`, i)
					}
					start := time.Now()
					code, body, err := postSigned(context.Background(), client, bases[int(i)%len(bases)]+"/slack/commands", testSigningSecret,
						slashBody(fmt.Sprintf("UBENCH%02d", i%50), text, fake.responseURL(fmt.Sprint(i))))
					if err != nil || code != http.StatusOK {
						b.Errorf("%s: %d %v %.100s", text, code, err, body)
						return
					}
					mine = append(mine, time.Since(start))
				}
				mu.Lock()
				lat = append(lat, mine...)
				mu.Unlock()
			})
			b.StopTimer()
			slices.Sort(lat)
			if len(lat) > 0 {
				b.ReportMetric(float64(len(lat))/b.Elapsed().Seconds(), "commands/s")
				b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
				b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
			}
		})
	}
}

