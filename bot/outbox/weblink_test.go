package outbox_test

import (
	"testing"

	"github.com/ietf-tools/liaisonbot/bot"
)

// webLinks returns the links of a message's spans.
func webLinks(m bot.Message) []string {
	var out []string
	for _, b := range m.Blocks {
		if c, ok := b.(bot.Context); ok {
			for _, s := range c.Text {
				if s.Kind == bot.SpanLink {
					out = append(out, s.URL)
				}
			}
		}
	}
	return out
}

func TestDispatcher_NoticesLinkToTheWebBoard(t *testing.T) {
	e := newEnv(t, "slack")
	s := e.submit("Linked")
	e.move(s.ID, bot.MoveApprove)
	chat := &fakeChat{platform: "slack", threads: true}
	d := e.dispatcher(chat)
	d.PublicURL = "https://liaisons.example.org/"
	e.drain(d, 50)
	ds := chat.deliveries()
	if len(ds) != 2 {
		t.Fatalf("%d deliveries, want 2", len(ds))
	}
	want := "https://liaisons.example.org/statements/LS-1"
	for i, del := range ds {
		if got := webLinks(del.Message); len(got) != 1 || got[0] != want {
			t.Errorf("notice %d links %q, want %q", i, got, want)
		}
	}
	if ds[1].Parent == nil || len(webLinks(*ds[1].Parent)) != 1 {
		t.Errorf("the thread's parent has no link: %+v", ds[1].Parent)
	}

	// Without a public URL, no link.
	e2 := newEnv(t, "slack")
	e2.submit("Unlinked")
	chat2 := &fakeChat{platform: "slack"}
	e2.drain(e2.dispatcher(chat2), 50)
	for _, del := range chat2.deliveries() {
		if got := webLinks(del.Message); len(got) != 0 {
			t.Errorf("links %q without a public URL", got)
		}
	}
}
