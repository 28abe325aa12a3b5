package datatracker

import (
	"context"
	"log/slog"
	"net/http"
	"time"
)

// Option configures a Client in New.
type Option func(*Client)

// WithHTTPClient sets the *http.Client used for requests (default: a
// client without an overall timeout; each request gets its own timeout,
// see WithRequestTimeout).
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) {
		if hc != nil {
			c.hc = hc
		}
	}
}

// WithUserAgent sets the User-Agent header verbatim.
func WithUserAgent(ua string) Option {
	return func(c *Client) { c.userAgent = ua }
}

// WithVersion sets the version shown in the default User-Agent,
// "liaisonbot/<version> (+https://github.com/ietf-tools/liaisonbot)".
// It has no effect if WithUserAgent is also given.
func WithVersion(v string) Option {
	return func(c *Client) { c.version = v }
}

// WithPageSize sets the limit asked for on list requests (1..1000,
// default 100).
func WithPageSize(n int) Option {
	return func(c *Client) { c.pageSize = n }
}

// WithPageDelay sets the pause between consecutive pages of one list
// (default 100ms, as ietfdata does; 0 disables it).
func WithPageDelay(d time.Duration) Option {
	return func(c *Client) { c.pageDelay = d }
}

// WithSleep replaces the function used to wait between retries and pages.
// Tests pass a function that records the duration and returns at once.
// The function must return ctx.Err() if ctx is done.
func WithSleep(sleep func(ctx context.Context, d time.Duration) error) Option {
	return func(c *Client) {
		if sleep != nil {
			c.sleep = sleep
		}
	}
}

// WithClock sets the clock used for FetchedAt, cache expiry and HTTP-date
// Retry-After values (default time.Now).
func WithClock(now func() time.Time) Option {
	return func(c *Client) {
		if now != nil {
			c.now = now
		}
	}
}

// WithMaxRetries sets how many times a request is retried after a 429, a
// 5xx or a network error (default 5; 0 disables retries).
func WithMaxRetries(n int) Option {
	return func(c *Client) { c.maxRetries = n }
}

// WithMaxRetryWait sets the longest single wait the client accepts; a
// Retry-After longer than this fails the request instead (default 5m).
func WithMaxRetryWait(d time.Duration) Option {
	return func(c *Client) { c.maxRetryWait = d }
}

// WithBackoff sets the first backoff delay and its cap (defaults 1s and
// 60s). Attempt n waits a random duration in [d/2, d] where
// d = min(base*2^n, max).
func WithBackoff(base, max time.Duration) Option {
	return func(c *Client) { c.backoffBase, c.backoffMax = base, max }
}

// WithMaxPages sets the most pages one list may span before the client
// gives up (default 1000).
func WithMaxPages(n int) Option {
	return func(c *Client) { c.maxPages = n }
}

// WithRequestTimeout sets the timeout of one HTTP attempt, including
// reading the body (default 30s).
func WithRequestTimeout(d time.Duration) Option {
	return func(c *Client) { c.timeout = d }
}

// WithCacheTTL sets how long Group and Person details stay cached
// (default 1h; 0 or less disables caching).
func WithCacheTTL(d time.Duration) Option {
	return func(c *Client) { c.cacheTTL = d }
}

// WithLogger sets the logger for retries and oddities (default: discard).
func WithLogger(l *slog.Logger) Option {
	return func(c *Client) {
		if l != nil {
			c.log = l
		}
	}
}
