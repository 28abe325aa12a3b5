package slack

import (
	"strings"
	"testing"
)

// A /liaison command while a statement form waits in the DM: in a
// channel, the answer starts with one line saying where the form stands;
// in the DM itself it runs as a command (it used to be refused as an IETF
// group), and the form waits.
func TestSlash_WhileADMFormWaitsSaysSoFirst(t *testing.T) {
	e := newTestEnv(t)
	e.event(directMessage("EvF1", "USUB", "submit 3gpp", nil))
	if p := e.fake.Wait("chat.postMessage", 1)[0]; !strings.Contains(p.Blocks(), "Direction?") {
		t.Fatalf("the form did not open in the DM: %s", p.Blocks())
	}
	e.event(directMessage("EvF2", "USUB", "outgoing", nil))
	if p := e.fake.Wait("chat.postMessage", 2)[1]; !strings.Contains(p.Blocks(), "IETF groups?") {
		t.Fatalf("the form did not move on: %s", p.Blocks())
	}

	w := e.slash("USUB", "DSUB", "contact 3gpp")
	if w.Code != 200 || !strings.Contains(w.Body.String(), "3rd Generation Partnership Project") || strings.Contains(w.Body.String(), "IETF group:") {
		t.Fatalf("/liaison contact 3gpp in the DM answered %d:\n%s", w.Code, w.Body)
	}

	w = e.slash("USUB", "C1", "list")
	body := w.Body.String()
	if w.Code != 200 || !strings.Contains(body, "You have an unfinished statement to 3GPP (question 3 of 15, started just now) in our direct messages") ||
		!strings.Contains(body, "/liaison cancel") {
		t.Fatalf("/liaison list in a channel answered %d:\n%s", w.Code, body)
	}
	if strings.Contains(body, `"in_channel"`) {
		t.Fatalf("the line about the form is shown to the channel:\n%s", body)
	}
	// The form is where it was.
	e.event(directMessage("EvF3", "USUB", "opsawg", nil))
	if p := e.fake.Wait("chat.postMessage", 3)[2]; !strings.Contains(p.Blocks(), "Title?") {
		t.Fatalf("the form lost its place: %s", p.Blocks())
	}
}
