package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	slackgo "github.com/slack-go/slack"

	"github.com/ietf-tools/liaisonbot/bot"
	"github.com/ietf-tools/liaisonbot/bot/digest"
	"github.com/ietf-tools/liaisonbot/bot/outbox"
	"github.com/ietf-tools/liaisonbot/bot/reminders"
	"github.com/ietf-tools/liaisonbot/bot/slack"
	"github.com/ietf-tools/liaisonbot/bot/web"
	"github.com/ietf-tools/liaisonbot/bot/zulip"
	"github.com/ietf-tools/liaisonbot/storage"
)

// server is everything serve runs.
type server struct {
	g       *globals
	db      *storage.DB
	metrics *metrics
	mux     *http.ServeMux
	http    *http.Server
	ready   chan string // the address the listener got

	runners   []runner
	shutdowns []func(context.Context) error
	health    []healthCheck
	chats     map[string]bot.Chat
	inflight  sync.WaitGroup
	accepting atomic.Bool
	parts     []string // what runs, for the start-up line
}

type runner struct {
	name string
	run  func(ctx context.Context) error
}

const serveUsage = `Usage: liaisonbot serve

Runs everything configured: Slack (HTTP or Socket Mode), Zulip (event queue and/or outgoing webhook),
the notification dispatcher and the reminder sweep, the read-only web board (GET /, /statements/LS-<n>,
/orgs, /feed.atom, /deadlines.ics; links built on LIAISONBOT_PUBLIC_URL), with GET /healthz and GET /metrics.`

func runServe(ctx context.Context, g *globals, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(g.env.Stderr)
	fs.Usage = func() { fmt.Fprintln(g.env.Stderr, serveUsage) }
	if err := fs.Parse(args); err != nil {
		return usageErr("serve: %v", err)
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return usageErr("serve: unexpected argument %q", fs.Arg(0))
	}
	s, err := newServer(ctx, g)
	if err != nil {
		return err
	}
	return s.run(ctx)
}

