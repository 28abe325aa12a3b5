package bot

import (
	"context"
	"time"
)

// The store's abilities, one interface per thing it keeps. A consumer
// names the ones it needs in its own Store interface (commands.Store,
// reminders.Store, outbox.Store, dtsync.Store); storage implements every
// one and says so at compile time. Nobody discovers an ability at run
// time: a missing method is a compile error, not a feature quietly off.

// DirectoryStore keeps the directory.
type DirectoryStore interface {
	// Directory returns the current directory snapshot. Callers must not
	// modify it.
	Directory(ctx context.Context) (*Directory, error)
	// ReplaceDirectory makes the stored directory equal to d in one
	// transaction and returns what changed. by names who did it.
	ReplaceDirectory(ctx context.Context, d *Directory, by string) (*DirectoryDiff, error)
}

// DirectoryEditor changes the directory (admins in chat, the Datatracker
// sync).
type DirectoryEditor interface {
	// ApplyDirectory applies one edit of the directory in one transaction
	// and returns what changed (see DirectoryEdit).
	ApplyDirectory(ctx context.Context, e DirectoryEdit) (*DirectoryDiff, error)
}

// DirectoryEdit is one change of the directory. Edit gets a private copy
// of the current directory and returns the new one (or an error, and
// nothing changes); the store refuses a result with a fatal problem (see
// Directory.Validate), writes it, and records every changed fact in the
// directory's history with By and the time.
type DirectoryEdit struct {
	By   string
	Edit func(cur *Directory) (*Directory, error)
	// State holds sync state values (see SyncStateStore) written in the
	// same transaction.
	State map[string]string
	// Review, if set, sees the diff before anything is written; an error
	// stops the change.
	Review func(*DirectoryDiff) error
	// DryRun computes the diff and writes nothing.
	DryRun bool
}

// DirectoryChange is one entry of the directory's history.
type DirectoryChange struct {
	Time   time.Time
	By     string
	Org    string // the organization's acronym at the time ("" for the coordinators)
	Change string
}

// DirectoryHistory reads the directory's history.
type DirectoryHistory interface {
	// DirectoryHistory returns one page of changes, newest first, and
	// whether there are more: those of the organization with orgID or, for
	// older entries, with one of the names (its acronym and aliases);
	// every change when orgID is 0 and there are no names.
	DirectoryHistory(ctx context.Context, orgID int64, names []string, page, pageSize int) ([]DirectoryChange, bool, error)
}

// IdentityStore ties chat users to directory people.
type IdentityStore interface {
	// PersonByChat returns the person tied to the chat user, or ENOTFOUND.
	PersonByChat(ctx context.Context, platform, userID string) (*Person, error)
	// PersonByEmail returns the directory person with the email, or ENOTFOUND.
	PersonByEmail(ctx context.Context, email string) (*Person, error)
	// LinkChat ties a chat user to the person with the email (creating the
	// person if needed); by names who made the link.
	LinkChat(ctx context.Context, platform, userID, email, name, by string) (*Person, error)
}

// SubscriptionStore keeps which channels hear about which organizations'
// statements.
type SubscriptionStore interface {
	// Subscribe makes the channel hear about the organization (0: every
	// organization); false when it already did.
	Subscribe(ctx context.Context, platform, channel string, orgID int64, by string) (bool, error)
	// Unsubscribe stops that; false when there was nothing to stop.
	Unsubscribe(ctx context.Context, platform, channel string, orgID int64) (bool, error)
	// Subscriptions lists the organizations the channel follows (0: all).
	Subscriptions(ctx context.Context, platform, channel string) ([]int64, error)
}

// SyncStateStore keeps small named values for the syncs (where the last
// one stopped, what it saw).
type SyncStateStore interface {
	// SyncState returns the value stored under key, or "".
	SyncState(ctx context.Context, key string) (string, error)
	// SetSyncState stores value under key.
	SetSyncState(ctx context.Context, key, value string) error
}

