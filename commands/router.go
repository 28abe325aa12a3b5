// Package commands is liaisonbot's command router and its commands, one
// file per command. Every platform adapter hands its requests to the Router
// (as a bot.Handler) and renders the neutral messages it answers.
//
// It depends on the bot package only.
package commands

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
)

// Store is everything the commands need from storage.
type Store interface {
	bot.DirectoryStore
	bot.DirectoryEditor  // admin
	bot.DirectoryHistory // orgs history
	bot.IdentityStore
	bot.StatementStore
	bot.ConversationStore
	bot.SubscriptionStore
	// SyncState reads what the directory sync kept: the IETF's groups,
	// which the statement form checks the IETF side against.
	SyncState(ctx context.Context, key string) (string, error)
}

// Definition describes one command; help is generated from these.
type Definition struct {
	Name     string
	Aliases  []string
	Usage    string // "contact <organization>"
	Summary  string // one line
	Help     string // a paragraph, optional
	Examples []string
	Run      func(ctx context.Context, c *Call) (*bot.Response, error)
	// Quick, if set, tells from the arguments whether Run answers at once
	// (from the directory in memory: no network, no write); see
	// Router.Quick.
	Quick func(args string) bool
}

// always is a Definition.Quick for commands that always answer at once.
func always(string) bool { return true }

// Call is one run of a command.
type Call struct {
	*bot.Request
	Def  *Definition
	Word string // the word the user typed (a name or an alias)
	Args string // the rest of the line
	r    *Router
}

// Router dispatches command lines to their definitions. Create it with New.
type Router struct {
	Store   Store
	Now     bot.Clock
	Logger  *slog.Logger
	Version string
	// Admins holds actor keys ("slack:U123") of configured admins (an
	// adapter may also vouch for one: the console's local user).
	Admins map[string]bool
	// Audience decides who hears about the changes, nudges and
	// subscriptions the commands make (the zero value: nobody, as on the
	// console alone).
	Audience bot.Audience
	// Location is the time zone of calendar days (deadlines, "today").
	Location *time.Location
	// PublicURL is the web board's address (LIAISONBOT_PUBLIC_URL): "show"
	// links to the statement's page there; "" for no link.
	PublicURL string
	// Syncer runs "admin sync" (the directory sync from the Datatracker);
	// nil when this process has none.
	Syncer DirectorySyncer
	// Observe, if set, is told about every command that ran.
	Observe func(command, platform, outcome string, elapsed time.Duration)

	defs  []*Definition
	index map[string]*Definition
	// answers are the directory's answers, kept (answers.go).
	answers answerCache

	groupsMu  sync.Mutex
	groupsRaw string          // the stored list, as last read
	groups    *bot.IETFGroups // parsed
}

// ietfGroups returns the IETF's groups as the directory sync last read
// them (an empty list before the first sync: any acronym of the right
// shape is then taken).
func (r *Router) ietfGroups(ctx context.Context) *bot.IETFGroups {
	raw, err := r.Store.SyncState(ctx, bot.SyncKeyIETFGroups)
	if err != nil || raw == "" {
		return &bot.IETFGroups{}
	}
	r.groupsMu.Lock()
	defer r.groupsMu.Unlock()
	if raw != r.groupsRaw {
		gs, err := bot.ParseIETFGroups(raw)
		if err != nil {
			r.Logger.Warn("unreadable IETF group list; not checking groups", "err", err)
			return &bot.IETFGroups{}
		}
		r.groups, r.groupsRaw = gs, raw
	}
	return r.groups
}

// New returns a router with every command registered.
func New(store Store, logger *slog.Logger) *Router {
	if logger == nil {
		logger = slog.Default()
	}
	r := &Router{Store: store, Now: time.Now, Logger: logger, Location: time.UTC, Admins: map[string]bool{}, index: map[string]*Definition{}}
	for _, d := range []*Definition{
		helpCommand(),
		contactCommand(),
		orgsCommand(),
		submitCommand(),
		replyCommand(),
		showCommand(),
		previewCommand(),
		listCommand(),
		searchCommand(),
		nudgeCommand(),
		snoozeCommand(),
		linkCommand(),
		adminCommand(SyncerFunc(func(ctx context.Context, dry bool) (*bot.DirectoryDiff, error) {
			if r.Syncer == nil {
				return nil, ErrNoSyncer
			}
			return r.Syncer.SyncDirectory(ctx, dry)
		})),
	} {
		r.Register(d)
	}
	for _, d := range moveCommands() {
		r.Register(d)
	}
	for _, d := range subscribeCommands() {
		r.Register(d)
	}
	r.Register(formCommand())
	r.Register(cancelCommand())
	r.Register(versionCommand())
	return r
}

