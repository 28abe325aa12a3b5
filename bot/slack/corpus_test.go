package slack

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/ietf-tools/liaisonbot/internal/corpustest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
	"github.com/ietf-tools/liaisonbot/bot/console"
	"github.com/ietf-tools/liaisonbot/commands"
)

// corpusGroups are the IETF groups of the corpus (as in bot/dtsync's
// corpus test: the fake Datatracker's seed).
const corpusGroups = `[
 {"Acronym":"ccamp","Name":"Common Control and Measurement Plane","Type":"wg","State":"active","Area":"rtg"},
 {"Acronym":"mpls","Name":"Multiprotocol Label Switching","Type":"wg","State":"active","Area":"rtg"},
 {"Acronym":"pwe3","Name":"Pseudowire Emulation Edge to Edge","Type":"wg","State":"conclude","Area":"rtg"},
 {"Acronym":"rtg","Name":"Routing Area","Type":"area","State":"active"},
 {"Acronym":"iab","Name":"Internet Architecture Board","Type":"iab","State":"active"},
 {"Acronym":"iesg","Name":"Internet Engineering Steering Group","Type":"iesg","State":"active"},
 {"Acronym":"ietf","Name":"Internet Engineering Task Force","Type":"ietf","State":"active"}]`

type corpusEntry struct {
	ID                                              int64
	From, To, Title, Purpose, Deadline, Submitted   string
	Response, Technical, Action, ToC, CC, IDs, Body string
	Att                                             []corpusAttachment
	Expected                                        map[string]string
	ToCJSON                                         string `json:"to_c"`
}

// Issue 14's corpus through the Slack modal: each name typed into the
// organization and IETF group pickers is looked up through /slack/options
// (signed, as Slack asks), the first option picked, the other fields typed
// as written, and the view_submission posted signed to
// /slack/interactivity. The statement's show must be the expected one.
func TestCorpus_SlackModalGivesTheExpectedShow(t *testing.T) {
	buf, err := os.ReadFile("../../testdata/corpus/statements.json")
	if err != nil {
		t.Fatal(err)
	}
	var corpus []corpusEntry
	if err := json.Unmarshal(buf, &corpus); err != nil {
		t.Fatal(err)
	}
	clock := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	e := newTestEnv(t)
	e.router.Now = func() time.Time { return clock }
	ctx := context.Background()
	if err := e.db.SetSyncState(ctx, bot.SyncKeyIETFGroups, corpusGroups); err != nil {
		t.Fatal(err)
	}
	suggest := func(block, q string) string {
		t.Helper()
		b, _ := json.Marshal(map[string]any{
			"type": "block_suggestion", "block_id": block, "action_id": "value", "value": q,
			"user": map[string]any{"id": "UADMIN"}, "view": map[string]any{"id": "V1", "callback_id": statementCallbackID},
		})
		w := e.post("/slack/options", formType, url.Values{"payload": {string(b)}}.Encode())
		var got optionsBody
		if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil || len(got.Options) == 0 {
			t.Errorf("%s options for %q: %s", block, q, w.Body)
			return ""
		}
		return got.Options[0].Value
	}
	pick := func(block, list string) string {
		var out []string
		for _, n := range bot.SplitGroups(list) {
			out = append(out, suggest(block, n))
		}
		return bot.JoinGroups(out)
	}
	d, err := e.db.Directory(ctx)
	if err != nil {
		t.Fatal(err)
	}
	view, _ := json.Marshal(statementModal(&bot.FormState{Values: map[string]string{}}, modalMeta{}, d))
	gs, _ := bot.ParseIETFGroups(corpusGroups)
	ok, id := 0, int64(0)
	for _, c := range corpus {
		// Which side is the organization: as the Datatracker's groups say.
		dir, org, group := "incoming", c.From, c.To
		if _, isGroup := gs.Resolve(bot.SplitGroups(c.From)[0]); isGroup {
			dir, org, group = "outgoing", c.To, c.From
		}
		values := map[string]string{bot.FDirection: dir, bot.FOrg: pick(bot.FOrg, org), bot.FGroup: pick(bot.FGroup, group),
			bot.FTitle: c.Title, bot.FPurpose: c.Purpose, bot.FSubmitted: c.Submitted}
		set := func(k, v string) {
			if v != "" {
				values[k] = v
			}
		}
		set(bot.FDeadline, c.Deadline)
		set(bot.FResponse, c.Response)
		set(bot.FTechnical, c.Technical)
		set(bot.FActions, c.Action)
		set(bot.FToContacts, c.ToCJSON)
		set(bot.FCC, c.CC)
		set(bot.FIdentifiers, c.IDs)
		set(bot.FBody, c.Body)
		var att []string
		for _, a := range c.Att {
			att = append(att, a.line())
		}
		set(bot.FAttachments, strings.Join(att, "\n"))
		w := e.interact(viewSubmission(t, view, fmt.Sprintf("VCORPUS%d", id), "UADMIN", values))
		if w.Code != 200 || w.Body.Len() != 0 {
			t.Errorf("%d %q: the modal answered %d %s", c.ID, c.Title, w.Code, w.Body)
			continue
		}
		id++
		s, err := e.db.Statement(ctx, id)
		if err != nil {
			t.Errorf("%d: %v", c.ID, err)
			continue
		}
		m := commands.StatementMessage(s, nil, d.StatementOrg(s), d, gs, bot.DateOf(clock))
		got := corpustest.ShowFields(console.Render([]bot.Message{m}))
		if diff := corpustest.DiffFields(got, c.Expected); diff != "" {
			t.Errorf("%d %q through the Slack modal:\n%s", c.ID, c.Title, diff)
			continue
		}
		ok++
	}
	t.Logf("Slack modal: %d of %d statements give the expected show", ok, len(corpus))
}

// corpusAttachment is an attachment as the Datatracker holds it: the
// document's name, its title and its file.
type corpusAttachment struct{ Name, Title, File string }

// line is the attachment as people write it: Title <URL>.
func (a corpusAttachment) line() string {
	return bot.Attachment{Title: a.Title, URL: "https://www.ietf.org/lib/dt/documents/LIAISON/" + a.File}.String()
}
