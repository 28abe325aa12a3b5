// Package storagetest gives tests a real liaisonbot database: a SQLite
// file in the test's temporary directory (never :memory:, whose pooled
// connections would each see an empty database), migrated, seeded with the
// bundled directory and running on the test's clock, closed when the test
// ends.
package storagetest

import (
	"context"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/ietf-tools/liaisonbot/storage"
)

// Start is where a Clock made by NewClock(time.Time{}) starts:
// 2026-11-26 10:00 UTC, a Thursday.
var Start = time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)

// Clock is a test clock: it stands still until the test moves it. It is
// safe to read from the goroutines of the code under test.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock at t (Start when t is zero).
func NewClock(t time.Time) *Clock {
	if t.IsZero() {
		t = Start
	}
	return &Clock{t: t}
}

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// Add moves the clock on by d.
func (c *Clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// Option changes what Open opens.
type Option func(*options)

type options struct {
	path   string
	seed   bool
	now    func() time.Time
	logger *slog.Logger
	open   []storage.Option
}

// Path opens the database file at path instead of a new one: a test that
// reopens a database, as a restarted process does.
func Path(path string) Option { return func(o *options) { o.path = path } }

// Unseeded leaves the directory empty (the bundled one is not loaded).
func Unseeded() Option { return func(o *options) { o.seed = false } }

// Now makes the store read the time from now (default: the real time).
func Now(now func() time.Time) Option { return func(o *options) { o.now = now } }

// Logger sets the store's logger (default: slog's default logger).
func Logger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// With passes options on to storage.Open.
func With(opts ...storage.Option) Option {
	return func(o *options) { o.open = append(o.open, opts...) }
}

// Open opens (creating and migrating) a database for the test, seeded with
// the bundled directory unless Unseeded, and closes it when the test ends.
// Any failure fails the test.
func Open(tb testing.TB, opts ...Option) *storage.DB {
	tb.Helper()
	o := options{seed: true}
	for _, opt := range opts {
		opt(&o)
	}
	if o.path == "" {
		o.path = filepath.Join(tb.TempDir(), "bot.db")
	}
	ctx := context.Background()
	db, err := storage.Open(ctx, o.path, o.open...)
	if err != nil {
		tb.Fatalf("storagetest: open %s: %v", o.path, err)
	}
	tb.Cleanup(func() { db.Close() })
	if o.logger != nil {
		db.Logger = o.logger
	}
	if o.now != nil {
		db.Now = o.now
	}
	if o.seed {
		if _, err := db.Seed(ctx); err != nil {
			tb.Fatalf("storagetest: seed %s: %v", o.path, err)
		}
	}
	return db
}