// Register adds a command. It panics on a duplicate name, a programming
// error caught by the tests.
func (r *Router) Register(d *Definition) {
	for _, w := range append([]string{d.Name}, d.Aliases...) {
		if _, dup := r.index[w]; dup {
			panic("commands: duplicate command word " + w)
		}
		r.index[w] = d
	}
	r.defs = append(r.defs, d)
	r.answers.reset() // help lists the commands
}

// Quick reports whether req will be answered at once (bot.QuickHandler):
// a command line, outside a direct conversation (where a form may be in
// progress, which takes a read of the store), of a command that answers
// from memory, from an actor whose identification needs no write (the
// first command of a chat user whose platform email is a directory
// person's ties them to that person, a write). The adapters then run it
// without racing it against the platform's deadline.
func (r *Router) Quick(ctx context.Context, req *bot.Request) bool {
	if req.Submit != nil || req.Channel.DM || req.Platform == bot.PlatformConsole || len(req.Text) > MaxCommandLength {
		return false
	}
	word, rest := SplitCommand(Sanitize(req.Text))
	if word == "" {
		word = "help"
	}
	def := r.index[word]
	if def == nil || def.Quick == nil || !def.Quick(rest) {
		return false
	}
	a := req.Actor
	if a.Person != nil {
		return true
	}
	d, err := r.Store.Directory(ctx)
	if err != nil {
		return false
	}
	platform := a.Platform
	if platform == "" {
		platform = req.Platform
	}
	if d.LinkedPerson(platform, a.UserID) != nil {
		return true
	}
	return a.Email == "" || d.PersonWithEmail(a.Email) == nil || !bot.ValidEmail(a.Email)
}

// Lookup returns the definition for a command word or alias.
func (r *Router) Lookup(word string) *Definition { return r.index[strings.ToLower(word)] }

// Handle runs one command line. It always answers: failures become a short
// message safe to show, and internal errors are logged, not shown.
func (r *Router) Handle(ctx context.Context, req *bot.Request) (resp *bot.Response) {
	start := time.Now()
	command := ""
	defer func() {
		if p := recover(); p != nil {
			r.Logger.Error("command panicked", "command", command, "platform", req.Platform, "panic", p, "stack", string(debug.Stack()))
			resp = failure(bot.Internal("command "+command, fmt.Errorf("panic: %v", p)))
		}
		resp.Command = command
		if r.Observe != nil {
			r.Observe(command, req.Platform, outcomeLabel(resp.Outcome), time.Since(start))
		}
	}()
	if len(req.Text) > MaxCommandLength {
		command = "invalid"
		return failure(bot.Errorf(bot.EINVALID, "That message is too long (over %d MB). Put long texts in an attachment and send its URL.", MaxCommandLength>>20))
	}
	req.Text = Sanitize(req.Text)
	if err := r.identify(ctx, req); err != nil {
		r.logError("identify", req, err)
	}
	if req.Submit != nil {
		command = "submit"
		out, err := r.submitForm(ctx, req)
		if err != nil {
			r.logError("submit", req, err)
			return failure(err)
		}
		return out
	}
	if req.Platform == bot.PlatformConsole {
		// The console exits non-zero when its input ends with a form open.
		defer func() {
			if resp != nil {
				resp.FormOpen = r.formOpen(ctx, req)
			}
		}()
	}
	if req.Channel.DM || req.Platform == bot.PlatformConsole {
		out, handled, err := r.converse(ctx, req, &command)
		if handled {
			if err != nil {
				r.logError("form", req, err)
				return failure(err)
			}
			return out
		}
		if err != nil {
			r.logError("form", req, err)
			return failure(err)
		}
	}
	out := r.dispatch(ctx, req, &command)
	if req.Platform == bot.PlatformSlack && !req.Channel.DM && command != bot.WordForm && command != WordCancelCommand {
		// A slash command elsewhere while a DM form waits: say so first
		// (Slack shows the answer to the user alone).
		r.remindOfForm(ctx, req, out)
	}
	return out
}

