package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/slack-go/slack"

	"github.com/ietf-tools/liaisonbot/bot"
	"github.com/ietf-tools/liaisonbot/internal/retry"
)

// APIError is a failed Web API (or response_url) call: the method, Slack's
// error code ("channel_not_found", "ratelimited", "http_503", …) and the
// cause. errors.As finds a *slack.RateLimitedError in it when Slack said
// to wait; RetryAfter reads it.
type APIError struct {
	Method string
	Code   string
	Err    error
}

func (e *APIError) Error() string {
	return fmt.Sprintf("slack %s: %s: %v", e.Method, e.Code, e.Err)
}

func (e *APIError) Unwrap() error { return e.Err }

// RetryAfter reports how long Slack asked the caller to wait, when err is
// a rate-limit refusal.
func RetryAfter(err error) (time.Duration, bool) {
	var rl *slack.RateLimitedError
	if errors.As(err, &rl) {
		return rl.RetryAfter, true
	}
	return 0, false
}

type noRetryKey struct{}

// WithoutRetry makes the Web API calls made with ctx fail at the first
// error instead of retrying: for callers that own the retries (the
// notification dispatcher). Their errors still carry Retry-After.
func WithoutRetry(ctx context.Context) context.Context {
	return context.WithValue(ctx, noRetryKey{}, true)
}

func retryAllowed(ctx context.Context) bool { return ctx.Value(noRetryKey{}) == nil }

// call runs one Web API call with the retry policy: a 429 waits for
// Retry-After, a 5xx or a timeout backs off exponentially, up to
// MaxAttempts; anything else fails at once. A final failure is logged with
// the method and Slack's error code and returned as an *APIError.
func (a *Adapter) call(ctx context.Context, method string, fn func(ctx context.Context) error) error {
	for attempt := 1; ; attempt++ {
		err := fn(ctx)
		if err == nil {
			return nil
		}
		wait, retryable := a.retryWait(err, attempt)
		if retryable && retryAllowed(ctx) && attempt < a.cfg.Retry.MaxAttempts && ctx.Err() == nil && fits(ctx, wait) {
			a.log.Debug("slack call failed; retrying", "method", method, "code", errorCode(err), "attempt", attempt, "wait", wait)
			serr := retry.Sleep(ctx, wait)
			if serr == nil {
				continue
			}
			err = errors.Join(err, serr)
		}
		e := &APIError{Method: method, Code: errorCode(err), Err: err}
		a.log.Warn("slack call failed", "method", method, "code", e.Code, "attempts", attempt, "err", err)
		return e
	}
}

// fits reports whether waiting d leaves ctx alive.
func fits(ctx context.Context, d time.Duration) bool {
	dl, ok := ctx.Deadline()
	return !ok || time.Until(dl) > d
}

// retryWait says whether err, the attempt-th failure, is worth retrying
// and after how long.
func (a *Adapter) retryWait(err error, attempt int) (time.Duration, bool) {
	if rl, ok := RetryAfter(err); ok {
		if rl <= 0 {
			rl = time.Second
		}
		return rl, rl <= a.cfg.Retry.MaxRetryAfter
	}
	var sc slack.StatusCodeError
	var he *httpStatusError
	transient := (errors.As(err, &sc) && (sc.Code >= 500 || sc.Code == http.StatusTooManyRequests)) || (errors.As(err, &he) && he.status >= 500) || isTimeout(err)
	if !transient {
		return 0, false
	}
	return retry.Backoff{Base: a.cfg.Retry.Initial, Max: a.cfg.Retry.Max}.Delay(attempt - 1), true
}

// isTimeout reports network timeouts and dropped connections.
func isTimeout(err error) bool {
	if errors.Is(err, context.Canceled) {
		return false
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNREFUSED)
}

// errorCode is Slack's error code for err, or a short description.
func errorCode(err error) string {
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		return se.Err
	}
	if _, ok := RetryAfter(err); ok {
		return "ratelimited"
	}
	var sc slack.StatusCodeError
	if errors.As(err, &sc) {
		return "http_" + strconv.Itoa(sc.Code)
	}
	var he *httpStatusError
	if errors.As(err, &he) {
		if he.code != "" {
			return he.code
		}
		return "http_" + strconv.Itoa(he.status)
	}
	var be *bot.Error
	if errors.As(err, &be) {
		return be.Code
	}
	if isTimeout(err) {
		return "timeout"
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return "cancelled"
	}
	return "error"
}

