package zulip

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ietf-tools/liaisonbot/bot"
	"github.com/ietf-tools/liaisonbot/commands"
)

// command runs a command line as a Zulip user in a DM, straight
// through the router (no event loop), and returns the answer.
func (h *botHarness) command(userID, line string) *bot.Response {
	h.t.Helper()
	resp := h.router.Handle(context.Background(), &bot.Request{
		Platform: bot.PlatformZulip,
		Actor:    bot.Actor{Platform: bot.PlatformZulip, UserID: userID, Name: "Alice Example", Email: "alice@example.com"},
		Channel:  bot.Channel{DM: true},
		Text:     line,
	})
	if resp.Outcome != "" {
		h.t.Fatalf("%s: %s\n%s", line, resp.Outcome, RenderAll(resp.Messages, RenderOptions{}).Content)
	}
	return resp
}

// goldenRendered is a rendered message as the golden files show it.
func goldenRendered(r Rendered) string {
	var b strings.Builder
	b.WriteString(r.Content)
	b.WriteString("\n")
	if r.Widget != nil {
		s, _ := jsonString(r.Widget)
		b.WriteString("\n--- widget_content ---\n")
		b.WriteString(s)
		b.WriteString("\n")
	}
	return b.String()
}

// seedStatements submits two statements inline and links Georg Mayer
// (3GPP's contact) to Zulip user 42.
func (h *botHarness) seedStatements() {
	h.t.Helper()
	ctx := context.Background()
	h.command("10", "submit to=3GPP from=opsawg purpose=action deadline=2027-01-15 title=\"Reply on YANG models\" body=\"Dear colleagues,\n\nplease review *all* of it.\n- one\n- two\" attachments=https://example.org/ls.pdf")
	h.command("10", `submit from=3GPP to=opsawg purpose=info title="New 5G work item" body="For your information." response-contact=georg.mayer.huawei@gmx.com`)
	if _, err := h.db.LinkChat(ctx, bot.PlatformZulip, "42", "georg.mayer.huawei@gmx.com", "Georg Mayer", "test"); err != nil {
		h.t.Fatal(err)
	}
}

func TestRender_GoldenShowAndList(t *testing.T) {
	h := newBotHarness(t)
	h.seedStatements()
	for _, tt := range []struct{ name, line string }{
		{"show_outgoing", "show LS-1"},
		{"show_incoming", "show LS-2"},
		{"list_all", "list all"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp := h.command("10", tt.line)
			if len(resp.Messages) != 1 {
				t.Fatalf("%d messages, want 1", len(resp.Messages))
			}
			r := Render(resp.Messages[0], RenderOptions{})
			checkGolden(t, tt.name, goldenRendered(r))
			assertNoPing(t, strings.ReplaceAll(r.Content, "@**Georg Mayer|42**", ""))
		})
	}
}

