package zulip

import "time"

// Limits Zulip has applied for years. A server at feature level 53 or
// later announces its own in the Register response (when "realm" is among
// the fetched event types); Client.Limits returns those once known.
const (
	// MaxTopicLength is the longest topic, in Unicode code points.
	MaxTopicLength = 60
	// MaxMessageLength is the longest message content, in Unicode code
	// points (the OpenAPI document's unit; a server silently truncates
	// longer content, so the client refuses to send it instead).
	MaxMessageLength = 10000
)

// Feature levels the client adapts to.
const (
	// featureLevelDirect is Zulip 7.0, where "direct" replaced the
	// deprecated "private" message type.
	featureLevelDirect = 174
)

// Limits are the server's topic and content limits, in code points.
type Limits struct {
	MaxTopicLength   int
	MaxMessageLength int
}

// User is a Zulip user as returned by GET /users/{email} and /users/me.
type User struct {
	ID       int64  `json:"user_id"`
	Email    string `json:"email"` // the Zulip API email, maybe a dummy user123@host
	FullName string `json:"full_name"`
	// DeliveryEmail is the real email, empty if the bot may not see it.
	DeliveryEmail string `json:"delivery_email"`
	IsBot         bool   `json:"is_bot"`
	IsActive      bool   `json:"is_active"`
	Role          int    `json:"role"` // 100 owner … 400 member, 600 guest
	Timezone      string `json:"timezone"`
}

// RegisterParams are the parameters of POST /register.
type RegisterParams struct {
	// EventTypes are the event types to receive; nil means ["message"].
	EventTypes []string
	// Narrow filters message events, e.g. [["is","dm"]]; nil means none.
	Narrow [][]string
	// AllPublicStreams asks for messages of every public channel, not only
	// of the channels the bot is subscribed to.
	AllPublicStreams bool
	// ApplyMarkdown asks for rendered HTML content instead of the Markdown
	// source; the bot wants the source, so leave it false.
	ApplyMarkdown bool
	// FetchEventTypes selects the initial state returned with the queue;
	// nil means the server's default (EventTypes). Add "realm" to learn
	// the server's limits and long-poll timeout, "realm_user" to learn the
	// bot's own user ID (at the cost of the whole user list).
	FetchEventTypes []string
}

// Queue is a registered event queue and what the server said about itself.
type Queue struct {
	ID          string
	LastEventID int64 // pass to the first GetEvents
	// FeatureLevel and Version identify the server (always present).
	FeatureLevel int
	Version      string
	// Present only if "realm" was fetched; zero otherwise.
	MaxTopicLength   int
	MaxMessageLength int
	LongpollTimeout  time.Duration
	// Present only if "realm_user" was fetched; zero otherwise.
	UserID   int64
	Email    string
	FullName string
}

// OutgoingMessage is a message to send: to a channel and topic (Channel or
// ChannelID, and Topic) or a direct message (To).
type OutgoingMessage struct {
	Channel   string  // channel name, for a channel message
	ChannelID int64   // or channel ID, which wins if both are set
	Topic     string  // required for a channel message
	To        []int64 // user IDs, for a direct message (one or a group)
	Content   string  // Zulip Markdown
	// Widget optionally adds choice buttons under the message. Only the web
	// and desktop apps show them, and a click merely sends the choice's
	// Reply as a message from the user, so Content must make sense alone
	// and every reply must also work typed by hand.
	Widget *ZForm
}

// IsDM reports whether m is a direct message.
func (m OutgoingMessage) IsDM() bool { return len(m.To) > 0 }

// ZForm is a "zform" widget of type "choices": a heading and buttons.
//
// Zulip validates widget_content in zerver/lib/validator.py
// (check_widget_content): {"widget_type":"zform","extra_data":{"type":
// "choices","heading":…,"choices":[{"short_name","long_name","reply"}]}}.
// The web client's schema (web/src/zform_data.ts) also requires a string
// "type" in every choice, hence "multiple_choice", as Zulip's trivia bot
// sends.
type ZForm struct {
	Heading string
	Choices []ZFormChoice
}

// ZFormChoice is one button of a ZForm.
type ZFormChoice struct {
	ShortName string // shown on the button, e.g. "A"
	LongName  string // shown next to it, e.g. "Approve"
	Reply     string // the message a click sends, e.g. "approve LS-12"
}

// MarshalJSON encodes z as widget_content.
func (z *ZForm) MarshalJSON() ([]byte, error) {
	type choice struct {
		Type      string `json:"type"`
		ShortName string `json:"short_name"`
		LongName  string `json:"long_name"`
		Reply     string `json:"reply"`
	}
	type extra struct {
		Type    string   `json:"type"`
		Heading string   `json:"heading"`
		Choices []choice `json:"choices"`
	}
	w := struct {
		WidgetType string `json:"widget_type"`
		ExtraData  extra  `json:"extra_data"`
	}{WidgetType: "zform", ExtraData: extra{Type: "choices", Heading: z.Heading, Choices: []choice{}}}
	for _, c := range z.Choices {
		w.ExtraData.Choices = append(w.ExtraData.Choices,
			choice{Type: "multiple_choice", ShortName: c.ShortName, LongName: c.LongName, Reply: c.Reply})
	}
	s, err := jsonString(w)
	return []byte(s), err
}
