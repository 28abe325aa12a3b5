package bot

import "context"

// Platforms.
const (
	PlatformConsole = "console"
	PlatformSlack   = "slack"
	PlatformZulip   = "zulip"
)

// Actor is the person behind a request.
type Actor struct {
	Platform string
	UserID   string // the platform's user id ("local" in the console)
	Name     string // display name as the platform gives it
	Email    string // the email the platform vouches for, if any (adapters leave out the rest)
	// Person is the directory person the chat user is tied to, if any.
	Person *Person
	// Admin is true for users listed in LIAISONBOT_ADMINS, and for whom
	// the adapter vouches as one (the console's local user).
	Admin bool
}

// Key identifies the actor across platforms: "slack:U123".
func (a Actor) Key() string { return a.Platform + ":" + a.UserID }

// EmailAddress is the directory person's email, else the platform's.
func (a Actor) EmailAddress() string {
	if a.Person != nil && a.Person.Email != "" {
		return a.Person.Email
	}
	return a.Email
}

// Label names the actor for history and notices.
func (a Actor) Label() string {
	switch {
	case a.Person != nil && a.Person.Name != "":
		return a.Person.Name
	case a.Name != "":
		return a.Name
	case a.Email != "":
		return a.Email
	}
	return a.Key()
}

// Channel is where a request was made.
type Channel struct {
	ID    string // platform channel id ("" in the console)
	Name  string // channel name, for Zulip streams
	Topic string // Zulip topic, or the Slack thread timestamp
	DM    bool   // a direct conversation with the bot
	// Key is the channel as notices address it (a Target's Channel):
	// Slack's channel id, Zulip's stream name; "" outside a channel.
	Key string
}

// UserRef is a chat user a command names.
type UserRef struct {
	Platform string
	ID       string // the platform's user id
	Name     string // the display name, when the mention carries one
}

// Request is one command from a user.
type Request struct {
	Platform string
	Actor    Actor
	Channel  Channel
	// Text is the command line without the slash command or bot mention.
	Text string
	// Prefixed is true when the line carried the command prefix: Slack's
	// slash command, a mention of the bot on Zulip (a leading "/liaison"
	// is recognised in the text itself on every platform). A prefixed line
	// is always a command, never an answer to an open form.
	Prefixed bool
	// Returning is set by an adapter for a user coming back: the console
	// sends it with an empty text when a session starts. The answer then
	// says whether an unfinished form waits (and nothing else when the
	// text is empty).
	Returning bool
	// Modal is true when the platform shows forms as modals (Slack); the
	// form commands then answer with Response.Form instead of a
	// conversation.
	Modal bool
	// Submit carries a filled-in form (a modal's values) instead of a
	// command line.
	Submit *FormSubmission
	// ParseUser reads a user as the platform writes one in a command's
	// words (Slack's <@U123>, Zulip's @**Name|42**, a bare user id): the
	// adapter's syntax, which commands do not know. Nil where the platform
	// has none (the console): a user is written as their id.
	ParseUser func(s string) (UserRef, error)
}

// FormSubmission is a statement form filled in on a platform that has
// modals.
type FormSubmission struct {
	Values map[string]string
	// Key makes the submission idempotent: a second submission with the
	// same key (Slack's view id) creates nothing new.
	Key string
}

// Response is what a command answers.
type Response struct {
	Messages []Message
	// Form asks the adapter to open a form (a Slack modal) with these
	// values, or, answering a FormSubmission, to show these errors; only
	// set when Request.Modal is true.
	Form *FormState
	// Outcome is the error code of a failed command ("" when it worked),
	// for metrics and logs.
	Outcome string
	// FormOpen is true when, after this answer, a statement form waits for
	// the user's answers in a conversation (the console exits non-zero
	// when its input ends so).
	FormOpen bool
	// Command is the canonical name of the command that ran, for metrics.
	Command string
}

// Handler answers requests. commands.Router is the implementation; the
// adapters only know this interface.
type Handler interface {
	Handle(ctx context.Context, req *Request) *Response
}

// HandlerFunc adapts a function to Handler.
type HandlerFunc func(ctx context.Context, req *Request) *Response

// Handle calls f.
func (f HandlerFunc) Handle(ctx context.Context, req *Request) *Response { return f(ctx, req) }
