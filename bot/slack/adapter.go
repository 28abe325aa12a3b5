// Package slack is liaisonbot's Slack adapter, built on
// github.com/slack-go/slack: it receives slash commands, button clicks,
// modal submissions, option requests and Events API deliveries (over HTTP
// with signed requests, or over Socket Mode), turns each into a bot.Request
// for the command router, and renders the neutral bot.Message answers as
// Block Kit. It only translates: every rule lives in the bot and commands
// packages.
//
// Inbound HTTP requests are verified (HMAC signature, 5-minute window,
// 1 MiB bodies) before anything reads them. Slack wants every request
// answered within 3 seconds: commands run on a context detached from the
// request, with a budget; what does not finish in time is acknowledged at
// once and answered later through response_url or the Web API.
package slack

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/slack-go/slack"

	"github.com/ietf-tools/liaisonbot/bot"
)

// Store is what the adapter keeps in the database: the ids of the Events
// API deliveries already handled, and a cache of Slack users.
// *storage.DB implements it.
type Store interface {
	// SeenSlackEvent records the event id and reports whether it was
	// recorded before, atomically.
	SeenSlackEvent(ctx context.Context, id string, at time.Time) (seen bool, err error)
	// ForgetSlackEvent drops a recorded event id (the event could not be
	// queued: Slack's retry must be handled).
	ForgetSlackEvent(ctx context.Context, id string) error
	// SlackUser returns the cached users.info answer, or ENOTFOUND.
	SlackUser(ctx context.Context, id string) (email, name string, fetched time.Time, err error)
	// SaveSlackUser caches a users.info answer.
	SaveSlackUser(ctx context.Context, id, email, name string, fetched time.Time) error
	// SlackUserByEmail returns the cached users.lookupByEmail answer (id ""
	// when Slack knows nobody with the address), or ENOTFOUND.
	SlackUserByEmail(ctx context.Context, email string) (id string, fetched time.Time, err error)
	// SaveSlackUserByEmail caches a users.lookupByEmail answer.
	SaveSlackUserByEmail(ctx context.Context, email, id string, fetched time.Time) error
}

// Config is what New needs.
type Config struct {
	// Handler answers requests (the commands.Router).
	Handler bot.Handler
	// Directory serves the organization picker of the statement form.
	Directory bot.DirectoryStore
	// Store keeps event ids and the user cache.
	Store Store
	// SyncState, if set, reads what the directory sync keeps: the IETF
	// group picker offers the groups it read (bot.SyncKeyIETFGroups).
	SyncState func(ctx context.Context, key string) (string, error)

	// Token is the bot token (SLACK_BOT_TOKEN, xoxb-…).
	Token string
	// APIURL is the Web API's base URL (SLACK_API_URL), default
	// https://slack.com/api/.
	APIURL string
	// SigningSecret verifies inbound HTTP requests (SLACK_SIGNING_SECRET).
	SigningSecret string
	// AppToken is the app-level token for Socket Mode (SLACK_APP_TOKEN,
	// xapp-…).
	AppToken string
	// HTTPClient makes the Web API and response_url calls (default: a
	// client with a 10 s timeout).
	HTTPClient *http.Client
	// ClientOptions are passed to slack.New after the ones above.
	ClientOptions []slack.Option
	// BotUserID is the bot's own user id; when empty it is learnt from
	// Events API deliveries or auth.test.
	BotUserID string
	// TeamID and EnterpriseID are the app's workspace and, on Enterprise
	// Grid, its organization (auth.test's team_id and enterprise_id): only
	// their members' emails identify people. When TeamID is empty they are
	// learnt from auth.test.
	TeamID       string
	EnterpriseID string
	// Channel is the liaison channel (LIAISONBOT_SLACK_CHANNEL): notices
	// whose target names no channel go there.
	Channel string

	// Logger gets the adapter's lines; the adapter adds platform=slack
	// itself, so do not give it a logger that already has it.
	Logger *slog.Logger
	// Now is the clock (signature windows, cache ages).
	Now bot.Clock

	// CommandBudget is how long a command may run before Slack's 3-second
	// request is acknowledged without the answer (default 2.5 s).
	CommandBudget time.Duration
	// WorkTimeout bounds the work done after an acknowledgement (default
	// 1 min).
	WorkTimeout time.Duration
	// UserCacheTTL is how long a users.info answer is trusted (default
	// 24 h).
	UserCacheTTL time.Duration
	// EventWorkers and EventQueue size the pool that handles Events API
	// deliveries (defaults 8 and 256).
	EventWorkers int
	EventQueue   int
	// Retry governs the Web API calls (zero value: the defaults).
	Retry Retry

	// OnReject, if set, is told about every inbound request refused
	// before parsing: "too_large", "missing", "malformed", "stale",
	// "signature" or "no_secret".
	OnReject func(reason string)
}