// newServer checks the configuration, opens the store and builds the
// platforms; a misconfiguration stops it here, naming the variable.
func newServer(ctx context.Context, g *globals) (*server, error) {
	if err := loadZuliprc(g.cfg); err != nil {
		return nil, err
	}
	cfg := g.cfg
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("configuration is invalid:\n%w", err)
	}
	db, err := openStore(ctx, g)
	if err != nil {
		return nil, err
	}
	s := &server{g: g, db: db, mux: http.NewServeMux(), chats: map[string]bot.Chat{}, ready: make(chan string, 1)}
	s.shutdowns = append(s.shutdowns, func(context.Context) error { return nil })
	s.metrics = newMetrics(db)
	aud := audience(cfg, db)
	router := newRouter(g, db, aud)
	syncer, err := newSyncer(g, db, aud)
	if err != nil {
		db.Close()
		return nil, err
	}
	router.Syncer = syncer
	router.Observe = s.metrics.observeCommand

	if cfg.Slack.Enabled() {
		api := slackgo.New(cfg.Slack.BotToken, slackgo.OptionAPIURL(cfg.Slack.APIURL))
		self, err := checkSlack(ctx, api)
		if err != nil {
			db.Close()
			return nil, err
		}
		sa, err := slack.New(slack.Config{
			Handler: router, Home: router, Directory: db, Store: db, SyncState: db.SyncState,
			Token: cfg.Slack.BotToken, APIURL: cfg.Slack.APIURL, SigningSecret: cfg.Slack.SigningSecret, AppToken: cfg.Slack.AppToken,
			BotUserID: self.UserID, TeamID: self.TeamID, EnterpriseID: self.EnterpriseID,
			Channel: cfg.Slack.Channel, Logger: g.logger, OnReject: s.metrics.slackRejected,
		})
		if err != nil {
			db.Close()
			return nil, fmt.Errorf("SLACK_BOT_TOKEN: %w", err)
		}
		if cfg.Slack.SocketMode() {
			s.runners = append(s.runners, runner{"slack socket mode", sa.RunSocketMode})
			s.parts = append(s.parts, "slack=socket-mode")
		} else {
			sa.Routes(s.mux)
			s.parts = append(s.parts, "slack=http(/slack/commands,/slack/interactivity,/slack/events,/slack/options)")
		}
		s.shutdowns = append(s.shutdowns, sa.Shutdown)
		s.chats[bot.PlatformSlack] = sa
		s.health = append(s.health, cachedCheck("slack", func(ctx context.Context) error {
			_, err := api.AuthTestContext(ctx)
			return err
		}))
	}

	if cfg.Zulip.Enabled() {
		var zc *zulip.Client
		if cfg.Zulip.Queue() {
			zc, err = zulip.New(cfg.Zulip.Site, cfg.Zulip.Email, cfg.Zulip.APIKey, zulip.WithLogger(g.logger.With("platform", "zulip")))
			if err != nil {
				db.Close()
				return nil, fmt.Errorf("ZULIP_SITE: %w", err)
			}
			if err := checkZulip(ctx, zc); err != nil {
				db.Close()
				return nil, err
			}
		}
		var queue zulip.QueueStore
		if db.Postgres() {
			// Replicas hand the event queue over: the next leader reads on
			// where the last one stopped.
			queue = db
		}
		za, err := zulip.NewAdapter(zulip.AdapterConfig{
			Handler: router, Client: zc, Store: db, Queue: queue, Stream: cfg.Zulip.Stream,
			Logger: g.logger.With("platform", "zulip"), OnRegister: s.metrics.zulipRegistered,
		})
		if err != nil {
			db.Close()
			return nil, fmt.Errorf("zulip: %w", err)
		}
		var modes []string
		if zc != nil {
			// One replica at a time consumes the event queue (two would
			// answer every message twice): on PostgreSQL, the one that
			// holds the lead; on SQLite, this one process.
			s.runners = append(s.runners, runner{"zulip event queue", func(ctx context.Context) error {
				return db.Lead(ctx, "zulip event queue", za.Run, s.metrics.zulipLeader)
			}})
			s.chats[bot.PlatformZulip] = za
			modes = append(modes, "queue")
			s.health = append(s.health, cachedCheck("zulip", func(ctx context.Context) error {
				_, err := zc.GetOwnUser(ctx)
				return err
			}))
		}
		if cfg.Zulip.WebhookToken != "" {
			s.mux.Handle("POST /zulip/webhook", za.WebhookHandler(cfg.Zulip.WebhookToken))
			modes = append(modes, "webhook(/zulip/webhook)")
		}
		s.shutdowns = append(s.shutdowns, za.Shutdown)
		s.parts = append(s.parts, "zulip="+strings.Join(modes, "+"))
	}
	if ms, err := mailSender(cfg); err != nil {
		db.Close()
		return nil, err
	} else if ms != nil {
		s.chats[bot.PlatformEmail] = ms
		srv, _ := cfg.Mail.Server()
		s.parts = append(s.parts, "email="+srv.String())
	}
	if !aud.Enabled() && !cfg.Zulip.Enabled() {
		g.logger.Warn("no chat platform is configured: serving only /healthz and /metrics (set SLACK_BOT_TOKEN or ZULIP_SITE/ZULIP_EMAIL/ZULIP_API_KEY)")
	}

	hostname, _ := os.Hostname()
	d := &outbox.Dispatcher{
		// Stable across restarts (so a restart takes back its claims at
		// once), distinct between processes serving at the same time.
		Store: db, Chats: s.chats, Owner: hostname + "|" + cfg.Addr + "|" + db.Path,
		Logger: g.logger.With("component", "outbox"), Location: cfg.Reminders.Location(),
		Pace:   map[string]time.Duration{bot.PlatformSlack: cfg.Outbox.SlackPace},
		GiveUp: cfg.Outbox.GiveUp, Lease: cfg.Outbox.Lease, OnDelivered: s.metrics.delivered, OnFailed: s.metrics.deliveryFailed,
		Grace: cfg.ShutdownTimeout / 3, PublicURL: cfg.PublicURL, Audience: aud,
	}
	db.OnNotice = d.Wake
	s.runners = append(s.runners, runner{"outbox dispatcher", d.Run})
	hour, minute := cfg.Reminders.SendAtClock()
	sw := &reminders.Sweeper{
		Store: db, Interval: cfg.Reminders.Interval, Logger: g.logger.With("component", "reminders"),
		Audience: aud, OnSent: s.metrics.reminderSent,
		Schedule: bot.Schedule{
			DaysBefore: cfg.Reminders.DaysBefore, OverdueDays: cfg.Reminders.OverdueDays,
			EscalateAfterDays: cfg.Reminders.EscalateAfterDays, ApprovalAfterDays: cfg.Reminders.ApprovalAfterDays,
			ApprovalEveryDays: cfg.Reminders.ApprovalEveryDays, SendAtHour: hour, SendAtMinute: minute,
			Location: cfg.Reminders.Location(), SkipWeekends: cfg.Reminders.SkipWeekends,
		},
	}
	s.runners = append(s.runners, runner{"reminder sweep", sw.Run})
	s.parts = append(s.parts, "outbox=on", "reminders=every "+cfg.Reminders.Interval.String())
	if cfg.Digest.Enabled {
		day, dh, dm, loc := cfg.DigestSchedule()
		ds := &digest.Sender{
			Store: db, Audience: aud, Interval: cfg.Reminders.Interval, Logger: g.logger.With("component", "digest"), OnSent: s.metrics.digestSent,
			Schedule: bot.DigestSchedule{Day: day, Hour: dh, Minute: dm, Location: loc},
		}
		s.runners = append(s.runners, runner{"weekly digest", ds.Run})
		s.parts = append(s.parts, fmt.Sprintf("digest=%s %02d:%02d %s", strings.ToLower(day.String()), dh, dm, loc))
	}
	if dt := cfg.Datatracker; dt.DirectoryInterval > 0 || dt.StatementsInterval > 0 {
		s.runners = append(s.runners, runner{"datatracker sync", func(ctx context.Context) error {
			return db.Lead(ctx, "datatracker sync", func(ctx context.Context) error {
				return syncer.Run(ctx, dt.DirectoryInterval, dt.StatementsInterval)
			}, nil)
		}})
		s.parts = append(s.parts, fmt.Sprintf("datatracker-sync=directory:%s,statements:%s", dt.DirectoryInterval, dt.StatementsInterval))
	}

	web.New(web.Config{
		Store: db, Location: cfg.Reminders.Location(), PublicURL: cfg.PublicURL, ShowPending: cfg.Board.ShowPending,
		Logger: g.logger.With("component", "web"),
	}).Routes(s.mux)
	s.parts = append(s.parts, "web=/,/statements/,/orgs,/feed.atom,/deadlines.ics")
	s.mux.Handle("GET /healthz", http.HandlerFunc(s.healthz))
	s.mux.Handle("GET /metrics", s.metrics.handler())
	s.http = &http.Server{
		Addr:              cfg.Addr,
		Handler:           s.guard(s.mux),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          nil,
	}
	return s, nil
}

