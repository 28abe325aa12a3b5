package dtsync

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
	"github.com/ietf-tools/liaisonbot/bot/datatracker"
)

// Sync state keys.
const (
	// KeyStatementsSince is the newest statement event time seen (RFC 3339):
	// the next statement sync asks for events at or after it.
	KeyStatementsSince = "statements.since"
	// KeyDirectoryAcronyms maps group ids to their acronyms at the last
	// directory sync (JSON), to recognise renames.
	KeyDirectoryAcronyms = "directory.datatracker_acronyms"
	// KeyDirectorySynced is when the directory was last synced (RFC 3339).
	KeyDirectorySynced = "directory.synced_at"
	// KeyIETFGroups lists the acronyms of the IETF's own active groups
	// (working groups, areas, the IAB …) at the last directory sync (JSON):
	// the statement form checks the IETF side against it.
	KeyIETFGroups = bot.SyncKeyIETFGroups
)

// IETFGroupTypes are the Datatracker group types that can send or receive
// a liaison statement on the IETF's side.
var IETFGroupTypes = []string{"ietf", "iab", "iesg", "irtf", "area", "wg", "rg", "ag", "rag", "dir", "review", "team", "program"}

// ietfGroups fetches the IETF-side groups, active and concluded, with
// the people in their chair and ad roles (a working group's ADs are its
// area's): the statement form resolves groups by acronym and name, refuses
// a concluded one for a new outgoing statement, and names the approvers
// RFC 4052 §4 gives.
func (s *Syncer) ietfGroups(ctx context.Context) ([]bot.IETFGroup, error) {
	var out []bot.IETFGroup
	byID := map[int64]int{}
	parents := map[int64]int64{}
	for _, t := range IETFGroupTypes {
		groups, err := s.Client.Groups(ctx, url.Values{"type": {t}})
		if err != nil {
			return nil, err
		}
		for _, g := range groups {
			if g.Acronym == "" || (g.Type != "" && g.Type != t) {
				continue
			}
			if _, dup := byID[g.ID]; dup {
				continue
			}
			byID[g.ID] = len(out)
			parents[g.ID] = g.ParentID
			out = append(out, bot.IETFGroup{Acronym: strings.ToLower(g.Acronym), Name: strings.TrimSpace(g.Name), Type: t, State: g.State})
		}
	}
	names := map[int64]string{}
	person := func(r datatracker.Role) (bot.RoleHolder, error) {
		n, ok := names[r.PersonID]
		if !ok {
			p, err := s.Client.Person(ctx, r.PersonID)
			if err != nil {
				return bot.RoleHolder{}, fmt.Errorf("role %d: %w", r.ID, err)
			}
			n = p.DisplayName()
			names[r.PersonID] = n
		}
		return bot.RoleHolder{Name: n, Email: r.Email}, nil
	}
	for _, role := range []string{"chair", "ad"} {
		roles, err := s.Client.Roles(ctx, url.Values{"name": {role}})
		if err != nil {
			return nil, err
		}
		for _, r := range roles {
			i, ok := byID[r.GroupID]
			if !ok || r.Name != role {
				continue
			}
			p, err := person(r)
			if err != nil {
				return nil, err
			}
			if role == "chair" {
				out[i].Chairs = append(out[i].Chairs, p)
			} else {
				out[i].ADs = append(out[i].ADs, p)
			}
		}
	}
	// A working group's area, and the area's ADs when it has none of its own.
	for id, i := range byID {
		j, ok := byID[parents[id]]
		if !ok || out[j].Type != "area" || out[i].Type == "area" {
			continue
		}
		out[i].Area = out[j].Acronym
		if len(out[i].ADs) == 0 {
			out[i].ADs = out[j].ADs
		}
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Acronym < out[b].Acronym })
	return out, nil
}

// By is what the directory's history records as the author of a sync.
const By = "Datatracker sync"

// Store is what the syncs need from storage (storage.DB implements it).
type Store interface {
	// Directory returns the current directory.
	Directory(ctx context.Context) (*bot.Directory, error)
	// ApplyDirectory runs the edit on a private copy of the current
	// directory and writes the result, the state values and the history of
	// the changes in one transaction.
	bot.DirectoryEditor
	// SyncState returns the value stored under key ("" if none).
	SyncState(ctx context.Context, key string) (string, error)
	// UpdateStatements runs fn in one write transaction.
	bot.StatementUpdater
}

