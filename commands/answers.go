package commands

import (
	"sync"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
)

// The directory's answers — contact, orgs, help — depend only on the
// directory (and, for the ages of its facts, on the day), not on who asks
// or where. The router keeps each one, with a bot.Memo for the adapters'
// renderings, and answers it again until the directory changes: a
// different snapshot from the store (this process changed the directory;
// another replica did, and the store's version check or a notification
// saw it) drops them all. An answer that names the age of a fact ("3
// days ago") is kept until that age changes.

// maxAnswers bounds the answers kept (one per organization and a few more;
// past it they are all dropped and made again).
const maxAnswers = 4096

// answerCache is the router's kept answers.
type answerCache struct {
	mu sync.Mutex
	// dir is the snapshot the answers were made from (nil: none yet), and
	// version its Version.
	dir     *bot.Directory
	version int64
	m       map[string]keptAnswer
}

// keptAnswer is one kept answer.
type keptAnswer struct {
	msg bot.Message
	// It holds from the clock's reading when it was made until before
	// until (zero: no limit): the router's clock may be set back.
	from, until time.Time
}

// sameDirectory reports whether a and b are the same directory: the same
// snapshot, or snapshots of the same stored version.
func sameDirectory(a *bot.Directory, av int64, b *bot.Directory) bool {
	return a == b || (a != nil && b != nil && av != 0 && av == b.Version)
}

// answer returns the answer kept under key for d at now, or makes it with
// make (which returns the message and until when it holds; zero: as long
// as the directory), keeps it with a Memo, and returns it. d nil means
// the answer does not depend on the directory.
func (c *answerCache) answer(d *bot.Directory, key string, now time.Time, make func() (bot.Message, time.Time)) bot.Message {
	if d != nil {
		key = "dir:" + key
	}
	c.mu.Lock()
	if d != nil && !sameDirectory(c.dir, c.version, d) {
		// A new directory: every answer made from the old one goes.
		for k := range c.m {
			if len(k) > 4 && k[:4] == "dir:" {
				delete(c.m, k)
			}
		}
		c.dir, c.version = d, d.Version
	}
	if a, ok := c.m[key]; ok && !now.Before(a.from) && (a.until.IsZero() || now.Before(a.until)) {
		c.mu.Unlock()
		return a.msg
	}
	c.mu.Unlock()
	msg, until := make()
	msg.Memo = &bot.Memo{}
	c.mu.Lock()
	// Keep it only if the directory did not change meanwhile.
	if d == nil || c.dir == d {
		if c.m == nil || len(c.m) >= maxAnswers {
			c.m = map[string]keptAnswer{}
		}
		c.m[key] = keptAnswer{msg: msg, from: now, until: until}
	}
	c.mu.Unlock()
	return msg
}

// reset drops every kept answer (the commands changed).
func (c *answerCache) reset() {
	c.mu.Lock()
	c.m, c.dir, c.version = nil, nil, 0
	c.mu.Unlock()
}

// agesHold returns until when the ages of facts with these provenances,
// as bot.Age words them at now, stay the same: the earliest moment one of
// them turns a day older (zero when none has a date).
func agesHold(now time.Time, ps ...bot.Provenance) time.Time {
	var until time.Time
	for _, p := range ps {
		if p.AsOf.IsZero() {
			continue
		}
		next := bot.AgeChanges(p.AsOf, now)
		if until.IsZero() || next.Before(until) {
			until = next
		}
	}
	return until
}
