package slack

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/ietf-tools/liaisonbot/bot"
)

// Block Kit limits (platforms.md).
const (
	maxBlocks        = 50
	maxHeader        = 150
	maxSectionText   = 3000
	maxContextText   = 2000
	maxFields        = 10
	maxFieldText     = 2000
	maxButtons       = 25
	maxButtonText    = 75
	maxButtonValue   = 2000
	maxFallbackText  = 3000
	maxOptionText    = 75
	maxOptionValue   = 75
	maxOptions       = 100
	maxModalTitle    = 24
	maxModalBlocks   = 100
	maxModalMetadata = 3000
	maxInputText     = 3000 // plain_text_input max_length
	maxPlainText     = 2000 // labels, hints
	maxErrorText     = 1000
)

// Prefixes of the ids the adapter puts in messages.
const (
	// actionPrefix starts the action_id of every button: its value is the
	// command line the button runs.
	actionPrefix = "cmd-"
	// statementBlockPrefix starts the block_id of every block of a message
	// about a statement: "ls-12-3".
	statementBlockPrefix = "ls-"
)

// rendered is a message in Block Kit, with its plain-text fallback.
type rendered struct {
	Text   string        `json:"text"`
	Blocks []slack.Block `json:"blocks,omitempty"`
}

// mrkdwnEscaper escapes the three characters Slack treats as markup.
var mrkdwnEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// escape makes user text safe in mrkdwn (and plain_text): no mention, no
// link, no special command can be injected through it.
func escape(s string) string { return mrkdwnEscaper.Replace(s) }

// userIDShape is a Slack user id.
var userIDShape = regexp.MustCompile(`^[UW][A-Z0-9]{2,20}$`)

// validUserID reports whether id looks like a Slack user id, so that it can
// go into <@…> unescaped.
func validUserID(id string) bool { return userIDShape.MatchString(id) }

// renderMessage turns a neutral message into Block Kit: every limit of
// platforms.md respected, every user-supplied string escaped.
func renderMessage(m bot.Message) rendered { return renderUpTo(m, maxBlocks) }

// renderUpTo is renderMessage with another limit of blocks (a home view
// holds 100).
func renderUpTo(m bot.Message, maxBlocks int) rendered {
	r := renderer{statement: m.Statement}
	for _, b := range m.Blocks {
		r.block(b)
	}
	blocks := r.out
	if len(blocks) > maxBlocks {
		// Keep a trailing row of buttons: it is what moves things on.
		var tail []slack.Block
		for i := len(blocks) - 1; i >= 0; i-- {
			if _, ok := blocks[i].(*slack.ActionBlock); !ok {
				break
			}
			tail = append([]slack.Block{blocks[i]}, tail...)
			if len(tail) == 2 {
				break
			}
		}
		keep := maxBlocks - 1 - len(tail)
		cut := slack.NewContextBlock(r.blockID(), slack.NewTextBlockObject(slack.MarkdownType, "… (truncated)", false, false))
		blocks = append(append(blocks[:keep:keep], cut), tail...)
	}
	return rendered{Text: fallbackText(m), Blocks: blocks}
}

// fallbackText is the notification text: the summary, or the first words of
// the message.
func fallbackText(m bot.Message) string {
	s := m.Summary
	if s == "" {
		for _, b := range m.Blocks {
			switch v := b.(type) {
			case bot.Header:
				s = v.Text
			case bot.Paragraph:
				s = v.Text.PlainString()
			}
			if s != "" {
				break
			}
		}
	}
	return truncate(escape(strings.TrimSpace(s)), maxFallbackText)
}

// renderer accumulates the blocks of one message.
type renderer struct {
	statement int64
	out       []slack.Block
	n         int // blocks with ids so far
	buttons   int // buttons so far (action ids)
}

// blockID is the id of the next block: "ls-<statement>-<n>" in a message
// about a statement (so a click can tell what the message showed), else
// "" (Slack makes one up).
func (r *renderer) blockID() string {
	r.n++
	if r.statement == 0 {
		return ""
	}
	return statementBlockPrefix + strconv.FormatInt(r.statement, 10) + "-" + strconv.Itoa(r.n)
}

func (r *renderer) add(b slack.Block) { r.out = append(r.out, b) }