// Clock returns the current time; tests inject their own.
type Clock func() time.Time

// StatementStore keeps liaison statements and their history.
type StatementStore interface {
	// Statement returns one statement, or ENOTFOUND.
	Statement(ctx context.Context, id int64) (*Statement, error)
	// Events returns a statement's history, oldest first.
	Events(ctx context.Context, id int64) ([]Event, error)
	StatementUpdater
	// ListStatements returns one page of statements matching q, and
	// whether there are more.
	ListStatements(ctx context.Context, q ListQuery) ([]*Statement, bool, error)
	// SearchStatements returns one page of statements matching the words,
	// newest first, and whether there are more.
	SearchStatements(ctx context.Context, words string, page, pageSize int) ([]*Statement, bool, error)
}

// StatementUpdater writes statements.
type StatementUpdater interface {
	// UpdateStatements runs fn in one write transaction: everything it saves
	// (statements, their events, their notices) is written together or not
	// at all. Audience.Update wraps it so that changes are announced.
	UpdateStatements(ctx context.Context, fn func(tx StatementTx) error) error
}

// StatementTx is the view of the store inside UpdateStatements. It writes
// what it is given; deciding who hears about a change is the Audience's
// (Tx wraps a StatementTx to announce).
type StatementTx interface {
	// Statement reads a statement inside the transaction.
	Statement(id int64) (*Statement, error)
	// ByDatatrackerID reads the statement synced from the Datatracker's
	// liaison statement id, or fails with ENOTFOUND.
	ByDatatrackerID(id int64) (*Statement, error)
	// Events reads a statement's history inside the transaction, oldest
	// first.
	Events(id int64) ([]Event, error)
	// Create stores a new statement with its events (setting their ids)
	// and returns its id. key, if not "", makes the creation idempotent: a
	// second Create with the same key returns the first statement's id and
	// ECONFLICT.
	Create(s *Statement, key string, events ...Event) (int64, error)
	// Save writes a changed statement and its events (setting their ids).
	// It fails with ECONFLICT if the statement changed since it was read.
	Save(s *Statement, events ...Event) error
	// AddEvents records events that change nothing else (comments, nudges).
	AddEvents(events ...Event) error
	// MarkReminded records a reminder as sent; false means it was recorded
	// before and must not be sent again.
	MarkReminded(statement int64, key string, at time.Time) (bool, error)
	// Subscribers lists the channels subscribed to the organization's
	// statements or to all, ordered by platform and channel.
	Subscribers(orgID int64) ([]Target, error)
	// Enqueue writes the notice's outbox rows for s, one per target; s is
	// nil for a notice about no one statement (a digest).
	Enqueue(s *Statement, n Notice) error
	// MarkDigest records a digest as sent under its key; false means it
	// was recorded before and must not be sent again.
	MarkDigest(key string, at time.Time) (bool, error)
	// MailMessageID returns the Message-ID of the latest email of the kind
	// (MailPosted, ...) written for the statement, or "" when none was.
	MailMessageID(statement int64, kind string) (string, error)
	// SyncState reads a sync state value ("" if none); SetSyncState writes
	// one, committed (or not) with the statements.
	SyncState(key string) (string, error)
	SetSyncState(key, value string) error
}

// ReminderStore is what the reminder sweep reads besides statements.
type ReminderStore interface {
	// ReminderCandidates returns the statements that may have a reminder
	// due around today: awaiting action with a deadline between from and
	// to, and those awaiting approval.
	ReminderCandidates(ctx context.Context, from, to Date) ([]*Statement, error)
	// RemindersSent returns, per statement, the keys of the reminders
	// already sent.
	RemindersSent(ctx context.Context, ids []int64) (map[int64][]string, error)
}

