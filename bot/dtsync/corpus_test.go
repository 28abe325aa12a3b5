package dtsync_test

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/ietf-tools/liaisonbot/internal/corpustest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
	"github.com/ietf-tools/liaisonbot/bot/console"
	"github.com/ietf-tools/liaisonbot/bot/datatracker/datatrackertest"
	"github.com/ietf-tools/liaisonbot/commands"
	"github.com/ietf-tools/liaisonbot/storage"
	"github.com/ietf-tools/liaisonbot/storage/storagetest"
)

// corpusEntry is one statement of testdata/corpus/statements.json, written
// twice: as the Datatracker holds it (group acronyms, contact fields as
// typed into its form, attachment documents) and as a liaison manager
// recording it would type it (from, to).
type corpusEntry struct {
	ID        int64
	DTFrom    []string `json:"dt_from"`
	DTTo      []string `json:"dt_to"`
	From, To  string
	Title     string
	Purpose   string
	Deadline  string
	Submitted string
	Response  string
	Technical string
	Action    string
	ToC       string `json:"to_c"`
	CC        string
	Att       []corpusAttachment
	IDs       string
	Body      string
	Expected  map[string]string
}

func loadCorpus(t *testing.T) []corpusEntry {
	t.Helper()
	buf, err := os.ReadFile("../../testdata/corpus/statements.json")
	if err != nil {
		t.Fatal(err)
	}
	var out []corpusEntry
	if err := json.Unmarshal(buf, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// corpusGroups are the IETF groups the directory sync would have read:
// those of the fake Datatracker's seed.
const corpusGroups = `[
 {"Acronym":"ccamp","Name":"Common Control and Measurement Plane","Type":"wg","State":"active","Area":"rtg"},
 {"Acronym":"mpls","Name":"Multiprotocol Label Switching","Type":"wg","State":"active","Area":"rtg"},
 {"Acronym":"pwe3","Name":"Pseudowire Emulation Edge to Edge","Type":"wg","State":"conclude","Area":"rtg"},
 {"Acronym":"rtg","Name":"Routing Area","Type":"area","State":"active"},
 {"Acronym":"iab","Name":"Internet Architecture Board","Type":"iab","State":"active"},
 {"Acronym":"iesg","Name":"Internet Engineering Steering Group","Type":"iesg","State":"active"},
 {"Acronym":"ietf","Name":"Internet Engineering Task Force","Type":"ietf","State":"active"}]`

// inlineLine is the entry as "key: value" lines for inline submit.
func (e corpusEntry) inlineLine() string {
	lines := []string{"submit", "from: " + e.From, "to: " + e.To, "title: " + e.Title, "purpose: For " + e.Purpose}
	add := func(k, v string) {
		if v != "" {
			lines = append(lines, k+": "+v)
		}
	}
	add("deadline", e.Deadline)
	add("submitted", e.Submitted)
	add("response-contact", e.Response)
	add("technical-contact", e.Technical)
	add("action-holder-contact", e.Action)
	add("to-contact", e.ToC)
	add("cc", e.CC)
	var att []string
	for _, a := range e.Att {
		att = append(att, a.line())
	}
	add("attachments", strings.Join(att, ", "))
	add("identifiers", e.IDs)
	add("body", e.Body)
	return strings.Join(lines, "\n")
}

func renderShow(t *testing.T, db *storage.DB, id int64) string {
	t.Helper()
	ctx := context.Background()
	s, err := db.Statement(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	d, err := db.Directory(ctx)
	if err != nil {
		t.Fatal(err)
	}
	gs, _ := bot.ParseIETFGroups(corpusGroups)
	m := commands.StatementMessage(s, nil, d.StatementOrg(s), d, gs, bot.DateOf(clock))
	return console.Render([]bot.Message{m})
}

// Issue 14's corpus: every statement goes in through inline submit in the
// console exactly as written and through the statement sync from the
// (fake) Datatracker, and both give the expected show, field by field.
func TestCorpus_InlineSubmitAndSyncGiveTheExpectedShow(t *testing.T) {
	corpus := loadCorpus(t)
	if len(corpus) < 30 {
		t.Fatalf("%d statements in the corpus, want at least 30", len(corpus))
	}
	ctx := context.Background()

	// Inline submit, through the console adapter, as the local admin.
	db := storagetest.Open(t, storagetest.Now(func() time.Time { return clock }))
	if err := db.SetSyncState(ctx, bot.SyncKeyIETFGroups, corpusGroups); err != nil {
		t.Fatal(err)
	}
	router := commands.New(db, nil)
	router.Now = func() time.Time { return clock }
	asWritten := 0
	for i, e := range corpus {
		resp := router.Handle(ctx, &bot.Request{Platform: bot.PlatformConsole, Actor: console.LocalActor(), Channel: bot.Channel{DM: true}, Text: e.inlineLine()})
		rendered := console.Render(resp.Messages)
		if !strings.Contains(rendered, fmt.Sprintf("Submitted LS-%d", i+1)) {
			t.Errorf("%d %q: not submitted as written:\n%s", e.ID, e.Title, rendered)
			router.Handle(ctx, &bot.Request{Platform: bot.PlatformConsole, Actor: console.LocalActor(), Channel: bot.Channel{DM: true}, Text: "cancel"})
			continue
		}
		got := corpustest.ShowFields(renderShow(t, db, int64(i+1)))
		if os.Getenv("CORPUS_UPDATE") != "" {
			corpus[i].Expected = got
		}
		if d := corpustest.DiffFields(got, corpus[i].Expected); d != "" {
			t.Errorf("%d %q through inline submit:\n%s", e.ID, e.Title, d)
			continue
		}
		asWritten++
	}
	t.Logf("inline submit: %d of %d statements go in exactly as written", asWritten, len(corpus))
	if os.Getenv("CORPUS_UPDATE") != "" {
		buf, _ := json.MarshalIndent(corpus, "", " ")
		if err := os.WriteFile("../../testdata/corpus/statements.json", append(buf, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	// The statement sync from the fake Datatracker.
	f := newFixture(t, true)
	f.srv.Update(func(d *datatrackertest.Data) {
		ids := map[string]int64{}
		for _, g := range d.Groups {
			ids[g.Acronym] = g.ID
		}
		group := func(acr string) int64 {
			id, ok := ids[acr]
			if !ok {
				t.Fatalf("the fake Datatracker has no group %q", acr)
			}
			return id
		}
		attID := int64(70000)
		for _, e := range corpus {
			st := datatrackertest.Statement{ID: e.ID, Title: e.Title, Purpose: e.Purpose, Deadline: e.Deadline, Body: e.Body, State: "posted",
				ToContacts: e.ToC, ResponseContacts: e.Response, TechnicalContacts: e.Technical, ActionHolderContacts: e.Action, CCContacts: e.CC}
			if e.IDs != "" {
				ids := e.IDs
				st.OtherIdentifiers = &ids
			}
			for _, g := range e.DTFrom {
				st.FromGroups = append(st.FromGroups, group(g))
			}
			for _, g := range e.DTTo {
				st.ToGroups = append(st.ToGroups, group(g))
			}
			d.Statements = append(d.Statements, st)
			d.Events = append(d.Events,
				datatrackertest.Event{ID: e.ID*10 + 1, Time: e.Submitted + "T12:00:00Z", Type: "submitted", By: datatrackertest.PersonSystem, StatementID: e.ID},
				datatrackertest.Event{ID: e.ID*10 + 2, Time: e.Submitted + "T12:05:00Z", Type: "posted", By: datatrackertest.PersonSystem, StatementID: e.ID})
			for _, a := range e.Att {
				attID++
				d.Attachments = append(d.Attachments, datatrackertest.Attachment{ID: attID, StatementID: e.ID, Document: a.Name})
				d.Documents = append(d.Documents, datatrackertest.Document{Name: a.Name, Title: a.Title, UploadedFilename: a.File})
			}
		}
	})
	f.syncStatements()
	synced := 0
	for _, e := range corpus {
		var local int64
		err := f.db.UpdateStatements(ctx, func(tx bot.StatementTx) error {
			s, err := tx.ByDatatrackerID(e.ID)
			if err == nil {
				local = s.ID
			}
			return err
		})
		if err != nil {
			t.Errorf("%d: not synced: %v", e.ID, err)
			continue
		}
		if d := corpustest.DiffFields(corpustest.ShowFields(renderShow(t, f.db, local)), e.Expected); d != "" {
			t.Errorf("%d %q through the statement sync:\n%s", e.ID, e.Title, d)
			continue
		}
		synced++
	}
	t.Logf("statement sync: %d of %d statements arrive as expected", synced, len(corpus))
}

// corpusAttachment is an attachment as the Datatracker holds it: the
// document's name, its title and its file.
type corpusAttachment struct{ Name, Title, File string }

// line is the attachment as people write it: Title <URL>.
func (a corpusAttachment) line() string {
	return bot.Attachment{Title: a.Title, URL: "https://www.ietf.org/lib/dt/documents/LIAISON/" + a.File}.String()
}
