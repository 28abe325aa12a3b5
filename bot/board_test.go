package bot

import (
	"slices"
	"testing"
)

func TestPublic_OnlyWhatTheDatatrackerPublishes(t *testing.T) {
	for _, c := range []struct {
		state       State
		showPending bool
		want        bool
	}{
		{StatePosted, false, true}, {StatePending, false, false}, {StateApproved, false, false}, {StateDead, false, false},
		{StatePosted, true, true}, {StatePending, true, true}, {StateApproved, true, true}, {StateDead, true, false},
	} {
		if got := Public(&Statement{State: c.state}, c.showPending); got != c.want {
			t.Errorf("Public(%s, showPending=%v) = %v", c.state, c.showPending, got)
		}
	}
	for _, e := range []EventType{EventNudged, EventReminded, EventSnoozed} {
		if PublicEvent(Event{Type: e}) {
			t.Errorf("%s is shown on the web", e)
		}
	}
	for _, e := range []EventType{EventSubmitted, EventPosted, EventKilled, EventComment, EventTagged, EventSynced} {
		if !PublicEvent(Event{Type: e}) {
			t.Errorf("%s is hidden on the web", e)
		}
	}
}

func TestIETFGroups_TheIETFSideOnceEach(t *testing.T) {
	in := &Statement{Direction: Incoming, From: "ITU-T-SG-15", To: " IAB,IESG , iab,, Pseudowire Emulation Edge to Edge"}
	if got, want := in.IETFGroups(), []string{"IAB", "IESG", "Pseudowire Emulation Edge to Edge"}; !slices.Equal(got, want) {
		t.Errorf("incoming: %q, want %q", got, want)
	}
	out := &Statement{Direction: Outgoing, From: "opsawg", To: "3GPP"}
	if got := out.IETFGroups(); !slices.Equal(got, []string{"opsawg"}) {
		t.Errorf("outgoing: %q", got)
	}
}

func TestWithWebLink_BeforeTheButtons(t *testing.T) {
	m := Message{Blocks: []Block{Header{Text: "x"}, Actions{Buttons: []Button{{Label: "Show", Command: "show LS-4"}}}}}
	got := WithWebLink(m, "LS-4", StatementURL("https://b.example/", 4))
	if len(got.Blocks) != 3 {
		t.Fatalf("blocks %#v", got.Blocks)
	}
	c, ok := got.Blocks[1].(Context)
	if !ok || c.Text[1].URL != "https://b.example/statements/LS-4" || c.Text[1].Text != "LS-4" {
		t.Errorf("link block %#v", got.Blocks[1])
	}
	if _, ok := got.Blocks[2].(Actions); !ok || len(m.Blocks) != 2 {
		t.Errorf("the buttons are not last, or the message was changed in place")
	}
	if n := WithWebLink(m, "LS-4", StatementURL("", 4)); len(n.Blocks) != 2 {
		t.Errorf("a link without a public URL")
	}
	if n := WithWebLink(Message{Blocks: []Block{Header{Text: "x"}}}, "LS-4", "https://b.example/statements/LS-4"); len(n.Blocks) != 2 {
		t.Errorf("no link added to a message without buttons")
	}
}

func TestBoardQuery_StatesFollowTheSetting(t *testing.T) {
	q, err := BoardQuery(BoardFilter{}, false, Date{})
	if err != nil || q.Filter != ListOpen || !slices.Equal(q.States, []State{StatePosted}) || q.Page != 1 || q.PageSize != BoardPageSize {
		t.Errorf("default board %+v %v", q, err)
	}
	q, _ = BoardQuery(BoardFilter{State: "approved", Page: 3}, true, Date{})
	if q.Filter != ListAll || !slices.Equal(q.States, []State{StateApproved}) || q.Page != 3 {
		t.Errorf("approved %+v", q)
	}
	if slices.Contains(BoardStates(false), "pending") || !slices.Contains(BoardStates(true), "pending") {
		t.Errorf("states offered: %q / %q", BoardStates(false), BoardStates(true))
	}
}