// Retry is how Web API calls are retried: 429 waits Retry-After, 5xx and
// timeouts back off exponentially from Initial up to Max.
type Retry struct {
	MaxAttempts int           // default 4 (the first try and 3 retries)
	Initial     time.Duration // default 250 ms
	Max         time.Duration // default 8 s
	// MaxRetryAfter is the longest Retry-After honoured by waiting;
	// longer ones fail the call (default 1 min).
	MaxRetryAfter time.Duration
}

// Adapter is the Slack adapter. Create it with New.
type Adapter struct {
	cfg Config
	api *slack.Client
	hc  *http.Client
	log *slog.Logger
	now func() time.Time

	// ctx is the lifetime of work done after acknowledgements; Shutdown
	// ends it.
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	events    chan eventJob
	eventsMu  sync.RWMutex
	closed    bool
	workersWG sync.WaitGroup

	users   userCache
	emails  userCache
	botUser atomic.Value // string
	authMu  sync.Mutex
	home    workspace // guarded by authMu
}

// Defaults.
const (
	DefaultAPIURL        = "https://slack.com/api/"
	DefaultCommandBudget = 2500 * time.Millisecond
	DefaultWorkTimeout   = time.Minute
	DefaultUserCacheTTL  = 24 * time.Hour
)

// New checks the configuration and returns an adapter; its event workers
// run until Shutdown.
func New(cfg Config) (*Adapter, error) {
	var problems []string
	if cfg.Handler == nil {
		problems = append(problems, "no command handler")
	}
	if cfg.Store == nil {
		problems = append(problems, "no store")
	}
	if cfg.Token == "" {
		problems = append(problems, "SLACK_BOT_TOKEN is empty")
	}
	if cfg.SigningSecret == "" && cfg.AppToken == "" {
		problems = append(problems, "SLACK_SIGNING_SECRET is empty (required over HTTP; or set SLACK_APP_TOKEN for Socket Mode)")
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("slack: %s", strings.Join(problems, "; "))
	}
	if cfg.APIURL == "" {
		cfg.APIURL = DefaultAPIURL
	}
	if !strings.HasSuffix(cfg.APIURL, "/") {
		cfg.APIURL += "/"
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	if cfg.CommandBudget <= 0 {
		cfg.CommandBudget = DefaultCommandBudget
	}
	if cfg.WorkTimeout <= 0 {
		cfg.WorkTimeout = DefaultWorkTimeout
	}
	if cfg.UserCacheTTL <= 0 {
		cfg.UserCacheTTL = DefaultUserCacheTTL
	}
	if cfg.EventWorkers <= 0 {
		cfg.EventWorkers = 8
	}
	if cfg.EventQueue <= 0 {
		cfg.EventQueue = 256
	}
	if cfg.Retry.MaxAttempts <= 0 {
		cfg.Retry.MaxAttempts = 4
	}
	if cfg.Retry.Initial <= 0 {
		cfg.Retry.Initial = 250 * time.Millisecond
	}
	if cfg.Retry.Max <= 0 {
		cfg.Retry.Max = 8 * time.Second
	}
	if cfg.Retry.MaxRetryAfter <= 0 {
		cfg.Retry.MaxRetryAfter = time.Minute
	}
	opts := []slack.Option{slack.OptionAPIURL(cfg.APIURL), slack.OptionHTTPClient(cfg.HTTPClient)}
	if cfg.AppToken != "" {
		opts = append(opts, slack.OptionAppLevelToken(cfg.AppToken))
	}
	opts = append(opts, cfg.ClientOptions...)
	a := &Adapter{
		cfg:    cfg,
		api:    slack.New(cfg.Token, opts...),
		hc:     cfg.HTTPClient,
		log:    cfg.Logger.With("platform", bot.PlatformSlack),
		now:    cfg.Now,
		events: make(chan eventJob, cfg.EventQueue),
		users:  newUserCache(cfg.UserCacheTTL),
		emails: newUserCache(cfg.UserCacheTTL),
	}
	a.botUser.Store(cfg.BotUserID)
	a.home = workspace{team: cfg.TeamID, enterprise: cfg.EnterpriseID}
	a.ctx, a.cancel = context.WithCancel(context.Background())
	for range cfg.EventWorkers {
		a.workersWG.Go(a.eventWorker)
	}
	return a, nil
}

// Routes registers the four HTTP endpoints on mux. Every one verifies
// Slack's signature before reading the request.
func (a *Adapter) Routes(mux *http.ServeMux) {
	mux.Handle("POST /slack/commands", a.verified(a.serveCommand))
	mux.Handle("POST /slack/interactivity", a.verified(a.serveInteraction))
	mux.Handle("POST /slack/events", a.verified(a.serveEvent))
	mux.Handle("POST /slack/options", a.verified(a.serveOptions))
}

// Shutdown stops taking events and waits for the work in flight (late
// answers, confirmations, queued events) until ctx ends; then it cancels
// what is left.
func (a *Adapter) Shutdown(ctx context.Context) error {
	a.eventsMu.Lock()
	if !a.closed {
		a.closed = true
		close(a.events)
	}
	a.eventsMu.Unlock()
	done := make(chan struct{})
	go func() {
		a.workersWG.Wait()
		a.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		a.cancel()
		return nil
	case <-ctx.Done():
		a.cancel()
		<-done
		return ctx.Err()
	}
}

// begin counts a piece of work Shutdown waits for; after Shutdown it
// counts nothing (the work then runs on an ended context and stops soon).
func (a *Adapter) begin() (done func()) {
	a.eventsMu.RLock()
	defer a.eventsMu.RUnlock()
	if a.closed {
		return func() {}
	}
	a.wg.Add(1)
	return a.wg.Done
}

// goAsync runs fn after the acknowledgement, on a fresh context bounded by
// WorkTimeout, and recovers its panics.
func (a *Adapter) goAsync(op string, fn func(ctx context.Context)) {
	done := a.begin()
	go func() {
		defer done()
		ctx, cancel := context.WithTimeout(a.ctx, a.cfg.WorkTimeout)
		defer cancel()
		defer a.recoverPanic(op)
		fn(ctx)
	}()
}

// recoverPanic logs a panic instead of crashing the process.
func (a *Adapter) recoverPanic(op string) {
	if p := recover(); p != nil {
		a.log.Error("slack adapter panicked", "op", op, "panic", p, "stack", string(debug.Stack()))
	}
}

// handle builds the request and runs the handler, never panicking and
// never returning nil.
func (a *Adapter) handle(ctx context.Context, prepare func(ctx context.Context) *bot.Request) (resp *bot.Response) {
	defer func() {
		if p := recover(); p != nil {
			a.log.Error("command handler panicked", "panic", p, "stack", string(debug.Stack()))
			resp = failureResponse("Sorry, something went wrong on our side. It has been logged; please try again in a moment.")
		}
		if resp == nil {
			resp = &bot.Response{}
		}
	}()
	return a.cfg.Handler.Handle(ctx, prepare(ctx))
}

// quick reports whether the handler answers req at once (bot.QuickHandler).
func (a *Adapter) quick(req *bot.Request) bool {
	q, ok := a.cfg.Handler.(bot.QuickHandler)
	return ok && q.Quick(a.ctx, req)
}

// handleNow runs the handler on the caller's goroutine, for a request it
// answers at once: on the adapter's context (the work is not the inbound
// request's to cancel), never panicking, never returning nil.
func (a *Adapter) handleNow(req *bot.Request) *bot.Response {
	return a.handle(a.ctx, func(context.Context) *bot.Request { return req })
}

// race runs the handler on a context detached from the inbound request and
// waits up to the command budget. It returns the response when it came in
// time; otherwise it returns nil, and late is called with the response
// (on the same detached context) once it is there.
func (a *Adapter) race(op string, prepare func(ctx context.Context) *bot.Request, late func(ctx context.Context, resp *bot.Response)) *bot.Response {
	result := make(chan *bot.Response)
	abandoned := make(chan struct{})
	done := a.begin()
	go func() {
		defer done()
		ctx, cancel := context.WithTimeout(a.ctx, a.cfg.WorkTimeout)
		defer cancel()
		defer a.recoverPanic(op)
		resp := a.handle(ctx, prepare)
		select {
		case result <- resp:
		case <-abandoned:
			late(ctx, resp)
		}
	}()
	t := time.NewTimer(a.cfg.CommandBudget)
	defer t.Stop()
	select {
	case resp := <-result:
		return resp
	case <-t.C:
		close(abandoned)
		return nil
	}
}

// failureResponse is a private one-paragraph answer.
func failureResponse(msg string) *bot.Response {
	return &bot.Response{Messages: []bot.Message{bot.Say(bot.Plain(msg))}, Outcome: bot.EINTERNAL}
}

// reject counts a refused request.
func (a *Adapter) reject(reason string) {
	if a.cfg.OnReject != nil {
		a.cfg.OnReject(reason)
	}
}
