// Package zulip holds liaisonbot's client of Zulip's REST API (register an
// event queue, long-poll it, send and edit messages, look users up) and,
// later, the Zulip adapter of liaisonbot.
//
// The client follows Zulip's OpenAPI document: HTTP Basic authentication
// with the bot's email and API key, form-encoded bodies, every non-string
// parameter JSON-encoded, and the {"result","msg","code"} envelope decoded
// into *Error. See zuliptest for a fake server to test against.
package zulip

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"time"

	"github.com/ietf-tools/liaisonbot/internal/retry"
)

// Timeouts of a single HTTP attempt.
const (
	// DefaultTimeout bounds every call but the events long-poll.
	DefaultTimeout = 30 * time.Second
	// DefaultLongpollTimeout bounds GET /events when the server did not
	// announce event_queue_longpoll_timeout_seconds (Zulip's own clients
	// use 90 s, comfortably above the one-minute heartbeat).
	DefaultLongpollTimeout = 90 * time.Second
)

// Client is a Zulip REST API client for one bot account. It is safe for
// concurrent use.
type Client struct {
	site      string // e.g. https://zulip.example.org, no trailing slash
	api       string // site + "/api/v1/"
	email     string
	apiKey    string
	http      *http.Client
	userAgent string
	logger    *slog.Logger
	retry     RetryPolicy
	sleep     func(context.Context, time.Duration) error
	timeout   time.Duration
	longpoll  time.Duration

	// Learnt from the last successful Register; zero means unknown.
	featureLevel atomic.Int64
	maxTopic     atomic.Int64
	maxMessage   atomic.Int64
	longpollSrv  atomic.Int64 // nanoseconds
}

// Option configures a Client.
type Option func(*Client)

// WithHTTPClient sets the HTTP client (default: a client on a clone of
// http.DefaultTransport). Its Timeout should be zero: the Zulip client sets
// a deadline per attempt through the request context.
func WithHTTPClient(h *http.Client) Option {
	return func(c *Client) {
		if h != nil {
			c.http = h
		}
	}
}

// WithUserAgent sets the User-Agent header (default DefaultUserAgent()).
func WithUserAgent(ua string) Option {
	return func(c *Client) {
		if ua != "" {
			c.userAgent = ua
		}
	}
}

// WithLogger sets the logger of retries and warnings (default: discard).
func WithLogger(l *slog.Logger) Option {
	return func(c *Client) {
		if l != nil {
			c.logger = l
		}
	}
}

// WithRetry sets the retry policy (default DefaultRetryPolicy()).
func WithRetry(p RetryPolicy) Option {
	return func(c *Client) { c.retry = p.normalized() }
}

// WithSleep replaces the function that waits between attempts and between
// listener reconnections; tests use it to record waits instead of sleeping.
// It must return ctx.Err() if ctx is done before d has elapsed.
func WithSleep(sleep func(ctx context.Context, d time.Duration) error) Option {
	return func(c *Client) {
		if sleep != nil {
			c.sleep = sleep
		}
	}
}

// WithTimeout sets the per-attempt timeout of ordinary calls
// (default DefaultTimeout).
func WithTimeout(d time.Duration) Option {
	return func(c *Client) {
		if d > 0 {
			c.timeout = d
		}
	}
}

// DefaultUserAgent returns "liaisonbot/<version> (+https://github.com/ietf-tools/liaisonbot)",
// the version being the main module's version from the build information
// ("dev" for a development build).
func DefaultUserAgent() string {
	version := "dev"
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		version = bi.Main.Version
	}
	return "liaisonbot/" + version + " (+https://github.com/ietf-tools/liaisonbot)"
}

// New returns a client for the bot with the given email and API key on the
// Zulip server at site, an http or https URL such as
// "https://zulip.example.org" (a trailing "/api" or "/api/v1" is accepted).
func New(site, email, apiKey string, opts ...Option) (*Client, error) {
	base, err := parseSite(site)
	if err != nil {
		return nil, err
	}
	if email == "" {
		return nil, errors.New("zulip: bot email is empty")
	}
	if apiKey == "" {
		return nil, errors.New("zulip: API key is empty")
	}
	c := &Client{
		site:      base,
		api:       base + "/api/v1/",
		email:     email,
		apiKey:    apiKey,
		userAgent: DefaultUserAgent(),
		logger:    slog.New(slog.DiscardHandler),
		retry:     DefaultRetryPolicy(),
		sleep:     retry.Sleep,
		timeout:   DefaultTimeout,
		longpoll:  DefaultLongpollTimeout,
	}
	for _, opt := range opts {
		opt(c)
	}
	if c.http == nil {
		c.http = &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	}
	return c, nil
}

// parseSite validates site and returns it without a trailing slash or
// "/api" suffix.
func parseSite(site string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(site))
	if err != nil {
		return "", fmt.Errorf("zulip: site %q: %w", site, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("zulip: site %q: want an http or https URL", site)
	}
	if u.Host == "" {
		return "", fmt.Errorf("zulip: site %q: no host", site)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("zulip: site %q: must not contain credentials, a query or a fragment", site)
	}
	p := strings.TrimRight(u.Path, "/")
	p = strings.TrimSuffix(p, "/api/v1")
	p = strings.TrimSuffix(p, "/api")
	u.Path, u.RawPath = p, ""
	return u.String(), nil
}

// Site returns the server URL the client talks to.
func (c *Client) Site() string { return c.site }

// Email returns the bot's email, the user name of the Basic auth.
func (c *Client) Email() string { return c.email }

// Limits returns the topic and content limits: the server's, once a
// Register response has announced them, else MaxTopicLength and
// MaxMessageLength.
func (c *Client) Limits() Limits {
	l := Limits{MaxTopicLength: MaxTopicLength, MaxMessageLength: MaxMessageLength}
	if n := c.maxTopic.Load(); n > 0 {
		l.MaxTopicLength = int(n)
	}
	if n := c.maxMessage.Load(); n > 0 {
		l.MaxMessageLength = int(n)
	}
	return l
}

// FeatureLevel returns the server's API feature level from the last
// Register response, or 0 if unknown.
func (c *Client) FeatureLevel() int { return int(c.featureLevel.Load()) }

// learn records what a Register response says about the server.
func (c *Client) learn(q *Queue) {
	if q.FeatureLevel > 0 {
		c.featureLevel.Store(int64(q.FeatureLevel))
	}
	if q.MaxTopicLength > 0 {
		c.maxTopic.Store(int64(q.MaxTopicLength))
	}
	if q.MaxMessageLength > 0 {
		c.maxMessage.Store(int64(q.MaxMessageLength))
	}
	if q.LongpollTimeout > 0 {
		c.longpollSrv.Store(int64(q.LongpollTimeout))
	}
}

// longpollTimeout is the per-attempt timeout of GET /events.
func (c *Client) longpollTimeout() time.Duration {
	if d := time.Duration(c.longpollSrv.Load()); d > 0 {
		return d
	}
	return c.longpoll
}
