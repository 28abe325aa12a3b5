package slack

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/ietf-tools/liaisonbot/internal/permissiontest"
	"github.com/ietf-tools/liaisonbot/storage/storagetest/dbdump"
)

// TestPermissions_ThroughSignedSlashCommands runs the permission matrix
// as Slack delivers it: signed /liaison commands from users whose email
// the fake Slack's users.info reports. Who may gets the change made; anyone
// else is refused and nothing in the database changes but the adapter's
// cache of Slack profiles.
func TestPermissions_ThroughSignedSlashCommands(t *testing.T) {
	// One fake Slack serves every case (each has its own adapter and
	// database); it knows every actor's profile.
	fake := newFakeSlack(t)
	for _, x := range permissiontest.Actors {
		fake.SetUser(x.UserID, x.Email, x.Name)
	}
	for _, tc := range permissiontest.Cases() {
		for _, a := range permissiontest.Actors {
			t.Run(tc.Name+"/"+string(a.Kind), func(t *testing.T) {
				t.Parallel()
				db := permissiontest.Open(t)
				db.Logger = quietLogger()
				e := &testEnv{t: t, dbPath: db.Path, db: db, fake: fake, router: permissiontest.Router(db)}
				e.router.Logger = quietLogger()
				e.start()
				before := dbdump.Dump(t, db.Path, "slack_users", "slack_emails")

				w := e.slash(a.UserID, permissiontest.Channel, tc.Line)
				if err := e.adapter.Shutdown(context.Background()); err != nil {
					t.Fatal(err)
				}
				if w.Code != 200 || w.Body.Len() == 0 {
					t.Fatalf("%q as %s: answered %d %q", tc.Line, a.Kind, w.Code, w.Body)
				}
				out := ackText(t, w.Body.Bytes())
				diff := dbdump.Diff(before, dbdump.Dump(t, db.Path, "slack_users", "slack_emails"))
				if tc.May(a.Kind) {
					if !strings.Contains(out, tc.Done) || diff == "" {
						t.Fatalf("%q as %s: want it done (%q), database changed: %v:\n%s", tc.Line, a.Kind, tc.Done, diff != "", out)
					}
					return
				}
				if !strings.Contains(out, tc.Refused) || strings.Contains(out, tc.Done) {
					t.Errorf("%q as %s: want a refusal saying %q:\n%s", tc.Line, a.Kind, tc.Refused, out)
				}
				if diff != "" {
					t.Errorf("%q as %s was refused but changed the database:\n%s", tc.Line, a.Kind, diff)
				}
			})
		}
	}
}

// slackLink is a link in Slack's message format: <target|label> or
// <target>.
var slackLink = regexp.MustCompile(`<(?:mailto:)?([^<>|]*)(?:\|([^<>]*))?>`)

// ackText is the text of a slash command's answer as a person reads it:
// the text of every block, Slack's links and entities undone.
func ackText(t *testing.T, body []byte) string {
	t.Helper()
	var ack struct {
		Text   string           `json:"text"`
		Blocks []map[string]any `json:"blocks"`
	}
	if err := json.Unmarshal(body, &ack); err != nil {
		t.Fatalf("answer is not JSON: %v\n%s", err, body)
	}
	var b strings.Builder
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if s, ok := x["text"].(string); ok {
				b.WriteString(s + "\n")
			}
			for k, y := range x {
				if k != "text" {
					walk(y)
				} else if _, ok := y.(string); !ok {
					walk(y)
				}
			}
		case []any:
			for _, y := range x {
				walk(y)
			}
		}
	}
	for _, bl := range ack.Blocks {
		walk(bl)
	}
	s := slackLink.ReplaceAllStringFunc(b.String(), func(l string) string {
		m := slackLink.FindStringSubmatch(l)
		if m[2] != "" {
			return m[2]
		}
		return m[1]
	})
	s = strings.NewReplacer("*", "", "_", "", "`", "").Replace(s)
	return strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(s)
}
