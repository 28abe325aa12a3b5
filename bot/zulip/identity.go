package zulip

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
)

// Identity: a Zulip user becomes a bot.Actor with their real email when
// the bot may see it and the account is an active human's: a bot or a
// deactivated account never carries an email, so it is never tied to a
// directory person. A message's sender_email is the user's Zulip API
// email, which is a dummy user123@zulip.example.org when the user's email
// visibility is not "everyone"; GET /users/{email} (the API email works
// there too) then returns the real one as delivery_email if the bot's role
// may see it, else null (docs/zulip.md, "Who is who"). The answers are
// cached in memory and in the database for UserCacheTTL. The router ties
// the actor to a directory person by that email (or by an earlier "link");
// admins come from LIAISONBOT_ADMINS through the router.

// failedLookupTTL is how long a failed lookup is not tried again.
const failedLookupTTL = time.Minute

// maxCachedUsers bounds the in-memory cache (the database holds them all).
const maxCachedUsers = 10_000

// zulipUser is what the bot knows about a Zulip user.
type zulipUser struct {
	email    string // API email, maybe a dummy
	delivery string // real email, "" if hidden
	name     string
	isBot    bool
	active   bool // false: a deactivated account
	fetched  time.Time
	failed   bool // a failed lookup, remembered for failedLookupTTL
	known    bool // the fields come from Zulip (now or from the cache)
}

// userCache is the in-memory cache in front of the database's.
type userCache struct {
	mu sync.Mutex
	m  map[int64]zulipUser
}

func (c *userCache) get(id int64, now time.Time, ttl time.Duration) (zulipUser, bool) {
	c.mu.Lock()
	u, ok := c.m[id]
	c.mu.Unlock()
	if !ok {
		return zulipUser{}, false
	}
	if u.failed {
		ttl = failedLookupTTL
	}
	if now.Sub(u.fetched) >= ttl {
		return zulipUser{}, false
	}
	return u, true
}

func (c *userCache) put(id int64, u zulipUser) {
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxCachedUsers {
		c.m = map[int64]zulipUser{}
	}
	c.m[id] = u
	c.mu.Unlock()
}

// actor builds the request's actor for a message's sender, and reports
// whether the sender is a bot (whose messages the adapter ignores).
func (a *Adapter) actor(ctx context.Context, m *Message) (bot.Actor, bool) {
	return a.actorOf(m, a.user(ctx, m.SenderID, m.SenderEmail))
}

// cachedActor is actor when what is known of the sender is in memory and
// fresh: an actor made without waiting on anything (ok false otherwise).
func (a *Adapter) cachedActor(m *Message) (act bot.Actor, isBot, ok bool) {
	u, ok := a.users.get(m.SenderID, a.now(), a.cfg.UserCacheTTL)
	if !ok {
		return bot.Actor{}, false, false
	}
	act, isBot = a.actorOf(m, u)
	return act, isBot, true
}

// actorOf is the actor of m's sender, known as u.
func (a *Adapter) actorOf(m *Message, u zulipUser) (bot.Actor, bool) {
	act := bot.Actor{
		Platform: bot.PlatformZulip,
		UserID:   strconv.FormatInt(m.SenderID, 10),
		Name:     strings.TrimSpace(m.SenderFullName),
	}
	if act.Name == "" {
		act.Name = u.name
	}
	act.Email = realEmail(u, m.SenderEmail, m.SenderID, a.cfg.Client == nil)
	return act, u.isBot
}

// realEmail is the user's real email if Zulip vouches for it: the account
// is an active human's (not a bot, not deactivated) and the bot may see
// the address: the delivery email, else an API email that is not a dummy.
// The account is known from a lookup (now or from the cache); without one,
// only a message that came through the outgoing webhook with no API
// client to ask (webhookOnly) vouches for its sender's API email: Zulip
// calls the webhook only for messages of active humans, never for a bot's.
// A failed lookup vouches for nothing.
func realEmail(u zulipUser, senderEmail string, id int64, webhookOnly bool) string {
	if u.isBot || (u.known && !u.active) {
		return ""
	}
	if u.delivery != "" {
		return u.delivery
	}
	var candidates []string
	if u.known {
		candidates = append(candidates, u.email)
	}
	if webhookOnly {
		candidates = append(candidates, senderEmail)
	}
	for _, e := range candidates {
		if e = strings.TrimSpace(e); e != "" && !isDummyEmail(e, id) && bot.ValidEmail(e) {
			return e
		}
	}
	return ""
}

// isDummyEmail reports whether email is the dummy address Zulip gives
// user id when email visibility is restricted: user<id>@<realm host>.
func isDummyEmail(email string, id int64) bool {
	local, _, ok := strings.Cut(bot.EmailKey(email), "@")
	return ok && local == "user"+strconv.FormatInt(id, 10)
}

