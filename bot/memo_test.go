package bot

import (
	"errors"
	"sync"
	"testing"
	"time"
)

func TestAgeChanges_IsWhenAgeReadsDifferently(t *testing.T) {
	asOf := time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)
	// Dates, with and without a time of day; now before and after.
	for _, t0 := range []time.Time{asOf, asOf.Add(13*time.Hour + 7*time.Minute + 3*time.Second)} {
		for _, now := range []time.Time{
			t0.Add(-3 * 24 * time.Hour), t0.Add(-time.Nanosecond), t0, t0.Add(time.Hour),
			t0.Add(24*time.Hour - time.Nanosecond), t0.Add(24 * time.Hour), t0.Add(44*24*time.Hour + 5*time.Hour),
			t0.Add(400*24*time.Hour + 90*time.Minute), t0.Add(2000 * 24 * time.Hour),
		} {
			next := AgeChanges(t0, now)
			if !next.After(now) {
				t.Errorf("AgeChanges(%s, %s) = %s, not after now", t0, now, next)
				continue
			}
			// The same words until then…
			if a, b := Age(t0, now), Age(t0, next.Add(-time.Nanosecond)); a != b {
				t.Errorf("Age(%s) changes before %s: %q at %s, %q just before", t0, next, a, now, b)
			}
			// …and the day count moves on at it.
			if now.Before(t0) {
				if Age(t0, next) != "today" {
					t.Errorf("at %s, a date of %s reads %q", next, t0, Age(t0, next))
				}
			} else if d := int(next.Sub(t0).Hours() / 24); d != int(now.Sub(t0).Hours()/24)+1 {
				t.Errorf("AgeChanges(%s, %s) = %s: %d days, want one more than now", t0, now, next, d)
			}
		}
	}
}

func TestMemo_MakesOnceKeepsByKey(t *testing.T) {
	var m Memo
	made := 0
	mk := func(v string) func() (any, error) {
		return func() (any, error) { made++; return v, nil }
	}
	if v, _ := m.Remember("slack", mk("a")); v != "a" {
		t.Errorf("first: %v", v)
	}
	if v, _ := m.Remember("slack", mk("b")); v != "a" || made != 1 {
		t.Errorf("again: %v, made %d times", v, made)
	}
	if v, _ := m.Remember("zulip", mk("c")); v != "c" || made != 2 {
		t.Errorf("another key: %v, made %d times", v, made)
	}
	// A failure is not kept.
	boom := errors.New("boom")
	if _, err := m.Remember("x", func() (any, error) { return nil, boom }); err != boom {
		t.Errorf("error %v", err)
	}
	if v, _ := m.Remember("x", mk("d")); v != "d" {
		t.Errorf("after a failure: %v", v)
	}
	// A nil Memo keeps nothing.
	var none *Memo
	none.Remember("k", mk("e"))
	if v, _ := none.Remember("k", mk("f")); v != "f" {
		t.Errorf("nil memo: %v", v)
	}
	// Many keys: bounded, still answers.
	for i := range 3 * memoCap {
		m.Remember(string(rune('A'+i)), mk("g"))
	}
	if len(m.m) > memoCap {
		t.Errorf("%d renderings kept", len(m.m))
	}
	// Concurrent use (go test -race).
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 100 {
				m.Remember("slack", mk("h"))
			}
		})
	}
	wg.Wait()
}