// Result says what a statement sync did.
type Result struct {
	Full      bool      // every statement was fetched (the first sync, or --full)
	Fetched   int       // statements the Datatracker returned
	Created   int       // new here
	Updated   int       // changed (announced where the change is news)
	Unchanged int       // already up to date
	Skipped   int       // unusable (an unknown state); logged
	Missing   []int64   // ids events mention that the Datatracker did not return
	Since     time.Time // the next sync's starting point
}

// String is a one-line summary.
func (r Result) String() string {
	s := fmt.Sprintf("%d statements fetched: %d new, %d updated, %d unchanged", r.Fetched, r.Created, r.Updated, r.Unchanged)
	if r.Skipped > 0 {
		s += fmt.Sprintf(", %d skipped", r.Skipped)
	}
	if len(r.Missing) > 0 {
		s += fmt.Sprintf(", %d not returned by the Datatracker", len(r.Missing))
	}
	return s
}

// Syncer runs the directory and statement syncs. Its methods may be called
// from several goroutines (the schedule and a chat command): syncs run one
// at a time.
type Syncer struct {
	Client *datatracker.Client
	Store  Store
	Now    func() time.Time
	Logger *slog.Logger
	// OnDiff, if set, sees a directory sync's diff before it is applied
	// (the command line prints it).
	OnDiff func(*bot.DirectoryDiff)
	// BatchSize is how many statements one transaction imports (default 100).
	BatchSize int
	// Audience decides who hears about the changes a statement sync
	// brings (the zero value: nobody).
	Audience bot.Audience

	mu sync.Mutex
}

func (s *Syncer) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

func (s *Syncer) logger() *slog.Logger {
	if s.Logger == nil {
		return slog.Default()
	}
	return s.Logger
}

// SyncDirectory brings the directory to the Datatracker's state (see
// MergeDirectory) and returns what changed. Everything is fetched first; a
// failed request (after the client's retries, which wait out 429s) or a
// malformed answer returns an error and changes nothing. The change is
// applied in one transaction, unless dryRun, which only computes it.
func (s *Syncer) SyncDirectory(ctx context.Context, dryRun bool) (*bot.DirectoryDiff, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	snap, err := s.Client.DirectorySnapshot(ctx)
	if err != nil {
		return nil, fmt.Errorf("directory sync: nothing was changed: %w", err)
	}
	var prev map[int64]string
	if raw, err := s.Store.SyncState(ctx, KeyDirectoryAcronyms); err != nil {
		return nil, fmt.Errorf("directory sync: %w", err)
	} else if raw != "" {
		if err := json.Unmarshal([]byte(raw), &prev); err != nil {
			s.logger().Warn("dtsync: ignoring unreadable sync state", "key", KeyDirectoryAcronyms, "err", err)
			prev = nil
		}
	}
	acronyms, err := json.Marshal(DatatrackerAcronyms(snap))
	if err != nil {
		return nil, fmt.Errorf("directory sync: %w", err)
	}
	state := map[string]string{
		KeyDirectoryAcronyms: string(acronyms),
		KeyDirectorySynced:   snap.FetchedAt.UTC().Format(time.RFC3339),
	}
	// The IETF's own groups, for the statement form. Not fatal: without
	// them the form accepts any acronym of the right shape, as before.
	if groups, err := s.ietfGroups(ctx); err != nil {
		s.logger().Warn("dtsync: could not read the IETF's groups; the statement form keeps the previous list", "err", err)
	} else if len(groups) > 0 {
		buf, _ := json.Marshal(groups)
		state[KeyIETFGroups] = string(buf)
	}
	edit := func(cur *bot.Directory) (*bot.Directory, error) {
		return MergeDirectory(cur, snap, snap.FetchedAt.UTC(), prev), nil
	}
	var review func(*bot.DirectoryDiff) error
	if s.OnDiff != nil {
		review = func(d *bot.DirectoryDiff) error { s.OnDiff(d); return nil }
	}
	diff, err := s.Store.ApplyDirectory(ctx, bot.DirectoryEdit{By: By, Edit: edit, State: state, Review: review, DryRun: dryRun})
	if err != nil {
		return nil, fmt.Errorf("directory sync: %w", err)
	}
	if !dryRun {
		s.logger().Info("dtsync: directory synced", "added", len(diff.Added), "changed", len(diff.Changed), "removed", len(diff.Removed))
	}
	return diff, nil
}