func (r *renderer) section(text string) {
	if strings.TrimSpace(text) == "" {
		return
	}
	r.add(slack.NewSectionBlock(mrkdwnObject(truncate(text, maxSectionText)), nil, nil, withBlockID(r.blockID())))
}

func (r *renderer) block(b bot.Block) {
	switch v := b.(type) {
	case bot.Header:
		t := strings.TrimSpace(strings.ReplaceAll(v.Text, "\n", " "))
		if t == "" {
			return
		}
		r.add(slack.NewHeaderBlock(plainObject(truncate(escape(t), maxHeader)), slack.HeaderBlockOptionBlockID(r.blockID())))
	case bot.Paragraph:
		r.section(mrkdwn(v.Text))
	case bot.Fields:
		for start := 0; start < len(v.Fields); start += maxFields {
			var objs []*slack.TextBlockObject
			for _, f := range v.Fields[start:min(start+maxFields, len(v.Fields))] {
				val := mrkdwn(f.Value)
				if strings.TrimSpace(val) == "" {
					val = "—"
				}
				objs = append(objs, mrkdwnObject(truncate("*"+escape(f.Label)+"*\n"+val, maxFieldText)))
			}
			if len(objs) > 0 {
				r.add(slack.NewSectionBlock(nil, objs, nil, withBlockID(r.blockID())))
			}
		}
	case bot.List:
		// Items go one per line; a list longer than a section continues in
		// the next one.
		var b strings.Builder
		for _, it := range v.Items {
			line := truncate("• "+mrkdwn(it), maxSectionText)
			if b.Len() > 0 && utf8.RuneCountInString(b.String())+1+utf8.RuneCountInString(line) > maxSectionText {
				r.section(b.String())
				b.Reset()
			}
			if b.Len() > 0 {
				b.WriteByte('\n')
			}
			b.WriteString(line)
		}
		r.section(b.String())
	case bot.Context:
		t := mrkdwn(v.Text)
		if strings.TrimSpace(t) == "" {
			return
		}
		r.add(slack.NewContextBlock(r.blockID(), mrkdwnObject(truncate(t, maxContextText))))
	case bot.Quote:
		text := strings.TrimRight(strings.ReplaceAll(v.Text, "\r\n", "\n"), "\n ")
		if strings.TrimSpace(text) == "" {
			return
		}
		var b strings.Builder
		for i, l := range strings.Split(text, "\n") {
			if i > 0 {
				b.WriteByte('\n')
			}
			b.WriteString("> ")
			b.WriteString(escape(l))
			if b.Len() > 4*maxSectionText { // enough to fill a section
				break
			}
		}
		r.section(b.String())
	case bot.Actions:
		var elems []slack.BlockElement
		flush := func() {
			if len(elems) > 0 {
				r.add(slack.NewActionBlock(r.blockID(), elems...))
				elems = nil
			}
		}
		for _, btn := range v.Buttons {
			if btn.Command == "" || len(btn.Command) > maxButtonValue || strings.TrimSpace(btn.Label) == "" {
				continue // a button that cannot carry its command is left out
			}
			r.buttons++
			e := slack.NewButtonBlockElement(actionPrefix+strconv.Itoa(r.buttons), btn.Command,
				plainObject(truncate(escape(btn.Label), maxButtonText)))
			switch btn.Style {
			case bot.StylePrimary:
				e.Style = slack.StylePrimary
			case bot.StyleDanger:
				e.Style = slack.StyleDanger
			}
			elems = append(elems, e)
			if len(elems) == maxButtons {
				flush()
			}
		}
		flush()
	case bot.Divider:
		d := slack.NewDividerBlock()
		d.BlockID = r.blockID()
		r.add(d)
	}
}

func withBlockID(id string) slack.SectionBlockOption {
	return slack.SectionBlockOptionBlockID(id)
}

func mrkdwnObject(s string) *slack.TextBlockObject {
	return &slack.TextBlockObject{Type: slack.MarkdownType, Text: s}
}

func plainObject(s string) *slack.TextBlockObject {
	return &slack.TextBlockObject{Type: slack.PlainTextType, Text: s}
}