// msgOptions are the chat options of a rendered message.
func msgOptions(r rendered) []slack.MsgOption {
	opts := []slack.MsgOption{
		slack.MsgOptionText(r.Text, false),
		slack.MsgOptionDisableLinkUnfurl(),
		slack.MsgOptionDisableMediaUnfurl(),
	}
	if len(r.Blocks) > 0 {
		opts = append(opts, slack.MsgOptionBlocks(r.Blocks...))
	}
	return opts
}

// Post sends m to a channel (a thread when threadTS is set) with
// chat.postMessage and returns the message's timestamp.
func (a *Adapter) Post(ctx context.Context, channel string, m bot.Message, threadTS string) (ts string, err error) {
	_, ts, err = a.post(ctx, channel, renderMessage(m), threadTS)
	return ts, err
}

func (a *Adapter) post(ctx context.Context, channel string, r rendered, threadTS string) (ch, ts string, err error) {
	opts := msgOptions(r)
	if threadTS != "" {
		opts = append(opts, slack.MsgOptionTS(threadTS))
	}
	err = a.call(ctx, "chat.postMessage", func(ctx context.Context) error {
		var err error
		ch, ts, err = a.api.PostMessageContext(ctx, channel, opts...)
		return err
	})
	return ch, ts, err
}

// Update replaces the message at ts in channel with m (chat.update).
func (a *Adapter) Update(ctx context.Context, channel, ts string, m bot.Message) error {
	return a.update(ctx, channel, ts, renderMessage(m))
}

func (a *Adapter) update(ctx context.Context, channel, ts string, r rendered) error {
	return a.call(ctx, "chat.update", func(ctx context.Context) error {
		_, _, _, err := a.api.UpdateMessageContext(ctx, channel, ts, msgOptions(r)...)
		return err
	})
}

// DirectMessage sends m to the user's direct conversation with the bot and
// returns that conversation's id and the message's timestamp.
func (a *Adapter) DirectMessage(ctx context.Context, userID string, m bot.Message) (channel, ts string, err error) {
	return a.direct(ctx, userID, renderMessage(m))
}

func (a *Adapter) direct(ctx context.Context, userID string, r rendered) (channel, ts string, err error) {
	// chat.postMessage to a user id posts in the app's DM with them.
	channel, ts, err = a.post(ctx, userID, r, "")
	if errorCode(err) != "channel_not_found" {
		return channel, ts, err
	}
	var ch *slack.Channel
	err = a.call(ctx, "conversations.open", func(ctx context.Context) error {
		var err error
		ch, _, _, err = a.api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{userID}})
		return err
	})
	if err != nil {
		return "", "", err
	}
	return a.post(ctx, ch.ID, r, "")
}

// UserByEmail maps a directory email to a Slack user id with
// users.lookupByEmail, if Slack vouches for that user's address (see
// vouchedEmail); answers (including "nobody") are cached for the user
// cache's TTL. Nobody with the address: an ENOTFOUND *bot.Error.
func (a *Adapter) UserByEmail(ctx context.Context, email string) (userID string, err error) {
	email = strings.TrimSpace(email)
	key := bot.EmailKey(email)
	now := a.now()
	if p, ok := a.emails.get(key, now); ok {
		return notFoundIfEmpty(p.name, email)
	}
	if id, fetched, err := a.cfg.Store.SlackUserByEmail(ctx, email); err == nil && now.Sub(fetched) < a.cfg.UserCacheTTL {
		a.emails.put(key, profile{name: id, fetched: fetched})
		return notFoundIfEmpty(id, email)
	}
	var u *slack.User
	err = a.call(ctx, "users.lookupByEmail", func(ctx context.Context) error {
		var err error
		u, err = a.api.GetUserByEmailContext(ctx, email)
		return err
	})
	switch {
	case errorCode(err) == "users_not_found":
		userID = ""
	case err != nil:
		return "", err
	default:
		home, err := a.homeWorkspace(ctx)
		if err != nil {
			return "", err
		}
		// Only someone Slack vouches for is the directory's person with
		// that address.
		if vouched, why := vouchedEmail(u, home); vouched == "" {
			a.log.Info("slack user with a directory address is not taken for that person", "user", u.ID, "reason", why)
			userID = ""
		} else {
			userID = u.ID
		}
	}
	if err := a.cfg.Store.SaveSlackUserByEmail(ctx, email, userID, now); err != nil {
		a.log.Warn("could not cache a slack email lookup", "err", err)
	}
	a.emails.put(key, profile{name: userID, fetched: now})
	return notFoundIfEmpty(userID, email)
}