// SyncStatements imports the statements the Datatracker changed since the
// last sync (all of them the first time, or when full is set). It is
// idempotent and keyed on the Datatracker's id: a new statement is created
// with its history; a changed one is saved with an EventSynced event whose
// note says what changed, in the same transaction, so the subscribed
// channels hear about it once. The first (full) import is quiet: old
// statements are history, not news. The starting point of the next sync is
// stored in the transaction of the last batch; a failure before it leaves
// it unchanged, and the next sync does the work again.
func (s *Syncer) SyncStatements(ctx context.Context) (Result, error) {
	return s.syncStatements(ctx, false)
}

// SyncAllStatements is SyncStatements over every statement (tags changed
// without an event, which an incremental sync cannot see, are caught).
func (s *Syncer) SyncAllStatements(ctx context.Context) (Result, error) {
	return s.syncStatements(ctx, true)
}

func (s *Syncer) syncStatements(ctx context.Context, full bool) (Result, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var res Result
	fail := func(err error) (Result, error) {
		return res, fmt.Errorf("statement sync: %w", err)
	}
	var since time.Time
	raw, err := s.Store.SyncState(ctx, KeyStatementsSince)
	if err != nil {
		return fail(err)
	}
	if raw != "" && !full {
		if since, err = time.Parse(time.RFC3339Nano, raw); err != nil {
			return fail(fmt.Errorf("sync state %s %q: %w", KeyStatementsSince, raw, err))
		}
	}
	quiet := raw == "" // the very first import
	batch, err := s.Client.StatementsSince(ctx, since)
	if err != nil {
		return fail(fmt.Errorf("nothing was changed: %w", err))
	}
	res.Full, res.Fetched, res.Missing = batch.Full, len(batch.Statements), batch.Missing
	if len(batch.Missing) > 0 {
		s.logger().Warn("dtsync: statements named by events were not returned", "ids", batch.Missing)
	}
	l, err := s.lookup(ctx, batch)
	if err != nil {
		return fail(fmt.Errorf("nothing was changed: %w", err))
	}

	next := since
	if batch.LatestEventTime.After(next) {
		next = batch.LatestEventTime
	}
	if next.IsZero() && raw == "" {
		next = batch.FetchedAt // no events at all: start from now
	}
	res.Since = next
	nextRaw := raw
	if !next.IsZero() {
		nextRaw = next.UTC().Format(time.RFC3339Nano)
	}

	size := s.BatchSize
	if size <= 0 {
		size = 100
	}
	recs := batch.Statements
	for start := 0; start == 0 || start < len(recs); start += size {
		chunk := recs[start:min(start+size, len(recs))]
		last := start+size >= len(recs)
		var r Result
		err := s.Audience.Update(ctx, s.Store, func(stx bot.Tx) error {
			r = Result{}
			l.Local = func(id int64) (int64, error) {
				st, err := stx.ByDatatrackerID(id)
				if bot.ErrorCode(err) == bot.ENOTFOUND {
					return 0, nil
				}
				if err != nil {
					return 0, err
				}
				return st.ID, nil
			}
			for _, rec := range chunk {
				if err := s.importStatement(stx, rec, l, quiet, &r); err != nil {
					return err
				}
			}
			if last && nextRaw != raw {
				return stx.SetSyncState(KeyStatementsSince, nextRaw)
			}
			return nil
		})
		if err != nil {
			return fail(err)
		}
		res.Created += r.Created
		res.Updated += r.Updated
		res.Unchanged += r.Unchanged
		res.Skipped += r.Skipped
	}
	s.logger().Info("dtsync: statements synced", "fetched", res.Fetched, "created", res.Created,
		"updated", res.Updated, "unchanged", res.Unchanged, "skipped", res.Skipped, "since", res.Since)
	return res, nil
}

