package web_test

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
	"github.com/ietf-tools/liaisonbot/bot/web"
	"github.com/ietf-tools/liaisonbot/storage"
)

// benchStatements is how many statements the board benchmark stores.
const benchStatements = 100_000

var benchGroups = strings.Fields(`opsawg ccamp mpls pce teas detnet netmod netconf lsr idr bess spring 6man v6ops dnsop
	regext quic tls httpbis lamps acme emu oauth ace cose core t2trg iotops raw rtgwg pals bfd babel roll 6lo lwig
	sidrops grow savnet ippm bmwg nmop ivy anima opsarea rtgarea secdispatch wit art sec ops int rtg tsv IAB IESG IETF`)

var benchWords = strings.Fields(`YANG model optical transport network security 5G core slicing timing synchronization
	routing segment IPv6 DNS privacy encryption certificate identity management telemetry automation energy
	quantum satellite broadband access cable mobile roaming emergency numbering addressing reply progress`)

// seedBench stores n statements shaped like the Datatracker's record: most
// posted and long answered, a few thousand open, some pending, approved
// or dead, over every organization of the directory (3GPP and ITU-T the
// busiest), with IETF groups, deadlines, replies and searchable text.
func seedBench(tb testing.TB, db *storage.DB, d *bot.Directory, n int) {
	tb.Helper()
	rng := rand.New(rand.NewPCG(18, 2026))
	busy := []*bot.Organization{d.OrgByAcronym("3GPP"), d.OrgByAcronym("ITU-T"), d.OrgByAcronym("IEEE 802")}
	start := time.Date(2005, 1, 1, 0, 0, 0, 0, time.UTC)
	span := fixedNow.Sub(start)
	words := func(k int) string {
		// A vocabulary of 3,000 words, as varied as real text.
		w := make([]string, k)
		for i := range w {
			if j := rng.IntN(3000); j < len(benchWords) {
				w[i] = benchWords[j]
			} else {
				w[i] = "term" + fmt.Sprint(j)
			}
		}
		return strings.Join(w, " ")
	}
	const batch = 5000
	for done := 0; done < n; done += batch {
		err := db.UpdateStatements(context.Background(), func(tx bot.StatementTx) error {
			for i := done; i < min(done+batch, n); i++ {
				org := d.Orgs[rng.IntN(len(d.Orgs))]
				if rng.IntN(2) == 0 && busy[rng.IntN(len(busy))] != nil {
					org = busy[rng.IntN(len(busy))]
				}
				if org == nil {
					org = d.Orgs[0]
				}
				submitted := start.Add(time.Duration(float64(span) * float64(i) / float64(n)))
				s := &bot.Statement{Direction: bot.Outgoing, From: benchGroups[rng.IntN(len(benchGroups))], To: org.Acronym, OrgID: org.ID,
					Title: "LS on " + words(4), Body: words(40), Submitted: submitted, Updated: submitted.Add(time.Duration(rng.IntN(90*24)) * time.Hour),
					ResponseContacts: bot.AddressList{{Name: "Jane Doe", Addr: "jane" + fmt.Sprint(i%500) + "@example.org"}}, SubmitterName: "Person " + fmt.Sprint(i%700)}
				if rng.IntN(2) == 0 {
					s.Direction, s.From, s.To = bot.Incoming, org.Acronym, "IAB, IESG"
					if rng.IntN(2) == 0 {
						s.To = benchGroups[rng.IntN(len(benchGroups))]
					}
				}
				switch p := rng.IntN(100); {
				case p < 40:
					s.Purpose = bot.PurposeInfo
				case p < 75:
					s.Purpose = bot.PurposeAction
				case p < 90:
					s.Purpose = bot.PurposeComment
				default:
					s.Purpose = bot.PurposeResponse
					if i > 0 {
						s.Related = int64(1 + rng.IntN(i))
					}
				}
				if s.Purpose.NeedsDeadline() {
					s.Deadline = bot.DateOf(submitted.Add(time.Duration(14+rng.IntN(120)) * 24 * time.Hour))
					s.ActionRequired = true
				}
				switch st := rng.IntN(100); {
				case st < 90:
					s.State = bot.StatePosted
				case st < 93:
					s.State = bot.StatePending
				case st < 95:
					s.State = bot.StateApproved
				default:
					s.State = bot.StateDead
				}
				// Most of the record is long answered; what is recent may
				// still be open.
				if s.ActionRequired && s.State == bot.StatePosted && (i < n-n/20 || rng.IntN(3) == 0) {
					s.ActionRequired, s.ActionTaken = false, true
				}
				if _, err := tx.Create(s, "", bot.Event{Time: submitted, Type: bot.EventSubmitted, ToState: s.State}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
}

// BenchmarkBoard serves the board and the feeds over 100,000 statements
// (go test ./bot/web -run '^$' -bench Board -benchtime 200x). The aim for
// the board page is under 50 ms.
func BenchmarkBoard(b *testing.B) {
	ctx := context.Background()
	db, err := storage.Open(ctx, filepath.Join(b.TempDir(), "bench.db"), storage.WithSynchronous(storage.SyncNormal))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	db.Now = func() time.Time { return fixedNow }
	if _, err := db.Seed(ctx); err != nil {
		b.Fatal(err)
	}
	d, err := db.Directory(ctx)
	if err != nil {
		b.Fatal(err)
	}
	t0 := time.Now()
	seedBench(b, db, d, benchStatements)
	open, _, _ := db.ListStatements(ctx, bot.ListQuery{Filter: bot.ListOpen, States: []bot.State{bot.StatePosted}, PageSize: 100000})
	b.Logf("stored %d statements (%d open and posted) in %s", benchStatements, len(open), time.Since(t0).Round(time.Second))
	mux := http.NewServeMux()
	web.New(web.Config{Store: db, Now: func() time.Time { return fixedNow }, PublicURL: "https://liaisons.example.org",
		Logger: slog.New(slog.DiscardHandler)}).Routes(mux)
	for _, c := range []struct{ name, path string }{
		{"board", "/"},
		{"board_org", "/?org=3GPP"},
		{"board_org_all", "/?org=ITU-T&state=all"},
		{"board_all", "/?state=all"},
		{"board_all_page_100", "/?state=all&page=100"},
		{"board_overdue", "/?state=overdue"},
		{"board_group", "/?group=opsawg"},
		{"board_group_all", "/?group=opsawg&state=all"},
		{"board_purpose_all", "/?purpose=response&state=all"},
		{"board_search", "/?q=optical+transport"},
		{"board_search_common", "/?q=term1*&state=all"},
		{"board_search_all", "/?q=optical+transport&state=all"},
		{"statement", "/statements/" + bot.Ref(open[len(open)-1].ID)},
		{"orgs", "/orgs"},
		{"feed_atom", "/feed.atom"},
		{"feed_atom_org", "/feed.atom?org=3GPP"},
		{"deadlines_ics", "/deadlines.ics"},
	} {
		b.Run(c.name, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, c.path, nil)
			cpu0 := cpuTime()
			for b.Loop() {
				rec := httptest.NewRecorder()
				mux.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("%s: %d %s", c.path, rec.Code, rec.Body.String())
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/page")
			// On a shared machine the wall time includes waiting for a
			// core; the CPU time the process spent is the steadier figure.
			b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/page")
		})
	}
}

// cpuTime is the CPU time (user and system) the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
