package retry

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"
)

func TestBackoff_DoublesWithinJitterUpToTheCap(t *testing.T) {
	b := Backoff{Base: 100 * time.Millisecond, Max: 2 * time.Second}
	for n, ceil := range []time.Duration{100, 200, 400, 800, 1600, 2000, 2000} {
		ceil *= time.Millisecond
		if got := b.Ceiling(n); got != ceil {
			t.Errorf("Ceiling(%d) = %v, want %v", n, got, ceil)
		}
		for range 200 {
			if d := b.Delay(n); d < ceil/2 || d > ceil {
				t.Fatalf("Delay(%d) = %v, want within [%v, %v]", n, d, ceil/2, ceil)
			}
		}
	}
	if got := b.Ceiling(-3); got != b.Base {
		t.Errorf("Ceiling(-3) = %v, want the base", got)
	}
	if got := b.Ceiling(1 << 20); got != b.Max {
		t.Errorf("a huge attempt number: %v, want the cap", got)
	}
	if got := (Backoff{}).Delay(4); got != 0 {
		t.Errorf("zero backoff waits %v", got)
	}
}

func TestBackoff_JitterSpreadsTheWaits(t *testing.T) {
	b := Backoff{Base: time.Second, Max: time.Second}
	seen := map[time.Duration]bool{}
	for range 50 {
		seen[b.Delay(0)] = true
	}
	if len(seen) < 10 {
		t.Errorf("50 delays took only %d values: no jitter", len(seen))
	}
}

func TestAfter_SecondsFractionsAndDates(t *testing.T) {
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Duration{
		"0.5":                500 * time.Millisecond,
		"2":                  2 * time.Second,
		" 120 ":              2 * time.Minute,
		"1.5":                1500 * time.Millisecond,
		"28.706807374954224": 28706808 * time.Microsecond, // rounded up
		"":                   0,
		"0":                  0,
		"soon":               0,
		"-1":                 0,
		"NaN":                0,
		"Inf":                MaxAfter,
		"1e300":              MaxAfter,
		now.Add(90 * time.Second).Format(http.TimeFormat):    90 * time.Second,
		now.Add(-time.Hour).Format(http.TimeFormat):          0, // past
		now.Add(30 * 24 * time.Hour).Format(http.TimeFormat): MaxAfter,
		"Thursday, 26-Nov-26 10:00:05 GMT":                   5 * time.Second, // RFC 850, still accepted
	} {
		if got := After(in, now); got != want {
			t.Errorf("After(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestSleep_EndsWithTheContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	if err := Sleep(ctx, 0); err != nil {
		t.Errorf("no wait: %v", err)
	}
	cancel()
	if err := Sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: %v", err)
	}
	if err := Sleep(context.Background(), time.Millisecond); err != nil {
		t.Errorf("a short wait: %v", err)
	}
}