// importStatement creates or updates one statement in the transaction.
func (s *Syncer) importStatement(tx bot.Tx, rec datatracker.StatementRecord, l Lookup, quiet bool, r *Result) error {
	up, events, err := StatementFromRecord(rec, l)
	if err != nil {
		s.logger().Warn("dtsync: skipping a statement", "datatracker_id", rec.Statement.ID, "err", err)
		r.Skipped++
		return nil
	}
	local, err := tx.ByDatatrackerID(rec.Statement.ID)
	switch {
	case bot.ErrorCode(err) == bot.ENOTFOUND:
		if up.Submitted.IsZero() {
			up.Submitted = s.now().UTC()
		}
		if up.Updated.IsZero() {
			up.Updated = up.Submitted
		}
		key := "datatracker:" + strconv.FormatInt(rec.Statement.ID, 10)
		if quiet {
			id, err := tx.Create(up, key)
			if err != nil {
				return err
			}
			for i := range events {
				events[i].Statement = id
			}
			if len(events) > 0 {
				if err := tx.AddEvents(events...); err != nil {
					return err
				}
			}
		} else if _, err := tx.Create(up, key, events...); err != nil {
			return err
		}
		r.Created++
		return nil
	case err != nil:
		return err
	}

	history, err := tx.Events(local.ID)
	if err != nil {
		return err
	}
	fresh := NewEvents(history, events)
	for i := range fresh {
		fresh[i].Statement = local.ID
	}
	merged, notes, silent := MergeStatement(local, up)
	if len(fresh) > 0 {
		if err := tx.AddEvents(fresh...); err != nil {
			return err
		}
	}
	switch {
	case len(notes) > 0:
		merged.Updated = s.now().UTC()
		if err := tx.Save(merged, syncedEvent(local, merged, notes, merged.Updated)); err != nil {
			return err
		}
		r.Updated++
	case silent:
		if err := tx.Save(merged); err != nil {
			return err
		}
		r.Updated++
	case len(fresh) > 0:
		r.Updated++
	default:
		r.Unchanged++
	}
	return nil
}

// lookup fetches the groups and people the batch names (from the client's
// cache where it can). A group or person the Datatracker does not have is
// left out; any other failure is an error.
func (s *Syncer) lookup(ctx context.Context, b *datatracker.StatementBatch) (Lookup, error) {
	l := Lookup{Groups: map[int64]datatracker.Group{}, Persons: map[int64]string{}}
	var groups, persons []int64
	for _, rec := range b.Statements {
		groups = append(groups, rec.Statement.FromGroups...)
		groups = append(groups, rec.Statement.ToGroups...)
		for _, e := range rec.Events {
			if e.ByPersonID > personSystem {
				persons = append(persons, e.ByPersonID)
			}
		}
	}
	slices.Sort(groups)
	slices.Sort(persons)
	// Groups in batches (a first import names a hundred or more); the
	// client caches them for the next sync.
	for chunk := range slices.Chunk(slices.Compact(groups), 50) {
		ids := make([]string, len(chunk))
		for i, id := range chunk {
			ids[i] = strconv.FormatInt(id, 10)
		}
		gs, err := s.Client.Groups(ctx, url.Values{"id__in": {strings.Join(ids, ",")}})
		if err != nil {
			return l, err
		}
		for _, g := range gs {
			l.Groups[g.ID] = g
		}
	}
	for _, id := range slices.Compact(persons) {
		p, err := s.Client.Person(ctx, id)
		if datatracker.IsNotFound(err) {
			continue
		}
		if err != nil {
			return l, err
		}
		l.Persons[id] = p.DisplayName()
	}
	d, err := s.Store.Directory(ctx)
	if err != nil {
		return l, err
	}
	l.Dir = d
	return l, nil
}

// Run runs the syncs on a schedule until ctx is done: the directory every
// directoryEvery and the statements every statementsEvery (0 turns one
// off), each once at the start. Failures are logged and the schedule goes
// on.
func (s *Syncer) Run(ctx context.Context, directoryEvery, statementsEvery time.Duration) error {
	if directoryEvery <= 0 && statementsEvery <= 0 {
		return nil
	}
	var dirC, stC <-chan time.Time
	if directoryEvery > 0 {
		t := time.NewTicker(directoryEvery)
		defer t.Stop()
		dirC = t.C
		s.runDirectory(ctx)
	}
	if statementsEvery > 0 {
		t := time.NewTicker(statementsEvery)
		defer t.Stop()
		stC = t.C
		s.runStatements(ctx)
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-dirC:
			s.runDirectory(ctx)
		case <-stC:
			s.runStatements(ctx)
		}
	}
}

func (s *Syncer) runDirectory(ctx context.Context) {
	if _, err := s.SyncDirectory(ctx, false); err != nil && ctx.Err() == nil {
		s.logger().Error("dtsync: directory sync failed", "err", err)
	}
}

func (s *Syncer) runStatements(ctx context.Context) {
	if _, err := s.SyncStatements(ctx); err != nil && ctx.Err() == nil {
		s.logger().Error("dtsync: statement sync failed", "err", err)
	}
}