// user returns what is known about the user: from memory, else from the
// database if fresh, else from Zulip (within LookupTimeout), else whatever
// stale entry there is. Lookups are best effort: a failure is logged and
// the command runs without an email.
func (a *Adapter) user(ctx context.Context, id int64, apiEmail string) zulipUser {
	now := a.now()
	ttl := a.cfg.UserCacheTTL
	if u, ok := a.users.get(id, now, ttl); ok {
		return u
	}
	var stale zulipUser
	if a.cfg.Store != nil {
		email, delivery, name, isBot, active, fetched, err := a.cfg.Store.ZulipUser(ctx, id)
		switch {
		case err == nil:
			stale = zulipUser{email: email, delivery: delivery, name: name, isBot: isBot, active: active, fetched: fetched, known: true}
			if now.Sub(fetched) < ttl {
				a.users.put(id, stale)
				return stale
			}
		case bot.ErrorCode(err) != bot.ENOTFOUND:
			a.log.Warn("zulip: could not read the user cache", "user", id, "err", err)
		}
	}
	c := a.cfg.Client
	if c == nil || apiEmail == "" {
		if c == nil {
			// Nobody to ask (webhook-only): what the store has is all
			// there is; remembered a while, so that each message of the
			// user does not read the store again.
			kept := stale
			kept.failed, kept.fetched = true, now
			a.users.put(id, kept)
		}
		return stale
	}
	lctx, cancel := context.WithTimeout(ctx, a.cfg.LookupTimeout)
	defer cancel()
	zu, err := c.GetUserByEmail(lctx, apiEmail)
	if err == nil && zu.ID != id {
		err = errors.New("the email belongs to user " + strconv.FormatInt(zu.ID, 10))
	}
	if err != nil {
		a.log.Warn("zulip: could not look up a user; going on without their email", "user", id, "err", err)
		failed := stale
		failed.failed, failed.fetched = true, now
		a.users.put(id, failed)
		return stale
	}
	u := zulipUser{email: zu.Email, delivery: strings.TrimSpace(zu.DeliveryEmail), name: zu.FullName, isBot: zu.IsBot,
		active: zu.IsActive, fetched: now, known: true}
	if !u.active {
		a.log.Info("zulip: a deactivated account acts unlinked", "user", id)
	}
	if a.cfg.Store != nil {
		if err := a.cfg.Store.SaveZulipUser(ctx, id, u.email, u.delivery, u.name, u.isBot, u.active, now); err != nil {
			a.log.Warn("zulip: could not cache a user", "user", id, "err", err)
		}
	}
	a.users.put(id, u)
	return u
}

// UserIDByEmail returns the Zulip user id (as a string, the form of
// bot.Target.User and of chat links) of the active human with the email:
// from the cache when fresh, else with GET /users/{email}. It returns an
// error with code ENOTFOUND when Zulip knows nobody with that address, does
// not let the bot see it, or has only a bot or a deactivated account with
// it.
func (a *Adapter) UserIDByEmail(ctx context.Context, email string) (string, error) {
	email = strings.TrimSpace(email)
	if email == "" {
		return "", bot.Errorf(bot.ENOTFOUND, "No Zulip user has an empty email.")
	}
	now := a.now()
	if a.cfg.Store != nil {
		id, fetched, err := a.cfg.Store.ZulipUserByEmail(ctx, email)
		if err == nil && now.Sub(fetched) < a.cfg.UserCacheTTL {
			return strconv.FormatInt(id, 10), nil
		}
	}
	if a.cfg.Client == nil {
		return "", bot.Errorf(bot.ENOTFOUND, "No Zulip user is known with the email %s.", email)
	}
	zu, err := a.cfg.Client.GetUserByEmail(ctx, email)
	if errors.Is(err, ErrNotFound) {
		return "", bot.Errorf(bot.ENOTFOUND, "Zulip knows no user with the email %s (or does not show it to the bot).", email)
	}
	if err != nil {
		return "", bot.Internal("look up zulip user by email", err)
	}
	if a.cfg.Store != nil {
		if err := a.cfg.Store.SaveZulipUser(ctx, zu.ID, zu.Email, strings.TrimSpace(zu.DeliveryEmail), zu.FullName, zu.IsBot, zu.IsActive, now); err != nil {
			a.log.Warn("zulip: could not cache a user", "user", zu.ID, "err", err)
		}
	}
	if zu.IsBot || !zu.IsActive {
		return "", bot.Errorf(bot.ENOTFOUND, "Zulip has no active person with the email %s.", email)
	}
	return strconv.FormatInt(zu.ID, 10), nil
}
