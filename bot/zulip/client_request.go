package zulip

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/ietf-tools/liaisonbot/internal/retry"
)

// Attribute keys of the client's log records.
const (
	logKeyOp      = "op"
	logKeyAttempt = "attempt"
	logKeyWait    = "wait"
	logKeyErr     = "err"
	logKeyIgnored = "ignored_parameters"
	logKeyQueueID = "queue_id"
	logKeyEventID = "event_id"
)

// maxResponseBytes bounds the body read from any response.
const maxResponseBytes = 32 << 20

// retryMode says which failures a call may be repeated after.
type retryMode int

const (
	// retrySafe: the call may be repeated after any transient failure.
	retrySafe retryMode = iota
	// retryUnsent: the call may be repeated only if the server certainly
	// did not act on it (429, or the request was never written).
	retryUnsent
)

// call describes one API call.
type call struct {
	op      string     // for errors and logs
	method  string     // GET, POST, PATCH, DELETE
	path    string     // relative to /api/v1/, already escaped
	params  url.Values // built with params, so already Zulip-encoded
	timeout time.Duration
	retry   retryMode
}

// envelope is the part of every Zulip response the client looks at.
type envelope struct {
	Result                       string   `json:"result"`
	Msg                          string   `json:"msg"`
	Code                         string   `json:"code"`
	RetryAfter                   *float64 `json:"retry-after"`
	QueueID                      string   `json:"queue_id"`
	VarName                      string   `json:"var_name"`
	IgnoredParametersUnsupported []string `json:"ignored_parameters_unsupported"`
}

// do performs cl with retries and decodes a success response into out
// (which may be nil).
func (c *Client) do(ctx context.Context, cl call, out any) error {
	if cl.timeout <= 0 {
		cl.timeout = c.timeout
	}
	for attempt := 1; ; attempt++ {
		body, written, err := c.attempt(ctx, cl)
		if err == nil {
			return c.decodeSuccess(ctx, cl.op, body, out)
		}
		if ctx.Err() != nil {
			return fmt.Errorf("zulip: %s: %w", cl.op, ctx.Err())
		}
		wait, retry := c.retryAfter(cl, err, written, attempt)
		if !retry || attempt >= c.retry.MaxAttempts {
			return err
		}
		c.logger.LogAttrs(ctx, slog.LevelWarn, "zulip: retrying",
			slog.String(logKeyOp, cl.op), slog.Int(logKeyAttempt, attempt),
			slog.Duration(logKeyWait, wait), slog.Any(logKeyErr, err))
		if err := c.sleep(ctx, wait); err != nil {
			return fmt.Errorf("zulip: %s: %w", cl.op, err)
		}
	}
}

// retryAfter decides whether a failed attempt is retried, and after how
// long.
func (c *Client) retryAfter(cl call, err error, written bool, attempt int) (time.Duration, bool) {
	apiErr := asError(err)
	switch {
	case apiErr != nil && apiErr.rateLimited():
		if apiErr.RetryAfter > maxRetryAfter {
			return 0, false
		}
		if apiErr.RetryAfter > 0 {
			return apiErr.RetryAfter, true
		}
		return c.retry.Backoff(attempt), true
	case apiErr != nil && apiErr.HTTPStatus >= 500:
		return c.retry.Backoff(attempt), cl.retry == retrySafe
	case apiErr != nil:
		return 0, false // 4xx, or a 2xx that was not a success
	default: // transport error or timeout
		return c.retry.Backoff(attempt), cl.retry == retrySafe || !written
	}
}

// attempt performs one HTTP exchange. It returns the body of a success
// response, or an error: *Error for an answer from the server, anything
// else for a transport failure. written reports whether the request was
// completely written to the connection.
func (c *Client) attempt(ctx context.Context, cl call) (body []byte, written bool, err error) {
	ctx, cancel := context.WithTimeout(ctx, cl.timeout)
	defer cancel()

	var wrote atomic.Bool
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		WroteRequest: func(i httptrace.WroteRequestInfo) {
			if i.Err == nil {
				wrote.Store(true)
			}
		},
	})
	req, err := c.newRequest(ctx, cl)
	if err != nil {
		return nil, false, err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, wrote.Load(), fmt.Errorf("zulip: %s: %w", cl.op, err)
	}
	defer resp.Body.Close()
	body, err = io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		return nil, true, fmt.Errorf("zulip: %s: reading response: %w", cl.op, err)
	}
	if apiErr := responseError(cl.op, resp, body); apiErr != nil {
		return nil, true, apiErr
	}
	return body, true, nil
}

// newRequest builds the HTTP request of cl: query parameters for GET,
// a form-encoded body otherwise.
func (c *Client) newRequest(ctx context.Context, cl call) (*http.Request, error) {
	target := c.api + cl.path
	var body io.Reader
	if cl.method == http.MethodGet {
		if len(cl.params) > 0 {
			target += "?" + cl.params.Encode()
		}
	} else if len(cl.params) > 0 {
		body = strings.NewReader(cl.params.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, cl.method, target, body)
	if err != nil {
		return nil, fmt.Errorf("zulip: %s: %w", cl.op, err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	req.SetBasicAuth(c.email, c.apiKey)
	return req, nil
}

// responseError returns the *Error that resp stands for, or nil if it is
// a JSON success.
func responseError(op string, resp *http.Response, body []byte) *Error {
	e := &Error{Op: op, HTTPStatus: resp.StatusCode, RetryAfter: parseRetryAfter(resp.Header.Get("Retry-After"))}
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil || env.Result == "" {
		if e.HTTPStatus < 300 {
			e.Msg = "malformed response: " + describeBody(resp, body)
		} else {
			e.Msg = describeBody(resp, body)
		}
		return e
	}
	if env.Result == "success" && e.HTTPStatus < 300 {
		return nil
	}
	e.Code, e.Msg, e.QueueID, e.VarName = env.Code, env.Msg, env.QueueID, env.VarName
	if e.RetryAfter == 0 && env.RetryAfter != nil {
		e.RetryAfter = retry.Seconds(*env.RetryAfter)
	}
	return e
}

// describeBody summarises a body that is not a Zulip JSON envelope.
func describeBody(resp *http.Response, body []byte) string {
	ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if ct == "" {
		ct = "no content type"
	}
	s := strings.Join(strings.Fields(string(body)), " ")
	const max = 200
	if len(s) > max {
		s = s[:max]
		for !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
		s += "…"
	}
	return fmt.Sprintf("non-JSON response (%s): %q", ct, s)
}

// parseRetryAfter parses a Retry-After header. Zulip sends a float number
// of seconds ("0.5"); the HTTP-date form is accepted too.
func parseRetryAfter(h string) time.Duration { return retry.After(h, time.Now()) }

// decodeSuccess decodes a success body into out. It logs the parameters
// that the server reports it did not understand: a misspelt parameter, or
// a feature this server version lacks.
func (c *Client) decodeSuccess(ctx context.Context, op string, body []byte, out any) error {
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil {
		return fmt.Errorf("zulip: %s: decoding response: %w", op, err)
	}
	if len(env.IgnoredParametersUnsupported) > 0 {
		c.logger.LogAttrs(ctx, slog.LevelWarn, "zulip: server ignored parameters",
			slog.String(logKeyOp, op), slog.Any(logKeyIgnored, env.IgnoredParametersUnsupported))
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(body, out); err != nil {
		return fmt.Errorf("zulip: %s: decoding response: %w", op, err)
	}
	return nil
}
