package zulip

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/ietf-tools/liaisonbot/bot"
)

// Rendering: the neutral bot.Message becomes Zulip Markdown, and its
// Actions one zform widget.
//
//	Header     **Title**
//	Paragraph  the text
//	Fields     **Label:** value, one per line
//	List       - item
//	Context    *small print* (plain runs in italics)
//	Quote      ```quote … ``` (a statement's body)
//	Actions    "Reply: `approve LS-12` · `cancel`" and a zform whose
//	           choices send exactly those commands
//
// User text is never trusted: every plain run is escaped so that it can
// neither ping (@**all**, @**channel**, @**topic**, @*group*, @**Name**,
// @_**Name|12**, @**|12**) nor fake markup (links, emphasis, code, fences,
// quotes, headings, list items, widgets started by "/poll"). The only
// mentions in the output are the ones the renderer writes itself for a
// linked person (SpanPerson) or a chat user (SpanUser).

// RenderOptions says where a rendered message goes.
type RenderOptions struct {
	// ReplyPrefix goes before every command that a choice sends and that
	// the text suggests typing: the bot's mention ("@**Liaison Bot|100** ")
	// in a channel or group DM, where only a mention reaches the bot;
	// "" in a one-to-one DM.
	ReplyPrefix string
}

// Rendered is a message in Zulip's terms.
type Rendered struct {
	Content string // Zulip Markdown; may exceed the server's limit (see SplitContent)
	Widget  *ZForm // the message's choices, nil if it has none
}

// mentionMark precedes the "@" of every mention the renderer writes, so
// that the final pass can tell them from an "@" that user text or a join
// of spans put before markup. It is removed from user text and from the
// output.
const mentionMark = "\uE000"

// zwsp is a zero-width space: it breaks "@**" and line-start markup
// apart without showing.
const zwsp = "\u200B"

// Render renders one message.
func Render(m bot.Message, o RenderOptions) Rendered {
	var parts []string
	var buttons []bot.Button
	for _, blk := range m.Blocks {
		var s string
		switch v := blk.(type) {
		case bot.Header:
			s = bold(oneLine(v.Text))
		case bot.Paragraph:
			s = renderText(v.Text, true)
		case bot.Fields:
			s = renderFields(v.Fields)
		case bot.List:
			s = renderList(v.Items)
		case bot.Context:
			s = renderContext(v.Text)
		case bot.Quote:
			s = renderQuote(v.Text)
		case bot.Actions:
			buttons = append(buttons, v.Buttons...)
			s = renderActions(v.Buttons, o)
		case bot.Divider:
			// Zulip draws no rule; the blank line between blocks separates.
		}
		if strings.TrimSpace(s) != "" {
			parts = append(parts, s)
		}
	}
	content := strings.Join(parts, "\n\n")
	if !m.Mentions {
		// Replies name people without pinging them; only reminders and
		// nudges, which are meant to reach them, mention them loudly.
		content = strings.ReplaceAll(content, mentionMark+"@**", mentionMark+"@_**")
	}
	return Rendered{Content: finish(content), Widget: zform(buttons, o)}
}

// RenderAll renders several messages as one: their contents one after the
// other and one widget with every choice (a message has at most one).
// The webhook uses it when it must answer everything in its response.
func RenderAll(msgs []bot.Message, o RenderOptions) Rendered {
	var parts []string
	var buttons []bot.Button
	for _, m := range msgs {
		r := Render(m, RenderOptions{ReplyPrefix: o.ReplyPrefix})
		if strings.TrimSpace(r.Content) != "" {
			parts = append(parts, r.Content)
		}
		for _, blk := range m.Blocks {
			if a, ok := blk.(bot.Actions); ok {
				buttons = append(buttons, a.Buttons...)
			}
		}
	}
	return Rendered{Content: strings.Join(parts, "\n\n"), Widget: zform(buttons, o)}
}

// renderFields writes "**Label:** value" lines.
func renderFields(fields []bot.Field) string {
	var lines []string
	for _, f := range fields {
		lines = append(lines, bold(strings.TrimSpace(oneLine(f.Label))+":")+" "+renderText(f.Value, false))
	}
	return strings.Join(lines, "\n")
}

