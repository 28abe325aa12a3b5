// Package retry is liaisonbot's one way of waiting before trying again:
// exponential backoff with jitter, and the reading of an HTTP Retry-After
// header. The Zulip and Datatracker clients, the Slack adapter and the
// notification dispatcher use it; each keeps its own rules about what is
// worth retrying.
package retry

import (
	"context"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Backoff is exponential backoff with "equal jitter": the wait before
// retry n (n = 0 for the first retry) is a uniformly random duration
// between half of d and d, where d = min(Base·2^n, Max). The jitter keeps
// many clients that failed together from retrying in lockstep.
type Backoff struct {
	Base time.Duration // the first wait's upper bound (> 0)
	Max  time.Duration // the cap on any wait (≥ Base)
}

// Delay is the wait before retry n (n ≥ 0; a negative n counts as 0).
func (b Backoff) Delay(n int) time.Duration {
	d := b.Ceiling(n)
	if d <= 0 {
		return 0
	}
	half := d / 2
	return half + rand.N(d-half+1)
}

// Ceiling is the longest wait Delay(n) can return: min(Base·2^n, Max).
func (b Backoff) Ceiling(n int) time.Duration {
	d := b.Base
	for i := 0; i < n && d < b.Max; i++ {
		d *= 2
	}
	if b.Max > 0 && d > b.Max {
		d = b.Max
	}
	return d
}

// MaxAfter bounds what After returns (about eleven days): nobody waits that
// long, and it keeps absurd values from overflowing a time.Duration.
const MaxAfter = 1e6 * time.Second

// After reads an HTTP Retry-After value (RFC 9110 §10.2.3): a number of
// seconds — whole ("120"), or with a fraction as Zulip sends it ("0.5") —
// or an HTTP date, which becomes the wait from now. Fractions round up to
// the microsecond, so 0.5 is never a hair under half a second. Absent,
// unreadable, zero, negative and past values give 0 (the caller then backs
// off on its own); values above MaxAfter give MaxAfter.
func After(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil {
		return Seconds(s)
	}
	if t, err := http.ParseTime(v); err == nil {
		return min(max(t.Sub(now), 0), MaxAfter)
	}
	return 0
}

// Seconds converts a number of seconds given as a float (a Retry-After in
// a JSON body), rounding up to the microsecond; like After, it gives 0 for
// zero, negative and NaN values and caps at MaxAfter.
func Seconds(s float64) time.Duration {
	switch {
	case s != s || s <= 0: // NaN, zero, negative
		return 0
	case s >= MaxAfter.Seconds():
		return MaxAfter
	}
	us := int64(s * 1e6)
	if float64(us) < s*1e6 {
		us++
	}
	return time.Duration(us) * time.Microsecond
}

// Sleep waits for d, or until ctx is done (then it returns ctx's error).
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
