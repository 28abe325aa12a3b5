package zulip

import (
	"time"

	"github.com/ietf-tools/liaisonbot/internal/retry"
)

// MaxBackoffCap bounds every computed backoff, whatever the policy says.
const MaxBackoffCap = 60 * time.Second

// maxRetryAfter is the longest Retry-After the client waits for; a longer
// one is returned to the caller as an error (see IsRateLimited). Zulip's
// default rules (200 requests a minute) never ask for more than a minute.
const maxRetryAfter = 5 * time.Minute

// RetryPolicy bounds the client's retries.
//
// What is retried:
//   - HTTP 429 / RATE_LIMIT_HIT, every request: Zulip rejects it before doing
//     any work. The client waits for Retry-After (a float of seconds, from
//     the header or else the "retry-after" field of the body), or for a
//     backoff if neither is given.
//   - HTTP 5xx, timeouts and network errors: only requests that are safe to
//     repeat (GET, DELETE, register, message edits), with exponential
//     backoff and jitter. A request that certainly never reached the server
//     (the connection failed before the request was written) is always
//     retried. SendMessage is not retried after a 5xx or a timeout: see
//     its documentation.
//   - Other 4xx: never.
type RetryPolicy struct {
	// MaxAttempts is the number of attempts including the first (≥ 1).
	MaxAttempts int
	// BaseBackoff is the wait after the first failure; it doubles with
	// every further failure.
	BaseBackoff time.Duration
	// MaxBackoff caps the wait between attempts; it is itself capped at
	// MaxBackoffCap (60 s).
	MaxBackoff time.Duration
}

// DefaultRetryPolicy returns 4 attempts with backoffs starting at 500 ms
// and capped at 60 s.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{MaxAttempts: 4, BaseBackoff: 500 * time.Millisecond, MaxBackoff: MaxBackoffCap}
}

// normalized returns p with out-of-range fields clamped.
func (p RetryPolicy) normalized() RetryPolicy {
	if p.MaxAttempts < 1 {
		p.MaxAttempts = 1
	}
	if p.MaxBackoff <= 0 || p.MaxBackoff > MaxBackoffCap {
		p.MaxBackoff = MaxBackoffCap
	}
	if p.BaseBackoff <= 0 {
		p.BaseBackoff = min(500*time.Millisecond, p.MaxBackoff)
	}
	if p.BaseBackoff > p.MaxBackoff {
		p.BaseBackoff = p.MaxBackoff
	}
	return p
}

// Backoff returns the wait after the n-th consecutive failure (n ≥ 1):
// BaseBackoff·2^(n-1), capped at MaxBackoff, with "equal jitter" — a
// uniformly random value between half of that and all of it — so that
// many bots restarting together do not retry in lockstep.
func (p RetryPolicy) Backoff(n int) time.Duration {
	p = p.normalized()
	return retry.Backoff{Base: p.BaseBackoff, Max: p.MaxBackoff}.Delay(n - 1)
}