// checkSlack refuses to start with a token Slack rejects and returns who
// the bot is (its user, workspace and Grid organization); a network failure
// returns an empty answer (Slack may come back; the adapter asks again).
func checkSlack(ctx context.Context, api *slackgo.Client) (slackgo.AuthTestResponse, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	r, err := api.AuthTestContext(ctx)
	var se slackgo.SlackErrorResponse
	switch {
	case err == nil:
		return *r, nil
	case errors.As(err, &se) || strings.Contains(err.Error(), "invalid_auth") || strings.Contains(err.Error(), "not_authed") ||
		strings.Contains(err.Error(), "account_inactive") || strings.Contains(err.Error(), "token_revoked"):
		return slackgo.AuthTestResponse{}, fmt.Errorf("SLACK_BOT_TOKEN: Slack refused the token: %w", err)
	}
	return slackgo.AuthTestResponse{}, nil
}

// checkZulip refuses to start with credentials Zulip rejects.
func checkZulip(ctx context.Context, c *zulip.Client) error {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	_, err := c.GetOwnUser(ctx)
	if err != nil && zulip.IsUnauthorized(err) {
		return fmt.Errorf("ZULIP_API_KEY: Zulip refused the bot's credentials (ZULIP_EMAIL, ZULIP_API_KEY): %w", err)
	}
	return nil
}