func TestRender_GoldenFormPrompt(t *testing.T) {
	h := newBotHarness(t)
	d, err := h.db.Directory(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	conv := bot.NewConversation("New liaison statement", map[string]string{bot.FOrg: "itu"}, bot.FormEnv{Today: bot.DateOf(testNow), Dir: d}, testNow)
	m := commands.ConversationPrompt(conv)
	checkGolden(t, "form_prompt_dm", goldenRendered(Render(m, RenderOptions{})))
	checkGolden(t, "form_prompt_channel", goldenRendered(Render(m, RenderOptions{ReplyPrefix: "@**Liaison Bot|100** "})))
}

// The notice messages: bot has no ChangeNotice/reminder renderer yet, so
// these are representative messages in the shape the dispatcher sends.
func changeNotice() bot.Message {
	jane := bot.Person{Name: "Jane Manager", Email: "jane@example.org", Chat: []bot.ChatIdentity{{Platform: bot.PlatformZulip, UserID: "42"}}}
	return bot.Message{
		Statement: 12,
		Summary:   "LS-12 approved by Jane Manager",
		Blocks: []bot.Block{
			bot.Header{Text: "LS-12: Reply on YANG models"},
			bot.Paragraph{Text: bot.Line(bot.Bold("Approved"), bot.Plain(" by "), bot.Who(jane), bot.Plain(": looks good, ship it."))},
			bot.Fields{Fields: []bot.Field{
				{Label: "State", Value: bot.Words("pending → approved")},
				{Label: "Deadline", Value: bot.Words("2027-01-15 (in 50 days)")},
				{Label: "From → To", Value: bot.Words("opsawg → 3GPP")},
			}},
			bot.Context{Text: bot.Line(bot.Plain("Next: post it, then "), bot.Code("post LS-12"), bot.Plain("."))},
			bot.Actions{Buttons: []bot.Button{
				{Label: "Mark posted", Command: "post LS-12", Style: bot.StylePrimary},
				{Label: "Show", Command: "show LS-12"},
			}},
		},
	}
}

func reminderNotice() bot.Message {
	r := bot.Reminder{Kind: bot.RemindBefore, Days: 7}
	linked := bot.Person{Name: "Jane Manager", Email: "jane@example.org", Chat: []bot.ChatIdentity{{Platform: bot.PlatformZulip, UserID: "42"}}}
	unlinked := bot.Person{Name: "Georg Mayer", Email: "georg.mayer.huawei@gmx.com"}
	return bot.Message{
		Mentions:  true,
		Statement: 12,
		Summary:   r.Subject("LS-12"),
		Blocks: []bot.Block{
			bot.Paragraph{Text: bot.Line(bot.Bold(r.Subject("LS-12")), bot.Plain(" — “Reply on YANG models”"))},
			bot.Paragraph{Text: bot.Line(bot.Plain("Responsible: "), bot.Who(linked), bot.Plain(", "), bot.Who(unlinked))},
			bot.Context{Text: bot.Words("Automatic reminder, 7 days before the deadline. “snooze LS-12 <days>” pauses them.")},
			bot.Actions{Buttons: []bot.Button{
				{Label: "Action taken", Command: "taken LS-12", Style: bot.StylePrimary},
				{Label: "Snooze 7 days", Command: "snooze LS-12 7"},
			}},
		},
	}
}

func TestRender_GoldenNotices(t *testing.T) {
	prefix := RenderOptions{ReplyPrefix: "@**Liaison Bot|100** "}
	checkGolden(t, "notice_change", goldenRendered(Render(changeNotice(), prefix)))
	checkGolden(t, "notice_reminder", goldenRendered(Render(reminderNotice(), prefix)))
}

// pingable finds what Zulip would read as a mention (user, silent, group
// or wildcard).
var pingable = regexp.MustCompile(`(^|[\s'"({\[/<])@_?\*`)

// fakeLink finds a Markdown link to a user's target: an unescaped "](".
var fakeLink = regexp.MustCompile(`(^|[^\\])\]\((http://evil|javascript)`)

func TestRender_UserTextCannotPingOrFakeLinks(t *testing.T) {
	h := newBotHarness(t)
	title := `@**all** @**channel** @_**Jane|12** [click](http://evil)`
	body := "@**everyone** @**stream** @**topic** @*admins* @_*mods* @**|12** hi\n~~~\n/poll who?\n# heading\n> quote\n```\n[x](javascript:alert(1))"
	h.command("10", `submit to=3GPP from=opsawg purpose=info title="`+title+`" body="`+body+`"`)
	if s, err := h.db.Statement(context.Background(), 1); err != nil || s.Title != title || s.Body != body {
		t.Fatalf("the statement does not hold the evil text as given: %v\n%+v", err, s)
	}
	for _, line := range []string{"show LS-1", "list all"} {
		resp := h.command("10", line)
		for _, m := range resp.Messages {
			r := Render(m, RenderOptions{})
			if loc := pingable.FindStringIndex(r.Content); loc != nil {
				t.Errorf("%s: pingable mention at %d in:\n%s", line, loc[0], r.Content)
			}
			assertNoPing(t, r.Content)
			if fakeLink.MatchString(r.Content) {
				t.Errorf("%s: a user's link became a link:\n%s", line, r.Content)
			}
			for _, l := range strings.Split(r.Content, "\n") {
				if strings.HasPrefix(l, "~~~") || strings.HasPrefix(l, "/poll") || strings.HasPrefix(l, "# ") || strings.HasPrefix(l, "> ") || strings.HasPrefix(l, "```") && l != "```quote" && l != "```" {
					t.Errorf("%s: user text starts a block: %q", line, l)
				}
			}
		}
	}
	// Also in a header, a field label, a list, a note and a person's name.
	evil := "@**all** [x](http://evil) @_**Jane|12**"
	m := bot.Message{Blocks: []bot.Block{
		bot.Header{Text: evil},
		bot.Fields{Fields: []bot.Field{{Label: evil, Value: bot.Words(evil)}}},
		bot.List{Items: []bot.Text{bot.Words(evil)}},
		bot.Context{Text: bot.Words(evil)},
		bot.Quote{Text: evil},
		bot.Paragraph{Text: bot.Line(bot.Who(bot.Person{Name: evil, Email: "x@example.org"}), bot.Italic(evil), bot.Bold(evil), bot.Mail(evil))},
		bot.Paragraph{Text: bot.Line(bot.Plain("@"), bot.Bold("all"), bot.Plain(" @_"), bot.Italic("admins"))}, // "@" then markup
		bot.Paragraph{Text: bot.Line(bot.Link(evil, "http://ok.example/a(b)"))},
	}}
	r := Render(m, RenderOptions{})
	if loc := pingable.FindStringIndex(r.Content); loc != nil {
		t.Errorf("pingable mention at %d in:\n%s", loc[0], r.Content)
	}
	assertNoPing(t, r.Content)
	if fakeLink.MatchString(r.Content) {
		t.Errorf("fake link:\n%s", r.Content)
	}
	if !strings.Contains(r.Content, "](http://ok.example/a%28b%29)") {
		t.Errorf("link target not escaped:\n%s", r.Content)
	}
}

func TestRender_MentionsOnlyForLinkedPeopleAndUsers(t *testing.T) {
	linked := bot.Person{Name: "Jane *Doe*|x", Email: "jane@example.org", Chat: []bot.ChatIdentity{{Platform: bot.PlatformZulip, UserID: "42"}, {Platform: bot.PlatformSlack, UserID: "U1"}}}
	slackOnly := bot.Person{Name: "Sam", Email: "sam@example.org", Chat: []bot.ChatIdentity{{Platform: bot.PlatformSlack, UserID: "U2"}}}
	msg := bot.Message{Mentions: true, Blocks: []bot.Block{bot.Paragraph{Text: bot.Line(
		bot.Who(linked), bot.Plain(" "), bot.Who(slackOnly), bot.Plain(" "), bot.ChatUser("7"), bot.Plain(" "), bot.ChatUser("U9"),
	)}}}
	got := Render(msg, RenderOptions{}).Content
	want := "@**Jane Doex|42** Sam <sam@example.org> @**|7** @U9"
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	// Without Mentions (ordinary replies), the same people are named with
	// silent mentions: nobody is pinged by a "show" or "contact".
	msg.Mentions = false
	got = Render(msg, RenderOptions{}).Content
	want = "@_**Jane Doex|42** Sam <sam@example.org> @_**|7** @U9"
	if got != want {
		t.Errorf("quiet: got  %q\nwant %q", got, want)
	}
}

func TestRender_Spans(t *testing.T) {
	tests := []struct {
		span bot.Span
		want string
	}{
		{bot.Plain("a*b_c `d` [e] \\f"), "a\\*b_c \\`d\\` \\[e\\] \\\\f"},
		{bot.Bold(" LS-1 "), " **LS-1**"}, // finish trims the end
		{bot.Italic("two\nlines"), "*two*\n*lines*"},
		{bot.Code("approve LS-12"), "`approve LS-12`"},
		{bot.Code("a `b` c"), "``a `b` c``"},
		{bot.Code("`x`"), "`` `x` ``"},
		{bot.Code("@**all**"), "`@\u200b**all**`"}, // even in code, an "@" before markup is broken
		{bot.Link("the doc", "https://example.org/x_y(1)"), "[the doc](https://example.org/x_y%281%29)"},
		{bot.Link("https://example.org/a", "https://example.org/a"), "https://example.org/a"},
		{bot.Link("a] (b", "https://example.org/"), "[a\\] (b](https://example.org/)"},
		{bot.Link("file", "ftp://example.org/x"), "file (ftp://example.org/x)"},
		{bot.Link("mail", "mailto:a@example.org"), "[mail](mailto:a@example.org)"},
		{bot.Mail("a*b@example.org"), "a\\*b@example.org"},
		{bot.Plain("1. not a list"), "1\\. not a list"},
		{bot.Plain("- not an item"), "\\- not an item"},
		{bot.Plain("/poll x"), "\u200b/poll x"},
		{bot.Plain("a\n# b\n~~~"), "a\n\\# b\n\u200b~~~"},
	}
	for _, tt := range tests {
		got := finish(renderSpan(tt.span, true))
		if got != tt.want {
			t.Errorf("%v %q: got %q, want %q", tt.span.Kind, tt.span.Text, got, tt.want)
		}
	}
}

func TestRender_LineStartMarkupIsOnlyEscapedAtLineStarts(t *testing.T) {
	got := renderText(bot.Line(bot.Plain("and"), bot.Plain("/or - 1. x"), bot.Plain("\n- item")), true)
	if want := "and/or - 1. x\n\\- item"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestRender_ActionsBecomeOneWidget(t *testing.T) {
	m := bot.Message{Blocks: []bot.Block{
		bot.Actions{Buttons: []bot.Button{{Label: "Approve", Command: "approve LS-12"}, {Label: "Show", Command: "show LS-12"}}},
		bot.Paragraph{Text: bot.Words("between")},
		bot.Actions{Buttons: []bot.Button{{Label: "Show again", Command: "show LS-12"}, {Label: "Kill", Command: "kill LS-12 superseded"}}},
	}}
	r := Render(m, RenderOptions{})
	if r.Widget == nil || len(r.Widget.Choices) != 3 {
		t.Fatalf("widget = %+v, want one widget with 3 distinct choices", r.Widget)
	}
	for i, want := range []string{"approve LS-12", "show LS-12", "kill LS-12 superseded"} {
		if c := r.Widget.Choices[i]; c.Reply != want || c.LongName != want {
			t.Errorf("choice %d = %+v, want reply %q", i, c, want)
		}
	}
	if !strings.Contains(r.Content, "Reply: `approve LS-12` · `show LS-12`") {
		t.Errorf("the commands are not listed in the text:\n%s", r.Content)
	}
	if r := Render(bot.Say(bot.Plain("no buttons")), RenderOptions{}); r.Widget != nil {
		t.Errorf("a message without actions got a widget: %+v", r.Widget)
	}
}

func TestSplitContent_KeepsEverythingWithinTheLimit(t *testing.T) {
	var body strings.Builder
	for i := range 400 {
		body.WriteString("Line ")
		body.WriteString(strings.Repeat("é", i%37))
		body.WriteString(" of the statement body.\n")
	}
	body.WriteString(strings.Repeat("x", 2500)) // one line longer than a piece
	m := bot.Message{Blocks: []bot.Block{bot.Header{Text: "LS-1: long"}, bot.Quote{Text: body.String()}, bot.Paragraph{Text: bot.Words("The end.")}}}
	content := Render(m, RenderOptions{}).Content
	const max = 1000
	chunks := SplitContent(content, max)
	if len(chunks) < 5 {
		t.Fatalf("%d chunks, want several", len(chunks))
	}
	var text strings.Builder
	for i, c := range chunks {
		if n := utf8.RuneCountInString(c); n > max {
			t.Errorf("chunk %d has %d code points, over %d", i, n, max)
		}
		depth := 0
		for _, l := range strings.Split(c, "\n") {
			switch {
			case l == "```quote" && depth == 0:
				depth++
			case l == "```" && depth == 1:
				depth--
			case strings.HasPrefix(l, "```"):
				t.Errorf("chunk %d: stray fence %q", i, l)
			}
		}
		if depth != 0 {
			t.Errorf("chunk %d: a quote block is left open:\n%.200s…", i, c)
		}
		for _, l := range strings.Split(c, "\n") {
			if l == "```quote" || l == "```" {
				continue
			}
			text.WriteString(l)
		}
	}
	var want strings.Builder
	for _, l := range strings.Split(content, "\n") {
		if l == "```quote" || l == "```" {
			continue
		}
		want.WriteString(l)
	}
	if text.String() != want.String() {
		t.Error("text lost or changed in the split")
	}
	if got := SplitContent("short", max); len(got) != 1 || got[0] != "short" {
		t.Errorf("short content: %q", got)
	}
}

func TestCutTopic(t *testing.T) {
	if got := cutTopic("LS-1: "+strings.Repeat("word ", 30), 60); utf8.RuneCountInString(got) != 60 || !strings.HasSuffix(got, "…") {
		t.Errorf("cut topic %q (%d)", got, utf8.RuneCountInString(got))
	}
	if got := cutTopic("  a\nb  ", 60); got != "a b" {
		t.Errorf("got %q", got)
	}
}
