package slack

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/ietf-tools/liaisonbot/bot"
)

func TestMrkdwn_EscapesEveryUserString(t *testing.T) {
	evil := "<!channel> & <@U123> <http://evil|click>"
	for _, c := range []struct {
		name string
		span bot.Span
		want string
	}{
		{"plain", bot.Plain(evil), "&lt;!channel&gt; &amp; &lt;@U123&gt; &lt;http://evil|click&gt;"},
		{"bold", bot.Bold(" " + evil + " "), " *&lt;!channel&gt; &amp; &lt;@U123&gt; &lt;http://evil|click&gt;* "},
		{"italic", bot.Italic("a<b"), "_a&lt;b_"},
		{"code", bot.Code("say `hi` <here>"), "`say ˋhiˋ &lt;here&gt;`"},
		{"link", bot.Link("a <b>", "https://example.org/?q=<x>&y=1|z"), "<https://example.org/?q=%3Cx%3E&amp;y=1%7Cz|a &lt;b&gt;>"},
		{"javascript link", bot.Link("click", "javascript:alert(1)"), "click (javascript:alert(1))"},
		{"link without label", bot.Link("", "https://example.org"), "<https://example.org|https://example.org>"},
		{"email", bot.Mail("a@example.org"), "<mailto:a@example.org|a@example.org>"},
		{"not an email", bot.Mail("<!here>@x"), "&lt;!here&gt;@x"},
		{"person linked", bot.Who(bot.Person{Name: "Ann", Email: "a@example.org", Chat: []bot.ChatIdentity{{Platform: "zulip", UserID: "9"}, {Platform: "slack", UserID: "U0ANN"}}}), "<@U0ANN>"},
		{"person unlinked", bot.Who(bot.Person{Name: "Ann <!here>", Email: "a@example.org"}), "Ann &lt;!here&gt; &lt;a@example.org&gt;"},
		{"person bad slack id", bot.Who(bot.Person{Name: "Ann", Chat: []bot.ChatIdentity{{Platform: "slack", UserID: "U1> <!channel"}}}), "Ann"},
		{"person email only", bot.Who(bot.Person{Email: "x@example.org"}), "<mailto:x@example.org|x@example.org>"},
		{"user", bot.ChatUser("U12345"), "<@U12345>"},
		{"bad user", bot.ChatUser("!channel"), "!channel"},
	} {
		if got := mrkdwn(bot.Line(c.span)); got != c.want {
			t.Errorf("%s: got %q\nwant %q", c.name, got, c.want)
		}
	}
}

func TestTruncate_KeepsTokensWhole(t *testing.T) {
	for _, c := range []struct {
		in   string
		max  int
		want string
	}{
		{"short", 10, "short"},
		{"abcdefghij", 5, "abcd…"},
		{"ab <https://x|y> cd", 6, "ab…"},
		{"ab &amp; cd", 6, "ab…"},
		{"ab &amp; cd", 9, "ab &amp;…"},
		{"ééééé", 3, "éé…"},
	} {
		got := truncate(c.in, c.max)
		if got != c.want {
			t.Errorf("truncate(%q, %d) = %q, want %q", c.in, c.max, got, c.want)
		}
		if utf8.RuneCountInString(got) > c.max {
			t.Errorf("truncate(%q, %d) is %d characters", c.in, c.max, utf8.RuneCountInString(got))
		}
	}
}

// checkLimits fails on any Block Kit limit broken by a message.
func checkLimits(t *testing.T, r rendered) {
	t.Helper()
	if len(r.Blocks) > maxBlocks {
		t.Errorf("%d blocks", len(r.Blocks))
	}
	ids := map[string]bool{}
	for _, b := range r.Blocks {
		switch v := b.(type) {
		case *slack.HeaderBlock:
			if n := utf8.RuneCountInString(v.Text.Text); n > maxHeader {
				t.Errorf("header of %d", n)
			}
		case *slack.SectionBlock:
			if v.Text != nil && utf8.RuneCountInString(v.Text.Text) > maxSectionText {
				t.Errorf("section of %d", utf8.RuneCountInString(v.Text.Text))
			}
			if len(v.Fields) > maxFields {
				t.Errorf("%d fields", len(v.Fields))
			}
			for _, f := range v.Fields {
				if utf8.RuneCountInString(f.Text) > maxFieldText {
					t.Errorf("field of %d", utf8.RuneCountInString(f.Text))
				}
			}
		case *slack.ActionBlock:
			if len(v.Elements.ElementSet) > maxButtons {
				t.Errorf("%d buttons", len(v.Elements.ElementSet))
			}
			for _, e := range v.Elements.ElementSet {
				btn := e.(*slack.ButtonBlockElement)
				if utf8.RuneCountInString(btn.Text.Text) > maxButtonText || len(btn.Value) > maxButtonValue {
					t.Errorf("button over the limits: %d/%d", utf8.RuneCountInString(btn.Text.Text), len(btn.Value))
				}
				if ids[btn.ActionID] {
					t.Errorf("action_id %s twice", btn.ActionID)
				}
				ids[btn.ActionID] = true
			}
		}
	}
}

