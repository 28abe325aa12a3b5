package slack

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/ietf-tools/liaisonbot/bot"
)

// Identity: a Slack user becomes a bot.Actor with the email Slack vouches
// for (users.info, scope users:read.email): that of an active person of the
// app's own workspace, or of its Enterprise Grid organization, whose
// address Slack confirmed. Anyone else (a Slack Connect stranger, a
// deactivated account, a bot, an unconfirmed address) acts without an
// email, unlinked. The router ties the actor to a directory person by that
// email (or by an earlier "link"); admins come from LIAISONBOT_ADMINS
// through the router.

// lookupBudget bounds a users.info call made while a command waits.
const lookupBudget = 1500 * time.Millisecond

// failedLookupTTL is how long a failed users.info is not tried again.
const failedLookupTTL = time.Minute

// maxCachedUsers bounds the in-memory caches (the database holds them all).
const maxCachedUsers = 10_000

// profile is a cached Slack user (or, in the email cache, name holds the
// user id of an address).
type profile struct {
	email, name string
	fetched     time.Time
	failed      bool // a failed lookup, remembered for failedLookupTTL
}

// userCache is an in-memory cache in front of the database's.
type userCache struct {
	mu  *sync.Mutex
	m   map[string]profile
	ttl time.Duration
}

func newUserCache(ttl time.Duration) userCache {
	return userCache{mu: &sync.Mutex{}, m: map[string]profile{}, ttl: ttl}
}

// get returns a fresh entry.
func (c userCache) get(key string, now time.Time) (profile, bool) {
	c.mu.Lock()
	p, ok := c.m[key]
	c.mu.Unlock()
	if !ok {
		return profile{}, false
	}
	ttl := c.ttl
	if p.failed {
		ttl = failedLookupTTL
	}
	if now.Sub(p.fetched) >= ttl {
		return profile{}, false
	}
	return p, true
}

func (c userCache) put(key string, p profile) {
	c.mu.Lock()
	if len(c.m) >= maxCachedUsers {
		clear(c.m)
	}
	c.m[key] = p
	c.mu.Unlock()
}

// actor builds the request's actor for a Slack user: their name and the
// email Slack reports. A failed lookup is logged; the command still runs,
// without an email.
func (a *Adapter) actor(ctx context.Context, userID, name string) bot.Actor {
	act := bot.Actor{Platform: bot.PlatformSlack, UserID: userID, Name: name}
	if userID == "" {
		return act
	}
	p := a.userProfile(ctx, userID)
	if p.name != "" {
		act.Name = p.name
	}
	act.Email = p.email
	return act
}

// cachedActor is actor when the user's profile is in memory and fresh:
// an actor made without waiting on anything.
func (a *Adapter) cachedActor(userID, name string) (bot.Actor, bool) {
	if userID == "" {
		return bot.Actor{}, false
	}
	p, ok := a.users.get(userID, a.now())
	if !ok {
		return bot.Actor{}, false
	}
	act := bot.Actor{Platform: bot.PlatformSlack, UserID: userID, Name: name, Email: p.email}
	if p.name != "" {
		act.Name = p.name
	}
	return act, true
}

// userProfile returns the user's cached profile, fetching it with
// users.info when the cache is empty or older than UserCacheTTL.
func (a *Adapter) userProfile(ctx context.Context, userID string) profile {
	now := a.now()
	if p, ok := a.users.get(userID, now); ok {
		return p
	}
	email, name, fetched, err := a.cfg.Store.SlackUser(ctx, userID)
	stale := profile{email: email, name: name, fetched: fetched}
	if err == nil && now.Sub(fetched) < a.cfg.UserCacheTTL {
		a.users.put(userID, stale)
		return stale
	}
	if err != nil && bot.ErrorCode(err) != bot.ENOTFOUND {
		a.log.Warn("could not read the slack user cache", "user", userID, "err", err)
	}
	lctx, cancel := context.WithTimeout(ctx, lookupBudget)
	defer cancel()
	var u *slack.User
	err = a.call(WithoutRetry(lctx), "users.info", func(ctx context.Context) error {
		var err error
		u, err = a.api.GetUserInfoContext(ctx, userID, slack.GetUserInfoOptionIncludeLocale(false))
		return err
	})
	if err != nil {
		a.log.Warn("could not look up a slack user; going on without their email", "user", userID, "err", err)
		stale.failed, stale.fetched = true, now
		a.users.put(userID, stale)
		return stale
	}
	home, err := a.homeWorkspace(lctx)
	if err != nil {
		a.log.Warn("could not learn the app's workspace (auth.test); going on without the user's email", "user", userID, "err", err)
		stale.failed, stale.fetched, stale.name = true, now, displayName(u)
		stale.email = "" // nothing vouches for it now
		a.users.put(userID, stale)
		return stale
	}
	email, why := vouchedEmail(u, home)
	if why != "" {
		a.log.Info("slack user acts unlinked: Slack does not vouch for their email", "user", userID, "reason", why)
	}
	p := profile{email: email, name: displayName(u), fetched: now}
	if err := a.cfg.Store.SaveSlackUser(ctx, userID, p.email, p.name, now); err != nil {
		a.log.Warn("could not cache a slack user", "user", userID, "err", err)
	}
	a.users.put(userID, p)
	return p
}

// vouchedEmail is the user's email if Slack vouches for it: an active
// person (not deleted, not a bot) of the app's workspace or of its
// Enterprise Grid organization, not a stranger, with an address Slack
// confirmed. Otherwise it is "" and why says what failed.
func vouchedEmail(u *slack.User, home workspace) (email, why string) {
	email = strings.TrimSpace(u.Profile.Email)
	sameOrg := home.enterprise != "" && (u.Enterprise.EnterpriseID == home.enterprise || u.TeamID == home.enterprise)
	switch {
	case email == "":
		return "", "no email"
	case u.Deleted:
		return "", "deactivated"
	case u.IsBot || u.IsWorkflowBot || u.IsConnectorBot || u.ID == "USLACKBOT":
		return "", "a bot"
	case u.IsStranger:
		return "", "a stranger (another organization)"
	case u.TeamID != home.team && !sameOrg:
		return "", "another workspace (" + u.TeamID + ")"
	case !u.IsEmailConfirmed:
		return "", "email not confirmed"
	}
	return email, ""
}

// displayName is the name people know the user by.
func displayName(u *slack.User) string {
	for _, s := range []string{u.Profile.RealName, u.RealName, u.Profile.DisplayName, u.Name} {
		if s = strings.TrimSpace(s); s != "" {
			return s
		}
	}
	return ""
}
