package console

import (
	"strings"
	"unicode/utf8"

	"github.com/ietf-tools/liaisonbot/bot"
)

// Render writes messages as plain text, the way the console shows them.
func Render(msgs []bot.Message) string {
	var b strings.Builder
	for i, m := range msgs {
		if i > 0 {
			b.WriteByte('\n')
		}
		RenderMessage(&b, m)
	}
	return b.String()
}

// RenderMessage writes one message as plain text.
func RenderMessage(b *strings.Builder, m bot.Message) {
	for _, blk := range m.Blocks {
		switch v := blk.(type) {
		case bot.Header:
			b.WriteString(v.Text)
			b.WriteByte('\n')
			b.WriteString(strings.Repeat("=", min(utf8.RuneCountInString(v.Text), 72)))
			b.WriteByte('\n')
		case bot.Paragraph:
			writeIndented(b, "", Text(v.Text))
		case bot.Fields:
			width := 0
			for _, f := range v.Fields {
				width = max(width, utf8.RuneCountInString(f.Label))
			}
			for _, f := range v.Fields {
				pad := strings.Repeat(" ", width-utf8.RuneCountInString(f.Label))
				writeIndented(b, "  ", f.Label+": "+pad+Text(f.Value))
			}
		case bot.List:
			for _, it := range v.Items {
				writeIndented(b, "  - ", Text(it))
			}
		case bot.Context:
			writeIndented(b, "  ", Text(v.Text))
		case bot.Quote:
			for _, l := range strings.Split(strings.TrimRight(v.Text, "\n"), "\n") {
				b.WriteString("  | ")
				b.WriteString(l)
				b.WriteByte('\n')
			}
		case bot.Actions:
			if len(v.Buttons) == 0 {
				continue
			}
			b.WriteString("Next:")
			for i, btn := range v.Buttons {
				if i > 0 {
					b.WriteString(" |")
				}
				b.WriteString(" " + btn.Command)
			}
			b.WriteByte('\n')
		case bot.Divider:
			b.WriteString("----\n")
		}
	}
}

// writeIndented writes s with prefix on the first line and the same width
// of spaces on the others.
func writeIndented(b *strings.Builder, prefix, s string) {
	lines := strings.Split(s, "\n")
	pad := strings.Repeat(" ", utf8.RuneCountInString(prefix))
	for i, l := range lines {
		if i == 0 {
			b.WriteString(prefix)
		} else {
			b.WriteString(pad)
		}
		b.WriteString(l)
		b.WriteByte('\n')
	}
}

// Text flattens spans to plain text: people as "Name <email>", links as
// "label (url)".
func Text(t bot.Text) string {
	var b strings.Builder
	for _, s := range t {
		switch s.Kind {
		case bot.SpanPerson:
			if s.Person == nil {
				continue
			}
			p := s.Person
			switch {
			case p.Name != "" && p.Email != "":
				b.WriteString(p.Name + " <" + p.Email + ">")
			default:
				b.WriteString(p.Label())
			}
		case bot.SpanLink:
			b.WriteString(s.Text)
			if s.URL != "" && s.URL != s.Text {
				b.WriteString(" (" + s.URL + ")")
			}
		case bot.SpanUser:
			b.WriteString("@" + s.Text)
		default:
			b.WriteString(s.Text)
		}
	}
	return b.String()
}
