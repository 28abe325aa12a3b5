package storage

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// Leadership: work that one process at a time must do (consuming the Zulip
// event queue: two consumers would answer every message twice) runs under
// Lead. On SQLite the store serves one process, which always leads. On
// PostgreSQL the leader holds a session advisory lock on a connection of
// its own; the others try to take it every LeaderPoll. When the leader
// dies its connection closes and the lock goes with it (at once when the
// process is killed; within the server's TCP keepalive, set on that
// connection to about LeaderKeepalive, when its machine is lost), and a
// survivor takes over. A leader that can no longer reach the database
// steps down within LeaderGrace (before the server notices its machine is
// gone); and a new leader waits LeaderGrace after taking the lock before it
// starts, so that a leader whose session the server ended (an
// administrator's pg_terminate_backend, a server restart) has stopped
// first: two never work at once.

// How quickly leadership moves.
const (
	LeaderPoll      = 2 * time.Second  // how often a follower tries to take the lead; how often the leader checks it still holds it
	LeaderPing      = 3 * time.Second  // how long the leader's check may take before it steps down
	LeaderKeepalive = 10 * time.Second // about how long the server takes to notice a leader's machine is gone
	LeaderGrace     = LeaderPoll + LeaderPing
)

// Lead runs fn while this process leads the work called name, and returns
// what fn returns. Until then it waits its turn; if the lead is lost (the
// database is unreachable) fn's context is cancelled, and once fn has
// returned Lead waits for the lead again. onLead, if not nil, is told
// each time this process starts (true) and stops (false) leading.
// Lead returns nil when ctx is done.
func (db *DB) Lead(ctx context.Context, name string, fn func(ctx context.Context) error, onLead func(bool)) error {
	if onLead == nil {
		onLead = func(bool) {}
	}
	if !db.Postgres() {
		onLead(true)
		defer onLead(false)
		return fn(ctx)
	}
	key := lockKey(db.schema, "lead:"+name)
	for ctx.Err() == nil {
		done, err := db.leadOnce(ctx, name, key, fn, onLead)
		if done {
			return err
		}
		if err != nil && ctx.Err() == nil {
			db.Logger.Warn("leadership: cannot reach the database; trying again", "work", name, "err", err)
		}
		select {
		case <-ctx.Done():
		case <-time.After(LeaderPoll):
		}
	}
	return nil
}

// leadOnce connects, waits for the lock and runs fn under it. done says
// fn ran to its end (Lead returns err); otherwise the lead was not taken
// or was lost, and err says why.
func (db *DB) leadOnce(ctx context.Context, name string, key int64, fn func(context.Context) error, onLead func(bool)) (done bool, err error) {
	conn, err := pgx.ConnectConfig(ctx, db.pgcfg.Copy())
	if err != nil {
		return false, err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	secs := int(LeaderKeepalive / time.Second / 3)
	if _, err := conn.Exec(ctx, fmt.Sprintf("SET tcp_keepalives_idle = %d; SET tcp_keepalives_interval = %d; SET tcp_keepalives_count = 2", secs, secs)); err != nil {
		return false, err
	}
	for {
		var got bool
		if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1)`, key).Scan(&got); err != nil {
			return false, err
		}
		if got {
			break
		}
		select {
		case <-ctx.Done():
			return true, nil
		case <-time.After(LeaderPoll):
		}
	}
	select {
	case <-ctx.Done():
		return true, nil
	case <-time.After(LeaderGrace):
	}
	if err := conn.Ping(ctx); err != nil {
		return false, err
	}
	db.Logger.Info("leadership: this process leads", "work", name)
	onLead(true)
	defer onLead(false)
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	var fnErr error
	finished := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(finished)
		fnErr = fn(runCtx)
	}()
	tick := time.NewTicker(LeaderPoll)
	defer tick.Stop()
	for {
		select {
		case <-finished:
			return true, fnErr
		case <-ctx.Done():
			wg.Wait()
			return true, fnErr
		case <-tick.C:
			pctx, pcancel := context.WithTimeout(ctx, LeaderPing)
			var held bool
			err := conn.QueryRow(pctx, `SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()
				AND granted AND objid = ($1::bigint & 4294967295)::oid AND classid = (($1::bigint >> 32) & 4294967295)::oid)`, key).Scan(&held)
			pcancel()
			if ctx.Err() != nil {
				continue // the ctx.Done case ends it
			}
			if err == nil && !held {
				err = errors.New("the advisory lock is no longer held")
			}
			if err != nil {
				db.Logger.Warn("leadership: lost; stopping the work", "work", name, "err", err)
				cancel()
				wg.Wait()
				return false, err
			}
		}
	}
}