// renderList writes "- item" lines, continuation lines indented.
func renderList(items []bot.Text) string {
	var lines []string
	for _, it := range items {
		t := renderText(it, true) // "- 1. x" would nest a list
		if strings.TrimSpace(t) == "" {
			continue
		}
		lines = append(lines, "- "+strings.ReplaceAll(t, "\n", "\n  "))
	}
	return strings.Join(lines, "\n")
}

// renderContext writes small print: plain runs in italics, the other spans
// as they are.
func renderContext(t bot.Text) string {
	var b strings.Builder
	for _, s := range t {
		if s.Kind == bot.SpanPlain {
			b.WriteString(wrapLines(s.Text, "*"))
			continue
		}
		b.WriteString(renderSpan(s, false))
	}
	return b.String()
}

// renderQuote writes a quote block. Its lines are escaped like any user
// text; the escaping removes every backtick run, so no line can close the
// fence early.
func renderQuote(text string) string {
	text = strings.Trim(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	if strings.TrimSpace(text) == "" {
		return ""
	}
	return "```quote\n" + escapeText(text, true) + "\n```"
}

// renderActions lists the commands to type, in the order of the buttons.
func renderActions(buttons []bot.Button, o RenderOptions) string {
	var cmds []string
	seen := map[string]bool{}
	for _, btn := range buttons {
		c := strings.TrimSpace(oneLine(btn.Command))
		if c == "" || seen[c] {
			continue
		}
		seen[c] = true
		cmds = append(cmds, code(c))
	}
	if len(cmds) == 0 {
		return ""
	}
	lead := "Reply: "
	if o.ReplyPrefix != "" {
		lead = "Mention me with: "
	}
	return lead + strings.Join(cmds, " · ")
}

// zform turns buttons into one widget: each choice sends the button's
// command (after the reply prefix), so a click and typing do the same.
func zform(buttons []bot.Button, o RenderOptions) *ZForm {
	var choices []ZFormChoice
	seen := map[string]bool{}
	for _, btn := range buttons {
		c := strings.TrimSpace(oneLine(btn.Command))
		if c == "" || seen[c] {
			continue
		}
		seen[c] = true
		label := strings.TrimSpace(oneLine(btn.Label))
		if label == "" {
			label = c
		}
		choices = append(choices, ZFormChoice{ShortName: label, LongName: c, Reply: o.ReplyPrefix + c})
	}
	if len(choices) == 0 {
		return nil
	}
	return &ZForm{Heading: "", Choices: choices}
}

// renderText renders spans; atStart says whether the first starts a line.
func renderText(t bot.Text, atStart bool) string {
	var b strings.Builder
	for _, s := range t {
		out := renderSpan(s, atStart)
		b.WriteString(out)
		if out != "" {
			atStart = strings.HasSuffix(out, "\n")
		}
	}
	return b.String()
}

// renderSpan renders one span; atStart says whether it starts a line.
func renderSpan(s bot.Span, atStart bool) string {
	switch s.Kind {
	case bot.SpanBold:
		return wrapLines(s.Text, "**")
	case bot.SpanItalic:
		return wrapLines(s.Text, "*")
	case bot.SpanCode:
		return code(s.Text)
	case bot.SpanLink:
		return link(s.Text, s.URL)
	case bot.SpanPerson:
		if s.Person == nil {
			return ""
		}
		return person(*s.Person)
	case bot.SpanUser:
		if id, ok := userID(s.Text); ok {
			return mention("", id)
		}
		return escapeText("@"+s.Text, atStart)
	default: // SpanPlain, SpanEmail
		return escapeText(s.Text, atStart)
	}
}

// person is a mention when the person is linked to a Zulip user, else
// "Name <email>".
func person(p bot.Person) string {
	if id, ok := userID(p.ChatUser(bot.PlatformZulip)); ok {
		return mention(p.Name, id)
	}
	name, email := strings.TrimSpace(oneLine(p.Name)), strings.TrimSpace(p.Email)
	switch {
	case name != "" && email != "":
		return escapeInline(name) + " <" + escapeInline(email) + ">"
	case name != "":
		return escapeInline(name)
	}
	return escapeInline(oneLine(p.Label()))
}

// userID parses a Zulip user id.
func userID(s string) (int64, bool) {
	id, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	return id, err == nil && id > 0
}

// mention writes @**Name|id** (or @**|id** without a usable name): by id,
// so that Zulip resolves it to that user whatever the name says.
func mention(name string, id int64) string {
	name = strings.Map(func(r rune) rune {
		switch r {
		case '*', '|', '\n', '\r', '`', '\\', []rune(mentionMark)[0]:
			return -1
		}
		return r
	}, strings.TrimSpace(name))
	return mentionMark + "@**" + name + "|" + strconv.FormatInt(id, 10) + "**"
}

// code writes an inline code span that holds s literally, whatever
// backticks it contains.
func code(s string) string {
	s = strings.ReplaceAll(oneLine(s), mentionMark, "")
	if strings.TrimSpace(s) == "" {
		return ""
	}
	run, longest := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return fence + s + fence
}

// link writes [label](url) for an http(s) or mailto URL; anything else
// is shown as text, never as a link.
func link(label, raw string) string {
	label = strings.TrimSpace(oneLine(label))
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "mailto") || (u.Scheme != "mailto" && u.Host == "") {
		switch {
		case label == "":
			return escapeInline(oneLine(raw))
		case raw == "" || raw == label:
			return escapeInline(label)
		}
		return escapeInline(label + " (" + oneLine(raw) + ")")
	}
	target := urlEscaper.Replace(u.String())
	if label == "" || label == raw {
		if target == raw && u.Scheme != "mailto" {
			return target // Zulip links a bare URL itself
		}
		label = raw
	}
	return "[" + escapeInline(label) + "](" + target + ")"
}

