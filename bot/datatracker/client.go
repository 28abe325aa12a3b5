// Package datatracker is a small client for the IETF Datatracker's Tastypie
// REST API (/api/v1/): SDO groups, roles (liaison managers and the IAB
// liaison coordinators), persons, and liaison statements with their events,
// relations and attachments.
//
// It follows Tastypie pagination, retries politely on 429 and 5xx, caches
// group and person details, and turns the API's URI-valued foreign keys,
// time formats and free-text contact fields into plain Go values. Any
// malformed answer is an *Error naming the URL, never a partial result, so a
// caller can abort a sync without changing anything.
//
// It uses the standard library only.
package datatracker

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/ietf-tools/liaisonbot/internal/retry"
)

// Defaults used by New.
const (
	DefaultBaseURL        = "https://datatracker.ietf.org"
	DefaultPageSize       = 100
	DefaultPageDelay      = 100 * time.Millisecond
	DefaultMaxRetries     = 5
	DefaultMaxPages       = 1000
	DefaultRequestTimeout = 30 * time.Second
	DefaultCacheTTL       = time.Hour
	DefaultMaxRetryWait   = 5 * time.Minute

	maxPageSize = 1000     // Tastypie's max_limit
	maxBodySize = 64 << 20 // refuse answers larger than this
)

// Log attribute keys.
const (
	logKeyURL     = "url"
	logKeyAttempt = "attempt"
	logKeyWait    = "wait"
	logKeyError   = "error"
)

// Client talks to one Datatracker instance. It is safe for concurrent use.
type Client struct {
	base         *url.URL
	hc           *http.Client
	userAgent    string
	version      string
	pageSize     int
	pageDelay    time.Duration
	maxRetries   int
	maxRetryWait time.Duration
	backoffBase  time.Duration
	backoffMax   time.Duration
	maxPages     int
	timeout      time.Duration
	cacheTTL     time.Duration
	sleep        func(context.Context, time.Duration) error
	now          func() time.Time
	log          *slog.Logger
	cache        cache
	onPage       func(PageRead)
}

