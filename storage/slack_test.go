package storage

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
)

func TestSeenSlackEvent_SecondDeliveryIsSeen(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDBAt(t, filepath.Join(t.TempDir(), "s.db"))
	at := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	seen, err := db.SeenSlackEvent(ctx, "Ev1", at)
	if err != nil || seen {
		t.Fatalf("first delivery: seen=%v err=%v, want false, nil", seen, err)
	}
	seen, err = db.SeenSlackEvent(ctx, "Ev1", at.Add(time.Minute))
	if err != nil || !seen {
		t.Fatalf("retry: seen=%v err=%v, want true, nil", seen, err)
	}
	seen, err = db.SeenSlackEvent(ctx, "Ev2", at)
	if err != nil || seen {
		t.Fatalf("other event: seen=%v err=%v, want false, nil", seen, err)
	}
}

func TestSeenSlackEvent_SurvivesReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "s.db")
	at := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	db, err := Open(ctx, storePath(t, path))
	if err != nil {
		t.Fatal(err)
	}
	if seen, err := db.SeenSlackEvent(ctx, "Ev1", at); err != nil || seen {
		t.Fatalf("first delivery: seen=%v err=%v", seen, err)
	}
	db.Close()
	db = MustOpenDBAt(t, path)
	if seen, err := db.SeenSlackEvent(ctx, "Ev1", at.Add(5*time.Minute)); err != nil || !seen {
		t.Fatalf("retry after restart: seen=%v err=%v, want true", seen, err)
	}
}

func TestSeenSlackEvent_ConcurrentDeliveriesSeeOneFirst(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDBAt(t, filepath.Join(t.TempDir(), "s.db"))
	at := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	const n = 16
	var wg sync.WaitGroup
	var mu sync.Mutex
	first := 0
	for range n {
		wg.Go(func() {
			seen, err := db.SeenSlackEvent(ctx, "EvRace", at)
			if err != nil {
				t.Error(err)
				return
			}
			if !seen {
				mu.Lock()
				first++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if first != 1 {
		t.Fatalf("%d of %d concurrent deliveries were handled as new, want 1", first, n)
	}
}

func TestSeenSlackEvent_PrunesOldIDs(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDBAt(t, filepath.Join(t.TempDir(), "s.db"))
	at := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	if _, err := db.SeenSlackEvent(ctx, "EvOld", at); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SeenSlackEvent(ctx, "EvNew", at.Add(SlackEventRetention+time.Hour)); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.r.GetContext(ctx, &n, `SELECT COUNT(*) FROM slack_events WHERE event_id = 'EvOld'`); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("an id older than %v is still stored", SlackEventRetention)
	}
}

func TestForgetSlackEvent_LetsTheRetryThrough(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDBAt(t, filepath.Join(t.TempDir(), "s.db"))
	at := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	if _, err := db.SeenSlackEvent(ctx, "Ev1", at); err != nil {
		t.Fatal(err)
	}
	if err := db.ForgetSlackEvent(ctx, "Ev1"); err != nil {
		t.Fatal(err)
	}
	if seen, err := db.SeenSlackEvent(ctx, "Ev1", at); err != nil || seen {
		t.Fatalf("after forget: seen=%v err=%v, want false", seen, err)
	}
}

func TestSlackUser_CacheRoundTrip(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDBAt(t, filepath.Join(t.TempDir(), "s.db"))
	if _, _, _, err := db.SlackUser(ctx, "U1"); bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Fatalf("uncached user: err=%v, want ENOTFOUND", err)
	}
	at := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	if err := db.SaveSlackUser(ctx, "U1", "a@example.org", "Ann", at); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveSlackUser(ctx, "U1", "ann@example.org", "Ann B", at.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	email, name, fetched, err := db.SlackUser(ctx, "U1")
	if err != nil {
		t.Fatal(err)
	}
	if email != "ann@example.org" || name != "Ann B" || !fetched.Equal(at.Add(time.Hour)) {
		t.Fatalf("got %q %q %v, want the second save", email, name, fetched)
	}
}

func TestSlackUserByEmail_CachesHitsAndMisses(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDBAt(t, filepath.Join(t.TempDir(), "s.db"))
	if _, _, err := db.SlackUserByEmail(ctx, "a@example.org"); bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Fatalf("never looked up: err=%v, want ENOTFOUND", err)
	}
	at := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	if err := db.SaveSlackUserByEmail(ctx, "a@example.org", "U1", at); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveSlackUserByEmail(ctx, "nobody@example.org", "", at); err != nil {
		t.Fatal(err)
	}
	id, fetched, err := db.SlackUserByEmail(ctx, "A@Example.org")
	if err != nil || id != "U1" || !fetched.Equal(at) {
		t.Fatalf("hit (other case): id=%q fetched=%v err=%v", id, fetched, err)
	}
	id, _, err = db.SlackUserByEmail(ctx, "nobody@example.org")
	if err != nil || id != "" {
		t.Fatalf("cached miss: id=%q err=%v, want \"\", nil", id, err)
	}
}