// guard stops taking requests at shutdown, tracks those in flight, and turns
// a panic into a 500 without the detail.
func (s *server) guard(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.accepting.Load() {
			w.Header().Set("Connection", "close")
			http.Error(w, "shutting down", http.StatusServiceUnavailable)
			return
		}
		s.inflight.Add(1)
		defer s.inflight.Done()
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.g.logger.Error("http handler panicked", "path", r.URL.Path, "panic", p, "stack", string(debug.Stack()))
				http.Error(w, "internal error", http.StatusInternalServerError)
			}
		}()
		h.ServeHTTP(w, r)
	})
}

// run serves until ctx is done, then shuts down in order: stop taking
// requests, let those in flight finish (bounded by the shutdown timeout),
// stop the loops, close the database.
func (s *server) run(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.g.cfg.Addr)
	if err != nil {
		s.db.Close()
		return fmt.Errorf("LIAISONBOT_ADDR: %w", err)
	}
	s.ready <- ln.Addr().String()
	s.accepting.Store(true)
	loopCtx, stopLoops := context.WithCancel(context.WithoutCancel(ctx))
	var loops sync.WaitGroup
	errc := make(chan error, len(s.runners)+1)
	for _, r := range s.runners {
		loops.Add(1)
		go func(r runner) {
			defer loops.Done()
			if err := r.run(loopCtx); err != nil && loopCtx.Err() == nil {
				errc <- fmt.Errorf("%s: %w", r.name, err)
			}
		}(r)
	}
	go func() {
		if err := s.http.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			errc <- fmt.Errorf("http: %w", err)
		}
	}()
	s.g.logger.Info("liaisonbot serving", "version", Version(), "addr", ln.Addr().String(), "db", s.db.Path,
		"runs", strings.Join(s.parts, " "))

	var runErr error
	select {
	case <-ctx.Done():
		s.g.logger.Info("shutting down", "timeout", s.g.cfg.ShutdownTimeout)
	case runErr = <-errc:
		s.g.logger.Error("stopping", "err", runErr)
	}
	s.accepting.Store(false)
	sctx, cancel := context.WithTimeout(context.Background(), s.g.cfg.ShutdownTimeout)
	defer cancel()
	// The loops stop first: they take no new work, and what they have in
	// hand finishes within the dispatcher's grace. Notices written by the
	// requests still in flight wait in the outbox for the next start.
	stopLoops()
	if err := s.http.Shutdown(sctx); err != nil {
		s.g.logger.Warn("http shutdown", "err", err)
	}
	waitTimeout(&s.inflight, sctx)
	for _, f := range s.shutdowns {
		if err := f(sctx); err != nil {
			s.g.logger.Warn("adapter shutdown", "err", err)
		}
	}
	if !waitTimeout(&loops, sctx) {
		s.g.logger.Warn("shutdown: background work still running at the deadline")
	}
	if err := s.db.Close(); err != nil {
		s.g.logger.Warn("closing the database", "err", err)
	}
	s.g.logger.Info("stopped")
	return runErr
}

// waitTimeout waits for wg until ctx ends; it reports whether wg finished.
func waitTimeout(wg *sync.WaitGroup, ctx context.Context) bool {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
		return true
	case <-ctx.Done():
		return false
	}
}

// healthCheck reports on one part.
type healthCheck struct {
	name  string
	check func(ctx context.Context) error
}

// cachedCheck remembers a slow check's result for a while, so /healthz
// stays cheap however often it is called.
func cachedCheck(name string, f func(ctx context.Context) error) healthCheck {
	var mu sync.Mutex
	var at time.Time
	var last error
	return healthCheck{name: name, check: func(ctx context.Context) error {
		mu.Lock()
		defer mu.Unlock()
		if time.Since(at) < 15*time.Second {
			return last
		}
		last, at = f(ctx), time.Now()
		return last
	}}
}

// healthz answers 200 when the database answers and every configured
// platform is reachable, else 503, with a JSON body naming each part.
func (s *server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	checks := map[string]string{}
	ok := true
	if err := s.db.Ping(ctx); err != nil {
		checks["database"], ok = "unhealthy: "+err.Error(), false
	} else {
		checks["database"] = "ok"
	}
	for _, h := range s.health {
		if err := h.check(ctx); err != nil {
			checks[h.name], ok = "unhealthy: "+err.Error(), false
		} else {
			checks[h.name] = "ok"
		}
	}
	status := "ok"
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if !ok {
		status = "unhealthy"
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	json.NewEncoder(w).Encode(map[string]any{"status": status, "checks": checks})
}