func notFoundIfEmpty(id, email string) (string, error) {
	if id == "" {
		return "", bot.Errorf(bot.ENOTFOUND, "Nobody on Slack has the address %s.", email)
	}
	return id, nil
}

// openView opens the modal (views.open). The trigger id expires after 3
// seconds and works once, so this is never retried.
func (a *Adapter) openView(ctx context.Context, triggerID string, v slack.ModalViewRequest) error {
	return a.call(WithoutRetry(ctx), "views.open", func(ctx context.Context) error {
		_, err := a.api.OpenViewContext(ctx, triggerID, v)
		return err
	})
}

// responsePayload is what is POSTed to a response_url.
type responsePayload struct {
	ResponseType    string        `json:"response_type,omitempty"`
	ReplaceOriginal bool          `json:"replace_original"`
	Text            string        `json:"text"`
	Blocks          []slack.Block `json:"blocks,omitempty"`
}

// httpStatusError is a response_url call that did not answer 2xx.
type httpStatusError struct {
	status int
	code   string
}

func (e *httpStatusError) Error() string {
	if e.code != "" {
		return fmt.Sprintf("status %d: %s", e.status, e.code)
	}
	return fmt.Sprintf("status %d", e.status)
}

// respond POSTs a message to a response_url (a slash command's or a
// click's): Slack accepts up to five within 30 minutes.
func (a *Adapter) respond(ctx context.Context, responseURL string, p responsePayload) error {
	if !validResponseURL(responseURL) {
		return &APIError{Method: "response_url", Code: "invalid_url", Err: errors.New("not an http(s) URL")}
	}
	body, err := encodeJSON(p)
	if err != nil {
		return &APIError{Method: "response_url", Code: "encode", Err: err}
	}
	return a.call(ctx, "response_url", func(ctx context.Context) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, responseURL, bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
		resp, err := a.hc.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		if resp.StatusCode == http.StatusTooManyRequests {
			return &slack.RateLimitedError{RetryAfter: retry.After(resp.Header.Get("Retry-After"), a.now())}
		}
		if resp.StatusCode/100 != 2 {
			return &httpStatusError{status: resp.StatusCode, code: strings.TrimSpace(string(b))}
		}
		var r struct {
			OK    *bool  `json:"ok"`
			Error string `json:"error"`
		}
		if json.Unmarshal(b, &r) == nil && r.OK != nil && !*r.OK {
			return slack.SlackErrorResponse{Err: r.Error}
		}
		return nil
	})
}

func validResponseURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}

// botUserID is the bot's own user id: configured, learnt from an event, or
// asked of auth.test once.
func (a *Adapter) botUserID(ctx context.Context) string {
	if id, _ := a.botUser.Load().(string); id != "" {
		return id
	}
	a.authMu.Lock()
	defer a.authMu.Unlock()
	if id, _ := a.botUser.Load().(string); id != "" {
		return id
	}
	if _, err := a.authTestLocked(ctx); err != nil {
		return ""
	}
	id, _ := a.botUser.Load().(string)
	return id
}

// workspace is where the app is installed: its workspace (team) and, on
// Enterprise Grid, its organization.
type workspace struct {
	team, enterprise string
}

// homeWorkspace returns the app's workspace: configured, or asked of
// auth.test once (a failure is tried again at the next call).
func (a *Adapter) homeWorkspace(ctx context.Context) (workspace, error) {
	a.authMu.Lock()
	defer a.authMu.Unlock()
	if a.home.team != "" {
		return a.home, nil
	}
	return a.authTestLocked(ctx)
}

// authTestLocked calls auth.test and remembers the bot's user id and its
// workspace; a.authMu is held.
func (a *Adapter) authTestLocked(ctx context.Context) (workspace, error) {
	var r *slack.AuthTestResponse
	err := a.call(ctx, "auth.test", func(ctx context.Context) error {
		var err error
		r, err = a.api.AuthTestContext(ctx)
		return err
	})
	if err != nil {
		return workspace{}, err
	}
	if r.UserID != "" {
		if id, _ := a.botUser.Load().(string); id == "" {
			a.botUser.Store(r.UserID)
		}
	}
	if r.TeamID == "" {
		return workspace{}, errors.New("auth.test named no team")
	}
	a.home = workspace{team: r.TeamID, enterprise: r.EnterpriseID}
	return a.home, nil
}