// OutboxStore is the outbox as its dispatcher works it: rows claimed on a
// lease, delivered, and marked.
type OutboxStore interface {
	// ClaimNotices leases deliverable rows to owner until now+lease (see
	// storage.DB.ClaimNotices for which).
	ClaimNotices(ctx context.Context, owner string, now time.Time, lease time.Duration, lim ClaimLimits, skip []string) ([]OutboxItem, error)
	// RenewClaim extends owner's lease on the row if owner still holds it.
	RenewClaim(ctx context.Context, id int64, owner string, now time.Time, lease time.Duration) (bool, error)
	// MarkSent records a delivery (and the thread it started).
	MarkSent(ctx context.Context, id int64, owner string, d Delivered, now time.Time) error
	// MarkRetry puts the row back for another attempt at next.
	MarkRetry(ctx context.Context, id int64, owner string, next time.Time, lastErr string) error
	// MarkFailed parks the row as failed.
	MarkFailed(ctx context.Context, id int64, owner string, lastErr string) error
	// Settle records a delivery that reached some of an email's recipients
	// and not others, in one transaction: the row becomes parts[0], each
	// further part a new row of the same notice (statement, kind, target,
	// stream, creation time), and the notices (about the row's statement)
	// are written with them.
	Settle(ctx context.Context, id int64, owner string, parts []OutboxPart, notices []Notice, now time.Time) error
	// Release gives a claimed row back undelivered, not before next.
	Release(ctx context.Context, id int64, owner string, next time.Time) error
	// ReleaseOwner gives back every row still leased to owner.
	ReleaseOwner(ctx context.Context, owner string) (int, error)
	// Thread returns the statement's thread in the channel, or "".
	Thread(ctx context.Context, statement int64, platform, channel string) (string, error)
	// EventsByID returns the events with the ids, oldest first.
	EventsByID(ctx context.Context, ids []int64) ([]Event, error)
}

// The states of an outbox row.
const (
	OutboxPending = "pending"
	OutboxSent    = "sent"
	OutboxFailed  = "failed"
)

// OutboxPart is one outcome of a delivery that split (see Settle): the
// recipients it is about are in Data.Mail.Envelope.
type OutboxPart struct {
	Status    string // OutboxSent, OutboxPending (to try again at Next) or OutboxFailed
	Data      NoticeData
	Next      time.Time
	LastError string
	MessageID string // OutboxSent: the platform's id of what it took
}

// ListFilter selects statements for "list".
type ListFilter string

// The list filters.
const (
	ListOpen    ListFilter = "open"    // pending, approved, or awaiting action
	ListPending ListFilter = "pending" // awaiting approval
	ListOverdue ListFilter = "overdue" // awaiting action past the deadline
	ListMine    ListFilter = "mine"    // submitted by me, or for organizations I manage
	ListAll     ListFilter = "all"
)

// ListQuery is a "list" request.
type ListQuery struct {
	Filter   ListFilter
	OrgID    int64  // 0: every organization
	Today    Date   // for "overdue"
	MineKey  string // actor key, for "mine"
	MineMail string // actor's directory email, for "mine"
	MineOrgs []int64
	Page     int // 1-based
	PageSize int

	// The web board's and the feeds' filters; the zero value of each
	// selects everything.
	States      []State   // only statements in these states
	Purpose     Purpose   // only this purpose
	Group       string    // only statements with this IETF group on their IETF side (any case)
	Words       string    // only statements matching every word (full-text, as a prefix)
	HasDeadline bool      // only statements with a deadline
	Order       ListOrder // the order of the results
}

// ListOrder is the order of a list.
type ListOrder string

// The orders.
const (
	ByDeadline ListOrder = ""        // soonest deadline first (none last), then newest first
	ByChange   ListOrder = "changed" // the latest change first
)

// ConversationStore keeps half-filled forms, one per chat user.
type ConversationStore interface {
	// Conversation returns the user's form in progress, or ENOTFOUND.
	Conversation(ctx context.Context, platform, userID string) (*Conversation, error)
	SaveConversation(ctx context.Context, platform, userID string, c *Conversation) error
	DeleteConversation(ctx context.Context, platform, userID string) error
}