// dispatch runs the command of the request's line (after a "/liaison"
// prefix, if any) and names it in *command.
func (r *Router) dispatch(ctx context.Context, req *bot.Request, command *string) *bot.Response {
	word, rest := SplitCommand(req.Text)
	if word == "" {
		*command = "help"
		word = "help"
	}
	def := r.index[word]
	if def == nil {
		*command = "unknown"
		return failure(r.unknown(word))
	}
	*command = def.Name
	c := &Call{Request: req, Def: def, Word: word, Args: rest, r: r}
	out, err := def.Run(ctx, c)
	if err != nil {
		r.logError(def.Name, req, err)
		return failure(err)
	}
	if out == nil {
		out = &bot.Response{}
	}
	return out
}

func outcomeLabel(code string) string {
	if code == "" {
		return "ok"
	}
	return code
}

func (r *Router) logError(op string, req *bot.Request, err error) {
	if bot.ErrorCode(err) == bot.EINTERNAL {
		r.Logger.Error("command failed", "command", op, "platform", req.Platform, "user", req.Actor.Key(), "err", err)
		return
	}
	r.Logger.Debug("command refused", "command", op, "platform", req.Platform, "user", req.Actor.Key(), "err", err)
}

// failure turns an error into a private reply with its safe message.
func failure(err error) *bot.Response {
	return &bot.Response{
		Messages: []bot.Message{bot.Say(bot.Plain(bot.ErrorMessage(err)))},
		Outcome:  bot.ErrorCode(err),
	}
}

// unknown explains an unknown command word, with the closest command.
func (r *Router) unknown(word string) error {
	if len(word) > 40 {
		word = word[:40] + "…"
	}
	best, bestD := "", 3
	for w := range r.index {
		if d := editDistance(word, w); d < bestD || (d == bestD && w < best) {
			best, bestD = w, d
		}
	}
	msg := fmt.Sprintf("I don't know the command “%s”.", word)
	if best != "" && bestD <= 2 {
		d := r.index[best]
		msg += fmt.Sprintf(" Did you mean “%s”? Usage: %s", best, d.Usage)
	} else {
		msg += " Usage: " + r.usageLine()
	}
	return bot.Errorf(bot.EINVALID, "%s", msg)
}

func (r *Router) usageLine() string {
	names := make([]string, 0, len(r.defs))
	for _, d := range r.defs {
		names = append(names, d.Name)
	}
	sort.Strings(names)
	return "<command> [arguments], where <command> is one of " + strings.Join(names, ", ") + "; “help <command>” explains one."
}

// identify ties the request's actor to a directory person and sets Admin.
func (r *Router) identify(ctx context.Context, req *bot.Request) error {
	a := &req.Actor
	if a.Platform == "" {
		a.Platform = req.Platform
	}
	a.Admin = a.Admin || r.Admins[a.Key()]
	// The display name lands in histories and notices.
	a.Name = bot.StripInvisible(a.Name)
	if a.Person != nil {
		return nil
	}
	d, err := r.Store.Directory(ctx)
	if err != nil {
		return err
	}
	if p := d.LinkedPerson(a.Platform, a.UserID); p != nil {
		a.Person = p
		return nil
	}
	if a.Email == "" || d.PersonWithEmail(a.Email) == nil || !bot.ValidEmail(a.Email) {
		return nil
	}
	// First command from this chat user: tie them to the directory person
	// with the email their platform reports.
	p, err := r.Store.LinkChat(ctx, a.Platform, a.UserID, a.Email, a.Name, "platform email")
	if err != nil {
		return err
	}
	a.Person = p
	return nil
}

// directory loads the current directory snapshot.
func (c *Call) directory(ctx context.Context) (*bot.Directory, error) {
	d, err := c.r.Store.Directory(ctx)
	if err != nil {
		return nil, err
	}
	return d, nil
}

// now is the router's clock.
func (c *Call) now() time.Time { return c.r.Now() }

// reply wraps messages in a response.
func reply(msgs ...bot.Message) *bot.Response { return &bot.Response{Messages: msgs} }

// usageError says how a command is used.
func (c *Call) usageError(problem string) error {
	msg := "Usage: " + c.Def.Usage
	if problem != "" {
		msg = problem + " " + msg
	}
	if len(c.Def.Examples) > 0 {
		msg += " — for example: " + c.Def.Examples[0]
	}
	return bot.Errorf(bot.EINVALID, "%s", msg)
}

func editDistance(a, b string) int {
	if a == b {
		return 0
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