// urlEscaper percent-encodes what would end a Markdown link target early.
var urlEscaper = strings.NewReplacer(" ", "%20", "(", "%28", ")", "%29", "<", "%3C", ">", "%3E", "`", "%60", "\\", "%5C", "*", "%2A", "[", "%5B", "]", "%5D", "\n", "", "\r", "")

// bold writes **text**.
func bold(s string) string { return wrapLines(s, "**") }

// wrapLines wraps every line of user text s in mark (** or *), keeping
// spaces outside the markers, as Markdown emphasis requires.
func wrapLines(s, mark string) string {
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	for i, l := range lines {
		core := strings.TrimSpace(l)
		if core == "" {
			lines[i] = l
			continue
		}
		lead := l[:strings.Index(l, core)]
		trail := l[len(lead)+len(core):]
		lines[i] = lead + mark + escapeInline(core) + mark + trail
	}
	return strings.Join(lines, "\n")
}

// oneLine joins the lines of s with spaces.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}

// markdownEscaper backslash-escapes the characters that make Zulip
// Markdown markup inside a line: emphasis and mentions (*), code (`),
// links ([ ]) and the escape character itself.
var markdownEscaper = strings.NewReplacer(
	`\`, `\\`, "*", `\*`, "`", "\\`", "[", `\[`, "]", `\]`,
	mentionMark, "", "\x00", "",
)

// escapeInline escapes user text within one line.
func escapeInline(s string) string { return markdownEscaper.Replace(s) }

// orderedItem matches a line that Markdown would read as an ordered list
// item: "12. " or "3) ".
var orderedItem = regexp.MustCompile(`^(\s*\d+)([.)])(\s|$)`)

// escapeText escapes user text that may span lines: escapeInline, plus
// the markup a line can start with (headings, quotes, list items, fences,
// rules, slash commands) on every line but the first, and on the first
// too when atStart says it starts a line.
func escapeText(s string, atStart bool) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		l = escapeInline(l)
		if i > 0 || atStart {
			l = escapeLineStart(l)
		}
		lines[i] = l
	}
	return strings.Join(lines, "\n")
}

// escapeLineStart neutralises block markup at the start of an (already
// inline-escaped) line.
func escapeLineStart(l string) string {
	trimmed := strings.TrimLeft(l, " \t")
	if trimmed == "" {
		return l
	}
	lead := l[:len(l)-len(trimmed)]
	switch trimmed[0] {
	case '#', '>', '-', '+':
		return lead + `\` + trimmed
	case '~', '/':
		// No backslash escape for these: a zero-width space stops
		// fences (~~~) and slash commands (/poll, /me) without showing.
		return lead + zwsp + trimmed
	}
	if m := orderedItem.FindStringSubmatchIndex(trimmed); m != nil {
		return lead + trimmed[:m[3]] + `\` + trimmed[m[4]:]
	}
	return l
}

// stray matches an "@" that would start a mention (@**…**, @_**…**,
// @*group*, @_*group*), optionally after the renderer's own mark.
var stray = regexp.MustCompile(mentionMark + `?@_?\*`)

// finish is the last pass over a rendered content: an "@" before
// markup that the renderer did not write as a mention (say, an "@" at
// the end of one span and bold markup at the start of the next) gets a
// zero-width space so it cannot ping; the mention marks go.
func finish(s string) string {
	s = stray.ReplaceAllStringFunc(s, func(m string) string {
		if strings.HasPrefix(m, mentionMark) {
			return m
		}
		return "@" + zwsp + m[1:]
	})
	s = strings.ReplaceAll(s, mentionMark, "")
	s = strings.TrimRight(s, " \t\n")
	if strings.HasPrefix(s, "/") { // "/poll", "/todo", "/me" at the start make widgets
		s = zwsp + s
	}
	return s
}

// SplitContent cuts content into pieces of at most max code points,
// at line ends where it can, so that nothing is lost: a quote block cut in
// two is closed at the end of one piece and reopened at the start of the
// next. A content within the limit is returned as is.
func SplitContent(content string, max int) []string {
	if utf8.RuneCountInString(content) <= max {
		return []string{content}
	}
	const open, closing = "```quote", "```"
	// Room to close a quote block at the end of a piece.
	limit := max - len(closing) - 1
	pieceMax := limit - len(open) - 1 // a line must fit after a reopened block
	if pieceMax < 16 {
		limit, pieceMax = max, max // a silly limit: cut without fence care
	}
	var (
		chunks []string
		cur    []string
		n      int // code points in cur, newlines included
		fenced bool
	)
	emit := func() {
		if s := strings.Trim(strings.Join(cur, "\n"), "\n"); strings.TrimSpace(s) != "" {
			chunks = append(chunks, s)
		}
		cur, n = nil, 0
	}
	for _, line := range strings.Split(content, "\n") {
		isOpen, isClose := !fenced && line == open, fenced && line == closing
		for _, p := range cutLine(line, pieceMax) {
			size := utf8.RuneCountInString(p)
			if len(cur) > 0 {
				size++
			}
			// A closing line always fits: limit keeps room for it.
			if len(cur) > 0 && n+size > limit && !isClose {
				if fenced {
					cur = append(cur, closing)
				}
				emit()
				size = utf8.RuneCountInString(p)
				if fenced {
					cur, n = []string{open}, len(open)
					size++
				}
			}
			cur = append(cur, p)
			n += size
		}
		switch {
		case isOpen:
			fenced = true
		case isClose:
			fenced = false
		}
	}
	emit()
	return chunks
}

// cutLine cuts a line longer than max code points, at a space where it
// can.
func cutLine(line string, max int) []string {
	if max < 1 {
		max = 1
	}
	var out []string
	for utf8.RuneCountInString(line) > max {
		r := []rune(line)
		cut := max
		if i := strings.LastIndexAny(string(r[:max]), " \t"); i > 0 {
			if c := utf8.RuneCountInString(string(r[:max])[:i]); c > max/2 {
				cut = c + 1 // keep the space at the end of this piece
			}
		}
		// Never end a piece on an escaping backslash.
		for cut > 1 && r[cut-1] == '\\' {
			cut--
		}
		out = append(out, string(r[:cut]))
		line = string(r[cut:])
	}
	return append(out, line)
}

// cutTopic fits a topic into max code points, with an ellipsis when cut.
func cutTopic(topic string, max int) string {
	topic = strings.Join(strings.Fields(strings.ReplaceAll(topic, "\x00", "")), " ")
	if max <= 0 || utf8.RuneCountInString(topic) <= max {
		return topic
	}
	r := []rune(topic)
	return strings.TrimSpace(string(r[:max-1])) + "…"
}