func TestRender_RespectsBlockKitLimits(t *testing.T) {
	long := strings.Repeat("word & <x> ", 1000)
	var fields []bot.Field
	for i := range 23 {
		fields = append(fields, bot.Field{Label: fmt.Sprintf("F%d", i), Value: bot.Words(long)})
	}
	var buttons []bot.Button
	for i := range 60 {
		buttons = append(buttons, bot.Button{Label: strings.Repeat("Label ", 30), Command: fmt.Sprintf("show LS-%d", i)})
	}
	buttons = append(buttons, bot.Button{Label: "too long", Command: strings.Repeat("x", maxButtonValue+1)})
	var items []bot.Text
	for range 40 {
		items = append(items, bot.Words(strings.Repeat("item ", 40)))
	}
	m := bot.Message{Statement: 7, Blocks: []bot.Block{
		bot.Header{Text: long},
		bot.Paragraph{Text: bot.Words(long)},
		bot.Fields{Fields: fields},
		bot.List{Items: items},
		bot.Quote{Text: strings.Repeat("line of the body\n", 1000)},
		bot.Context{Text: bot.Words(long)},
		bot.Actions{Buttons: buttons},
		bot.Divider{},
	}}
	r := renderMessage(m)
	checkLimits(t, r)
	// 23 fields: 3 sections; 60 good buttons: 3 action blocks; the list of
	// 40 × 200 characters: 3 sections.
	var sections, actions int
	for _, b := range r.Blocks {
		switch b.(type) {
		case *slack.SectionBlock:
			sections++
		case *slack.ActionBlock:
			actions++
		}
	}
	if actions != 3 || sections != 1+3+3+1 {
		t.Errorf("%d sections and %d action blocks", sections, actions)
	}
	p := r.Blocks[1].(*slack.SectionBlock)
	if !strings.HasSuffix(p.Text.Text, "…") {
		t.Errorf("a long paragraph is not cut with …")
	}
	if got := r.Blocks[0].(*slack.HeaderBlock).BlockID; got != "ls-7-1" {
		t.Errorf("block id %q, want ls-7-1", got)
	}
}

func TestRender_CutsAt50BlocksKeepingTheButtons(t *testing.T) {
	var blocks []bot.Block
	for i := range 80 {
		blocks = append(blocks, bot.Paragraph{Text: bot.Words(fmt.Sprintf("paragraph %d", i))})
	}
	blocks = append(blocks, bot.Actions{Buttons: []bot.Button{{Label: "Show", Command: "show LS-1"}}})
	r := renderMessage(bot.Message{Blocks: blocks})
	if len(r.Blocks) != maxBlocks {
		t.Fatalf("%d blocks, want %d", len(r.Blocks), maxBlocks)
	}
	if _, ok := r.Blocks[maxBlocks-1].(*slack.ActionBlock); !ok {
		t.Errorf("the last block is %T, want the buttons", r.Blocks[maxBlocks-1])
	}
	cut, ok := r.Blocks[maxBlocks-2].(*slack.ContextBlock)
	if !ok || cut.ContextElements.Elements[0].(*slack.TextBlockObject).Text != "… (truncated)" {
		t.Errorf("no truncation notice before the buttons")
	}
}

func TestRender_FallbackTextIsEscaped(t *testing.T) {
	r := renderMessage(bot.Message{Summary: "LS-1: <!channel> & co", Blocks: []bot.Block{bot.Divider{}}})
	if r.Text != "LS-1: &lt;!channel&gt; &amp; co" {
		t.Fatalf("text %q", r.Text)
	}
	r = renderMessage(bot.Message{Blocks: []bot.Block{bot.Header{Text: "Title <x>"}}})
	if r.Text != "Title &lt;x&gt;" {
		t.Fatalf("text without summary %q", r.Text)
	}
}

func TestRender_EmptyBlocksAreLeftOut(t *testing.T) {
	r := renderMessage(bot.Message{Blocks: []bot.Block{
		bot.Header{Text: " "}, bot.Paragraph{}, bot.Context{}, bot.Quote{Text: "\n"}, bot.Actions{}, bot.List{},
	}})
	if len(r.Blocks) != 0 {
		t.Fatalf("%d blocks from empty ones", len(r.Blocks))
	}
}
