package slack

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/ietf-tools/liaisonbot/bot"
)

// Patrik Fältström is in the bundled directory: the IETF's liaison manager
// to the Unicode Consortium.
const directoryEmail = "paf@netnod.se"

// The users Slack may report with a directory person's email, and whether
// the bot may take them for that person.
var vouchCases = []struct {
	name       string
	enterprise string // the app's Enterprise Grid organization
	fields     map[string]any
	linked     bool
}{
	{"member of the workspace, email confirmed", "", nil, true},
	{"email in another case", "", map[string]any{"profile": map[string]any{"email": "PAF@Netnod.se", "real_name": "Patrik"}}, true},
	{"other workspace", "", map[string]any{"team_id": "T0OTHER"}, false},
	{"stranger (Slack Connect)", "", map[string]any{"team_id": "T0OTHER", "is_stranger": true}, false},
	{"stranger reported in our team", "", map[string]any{"is_stranger": true}, false},
	{"deactivated", "", map[string]any{"deleted": true}, false},
	{"bot", "", map[string]any{"is_bot": true}, false},
	{"workflow bot", "", map[string]any{"is_workflow_bot": true}, false},
	{"email not confirmed", "", map[string]any{"is_email_confirmed": false}, false},
	{"email confirmation not reported", "", map[string]any{"is_email_confirmed": nil}, false},
	{"other workspace of our Enterprise Grid org", "E0IETF", map[string]any{"team_id": "T0SISTER",
		"enterprise_user": map[string]any{"id": "W0PAF", "enterprise_id": "E0IETF", "teams": []string{"T0SISTER"}}}, true},
	{"Grid user reported with the org as team", "E0IETF", map[string]any{"team_id": "E0IETF"}, true},
	{"another Enterprise Grid org", "E0IETF", map[string]any{"team_id": "T0ELSE",
		"enterprise_user": map[string]any{"id": "W0PAF", "enterprise_id": "E0OTHER", "teams": []string{"T0ELSE"}}}, false},
	{"no email", "", map[string]any{"profile": map[string]any{"real_name": "Patrik"}}, false},
}

func TestIdentity_OnlyPeopleSlackVouchesForAreLinkedByEmail(t *testing.T) {
	for i, c := range vouchCases {
		t.Run(c.name, func(t *testing.T) {
			e := newTestEnv(t)
			e.fake.SetEnterprise(c.enterprise)
			user := fmt.Sprintf("UPAF%02d", i)
			e.fake.SetUserFields(user, directoryEmail, "Patrik Fältström", c.fields)
			w := e.slash(user, "C1", "contact unicode")
			if w.Code != 200 {
				t.Fatalf("status %d: %s", w.Code, w.Body)
			}
			e.drain()
			d, err := e.db.Directory(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			p := d.LinkedPerson(bot.PlatformSlack, user)
			if c.linked && (p == nil || !strings.EqualFold(p.Email, directoryEmail)) {
				t.Errorf("not linked to the directory person (got %+v)", p)
			}
			if !c.linked && p != nil {
				t.Errorf("linked to %s <%s>: Slack does not vouch for this user's email", p.Name, p.Email)
			}
		})
	}
}

func TestIdentity_ActorCarriesOnlyAVouchedEmail(t *testing.T) {
	for i, c := range vouchCases {
		t.Run(c.name, func(t *testing.T) {
			h := newCountingHandler()
			e := newTestEnv(t, func(cfg *Config) { cfg.Handler = h })
			e.fake.SetEnterprise(c.enterprise)
			user := fmt.Sprintf("UACT%02d", i)
			e.fake.SetUserFields(user, directoryEmail, "Patrik Fältström", c.fields)
			e.slash(user, "C1", "help")
			req := <-h.n
			if got := req.Actor.Email != ""; got != c.linked {
				t.Errorf("actor email %q; want one: %v", req.Actor.Email, c.linked)
			}
			if req.Actor.Name != "Patrik Fältström" && req.Actor.Name != "Patrik" {
				t.Errorf("actor name %q: the name is still Slack's", req.Actor.Name)
			}
		})
	}
}

func TestIdentity_DirectoryAddressOfAnUnvouchedUserFindsNobody(t *testing.T) {
	for i, c := range vouchCases {
		if _, hasEmail := c.fields["profile"]; hasEmail {
			continue // lookupByEmail finds users by the address
		}
		t.Run(c.name, func(t *testing.T) {
			e := newTestEnv(t)
			e.fake.SetEnterprise(c.enterprise)
			user := fmt.Sprintf("ULOOK%02d", i)
			e.fake.SetUserFields(user, directoryEmail, "Patrik Fältström", c.fields)
			id, err := e.adapter.UserByEmail(context.Background(), directoryEmail)
			if c.linked && (err != nil || id != user) {
				t.Errorf("UserByEmail: %q, %v; want %s", id, err, user)
			}
			if !c.linked && (err == nil || bot.ErrorCode(err) != bot.ENOTFOUND) {
				t.Errorf("UserByEmail: %q, %v; want nobody (ENOTFOUND)", id, err)
			}
		})
	}
}
