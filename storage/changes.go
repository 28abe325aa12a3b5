package storage

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jmoiron/sqlx"
)

// What a committed change was about: the topics OnChange's subscribers
// hear. Whatever a process keeps in memory about one of these (the
// directory snapshot, a rendered answer) is stale once it is told.
const (
	ChangeDirectory  = "directory"  // organizations, people, roles, chat identities
	ChangeStatements = "statements" // a statement, its history or its groups
	ChangeOutbox     = "outbox"     // new notices to deliver
)

// OnChange subscribes f to the store's changes: it is called after every
// committed write transaction that changed one of the topics, once per
// topic, whichever process wrote it — in this process right after the
// commit; on PostgreSQL, in every other replica too, by LISTEN/NOTIFY,
// within moments (and with every topic after the listening connection was
// lost, since notices may have been missed meanwhile). f must be quick: it
// runs on the committing goroutine or the listener's.
func (db *DB) OnChange(f func(topic string)) {
	db.changes.mu.Lock()
	db.changes.subs = append(db.changes.subs, f)
	db.changes.mu.Unlock()
}

// changes tracks the topics of open write transactions and tells the
// subscribers.
type changes struct {
	mu      sync.Mutex
	pending map[*sqlx.Tx][]string
	subs    []func(string)

	db      *DB
	channel string // PostgreSQL: the NOTIFY channel, one per schema
	self    string // this process's mark on its own notices
	stopped chan struct{}
	cancel  context.CancelFunc
}

// changed records, inside tx, that it changes topic; on PostgreSQL the
// notice goes out with the commit (NOTIFY is transactional).
func (db *DB) changed(tx *sqlx.Tx, topic string) error {
	c := &db.changes
	c.mu.Lock()
	if c.pending == nil {
		c.pending = map[*sqlx.Tx][]string{}
	}
	for _, t := range c.pending[tx] {
		if t == topic {
			c.mu.Unlock()
			return nil
		}
	}
	c.pending[tx] = append(c.pending[tx], topic)
	c.mu.Unlock()
	if db.Postgres() {
		_, err := tx.Exec(`SELECT pg_notify(?, ?)`, c.channel, topic+" "+c.self)
		return err
	}
	return nil
}

// committed tells this process's subscribers about tx's changes.
func (c *changes) committed(tx *sqlx.Tx) {
	c.mu.Lock()
	topics := c.pending[tx]
	delete(c.pending, tx)
	c.mu.Unlock()
	for _, t := range topics {
		c.tell(t)
	}
}

// forget drops what an ended transaction recorded (after a rollback).
func (c *changes) forget(tx *sqlx.Tx) {
	c.mu.Lock()
	delete(c.pending, tx)
	c.mu.Unlock()
}

func (c *changes) tell(topic string) {
	c.mu.Lock()
	subs := append([]func(string){}, c.subs...)
	c.mu.Unlock()
	if topic == ChangeDirectory && c.db != nil {
		c.db.invalidateDirectory()
	}
	if topic == ChangeOutbox && c.db != nil && c.db.OnNotice != nil {
		c.db.OnNotice()
	}
	for _, f := range subs {
		f(topic)
	}
}

// start begins listening on PostgreSQL for the other replicas' notices.
func (c *changes) start(db *DB, cfg *pgx.ConnConfig) {
	var b [8]byte
	rand.Read(b[:])
	c.db, c.self = db, hex.EncodeToString(b[:])
	c.channel = "liaisonbot_changes_" + db.schema
	ctx, cancel := context.WithCancel(context.Background())
	c.cancel, c.stopped = cancel, make(chan struct{})
	go func() {
		defer close(c.stopped)
		c.listen(ctx, cfg.Copy())
	}()
}

// stop ends the listener.
func (c *changes) stop() {
	if c.cancel != nil {
		c.cancel()
		<-c.stopped
		c.cancel = nil
	}
}

// listen keeps a connection listening, reconnecting with a pause when it
// is lost; after a reconnection every topic is told, since notices may
// have been missed.
func (c *changes) listen(ctx context.Context, cfg *pgx.ConnConfig) {
	lost := false
	for ctx.Err() == nil {
		err := c.listenOnce(ctx, cfg, &lost)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			c.db.Logger.Warn("postgres: listening for other replicas' changes failed; retrying", "err", err)
		}
		lost = true
		select {
		case <-ctx.Done():
		case <-time.After(2 * time.Second):
		}
	}
}

func (c *changes) listenOnce(ctx context.Context, cfg *pgx.ConnConfig, lost *bool) error {
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{c.channel}.Sanitize()); err != nil {
		return err
	}
	if *lost {
		for _, t := range []string{ChangeDirectory, ChangeStatements, ChangeOutbox} {
			c.tell(t)
		}
		*lost = false
	}
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		topic, from, _ := strings.Cut(n.Payload, " ")
		if from == c.self {
			continue // told at the commit already
		}
		c.tell(topic)
	}
}
