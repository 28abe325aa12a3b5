package bot

// The neutral message model. Commands answer with Messages made of Blocks
// made of Spans; each adapter renders them (plain text in the console, Block
// Kit on Slack, Markdown on Zulip) and escapes user text its own way. No
// Span carries platform markup: user text is always plain text.

// Message is one reply or notice.
type Message struct {
	Blocks []Block
	// Public asks for the reply to be visible in the channel; by default a
	// reply is private to the person who asked (ephemeral on Slack).
	Public bool
	// Direct sends the message to the person who asked in a direct
	// conversation (a DM), wherever they asked: a form moved out of a
	// channel.
	Direct bool
	// Statement is the statement the message is about (0 if none): adapters
	// use it for threads, topics and in-place updates.
	Statement int64
	// Summary is a one-line plain-text version for notifications and
	// fallbacks.
	Summary string
	// Mentions asks for the people the message names to be notified
	// (reminders, nudges); other messages name them quietly where the
	// platform can (Zulip's silent mentions).
	Mentions bool
	// Memo, when set, keeps the adapters' renderings of this message: it
	// is set only on messages that are kept and answered again as they
	// are, and never changed (see Memo).
	Memo *Memo
}

// Block is one part of a message.
type Block interface{ isBlock() }

// Header is a title line.
type Header struct{ Text string }

// Paragraph is a block of text.
type Paragraph struct{ Text Text }

// Fields are labelled values ("State: pending").
type Fields struct{ Fields []Field }

// Field is one labelled value.
type Field struct {
	Label string
	Value Text
}

// List is a bulleted list.
type List struct{ Items []Text }

// Context is small print: where a fact came from, how old it is, hints.
type Context struct{ Text Text }

// Quote is a long user-supplied text (a statement's body), shown as-is.
type Quote struct{ Text string }

// Actions are the buttons (Slack), choices (Zulip) or suggested commands
// (console) that move things on.
type Actions struct{ Buttons []Button }

// Divider separates parts of a message.
type Divider struct{}

func (Header) isBlock()    {}
func (Paragraph) isBlock() {}
func (Fields) isBlock()    {}
func (List) isBlock()      {}
func (Context) isBlock()   {}
func (Quote) isBlock()     {}
func (Actions) isBlock()   {}
func (Divider) isBlock()   {}

// ButtonStyle colours a button.
type ButtonStyle string

// Button styles.
const (
	StyleDefault ButtonStyle = ""
	StylePrimary ButtonStyle = "primary"
	StyleDanger  ButtonStyle = "danger"
)

// Button is an action a user can take. Command is the exact command line
// that clicking it runs, so a click and typing do the same thing.
type Button struct {
	Label   string
	Command string
	Style   ButtonStyle
}

// SpanKind says how a span is shown.
type SpanKind int

// The kinds of span.
const (
	SpanPlain  SpanKind = iota
	SpanBold            // emphasised
	SpanItalic          // de-emphasised
	SpanCode            // a command or identifier
	SpanLink            // Text linked to URL
	SpanEmail           // an email address (Text)
	SpanPerson          // a directory person: a mention where linked, else name and email
	SpanUser            // a chat user by platform id (Text); rendered as a mention
)

// Span is a run of text of one kind.
type Span struct {
	Kind   SpanKind
	Text   string
	URL    string
	Person *Person
}

// Text is a sequence of spans.
type Text []Span

// Plain returns s as plain text.
func Plain(s string) Span { return Span{Kind: SpanPlain, Text: s} }

// Bold returns s emphasised.
func Bold(s string) Span { return Span{Kind: SpanBold, Text: s} }

// Italic returns s de-emphasised.
func Italic(s string) Span { return Span{Kind: SpanItalic, Text: s} }

// Code returns s as a command or identifier.
func Code(s string) Span { return Span{Kind: SpanCode, Text: s} }

// Link returns label linked to url.
func Link(label, url string) Span { return Span{Kind: SpanLink, Text: label, URL: url} }

// Mail returns an email address.
func Mail(addr string) Span { return Span{Kind: SpanEmail, Text: addr} }

// Who returns a person.
func Who(p Person) Span { return Span{Kind: SpanPerson, Person: &p} }

// ChatUser returns a chat user by their platform id.
func ChatUser(id string) Span { return Span{Kind: SpanUser, Text: id} }

// Line joins spans into a Text.
func Line(spans ...Span) Text { return Text(spans) }

// Words is a Text of one plain span.
func Words(s string) Text { return Text{Plain(s)} }

// PlainString flattens t to plain text (no markup), for summaries and logs.
func (t Text) PlainString() string {
	var n int
	for _, s := range t {
		n += len(s.Text)
	}
	b := make([]byte, 0, n)
	for _, s := range t {
		switch s.Kind {
		case SpanPerson:
			if s.Person != nil {
				b = append(b, s.Person.Label()...)
			}
		default:
			b = append(b, s.Text...)
		}
	}
	return string(b)
}

// Reply builds a private message from blocks.
func Reply(blocks ...Block) Message { return Message{Blocks: blocks} }

// Say is a private message of one paragraph.
func Say(spans ...Span) Message { return Message{Blocks: []Block{Paragraph{Text: Text(spans)}}} }
