package slack

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
	"github.com/ietf-tools/liaisonbot/commands"
)

func TestSlash_DirectoryAnswersAreKeptAndFollowTheDirectory(t *testing.T) {
	e := newTestEnv(t)
	first := e.slash("USUB", "C1", "contact 3gpp")
	again := e.slash("UOTHER", "C2", "contact 3GPP")
	if first.Code != 200 || again.Code != 200 {
		t.Fatalf("status %d, %d", first.Code, again.Code)
	}
	if first.Body.String() != again.Body.String() {
		t.Errorf("the same question, two answers:\n%s\n%s", first.Body, again.Body)
	}
	// The kept answer is byte for byte the one made afresh.
	d, err := e.db.Directory(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := encodeJSON(bodyOf(commands.ContactMessage(d, d.OrgByAcronym("3GPP"), routerNow, "", false)))
	if err != nil {
		t.Fatal(err)
	}
	if first.Body.String() != string(fresh) {
		t.Errorf("kept answer\n%s\nfresh answer\n%s", first.Body, fresh)
	}
	var body struct {
		ResponseType string            `json:"response_type"`
		Blocks       []json.RawMessage `json:"blocks"`
	}
	if err := json.Unmarshal(first.Body.Bytes(), &body); err != nil || body.ResponseType != "ephemeral" || len(body.Blocks) == 0 {
		t.Fatalf("answer %s (%v)", first.Body, err)
	}

	orgs := e.slash("USUB", "C1", "orgs").Body.String()
	_, err = e.db.ApplyDirectory(context.Background(), bot.DirectoryEdit{By: "test", Edit: func(d *bot.Directory) (*bot.Directory, error) {
		o := d.OrgByAcronym("3GPP")
		o.Managers[0].Name = "Gonzalo Nuevo"
		return d, nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	after := e.slash("USUB", "C1", "contact 3gpp").Body.String()
	if !strings.Contains(after, "Gonzalo Nuevo") || strings.Contains(after, "Gonzalo Camarillo") {
		t.Errorf("contact after the edit:\n%s", after)
	}
	if o := e.slash("USUB", "C1", "orgs").Body.String(); o == orgs || !strings.Contains(o, "Gonzalo Nuevo") {
		t.Errorf("orgs after the edit:\n%s", o)
	}
}

func TestSlash_QuickCommandsAnswerOnTheAcknowledgement(t *testing.T) {
	// A budget no command can meet: whatever races it is acknowledged
	// empty and answered later; what is answered at once does not race.
	e := newTestEnv(t, func(cfg *Config) { cfg.CommandBudget = time.Nanosecond })
	// The first command of a user waits on users.info: it races.
	e.slash("USUB", "C1", "help")
	e.fake.Wait("response", 1)
	for _, text := range []string{"contact 3gpp", "orgs", "help", "help submit", "who cablelab"} {
		w := e.slash("USUB", "C1", text)
		if w.Code != 200 || !strings.Contains(w.Body.String(), `"blocks"`) {
			t.Errorf("%q: %d %q, want the answer on the acknowledgement", text, w.Code, w.Body)
		}
	}
}

// panickyQuick is a QuickHandler whose quick commands panic.
type panickyQuick struct{}

func (panickyQuick) Handle(context.Context, *bot.Request) *bot.Response { panic("boom") }
func (panickyQuick) Quick(context.Context, *bot.Request) bool           { return true }

func TestSlash_QuickCommandThatPanicsAnswersSafely(t *testing.T) {
	e := newTestEnv(t, func(cfg *Config) { cfg.Handler = panickyQuick{} })
	e.slash("USUB", "C1", "help") // the user's first command races; it panics too
	w := e.slash("USUB", "C1", "contact 3gpp")
	if w.Code != 200 || !strings.Contains(w.Body.String(), "something went wrong on our side") || strings.Contains(w.Body.String(), "boom") {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
}
