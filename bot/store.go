package bot

import (
	"context"
	"time"
)

// DirectoryStore keeps the directory.
type DirectoryStore interface {
	// Directory returns the current directory snapshot. Callers must not
	// modify it.
	Directory(ctx context.Context) (*Directory, error)
	// ReplaceDirectory makes the stored directory equal to d in one
	// transaction and returns what changed. by names who did it.
	ReplaceDirectory(ctx context.Context, d *Directory, by string) (*DirectoryDiff, error)
}

// IdentityStore ties chat users to directory people.
type IdentityStore interface {
	// PersonByChat returns the person tied to the chat user, or ENOTFOUND.
	PersonByChat(ctx context.Context, platform, userID string) (*Person, error)
	// PersonByEmail returns the directory person with the email, or ENOTFOUND.
	PersonByEmail(ctx context.Context, email string) (*Person, error)
}

// Clock returns the current time; tests inject their own.
type Clock func() time.Time

// StatementStore keeps liaison statements and their history.
type StatementStore interface {
	// Statement returns one statement, or ENOTFOUND.
	Statement(ctx context.Context, id int64) (*Statement, error)
	// Events returns a statement's history, oldest first.
	Events(ctx context.Context, id int64) ([]Event, error)
	// UpdateStatements runs fn in one write transaction: everything it saves
	// (statements, their events, their notices) is written together or not
	// at all.
	UpdateStatements(ctx context.Context, fn func(tx StatementTx) error) error
	// ListStatements returns one page of statements matching q, and
	// whether there are more.
	ListStatements(ctx context.Context, q ListQuery) ([]*Statement, bool, error)
	// SearchStatements returns one page of statements matching the words,
	// newest first, and whether there are more.
	SearchStatements(ctx context.Context, words string, page, pageSize int) ([]*Statement, bool, error)
}

// StatementTx is the view of the store inside UpdateStatements.
type StatementTx interface {
	// Statement reads a statement inside the transaction.
	Statement(id int64) (*Statement, error)
	// Create stores a new statement with its events and returns its id.
	// key, if not "", makes the creation idempotent: a second Create with
	// the same key returns the first statement's id and ECONFLICT.
	Create(s *Statement, key string, events ...Event) (int64, error)
	// Save writes a changed statement and its events. It fails with
	// ECONFLICT if the statement changed since it was read.
	Save(s *Statement, events ...Event) error
	// AddEvents records events that change nothing else (comments, nudges).
	AddEvents(events ...Event) error
	// Enqueue writes outbox rows for a notice about s to the targets (on
	// the platforms that deliver notices).
	Enqueue(s *Statement, kind string, data NoticeData, targets []Target) error
	// MarkReminded records a reminder as sent; false means it was recorded
	// before and must not be sent again.
	MarkReminded(statement int64, key string, at time.Time) (bool, error)
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
