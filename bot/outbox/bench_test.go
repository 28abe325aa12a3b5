package outbox_test

import (
	"context"
	"fmt"
	"log/slog"
	"syscall"
	"testing"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
	"github.com/ietf-tools/liaisonbot/bot/outbox"
	"github.com/ietf-tools/liaisonbot/storage/storagetest"
)

// BenchmarkDrain queues 10,000 notices across 20 channels (500 statements,
// each announced in 20 subscribed channels) and measures how long the
// dispatcher takes to deliver them to a platform that answers at once, and
// the CPU it uses. The per-channel pace is 0 here (a real Slack needs about
// a second per channel: 500 notices per channel would then take ~500 s).
func BenchmarkDrain(b *testing.B) {
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		ctx := context.Background()
		db := storagetest.Open(b)
		aud := bot.Audience{Platforms: []string{"slack"}}
		for c := 0; c < 20; c++ {
			if _, err := db.Subscribe(ctx, "slack", fmt.Sprintf("C%02d", c), 0, "bench"); err != nil {
				b.Fatal(err)
			}
		}
		d, _ := db.Directory(ctx)
		org := d.OrgByAcronym("3GPP")
		err := aud.Update(ctx, db, func(tx bot.Tx) error {
			for s := 0; s < 500; s++ {
				n, evs, _ := bot.NewStatement(&bot.Statement{Direction: bot.Outgoing, From: "opsawg", To: "3GPP", OrgID: org.ID,
					Title: fmt.Sprint("S", s), Purpose: bot.PurposeInfo, Body: "x"}, admin, nil, nil, time.Now())
				if _, err := tx.Create(n, "", evs...); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		st, _ := db.OutboxStats(ctx, time.Now())
		if st.Pending != 10_000 {
			b.Fatalf("%d queued, want 10,000", st.Pending)
		}
		chat := &fakeChat{platform: "slack"}
		disp := &outbox.Dispatcher{Store: db, Chats: map[string]bot.Chat{"slack": chat}, Logger: slog.New(slog.DiscardHandler),
			Pace: map[string]time.Duration{"slack": 0}, Batch: 200, Workers: 8}
		var r0, r1 syscall.Rusage
		syscall.Getrusage(syscall.RUSAGE_SELF, &r0)
		start := time.Now()
		b.StartTimer()
		for {
			n, err := disp.RunOnce(ctx)
			if err != nil {
				b.Fatal(err)
			}
			if n == 0 {
				break
			}
		}
		b.StopTimer()
		elapsed := time.Since(start)
		syscall.Getrusage(syscall.RUSAGE_SELF, &r1)
		cpu := time.Duration(r1.Utime.Nano()+r1.Stime.Nano()-r0.Utime.Nano()-r0.Stime.Nano()) * time.Nanosecond
		if got := len(chat.deliveries()); got != 10_000 {
			b.Fatalf("delivered %d, want 10,000", got)
		}
		b.ReportMetric(elapsed.Seconds(), "drain-s")
		b.ReportMetric(cpu.Seconds(), "cpu-s")
		b.ReportMetric(10_000/elapsed.Seconds(), "notices/s")
		db.Close()
	}
}