// New returns a client for the Datatracker at baseURL, e.g.
// "https://datatracker.ietf.org" (a mirror or a test server works too).
func New(baseURL string, opts ...Option) (*Client, error) {
	u, err := url.Parse(strings.TrimSpace(baseURL))
	if err != nil {
		return nil, fmt.Errorf("datatracker: base URL %q: %w", baseURL, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("datatracker: base URL %q: want an absolute http(s) URL", baseURL)
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawPath, u.RawQuery, u.Fragment = "", "", ""
	c := &Client{
		base:         u,
		hc:           &http.Client{},
		version:      "dev",
		pageSize:     DefaultPageSize,
		pageDelay:    DefaultPageDelay,
		maxRetries:   DefaultMaxRetries,
		maxRetryWait: DefaultMaxRetryWait,
		backoffBase:  time.Second,
		backoffMax:   time.Minute,
		maxPages:     DefaultMaxPages,
		timeout:      DefaultRequestTimeout,
		cacheTTL:     DefaultCacheTTL,
		sleep:        retry.Sleep,
		now:          time.Now,
		log:          slog.New(slog.DiscardHandler),
	}
	for _, o := range opts {
		o(c)
	}
	switch {
	case c.pageSize < 1 || c.pageSize > maxPageSize:
		return nil, fmt.Errorf("datatracker: page size %d: want 1..%d", c.pageSize, maxPageSize)
	case c.maxRetries < 0:
		return nil, fmt.Errorf("datatracker: max retries %d: want >= 0", c.maxRetries)
	case c.maxPages < 1:
		return nil, fmt.Errorf("datatracker: max pages %d: want >= 1", c.maxPages)
	case c.timeout <= 0:
		return nil, fmt.Errorf("datatracker: request timeout %v: want > 0", c.timeout)
	case c.backoffBase <= 0 || c.backoffMax < c.backoffBase:
		return nil, fmt.Errorf("datatracker: backoff %v..%v: want 0 < base <= max", c.backoffBase, c.backoffMax)
	case c.pageDelay < 0:
		return nil, fmt.Errorf("datatracker: page delay %v: want >= 0", c.pageDelay)
	}
	if c.userAgent == "" {
		c.userAgent = "liaisonbot/" + c.version + " (+https://github.com/ietf-tools/liaisonbot)"
	}
	c.cache.entries = make(map[string]*cacheEntry)
	return c, nil
}

// BaseURL returns the base URL the client was made with (without a
// trailing slash).
func (c *Client) BaseURL() string { return c.base.String() }

// endpoint builds the absolute URL of an API path such as
// "/api/v1/group/group/" with the given raw query.
func (c *Client) endpoint(path, rawQuery string) string {
	u := *c.base
	u.Path = c.base.Path + path
	u.RawQuery = rawQuery
	return u.String()
}

// resolveNext turns a Tastypie "next" value (normally a path such as
// "/api/v1/group/group/?type=sdo&limit=20&offset=20") into an absolute URL
// on the same site. If the base URL has a path prefix that next lacks, the
// prefix is added.
func (c *Client) resolveNext(next string) (string, error) {
	ref, err := url.Parse(next)
	if err != nil {
		return "", err
	}
	if ref.Scheme != "" || ref.Host != "" {
		if ref.Scheme != c.base.Scheme || ref.Host != c.base.Host {
			return "", fmt.Errorf("next %q points to another site", next)
		}
		ref.Scheme, ref.Host, ref.User = "", "", nil
	}
	if !strings.HasPrefix(ref.Path, "/") {
		return "", fmt.Errorf("next %q is not an absolute path", next)
	}
	if c.base.Path != "" && !strings.HasPrefix(ref.Path, c.base.Path+"/") {
		ref.Path = c.base.Path + ref.Path
		ref.RawPath = ""
	}
	u := *c.base
	u.Path, u.RawPath, u.RawQuery = ref.Path, ref.RawPath, ref.RawQuery
	return u.String(), nil
}

// get fetches u and returns the body of a 200 answer, retrying 429, 5xx
// and network errors with backoff. detail selects 404 → KindNotFound.
func (c *Client) get(ctx context.Context, u string, detail bool) ([]byte, error) {
	for attempt := 0; ; attempt++ {
		body, retryAfter, err := c.attempt(ctx, u, detail)
		if err == nil {
			return body, nil
		}
		var e *Error
		if !errors.As(err, &e) || !e.retryable() {
			return nil, err
		}
		if attempt >= c.maxRetries {
			if attempt > 0 {
				e.Err = fmt.Errorf("gave up after %d attempts: %w", attempt+1, errOrStatus(e))
			}
			return nil, e
		}
		wait := retryAfter
		if wait <= 0 {
			wait = c.backoff(attempt)
		}
		if wait > c.maxRetryWait {
			e.Err = fmt.Errorf("server asks to wait %v, more than the %v allowed: %w", wait, c.maxRetryWait, errOrStatus(e))
			return nil, e
		}
		c.log.LogAttrs(ctx, slog.LevelWarn, "datatracker: retrying",
			slog.String(logKeyURL, u), slog.Int(logKeyAttempt, attempt+1),
			slog.Duration(logKeyWait, wait), slog.String(logKeyError, err.Error()))
		if err := c.sleep(ctx, wait); err != nil {
			return nil, fmt.Errorf("datatracker: waiting to retry %s: %w", u, err)
		}
	}
}

func errOrStatus(e *Error) error {
	if e.Err != nil {
		return e.Err
	}
	return errors.New(http.StatusText(e.StatusCode))
}

// backoff returns the wait before retry number attempt+1: a random duration
// in [d/2, d] with d = min(base*2^attempt, max).
func (c *Client) backoff(attempt int) time.Duration {
	return retry.Backoff{Base: c.backoffBase, Max: c.backoffMax}.Delay(attempt)
}

// attempt makes one request. It returns the body of a 200 answer, or an
// *Error and, for 429/503, the server's Retry-After (0 if absent or zero).
func (c *Client) attempt(ctx context.Context, u string, detail bool) ([]byte, time.Duration, error) {
	reqCtx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(reqCtx, http.MethodGet, u, nil)
	if err != nil {
		return nil, 0, &Error{Kind: KindOther, URL: u, Err: err}
	}
	req.Header.Set("User-Agent", c.userAgent)
	req.Header.Set("Accept", "application/json")
	resp, err := c.hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, 0, fmt.Errorf("datatracker: GET %s: %w", u, ctx.Err())
		}
		// The Error names the URL: the cause without url.Error's copy of it.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, 0, &Error{Kind: KindNetwork, URL: u, Err: err, permanent: unreachable(err)}
	}
	defer resp.Body.Close()

	switch {
	case resp.StatusCode == http.StatusOK:
		body, err := io.ReadAll(io.LimitReader(resp.Body, maxBodySize+1))
		if err != nil {
			if ctx.Err() != nil {
				return nil, 0, fmt.Errorf("datatracker: GET %s: %w", u, ctx.Err())
			}
			return nil, 0, &Error{Kind: KindNetwork, URL: u, StatusCode: resp.StatusCode, Err: err}
		}
		if len(body) > maxBodySize {
			return nil, 0, &Error{Kind: KindDecode, URL: u, StatusCode: resp.StatusCode,
				Err: fmt.Errorf("answer larger than %d bytes", maxBodySize)}
		}
		return body, 0, nil
	case resp.StatusCode == http.StatusTooManyRequests:
		drain(resp.Body)
		return nil, c.retryAfter(resp.Header.Get("Retry-After")),
			&Error{Kind: KindRateLimited, URL: u, StatusCode: resp.StatusCode}
	case resp.StatusCode >= 500:
		drain(resp.Body)
		return nil, c.retryAfter(resp.Header.Get("Retry-After")),
			&Error{Kind: KindServer, URL: u, StatusCode: resp.StatusCode}
	case resp.StatusCode == http.StatusNotFound && detail:
		drain(resp.Body)
		return nil, 0, &Error{Kind: KindNotFound, URL: u, StatusCode: resp.StatusCode}
	default:
		snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 300))
		var cause error
		if s := strings.TrimSpace(strings.ToValidUTF8(string(snippet), "?")); s != "" {
			cause = errors.New(s)
		}
		return nil, 0, &Error{Kind: KindHTTP, URL: u, StatusCode: resp.StatusCode, Err: cause}
	}
}

// drain reads a little of an unwanted body so the connection can be reused.
func drain(r io.Reader) { _, _ = io.Copy(io.Discard, io.LimitReader(r, 64<<10)) }

// retryAfter parses a Retry-After header: seconds (integer or decimal) or
// an HTTP date. Absent, unparsable, zero or past values give 0.
func (c *Client) retryAfter(v string) time.Duration { return retry.After(v, c.now()) }