// mrkdwn renders spans as Slack mrkdwn. Every piece of text is escaped;
// only the markup the adapter adds itself (emphasis, links, mentions of
// validated user ids) is live.
func mrkdwn(t bot.Text) string {
	var b strings.Builder
	for _, s := range t {
		switch s.Kind {
		case bot.SpanBold:
			emphasise(&b, escape(s.Text), "*")
		case bot.SpanItalic:
			emphasise(&b, escape(s.Text), "_")
		case bot.SpanCode:
			if s.Text == "" {
				continue
			}
			// Nothing escapes a backtick inside inline code: show a look-alike.
			b.WriteString("`" + escape(strings.ReplaceAll(s.Text, "`", "ˋ")) + "`")
		case bot.SpanLink:
			link(&b, s.URL, s.Text)
		case bot.SpanEmail:
			if bot.ValidEmail(s.Text) {
				b.WriteString("<mailto:" + escapeURL(s.Text) + "|" + escape(s.Text) + ">")
			} else {
				b.WriteString(escape(s.Text))
			}
		case bot.SpanPerson:
			person(&b, s.Person)
		case bot.SpanUser:
			if validUserID(s.Text) {
				b.WriteString("<@" + s.Text + ">")
			} else {
				b.WriteString(escape(s.Text))
			}
		default:
			b.WriteString(escape(s.Text))
		}
	}
	return b.String()
}

// emphasise wraps already escaped text in a mark, keeping surrounding
// spaces outside it (Slack ignores "* x*").
func emphasise(b *strings.Builder, s, mark string) {
	core := strings.TrimSpace(s)
	if core == "" {
		b.WriteString(s)
		return
	}
	i := strings.Index(s, core)
	b.WriteString(s[:i])
	b.WriteString(mark + core + mark)
	b.WriteString(s[i+len(core):])
}

// link writes <url|label> for http(s) and mailto URLs; anything else is
// shown as text.
func link(b *strings.Builder, rawURL, label string) {
	if label == "" {
		label = rawURL
	}
	if !safeURL(rawURL) {
		b.WriteString(escape(label))
		if rawURL != "" && rawURL != label {
			b.WriteString(" (" + escape(rawURL) + ")")
		}
		return
	}
	b.WriteString("<" + escapeURL(rawURL) + "|" + escape(label) + ">")
}

// safeURL accepts absolute http, https and mailto URLs without spaces or
// control characters.
func safeURL(s string) bool {
	if s == "" || len(s) > 3000 || strings.ContainsAny(s, " \t\r\n") {
		return false
	}
	u, err := url.Parse(s)
	if err != nil {
		return false
	}
	switch u.Scheme {
	case "http", "https":
		return u.Host != ""
	case "mailto":
		return u.Opaque != ""
	}
	return false
}

// urlEscaper keeps a URL inside its <…|…> token.
var urlEscaper = strings.NewReplacer("&", "&amp;", "<", "%3C", ">", "%3E", "|", "%7C")

func escapeURL(s string) string { return urlEscaper.Replace(s) }

// person writes a mention when the person is tied to a Slack user, else
// "Name <email>" as text.
func person(b *strings.Builder, p *bot.Person) {
	if p == nil {
		return
	}
	if id := p.ChatUser(bot.PlatformSlack); validUserID(id) {
		b.WriteString("<@" + id + ">")
		return
	}
	switch {
	case p.Name != "" && p.Email != "":
		b.WriteString(escape(p.Name) + " " + escape("<"+p.Email+">"))
	case p.Name != "":
		b.WriteString(escape(p.Name))
	case bot.ValidEmail(p.Email):
		b.WriteString("<mailto:" + escapeURL(p.Email) + "|" + escape(p.Email) + ">")
	default:
		b.WriteString(escape(p.Email))
	}
}

// truncate cuts s to at most max characters, ending with "…", without
// cutting a <…> token or an &…; entity in two.
func truncate(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)[:max-1]
	cut := len(r)
	lastLT, lastGT, lastAmp, lastSemi := -1, -1, -1, -1
	for i, c := range r {
		switch c {
		case '<':
			lastLT = i
		case '>':
			lastGT = i
		case '&':
			lastAmp = i
		case ';':
			lastSemi = i
		}
	}
	if lastLT > lastGT {
		cut = lastLT
	}
	if lastAmp > lastSemi && lastAmp < cut {
		cut = lastAmp
	}
	return strings.TrimRight(string(r[:cut]), " \n") + "…"
}
